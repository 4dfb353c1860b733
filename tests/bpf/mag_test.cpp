// MAG programs under BPF_PROG_RUN: exact output frames, verdicts and counters per path.
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <sched.h>

#include "packet.hpp"
#include "test_bed.hpp"

namespace xpmip::test {
namespace {

using dataplane::Ipv6Prefix;
using dataplane::Program;

const Ipv6Address kLma = ip("2001:db8:1a::1");  // reachable, neighbour known
const Ipv6Address kCn = ip("2001:db8:99::1");

class MagTest : public MagDataplaneTest {
 protected:
  Ipv6Fields from_mn(std::uint8_t hop_limit = 64) const {
    return {kMnAddr, kCn, 0xb9, 0x12345, hop_limit, 17};
  }

  Bytes mn_frame(const Ipv6Fields& h, const Bytes& l4) const {
    return ethernet(topo_.acc0_mac, kMnMac, kEthIpv6, ipv6(h, l4));
  }

  XdpRun access(const Bytes& frame) {
    return run_xdp(dp().program_fd(Program::kMagAccess), frame, topo_.acc0);
  }
  XdpRun core(const Bytes& frame) {
    return run_xdp(dp().program_fd(Program::kMagCore), frame, topo_.core0);
  }

  // A tunnelled frame from the LMA to us as it arrives on core0.
  Bytes from_lma(const Ipv6Fields& inner, std::uint8_t outer_tclass = 0,
                 const Ipv6Address& outer_src = kLma) const {
    const Bytes inner_packet = ipv6(inner, udp(53, 40000, 64));
    return ethernet(topo_.core0_mac, kNextHopMac, kEthIpv6,
                    ipv6({outer_src, kProxyCoa, outer_tclass, 0x777, 60, 41}, inner_packet));
  }
};

TEST_F(MagTest, AccessEncapsulatesBoundSourceAndRedirectsToTheLma) {
  configure(kLma);
  const Bytes l4 = udp(1234, 5678, 100);
  const Bytes in = mn_frame(from_mn(), l4);
  const XdpRun run = access(in);
  ASSERT_EQ(run.action, XDP_REDIRECT);

  const Ipv6Fields outer = read_ipv6(run.out, kEthLen);
  EXPECT_NE(outer.flow_label, 0u) << "RFC 6438: the outer flow label carries the inner flow hash";
  Ipv6Fields inner = from_mn();
  inner.hop_limit = 63;  // RFC 2473 §3.1: the entry point forwards the inner packet one hop
  const Bytes expected =
      ethernet(kNextHopMac, topo_.core0_mac, kEthIpv6,
               ipv6({kProxyCoa, kLma, 0xb9, outer.flow_label, 64, 41}, ipv6(inner, l4)));
  EXPECT_TRUE(same_bytes(run.out, expected));
  expect_only_counter(XPMIP_CTR_MAG_ACCESS_TX_ENCAP, 1, in.size());
}

TEST_F(MagTest, OuterFlowLabelFollowsTheInnerFlow) {
  configure(kLma);
  auto label = [&](std::uint16_t sport, std::size_t body) {
    return read_ipv6(access(mn_frame(from_mn(), udp(sport, 5678, body))).out, kEthLen).flow_label;
  };
  const std::uint32_t first = label(1234, 100);
  EXPECT_EQ(label(1234, 300), first) << "same flow, same label";
  EXPECT_NE(label(1235, 100), first) << "another source port is another flow";
  EXPECT_NE(label(1236, 100), label(1235, 100));
}

TEST_F(MagTest, InnerCongestionExperiencedBecomesEct0Outside) {
  configure(kLma);
  Ipv6Fields h = from_mn();
  h.tclass = 0xbb;  // DSCP 46, CE
  const XdpRun run = access(mn_frame(h, udp(1, 2, 10)));
  ASSERT_EQ(run.action, XDP_REDIRECT);
  EXPECT_EQ(read_ipv6(run.out, kEthLen).tclass, 0xba) << "RFC 3168 §9.1.1: CE -> ECT(0)";
  EXPECT_EQ(read_ipv6(run.out, kEthLen + kIpv6Len).tclass, 0xbb) << "inner untouched";
}

TEST_F(MagTest, AccessAcceptsSourcesInNon64Prefixes) {
  configure(kLma);
  const Ipv6Prefix hnp56{ip("2001:db8:200::"), 56};
  ASSERT_TRUE(dp().mag_bind(hnp56, {topo_.acc0, kMnMac}));
  Ipv6Fields h = from_mn();
  h.src = ip("2001:db8:200:ff::5");
  const XdpRun run = access(mn_frame(h, udp(1, 2, 10)));
  EXPECT_EQ(run.action, XDP_REDIRECT);
  EXPECT_EQ(read_ipv6(run.out, kEthLen).dst, kLma);
}

TEST_F(MagTest, AccessDropsUnboundSourceWrongMacAndWrongInterface) {
  configure(kLma);
  Ipv6Fields stranger = from_mn();
  stranger.src = ip("2001:db8:100:2::10");
  const Bytes unbound = mn_frame(stranger, udp(1, 2, 10));
  XdpRun run = access(unbound);
  EXPECT_EQ(run.action, XDP_DROP);
  EXPECT_TRUE(same_bytes(run.out, unbound));

  const Bytes spoofed_mac =
      ethernet(topo_.acc0_mac, mac("02:00:00:00:00:66"), kEthIpv6, ipv6(from_mn(), udp(1, 2, 10)));
  EXPECT_EQ(access(spoofed_mac).action, XDP_DROP);

  const Bytes good = mn_frame(from_mn(), udp(1, 2, 10));
  EXPECT_EQ(run_xdp(dp().program_fd(Program::kMagAccess), good, topo_.core0).action, XDP_DROP)
      << "the MN is attached on acc0, not core0";
  expect_only_counter(XPMIP_CTR_MAG_ACCESS_DROP_SRC_NOT_BOUND, 3,
                      unbound.size() + spoofed_mac.size() + good.size());
}

TEST_F(MagTest, LinkLocalNdAndRouterSolicitationGoToTheKernel) {
  configure(kLma);
  const Bytes icmp = {133, 0, 0x12, 0x34, 0, 0, 0, 0};  // RS (checksum not checked here)
  const std::vector<Ipv6Fields> link_scoped = {
      {ip("fe80::10"), ip("ff02::2"), 0, 0, 255, 58},            // RS
      {ip("::"), ip("ff02::1:ff00:10"), 0, 0, 255, 58},          // DAD NS
      {kMnAddr, ip("fe80::200:5eff:fe00:5213"), 0, 0, 255, 58},  // NS to the MAG link-local
      {kMnAddr, ip("ff02::16"), 0, 0, 1, 0},                     // MLD report
  };
  std::uint64_t bytes = 0;
  for (const auto& h : link_scoped) {
    const Bytes in = mn_frame(h, icmp);
    const XdpRun run = access(in);
    EXPECT_EQ(run.action, XDP_PASS);
    EXPECT_TRUE(same_bytes(run.out, in));
    bytes += in.size();
  }
  expect_only_counter(XPMIP_CTR_MAG_ACCESS_PASS_LINK_LOCAL, link_scoped.size(), bytes);
}

TEST_F(MagTest, HopLimitOneGoesToTheKernelUntouched) {
  configure(kLma);
  const Bytes in = mn_frame(from_mn(1), udp(1, 2, 10));
  const XdpRun run = access(in);
  EXPECT_EQ(run.action, XDP_PASS);
  EXPECT_TRUE(same_bytes(run.out, in));
  expect_only_counter(XPMIP_CTR_MAG_ACCESS_PASS_HOP_LIMIT, 1, in.size());
}

TEST_F(MagTest, TunnelInsideTunnelIsDropped) {
  configure(kLma);
  Ipv6Fields h = from_mn();
  h.dst = kLma;
  h.next_header = 41;
  const Bytes in = mn_frame(h, ipv6({kMnAddr, kCn, 0, 0, 64, 17}, udp(1, 2, 10)));
  EXPECT_EQ(access(in).action, XDP_DROP);
  expect_only_counter(XPMIP_CTR_DROP_TUNNEL_LOOP, 1, in.size());
}

TEST_F(MagTest, MalformedNonIpv6AndUnconfigured) {
  const Bytes in = mn_frame(from_mn(), udp(1, 2, 10));
  EXPECT_EQ(access(in).action, XDP_PASS) << "nothing configured yet: the kernel gets everything";
  expect_only_counter(XPMIP_CTR_PASS_NOT_CONFIGURED, 1, in.size());

  configure(kLma);
  Bytes truncated = in;
  truncated.resize(in.size() - 1);  // payload_len now claims one byte more than present
  EXPECT_EQ(access(truncated).action, XDP_DROP);
  EXPECT_EQ(counter(XPMIP_CTR_DROP_MALFORMED).packets, 1u);

  const Bytes arp = ethernet(topo_.acc0_mac, kMnMac, 0x0806, Bytes(28, 0));
  EXPECT_EQ(access(arp).action, XDP_PASS);
  EXPECT_EQ(counter(XPMIP_CTR_PASS_NOT_IPV6).packets, 1u);

  const Bytes runt = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x86, 0xdd, 0x60};
  EXPECT_EQ(access(runt).action, XDP_DROP);
  EXPECT_EQ(counter(XPMIP_CTR_DROP_MALFORMED).packets, 2u);
}

TEST_F(MagTest, NoNeighbourEncapsulatesAndHandsTheTunnelPacketToTheKernel) {
  const Ipv6Address lma_without_neigh = ip("2001:db8:1b::1");
  configure(lma_without_neigh);
  const Bytes l4 = udp(1234, 5678, 100);
  const Bytes in = mn_frame(from_mn(), l4);
  const XdpRun run = access(in);
  ASSERT_EQ(run.action, XDP_PASS);
  const Ipv6Fields outer = read_ipv6(run.out, kEthLen);
  Ipv6Fields inner = from_mn();
  inner.hop_limit = 63;
  // The kernel's forwarding step will take the outer hop limit down to the configured 64.
  const Bytes expected = ethernet(
      topo_.acc0_mac, kMnMac, kEthIpv6,
      ipv6({kProxyCoa, lma_without_neigh, 0xb9, outer.flow_label, 65, 41}, ipv6(inner, l4)));
  EXPECT_TRUE(same_bytes(run.out, expected));
  expect_only_counter(XPMIP_CTR_PASS_ENCAP_NO_NEIGH, 1, in.size());
}

TEST_F(MagTest, UnreachableLmaIsDroppedNotLeakedUntunnelled) {
  configure(ip("2001:db8:1d::1"));
  const Bytes in = mn_frame(from_mn(), udp(1, 2, 10));
  EXPECT_EQ(access(in).action, XDP_DROP);
  expect_only_counter(XPMIP_CTR_DROP_NO_ROUTE, 1, in.size());
}

TEST_F(MagTest, CoreDecapsulatesToTheBoundMobileNode) {
  configure(kLma);
  Ipv6Fields inner{kCn, kMnAddr, 0x02, 0x4242, 50, 17};
  const Bytes in = from_lma(inner);
  const XdpRun run = core(in);
  ASSERT_EQ(run.action, XDP_REDIRECT);
  Ipv6Fields delivered = inner;
  delivered.hop_limit = 49;
  const Bytes expected =
      ethernet(kMnMac, dataplane::kRfc6543MagMac, kEthIpv6, ipv6(delivered, udp(53, 40000, 64)));
  EXPECT_TRUE(same_bytes(run.out, expected));
  expect_only_counter(XPMIP_CTR_MAG_CORE_TX_DECAP, 1, in.size());
}

TEST_F(MagTest, CorePropagatesCongestionAndDropsCeOverNotEct) {
  configure(kLma);
  XdpRun run = core(from_lma({kCn, kMnAddr, 0x02 /*ECT(0)*/, 0, 50, 17}, 0x03 /*CE*/));
  ASSERT_EQ(run.action, XDP_REDIRECT);
  EXPECT_EQ(read_ipv6(run.out, kEthLen).tclass, 0x03) << "RFC 3168 §9.1.1: outer CE -> inner CE";

  run = core(from_lma({kCn, kMnAddr, 0x00 /*Not-ECT*/, 0, 50, 17}, 0x03));
  EXPECT_EQ(run.action, XDP_DROP);
  EXPECT_EQ(counter(XPMIP_CTR_DROP_ECN_CE_NOT_ECT).packets, 1u);
}

TEST_F(MagTest, CoreDropsUnboundDestinationAndPassesForeignTraffic) {
  configure(kLma);
  const Bytes unbound = from_lma({kCn, ip("2001:db8:100:9::1"), 0, 0, 50, 17});
  EXPECT_EQ(core(unbound).action, XDP_DROP);
  EXPECT_EQ(counter(XPMIP_CTR_MAG_CORE_DROP_DST_NOT_BOUND).packets, 1u);

  const Bytes from_stranger = from_lma({kCn, kMnAddr, 0, 0, 50, 17}, 0, ip("2001:db8:1a::66"));
  XdpRun run = core(from_stranger);
  EXPECT_EQ(run.action, XDP_PASS);
  EXPECT_TRUE(same_bytes(run.out, from_stranger));

  const Bytes plain = ethernet(topo_.core0_mac, kNextHopMac, kEthIpv6,
                               ipv6({kLma, kProxyCoa, 0, 0, 64, 17}, udp(1, 2, 3)));
  EXPECT_EQ(core(plain).action, XDP_PASS);
  EXPECT_EQ(counter(XPMIP_CTR_PASS_NOT_OUR_TUNNEL).packets, 2u);

  const Bytes with_dstopts = ethernet(topo_.core0_mac, kNextHopMac, kEthIpv6,
                                      ipv6({kLma, kProxyCoa, 0, 0, 64, 60}, Bytes(48, 0)));
  EXPECT_EQ(core(with_dstopts).action, XDP_PASS);
  EXPECT_EQ(counter(XPMIP_CTR_PASS_TUNNEL_EXT_HEADER).packets, 1u);
}

TEST_F(MagTest, CoreHandsExpiringPacketsDecapsulatedToTheKernel) {
  configure(kLma);
  const Ipv6Fields inner{kCn, kMnAddr, 0, 0, 1, 17};
  const XdpRun run = core(from_lma(inner));
  ASSERT_EQ(run.action, XDP_PASS);
  const Bytes expected =
      ethernet(topo_.core0_mac, kNextHopMac, kEthIpv6, ipv6(inner, udp(53, 40000, 64)));
  EXPECT_TRUE(same_bytes(run.out, expected)) << "the kernel sends Time Exceeded for the inner";
  EXPECT_EQ(counter(XPMIP_CTR_MAG_CORE_PASS_HOP_LIMIT).packets, 1u);
}

TEST_F(MagTest, CoreRejectsInnerTunnelAndLengthMismatch) {
  configure(kLma);
  const Bytes nested_inner = ipv6({kCn, kMnAddr, 0, 0, 64, 17}, udp(1, 2, 3));
  const Bytes nested = ethernet(topo_.core0_mac, kNextHopMac, kEthIpv6,
                                ipv6({kLma, kProxyCoa, 0, 0, 64, 41},
                                     ipv6({kMnAddr, kProxyCoa, 0, 0, 64, 41}, nested_inner)));
  // Inner destination kProxyCoa is not an HNP: dropped as unbound before anything else.
  EXPECT_EQ(core(nested).action, XDP_DROP);

  const Bytes nested_to_mn = ethernet(
      topo_.core0_mac, kNextHopMac, kEthIpv6,
      ipv6({kLma, kProxyCoa, 0, 0, 64, 41}, ipv6({kLma, kMnAddr, 0, 0, 64, 41}, nested_inner)));
  EXPECT_EQ(core(nested_to_mn).action, XDP_DROP);
  EXPECT_EQ(counter(XPMIP_CTR_DROP_TUNNEL_LOOP).packets, 1u);

  Bytes bad = from_lma({kCn, kMnAddr, 0, 0, 50, 17});
  bad[kEthLen + kIpv6Len + 5] += 1;  // inner payload_len one longer than the outer carries
  EXPECT_EQ(core(bad).action, XDP_DROP);
  EXPECT_EQ(counter(XPMIP_CTR_DROP_MALFORMED).packets, 1u);
}

}  // namespace
}  // namespace xpmip::test
