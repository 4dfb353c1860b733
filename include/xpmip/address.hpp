// IPv6 addresses and prefixes as text and as sets: parsing and printing for configuration and
// logs, and the prefix arithmetic the binding cache and routes need.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "xpmip/wire.hpp"

namespace xpmip {

// RFC 4291 §2.2 text forms ("2001:db8::1", "::ffff:192.0.2.1"); empty on anything else.
[[nodiscard]] std::optional<Ipv6Address> parse_ipv6_address(std::string_view text);

// "address/length" with a decimal length of 0-128 (RFC 4291 §2.3). Host bits are kept as
// written; use masked() to clear them.
[[nodiscard]] std::optional<Prefix> parse_ipv6_prefix(std::string_view text);

// RFC 5952 canonical text ("2001:db8::1").
[[nodiscard]] std::string to_string(const Ipv6Address& address);
// "2001:db8:1::/64", the address part printed as stored.
[[nodiscard]] std::string to_string(const Prefix& prefix);

// The prefix with every bit beyond its length cleared. Lengths above 128 count as 128.
[[nodiscard]] Prefix masked(const Prefix& prefix);

// Whether the first prefix.length bits of `address` equal those of prefix.address.
[[nodiscard]] bool prefix_contains(const Prefix& prefix, const Ipv6Address& address);
// Whether every address of `inner` lies inside `outer`.
[[nodiscard]] bool prefix_contains(const Prefix& outer, const Prefix& inner);

// :: (RFC 4291 §2.5.2), the value RFC 5213 calls ALL_ZERO for the Link-local Address option.
[[nodiscard]] bool is_unspecified(const Ipv6Address& address);
// fe80::/10 (RFC 4291 §2.5.6).
[[nodiscard]] bool is_link_local(const Ipv6Address& address);

}  // namespace xpmip
