// Two MAG cores and one LMA core signalling to each other in memory. Every message goes through
// the codec (encode with checksum, then parse with checksum verification), so the exchange also
// proves that what one core emits is wire-valid and means the same thing to the other side.
#include <gtest/gtest.h>

#include <array>
#include <deque>
#include <initializer_list>

#include "xpmip/codec.hpp"
#include "xpmip/lma_core.hpp"
#include "xpmip/mag_core.hpp"
#include "xpmip/policy.hpp"

namespace xpmip {
namespace {

using namespace std::chrono_literals;

Ipv6Address ip6(std::initializer_list<std::uint16_t> hextets) {
  Ipv6Address a{};
  std::size_t i = 0;
  for (auto h : hextets) {
    a[i++] = static_cast<std::uint8_t>(h >> 8);
    a[i++] = static_cast<std::uint8_t>(h & 0xff);
  }
  return a;
}

const Ipv6Address kLmaAddress = ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1});
const std::array<Ipv6Address, 2> kMagAddress = {ip6({0x2001, 0xdb8, 0, 1, 0, 0, 0, 1}),
                                                ip6({0x2001, 0xdb8, 0, 2, 0, 0, 0, 1})};
const MobileNodeId kMn{.identifier = "mn@example.net"};
const std::vector<std::uint8_t> kMnMac = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
const Prefix kHnp{.address = ip6({0x2001, 0xdb8, 0xaa, 1}), .length = 64};

struct Datagram {
  Ipv6Address source{};
  Ipv6Address destination{};
  std::vector<std::uint8_t> bytes;  // the encoded Mobility Header
};

class MagLmaInterplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    policy.set_mag(kMagAddress[0], MagPolicy{});
    policy.set_mag(kMagAddress[1], MagPolicy{});
    set_profile(3600s);
    auto lma_core = LmaCore::create(LmaConfig{}, policy, clock);
    ASSERT_TRUE(lma_core.has_value());
    lma.emplace(std::move(*lma_core));
    for (std::size_t i = 0; i < mags.size(); ++i) {
      MagConfig config;
      config.initial_sequence = static_cast<std::uint16_t>(1000 * i);
      auto mag_core = MagCore::create(config, clock);
      ASSERT_TRUE(mag_core.has_value());
      mags[i].emplace(std::move(*mag_core));
    }
  }

  void set_profile(std::chrono::seconds max_lifetime) {
    policy.set_mobile_node(kMn, MnProfile{.static_prefixes = {kHnp}, .max_lifetime = max_lifetime});
  }

  static MagSessionKey session(std::size_t mag) {
    return MagSessionKey{.mn_id = kMn, .access_interface = static_cast<std::uint32_t>(10 + mag)};
  }

  static Attachment attachment(std::size_t mag, Arrival arrival) {
    return Attachment{.session = session(mag),
                      .mn_link_layer_id = kMnMac,
                      .access_tech = AccessTechnology::kIeee80211,
                      .arrival = arrival,
                      .requested_hnps = {},
                      .lma_address = kLmaAddress,
                      .lifetime = 3600s};
  }

  // --- the network -----------------------------------------------------------------------------

  void post(std::size_t mag, const MagActions& actions) {
    for (const auto& event : actions.events) mag_events[mag].push_back(event);
    for (const auto& [destination, pbu] : actions.messages) {
      const PseudoHeaderAddresses addresses{.source = kMagAddress[mag], .destination = destination};
      auto encoded = encode_mobility_header(pbu, addresses);
      ASSERT_TRUE(encoded.has_value());
      in_flight.push_back(Datagram{kMagAddress[mag], destination, std::move(encoded->bytes)});
    }
  }

  void post(const LmaOutput& output) {
    for (const auto& event : output.events) lma_events.push_back(event);
    for (const auto& reply : output.replies) {
      const PseudoHeaderAddresses addresses{.source = reply.source,
                                            .destination = reply.destination};
      auto encoded = encode_mobility_header(reply.pba, addresses);
      ASSERT_TRUE(encoded.has_value());
      in_flight.push_back(Datagram{reply.source, reply.destination, std::move(encoded->bytes)});
    }
  }

  void deliver(const Datagram& d) {
    const PseudoHeaderAddresses addresses{.source = d.source, .destination = d.destination};
    auto decoded = parse_mobility_header(d.bytes, addresses);
    ASSERT_TRUE(decoded.has_value()) << decoded.error().detail;
    if (d.destination == kLmaAddress) {
      ASSERT_TRUE(std::holds_alternative<ProxyBindingUpdate>(decoded->message));
      post(
          lma->handle_pbu(std::get<ProxyBindingUpdate>(decoded->message), d.source, d.destination));
      return;
    }
    for (std::size_t i = 0; i < mags.size(); ++i) {
      if (d.destination != kMagAddress[i] || silent[i]) continue;
      ASSERT_TRUE(std::holds_alternative<ProxyBindingAck>(decoded->message));
      post(i, mags[i]->on_pba(std::get<ProxyBindingAck>(decoded->message), d.source));
    }
  }

  Datagram take_front() {
    EXPECT_FALSE(in_flight.empty());
    if (in_flight.empty()) return {};
    auto d = std::move(in_flight.front());
    in_flight.pop_front();
    return d;
  }

  void deliver_all() {
    for (int guard = 0; !in_flight.empty() && guard < 1000; ++guard) deliver(take_front());
    ASSERT_TRUE(in_flight.empty());
  }

  // Lets `duration` pass, firing every core's timers when due and delivering what they send.
  void run_for(SteadyTime::duration duration) {
    const auto until = clock.now() + duration;
    for (;;) {
      std::optional<SteadyTime> next = lma->next_deadline();
      for (std::size_t i = 0; i < mags.size(); ++i) {
        const auto deadline = silent[i] ? std::nullopt : mags[i]->next_deadline();
        if (deadline && (!next || *deadline < *next)) next = deadline;
      }
      if (!next || *next > until) break;
      if (*next > clock.now()) clock.advance(*next - clock.now());
      post(lma->expire_timers());
      for (std::size_t i = 0; i < mags.size(); ++i)
        if (!silent[i]) post(i, mags[i]->on_timer(clock.now()));
      deliver_all();
    }
    clock.advance(until - clock.now());
  }

  void attach(std::size_t mag, Arrival arrival = Arrival::kNewAttachment) {
    auto actions = mags[mag]->attach(attachment(mag, arrival));
    ASSERT_TRUE(actions.has_value());
    post(mag, *actions);
  }

  void detach(std::size_t mag) {
    auto actions = mags[mag]->detach(session(mag));
    ASSERT_TRUE(actions.has_value());
    post(mag, *actions);
  }

  // --- observations ----------------------------------------------------------------------------

  std::optional<BindingRecord> lma_binding() const {
    const auto records = lma->bindings();
    EXPECT_LE(records.size(), 1u);
    if (records.empty()) return std::nullopt;
    return records.front();
  }

  std::optional<MagBindingView> mag_binding(std::size_t mag) const {
    const auto views = mags[mag]->bindings();
    EXPECT_LE(views.size(), 1u);
    if (views.empty()) return std::nullopt;
    return views.front();
  }

  void expect_bound(std::size_t mag) const {
    const auto view = mag_binding(mag);
    ASSERT_TRUE(view.has_value());
    EXPECT_EQ(view->state, MagSessionState::kBound);
    EXPECT_EQ(view->hnps, std::vector<Prefix>{kHnp});
    const auto record = lma_binding();
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->state, BindingState::kActive);
    EXPECT_EQ(record->proxy_coa, kMagAddress[mag]);
    EXPECT_EQ(record->home_network_prefixes, std::vector<Prefix>{kHnp});
    EXPECT_EQ(record->mn_link_layer_id, kMnMac);
  }

  static void expect_mag_bind(const MagEvent& event, std::size_t mag) {
    ASSERT_TRUE(std::holds_alternative<MagBindEvent>(event));
    const auto& bind = std::get<MagBindEvent>(event);
    EXPECT_EQ(bind.session, session(mag));
    EXPECT_EQ(bind.hnps, std::vector<Prefix>{kHnp});
    EXPECT_EQ(bind.lma, kLmaAddress);
    ASSERT_TRUE(bind.mag_link_local.has_value());  // we asked the LMA for one (§6.8)
    EXPECT_TRUE(is_link_local_unicast(*bind.mag_link_local));
  }

  static void expect_mag_unbind(const MagEvent& event, SessionEndReason reason,
                                std::vector<Prefix> hnps) {
    ASSERT_TRUE(std::holds_alternative<MagUnbindEvent>(event));
    EXPECT_EQ(std::get<MagUnbindEvent>(event).reason, reason);
    EXPECT_EQ(std::get<MagUnbindEvent>(event).hnps, hnps);
  }

  static void expect_lma_bind(const LmaEvent& event, std::size_t mag) {
    ASSERT_TRUE(std::holds_alternative<BindEvent>(event));
    EXPECT_EQ(std::get<BindEvent>(event), (BindEvent{.mn_id = kMn,
                                                     .home_network_prefixes = {kHnp},
                                                     .proxy_coa = kMagAddress[mag],
                                                     .access_tech = AccessTechnology::kIeee80211}));
  }

  static void expect_lma_unbind(const LmaEvent& event, std::size_t mag) {
    ASSERT_TRUE(std::holds_alternative<UnbindEvent>(event));
    EXPECT_EQ(std::get<UnbindEvent>(event),
              (UnbindEvent{
                  .mn_id = kMn, .home_network_prefixes = {kHnp}, .proxy_coa = kMagAddress[mag]}));
  }

  static bool is_link_local_unicast(const Ipv6Address& a) {
    return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
  }

  ManualClock clock;
  StaticPolicy policy;
  std::optional<LmaCore> lma;
  std::array<std::optional<MagCore>, 2> mags;
  std::array<bool, 2> silent{};
  std::deque<Datagram> in_flight;
  std::array<std::vector<MagEvent>, 2> mag_events;
  std::vector<LmaEvent> lma_events;
};

TEST_F(MagLmaInterplayTest, AttachBindsBothSides) {
  attach(0);
  deliver_all();
  expect_bound(0);
  ASSERT_EQ(mag_events[0].size(), 1u);
  expect_mag_bind(mag_events[0][0], 0);
  ASSERT_EQ(lma_events.size(), 1u);
  expect_lma_bind(lma_events[0], 0);
  // Both sides agree on the lifetime: the LMA granted what the policy asked for.
  EXPECT_EQ(lma_binding()->granted_lifetime, 900);
  EXPECT_EQ(mag_binding(0)->lifetime_left, 3600s);
  // The MAG reports the link-local address the LMA generated and keeps in the BCE.
  EXPECT_EQ(std::get<MagBindEvent>(mag_events[0][0]).mag_link_local, lma_binding()->mag_link_local);
}

TEST_F(MagLmaInterplayTest, RefreshKeepsTheBindingAliveOnBothSides) {
  set_profile(40s);  // the LMA shortens the lifetime to 40 s; the MAG refreshes at 32 s
  attach(0);
  deliver_all();
  run_for(200s);
  expect_bound(0);
  EXPECT_EQ(mags[0]->stats().pbus_sent, 7u);  // registration + refreshes at 32, 64, ... 192 s
  EXPECT_EQ(mags[0]->stats().pbus_retransmitted, 0u);
  EXPECT_EQ(lma->stats().bindings_expired, 0u);
  EXPECT_EQ(mag_events[0].size(), 1u);  // the one Bind; refreshes emit nothing
  EXPECT_EQ(lma_events.size(), 1u);
}

TEST_F(MagLmaInterplayTest, HandoffToSecondMagThenLateDeregistrationFromTheFirstIsIgnored) {
  attach(0);
  deliver_all();
  clock.advance(5s);

  attach(1, Arrival::kHandoffFromAnotherMag);  // HI 3, same MN-LL-ID
  deliver_all();
  expect_bound(1);
  ASSERT_EQ(mag_events[1].size(), 1u);
  expect_mag_bind(mag_events[1][0], 1);
  ASSERT_EQ(lma_events.size(), 2u);
  expect_lma_bind(lma_events[1], 1);  // one Bind moving the routes, no Unbind
  EXPECT_EQ(lma->stats().handoffs, 1u);
  // The same link-local address follows the MN to the new MAG (§6.8).
  EXPECT_EQ(std::get<MagBindEvent>(mag_events[1][0]).mag_link_local,
            std::get<MagBindEvent>(mag_events[0][0]).mag_link_local);

  // MAG1 only now sees the MN gone and de-registers: the LMA ignores it (§5.3.5) and MAG1
  // forgets the session after INITIAL_BINDACK_TIMEOUT.
  clock.advance(100ms);
  detach(0);
  deliver_all();
  EXPECT_EQ(lma->stats().ignored_late_deregistration, 1u);
  ASSERT_EQ(mag_events[0].size(), 2u);
  expect_mag_unbind(mag_events[0][1], SessionEndReason::kDetached, {kHnp});
  run_for(1s);
  EXPECT_FALSE(mag_binding(0).has_value());
  expect_bound(1);
  EXPECT_EQ(lma_events.size(), 2u);
}

TEST_F(MagLmaInterplayTest, HandoffAwayNeedsNoSignalling) {
  attach(0);
  deliver_all();
  clock.advance(100ms);
  attach(1, Arrival::kHandoffFromAnotherMag);
  deliver_all();
  auto actions = mags[0]->handoff_away(session(0));
  ASSERT_TRUE(actions.has_value());
  EXPECT_TRUE(actions->messages.empty());
  post(0, *actions);
  expect_mag_unbind(mag_events[0].back(), SessionEndReason::kHandoffAway, {kHnp});
  EXPECT_FALSE(mag_binding(0).has_value());
  expect_bound(1);
}

TEST_F(MagLmaInterplayTest, HandoffOfUnknownKindWaitsForTheOldMagsDeregistration) {
  attach(0);
  deliver_all();
  clock.advance(100ms);
  // MAG2's detector knows neither the handoff nor the MN's link-layer id: HI 4 and no MN-LL-ID,
  // so the LMA parks the PBU for the old MAG's de-registration (§5.4.1.3).
  auto unknown = attachment(1, Arrival::kUnknown);
  unknown.mn_link_layer_id.clear();
  auto actions = mags[1]->attach(unknown);
  ASSERT_TRUE(actions.has_value());
  post(1, *actions);
  deliver_all();
  EXPECT_EQ(lma->stats().held_for_deregistration, 1u);
  EXPECT_EQ(mag_binding(1)->state, MagSessionState::kRegistering);

  clock.advance(100ms);
  detach(0);  // the old MAG's de-registration releases the parked PBU
  deliver_all();
  EXPECT_FALSE(mag_binding(0).has_value());  // PBA 0 ended MAG1's de-registration at once
  const auto view = mag_binding(1);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->state, MagSessionState::kBound);
  EXPECT_EQ(view->hnps, std::vector<Prefix>{kHnp});
  const auto record = lma_binding();
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->state, BindingState::kActive);
  EXPECT_EQ(record->proxy_coa, kMagAddress[1]);
  ASSERT_EQ(mag_events[1].size(), 1u);
  EXPECT_EQ(std::get<MagBindEvent>(mag_events[1][0]).hnps, std::vector<Prefix>{kHnp});
  EXPECT_FALSE(std::get<MagBindEvent>(mag_events[1][0]).mn_mac.has_value());
}

TEST_F(MagLmaInterplayTest, SequenceNumberModeHandoffAdoptsTheLmasSequenceNumber) {
  // Both MAGs order by sequence number only (RFC 6275 §9.5.1); MAG2's counter is behind the
  // number the LMA accepted from MAG1, so the LMA answers 135 and MAG2 continues above it.
  policy.set_mag(kMagAddress[0], MagPolicy{.replay_mode = ReplayMode::kSequenceNumber});
  policy.set_mag(kMagAddress[1], MagPolicy{.replay_mode = ReplayMode::kSequenceNumber});
  for (std::size_t i = 0; i < mags.size(); ++i) {
    MagConfig config;
    config.timestamp_option = false;
    config.initial_sequence = i == 0 ? 30000 : 100;
    auto core = MagCore::create(config, clock);
    ASSERT_TRUE(core.has_value());
    mags[i].emplace(std::move(*core));
  }
  attach(0);
  deliver_all();
  expect_bound(0);
  EXPECT_EQ(lma_binding()->last_sequence, 30000);

  attach(1, Arrival::kHandoffFromAnotherMag);
  deliver_all();
  EXPECT_EQ(lma->stats().pba_count(PbaStatus::kSequenceOutOfWindow), 1u);
  expect_bound(1);
  EXPECT_EQ(lma_binding()->last_sequence, 30001);
  EXPECT_EQ(mags[1]->stats().pbus_sent, 2u);
  ASSERT_EQ(mag_events[1].size(), 1u);
  expect_mag_bind(mag_events[1][0], 1);
}

TEST_F(MagLmaInterplayTest, DetachDeregistersAndTheLmaDeletesAfterMinDelay) {
  attach(0);
  deliver_all();
  clock.advance(30s);
  detach(0);
  deliver_all();
  EXPECT_FALSE(mag_binding(0).has_value());  // removed on PBA 0
  ASSERT_EQ(mag_events[0].size(), 2u);
  expect_mag_unbind(mag_events[0][1], SessionEndReason::kDetached, {kHnp});
  ASSERT_TRUE(lma_binding().has_value());
  EXPECT_EQ(lma_binding()->state, BindingState::kPendingDelete);

  run_for(9999ms);
  ASSERT_TRUE(lma_binding().has_value());
  run_for(1ms);  // MinDelayBeforeBCEDelete = 10 s
  EXPECT_FALSE(lma_binding().has_value());
  ASSERT_EQ(lma_events.size(), 2u);
  expect_lma_unbind(lma_events[1], 0);
  EXPECT_EQ(mags[0]->stats().pbus_sent, 2u);
}

TEST_F(MagLmaInterplayTest, SilentMagsBindingExpiresAtTheLma) {
  set_profile(40s);
  attach(0);
  deliver_all();
  silent[0] = true;  // MAG1 crashes: no refresh ever comes
  run_for(39s);
  expect_bound(0);
  run_for(1s);
  EXPECT_FALSE(lma_binding().has_value());
  EXPECT_EQ(lma->stats().bindings_expired, 1u);
  ASSERT_EQ(lma_events.size(), 2u);
  expect_lma_unbind(lma_events[1], 0);
}

TEST_F(MagLmaInterplayTest, LmaGoingSilentEndsTheMagBindingAtItsLifetime) {
  set_profile(40s);
  attach(0);
  deliver_all();
  // From now on every PBU is lost.
  for (SteadyTime end = clock.now() + 41s; clock.now() < end;) {
    const auto deadline = mags[0]->next_deadline();
    if (!deadline || *deadline > end) break;
    clock.advance(*deadline - clock.now());
    post(0, mags[0]->on_timer(clock.now()));
    in_flight.clear();
  }
  EXPECT_FALSE(mag_binding(0).has_value());
  ASSERT_EQ(mag_events[0].size(), 2u);
  expect_mag_unbind(mag_events[0][1], SessionEndReason::kLifetimeExpired, {kHnp});
}

TEST_F(MagLmaInterplayTest, LostPbaIsRecoveredByTheRetransmission) {
  attach(0);
  deliver(take_front());  // the PBU reaches the LMA, which binds
  ASSERT_EQ(lma_events.size(), 1u);
  take_front();  // the PBA is lost
  EXPECT_EQ(mag_binding(0)->state, MagSessionState::kRegistering);
  run_for(1s);  // the retransmission (fresh timestamp) is a refresh for the LMA
  expect_bound(0);
  EXPECT_EQ(mags[0]->stats().pbus_retransmitted, 1u);
  EXPECT_EQ(lma->stats().bindings_created, 1u);
  ASSERT_EQ(mag_events[0].size(), 1u);
  expect_mag_bind(mag_events[0][0], 0);
}

TEST_F(MagLmaInterplayTest, LostPbuIsRecoveredByTheRetransmission) {
  attach(0);
  take_front();  // the PBU is lost
  run_for(1s);
  expect_bound(0);
  EXPECT_EQ(lma->stats().bindings_created, 1u);
  EXPECT_EQ(mags[0]->stats().pbus_sent, 2u);
}

TEST_F(MagLmaInterplayTest, DuplicatedPbuAndPbaChangeNothing) {
  attach(0);
  in_flight.push_back(in_flight.front());  // the network duplicates the PBU
  deliver(take_front());
  deliver(take_front());  // the copy: its timestamp is not newer (157)
  EXPECT_EQ(lma->stats().pba_count(PbaStatus::kTimestampLowerThanPrevAccepted), 1u);
  ASSERT_EQ(in_flight.size(), 2u);
  in_flight.push_back(in_flight.front());  // and duplicates the PBA 0
  deliver_all();
  expect_bound(0);
  EXPECT_EQ(mag_events[0].size(), 1u);
  EXPECT_EQ(mags[0]->stats().pbas_unmatched, 2u);  // the 157 and the second PBA 0
  EXPECT_EQ(mags[0]->stats().pbus_sent, 1u);       // nothing re-sent
}

TEST_F(MagLmaInterplayTest, ReorderedPbusLeaveTheNewestInForce) {
  attach(0);
  const auto delayed = take_front();  // the first PBU is held up in the network
  run_for(1s);                        // the retransmission overtakes it and binds
  expect_bound(0);
  deliver(delayed);  // the old PBU arrives: its timestamp is older (157)
  deliver_all();
  EXPECT_EQ(lma->stats().pba_count(PbaStatus::kTimestampLowerThanPrevAccepted), 1u);
  EXPECT_EQ(mags[0]->stats().pbas_unmatched, 1u);
  expect_bound(0);
  EXPECT_EQ(mag_events[0].size(), 1u);
  EXPECT_EQ(lma_events.size(), 1u);
}

TEST_F(MagLmaInterplayTest, UnknownMobileNodeIsRejectedAndNothingIsForwarded) {
  policy.remove_mobile_node(kMn);
  attach(0);
  deliver_all();
  ASSERT_EQ(mag_events[0].size(), 1u);
  ASSERT_TRUE(std::holds_alternative<MagUnbindEvent>(mag_events[0][0]));
  EXPECT_EQ(std::get<MagUnbindEvent>(mag_events[0][0]).status, PbaStatus::kNotLmaForThisMobileNode);
  EXPECT_FALSE(mag_binding(0).has_value());
  EXPECT_FALSE(lma_binding().has_value());
  EXPECT_TRUE(lma_events.empty());
}

TEST_F(MagLmaInterplayTest, ProxyMobilityDisabledHoldsTheSessionUntilReleased) {
  policy.set_mobile_node(kMn,
                         MnProfile{.proxy_mobility_enabled = false, .static_prefixes = {kHnp}});
  attach(0);
  deliver_all();
  EXPECT_EQ(mag_binding(0)->hold, HoldReason::kServiceDenied);
  run_for(60s);
  EXPECT_EQ(mags[0]->stats().pbus_sent, 1u);  // no retransmission while denied
  set_profile(3600s);  // the operator enables the node and releases the session
  auto released = mags[0]->release(session(0));
  ASSERT_TRUE(released.has_value());
  post(0, *released);
  deliver_all();
  expect_bound(0);
}

}  // namespace
}  // namespace xpmip
