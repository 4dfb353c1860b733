// Small helpers shared by the socket adapters of this directory.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>

#include "xpmip/address.hpp"
#include "xpmip/net/error.hpp"
#include "xpmip/wire.hpp"

namespace xpmip::net::detail {

[[nodiscard]] inline bool is_multicast(const Ipv6Address& address) {
  return address[0] == 0xff;
}

// The scope id is set for addresses that need one (RFC 4007 §6): link-local and multicast.
[[nodiscard]] inline sockaddr_in6 socket_address(const Ipv6Address& address, int ifindex) {
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  std::memcpy(&sa.sin6_addr, address.data(), address.size());
  if (is_link_local(address) || is_multicast(address))
    sa.sin6_scope_id = static_cast<std::uint32_t>(ifindex);
  return sa;
}

[[nodiscard]] inline Ipv6Address address_of(const in6_addr& address) {
  Ipv6Address out{};
  std::memcpy(out.data(), &address, out.size());
  return out;
}

template <typename T>
[[nodiscard]] NetResult<void> set_option(int fd, int level, int name, const T& value,
                                         const std::string& step) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0)
    return tl::unexpected(errno_error(step));
  return {};
}

// An int-valued socket option and the step that names it in an error.
struct IntOption {
  int level;
  int name;
  int value;
  const char* step;
};

// Sets the options in the order given; the first failure names its step followed by `where`.
[[nodiscard]] inline NetResult<void> set_options(int fd, std::initializer_list<IntOption> options,
                                                 const std::string& where) {
  for (const IntOption& option : options) {
    if (auto set = set_option(fd, option.level, option.name, option.value, option.step + where);
        !set)
      return set;
  }
  return {};
}

// A message header for one datagram in `data` to or from `peer`, with room for ancillary data.
[[nodiscard]] inline msghdr message_header(sockaddr_in6& peer, iovec& data,
                                           std::span<std::uint8_t> control) {
  msghdr header{};
  header.msg_name = &peer;
  header.msg_namelen = sizeof peer;
  header.msg_iov = &data;
  header.msg_iovlen = 1;
  header.msg_control = control.data();
  header.msg_controllen = control.size();
  return header;
}

// IPV6_PKTINFO of a received datagram (RFC 3542 §6.1, §6.2).
struct PacketInfo {
  Ipv6Address destination{};
  int ifindex = 0;  // arrival interface
};

// One datagram and the ancillary data the socket asked for (IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT).
struct ReceivedDatagram {
  std::size_t size = 0;  // octets in the buffer; a longer datagram was truncated to the buffer
  Ipv6Address source{};
  std::optional<PacketInfo> packet_info;
  std::optional<int> hop_limit;  // IPV6_HOPLIMIT (RFC 3542 §6.3)
};

// Receives the next queued datagram into `buffer` without blocking; nullopt when none is queued.
// A failure carries errno and the step "recvmsg": the caller renames it for what it was receiving.
[[nodiscard]] NetResult<std::optional<ReceivedDatagram>> receive_datagram(
    int fd, std::span<std::uint8_t> buffer);

}  // namespace xpmip::net::detail
