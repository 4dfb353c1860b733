// The loader against the kernel: pinning, hitless restart, map sizing, errors in plain words.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <linux/bpf.h>

#include <cerrno>

#include "packet.hpp"
#include "test_bed.hpp"

namespace xpmip::test {
namespace {

using dataplane::Dataplane;
using dataplane::Ipv6Prefix;
using dataplane::Program;

const Ipv6Prefix kHnp{ip("2001:db8:100:1::"), 64};
const Ipv6Prefix kHnp56{ip("2001:db8:200::"), 56};
const MacAddress kMnMac = mac("02:00:00:00:00:10");

std::uint32_t prog_id(int prog_fd) {
  bpf_prog_info info{};
  __u32 len = sizeof(info);
  return bpf_obj_get_info_by_fd(prog_fd, &info, &len) == 0 ? info.id : 0;
}

std::uint32_t attached_prog_id(std::uint32_t ifindex) {
  __u32 id = 0;
  return bpf_xdp_query_id(static_cast<int>(ifindex), 0, &id) == 0 ? id : 0;
}

std::uint32_t pinned_max_entries(const std::string& path) {
  const int fd = bpf_obj_get(path.c_str());
  if (fd < 0) return 0;
  bpf_map_info info{};
  __u32 len = sizeof(info);
  const int rc = bpf_obj_get_info_by_fd(fd, &info, &len);
  close(fd);
  return rc == 0 ? info.max_entries : 0;
}

class RestartTest : public DataplaneTest {
 protected:
  dataplane::Options same_instance() const {
    dataplane::Options o = test_options();
    o.instance = dp_->pin_dir().substr(dp_->pin_dir().rfind('/') + 1);
    return o;
  }
};

TEST_F(RestartTest, SecondInstanceReusesStateAndSwapsTheProgramOnThePinnedLink) {
  dataplane::NodeConfig cfg;
  cfg.self = ip("2001:db8:c::1");
  cfg.peer = ip("2001:db8:1a::1");
  cfg.outer_hop_limit = 33;
  ASSERT_TRUE(dp().set_config(cfg));
  ASSERT_TRUE(dp().mag_bind(kHnp, {topo_.acc0, kMnMac}));
  ASSERT_TRUE(dp().mag_bind(kHnp56, {topo_.acc0, kMnMac}));
  auto first = dp().attach(Program::kMagAccess, topo_.acc0);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_FALSE(first->replaced);
  EXPECT_FALSE(first->generic) << "veth supports native XDP";
  EXPECT_EQ(first->prog_id, prog_id(dp().program_fd(Program::kMagAccess)));
  EXPECT_EQ(attached_prog_id(topo_.acc0), first->prog_id);

  const Bytes frame =
      ethernet(topo_.acc0_mac, kMnMac, kEthIpv6,
               ipv6({ip("2001:db8:100:1::10"), ip("2001:db8:99::1"), 0, 0, 64, 17}, udp(1, 2, 30)));
  ASSERT_EQ(run_xdp(dp().program_fd(Program::kMagAccess), frame, topo_.acc0).action, XDP_REDIRECT);

  // "Restart": a second loader for the same instance while the first still exists.
  auto second = Dataplane::open(same_instance());
  ASSERT_TRUE(second) << second.error().message();
  auto config = second->config();
  ASSERT_TRUE(config);
  EXPECT_EQ(*config, cfg);
  auto bindings = second->mag_bindings();
  ASSERT_TRUE(bindings);
  EXPECT_EQ(bindings->size(), 2u);
  auto counters = second->counters();
  ASSERT_TRUE(counters);
  EXPECT_EQ((*counters)[XPMIP_CTR_MAG_ACCESS_TX_ENCAP].packets, 1u);
  EXPECT_EQ((*counters)[XPMIP_CTR_MAG_ACCESS_TX_ENCAP].bytes, frame.size());

  auto swapped = second->attach(Program::kMagAccess, topo_.acc0);
  ASSERT_TRUE(swapped) << swapped.error().message();
  EXPECT_TRUE(swapped->replaced);
  EXPECT_EQ(swapped->link_id, first->link_id) << "same link: no detach, no forwarding gap";
  const std::uint32_t new_prog = prog_id(second->program_fd(Program::kMagAccess));
  EXPECT_NE(new_prog, first->prog_id);
  EXPECT_EQ(swapped->prog_id, new_prog);
  EXPECT_EQ(attached_prog_id(topo_.acc0), new_prog);

  // The old loader going away changes nothing: the pin holds the link.
  dp_.emplace(std::move(*second));
  EXPECT_EQ(attached_prog_id(topo_.acc0), new_prog);

  ASSERT_TRUE(dp().detach(Program::kMagAccess, topo_.acc0));
  EXPECT_EQ(attached_prog_id(topo_.acc0), 0u);
  auto again = dp().detach(Program::kMagAccess, topo_.acc0);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().err, ENOENT);
}

TEST_F(RestartTest, GenericModeOnRequestAndOnePinPerProgramAndInterface) {
  auto generic = dp().attach(Program::kLmaExternal, topo_.core0, dataplane::XdpMode::kGeneric);
  ASSERT_TRUE(generic) << generic.error().message();
  EXPECT_TRUE(generic->generic);
  auto native = dp().attach(Program::kLmaCore, topo_.acc0, dataplane::XdpMode::kNative);
  ASSERT_TRUE(native) << native.error().message();
  EXPECT_FALSE(native->generic);
  EXPECT_NE(native->link_id, generic->link_id);
  auto busy = dp().attach(Program::kMagAccess, topo_.acc0);
  ASSERT_FALSE(busy) << "one XDP link per interface";
  EXPECT_EQ(busy.error().err, EBUSY);
  EXPECT_NE(busy.error().message().find("another XDP program"), std::string::npos);
}

TEST_F(RestartTest, TcEgressFilterIsReplacedInPlaceOnRestart) {
  auto first = dp().attach(Program::kLmaLocalOut, topo_.core0);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_FALSE(first->replaced);
  EXPECT_EQ(first->prog_id, prog_id(dp().program_fd(Program::kLmaLocalOut)));

  auto second = Dataplane::open(same_instance());
  ASSERT_TRUE(second) << second.error().message();
  auto swapped = second->attach(Program::kLmaLocalOut, topo_.core0);
  ASSERT_TRUE(swapped) << swapped.error().message();
  EXPECT_TRUE(swapped->replaced);
  EXPECT_EQ(swapped->prog_id, prog_id(second->program_fd(Program::kLmaLocalOut)));

  bpf_tc_hook hook{};
  hook.sz = sizeof(hook);
  hook.ifindex = static_cast<int>(topo_.core0);
  hook.attach_point = BPF_TC_EGRESS;
  bpf_tc_opts query{};
  query.sz = sizeof(query);
  query.handle = 1;
  query.priority = 0x5213;
  ASSERT_EQ(bpf_tc_query(&hook, &query), 0);
  EXPECT_EQ(query.prog_id, swapped->prog_id) << "one filter, new program";

  ASSERT_TRUE(second->detach(Program::kLmaLocalOut, topo_.core0));
  bpf_tc_opts gone{};
  gone.sz = sizeof(gone);
  gone.handle = 1;
  gone.priority = 0x5213;
  EXPECT_LT(bpf_tc_query(&hook, &gone), 0) << "filter removed";
}

TEST_F(RestartTest, MapsAreSizedFromOptionsAndAMismatchIsExplained) {
  EXPECT_EQ(pinned_max_entries(dp().pin_dir() + "/" XPMIP_MAP_MAG_HNP64), 4096u);
  EXPECT_EQ(pinned_max_entries(dp().pin_dir() + "/" XPMIP_MAP_LMA_HNP_LPM), 256u);
  dataplane::Options bigger = same_instance();
  bigger.max_bindings = 8192;
  auto reopened = Dataplane::open(bigger);
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().err, EINVAL);
  EXPECT_NE(reopened.error().message().find("max_bindings"), std::string::npos)
      << reopened.error().message();
}

TEST_F(RestartTest, DefaultSizingHoldsAMillionBindings) {
  dataplane::Options options = test_options();
  options.max_bindings = XPMIP_DEFAULT_MAX_BINDINGS;
  options.max_lpm_bindings = XPMIP_DEFAULT_MAX_LPM_BINDINGS;
  auto big = Dataplane::open(options);
  ASSERT_TRUE(big) << big.error().message();
  EXPECT_EQ(pinned_max_entries(big->pin_dir() + "/" XPMIP_MAP_LMA_HNP64), 1u << 20);
  EXPECT_TRUE(big->remove_pins());
}

TEST_F(RestartTest, BindingValidationAndListing) {
  auto bad = dp().lma_bind({ip("2001:db8::"), 0}, ip("2001:db8:1a::5"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().err, EINVAL);
  auto missing = dp().lma_unbind(kHnp);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().err, ENOENT);
  ASSERT_FALSE(dp().mag_bind(kHnp, {0, kMnMac})) << "ifindex 0 is not an interface";

  // Host bits are ignored: the trie stores the canonical prefix.
  ASSERT_TRUE(dp().lma_bind({ip("2001:db8:200:12::1"), 56}, ip("2001:db8:1a::5")));
  ASSERT_TRUE(dp().lma_bind(kHnp, ip("2001:db8:1a::6")));
  auto list = dp().lma_bindings();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0], (dataplane::LmaBindingEntry{kHnp, ip("2001:db8:1a::6")}));
  EXPECT_EQ((*list)[1], (dataplane::LmaBindingEntry{kHnp56, ip("2001:db8:1a::5")}));
  ASSERT_TRUE(dp().lma_unbind({ip("2001:db8:200::"), 56}));
  EXPECT_EQ(dp().lma_bindings()->size(), 1u);
}

TEST(DataplaneErrors, PinRootOutsideBpffsSaysHowToMountIt) {
  dataplane::Options o;
  o.pin_root = "/tmp/xpmip-not-bpffs/pins";
  auto opened = Dataplane::open(o);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message().find("mount -t bpf bpf /sys/fs/bpf"), std::string::npos)
      << opened.error().message();
}

TEST(DataplaneErrors, InstanceNameMustBeAPlainDirectoryName) {
  dataplane::Options o;
  o.instance = "../escape";
  auto opened = Dataplane::open(o);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().err, EINVAL);
}

}  // namespace
}  // namespace xpmip::test
