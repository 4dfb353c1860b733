// The RFC 5213 §8.8 Timestamp option value: a 64-bit count whose upper 48 bits are seconds since
// 1970-01-01 00:00 UTC and whose lower 16 bits are 1/65536 fractions of a second. (Not the NTP
// format with its 1900 epoch, which RFC 4285's MESG-ID option uses.)
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "xpmip/clock.hpp"

namespace xpmip {

// One unit of the Timestamp option's lower 16 bits.
using PmipTimestampTicks = std::chrono::duration<std::int64_t, std::ratio<1, 65536>>;

// The option value for a wall-clock time, rounded down to the next 1/65536 s. Times before 1970
// cannot be expressed and give 0.
[[nodiscard]] constexpr std::uint64_t to_pmip_timestamp(WallTime time) {
  const auto since_epoch = time.time_since_epoch();
  if (since_epoch.count() < 0) return 0;
  // Seconds in the upper 48 bits and 1/65536 s in the lower 16 bits make one 1/65536 s count.
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<PmipTimestampTicks>(since_epoch).count());
}

// The wall-clock time an option value stands for, or nothing when it lies beyond what WallTime
// can hold (a peer may send any 64-bit value). Exact inverse of to_pmip_timestamp() on its range.
[[nodiscard]] constexpr std::optional<WallTime> from_pmip_timestamp(std::uint64_t timestamp) {
  constexpr auto kLatest =
      std::chrono::floor<PmipTimestampTicks>(WallTime::max().time_since_epoch());
  if (timestamp > static_cast<std::uint64_t>(kLatest.count())) return std::nullopt;
  const PmipTimestampTicks ticks{static_cast<std::int64_t>(timestamp)};
  // Round up so that converting back (which rounds down) returns the same value.
  return WallTime{std::chrono::ceil<WallTime::duration>(ticks)};
}

}  // namespace xpmip
