// Mobility options (RFC 6275 §6.2 and the PMIPv6 additions of RFC 5213 §8): the TLV walk with its
// length checks on receive, and Pad1/PadN alignment on send. Internal to the codec.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <tl/expected.hpp>

#include "xpmip/codec.hpp"
#include "xpmip/wire.hpp"

namespace xpmip::options {

struct DecodedOptions {
  MobilityOptions options;
  std::optional<AuthenticatorField> authenticator;
};

// Decodes the options in mh[begin, end). `mh` starts at the Payload Proto octet, so the offsets
// in errors and in the authenticator field are Mobility Header offsets.
[[nodiscard]] tl::expected<DecodedOptions, ParseError> decode(std::span<const std::uint8_t> mh,
                                                              std::size_t begin, std::size_t end);

// Appends `options` to `mh` (the Mobility Header so far, starting at its Payload Proto octet),
// each preceded by the padding its alignment needs. Returns where the authenticator landed.
[[nodiscard]] tl::expected<std::optional<AuthenticatorField>, EncodeError> append(
    const MobilityOptions& options, std::vector<std::uint8_t>& mh);

// Appends Pad1 or PadN so that mh.size() becomes x*n + y (RFC 6275 §6.2, RFC 8200 §4.2).
void pad_to(std::vector<std::uint8_t>& mh, std::size_t x, std::size_t y);

}  // namespace xpmip::options
