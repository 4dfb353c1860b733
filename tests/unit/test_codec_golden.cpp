// Golden bytes for the PBU and PBA, written out by hand from the layouts of RFC 6275 §6.1.1,
// §6.1.7, §6.1.8 and RFC 5213 §8 (offsets in the comments are from the first MH octet). The
// encoder must produce exactly these octets and the parser must read them back.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "xpmip/codec.hpp"

namespace xpmip {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr Ipv6Address kHnp1{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2};  // 2001:db8:1:2::
constexpr Ipv6Address kHnp2{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 3};  // 2001:db8:1:3::
constexpr Ipv6Address kLinkLocal{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
constexpr Ipv6Address kAltCoa{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9};
constexpr std::uint64_t kTimestamp = 0x0000'6553'f100'8000;  // 1700000000.5 s after 1970

ProxyBindingUpdate golden_pbu() {
  ProxyBindingUpdate pbu;
  pbu.sequence = 0x1234;
  pbu.flags = bu_flag::kAck | bu_flag::kProxy;
  pbu.lifetime = 150;
  pbu.options.home_network_prefixes = {Prefix{kHnp1, 64}};
  pbu.options.link_local_address = kLinkLocal;
  pbu.options.timestamp = kTimestamp;
  pbu.options.handoff_indicator = HandoffIndicator::kNewInterface;
  pbu.options.access_tech = AccessTechnology::kIeee80211;
  pbu.options.mn_link_layer_id = Bytes{0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
  pbu.options.mn_id = MobileNodeId{MobileNodeId::kSubtypeNai, "mn1@example.com"};
  return pbu;
}

const Bytes kGoldenPbu = {
    // 0: Payload Proto 59, Header Len 12 ((12+1)*8 = 104 octets), MH Type 5 (BU), Reserved
    59, 12, 5, 0,
    // 4: Checksum (left 0 for the kernel)
    0x00, 0x00,
    // 6: Sequence # 0x1234
    0x12, 0x34,
    // 8: flags A (0x8000) | P (0x0200)
    0x82, 0x00,
    // 10: Lifetime 150 (x 4 s = 600 s)
    0x00, 0x96,
    // 12 (8n+4): Home Network Prefix, Length 18, Reserved, Prefix Length 64, 2001:db8:1:2::
    22, 18, 0, 64, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0,
    // 32: PadN of 6 octets (Length 4) so the next option sits at 38 = 8*4+6
    1, 4, 0, 0, 0, 0,
    // 38 (8n+6): Link-local Address, Length 16, fe80::1
    26, 16, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    // 56: PadN of 2 octets (Length 0) so the next option sits at 58 = 8*7+2
    1, 0,
    // 58 (8n+2): Timestamp, Length 8, 48-bit seconds 1700000000, 16-bit fraction 0x8000
    27, 8, 0x00, 0x00, 0x65, 0x53, 0xf1, 0x00, 0x80, 0x00,
    // 68: Handoff Indicator, Length 2, Reserved, HI 1 (new interface)
    23, 2, 0, 1,
    // 72: Access Technology Type, Length 2, Reserved, ATT 4 (IEEE 802.11a/b/g)
    24, 2, 0, 4,
    // 76 (8n+4): MN Link-layer Identifier, Length 8, Reserved(2), 02:00:00:00:00:01
    25, 8, 0, 0, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
    // 86: Mobile Node Identifier, Length 16, Subtype 1 (NAI), "mn1@example.com"
    8, 16, 1, 'm', 'n', '1', '@', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm',
    // 104: end, a multiple of 8
};

ProxyBindingAck golden_pba() {
  ProxyBindingAck pba;
  pba.status = PbaStatus::kAccepted;
  pba.flags = ba_flag::kProxy;
  pba.sequence = 0x1234;
  pba.lifetime = 150;
  pba.options.home_network_prefixes = {Prefix{kHnp1, 64}, Prefix{kHnp2, 56}};
  pba.options.timestamp = kTimestamp;
  pba.options.handoff_indicator = HandoffIndicator::kNewInterface;
  pba.options.access_tech = AccessTechnology::kIeee80211;
  pba.options.mn_id = MobileNodeId{MobileNodeId::kSubtypeNai, "mn1@example.com"};
  return pba;
}

const Bytes kGoldenPba = {
    // 0: Payload Proto 59, Header Len 11 (96 octets), MH Type 6 (BA), Reserved
    59,
    11,
    6,
    0,
    // 4: Checksum
    0x00,
    0x00,
    // 6: Status 0 (accepted), flags P (0x20)
    0,
    0x20,
    // 8: Sequence # 0x1234
    0x12,
    0x34,
    // 10: Lifetime 150
    0x00,
    0x96,
    // 12 (8n+4): Home Network Prefix 2001:db8:1:2::/64
    22,
    18,
    0,
    64,
    0x20,
    0x01,
    0x0d,
    0xb8,
    0x00,
    0x01,
    0x00,
    0x02,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    // 32: PadN of 4 octets (Length 2) so the second prefix also sits on 8n+4
    1,
    2,
    0,
    0,
    // 36 (8n+4): Home Network Prefix 2001:db8:1:3::/56
    22,
    18,
    0,
    56,
    0x20,
    0x01,
    0x0d,
    0xb8,
    0x00,
    0x01,
    0x00,
    0x03,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    // 56: PadN of 2 octets
    1,
    0,
    // 58 (8n+2): Timestamp
    27,
    8,
    0x00,
    0x00,
    0x65,
    0x53,
    0xf1,
    0x00,
    0x80,
    0x00,
    // 68: Handoff Indicator 1
    23,
    2,
    0,
    1,
    // 72: Access Technology Type 4
    24,
    2,
    0,
    4,
    // 76: Mobile Node Identifier, NAI "mn1@example.com"
    8,
    16,
    1,
    'm',
    'n',
    '1',
    '@',
    'e',
    'x',
    'a',
    'm',
    'p',
    'l',
    'e',
    '.',
    'c',
    'o',
    'm',
    // 94: PadN of 2 octets ends the MH on a multiple of 8
    1,
    0,
};

ProxyBindingUpdate authenticated_pbu() {
  ProxyBindingUpdate pbu;
  pbu.sequence = 1;
  pbu.lifetime = 0;
  pbu.options.mn_id = MobileNodeId{MobileNodeId::kSubtypeNai, "mn1@example.com"};
  pbu.options.authentication =
      AuthenticationOption{AuthenticationOption::kSubtypeMnHa, 0x100, Bytes(12, 0xaa)};
  return pbu;
}

const Bytes kGoldenAuthenticatedPbu = {
    // 0: Payload Proto 59, Header Len 6 (56 octets), MH Type 5, Reserved, Checksum
    59,
    6,
    5,
    0,
    0,
    0,
    // 6: Sequence # 1, flags A|P, Lifetime 0 (de-registration)
    0x00,
    0x01,
    0x82,
    0x00,
    0x00,
    0x00,
    // 12: Mobile Node Identifier, NAI "mn1@example.com" (no alignment requirement)
    8,
    16,
    1,
    'm',
    'n',
    '1',
    '@',
    'e',
    'x',
    'a',
    'm',
    'p',
    'l',
    'e',
    '.',
    'c',
    'o',
    'm',
    // 30: PadN of 7 octets: 37 = 4*9+1 satisfies 4n+1 and 37 + 19 = 56 ends the MH exactly
    1,
    5,
    0,
    0,
    0,
    0,
    0,
    // 37 (4n+1): Mobility Message Authentication, Length 17, Subtype 1 (MN-HA), SPI 256
    9,
    17,
    1,
    0x00,
    0x00,
    0x01,
    0x00,
    // 44: Authentication Data (12 octets)
    0xaa,
    0xaa,
    0xaa,
    0xaa,
    0xaa,
    0xaa,
    0xaa,
    0xaa,
    0xaa,
    0xaa,
    0xaa,
    0xaa,
};

ProxyBindingUpdate restart_counter_pbu() {
  ProxyBindingUpdate pbu;
  pbu.sequence = 7;
  pbu.lifetime = 0xffff;
  pbu.options.alternate_care_of = kAltCoa;
  pbu.options.restart_counter = 0xdeadbeef;
  return pbu;
}

const Bytes kGoldenRestartCounterPbu = {
    // 0: Payload Proto 59, Header Len 4 (40 octets), MH Type 5, Reserved, Checksum
    59,
    4,
    5,
    0,
    0,
    0,
    // 6: Sequence # 7, flags A|P, Lifetime 65535 (the maximum, 262140 s)
    0x00,
    0x07,
    0x82,
    0x00,
    0xff,
    0xff,
    // 12: PadN of 2 octets
    1,
    0,
    // 14 (8n+6): Alternate Care-of Address, Length 16, 2001:db8::9
    3,
    16,
    0x20,
    0x01,
    0x0d,
    0xb8,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    9,
    // 32: PadN of 2 octets
    1,
    0,
    // 34 (4n+2): Restart Counter, Length 4, 0xdeadbeef
    28,
    4,
    0xde,
    0xad,
    0xbe,
    0xef,
};

template <typename Message>
Bytes encode_without_checksum(const Message& message) {
  auto encoded = encode_mobility_header(message, std::nullopt);
  EXPECT_TRUE(encoded.has_value()) << encoded.error().detail;
  return encoded ? encoded->bytes : Bytes{};
}

template <typename Message>
Message parse_as(const Bytes& bytes) {
  auto parsed = parse_mobility_header(bytes, std::nullopt);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().detail;
  if (!parsed) return {};
  EXPECT_TRUE(std::holds_alternative<Message>(parsed->message));
  return std::holds_alternative<Message>(parsed->message) ? std::get<Message>(parsed->message)
                                                          : Message{};
}

TEST(CodecGolden, EncodesPbuFieldByField) {
  EXPECT_EQ(encode_without_checksum(golden_pbu()), kGoldenPbu);
}

TEST(CodecGolden, ParsesHandWrittenPbu) {
  EXPECT_EQ(parse_as<ProxyBindingUpdate>(kGoldenPbu), golden_pbu());
}

TEST(CodecGolden, EncodesPbaWithTwoPrefixes) {
  EXPECT_EQ(encode_without_checksum(golden_pba()), kGoldenPba);
}

TEST(CodecGolden, ParsesHandWrittenPba) {
  EXPECT_EQ(parse_as<ProxyBindingAck>(kGoldenPba), golden_pba());
}

TEST(CodecGolden, EncodesAuthenticationOptionLastAndReportsItsAuthenticator) {
  auto encoded = encode_mobility_header(authenticated_pbu(), std::nullopt);
  ASSERT_TRUE(encoded.has_value());
  EXPECT_EQ(encoded->bytes, kGoldenAuthenticatedPbu);
  ASSERT_TRUE(encoded->authenticator.has_value());
  EXPECT_EQ(*encoded->authenticator, (AuthenticatorField{44, 12}));
}

TEST(CodecGolden, ParseReportsTheAuthenticatedRange) {
  auto parsed = parse_mobility_header(kGoldenAuthenticatedPbu, std::nullopt);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().detail;
  EXPECT_EQ(std::get<ProxyBindingUpdate>(parsed->message), authenticated_pbu());
  ASSERT_TRUE(parsed->authenticator.has_value());
  EXPECT_EQ(*parsed->authenticator, (AuthenticatorField{44, 12}));
}

TEST(CodecGolden, EncodesAlternateCareOfAndRestartCounter) {
  EXPECT_EQ(encode_without_checksum(restart_counter_pbu()), kGoldenRestartCounterPbu);
  EXPECT_EQ(parse_as<ProxyBindingUpdate>(kGoldenRestartCounterPbu), restart_counter_pbu());
}

// Known answer, summed by hand as 16-bit words (RFC 1071):
//   pseudo-header  2001:db8::1 -> 0x2001+0x0db8+0x0001 = 0x2dba
//                  2001:db8::2 -> 0x2dbb, length 16 -> 0x0010, Next Header 135 -> 0x0087
//   MH             0x3b01 0x0500 [checksum] 0x0001 0x8200 0x0000 0x0102 0x0000
//   total 0x11f10, folded 0x1f11, complemented 0xe0ee.
const Bytes kChecksumSample = {59, 1, 5, 0, 0, 0, 0x00, 0x01, 0x82, 0x00, 0, 0, 1, 2, 0, 0};
const PseudoHeaderAddresses kChecksumAddresses{
    {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
    {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}};

TEST(CodecChecksum, KnownAnswer) {
  EXPECT_EQ(compute_mh_checksum(kChecksumSample, kChecksumAddresses), 0xe0ee);
}

TEST(CodecChecksum, EncoderWritesTheKnownAnswer) {
  ProxyBindingUpdate pbu;
  pbu.sequence = 1;
  pbu.lifetime = 0;
  auto encoded = encode_mobility_header(pbu, kChecksumAddresses);
  ASSERT_TRUE(encoded.has_value());
  Bytes expected = kChecksumSample;
  expected[4] = 0xe0;
  expected[5] = 0xee;
  EXPECT_EQ(encoded->bytes, expected);
  EXPECT_TRUE(mh_checksum_is_valid(encoded->bytes, kChecksumAddresses));
}

TEST(CodecChecksum, ComputationIgnoresWhateverTheFieldHolds) {
  Bytes filled = kChecksumSample;
  filled[4] = 0x12;
  filled[5] = 0x34;
  EXPECT_EQ(compute_mh_checksum(filled, kChecksumAddresses), 0xe0ee);
  EXPECT_FALSE(mh_checksum_is_valid(filled, kChecksumAddresses));
}

TEST(CodecChecksum, SwappedAddressesStillSumTheSameButOtherAddressesDoNot) {
  // One's-complement addition is commutative, so only a change of content is detected.
  Bytes sample = kChecksumSample;
  write_mh_checksum(sample, kChecksumAddresses);
  EXPECT_TRUE(
      mh_checksum_is_valid(sample, {kChecksumAddresses.destination, kChecksumAddresses.source}));
  PseudoHeaderAddresses other = kChecksumAddresses;
  other.destination[15] = 3;
  EXPECT_FALSE(mh_checksum_is_valid(sample, other));
}

TEST(CodecAuthentication, AuthenticatedDataRunsThroughTheSpiWithChecksumZeroed) {
  auto encoded = encode_mobility_header(authenticated_pbu(), kChecksumAddresses);
  ASSERT_TRUE(encoded.has_value());
  ASSERT_NE(encoded->bytes[4] | encoded->bytes[5], 0);
  const Bytes data = authenticated_mh_data(encoded->bytes, *encoded->authenticator);
  Bytes expected(kGoldenAuthenticatedPbu.begin(), kGoldenAuthenticatedPbu.begin() + 44);
  EXPECT_EQ(data, expected);  // octets 0..43: header through SPI 0x00000100, checksum 0
}

}  // namespace
}  // namespace xpmip
