// Mobility message authentication between a MAG and its LMA, in the form of the RFC 4285 §5.1
// MN-HA authentication option with HMAC-SHA-256 (RFC 2104, FIPS 180-4) in place of HMAC-SHA1:
// the MAG plays the mobile node, the LMA the home agent, and the keys come from a KeyStore
// (one security association per MAG-LMA pair, looked up by the peer's address and the SPI).
//
//   Authenticator = HMAC-SHA-256(key, MAG address | LMA address | MH Data)   (all 32 octets)
//   MH Data       = Mobility Header octets from Payload Proto up to and including the option's
//                   SPI, with the Checksum field taken as 0 (RFC 4285 §5.1)
//
// RFC 4285's "care-of address | home address" become the MAG's and the LMA's signalling
// addresses: the IPv6 source and destination of a PBU, the destination and source of a PBA.
// Both directions of one pair thus hash the same two addresses, and a message signed for one
// MAG-LMA pair does not verify for another. Per RFC 5213 §5.3.1 step 1 (and §6.9.1.2 for the
// MAG) a receiver verifies before any other processing, and drops what fails.
//
// Runtime use, sending:   auto out = auth.sign(pba, {lma_address, mag_address}, verified.spi);
//            receiving:   auto verified = auth.verify(bytes, decoded, {source, destination});
//                         if (!is_accepted(verified.outcome)) { count(to_string(...)); drop; }
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "xpmip/codec.hpp"
#include "xpmip/key_store.hpp"
#include "xpmip/wire.hpp"

namespace xpmip {

// The full HMAC-SHA-256 output is carried: nothing is gained by truncating it (the MH has room)
// and RFC 4285 §5.1's 96-bit truncation belonged to HMAC-SHA1.
inline constexpr std::size_t kAuthenticatorLength = 32;
using Authenticator = std::array<std::uint8_t, kAuthenticatorLength>;

// HMAC-SHA-256 of `message` (the primitive; exposed for known-answer tests). nullopt only if the
// crypto library refuses the algorithm (e.g. a restrictive provider configuration).
[[nodiscard]] std::optional<Authenticator> hmac_sha256(std::span<const std::uint8_t> key,
                                                       std::span<const std::uint8_t> message);

// The authenticator of a Mobility Header as defined above; `mh_data` is authenticated_mh_data().
[[nodiscard]] std::optional<Authenticator> compute_authenticator(
    const SecretKey& key, const Ipv6Address& mag_address, const Ipv6Address& lma_address,
    std::span<const std::uint8_t> mh_data);

// Why a received message was (not) accepted, in the order verify() checks. The daemon counts
// them by to_string() name; only kOk and kOkInsecure let the message through.
enum class VerifyOutcome : std::uint8_t {
  kOk,                      // authenticated with one of the peer's keys
  kOkInsecure,              // the peer is configured insecure: accepted unauthenticated, warn
  kUnknownPeer,             // no key and no insecure mark for the source address
  kUnsupportedMessage,      // neither a PBU nor a PBA: nothing here signs other MH types
  kMissingOption,           // no authentication option
  kOptionNotLast,           // something but padding follows the option (RFC 4285 §5.1)
  kMnIdNotBeforeAuth,       // no MN-ID option ahead of it (RFC 4283 §3, RFC 5213 §8.1/§8.2)
  kUnsupportedSubtype,      // not subtype 1 (MN-HA), the only one used between MAG and LMA
  kReservedSpi,             // SPI 0-255 (RFC 4285 §5.1)
  kUnknownSpi,              // the peer has no key under this SPI
  kBadAuthenticatorLength,  // not 32 octets, e.g. a truncated authenticator
  kBadAuthenticator,        // does not match: forged, tampered with, or the wrong key
  kCryptoFailure,           // the crypto library refused to compute HMAC-SHA-256
};

// A stable lowercase counter name, e.g. "bad_authenticator".
[[nodiscard]] std::string_view to_string(VerifyOutcome outcome);

[[nodiscard]] constexpr bool is_accepted(VerifyOutcome outcome) {
  return outcome == VerifyOutcome::kOk || outcome == VerifyOutcome::kOkInsecure;
}

struct Verification {
  VerifyOutcome outcome = VerifyOutcome::kUnknownPeer;
  std::optional<std::uint32_t> spi;  // the SPI that verified (kOk only)
};

// An encoded message ready for the MH socket: authenticator and checksum filled in.
struct SignedMessage {
  std::vector<std::uint8_t> bytes;
  std::optional<std::uint32_t> spi;  // nullopt: sent unauthenticated to an insecure peer; warn
};

enum class SignErrorKind : std::uint8_t {
  kUnknownPeer,    // no key and no insecure mark for the destination address
  kEncode,         // the codec refused the message (see detail)
  kCryptoFailure,  // the crypto library refused to compute HMAC-SHA-256
};

struct SignError {
  SignErrorKind kind;
  std::string detail;
};

class MessageAuthenticator {
 public:
  // `keys` must outlive this object; its later changes (rollover) take effect at once.
  explicit MessageAuthenticator(const KeyStore& keys) : keys_(&keys) {}

  // A PBU from `addresses.source` (this MAG) to `addresses.destination` (its LMA), signed with
  // the LMA's newest key. Any authentication option in `pbu` is replaced.
  [[nodiscard]] tl::expected<SignedMessage, SignError> sign(
      const ProxyBindingUpdate& pbu, const PseudoHeaderAddresses& addresses) const;

  // A PBA from `addresses.source` (this LMA) to `addresses.destination` (the MAG). It is signed
  // with `answer_spi` -- the SPI the PBU was verified with -- while the MAG still has that key,
  // so a MAG that has not yet learnt a newly added LMA key can still check the answer (RFC 4285
  // answers with the SA of the request); otherwise with the MAG's newest key.
  [[nodiscard]] tl::expected<SignedMessage, SignError> sign(
      const ProxyBindingAck& pba, const PseudoHeaderAddresses& addresses,
      std::optional<std::uint32_t> answer_spi = std::nullopt) const;

  // Checks a received PBU (at an LMA) or PBA (at a MAG). `mh` are the bytes `decoded` was
  // parsed from; `addresses` the IPv6 source (the peer) and destination of the packet.
  [[nodiscard]] Verification verify(std::span<const std::uint8_t> mh,
                                    const DecodedMobilityHeader& decoded,
                                    const PseudoHeaderAddresses& addresses) const;

 private:
  template <typename Message>
  tl::expected<SignedMessage, SignError> sign_message(Message message,
                                                      const PseudoHeaderAddresses& addresses,
                                                      const Ipv6Address& mag_address,
                                                      const Ipv6Address& lma_address,
                                                      std::optional<std::uint32_t> spi) const;

  const KeyStore* keys_;
};

}  // namespace xpmip
