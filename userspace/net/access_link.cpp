#include "xpmip/net/access_link.hpp"

#include <linux/neighbour.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/errno.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

#include "netlink.hpp"
#include "xpmip/address.hpp"
#include "xpmip/net/mac_text.hpp"

namespace xpmip::net {
namespace {

constexpr int kLinkLocalPrefixLength = 64;  // RFC 4291 §2.5.6

NetResult<void> set_mac(nl_sock* socket, int ifindex, const MacAddress& mac) {
  const std::string step = "set MAC " + mac_text(mac) + " on ifindex " + std::to_string(ifindex);
  detail::NlObject<rtnl_link> original{rtnl_link_alloc()};
  detail::NlObject<rtnl_link> change{rtnl_link_alloc()};
  auto address = detail::make_nl_addr(AF_LLC, mac);
  if (!original || !change || !address) return tl::unexpected(NetError{step, ENOMEM});
  rtnl_link_set_ifindex(original.get(), ifindex);
  rtnl_link_set_addr(change.get(), address.get());
  if (int rc = rtnl_link_change(socket, original.get(), change.get(), 0); rc < 0)
    return tl::unexpected(detail::netlink_error(step, rc));
  return {};
}

NetResult<void> add_link_local(nl_sock* socket, int ifindex, const Ipv6Address& link_local) {
  const std::string step =
      "add " + to_string(link_local) + "/64 nodad on ifindex " + std::to_string(ifindex);
  detail::NlObject<rtnl_addr> entry{rtnl_addr_alloc()};
  auto local = detail::make_nl_addr(AF_INET6, link_local);
  if (!entry || !local) return tl::unexpected(NetError{step, ENOMEM});
  nl_addr_set_prefixlen(local.get(), kLinkLocalPrefixLength);
  rtnl_addr_set_ifindex(entry.get(), ifindex);
  rtnl_addr_set_family(entry.get(), AF_INET6);
  if (int rc = rtnl_addr_set_local(entry.get(), local.get()); rc < 0)
    return tl::unexpected(detail::netlink_error(step, rc));
  rtnl_addr_set_scope(entry.get(), RT_SCOPE_LINK);
  rtnl_addr_set_flags(entry.get(), IFA_F_NODAD);
  // REPLACE makes a second call (daemon restart) update the existing address instead of failing.
  if (int rc = rtnl_addr_add(socket, entry.get(), NLM_F_REPLACE); rc < 0)
    return tl::unexpected(detail::netlink_error(step, rc));
  return {};
}

}  // namespace

NetResult<void> adopt_router_identity(int ifindex, const RouterIdentity& identity) {
  auto socket = detail::connect_route_socket("access link setup");
  if (!socket) return tl::unexpected(socket.error());
  if (auto set = set_mac(socket->get(), ifindex, identity.mac); !set) return set;
  return add_link_local(socket->get(), ifindex, identity.link_local);
}

NetResult<void> learn_neighbour(int ifindex, const Ipv6Address& address, const MacAddress& mac) {
  const std::string step = "add neighbour " + to_string(address) + " lladdr " + mac_text(mac) +
                           " on ifindex " + std::to_string(ifindex);
  auto socket = detail::connect_route_socket("neighbour entry");
  if (!socket) return tl::unexpected(socket.error());
  detail::NlObject<rtnl_neigh> entry{rtnl_neigh_alloc()};
  auto destination = detail::make_nl_addr(AF_INET6, address);
  auto lladdr = detail::make_nl_addr(AF_LLC, mac);
  if (!entry || !destination || !lladdr) return tl::unexpected(NetError{step, ENOMEM});
  rtnl_neigh_set_ifindex(entry.get(), ifindex);
  rtnl_neigh_set_family(entry.get(), AF_INET6);
  if (int rc = rtnl_neigh_set_dst(entry.get(), destination.get()); rc < 0)
    return tl::unexpected(detail::netlink_error(step, rc));
  rtnl_neigh_set_lladdr(entry.get(), lladdr.get());
  rtnl_neigh_set_state(entry.get(), NUD_STALE);
  // EXCL: an entry the kernel already holds (e.g. learnt from this very RS in router mode, or
  // confirmed REACHABLE) is more current than ours and must not be downgraded.
  const int rc = rtnl_neigh_add(socket->get(), entry.get(), NLM_F_CREATE | NLM_F_EXCL);
  if (rc < 0 && rc != -NLE_EXIST) return tl::unexpected(detail::netlink_error(step, rc));
  return {};
}

}  // namespace xpmip::net
