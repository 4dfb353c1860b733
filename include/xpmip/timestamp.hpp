// The RFC 5213 §8.8 Timestamp option value: a 64-bit count whose upper 48 bits are seconds since
// 1970-01-01 00:00 UTC and whose lower 16 bits are 1/65536 fractions of a second. (Not the NTP
// format with its 1900 epoch, which RFC 4285's MESG-ID option uses.)
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "xpmip/clock.hpp"

namespace xpmip {

// The option value for a wall-clock time, rounded down to the next 1/65536 s. Times before 1970
// cannot be expressed and give 0.
[[nodiscard]] constexpr std::uint64_t to_pmip_timestamp(WallTime time) {
  using std::chrono::nanoseconds;
  const auto since_epoch = std::chrono::duration_cast<nanoseconds>(time.time_since_epoch());
  if (since_epoch.count() < 0) return 0;
  // Whole seconds and the fraction are converted apart: scaling nanoseconds since 1970 by 65536
  // in one go would overflow 64 bits.
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto fraction_ns = static_cast<std::uint64_t>((since_epoch - seconds).count());
  const std::uint64_t fraction = (fraction_ns << 16) / 1'000'000'000;
  return (static_cast<std::uint64_t>(seconds.count()) << 16) | fraction;
}

// The wall-clock time an option value stands for, or nothing when it lies beyond what WallTime
// can hold (a peer may send any 64-bit value). Exact inverse of to_pmip_timestamp() on its range.
[[nodiscard]] constexpr std::optional<WallTime> from_pmip_timestamp(std::uint64_t timestamp) {
  // The last whole second WallTime can hold with any fraction added.
  constexpr auto kLatestSecond =
      std::chrono::floor<std::chrono::seconds>(WallTime::duration::max()).count() - 1;
  const std::uint64_t seconds = timestamp >> 16;
  if (seconds > static_cast<std::uint64_t>(kLatestSecond)) return std::nullopt;
  // Round the fraction up so that converting back, which rounds down, gives the same value.
  const std::uint64_t fraction_ns = ((timestamp & 0xffff) * 1'000'000'000 + 0xffff) >> 16;
  const auto since_epoch = std::chrono::seconds{static_cast<std::int64_t>(seconds)} +
                           std::chrono::nanoseconds{static_cast<std::int64_t>(fraction_ns)};
  return WallTime{std::chrono::duration_cast<WallTime::duration>(since_epoch)};
}

}  // namespace xpmip
