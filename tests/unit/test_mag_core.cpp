#include "xpmip/mag_core.hpp"

#include <gtest/gtest.h>

#include <initializer_list>

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

Prefix prefix64(std::uint16_t subnet) {
  return Prefix{.address = ip6({0x2001, 0xdb8, 0xaa, subnet}), .length = 64};
}

const Ipv6Address kLma = ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1});
const Ipv6Address kOtherLma = ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 2});
const std::vector<std::uint8_t> kMnMac = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
const MagSessionKey kMn1{.mn_id = {.identifier = "mn1@example.net"}, .access_interface = 7};
const Prefix kAllZero{};
// ManualClock starts its wall clock at 1'700'000'000 s after the Unix epoch.
constexpr std::uint64_t kWallStartTimestamp = std::uint64_t{1'700'000'000} << 16;

// What an RFC 5213 §5.3.6 LMA returns: the PBU's MN-ID, HI, ATT, MN-LL-ID and timestamp echoed.
ProxyBindingAck answer(const ProxyBindingUpdate& pbu, PbaStatus status, std::uint16_t lifetime,
                       std::vector<Prefix> hnps) {
  ProxyBindingAck pba;
  pba.status = status;
  pba.sequence = pbu.sequence;
  pba.lifetime = lifetime;
  pba.options.mn_id = pbu.options.mn_id;
  pba.options.home_network_prefixes = std::move(hnps);
  pba.options.handoff_indicator = pbu.options.handoff_indicator;
  pba.options.access_tech = pbu.options.access_tech;
  pba.options.mn_link_layer_id = pbu.options.mn_link_layer_id;
  pba.options.timestamp = pbu.options.timestamp;
  return pba;
}

ProxyBindingAck reject(const ProxyBindingUpdate& pbu, PbaStatus status) {
  return answer(pbu, status, 0, pbu.options.home_network_prefixes);
}

class MagCoreTest : public ::testing::Test {
 protected:
  void SetUp() override { recreate(); }

  void recreate() {
    auto core = MagCore::create(config, clock);
    ASSERT_TRUE(core.has_value());
    mag.emplace(std::move(*core));
  }

  static Attachment attachment(const MagSessionKey& key = kMn1) {
    return Attachment{.session = key,
                      .mn_link_layer_id = kMnMac,
                      .access_tech = AccessTechnology::kIeee80211,
                      .arrival = Arrival::kNewAttachment,
                      .requested_hnps = {},
                      .lma_address = kLma,
                      .lifetime = 3600s};
  }

  // The one PBU an action produced.
  static ProxyBindingUpdate sole_pbu(const MagActions& actions) {
    EXPECT_EQ(actions.messages.size(), 1u);
    if (actions.messages.empty()) return {};
    EXPECT_EQ(actions.messages.front().destination, kLma);
    return actions.messages.front().pbu;
  }

  ProxyBindingUpdate attach_ok(const Attachment& a = attachment()) {
    auto actions = mag->attach(a);
    EXPECT_TRUE(actions.has_value());
    if (!actions) return {};
    EXPECT_TRUE(actions->events.empty());
    return sole_pbu(*actions);
  }

  // Attaches kMn1 and accepts it with `granted` units and two prefixes; returns the PBU.
  ProxyBindingUpdate bind(std::uint16_t granted = 900) {
    const auto pbu = attach_ok();
    const auto actions = mag->on_pba(answer(pbu, PbaStatus::kAccepted, granted, kAssigned), kLma);
    EXPECT_EQ(actions.events.size(), 1u);
    EXPECT_TRUE(actions.messages.empty());
    return pbu;
  }

  MagActions tick() { return mag->on_timer(clock.now()); }

  // Advances to the next deadline, which must be `expected` after the current time.
  MagActions advance_to_deadline(std::chrono::milliseconds expected) {
    const auto deadline = mag->next_deadline();
    EXPECT_TRUE(deadline.has_value());
    if (!deadline) return {};
    EXPECT_EQ(*deadline - clock.now(), expected);
    clock.advance(*deadline - clock.now());
    return tick();
  }

  const MagBindingView& only_binding() {
    views = mag->bindings();
    EXPECT_EQ(views.size(), 1u);
    return views.front();
  }

  static const MagUnbindEvent& sole_unbind(const MagActions& actions) {
    EXPECT_EQ(actions.events.size(), 1u);
    static const MagUnbindEvent kNone{};
    if (actions.events.size() != 1 || !std::holds_alternative<MagUnbindEvent>(actions.events[0])) {
      ADD_FAILURE() << "expected exactly one MagUnbindEvent";
      return kNone;
    }
    return std::get<MagUnbindEvent>(actions.events[0]);
  }

  const std::vector<Prefix> kAssigned = {prefix64(1), prefix64(2)};
  ManualClock clock;
  MagConfig config;
  std::optional<MagCore> mag;
  std::vector<MagBindingView> views;
};

// ---------------------------------------------------------------------------------------------
// The initial PBU (RFC 5213 §6.9.1.1, §6.9.1.5)

TEST_F(MagCoreTest, InitialPbuCarriesExactlyTheRequiredFields) {
  config.initial_sequence = 41;
  recreate();
  const auto pbu = attach_ok();

  ProxyBindingUpdate expected;
  expected.sequence = 41;
  expected.flags = bu_flag::kAck | bu_flag::kProxy;
  expected.lifetime = 900;  // 3600 s in units of 4 s
  expected.options.mn_id = kMn1.mn_id;
  expected.options.home_network_prefixes = {kAllZero};
  expected.options.handoff_indicator = HandoffIndicator::kNewInterface;
  expected.options.access_tech = AccessTechnology::kIeee80211;
  expected.options.mn_link_layer_id = kMnMac;
  expected.options.link_local_address = Ipv6Address{};
  expected.options.timestamp = kWallStartTimestamp;
  EXPECT_EQ(pbu, expected);
  EXPECT_EQ(mag->stats().pbus_sent, 1u);
  EXPECT_EQ(mag->stats().pbus_retransmitted, 0u);
}

TEST_F(MagCoreTest, TimestampUsesRfc5213SecondsAndSixtyFourThousandthsOfTheWallClock) {
  clock.step_wall(500ms);  // the steady clock, which drives timers, does not matter here
  EXPECT_EQ(attach_ok().options.timestamp, kWallStartTimestamp | 0x8000);
}

TEST_F(MagCoreTest, SequenceNumberModeLeavesTheTimestampOut) {
  config.timestamp_option = false;
  recreate();
  const auto pbu = attach_ok();
  EXPECT_FALSE(pbu.options.timestamp.has_value());
  EXPECT_FALSE(sole_pbu(advance_to_deadline(1s)).options.timestamp.has_value());
}

TEST_F(MagCoreTest, PolicyPrefixesAreRequestedAsGiven) {
  auto a = attachment();
  a.requested_hnps = {prefix64(5), prefix64(6)};
  EXPECT_EQ(attach_ok(a).options.home_network_prefixes, a.requested_hnps);
}

TEST_F(MagCoreTest, HandoffIndicatorReflectsWhatTheDetectorKnows) {
  const std::pair<Arrival, HandoffIndicator> cases[] = {
      {Arrival::kNewAttachment, HandoffIndicator::kNewInterface},
      {Arrival::kHandoffFromAnotherMag, HandoffIndicator::kHandoffBetweenMags},
      {Arrival::kUnknown, HandoffIndicator::kHandoffUnknown},
  };
  std::uint32_t interface = 1;
  for (const auto& [arrival, hi] : cases) {
    auto a = attachment(MagSessionKey{.mn_id = kMn1.mn_id, .access_interface = interface++});
    a.arrival = arrival;
    EXPECT_EQ(attach_ok(a).options.handoff_indicator, hi);
  }
}

TEST_F(MagCoreTest, LinkLayerIdIsSentOnlyWhenKnownAndNonZero) {
  auto unknown = attachment(MagSessionKey{.mn_id = kMn1.mn_id, .access_interface = 1});
  unknown.mn_link_layer_id.clear();
  EXPECT_FALSE(attach_ok(unknown).options.mn_link_layer_id.has_value());

  auto zero = attachment(MagSessionKey{.mn_id = kMn1.mn_id, .access_interface = 2});
  zero.mn_link_layer_id = std::vector<std::uint8_t>(6, 0);
  EXPECT_FALSE(attach_ok(zero).options.mn_link_layer_id.has_value());
}

TEST_F(MagCoreTest, NoLinkLocalOptionWhenAFixedAddressIsConfigured) {
  config.fixed_link_local = ip6({0xfe80, 0, 0, 0, 0x0200, 0x5eff, 0xfe00, 0x5213});  // RFC 6543
  recreate();
  EXPECT_FALSE(attach_ok().options.link_local_address.has_value());
}

TEST_F(MagCoreTest, LifetimeIsRoundedUpToFourSecondUnitsAndClampedToTheField) {
  auto a = attachment(MagSessionKey{.mn_id = kMn1.mn_id, .access_interface = 1});
  a.lifetime = 10s;
  EXPECT_EQ(attach_ok(a).lifetime, 3);
  a = attachment(MagSessionKey{.mn_id = kMn1.mn_id, .access_interface = 2});
  a.lifetime = 1'000'000s;
  EXPECT_EQ(attach_ok(a).lifetime, 0xffff);
}

TEST_F(MagCoreTest, SequenceNumbersComeFromOneMagWideCounterAndWrap) {
  config.initial_sequence = 0xffff;
  recreate();
  EXPECT_EQ(
      attach_ok(attachment(MagSessionKey{.mn_id = kMn1.mn_id, .access_interface = 1})).sequence,
      0xffff);
  EXPECT_EQ(attach_ok(attachment(MagSessionKey{.mn_id = {.identifier = "other"}})).sequence, 0);
}

TEST_F(MagCoreTest, InvalidAttachmentsAreRefused) {
  std::vector<Attachment> bad(6, attachment());
  bad[0].session.mn_id.identifier.clear();
  bad[1].session.mn_id.identifier.assign(255, 'x');
  bad[2].lma_address = Ipv6Address{};
  bad[3].lifetime = 0s;
  bad[4].requested_hnps = {prefix64(1), kAllZero};
  bad[5].mn_link_layer_id.assign(254, 1);
  for (const auto& a : bad) {
    const auto result = mag->attach(a);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error(), MagError::kInvalidAttachment);
  }
  EXPECT_TRUE(mag->bindings().empty());
  EXPECT_EQ(mag->stats().pbus_sent, 0u);
}

TEST_F(MagCoreTest, InvalidConfigurationsAreRefused) {
  std::vector<MagConfig> bad(4);
  bad[0].initial_bindack_timeout = 0ms;
  bad[1].first_registration_timeout = 40s;  // above MAX_BINDACK_TIMEOUT
  bad[2].refresh_at_percent = 100;
  bad[3].refresh_at_percent = 0;
  for (const auto& c : bad) {
    const auto core = MagCore::create(c, clock);
    ASSERT_FALSE(core.has_value());
    EXPECT_EQ(core.error(), MagError::kInvalidConfig);
  }
}

TEST_F(MagCoreTest, AttachingAnActiveSessionAgainChangesNothing) {
  attach_ok();
  const auto again = mag->attach(attachment());
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->messages.empty());
  EXPECT_TRUE(again->events.empty());
  EXPECT_EQ(mag->stats().pbus_sent, 1u);
}

// ---------------------------------------------------------------------------------------------
// Retransmission (RFC 5213 §6.9.4, RFC 6275 §11.8)

TEST_F(MagCoreTest, InitialRegistrationBacksOffExponentiallyThenFails) {
  const auto first = attach_ok();
  const std::chrono::milliseconds waits[] = {1s, 2s, 4s, 8s, 16s};
  std::uint16_t sequence = first.sequence;
  for (auto wait : waits) {
    const auto retry = sole_pbu(advance_to_deadline(wait));
    // A fresh, larger sequence number and the current time; the options are otherwise equal.
    EXPECT_EQ(retry.sequence, ++sequence);
    const auto elapsed = clock.wall_now() - WallTime{std::chrono::seconds{1'700'000'000}};
    EXPECT_EQ(retry.options.timestamp, kWallStartTimestamp + (std::uint64_t(elapsed / 1s) << 16));
    auto same = retry;
    same.sequence = first.sequence;
    same.options.timestamp = first.options.timestamp;
    EXPECT_EQ(same, first);
  }
  // Five retransmissions spent: after the last 32 s wait the attachment fails.
  const auto failed = advance_to_deadline(32s);
  EXPECT_TRUE(failed.messages.empty());
  const auto& unbind = sole_unbind(failed);
  EXPECT_EQ(unbind.session, kMn1);
  EXPECT_EQ(unbind.reason, SessionEndReason::kRegistrationTimeout);
  EXPECT_TRUE(unbind.hnps.empty());
  EXPECT_TRUE(mag->bindings().empty());
  EXPECT_FALSE(mag->next_deadline().has_value());
  EXPECT_EQ(mag->stats().pbus_sent, 6u);
  EXPECT_EQ(mag->stats().pbus_retransmitted, 5u);
}

TEST_F(MagCoreTest, BackoffIsCappedAtMaxBindackTimeout) {
  config.max_registration_retransmissions = 8;
  recreate();
  attach_ok();
  for (auto wait : {1s, 2s, 4s, 8s, 16s, 32s, 32s, 32s})
    EXPECT_EQ(sole_pbu(advance_to_deadline(wait)).options.mn_id, kMn1.mn_id);
  EXPECT_EQ(sole_unbind(advance_to_deadline(32s)).reason, SessionEndReason::kRegistrationTimeout);
}

TEST_F(MagCoreTest, FirstRegistrationMayUseInitialBindackTimeoutFirstReg) {
  config.first_registration_timeout = 1500ms;
  recreate();
  attach_ok();
  sole_pbu(advance_to_deadline(1500ms));
  sole_pbu(advance_to_deadline(3s));
  sole_pbu(advance_to_deadline(6s));
}

TEST_F(MagCoreTest, TimerBeforeTheDeadlineDoesNothing) {
  attach_ok();
  clock.advance(999ms);
  const auto early = tick();
  EXPECT_TRUE(early.messages.empty());
  EXPECT_TRUE(early.events.empty());
}

// ---------------------------------------------------------------------------------------------
// Acceptance and refresh (RFC 5213 §6.9.1.2, §6.9.1.3)

TEST_F(MagCoreTest, AcceptedPbaBindsWithAssignedPrefixesAndGrantedLifetime) {
  const auto pbu = attach_ok();
  clock.advance(200ms);
  auto pba = answer(pbu, PbaStatus::kAccepted, 100, {prefix64(2), prefix64(1)});
  const auto lla = ip6({0xfe80, 0, 0, 0, 0, 0, 0, 0x99});
  pba.options.link_local_address = lla;
  const auto actions = mag->on_pba(pba, kLma);

  EXPECT_TRUE(actions.messages.empty());
  ASSERT_EQ(actions.events.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<MagBindEvent>(actions.events[0]));
  const auto& bind = std::get<MagBindEvent>(actions.events[0]);
  EXPECT_EQ(bind.session, kMn1);
  EXPECT_EQ(bind.mn_mac, (MacAddress{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}));
  EXPECT_EQ(bind.hnps, kAssigned);  // sorted
  EXPECT_EQ(bind.lma, kLma);
  EXPECT_EQ(bind.mag_link_local, lla);
  EXPECT_EQ(bind.lifetime, 400s);

  const auto& view = only_binding();
  EXPECT_EQ(view.state, MagSessionState::kBound);
  EXPECT_EQ(view.hnps, kAssigned);
  EXPECT_EQ(view.lma, kLma);
  EXPECT_EQ(view.access_tech, AccessTechnology::kIeee80211);
  EXPECT_EQ(view.handoff, HandoffIndicator::kNewInterface);
  EXPECT_EQ(view.granted_lifetime, 400s);
  EXPECT_EQ(view.lifetime_left, 399s);  // 400 s counted from the send, 200 ms ago
  EXPECT_EQ(view.age, 0s);
  EXPECT_EQ(view.last_status, PbaStatus::kAccepted);
  EXPECT_EQ(mag->stats().pbas_by_status[0], 1u);
}

TEST_F(MagCoreTest, BindReportsTheFixedLinkLocalAddressWhenConfigured) {
  config.fixed_link_local = ip6({0xfe80, 0, 0, 0, 0x0200, 0x5eff, 0xfe00, 0x5213});
  recreate();
  const auto actions = mag->on_pba(answer(attach_ok(), PbaStatus::kAccepted, 100, kAssigned), kLma);
  ASSERT_EQ(actions.events.size(), 1u);
  EXPECT_EQ(std::get<MagBindEvent>(actions.events[0]).mag_link_local, config.fixed_link_local);
}

TEST_F(MagCoreTest, RefreshAtEightyPercentOfGrantedLifetimeCountedFromTheSend) {
  const auto pbu = attach_ok();
  clock.advance(300ms);  // the PBA arrives later; the refresh time does not move
  ASSERT_EQ(mag->on_pba(answer(pbu, PbaStatus::kAccepted, 100, kAssigned), kLma).events.size(), 1u);
  // 80% of 400 s = 320 s after the send.
  const auto refresh = sole_pbu(advance_to_deadline(320s - 300ms));
  EXPECT_GT(refresh.sequence, pbu.sequence);
  EXPECT_EQ(refresh.lifetime, 900);  // policy's request, not the previous grant
  EXPECT_EQ(refresh.options.handoff_indicator, HandoffIndicator::kNoHandoff);
  EXPECT_EQ(refresh.options.home_network_prefixes, kAssigned);
  // Same option set as the initial PBU.
  EXPECT_EQ(refresh.options.mn_id, pbu.options.mn_id);
  EXPECT_EQ(refresh.options.access_tech, pbu.options.access_tech);
  EXPECT_EQ(refresh.options.mn_link_layer_id, pbu.options.mn_link_layer_id);
  EXPECT_EQ(refresh.options.link_local_address, pbu.options.link_local_address);
  EXPECT_EQ(only_binding().state, MagSessionState::kRefreshing);

  // Accepting the refresh emits no new Bind and schedules the next refresh.
  const auto accepted = mag->on_pba(answer(refresh, PbaStatus::kAccepted, 100, kAssigned), kLma);
  EXPECT_TRUE(accepted.events.empty());
  EXPECT_TRUE(accepted.messages.empty());
  EXPECT_EQ(only_binding().state, MagSessionState::kBound);
  EXPECT_EQ(only_binding().lifetime_left, 400s);
  EXPECT_EQ(sole_pbu(advance_to_deadline(320s)).options.handoff_indicator,
            HandoffIndicator::kNoHandoff);
}

TEST_F(MagCoreTest, RefreshRetransmitsUntilTheBindingExpires) {
  bind(10);                            // 40 s
  sole_pbu(advance_to_deadline(32s));  // refresh at 80%
  sole_pbu(advance_to_deadline(1s));
  sole_pbu(advance_to_deadline(2s));
  sole_pbu(advance_to_deadline(4s));  // t = 39 s; the next retry would be at 47 s
  const auto expired = advance_to_deadline(1s);
  EXPECT_TRUE(expired.messages.empty());
  const auto& unbind = sole_unbind(expired);
  EXPECT_EQ(unbind.reason, SessionEndReason::kLifetimeExpired);
  EXPECT_EQ(unbind.hnps, kAssigned);
  EXPECT_TRUE(mag->bindings().empty());
  EXPECT_EQ(mag->stats().pbus_retransmitted, 3u);
}

TEST_F(MagCoreTest, RefreshAcceptedWithOtherPrefixesRebinds) {
  const auto pbu = bind(100);
  const auto refresh = sole_pbu(advance_to_deadline(320s));
  const auto actions = mag->on_pba(answer(refresh, PbaStatus::kAccepted, 100, {prefix64(9)}), kLma);
  ASSERT_EQ(actions.events.size(), 2u);
  EXPECT_EQ(std::get<MagUnbindEvent>(actions.events[0]).hnps, kAssigned);
  EXPECT_EQ(std::get<MagUnbindEvent>(actions.events[0]).reason, SessionEndReason::kPrefixesChanged);
  EXPECT_EQ(std::get<MagBindEvent>(actions.events[1]).hnps, std::vector<Prefix>{prefix64(9)});
}

TEST_F(MagCoreTest, AcceptedPbaWithoutPrefixesIsIgnored) {
  const auto pbu = attach_ok();
  const auto actions = mag->on_pba(answer(pbu, PbaStatus::kAccepted, 100, {kAllZero}), kLma);
  EXPECT_TRUE(actions.events.empty());
  EXPECT_EQ(mag->stats().pbas_invalid, 1u);
  EXPECT_EQ(only_binding().state, MagSessionState::kRegistering);
  sole_pbu(advance_to_deadline(1s));  // still retrying
}

// ---------------------------------------------------------------------------------------------
// De-registration (RFC 5213 §6.9.1.4)

TEST_F(MagCoreTest, DetachUnbindsAndDeregistersEveryAssignedPrefix) {
  bind();
  clock.advance(10s);
  const auto actions = mag->detach(kMn1);
  ASSERT_TRUE(actions.has_value());
  const auto& unbind = sole_unbind(*actions);
  EXPECT_EQ(unbind.reason, SessionEndReason::kDetached);
  EXPECT_EQ(unbind.hnps, kAssigned);
  EXPECT_EQ(unbind.mn_mac, (MacAddress{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}));
  const auto dereg = sole_pbu(*actions);
  EXPECT_EQ(dereg.lifetime, 0);
  EXPECT_EQ(dereg.flags, bu_flag::kAck | bu_flag::kProxy);
  EXPECT_EQ(dereg.options.handoff_indicator, HandoffIndicator::kHandoffUnknown);
  EXPECT_EQ(dereg.options.home_network_prefixes, kAssigned);
  EXPECT_EQ(dereg.options.mn_id, kMn1.mn_id);
  EXPECT_EQ(dereg.options.timestamp, kWallStartTimestamp + (std::uint64_t{10} << 16));
  EXPECT_EQ(only_binding().state, MagSessionState::kDeregistering);

  const auto done = mag->on_pba(answer(dereg, PbaStatus::kAccepted, 0, kAssigned), kLma);
  EXPECT_TRUE(done.events.empty());
  EXPECT_TRUE(done.messages.empty());
  EXPECT_TRUE(mag->bindings().empty());
  EXPECT_FALSE(mag->next_deadline().has_value());
}

TEST_F(MagCoreTest, DeregistrationWithoutAnswerIsDroppedAfterOneSecondWithoutRetry) {
  bind();
  sole_pbu(*mag->detach(kMn1));
  const auto timeout = advance_to_deadline(1s);
  EXPECT_TRUE(timeout.messages.empty());
  EXPECT_TRUE(timeout.events.empty());
  EXPECT_TRUE(mag->bindings().empty());
  EXPECT_EQ(mag->stats().pbus_retransmitted, 0u);
}

TEST_F(MagCoreTest, DetachWhileRegisteringWithdrawsTheRequestAndIgnoresTheLateAnswer) {
  const auto pbu = attach_ok();
  const auto actions = mag->detach(kMn1);
  ASSERT_TRUE(actions.has_value());
  EXPECT_TRUE(sole_unbind(*actions).hnps.empty());
  EXPECT_EQ(sole_pbu(*actions).options.home_network_prefixes, std::vector<Prefix>{kAllZero});
  const auto late = mag->on_pba(answer(pbu, PbaStatus::kAccepted, 100, kAssigned), kLma);
  EXPECT_TRUE(late.events.empty());
  EXPECT_EQ(mag->stats().pbas_unmatched, 1u);
}

TEST_F(MagCoreTest, ReattachDuringDeregistrationRegistersAgain) {
  bind();
  sole_pbu(*mag->detach(kMn1));
  const auto pbu = attach_ok();
  EXPECT_EQ(pbu.lifetime, 900);
  EXPECT_EQ(only_binding().state, MagSessionState::kRegistering);
}

TEST_F(MagCoreTest, DetachOfAnUnknownSessionIsAnError) {
  EXPECT_EQ(mag->detach(kMn1).error(), MagError::kUnknownSession);
  EXPECT_EQ(mag->handoff_away(kMn1).error(), MagError::kUnknownSession);
  EXPECT_EQ(mag->release(kMn1).error(), MagError::kUnknownSession);
}

TEST_F(MagCoreTest, HandoffAwayCleansStateWithoutSignalling) {
  bind();
  const auto actions = mag->handoff_away(kMn1);
  ASSERT_TRUE(actions.has_value());
  EXPECT_TRUE(actions->messages.empty());
  const auto& unbind = sole_unbind(*actions);
  EXPECT_EQ(unbind.reason, SessionEndReason::kHandoffAway);
  EXPECT_EQ(unbind.hnps, kAssigned);
  EXPECT_TRUE(mag->bindings().empty());
  EXPECT_FALSE(mag->next_deadline().has_value());
}

// ---------------------------------------------------------------------------------------------
// PBA status handling (RFC 5213 §6.9.1.2)

TEST_F(MagCoreTest, Status152DeniesServiceUntilAnOperatorReleases) {
  const auto pbu = attach_ok();
  const auto actions = mag->on_pba(reject(pbu, PbaStatus::kProxyRegNotEnabled), kLma);
  EXPECT_TRUE(actions.messages.empty());
  const auto& unbind = sole_unbind(actions);
  EXPECT_EQ(unbind.reason, SessionEndReason::kRejected);
  EXPECT_EQ(unbind.status, PbaStatus::kProxyRegNotEnabled);
  EXPECT_EQ(only_binding().state, MagSessionState::kHeld);
  EXPECT_EQ(only_binding().hold, HoldReason::kServiceDenied);
  EXPECT_FALSE(mag->next_deadline().has_value());  // no retransmission

  EXPECT_EQ(mag->attach(attachment()).error(), MagError::kServiceDenied);
  auto other_interface = attachment(MagSessionKey{.mn_id = kMn1.mn_id, .access_interface = 8});
  EXPECT_EQ(mag->attach(other_interface).error(), MagError::kServiceDenied);
  EXPECT_EQ(mag->stats().pbus_sent, 1u);

  const auto released = mag->release(kMn1);
  ASSERT_TRUE(released.has_value());
  EXPECT_EQ(sole_pbu(*released).options.handoff_indicator, HandoffIndicator::kNewInterface);
  EXPECT_EQ(mag->release(kMn1).error(), MagError::kNotHeld);
}

TEST_F(MagCoreTest, ClockSynchronizationDoesNotReleaseADeniedSession) {
  EXPECT_EQ(
      sole_unbind(mag->on_pba(reject(attach_ok(), PbaStatus::kProxyRegNotEnabled), kLma)).status,
      PbaStatus::kProxyRegNotEnabled);
  const auto synced = mag->on_clock_synchronized();
  EXPECT_TRUE(synced.messages.empty());
  EXPECT_EQ(only_binding().hold, HoldReason::kServiceDenied);
}

TEST_F(MagCoreTest, DetachOrHandoffOfAHeldSessionDropsItSilently) {
  EXPECT_EQ(
      sole_unbind(mag->on_pba(reject(attach_ok(), PbaStatus::kProxyRegNotEnabled), kLma)).status,
      PbaStatus::kProxyRegNotEnabled);
  const auto detached = mag->detach(kMn1);
  ASSERT_TRUE(detached.has_value());
  EXPECT_TRUE(detached->messages.empty());
  EXPECT_TRUE(detached->events.empty());  // the Unbind came with the 152
  EXPECT_TRUE(mag->bindings().empty());

  EXPECT_EQ(
      sole_unbind(mag->on_pba(reject(attach_ok(), PbaStatus::kTimestampMismatch), kLma)).status,
      PbaStatus::kTimestampMismatch);
  const auto away = mag->handoff_away(kMn1);
  ASSERT_TRUE(away.has_value());
  EXPECT_TRUE(away->messages.empty());
  EXPECT_TRUE(away->events.empty());
  EXPECT_TRUE(mag->bindings().empty());
}

TEST_F(MagCoreTest, Status155RetriesOnceAskingForAnyPrefix) {
  auto a = attachment();
  a.requested_hnps = {prefix64(5)};
  const auto pbu = attach_ok(a);
  const auto retry = mag->on_pba(reject(pbu, PbaStatus::kNotAuthorizedForHomeNetworkPrefix), kLma);
  EXPECT_TRUE(retry.events.empty());
  const auto all_zero = sole_pbu(retry);
  EXPECT_EQ(all_zero.options.home_network_prefixes, std::vector<Prefix>{kAllZero});
  EXPECT_GT(all_zero.sequence, pbu.sequence);

  const auto second =
      mag->on_pba(reject(all_zero, PbaStatus::kNotAuthorizedForHomeNetworkPrefix), kLma);
  EXPECT_TRUE(second.messages.empty());
  EXPECT_EQ(sole_unbind(second).status, PbaStatus::kNotAuthorizedForHomeNetworkPrefix);
  EXPECT_TRUE(mag->bindings().empty());
}

TEST_F(MagCoreTest, Status155ForAnAllZeroRequestEndsTheAttachment) {
  const auto pbu = attach_ok();
  const auto actions =
      mag->on_pba(reject(pbu, PbaStatus::kNotAuthorizedForHomeNetworkPrefix), kLma);
  EXPECT_TRUE(actions.messages.empty());
  EXPECT_EQ(sole_unbind(actions).reason, SessionEndReason::kRejected);
}

TEST_F(MagCoreTest, Status156WaitsForClockSynchronization) {
  const auto pbu = attach_ok();
  auto pba = reject(pbu, PbaStatus::kTimestampMismatch);
  pba.options.timestamp = kWallStartTimestamp + (std::uint64_t{5} << 16);  // the LMA's time
  const auto actions = mag->on_pba(pba, kLma);
  EXPECT_TRUE(actions.messages.empty());
  EXPECT_EQ(sole_unbind(actions).status, PbaStatus::kTimestampMismatch);
  EXPECT_EQ(only_binding().hold, HoldReason::kAwaitingTimeSync);
  EXPECT_FALSE(mag->next_deadline().has_value());
  EXPECT_EQ(mag->attach(attachment()).error(), MagError::kAwaitingTimeSync);

  clock.step_wall(2s);  // NTP corrected the clock
  const auto synced = mag->on_clock_synchronized();
  // Our own clock's time, never the LMA's.
  EXPECT_EQ(sole_pbu(synced).options.timestamp, kWallStartTimestamp + (std::uint64_t{2} << 16));
  EXPECT_EQ(only_binding().state, MagSessionState::kRegistering);
}

TEST_F(MagCoreTest, Status157ReregistersAtOnceWithAFreshTimestamp) {
  const auto pbu = attach_ok();
  clock.advance(50ms);
  const auto retry =
      sole_pbu(mag->on_pba(reject(pbu, PbaStatus::kTimestampLowerThanPrevAccepted), kLma));
  EXPECT_EQ(retry.sequence, pbu.sequence + 1);
  EXPECT_EQ(retry.options.timestamp, kWallStartTimestamp + 3276);  // 50 ms = 3276/65536 s
  EXPECT_EQ(retry.options.home_network_prefixes, pbu.options.home_network_prefixes);
  EXPECT_EQ(mag->next_deadline(), clock.now() + 2s);  // the back-off continues
}

TEST_F(MagCoreTest, Status135AdoptsTheLmasSequenceNumber) {
  config.initial_sequence = 10;
  recreate();
  const auto pbu = attach_ok();
  // RFC 6275 §9.5.1: the PBA carries the last sequence number the LMA accepted (say from the
  // MN's previous MAG), not ours; it is matched on the MN-ID and the echoed options.
  auto pba = reject(pbu, PbaStatus::kSequenceOutOfWindow);
  pba.sequence = 500;
  const auto retry = sole_pbu(mag->on_pba(pba, kLma));
  EXPECT_EQ(retry.sequence, 501);
  EXPECT_EQ(retry.options.home_network_prefixes, pbu.options.home_network_prefixes);
  // The MAG-wide counter continues from there.
  EXPECT_EQ(attach_ok(attachment(MagSessionKey{.mn_id = {.identifier = "b"}})).sequence, 502);
}

TEST_F(MagCoreTest, Status135NeverMovesTheCounterBack) {
  config.initial_sequence = 1000;
  recreate();
  const auto pbu = attach_ok();
  auto pba = reject(pbu, PbaStatus::kSequenceOutOfWindow);
  pba.sequence = 20;
  EXPECT_EQ(sole_pbu(mag->on_pba(pba, kLma)).sequence, 1001);
}

TEST_F(MagCoreTest, Status135ThatCannotBeAttributedIsIgnored) {
  // Two interfaces of one MN, both registering with identical options: ambiguous.
  auto a = attachment(MagSessionKey{.mn_id = kMn1.mn_id, .access_interface = 1});
  const auto pbu = attach_ok(a);
  a.session.access_interface = 2;
  attach_ok(a);
  auto pba = reject(pbu, PbaStatus::kSequenceOutOfWindow);
  pba.sequence = 500;
  EXPECT_TRUE(mag->on_pba(pba, kLma).messages.empty());
  EXPECT_EQ(mag->stats().pbas_unmatched, 1u);
}

TEST_F(MagCoreTest, RetriesOn157CountAgainstTheRegistrationBudget) {
  config.max_registration_retransmissions = 2;
  recreate();
  auto pbu = attach_ok();
  pbu = sole_pbu(mag->on_pba(reject(pbu, PbaStatus::kTimestampLowerThanPrevAccepted), kLma));
  pbu = sole_pbu(mag->on_pba(reject(pbu, PbaStatus::kTimestampLowerThanPrevAccepted), kLma));
  const auto gave_up = mag->on_pba(reject(pbu, PbaStatus::kTimestampLowerThanPrevAccepted), kLma);
  EXPECT_TRUE(gave_up.messages.empty());
  EXPECT_EQ(sole_unbind(gave_up).status, PbaStatus::kTimestampLowerThanPrevAccepted);
}

class MagRejectionTest : public MagCoreTest, public ::testing::WithParamInterface<PbaStatus> {};

TEST_P(MagRejectionTest, OtherRejectionsClearTheInitialRegistration) {
  const auto pbu = attach_ok();
  const auto actions = mag->on_pba(reject(pbu, GetParam()), kLma);
  EXPECT_TRUE(actions.messages.empty());
  const auto& unbind = sole_unbind(actions);
  EXPECT_EQ(unbind.reason, SessionEndReason::kRejected);
  EXPECT_EQ(unbind.status, GetParam());
  EXPECT_TRUE(unbind.hnps.empty());
  EXPECT_TRUE(mag->bindings().empty());
  EXPECT_FALSE(mag->next_deadline().has_value());
  EXPECT_EQ(mag->stats().pbas_by_status[static_cast<std::uint8_t>(GetParam())], 1u);
}

TEST_P(MagRejectionTest, OtherRejectionsOfARefreshStopForwarding) {
  bind(100);
  const auto refresh = sole_pbu(advance_to_deadline(320s));
  const auto actions = mag->on_pba(reject(refresh, GetParam()), kLma);
  const auto& unbind = sole_unbind(actions);
  EXPECT_EQ(unbind.hnps, kAssigned);
  EXPECT_EQ(unbind.status, GetParam());
  EXPECT_TRUE(mag->bindings().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Statuses, MagRejectionTest,
    ::testing::Values(PbaStatus::kReasonUnspecified, PbaStatus::kAdministrativelyProhibited,
                      PbaStatus::kInsufficientResources, PbaStatus::kAuthenticationFailed,
                      PbaStatus::kNotLmaForThisMobileNode, PbaStatus::kMagNotAuthorizedForProxyReg,
                      PbaStatus::kMissingHomeNetworkPrefixOption,
                      PbaStatus::kBcePbuPrefixSetDoNotMatch,
                      PbaStatus::kMissingHandoffIndicatorOption,
                      PbaStatus::kMissingAccessTechTypeOption, static_cast<PbaStatus>(200)));

// ---------------------------------------------------------------------------------------------
// Matching: unmatched, mismatched, duplicate and reordered PBAs

TEST_F(MagCoreTest, PbaThatDoesNotEchoTheRequestIsIgnoredAndStopsRetransmission) {
  const auto make_mismatch = std::vector<void (*)(ProxyBindingAck&)>{
      [](ProxyBindingAck& p) { p.options.handoff_indicator = HandoffIndicator::kNoHandoff; },
      [](ProxyBindingAck& p) { p.options.access_tech = AccessTechnology::kIeee8023; },
      [](ProxyBindingAck& p) { p.options.mn_link_layer_id = std::vector<std::uint8_t>(6, 9); },
      [](ProxyBindingAck& p) { p.options.handoff_indicator.reset(); },
  };
  for (auto mutate : make_mismatch) {
    recreate();
    const auto pbu = attach_ok();
    auto pba = answer(pbu, PbaStatus::kAccepted, 100, kAssigned);
    mutate(pba);
    const auto actions = mag->on_pba(pba, kLma);
    EXPECT_TRUE(actions.messages.empty());
    const auto& unbind = sole_unbind(actions);
    EXPECT_EQ(unbind.reason, SessionEndReason::kAcknowledgementMismatch);
    EXPECT_TRUE(unbind.hnps.empty());  // nothing was bound
    EXPECT_EQ(only_binding().hold, HoldReason::kOperator);
    EXPECT_FALSE(mag->next_deadline().has_value());
    EXPECT_EQ(mag->stats().pbas_mismatched, 1u);
    EXPECT_EQ(mag->attach(attachment()).error(), MagError::kHeldForOperator);
  }
}

TEST_F(MagCoreTest, UnmatchedPbasAreIgnored) {
  const auto pbu = attach_ok();
  auto wrong_sequence = answer(pbu, PbaStatus::kAccepted, 100, kAssigned);
  wrong_sequence.sequence = static_cast<std::uint16_t>(pbu.sequence + 7);
  auto wrong_mn = answer(pbu, PbaStatus::kAccepted, 100, kAssigned);
  wrong_mn.options.mn_id->identifier = "someone-else@example.net";
  auto no_proxy_flag = answer(pbu, PbaStatus::kAccepted, 100, kAssigned);
  no_proxy_flag.flags = 0;
  const auto right = answer(pbu, PbaStatus::kAccepted, 100, kAssigned);

  for (const auto* pba : {&wrong_sequence, &wrong_mn}) {
    const auto actions = mag->on_pba(*pba, kLma);
    EXPECT_TRUE(actions.events.empty());
    EXPECT_TRUE(actions.messages.empty());
  }
  EXPECT_TRUE(mag->on_pba(right, kOtherLma).events.empty());  // not from the LMA we asked
  EXPECT_TRUE(mag->on_pba(no_proxy_flag, kLma).events.empty());
  EXPECT_EQ(mag->stats().pbas_unmatched, 3u);
  EXPECT_EQ(mag->stats().pbas_invalid, 1u);
  EXPECT_EQ(only_binding().state, MagSessionState::kRegistering);
  EXPECT_EQ(mag->on_pba(right, kLma).events.size(), 1u);  // the real answer still binds
}

TEST_F(MagCoreTest, DuplicatePbaBindsOnce) {
  const auto pbu = attach_ok();
  const auto pba = answer(pbu, PbaStatus::kAccepted, 100, kAssigned);
  EXPECT_EQ(mag->on_pba(pba, kLma).events.size(), 1u);
  const auto duplicate = mag->on_pba(pba, kLma);
  EXPECT_TRUE(duplicate.events.empty());
  EXPECT_TRUE(duplicate.messages.empty());
  EXPECT_EQ(mag->stats().pbas_unmatched, 1u);
  EXPECT_EQ(mag->stats().pbas_by_status[0], 2u);
}

TEST_F(MagCoreTest, AnswerToAnEarlierAttemptStillBindsAndTheLaterOneIsIgnored) {
  const auto first = attach_ok();
  const auto second = sole_pbu(advance_to_deadline(1s));
  clock.advance(100ms);
  // The first PBU's answer was only delayed; it arrives after the retransmission.
  const auto bound = mag->on_pba(answer(first, PbaStatus::kAccepted, 100, kAssigned), kLma);
  ASSERT_EQ(bound.events.size(), 1u);
  // Lifetime counted from the first attempt's send, 1.1 s ago.
  EXPECT_EQ(only_binding().lifetime_left, 398s);
  EXPECT_TRUE(
      mag->on_pba(answer(second, PbaStatus::kAccepted, 100, kAssigned), kLma).events.empty());
  EXPECT_EQ(mag->stats().pbas_unmatched, 1u);
}

TEST_F(MagCoreTest, OnlyTheLastEightAttemptsStayMatchable) {
  config.max_registration_retransmissions = 10;
  config.max_bindack_timeout = 1s;  // keep the test short: retry every second
  recreate();
  std::vector<ProxyBindingUpdate> sent{attach_ok()};
  for (int i = 0; i < 8; ++i) sent.push_back(sole_pbu(advance_to_deadline(1s)));
  // Nine attempts so far: the first fell out of the window, the second is still in it.
  EXPECT_TRUE(
      mag->on_pba(answer(sent[0], PbaStatus::kAccepted, 100, kAssigned), kLma).events.empty());
  EXPECT_EQ(mag->stats().pbas_unmatched, 1u);
  EXPECT_EQ(mag->on_pba(answer(sent[1], PbaStatus::kAccepted, 100, kAssigned), kLma).events.size(),
            1u);
}

TEST_F(MagCoreTest, ReorderedRejectionOfASupersededAttemptIsStale) {
  const auto first = attach_ok();
  const auto second = sole_pbu(advance_to_deadline(1s));
  // The LMA saw the second PBU first, so the first one's timestamp looked old (157) - and that
  // answer arrives first. A newer attempt is in flight, so it decides.
  const auto stale = mag->on_pba(reject(first, PbaStatus::kTimestampLowerThanPrevAccepted), kLma);
  EXPECT_TRUE(stale.messages.empty());
  EXPECT_TRUE(stale.events.empty());
  EXPECT_EQ(mag->stats().pbas_stale, 1u);
  EXPECT_EQ(mag->on_pba(answer(second, PbaStatus::kAccepted, 100, kAssigned), kLma).events.size(),
            1u);
}

// ---------------------------------------------------------------------------------------------
// MAX_UPDATE_RATE (RFC 6275 §11.8), applied per mobility session

TEST_F(MagCoreTest, FlappingLinkIsPacedToThreePbusPerSecond) {
  attach_ok();                                        // 1
  EXPECT_EQ(mag->detach(kMn1)->messages.size(), 1u);  // 2
  clock.advance(100ms);
  const auto third = attach_ok();  // 3
  clock.advance(100ms);
  const auto deferred = mag->detach(kMn1);  // the fourth within one second waits
  ASSERT_TRUE(deferred.has_value());
  EXPECT_TRUE(deferred->messages.empty());
  EXPECT_EQ(sole_unbind(*deferred).reason, SessionEndReason::kDetached);
  EXPECT_EQ(mag->stats().pbus_deferred, 1u);
  // Answers to the abandoned registration, even a 135 matched without sequence, find nothing.
  for (auto status : {PbaStatus::kAccepted, PbaStatus::kSequenceOutOfWindow}) {
    const auto late = mag->on_pba(answer(third, status, 100, kAssigned), kLma);
    EXPECT_TRUE(late.messages.empty());
    EXPECT_TRUE(late.events.empty());
  }
  EXPECT_EQ(mag->stats().pbas_unmatched, 2u);

  const auto sent = advance_to_deadline(800ms);  // one second after the first PBU
  EXPECT_EQ(sole_pbu(sent).lifetime, 0);
  EXPECT_EQ(mag->stats().pbus_sent, 4u);
  // The de-registration timer runs from the actual send.
  EXPECT_TRUE(advance_to_deadline(1s).messages.empty());
  EXPECT_TRUE(mag->bindings().empty());
}

TEST_F(MagCoreTest, RateLimitIsPerSession) {
  for (std::uint32_t i = 0; i < 5; ++i)
    attach_ok(attachment(MagSessionKey{.mn_id = kMn1.mn_id, .access_interface = i}));
  EXPECT_EQ(mag->stats().pbus_deferred, 0u);
}

// ---------------------------------------------------------------------------------------------
// The BUL view

TEST_F(MagCoreTest, BindingViewReportsAgeLifetimeAndHandoff) {
  bind(100);
  clock.advance(60s);
  const auto& view = only_binding();
  EXPECT_EQ(view.session, kMn1);
  EXPECT_EQ(view.age, 60s);
  EXPECT_EQ(view.lifetime_left, 340s);
  EXPECT_EQ(to_string(view.state), "bound");
  EXPECT_EQ(to_string(SessionEndReason::kHandoffAway), "handoff-away");
}

}  // namespace
}  // namespace xpmip
