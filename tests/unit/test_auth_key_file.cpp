// Key files: hex text in a root-owned file nobody else may access. Each refusal names the file
// and says what is wrong with it.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "test_auth_fixture.hpp"

namespace xpmip::auth_test {
namespace {

namespace fs = std::filesystem;

// 32 octets 0x00, 0x01, ... 0x1f as hex.
const std::string kKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) {
      GTEST_SKIP() << "key files must be owned by root; run as root to test them";
    }
    std::string pattern = (fs::temp_directory_path() / "xpmip-keyfile-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    directory = pattern;
  }
  void TearDown() override {
    if (!directory.empty()) fs::remove_all(directory);
  }

  fs::path write(const std::string& name, const std::string& contents, mode_t mode = 0600) {
    const fs::path path = directory / name;
    std::ofstream(path, std::ios::binary) << contents;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }

  KeyFileError refusal(const fs::path& path) {
    auto read = read_key_file(path);
    EXPECT_FALSE(read.has_value()) << path;
    return read ? KeyFileError{KeyFileErrorKind::kCannotOpen, ""} : read.error();
  }

  fs::path directory;
};

Bytes counting_key() {
  Bytes octets(32);
  for (std::size_t i = 0; i < octets.size(); ++i) octets[i] = static_cast<std::uint8_t>(i);
  return octets;
}

TEST_F(KeyFileTest, ReadsHexKey) {
  auto key = read_key_file(write("mag1.key", kKeyHex + "\n"));
  ASSERT_TRUE(key.has_value()) << key.error().message;
  EXPECT_EQ(key->octets(), counting_key());
}

TEST_F(KeyFileTest, AcceptsUpperCaseAndWhitespaceAndMode0400) {
  std::string spread;
  for (std::size_t i = 0; i < kKeyHex.size(); i += 8) spread += kKeyHex.substr(i, 8) + " \t\r\n";
  for (auto& c : spread) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto key = read_key_file(write("spread.key", spread, 0400));
  ASSERT_TRUE(key.has_value()) << key.error().message;
  EXPECT_EQ(key->octets(), counting_key());
}

TEST_F(KeyFileTest, RefusesGroupReadableFileNamingFileAndMode) {
  const fs::path path = write("group.key", kKeyHex, 0640);
  const KeyFileError error = refusal(path);
  EXPECT_EQ(error.kind, KeyFileErrorKind::kGroupOrOtherAccess);
  EXPECT_EQ(error.message, "key file " + path.string() +
                               ": mode 0640 gives group/other access, must be readable by root "
                               "only (chmod 600)");
}

TEST_F(KeyFileTest, RefusesAnyGroupOrOtherPermissionBit) {
  for (mode_t bit :
       {mode_t{0004}, mode_t{0002}, mode_t{0001}, mode_t{0040}, mode_t{0020}, mode_t{0010}}) {
    const KeyFileError error = refusal(write("bits.key", kKeyHex, 0600 | bit));
    EXPECT_EQ(error.kind, KeyFileErrorKind::kGroupOrOtherAccess) << std::oct << bit;
  }
}

TEST_F(KeyFileTest, RefusesFileNotOwnedByRoot) {
  const fs::path path = write("nobody.key", kKeyHex);
  ASSERT_EQ(::chown(path.c_str(), 65534, 65534), 0);
  const KeyFileError error = refusal(path);
  EXPECT_EQ(error.kind, KeyFileErrorKind::kNotOwnedByRoot);
  EXPECT_NE(error.message.find(path.string()), std::string::npos);
  EXPECT_NE(error.message.find("uid 65534"), std::string::npos);
}

TEST_F(KeyFileTest, RefusesSymlinkDirectoryAndMissingFile) {
  const fs::path target = write("target.key", kKeyHex);
  fs::create_symlink(target, directory / "link.key");
  EXPECT_EQ(refusal(directory / "link.key").kind, KeyFileErrorKind::kCannotOpen);
  EXPECT_EQ(refusal(directory / "absent.key").kind, KeyFileErrorKind::kCannotOpen);
  fs::create_directory(directory / "dir.key");
  ::chmod((directory / "dir.key").c_str(), 0700);
  EXPECT_EQ(refusal(directory / "dir.key").kind, KeyFileErrorKind::kNotRegularFile);
}

TEST_F(KeyFileTest, RefusesMalformedContents) {
  EXPECT_EQ(refusal(write("raw.key", std::string(32, 'k'))).kind, KeyFileErrorKind::kBadFormat);
  const KeyFileError odd = refusal(write("odd.key", kKeyHex + "a"));
  EXPECT_EQ(odd.kind, KeyFileErrorKind::kBadFormat);
  EXPECT_NE(odd.message.find("odd number"), std::string::npos);
  const KeyFileError prefixed = refusal(write("0x.key", "0x" + kKeyHex));
  EXPECT_EQ(prefixed.kind, KeyFileErrorKind::kBadFormat);
  EXPECT_NE(prefixed.message.find("octet 1 "), std::string::npos);
}

TEST_F(KeyFileTest, RefusesKeysOfTheWrongLength) {
  EXPECT_EQ(refusal(write("empty.key", "")).kind, KeyFileErrorKind::kBadLength);
  EXPECT_EQ(refusal(write("short.key", kKeyHex.substr(2))).kind, KeyFileErrorKind::kBadLength);
  std::string longest;
  for (int i = 0; i < 8; ++i) longest += kKeyHex;  // 256 octets
  EXPECT_TRUE(read_key_file(write("longest.key", longest)).has_value());
  EXPECT_EQ(refusal(write("long.key", longest + "00")).kind, KeyFileErrorKind::kBadLength);
  EXPECT_EQ(refusal(write("huge.key", std::string(5000, ' '))).kind, KeyFileErrorKind::kBadLength);
}

// The loaded key is the one the peer signs with: a file read at each end of a MAG-LMA pair.
TEST_F(KeyFileTest, KeyFromFileAuthenticatesAnExchange) {
  auto key = read_key_file(write("pair.key", kKeyHex));
  ASSERT_TRUE(key.has_value());
  KeyStore mag_keys;
  KeyStore lma_keys;
  ASSERT_TRUE(mag_keys.add_key(kLma, kSpi, *key).has_value());
  ASSERT_TRUE(lma_keys.add_key(kMag, kSpi, SecretKey(counting_key())).has_value());
  auto pbu = MessageAuthenticator(mag_keys).sign(attach_pbu(), kMagToLma);
  ASSERT_TRUE(pbu.has_value());
  EXPECT_EQ(MessageAuthenticator(lma_keys)
                .verify(pbu->bytes, parse_or_fail(pbu->bytes), kMagToLma)
                .outcome,
            VerifyOutcome::kOk);
}

}  // namespace
}  // namespace xpmip::auth_test
