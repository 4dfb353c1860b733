// Frames for BPF_PROG_RUN fixtures, built field by field so expected outputs are written out
// independently of the BPF code under test.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "xpmip/dataplane.hpp"

namespace xpmip::test {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::uint16_t kEthIpv6 = 0x86DD;
inline constexpr std::size_t kEthLen = 14;
inline constexpr std::size_t kIpv6Len = 40;

Ipv6Address ip(const std::string& text);
MacAddress mac(const std::string& text);

struct Ipv6Fields {
  Ipv6Address src{};
  Ipv6Address dst{};
  std::uint8_t tclass = 0;
  std::uint32_t flow_label = 0;
  std::uint8_t hop_limit = 64;
  std::uint8_t next_header = 17;
};

// IPv6 header (payload_len from the payload) followed by the payload.
Bytes ipv6(const Ipv6Fields& h, const Bytes& payload);
// UDP header with the given ports and length, checksum field 0xbeef (never checked by the data
// plane), then `body_len` bytes counting up from 0.
Bytes udp(std::uint16_t sport, std::uint16_t dport, std::size_t body_len);
Bytes ethernet(const MacAddress& dst, const MacAddress& src, std::uint16_t type, const Bytes& l3);
Bytes concat(const Bytes& a, const Bytes& b);

// Fields of the IPv6 header at `offset` (no bounds beyond the header are assumed).
Ipv6Fields read_ipv6(const Bytes& frame, std::size_t offset);
std::uint16_t read_be16(const Bytes& frame, std::size_t offset);
std::uint32_t read_be32(const Bytes& frame, std::size_t offset);

// RFC 4443 §2.3 / RFC 8200 §8.1 checksum of the ICMPv6 message in the IPv6 packet at `l3`;
// 0 means the stored checksum is correct.
// Equal frames, or the first differing byte.
::testing::AssertionResult same_bytes(const Bytes& actual, const Bytes& expected);

std::uint16_t icmpv6_checksum_residue(const Bytes& frame, std::size_t l3);

}  // namespace xpmip::test
