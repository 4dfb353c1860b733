// The simulated side of the in-process signalling benchmark: many MAGs and mobile nodes, and the
// Proxy Binding Updates they send (RFC 5213 §6.9.1), encoded ahead of time into a batch so the
// timed loop only parses, handles and answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "xpmip/wire.hpp"

namespace xpmip::bench {

inline constexpr std::size_t kSimulatedMags = 100;

// Encoded Mobility Headers back to back, each with the index of the MAG that sends it and of
// the mobile node it is about.
class PbuBatch {
 public:
  struct Entry {
    std::size_t offset = 0;
    std::size_t length = 0;
    std::uint32_t mag = 0;
    std::uint32_t node = 0;
  };

  void reserve(std::size_t messages, std::size_t bytes);
  void clear();
  tl::expected<void, std::string> add(const ProxyBindingUpdate& pbu, std::uint32_t mag,
                                      std::uint32_t node);

  [[nodiscard]] const std::vector<Entry>& entries() const { return entries_; }
  [[nodiscard]] std::span<const std::uint8_t> bytes(const Entry& entry) const {
    return {bytes_.data() + entry.offset, entry.length};
  }

 private:
  std::vector<std::uint8_t> bytes_;
  std::vector<Entry> entries_;
};

// Per node: where it is attached and the prefix its LMA assigned. Nodes are numbered from 0
// and attach in that order.
class MobileNodes {
 public:
  explicit MobileNodes(std::size_t capacity);

  [[nodiscard]] static Ipv6Address mag_address(std::uint32_t mag);
  [[nodiscard]] static MobileNodeId id_of(std::uint32_t node);

  // Initial attachment (§6.9.1.1): HI 1, ALL_ZERO prefix, at MAG node % kSimulatedMags.
  [[nodiscard]] ProxyBindingUpdate attach(std::uint32_t node, std::uint64_t timestamp);
  // Re-registration from the same MAG (§6.9.1.3): HI 5, the assigned prefix.
  [[nodiscard]] ProxyBindingUpdate refresh(std::uint32_t node, std::uint64_t timestamp);
  // The node moved to the next MAG (§6.9.1.1 after a handoff): HI 3, the assigned prefix.
  [[nodiscard]] ProxyBindingUpdate handoff(std::uint32_t node, std::uint64_t timestamp);

  void set_prefix(std::uint32_t node, const Prefix& prefix) { prefixes_[node] = prefix; }
  [[nodiscard]] std::uint32_t mag_of(std::uint32_t node) const { return mags_[node]; }

 private:
  [[nodiscard]] ProxyBindingUpdate pbu(std::uint32_t node, HandoffIndicator hi,
                                       const Prefix& prefix, std::uint64_t timestamp);

  std::vector<std::uint32_t> mags_;
  std::vector<Prefix> prefixes_;
  std::uint16_t next_sequence_ = 0;
};

}  // namespace xpmip::bench
