// RFC 5213 §8.8 timestamps: 48 bits of seconds since 1970 and 16 bits of 1/65536 s.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>

#include "xpmip/timestamp.hpp"

namespace xpmip {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(PmipTimestamp, SecondsGoInTheUpper48Bits) {
  EXPECT_EQ(to_pmip_timestamp(WallTime{seconds{1}}), 0x1'0000u);
  // 1700000000 = 0x6553f100; 0.5 s = 0x8000 / 65536.
  EXPECT_EQ(to_pmip_timestamp(WallTime{seconds{1'700'000'000} + milliseconds{500}}),
            0x0000'6553'f100'8000u);
}

TEST(PmipTimestamp, FractionRoundsDown) {
  // One tick is 15258.789... ns: 15258 ns is still tick 0, 15259 ns is tick 1.
  EXPECT_EQ(to_pmip_timestamp(WallTime{nanoseconds{15'258}}), 0u);
  EXPECT_EQ(to_pmip_timestamp(WallTime{nanoseconds{15'259}}), 1u);
  EXPECT_EQ(to_pmip_timestamp(WallTime{seconds{2} - nanoseconds{1}}), 0x1'ffffu);
}

TEST(PmipTimestamp, BeforeTheEpochIsZero) {
  EXPECT_EQ(to_pmip_timestamp(WallTime{seconds{-1}}), 0u);
}

TEST(PmipTimestamp, DecodesToTheInstantItNames) {
  const auto decoded = from_pmip_timestamp(0x0000'6553'f100'8000);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, WallTime{seconds{1'700'000'000} + milliseconds{500}});
  // Tick 1 is 15258.789 ns; rounding up gives 15259 ns.
  EXPECT_EQ(from_pmip_timestamp(1), WallTime{nanoseconds{15'259}});
}

TEST(PmipTimestamp, EveryFractionSurvivesARoundTrip) {
  for (std::uint64_t fraction = 0; fraction <= 0xffff; ++fraction) {
    const std::uint64_t timestamp = (std::uint64_t{1'700'000'000} << 16) | fraction;
    const auto decoded = from_pmip_timestamp(timestamp);
    ASSERT_TRUE(decoded.has_value());
    ASSERT_EQ(to_pmip_timestamp(*decoded), timestamp) << fraction;
  }
}

TEST(PmipTimestamp, ValuesBeyondWallTimeDoNotDecode) {
  // WallTime (nanoseconds in int64) ends in 2262; 48 bits of seconds reach far beyond.
  EXPECT_FALSE(from_pmip_timestamp(std::numeric_limits<std::uint64_t>::max()).has_value());
  EXPECT_FALSE(from_pmip_timestamp(std::uint64_t{10'000'000'000} << 16).has_value());
  EXPECT_TRUE(from_pmip_timestamp(std::uint64_t{9'000'000'000} << 16).has_value());
}

}  // namespace
}  // namespace xpmip
