// The LMA's building blocks on their own: the HNP pool and the RFC 5213 §5.5 ordering checks.
#include <gtest/gtest.h>

#include "xpmip/address.hpp"
#include "xpmip/hnp_pool.hpp"
#include "xpmip/lma_replay.hpp"

namespace xpmip {
namespace {

using namespace std::chrono_literals;

Prefix pfx(std::string_view text) {
  return parse_ipv6_prefix(text).value();
}

const SteadyTime kStart{std::chrono::hours{1}};

TEST(HnpPool, CarvesTheAggregateInOrder) {
  auto pool = HnpPool::create(pfx("2001:db8:100::/62"), 64, 10s);
  ASSERT_TRUE(pool.has_value());
  EXPECT_EQ(pool->capacity(), 4u);
  EXPECT_EQ(pool->allocate(kStart), pfx("2001:db8:100::/64"));
  EXPECT_EQ(pool->allocate(kStart), pfx("2001:db8:100:1::/64"));
  EXPECT_EQ(pool->allocate(kStart), pfx("2001:db8:100:2::/64"));
  EXPECT_EQ(pool->allocate(kStart), pfx("2001:db8:100:3::/64"));
  EXPECT_EQ(pool->allocate(kStart), std::nullopt);
  EXPECT_EQ(pool->allocated_count(), 4u);
}

TEST(HnpPool, IgnoresHostBitsOfTheAggregate) {
  auto pool = HnpPool::create(pfx("2001:db8:100:ffff::1/48"), 64, 10s);
  ASSERT_TRUE(pool.has_value());
  EXPECT_EQ(pool->allocate(kStart), pfx("2001:db8:100::/64"));
}

TEST(HnpPool, DelegatesPrefixesLongerThan64) {
  auto pool = HnpPool::create(pfx("2001:db8::/64"), 72, 10s);
  ASSERT_TRUE(pool.has_value());
  EXPECT_EQ(pool->capacity(), 256u);
  EXPECT_EQ(pool->allocate(kStart), pfx("2001:db8::/72"));
  EXPECT_EQ(pool->allocate(kStart), pfx("2001:db8::100:0:0:0/72"));
}

TEST(HnpPool, RejectsImpossibleShapes) {
  EXPECT_EQ(HnpPool::create(pfx("2001:db8::/64"), 48, 10s).error(), HnpPoolError::kBadLength);
  EXPECT_EQ(HnpPool::create(pfx("2001:db8::/64"), 129, 10s).error(), HnpPoolError::kBadLength);
  EXPECT_EQ(HnpPool::create(pfx("2001::/16"), 128, 10s).error(), HnpPoolError::kTooManyPrefixes);
}

TEST(HnpPool, ReleasedPrefixWaitsOutTheQuarantine) {
  auto pool = HnpPool::create(pfx("2001:db8:100::/64"), 64, 10s);
  ASSERT_TRUE(pool.has_value());
  const auto prefix = pool->allocate(kStart);
  ASSERT_TRUE(prefix.has_value());
  pool->release(*prefix, kStart);
  EXPECT_EQ(pool->allocated_count(), 0u);
  EXPECT_EQ(pool->allocate(kStart + 10s - 1ns), std::nullopt);
  EXPECT_EQ(pool->allocate(kStart + 10s), prefix);
}

TEST(HnpPool, PrefersFreshPrefixesOverRecentlyReleasedOnes) {
  auto pool = HnpPool::create(pfx("2001:db8:100::/63"), 64, 0s);
  ASSERT_TRUE(pool.has_value());
  const auto first = pool->allocate(kStart);
  pool->release(*first, kStart);
  EXPECT_EQ(pool->allocate(kStart), pfx("2001:db8:100:1::/64"));
  EXPECT_EQ(pool->allocate(kStart), first);
}

TEST(HnpPool, ClaimTakesASpecificPrefixOnce) {
  auto pool = HnpPool::create(pfx("2001:db8:100::/63"), 64, 10s);
  ASSERT_TRUE(pool.has_value());
  EXPECT_TRUE(pool->claim(pfx("2001:db8:100::/64")));
  EXPECT_FALSE(pool->claim(pfx("2001:db8:100::/64")));
  EXPECT_FALSE(pool->claim(pfx("2001:db8:200::/64")));  // not the pool's
  EXPECT_FALSE(pool->claim(pfx("2001:db8:100::/56")));  // wrong length
  EXPECT_EQ(pool->allocate(kStart), pfx("2001:db8:100:1::/64"));
  EXPECT_EQ(pool->allocate(kStart), std::nullopt);
}

TEST(HnpPool, HugePoolAllocatesWithoutScanning) {
  auto pool = HnpPool::create(pfx("2001:db8::/32"), 64, 10s);
  ASSERT_TRUE(pool.has_value());
  EXPECT_EQ(pool->capacity(), std::uint64_t{1} << 32);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(pool->allocate(kStart).has_value());
  EXPECT_EQ(pool->allocate(kStart), pfx("2001:db8:0:3e8::/64"));
}

TEST(SequenceNumbers, AreComparedModulo65536) {
  EXPECT_TRUE(sequence_is_newer(101, 100));
  EXPECT_FALSE(sequence_is_newer(100, 100));
  EXPECT_FALSE(sequence_is_newer(99, 100));
  EXPECT_TRUE(sequence_is_newer(0, 65535));
  EXPECT_TRUE(sequence_is_newer(32767, 0));
  EXPECT_FALSE(sequence_is_newer(32768, 0));
  EXPECT_TRUE(sequence_is_newer(100, 32869));  // 32767 ahead across the wrap
  EXPECT_FALSE(sequence_is_newer(100, 32868));
}

constexpr std::uint64_t kNow = std::uint64_t{1'700'000'000} << 16;
constexpr std::uint64_t kMs300 = 19660;  // floor(0.3 * 65536)

TEST(Timestamps, InsideTheWindowAndAboveTheLastAreAccepted) {
  EXPECT_EQ(check_timestamp(kNow, kNow, std::nullopt, 300ms), std::nullopt);
  EXPECT_EQ(check_timestamp(kNow - kMs300, kNow, kNow - kMs300 - 1, 300ms), std::nullopt);
  EXPECT_EQ(check_timestamp(kNow + kMs300, kNow, std::nullopt, 300ms), std::nullopt);
}

TEST(Timestamps, OutsideTheWindowIs156) {
  EXPECT_EQ(check_timestamp(kNow - kMs300 - 1, kNow, std::nullopt, 300ms),
            PbaStatus::kTimestampMismatch);
  EXPECT_EQ(check_timestamp(kNow + kMs300 + 1, kNow, std::nullopt, 300ms),
            PbaStatus::kTimestampMismatch);
  EXPECT_EQ(check_timestamp(0, kNow, std::nullopt, 300ms), PbaStatus::kTimestampMismatch);
  EXPECT_EQ(check_timestamp(~std::uint64_t{0}, kNow, std::nullopt, 300ms),
            PbaStatus::kTimestampMismatch);
}

TEST(Timestamps, NotAboveTheLastAcceptedIs157EvenInsideTheWindow) {
  EXPECT_EQ(check_timestamp(kNow, kNow, kNow, 300ms), PbaStatus::kTimestampLowerThanPrevAccepted);
  EXPECT_EQ(check_timestamp(kNow - 1, kNow, kNow, 300ms),
            PbaStatus::kTimestampLowerThanPrevAccepted);
}

TEST(Timestamps, WindowIsConfigurable) {
  EXPECT_EQ(check_timestamp(kNow - (std::uint64_t{2} << 16), kNow, std::nullopt, 2s), std::nullopt);
  EXPECT_EQ(check_timestamp(kNow - (std::uint64_t{2} << 16) - 1, kNow, std::nullopt, 2s),
            PbaStatus::kTimestampMismatch);
}

}  // namespace
}  // namespace xpmip
