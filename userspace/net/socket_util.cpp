#include "socket_util.hpp"

#include <cerrno>

namespace xpmip::net::detail {

NetResult<std::optional<ReceivedDatagram>> receive_datagram(int fd,
                                                            std::span<std::uint8_t> buffer) {
  sockaddr_in6 from{};
  iovec data{buffer.data(), buffer.size()};
  alignas(cmsghdr)
      std::uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(int))] = {};
  msghdr header = message_header(from, data, control);

  const ssize_t received = ::recvmsg(fd, &header, MSG_DONTWAIT);
  if (received < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
    return tl::unexpected(errno_error("recvmsg"));
  }
  ReceivedDatagram datagram;
  datagram.size = static_cast<std::size_t>(received);
  datagram.source = address_of(from.sin6_addr);
  for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
    if (c->cmsg_level != IPPROTO_IPV6) continue;
    if (c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      datagram.packet_info =
          PacketInfo{address_of(info.ipi6_addr), static_cast<int>(info.ipi6_ifindex)};
    } else if (c->cmsg_type == IPV6_HOPLIMIT) {
      int hop_limit = 0;
      std::memcpy(&hop_limit, CMSG_DATA(c), sizeof hop_limit);
      datagram.hop_limit = hop_limit;
    }
  }
  return datagram;
}

}  // namespace xpmip::net::detail
