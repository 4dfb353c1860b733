// Our XDP programs against the kernel's own IPv6-in-IPv6 implementation (seg6 encap.red and
// End.DX6): our MAG opposite a kernel LMA, and our LMA opposite a kernel MAG. Each test proves,
// from the first packet on, that pings cross the tunnel both ways, that our counters account for
// every tunnelled packet, that the wire carries exactly the RFC 5213 §6.10.5 / §5.6.2 tunnel
// headers, and that removing the binding stops the traffic the way the data plane documents.

#include <arpa/inet.h>
#include <net/if.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "harness/capture.hpp"
#include "harness/echo_tally.hpp"
#include "harness/netns.hpp"
#include "harness/ping.hpp"
#include "harness/prerequisites.hpp"
#include "harness/topology.hpp"
#include "xpmip/dataplane.hpp"

namespace xpmip::netns {
namespace {

namespace dp = xpmip::dataplane;

constexpr int kEchoes = 3;

// Parsers for the addressing plan's text constants (never for input from outside the test).
dp::Ipv6Address ipv6(const char* text) {
  dp::Ipv6Address out{};
  in6_addr addr{};
  if (inet_pton(AF_INET6, text, &addr) == 1)
    std::copy(addr.s6_addr, addr.s6_addr + 16, out.begin());
  return out;
}

dp::MacAddress mac(const char* text) {
  dp::MacAddress out{};
  std::sscanf(text, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &out[0], &out[1], &out[2], &out[3], &out[4],
              &out[5]);
  return out;
}

dp::Ipv6Prefix home_network_prefix() {
  const std::string text = plan::kHomeNetworkPrefix;
  const auto slash = text.find('/');
  return {ipv6(text.substr(0, slash).c_str()),
          static_cast<std::uint8_t>(std::stoi(text.substr(slash + 1)))};
}

tl::expected<std::uint32_t, std::string> ifindex_of(const NetNamespace& ns,
                                                    const std::string& dev) {
  auto inside = ScopedNetnsEntry::enter(ns);
  if (!inside) return tl::unexpected(inside.error());
  const unsigned ifindex = if_nametoindex(dev.c_str());
  if (ifindex == 0) return tl::unexpected("no device " + dev + " in " + ns.name());
  return ifindex;
}

// A data-plane instance pinned under this run's own bpffs directory, so parallel or crashed runs
// never share maps. Destruction detaches the programs and removes the pins even when a test
// fails half-way.
class TestDataplane {
 public:
  static tl::expected<TestDataplane, std::string> open(const std::string& role) {
    dp::Options options;
    options.pin_root = "/sys/fs/bpf/" + run_prefix() + role;
    options.instance = "netns";
    auto opened = dp::Dataplane::open(options);
    if (!opened) return tl::unexpected(opened.error().message());
    return TestDataplane(std::move(*opened), options.pin_root);
  }

  // A moved-from std::optional still holds a (moved-from) value: empty it explicitly.
  TestDataplane(TestDataplane&& other) noexcept
      : dataplane_(std::exchange(other.dataplane_, std::nullopt)),
        pin_root_(std::exchange(other.pin_root_, {})) {}
  TestDataplane& operator=(TestDataplane&&) = delete;
  TestDataplane(const TestDataplane&) = delete;
  TestDataplane& operator=(const TestDataplane&) = delete;
  ~TestDataplane() {
    if (!dataplane_) return;
    (void)dataplane_->remove_pins();
    std::error_code ec;
    std::filesystem::remove_all(pin_root_, ec);
  }

  dp::Dataplane* operator->() { return &*dataplane_; }

  // Attaches in native mode: the tests are about the driver path the daemon uses on veths.
  tl::expected<void, std::string> attach(dp::Program program, const NetNamespace& ns,
                                         const std::string& dev) {
    auto ifindex = ifindex_of(ns, dev);
    if (!ifindex) return tl::unexpected(ifindex.error());
    // The link is created in the calling thread's namespace: that is where the ifindex lives.
    auto inside = ScopedNetnsEntry::enter(ns);
    if (!inside) return tl::unexpected(inside.error());
    auto attached = dataplane_->attach(program, *ifindex, dp::XdpMode::kNative);
    if (!attached) return tl::unexpected(attached.error().message());
    if (attached->generic) return tl::unexpected(dev + " got generic XDP, not native");
    return {};
  }

  tl::expected<dp::Counters, std::string> counters() const {
    auto read = dataplane_->counters();
    if (!read) return tl::unexpected(read.error().message());
    return *read;
  }

 private:
  TestDataplane(dp::Dataplane dataplane, std::string pin_root)
      : dataplane_(std::move(dataplane)), pin_root_(std::move(pin_root)) {}
  // Empty once moved from: only the last owner cleans up.
  std::optional<dp::Dataplane> dataplane_;
  std::string pin_root_;
};

// Packets counted under `id` between two snapshots.
std::uint64_t rise(const dp::Counters& before, const dp::Counters& after, xpmip_counter id) {
  return after[id].packets - before[id].packets;
}

// Names of the drop counters that moved: none may, while the tunnel works.
std::vector<std::string> drops_between(const dp::Counters& before, const dp::Counters& after) {
  std::vector<std::string> moved;
  for (int id = 0; id < XPMIP_CTR_COUNT; ++id) {
    const std::string name = xpmip_counter_names[id];
    const bool is_drop = name.rfind("drop_", 0) == 0 || name.find("_drop_") != std::string::npos;
    if (is_drop && after[id].packets != before[id].packets) moved.push_back(name);
  }
  return moved;
}

// ping_both_ways(kEchoes) as the tunnel carried it: each request and reply exactly once, in the
// direction it travels, and nothing else.
void expect_every_echo_tunnelled(const EchoTally& tally) {
  EXPECT_EQ(tally.upstream_requests, kEchoes);
  EXPECT_EQ(tally.downstream_replies, kEchoes);
  EXPECT_EQ(tally.downstream_requests, kEchoes);
  EXPECT_EQ(tally.upstream_replies, kEchoes);
  EXPECT_EQ(tally.unexpected, std::vector<std::string>{});
}

// Neighbour entries of `dev` (empty output = none): first contact means nobody resolved anyone.
std::string neighbours(const NetNamespace& ns, const std::string& dev) {
  auto shown = ns.ip({"-6", "neigh", "show", "dev", dev});
  return shown ? *shown : shown.error();
}

class DataplaneAgainstKernelPeer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = missing_tools_or_privilege(); !why.empty()) GTEST_SKIP() << why;
    if (auto why = missing_bpf_support(); !why.empty()) GTEST_SKIP() << why;
    for (const auto& removed : remove_stale_objects())
      std::cout << "removed stale " << removed << '\n';
    if (auto why = seg6_unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    auto built = build_chain();
    ASSERT_TRUE(built) << built.error();
    chain_.emplace(std::move(*built));
  }

  // Pings MN -> CN, then CN -> MN, kEchoes each; the first is the very first packet of the test.
  void ping_both_ways(int expected_replies) {
    auto up = ping(chain_->mn, plan::kCn, kEchoes);
    ASSERT_TRUE(up) << up.error();
    EXPECT_EQ(up->transmitted, kEchoes) << up->transcript;
    EXPECT_EQ(up->received, expected_replies) << up->transcript;
    auto down = ping(chain_->cn, plan::kMn, kEchoes);
    ASSERT_TRUE(down) << down.error();
    EXPECT_EQ(down->transmitted, kEchoes) << down->transcript;
    EXPECT_EQ(down->received, expected_replies) << down->transcript;
  }

  // Our LMA in the LMA namespace: the LMAA on its transport link, the core and external programs
  // attached, the HNP bound to the kernel MAG's proxy-CoA.
  tl::expected<TestDataplane, std::string> start_our_lma() {
    const Chain& chain = *chain_;
    if (auto r = add_tunnel_address(chain.lma, plan::kLmaTransportDev, plan::kLmaAddress); !r)
      return tl::unexpected(r.error());
    auto lma = TestDataplane::open("lma");
    if (!lma) return tl::unexpected(lma.error());
    dp::NodeConfig config;
    config.self = ipv6(plan::kLmaAddress);
    if (auto r = (*lma)->set_config(config); !r) return tl::unexpected(r.error().message());
    if (auto r = lma->attach(dp::Program::kLmaCore, chain.lma, plan::kLmaTransportDev); !r)
      return tl::unexpected(r.error());
    if (auto r = lma->attach(dp::Program::kLmaExternal, chain.lma, plan::kLmaExternalDev); !r)
      return tl::unexpected(r.error());
    if (auto r = (*lma)->lma_bind(home_network_prefix(), ipv6(plan::kProxyCoa)); !r)
      return tl::unexpected(r.error().message());
    return lma;
  }

  std::string pcap_path(const std::string& what) const {
    return "/tmp/" + run_prefix() + what + ".pcap";
  }

  // Declared before any TestDataplane of a test body, so the pins go before the namespaces.
  std::optional<Chain> chain_;
};

TEST_F(DataplaneAgainstKernelPeer, OurMagTunnelsToKernelLma) {
  Chain& chain = *chain_;
  ASSERT_TRUE(configure_kernel_lma(chain.lma));
  ASSERT_TRUE(add_tunnel_address(chain.mag, plan::kMagTransportDev, plan::kProxyCoa));

  auto mag = TestDataplane::open("mag");
  ASSERT_TRUE(mag) << mag.error();
  dp::NodeConfig config;
  config.self = ipv6(plan::kProxyCoa);
  config.peer = ipv6(plan::kLmaAddress);
  config.access_mac = mac(plan::kMagAccessMac);
  auto configured = (*mag)->set_config(config);
  ASSERT_TRUE(configured) << configured.error().message();
  auto access = mag->attach(dp::Program::kMagAccess, chain.mag, plan::kMagAccessDev);
  ASSERT_TRUE(access) << access.error();
  auto core = mag->attach(dp::Program::kMagCore, chain.mag, plan::kMagTransportDev);
  ASSERT_TRUE(core) << core.error();
  auto access_ifindex = ifindex_of(chain.mag, plan::kMagAccessDev);
  ASSERT_TRUE(access_ifindex) << access_ifindex.error();
  auto bound = (*mag)->mag_bind(home_network_prefix(), {*access_ifindex, mac(plan::kMnMac)});
  ASSERT_TRUE(bound) << bound.error().message();

  // First contact: no neighbour entry anywhere on the path, none configured statically.
  ASSERT_EQ(neighbours(chain.mn, plan::kMnDev), "");
  ASSERT_EQ(neighbours(chain.mag, plan::kMagTransportDev), "");

  // On the kernel LMA's side of the transport link: frames our programs redirect into a veth
  // skip its transmit taps, but the receiving peer sees them all.
  auto capture = PacketCapture::start(chain.lma, plan::kLmaTransportDev, pcap_path("mag"));
  ASSERT_TRUE(capture) << capture.error();
  auto before = mag->counters();
  ASSERT_TRUE(before) << before.error();
  ping_both_ways(kEchoes);
  auto after = mag->counters();
  ASSERT_TRUE(after) << after.error();
  // MN -> CN requests and MN -> CN replies were encapsulated by us; the very first found no
  // neighbour for the LMA and was handed, already encapsulated, to the kernel to resolve it.
  EXPECT_EQ(rise(*before, *after, XPMIP_CTR_MAG_ACCESS_TX_ENCAP) +
                rise(*before, *after, XPMIP_CTR_PASS_ENCAP_NO_NEIGH),
            2u * kEchoes);
  EXPECT_EQ(rise(*before, *after, XPMIP_CTR_PASS_ENCAP_NO_NEIGH), 1u);
  EXPECT_EQ(rise(*before, *after, XPMIP_CTR_MAG_CORE_TX_DECAP), 2u * kEchoes);
  EXPECT_EQ(drops_between(*before, *after), std::vector<std::string>{});
  auto bound_phase_end = capture->checkpoint();
  ASSERT_TRUE(bound_phase_end) << bound_phase_end.error();

  // Without the binding the access side drops what the MN sends (source not bound) and the core
  // side drops what the kernel LMA still tunnels (RFC 5213 §6.10.5: no such MN, drop silently).
  auto unbound = (*mag)->mag_unbind(home_network_prefix());
  ASSERT_TRUE(unbound) << unbound.error().message();
  ping_both_ways(0);
  auto unbound_after = mag->counters();
  ASSERT_TRUE(unbound_after) << unbound_after.error();
  EXPECT_EQ(rise(*after, *unbound_after, XPMIP_CTR_MAG_ACCESS_DROP_SRC_NOT_BOUND),
            static_cast<std::uint64_t>(kEchoes));
  EXPECT_EQ(rise(*after, *unbound_after, XPMIP_CTR_MAG_CORE_DROP_DST_NOT_BOUND),
            static_cast<std::uint64_t>(kEchoes));
  EXPECT_EQ(rise(*after, *unbound_after, XPMIP_CTR_MAG_ACCESS_TX_ENCAP), 0u);
  EXPECT_EQ(rise(*after, *unbound_after, XPMIP_CTR_MAG_CORE_TX_DECAP), 0u);

  auto packets = capture->tunnelled_packets();
  ASSERT_TRUE(packets) << packets.error();
  const auto [bound_phase, unbound_phase] = split_at_frame(*packets, *bound_phase_end);
  auto tally = tally_echoes(bound_phase, plan::kCn, kXpmipEntryHopLimits, kSeg6EntryHopLimits);
  expect_every_echo_tunnelled(tally);
  auto unbound_tally =
      tally_echoes(unbound_phase, plan::kCn, kXpmipEntryHopLimits, kSeg6EntryHopLimits);
  EXPECT_EQ(unbound_tally.upstream_requests, 0);
  EXPECT_EQ(unbound_tally.downstream_requests, kEchoes);
  EXPECT_EQ(unbound_tally.upstream_replies + unbound_tally.downstream_replies, 0);
  EXPECT_EQ(unbound_tally.unexpected, std::vector<std::string>{});
}

TEST_F(DataplaneAgainstKernelPeer, OurLmaTunnelsToKernelMag) {
  Chain& chain = *chain_;
  ASSERT_TRUE(configure_kernel_mag(chain.mag));
  auto lma = start_our_lma();
  ASSERT_TRUE(lma) << lma.error();

  ASSERT_EQ(neighbours(chain.lma, plan::kLmaTransportDev), "");
  ASSERT_EQ(neighbours(chain.lma, plan::kLmaExternalDev), "");

  auto capture = PacketCapture::start(chain.mag, plan::kMagTransportDev, pcap_path("lma"));
  ASSERT_TRUE(capture) << capture.error();
  auto before = lma->counters();
  ASSERT_TRUE(before) << before.error();
  ping_both_ways(kEchoes);
  auto after = lma->counters();
  ASSERT_TRUE(after) << after.error();
  // MN -> CN traffic was decapsulated by us; the first packet found no neighbour for the CN and
  // was handed, decapsulated, to the kernel. CN -> MN traffic was encapsulated by us; by then
  // the kernel MAG's own neighbour solicitation has usually taught us its address, so at most
  // one packet needed the kernel's help.
  EXPECT_EQ(rise(*before, *after, XPMIP_CTR_LMA_CORE_TX_DECAP) +
                rise(*before, *after, XPMIP_CTR_LMA_CORE_PASS_NO_NEIGH),
            2u * kEchoes);
  EXPECT_EQ(rise(*before, *after, XPMIP_CTR_LMA_CORE_PASS_NO_NEIGH), 1u);
  EXPECT_EQ(rise(*before, *after, XPMIP_CTR_LMA_EXT_TX_ENCAP) +
                rise(*before, *after, XPMIP_CTR_PASS_ENCAP_NO_NEIGH),
            2u * kEchoes);
  EXPECT_LE(rise(*before, *after, XPMIP_CTR_PASS_ENCAP_NO_NEIGH), 1u);
  EXPECT_EQ(drops_between(*before, *after), std::vector<std::string>{});
  auto bound_phase_end = capture->checkpoint();
  ASSERT_TRUE(bound_phase_end) << bound_phase_end.error();

  // Without the binding the core side drops what the kernel MAG still tunnels (inner source not
  // bound to that proxy-CoA), and the external side hands CN traffic to the kernel, which has no
  // route for the HNP.
  auto unbound = (*lma)->lma_unbind(home_network_prefix());
  ASSERT_TRUE(unbound) << unbound.error().message();
  ping_both_ways(0);
  auto unbound_after = lma->counters();
  ASSERT_TRUE(unbound_after) << unbound_after.error();
  EXPECT_EQ(rise(*after, *unbound_after, XPMIP_CTR_LMA_CORE_DROP_SPOOFED_SRC),
            static_cast<std::uint64_t>(kEchoes));
  // The CN's neighbour solicitations for its router pass the same way, hence "at least".
  EXPECT_GE(rise(*after, *unbound_after, XPMIP_CTR_LMA_EXT_PASS_NOT_BOUND),
            static_cast<std::uint64_t>(kEchoes));
  EXPECT_EQ(rise(*after, *unbound_after, XPMIP_CTR_LMA_EXT_TX_ENCAP), 0u);
  EXPECT_EQ(rise(*after, *unbound_after, XPMIP_CTR_LMA_CORE_TX_DECAP), 0u);

  auto packets = capture->tunnelled_packets();
  ASSERT_TRUE(packets) << packets.error();
  const auto [bound_phase, unbound_phase] = split_at_frame(*packets, *bound_phase_end);
  auto tally = tally_echoes(bound_phase, plan::kCn, kSeg6EntryHopLimits, kXpmipEntryHopLimits);
  expect_every_echo_tunnelled(tally);
  auto unbound_tally =
      tally_echoes(unbound_phase, plan::kCn, kSeg6EntryHopLimits, kXpmipEntryHopLimits);
  EXPECT_EQ(unbound_tally.upstream_requests, kEchoes);
  EXPECT_EQ(unbound_tally.downstream_requests, 0);
  EXPECT_EQ(unbound_tally.upstream_replies + unbound_tally.downstream_replies, 0);
  EXPECT_EQ(unbound_tally.unexpected, std::vector<std::string>{});
}

// XDP never sees what the LMA host itself sends; the TC egress program tunnels it. The MN pings
// the LMA's own address: the core side hands the decapsulated request to the kernel (a local
// destination), and the kernel's reply must reach the MN through the tunnel all the same.
TEST_F(DataplaneAgainstKernelPeer, OurLmaTunnelsItsOwnRepliesToKernelMag) {
  Chain& chain = *chain_;
  ASSERT_TRUE(configure_kernel_mag(chain.mag));
  auto lma = start_our_lma();
  ASSERT_TRUE(lma) << lma.error();
  // The HNP route leads the host's packets to the transport link's egress. Via the MAG's link
  // address: an on-link route would first wait, for ever, for ND of the MN's address, and the
  // packet would never reach the egress hook (this kernel has no dummy device to point it at).
  ASSERT_TRUE(chain.lma.ip({"-6", "route", "add", plan::kHomeNetworkPrefix, "via",
                            plan::kMagTransport, "dev", plan::kLmaTransportDev}));
  auto local_out = lma->attach(dp::Program::kLmaLocalOut, chain.lma, plan::kLmaTransportDev);
  ASSERT_TRUE(local_out) << local_out.error();

  auto capture = PacketCapture::start(chain.mag, plan::kMagTransportDev, pcap_path("lma-local"));
  ASSERT_TRUE(capture) << capture.error();
  auto before = lma->counters();
  ASSERT_TRUE(before) << before.error();
  auto echo = ping(chain.mn, plan::kLmaExternal, kEchoes);
  ASSERT_TRUE(echo) << echo.error();
  EXPECT_EQ(echo->received, kEchoes) << echo->transcript;
  auto after = lma->counters();
  ASSERT_TRUE(after) << after.error();

  EXPECT_EQ(rise(*before, *after, XPMIP_CTR_LMA_CORE_PASS_FIB_ERROR),
            static_cast<std::uint64_t>(kEchoes));
  EXPECT_EQ(rise(*before, *after, XPMIP_CTR_LMA_LOCAL_TX_ENCAP),
            static_cast<std::uint64_t>(kEchoes));
  EXPECT_EQ(drops_between(*before, *after), std::vector<std::string>{});

  auto packets = capture->tunnelled_packets();
  ASSERT_TRUE(packets) << packets.error();
  auto tally = tally_echoes(*packets, plan::kLmaExternal, kSeg6EntryHopLimits, kXpmipHostHopLimits);
  EXPECT_EQ(tally.upstream_requests, kEchoes);
  EXPECT_EQ(tally.downstream_replies, kEchoes);
  EXPECT_EQ(tally.downstream_requests + tally.upstream_replies, 0);
  EXPECT_EQ(tally.unexpected, std::vector<std::string>{});
}

}  // namespace
}  // namespace xpmip::netns
