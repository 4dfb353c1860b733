// Per-peer keys with two-key rollover, and the root-only key file reader.
#include "xpmip/key_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <openssl/crypto.h>

namespace xpmip {

SecretKey& SecretKey::operator=(const SecretKey& other) {
  if (this != &other) {
    wipe();
    octets_ = other.octets_;
  }
  return *this;
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    wipe();
    octets_ = std::move(other.octets_);
  }
  return *this;
}

SecretKey::~SecretKey() {
  wipe();
}

void SecretKey::wipe() noexcept {
  // OPENSSL_cleanse, unlike memset, is not optimised away before the buffer is freed.
  if (!octets_.empty()) OPENSSL_cleanse(octets_.data(), octets_.size());
}

const PeerKey* PeerSecurity::find(std::uint32_t spi) const {
  const auto it =
      std::find_if(keys.begin(), keys.end(), [spi](const PeerKey& k) { return k.spi == spi; });
  return it == keys.end() ? nullptr : &*it;
}

std::string_view to_string(KeyStoreError error) {
  switch (error) {
    case KeyStoreError::kReservedSpi:
      return "reserved_spi";
    case KeyStoreError::kKeyTooShort:
      return "key_too_short";
    case KeyStoreError::kKeyTooLong:
      return "key_too_long";
    case KeyStoreError::kDuplicateSpi:
      return "duplicate_spi";
    case KeyStoreError::kTooManyKeys:
      return "too_many_keys";
    case KeyStoreError::kInsecurePeer:
      return "insecure_peer";
    case KeyStoreError::kUnknownKey:
      return "unknown_key";
  }
  return "unknown";
}

tl::expected<void, KeyStoreError> KeyStore::add_key(const Ipv6Address& peer, std::uint32_t spi,
                                                    SecretKey key) {
  if (spi < kFirstUsableSpi) return tl::make_unexpected(KeyStoreError::kReservedSpi);
  if (key.octets().size() < kMinKeyLength) return tl::make_unexpected(KeyStoreError::kKeyTooShort);
  if (key.octets().size() > kMaxKeyLength) return tl::make_unexpected(KeyStoreError::kKeyTooLong);
  PeerSecurity& security = peers_[peer];
  if (security.insecure) return tl::make_unexpected(KeyStoreError::kInsecurePeer);
  if (security.find(spi) != nullptr) return tl::make_unexpected(KeyStoreError::kDuplicateSpi);
  if (security.keys.size() >= kMaxKeysPerPeer) {
    return tl::make_unexpected(KeyStoreError::kTooManyKeys);
  }
  security.keys.push_back(PeerKey{spi, std::move(key)});
  return {};
}

tl::expected<void, KeyStoreError> KeyStore::remove_key(const Ipv6Address& peer, std::uint32_t spi) {
  const auto it = peers_.find(peer);
  if (it == peers_.end() || it->second.find(spi) == nullptr) {
    return tl::make_unexpected(KeyStoreError::kUnknownKey);
  }
  auto& keys = it->second.keys;
  keys.erase(
      std::remove_if(keys.begin(), keys.end(), [spi](const PeerKey& k) { return k.spi == spi; }),
      keys.end());
  // A peer whose last key went is unconfigured again, not silently insecure.
  if (keys.empty()) peers_.erase(it);
  return {};
}

tl::expected<void, KeyStoreError> KeyStore::set_insecure(const Ipv6Address& peer) {
  PeerSecurity& security = peers_[peer];
  if (!security.keys.empty()) return tl::make_unexpected(KeyStoreError::kInsecurePeer);
  security.insecure = true;
  return {};
}

const PeerSecurity* KeyStore::peer(const Ipv6Address& address) const {
  const auto it = peers_.find(address);
  return it == peers_.end() ? nullptr : &it->second;
}

namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

tl::unexpected<KeyFileError> key_file_error(KeyFileErrorKind kind,
                                            const std::filesystem::path& path,
                                            const std::string& what) {
  return tl::unexpected(KeyFileError{kind, "key file " + path.string() + ": " + what});
}

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The file is read whole; a key file longer than this cannot hold a valid key.
constexpr std::size_t kMaxKeyFileSize = 4096;

}  // namespace

tl::expected<SecretKey, KeyFileError> read_key_file(const std::filesystem::path& path) {
  // Check the opened descriptor, not the name, so the file cannot be swapped between the check
  // and the read; O_NOFOLLOW keeps a link from pointing the daemon at another file.
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    return key_file_error(KeyFileErrorKind::kCannotOpen, path, std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return key_file_error(KeyFileErrorKind::kCannotOpen, path, std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return key_file_error(KeyFileErrorKind::kNotRegularFile, path, "not a regular file");
  }
  if (info.st_uid != 0) {
    return key_file_error(
        KeyFileErrorKind::kNotOwnedByRoot, path,
        "owned by uid " + std::to_string(info.st_uid) + ", must be owned by root (chown root)");
  }
  if ((info.st_mode & 077) != 0) {
    return key_file_error(KeyFileErrorKind::kGroupOrOtherAccess, path,
                          "mode " + octal_mode(info.st_mode) +
                              " gives group/other access, must be readable by root only "
                              "(chmod 600)");
  }

  std::vector<char> text(kMaxKeyFileSize + 1);
  std::size_t size = 0;
  while (size < text.size()) {
    const ssize_t got = ::read(fd.get(), text.data() + size, text.size() - size);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return key_file_error(KeyFileErrorKind::kCannotOpen, path, std::strerror(errno));
    if (got == 0) break;
    size += static_cast<std::size_t>(got);
  }
  std::vector<std::uint8_t> octets;
  octets.reserve(kMaxKeyLength);  // no reallocation leaves key copies behind unwiped
  const auto parsed = [&]() -> tl::expected<void, KeyFileError> {
    if (size > kMaxKeyFileSize) {
      return key_file_error(KeyFileErrorKind::kBadLength, path,
                            "longer than " + std::to_string(kMaxKeyFileSize) + " octets");
    }
    int high = -1;
    for (std::size_t i = 0; i < size; ++i) {
      const char c = text[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
      const int value = hex_value(c);
      if (value < 0) {
        return key_file_error(KeyFileErrorKind::kBadFormat, path,
                              "octet " + std::to_string(i) + " is not a hex digit");
      }
      if (high < 0) {
        high = value;
        continue;
      }
      if (octets.size() == kMaxKeyLength) {
        return key_file_error(KeyFileErrorKind::kBadLength, path,
                              "key longer than " + std::to_string(kMaxKeyLength) + " octets");
      }
      octets.push_back(static_cast<std::uint8_t>(high << 4 | value));
      high = -1;
    }
    if (high >= 0) {
      return key_file_error(KeyFileErrorKind::kBadFormat, path, "odd number of hex digits");
    }
    if (octets.size() < kMinKeyLength) {
      return key_file_error(KeyFileErrorKind::kBadLength, path,
                            "key of " + std::to_string(octets.size()) + " octets, at least " +
                                std::to_string(kMinKeyLength) + " needed");
    }
    return {};
  }();
  OPENSSL_cleanse(text.data(), text.size());
  if (!parsed) {
    if (!octets.empty()) OPENSSL_cleanse(octets.data(), octets.size());
    return tl::unexpected(parsed.error());
  }
  return SecretKey(std::move(octets));
}

}  // namespace xpmip
