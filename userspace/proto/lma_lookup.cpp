#include "xpmip/lma_lookup.hpp"

#include <algorithm>

namespace xpmip {
namespace {

bool all_zero(const std::vector<std::uint8_t>& octets) {
  return std::all_of(octets.begin(), octets.end(), [](std::uint8_t b) { return b == 0; });
}

// §5.4.1.1: with the full prefix set and MN-ID matching, these say the PBU is about the same
// mobility session (same interface, or a declared inter-interface handoff).
bool same_session(const BindingCacheEntry& bce, const LookupKey& key) {
  const HandoffIndicator hi = key.handoff_indicator;
  const bool same_att = key.access_tech == bce.access_tech;
  const bool ll_id_matches = key.mn_link_layer_id && *key.mn_link_layer_id == bce.mn_link_layer_id;
  if (ll_id_matches && same_att) return true;                          // (a)
  if (hi == HandoffIndicator::kHandoffBetweenInterfaces) return true;  // (b)
  if (!key.mn_link_layer_id && all_zero(bce.mn_link_layer_id) && same_att &&
      hi == HandoffIndicator::kHandoffBetweenMags) {
    return true;  // (c)
  }
  return key.proxy_coa == bce.proxy_coa && same_att;  // (d)
}

// §5.4.1.1: at least one NON_ZERO HNP; any of them identifies the session.
LookupResult lookup_by_prefix(const BindingCache& cache, const LookupKey& key) {
  std::optional<BceId> holder;
  for (const auto& prefix : key.requested_prefixes) {
    holder = cache.holder_of(prefix);
    if (holder) break;
  }
  if (!holder) return {LookupOutcome::kNewSession, std::nullopt};
  const BindingCacheEntry& bce = *cache.find(*holder);
  if (bce.mn_id != key.mn_id) return {LookupOutcome::kPrefixOfAnotherNode, holder};
  if (bce.home_network_prefixes != key.requested_prefixes) {
    return {LookupOutcome::kPrefixSetMismatch, holder};
  }
  if (same_session(bce, key)) return {LookupOutcome::kUpdate, holder};
  return {LookupOutcome::kNewSession, std::nullopt};
}

// The node's only session, or nullopt when it has none or several.
std::optional<BceId> sole_session(const BindingCache& cache, const MobileNodeId& mn_id) {
  const auto sessions = cache.of_mobile_node(mn_id);
  if (sessions.size() != 1) return std::nullopt;
  return sessions.front();
}

// §5.4.1.2 (MN-LL-ID present) and §5.4.1.3 (absent), for PBUs carrying only ALL_ZERO HNPs.
LookupResult lookup_without_prefix(const BindingCache& cache, const LookupKey& key) {
  const HandoffIndicator hi = key.handoff_indicator;
  if (key.mn_link_layer_id) {
    for (BceId id : cache.of_mobile_node(key.mn_id)) {
      const BindingCacheEntry& bce = *cache.find(id);
      if (bce.access_tech == key.access_tech && bce.mn_link_layer_id == *key.mn_link_layer_id) {
        return {LookupOutcome::kUpdate, id};
      }
    }
  }
  const auto sole = sole_session(cache, key.mn_id);
  if (!sole) return {LookupOutcome::kNewSession, std::nullopt};
  const bool same_interface_handoff =
      !key.mn_link_layer_id && hi == HandoffIndicator::kHandoffBetweenMags;
  if (hi == HandoffIndicator::kHandoffBetweenInterfaces || same_interface_handoff) {
    return {LookupOutcome::kUpdate, sole};
  }
  if (hi == HandoffIndicator::kHandoffUnknown) {
    return {LookupOutcome::kWaitForDeregistration, sole};
  }
  return {LookupOutcome::kNewSession, std::nullopt};
}

}  // namespace

LookupResult lookup_binding(const BindingCache& cache, const LookupKey& key) {
  if (!key.requested_prefixes.empty()) return lookup_by_prefix(cache, key);
  return lookup_without_prefix(cache, key);
}

}  // namespace xpmip
