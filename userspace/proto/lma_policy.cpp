#include "xpmip/policy.hpp"

namespace xpmip {

void StaticPolicy::set_mag(const Ipv6Address& mag_address, MagPolicy policy) {
  mags_[mag_address] = policy;
}

void StaticPolicy::remove_mag(const Ipv6Address& mag_address) {
  mags_.erase(mag_address);
}

void StaticPolicy::set_mobile_node(const MobileNodeId& id, MnProfile profile) {
  mobile_nodes_[id] = std::move(profile);
}

void StaticPolicy::remove_mobile_node(const MobileNodeId& id) {
  mobile_nodes_.erase(id);
}

std::optional<MagPolicy> StaticPolicy::mag(const Ipv6Address& mag_address) const {
  auto it = mags_.find(mag_address);
  if (it == mags_.end()) return std::nullopt;
  return it->second;
}

std::optional<MnProfile> StaticPolicy::mobile_node(const MobileNodeId& id) const {
  auto it = mobile_nodes_.find(id);
  if (it == mobile_nodes_.end()) return std::nullopt;
  return it->second;
}

}  // namespace xpmip
