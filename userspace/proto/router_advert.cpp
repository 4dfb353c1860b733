// RFC 4861 Router Solicitation / Router Advertisement encoding and validation.
#include "xpmip/router_advert.hpp"

#include <algorithm>
#include <cstddef>

#include "byte_order.hpp"
#include "xpmip/address.hpp"

namespace xpmip::nd {
namespace {

// RFC 4861 §4.6: option Length counts units of 8 octets, including Type and Length.
constexpr std::size_t kOptionUnit = 8;
constexpr std::uint8_t kOptionSourceLinkLayer = 1;
constexpr std::uint8_t kOptionPrefixInformation = 3;
constexpr std::uint8_t kOptionMtu = 5;

constexpr std::size_t kRsFixedLength = 8;   // RFC 4861 §4.1
constexpr std::size_t kRaFixedLength = 16;  // RFC 4861 §4.2
// Option Length values: RFC 2464 §6 (an Ethernet SLLA is 8 octets), RFC 4861 §4.6.2, §4.6.4.
constexpr std::uint8_t kSllaUnits = 1;
constexpr std::uint8_t kPrefixInformationUnits = 4;
constexpr std::uint8_t kMtuUnits = 1;

constexpr std::uint8_t kFlagManaged = 0x80;
constexpr std::uint8_t kFlagOther = 0x40;
constexpr std::uint8_t kFlagOnLink = 0x80;
constexpr std::uint8_t kFlagAutonomous = 0x40;

void append_zeros(std::vector<std::uint8_t>& out, std::size_t count) {
  out.insert(out.end(), count, 0);
}

void append_slla(std::vector<std::uint8_t>& out, const MacAddress& mac) {
  out.push_back(kOptionSourceLinkLayer);
  out.push_back(kSllaUnits);
  out.insert(out.end(), mac.begin(), mac.end());
}

void append_mtu(std::vector<std::uint8_t>& out, std::uint32_t mtu) {
  out.push_back(kOptionMtu);
  out.push_back(kMtuUnits);
  append_zeros(out, 2);
  bytes::append_be32(out, mtu);
}

// RFC 4861 §4.6.2 layout: Type, Length, Prefix Length, L|A|Reserved1, Valid Lifetime, Preferred
// Lifetime, Reserved2, Prefix.
void append_prefix_information(std::vector<std::uint8_t>& out, const PrefixInformation& pio) {
  out.push_back(kOptionPrefixInformation);
  out.push_back(kPrefixInformationUnits);
  out.push_back(pio.prefix.length);
  out.push_back(static_cast<std::uint8_t>((pio.on_link ? kFlagOnLink : 0) |
                                          (pio.autonomous ? kFlagAutonomous : 0)));
  bytes::append_be32(out, pio.valid_lifetime_s);
  bytes::append_be32(out, pio.preferred_lifetime_s);
  append_zeros(out, 4);
  out.insert(out.end(), pio.prefix.address.begin(), pio.prefix.address.end());
}

tl::expected<void, NdError> check_prefix_information(const PrefixInformation& pio) {
  if (pio.prefix.length > 128) return tl::unexpected(NdError::kBadPrefixLength);
  if (pio.preferred_lifetime_s > pio.valid_lifetime_s)
    return tl::unexpected(NdError::kPreferredExceedsValid);
  return {};
}

// One option as found in a message: its type and the octets after Type and Length.
struct RawOption {
  std::uint8_t type = 0;
  std::uint8_t units = 0;
  std::span<const std::uint8_t> body;
};

// Walks the options area, calling `visit` for each; stops at the first malformed option or the
// first error `visit` returns (RFC 4861 §4.6: every option's Length must be non-zero).
template <typename Visit>
tl::expected<void, NdError> for_each_option(std::span<const std::uint8_t> options, Visit visit) {
  while (!options.empty()) {
    if (options.size() < 2) return tl::unexpected(NdError::kOptionOverrun);
    const std::uint8_t units = options[1];
    if (units == 0) return tl::unexpected(NdError::kZeroLengthOption);
    const std::size_t length = std::size_t{units} * kOptionUnit;
    if (length > options.size()) return tl::unexpected(NdError::kOptionOverrun);
    auto result = visit(RawOption{options[0], units, options.subspan(2, length - 2)});
    if (!result) return result;
    options = options.subspan(length);
  }
  return {};
}

tl::expected<MacAddress, NdError> read_slla(const RawOption& option) {
  if (option.units != kSllaUnits) return tl::unexpected(NdError::kBadOptionLength);
  MacAddress mac{};
  std::copy_n(option.body.begin(), mac.size(), mac.begin());
  return mac;
}

tl::expected<PrefixInformation, NdError> read_prefix_information(const RawOption& option) {
  if (option.units != kPrefixInformationUnits) return tl::unexpected(NdError::kBadOptionLength);
  const auto body = option.body;  // starts at Prefix Length
  PrefixInformation pio;
  pio.prefix.length = body[0];
  if (pio.prefix.length > 128) return tl::unexpected(NdError::kBadPrefixLength);
  pio.on_link = (body[1] & kFlagOnLink) != 0;
  pio.autonomous = (body[1] & kFlagAutonomous) != 0;
  pio.valid_lifetime_s = bytes::load_be32(body, 2);
  pio.preferred_lifetime_s = bytes::load_be32(body, 6);
  std::copy_n(body.begin() + 14, pio.prefix.address.size(), pio.prefix.address.begin());
  return pio;
}

tl::expected<void, NdError> check_icmp_header(std::span<const std::uint8_t> icmp, std::uint8_t type,
                                              std::size_t fixed_length) {
  if (icmp.size() < fixed_length) return tl::unexpected(NdError::kTruncated);
  if (icmp[0] != type) return tl::unexpected(NdError::kWrongType);
  if (icmp[1] != 0) return tl::unexpected(NdError::kBadCode);
  return {};
}

}  // namespace

PrefixInformation withdrawal_of(const Prefix& prefix) {
  return PrefixInformation{.prefix = prefix,
                           .on_link = true,
                           .autonomous = true,
                           .valid_lifetime_s = 0,
                           .preferred_lifetime_s = 0};
}

std::string_view to_string(NdError error) {
  switch (error) {
    case NdError::kTruncated:
      return "truncated";
    case NdError::kWrongType:
      return "wrong_type";
    case NdError::kBadCode:
      return "bad_code";
    case NdError::kZeroLengthOption:
      return "zero_length_option";
    case NdError::kOptionOverrun:
      return "option_overrun";
    case NdError::kBadOptionLength:
      return "bad_option_length";
    case NdError::kBadPrefixLength:
      return "bad_prefix_length";
    case NdError::kPreferredExceedsValid:
      return "preferred_exceeds_valid";
    case NdError::kRouterLifetimeTooLong:
      return "router_lifetime_too_long";
    case NdError::kMtuTooSmall:
      return "mtu_too_small";
    case NdError::kHopLimitNot255:
      return "hop_limit_not_255";
    case NdError::kLinkLayerAddressFromUnspecified:
      return "link_layer_address_from_unspecified";
  }
  return "unknown";
}

tl::expected<std::vector<std::uint8_t>, NdError> encode_router_advertisement(
    const RouterAdvertisement& ra) {
  if (ra.router_lifetime_s > kMaxRouterLifetimeSeconds)
    return tl::unexpected(NdError::kRouterLifetimeTooLong);
  if (ra.mtu && *ra.mtu < kMinimumIpv6Mtu) return tl::unexpected(NdError::kMtuTooSmall);
  for (const auto& pio : ra.prefixes) {
    if (auto valid = check_prefix_information(pio); !valid) return tl::unexpected(valid.error());
  }

  std::vector<std::uint8_t> out;
  out.reserve(kRaFixedLength + 16 + 32 * ra.prefixes.size());
  out.push_back(kTypeRouterAdvertisement);
  out.push_back(0);      // Code
  append_zeros(out, 2);  // Checksum: filled by the kernel
  out.push_back(ra.cur_hop_limit);
  out.push_back(
      static_cast<std::uint8_t>((ra.managed ? kFlagManaged : 0) | (ra.other ? kFlagOther : 0)));
  bytes::append_be16(out, ra.router_lifetime_s);
  bytes::append_be32(out, ra.reachable_time_ms);
  bytes::append_be32(out, ra.retrans_timer_ms);
  if (ra.source_link_layer) append_slla(out, *ra.source_link_layer);
  if (ra.mtu) append_mtu(out, *ra.mtu);
  for (const auto& pio : ra.prefixes) append_prefix_information(out, pio);
  return out;
}

tl::expected<RouterAdvertisement, NdError> parse_router_advertisement(
    std::span<const std::uint8_t> icmp) {
  if (auto header = check_icmp_header(icmp, kTypeRouterAdvertisement, kRaFixedLength); !header)
    return tl::unexpected(header.error());

  RouterAdvertisement ra;
  ra.cur_hop_limit = icmp[4];
  ra.managed = (icmp[5] & kFlagManaged) != 0;
  ra.other = (icmp[5] & kFlagOther) != 0;
  ra.router_lifetime_s = bytes::load_be16(icmp, 6);
  ra.reachable_time_ms = bytes::load_be32(icmp, 8);
  ra.retrans_timer_ms = bytes::load_be32(icmp, 12);

  auto walked = for_each_option(icmp.subspan(kRaFixedLength),
                                [&ra](const RawOption& option) -> tl::expected<void, NdError> {
                                  switch (option.type) {
                                    case kOptionSourceLinkLayer: {
                                      auto mac = read_slla(option);
                                      if (!mac) return tl::unexpected(mac.error());
                                      ra.source_link_layer = *mac;
                                      return {};
                                    }
                                    case kOptionMtu: {
                                      if (option.units != kMtuUnits)
                                        return tl::unexpected(NdError::kBadOptionLength);
                                      ra.mtu = bytes::load_be32(option.body, 2);
                                      return {};
                                    }
                                    case kOptionPrefixInformation: {
                                      auto pio = read_prefix_information(option);
                                      if (!pio) return tl::unexpected(pio.error());
                                      ra.prefixes.push_back(*pio);
                                      return {};
                                    }
                                    default:
                                      return {};
                                  }
                                });
  if (!walked) return tl::unexpected(walked.error());
  return ra;
}

tl::expected<RouterSolicitation, NdError> parse_router_solicitation(
    std::span<const std::uint8_t> icmp) {
  if (auto header = check_icmp_header(icmp, kTypeRouterSolicitation, kRsFixedLength); !header)
    return tl::unexpected(header.error());

  RouterSolicitation rs;
  auto walked = for_each_option(icmp.subspan(kRsFixedLength),
                                [&rs](const RawOption& option) -> tl::expected<void, NdError> {
                                  if (option.type != kOptionSourceLinkLayer) return {};
                                  auto mac = read_slla(option);
                                  if (!mac) return tl::unexpected(mac.error());
                                  rs.source_link_layer = *mac;
                                  return {};
                                });
  if (!walked) return tl::unexpected(walked.error());
  return rs;
}

tl::expected<void, NdError> check_router_solicitation_context(const RouterSolicitation& rs,
                                                              const Ipv6Address& source,
                                                              int hop_limit) {
  if (hop_limit != kRequiredHopLimit) return tl::unexpected(NdError::kHopLimitNot255);
  if (is_unspecified(source) && rs.source_link_layer)
    return tl::unexpected(NdError::kLinkLayerAddressFromUnspecified);
  return {};
}

Ipv6Address advertisement_destination(const Ipv6Address& solicitation_source) {
  return is_unspecified(solicitation_source) ? kAllNodes : solicitation_source;
}

}  // namespace xpmip::nd
