// Bytes <-> wire.hpp values for the Mobility Header (RFC 6275 §6.1) carrying a Proxy Binding
// Update or Acknowledgement (RFC 5213 §8.1, §8.2) and their mobility options (RFC 5213 §8,
// RFC 6275 §6.2, RFC 4283, RFC 4285, RFC 5847). Pure: no sockets, no clock, no crypto.
//
// Receiving: parse_mobility_header() over the IPv6 payload that follows the header whose Next
// Header is 135. Sending: encode_mobility_header(), then (when an authentication option is
// present) fill the authenticator in place and call write_mh_checksum() last, because the checksum
// covers the authenticator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "xpmip/wire.hpp"

namespace xpmip {

// IANA protocol numbers the Mobility Header depends on (RFC 6275 §6.1.1).
inline constexpr std::uint8_t kIpProtoMobilityHeader = 135;
inline constexpr std::uint8_t kIpProtoNone = 59;  // the only Payload Proto a sender may use

// Why a Mobility Header was rejected. Each value names one check; the daemon counts them.
enum class ParseErrorKind : std::uint8_t {
  kTruncated,                 // fewer than the 8 octets every MH has
  kBadPayloadProto,           // Payload Proto is not 59 (RFC 6275 §9.2)
  kHeaderLengthBelowMinimum,  // Header Len below the MH type's minimum (RFC 6275 §9.2)
  kHeaderLengthBeyondBuffer,  // (Header Len + 1) * 8 octets are not all present
  kBadChecksum,               // RFC 6275 §6.1.1 / §9.2
  kOptionOverrun,             // an option's Type/Length or data runs past the message end
  kBadOptionLength,           // an option's Length differs from (or is below) its fixed length
  kBadPrefixLength,           // Home Network Prefix length above 128 (RFC 5213 §8.3)
  kDuplicateOption,           // a non-repeatable option appears twice (RFC 5213 §8.1, §8.2)
  kAuthenticationNotLast,     // an option follows the authentication option (RFC 4285 §5.1)
};

struct ParseError {
  ParseErrorKind kind;
  // Offset into the Mobility Header of the octet at fault (e.g. 1 for Header Len), which is what
  // an ICMPv6 Parameter Problem pointer needs once the MH's own offset is added (RFC 6275 §9.2).
  std::size_t offset = 0;
  std::string detail;  // for logs: names the field, the value seen and the value expected
};

// A stable lowercase identifier for counters and logs, e.g. "bad_checksum".
[[nodiscard]] std::string_view to_string(ParseErrorKind kind);

enum class EncodeErrorKind : std::uint8_t {
  kMessageTooLong,   // more than the 2048 octets an 8-bit Header Len can describe
  kOptionTooLong,    // an option's data does not fit its 8-bit Length field
  kBadPrefixLength,  // a Home Network Prefix length above 128
};

struct EncodeError {
  EncodeErrorKind kind;
  std::string detail;
};

// The IPv6 addresses that enter the MH checksum's pseudo-header (RFC 8200 §8.1).
struct PseudoHeaderAddresses {
  Ipv6Address source{};
  Ipv6Address destination{};
};

// Where the RFC 4285 §5.1 authenticator sits in an encoded Mobility Header. The data it
// authenticates is MH octets [0, offset) -- Payload Proto through the option's SPI -- taken with
// the Checksum field set to 0 (see authenticated_mh_data()).
struct AuthenticatorField {
  std::size_t offset = 0;
  std::size_t length = 0;
  auto operator<=>(const AuthenticatorField&) const = default;
};

struct DecodedMobilityHeader {
  MobilityMessage message;
  // Present exactly when the message carries a Mobility Message Authentication option.
  std::optional<AuthenticatorField> authenticator;
};

// Decodes one Mobility Header. `bytes` is the whole upper-layer payload; octets after the MH's
// (Header Len + 1) * 8 are ignored as RFC 8200 §4.7 asks after Next Header 59, but they count in
// the checksum, like they do for the kernel. With `verify_checksum_with` empty the checksum is
// not checked: a raw socket with IPV6_CHECKSUM set has already discarded bad ones.
// BU and BA decode whatever their P flag says (the protocol cores judge the flags); every other
// well-formed MH type decodes to OtherMobilityMessage.
[[nodiscard]] tl::expected<DecodedMobilityHeader, ParseError> parse_mobility_header(
    std::span<const std::uint8_t> bytes,
    const std::optional<PseudoHeaderAddresses>& verify_checksum_with);

struct EncodedMobilityHeader {
  std::vector<std::uint8_t> bytes;  // a multiple of 8 octets
  std::optional<AuthenticatorField> authenticator;
};

// Encodes a PBU (MH type 5) or PBA (MH type 6) with every option on its xn+y boundary (RFC 6275
// §6.2, RFC 5213 §8) and the MH padded to a multiple of 8 octets. The checksum is computed when
// `checksum_for` is given and left 0 otherwise (for a socket with IPV6_CHECKSUM, or for a caller
// that still has to fill an authenticator).
[[nodiscard]] tl::expected<EncodedMobilityHeader, EncodeError> encode_mobility_header(
    const ProxyBindingUpdate& pbu, const std::optional<PseudoHeaderAddresses>& checksum_for);
[[nodiscard]] tl::expected<EncodedMobilityHeader, EncodeError> encode_mobility_header(
    const ProxyBindingAck& pba, const std::optional<PseudoHeaderAddresses>& checksum_for);

// The RFC 6275 §6.1.1 checksum of `mh`, computed as if its Checksum field (octets 4-5) were 0.
// `mh` must hold at least 6 octets.
[[nodiscard]] std::uint16_t compute_mh_checksum(std::span<const std::uint8_t> mh,
                                                const PseudoHeaderAddresses& addresses);

// Whether the Checksum field of `mh` (at least 6 octets) matches its contents.
[[nodiscard]] bool mh_checksum_is_valid(std::span<const std::uint8_t> mh,
                                        const PseudoHeaderAddresses& addresses);

// Stores compute_mh_checksum() into octets 4-5 of `mh` (at least 6 octets).
void write_mh_checksum(std::span<std::uint8_t> mh, const PseudoHeaderAddresses& addresses);

// A copy of MH octets [0, field.offset) with the Checksum field zeroed: the "MH Data" that
// RFC 4285 §5.1 feeds to the authenticator after the care-of and home addresses.
// `field` must come from parsing or encoding `mh`.
[[nodiscard]] std::vector<std::uint8_t> authenticated_mh_data(std::span<const std::uint8_t> mh,
                                                              const AuthenticatorField& field);

}  // namespace xpmip
