// Values the LMA core hands to the outside world: its configuration, the binding records shown by
// `xpmipctl bindings` (and re-inserted at restart), data-plane events and outcome counters.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "xpmip/wire.hpp"

namespace xpmip {

// RFC 5213 §9.1 LMA variables plus the limits the daemon enforces.
struct LmaConfig {
  std::chrono::milliseconds min_delay_before_bce_delete{10000};
  std::chrono::milliseconds max_delay_before_new_bce_assign{1500};
  // RFC 5213 §5.4.1.2: creating the new session at once instead of waiting MAY be configured.
  bool create_new_bce_immediately = false;
  std::chrono::milliseconds timestamp_validity_window{300};
  std::size_t max_bindings = 100000;         // whole LMA; beyond it -> 130
  std::size_t max_bindings_per_mag = 10000;  // per proxy-CoA; beyond it -> 130
  // Pool for ALL_ZERO requests of nodes without static prefixes (RFC 5213 §5.3.2). Unset: such
  // requests get 130.
  std::optional<Prefix> pool_aggregate;
  std::uint8_t pool_delegated_length = 64;
};

enum class BindingState : std::uint8_t {
  kActive,
  kPendingDelete,  // de-registered; removed after MinDelayBeforeBCEDelete (RFC 5213 §5.3.5)
};

// One Binding Cache entry as seen from outside (RFC 5213 §5.1 fields plus timing). Times are
// relative so that a record written to a state file means the same after a restart.
struct BindingRecord {
  MobileNodeId mn_id;
  // RFC 5213 §5.1: two zero octets when the PBU carried no MN-LL-ID option.
  std::vector<std::uint8_t> mn_link_layer_id{0, 0};
  std::vector<Prefix> home_network_prefixes;
  Ipv6Address proxy_coa{};
  Ipv6Address mag_link_local{};  // all zero until a PBU asked for one (RFC 5213 §6.8)
  AccessTechnology access_tech = AccessTechnology::kReserved;
  HandoffIndicator handoff_indicator = HandoffIndicator::kReserved;
  std::uint64_t last_timestamp = 0;  // ALL_ZERO in sequence-number mode (RFC 5213 §5.1)
  std::uint16_t last_sequence = 0;
  std::uint16_t granted_lifetime = 0;  // units of 4 s
  // Until the entry goes away: its lifetime expiry, or the delayed delete when pending delete.
  std::chrono::seconds time_left{0};
  std::chrono::seconds age{0};  // since the session was created
  BindingState state = BindingState::kActive;
  auto operator<=>(const BindingRecord&) const = default;
};

// Data-plane instructions. One Bind per session change: a handoff is a single Bind carrying the
// new proxy-CoA (the prefixes' routes move atomically), never an Unbind followed by a Bind.
struct BindEvent {
  MobileNodeId mn_id;
  std::vector<Prefix> home_network_prefixes;
  Ipv6Address proxy_coa{};
  AccessTechnology access_tech = AccessTechnology::kReserved;
  auto operator<=>(const BindEvent&) const = default;
};

struct UnbindEvent {
  MobileNodeId mn_id;
  std::vector<Prefix> home_network_prefixes;
  Ipv6Address proxy_coa{};  // the tunnel the routes pointed into
  auto operator<=>(const UnbindEvent&) const = default;
};

using LmaEvent = std::variant<BindEvent, UnbindEvent>;

// A PBA to send: from the PBU's destination (the LMAA) to the PBU's source (RFC 5213 §5.3.6).
struct OutgoingPba {
  Ipv6Address source{};
  Ipv6Address destination{};
  ProxyBindingAck pba;
  auto operator<=>(const OutgoingPba&) const = default;
};

// Everything one input (a PBU, a timer tick) produced, in order.
struct LmaOutput {
  std::vector<OutgoingPba> replies;
  std::vector<LmaEvent> events;
};

// Outcome counters for `xpmipctl stats`.
struct LmaStats {
  std::array<std::uint64_t, 256> pba_by_status{};      // PBAs sent, indexed by status code
  std::uint64_t ignored_late_deregistration = 0;       // lifetime 0 from a MAG not serving the MN
  std::uint64_t ignored_unmatched_deregistration = 0;  // lifetime 0 and no BCE matched
  std::uint64_t ignored_not_proxy = 0;                 // P=0 correspondent registrations (no reply)
  std::uint64_t held_for_deregistration = 0;           // HI=4 PBUs parked (RFC 5213 §5.4.1.2)
  std::uint64_t bindings_created = 0;
  std::uint64_t handoffs = 0;
  std::uint64_t bindings_expired = 0;  // lifetime ran out
  std::uint64_t bindings_deleted = 0;  // MinDelayBeforeBCEDelete after a de-registration

  [[nodiscard]] std::uint64_t pba_count(PbaStatus status) const {
    return pba_by_status[static_cast<std::uint8_t>(status)];
  }
};

}  // namespace xpmip
