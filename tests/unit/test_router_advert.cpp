// Golden-byte tests of the RFC 4861 RS/RA codec used on MAG access links.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "xpmip/router_advert.hpp"

namespace xpmip::nd {
namespace {

using Bytes = std::vector<std::uint8_t>;

Prefix prefix_2001_db8_1_64() {
  return Prefix{.address = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01}, .length = 64};
}

Prefix prefix_2001_db8_2_64() {
  return Prefix{.address = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02}, .length = 64};
}

RouterAdvertisement mag_advertisement() {
  RouterAdvertisement ra;
  ra.cur_hop_limit = 64;
  ra.managed = false;
  ra.other = true;
  ra.router_lifetime_s = 1800;
  ra.reachable_time_ms = 30000;
  ra.retrans_timer_ms = 1000;
  ra.source_link_layer = kFixedMagMac;
  ra.mtu = 1460;
  ra.prefixes.push_back(PrefixInformation{
      .prefix = prefix_2001_db8_1_64(), .valid_lifetime_s = 86400, .preferred_lifetime_s = 14400});
  ra.prefixes.push_back(withdrawal_of(prefix_2001_db8_2_64()));
  return ra;
}

// Hand-assembled from RFC 4861 §4.2, §4.6.1, §4.6.2 and §4.6.4.
// clang-format off
const Bytes kGoldenAdvertisement = {
    // RA header: type 134, code 0, checksum 0, cur hop limit 64, M=0 O=1, lifetime 1800,
    // reachable 30000 ms, retrans 1000 ms
    0x86, 0x00, 0x00, 0x00, 0x40, 0x40, 0x07, 0x08,
    0x00, 0x00, 0x75, 0x30, 0x00, 0x00, 0x03, 0xe8,
    // Source Link-Layer Address 00:00:5e:00:52:13
    0x01, 0x01, 0x00, 0x00, 0x5e, 0x00, 0x52, 0x13,
    // MTU 1460
    0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05, 0xb4,
    // PIO 2001:db8:1::/64, L=1 A=1, valid 86400, preferred 14400
    0x03, 0x04, 0x40, 0xc0, 0x00, 0x01, 0x51, 0x80,
    0x00, 0x00, 0x38, 0x40, 0x00, 0x00, 0x00, 0x00,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    // PIO 2001:db8:2::/64 withdrawn: L=1 A=1, both lifetimes 0
    0x03, 0x04, 0x40, 0xc0, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
// clang-format on

TEST(RouterAdvertEncode, MatchesGoldenBytes) {
  auto encoded = encode_router_advertisement(mag_advertisement());
  ASSERT_TRUE(encoded.has_value()) << to_string(encoded.error());
  EXPECT_EQ(*encoded, kGoldenAdvertisement);
}

TEST(RouterAdvertEncode, MinimalAdvertisementIsSixteenOctets) {
  RouterAdvertisement ra;
  ra.managed = true;
  ra.router_lifetime_s = 0;  // "not a default router"
  auto encoded = encode_router_advertisement(ra);
  ASSERT_TRUE(encoded.has_value());
  EXPECT_EQ(*encoded, (Bytes{0x86, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(RouterAdvertEncode, RejectsValuesHostsWouldDiscard) {
  RouterAdvertisement ra = mag_advertisement();
  ra.router_lifetime_s = 9001;
  EXPECT_EQ(encode_router_advertisement(ra).error(), NdError::kRouterLifetimeTooLong);

  ra = mag_advertisement();
  ra.mtu = 1279;
  EXPECT_EQ(encode_router_advertisement(ra).error(), NdError::kMtuTooSmall);

  ra = mag_advertisement();
  ra.prefixes[0].preferred_lifetime_s = ra.prefixes[0].valid_lifetime_s + 1;
  EXPECT_EQ(encode_router_advertisement(ra).error(), NdError::kPreferredExceedsValid);

  ra = mag_advertisement();
  ra.prefixes[1].prefix.length = 129;
  EXPECT_EQ(encode_router_advertisement(ra).error(), NdError::kBadPrefixLength);
}

TEST(RouterAdvertEncode, AcceptsLimitValues) {
  RouterAdvertisement ra;
  ra.router_lifetime_s = kMaxRouterLifetimeSeconds;
  ra.mtu = kMinimumIpv6Mtu;
  ra.prefixes.push_back(PrefixInformation{.prefix = prefix_2001_db8_1_64(),
                                          .valid_lifetime_s = kInfiniteLifetime,
                                          .preferred_lifetime_s = kInfiniteLifetime});
  auto encoded = encode_router_advertisement(ra);
  ASSERT_TRUE(encoded.has_value());
  auto decoded = parse_router_advertisement(*encoded);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, ra);
}

TEST(RouterAdvertParse, GoldenBytesDecodeToTheValue) {
  auto decoded = parse_router_advertisement(kGoldenAdvertisement);
  ASSERT_TRUE(decoded.has_value()) << to_string(decoded.error());
  EXPECT_EQ(*decoded, mag_advertisement());
}

TEST(RouterAdvertParse, SkipsUnknownOptions) {
  Bytes with_rdnss = kGoldenAdvertisement;
  // RFC 8106 RDNSS (type 25), 24 octets: one server; a MAG-side parser need not know it.
  const Bytes rdnss = {25, 3, 0, 0, 0, 0, 0x0e, 0x10, 0x20, 0x01, 0x0d, 0xb8,
                       0,  0, 0, 0, 0, 0, 0,    0,    0,    0,    0,    0x53};
  with_rdnss.insert(with_rdnss.begin() + 16, rdnss.begin(), rdnss.end());
  auto decoded = parse_router_advertisement(with_rdnss);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, mag_advertisement());
}

TEST(RouterAdvertParse, RejectsMalformedMessages) {
  const std::span<const std::uint8_t> golden{kGoldenAdvertisement};
  EXPECT_EQ(parse_router_advertisement(golden.first(15)).error(), NdError::kTruncated);

  Bytes wrong_code = kGoldenAdvertisement;
  wrong_code[1] = 1;
  EXPECT_EQ(parse_router_advertisement(wrong_code).error(), NdError::kBadCode);

  Bytes zero_length = kGoldenAdvertisement;
  zero_length[17] = 0;  // SLLA Length
  EXPECT_EQ(parse_router_advertisement(zero_length).error(), NdError::kZeroLengthOption);

  // The last PIO claims 40 octets, 8 more than remain.
  Bytes overrun = kGoldenAdvertisement;
  overrun[65] = 5;
  EXPECT_EQ(parse_router_advertisement(overrun).error(), NdError::kOptionOverrun);

  // A lone octet after the last option cannot hold Type and Length.
  Bytes dangling = kGoldenAdvertisement;
  dangling.push_back(1);
  EXPECT_EQ(parse_router_advertisement(dangling).error(), NdError::kOptionOverrun);

  Bytes long_mtu = kGoldenAdvertisement;
  long_mtu[25] = 2;  // MTU option claims 16 octets: swallows the PIO's first 8, still in bounds
  EXPECT_EQ(parse_router_advertisement(long_mtu).error(), NdError::kBadOptionLength);

  Bytes long_prefix = kGoldenAdvertisement;
  long_prefix[34] = 129;
  EXPECT_EQ(parse_router_advertisement(long_prefix).error(), NdError::kBadPrefixLength);

  EXPECT_EQ(
      parse_router_advertisement(Bytes{133, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).error(),
      NdError::kWrongType);
}

// An RS as Linux sends it: reserved word, then its SLLA option (RFC 4861 §4.1).
// clang-format off
const Bytes kGoldenSolicitation = {0x85, 0x00, 0x12, 0x34, 0x00, 0x00, 0x00, 0x00,
                                   0x01, 0x01, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
// clang-format on

TEST(RouterSolicitationParse, ReadsSourceLinkLayerAddress) {
  auto rs = parse_router_solicitation(kGoldenSolicitation);
  ASSERT_TRUE(rs.has_value()) << to_string(rs.error());
  EXPECT_EQ(rs->source_link_layer, (MacAddress{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}));
}

TEST(RouterSolicitationParse, WithoutOptionsHasNoLinkLayerAddress) {
  auto rs = parse_router_solicitation(std::span{kGoldenSolicitation}.first(8));
  ASSERT_TRUE(rs.has_value());
  EXPECT_FALSE(rs->source_link_layer.has_value());
}

TEST(RouterSolicitationParse, SkipsUnknownOptionsAndRejectsMalformedOnes) {
  Bytes with_nonce = kGoldenSolicitation;
  const Bytes nonce = {14, 1, 1, 2, 3, 4, 5, 6};  // RFC 3971 Nonce, unknown to us
  with_nonce.insert(with_nonce.begin() + 8, nonce.begin(), nonce.end());
  auto rs = parse_router_solicitation(with_nonce);
  ASSERT_TRUE(rs.has_value());
  EXPECT_EQ(rs->source_link_layer, (MacAddress{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}));

  EXPECT_EQ(parse_router_solicitation(std::span{kGoldenSolicitation}.first(7)).error(),
            NdError::kTruncated);
  Bytes bad_code = kGoldenSolicitation;
  bad_code[1] = 3;
  EXPECT_EQ(parse_router_solicitation(bad_code).error(), NdError::kBadCode);
  Bytes zero_length = kGoldenSolicitation;
  zero_length[9] = 0;
  EXPECT_EQ(parse_router_solicitation(zero_length).error(), NdError::kZeroLengthOption);
  Bytes long_slla = kGoldenSolicitation;
  long_slla[9] = 2;
  EXPECT_EQ(parse_router_solicitation(long_slla).error(), NdError::kOptionOverrun);
  long_slla.insert(long_slla.end(), 8, 0);
  EXPECT_EQ(parse_router_solicitation(long_slla).error(), NdError::kBadOptionLength);
  EXPECT_EQ(parse_router_solicitation(kGoldenAdvertisement).error(), NdError::kWrongType);
}

TEST(RouterSolicitationContext, RequiresHopLimit255) {
  const RouterSolicitation rs{.source_link_layer = MacAddress{2, 0, 0, 0, 0, 1}};
  const Ipv6Address link_local{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_TRUE(check_router_solicitation_context(rs, link_local, 255).has_value());
  EXPECT_EQ(check_router_solicitation_context(rs, link_local, 254).error(),
            NdError::kHopLimitNot255);
  EXPECT_EQ(check_router_solicitation_context(rs, link_local, 64).error(),
            NdError::kHopLimitNot255);
}

TEST(RouterSolicitationContext, UnspecifiedSourceMustNotCarryLinkLayerAddress) {
  const Ipv6Address unspecified{};
  EXPECT_EQ(
      check_router_solicitation_context(
          RouterSolicitation{.source_link_layer = MacAddress{2, 0, 0, 0, 0, 1}}, unspecified, 255)
          .error(),
      NdError::kLinkLayerAddressFromUnspecified);
  EXPECT_TRUE(
      check_router_solicitation_context(RouterSolicitation{}, unspecified, 255).has_value());
}

TEST(RouterAdvertDestination, UnicastToTheSolicitorUnlessItHadNoAddress) {
  const Ipv6Address solicitor{0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                              0,    0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55};
  EXPECT_EQ(advertisement_destination(solicitor), solicitor);
  EXPECT_EQ(advertisement_destination(Ipv6Address{}), kAllNodes);
  EXPECT_EQ(kAllNodes, (Ipv6Address{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
}

TEST(RouterAdvertConstants, FixedMagAddressesAreTheRfc6543Values) {
  // RFC 6543 §2: the link-local address is the modified EUI-64 of the reserved MAC.
  EXPECT_EQ(kFixedMagMac, (MacAddress{0x00, 0x00, 0x5e, 0x00, 0x52, 0x13}));
  const Ipv6Address expected{0xfe,
                             0x80,
                             0,
                             0,
                             0,
                             0,
                             0,
                             0,
                             kFixedMagMac[0] ^ 0x02,
                             kFixedMagMac[1],
                             kFixedMagMac[2],
                             0xff,
                             0xfe,
                             kFixedMagMac[3],
                             kFixedMagMac[4],
                             kFixedMagMac[5]};
  EXPECT_EQ(kFixedMagLinkLocal, expected);
}

TEST(RouterAdvertErrors, EveryErrorHasAName) {
  EXPECT_EQ(to_string(NdError::kHopLimitNot255), "hop_limit_not_255");
  EXPECT_EQ(to_string(NdError::kOptionOverrun), "option_overrun");
  EXPECT_EQ(to_string(NdError::kLinkLayerAddressFromUnspecified),
            "link_layer_address_from_unspecified");
}

}  // namespace
}  // namespace xpmip::nd
