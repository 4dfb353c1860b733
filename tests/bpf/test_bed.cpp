#include "test_bed.hpp"

#include <bpf/bpf.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

namespace xpmip::test {

NetnsGuard::NetnsGuard() {
  original_ = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  ok_ = original_ >= 0 && ::unshare(CLONE_NEWNET) == 0;
}

NetnsGuard::~NetnsGuard() {
  if (original_ < 0) return;
  if (ok_ && ::setns(original_, CLONE_NEWNET) != 0) std::perror("setns back to original netns");
  ::close(original_);
}

bool ip_batch(const std::string& commands) {
  char path[] = "/tmp/xpmip-bpf-test-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) return false;
  {
    std::ofstream file(path);
    file << commands;
  }
  ::close(fd);
  const std::string cmd = std::string("ip -batch ") + path + " 2>&1";
  const int rc = std::system(cmd.c_str());
  ::unlink(path);
  if (rc != 0) std::cerr << "ip -batch failed:\n" << commands;
  return rc == 0;
}

namespace {

// Through ioctl, not /sys/class/net: sysfs shows the namespace it was mounted in.
MacAddress read_mac(const std::string& ifname) {
  MacAddress out{};
  const int sock = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return out;
  ifreq req{};
  std::snprintf(req.ifr_name, sizeof(req.ifr_name), "%s", ifname.c_str());
  if (::ioctl(sock, SIOCGIFHWADDR, &req) == 0)
    std::memcpy(out.data(), req.ifr_hwaddr.sa_data, out.size());
  ::close(sock);
  return out;
}

bool write_file(const std::string& path, const std::string& value) {
  std::ofstream file(path);
  file << value;
  return static_cast<bool>(file);
}

// BPF_PROG_RUN of `frame` with the program type's context (xdp_md or __sk_buff).
template <typename Context>
XdpRun test_run(int prog_fd, const Bytes& frame, const Context& ctx, const char* what) {
  XdpRun run;
  run.out.assign(4096, 0);
  bpf_test_run_opts opts{};
  opts.sz = sizeof(opts);
  opts.data_in = frame.data();
  opts.data_size_in = static_cast<__u32>(frame.size());
  opts.data_out = run.out.data();
  opts.data_size_out = static_cast<__u32>(run.out.size());
  opts.ctx_in = &ctx;
  opts.ctx_size_in = sizeof(ctx);
  opts.repeat = 1;
  if (const int rc = bpf_prog_test_run_opts(prog_fd, &opts); rc != 0) {
    ADD_FAILURE() << what << " failed: " << rc;
    run.out.clear();
    return run;
  }
  run.action = static_cast<int>(opts.retval);
  run.out.resize(opts.data_size_out);
  return run;
}

}  // namespace

std::optional<Topology> build_topology() {
  if (!ip_batch("link set dev lo up\n"
                "link add acc0 type veth peer name acc1\n"
                "link add core0 type veth peer name core1\n"
                "link set dev acc0 up\n"
                "link set dev acc1 up\n"
                "link set dev core0 up\n"
                "link set dev core1 up\n"))
    return std::nullopt;
  if (!write_file("/proc/sys/net/ipv6/conf/all/forwarding", "1")) return std::nullopt;
  if (!ip_batch("addr add 2001:db8:a::1/64 dev acc0 nodad\n"
                "addr add 2001:db8:c::1/64 dev core0 nodad\n"
                "neigh add 2001:db8:c::2 lladdr 02:aa:bb:cc:dd:02 dev core0 nud permanent\n"
                "route add 2001:db8:1a::/64 via 2001:db8:c::2 dev core0\n"
                "route add 2001:db8:1b::/64 via 2001:db8:c::3 dev core0\n"
                "route add 2001:db8:1c::/64 via 2001:db8:c::2 dev core0 mtu lock 1400\n"
                "route add 2001:db8:1e::/64 via 2001:db8:c::2 dev core0 mtu lock 1300\n"
                "route add unreachable 2001:db8:1d::/64\n"))
    return std::nullopt;
  Topology t;
  t.acc0 = if_nametoindex("acc0");
  t.core0 = if_nametoindex("core0");
  t.acc0_mac = read_mac("acc0");
  t.core0_mac = read_mac("core0");
  if (t.acc0 == 0 || t.core0 == 0) return std::nullopt;
  return t;
}

XdpRun run_xdp(int prog_fd, const Bytes& frame, std::uint32_t ingress_ifindex) {
  xdp_md ctx{};
  ctx.data_end = static_cast<__u32>(frame.size());
  ctx.ingress_ifindex = ingress_ifindex;
  return test_run(prog_fd, frame, ctx, "BPF_PROG_RUN");
}

XdpRun run_tc(int prog_fd, const Bytes& frame, std::uint32_t ifindex) {
  __sk_buff ctx{};
  ctx.ifindex = ifindex;
  return test_run(prog_fd, frame, ctx, "BPF_PROG_RUN (tc)");
}

dataplane::Options DataplaneTest::test_options() {
  static std::atomic<int> sequence{0};
  dataplane::Options o;
  o.pin_root = "/sys/fs/bpf/xpmip-test";
  o.instance = "t" + std::to_string(::getpid()) + "-" + std::to_string(sequence++);
  o.max_bindings = 4096;
  o.max_lpm_bindings = 256;
  return o;
}

void DataplaneTest::SetUp() {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (BPF_PROG_RUN, network namespaces, bpffs)";
  struct statfs st {};
  if (::statfs("/sys/fs/bpf", &st) != 0 ||
      st.f_type != static_cast<decltype(st.f_type)>(BPF_FS_MAGIC))
    GTEST_SKIP() << "bpffs not mounted at /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)";
  netns_.emplace();
  ASSERT_TRUE(netns_->ok()) << "cannot create a network namespace";
  auto topo = build_topology();
  ASSERT_TRUE(topo) << "cannot build the veth test topology";
  topo_ = *topo;
  auto opened = dataplane::Dataplane::open(test_options());
  ASSERT_TRUE(opened) << opened.error().message();
  dp_.emplace(std::move(*opened));
}

void DataplaneTest::TearDown() {
  if (dp_) {
    auto removed = dp_->remove_pins();
    EXPECT_TRUE(removed) << removed.error().message();
    dp_.reset();
  }
  netns_.reset();
}

dataplane::CounterValue DataplaneTest::counter(xpmip_counter id) {
  auto all = dp_->counters();
  EXPECT_TRUE(all) << all.error().message();
  return all ? (*all)[id] : dataplane::CounterValue{};
}

void DataplaneTest::expect_only_counter(xpmip_counter id, std::uint64_t packets,
                                        std::uint64_t bytes) {
  auto all = dp_->counters();
  ASSERT_TRUE(all) << all.error().message();
  for (int i = 0; i < XPMIP_CTR_COUNT; ++i) {
    const auto& v = (*all)[static_cast<std::size_t>(i)];
    if (i == id) {
      EXPECT_EQ(v.packets, packets) << xpmip_counter_names[i];
      EXPECT_EQ(v.bytes, bytes) << xpmip_counter_names[i];
    } else {
      EXPECT_EQ(v.packets, 0u) << xpmip_counter_names[i] << " moved unexpectedly";
    }
  }
}

void MagDataplaneTest::configure(const Ipv6Address& lma, std::uint32_t ptb_per_second,
                                 std::uint32_t ptb_burst) {
  dataplane::NodeConfig cfg;
  cfg.self = kProxyCoa;
  cfg.peer = lma;
  cfg.ptb_per_second = ptb_per_second;
  cfg.ptb_burst = ptb_burst;
  ASSERT_TRUE(dp().set_config(cfg));
  ASSERT_TRUE(dp().mag_bind(kHnp, {topo_.acc0, kMnMac}));
}

}  // namespace xpmip::test
