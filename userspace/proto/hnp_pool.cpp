#include "xpmip/hnp_pool.hpp"

#include <algorithm>

#include "xpmip/address.hpp"

namespace xpmip {
namespace {

// Bit 0 is the most significant bit of the first octet, as in prefix notation.
bool bit_at(const Ipv6Address& address, unsigned bit) {
  return ((address[bit / 8] >> (7 - bit % 8)) & 1u) != 0;
}

void set_bit(Ipv6Address& address, unsigned bit, bool value) {
  const auto mask = static_cast<std::uint8_t>(1u << (7 - bit % 8));
  if (value) {
    address[bit / 8] = static_cast<std::uint8_t>(address[bit / 8] | mask);
  } else {
    address[bit / 8] = static_cast<std::uint8_t>(address[bit / 8] & ~mask);
  }
}

}  // namespace

tl::expected<HnpPool, HnpPoolError> HnpPool::create(Prefix aggregate, std::uint8_t delegated_length,
                                                    std::chrono::nanoseconds quarantine) {
  if (aggregate.length > 128 || delegated_length > 128 || delegated_length < aggregate.length) {
    return tl::make_unexpected(HnpPoolError::kBadLength);
  }
  const unsigned index_bits = delegated_length - aggregate.length;
  if (index_bits > 63) return tl::make_unexpected(HnpPoolError::kTooManyPrefixes);
  return HnpPool(masked(aggregate), delegated_length, std::uint64_t{1} << index_bits, quarantine);
}

HnpPool::HnpPool(Prefix aggregate, std::uint8_t delegated_length, std::uint64_t capacity,
                 std::chrono::nanoseconds quarantine)
    : aggregate_(aggregate),
      delegated_length_(delegated_length),
      capacity_(capacity),
      quarantine_(quarantine) {}

Prefix HnpPool::prefix_at(std::uint64_t index) const {
  Prefix prefix{aggregate_.address, delegated_length_};
  for (unsigned bit = aggregate_.length; bit < delegated_length_; ++bit) {
    const unsigned shift = delegated_length_ - 1 - bit;
    set_bit(prefix.address, bit, ((index >> shift) & 1u) != 0);
  }
  return prefix;
}

std::optional<std::uint64_t> HnpPool::index_of(const Prefix& prefix) const {
  if (prefix.length != delegated_length_) return std::nullopt;
  const Prefix exact = masked(prefix);
  for (unsigned bit = 0; bit < aggregate_.length; ++bit) {
    if (bit_at(exact.address, bit) != bit_at(aggregate_.address, bit)) return std::nullopt;
  }
  std::uint64_t index = 0;
  for (unsigned bit = aggregate_.length; bit < delegated_length_; ++bit) {
    index = (index << 1) | (bit_at(exact.address, bit) ? 1u : 0u);
  }
  return index;
}

bool HnpPool::available(std::uint64_t index, SteadyTime now) {
  if (in_use_.count(index) != 0) return false;
  auto quarantined = quarantined_until_.find(index);
  if (quarantined == quarantined_until_.end()) return true;
  if (quarantined->second > now) return false;
  quarantined_until_.erase(quarantined);
  return true;
}

std::optional<Prefix> HnpPool::allocate(SteadyTime now) {
  // At most in_use + quarantined indexes are unavailable, so one more probe than that finds a
  // free one if any exists; the scan never walks a huge, mostly free pool.
  const std::uint64_t probes =
      std::min<std::uint64_t>(capacity_, in_use_.size() + quarantined_until_.size() + 1);
  for (std::uint64_t n = 0; n < probes; ++n) {
    const std::uint64_t index = (cursor_ + n) % capacity_;
    if (!available(index, now)) continue;
    in_use_.insert(index);
    cursor_ = (index + 1) % capacity_;
    return prefix_at(index);
  }
  return std::nullopt;
}

bool HnpPool::claim(const Prefix& prefix) {
  const auto index = index_of(prefix);
  if (!index || in_use_.count(*index) != 0) return false;
  quarantined_until_.erase(*index);
  in_use_.insert(*index);
  return true;
}

void HnpPool::release(const Prefix& prefix, SteadyTime now) {
  const auto index = index_of(prefix);
  if (!index || in_use_.erase(*index) == 0) return;
  quarantined_until_[*index] = now + quarantine_;
}

bool HnpPool::owns(const Prefix& prefix) const {
  return index_of(prefix).has_value();
}

}  // namespace xpmip
