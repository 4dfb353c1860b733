// Every way a Mobility Header can be malformed gives its own typed error with the offset of the
// offending octet; what RFC 6275 §6.2.1 / §9.2 tell a receiver to tolerate is tolerated.
#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "xpmip/codec.hpp"

namespace xpmip {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A BU (Sequence 1, flags A|P, Lifetime 0) whose options region holds `options`, followed by
// zero octets (Pad1s) up to a multiple of 8, with Header Len to match.
Bytes bu_with_options(const Bytes& options, std::uint8_t mh_type = 5) {
  Bytes mh = {59, 0, mh_type, 0, 0, 0, 0x00, 0x01, 0x82, 0x00, 0x00, 0x00};
  mh.insert(mh.end(), options.begin(), options.end());
  while (mh.size() % 8 != 0) mh.push_back(0);
  mh[1] = static_cast<std::uint8_t>(mh.size() / 8 - 1);
  return mh;
}

const Bytes kMinimalBu = bu_with_options({1, 2, 0, 0});  // 16 octets, PadN fills the options

ParseError parse_error(const Bytes& bytes,
                       const std::optional<PseudoHeaderAddresses>& addresses = std::nullopt) {
  auto parsed = parse_mobility_header(bytes, addresses);
  EXPECT_FALSE(parsed.has_value());
  return parsed ? ParseError{} : parsed.error();
}

template <typename Message>
std::optional<EncodeErrorKind> encode_error(const Message& message) {
  auto encoded = encode_mobility_header(message, std::nullopt);
  if (encoded) return std::nullopt;
  return encoded.error().kind;
}

ProxyBindingUpdate parsed_bu(const Bytes& bytes) {
  auto parsed = parse_mobility_header(bytes, std::nullopt);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().detail;
  if (!parsed || !std::holds_alternative<ProxyBindingUpdate>(parsed->message)) return {};
  return std::get<ProxyBindingUpdate>(parsed->message);
}

void expect_error(const Bytes& bytes, ParseErrorKind kind, std::size_t offset) {
  const ParseError error = parse_error(bytes);
  EXPECT_EQ(error.kind, kind) << to_string(error.kind) << ": " << error.detail;
  EXPECT_EQ(error.offset, offset) << error.detail;
  EXPECT_FALSE(error.detail.empty());
}

TEST(CodecErrors, ShorterThanEightOctetsIsTruncated) {
  expect_error(Bytes(kMinimalBu.begin(), kMinimalBu.begin() + 7), ParseErrorKind::kTruncated, 7);
  expect_error(Bytes{}, ParseErrorKind::kTruncated, 0);
}

TEST(CodecErrors, PayloadProtoOtherThan59) {
  Bytes mh = kMinimalBu;
  mh[0] = 6;
  expect_error(mh, ParseErrorKind::kBadPayloadProto, 0);
}

TEST(CodecErrors, HeaderLenBelowTheTypeMinimum) {
  // A BU needs Header Len >= 1; 0 would leave no room for its 12-octet fixed part.
  expect_error(Bytes{59, 0, 5, 0, 0, 0, 0, 1}, ParseErrorKind::kHeaderLengthBelowMinimum, 1);
  // A Binding Error needs 2 (RFC 6275 §6.1.9: 24 octets with the Home Address).
  expect_error(bu_with_options({1, 2, 0, 0}, 7), ParseErrorKind::kHeaderLengthBelowMinimum, 1);
}

TEST(CodecErrors, HeaderLenBeyondTheBuffer) {
  Bytes mh = kMinimalBu;
  mh[1] = 2;  // claims 24 octets, 16 present
  const ParseError error = parse_error(mh);
  EXPECT_EQ(error.kind, ParseErrorKind::kHeaderLengthBeyondBuffer);
  EXPECT_EQ(error.offset, 1u);
  EXPECT_EQ(error.detail, "Header Len 2 means 24 octets, only 16 present");
}

TEST(CodecErrors, BadChecksumIsCheckedOnlyWhenAsked) {
  const PseudoHeaderAddresses addresses{
      {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
      {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}};
  Bytes mh = kMinimalBu;
  write_mh_checksum(mh, addresses);
  EXPECT_TRUE(parse_mobility_header(mh, addresses).has_value());
  mh[14] ^= 0x40;  // corrupt a PadN data octet: structure intact, checksum no longer matches
  const ParseError error = parse_error(mh, addresses);
  EXPECT_EQ(error.kind, ParseErrorKind::kBadChecksum);
  EXPECT_EQ(error.offset, 4u);
  EXPECT_TRUE(parse_mobility_header(mh, std::nullopt).has_value());
}

TEST(CodecErrors, ChecksumIsCheckedBeforeTheFieldsItProtects) {
  // RFC 6275 §9.2: a corrupted message is silently discarded, never reported as a bad field.
  const PseudoHeaderAddresses addresses{};
  Bytes mh = kMinimalBu;
  write_mh_checksum(mh, addresses);
  mh[0] = 6;
  EXPECT_EQ(parse_error(mh, addresses).kind, ParseErrorKind::kBadChecksum);
}

TEST(CodecErrors, AllOnesChecksumEqualsAllZeros) {
  // With unspecified addresses the pseudo-header adds 0x0010 (length) + 0x0087 (Next Header);
  // the MH words 0x3b01 0x0500 0x0102 bring it to 0x419a, so Sequence # 0xbe65 makes the sum
  // 0xffff and the checksum 0x0000. A sender may write that as 0xffff (one's-complement negative
  // zero); the kernel's IPV6_CHECKSUM accepts both, so the codec does too.
  Bytes mh = {59, 1, 5, 0, 0, 0, 0xbe, 0x65, 0, 0, 0, 0, 1, 2, 0, 0};
  const PseudoHeaderAddresses zero{};
  ASSERT_EQ(compute_mh_checksum(mh, zero), 0x0000);
  EXPECT_TRUE(mh_checksum_is_valid(mh, zero));
  mh[4] = 0xff;
  mh[5] = 0xff;
  EXPECT_TRUE(mh_checksum_is_valid(mh, zero));
  EXPECT_TRUE(parse_mobility_header(mh, zero).has_value());
}

TEST(CodecErrors, OptionDataRunsPastTheEnd) {
  // HNP at 12 declares 18 octets of data; only 2 remain before the 16-octet end.
  expect_error(bu_with_options({22, 18, 0, 64}), ParseErrorKind::kOptionOverrun, 12);
}

TEST(CodecErrors, OptionWithoutRoomForItsLengthOctet) {
  // PadN(2) at 12, Pad1 at 14, then a Handoff Indicator type octet as the very last octet.
  expect_error(bu_with_options({1, 0, 0, 23}), ParseErrorKind::kOptionOverrun, 15);
}

struct WrongLength {
  const char* name;
  Bytes option;  // as placed at offset 12
};

void PrintTo(const WrongLength& wrong, std::ostream* out) {
  *out << wrong.name;
}

class CodecWrongOptionLength : public ::testing::TestWithParam<WrongLength> {};

TEST_P(CodecWrongOptionLength, IsRejectedAtTheOptionTypeOctet) {
  Bytes options = GetParam().option;
  options.resize(options.size() + 24, 0);  // room for whatever length the option claims
  expect_error(bu_with_options(options), ParseErrorKind::kBadOptionLength, 12);
}

INSTANTIATE_TEST_SUITE_P(EveryOption, CodecWrongOptionLength,
                         ::testing::Values(WrongLength{"HomeNetworkPrefix17", {22, 17}},
                                           WrongLength{"HomeNetworkPrefix19", {22, 19}},
                                           WrongLength{"HandoffIndicator1", {23, 1}},
                                           WrongLength{"AccessTechnologyType3", {24, 3}},
                                           WrongLength{"LinkLocalAddress15", {26, 15}},
                                           WrongLength{"Timestamp7", {27, 7}},
                                           WrongLength{"Timestamp9", {27, 9}},
                                           WrongLength{"RestartCounter5", {28, 5}},
                                           WrongLength{"AlternateCareOf17", {3, 17}},
                                           WrongLength{"MobileNodeIdEmpty", {8, 0}},
                                           WrongLength{"LinkLayerIdBelowReserved", {25, 1}},
                                           WrongLength{"AuthenticationBelowSpi", {9, 4}}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CodecErrors, PrefixLengthAbove128) {
  Bytes options = {22, 18, 0, 129};
  options.resize(20, 0);
  const ParseError error = parse_error(bu_with_options(options));
  EXPECT_EQ(error.kind, ParseErrorKind::kBadPrefixLength);
  EXPECT_EQ(error.offset, 15u);  // the Prefix Length octet
}

TEST(CodecErrors, RepeatedSingleInstanceOption) {
  // Two Handoff Indicators, at 12 and 16 (RFC 5213 §8.1: only one instance).
  const ParseError error = parse_error(bu_with_options({23, 2, 0, 1, 23, 2, 0, 5}));
  EXPECT_EQ(error.kind, ParseErrorKind::kDuplicateOption);
  EXPECT_EQ(error.offset, 16u);
  EXPECT_EQ(error.detail, "Handoff Indicator option appears more than once");
}

TEST(CodecErrors, RepeatedHomeNetworkPrefixIsAllowed) {
  Bytes options;
  for (std::uint8_t length : Bytes{48, 64}) {
    Bytes hnp = {22, 18, 0, length, 0x20, 0x01};
    hnp.resize(20, 0);
    options.insert(options.end(), hnp.begin(), hnp.end());
  }
  EXPECT_EQ(parsed_bu(bu_with_options(options)).options.home_network_prefixes.size(), 2u);
}

TEST(CodecErrors, OptionAfterAuthentication) {
  // Auth (Length 5: subtype, SPI, empty authenticator) at 12, then a Handoff Indicator at 19.
  const ParseError error = parse_error(bu_with_options({9, 5, 1, 0, 0, 1, 0, 23, 2, 0, 1}));
  EXPECT_EQ(error.kind, ParseErrorKind::kAuthenticationNotLast);
  EXPECT_EQ(error.offset, 19u);
}

TEST(CodecErrors, MobileNodeIdAfterAuthenticationIsRejected) {
  // RFC 4283 §3.2: the MN-ID precedes the authentication option.
  const ParseError error = parse_error(bu_with_options({9, 5, 1, 0, 0, 1, 0, 8, 2, 1, 'a'}));
  EXPECT_EQ(error.kind, ParseErrorKind::kAuthenticationNotLast);
}

TEST(CodecErrors, PaddingAfterAuthenticationIsAccepted) {
  // Auth at 12 with 1 octet of data ends at 20; PadN then Pad1s fill to 24.
  const auto bu = parsed_bu(bu_with_options({9, 6, 1, 0, 0, 1, 0, 0x5a, 1, 0}));
  ASSERT_TRUE(bu.options.authentication.has_value());
  EXPECT_EQ(bu.options.authentication->authenticator, Bytes{0x5a});
  EXPECT_EQ(bu.options.authentication->spi, 256u);
}

TEST(CodecTolerance, UnknownOptionsAreSkippedByLength) {
  // Option 200 (unassigned) with 3 octets of data that would read as an HI if misparsed, and
  // a GRE Key option (33), which xpmip does not model.
  const auto bu = parsed_bu(bu_with_options({200, 3, 23, 2, 0, 33, 2, 0, 0, 24, 2, 0, 3}));
  EXPECT_FALSE(bu.options.handoff_indicator.has_value());
  EXPECT_EQ(bu.options.access_tech, AccessTechnology::kIeee8023);
}

TEST(CodecTolerance, BindingUpdateWithoutProxyFlagStillDecodes) {
  Bytes mh = kMinimalBu;
  mh[8] = 0xc0;  // A|H, P clear: a plain MIPv6 home registration
  mh[9] = 0x01;  // and a reserved bit, kept raw for the core to judge
  EXPECT_EQ(parsed_bu(mh).flags, 0xc001);
}

TEST(CodecTolerance, OtherMobilityHeaderTypesDecodeToTheirType) {
  for (std::uint8_t type : Bytes{13, 16, 19, 20, 42}) {  // Heartbeat, BRI, UPN, UPA, unassigned
    auto parsed = parse_mobility_header(bu_with_options({1, 2, 0, 0}, type), std::nullopt);
    ASSERT_TRUE(parsed.has_value()) << int{type};
    EXPECT_EQ(std::get<OtherMobilityMessage>(parsed->message).mh_type, type);
  }
  auto error = parse_mobility_header(Bytes{59, 0, 13, 0, 0, 0, 0, 0}, std::nullopt);
  ASSERT_FALSE(error.has_value());  // a Heartbeat needs 16 octets (RFC 5847 §3.3)
  EXPECT_EQ(error.error().kind, ParseErrorKind::kHeaderLengthBelowMinimum);
}

TEST(CodecTolerance, OctetsAfterTheMobilityHeaderAreIgnored) {
  Bytes mh = bu_with_options({23, 2, 0, 3});
  mh.insert(mh.end(), {23, 2, 0, 4});  // would be a duplicate HI if read
  EXPECT_EQ(parsed_bu(mh).options.handoff_indicator, HandoffIndicator::kHandoffBetweenMags);
}

TEST(CodecErrorNames, AreStableIdentifiers) {
  EXPECT_EQ(to_string(ParseErrorKind::kTruncated), "truncated");
  EXPECT_EQ(to_string(ParseErrorKind::kBadChecksum), "bad_checksum");
  EXPECT_EQ(to_string(ParseErrorKind::kAuthenticationNotLast), "authentication_not_last");
}

TEST(CodecEncodeErrors, IdentifierLongerThanItsLengthOctetAllows) {
  ProxyBindingUpdate pbu;
  pbu.options.mn_id = MobileNodeId{MobileNodeId::kSubtypeNai, std::string(254, 'a')};
  EXPECT_EQ(encode_error(pbu), std::nullopt);  // Length 255
  pbu.options.mn_id->identifier.push_back('a');
  EXPECT_EQ(encode_error(pbu), EncodeErrorKind::kOptionTooLong);

  ProxyBindingAck pba;
  pba.options.mn_link_layer_id = Bytes(253, 1);  // Length 255
  EXPECT_EQ(encode_error(pba), std::nullopt);
  pba.options.mn_link_layer_id->push_back(1);
  EXPECT_EQ(encode_error(pba), EncodeErrorKind::kOptionTooLong);
  pba.options.mn_link_layer_id.reset();
  pba.options.authentication = AuthenticationOption{1, 0x100, Bytes(250, 0)};  // Length 255
  EXPECT_EQ(encode_error(pba), std::nullopt);
  pba.options.authentication->authenticator.push_back(0);
  EXPECT_EQ(encode_error(pba), EncodeErrorKind::kOptionTooLong);
}

TEST(CodecEncodeErrors, PrefixLengthAbove128) {
  ProxyBindingAck pba;
  pba.options.home_network_prefixes = {Prefix{{}, 129}};
  EXPECT_EQ(encode_error(pba), EncodeErrorKind::kBadPrefixLength);
}

TEST(CodecEncodeErrors, MoreThan2048Octets) {
  ProxyBindingAck pba;
  // 12 + 85 * 24 - 4 = 2048 fits exactly: each HNP is 20 octets plus 4 of padding before the
  // next; the last needs none.
  pba.options.home_network_prefixes.assign(85, Prefix{{}, 64});
  auto fits = encode_mobility_header(pba, std::nullopt);
  ASSERT_TRUE(fits.has_value());
  EXPECT_EQ(fits->bytes.size(), 2048u);
  EXPECT_EQ(fits->bytes[1], 255);
  pba.options.home_network_prefixes.emplace_back();
  EXPECT_EQ(encode_error(pba), EncodeErrorKind::kMessageTooLong);
}

}  // namespace
}  // namespace xpmip
