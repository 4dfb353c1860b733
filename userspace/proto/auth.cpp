// RFC 4285 §5.1 mobility message authentication with HMAC-SHA-256 between MAG and LMA; see
// auth.hpp for what is authenticated and why.
#include "xpmip/auth.hpp"

#include <algorithm>
#include <initializer_list>
#include <memory>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "xpmip/address.hpp"

namespace xpmip {
namespace {

struct MacDeleter {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacContextDeleter {
  void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
};

// HMAC-SHA-256 over the concatenation of `parts`, fed piecewise so no copy of the message is
// assembled.
std::optional<Authenticator> hmac_sha256_of(
    std::span<const std::uint8_t> key, std::initializer_list<std::span<const std::uint8_t>> parts) {
  // Fetching resolves the algorithm in the provider tables; once per process is enough.
  static const std::unique_ptr<EVP_MAC, MacDeleter> hmac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!hmac) return std::nullopt;
  const std::unique_ptr<EVP_MAC_CTX, MacContextDeleter> context(EVP_MAC_CTX_new(hmac.get()));
  if (!context) return std::nullopt;
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  // A null key pointer means "keep the previous key" to EVP_MAC_init, so an empty key still
  // needs a valid pointer.
  static const std::uint8_t kNoKey = 0;
  const std::uint8_t* key_data = key.empty() ? &kNoKey : key.data();
  if (EVP_MAC_init(context.get(), key_data, key.size(), params) != 1) return std::nullopt;
  for (const auto& part : parts) {
    if (EVP_MAC_update(context.get(), part.data(), part.size()) != 1) return std::nullopt;
  }
  Authenticator out{};
  std::size_t written = 0;
  if (EVP_MAC_final(context.get(), out.data(), &written, out.size()) != 1 ||
      written != out.size()) {
    return std::nullopt;
  }
  return out;
}

// RFC 4285 §5.1: the option is the last one; only Pad1/PadN may follow it, to the end of the
// Mobility Header (they fill the MH to its 8-octet multiple). Also rejects a field that does not
// lie inside `mh` at all, so what follows never reads out of bounds.
bool authenticator_ends_message(std::span<const std::uint8_t> mh, const AuthenticatorField& field) {
  constexpr std::size_t kLengthUnit = 8;
  // The PBU/PBA fixed part (12 octets), then the option's Type, Length, Subtype and SPI.
  constexpr std::size_t kEarliestAuthenticator = 12 + 7;
  if (mh.size() < kLengthUnit) return false;
  const std::size_t length = (std::size_t{mh[1]} + 1) * kLengthUnit;
  if (length > mh.size() || field.offset < kEarliestAuthenticator || field.offset > length ||
      field.length > length - field.offset) {
    return false;
  }
  std::size_t at = field.offset + field.length;
  while (at < length) {
    if (mh[at] == static_cast<std::uint8_t>(OptionType::kPad1)) {
      ++at;
      continue;
    }
    if (mh[at] != static_cast<std::uint8_t>(OptionType::kPadN) || length - at < 2 ||
        length - at - 2 < mh[at + 1]) {
      return false;
    }
    at += 2 + std::size_t{mh[at + 1]};
  }
  return true;
}

tl::unexpected<SignError> sign_error(SignErrorKind kind, std::string detail) {
  return tl::unexpected(SignError{kind, std::move(detail)});
}

}  // namespace

std::optional<Authenticator> hmac_sha256(std::span<const std::uint8_t> key,
                                         std::span<const std::uint8_t> message) {
  return hmac_sha256_of(key, {message});
}

std::optional<Authenticator> compute_authenticator(const SecretKey& key,
                                                   const Ipv6Address& mag_address,
                                                   const Ipv6Address& lma_address,
                                                   std::span<const std::uint8_t> mh_data) {
  // RFC 4285 §5.1: care-of address | home address | MH Data, here MAG | LMA | MH Data.
  return hmac_sha256_of(key.octets(), {mag_address, lma_address, mh_data});
}

std::string_view to_string(VerifyOutcome outcome) {
  switch (outcome) {
    case VerifyOutcome::kOk:
      return "ok";
    case VerifyOutcome::kOkInsecure:
      return "ok_insecure";
    case VerifyOutcome::kUnknownPeer:
      return "unknown_peer";
    case VerifyOutcome::kUnsupportedMessage:
      return "unsupported_message";
    case VerifyOutcome::kMissingOption:
      return "missing_option";
    case VerifyOutcome::kOptionNotLast:
      return "option_not_last";
    case VerifyOutcome::kMnIdNotBeforeAuth:
      return "mn_id_not_before_auth";
    case VerifyOutcome::kUnsupportedSubtype:
      return "unsupported_subtype";
    case VerifyOutcome::kReservedSpi:
      return "reserved_spi";
    case VerifyOutcome::kUnknownSpi:
      return "unknown_spi";
    case VerifyOutcome::kBadAuthenticatorLength:
      return "bad_authenticator_length";
    case VerifyOutcome::kBadAuthenticator:
      return "bad_authenticator";
    case VerifyOutcome::kCryptoFailure:
      return "crypto_failure";
  }
  return "unknown";
}

template <typename Message>
tl::expected<SignedMessage, SignError> MessageAuthenticator::sign_message(
    Message message, const PseudoHeaderAddresses& addresses, const Ipv6Address& mag_address,
    const Ipv6Address& lma_address, std::optional<std::uint32_t> spi) const {
  const PeerSecurity* security = keys_->peer(addresses.destination);
  if (security == nullptr || (!security->insecure && security->keys.empty())) {
    return sign_error(
        SignErrorKind::kUnknownPeer,
        "no key for peer " + to_string(addresses.destination) + " and it is not marked insecure");
  }
  const PeerKey* key = nullptr;
  if (!security->insecure) {
    key = spi ? security->find(*spi) : nullptr;
    if (key == nullptr) key = security->newest();
  }
  message.options.authentication.reset();
  if (key != nullptr) {
    // A placeholder of the final length: the codec places the option, then the MAC fills it.
    message.options.authentication =
        AuthenticationOption{AuthenticationOption::kSubtypeMnHa, key->spi,
                             std::vector<std::uint8_t>(kAuthenticatorLength, 0)};
  }
  auto encoded = encode_mobility_header(message, std::nullopt);
  if (!encoded) return sign_error(SignErrorKind::kEncode, encoded.error().detail);
  if (key != nullptr) {
    const AuthenticatorField& field = *encoded->authenticator;
    const auto mac = compute_authenticator(key->key, mag_address, lma_address,
                                           authenticated_mh_data(encoded->bytes, field));
    if (!mac) return sign_error(SignErrorKind::kCryptoFailure, "HMAC-SHA-256 unavailable");
    std::copy(mac->begin(), mac->end(),
              encoded->bytes.begin() + static_cast<std::ptrdiff_t>(field.offset));
  }
  // Last, since the checksum covers the authenticator (RFC 4285 §5.1 computed it over 0).
  write_mh_checksum(encoded->bytes, addresses);
  return SignedMessage{std::move(encoded->bytes),
                       key != nullptr ? std::optional{key->spi} : std::nullopt};
}

tl::expected<SignedMessage, SignError> MessageAuthenticator::sign(
    const ProxyBindingUpdate& pbu, const PseudoHeaderAddresses& addresses) const {
  return sign_message(pbu, addresses, addresses.source, addresses.destination, std::nullopt);
}

tl::expected<SignedMessage, SignError> MessageAuthenticator::sign(
    const ProxyBindingAck& pba, const PseudoHeaderAddresses& addresses,
    std::optional<std::uint32_t> answer_spi) const {
  return sign_message(pba, addresses, addresses.destination, addresses.source, answer_spi);
}

Verification MessageAuthenticator::verify(std::span<const std::uint8_t> mh,
                                          const DecodedMobilityHeader& decoded,
                                          const PseudoHeaderAddresses& addresses) const {
  const auto outcome = [](VerifyOutcome o) { return Verification{o, std::nullopt}; };
  const PeerSecurity* security = keys_->peer(addresses.source);
  if (security == nullptr || (!security->insecure && security->keys.empty())) {
    return outcome(VerifyOutcome::kUnknownPeer);
  }
  if (security->insecure) return outcome(VerifyOutcome::kOkInsecure);

  const MobilityOptions* options = nullptr;
  Ipv6Address mag_address{};
  Ipv6Address lma_address{};
  if (const auto* pbu = std::get_if<ProxyBindingUpdate>(&decoded.message)) {
    options = &pbu->options;
    mag_address = addresses.source;
    lma_address = addresses.destination;
  } else if (const auto* pba = std::get_if<ProxyBindingAck>(&decoded.message)) {
    options = &pba->options;
    mag_address = addresses.destination;
    lma_address = addresses.source;
  } else {
    return outcome(VerifyOutcome::kUnsupportedMessage);
  }

  if (!options->authentication || !decoded.authenticator) {
    return outcome(VerifyOutcome::kMissingOption);
  }
  const AuthenticatorField& field = *decoded.authenticator;
  if (!authenticator_ends_message(mh, field)) return outcome(VerifyOutcome::kOptionNotLast);
  // The codec refuses any option after the authentication option, so an MN-ID that is present
  // precedes it; a PBU/PBA without one has nothing binding the key to a node.
  if (!options->mn_id) return outcome(VerifyOutcome::kMnIdNotBeforeAuth);
  const AuthenticationOption& auth = *options->authentication;
  if (auth.subtype != AuthenticationOption::kSubtypeMnHa) {
    return outcome(VerifyOutcome::kUnsupportedSubtype);
  }
  if (auth.spi < kFirstUsableSpi) return outcome(VerifyOutcome::kReservedSpi);
  const PeerKey* key = security->find(auth.spi);
  if (key == nullptr) return outcome(VerifyOutcome::kUnknownSpi);
  if (field.length != kAuthenticatorLength) {
    return outcome(VerifyOutcome::kBadAuthenticatorLength);
  }
  const auto expected =
      compute_authenticator(key->key, mag_address, lma_address, authenticated_mh_data(mh, field));
  if (!expected) return outcome(VerifyOutcome::kCryptoFailure);
  // Constant time: how many leading octets matched must not leak through the timing.
  if (CRYPTO_memcmp(expected->data(), mh.data() + field.offset, kAuthenticatorLength) != 0) {
    return outcome(VerifyOutcome::kBadAuthenticator);
  }
  return Verification{VerifyOutcome::kOk, auth.spi};
}

}  // namespace xpmip
