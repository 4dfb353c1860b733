#include "xpmip/lma_binding_cache.hpp"

namespace xpmip {

BceId BindingCache::insert(BindingCacheEntry entry) {
  const BceId id = next_id_++;
  for (const auto& prefix : entry.home_network_prefixes) by_prefix_[prefix] = id;
  by_mn_id_.emplace(entry.mn_id, id);
  ++per_mag_[entry.proxy_coa];
  deadlines_.emplace(entry.deadline, id);
  entries_.emplace(id, std::move(entry));
  return id;
}

std::optional<BindingCacheEntry> BindingCache::erase(BceId id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  BindingCacheEntry entry = std::move(it->second);
  entries_.erase(it);
  for (const auto& prefix : entry.home_network_prefixes) by_prefix_.erase(prefix);
  auto [first, last] = by_mn_id_.equal_range(entry.mn_id);
  for (auto m = first; m != last; ++m) {
    if (m->second == id) {
      by_mn_id_.erase(m);
      break;
    }
  }
  if (auto mag = per_mag_.find(entry.proxy_coa); mag != per_mag_.end() && --mag->second == 0) {
    per_mag_.erase(mag);
  }
  deadlines_.erase({entry.deadline, id});
  return entry;
}

const BindingCacheEntry* BindingCache::find(BceId id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

void BindingCache::reindex_mutable(BceId id, SteadyTime old_deadline, const Ipv6Address& old_coa,
                                   const BindingCacheEntry& entry) {
  if (old_deadline != entry.deadline) {
    deadlines_.erase({old_deadline, id});
    deadlines_.emplace(entry.deadline, id);
  }
  if (old_coa != entry.proxy_coa) {
    if (auto mag = per_mag_.find(old_coa); mag != per_mag_.end() && --mag->second == 0) {
      per_mag_.erase(mag);
    }
    ++per_mag_[entry.proxy_coa];
  }
}

std::optional<BceId> BindingCache::holder_of(const Prefix& prefix) const {
  auto it = by_prefix_.find(prefix);
  if (it == by_prefix_.end()) return std::nullopt;
  return it->second;
}

std::vector<BceId> BindingCache::of_mobile_node(const MobileNodeId& mn_id) const {
  std::vector<BceId> ids;
  auto [first, last] = by_mn_id_.equal_range(mn_id);
  for (auto it = first; it != last; ++it) ids.push_back(it->second);
  return ids;
}

std::size_t BindingCache::count_for_mag(const Ipv6Address& proxy_coa) const {
  auto it = per_mag_.find(proxy_coa);
  return it == per_mag_.end() ? 0 : it->second;
}

std::optional<SteadyTime> BindingCache::next_deadline() const {
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

std::vector<BceId> BindingCache::due(SteadyTime now) const {
  std::vector<BceId> ids;
  for (const auto& [deadline, id] : deadlines_) {
    if (deadline > now) break;
    ids.push_back(id);
  }
  return ids;
}

}  // namespace xpmip
