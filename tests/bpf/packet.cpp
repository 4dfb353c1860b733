#include "packet.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace xpmip::test {

Ipv6Address ip(const std::string& text) {
  Ipv6Address a{};
  if (inet_pton(AF_INET6, text.c_str(), a.data()) != 1)
    throw std::invalid_argument("bad IPv6 address " + text);
  return a;
}

MacAddress mac(const std::string& text) {
  MacAddress m{};
  unsigned b[6];
  if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
    throw std::invalid_argument("bad MAC " + text);
  for (std::size_t i = 0; i < 6; ++i) m[i] = static_cast<std::uint8_t>(b[i]);
  return m;
}

Bytes ipv6(const Ipv6Fields& h, const Bytes& payload) {
  Bytes out;
  const std::uint32_t word =
      (6u << 28) | (std::uint32_t{h.tclass} << 20) | (h.flow_label & 0xfffff);
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(word >> shift));
  out.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(payload.size()));
  out.push_back(h.next_header);
  out.push_back(h.hop_limit);
  out.insert(out.end(), h.src.begin(), h.src.end());
  out.insert(out.end(), h.dst.begin(), h.dst.end());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Bytes udp(std::uint16_t sport, std::uint16_t dport, std::size_t body_len) {
  const std::size_t len = 8 + body_len;
  Bytes out = {static_cast<std::uint8_t>(sport >> 8),
               static_cast<std::uint8_t>(sport),
               static_cast<std::uint8_t>(dport >> 8),
               static_cast<std::uint8_t>(dport),
               static_cast<std::uint8_t>(len >> 8),
               static_cast<std::uint8_t>(len),
               0xbe,
               0xef};
  for (std::size_t i = 0; i < body_len; ++i) out.push_back(static_cast<std::uint8_t>(i));
  return out;
}

Bytes ethernet(const MacAddress& dst, const MacAddress& src, std::uint16_t type, const Bytes& l3) {
  Bytes out(dst.begin(), dst.end());
  out.insert(out.end(), src.begin(), src.end());
  out.push_back(static_cast<std::uint8_t>(type >> 8));
  out.push_back(static_cast<std::uint8_t>(type));
  out.insert(out.end(), l3.begin(), l3.end());
  return out;
}

Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

std::uint16_t read_be16(const Bytes& frame, std::size_t offset) {
  return static_cast<std::uint16_t>((frame.at(offset) << 8) | frame.at(offset + 1));
}

std::uint32_t read_be32(const Bytes& frame, std::size_t offset) {
  return (std::uint32_t{read_be16(frame, offset)} << 16) | read_be16(frame, offset + 2);
}

Ipv6Fields read_ipv6(const Bytes& frame, std::size_t offset) {
  Ipv6Fields h;
  const std::uint32_t word = read_be32(frame, offset);
  h.tclass = static_cast<std::uint8_t>(word >> 20);
  h.flow_label = word & 0xfffff;
  h.next_header = frame.at(offset + 6);
  h.hop_limit = frame.at(offset + 7);
  for (std::size_t i = 0; i < 16; ++i) {
    h.src[i] = frame.at(offset + 8 + i);
    h.dst[i] = frame.at(offset + 24 + i);
  }
  return h;
}

::testing::AssertionResult same_bytes(const Bytes& actual, const Bytes& expected) {
  if (actual.size() != expected.size())
    return ::testing::AssertionFailure()
           << "length " << actual.size() << ", expected " << expected.size();
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (actual[i] != expected[i]) {
      // AssertionResult streams each piece separately, so std::hex must apply inside one stream.
      std::ostringstream text;
      text << "first difference at byte " << std::dec << i << ": 0x" << std::hex << int{actual[i]}
           << ", expected 0x" << int{expected[i]};
      return ::testing::AssertionFailure() << text.str();
    }
  }
  return ::testing::AssertionSuccess();
}

std::uint16_t icmpv6_checksum_residue(const Bytes& frame, std::size_t l3) {
  const std::size_t len = read_be16(frame, l3 + 4);
  std::uint64_t sum = 0;
  auto add_bytes = [&](std::size_t from, std::size_t count) {
    for (std::size_t i = 0; i < count; i += 2) {
      const std::uint32_t hi = frame.at(from + i);
      const std::uint32_t lo = i + 1 < count ? frame.at(from + i + 1) : 0;
      sum += (hi << 8) | lo;
    }
  };
  add_bytes(l3 + 8, 32);  // source and destination addresses
  sum += len;
  sum += 58;
  add_bytes(l3 + kIpv6Len, len);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

}  // namespace xpmip::test
