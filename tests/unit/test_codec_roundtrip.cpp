// Encoding then parsing gives back the same value, and every encoded option sits on the xn+y
// boundary RFC 5213 §8 / RFC 6275 §6.2 / RFC 4285 §5 / RFC 5847 §3.4 give it.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "test_codec_samples.hpp"
#include "xpmip/codec.hpp"

namespace xpmip {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Alignment {
  std::size_t x;
  std::size_t y;
};

// The alignment each option type must have when xpmip sends it; 1n+0 means none.
Alignment required_alignment(std::uint8_t type) {
  switch (type) {
    case 22:
      return {8, 4};  // Home Network Prefix, RFC 5213 §8.3
    case 26:
      return {8, 6};  // Link-local Address, RFC 5213 §8.7
    case 3:
      return {8, 6};  // Alternate Care-of Address, RFC 6275 §6.2.5
    case 27:
      return {8, 2};  // Timestamp, RFC 5213 §8.8
    case 28:
      return {4, 2};  // Restart Counter, RFC 5847 §3.4
    case 9:
      return {4, 1};  // Mobility Message Authentication, RFC 4285 §5
    case 25:
      return {8, 4};  // MN Link-layer Identifier: identifier on an 8-octet boundary
    default:
      return {1, 0};
  }
}

// Walks the options independently of the codec, checking the framing and each option's
// alignment, and that padding is zero-filled. Returns the option types in wire order.
std::vector<std::uint8_t> check_layout(const Bytes& mh) {
  std::vector<std::uint8_t> types;
  EXPECT_EQ(mh.size() % 8, 0u);
  EXPECT_EQ((std::size_t{mh[1]} + 1) * 8, mh.size());
  std::size_t at = 12;
  while (at < mh.size()) {
    const std::uint8_t type = mh[at];
    if (type == 0) {
      ++at;
      continue;
    }
    const std::size_t length = mh[at + 1];
    const Alignment alignment = required_alignment(type);
    EXPECT_EQ(at % alignment.x, alignment.y) << "option " << int{type} << " at " << at;
    if (type == 1) {
      for (std::size_t i = 0; i < length; ++i) EXPECT_EQ(mh[at + 2 + i], 0);
    } else {
      types.push_back(type);
    }
    at += 2 + length;
  }
  EXPECT_EQ(at, mh.size());
  return types;
}

template <typename Message>
void expect_round_trip(const Message& message) {
  const PseudoHeaderAddresses addresses{samples::kMagAddress, samples::kLmaAddress};
  auto encoded = encode_mobility_header(message, addresses);
  ASSERT_TRUE(encoded.has_value()) << encoded.error().detail;
  check_layout(encoded->bytes);
  auto parsed = parse_mobility_header(encoded->bytes, addresses);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().detail;
  ASSERT_TRUE(std::holds_alternative<Message>(parsed->message));
  EXPECT_EQ(std::get<Message>(parsed->message), message);
  EXPECT_EQ(parsed->authenticator, encoded->authenticator);
}

TEST(CodecRoundTrip, EverySamplePbu) {
  for (const auto& pbu : samples::all_pbus()) expect_round_trip(pbu);
}

TEST(CodecRoundTrip, EverySamplePba) {
  for (const auto& pba : samples::all_pbas()) expect_round_trip(pba);
}

TEST(CodecRoundTrip, AuthenticationOptionComesLastAfterTheMnId) {
  auto encoded = encode_mobility_header(samples::deregistration_pbu(), std::nullopt);
  ASSERT_TRUE(encoded.has_value());
  const auto types = check_layout(encoded->bytes);
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.back(), 9);
  EXPECT_EQ(types[types.size() - 2], 8);
  // A 12-octet authenticator is placed so that it ends the message: no padding after it.
  EXPECT_EQ(encoded->authenticator->offset + 12, encoded->bytes.size());
}

// Variable-length fields at every length modulo 8 move the options after them through every
// alignment case the padding code has.
TEST(CodecRoundTrip, EveryVariableLengthShiftsPaddingCorrectly) {
  for (std::size_t n = 0; n <= 40; ++n) {
    SCOPED_TRACE("length " + std::to_string(n));
    ProxyBindingUpdate pbu = samples::deregistration_pbu();
    pbu.options.mn_id->identifier.assign(n, 'x');
    pbu.options.mn_link_layer_id = Bytes(n, 0x5a);
    pbu.options.authentication->authenticator = Bytes(n, 0xa5);
    pbu.options.link_local_address = samples::kMagLinkLocal;
    pbu.options.timestamp = samples::kTimestamp;
    expect_round_trip(pbu);

    ProxyBindingAck pba = samples::accepted_pba();
    pba.options.mn_id->identifier.assign(n, 'y');
    pba.options.home_network_prefixes.assign(n % 5, Prefix{samples::kHnp1, 64});
    expect_round_trip(pba);
  }
}

TEST(CodecRoundTrip, EmptyMessagesArePaddedToSixteenOctets) {
  ProxyBindingAck pba;
  auto encoded = encode_mobility_header(pba, std::nullopt);
  ASSERT_TRUE(encoded.has_value());
  EXPECT_EQ(encoded->bytes, (Bytes{59, 1, 6, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 1, 2, 0, 0}));
  expect_round_trip(pba);
}

TEST(CodecRoundTrip, ExtremeFieldValues) {
  ProxyBindingUpdate pbu;
  pbu.sequence = 0xffff;
  pbu.flags = 0xffff;
  pbu.lifetime = 0xffff;
  pbu.options.timestamp = ~std::uint64_t{0};
  pbu.options.restart_counter = 0xffffffff;
  pbu.options.home_network_prefixes = {Prefix{samples::kHnp1, 128}, Prefix{samples::kHnp1, 0}};
  pbu.options.mn_id = MobileNodeId{0xff, std::string(254, '\xff')};
  expect_round_trip(pbu);

  ProxyBindingAck pba;
  pba.status = static_cast<PbaStatus>(0xff);
  pba.flags = 0xff;
  pba.options.handoff_indicator = static_cast<HandoffIndicator>(0xff);
  pba.options.access_tech = static_cast<AccessTechnology>(0xff);
  expect_round_trip(pba);
}

}  // namespace
}  // namespace xpmip
