#include "xpmip/daemon/config.hpp"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "xpmip/address.hpp"

namespace xpmip::daemon {
namespace {

using namespace std::chrono_literals;

Ipv6Address addr(std::string_view text) {
  return *parse_ipv6_address(text);
}

constexpr std::string_view kMinimalLma = R"(
[signalling]
address = "2001:db8:ffff::1"
[lma]
core_interfaces = ["core0"]
)";

constexpr std::string_view kMinimalMag = R"(
[signalling]
address = "2001:db8:ffff:1::1"
[mag]
lma_address = "2001:db8:ffff::1"
access_interfaces = ["acc1"]
core_interfaces = ["core0"]
)";

ConfigError error_of(std::string_view text, Role role) {
  auto result = parse_config(text, "/etc/xpmip/test.toml", role);
  EXPECT_FALSE(result.has_value()) << "accepted:\n" << text;
  return result ? ConfigError{} : result.error();
}

TEST(Config, MinimalLmaGetsSpecDefaults) {
  auto config = parse_config(kMinimalLma, "/etc/xpmip/lma.toml", Role::kLma);
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->role, Role::kLma);
  EXPECT_EQ(config->instance, "lma");
  EXPECT_EQ(config->log_level, LogLevel::kInfo);
  EXPECT_EQ(config->address, addr("2001:db8:ffff::1"));
  EXPECT_EQ(config->source, "/etc/xpmip/lma.toml");
  ASSERT_TRUE(config->lma);
  EXPECT_FALSE(config->mag);
  EXPECT_EQ(config->lma->core_interfaces, std::vector<std::string>{"core0"});
  EXPECT_TRUE(config->lma->external_interfaces.empty());
  // RFC 5213 §9.1 defaults.
  EXPECT_EQ(config->lma->core.min_delay_before_bce_delete, 10000ms);
  EXPECT_EQ(config->lma->core.max_delay_before_new_bce_assign, 1500ms);
  EXPECT_EQ(config->lma->core.timestamp_validity_window, 300ms);
  EXPECT_FALSE(config->lma->core.create_new_bce_immediately);
  EXPECT_EQ(config->lma->core.max_bindings, 1'000'000u);
  EXPECT_EQ(config->lma->core.max_bindings_per_mag, 100'000u);
  EXPECT_FALSE(config->lma->core.pool_aggregate);
  EXPECT_EQ(config->lma->core.pool_delegated_length, 64);
  EXPECT_EQ(config->dataplane.pin_root, "/sys/fs/bpf/xpmip");
  EXPECT_EQ(config->dataplane.max_bindings, 1048576u);
  EXPECT_EQ(config->dataplane.xdp_mode, dataplane::XdpMode::kNativeOrGeneric);
  EXPECT_EQ(config->dataplane.outer_hop_limit, 64);
  EXPECT_EQ(config->policy_file, "/etc/xpmip/policy.toml");
  EXPECT_EQ(control_socket_path(*config), "/run/xpmip/lma.sock");
  EXPECT_EQ(state_file_path(*config), "/var/lib/xpmip/lma/bindings.json");
}

TEST(Config, FullLmaFileIsReadKeyByKey) {
  constexpr std::string_view text = R"(
instance = "lma-a"
[log]
level = "debug"
[signalling]
address = "2001:db8:ffff::1"
[lma]
external_interfaces = ["ext0", "ext1"]
core_interfaces = ["core0"]
hnp_pool = "2001:db8:100::/48"
hnp_length = 64
min_delay_before_bce_delete_ms = 2000
max_delay_before_new_bce_assign_ms = 700
timestamp_validity_window_ms = 500
create_new_bce_immediately = true
max_bindings = 50
max_bindings_per_mag = 5
state_file = "state/bindings.json"
[dataplane]
pin_root = "/sys/fs/bpf/other"
max_bindings = 4096
xdp_mode = "generic"
outer_hop_limit = 32
[control]
socket = "/run/xpmip/custom.sock"
[policy]
file = "policy.toml"
)";
  auto config = parse_config(text, "/srv/conf/lma.toml", Role::kLma);
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->instance, "lma-a");
  EXPECT_EQ(config->log_level, LogLevel::kDebug);
  EXPECT_EQ(config->lma->external_interfaces, (std::vector<std::string>{"ext0", "ext1"}));
  ASSERT_TRUE(config->lma->core.pool_aggregate);
  EXPECT_EQ(*config->lma->core.pool_aggregate, *parse_ipv6_prefix("2001:db8:100::/48"));
  EXPECT_EQ(config->lma->core.min_delay_before_bce_delete, 2000ms);
  EXPECT_EQ(config->lma->core.max_delay_before_new_bce_assign, 700ms);
  EXPECT_EQ(config->lma->core.timestamp_validity_window, 500ms);
  EXPECT_TRUE(config->lma->core.create_new_bce_immediately);
  EXPECT_EQ(config->lma->core.max_bindings, 50u);
  EXPECT_EQ(config->lma->core.max_bindings_per_mag, 5u);
  EXPECT_EQ(state_file_path(*config), "/srv/conf/state/bindings.json");
  EXPECT_EQ(config->dataplane.pin_root, "/sys/fs/bpf/other");
  EXPECT_EQ(config->dataplane.max_bindings, 4096u);
  EXPECT_EQ(config->dataplane.xdp_mode, dataplane::XdpMode::kGeneric);
  EXPECT_EQ(config->dataplane.outer_hop_limit, 32);
  EXPECT_EQ(control_socket_path(*config), "/run/xpmip/custom.sock");
  // Relative policy paths resolve against the configuration file's directory.
  EXPECT_EQ(config->policy_file, "/srv/conf/policy.toml");
}

TEST(Config, MinimalMagGetsRfcDefaults) {
  auto config = parse_config(kMinimalMag, "/etc/xpmip/mag1.toml", Role::kMag);
  ASSERT_TRUE(config) << config.error().message();
  ASSERT_TRUE(config->mag);
  EXPECT_FALSE(config->lma);
  EXPECT_EQ(config->instance, "mag");
  const MagSection& mag = *config->mag;
  EXPECT_EQ(mag.lma_address, addr("2001:db8:ffff::1"));
  EXPECT_EQ(mag.access_interfaces, std::vector<std::string>{"acc1"});
  EXPECT_EQ(mag.core_interfaces, std::vector<std::string>{"core0"});
  // RFC 6543 / RFC 5213 §6.9.3.
  EXPECT_EQ(mag.router_mac, (MacAddress{0x00, 0x00, 0x5e, 0x00, 0x52, 0x13}));
  EXPECT_EQ(mag.core.fixed_link_local, addr("fe80::200:5eff:fe00:5213"));
  EXPECT_EQ(mag.lifetime, 3600s);
  EXPECT_TRUE(mag.deregister_on_shutdown);
  EXPECT_EQ(mag.unknown_mn, UnknownMnPolicy::kIgnore);
  EXPECT_EQ(mag.mn_realm, "xpmip.test");
  EXPECT_TRUE(mag.core.timestamp_option);
  EXPECT_EQ(mag.core.initial_bindack_timeout, 1000ms);
  EXPECT_EQ(mag.core.max_bindack_timeout, 32000ms);
  EXPECT_EQ(mag.core.refresh_at_percent, 80u);
  EXPECT_EQ(control_socket_path(*config), "/run/xpmip/mag.sock");
}

TEST(Config, MagOptionalKeys) {
  std::string text(kMinimalMag);
  text += R"(router_mac = "02:AA:bb:cc:dd:ee"
router_link_local = "fe80::1"
lifetime_s = 40
deregister_on_shutdown = false
unknown_mn = "derive"
mn_realm = "example.net"
replay = "sequence"
initial_bindack_timeout_ms = 500
max_bindack_timeout_ms = 4000
first_registration_timeout_ms = 1500
max_registration_retransmissions = 2
refresh_at_percent = 50
max_updates_per_second = 0
)";
  auto config = parse_config(text, "/etc/xpmip/mag1.toml", Role::kMag);
  ASSERT_TRUE(config) << config.error().message();
  const MagSection& mag = *config->mag;
  EXPECT_EQ(mag.router_mac, (MacAddress{0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee}));
  EXPECT_EQ(mag.core.fixed_link_local, addr("fe80::1"));
  EXPECT_EQ(mag.lifetime, 40s);
  EXPECT_FALSE(mag.deregister_on_shutdown);
  EXPECT_EQ(mag.unknown_mn, UnknownMnPolicy::kDerive);
  EXPECT_EQ(mag.mn_realm, "example.net");
  EXPECT_FALSE(mag.core.timestamp_option);
  EXPECT_EQ(mag.core.initial_bindack_timeout, 500ms);
  EXPECT_EQ(mag.core.max_bindack_timeout, 4000ms);
  EXPECT_EQ(mag.core.first_registration_timeout, 1500ms);
  EXPECT_EQ(mag.core.max_registration_retransmissions, 2u);
  EXPECT_EQ(mag.core.refresh_at_percent, 50u);
  EXPECT_EQ(mag.core.max_updates_per_second, 0u);
}

TEST(Config, UnknownKeyIsNamedWithItsPosition) {
  std::string text(kMinimalLma);
  text += "max_binding = 5\n";  // typo of max_bindings
  EXPECT_EQ(error_of(text, Role::kLma).message(),
            "/etc/xpmip/test.toml:6:1: lma.max_binding: unknown key");
}

TEST(Config, UnknownSectionIsAnError) {
  std::string text(kMinimalLma);
  text += "[contrl]\nsocket = \"/x\"\n";
  EXPECT_EQ(error_of(text, Role::kLma).message(), "/etc/xpmip/test.toml:6:2: contrl: unknown key");
}

TEST(Config, BadAddressNamesKeyAndValue) {
  constexpr std::string_view text =
      "[signalling]\naddress = \"2001:db8::zz\"\n[lma]\n"
      "core_interfaces = [\"core0\"]\n";
  EXPECT_EQ(error_of(text, Role::kLma).message(),
            "/etc/xpmip/test.toml:2:11: signalling.address: not a unicast IPv6 address: "
            "\"2001:db8::zz\"");
}

TEST(Config, LinkLocalSignallingAddressIsRefused) {
  constexpr std::string_view text =
      "[signalling]\naddress = \"fe80::1\"\n[lma]\n"
      "core_interfaces = [\"core0\"]\n";
  EXPECT_EQ(error_of(text, Role::kLma).key, "signalling.address");
}

TEST(Config, WrongTypeIsReported) {
  std::string text(kMinimalLma);
  text += "max_bindings = \"many\"\n";
  EXPECT_EQ(error_of(text, Role::kLma).message(),
            "/etc/xpmip/test.toml:6:16: lma.max_bindings: expected an integer, got a string");
}

TEST(Config, OutOfRangeIsReported) {
  std::string text(kMinimalLma);
  text += "[dataplane]\nouter_hop_limit = 300\n";
  EXPECT_EQ(error_of(text, Role::kLma).message(),
            "/etc/xpmip/test.toml:7:19: dataplane.outer_hop_limit: out of range: 300 (allowed "
            "1..255)");
}

TEST(Config, MissingRequiredKeys) {
  ConfigError no_signalling = error_of("[lma]\ncore_interfaces = [\"c\"]\n", Role::kLma);
  EXPECT_EQ(no_signalling.key, "signalling");
  EXPECT_EQ(no_signalling.reason, "missing required key");

  ConfigError no_section = error_of("[signalling]\naddress = \"2001:db8::1\"\n", Role::kMag);
  EXPECT_EQ(no_section.key, "mag");
  EXPECT_EQ(no_section.reason, "missing required key");

  ConfigError no_lma_address = error_of(
      "[signalling]\naddress = \"2001:db8::1\"\n[mag]\naccess_interfaces = [\"a\"]\n"
      "core_interfaces = [\"c\"]\n",
      Role::kMag);
  EXPECT_EQ(no_lma_address.message(),
            "/etc/xpmip/test.toml:3:1: mag.lma_address: missing required key");
}

TEST(Config, SectionOfTheOtherRoleIsAnError) {
  std::string text(kMinimalLma);
  text += "[mag]\nlma_address = \"2001:db8::1\"\n";
  ConfigError error = error_of(text, Role::kLma);
  EXPECT_EQ(error.key, "mag");
  EXPECT_EQ(error.reason,
            "section [mag] belongs to role mag, but this configuration is loaded as role lma");
  EXPECT_EQ(error.where.line, 6u);

  EXPECT_EQ(error_of(kMinimalLma, Role::kMag).key, "lma");
}

TEST(Config, EmptyOrDuplicateInterfaces) {
  ConfigError empty = error_of(
      "[signalling]\naddress = \"2001:db8::1\"\n[lma]\ncore_interfaces = []\n", Role::kLma);
  EXPECT_EQ(empty.message(),
            "/etc/xpmip/test.toml:4:19: lma.core_interfaces: needs at least one "
            "interface");
  ConfigError twice = error_of(
      "[signalling]\naddress = \"2001:db8::1\"\n[lma]\nexternal_interfaces = [\"e\"]\n"
      "core_interfaces = [\"e\"]\n",
      Role::kLma);
  EXPECT_EQ(twice.reason, "interface \"e\" is listed twice");
  ConfigError too_long = error_of(
      "[signalling]\naddress = \"2001:db8::1\"\n[lma]\ncore_interfaces = [\"abcdefghijklmnop\"]\n",
      Role::kLma);
  EXPECT_EQ(too_long.key, "lma.core_interfaces[0]");
}

TEST(Config, PoolMustHaveCleanHostBitsAndFitTheHnpLength) {
  std::string host_bits(kMinimalLma);
  host_bits += "hnp_pool = \"2001:db8:100::1/48\"\n";
  EXPECT_EQ(error_of(host_bits, Role::kLma).reason,
            "not an IPv6 prefix without host bits: \"2001:db8:100::1/48\"");
  std::string too_long(kMinimalLma);
  too_long += "hnp_pool = \"2001:db8:100::/80\"\n";
  EXPECT_EQ(error_of(too_long, Role::kLma).reason, "the pool /80 is longer than hnp_length /64");
}

TEST(Config, MagTimerOrderAndEnumerations) {
  std::string timers(kMinimalMag);
  timers += "initial_bindack_timeout_ms = 5000\nmax_bindack_timeout_ms = 1000\n";
  EXPECT_EQ(error_of(timers, Role::kMag).reason, "must not be below initial_bindack_timeout_ms");
  std::string unknown_mn(kMinimalMag);
  unknown_mn += "unknown_mn = \"accept\"\n";
  EXPECT_EQ(error_of(unknown_mn, Role::kMag).reason, "not \"ignore\" or \"derive\": \"accept\"");
  std::string group_mac(kMinimalMag);
  group_mac += "router_mac = \"01:00:5e:00:00:01\"\n";
  EXPECT_EQ(error_of(group_mac, Role::kMag).key, "mag.router_mac");
  std::string lifetime(kMinimalMag);
  lifetime += "lifetime_s = 262144\n";  // beyond 65535 units of 4 s (RFC 6275 §6.1.7)
  EXPECT_EQ(error_of(lifetime, Role::kMag).reason, "out of range: 262144 (allowed 4..262140)");
}

TEST(Config, InstanceMustBeAPlainName) {
  std::string text = "instance = \"../etc\"\n";
  text += kMinimalLma;
  EXPECT_EQ(error_of(text, Role::kLma).key, "instance");
}

TEST(Config, InstanceNames) {
  EXPECT_EQ(parse_instance_name("xpt-mag1"), "xpt-mag1");
  EXPECT_EQ(parse_instance_name("lma_2.b"), "lma_2.b");
  EXPECT_FALSE(parse_instance_name(""));
  EXPECT_FALSE(parse_instance_name(".hidden"));
  EXPECT_FALSE(parse_instance_name("a/b"));
  EXPECT_FALSE(parse_instance_name("a b"));
  EXPECT_FALSE(parse_instance_name(std::string(65, 'a')));
}

TEST(Config, SyntaxErrorCarriesPosition) {
  ConfigError error = error_of("[signalling]\naddress = 2001:db8::1\n", Role::kLma);
  EXPECT_EQ(error.where.file, "/etc/xpmip/test.toml");
  EXPECT_EQ(error.where.line, 2u);
  EXPECT_TRUE(error.key.empty());
  EXPECT_FALSE(error.reason.empty());
}

TEST(Config, LoadConfigReadsAFileAndReportsAMissingOne) {
  char dir_template[] = "/tmp/xpmip-config-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::filesystem::path dir = dir_template;
  {
    std::ofstream out(dir / "lma.toml");
    out << kMinimalLma << "[policy]\nfile = \"../p/policy.toml\"\n";
  }
  auto config = load_config(dir / "lma.toml", Role::kLma);
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->policy_file, dir.parent_path() / "p/policy.toml");

  auto missing = load_config(dir / "nope.toml", Role::kLma);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(),
            (dir / "nope.toml").string() + ": cannot read the file: No such file or directory");
  std::filesystem::remove_all(dir);
}

TEST(Config, MacAddressText) {
  EXPECT_EQ(parse_mac_address("02:00:00:00:01:0A"),
            (MacAddress{0x02, 0x00, 0x00, 0x00, 0x01, 0x0a}));
  EXPECT_FALSE(parse_mac_address("02:00:00:00:01"));
  EXPECT_FALSE(parse_mac_address("02-00-00-00-01-01"));
  EXPECT_FALSE(parse_mac_address("02:00:00:00:01:0g"));
  EXPECT_FALSE(parse_mac_address("02:00:00:00:01:01:"));
}

TEST(Config, ShippedExamplesLoad) {
  const std::filesystem::path dir = XPMIP_CONFIG_DIR;
  auto lma = load_config(dir / "lma.toml", Role::kLma);
  ASSERT_TRUE(lma) << lma.error().message();
  EXPECT_EQ(lma->address, addr("2001:db8:ffff::1"));
  EXPECT_EQ(lma->lma->core.pool_aggregate, parse_ipv6_prefix("2001:db8:100::/48"));
  EXPECT_EQ(lma->policy_file, dir / "policy.toml");
  for (int n : {1, 2}) {
    auto mag = load_config(dir / ("mag" + std::to_string(n) + ".toml"), Role::kMag);
    ASSERT_TRUE(mag) << mag.error().message();
    EXPECT_EQ(mag->address, addr("2001:db8:ffff:" + std::to_string(n) + "::1"));
    EXPECT_EQ(mag->instance, "mag" + std::to_string(n));
    EXPECT_EQ(mag->mag->lma_address, addr("2001:db8:ffff::1"));
  }
  // Each file is for its role only.
  EXPECT_FALSE(load_config(dir / "lma.toml", Role::kMag));
  EXPECT_FALSE(load_config(dir / "mag1.toml", Role::kLma));
}

}  // namespace
}  // namespace xpmip::daemon
