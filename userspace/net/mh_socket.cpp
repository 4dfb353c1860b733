#include "xpmip/net/mh_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

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
  if (auto set = detail::set_options(
          fd.get(),
          {{IPPROTO_RAW, IPV6_CHECKSUM, kMhChecksumOffset, "enable kernel MH checksum"},
           {IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "enable IPV6_RECVPKTINFO"}},
          where);
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
  auto received = detail::receive_datagram(fd_.get(), message.bytes);
  if (!received)
    return tl::unexpected(
        NetError{"receive MH on " + to_string(local_address_), received.error().error_number});
  // Nothing queued also covers a datagram the kernel has just dropped for a bad checksum.
  if (!*received) return std::nullopt;
  const detail::ReceivedDatagram& datagram = **received;
  message.bytes.resize(datagram.size);
  message.source = datagram.source;
  if (datagram.packet_info) {
    message.destination = datagram.packet_info->destination;
    message.ifindex = datagram.packet_info->ifindex;
  }
  return message;
}

}  // namespace xpmip::net
