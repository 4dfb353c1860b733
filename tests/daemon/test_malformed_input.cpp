// Bad input is normal input: every parser of the daemon's files and protocol answers mutated
// and truncated input with a value or a typed error, never a crash or an escaped exception.
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "xpmip/daemon/config.hpp"
#include "xpmip/daemon/control_protocol.hpp"
#include "xpmip/daemon/policy_file.hpp"
#include "xpmip/daemon/state_file.hpp"

namespace xpmip::daemon {
namespace {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Deterministic variants of `seed`: truncations, flipped bytes, inserted structural characters.
std::vector<std::string> mutations(const std::string& seed, unsigned count) {
  std::mt19937 random(5213);
  static constexpr char kInteresting[] = "[]{}\"=,.:\n\\\x00\xff";
  std::vector<std::string> result;
  for (unsigned i = 0; i < count; ++i) {
    std::string text = seed;
    std::uniform_int_distribution<std::size_t> at(0, text.empty() ? 0 : text.size() - 1);
    switch (i % 3) {
      case 0:
        text.resize(at(random));
        break;
      case 1:
        for (int n = 0; n < 3 && !text.empty(); ++n)
          text[at(random)] = static_cast<char>(random() & 0xff);
        break;
      default:
        text.insert(at(random), 1, kInteresting[random() % (sizeof(kInteresting) - 1)]);
        break;
    }
    result.push_back(std::move(text));
  }
  return result;
}

TEST(MalformedInput, ConfigFiles) {
  const std::filesystem::path dir = XPMIP_CONFIG_DIR;
  for (const auto& [file, role] : {std::pair{"lma.toml", Role::kLma}, {"mag1.toml", Role::kMag}}) {
    for (const auto& text : mutations(read_text(dir / file), 1500)) {
      auto result = parse_config(text, dir / file, role);
      if (!result) {
        EXPECT_EQ(result.error().where.file, (dir / file).string());
        EXPECT_FALSE(result.error().reason.empty());
      }
    }
  }
}

TEST(MalformedInput, PolicyFiles) {
  const std::filesystem::path file = std::filesystem::path(XPMIP_CONFIG_DIR) / "policy.toml";
  for (const auto& text : mutations(read_text(file), 1500)) {
    auto result = parse_policy_file(text, file);
    if (!result) EXPECT_FALSE(result.error().reason.empty());
  }
}

TEST(MalformedInput, ControlLines) {
  for (const auto& seed :
       {std::string(R"({"command":"mn.attach","interface":"acc1","mac":"02:00:00:00:01:01"})"),
        std::string(R"({"ok":true,"result":{"a":[1,2,{"b":null}]}})")}) {
    for (const auto& text : mutations(seed, 1500)) {
      auto request = parse_request(text);
      if (!request) EXPECT_FALSE(request.error().empty());
      auto response = parse_response(text);
      if (!response) EXPECT_FALSE(response.error().empty());
    }
  }
}

TEST(MalformedInput, StateDocuments) {
  BindingRecord record;
  record.mn_id = {1, "mn1@xpmip.test"};
  record.home_network_prefixes = {Prefix{{0x20, 0x01, 0x0d, 0xb8}, 64}};
  const std::string seed = state_to_json({record, record}).dump();
  for (const auto& text : mutations(seed, 1500)) {
    const auto document = nlohmann::json::parse(text, nullptr, false);
    if (document.is_discarded()) continue;
    auto records = state_from_json(document);
    if (!records) EXPECT_FALSE(records.error().empty());
  }
}

}  // namespace
}  // namespace xpmip::daemon
