#include "xpmip/daemon/state_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "xpmip/address.hpp"

namespace xpmip::daemon {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

BindingRecord sample(std::string id, std::string_view hnp) {
  BindingRecord r;
  r.mn_id = {1, std::move(id)};
  r.mn_link_layer_id = {0x02, 0, 0, 0, 0x01, 0x01};
  r.home_network_prefixes = {*parse_ipv6_prefix(hnp)};
  r.proxy_coa = *parse_ipv6_address("2001:db8:ffff:1::1");
  r.mag_link_local = *parse_ipv6_address("fe80::200:5eff:fe00:5213");
  r.access_tech = AccessTechnology::kIeee80211;
  r.handoff_indicator = HandoffIndicator::kHandoffBetweenMags;
  r.last_timestamp = 0xfedcba9876543210ULL;  // beyond int64: must survive JSON exactly
  r.last_sequence = 65535;
  r.granted_lifetime = 900;
  r.time_left = 3500s;
  r.age = 100s;
  return r;
}

class StateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/xpmip-state-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::filesystem::path& file, std::string_view text) {
    std::ofstream out(file, std::ios::trunc);
    out << text;
  }
  std::filesystem::path dir_;
};

TEST_F(StateFileTest, RecordsRoundTripExactly) {
  BindingRecord opaque = sample(std::string("\x00\xff\x01id", 5), "2001:db8:1:2::/64");
  opaque.mn_id.subtype = 7;
  opaque.mn_link_layer_id = {0, 0};
  opaque.state = BindingState::kPendingDelete;
  opaque.home_network_prefixes.push_back(*parse_ipv6_prefix("2001:db8:2::/56"));
  const std::vector<BindingRecord> records{sample("mn1@xpmip.test", "2001:db8:1:1::/64"), opaque};

  const auto file = dir_ / "sub" / "bindings.json";  // the directory is created
  ASSERT_TRUE(save_state_file(file, records));
  auto loaded = load_state_file(file);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(*loaded, records);
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));
}

TEST_F(StateFileTest, DocumentHasVersionAndReadableFields) {
  const json document = state_to_json({sample("mn1@xpmip.test", "2001:db8:1:1::/64")});
  EXPECT_EQ(document["version"], 1);
  const json& b = document["bindings"][0];
  EXPECT_EQ(b["mn_id"], "mn1@xpmip.test");
  EXPECT_EQ(b["mn_id_hex"], "6d6e314078706d69702e74657374");
  EXPECT_EQ(b["hnps"], json::array({"2001:db8:1:1::/64"}));
  EXPECT_EQ(b["proxy_coa"], "2001:db8:ffff:1::1");
  EXPECT_EQ(b["mn_link_layer_id"], "020000000101");
  EXPECT_EQ(b["access_tech"], 4);
  EXPECT_EQ(b["handoff_indicator"], 3);
  EXPECT_EQ(b["granted_lifetime"], 900);
  EXPECT_EQ(b["time_left_s"], 3500);
  EXPECT_EQ(b["state"], "active");
}

TEST_F(StateFileTest, MissingFileIsAFirstStart) {
  auto loaded = load_state_file(dir_ / "none.json");
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->empty());
}

TEST_F(StateFileTest, CorruptFilesGiveClearErrors) {
  const auto file = dir_ / "bindings.json";
  write(file, "{\"version\":1,\"bindings\":[");
  auto truncated = load_state_file(file);
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error(), file.string() + ": not valid JSON (corrupt state file)");

  write(file, R"({"version":2,"bindings":[]})");
  EXPECT_EQ(load_state_file(file).error(),
            file.string() + ": unsupported version 2 (this daemon reads 1)");

  write(file, R"({"bindings":[]})");
  EXPECT_EQ(load_state_file(file).error(), file.string() + ": no \"version\" field");

  json document = state_to_json({sample("a", "2001:db8:1::/64"), sample("b", "2001:db8:2::/64")});
  document["bindings"][1]["proxy_coa"] = "nope";
  write(file, document.dump());
  EXPECT_EQ(load_state_file(file).error(),
            file.string() + ": bindings[1].proxy_coa: not an IPv6 address: \"nope\"");

  document = state_to_json({sample("a", "2001:db8:1::/64")});
  document["bindings"][0]["last_sequence"] = 70000;
  write(file, document.dump());
  EXPECT_EQ(load_state_file(file).error(),
            file.string() + ": bindings[0].last_sequence: out of range");

  document["bindings"][0].erase("last_sequence");
  write(file, document.dump());
  EXPECT_EQ(load_state_file(file).error(), file.string() + ": bindings[0].last_sequence: missing");
}

TEST_F(StateFileTest, SaveReplacesAtomicallyAndReportsFailures) {
  const auto file = dir_ / "bindings.json";
  ASSERT_TRUE(save_state_file(file, {sample("a", "2001:db8:1::/64")}));
  struct stat before {};
  ASSERT_EQ(::stat(file.c_str(), &before), 0);
  ASSERT_TRUE(save_state_file(file, {}));
  struct stat after {};
  ASSERT_EQ(::stat(file.c_str(), &after), 0);
  // rename() put a new file in place rather than rewriting the old one.
  EXPECT_NE(before.st_ino, after.st_ino);
  EXPECT_TRUE(load_state_file(file)->empty());

  write(dir_ / "blocker", "x");
  auto failed = save_state_file(dir_ / "blocker" / "bindings.json", {});
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().find("cannot create " + (dir_ / "blocker").string()), std::string::npos)
      << failed.error();
}

}  // namespace
}  // namespace xpmip::daemon
