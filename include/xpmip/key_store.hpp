// Mobility security associations between this node and its PMIPv6 peers (RFC 4285 §5.1's
// "mobility SPI" and shared key, one pair per MAG-LMA relation): at most two keys per peer so a
// key can be rolled over without a flag day, or an explicit `insecure` mark for a legacy peer
// that cannot authenticate. Also the key file reader: root-only files, hex text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "xpmip/wire.hpp"

namespace xpmip {

// RFC 4285 §5.1: SPI values 0-255 are reserved and never name a security association.
inline constexpr std::uint32_t kFirstUsableSpi = 256;
// RFC 2104 §3 discourages HMAC keys shorter than the hash output (32 octets for SHA-256).
inline constexpr std::size_t kMinKeyLength = 32;
// Longer keys add nothing (HMAC hashes them down to 32 octets); the cap bounds a key file read.
inline constexpr std::size_t kMaxKeyLength = 256;
// Keys valid at once for one peer: the current one and the one replacing it.
inline constexpr std::size_t kMaxKeysPerPeer = 2;

// Key material that is wiped from memory when it goes away (copies wipe themselves too).
class SecretKey {
 public:
  explicit SecretKey(std::vector<std::uint8_t> octets) : octets_(std::move(octets)) {}
  SecretKey(const SecretKey&) = default;
  SecretKey(SecretKey&&) noexcept = default;
  SecretKey& operator=(const SecretKey& other);
  SecretKey& operator=(SecretKey&& other) noexcept;
  ~SecretKey();

  [[nodiscard]] const std::vector<std::uint8_t>& octets() const { return octets_; }

 private:
  void wipe() noexcept;
  std::vector<std::uint8_t> octets_;
};

struct PeerKey {
  std::uint32_t spi = 0;
  SecretKey key{{}};
};

// What the store holds for one peer: either keys (oldest first, newest last) or insecure.
struct PeerSecurity {
  bool insecure = false;
  std::vector<PeerKey> keys;

  // The key new messages are signed with: the most recently added one.
  [[nodiscard]] const PeerKey* newest() const { return keys.empty() ? nullptr : &keys.back(); }
  [[nodiscard]] const PeerKey* find(std::uint32_t spi) const;
};

enum class KeyStoreError : std::uint8_t {
  kReservedSpi,   // SPI below 256 (RFC 4285 §5.1)
  kKeyTooShort,   // fewer than kMinKeyLength octets
  kKeyTooLong,    // more than kMaxKeyLength octets
  kDuplicateSpi,  // the peer already has a key under this SPI
  kTooManyKeys,   // the peer already has kMaxKeysPerPeer keys: remove the old one first
  kInsecurePeer,  // a key for a peer marked insecure (or the reverse): pick one
  kUnknownKey,    // remove_key() of a (peer, SPI) the store does not hold
};

// A stable lowercase identifier for logs and configuration errors, e.g. "duplicate_spi".
[[nodiscard]] std::string_view to_string(KeyStoreError error);

// Keys by peer address: the remote signalling address (a MAG's Proxy-CoA as it appears in the
// IPv6 source of its PBUs, or the LMA address a MAG sends to).
class KeyStore {
 public:
  // Adds a key; it becomes the peer's newest, i.e. the one used to sign. Rollover: add the new
  // key, then (once the peer uses it too) remove_key() the old one.
  tl::expected<void, KeyStoreError> add_key(const Ipv6Address& peer, std::uint32_t spi,
                                            SecretKey key);
  tl::expected<void, KeyStoreError> remove_key(const Ipv6Address& peer, std::uint32_t spi);
  // Marks a peer as one that exchanges unauthenticated messages (interop with legacy peers).
  tl::expected<void, KeyStoreError> set_insecure(const Ipv6Address& peer);

  // nullptr: the peer is not configured at all (its messages are refused).
  [[nodiscard]] const PeerSecurity* peer(const Ipv6Address& address) const;

 private:
  std::map<Ipv6Address, PeerSecurity> peers_;
};

enum class KeyFileErrorKind : std::uint8_t {
  kCannotOpen,  // missing, unreadable, or a symbolic link
  kNotRegularFile,
  kNotOwnedByRoot,
  kGroupOrOtherAccess,  // any of the mode bits 077 set
  kBadFormat,           // not hex text, odd digit count
  kBadLength,           // outside [kMinKeyLength, kMaxKeyLength] octets
};

struct KeyFileError {
  KeyFileErrorKind kind;
  std::string message;  // names the file, and the mode or the offending content position
};

// Reads a key file: hex digits (upper or lower case), optionally spread over lines and separated
// by spaces or tabs, nothing else; 32 to 256 octets. The file must be a regular file owned by
// root with no group/other permission bits (e.g. mode 0600 or 0400); anything else is refused
// before a byte of it is read. Symbolic links are refused.
[[nodiscard]] tl::expected<SecretKey, KeyFileError> read_key_file(
    const std::filesystem::path& path);

}  // namespace xpmip
