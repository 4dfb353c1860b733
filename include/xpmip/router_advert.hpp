// Router Solicitation and Router Advertisement messages (RFC 4861 §4.1, §4.2, §4.6) as a MAG
// sends and receives them on its access links (RFC 5213 §6.7, §6.9.2, §6.9.3). Pure: bytes in,
// values out and back. The bytes are the ICMPv6 message only; the checksum field is left 0 on
// encode because the kernel's ICMPv6 raw socket always computes it (RFC 3542 §3.1).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "xpmip/wire.hpp"

namespace xpmip {

namespace nd {

inline constexpr std::uint8_t kTypeRouterSolicitation = 133;
inline constexpr std::uint8_t kTypeRouterAdvertisement = 134;

// RFC 4861 §6.1.1, §6.1.2: neighbour discovery messages arrive with IPv6 hop limit 255, which
// proves they were not forwarded by a router.
inline constexpr int kRequiredHopLimit = 255;

// RFC 6543 §2: the link-layer and link-local addresses reserved so that every MAG of a domain
// looks like the same default router (RFC 5213 §6.9.3).
inline constexpr MacAddress kFixedMagMac{0x00, 0x00, 0x5e, 0x00, 0x52, 0x13};
inline constexpr Ipv6Address kFixedMagLinkLocal{0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                                                0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x52, 0x13};

inline constexpr Ipv6Address kAllNodes{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
inline constexpr Ipv6Address kAllRouters{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

// RFC 4861 §6.2.1: AdvDefaultLifetime is 0 or at most 9000 seconds.
inline constexpr std::uint16_t kMaxRouterLifetimeSeconds = 9000;
// RFC 8200 §5: no IPv6 link may have an MTU below 1280.
inline constexpr std::uint32_t kMinimumIpv6Mtu = 1280;
// RFC 4861 §4.6.2: all ones means "infinity" for the prefix lifetimes.
inline constexpr std::uint32_t kInfiniteLifetime = 0xffffffff;

// One Prefix Information option (RFC 4861 §4.6.2). A MAG advertises each Home Network Prefix
// with L=1 and A=1 so the MN may autoconfigure from it (RFC 5213 §6.7, RFC 4862 §5.5.3).
struct PrefixInformation {
  Prefix prefix;
  bool on_link = true;     // L
  bool autonomous = true;  // A
  std::uint32_t valid_lifetime_s = 0;
  std::uint32_t preferred_lifetime_s = 0;
  auto operator<=>(const PrefixInformation&) const = default;
};

// The prefix as a withdrawal: both lifetimes 0 (RFC 5213 §6.12, RFC 4862 §5.5.3 e).
[[nodiscard]] PrefixInformation withdrawal_of(const Prefix& prefix);

struct RouterAdvertisement {
  std::uint8_t cur_hop_limit = 0;  // 0 = unspecified by this router
  bool managed = false;            // M: addresses via DHCPv6 (RFC 5213 §6.11)
  bool other = false;              // O: other configuration via DHCPv6
  std::uint16_t router_lifetime_s = 0;
  std::uint32_t reachable_time_ms = 0;
  std::uint32_t retrans_timer_ms = 0;
  std::optional<MacAddress> source_link_layer;
  std::optional<std::uint32_t> mtu;  // RFC 5213 §6.9.2 (3): min(tunnel MTU, access-link MTU)
  std::vector<PrefixInformation> prefixes;
  auto operator<=>(const RouterAdvertisement&) const = default;
};

struct RouterSolicitation {
  std::optional<MacAddress> source_link_layer;
  auto operator<=>(const RouterSolicitation&) const = default;
};

enum class NdError : std::uint8_t {
  kTruncated,                        // shorter than the message's fixed part
  kWrongType,                        // not the ICMPv6 type the parser was asked for
  kBadCode,                          // ICMP Code is not 0 (RFC 4861 §6.1.1, §6.1.2)
  kZeroLengthOption,                 // an option with Length 0 (RFC 4861 §4.6)
  kOptionOverrun,                    // an option runs past the end of the message
  kBadOptionLength,                  // an option whose Length does not fit its type
  kBadPrefixLength,                  // a prefix length above 128
  kPreferredExceedsValid,            // RFC 4862 §5.5.3 c: such a PIO is ignored by hosts
  kRouterLifetimeTooLong,            // above 9000 s (RFC 4861 §6.2.1)
  kMtuTooSmall,                      // below 1280 (RFC 8200 §5)
  kHopLimitNot255,                   // RFC 4861 §6.1.1
  kLinkLayerAddressFromUnspecified,  // SLLA in an RS sent from :: (RFC 4861 §6.1.1)
};

// A stable lowercase identifier for counters and logs, e.g. "hop_limit_not_255".
[[nodiscard]] std::string_view to_string(NdError error);

// Encodes an RA, options in the order SLLA, MTU, Prefix Information. Rejects values a host would
// discard or that the fields cannot carry.
[[nodiscard]] tl::expected<std::vector<std::uint8_t>, NdError> encode_router_advertisement(
    const RouterAdvertisement& ra);

// RFC 4861 §6.1.2 content checks (code, length, option lengths). Options other than SLLA, MTU
// and Prefix Information are skipped, as §4.6 requires.
[[nodiscard]] tl::expected<RouterAdvertisement, NdError> parse_router_advertisement(
    std::span<const std::uint8_t> icmp);

// RFC 4861 §6.1.1 content checks; unknown options are skipped.
[[nodiscard]] tl::expected<RouterSolicitation, NdError> parse_router_solicitation(
    std::span<const std::uint8_t> icmp);

// The RFC 4861 §6.1.1 checks that need the IPv6 header: hop limit 255, and no SLLA option when
// the source is the unspecified address.
[[nodiscard]] tl::expected<void, NdError> check_router_solicitation_context(
    const RouterSolicitation& rs, const Ipv6Address& source, int hop_limit);

// Where to answer an RS (RFC 4861 §6.2.6): the soliciting host's address, or all-nodes when the
// RS came from the unspecified address.
[[nodiscard]] Ipv6Address advertisement_destination(const Ipv6Address& solicitation_source);

}  // namespace nd
}  // namespace xpmip
