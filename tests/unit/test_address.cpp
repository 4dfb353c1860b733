// IPv6 address and prefix text forms and prefix arithmetic.
#include <gtest/gtest.h>

#include "xpmip/address.hpp"

namespace xpmip {
namespace {

constexpr Ipv6Address kDocumentation1{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

TEST(Address, ParsesTextForms) {
  EXPECT_EQ(parse_ipv6_address("2001:db8::1"), kDocumentation1);
  EXPECT_EQ(parse_ipv6_address("2001:0DB8:0:0:0:0:0:1"), kDocumentation1);
  EXPECT_EQ(parse_ipv6_address("::"), Ipv6Address{});
  const Ipv6Address mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
  EXPECT_EQ(parse_ipv6_address("::ffff:192.0.2.1"), mapped);
}

TEST(Address, RejectsMalformedText) {
  for (const char* bad : {"", "2001:db8::1::2", "2001:db8::g", "192.0.2.1", "2001:db8::1/64",
                          " 2001:db8::1", "1:2:3:4:5:6:7:8:9"}) {
    EXPECT_FALSE(parse_ipv6_address(bad).has_value()) << bad;
  }
  EXPECT_FALSE(parse_ipv6_address(std::string(100, '1')).has_value());
}

TEST(Address, PrintsCanonicalText) {
  EXPECT_EQ(to_string(kDocumentation1), "2001:db8::1");
  EXPECT_EQ(to_string(Ipv6Address{}), "::");
  EXPECT_EQ(to_string(*parse_ipv6_address("fe80:0:0:0:200:5eff:fe00:5213")),
            "fe80::200:5eff:fe00:5213");
}

TEST(Prefix, ParsesAndPrints) {
  const auto prefix = parse_ipv6_prefix("2001:db8:1::/48");
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->length, 48);
  EXPECT_EQ(prefix->address[5], 1);
  EXPECT_EQ(to_string(*prefix), "2001:db8:1::/48");
  EXPECT_EQ(parse_ipv6_prefix("::/0"), Prefix{});
  EXPECT_EQ(parse_ipv6_prefix("2001:db8::1/128"), (Prefix{kDocumentation1, 128}));
  // Host bits are kept as written.
  EXPECT_EQ(to_string(*parse_ipv6_prefix("2001:db8::1/64")), "2001:db8::1/64");
}

TEST(Prefix, RejectsMalformedText) {
  for (const char* bad : {"2001:db8::", "2001:db8::/", "2001:db8::/129", "2001:db8::/-1",
                          "2001:db8::/64x", "2001:db8::/0064", "/64", "2001:db8::/6 4"}) {
    EXPECT_FALSE(parse_ipv6_prefix(bad).has_value()) << bad;
  }
}

TEST(Prefix, MaskingClearsHostBits) {
  EXPECT_EQ(to_string(masked(*parse_ipv6_prefix("2001:db8:abcd:1234:5678::1/64"))),
            "2001:db8:abcd:1234::/64");
  EXPECT_EQ(to_string(masked(*parse_ipv6_prefix("2001:db8:ffff::/35"))), "2001:db8:e000::/35");
  EXPECT_EQ(to_string(masked(*parse_ipv6_prefix("2001:db8::1/0"))), "::/0");
  EXPECT_EQ(masked(Prefix{kDocumentation1, 200}).address, kDocumentation1);
}

TEST(Prefix, ContainsAddresses) {
  const Prefix p = *parse_ipv6_prefix("2001:db8:e000::/35");
  EXPECT_TRUE(prefix_contains(p, *parse_ipv6_address("2001:db8:ffff::1")));
  EXPECT_TRUE(prefix_contains(p, *parse_ipv6_address("2001:db8:e000::")));
  EXPECT_FALSE(prefix_contains(p, *parse_ipv6_address("2001:db8:dfff:ffff::1")));
  EXPECT_TRUE(prefix_contains(Prefix{}, kDocumentation1));  // ::/0 holds everything
}

TEST(Prefix, ContainsPrefixes) {
  const Prefix outer = *parse_ipv6_prefix("2001:db8::/32");
  EXPECT_TRUE(prefix_contains(outer, *parse_ipv6_prefix("2001:db8:5::/64")));
  EXPECT_TRUE(prefix_contains(outer, outer));
  EXPECT_FALSE(prefix_contains(outer, *parse_ipv6_prefix("2001:db8::/31")));
  EXPECT_FALSE(prefix_contains(outer, *parse_ipv6_prefix("2001:db9::/48")));
}

TEST(Address, Classification) {
  EXPECT_TRUE(is_unspecified(Ipv6Address{}));
  EXPECT_FALSE(is_unspecified(kDocumentation1));
  EXPECT_TRUE(is_link_local(*parse_ipv6_address("fe80::1")));
  EXPECT_TRUE(is_link_local(*parse_ipv6_address("febf::1")));
  EXPECT_FALSE(is_link_local(*parse_ipv6_address("fec0::1")));
  EXPECT_FALSE(is_link_local(kDocumentation1));
}

}  // namespace
}  // namespace xpmip
