// Conversions between the loader's value types and the map layouts of include/xpmip/maps.h.
// Pure functions: no BPF, no I/O.
#pragma once

#include "xpmip/dataplane.hpp"
#include "xpmip/maps.h"

namespace xpmip::dataplane {

// /64 HNPs live in the exact-match hash; every other length in the LPM trie.
[[nodiscard]] inline bool uses_hash_map(const Ipv6Prefix& hnp) {
  return hnp.length == 64;
}

// Host bits cleared, so the same prefix written with different host bits is one key.
[[nodiscard]] Ipv6Prefix canonical(const Ipv6Prefix& hnp);

[[nodiscard]] xpmip_hnp64_key hash_key(const Ipv6Prefix& hnp);
[[nodiscard]] xpmip_hnp_lpm_key lpm_key(const Ipv6Prefix& hnp);
[[nodiscard]] Ipv6Prefix prefix_from(const xpmip_hnp64_key& key);
[[nodiscard]] Ipv6Prefix prefix_from(const xpmip_hnp_lpm_key& key);

[[nodiscard]] xpmip_config to_map_value(const NodeConfig& config);
[[nodiscard]] NodeConfig from_map_value(const xpmip_config& value);

}  // namespace xpmip::dataplane
