// IPv6 address text via inet_pton/inet_ntop; prefix arithmetic bit by bit.
#include "xpmip/address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace xpmip {
namespace {

constexpr unsigned kAddressBits = 128;

// The mask octet for octet `index` of a prefix `length` bits long.
std::uint8_t mask_octet(std::size_t index, unsigned length) {
  const std::size_t first_bit = index * 8;
  if (length >= first_bit + 8) return 0xff;
  if (length <= first_bit) return 0x00;
  return static_cast<std::uint8_t>(0xff << (8 - (length - first_bit)));
}

}  // namespace

std::optional<Ipv6Address> parse_ipv6_address(std::string_view text) {
  // inet_pton needs a NUL-terminated string; the longest valid form is INET6_ADDRSTRLEN - 1.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string terminated(text);
  Ipv6Address address{};
  if (inet_pton(AF_INET6, terminated.c_str(), address.data()) != 1) return std::nullopt;
  return address;
}

std::optional<Prefix> parse_ipv6_prefix(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto address = parse_ipv6_address(text.substr(0, slash));
  const std::string_view digits = text.substr(slash + 1);
  if (!address || digits.empty() || digits.size() > 3) return std::nullopt;
  unsigned length = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
  if (error != std::errc{} || end != digits.data() + digits.size() || length > kAddressBits) {
    return std::nullopt;
  }
  return Prefix{*address, static_cast<std::uint8_t>(length)};
}

std::string to_string(const Ipv6Address& address) {
  char text[INET6_ADDRSTRLEN] = {};
  // Cannot fail: the family is supported and the buffer has the maximal size.
  inet_ntop(AF_INET6, address.data(), text, sizeof text);
  return text;
}

std::string to_string(const Prefix& prefix) {
  return to_string(prefix.address) + "/" + std::to_string(prefix.length);
}

Prefix masked(const Prefix& prefix) {
  const unsigned length = std::min<unsigned>(prefix.length, kAddressBits);
  Prefix result{{}, static_cast<std::uint8_t>(length)};
  for (std::size_t i = 0; i < result.address.size(); ++i) {
    result.address[i] = prefix.address[i] & mask_octet(i, length);
  }
  return result;
}

bool prefix_contains(const Prefix& prefix, const Ipv6Address& address) {
  return masked(prefix).address == masked(Prefix{address, prefix.length}).address;
}

bool prefix_contains(const Prefix& outer, const Prefix& inner) {
  return inner.length >= outer.length && prefix_contains(outer, inner.address);
}

bool is_unspecified(const Ipv6Address& address) {
  return std::all_of(address.begin(), address.end(), [](std::uint8_t b) { return b == 0; });
}

bool is_link_local(const Ipv6Address& address) {
  return address[0] == 0xfe && (address[1] & 0xc0) == 0x80;
}

}  // namespace xpmip
