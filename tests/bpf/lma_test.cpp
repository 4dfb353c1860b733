// LMA programs under BPF_PROG_RUN. acc0 plays the MAG-facing/Internet-facing ingress here and
// core0 the egress the FIB picks for 2001:db8:1a::/64, so forwarding shows up as XDP_REDIRECT.
#include <gtest/gtest.h>
#include <linux/bpf.h>

#include "packet.hpp"
#include "test_bed.hpp"

namespace xpmip::test {
namespace {

using dataplane::Ipv6Prefix;
using dataplane::Program;

const Ipv6Address kLmaAddr = ip("2001:db8:c::1");
const Ipv6Address kMagA = ip("2001:db8:1a::5");
const Ipv6Address kMagB = ip("2001:db8:1a::6");
const Ipv6Prefix kHnp{ip("2001:db8:100:1::"), 64};
const Ipv6Address kMnAddr = ip("2001:db8:100:1::10");
const Ipv6Address kCn = ip("2001:db8:1a::99");
const MacAddress kMagMac = mac("02:00:00:00:0a:0a");

class LmaTest : public DataplaneTest {
 protected:
  void SetUp() override {
    DataplaneTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    dataplane::NodeConfig cfg;
    cfg.self = kLmaAddr;
    ASSERT_TRUE(dp().set_config(cfg));
    ASSERT_TRUE(dp().lma_bind(kHnp, kMagA));
  }

  XdpRun external(const Bytes& frame) {
    return run_xdp(dp().program_fd(Program::kLmaExternal), frame, topo_.acc0);
  }
  XdpRun core(const Bytes& frame) {
    return run_xdp(dp().program_fd(Program::kLmaCore), frame, topo_.acc0);
  }

  Bytes to_mn(std::uint8_t hop_limit = 64, const Ipv6Address& dst = kMnAddr) const {
    return ethernet(topo_.acc0_mac, kNextHopMac, kEthIpv6,
                    ipv6({kCn, dst, 0x20, 0xabcde, hop_limit, 17}, udp(80, 50000, 200)));
  }

  Bytes from_mag(const Ipv6Address& mag, const Ipv6Fields& inner) const {
    return ethernet(topo_.acc0_mac, kMagMac, kEthIpv6,
                    ipv6({mag, kLmaAddr, 0, 0x1111, 63, 41}, ipv6(inner, udp(50000, 80, 120))));
  }
};

TEST_F(LmaTest, ExternalEncapsulatesTowardsTheBoundProxyCoa) {
  const Bytes in = to_mn();
  const XdpRun run = external(in);
  ASSERT_EQ(run.action, XDP_REDIRECT);
  const Ipv6Fields outer = read_ipv6(run.out, kEthLen);
  EXPECT_NE(outer.flow_label, 0u);
  const Bytes expected =
      ethernet(kNextHopMac, topo_.core0_mac, kEthIpv6,
               ipv6({kLmaAddr, kMagA, 0x20, outer.flow_label, 64, 41},
                    ipv6({kCn, kMnAddr, 0x20, 0xabcde, 63, 17}, udp(80, 50000, 200))));
  EXPECT_TRUE(same_bytes(run.out, expected));
  expect_only_counter(XPMIP_CTR_LMA_EXT_TX_ENCAP, 1, in.size());
}

TEST_F(LmaTest, HandoffIsOneUpdateOfTheProxyCoa) {
  ASSERT_EQ(read_ipv6(external(to_mn()).out, kEthLen).dst, kMagA);
  ASSERT_TRUE(dp().lma_bind(kHnp, kMagB));  // RFC 5213 §5.3.4
  EXPECT_EQ(read_ipv6(external(to_mn()).out, kEthLen).dst, kMagB);
  auto bindings = dp().lma_bindings();
  ASSERT_TRUE(bindings);
  ASSERT_EQ(bindings->size(), 1u);
  EXPECT_EQ((*bindings)[0], (dataplane::LmaBindingEntry{kHnp, kMagB}));
}

TEST_F(LmaTest, ExternalPassesUnboundAndExpiringAndUnbindStopsTunnelling) {
  const Bytes expiring = to_mn(1);
  XdpRun run = external(expiring);
  EXPECT_EQ(run.action, XDP_PASS);
  EXPECT_TRUE(same_bytes(run.out, expiring));
  EXPECT_EQ(counter(XPMIP_CTR_LMA_EXT_PASS_HOP_LIMIT).packets, 1u);

  ASSERT_TRUE(dp().lma_unbind(kHnp));
  const Bytes in = to_mn();
  run = external(in);
  EXPECT_EQ(run.action, XDP_PASS);
  EXPECT_TRUE(same_bytes(run.out, in));
  EXPECT_EQ(counter(XPMIP_CTR_LMA_EXT_PASS_NOT_BOUND).packets, 1u);
  EXPECT_EQ(counter(XPMIP_CTR_LMA_EXT_TX_ENCAP).packets, 0u);
}

TEST_F(LmaTest, ExternalUsesTheTrieForOtherPrefixLengths) {
  ASSERT_TRUE(dp().lma_bind({ip("2001:db8:300::"), 48}, kMagB));
  const XdpRun run = external(to_mn(64, ip("2001:db8:300:7::1")));
  ASSERT_EQ(run.action, XDP_REDIRECT);
  EXPECT_EQ(read_ipv6(run.out, kEthLen).dst, kMagB);
}

TEST_F(LmaTest, ExternalNeverTunnelsATunnelOfOurs) {
  const Bytes in = ethernet(
      topo_.acc0_mac, kNextHopMac, kEthIpv6,
      ipv6({kLmaAddr, kMnAddr, 0, 0, 64, 41}, ipv6({kCn, kMnAddr, 0, 0, 64, 17}, udp(1, 2, 3))));
  EXPECT_EQ(external(in).action, XDP_DROP);
  expect_only_counter(XPMIP_CTR_DROP_TUNNEL_LOOP, 1, in.size());
}

TEST_F(LmaTest, CoreDecapsulatesAndForwardsByFib) {
  const Ipv6Fields inner{kMnAddr, kCn, 0x01, 0x5, 40, 17};
  const Bytes in = from_mag(kMagA, inner);
  const XdpRun run = core(in);
  ASSERT_EQ(run.action, XDP_REDIRECT);
  Ipv6Fields forwarded = inner;
  forwarded.hop_limit = 39;
  const Bytes expected =
      ethernet(kNextHopMac, topo_.core0_mac, kEthIpv6, ipv6(forwarded, udp(50000, 80, 120)));
  EXPECT_TRUE(same_bytes(run.out, expected));
  expect_only_counter(XPMIP_CTR_LMA_CORE_TX_DECAP, 1, in.size());
}

TEST_F(LmaTest, CoreDropsSourcesNotBoundToTheSendingProxyCoa) {
  ASSERT_TRUE(dp().lma_bind({ip("2001:db8:100:2::"), 64}, kMagB));
  const Bytes wrong_mag = from_mag(kMagA, {ip("2001:db8:100:2::10"), kCn, 0, 0, 40, 17});
  const Bytes unbound = from_mag(kMagA, {ip("2001:db8:100:3::10"), kCn, 0, 0, 40, 17});
  EXPECT_EQ(core(wrong_mag).action, XDP_DROP);
  EXPECT_EQ(core(unbound).action, XDP_DROP);
  expect_only_counter(XPMIP_CTR_LMA_CORE_DROP_SPOOFED_SRC, 2, wrong_mag.size() + unbound.size());
}

TEST_F(LmaTest, CoreHandsWhatXdpCannotForwardToTheKernelDecapsulated) {
  struct Case {
    Ipv6Address dst;
    std::uint8_t hop_limit;
    xpmip_counter counter;
  };
  const Case cases[] = {
      {ip("2001:db8:1b::1"), 40, XPMIP_CTR_LMA_CORE_PASS_NO_NEIGH},   // kernel resolves ND
      {ip("2001:db8:1d::1"), 40, XPMIP_CTR_LMA_CORE_PASS_FIB_ERROR},  // kernel: unreachable
      {kLmaAddr, 40, XPMIP_CTR_LMA_CORE_PASS_FIB_ERROR},              // local delivery
      {kCn, 1, XPMIP_CTR_LMA_CORE_PASS_HOP_LIMIT},                    // kernel: time exceeded
  };
  for (const auto& c : cases) {
    const Ipv6Fields inner{kMnAddr, c.dst, 0, 0, c.hop_limit, 17};
    const XdpRun run = core(from_mag(kMagA, inner));
    EXPECT_EQ(run.action, XDP_PASS);
    const Bytes expected =
        ethernet(topo_.acc0_mac, kMagMac, kEthIpv6, ipv6(inner, udp(50000, 80, 120)));
    EXPECT_TRUE(same_bytes(run.out, expected)) << "hop limit left for the kernel to decrement";
    EXPECT_GE(counter(c.counter).packets, 1u) << xpmip_counter_names[c.counter];
  }
  EXPECT_EQ(counter(XPMIP_CTR_LMA_CORE_PASS_FIB_ERROR).packets, 2u);
}

TEST_F(LmaTest, CoreSendsMobileToMobileTrafficIntoTheOtherTunnel) {
  const Ipv6Address mn2 = ip("2001:db8:100:2::20");
  ASSERT_TRUE(dp().lma_bind({ip("2001:db8:100:2::"), 64}, kMagB));
  const Ipv6Fields inner{kMnAddr, mn2, 0x02, 0x77, 40, 17};
  const Bytes in = from_mag(kMagA, inner);
  const XdpRun run = core(in);
  ASSERT_EQ(run.action, XDP_REDIRECT);
  Ipv6Fields forwarded = inner;
  forwarded.hop_limit = 39;
  const Ipv6Fields outer = read_ipv6(run.out, kEthLen);
  const Bytes expected = ethernet(kNextHopMac, topo_.core0_mac, kEthIpv6,
                                  ipv6({kLmaAddr, kMagB, 0x02, outer.flow_label, 64, 41},
                                       ipv6(forwarded, udp(50000, 80, 120))));
  EXPECT_TRUE(same_bytes(run.out, expected));
  expect_only_counter(XPMIP_CTR_LMA_CORE_TX_HAIRPIN, 1, in.size());
}

// Host-generated traffic (here an ICMPv6 error for the MN) leaves through the TC egress program.
TEST_F(LmaTest, LocalTrafficToAnHnpIsTunnelledByTheTcProgram) {
  const Bytes icmp = {1, 4, 0x12, 0x34, 0, 0, 0, 0, 0xde, 0xad};
  const Ipv6Fields h{kLmaAddr, kMnAddr, 0, 0, 64, 58};
  const Bytes in = ethernet(kNextHopMac, topo_.core0_mac, kEthIpv6, ipv6(h, icmp));
  const XdpRun run = run_tc(dp().program_fd(Program::kLmaLocalOut), in, topo_.core0);
  EXPECT_EQ(run.action, 7 /* TC_ACT_REDIRECT from bpf_redirect_neigh */);
  const Ipv6Fields outer = read_ipv6(run.out, kEthLen);
  const Bytes expected =
      ethernet(kNextHopMac, topo_.core0_mac, kEthIpv6,
               ipv6({kLmaAddr, kMagA, 0, outer.flow_label, 64, 41}, ipv6(h, icmp)));
  EXPECT_TRUE(same_bytes(run.out, expected)) << "hop limit kept: the packet was not forwarded";
  expect_only_counter(XPMIP_CTR_LMA_LOCAL_TX_ENCAP, 1, in.size());

  const Bytes other =
      ethernet(kNextHopMac, topo_.core0_mac, kEthIpv6, ipv6({kLmaAddr, kCn, 0, 0, 64, 58}, icmp));
  const XdpRun passed = run_tc(dp().program_fd(Program::kLmaLocalOut), other, topo_.core0);
  EXPECT_EQ(passed.action, 0 /* TC_ACT_OK */);
  EXPECT_TRUE(same_bytes(passed.out, other));
  EXPECT_EQ(counter(XPMIP_CTR_LMA_LOCAL_PASS_NOT_BOUND).packets, 1u);

  ASSERT_TRUE(dp().lma_bind(kHnp, ip("2001:db8:1d::5")));  // unreachable MAG
  EXPECT_EQ(run_tc(dp().program_fd(Program::kLmaLocalOut), in, topo_.core0).action,
            2 /* TC_ACT_SHOT */);
  EXPECT_EQ(counter(XPMIP_CTR_DROP_NO_ROUTE).packets, 1u);
}

TEST_F(LmaTest, CorePassesTunnelsForOtherAddresses) {
  const Bytes in = ethernet(topo_.acc0_mac, kMagMac, kEthIpv6,
                            ipv6({kMagA, ip("2001:db8:c::77"), 0, 0, 63, 41},
                                 ipv6({kMnAddr, kCn, 0, 0, 40, 17}, udp(1, 2, 3))));
  const XdpRun run = core(in);
  EXPECT_EQ(run.action, XDP_PASS);
  EXPECT_TRUE(same_bytes(run.out, in));
  expect_only_counter(XPMIP_CTR_PASS_NOT_OUR_TUNNEL, 1, in.size());
}

}  // namespace
}  // namespace xpmip::test
