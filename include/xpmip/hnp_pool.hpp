// The LMA's pool of home network prefixes: one aggregate (e.g. a /48) carved into equal
// delegated prefixes (e.g. /64s), handed out for ALL_ZERO requests (RFC 5213 §5.3.2). A
// released prefix sits in quarantine before it can be handed out again, so traffic still in
// flight for the old owner never reaches a new one.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>

#include <tl/expected.hpp>

#include "xpmip/clock.hpp"
#include "xpmip/wire.hpp"

namespace xpmip {

enum class HnpPoolError : std::uint8_t {
  kBadLength,       // delegated length shorter than the aggregate, or longer than 128
  kTooManyPrefixes  // more than 2^63 delegated prefixes; no deployment needs that
};

class HnpPool {
 public:
  static tl::expected<HnpPool, HnpPoolError> create(Prefix aggregate, std::uint8_t delegated_length,
                                                    std::chrono::nanoseconds quarantine);

  // A free prefix, now marked in use; nullopt when every prefix is in use or in quarantine.
  [[nodiscard]] std::optional<Prefix> allocate(SteadyTime now);
  // Marks a specific pool prefix in use (restoring state). False if it is not the pool's or is
  // already in use.
  bool claim(const Prefix& prefix);
  // Returns a prefix to the pool; it becomes allocatable once the quarantine has passed.
  void release(const Prefix& prefix, SteadyTime now);

  [[nodiscard]] bool owns(const Prefix& prefix) const;
  [[nodiscard]] std::uint64_t capacity() const { return capacity_; }
  [[nodiscard]] std::uint64_t allocated_count() const { return in_use_.size(); }

 private:
  HnpPool(Prefix aggregate, std::uint8_t delegated_length, std::uint64_t capacity,
          std::chrono::nanoseconds quarantine);
  [[nodiscard]] Prefix prefix_at(std::uint64_t index) const;
  [[nodiscard]] std::optional<std::uint64_t> index_of(const Prefix& prefix) const;
  [[nodiscard]] bool available(std::uint64_t index, SteadyTime now);

  Prefix aggregate_;
  std::uint8_t delegated_length_;
  std::uint64_t capacity_;
  std::chrono::nanoseconds quarantine_;
  std::uint64_t cursor_ = 0;  // round-robin start, so fresh prefixes are preferred
  std::set<std::uint64_t> in_use_;
  std::map<std::uint64_t, SteadyTime> quarantined_until_;
};

}  // namespace xpmip
