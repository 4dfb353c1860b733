// The Binding Cache lookup of RFC 5213 §5.4.1: decides whether a PBU updates an existing
// mobility session, starts a new one, is refused, or must wait for the old MAG's
// de-registration. Pure: reads the cache, changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "xpmip/lma_binding_cache.hpp"
#include "xpmip/wire.hpp"

namespace xpmip {

struct LookupKey {
  MobileNodeId mn_id;
  std::vector<Prefix> requested_prefixes;  // the NON_ZERO HNPs, masked, sorted, unique
  std::optional<std::vector<std::uint8_t>> mn_link_layer_id;
  AccessTechnology access_tech = AccessTechnology::kReserved;
  HandoffIndicator handoff_indicator = HandoffIndicator::kReserved;
  Ipv6Address proxy_coa{};
};

enum class LookupOutcome : std::uint8_t {
  kNewSession,
  kUpdate,                 // `bce` is the session to update
  kWaitForDeregistration,  // HI=4: `bce` is the only session of the node (§5.4.1.2/3)
  kPrefixOfAnotherNode,    // 155 (§5.4.1.1)
  kPrefixSetMismatch,      // 159 (§5.4.1.1)
};

struct LookupResult {
  LookupOutcome outcome = LookupOutcome::kNewSession;
  std::optional<BceId> bce;
};

[[nodiscard]] LookupResult lookup_binding(const BindingCache& cache, const LookupKey& key);

}  // namespace xpmip
