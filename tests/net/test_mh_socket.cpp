// MhSocket between two network namespaces joined by a veth pair: exact bytes, addresses and
// interface on receipt, and the kernel's checksum verification (RFC 6275 §6.1.1, §9.2).
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>
#include <vector>

#include "netns.hpp"
#include "xpmip/net/mh_socket.hpp"

namespace xpmip::net {
namespace {

using testing::inside;
using testing::Netns;

using Bytes = std::vector<std::uint8_t>;

constexpr Ipv6Address kLmaAddress{0x20, 0x01, 0x0d, 0xb8, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
constexpr Ipv6Address kMagAddress{0x20, 0x01, 0x0d, 0xb8, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

// A 16-octet Binding Update shape (RFC 6275 §6.1.7): Payload Proto 59, Header Len 1, MH Type 5,
// checksum placeholder, sequence 0x1234, flags A|P, lifetime 0x0100, then a PadN of 4 octets.
const Bytes kBindingUpdate = {59, 1, 5, 0, 0, 0, 0x12, 0x34, 0x82, 0x00, 0x01, 0x00, 1, 2, 0, 0};

bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1;
}

// Everything the socket delivers within `window_ms`.
std::vector<ReceivedMobilityHeader> receive_all(MhSocket& socket, int window_ms) {
  std::vector<ReceivedMobilityHeader> out;
  while (wait_readable(socket.fd(), window_ms)) {
    auto received = socket.receive();
    EXPECT_TRUE(received.has_value()) << received.error().message();
    if (received && *received) out.push_back(**received);
  }
  return out;
}

// A raw protocol-135 socket whose kernel checksum is switched off: it sends the bytes verbatim,
// like a peer with a broken checksum would.
UniqueFd open_verbatim_sender() {
  UniqueFd fd{::socket(AF_INET6, SOCK_RAW, 135)};
  EXPECT_TRUE(fd.valid());
  const int off = -1;
  EXPECT_EQ(::setsockopt(fd.get(), IPPROTO_RAW, IPV6_CHECKSUM, &off, sizeof off), 0);
  sockaddr_in6 local{};
  local.sin6_family = AF_INET6;
  std::memcpy(&local.sin6_addr, kMagAddress.data(), 16);
  EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local), 0);
  return fd;
}

void send_verbatim(int fd, const Bytes& mh, const Ipv6Address& destination) {
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  std::memcpy(&to.sin6_addr, destination.data(), 16);
  ASSERT_EQ(::sendto(fd, mh.data(), mh.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
            static_cast<ssize_t>(mh.size()));
}

class MhSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto reason = testing::netns_unavailable_reason(); !reason.empty()) GTEST_SKIP() << reason;
    lma_.emplace("lma");
    mag_.emplace("mag");
    lma_->ip("link add core0 type veth peer name core1 netns " + mag_->name());
    lma_->ip("addr add 2001:db8:ff::1/64 dev core0 nodad");
    mag_->ip("addr add 2001:db8:ff::2/64 dev core1 nodad");
    lma_->ip("link set core0 up");
    mag_->ip("link set core1 up");
    lma_ifindex_ = lma_->ifindex("core0");
    mag_ifindex_ = mag_->ifindex("core1");
  }

  std::optional<Netns> lma_;
  std::optional<Netns> mag_;
  int lma_ifindex_ = 0;
  int mag_ifindex_ = 0;
};

TEST_F(MhSocketTest, DeliversExactBytesWithSourceDestinationAndInterface) {
  auto lma = inside(*lma_, [] { return MhSocket::open(kLmaAddress); });
  ASSERT_TRUE(lma.has_value()) << lma.error().message();
  auto mag = inside(*mag_, [] { return MhSocket::open(kMagAddress); });
  ASSERT_TRUE(mag.has_value()) << mag.error().message();

  ASSERT_TRUE(mag->send(kBindingUpdate, kLmaAddress).has_value());
  auto at_lma = receive_all(*lma, 300);
  ASSERT_EQ(at_lma.size(), 1u);
  EXPECT_EQ(at_lma[0].source, kMagAddress);
  EXPECT_EQ(at_lma[0].destination, kLmaAddress);
  EXPECT_EQ(at_lma[0].ifindex, lma_ifindex_);
  // Identical but for the checksum, which the kernel filled in.
  Bytes without_checksum = at_lma[0].bytes;
  ASSERT_EQ(without_checksum.size(), kBindingUpdate.size());
  EXPECT_NE(without_checksum[4] | without_checksum[5], 0);
  without_checksum[4] = without_checksum[5] = 0;
  EXPECT_EQ(without_checksum, kBindingUpdate);

  // And back the other way, as a PBA would travel.
  const Bytes ack = {59, 1, 6, 0, 0, 0, 0, 0x20, 0x12, 0x34, 0x01, 0x00, 1, 2, 0, 0};
  ASSERT_TRUE(lma->send(ack, kMagAddress).has_value());
  auto at_mag = receive_all(*mag, 300);
  ASSERT_EQ(at_mag.size(), 1u);
  EXPECT_EQ(at_mag[0].source, kLmaAddress);
  EXPECT_EQ(at_mag[0].destination, kMagAddress);
  EXPECT_EQ(at_mag[0].ifindex, mag_ifindex_);
  EXPECT_EQ(Bytes(at_mag[0].bytes.begin() + 6, at_mag[0].bytes.end()),
            Bytes(ack.begin() + 6, ack.end()));
}

TEST_F(MhSocketTest, MessageWithCorruptedChecksumIsNotDelivered) {
  auto lma = inside(*lma_, [] { return MhSocket::open(kLmaAddress); });
  ASSERT_TRUE(lma.has_value()) << lma.error().message();
  auto mag = inside(*mag_, [] { return MhSocket::open(kMagAddress); });
  ASSERT_TRUE(mag.has_value()) << mag.error().message();
  UniqueFd verbatim = inside(*mag_, open_verbatim_sender);

  // Learn the correct on-wire bytes (with the kernel's checksum) from one real exchange.
  ASSERT_TRUE(mag->send(kBindingUpdate, kLmaAddress).has_value());
  auto first = receive_all(*lma, 300);
  ASSERT_EQ(first.size(), 1u);
  const Bytes good = first[0].bytes;

  // Control: the verbatim sender does deliver a message whose checksum is right...
  send_verbatim(verbatim.get(), good, kLmaAddress);
  auto control = receive_all(*lma, 300);
  ASSERT_EQ(control.size(), 1u);
  EXPECT_EQ(control[0].bytes, good);

  // ...but not one whose checksum is off by one bit, nor one with a zero checksum.
  Bytes flipped = good;
  flipped[5] ^= 0x01;
  send_verbatim(verbatim.get(), flipped, kLmaAddress);
  Bytes zeroed = good;
  zeroed[4] = zeroed[5] = 0;
  send_verbatim(verbatim.get(), zeroed, kLmaAddress);
  // A correct message sent after them proves the socket was still reading.
  send_verbatim(verbatim.get(), good, kLmaAddress);
  auto after = receive_all(*lma, 300);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].bytes, good);
}

TEST_F(MhSocketTest, BindingToAnAbsentAddressNamesTheStepAndErrno) {
  // kMagAddress is configured in the other namespace only.
  auto socket = inside(*lma_, [] { return MhSocket::open(kMagAddress); });
  ASSERT_FALSE(socket.has_value());
  EXPECT_EQ(socket.error().error_number, EADDRNOTAVAIL);
  EXPECT_EQ(socket.error().step, "bind (MH socket on 2001:db8:ff::2)");
}

}  // namespace
}  // namespace xpmip::net
