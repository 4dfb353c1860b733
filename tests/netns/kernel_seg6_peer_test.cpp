// Proves the kernel's seg6 tunnel peers work on their own, kernel MAG against kernel LMA, so a
// failure in the interop tests (our programs against one of these peers) points at our side.

#include <iostream>
#include <string>

#include <gtest/gtest.h>

#include "harness/capture.hpp"
#include "harness/echo_tally.hpp"
#include "harness/netns.hpp"
#include "harness/ping.hpp"
#include "harness/prerequisites.hpp"
#include "harness/topology.hpp"

namespace xpmip::netns {
namespace {

constexpr int kEchoes = 3;

class KernelSeg6Peers : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = missing_tools_or_privilege(); !why.empty()) GTEST_SKIP() << why;
    for (const auto& removed : remove_stale_objects())
      std::cout << "removed stale " << removed << '\n';
    if (auto why = seg6_unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  }
};

TEST_F(KernelSeg6Peers, CarryPingsBothWaysAsPlainIpv6InIpv6) {
  auto chain = build_chain();
  ASSERT_TRUE(chain) << chain.error();
  auto mag = configure_kernel_mag(chain->mag);
  ASSERT_TRUE(mag) << mag.error();
  auto lma = configure_kernel_lma(chain->lma);
  ASSERT_TRUE(lma) << lma.error();
  auto capture = PacketCapture::start(chain->lma, plan::kLmaTransportDev,
                                      "/tmp/" + run_prefix() + "kernel-peers.pcapng");
  ASSERT_TRUE(capture) << capture.error();

  auto up = ping(chain->mn, plan::kCn, kEchoes);
  ASSERT_TRUE(up) << up.error();
  EXPECT_EQ(up->received, kEchoes) << up->transcript;
  auto down = ping(chain->cn, plan::kMn, kEchoes);
  ASSERT_TRUE(down) << down.error();
  EXPECT_EQ(down->received, kEchoes) << down->transcript;

  auto packets = capture->tunnelled_packets();
  ASSERT_TRUE(packets) << packets.error();
  auto tally = tally_echoes(*packets, plan::kCn, kSeg6EntryHopLimits, kSeg6EntryHopLimits);
  EXPECT_EQ(tally.upstream_requests, kEchoes);
  EXPECT_EQ(tally.downstream_replies, kEchoes);
  EXPECT_EQ(tally.downstream_requests, kEchoes);
  EXPECT_EQ(tally.upstream_replies, kEchoes);
  EXPECT_TRUE(tally.unexpected.empty()) << ::testing::PrintToString(tally.unexpected);
}

}  // namespace
}  // namespace xpmip::netns
