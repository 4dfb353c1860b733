// Mobility option TLVs: the option table of RFC 5213 §8.3-§8.8, RFC 6275 §6.2.5, RFC 4283 §3,
// RFC 4285 §5 and RFC 5847 §3.4, with the receive-side checks of RFC 6275 §9.2 / RFC 5213 §8.
#include "options.hpp"

#include <algorithm>
#include <string>

#include "byte_order.hpp"

namespace xpmip::options {
namespace {

constexpr std::size_t kTypeAndLength = 2;
constexpr std::size_t kMaxOptionData = 255;  // the Length octet's range

// Fixed data lengths (octets after Type and Length).
constexpr std::size_t kHnpLength = 18;       // RFC 5213 §8.3
constexpr std::size_t kHiLength = 2;         // RFC 5213 §8.4
constexpr std::size_t kAttLength = 2;        // RFC 5213 §8.5
constexpr std::size_t kAddressLength = 16;   // RFC 5213 §8.7, RFC 6275 §6.2.5
constexpr std::size_t kTimestampLength = 8;  // RFC 5213 §8.8
constexpr std::size_t kRestartLength = 4;    // RFC 5847 §3.4
// Minimum data lengths: the fields that precede a variable-length identifier.
constexpr std::size_t kMnIdHeader = 1;         // Subtype (RFC 4283 §3)
constexpr std::size_t kLinkLayerIdHeader = 2;  // Reserved (RFC 5213 §8.6)
constexpr std::size_t kAuthHeader = 5;         // Subtype, SPI (RFC 4285 §5)
constexpr std::uint8_t kMaxPrefixLength = 128;

const char* option_name(std::uint8_t type) {
  switch (static_cast<OptionType>(type)) {
    case OptionType::kPad1:
      return "Pad1";
    case OptionType::kPadN:
      return "PadN";
    case OptionType::kAlternateCareOf:
      return "Alternate Care-of Address";
    case OptionType::kMobileNodeId:
      return "Mobile Node Identifier";
    case OptionType::kAuthentication:
      return "Mobility Message Authentication";
    case OptionType::kHomeNetworkPrefix:
      return "Home Network Prefix";
    case OptionType::kHandoffIndicator:
      return "Handoff Indicator";
    case OptionType::kAccessTechType:
      return "Access Technology Type";
    case OptionType::kMnLinkLayerId:
      return "Mobile Node Link-layer Identifier";
    case OptionType::kLinkLocalAddress:
      return "Link-local Address";
    case OptionType::kTimestamp:
      return "Timestamp";
    case OptionType::kRestartCounter:
      return "Restart Counter";
  }
  return "unknown";
}

// One option as found on the wire; `at` is the MH offset of its Type octet.
struct RawOption {
  std::uint8_t type;
  std::size_t at;
  std::span<const std::uint8_t> data;
};

tl::unexpected<ParseError> fail(ParseErrorKind kind, std::size_t at, std::string detail) {
  return tl::unexpected(ParseError{kind, at, std::move(detail)});
}

tl::unexpected<ParseError> length_error(const RawOption& opt, const std::string& expected) {
  return fail(ParseErrorKind::kBadOptionLength, opt.at,
              std::string(option_name(opt.type)) + " option has length " +
                  std::to_string(opt.data.size()) + ", expected " + expected);
}

tl::expected<void, ParseError> require_length(const RawOption& opt, std::size_t length) {
  if (opt.data.size() == length) return {};
  return length_error(opt, std::to_string(length));
}

tl::expected<void, ParseError> require_at_least(const RawOption& opt, std::size_t length) {
  if (opt.data.size() >= length) return {};
  return length_error(opt, "at least " + std::to_string(length));
}

// RFC 5213 §8.1/§8.2: every option but HNP may appear only once in a PBU or PBA.
template <typename T>
tl::expected<void, ParseError> store_once(std::optional<T>& slot, T value, const RawOption& opt) {
  if (slot) {
    return fail(ParseErrorKind::kDuplicateOption, opt.at,
                std::string(option_name(opt.type)) + " option appears more than once");
  }
  slot = std::move(value);
  return {};
}

Ipv6Address address_at(std::span<const std::uint8_t> data, std::size_t at) {
  Ipv6Address a{};
  std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(at), a.size(), a.begin());
  return a;
}

std::vector<std::uint8_t> tail(std::span<const std::uint8_t> data, std::size_t from) {
  return {data.begin() + static_cast<std::ptrdiff_t>(from), data.end()};
}

tl::expected<void, ParseError> decode_home_network_prefix(const RawOption& opt,
                                                          MobilityOptions& out) {
  if (auto ok = require_length(opt, kHnpLength); !ok) return ok;
  // Layout after Type/Length: Reserved(1), Prefix Length(1), Prefix(16) [RFC 5213 §8.3].
  const std::uint8_t length = opt.data[1];
  if (length > kMaxPrefixLength) {
    return fail(ParseErrorKind::kBadPrefixLength, opt.at + kTypeAndLength + 1,
                "Home Network Prefix length " + std::to_string(length) + " exceeds 128");
  }
  out.home_network_prefixes.push_back(Prefix{address_at(opt.data, 2), length});
  return {};
}

tl::expected<void, ParseError> decode_one(const RawOption& opt, DecodedOptions& decoded) {
  MobilityOptions& out = decoded.options;
  const auto& data = opt.data;
  switch (static_cast<OptionType>(opt.type)) {
    case OptionType::kPad1:  // handled by the walker: it has no Length octet
    case OptionType::kPadN:
      return {};
    case OptionType::kHomeNetworkPrefix:
      return decode_home_network_prefix(opt, out);
    case OptionType::kMobileNodeId: {
      if (auto ok = require_at_least(opt, kMnIdHeader); !ok) return ok;
      MobileNodeId id{data[0], std::string(data.begin() + kMnIdHeader, data.end())};
      return store_once(out.mn_id, std::move(id), opt);
    }
    case OptionType::kHandoffIndicator:
      if (auto ok = require_length(opt, kHiLength); !ok) return ok;
      return store_once(out.handoff_indicator, static_cast<HandoffIndicator>(data[1]), opt);
    case OptionType::kAccessTechType:
      if (auto ok = require_length(opt, kAttLength); !ok) return ok;
      return store_once(out.access_tech, static_cast<AccessTechnology>(data[1]), opt);
    case OptionType::kMnLinkLayerId:
      if (auto ok = require_at_least(opt, kLinkLayerIdHeader); !ok) return ok;
      return store_once(out.mn_link_layer_id, tail(data, kLinkLayerIdHeader), opt);
    case OptionType::kLinkLocalAddress:
      if (auto ok = require_length(opt, kAddressLength); !ok) return ok;
      return store_once(out.link_local_address, address_at(data, 0), opt);
    case OptionType::kAlternateCareOf:
      if (auto ok = require_length(opt, kAddressLength); !ok) return ok;
      return store_once(out.alternate_care_of, address_at(data, 0), opt);
    case OptionType::kTimestamp:
      if (auto ok = require_length(opt, kTimestampLength); !ok) return ok;
      return store_once(out.timestamp, bytes::load_be64(data, 0), opt);
    case OptionType::kRestartCounter:
      if (auto ok = require_length(opt, kRestartLength); !ok) return ok;
      return store_once(out.restart_counter, bytes::load_be32(data, 0), opt);
    case OptionType::kAuthentication: {
      if (auto ok = require_at_least(opt, kAuthHeader); !ok) return ok;
      AuthenticationOption auth{data[0], bytes::load_be32(data, 1), tail(data, kAuthHeader)};
      decoded.authenticator =
          AuthenticatorField{opt.at + kTypeAndLength + kAuthHeader, data.size() - kAuthHeader};
      return store_once(out.authentication, std::move(auth), opt);
    }
  }
  return {};  // RFC 6275 §6.2.1: unrecognized options are skipped using their Length
}

// --- encoding ---

void append_header(std::vector<std::uint8_t>& mh, OptionType type, std::size_t data_length) {
  mh.push_back(static_cast<std::uint8_t>(type));
  mh.push_back(static_cast<std::uint8_t>(data_length));
}

void append_address(std::vector<std::uint8_t>& mh, const Ipv6Address& a) {
  mh.insert(mh.end(), a.begin(), a.end());
}

tl::unexpected<EncodeError> too_long(OptionType type, std::size_t data_length) {
  return tl::unexpected(EncodeError{EncodeErrorKind::kOptionTooLong,
                                    std::string(option_name(static_cast<std::uint8_t>(type))) +
                                        " option needs " + std::to_string(data_length) +
                                        " octets of data, the Length field holds at most 255"});
}

// RFC 4285 §5 asks for 4n+1. When the authenticator is a multiple of 4 octets, picking the 8n+y
// that also ends the option on an 8-octet boundary lets it be the very last octets of the MH, with
// no padding after the option that "MUST be the last option".
std::size_t authentication_modulus(std::size_t authenticator_length) {
  return authenticator_length % 4 == 0 ? 8 : 4;
}
std::size_t authentication_offset(std::size_t authenticator_length) {
  if (authenticator_length % 4 != 0) return 1;
  const std::size_t option_length = kTypeAndLength + kAuthHeader + authenticator_length;
  return (8 - option_length % 8) % 8;
}

}  // namespace

tl::expected<DecodedOptions, ParseError> decode(std::span<const std::uint8_t> mh, std::size_t begin,
                                                std::size_t end) {
  DecodedOptions decoded;
  std::size_t at = begin;
  while (at < end) {
    const std::uint8_t type = mh[at];
    if (static_cast<OptionType>(type) == OptionType::kPad1) {
      ++at;
      continue;
    }
    if (end - at < kTypeAndLength) {
      return fail(ParseErrorKind::kOptionOverrun, at,
                  std::string(option_name(type)) + " option (type " + std::to_string(type) +
                      ") at offset " + std::to_string(at) + " has no room for its Length octet");
    }
    const std::size_t length = mh[at + 1];
    if (end - at - kTypeAndLength < length) {
      return fail(ParseErrorKind::kOptionOverrun, at,
                  std::string(option_name(type)) + " option (type " + std::to_string(type) +
                      ") of length " + std::to_string(length) + " runs " +
                      std::to_string(at + kTypeAndLength + length - end) +
                      " octets past the message end");
    }
    // RFC 4285 §5.1: the authentication option is the last one; padding may still follow it,
    // since an authenticator that is not a multiple of 4 octets cannot end the MH otherwise.
    if (decoded.options.authentication && static_cast<OptionType>(type) != OptionType::kPadN) {
      return fail(ParseErrorKind::kAuthenticationNotLast, at,
                  std::string(option_name(type)) + " option (type " + std::to_string(type) +
                      ") follows the Mobility Message Authentication option");
    }
    const RawOption opt{type, at, mh.subspan(at + kTypeAndLength, length)};
    if (auto ok = decode_one(opt, decoded); !ok) return tl::unexpected(std::move(ok.error()));
    at += kTypeAndLength + length;
  }
  return decoded;
}

void pad_to(std::vector<std::uint8_t>& mh, std::size_t x, std::size_t y) {
  const std::size_t needed = (y + x - mh.size() % x) % x;
  if (needed == 1) {
    mh.push_back(static_cast<std::uint8_t>(OptionType::kPad1));
  } else if (needed >= 2) {
    append_header(mh, OptionType::kPadN, needed - kTypeAndLength);
    mh.insert(mh.end(), needed - kTypeAndLength, 0);
  }
}

tl::expected<std::optional<AuthenticatorField>, EncodeError> append(const MobilityOptions& options,
                                                                    std::vector<std::uint8_t>& mh) {
  // Order: the 8n+4 HNPs first (the fixed part ends at 12 = 8+4, so the first needs no padding),
  // then the other aligned options, the unaligned ones, and the MN-ID, which RFC 4283 §3.2 wants
  // ahead of the authentication option that RFC 4285 §5.1 puts last.
  for (const Prefix& prefix : options.home_network_prefixes) {
    if (prefix.length > kMaxPrefixLength) {
      return tl::unexpected(EncodeError{
          EncodeErrorKind::kBadPrefixLength,
          "Home Network Prefix length " + std::to_string(prefix.length) + " exceeds 128"});
    }
    pad_to(mh, 8, 4);  // RFC 5213 §8.3
    append_header(mh, OptionType::kHomeNetworkPrefix, kHnpLength);
    mh.push_back(0);  // Reserved
    mh.push_back(prefix.length);
    append_address(mh, prefix.address);
  }
  if (options.link_local_address) {
    pad_to(mh, 8, 6);  // RFC 5213 §8.7
    append_header(mh, OptionType::kLinkLocalAddress, kAddressLength);
    append_address(mh, *options.link_local_address);
  }
  if (options.alternate_care_of) {
    pad_to(mh, 8, 6);  // RFC 6275 §6.2.5
    append_header(mh, OptionType::kAlternateCareOf, kAddressLength);
    append_address(mh, *options.alternate_care_of);
  }
  if (options.timestamp) {
    pad_to(mh, 8, 2);  // RFC 5213 §8.8
    append_header(mh, OptionType::kTimestamp, kTimestampLength);
    bytes::append_be64(mh, *options.timestamp);
  }
  if (options.restart_counter) {
    pad_to(mh, 4, 2);  // RFC 5847 §3.4
    append_header(mh, OptionType::kRestartCounter, kRestartLength);
    bytes::append_be32(mh, *options.restart_counter);
  }
  if (options.handoff_indicator) {  // RFC 5213 §8.4: no alignment requirement
    append_header(mh, OptionType::kHandoffIndicator, kHiLength);
    mh.push_back(0);  // Reserved
    mh.push_back(static_cast<std::uint8_t>(*options.handoff_indicator));
  }
  if (options.access_tech) {  // RFC 5213 §8.5: no alignment requirement
    append_header(mh, OptionType::kAccessTechType, kAttLength);
    mh.push_back(0);  // Reserved
    mh.push_back(static_cast<std::uint8_t>(*options.access_tech));
  }
  if (options.mn_link_layer_id) {
    const auto& id = *options.mn_link_layer_id;
    const std::size_t length = kLinkLayerIdHeader + id.size();
    if (length > kMaxOptionData) return too_long(OptionType::kMnLinkLayerId, length);
    // RFC 5213 §8.6 leaves the alignment to the identifier; 8n+4 starts it on an 8-octet
    // boundary, which suits a 6-octet MAC as well as an 8-octet EUI-64.
    pad_to(mh, 8, 4);
    append_header(mh, OptionType::kMnLinkLayerId, length);
    mh.insert(mh.end(), kLinkLayerIdHeader, 0);  // Reserved
    mh.insert(mh.end(), id.begin(), id.end());
  }
  if (options.mn_id) {  // RFC 4283 §3: no alignment requirement
    const std::size_t length = kMnIdHeader + options.mn_id->identifier.size();
    if (length > kMaxOptionData) return too_long(OptionType::kMobileNodeId, length);
    append_header(mh, OptionType::kMobileNodeId, length);
    mh.push_back(options.mn_id->subtype);
    mh.insert(mh.end(), options.mn_id->identifier.begin(), options.mn_id->identifier.end());
  }
  if (!options.authentication) return std::nullopt;

  const auto& auth = *options.authentication;
  const std::size_t length = kAuthHeader + auth.authenticator.size();
  if (length > kMaxOptionData) return too_long(OptionType::kAuthentication, length);
  pad_to(mh, authentication_modulus(auth.authenticator.size()),
         authentication_offset(auth.authenticator.size()));
  append_header(mh, OptionType::kAuthentication, length);
  mh.push_back(auth.subtype);
  bytes::append_be32(mh, auth.spi);
  const AuthenticatorField field{mh.size(), auth.authenticator.size()};
  mh.insert(mh.end(), auth.authenticator.begin(), auth.authenticator.end());
  return field;
}

}  // namespace xpmip::options
