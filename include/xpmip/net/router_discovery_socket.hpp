// Router Solicitation in, Router Advertisement out, on one MAG access interface. An ICMPv6 raw
// socket bound to the interface passes only RSs (ICMP6_FILTER) and reports, with each one, the
// hop limit and arrival interface the kernel saw, so RFC 4861 §6.1.1's hop-limit-255 rule can be
// enforced. RAs leave from the MAG's link-local address with hop limit 255 (RFC 4861 §6.1.2).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <variant>

#include "xpmip/net/error.hpp"
#include "xpmip/router_advert.hpp"
#include "xpmip/unique_fd.hpp"
#include "xpmip/wire.hpp"

namespace xpmip::net {

// A valid RS: "RS from <source> on <ifindex> with MAC <source_mac>".
struct RouterSolicitationEvent {
  Ipv6Address source{};
  int ifindex = 0;
  std::optional<MacAddress> source_mac;  // from the SLLA option, when present
  auto operator<=>(const RouterSolicitationEvent&) const = default;
};

// An RS that RFC 4861 §6.1.1 says to discard silently; reported so it can be counted.
struct DiscardedSolicitation {
  Ipv6Address source{};
  int ifindex = 0;
  nd::NdError reason{};
  auto operator<=>(const DiscardedSolicitation&) const = default;
};

using SolicitationOutcome = std::variant<RouterSolicitationEvent, DiscardedSolicitation>;

class RouterDiscoverySocket {
 public:
  // `router_link_local` must be configured on the interface and not tentative (see
  // access_link.hpp), or sending fails with EADDRNOTAVAIL/EINVAL.
  [[nodiscard]] static NetResult<RouterDiscoverySocket> open(
      int ifindex, const Ipv6Address& router_link_local = nd::kFixedMagLinkLocal);

  [[nodiscard]] int fd() const { return fd_.get(); }
  [[nodiscard]] int ifindex() const { return ifindex_; }

  // The next queued RS, or nullopt when none is queued.
  [[nodiscard]] NetResult<std::optional<SolicitationOutcome>> receive();

  // Sends an encoded RA to `destination` (see nd::advertisement_destination). When the MN's MAC
  // is known (the RS's SLLA option), it is entered in the neighbour cache first, as RFC 4861
  // §6.2.6 allows, so the unicast RA needs no Neighbor Solicitation round trip.
  [[nodiscard]] NetResult<void> send_advertisement(
      std::span<const std::uint8_t> ra, const Ipv6Address& destination,
      const std::optional<MacAddress>& destination_mac = std::nullopt);

 private:
  RouterDiscoverySocket(UniqueFd fd, int ifindex, const Ipv6Address& router_link_local)
      : fd_(std::move(fd)), ifindex_(ifindex), router_link_local_(router_link_local) {}

  UniqueFd fd_;
  int ifindex_ = 0;
  Ipv6Address router_link_local_;
};

}  // namespace xpmip::net
