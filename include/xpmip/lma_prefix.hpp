// Small prefix and address helpers the LMA needs (address.hpp did not exist when it was written).
#pragma once

#include <algorithm>

#include "xpmip/wire.hpp"

namespace xpmip {

// The prefix with every bit beyond its length cleared, so equal prefixes compare equal.
[[nodiscard]] inline Prefix canonical(Prefix prefix) {
  const unsigned length = std::min<unsigned>(prefix.length, 128);
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned first_bit = i * 8;
    if (first_bit >= length) {
      prefix.address[i] = 0;
    } else if (length - first_bit < 8) {
      const unsigned keep = length - first_bit;
      prefix.address[i] &= static_cast<std::uint8_t>(0xFFu << (8 - keep));
    }
  }
  prefix.length = static_cast<std::uint8_t>(length);
  return prefix;
}

// RFC 5213 §2.2 ALL_ZERO HNP: the MAG asks the LMA to assign. The prefix value decides; MAGs
// differ on the length they send with it (0 or 64).
[[nodiscard]] inline bool requests_assignment(const Prefix& prefix) {
  return std::all_of(prefix.address.begin(), prefix.address.end(),
                     [](std::uint8_t b) { return b == 0; });
}

[[nodiscard]] inline bool is_unspecified(const Ipv6Address& address) {
  return std::all_of(address.begin(), address.end(), [](std::uint8_t b) { return b == 0; });
}

}  // namespace xpmip
