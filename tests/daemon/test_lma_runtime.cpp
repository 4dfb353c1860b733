// The LMA runtime on its own, in a network namespace: a fake MAG in a second namespace sends PBUs
// over a real MH socket; the test checks the PBA on the wire, the pinned HNP map, the state file,
// the control answers and a restart that restores the binding and reconciles the map.
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "runtime_test_env.hpp"
#include "xpmip/address.hpp"
#include "xpmip/daemon/config.hpp"
#include "xpmip/daemon/lma_runtime.hpp"
#include "xpmip/daemon/policy_file.hpp"
#include "xpmip/daemon/state_file.hpp"
#include "xpmip/timestamp.hpp"

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

class LmaRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto reason = testing::runtime_test_unavailable_reason(); !reason.empty())
      GTEST_SKIP() << reason;
    lma_.emplace("lma");
    mag_.emplace("mag");
    lma_->ip("link add core0 type veth peer name core1 netns " + mag_->name());
    lma_->ip("link add ext0 type veth peer name cn0");
    lma_->ip("addr add 2001:db8:ffff::1/64 dev core0 nodad");
    mag_->ip("addr add 2001:db8:ffff::11/64 dev core1 nodad");
    for (const char* link : {"core0", "ext0", "cn0"})
      lma_->ip(std::string("link set ") + link + " up");
    mag_->ip("link set core1 up");
    mag_->ip("link set lo up");
    lma_->ip("link set lo up");

    instance_ = testing::unique_instance("lma");
    dir_.write("policy.toml", R"(
[[mag]]
address = "2001:db8:ffff::11"

[[mobile_node]]
id = "mn1@xpmip.test"
prefixes = ["2001:db8:1:1::/64"]
)");
    const auto config_file = dir_.write("lma.toml", "instance = \"" + instance_ + R"("
[signalling]
address = "2001:db8:ffff::1"
[lma]
external_interfaces = ["ext0"]
core_interfaces = ["core0"]
min_delay_before_bce_delete_ms = 200
state_file = ")" + (dir_.path() / "bindings.json").string() +
                                                        R"("
[policy]
file = "policy.toml"
)");
    auto config = load_config(config_file, Role::kLma);
    ASSERT_TRUE(config.has_value()) << config.error().message();
    config_ = std::move(*config);
    auto policy = PolicyStore::load(config_.policy_file, kLma);
    ASSERT_TRUE(policy.has_value()) << policy.error().message();
    policy_ = std::move(*policy);
    auto loop = net::EventLoop::create(clock_);
    ASSERT_TRUE(loop.has_value());
    loop_.emplace(std::move(*loop));
    {
      EnterNetns inside(*mag_);
      auto socket = net::MhSocket::open(kMag);
      ASSERT_TRUE(socket.has_value()) << socket.error().message();
      mag_socket_.emplace(std::move(*socket));
    }
    // The runtime's sockets and attachments belong to the LMA's namespace: the test runs in it.
    inside_.emplace(*lma_);
    start();
  }

  void TearDown() override {
    runtime_.reset();
    inside_.reset();
    if (!instance_.empty()) testing::remove_instance_pins(instance_);
  }

  void start() {
    auto runtime = LmaRuntime::start(config_, *policy_, *loop_, clock_);
    ASSERT_TRUE(runtime.has_value()) << runtime.error();
    runtime_ = std::move(*runtime);
  }

  void restart() {
    bool stopped = false;
    runtime_->shut_down([&] { stopped = true; });
    ASSERT_TRUE(stopped);
    runtime_.reset();
    start();
  }

  // ALL_ZERO asks for the policy's prefix (RFC 5213 §6.9.1.1); refreshes name it.
  ProxyBindingUpdate pbu(std::uint16_t sequence, std::uint16_t lifetime_units,
                         const Prefix& hnp = Prefix{}) const {
    ProxyBindingUpdate update;
    update.sequence = sequence;
    update.lifetime = lifetime_units;
    update.options.mn_id = kMn;
    update.options.home_network_prefixes = {hnp};
    update.options.handoff_indicator = HandoffIndicator::kNewInterface;
    update.options.access_tech = AccessTechnology::kIeee8023;
    update.options.mn_link_layer_id = std::vector<std::uint8_t>{2, 0, 0, 0, 1, 1};
    update.options.timestamp = to_pmip_timestamp(clock_.wall_now());
    return update;
  }

  // Sends from the fake MAG and runs the LMA until the PBA arrives.
  ProxyBindingAck exchange(const ProxyBindingUpdate& update) {
    auto encoded = encode_mobility_header(update, std::nullopt);
    EXPECT_TRUE(encoded.has_value());
    EXPECT_TRUE(mag_socket_->send(encoded->bytes, kLma).has_value());
    std::optional<MobilityMessage> answer;
    EXPECT_TRUE(pump(*loop_, [&] { return (answer = poll_message(*mag_socket_)).has_value(); }));
    if (!answer || !std::holds_alternative<ProxyBindingAck>(*answer)) {
      ADD_FAILURE() << "no PBA";
      return {};
    }
    return std::get<ProxyBindingAck>(*answer);
  }

  [[nodiscard]] std::vector<dataplane::LmaBindingEntry> map_entries() const {
    dataplane::Options options;
    options.instance = instance_;
    auto dataplane = dataplane::Dataplane::open(options);
    EXPECT_TRUE(dataplane.has_value());
    auto entries = dataplane->lma_bindings();
    EXPECT_TRUE(entries.has_value());
    return entries.value_or(std::vector<dataplane::LmaBindingEntry>{});
  }

  nlohmann::json control(Command command) {
    auto answer = runtime_->handle(Request{.command = command});
    EXPECT_TRUE(answer.has_value()) << answer.error();
    return answer.value_or(nullptr);
  }

  SystemClock clock_;
  testing::ScratchDir dir_;
  std::optional<Netns> lma_;
  std::optional<Netns> mag_;
  std::string instance_;
  DaemonConfig config_;
  std::unique_ptr<PolicyStore> policy_;
  std::optional<net::EventLoop> loop_;
  std::optional<net::MhSocket> mag_socket_;
  std::optional<EnterNetns> inside_;
  std::unique_ptr<LmaRuntime> runtime_;
};

const dataplane::LmaBindingEntry kBoundEntry{{kHnp.address, kHnp.length}, kMag};

TEST_F(LmaRuntimeTest, RegistrationAnsweredOnTheWireProgrammedAndSaved) {
  const ProxyBindingAck pba = exchange(pbu(7, 75));
  EXPECT_EQ(pba.status, PbaStatus::kAccepted);
  EXPECT_EQ(pba.sequence, 7);
  EXPECT_EQ(pba.lifetime, 75);
  EXPECT_EQ(pba.options.mn_id, kMn);
  EXPECT_EQ(pba.options.home_network_prefixes, std::vector<Prefix>{kHnp});

  EXPECT_EQ(map_entries(), std::vector{kBoundEntry});

  auto saved = load_state_file(dir_.path() / "bindings.json");
  ASSERT_TRUE(saved.has_value()) << saved.error();
  ASSERT_EQ(saved->size(), 1u);
  EXPECT_EQ(saved->front().mn_id, kMn);
  EXPECT_EQ(saved->front().proxy_coa, kMag);
  EXPECT_EQ(saved->front().home_network_prefixes, std::vector<Prefix>{kHnp});

  const auto bindings = control(Command::kBindings);
  ASSERT_EQ(bindings.size(), 1u);
  EXPECT_EQ(bindings[0]["mn_id"], "mn1@xpmip.test");
  EXPECT_EQ(bindings[0]["hnps"], nlohmann::json::array({"2001:db8:1:1::/64"}));
  EXPECT_EQ(bindings[0]["proxy_coa"], "2001:db8:ffff::11");
  EXPECT_EQ(bindings[0]["mn_link_layer_id"], "02:00:00:00:01:01");
  EXPECT_EQ(bindings[0]["state"], "bound");
  EXPECT_EQ(bindings[0]["lifetime_s"], 300);

  const auto stats = control(Command::kStats);
  EXPECT_EQ(stats["signalling"]["rx_pbu"], 1);
  EXPECT_EQ(stats["signalling"]["tx_pba"], 1);
  EXPECT_EQ(stats["pba_status"], (nlohmann::json{{"0", 1}}));
  EXPECT_TRUE(stats["dataplane"].contains("lma_ext_tx_encap"));

  const auto status = control(Command::kStatus);
  EXPECT_EQ(status["role"], "lma");
  EXPECT_EQ(status["instance"], instance_);
  EXPECT_EQ(status["bindings"], 1);
  EXPECT_EQ(status["address"], "2001:db8:ffff::1");
  ASSERT_EQ(status["dataplane"]["attachments"].size(), 3u);
  EXPECT_EQ(status["dataplane"]["attachments"][0]["program"], "lma_external");
  EXPECT_EQ(status["dataplane"]["attachments"][0]["interface"], "ext0");
  EXPECT_EQ(status["dataplane"]["attachments"][1]["program"], "lma_core");
  EXPECT_EQ(status["dataplane"]["attachments"][2]["program"], "lma_local_out");
  EXPECT_EQ(status["dataplane"]["attachments"][2]["interface"], "core0");
}

TEST_F(LmaRuntimeTest, RefreshIsSavedForTheNextStart) {
  ASSERT_EQ(exchange(pbu(1, 75)).status, PbaStatus::kAccepted);
  ProxyBindingUpdate refresh = pbu(2, 75, kHnp);
  refresh.options.handoff_indicator = HandoffIndicator::kNoHandoff;
  ASSERT_EQ(exchange(refresh).status, PbaStatus::kAccepted);
  auto saved = load_state_file(dir_.path() / "bindings.json");
  ASSERT_TRUE(saved.has_value()) << saved.error();
  ASSERT_EQ(saved->size(), 1u);
  // The replay state a restarted LMA checks the next PBU against (RFC 5213 §5.5).
  EXPECT_EQ(saved->front().last_timestamp, refresh.options.timestamp);
}

TEST_F(LmaRuntimeTest, ReloadedPolicyWithoutTheMagRejectsItAndProgramsNothing) {
  // The policy file loses its MAG; `policy reload` applies it without a restart.
  dir_.write("policy.toml", R"(
[[mobile_node]]
id = "mn1@xpmip.test"
prefixes = ["2001:db8:1:1::/64"]
)");
  EXPECT_EQ(control(Command::kPolicyReload)["mags"], 0);
  const ProxyBindingAck pba = exchange(pbu(1, 75));
  EXPECT_EQ(pba.status, PbaStatus::kMagNotAuthorizedForProxyReg);
  EXPECT_TRUE(map_entries().empty());
  EXPECT_EQ(control(Command::kStats)["pba_status"], (nlohmann::json{{"154", 1}}));
}

TEST_F(LmaRuntimeTest, MalformedAndNonPbuMessagesAreCountedByReason) {
  // Payload Proto 59, Header Len 3 (32 octets claimed), MH type 5, but only 8 octets sent.
  const std::vector<std::uint8_t> truncated{59, 3, 5, 0, 0, 0, 0, 0};
  ASSERT_TRUE(mag_socket_->send(truncated, kLma).has_value());
  ProxyBindingAck stray;
  stray.options.mn_id = kMn;
  auto encoded = encode_mobility_header(stray, std::nullopt);
  ASSERT_TRUE(mag_socket_->send(encoded->bytes, kLma).has_value());
  ASSERT_TRUE(pump(*loop_, [&] { return runtime_->counters().get("rx_messages") == 2; }));
  EXPECT_EQ(runtime_->counters().get("parse_error_header_length_beyond_buffer"), 1u);
  EXPECT_EQ(runtime_->counters().get("ignored_not_pbu"), 1u);
  EXPECT_EQ(control(Command::kStats)["signalling"]["parse_error_header_length_beyond_buffer"], 1);
  EXPECT_EQ(poll_message(*mag_socket_), std::nullopt);  // nothing answers a malformed message
}

TEST_F(LmaRuntimeTest, DeregistrationRemovesEntryAndRoutesAfterTheDelay) {
  ASSERT_EQ(exchange(pbu(1, 75)).status, PbaStatus::kAccepted);
  const ProxyBindingAck pba = exchange(pbu(2, 0, kHnp));
  EXPECT_EQ(pba.status, PbaStatus::kAccepted);
  EXPECT_EQ(pba.lifetime, 0);
  EXPECT_EQ(control(Command::kBindings)[0]["state"], "deleting");
  // MinDelayBeforeBCEDelete (200 ms here) runs on the event loop; then routes and entry go.
  ASSERT_TRUE(pump(*loop_, [&] { return runtime_->core().bindings().empty(); }));
  EXPECT_TRUE(map_entries().empty());
  auto saved = load_state_file(dir_.path() / "bindings.json");
  ASSERT_TRUE(saved.has_value());
  EXPECT_TRUE(saved->empty());
}

TEST_F(LmaRuntimeTest, RestartRestoresBindingAndReconcilesTheMap) {
  ASSERT_EQ(exchange(pbu(1, 75)).status, PbaStatus::kAccepted);
  {
    // A leftover entry that no saved binding claims, and the real one damaged.
    dataplane::Options options;
    options.instance = instance_;
    auto dataplane = dataplane::Dataplane::open(options);
    ASSERT_TRUE(dataplane.has_value());
    const Prefix stale = *parse_ipv6_prefix("2001:db8:1:9::/64");
    ASSERT_TRUE(dataplane->lma_bind({stale.address, stale.length}, kMag).has_value());
    ASSERT_TRUE(dataplane->lma_unbind({kHnp.address, kHnp.length}).has_value());
  }
  restart();
  EXPECT_EQ(map_entries(), std::vector{kBoundEntry});
  ASSERT_EQ(runtime_->core().bindings().size(), 1u);
  EXPECT_EQ(runtime_->core().bindings()[0].mn_id, kMn);
  EXPECT_EQ(runtime_->counters().get("restored_bindings"), 1u);
  // The restored entry keeps its replay state: a refresh with a newer timestamp is accepted.
  const ProxyBindingAck refresh = exchange(pbu(2, 75, kHnp));
  EXPECT_EQ(refresh.status, PbaStatus::kAccepted);
  EXPECT_EQ(refresh.options.home_network_prefixes, std::vector<Prefix>{kHnp});
}

TEST_F(LmaRuntimeTest, StartFailsWithOneLineWhenAnInterfaceIsMissing) {
  runtime_.reset();
  config_.lma->external_interfaces = {"nosuch0"};
  auto runtime = LmaRuntime::start(config_, *policy_, *loop_, clock_);
  ASSERT_FALSE(runtime.has_value());
  EXPECT_EQ(runtime.error(),
            "interface nosuch0 ([lma].external_interfaces) does not exist in this network "
            "namespace: create it or fix [lma].external_interfaces");
}

TEST_F(LmaRuntimeTest, StartFailsWithTheFixWhenTheAddressIsNotConfigured) {
  runtime_.reset();
  config_.address = *parse_ipv6_address("2001:db8:ffff::99");
  auto runtime = LmaRuntime::start(config_, *policy_, *loop_, clock_);
  ASSERT_FALSE(runtime.has_value());
  EXPECT_NE(runtime.error().find("Fix: configure 2001:db8:ffff::99 on an interface"),
            std::string::npos)
      << runtime.error();
}

}  // namespace
}  // namespace xpmip::daemon
