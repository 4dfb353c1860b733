// The MAG runtime on its own, in network namespaces: a stock Linux host plays the MN on the access
// link, a raw MH socket in a third namespace plays the LMA. Checked: the PBU on the wire when the
// MN's link comes up, the data-plane entry and the MN's address from our RA after the PBA, the
// de-registration on carrier loss, control attach/detach, unknown MACs, and the shutdown
// de-registration.
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "runtime_test_env.hpp"
#include "xpmip/address.hpp"
#include "xpmip/daemon/config.hpp"
#include "xpmip/daemon/mag_runtime.hpp"
#include "xpmip/daemon/policy_file.hpp"

namespace xpmip::daemon {
namespace {

using net::testing::EnterNetns;
using net::testing::Netns;
using testing::poll_message;
using testing::pump;

const Ipv6Address kLma = *parse_ipv6_address("2001:db8:ffff::1");
const Ipv6Address kMag = *parse_ipv6_address("2001:db8:ffff::11");
const Prefix kHnp = *parse_ipv6_prefix("2001:db8:1:1::/64");
const MobileNodeId kMn{MobileNodeId::kSubtypeNai, "mn1@xpmip.test"};
constexpr MacAddress kMnMac{0x02, 0, 0, 0, 0x01, 0x01};

class MagRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto reason = testing::runtime_test_unavailable_reason(); !reason.empty())
      GTEST_SKIP() << reason;
    mag_.emplace("mag");
    mn_.emplace("mn");
    lma_.emplace("lma");
    mag_->ip("link add acc1 type veth peer name mn0 netns " + mn_->name());
    mag_->ip("link add core0 type veth peer name core1 netns " + lma_->name());
    mag_->ip("addr add 2001:db8:ffff::11/64 dev core0 nodad");
    lma_->ip("addr add 2001:db8:ffff::1/64 dev core1 nodad");
    mag_->ip("link set core0 up");
    mag_->ip("link set acc1 up");
    lma_->ip("link set core1 up");
    mn_->ip("link set mn0 address 02:00:00:00:01:01");
    // A host: takes RAs, sends RSs when its link comes up (RFC 4861 §6.3.7).
    mn_->sysctl("net.ipv6.conf.mn0.accept_ra=2");
    mn_->sysctl("net.ipv6.conf.mn0.forwarding=0");

    instance_ = testing::unique_instance("mag");
    dir_.write("policy.toml", R"(
[[mobile_node]]
id = "mn1@xpmip.test"
mac = "02:00:00:00:01:01"
prefixes = ["2001:db8:1:1::/64"]
)");
    const auto config_file = dir_.write("mag.toml", "instance = \"" + instance_ + R"("
[signalling]
address = "2001:db8:ffff::11"
[mag]
lma_address = "2001:db8:ffff::1"
access_interfaces = ["acc1"]
core_interfaces = ["core0"]
lifetime_s = 300
[policy]
file = "policy.toml"
)");
    auto config = load_config(config_file, Role::kMag);
    ASSERT_TRUE(config.has_value()) << config.error().message();
    config_ = std::move(*config);
    auto policy = PolicyStore::load(config_.policy_file, kLma);
    ASSERT_TRUE(policy.has_value()) << policy.error().message();
    policy_ = std::move(*policy);
    auto loop = net::EventLoop::create(clock_);
    ASSERT_TRUE(loop.has_value());
    loop_.emplace(std::move(*loop));
    {
      EnterNetns inside(*lma_);
      auto socket = net::MhSocket::open(kLma);
      ASSERT_TRUE(socket.has_value()) << socket.error().message();
      lma_socket_.emplace(std::move(*socket));
    }
    // The runtime opens netlink and ioctl sockets as it goes: the whole test runs in its namespace.
    inside_.emplace(*mag_);
    start();
    acc1_ = mag_->ifindex("acc1");
  }

  void start() {
    auto runtime = MagRuntime::start(config_, *policy_, *loop_, clock_);
    ASSERT_TRUE(runtime.has_value()) << runtime.error();
    runtime_ = std::move(*runtime);
  }

  void TearDown() override {
    runtime_.reset();
    inside_.reset();
    if (!instance_.empty()) testing::remove_instance_pins(instance_);
  }

  // Runs the MAG until the fake LMA has a PBU.
  ProxyBindingUpdate next_pbu() {
    std::optional<MobilityMessage> message;
    EXPECT_TRUE(pump(*loop_, [&] { return (message = poll_message(*lma_socket_)).has_value(); }));
    if (!message || !std::holds_alternative<ProxyBindingUpdate>(*message)) {
      ADD_FAILURE() << "no PBU reached the LMA";
      return {};
    }
    return std::get<ProxyBindingUpdate>(*message);
  }

  // The LMA's answer: the PBU's options echoed (RFC 5213 §5.3.6) with the assigned prefix.
  void answer(const ProxyBindingUpdate& pbu, PbaStatus status) {
    ProxyBindingAck pba;
    pba.status = status;
    pba.sequence = pbu.sequence;
    pba.lifetime = is_accepted(status) ? pbu.lifetime : 0;
    pba.options = pbu.options;
    pba.options.home_network_prefixes = {kHnp};
    auto encoded = encode_mobility_header(pba, std::nullopt);
    ASSERT_TRUE(encoded.has_value());
    ASSERT_TRUE(lma_socket_->send(encoded->bytes, kMag).has_value());
  }

  [[nodiscard]] std::vector<dataplane::MagBindingEntry> map_entries() const {
    dataplane::Options options;
    options.instance = instance_;
    auto dataplane = dataplane::Dataplane::open(options);
    EXPECT_TRUE(dataplane.has_value());
    auto entries = dataplane->mag_bindings();
    EXPECT_TRUE(entries.has_value());
    return entries.value_or(std::vector<dataplane::MagBindingEntry>{});
  }

  ControlResult control(Request request) { return runtime_->handle(request); }

  void register_mn() {
    mn_->ip("link set mn0 up");
    const ProxyBindingUpdate pbu = next_pbu();
    answer(pbu, PbaStatus::kAccepted);
    ASSERT_TRUE(pump(*loop_, [&] { return !map_entries().empty(); }));
  }

  SystemClock clock_;
  testing::ScratchDir dir_;
  std::optional<Netns> mag_;
  std::optional<Netns> mn_;
  std::optional<Netns> lma_;
  std::string instance_;
  DaemonConfig config_;
  std::unique_ptr<PolicyStore> policy_;
  std::optional<net::EventLoop> loop_;
  std::optional<net::MhSocket> lma_socket_;
  std::optional<EnterNetns> inside_;
  std::unique_ptr<MagRuntime> runtime_;
  int acc1_ = 0;
};

TEST_F(MagRuntimeTest, MnArrivalRegistersBindsAndTheMnConfiguresItsAddress) {
  mn_->ip("link set mn0 up");
  const ProxyBindingUpdate pbu = next_pbu();
  EXPECT_EQ(pbu.flags, bu_flag::kAck | bu_flag::kProxy);
  EXPECT_EQ(pbu.lifetime, 75);  // 300 s in units of 4 s
  EXPECT_EQ(pbu.options.mn_id, kMn);
  EXPECT_EQ(pbu.options.home_network_prefixes, std::vector<Prefix>{kHnp});
  EXPECT_EQ(pbu.options.handoff_indicator, HandoffIndicator::kHandoffUnknown);
  EXPECT_EQ(pbu.options.access_tech, AccessTechnology::kIeee8023);
  EXPECT_EQ(pbu.options.mn_link_layer_id, (std::vector<std::uint8_t>{2, 0, 0, 0, 1, 1}));
  EXPECT_TRUE(pbu.options.timestamp.has_value());

  answer(pbu, PbaStatus::kAccepted);
  ASSERT_TRUE(pump(*loop_, [&] { return !map_entries().empty(); }));
  EXPECT_EQ(map_entries(),
            (std::vector{dataplane::MagBindingEntry{{kHnp.address, kHnp.length},
                                                    {static_cast<std::uint32_t>(acc1_), kMnMac}}}));
  // The MN autoconfigures from our RA (RFC 5213 §6.9.2, RFC 4862): EUI-64 of its MAC in the HNP.
  EXPECT_TRUE(pump(
      *loop_,
      [&] {
        return mn_->output_of("ip -6 addr show dev mn0 scope global")
                   .find("2001:db8:1:1:0:ff:fe00:101/64") != std::string::npos;
      },
      std::chrono::milliseconds{8000}));
  // ... and uses us as its default router at the shared RFC 6543 address (RFC 5213 §6.9.3).
  EXPECT_NE(mn_->output_of("ip -6 route show default").find("via fe80::200:5eff:fe00:5213"),
            std::string::npos);

  const auto bindings = control(Request{.command = Command::kBindings});
  ASSERT_TRUE(bindings.has_value());
  ASSERT_EQ(bindings->size(), 1u);
  EXPECT_EQ((*bindings)[0]["state"], "bound");
  EXPECT_EQ((*bindings)[0]["interface"], "acc1");
  EXPECT_EQ((*bindings)[0]["mn_mac"], "02:00:00:00:01:01");
  EXPECT_EQ((*bindings)[0]["hnps"], nlohmann::json::array({"2001:db8:1:1::/64"}));
  EXPECT_GE(runtime_->counters().get("tx_ra"), 1u);

  // Carrier loss on the access link is a detach: de-register (RFC 5213 §6.9.1.4) and unbind.
  mn_->ip("link set mn0 down");
  const ProxyBindingUpdate deregistration = next_pbu();
  EXPECT_EQ(deregistration.lifetime, 0);
  EXPECT_EQ(deregistration.options.mn_id, kMn);
  EXPECT_EQ(deregistration.options.home_network_prefixes, std::vector<Prefix>{kHnp});
  EXPECT_TRUE(map_entries().empty());
}

TEST_F(MagRuntimeTest, ControlAttachAndDetach) {
  const auto attached = control(
      Request{.command = Command::kMnAttach, .interface = "acc1", .mn_id = "mn1@xpmip.test"});
  ASSERT_TRUE(attached.has_value()) << attached.error();
  EXPECT_EQ((*attached)["mn_mac"], "02:00:00:00:01:01");
  const ProxyBindingUpdate pbu = next_pbu();
  EXPECT_EQ(pbu.options.mn_id, kMn);
  answer(pbu, PbaStatus::kAccepted);
  ASSERT_TRUE(pump(*loop_, [&] { return !map_entries().empty(); }));

  const auto detached = control(Request{.command = Command::kMnDetach, .mac = kMnMac});
  ASSERT_TRUE(detached.has_value()) << detached.error();
  EXPECT_EQ((*detached)["detached"], 1);
  EXPECT_EQ(next_pbu().lifetime, 0);
  EXPECT_TRUE(map_entries().empty());

  const auto again = control(Request{.command = Command::kMnDetach, .mac = kMnMac});
  ASSERT_FALSE(again.has_value());
  const auto wrong_link =
      control(Request{.command = Command::kMnAttach, .interface = "core0", .mac = kMnMac});
  ASSERT_FALSE(wrong_link.has_value());
  EXPECT_EQ(wrong_link.error(), "\"core0\" is not an access interface of this MAG");
}

TEST_F(MagRuntimeTest, RejectedRegistrationProgramsNothing) {
  mn_->ip("link set mn0 up");
  answer(next_pbu(), PbaStatus::kNotAuthorizedForHomeNetworkPrefix);
  ASSERT_TRUE(pump(*loop_, [&] { return runtime_->core().stats().pbas_by_status[155] == 1; }));
  EXPECT_TRUE(map_entries().empty());
  const auto stats = control(Request{.command = Command::kStats});
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ((*stats)["pba_status"], (nlohmann::json{{"155", 1}}));
  EXPECT_EQ((*stats)["signalling"]["rx_pba"], 1);
}

TEST_F(MagRuntimeTest, UnknownMacIsIgnored) {
  // Two MNs, so carrier alone identifies nobody; the RS's MAC names neither.
  auto two_mns = parse_policy_file(R"(
[[mobile_node]]
id = "mn1@xpmip.test"
mac = "02:00:00:00:01:01"
[[mobile_node]]
id = "mn2@xpmip.test"
mac = "02:00:00:00:01:02"
)",
                                   dir_.path() / "policy.toml");
  ASSERT_TRUE(two_mns.has_value()) << two_mns.error().message();
  policy_->replace(std::move(*two_mns));
  mn_->ip("link set mn0 address 02:00:00:00:09:09");
  mn_->ip("link set mn0 up");
  ASSERT_TRUE(pump(
      *loop_, [&] { return runtime_->counters().get("ignored_unknown_mn") >= 1; },
      std::chrono::milliseconds{8000}));
  EXPECT_EQ(poll_message(*lma_socket_), std::nullopt);
  EXPECT_TRUE(runtime_->core().bindings().empty());
}

TEST_F(MagRuntimeTest, ShutdownDeregistersAndWaitsForThePba) {
  register_mn();
  bool done = false;
  runtime_->shut_down([&] { done = true; });
  EXPECT_FALSE(done);  // waiting for the de-registration's PBA
  const ProxyBindingUpdate deregistration = next_pbu();
  EXPECT_EQ(deregistration.lifetime, 0);
  answer(deregistration, PbaStatus::kAccepted);
  EXPECT_TRUE(pump(
      *loop_, [&] { return done; }, std::chrono::milliseconds{900}));
  EXPECT_TRUE(map_entries().empty());
}

TEST_F(MagRuntimeTest, RestartWithoutDeregistrationKeepsTheMapAndReregistersTheMn) {
  config_.mag->deregister_on_shutdown = false;
  register_mn();
  const auto bound = map_entries();
  bool done = false;
  runtime_->shut_down([&] { done = true; });
  EXPECT_TRUE(done);
  runtime_.reset();
  EXPECT_EQ(poll_message(*lma_socket_), std::nullopt);  // no de-registration was sent
  EXPECT_EQ(map_entries(), bound);                      // forwarding continues meanwhile

  // The MN is still on the link (carrier up): the new daemon registers it at once.
  start();
  const ProxyBindingUpdate pbu = next_pbu();
  EXPECT_EQ(pbu.options.mn_id, kMn);
  EXPECT_NE(pbu.lifetime, 0);
  answer(pbu, PbaStatus::kAccepted);
  ASSERT_TRUE(pump(*loop_, [&] {
    return !runtime_->core().bindings().empty() &&
           runtime_->core().bindings()[0].state == MagSessionState::kBound;
  }));
  EXPECT_EQ(map_entries(), bound);
}

}  // namespace
}  // namespace xpmip::daemon
