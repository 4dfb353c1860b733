#include "xpmip/mag_retransmit.hpp"

#include <gtest/gtest.h>

namespace xpmip {
namespace {

using namespace std::chrono_literals;

TEST(BindackTimeout, DoublesFromInitialUpToTheCap) {
  // RFC 6275 §11.8 / §12: INITIAL_BINDACK_TIMEOUT 1 s, MAX_BINDACK_TIMEOUT 32 s.
  const std::chrono::milliseconds expected[] = {1s, 2s, 4s, 8s, 16s, 32s, 32s, 32s};
  for (unsigned n = 0; n < std::size(expected); ++n)
    EXPECT_EQ(bindack_timeout(1s, 32s, n), expected[n]) << "transmission " << n;
}

TEST(BindackTimeout, FirstRegistrationTimeoutIsCappedToo) {
  EXPECT_EQ(bindack_timeout(1500ms, 32s, 0), 1500ms);
  EXPECT_EQ(bindack_timeout(1500ms, 32s, 1), 3s);
  EXPECT_EQ(bindack_timeout(1500ms, 32s, 4), 24s);
  EXPECT_EQ(bindack_timeout(1500ms, 32s, 5), 32s);
  EXPECT_EQ(bindack_timeout(1500ms, 32s, 1000), 32s);  // no overflow however long it retries
}

TEST(UpdateRateLimiter, AllowsThreePerSecondThenWaitsForTheOldestToAge) {
  UpdateRateLimiter limiter{3};
  const SteadyTime t0{std::chrono::hours{1}};
  for (auto offset : {0ms, 100ms, 200ms}) {
    EXPECT_EQ(limiter.earliest_send(t0 + offset), t0 + offset);
    limiter.record_send(t0 + offset);
  }
  EXPECT_EQ(limiter.earliest_send(t0 + 300ms), t0 + 1s);
  EXPECT_EQ(limiter.earliest_send(t0 + 1s), t0 + 1s);
  limiter.record_send(t0 + 1s);
  // The window now holds 100 ms, 200 ms and 1 s.
  EXPECT_EQ(limiter.earliest_send(t0 + 1s), t0 + 1100ms);
  EXPECT_EQ(limiter.earliest_send(t0 + 5s), t0 + 5s);
}

TEST(UpdateRateLimiter, ZeroDisablesTheLimit) {
  UpdateRateLimiter limiter{0};
  const SteadyTime t0{std::chrono::hours{1}};
  for (int i = 0; i < 10; ++i) limiter.record_send(t0);
  EXPECT_EQ(limiter.earliest_send(t0), t0);
}

}  // namespace
}  // namespace xpmip
