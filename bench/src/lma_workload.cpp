#include "lma_workload.hpp"

#include <cstdio>

#include "xpmip/codec.hpp"

namespace xpmip::bench {

void PbuBatch::reserve(std::size_t messages, std::size_t bytes) {
  entries_.reserve(messages);
  bytes_.reserve(bytes);
}

void PbuBatch::clear() {
  entries_.clear();
  bytes_.clear();
}

tl::expected<void, std::string> PbuBatch::add(const ProxyBindingUpdate& pbu, std::uint32_t mag,
                                              std::uint32_t node) {
  // No checksum: on the daemon's raw socket the kernel fills and verifies it (IPV6_CHECKSUM).
  auto encoded = encode_mobility_header(pbu, std::nullopt);
  if (!encoded) return tl::unexpected(encoded.error().detail);
  entries_.push_back({bytes_.size(), encoded->bytes.size(), mag, node});
  bytes_.insert(bytes_.end(), encoded->bytes.begin(), encoded->bytes.end());
  return {};
}

MobileNodes::MobileNodes(std::size_t capacity) : mags_(capacity), prefixes_(capacity) {}

Ipv6Address MobileNodes::mag_address(std::uint32_t mag) {
  // 2001:db8:a:<mag>::1
  Ipv6Address a{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x0a};
  a[6] = static_cast<std::uint8_t>(mag >> 8);
  a[7] = static_cast<std::uint8_t>(mag);
  a[15] = 1;
  return a;
}

MobileNodeId MobileNodes::id_of(std::uint32_t node) {
  // A realistic NAI length (21 octets), longer than std::string's inline buffer.
  char text[32];
  std::snprintf(text, sizeof(text), "mn%07u@bench.example", node);
  return {MobileNodeId::kSubtypeNai, text};
}

ProxyBindingUpdate MobileNodes::pbu(std::uint32_t node, HandoffIndicator hi, const Prefix& prefix,
                                    std::uint64_t timestamp) {
  ProxyBindingUpdate p;
  p.sequence = next_sequence_++;
  p.flags = bu_flag::kAck | bu_flag::kProxy;
  p.lifetime = 250;  // 1000 s: nothing expires during a run
  p.options.mn_id = id_of(node);
  p.options.home_network_prefixes = {prefix};
  p.options.handoff_indicator = hi;
  p.options.access_tech = AccessTechnology::kIeee80211;
  p.options.mn_link_layer_id = std::vector<std::uint8_t>{0x02,
                                                         0x00,
                                                         static_cast<std::uint8_t>(node >> 24),
                                                         static_cast<std::uint8_t>(node >> 16),
                                                         static_cast<std::uint8_t>(node >> 8),
                                                         static_cast<std::uint8_t>(node)};
  p.options.timestamp = timestamp;
  return p;
}

ProxyBindingUpdate MobileNodes::attach(std::uint32_t node, std::uint64_t timestamp) {
  mags_[node] = node % kSimulatedMags;
  return pbu(node, HandoffIndicator::kNewInterface, Prefix{}, timestamp);
}

ProxyBindingUpdate MobileNodes::refresh(std::uint32_t node, std::uint64_t timestamp) {
  return pbu(node, HandoffIndicator::kNoHandoff, prefixes_[node], timestamp);
}

ProxyBindingUpdate MobileNodes::handoff(std::uint32_t node, std::uint64_t timestamp) {
  mags_[node] = (mags_[node] + 1) % kSimulatedMags;
  return pbu(node, HandoffIndicator::kHandoffBetweenMags, prefixes_[node], timestamp);
}

}  // namespace xpmip::bench
