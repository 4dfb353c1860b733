// Text forms of the values the config and policy files hold, with the validity rules both files
// share. Each returns empty when the text is not an acceptable value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xpmip/daemon/config.hpp"
#include "xpmip/wire.hpp"

namespace xpmip::daemon::value_forms {

// RFC 6275 §6.1.7: lifetimes travel as 16-bit counts of 4 seconds.
inline constexpr std::int64_t kMaxLifetimeSeconds = 0xffff * kLifetimeUnitSeconds;

// A signalling endpoint: routable unicast, so not ::, not multicast, not link-local (PBUs cross
// routers, RFC 5213 §6.9.1.5).
[[nodiscard]] std::optional<Ipv6Address> unicast_address(std::string_view text);
[[nodiscard]] std::optional<Ipv6Address> link_local_address(std::string_view text);
// A prefix with its host bits clear, so the text says exactly which addresses it covers.
[[nodiscard]] std::optional<Prefix> clean_prefix(std::string_view text);
// A Home Network Prefix: a clean prefix other than ::/0, which RFC 5213 §2.2 reserves as
// ALL_ZERO ("assign one").
[[nodiscard]] std::optional<Prefix> home_network_prefix(std::string_view text);
// An individual (I/G bit clear, IEEE 802 §8.2) MAC address.
[[nodiscard]] std::optional<MacAddress> unicast_mac(std::string_view text);

// Lowercase hex of `octets`, two digits per octet, `separator` between octets ("020000000101" or
// "02:00:00:00:01:01").
[[nodiscard]] std::string hex(const std::vector<std::uint8_t>& octets,
                              std::string_view separator = "");

}  // namespace xpmip::daemon::value_forms
