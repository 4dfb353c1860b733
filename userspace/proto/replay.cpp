#include "xpmip/lma_replay.hpp"

namespace xpmip {
namespace {

constexpr std::uint64_t kFractionsPerSecond = 65536;

// |a - b| of two RFC 5213 §8.8 timestamps, as a duration; saturates far beyond any window.
std::chrono::nanoseconds distance(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t diff = a > b ? a - b : b - a;
  const std::uint64_t seconds = diff / kFractionsPerSecond;
  constexpr std::uint64_t kSaturation = 1'000'000'000;  // ~31 years, fits nanoseconds
  if (seconds >= kSaturation) return std::chrono::seconds{kSaturation};
  const std::uint64_t fraction_ns =
      (diff % kFractionsPerSecond) * 1'000'000'000 / kFractionsPerSecond;
  return std::chrono::seconds{seconds} +
         std::chrono::nanoseconds{static_cast<std::int64_t>(fraction_ns)};
}

}  // namespace

bool sequence_is_newer(std::uint16_t received, std::uint16_t last) {
  const auto ahead = static_cast<std::uint16_t>(received - last);
  return ahead != 0 && ahead < 0x8000;
}

std::optional<PbaStatus> check_timestamp(std::uint64_t received, std::uint64_t lma_now,
                                         std::optional<std::uint64_t> last_accepted,
                                         std::chrono::nanoseconds window) {
  if (last_accepted && received <= *last_accepted) {
    return PbaStatus::kTimestampLowerThanPrevAccepted;
  }
  if (distance(received, lma_now) > window) return PbaStatus::kTimestampMismatch;
  return std::nullopt;
}

}  // namespace xpmip
