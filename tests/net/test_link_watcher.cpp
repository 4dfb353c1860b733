// LinkWatcher in a network namespace, driven through the event loop: link up/down and the
// neighbour life cycle (REACHABLE, STALE, unanswered resolution -> FAILED, deleted) on a watched
// veth, and silence about an interface that is not watched or about multicast entries.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "netns.hpp"
#include "xpmip/clock.hpp"
#include "xpmip/net/event_loop.hpp"
#include "xpmip/net/link_watcher.hpp"

namespace xpmip::net {
namespace {

using namespace std::chrono_literals;
using testing::EnterNetns;
using testing::Netns;

constexpr MacAddress kNeighbourMac{0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
constexpr Ipv6Address kNeighbour{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
constexpr Ipv6Address kSilentNeighbour{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99};
constexpr MacAddress kWatchedMac{0x02, 0x00, 0x00, 0x00, 0x0a, 0x0a};

class LinkWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto reason = testing::netns_unavailable_reason(); !reason.empty()) GTEST_SKIP() << reason;
    ns_.emplace("watch");
    ns_->ip("link add acc0 address 02:00:00:00:0a:0a type veth peer name peer0");
    ns_->ip("link add other0 type veth peer name otherpeer0");
    ns_->ip("link set peer0 up");
    ns_->ip("link set otherpeer0 up");
    acc0_ = ns_->ifindex("acc0");
    other0_ = ns_->ifindex("other0");
    auto created = EventLoop::create(clock_);
    ASSERT_TRUE(created.has_value());
    loop_.emplace(std::move(*created));
  }

  void TearDown() override {
    if (watcher_) loop_->unwatch(watcher_->fd());
  }

  void open_watcher() {
    EnterNetns inside(*ns_);
    auto opened =
        LinkWatcher::open({acc0_}, [this](const NetlinkEvent& e) { events_.push_back(e); });
    ASSERT_TRUE(opened.has_value()) << opened.error().message();
    watcher_ = std::move(*opened);
    ASSERT_TRUE(loop_
                    ->watch(watcher_->fd(),
                            [this] {
                              auto dispatched = watcher_->dispatch();
                              EXPECT_TRUE(dispatched.has_value()) << dispatched.error().message();
                            })
                    .has_value());
  }

  // Runs the loop until `matches` accepts a delivered event; returns that event.
  template <typename Event, typename Match>
  std::optional<Event> wait_for(Match matches, std::chrono::milliseconds timeout = 3000ms) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    std::size_t seen = 0;
    while (std::chrono::steady_clock::now() < until) {
      EXPECT_TRUE(loop_->run_once(50ms).has_value());
      for (; seen < events_.size(); ++seen) {
        if (const auto* event = std::get_if<Event>(&events_[seen]); event && matches(*event))
          return *event;
      }
    }
    return std::nullopt;
  }

  SystemClock clock_;
  std::optional<Netns> ns_;
  std::optional<EventLoop> loop_;
  std::unique_ptr<LinkWatcher> watcher_;
  std::vector<NetlinkEvent> events_;
  int acc0_ = 0;
  int other0_ = 0;
};

TEST_F(LinkWatcherTest, ReportsLinkUpAndDownOfTheWatchedInterfaceOnly) {
  open_watcher();
  ns_->ip("link set other0 up");
  ns_->ip("link set acc0 up");
  auto up = wait_for<LinkEvent>([](const LinkEvent& e) { return e.carrier; });
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(*up, (LinkEvent{acc0_, true, true, kWatchedMac}));

  ns_->ip("link set acc0 down");
  auto down = wait_for<LinkEvent>([](const LinkEvent& e) { return !e.admin_up; });
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(*down, (LinkEvent{acc0_, false, false, kWatchedMac}));

  // The peer going down takes the carrier away while acc0 stays administratively up.
  ns_->ip("link set acc0 up");
  ASSERT_TRUE(wait_for<LinkEvent>([](const LinkEvent& e) { return e.carrier; }).has_value());
  ns_->ip("link set peer0 down");
  auto no_carrier =
      wait_for<LinkEvent>([](const LinkEvent& e) { return e.admin_up && !e.carrier; });
  ASSERT_TRUE(no_carrier.has_value());
  EXPECT_EQ(*no_carrier, (LinkEvent{acc0_, true, false, kWatchedMac}));

  for (const auto& event : events_) {
    ASSERT_TRUE(std::holds_alternative<LinkEvent>(event));
    EXPECT_EQ(std::get<LinkEvent>(event).ifindex, acc0_);
  }
  // Consecutive events always differ: repeats of an unchanged state are suppressed.
  for (std::size_t i = 1; i < events_.size(); ++i) EXPECT_NE(events_[i], events_[i - 1]);
}

TEST_F(LinkWatcherTest, FollowsANeighbourFromCreationToDeletion) {
  ns_->ip("link set acc0 up");
  ns_->ip("link set other0 up");
  open_watcher();
  // Not watched: must never show up.
  ns_->ip("-6 neigh add fe80::1 lladdr 02:00:00:00:00:01 dev other0 nud reachable");
  ns_->ip("-6 neigh add fe80::1 lladdr 02:00:00:00:00:01 dev acc0 nud reachable");
  auto reachable = wait_for<NeighbourEvent>([](const NeighbourEvent&) { return true; });
  ASSERT_TRUE(reachable.has_value());
  EXPECT_EQ(*reachable,
            (NeighbourEvent{acc0_, kNeighbour, kNeighbourMac, NeighbourState::kReachable, false}));

  ns_->ip("-6 neigh change fe80::1 lladdr 02:00:00:00:00:01 dev acc0 nud stale");
  auto stale = wait_for<NeighbourEvent>(
      [](const NeighbourEvent& e) { return e.state == NeighbourState::kStale; });
  ASSERT_TRUE(stale.has_value());
  EXPECT_EQ(*stale,
            (NeighbourEvent{acc0_, kNeighbour, kNeighbourMac, NeighbourState::kStale, false}));

  ns_->ip("-6 neigh del fe80::1 dev acc0");
  auto deleted = wait_for<NeighbourEvent>([](const NeighbourEvent& e) { return e.deleted; });
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->ifindex, acc0_);
  EXPECT_EQ(deleted->address, kNeighbour);

  for (const auto& event : events_) {
    if (const auto* n = std::get_if<NeighbourEvent>(&event)) EXPECT_EQ(n->ifindex, acc0_);
  }
}

TEST_F(LinkWatcherTest, UnansweredResolutionEndsFailed) {
  // One probe 100 ms apart instead of three a second apart: same states, shorter test.
  ns_->sysctl("net.ipv6.neigh.acc0.mcast_solicit=1");
  ns_->sysctl("net.ipv6.neigh.acc0.retrans_time_ms=100");
  ns_->ip("link set acc0 up");
  ns_->ip("-6 addr add fe80::a/64 dev acc0 nodad");
  open_watcher();
  {
    // Traffic to a silent on-link address starts neighbour resolution (RFC 4861 §7.2.2).
    EnterNetns inside(*ns_);
    UniqueFd udp{::socket(AF_INET6, SOCK_DGRAM, 0)};
    ASSERT_TRUE(udp.valid());
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    to.sin6_port = htons(9);
    std::memcpy(&to.sin6_addr, kSilentNeighbour.data(), 16);
    to.sin6_scope_id = static_cast<std::uint32_t>(acc0_);
    const char byte = 0;
    ASSERT_EQ(::sendto(udp.get(), &byte, 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to), 1);
  }
  // The kernel announces no INCOMPLETE state, only the outcome of the resolution.
  auto failed = wait_for<NeighbourEvent>(
      [](const NeighbourEvent& e) { return e.state == NeighbourState::kFailed; });
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(*failed, (NeighbourEvent{acc0_, kSilentNeighbour, std::nullopt, NeighbourState::kFailed,
                                     false}));
}

TEST_F(LinkWatcherTest, NeighbourDumpReplaysExistingEntries) {
  ns_->ip("link set acc0 up");
  ns_->ip("-6 neigh add fe80::1 lladdr 02:00:00:00:00:01 dev acc0 nud permanent");
  open_watcher();
  ASSERT_TRUE(watcher_->request_neighbour_dump().has_value());
  auto existing = wait_for<NeighbourEvent>([](const NeighbourEvent&) { return true; });
  ASSERT_TRUE(existing.has_value());
  EXPECT_EQ(*existing,
            (NeighbourEvent{acc0_, kNeighbour, kNeighbourMac, NeighbourState::kPermanent, false}));
}

TEST(NeighbourStateNames, AreStableIdentifiers) {
  EXPECT_EQ(to_string(NeighbourState::kReachable), "reachable");
  EXPECT_EQ(to_string(NeighbourState::kFailed), "failed");
  EXPECT_EQ(to_string(NeighbourState::kNone), "none");
}

}  // namespace
}  // namespace xpmip::net
