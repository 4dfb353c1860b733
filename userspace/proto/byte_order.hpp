// Network-byte-order reads and writes for the codec. Reads never check bounds: every caller has
// already proven that the octets exist, so the check lives next to the reason for it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace xpmip::bytes {

[[nodiscard]] inline std::uint16_t load_be16(std::span<const std::uint8_t> in, std::size_t at) {
  return static_cast<std::uint16_t>((in[at] << 8) | in[at + 1]);
}

[[nodiscard]] inline std::uint32_t load_be32(std::span<const std::uint8_t> in, std::size_t at) {
  return (std::uint32_t{load_be16(in, at)} << 16) | load_be16(in, at + 2);
}

[[nodiscard]] inline std::uint64_t load_be64(std::span<const std::uint8_t> in, std::size_t at) {
  return (std::uint64_t{load_be32(in, at)} << 32) | load_be32(in, at + 4);
}

inline void append_be16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

inline void append_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  append_be16(out, static_cast<std::uint16_t>(v >> 16));
  append_be16(out, static_cast<std::uint16_t>(v));
}

inline void append_be64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  append_be32(out, static_cast<std::uint32_t>(v >> 32));
  append_be32(out, static_cast<std::uint32_t>(v));
}

inline void store_be16(std::span<std::uint8_t> out, std::size_t at, std::uint16_t v) {
  out[at] = static_cast<std::uint8_t>(v >> 8);
  out[at + 1] = static_cast<std::uint8_t>(v);
}

}  // namespace xpmip::bytes
