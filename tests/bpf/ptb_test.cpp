// Packet Too Big generated in XDP when the encapsulated packet exceeds the route MTU
// (RFC 2473 §7.1, RFC 5213 §6.9.5, RFC 4443 §3.2).
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <sched.h>

#include "packet.hpp"
#include "test_bed.hpp"

namespace xpmip::test {
namespace {

using dataplane::Program;

const Ipv6Address kLmaMtu1400 = ip("2001:db8:1c::1");
const Ipv6Address kLmaMtu1300 = ip("2001:db8:1e::1");

class PtbTest : public MagDataplaneTest {
 protected:
  // An MN packet whose IPv6 length (header included) is `l3_len`.
  Bytes mn_packet(std::size_t l3_len) const {
    return ethernet(
        topo_.acc0_mac, kMnMac, kEthIpv6,
        ipv6({kMnAddr, ip("2001:db8:99::1"), 0, 0, 64, 17}, udp(4000, 443, l3_len - kIpv6Len - 8)));
  }

  XdpRun send(const Bytes& frame) {
    return run_xdp(dp().program_fd(Program::kMagAccess), frame, topo_.acc0);
  }
};

TEST_F(PtbTest, TooBigForTheTunnelIsAnsweredWithExactPacketTooBig) {
  configure(kLmaMtu1400);
  const Bytes in = mn_packet(1500);
  const XdpRun run = send(in);
  ASSERT_EQ(run.action, XDP_TX);
  ASSERT_EQ(run.out.size(), kEthLen + 1280) << "the whole error fits the IPv6 minimum MTU";

  const std::size_t l3 = kEthLen;
  EXPECT_EQ(icmpv6_checksum_residue(run.out, l3), 0) << "ICMPv6 checksum must verify";
  const Bytes quote(in.begin() + static_cast<long>(kEthLen),
                    in.begin() + static_cast<long>(kEthLen + 1232));
  Bytes icmp = {2, 0, run.out[l3 + 42], run.out[l3 + 43], 0, 0, 0x05, 0x50};  // MTU 1400-40
  const Bytes expected = ethernet(kMnMac, topo_.acc0_mac, kEthIpv6,
                                  ipv6({kProxyCoa, kMnAddr, 0, 0, 255, 58}, concat(icmp, quote)));
  EXPECT_TRUE(same_bytes(run.out, expected));
  expect_only_counter(XPMIP_CTR_TX_PACKET_TOO_BIG, 1, in.size());
}

TEST_F(PtbTest, ExactFitIsTunnelledNotRefused) {
  configure(kLmaMtu1400);
  const XdpRun run = send(mn_packet(1360));  // 1360 + 40 = route MTU
  EXPECT_EQ(run.action, XDP_REDIRECT);
  EXPECT_EQ(run.out.size(), kEthLen + 1400);
  const XdpRun too_big = send(mn_packet(1361));
  EXPECT_EQ(too_big.action, XDP_TX);
  EXPECT_EQ(read_be32(too_big.out, kEthLen + kIpv6Len + 4), 1360u);
}

TEST_F(PtbTest, ReportedMtuNeverGoesBelow1280AndSmallPacketsAreDroppedCounted) {
  configure(kLmaMtu1300);
  const XdpRun run = send(mn_packet(1400));
  ASSERT_EQ(run.action, XDP_TX);
  EXPECT_EQ(read_be32(run.out, kEthLen + kIpv6Len + 4), 1280u) << "RFC 2473 §7.1 floor";

  // Fits the IPv6 minimum MTU, so RFC 2473 would fragment the outer packet; XDP cannot.
  const Bytes small = mn_packet(1270);
  EXPECT_EQ(send(small).action, XDP_DROP);
  EXPECT_EQ(counter(XPMIP_CTR_DROP_TUNNEL_MTU).packets, 1u);
  EXPECT_EQ(counter(XPMIP_CTR_DROP_TUNNEL_MTU).bytes, small.size());
}

TEST_F(PtbTest, PacketTooBigIsRateLimited) {
  // The bucket is per CPU: stay on one CPU so all three packets meet the same bucket.
  cpu_set_t one_cpu;
  CPU_ZERO(&one_cpu);
  CPU_SET(0, &one_cpu);
  ASSERT_EQ(sched_setaffinity(0, sizeof(one_cpu), &one_cpu), 0);
  configure(kLmaMtu1400, /*ptb_per_second=*/1, /*ptb_burst=*/2);
  EXPECT_EQ(send(mn_packet(1500)).action, XDP_TX);
  EXPECT_EQ(send(mn_packet(1500)).action, XDP_TX);
  EXPECT_EQ(send(mn_packet(1500)).action, XDP_DROP);
  EXPECT_EQ(counter(XPMIP_CTR_TX_PACKET_TOO_BIG).packets, 2u);
  EXPECT_EQ(counter(XPMIP_CTR_DROP_PTB_RATE_LIMITED).packets, 1u);
}

TEST_F(PtbTest, LmaAnswersTheCorrespondentNode) {
  const Ipv6Address lma = ip("2001:db8:c::1");
  const Ipv6Address cn = ip("2001:db8:99::7");
  dataplane::NodeConfig cfg;
  cfg.self = lma;
  ASSERT_TRUE(dp().set_config(cfg));
  ASSERT_TRUE(dp().lma_bind({ip("2001:db8:100:1::"), 64}, ip("2001:db8:1c::5")));
  const MacAddress router = mac("02:00:00:00:99:99");
  const Bytes in = ethernet(topo_.acc0_mac, router, kEthIpv6,
                            ipv6({cn, kMnAddr, 0, 0, 60, 17}, udp(443, 4000, 1452)));
  const XdpRun run = run_xdp(dp().program_fd(Program::kLmaExternal), in, topo_.acc0);
  ASSERT_EQ(run.action, XDP_TX);
  const Ipv6Fields ip6 = read_ipv6(run.out, kEthLen);
  EXPECT_EQ(ip6.src, lma);
  EXPECT_EQ(ip6.dst, cn);
  EXPECT_EQ(Bytes(run.out.begin(), run.out.begin() + 6), Bytes(router.begin(), router.end()));
  EXPECT_EQ(icmpv6_checksum_residue(run.out, kEthLen), 0);
  EXPECT_EQ(read_be32(run.out, kEthLen + kIpv6Len + 4), 1360u);
}

}  // namespace
}  // namespace xpmip::test
