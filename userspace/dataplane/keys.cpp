#include "keys.hpp"

#include <algorithm>
#include <cstring>

namespace xpmip::dataplane {

Ipv6Prefix canonical(const Ipv6Prefix& hnp) {
  Ipv6Prefix out = hnp;
  const std::size_t full_bytes = hnp.length / 8u;
  const unsigned rest_bits = hnp.length % 8u;
  for (std::size_t i = full_bytes; i < out.addr.size(); ++i) {
    if (i == full_bytes && rest_bits != 0) {
      out.addr[i] = static_cast<std::uint8_t>(out.addr[i] & (0xffu << (8u - rest_bits)));
    } else {
      out.addr[i] = 0;
    }
  }
  return out;
}

xpmip_hnp64_key hash_key(const Ipv6Prefix& hnp) {
  xpmip_hnp64_key key{};
  std::memcpy(key.prefix, hnp.addr.data(), sizeof(key.prefix));
  return key;
}

xpmip_hnp_lpm_key lpm_key(const Ipv6Prefix& hnp) {
  const Ipv6Prefix c = canonical(hnp);
  xpmip_hnp_lpm_key key{};
  key.prefixlen = c.length;
  std::memcpy(key.addr, c.addr.data(), sizeof(key.addr));
  return key;
}

Ipv6Prefix prefix_from(const xpmip_hnp64_key& key) {
  Ipv6Prefix p;
  std::memcpy(p.addr.data(), key.prefix, sizeof(key.prefix));
  p.length = 64;
  return p;
}

Ipv6Prefix prefix_from(const xpmip_hnp_lpm_key& key) {
  Ipv6Prefix p;
  std::memcpy(p.addr.data(), key.addr, sizeof(key.addr));
  p.length = static_cast<std::uint8_t>(std::min<std::uint32_t>(key.prefixlen, 128));
  return p;
}

xpmip_config to_map_value(const NodeConfig& config) {
  xpmip_config v{};
  std::memcpy(v.self_addr, config.self.data(), sizeof(v.self_addr));
  std::memcpy(v.peer_addr, config.peer.data(), sizeof(v.peer_addr));
  std::memcpy(v.access_mac, config.access_mac.data(), sizeof(v.access_mac));
  v.outer_hop_limit = config.outer_hop_limit;
  v.enabled = 1;
  v.ptb_per_second = config.ptb_per_second;
  v.ptb_burst = config.ptb_burst;
  return v;
}

NodeConfig from_map_value(const xpmip_config& value) {
  NodeConfig c;
  std::memcpy(c.self.data(), value.self_addr, sizeof(value.self_addr));
  std::memcpy(c.peer.data(), value.peer_addr, sizeof(value.peer_addr));
  std::memcpy(c.access_mac.data(), value.access_mac, sizeof(value.access_mac));
  c.outer_hop_limit = value.outer_hop_limit;
  c.ptb_per_second = value.ptb_per_second;
  c.ptb_burst = value.ptb_burst;
  return c;
}

}  // namespace xpmip::dataplane
