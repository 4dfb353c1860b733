// Mobility message authentication: the HMAC-SHA-256 primitive against RFC 4231, the exact bytes
// of a signed PBU against a hand-assembled message hashed independently with OpenSSL's one-shot
// HMAC(), and every verification outcome.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "test_auth_fixture.hpp"

namespace xpmip::auth_test {
namespace {

Bytes from_hex(const std::string& hex) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

Bytes text(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

Bytes concat(std::initializer_list<std::span<const std::uint8_t>> parts) {
  Bytes out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// HMAC-SHA-256 computed by OpenSSL's one-shot API, independent of the code under test.
Bytes reference_hmac(const SecretKey& key, const Bytes& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.octets().data(), static_cast<int>(key.octets().size()), data.data(),
       data.size(), mac, &length);
  return Bytes(mac, mac + length);
}

struct Rfc4231Case {
  const char* name;
  Bytes key;
  Bytes data;
  const char* hmac_sha256;
};

// RFC 4231 §4.2-§4.8 (test case 5 is about truncation to 128 bits, which xpmip never does).
TEST(HmacSha256, MatchesRfc4231TestVectors) {
  Bytes case4_key(25);
  for (std::size_t i = 0; i < case4_key.size(); ++i)
    case4_key[i] = static_cast<std::uint8_t>(i + 1);
  const std::vector<Rfc4231Case> cases = {
      {"4.2", Bytes(20, 0x0b), text("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"4.3", text("Jefe"), text("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"4.4", Bytes(20, 0xaa), Bytes(50, 0xdd),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {"4.5", case4_key, Bytes(50, 0xcd),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {"4.7", Bytes(131, 0xaa), text("Test Using Larger Than Block-Size Key - Hash Key First"),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {"4.8", Bytes(131, 0xaa),
       text("This is a test using a larger than block-size key and a larger than block-size "
            "data. The key needs to be hashed before being used by the HMAC algorithm."),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const auto& c : cases) {
    const auto mac = hmac_sha256(c.key, c.data);
    ASSERT_TRUE(mac.has_value()) << c.name;
    EXPECT_EQ(Bytes(mac->begin(), mac->end()), from_hex(c.hmac_sha256)) << "RFC 4231 " << c.name;
  }
}

TEST(HmacSha256, EmptyKeyAndMessage) {
  const auto mac = hmac_sha256({}, {});
  ASSERT_TRUE(mac.has_value());
  EXPECT_EQ(Bytes(mac->begin(), mac->end()),
            from_hex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"));
}

TEST_F(AuthTest, SignedPbuIsExactlyTheHandAssembledMessage) {
  ProxyBindingUpdate pbu;
  pbu.sequence = 0x1234;
  pbu.lifetime = 0x00fa;
  pbu.options.mn_id = MobileNodeId{MobileNodeId::kSubtypeNai, "mn@x"};
  auto signed_message = mag.sign(pbu, kMagToLma);
  ASSERT_TRUE(signed_message.has_value()) << signed_message.error().detail;
  EXPECT_EQ(signed_message->spi, kSpi);

  // Up to and including the SPI, with the Checksum field 0: the RFC 4285 §5.1 MH Data.
  const Bytes mh_data = {
      59, 7, 5, 0, 0, 0,            // Payload Proto, Header Len (64 octets), BU, Reserved,
                                    // Checksum
      0x12, 0x34, 0x82, 0x00,       // Sequence #, flags A|P
      0x00, 0xfa,                   // Lifetime
      8, 5, 1, 'm', 'n', '@', 'x',  // MN-ID option (RFC 4283), subtype NAI, at offset 12
      1, 4, 0, 0, 0, 0,             // PadN: the authentication option goes at 8n+1 = 25
      9, 37, 1, 0, 0, 0x01, 0x2c,   // Authentication option: subtype MN-HA, SPI 300
  };
  Bytes expected = mh_data;
  const Bytes mac = reference_hmac(test_key(1), concat({kMag, kLma, mh_data}));
  ASSERT_EQ(mac.size(), 32u);
  expected.insert(expected.end(), mac.begin(), mac.end());
  const std::uint16_t checksum = compute_mh_checksum(expected, kMagToLma);
  expected[4] = static_cast<std::uint8_t>(checksum >> 8);
  expected[5] = static_cast<std::uint8_t>(checksum);

  EXPECT_EQ(signed_message->bytes, expected);
  EXPECT_TRUE(mh_checksum_is_valid(signed_message->bytes, kMagToLma));
  EXPECT_EQ(lma_verifies(signed_message->bytes).outcome, VerifyOutcome::kOk);
}

// A PBA hashes the MAG's address first too, i.e. its destination before its source.
TEST_F(AuthTest, SignedPbaHashesMagAddressThenLmaAddress) {
  ProxyBindingAck pba;
  pba.sequence = 7;
  pba.lifetime = 250;
  pba.options.mn_id = MobileNodeId{MobileNodeId::kSubtypeNai, "alice@example.net"};
  pba.options.home_network_prefixes = {Prefix{{0x20, 0x01, 0x0d, 0xb8, 1}, 64}};
  auto signed_message = lma.sign(pba, kLmaToMag);
  ASSERT_TRUE(signed_message.has_value());
  const auto decoded = parse_or_fail(signed_message->bytes);
  ASSERT_TRUE(decoded.authenticator.has_value());
  const auto& field = *decoded.authenticator;
  ASSERT_EQ(field.length, 32u);

  Bytes mh_data(signed_message->bytes.begin(),
                signed_message->bytes.begin() + static_cast<std::ptrdiff_t>(field.offset));
  mh_data[4] = mh_data[5] = 0;
  const Bytes carried(signed_message->bytes.begin() + static_cast<std::ptrdiff_t>(field.offset),
                      signed_message->bytes.end());
  EXPECT_EQ(carried, reference_hmac(test_key(1), concat({kMag, kLma, mh_data})));
  EXPECT_EQ(mag.verify(signed_message->bytes, decoded, kLmaToMag).outcome, VerifyOutcome::kOk);
}

TEST_F(AuthTest, RoundTripReportsTheSpi) {
  const Verification v = lma_verifies(signed_pbu());
  EXPECT_EQ(v.outcome, VerifyOutcome::kOk);
  EXPECT_EQ(v.spi, kSpi);
}

// Every octet the authenticator covers, and the authenticator itself, matters: flipping any bit
// of them makes the message unparseable or unverifiable. The checksum is excluded by RFC 4285
// §5.1 (the kernel, not the MAC, protects it).
TEST_F(AuthTest, AnyFlippedBitFailsVerification) {
  const Bytes original = signed_pbu();
  ASSERT_FALSE(original.empty());
  int verified = 0;
  for (std::size_t at = 0; at < original.size(); ++at) {
    if (at == 4 || at == 5) continue;
    for (std::uint8_t bit = 1; bit != 0; bit = static_cast<std::uint8_t>(bit << 1)) {
      Bytes tampered = original;
      tampered[at] ^= bit;
      auto parsed = parse_mobility_header(tampered, std::nullopt);
      if (!parsed) continue;
      const auto v = lma.verify(tampered, *parsed, kMagToLma);
      EXPECT_FALSE(is_accepted(v.outcome)) << "octet " << at << " bit " << int{bit};
      verified += v.outcome == VerifyOutcome::kBadAuthenticator ? 1 : 0;
    }
  }
  EXPECT_GT(verified, 500);  // most flips reach the MAC comparison rather than a parse error
}

TEST_F(AuthTest, ChecksumIsNotAuthenticated) {
  Bytes bytes = signed_pbu();
  bytes[4] ^= 0xff;
  EXPECT_EQ(lma_verifies(bytes).outcome, VerifyOutcome::kOk);
}

TEST_F(AuthTest, WrongKeyUnderTheRightSpiIsBadAuthenticator) {
  KeyStore forger_keys;
  ASSERT_TRUE(forger_keys.add_key(kLma, kSpi, test_key(99)).has_value());
  auto forged = MessageAuthenticator(forger_keys).sign(attach_pbu(), kMagToLma);
  ASSERT_TRUE(forged.has_value());
  EXPECT_EQ(lma_verifies(forged->bytes).outcome, VerifyOutcome::kBadAuthenticator);
}

// The addresses are authenticated: a MAG's message re-sent from another MAG's address fails
// even where an operator (wrongly) gave both MAGs the same key.
TEST_F(AuthTest, MessageFromAnotherAddressIsBadAuthenticator) {
  ASSERT_TRUE(lma_keys.add_key(kOtherMag, kSpi, test_key(1)).has_value());
  EXPECT_EQ(lma_verifies(signed_pbu(), kOtherMag).outcome, VerifyOutcome::kBadAuthenticator);
}

TEST_F(AuthTest, UnknownSpi) {
  KeyStore other_keys;
  ASSERT_TRUE(other_keys.add_key(kLma, kNextSpi, test_key(1)).has_value());
  auto signed_message = MessageAuthenticator(other_keys).sign(attach_pbu(), kMagToLma);
  ASSERT_TRUE(signed_message.has_value());
  EXPECT_EQ(lma_verifies(signed_message->bytes).outcome, VerifyOutcome::kUnknownSpi);
}

// Messages built by hand with the codec, carrying an authentication option whose fields the
// signer would never produce.
Bytes encode_with(AuthenticationOption auth, bool with_mn_id = true) {
  ProxyBindingUpdate pbu = attach_pbu();
  if (!with_mn_id) pbu.options.mn_id.reset();
  pbu.options.authentication = std::move(auth);
  auto encoded = encode_mobility_header(pbu, kMagToLma);
  if (!encoded) ADD_FAILURE() << encoded.error().detail;
  return encoded ? encoded->bytes : Bytes{};
}

TEST_F(AuthTest, TruncatedAuthenticatorIsBadAuthenticatorLength) {
  // The first 12 and the first 31 octets of the genuine MAC: neither may pass as a shorter MAC.
  for (std::size_t length : {std::size_t{12}, std::size_t{31}}) {
    Bytes bytes = encode_with({AuthenticationOption::kSubtypeMnHa, kSpi, Bytes(length, 0)});
    const auto decoded = parse_or_fail(bytes);
    ASSERT_TRUE(decoded.authenticator.has_value());
    const auto mac = compute_authenticator(test_key(1), kMag, kLma,
                                           authenticated_mh_data(bytes, *decoded.authenticator));
    ASSERT_TRUE(mac.has_value());
    std::copy_n(mac->begin(), length,
                bytes.begin() + static_cast<std::ptrdiff_t>(decoded.authenticator->offset));
    EXPECT_EQ(lma_verifies(bytes).outcome, VerifyOutcome::kBadAuthenticatorLength) << length;
  }
}

TEST_F(AuthTest, ReservedSpi) {
  const Bytes bytes = encode_with({AuthenticationOption::kSubtypeMnHa, 255, Bytes(32, 0)});
  EXPECT_EQ(lma_verifies(bytes).outcome, VerifyOutcome::kReservedSpi);
}

TEST_F(AuthTest, MnAaaSubtypeIsUnsupported) {
  const Bytes bytes = encode_with({2, kSpi, Bytes(32, 0)});
  EXPECT_EQ(lma_verifies(bytes).outcome, VerifyOutcome::kUnsupportedSubtype);
}

TEST_F(AuthTest, MissingOption) {
  auto encoded = encode_mobility_header(attach_pbu(), kMagToLma);
  ASSERT_TRUE(encoded.has_value());
  EXPECT_EQ(lma_verifies(encoded->bytes).outcome, VerifyOutcome::kMissingOption);
}

TEST_F(AuthTest, SignedMessageWithoutMnIdIsRefused) {
  ProxyBindingUpdate pbu = attach_pbu();
  pbu.options.mn_id.reset();
  EXPECT_EQ(lma_verifies(signed_pbu(pbu)).outcome, VerifyOutcome::kMnIdNotBeforeAuth);
}

// Padding may follow the option (it is not an option); the MAC covers Header Len, so the
// padding has to be there when the message is signed.
TEST_F(AuthTest, PaddingAfterTheOptionIsAllowed) {
  Bytes bytes = signed_pbu();
  const auto field = *parse_or_fail(bytes).authenticator;
  bytes.insert(bytes.end(), {1, 6, 0, 0, 0, 0, 0, 0});  // PadN of 8 octets
  bytes[1] = static_cast<std::uint8_t>(bytes[1] + 1);
  const auto mac =
      compute_authenticator(test_key(1), kMag, kLma, authenticated_mh_data(bytes, field));
  ASSERT_TRUE(mac.has_value());
  std::copy(mac->begin(), mac->end(), bytes.begin() + static_cast<std::ptrdiff_t>(field.offset));
  EXPECT_EQ(lma_verifies(bytes).outcome, VerifyOutcome::kOk);
}

// An option after the authenticator: the codec refuses the message, and verify() refuses it on
// its own too when handed such bytes with the field of the original message.
TEST_F(AuthTest, OptionAfterTheAuthenticationOptionIsRefused) {
  const Bytes original = signed_pbu();
  const auto decoded = parse_or_fail(original);
  Bytes bytes = original;
  bytes.insert(bytes.end(), {23, 2, 0, 1, 1, 2, 0, 0});  // Handoff Indicator, then PadN
  bytes[1] = static_cast<std::uint8_t>(bytes[1] + 1);
  auto reparsed = parse_mobility_header(bytes, std::nullopt);
  ASSERT_FALSE(reparsed.has_value());
  EXPECT_EQ(reparsed.error().kind, ParseErrorKind::kAuthenticationNotLast);
  EXPECT_EQ(lma.verify(bytes, decoded, kMagToLma).outcome, VerifyOutcome::kOptionNotLast);
}

TEST_F(AuthTest, FieldOutsideTheBytesIsRefusedNotRead) {
  const Bytes bytes = signed_pbu();
  auto decoded = parse_or_fail(bytes);
  decoded.authenticator->offset = bytes.size() + 100;
  EXPECT_EQ(lma.verify(bytes, decoded, kMagToLma).outcome, VerifyOutcome::kOptionNotLast);
  decoded.authenticator->offset = SIZE_MAX - 8;  // offset + length wraps around
  EXPECT_EQ(lma.verify(bytes, decoded, kMagToLma).outcome, VerifyOutcome::kOptionNotLast);
  decoded.authenticator->offset = 32;
  decoded.authenticator->length = SIZE_MAX;
  EXPECT_EQ(lma.verify(bytes, decoded, kMagToLma).outcome, VerifyOutcome::kOptionNotLast);
  const Bytes short_bytes(bytes.begin(), bytes.begin() + 6);
  EXPECT_EQ(lma.verify(short_bytes, parse_or_fail(bytes), kMagToLma).outcome,
            VerifyOutcome::kOptionNotLast);
}

TEST_F(AuthTest, UnknownPeerCanNeitherSendNorBeSentTo) {
  EXPECT_EQ(lma_verifies(signed_pbu(), kOtherMag).outcome, VerifyOutcome::kUnknownPeer);
  auto refused = lma.sign(ProxyBindingAck{}, PseudoHeaderAddresses{kLma, kOtherMag});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, SignErrorKind::kUnknownPeer);
}

TEST_F(AuthTest, OtherMessageTypesAreUnsupported) {
  const Bytes heartbeat = {59, 1, 13, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0};
  EXPECT_EQ(lma_verifies(heartbeat).outcome, VerifyOutcome::kUnsupportedMessage);
}

TEST_F(AuthTest, InsecurePeerExchangesUnauthenticatedMessagesAndSaysSo) {
  ASSERT_TRUE(lma_keys.set_insecure(kOtherMag).has_value());
  auto encoded = encode_mobility_header(attach_pbu(), std::nullopt);
  ASSERT_TRUE(encoded.has_value());
  EXPECT_EQ(lma_verifies(encoded->bytes, kOtherMag).outcome, VerifyOutcome::kOkInsecure);

  ProxyBindingAck pba;
  pba.options.authentication = AuthenticationOption{1, kSpi, Bytes(32, 0)};
  auto unsigned_pba = lma.sign(pba, PseudoHeaderAddresses{kLma, kOtherMag});
  ASSERT_TRUE(unsigned_pba.has_value());
  EXPECT_EQ(unsigned_pba->spi, std::nullopt);
  const auto decoded = parse_or_fail(unsigned_pba->bytes);
  EXPECT_FALSE(decoded.authenticator.has_value());
  EXPECT_TRUE(mh_checksum_is_valid(unsigned_pba->bytes, PseudoHeaderAddresses{kLma, kOtherMag}));
}

TEST_F(AuthTest, EncodeFailureIsReported) {
  ProxyBindingUpdate pbu = attach_pbu();
  pbu.options.mn_id->identifier.assign(300, 'x');  // beyond the 8-bit option length
  auto refused = mag.sign(pbu, kMagToLma);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, SignErrorKind::kEncode);
}

TEST(VerifyOutcomeNames, AreStableCounterNames) {
  EXPECT_EQ(to_string(VerifyOutcome::kOk), "ok");
  EXPECT_EQ(to_string(VerifyOutcome::kOkInsecure), "ok_insecure");
  EXPECT_EQ(to_string(VerifyOutcome::kUnknownPeer), "unknown_peer");
  EXPECT_EQ(to_string(VerifyOutcome::kUnsupportedMessage), "unsupported_message");
  EXPECT_EQ(to_string(VerifyOutcome::kMissingOption), "missing_option");
  EXPECT_EQ(to_string(VerifyOutcome::kOptionNotLast), "option_not_last");
  EXPECT_EQ(to_string(VerifyOutcome::kMnIdNotBeforeAuth), "mn_id_not_before_auth");
  EXPECT_EQ(to_string(VerifyOutcome::kUnsupportedSubtype), "unsupported_subtype");
  EXPECT_EQ(to_string(VerifyOutcome::kReservedSpi), "reserved_spi");
  EXPECT_EQ(to_string(VerifyOutcome::kUnknownSpi), "unknown_spi");
  EXPECT_EQ(to_string(VerifyOutcome::kBadAuthenticatorLength), "bad_authenticator_length");
  EXPECT_EQ(to_string(VerifyOutcome::kBadAuthenticator), "bad_authenticator");
  EXPECT_EQ(to_string(VerifyOutcome::kCryptoFailure), "crypto_failure");
  EXPECT_TRUE(is_accepted(VerifyOutcome::kOk));
  EXPECT_TRUE(is_accepted(VerifyOutcome::kOkInsecure));
  EXPECT_FALSE(is_accepted(VerifyOutcome::kBadAuthenticator));
}

}  // namespace
}  // namespace xpmip::auth_test
