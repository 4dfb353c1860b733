// libnl-3 glue shared by the rtnetlink adapters: owning handles and error translation.
#pragma once

#include <netlink/addr.h>
#include <netlink/netlink.h>
#include <netlink/object.h>

#include <memory>
#include <span>
#include <string>

#include "xpmip/net/error.hpp"
#include "xpmip/net/netlink_socket.hpp"

namespace xpmip::net::detail {

struct NlAddrPut {
  void operator()(nl_addr* address) const noexcept { nl_addr_put(address); }
};
using NlAddr = std::unique_ptr<nl_addr, NlAddrPut>;

// For rtnl_link, rtnl_addr, rtnl_neigh: all are nl_objects released with nl_object_put.
template <typename T>
struct NlObjectPut {
  void operator()(T* object) const noexcept { nl_object_put(reinterpret_cast<nl_object*>(object)); }
};
template <typename T>
using NlObject = std::unique_ptr<T, NlObjectPut<T>>;

// A NetError for a libnl failure; libnl's NLE_* codes are mapped back to the nearest errno.
[[nodiscard]] NetError netlink_error(std::string step, int nl_error);

// A NETLINK_ROUTE socket, connected.
[[nodiscard]] NetResult<NlSocket> connect_route_socket(const std::string& purpose);

[[nodiscard]] NlAddr make_nl_addr(int family, std::span<const std::uint8_t> bytes);

}  // namespace xpmip::net::detail
