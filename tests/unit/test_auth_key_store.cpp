// The key store's rules (reserved SPIs, key length, two keys per peer, insecure exclusive) and a
// hitless key rollover between a MAG and its LMA.
#include "test_auth_fixture.hpp"

namespace xpmip::auth_test {
namespace {

KeyStoreError add_error(KeyStore& store, const Ipv6Address& peer, std::uint32_t spi,
                        SecretKey key) {
  auto added = store.add_key(peer, spi, std::move(key));
  EXPECT_FALSE(added.has_value());
  return added ? KeyStoreError::kUnknownKey : added.error();
}

TEST(KeyStore, RefusesReservedSpisAndWeakKeys) {
  KeyStore store;
  EXPECT_EQ(add_error(store, kMag, 0, test_key(1)), KeyStoreError::kReservedSpi);
  EXPECT_EQ(add_error(store, kMag, 255, test_key(1)), KeyStoreError::kReservedSpi);
  EXPECT_EQ(add_error(store, kMag, 256, SecretKey(Bytes(31, 1))), KeyStoreError::kKeyTooShort);
  EXPECT_EQ(add_error(store, kMag, 256, SecretKey(Bytes(257, 1))), KeyStoreError::kKeyTooLong);
  EXPECT_EQ(store.peer(kMag), nullptr);  // nothing half-added
  EXPECT_TRUE(store.add_key(kMag, 256, SecretKey(Bytes(32, 1))).has_value());
  EXPECT_TRUE(store.add_key(kMag, 0xffffffff, SecretKey(Bytes(256, 1))).has_value());
}

TEST(KeyStore, AtMostTwoKeysPerPeerWithDistinctSpis) {
  KeyStore store;
  ASSERT_TRUE(store.add_key(kMag, kSpi, test_key(1)).has_value());
  EXPECT_EQ(add_error(store, kMag, kSpi, test_key(2)), KeyStoreError::kDuplicateSpi);
  ASSERT_TRUE(store.add_key(kMag, kNextSpi, test_key(2)).has_value());
  EXPECT_EQ(add_error(store, kMag, 302, test_key(3)), KeyStoreError::kTooManyKeys);
  // Another peer has its own two slots.
  EXPECT_TRUE(store.add_key(kOtherMag, kSpi, test_key(3)).has_value());

  const PeerSecurity* mag = store.peer(kMag);
  ASSERT_NE(mag, nullptr);
  ASSERT_EQ(mag->keys.size(), 2u);
  EXPECT_EQ(mag->newest()->spi, kNextSpi);
  EXPECT_EQ(mag->find(kSpi)->key.octets(), test_key(1).octets());
  EXPECT_EQ(mag->find(302), nullptr);
}

TEST(KeyStore, RemovingTheLastKeyUnconfiguresThePeer) {
  KeyStore store;
  ASSERT_TRUE(store.add_key(kMag, kSpi, test_key(1)).has_value());
  ASSERT_TRUE(store.add_key(kMag, kNextSpi, test_key(2)).has_value());
  ASSERT_TRUE(store.remove_key(kMag, kSpi).has_value());
  ASSERT_NE(store.peer(kMag), nullptr);
  EXPECT_EQ(store.peer(kMag)->keys.size(), 1u);
  EXPECT_EQ(store.peer(kMag)->newest()->spi, kNextSpi);
  ASSERT_TRUE(store.remove_key(kMag, kNextSpi).has_value());
  EXPECT_EQ(store.peer(kMag), nullptr);
  auto again = store.remove_key(kMag, kNextSpi);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error(), KeyStoreError::kUnknownKey);
}

TEST(KeyStore, InsecureAndKeysExcludeEachOther) {
  KeyStore store;
  ASSERT_TRUE(store.set_insecure(kMag).has_value());
  EXPECT_EQ(add_error(store, kMag, kSpi, test_key(1)), KeyStoreError::kInsecurePeer);
  EXPECT_TRUE(store.peer(kMag)->insecure);
  ASSERT_TRUE(store.add_key(kOtherMag, kSpi, test_key(1)).has_value());
  auto refused = store.set_insecure(kOtherMag);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error(), KeyStoreError::kInsecurePeer);
  EXPECT_FALSE(store.peer(kOtherMag)->insecure);
}

TEST(KeyStore, ErrorNames) {
  EXPECT_EQ(to_string(KeyStoreError::kReservedSpi), "reserved_spi");
  EXPECT_EQ(to_string(KeyStoreError::kKeyTooShort), "key_too_short");
  EXPECT_EQ(to_string(KeyStoreError::kKeyTooLong), "key_too_long");
  EXPECT_EQ(to_string(KeyStoreError::kDuplicateSpi), "duplicate_spi");
  EXPECT_EQ(to_string(KeyStoreError::kTooManyKeys), "too_many_keys");
  EXPECT_EQ(to_string(KeyStoreError::kInsecurePeer), "insecure_peer");
  EXPECT_EQ(to_string(KeyStoreError::kUnknownKey), "unknown_key");
}

class RolloverTest : public AuthTest {
 protected:
  // The MAG signs a PBU; the LMA verifies it and answers with a PBA signed with the SPI the PBU
  // used; the MAG verifies the answer. Returns the SPIs of the PBU and of the PBA.
  std::pair<std::uint32_t, std::uint32_t> exchange() {
    const Bytes pbu = signed_pbu();
    const Verification at_lma = lma_verifies(pbu);
    EXPECT_EQ(at_lma.outcome, VerifyOutcome::kOk);
    ProxyBindingAck pba;
    pba.options.mn_id = attach_pbu().options.mn_id;
    auto answer = lma.sign(pba, kLmaToMag, at_lma.spi);
    EXPECT_TRUE(answer.has_value());
    if (!answer || !at_lma.spi) return {0, 0};
    const Verification at_mag = mag.verify(answer->bytes, parse_or_fail(answer->bytes), kLmaToMag);
    EXPECT_EQ(at_mag.outcome, VerifyOutcome::kOk);
    EXPECT_EQ(at_mag.spi, answer->spi);
    return {*at_lma.spi, answer->spi.value_or(0)};
  }
};

// The order an operator follows: new key at the LMA, then at the MAG, then the old key goes at
// both. Every exchange along the way succeeds.
TEST_F(RolloverTest, NewKeyReplacesOldWithoutAFailedExchange) {
  EXPECT_EQ(exchange(), std::make_pair(kSpi, kSpi));

  ASSERT_TRUE(lma_keys.add_key(kMag, kNextSpi, test_key(2)).has_value());
  // The MAG still signs with 300; the LMA answers with 300 although 301 is its newest.
  EXPECT_EQ(exchange(), std::make_pair(kSpi, kSpi));

  ASSERT_TRUE(mag_keys.add_key(kLma, kNextSpi, test_key(2)).has_value());
  EXPECT_EQ(exchange(), std::make_pair(kNextSpi, kNextSpi));

  ASSERT_TRUE(lma_keys.remove_key(kMag, kSpi).has_value());
  ASSERT_TRUE(mag_keys.remove_key(kLma, kSpi).has_value());
  EXPECT_EQ(exchange(), std::make_pair(kNextSpi, kNextSpi));
}

TEST_F(RolloverTest, RetiredKeyNoLongerVerifies) {
  const Bytes old_pbu = signed_pbu();  // signed with 300
  ASSERT_TRUE(lma_keys.add_key(kMag, kNextSpi, test_key(2)).has_value());
  EXPECT_EQ(lma_verifies(old_pbu).outcome, VerifyOutcome::kOk);  // both valid during rollover
  ASSERT_TRUE(lma_keys.remove_key(kMag, kSpi).has_value());
  EXPECT_EQ(lma_verifies(old_pbu).outcome, VerifyOutcome::kUnknownSpi);
}

TEST_F(RolloverTest, AnswerSpiThatIsGoneFallsBackToTheNewestKey) {
  ASSERT_TRUE(lma_keys.add_key(kMag, kNextSpi, test_key(2)).has_value());
  auto answer = lma.sign(ProxyBindingAck{}, kLmaToMag, 12345);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->spi, kNextSpi);
  auto unprompted = lma.sign(ProxyBindingAck{}, kLmaToMag);
  ASSERT_TRUE(unprompted.has_value());
  EXPECT_EQ(unprompted->spi, kNextSpi);
}

}  // namespace
}  // namespace xpmip::auth_test
