// RS in, RA out on a MAG access link, against a stock Linux host in its own namespace: the host's
// own RS is reported with its address, interface and MAC; the unicast RA we answer with makes it
// autoconfigure an address in the advertised prefix, adopt the RFC 6543 router as its default
// route and take the advertised MTU; a withdrawal deprecates the address; tshark decodes the
// captured RA without complaint.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "netns.hpp"
#include "xpmip/address.hpp"
#include "xpmip/net/access_link.hpp"
#include "xpmip/net/mac_text.hpp"
#include "xpmip/net/router_discovery_socket.hpp"
#include "xpmip/router_advert.hpp"

namespace xpmip::net {
namespace {

using namespace std::chrono_literals;
using testing::EnterNetns;
using testing::inside;
using testing::Netns;
using Bytes = std::vector<std::uint8_t>;

constexpr MacAddress kMnMac{0x02, 0x00, 0x00, 0xaa, 0xbb, 0xcc};
// RFC 4291 Appendix A: modified EUI-64 of 02:00:00:aa:bb:cc.
constexpr Ipv6Address kMnLinkLocal{0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                                   0x00, 0x00, 0x00, 0xff, 0xfe, 0xaa, 0xbb, 0xcc};
const Prefix kHomeNetworkPrefix{{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x77}, 64};

bool wait_readable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count())) == 1;
}

// Polls `condition` until it holds or `timeout` passes.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// Reads RSs from the socket until a valid one arrives, or the timeout passes.
std::optional<RouterSolicitationEvent> next_solicitation(RouterDiscoverySocket& socket,
                                                         std::chrono::milliseconds timeout) {
  while (wait_readable(socket.fd(), timeout)) {
    auto received = socket.receive();
    EXPECT_TRUE(received.has_value()) << received.error().message();
    if (!received || !*received) continue;
    if (auto* event = std::get_if<RouterSolicitationEvent>(&**received)) return *event;
  }
  return std::nullopt;
}

// Frames as the MN's interface receives them, captured below the IPv6 stack.
class FrameCapture {
 public:
  explicit FrameCapture(int ifindex)
      : fd_(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_IPV6))) {
    EXPECT_TRUE(fd_.valid());
    sockaddr_ll where{};
    where.sll_family = AF_PACKET;
    where.sll_protocol = htons(ETH_P_IPV6);
    where.sll_ifindex = ifindex;
    EXPECT_EQ(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&where), sizeof where), 0);
  }

  // The first received frame carrying an ICMPv6 Router Advertisement.
  std::optional<Bytes> router_advertisement(std::chrono::milliseconds timeout) {
    constexpr std::size_t kIcmpOffset = 14 + 40;
    while (wait_readable(fd_.get(), timeout)) {
      Bytes frame(2048);
      const ssize_t n = ::recv(fd_.get(), frame.data(), frame.size(), 0);
      if (n <= 0) continue;
      frame.resize(static_cast<std::size_t>(n));
      if (frame.size() > kIcmpOffset && frame[14 + 6] == IPPROTO_ICMPV6 &&
          frame[kIcmpOffset] == nd::kTypeRouterAdvertisement)
        return frame;
    }
    return std::nullopt;
  }

 private:
  UniqueFd fd_;
};

// A classic pcap file (Ethernet link type) holding one frame, for tshark.
void write_pcap(const std::string& path, const Bytes& frame) {
  std::ofstream out(path, std::ios::binary);
  const std::uint32_t global[] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
  out.write(reinterpret_cast<const char*>(global), sizeof global);
  const auto length = static_cast<std::uint32_t>(frame.size());
  const std::uint32_t record[] = {0, 0, length, length};
  out.write(reinterpret_cast<const char*>(record), sizeof record);
  out.write(reinterpret_cast<const char*>(frame.data()),
            static_cast<std::streamsize>(frame.size()));
}

class RouterDiscoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto reason = testing::netns_unavailable_reason(); !reason.empty()) GTEST_SKIP() << reason;
    mag_.emplace("mag");
    mn_.emplace("mn");
    mag_->ip("link add acc0 type veth peer name mn0 netns " + mn_->name());
    mn_->ip("link set mn0 address " + mac_text(kMnMac));
    mag_->sysctl("net.ipv6.conf.all.forwarding=1");
    // The MN is a plain host that takes RAs. DAD is off only to keep the test short: with it
    // the MN would wait a second before soliciting and before using its new address.
    mn_->sysctl("net.ipv6.conf.mn0.forwarding=0");
    mn_->sysctl("net.ipv6.conf.mn0.accept_ra=2");
    mn_->sysctl("net.ipv6.conf.mn0.accept_dad=0");
    mag_->ip("link set acc0 up");
    access_ifindex_ = mag_->ifindex("acc0");
    mn_ifindex_ = mn_->ifindex("mn0");
  }

  NetResult<RouterDiscoverySocket> open_access_socket() const {
    return inside(*mag_, [this] { return RouterDiscoverySocket::open(access_ifindex_); });
  }

  // Carrier, and with it the MN's link-local address, comes up asynchronously after "link up".
  bool mn_link_local_ready() const {
    return eventually(
        [this] {
          return mn_->output_of("ip -6 -o addr show dev mn0 scope link")
                     .find("fe80::ff:feaa:bbcc") != std::string::npos;
        },
        3000ms);
  }

  std::optional<Netns> mag_;
  std::optional<Netns> mn_;
  int access_ifindex_ = 0;
  int mn_ifindex_ = 0;
};

TEST_F(RouterDiscoveryTest, AdoptRouterIdentitySetsFixedMacAndLinkLocalWithoutDad) {
  {
    EnterNetns inside(*mag_);
    auto adopted = adopt_router_identity(access_ifindex_);
    ASSERT_TRUE(adopted.has_value()) << adopted.error().message();
    // A second run (daemon restart) must succeed on the already prepared interface.
    auto again = adopt_router_identity(access_ifindex_);
    ASSERT_TRUE(again.has_value()) << again.error().message();
  }
  EXPECT_NE(mag_->output_of("ip link show acc0").find("link/ether 00:00:5e:00:52:13 "),
            std::string::npos);
  const std::string addresses = mag_->output_of("ip -6 -o addr show dev acc0");
  const auto line_start = addresses.find("fe80::200:5eff:fe00:5213/64");
  ASSERT_NE(line_start, std::string::npos) << addresses;
  const std::string line =
      addresses.substr(line_start, addresses.find('\n', line_start) - line_start);
  EXPECT_NE(line.find("nodad"), std::string::npos) << line;
  EXPECT_EQ(line.find("tentative"), std::string::npos) << line;
}

TEST_F(RouterDiscoveryTest, AdoptRouterIdentityOnAMissingInterfaceNamesTheStep) {
  EnterNetns inside(*mag_);
  auto adopted = adopt_router_identity(999999);
  ASSERT_FALSE(adopted.has_value());
  EXPECT_EQ(adopted.error().error_number, ENODEV);
  EXPECT_EQ(adopted.error().step.rfind("set MAC 00:00:5e:00:52:13 on ifindex 999999", 0), 0u)
      << adopted.error().step;
}

TEST_F(RouterDiscoveryTest, LearnNeighbourCreatesStaleEntryButKeepsAnExistingOne) {
  const Ipv6Address neighbour{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34};
  {
    EnterNetns inside(*mag_);
    ASSERT_TRUE(learn_neighbour(access_ifindex_, neighbour, kMnMac).has_value());
    ASSERT_TRUE(
        learn_neighbour(access_ifindex_, neighbour, MacAddress{2, 9, 9, 9, 9, 9}).has_value());
  }
  EXPECT_EQ(mag_->output_of("ip -6 neigh show dev acc0 to fe80::1234"),
            "fe80::1234 lladdr 02:00:00:aa:bb:cc STALE \n");
}

TEST_F(RouterDiscoveryTest, HostAutoconfiguresFromTheUnicastAdvertisement) {
  ASSERT_TRUE(inside(*mag_, [this] { return adopt_router_identity(access_ifindex_); }).has_value());
  auto socket = open_access_socket();
  ASSERT_TRUE(socket.has_value()) << socket.error().message();
  std::optional<FrameCapture> capture;
  {
    EnterNetns inside(*mn_);
    capture.emplace(mn_ifindex_);
  }
  mn_->ip("link set mn0 up");  // the host solicits as soon as its link-local address is usable

  auto solicitation = next_solicitation(*socket, 5000ms);
  ASSERT_TRUE(solicitation.has_value()) << "no Router Solicitation from the host";
  EXPECT_EQ(*solicitation, (RouterSolicitationEvent{kMnLinkLocal, access_ifindex_, kMnMac}));

  nd::RouterAdvertisement ra;
  ra.cur_hop_limit = 64;
  ra.router_lifetime_s = 1800;
  ra.source_link_layer = nd::kFixedMagMac;
  ra.mtu = 1400;
  ra.prefixes.push_back(nd::PrefixInformation{
      .prefix = kHomeNetworkPrefix, .valid_lifetime_s = 3600, .preferred_lifetime_s = 1800});
  auto encoded = nd::encode_router_advertisement(ra);
  ASSERT_TRUE(encoded.has_value());
  auto sent = socket->send_advertisement(
      *encoded, nd::advertisement_destination(solicitation->source), solicitation->source_mac);
  ASSERT_TRUE(sent.has_value()) << sent.error().message();

  // On the wire: from the fixed router MAC and link-local, unicast to the host, hop limit 255.
  auto frame = capture->router_advertisement(2000ms);
  ASSERT_TRUE(frame.has_value()) << "the host's interface never received the RA";
  EXPECT_EQ(Bytes(frame->begin(), frame->begin() + 6), Bytes(kMnMac.begin(), kMnMac.end()));
  EXPECT_EQ(Bytes(frame->begin() + 6, frame->begin() + 12),
            Bytes(nd::kFixedMagMac.begin(), nd::kFixedMagMac.end()));
  EXPECT_EQ((*frame)[14 + 7], 255) << "IPv6 hop limit";
  EXPECT_EQ(Bytes(frame->begin() + 22, frame->begin() + 38),
            Bytes(nd::kFixedMagLinkLocal.begin(), nd::kFixedMagLinkLocal.end()));
  EXPECT_EQ(Bytes(frame->begin() + 38, frame->begin() + 54),
            Bytes(kMnLinkLocal.begin(), kMnLinkLocal.end()));
  auto decoded = nd::parse_router_advertisement(std::span{*frame}.subspan(54));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, ra);

  // SLAAC (RFC 4862 §5.5.3): prefix + the host's modified EUI-64 interface identifier.
  const std::string expected_address = "2001:db8:77::ff:feaa:bbcc/64";
  EXPECT_TRUE(eventually(
      [&] {
        return mn_->output_of("ip -6 -o addr show dev mn0 scope global").find(expected_address) !=
               std::string::npos;
      },
      3000ms))
      << mn_->output_of("ip -6 addr show dev mn0");
  const std::string routes = mn_->output_of("ip -6 route show default");
  EXPECT_NE(routes.find("default via fe80::200:5eff:fe00:5213 dev mn0 proto ra"), std::string::npos)
      << routes;
  EXPECT_EQ(mn_->output_of("cat /proc/sys/net/ipv6/conf/mn0/mtu"), "1400\n");
  const std::string neighbours =
      mn_->output_of("ip -6 neigh show dev mn0 fe80::200:5eff:fe00:5213");
  EXPECT_NE(neighbours.find("lladdr 00:00:5e:00:52:13 router"), std::string::npos) << neighbours;

  // RFC 5213 §6.12 withdrawal (both lifetimes 0). RFC 4862 §5.5.3 e: the host deprecates the
  // address at once but, by the two-hour rule, keeps its remaining valid lifetime.
  nd::RouterAdvertisement withdrawal = ra;
  withdrawal.prefixes = {nd::withdrawal_of(kHomeNetworkPrefix)};
  auto withdrawal_bytes = nd::encode_router_advertisement(withdrawal);
  ASSERT_TRUE(withdrawal_bytes.has_value());
  ASSERT_TRUE(socket->send_advertisement(*withdrawal_bytes, solicitation->source).has_value());
  EXPECT_TRUE(eventually(
      [&] {
        const std::string line = mn_->output_of("ip -6 -o addr show dev mn0 scope global");
        return line.find(expected_address + " scope global deprecated") != std::string::npos &&
               line.find("preferred_lft 0sec") != std::string::npos;
      },
      3000ms))
      << mn_->output_of("ip -6 addr show dev mn0");

  // tshark's own dissector agrees field by field, finds the checksum good and flags nothing.
  if (testing::shell("command -v tshark >/dev/null") != 0) GTEST_SKIP() << "tshark not installed";
  const std::string pcap = "/tmp/xpmip-ra-" + std::to_string(::getpid()) + ".pcap";
  write_pcap(pcap, *frame);
  std::string fields;
  testing::shell(
      "tshark -r " + pcap +
          " -T fields -E separator=/s"
          " -e icmpv6.type -e ipv6.hlim -e icmpv6.checksum.status -e icmpv6.nd.ra.router_lifetime"
          " -e icmpv6.opt.linkaddr -e icmpv6.opt.mtu -e icmpv6.opt.prefix"
          " -e icmpv6.opt.prefix.length -e icmpv6.opt.prefix.flag.l -e icmpv6.opt.prefix.flag.a"
          " -e icmpv6.opt.prefix.valid_lifetime -e icmpv6.opt.prefix.preferred_lifetime"
          " -e _ws.malformed -e _ws.expert 2>/dev/null",
      &fields);
  std::remove(pcap.c_str());
  EXPECT_EQ(fields, "134 255 1 1800 00:00:5e:00:52:13 1400 2001:db8:77:: 64 1 1 3600 1800  \n");
}

TEST_F(RouterDiscoveryTest, UnsolicitedMulticastAdvertisementAlsoConfiguresTheHost) {
  ASSERT_TRUE(inside(*mag_, [this] { return adopt_router_identity(access_ifindex_); }).has_value());
  auto socket = open_access_socket();
  ASSERT_TRUE(socket.has_value()) << socket.error().message();
  mn_->sysctl("net.ipv6.conf.mn0.router_solicitations=0");
  mn_->ip("link set mn0 up");
  ASSERT_TRUE(mn_link_local_ready());

  nd::RouterAdvertisement ra;
  ra.router_lifetime_s = 600;
  ra.source_link_layer = nd::kFixedMagMac;
  ra.prefixes.push_back(nd::PrefixInformation{
      .prefix = kHomeNetworkPrefix, .valid_lifetime_s = 600, .preferred_lifetime_s = 300});
  auto encoded = nd::encode_router_advertisement(ra);
  ASSERT_TRUE(encoded.has_value());
  auto sent = socket->send_advertisement(*encoded, nd::kAllNodes);
  ASSERT_TRUE(sent.has_value()) << sent.error().message();

  EXPECT_TRUE(eventually(
      [&] {
        return mn_->output_of("ip -6 route show default")
                   .find("default via fe80::200:5eff:fe00:5213 dev mn0 proto ra") !=
               std::string::npos;
      },
      3000ms));
  EXPECT_NE(mn_->output_of("ip -6 -o addr show dev mn0 scope global")
                .find("2001:db8:77::ff:feaa:bbcc/64"),
            std::string::npos);
}

TEST_F(RouterDiscoveryTest, OpeningOnAMissingInterfaceNamesTheStep) {
  EnterNetns inside(*mag_);
  auto opened = RouterDiscoverySocket::open(999999);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().error_number, ENODEV);
  EXPECT_EQ(opened.error().step, "find access interface on ifindex 999999");
}

TEST_F(RouterDiscoveryTest, SolicitationWithHopLimitBelow255IsDiscarded) {
  auto socket = open_access_socket();
  ASSERT_TRUE(socket.has_value()) << socket.error().message();
  mn_->sysctl("net.ipv6.conf.mn0.router_solicitations=0");  // only our hand-made RS
  mn_->ip("link set mn0 up");
  ASSERT_TRUE(mn_link_local_ready());  // the hand-made RS needs its source address
  {
    EnterNetns inside(*mn_);
    UniqueFd sender{::socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)};
    ASSERT_TRUE(sender.valid());
    const int hops = 64;  // as if the RS had crossed a router
    ASSERT_EQ(::setsockopt(sender.get(), IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops), 0);
    const Bytes rs = {
        nd::kTypeRouterSolicitation, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0x02, 0x00, 0x00, 0xaa, 0xbb, 0xcc};
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    std::memcpy(&to.sin6_addr, nd::kAllRouters.data(), 16);
    to.sin6_scope_id = static_cast<std::uint32_t>(mn_ifindex_);
    ASSERT_EQ(::sendto(sender.get(), rs.data(), rs.size(), 0, reinterpret_cast<sockaddr*>(&to),
                       sizeof to),
              static_cast<ssize_t>(rs.size()));
  }
  ASSERT_TRUE(wait_readable(socket->fd(), 2000ms));
  auto received = socket->receive();
  ASSERT_TRUE(received.has_value()) << received.error().message();
  ASSERT_TRUE(received->has_value());
  EXPECT_EQ(**received, SolicitationOutcome(DiscardedSolicitation{kMnLinkLocal, access_ifindex_,
                                                                  nd::NdError::kHopLimitNot255}));
}

}  // namespace
}  // namespace xpmip::net
