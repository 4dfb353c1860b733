// MAG attachment detection without special hardware (RFC 5213 §6.2, §6.13 leave the mechanism to
// the link layer): Router Solicitations, link carrier and IPv6 neighbour states on the access
// interfaces become "this MAC arrived on / left this link" signals. Pure: the runtime feeds it the
// events of RouterDiscoverySocket and LinkWatcher and decides, from the policy, who the MAC is.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "xpmip/net/link_watcher.hpp"
#include "xpmip/net/router_discovery_socket.hpp"
#include "xpmip/wire.hpp"

namespace xpmip::daemon {

// One MN interface on one access link, as the link layer sees it.
struct MnOnLink {
  int ifindex = 0;
  MacAddress mac{};
  auto operator<=>(const MnOnLink&) const = default;
};

enum class AttachCause : std::uint8_t {
  kSolicitation,        // an RS carrying the MN's MAC (SLLA option)
  kNeighbourReachable,  // the kernel saw the MAC answer on the link (REACHABLE or STALE)
};

struct AttachSignal {
  MnOnLink mn;
  AttachCause cause = AttachCause::kSolicitation;
  auto operator<=>(const AttachSignal&) const = default;
};

enum class DetachCause : std::uint8_t {
  kLinkDown,         // carrier or administrative state of the access interface went down
  kNeighbourFailed,  // neighbour unreachability detection gave up on one of its addresses
};

struct DetachSignal {
  MnOnLink mn;
  DetachCause cause = DetachCause::kLinkDown;
  auto operator<=>(const DetachSignal&) const = default;
};

// The access link came up: whoever is configured for it may have arrived.
struct LinkUpSignal {
  int ifindex = 0;
  auto operator<=>(const LinkUpSignal&) const = default;
};

using Detection = std::variant<AttachSignal, DetachSignal, LinkUpSignal>;

[[nodiscard]] const char* to_string(AttachCause cause);
[[nodiscard]] const char* to_string(DetachCause cause);

class AttachDetector {
 public:
  // `link_up` is each access interface's state at start (admin up and carrier).
  explicit AttachDetector(std::map<int, bool> link_up);

  [[nodiscard]] std::vector<Detection> on_solicitation(const net::RouterSolicitationEvent& rs);
  [[nodiscard]] std::vector<Detection> on_link(const net::LinkEvent& link);
  [[nodiscard]] std::vector<Detection> on_neighbour(const net::NeighbourEvent& neighbour);

  // Decisions made elsewhere (`xpmipctl mn attach/detach`, the runtime giving up on a session)
  // that later link events must respect: an attached MN is detached when its link goes down; a
  // detached one is not re-attached by neighbour states alone, only by an RS or the link coming up.
  void attached(const MnOnLink& mn);
  void detached(const MnOnLink& mn);

  [[nodiscard]] bool link_up(int ifindex) const;
  // Where to send the MN a unicast RA (RFC 4861 §6.2.6): the address it last solicited from,
  // else a link-local address the neighbour cache has for its MAC; nullopt when neither is known.
  [[nodiscard]] std::optional<Ipv6Address> unicast_address(const MnOnLink& mn) const;

 private:
  [[nodiscard]] bool watched(int ifindex) const { return link_up_.contains(ifindex); }

  std::map<int, bool> link_up_;
  std::set<MnOnLink> present_;     // seen on its link since the link last came up
  std::set<MnOnLink> suppressed_;  // detached: neighbour states alone do not re-attach
  std::map<std::pair<int, Ipv6Address>, MacAddress> neighbours_;
  std::map<MnOnLink, Ipv6Address> solicited_from_;
};

}  // namespace xpmip::daemon
