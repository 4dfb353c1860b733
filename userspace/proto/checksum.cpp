// The Mobility Header checksum: RFC 6275 §6.1.1 over the RFC 8200 §8.1 pseudo-header.
#include <algorithm>
#include <cstdint>
#include <span>

#include "byte_order.hpp"
#include "xpmip/codec.hpp"

namespace xpmip {
namespace {

constexpr std::size_t kChecksumOffset = 4;

// Adds `data` to a running one's-complement sum as big-endian 16-bit words; an odd final octet
// is padded with a zero octet (RFC 1071 §4.1). Carries are folded by the caller.
std::uint64_t add_words(std::uint64_t sum, std::span<const std::uint8_t> data) {
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += bytes::load_be16(data, i);
  if (i < data.size()) sum += std::uint64_t{data[i]} << 8;
  return sum;
}

std::uint16_t fold(std::uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

// Pseudo-header: source, destination, 32-bit upper-layer length, 3 zero octets, Next Header.
std::uint64_t pseudo_header_sum(const PseudoHeaderAddresses& addresses, std::size_t mh_length) {
  std::uint64_t sum = add_words(0, addresses.source);
  sum = add_words(sum, addresses.destination);
  const auto length = static_cast<std::uint64_t>(mh_length);
  return sum + (length >> 16) + (length & 0xffff) + kIpProtoMobilityHeader;
}

}  // namespace

std::uint16_t compute_mh_checksum(std::span<const std::uint8_t> mh,
                                  const PseudoHeaderAddresses& addresses) {
  // The Checksum field itself counts as zero (RFC 6275 §6.1.1).
  std::uint64_t sum = add_words(pseudo_header_sum(addresses, mh.size()), mh.first(kChecksumOffset));
  sum = add_words(sum, mh.subspan(kChecksumOffset + 2));
  return static_cast<std::uint16_t>(~fold(sum));
}

bool mh_checksum_is_valid(std::span<const std::uint8_t> mh,
                          const PseudoHeaderAddresses& addresses) {
  // Summing everything, Checksum field included, gives all ones for an intact message. Unlike
  // comparing with compute_mh_checksum(), this accepts both one's-complement zeros (0x0000 and
  // 0xffff) in the field, as the kernel's IPV6_CHECKSUM verification does.
  return fold(add_words(pseudo_header_sum(addresses, mh.size()), mh)) == 0xffff;
}

void write_mh_checksum(std::span<std::uint8_t> mh, const PseudoHeaderAddresses& addresses) {
  bytes::store_be16(mh, kChecksumOffset, compute_mh_checksum(mh, addresses));
}

}  // namespace xpmip
