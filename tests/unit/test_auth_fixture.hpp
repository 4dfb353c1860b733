// Shared set-up for the authentication tests: one MAG and one LMA, each with its own KeyStore
// holding the same security association (SPI 300) for the other side.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "xpmip/auth.hpp"
#include "xpmip/codec.hpp"
#include "xpmip/key_store.hpp"
#include "xpmip/wire.hpp"

namespace xpmip::auth_test {

using Bytes = std::vector<std::uint8_t>;

inline constexpr Ipv6Address kMag{0x20, 0x01, 0x0d, 0xb8, 0, 0xa1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
inline constexpr Ipv6Address kOtherMag{0x20, 0x01, 0x0d, 0xb8, 0, 0xa2, 0, 0,
                                       0,    0,    0,    0,    0, 0,    0, 1};
inline constexpr Ipv6Address kLma{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
inline constexpr PseudoHeaderAddresses kMagToLma{kMag, kLma};
inline constexpr PseudoHeaderAddresses kLmaToMag{kLma, kMag};
inline constexpr std::uint32_t kSpi = 300;
inline constexpr std::uint32_t kNextSpi = 301;

// Distinct 32-octet keys: octet i of key `seed` is seed + i.
inline SecretKey test_key(std::uint8_t seed) {
  Bytes octets(32);
  for (std::size_t i = 0; i < octets.size(); ++i) octets[i] = static_cast<std::uint8_t>(seed + i);
  return SecretKey(std::move(octets));
}

// A PBU as a MAG sends on initial attach, with an MN-ID (which must precede the authenticator).
inline ProxyBindingUpdate attach_pbu() {
  ProxyBindingUpdate pbu;
  pbu.sequence = 7;
  pbu.lifetime = 250;
  pbu.options.mn_id = MobileNodeId{MobileNodeId::kSubtypeNai, "alice@example.net"};
  pbu.options.home_network_prefixes = {Prefix{}};
  pbu.options.handoff_indicator = HandoffIndicator::kNewInterface;
  pbu.options.access_tech = AccessTechnology::kIeee80211;
  pbu.options.timestamp = 0x0000'6553'f100'8000;
  return pbu;
}

inline DecodedMobilityHeader parse_or_fail(const Bytes& bytes) {
  auto parsed = parse_mobility_header(bytes, std::nullopt);
  if (!parsed) {
    ADD_FAILURE() << "does not parse: " << parsed.error().detail;
    return DecodedMobilityHeader{OtherMobilityMessage{}, std::nullopt};
  }
  return std::move(*parsed);
}

class AuthTest : public ::testing::Test {
 protected:
  AuthTest() {
    EXPECT_TRUE(mag_keys.add_key(kLma, kSpi, test_key(1)).has_value());
    EXPECT_TRUE(lma_keys.add_key(kMag, kSpi, test_key(1)).has_value());
  }

  Bytes signed_pbu(const ProxyBindingUpdate& pbu = attach_pbu()) {
    auto signed_message = mag.sign(pbu, kMagToLma);
    if (!signed_message) {
      ADD_FAILURE() << "sign: " << signed_message.error().detail;
      return {};
    }
    return std::move(signed_message->bytes);
  }

  // What the LMA's receive path concludes about `bytes` arriving from `source`.
  Verification lma_verifies(const Bytes& bytes, const Ipv6Address& source = kMag) {
    return lma.verify(bytes, parse_or_fail(bytes), PseudoHeaderAddresses{source, kLma});
  }

  KeyStore mag_keys;
  KeyStore lma_keys;
  MessageAuthenticator mag{mag_keys};
  MessageAuthenticator lma{lma_keys};
};

}  // namespace xpmip::auth_test
