#include "xpmip/net/mh_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "socket_util.hpp"
#include "xpmip/address.hpp"

namespace xpmip::net {
namespace {

constexpr int kIpProtoMobilityHeader = 135;  // IANA; RFC 6275 §6.1
constexpr int kMhChecksumOffset = 4;  // RFC 6275 §6.1: Checksum follows Proto, Len, Type, Rsvd
// Header Len is 8 bits of 8-octet units, so an MH is at most 2048 octets (RFC 6275 §6.1). A
// larger datagram is truncated here; the octets lost lie beyond any Header Len the codec reads.
constexpr std::size_t kMaxMobilityHeader = 2048;

}  // namespace

NetResult<MhSocket> MhSocket::open(const Ipv6Address& local_address, int scope_ifindex) {
  const std::string where = " (MH socket on " + to_string(local_address) + ")";
  UniqueFd fd{::socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, kIpProtoMobilityHeader)};
  if (!fd.valid()) return tl::unexpected(errno_error("open raw IPv6 socket for protocol 135"));

  // RFC 3542 §3.1: the kernel computes the checksum at this offset on send and drops datagrams
  // whose checksum is wrong on receipt, which is exactly RFC 6275 §9.2's "silently discard".
  // Linux defaults to this for protocol 135, but UMIP sets it too and we do not rely on a default.
  if (auto set = detail::set_option(fd.get(), IPPROTO_RAW, IPV6_CHECKSUM, kMhChecksumOffset,
                                    "enable kernel MH checksum" + where);
      !set)
    return tl::unexpected(set.error());
  if (auto set = detail::set_option(fd.get(), IPPROTO_IPV6, IPV6_RECVPKTINFO, 1,
                                    "enable IPV6_RECVPKTINFO" + where);
      !set)
    return tl::unexpected(set.error());

  const sockaddr_in6 local = detail::socket_address(local_address, scope_ifindex);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0)
    return tl::unexpected(errno_error("bind" + where));
  return MhSocket(std::move(fd), local_address, scope_ifindex);
}

NetResult<void> MhSocket::send(std::span<const std::uint8_t> mh, const Ipv6Address& destination) {
  const sockaddr_in6 to = detail::socket_address(destination, scope_ifindex_);
  const ssize_t sent = ::sendto(fd_.get(), mh.data(), mh.size(), MSG_DONTWAIT,
                                reinterpret_cast<const sockaddr*>(&to), sizeof to);
  if (sent < 0)
    return tl::unexpected(
        errno_error("send MH from " + to_string(local_address_) + " to " + to_string(destination)));
  return {};
}

NetResult<std::optional<ReceivedMobilityHeader>> MhSocket::receive() {
  ReceivedMobilityHeader message;
  message.bytes.resize(kMaxMobilityHeader);
  sockaddr_in6 from{};
  iovec data{message.bytes.data(), message.bytes.size()};
  alignas(cmsghdr) std::uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
  msghdr header{};
  header.msg_name = &from;
  header.msg_namelen = sizeof from;
  header.msg_iov = &data;
  header.msg_iovlen = 1;
  header.msg_control = control;
  header.msg_controllen = sizeof control;

  const ssize_t received = ::recvmsg(fd_.get(), &header, MSG_DONTWAIT);
  if (received < 0) {
    // EAGAIN also reports a datagram the kernel has just dropped for a bad checksum.
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
    return tl::unexpected(errno_error("receive MH on " + to_string(local_address_)));
  }
  message.bytes.resize(static_cast<std::size_t>(received));
  message.source = detail::address_of(from.sin6_addr);
  for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
    if (c->cmsg_level != IPPROTO_IPV6 || c->cmsg_type != IPV6_PKTINFO) continue;
    in6_pktinfo info{};
    std::memcpy(&info, CMSG_DATA(c), sizeof info);
    message.destination = detail::address_of(info.ipi6_addr);
    message.ifindex = static_cast<int>(info.ipi6_ifindex);
  }
  return message;
}

}  // namespace xpmip::net
