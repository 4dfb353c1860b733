// First contact with a tunnel peer whose neighbour entry does not exist yet: XDP encapsulates and
// hands the packet to the kernel, which resolves the neighbour and delivers it. Run with live
// frames, so XDP_PASS really enters the stack, against a peer in a second namespace.
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "packet.hpp"
#include "test_bed.hpp"

namespace xpmip::test {
namespace {

using dataplane::Program;

// A named namespace for the tunnel peer, deleted with the guard.
class PeerNamespace {
 public:
  PeerNamespace() : name_("xpmip-bpf-peer-" + std::to_string(::getpid())) {
    ok_ = std::system(("ip netns add " + name_).c_str()) == 0;
  }
  ~PeerNamespace() {
    if (ok_) std::system(("ip netns delete " + name_).c_str());
  }
  PeerNamespace(const PeerNamespace&) = delete;
  PeerNamespace& operator=(const PeerNamespace&) = delete;
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] const std::string& name() const { return name_; }

  // A counter from the peer's /proc/net/snmp6, or -1.
  [[nodiscard]] long snmp6(const std::string& field) const {
    const std::string cmd = "ip netns exec " + name_ + " cat /proc/net/snmp6";
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (!pipe) return -1;
    char key[128];
    long value = -1;
    long found = -1;
    while (std::fscanf(pipe, "%127s %ld", key, &value) == 2) {
      if (field == key) found = value;
    }
    ::pclose(pipe);
    return found;
  }

 private:
  std::string name_;
  bool ok_ = false;
};

class FirstContactTest : public DataplaneTest {};

TEST_F(FirstContactTest, FirstPacketToAnUnresolvedPeerIsDeliveredByTheKernel) {
  PeerNamespace peer;
  ASSERT_TRUE(peer.ok());
  ASSERT_TRUE(ip_batch("link add up0 type veth peer name up1 netns " + peer.name() +
                       "\n"
                       "link set dev up0 up\n"
                       "addr add 2001:db8:e::1/64 dev up0 nodad\n"));
  ASSERT_EQ(std::system(("ip -n " + peer.name() + " link set dev up1 up && ip -n " + peer.name() +
                         " addr add 2001:db8:e::2/64 dev up1 nodad")
                            .c_str()),
            0);

  const MacAddress mn_mac = mac("02:00:00:00:00:10");
  dataplane::NodeConfig cfg;
  cfg.self = ip("2001:db8:e::1");
  cfg.peer = ip("2001:db8:e::2");  // on-link, never contacted: no neighbour entry
  ASSERT_TRUE(dp().set_config(cfg));
  ASSERT_TRUE(dp().mag_bind({ip("2001:db8:100:1::"), 64}, {topo_.acc0, mn_mac}));

  const Bytes frame = ethernet(
      topo_.acc0_mac, mn_mac, kEthIpv6,
      ipv6({ip("2001:db8:100:1::10"), ip("2001:db8:99::1"), 0, 0, 64, 17}, udp(1000, 2000, 40)));
  xdp_md ctx{};
  ctx.data_end = static_cast<__u32>(frame.size());
  ctx.ingress_ifindex = topo_.acc0;
  bpf_test_run_opts opts{};
  opts.sz = sizeof(opts);
  opts.data_in = frame.data();
  opts.data_size_in = static_cast<__u32>(frame.size());
  opts.ctx_in = &ctx;
  opts.ctx_size_in = sizeof(ctx);
  opts.repeat = 1;
  opts.flags = BPF_F_TEST_XDP_LIVE_FRAMES;
  ASSERT_EQ(bpf_prog_test_run_opts(dp().program_fd(Program::kMagAccess), &opts), 0);
  EXPECT_EQ(counter(XPMIP_CTR_PASS_ENCAP_NO_NEIGH).packets, 1u);

  // The peer has no IPv6-in-IPv6 handler, so the tunnel packet's arrival shows up as exactly one
  // "unknown protocol" there. Wait for neighbour discovery to finish.
  long unknown = 0;
  for (int i = 0; i < 40 && unknown < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    unknown = peer.snmp6("Ip6InUnknownProtos");
  }
  EXPECT_EQ(unknown, 1) << "the first packet must not be lost while the neighbour resolves";
}

}  // namespace
}  // namespace xpmip::test
