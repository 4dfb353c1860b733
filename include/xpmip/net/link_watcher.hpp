// Link and IPv6 neighbour changes on the MAG's access interfaces, from rtnetlink multicast
// groups through libnl-route, turned into plain events. The MAG's attachment detection reads
// them: a link going down or a neighbour turning FAILED or deleted hints at a detach
// (RFC 5213 §6.13), a new REACHABLE neighbour at an attach.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "xpmip/net/error.hpp"
#include "xpmip/net/netlink_socket.hpp"
#include "xpmip/router_advert.hpp"
#include "xpmip/wire.hpp"

struct nl_msg;
struct nl_object;

namespace xpmip::net {

struct LinkEvent {
  int ifindex = 0;
  bool admin_up = false;  // IFF_UP
  bool carrier = false;   // IFF_LOWER_UP: the link below is usable
  std::optional<MacAddress> mac;
  auto operator<=>(const LinkEvent&) const = default;
};

// The kernel's neighbour (NUD) states, RFC 4861 §7.3.2 plus Linux's own.
enum class NeighbourState : std::uint8_t {
  kIncomplete,
  kReachable,
  kStale,
  kDelay,
  kProbe,
  kFailed,
  kNoArp,
  kPermanent,
  kNone,  // no state bits set (e.g. an entry being created or removed)
};
[[nodiscard]] std::string_view to_string(NeighbourState state);

struct NeighbourEvent {
  int ifindex = 0;
  Ipv6Address address{};
  std::optional<MacAddress> mac;  // absent while INCOMPLETE or FAILED
  NeighbourState state = NeighbourState::kNone;
  bool deleted = false;  // RTM_DELNEIGH: the entry is gone; `state` is its last state
  auto operator<=>(const NeighbourEvent&) const = default;
};

using NetlinkEvent = std::variant<LinkEvent, NeighbourEvent>;

class LinkWatcher {
 public:
  using EventCallback = std::function<void(const NetlinkEvent&)>;

  // Subscribes to link and IPv6 neighbour changes; only events of `ifindexes` are delivered.
  [[nodiscard]] static NetResult<std::unique_ptr<LinkWatcher>> open(std::set<int> ifindexes,
                                                                    EventCallback on_event);
  ~LinkWatcher();
  LinkWatcher(const LinkWatcher&) = delete;
  LinkWatcher& operator=(const LinkWatcher&) = delete;

  // For EventLoop::watch.
  [[nodiscard]] int fd() const;
  // Reads every pending notification and delivers the events. An ENOBUFS error means the
  // kernel dropped notifications: state must be re-read (request_neighbour_dump()).
  [[nodiscard]] NetResult<void> dispatch();
  // Asks the kernel for every current IPv6 neighbour; the replies arrive through dispatch() as
  // ordinary events, so a daemon started after its MNs attached still learns about them.
  [[nodiscard]] NetResult<void> request_neighbour_dump();

 private:
  LinkWatcher(std::set<int> ifindexes, EventCallback on_event);
  static int on_message(nl_msg* message, void* self);
  static void on_object(nl_object* object, void* self);
  void handle_link(nl_object* object);
  void handle_neighbour(nl_object* object, bool deleted);

  NlSocket socket_;
  std::set<int> ifindexes_;
  EventCallback on_event_;
  // Link notifications repeat for changes we do not report (stats, MTU, ...); only a change in
  // a reported field becomes an event.
  std::unordered_map<int, LinkEvent> last_link_;
};

}  // namespace xpmip::net
