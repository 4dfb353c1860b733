#include "xpmip/daemon/policy_file.hpp"

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
Prefix prefix(std::string_view text) {
  return *parse_ipv6_prefix(text);
}
MobileNodeId nai(std::string_view text) {
  return MobileNodeId{1, std::string(text)};
}

constexpr std::string_view kPolicy = R"(
[[mag]]
address = "2001:db8:ffff:1::1"

[[mag]]
address = "2001:db8:ffff:2::1"
replay = "sequence"

[[mobile_node]]
id = "mn1@xpmip.test"
mac = "02:00:00:00:01:01"
prefixes = ["2001:db8:1:1::/64", "2001:db8:1:2::/64"]
access_tech = ["ieee802.11", "ieee802.3"]
mags = ["2001:db8:ffff:1::1"]
max_lifetime_s = 600

[[mobile_node]]
id = "mn2@xpmip.test"
mac = "02:00:00:00:02:02"
lma = "2001:db8:ffff::9"
enabled = false

[[mobile_node]]
id = "lma-only@xpmip.test"
)";

ConfigError error_of(std::string_view text) {
  auto result = parse_policy_file(text, "/etc/xpmip/policy.toml");
  EXPECT_FALSE(result.has_value()) << "accepted:\n" << text;
  return result ? ConfigError{} : result.error();
}

TEST(PolicyFile, ParsesMagsAndMobileNodes) {
  auto policy = parse_policy_file(kPolicy, "/etc/xpmip/policy.toml");
  ASSERT_TRUE(policy) << policy.error().message();
  ASSERT_EQ(policy->mags.size(), 2u);
  EXPECT_EQ(policy->mags[0].address, addr("2001:db8:ffff:1::1"));
  EXPECT_EQ(policy->mags[0].policy.replay_mode, ReplayMode::kTimestamp);
  EXPECT_EQ(policy->mags[1].policy.replay_mode, ReplayMode::kSequenceNumber);

  ASSERT_EQ(policy->mobile_nodes.size(), 3u);
  const MobileNodeEntry& mn1 = policy->mobile_nodes[0];
  EXPECT_EQ(mn1.id, nai("mn1@xpmip.test"));
  EXPECT_EQ(mn1.mac, (MacAddress{0x02, 0, 0, 0, 0x01, 0x01}));
  EXPECT_EQ(mn1.profile.static_prefixes,
            (std::vector<Prefix>{prefix("2001:db8:1:1::/64"), prefix("2001:db8:1:2::/64")}));
  EXPECT_EQ(
      mn1.profile.allowed_access_techs,
      (std::vector<AccessTechnology>{AccessTechnology::kIeee80211, AccessTechnology::kIeee8023}));
  EXPECT_EQ(mn1.profile.authorized_mags, std::vector<Ipv6Address>{addr("2001:db8:ffff:1::1")});
  EXPECT_EQ(mn1.profile.max_lifetime, 600s);
  EXPECT_TRUE(mn1.profile.proxy_mobility_enabled);
  EXPECT_FALSE(mn1.lma);

  EXPECT_FALSE(policy->mobile_nodes[1].profile.proxy_mobility_enabled);
  EXPECT_EQ(policy->mobile_nodes[1].lma, addr("2001:db8:ffff::9"));
  EXPECT_FALSE(policy->mobile_nodes[2].mac);
  EXPECT_EQ(policy->mobile_nodes[2].profile.max_lifetime, 3600s);
}

TEST(PolicyFile, LmaPolicyDecidesServedByThisLma) {
  auto file = parse_policy_file(kPolicy, "/etc/xpmip/policy.toml");
  ASSERT_TRUE(file);
  StaticPolicy policy = lma_policy(*file, addr("2001:db8:ffff::1"));
  ASSERT_TRUE(policy.mag(addr("2001:db8:ffff:2::1")));
  EXPECT_EQ(policy.mag(addr("2001:db8:ffff:2::1"))->replay_mode, ReplayMode::kSequenceNumber);
  EXPECT_FALSE(policy.mag(addr("2001:db8:ffff:3::1")));
  ASSERT_TRUE(policy.mobile_node(nai("mn1@xpmip.test")));
  EXPECT_TRUE(policy.mobile_node(nai("mn1@xpmip.test"))->served_by_this_lma);
  // mn2 names another LMA: RFC 5213 §5.3.1 check 7 -> 153.
  EXPECT_FALSE(policy.mobile_node(nai("mn2@xpmip.test"))->served_by_this_lma);
  EXPECT_FALSE(policy.mobile_node(nai("nobody@xpmip.test")));
}

TEST(PolicyFile, ErrorsNamePositionAndKey) {
  EXPECT_EQ(error_of("[[mobile_node]]\nid = \"a\"\nmac = \"02:00:00:00:01\"\n").message(),
            "/etc/xpmip/policy.toml:3:7: mobile_node[0].mac: not a unicast MAC address: "
            "\"02:00:00:00:01\"");
  EXPECT_EQ(error_of("[[mobile_node]]\nid = \"a\"\nprefix = [\"2001:db8::/64\"]\n").message(),
            "/etc/xpmip/policy.toml:3:1: mobile_node[0].prefix: unknown key");
  EXPECT_EQ(error_of("[[mobile_node]]\nmac = \"02:00:00:00:01:01\"\n").message(),
            "/etc/xpmip/policy.toml:1:1: mobile_node[0].id: missing required key");
  EXPECT_EQ(error_of("[[mobile_node]]\nid = \"a\"\naccess_tech = [\"wifi\"]\n").key,
            "mobile_node[0].access_tech[0]");
  EXPECT_EQ(error_of("[[mobile_node]]\nid = \"a\"\nprefixes = [\"::/0\"]\n").key,
            "mobile_node[0].prefixes[0]");
  EXPECT_EQ(error_of("[[mag]]\naddress = \"2001:db8::1\"\nreplay = \"none\"\n").message(),
            "/etc/xpmip/policy.toml:3:10: mag[0].replay: not \"timestamp\" or \"sequence\": "
            "\"none\"");
  EXPECT_EQ(error_of("[[mobile_node]]\nid = \"a\"\nmax_lifetime_s = 0\n").reason,
            "out of range: 0 (allowed 4..262140)");
  EXPECT_EQ(error_of("[mobile_node]\nid = \"a\"\n").reason, "expected an array, got a table");
  EXPECT_EQ(error_of("[[mobile_node]]\nid = \"\"\n").key, "mobile_node[0].id");
}

TEST(PolicyFile, DuplicatesAreErrors) {
  EXPECT_EQ(error_of("[[mag]]\naddress = \"2001:db8::1\"\n[[mag]]\naddress = \"2001:db8:0::1\"\n")
                .message(),
            "/etc/xpmip/policy.toml:4:11: mag[1].address: duplicate MAG address 2001:db8::1 "
            "(already in mag[0])");
  EXPECT_EQ(error_of("[[mobile_node]]\nid = \"a\"\n[[mobile_node]]\nid = \"a\"\n").reason,
            "duplicate mobile node id \"a\" (already in mobile_node[0])");
  EXPECT_EQ(error_of("[[mobile_node]]\nid = \"a\"\nmac = \"02:00:00:00:01:01\"\n"
                     "[[mobile_node]]\nid = \"b\"\nmac = \"02:00:00:00:01:01\"\n")
                .reason,
            "duplicate MAC 02:00:00:00:01:01 (already in mobile_node[0])");
  EXPECT_EQ(error_of("[[mobile_node]]\nid = \"a\"\nprefixes = [\"2001:db8:1::/64\"]\n"
                     "[[mobile_node]]\nid = \"b\"\nprefixes = [\"2001:db8:1::/64\"]\n")
                .reason,
            "duplicate prefix 2001:db8:1::/64 (already in mobile_node[0])");
}

TEST(PolicyFile, AccessTechnologyNamesRoundTrip) {
  for (auto tech :
       {AccessTechnology::kVirtual, AccessTechnology::kPpp, AccessTechnology::kIeee8023,
        AccessTechnology::kIeee80211, AccessTechnology::kIeee80216e, AccessTechnology::k3gppGeran,
        AccessTechnology::k3gppUtran, AccessTechnology::k3gppEutran})
    EXPECT_EQ(parse_access_technology(access_technology_name(tech)), tech);
  EXPECT_EQ(access_technology_name(AccessTechnology::kIeee8023), "ieee802.3");
  EXPECT_FALSE(parse_access_technology("IEEE802.3"));
}

TEST(PolicyFile, ShippedExampleLoads) {
  auto policy = load_policy_file(std::filesystem::path(XPMIP_CONFIG_DIR) / "policy.toml");
  ASSERT_TRUE(policy) << policy.error().message();
  ASSERT_EQ(policy->mags.size(), 2u);
  ASSERT_EQ(policy->mobile_nodes.size(), 1u);
  EXPECT_EQ(policy->mobile_nodes[0].id, nai("mn1@xpmip.test"));
  EXPECT_EQ(policy->mobile_nodes[0].mac, (MacAddress{0x02, 0, 0, 0, 0x01, 0x01}));
  EXPECT_TRUE(policy->mobile_nodes[0].profile.static_prefixes.empty());  // from the LMA's pool
}

class PolicyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/xpmip-policy-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    file_ = dir_ / "policy.toml";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(std::string_view text) {
    std::ofstream out(file_, std::ios::trunc);
    out << text;
  }

  std::filesystem::path dir_;
  std::filesystem::path file_;
};

TEST_F(PolicyStoreTest, MagLookupsByMacAndId) {
  write(kPolicy);
  auto store = PolicyStore::load(file_, addr("2001:db8:ffff::1"));
  ASSERT_TRUE(store) << store.error().message();
  auto mn1 = (*store)->find_by_mac(MacAddress{0x02, 0, 0, 0, 0x01, 0x01});
  ASSERT_TRUE(mn1);
  EXPECT_EQ(mn1->id, nai("mn1@xpmip.test"));
  EXPECT_EQ(mn1->hnps.size(), 2u);
  EXPECT_EQ(mn1->access_tech, AccessTechnology::kIeee80211);  // the first allowed
  EXPECT_EQ(mn1->max_lifetime, 600s);
  EXPECT_EQ(mn1->lma, addr("2001:db8:ffff::1"));  // the default LMA
  auto mn2 = (*store)->find_by_id(nai("mn2@xpmip.test"));
  ASSERT_TRUE(mn2);
  EXPECT_EQ(mn2->lma, addr("2001:db8:ffff::9"));
  EXPECT_EQ(mn2->access_tech, AccessTechnology::kIeee8023);
  EXPECT_FALSE(mn2->enabled);
  EXPECT_FALSE((*store)->find_by_mac(MacAddress{0x02, 0, 0, 0, 0x09, 0x09}));
  EXPECT_EQ((*store)->path(), file_);
}

TEST_F(PolicyStoreTest, ReloadSwapsOnlyAValidFile) {
  write(kPolicy);
  auto loaded = PolicyStore::load(file_, addr("2001:db8:ffff::1"));
  ASSERT_TRUE(loaded);
  PolicyStore& store = **loaded;
  const Policy& as_policy = store;  // what LmaCore holds

  write("[[mag]]\naddress = \"2001:db8:ffff:3::1\"\n[[mobile_node]]\nid = \"mn3@xpmip.test\"\n");
  ASSERT_TRUE(store.reload());
  EXPECT_TRUE(as_policy.mag(addr("2001:db8:ffff:3::1")));
  EXPECT_FALSE(as_policy.mag(addr("2001:db8:ffff:1::1")));
  EXPECT_TRUE(as_policy.mobile_node(nai("mn3@xpmip.test")));

  write("[[mag]]\naddress = \"2001:db8:ffff:4::1\"\n[[mobile_node]]\nid = \"mn4\"\nbogus = 1\n");
  auto failed = store.reload();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message(), file_.string() + ":5:1: mobile_node[0].bogus: unknown key");
  // The previous policy stays in force, untouched by the half-read file.
  EXPECT_TRUE(as_policy.mag(addr("2001:db8:ffff:3::1")));
  EXPECT_FALSE(as_policy.mag(addr("2001:db8:ffff:4::1")));
  EXPECT_TRUE(as_policy.mobile_node(nai("mn3@xpmip.test")));

  std::filesystem::remove(file_);
  auto missing = store.reload();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().reason, "cannot read the file: No such file or directory");
  EXPECT_TRUE(as_policy.mobile_node(nai("mn3@xpmip.test")));
}

}  // namespace
}  // namespace xpmip::daemon
