#include "value_forms.hpp"

#include "xpmip/address.hpp"

namespace xpmip::daemon::value_forms {

std::optional<Ipv6Address> unicast_address(std::string_view text) {
  auto address = parse_ipv6_address(text);
  if (!address || is_unspecified(*address) || (*address)[0] == 0xff || is_link_local(*address))
    return std::nullopt;
  return address;
}

std::optional<Ipv6Address> link_local_address(std::string_view text) {
  auto address = parse_ipv6_address(text);
  if (!address || !is_link_local(*address)) return std::nullopt;
  return address;
}

std::optional<Prefix> clean_prefix(std::string_view text) {
  auto prefix = parse_ipv6_prefix(text);
  if (!prefix || masked(*prefix) != *prefix) return std::nullopt;
  return prefix;
}

std::optional<Prefix> home_network_prefix(std::string_view text) {
  auto prefix = clean_prefix(text);
  if (!prefix || prefix->length == 0) return std::nullopt;
  return prefix;
}

std::optional<MacAddress> unicast_mac(std::string_view text) {
  auto mac = parse_mac_address(text);
  if (!mac || ((*mac)[0] & 0x01) != 0) return std::nullopt;
  return mac;
}

std::string hex(const std::vector<std::uint8_t>& octets, std::string_view separator) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < octets.size(); ++i) {
    if (i > 0) text += separator;
    text += kDigits[octets[i] >> 4];
    text += kDigits[octets[i] & 0x0f];
  }
  return text;
}

}  // namespace xpmip::daemon::value_forms
