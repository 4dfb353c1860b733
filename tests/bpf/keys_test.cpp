// Pure conversions between loader types and map layouts (no BPF needed).
#include <gtest/gtest.h>

#include <cstring>

#include "keys.hpp"
#include "packet.hpp"

namespace xpmip::test {
namespace {

using namespace xpmip::dataplane;

TEST(Keys, CanonicalClearsHostBitsAtAnyLength) {
  EXPECT_EQ(canonical({ip("2001:db8:1234:5678:9abc::1"), 64}).addr, ip("2001:db8:1234:5678::"));
  EXPECT_EQ(canonical({ip("2001:db8:12ff::"), 44}).addr, ip("2001:db8:12f0::"));
  EXPECT_EQ(canonical({ip("2001:db8::1"), 128}).addr, ip("2001:db8::1"));
  EXPECT_EQ(canonical({ip("ffff::"), 1}).addr, ip("8000::"));
}

TEST(Keys, SlashSixtyFourUsesTheUpperHalfAsHashKey) {
  const Ipv6Prefix hnp{ip("2001:db8:100:1::"), 64};
  EXPECT_TRUE(uses_hash_map(hnp));
  EXPECT_FALSE(uses_hash_map({hnp.addr, 56}));
  const auto key = hash_key(hnp);
  const std::uint8_t expected[8] = {0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00, 0x00, 0x01};
  EXPECT_EQ(std::memcmp(key.prefix, expected, 8), 0);
  EXPECT_EQ(prefix_from(key), hnp);
}

TEST(Keys, LpmKeyCarriesLengthAndCanonicalAddress) {
  const auto key = lpm_key({ip("2001:db8:200:ab::1"), 56});
  EXPECT_EQ(key.prefixlen, 56u);
  EXPECT_EQ(prefix_from(key), (Ipv6Prefix{ip("2001:db8:200::"), 56}));
}

TEST(Keys, ConfigRoundTripsAndMarksTheMapEnabled) {
  NodeConfig cfg;
  cfg.self = ip("2001:db8:c::1");
  cfg.peer = ip("2001:db8:1a::1");
  cfg.outer_hop_limit = 17;
  cfg.ptb_per_second = 7;
  cfg.ptb_burst = 3;
  const xpmip_config value = to_map_value(cfg);
  EXPECT_EQ(value.enabled, 1);
  EXPECT_EQ(std::memcmp(value.access_mac, kRfc6543MagMac.data(), 6), 0);
  EXPECT_EQ(from_map_value(value), cfg);
}

TEST(Keys, EveryCounterHasAUniqueName) {
  for (int i = 0; i < XPMIP_CTR_COUNT; ++i) {
    ASSERT_NE(xpmip_counter_names[i], nullptr);
    for (int j = 0; j < i; ++j) EXPECT_STRNE(xpmip_counter_names[i], xpmip_counter_names[j]);
  }
  EXPECT_STREQ(xpmip_counter_names[XPMIP_CTR_LMA_CORE_DROP_SPOOFED_SRC],
               "lma_core_drop_spoofed_src");
}

}  // namespace
}  // namespace xpmip::test
