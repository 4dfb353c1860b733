// The Mobility Header frame (RFC 6275 §6.1.1, receive checks of §9.2) and the fixed parts of the
// Proxy Binding Update and Acknowledgement (RFC 5213 §8.1, §8.2; RFC 6275 §6.1.7, §6.1.8).
#include <algorithm>
#include <string>

#include "byte_order.hpp"
#include "options.hpp"
#include "xpmip/codec.hpp"

namespace xpmip {
namespace {

// MH octets: Payload Proto, Header Len, MH Type, Reserved, Checksum(2).
constexpr std::size_t kPayloadProtoOffset = 0;
constexpr std::size_t kHeaderLenOffset = 1;
constexpr std::size_t kTypeOffset = 2;
constexpr std::size_t kChecksumOffset = 4;
// Header Len counts 8-octet units beyond the first 8 octets (RFC 6275 §6.1.1).
constexpr std::size_t kLengthUnit = 8;
constexpr std::size_t kMinimumLength = 8;
constexpr std::size_t kMaximumLength = (255 + 1) * kLengthUnit;
// BU and BA share the length of their fixed part: options start at octet 12.
constexpr std::size_t kPbuPbaOptionsOffset = 12;

// MH types wire.hpp does not name, because no core handles them yet (RFC 7077 §4.1, §4.2).
constexpr std::uint8_t kUpdateNotification = 19;
constexpr std::uint8_t kUpdateNotificationAck = 20;

// The smallest Header Len each MH type allows (RFC 6275 §9.2, RFC 5847 §3.3, RFC 5846 §5,
// RFC 7077 §4). Types not listed only need the common 8 octets.
std::uint8_t minimum_header_len(std::uint8_t mh_type) {
  switch (mh_type) {
    case static_cast<std::uint8_t>(MhType::kBindingError):
      return 2;  // 8 + 16-octet Home Address
    case static_cast<std::uint8_t>(MhType::kBindingUpdate):
    case static_cast<std::uint8_t>(MhType::kBindingAck):
    case static_cast<std::uint8_t>(MhType::kHeartbeat):
    case static_cast<std::uint8_t>(MhType::kBindingRevocation):
    case kUpdateNotification:
    case kUpdateNotificationAck:
      return 1;  // a 12-octet fixed part, padded to 16
    default:
      return 0;
  }
}

tl::unexpected<ParseError> fail(ParseErrorKind kind, std::size_t at, std::string detail) {
  return tl::unexpected(ParseError{kind, at, std::move(detail)});
}

tl::expected<DecodedMobilityHeader, ParseError> with_options(auto message,
                                                             std::span<const std::uint8_t> mh) {
  auto decoded = options::decode(mh, kPbuPbaOptionsOffset, mh.size());
  if (!decoded) return tl::unexpected(std::move(decoded.error()));
  message.options = std::move(decoded->options);
  return DecodedMobilityHeader{std::move(message), decoded->authenticator};
}

// RFC 6275 §6.1.7 / RFC 5213 §8.1: Sequence #, the 16-bit flags word, Lifetime.
tl::expected<DecodedMobilityHeader, ParseError> decode_pbu(std::span<const std::uint8_t> mh) {
  ProxyBindingUpdate pbu;
  pbu.sequence = bytes::load_be16(mh, 6);
  pbu.flags = bytes::load_be16(mh, 8);
  pbu.lifetime = bytes::load_be16(mh, 10);
  return with_options(std::move(pbu), mh);
}

// RFC 6275 §6.1.8 / RFC 5213 §8.2: Status, the 8-bit flags, Sequence #, Lifetime.
tl::expected<DecodedMobilityHeader, ParseError> decode_pba(std::span<const std::uint8_t> mh) {
  ProxyBindingAck pba;
  pba.status = static_cast<PbaStatus>(mh[6]);
  pba.flags = mh[7];
  pba.sequence = bytes::load_be16(mh, 8);
  pba.lifetime = bytes::load_be16(mh, 10);
  return with_options(std::move(pba), mh);
}

std::vector<std::uint8_t> start_header(MhType type) {
  // Payload Proto, Header Len (set once the length is known), MH Type, Reserved, Checksum.
  return {kIpProtoNone, 0, static_cast<std::uint8_t>(type), 0, 0, 0};
}

tl::expected<EncodedMobilityHeader, EncodeError> finish(
    std::vector<std::uint8_t> mh, const MobilityOptions& options,
    const std::optional<PseudoHeaderAddresses>& checksum_for) {
  auto authenticator = options::append(options, mh);
  if (!authenticator) return tl::unexpected(std::move(authenticator.error()));
  options::pad_to(mh, kLengthUnit, 0);  // RFC 6275 §6.1.1: a multiple of 8 octets
  if (mh.size() > kMaximumLength) {
    return tl::unexpected(EncodeError{EncodeErrorKind::kMessageTooLong,
                                      "options need a " + std::to_string(mh.size()) +
                                          "-octet Mobility Header, the maximum is 2048"});
  }
  mh[kHeaderLenOffset] = static_cast<std::uint8_t>(mh.size() / kLengthUnit - 1);
  if (checksum_for) write_mh_checksum(mh, *checksum_for);
  return EncodedMobilityHeader{std::move(mh), *authenticator};
}

}  // namespace

std::string_view to_string(ParseErrorKind kind) {
  switch (kind) {
    case ParseErrorKind::kTruncated:
      return "truncated";
    case ParseErrorKind::kBadPayloadProto:
      return "bad_payload_proto";
    case ParseErrorKind::kHeaderLengthBelowMinimum:
      return "header_length_below_minimum";
    case ParseErrorKind::kHeaderLengthBeyondBuffer:
      return "header_length_beyond_buffer";
    case ParseErrorKind::kBadChecksum:
      return "bad_checksum";
    case ParseErrorKind::kOptionOverrun:
      return "option_overrun";
    case ParseErrorKind::kBadOptionLength:
      return "bad_option_length";
    case ParseErrorKind::kBadPrefixLength:
      return "bad_prefix_length";
    case ParseErrorKind::kDuplicateOption:
      return "duplicate_option";
    case ParseErrorKind::kAuthenticationNotLast:
      return "authentication_not_last";
  }
  return "unknown";
}

tl::expected<DecodedMobilityHeader, ParseError> parse_mobility_header(
    std::span<const std::uint8_t> bytes,
    const std::optional<PseudoHeaderAddresses>& verify_checksum_with) {
  if (bytes.size() < kMinimumLength) {
    return fail(ParseErrorKind::kTruncated, bytes.size(),
                "Mobility Header needs at least 8 octets, got " + std::to_string(bytes.size()));
  }
  // RFC 6275 §9.2 checks the checksum first: a corrupted message is discarded silently rather
  // than answered with the ICMP errors the later checks call for.
  if (verify_checksum_with && !mh_checksum_is_valid(bytes, *verify_checksum_with)) {
    return fail(ParseErrorKind::kBadChecksum, kChecksumOffset,
                "checksum " + std::to_string(bytes::load_be16(bytes, kChecksumOffset)) +
                    " does not match, expected " +
                    std::to_string(compute_mh_checksum(bytes, *verify_checksum_with)));
  }
  if (bytes[kPayloadProtoOffset] != kIpProtoNone) {
    return fail(ParseErrorKind::kBadPayloadProto, kPayloadProtoOffset,
                "Payload Proto " + std::to_string(bytes[kPayloadProtoOffset]) + ", expected 59");
  }
  const std::uint8_t header_len = bytes[kHeaderLenOffset];
  const std::uint8_t mh_type = bytes[kTypeOffset];
  if (header_len < minimum_header_len(mh_type)) {
    return fail(ParseErrorKind::kHeaderLengthBelowMinimum, kHeaderLenOffset,
                "Header Len " + std::to_string(header_len) + " is below the minimum " +
                    std::to_string(minimum_header_len(mh_type)) + " of MH type " +
                    std::to_string(mh_type));
  }
  const std::size_t length = (std::size_t{header_len} + 1) * kLengthUnit;
  if (length > bytes.size()) {
    return fail(ParseErrorKind::kHeaderLengthBeyondBuffer, kHeaderLenOffset,
                "Header Len " + std::to_string(header_len) + " means " + std::to_string(length) +
                    " octets, only " + std::to_string(bytes.size()) + " present");
  }
  const auto mh = bytes.first(length);
  switch (static_cast<MhType>(mh_type)) {
    case MhType::kBindingUpdate:
      return decode_pbu(mh);
    case MhType::kBindingAck:
      return decode_pba(mh);
    default:
      return DecodedMobilityHeader{OtherMobilityMessage{mh_type}, std::nullopt};
  }
}

tl::expected<EncodedMobilityHeader, EncodeError> encode_mobility_header(
    const ProxyBindingUpdate& pbu, const std::optional<PseudoHeaderAddresses>& checksum_for) {
  auto mh = start_header(MhType::kBindingUpdate);
  bytes::append_be16(mh, pbu.sequence);
  bytes::append_be16(mh, pbu.flags);
  bytes::append_be16(mh, pbu.lifetime);
  return finish(std::move(mh), pbu.options, checksum_for);
}

tl::expected<EncodedMobilityHeader, EncodeError> encode_mobility_header(
    const ProxyBindingAck& pba, const std::optional<PseudoHeaderAddresses>& checksum_for) {
  auto mh = start_header(MhType::kBindingAck);
  mh.push_back(static_cast<std::uint8_t>(pba.status));
  mh.push_back(pba.flags);
  bytes::append_be16(mh, pba.sequence);
  bytes::append_be16(mh, pba.lifetime);
  return finish(std::move(mh), pba.options, checksum_for);
}

std::vector<std::uint8_t> authenticated_mh_data(std::span<const std::uint8_t> mh,
                                                const AuthenticatorField& field) {
  std::vector<std::uint8_t> data(mh.begin(),
                                 mh.begin() + static_cast<std::ptrdiff_t>(field.offset));
  // RFC 4285 §5.1: the authenticator is computed with the MH Checksum field set to 0.
  std::fill_n(data.begin() + kChecksumOffset, 2, 0);
  return data;
}

}  // namespace xpmip
