// The LMA's Binding Cache (RFC 5213 §5.1): the entries plus the indexes the §5.4.1 lookup
// needs (by prefix, by MN-ID) and the deadline of every entry, kept consistent in one place.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "xpmip/clock.hpp"
#include "xpmip/lma_types.hpp"
#include "xpmip/wire.hpp"

namespace xpmip {

using BceId = std::uint64_t;

struct BindingCacheEntry {
  MobileNodeId mn_id;
  std::vector<std::uint8_t> mn_link_layer_id{0, 0};
  std::vector<Prefix> home_network_prefixes;  // sorted, host bits cleared
  Ipv6Address proxy_coa{};
  Ipv6Address mag_link_local{};
  AccessTechnology access_tech = AccessTechnology::kReserved;
  HandoffIndicator handoff_indicator = HandoffIndicator::kReserved;
  std::uint64_t last_timestamp = 0;
  std::uint16_t last_sequence = 0;
  std::uint16_t granted_lifetime = 0;
  SteadyTime created_at{};
  SteadyTime deadline{};  // lifetime expiry, or the delayed delete when pending delete
  BindingState state = BindingState::kActive;
};

class BindingCache {
 public:
  // The caller has checked that no other entry holds any of the entry's prefixes.
  BceId insert(BindingCacheEntry entry);
  std::optional<BindingCacheEntry> erase(BceId id);

  [[nodiscard]] const BindingCacheEntry* find(BceId id) const;
  // Changes the fields of an entry that are not indexed. Prefixes and MN-ID never change for a
  // session (RFC 5213 §5.4: all prefixes of one interface are one session).
  template <typename Mutator>
  void modify(BceId id, Mutator&& mutate) {
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    const auto old_deadline = it->second.deadline;
    const auto old_coa = it->second.proxy_coa;
    mutate(it->second);
    reindex_mutable(id, old_deadline, old_coa, it->second);
  }

  [[nodiscard]] std::optional<BceId> holder_of(const Prefix& prefix) const;
  [[nodiscard]] std::vector<BceId> of_mobile_node(const MobileNodeId& mn_id) const;
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] std::size_t count_for_mag(const Ipv6Address& proxy_coa) const;

  [[nodiscard]] std::optional<SteadyTime> next_deadline() const;
  // The entries whose deadline is at or before `now`, earliest first.
  [[nodiscard]] std::vector<BceId> due(SteadyTime now) const;

  [[nodiscard]] const std::map<BceId, BindingCacheEntry>& entries() const { return entries_; }

 private:
  void reindex_mutable(BceId id, SteadyTime old_deadline, const Ipv6Address& old_coa,
                       const BindingCacheEntry& entry);

  BceId next_id_ = 1;
  std::map<BceId, BindingCacheEntry> entries_;
  std::map<Prefix, BceId> by_prefix_;
  std::multimap<MobileNodeId, BceId> by_mn_id_;
  std::map<Ipv6Address, std::size_t> per_mag_;
  std::set<std::pair<SteadyTime, BceId>> deadlines_;
};

}  // namespace xpmip
