// What every BPF test needs: root, a private network namespace with a routed test topology, a
// Dataplane whose pins are removed afterwards, and BPF_PROG_RUN. Guards undo everything even
// when an assertion fails half-way.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "packet.hpp"
#include "xpmip/dataplane.hpp"

namespace xpmip::test {

// Moves the calling thread into a fresh network namespace and back on destruction; the
// namespace and every interface in it disappear with it.
class NetnsGuard {
 public:
  NetnsGuard();
  ~NetnsGuard();
  NetnsGuard(const NetnsGuard&) = delete;
  NetnsGuard& operator=(const NetnsGuard&) = delete;
  [[nodiscard]] bool ok() const { return ok_; }

 private:
  int original_ = -1;
  bool ok_ = false;
};

// The topology inside the namespace (all links up, IPv6 forwarding on):
//   acc0 <-> acc1   access side, acc0 = 2001:db8:a::1/64
//   core0 <-> core1 core side,   core0 = 2001:db8:c::1/64, next hop 2001:db8:c::2 = kNextHopMac
// Routes from core0 (what bpf_fib_lookup answers for a destination in each /64):
//   2001:db8:1a::/64 via c::2               -> SUCCESS
//   2001:db8:1b::/64 via c::3 (no neigh)    -> NO_NEIGH
//   2001:db8:1c::/64 via c::2 mtu lock 1400 -> FRAG_NEEDED above 1400
//   2001:db8:1e::/64 via c::2 mtu lock 1300 -> FRAG_NEEDED above 1300
//   unreachable 2001:db8:1d::/64            -> UNREACHABLE
struct Topology {
  std::uint32_t acc0 = 0;
  std::uint32_t core0 = 0;
  MacAddress acc0_mac{};
  MacAddress core0_mac{};
};
inline const MacAddress kNextHopMac = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x02};

// Runs `ip -batch` with the given commands; returns false (and prints them) on failure.
bool ip_batch(const std::string& commands);
std::optional<Topology> build_topology();

struct XdpRun {
  int action = -1;
  Bytes out;
};
// BPF_PROG_RUN once (repeat 1: repeated runs would keep modifying the same buffer).
XdpRun run_xdp(int prog_fd, const Bytes& frame, std::uint32_t ingress_ifindex);

// The same for a TC (SCHED_CLS) program; `ifindex` is the device the skb is on.
XdpRun run_tc(int prog_fd, const Bytes& frame, std::uint32_t ifindex);

// Test fixture: root + bpffs or skip, namespace + topology, a fresh Dataplane instance.
class DataplaneTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  dataplane::Dataplane& dp() { return *dp_; }
  [[nodiscard]] dataplane::CounterValue counter(xpmip_counter id);
  // Every counter except `id` is zero: the packet was counted exactly once, under `id`.
  void expect_only_counter(xpmip_counter id, std::uint64_t packets, std::uint64_t bytes);

  static dataplane::Options test_options();

  std::optional<NetnsGuard> netns_;
  Topology topo_;
  std::optional<dataplane::Dataplane> dp_;
};

// A MAG on that topology serving one mobile node: its proxy-CoA is core0's address and the MN
// (kMnMac, kMnAddr in kHnp) is attached on acc0.
class MagDataplaneTest : public DataplaneTest {
 protected:
  static inline const Ipv6Address kProxyCoa = ip("2001:db8:c::1");
  static inline const Ipv6Address kMnAddr = ip("2001:db8:100:1::10");
  static inline const dataplane::Ipv6Prefix kHnp{ip("2001:db8:100:1::"), 64};
  static inline const MacAddress kMnMac = mac("02:00:00:00:00:10");

  // Configures the MAG towards `lma` with the given Packet Too Big rate and binds the MN's HNP.
  void configure(const Ipv6Address& lma, std::uint32_t ptb_per_second = 100,
                 std::uint32_t ptb_burst = 20);
};

}  // namespace xpmip::test
