// Message ordering checks of the LMA (RFC 5213 §5.5): the Timestamp option, or RFC 6275 §9.5.1
// sequence numbers. Pure functions over the values in the PBU and the BCE.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "xpmip/wire.hpp"

namespace xpmip {

// RFC 6275 §9.5.1: `received` is newer than `last` when it lies in the 32767 values after it,
// modulo 2^16; equal or any of the 32768 values up to it is "not greater".
[[nodiscard]] bool sequence_is_newer(std::uint16_t received, std::uint16_t last);

// RFC 5213 §5.5.1. `last_accepted` is the highest timestamp accepted for this node, if any.
// Returns nullopt when the PBU's timestamp is acceptable, else 157 (not above the last accepted
// one; checked first, as the RFC lists it first) or 156 (outside the validity window).
[[nodiscard]] std::optional<PbaStatus> check_timestamp(std::uint64_t received,
                                                       std::uint64_t lma_now,
                                                       std::optional<std::uint64_t> last_accepted,
                                                       std::chrono::nanoseconds window);

}  // namespace xpmip
