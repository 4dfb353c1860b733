#include "xpmip/net/link_watcher.hpp"

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/if.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/rtnl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "netlink.hpp"

namespace xpmip::net {
namespace {

// Room for bursts (many MNs' neighbour entries changing at once) before the kernel drops.
constexpr int kReceiveBufferBytes = 1 << 20;

std::optional<MacAddress> mac_of(nl_addr* address) {
  if (address == nullptr || nl_addr_get_len(address) != 6) return std::nullopt;
  MacAddress mac{};
  std::memcpy(mac.data(), nl_addr_get_binary_addr(address), mac.size());
  return mac;
}

NeighbourState state_of(int nud) {
  if (nud & NUD_REACHABLE) return NeighbourState::kReachable;
  if (nud & NUD_STALE) return NeighbourState::kStale;
  if (nud & NUD_DELAY) return NeighbourState::kDelay;
  if (nud & NUD_PROBE) return NeighbourState::kProbe;
  if (nud & NUD_FAILED) return NeighbourState::kFailed;
  if (nud & NUD_INCOMPLETE) return NeighbourState::kIncomplete;
  if (nud & NUD_PERMANENT) return NeighbourState::kPermanent;
  if (nud & NUD_NOARP) return NeighbourState::kNoArp;
  return NeighbourState::kNone;
}

}  // namespace

std::string_view to_string(NeighbourState state) {
  switch (state) {
    case NeighbourState::kIncomplete:
      return "incomplete";
    case NeighbourState::kReachable:
      return "reachable";
    case NeighbourState::kStale:
      return "stale";
    case NeighbourState::kDelay:
      return "delay";
    case NeighbourState::kProbe:
      return "probe";
    case NeighbourState::kFailed:
      return "failed";
    case NeighbourState::kNoArp:
      return "noarp";
    case NeighbourState::kPermanent:
      return "permanent";
    case NeighbourState::kNone:
      return "none";
  }
  return "unknown";
}

LinkWatcher::LinkWatcher(std::set<int> ifindexes, EventCallback on_event)
    : ifindexes_(std::move(ifindexes)), on_event_(std::move(on_event)) {}

LinkWatcher::~LinkWatcher() = default;

NetResult<std::unique_ptr<LinkWatcher>> LinkWatcher::open(std::set<int> ifindexes,
                                                          EventCallback on_event) {
  // Not make_unique: the constructor is private.
  std::unique_ptr<LinkWatcher> watcher{new LinkWatcher(std::move(ifindexes), std::move(on_event))};
  auto connected = detail::connect_route_socket("link watcher");
  if (!connected) return tl::unexpected(connected.error());
  watcher->socket_ = std::move(*connected);
  nl_sock* socket = watcher->socket_.get();
  // Notifications carry no sequence numbers of ours, and nothing here waits for ACKs.
  nl_socket_disable_seq_check(socket);
  nl_socket_disable_auto_ack(socket);
  nl_socket_modify_cb(socket, NL_CB_VALID, NL_CB_CUSTOM, &LinkWatcher::on_message, watcher.get());
  if (int rc = nl_socket_add_memberships(socket, RTNLGRP_LINK, RTNLGRP_NEIGH, 0); rc < 0)
    return tl::unexpected(
        detail::netlink_error("subscribe to rtnetlink link and neighbour groups", rc));
  if (int rc = nl_socket_set_nonblocking(socket); rc < 0)
    return tl::unexpected(detail::netlink_error("make link watcher socket non-blocking", rc));
  if (int rc = nl_socket_set_buffer_size(socket, kReceiveBufferBytes, 0); rc < 0)
    return tl::unexpected(detail::netlink_error("size link watcher receive buffer", rc));
  return watcher;
}

int LinkWatcher::fd() const {
  return nl_socket_get_fd(socket_.get());
}

NetResult<void> LinkWatcher::dispatch() {
  while (true) {
    const int rc = nl_recvmsgs_default(socket_.get());
    if (rc >= 0) continue;
    if (rc == -NLE_AGAIN) return {};
    // libnl reports the kernel's ENOBUFS (notifications dropped) as NLE_NOMEM.
    if (rc == -NLE_NOMEM)
      return tl::unexpected(
          NetError{"read link watcher notifications: kernel dropped some, re-read state", ENOBUFS});
    return tl::unexpected(detail::netlink_error("read link watcher notifications", rc));
  }
}

NetResult<void> LinkWatcher::request_neighbour_dump() {
  rtgenmsg request{};
  request.rtgen_family = AF_INET6;
  if (int rc = nl_send_simple(socket_.get(), RTM_GETNEIGH, NLM_F_DUMP, &request, sizeof request);
      rc < 0)
    return tl::unexpected(detail::netlink_error("request IPv6 neighbour dump", rc));
  return {};
}

int LinkWatcher::on_message(nl_msg* message, void* self) {
  // Parsing failures (an object type libnl does not know) are skipped, not fatal.
  nl_msg_parse(message, &LinkWatcher::on_object, self);
  return NL_OK;
}

void LinkWatcher::on_object(nl_object* object, void* self) {
  auto* watcher = static_cast<LinkWatcher*>(self);
  const int type = nl_object_get_msgtype(object);
  if (type == RTM_NEWLINK) watcher->handle_link(object);
  if (type == RTM_NEWNEIGH || type == RTM_DELNEIGH)
    watcher->handle_neighbour(object, type == RTM_DELNEIGH);
}

void LinkWatcher::handle_link(nl_object* object) {
  auto* link = reinterpret_cast<rtnl_link*>(object);
  LinkEvent event;
  event.ifindex = rtnl_link_get_ifindex(link);
  if (!ifindexes_.contains(event.ifindex)) return;
  const unsigned flags = rtnl_link_get_flags(link);
  event.admin_up = (flags & IFF_UP) != 0;
  event.carrier = (flags & IFF_LOWER_UP) != 0;
  event.mac = mac_of(rtnl_link_get_addr(link));
  auto [previous, inserted] = last_link_.try_emplace(event.ifindex, event);
  if (!inserted) {
    if (previous->second == event) return;
    previous->second = event;
  }
  on_event_(event);
}

void LinkWatcher::handle_neighbour(nl_object* object, bool deleted) {
  auto* neighbour = reinterpret_cast<rtnl_neigh*>(object);
  if (rtnl_neigh_get_family(neighbour) != AF_INET6) return;
  // Proxy-ND entries describe addresses we answer for, not hosts on the link.
  if (rtnl_neigh_get_flags(neighbour) & NTF_PROXY) return;
  NeighbourEvent event;
  event.ifindex = rtnl_neigh_get_ifindex(neighbour);
  if (!ifindexes_.contains(event.ifindex)) return;
  nl_addr* destination = rtnl_neigh_get_dst(neighbour);
  if (destination == nullptr || nl_addr_get_len(destination) != event.address.size()) return;
  std::memcpy(event.address.data(), nl_addr_get_binary_addr(destination), event.address.size());
  // Multicast entries (NOARP, MAC derived from the group, RFC 2464 §7) are no host on the link.
  if (event.address[0] == 0xff) return;
  event.mac = mac_of(rtnl_neigh_get_lladdr(neighbour));
  event.state = state_of(rtnl_neigh_get_state(neighbour));
  event.deleted = deleted;
  on_event_(event);
}

}  // namespace xpmip::net
