// Small helpers shared by the socket adapters of this directory.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
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

}  // namespace xpmip::net::detail
