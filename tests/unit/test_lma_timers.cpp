// Time in the LMA core: de-registration and MinDelayBeforeBCEDelete (RFC 5213 §5.3.5), lifetime
// expiry, the HI=4 wait of MaxDelayBeforeNewBCEAssign (§5.4.1.2), prefix quarantine, restore.
#include "test_lma_fixture.hpp"

namespace xpmip::lma_test {
namespace {

using Hi = HandoffIndicator;

ProxyBindingUpdate deregistration(ProxyBindingUpdate p) {
  p.lifetime = 0;
  return p;
}

UnbindEvent unbind_event(const MobileNodeId& mn, std::vector<Prefix> prefixes,
                         const Ipv6Address& proxy_coa) {
  return UnbindEvent{mn, std::move(prefixes), proxy_coa};
}

TEST_F(LmaTest, IdleCoreHasNoDeadline) {
  EXPECT_EQ(lma().next_deadline(), std::nullopt);
  const LmaOutput out = lma().expire_timers();
  EXPECT_TRUE(out.replies.empty());
  EXPECT_TRUE(out.events.empty());
}

TEST_F(LmaTest, DeregistrationIsAcceptedAndTheBindingGoesAfterMinDelayBeforeBceDelete) {
  const auto prefixes = attach(pbu(kAlice, Hi::kNewInterface));
  clock.advance(10s);
  const ProxyBindingUpdate bye = deregistration(pbu(kAlice, Hi::kHandoffUnknown, prefixes));
  const LmaOutput out = send(bye);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba, expected_acceptance(bye, 0, prefixes));
  EXPECT_TRUE(out.events.empty());
  const SteadyTime deleted_at = clock.now() + 10s;
  EXPECT_EQ(lma().next_deadline(), deleted_at);
  ASSERT_EQ(lma().bindings().size(), 1u);
  EXPECT_EQ(lma().bindings()[0].state, BindingState::kPendingDelete);
  EXPECT_EQ(lma().bindings()[0].time_left, 10s);

  clock.advance(10s - 1ns);
  EXPECT_TRUE(lma().expire_timers().events.empty());
  EXPECT_EQ(lma().bindings().size(), 1u);

  clock.advance(1ns);
  const LmaOutput expired = lma().expire_timers();
  EXPECT_TRUE(expired.replies.empty());
  ASSERT_EQ(expired.events.size(), 1u);
  EXPECT_EQ(expired.events[0], LmaEvent{unbind_event(kAlice, prefixes, kMag1)});
  EXPECT_TRUE(lma().bindings().empty());
  EXPECT_EQ(lma().next_deadline(), std::nullopt);
  EXPECT_EQ(lma().stats().bindings_deleted, 1u);
}

TEST_F(LmaTest, RetransmittedDeregistrationDoesNotPostponeTheDelete) {
  const auto prefixes = attach(pbu(kAlice, Hi::kNewInterface));
  send(deregistration(pbu(kAlice, Hi::kHandoffUnknown, prefixes)));
  const SteadyTime deleted_at = clock.now() + 10s;
  clock.advance(1s);
  const LmaOutput again = send(deregistration(pbu(kAlice, Hi::kHandoffUnknown, prefixes)));
  ASSERT_EQ(again.replies.size(), 1u);
  EXPECT_EQ(again.replies[0].pba.status, PbaStatus::kAccepted);
  EXPECT_EQ(lma().next_deadline(), deleted_at);
}

TEST_F(LmaTest, ReRegistrationWithinTheDelayCancelsTheDelete) {
  const auto prefixes = attach(pbu(kAlice, Hi::kNewInterface));
  send(deregistration(pbu(kAlice, Hi::kHandoffUnknown, prefixes)));
  clock.advance(5s);
  const LmaOutput back = send(pbu(kAlice, Hi::kNoHandoff, prefixes));
  ASSERT_EQ(back.replies.size(), 1u);
  EXPECT_EQ(back.replies[0].pba.status, PbaStatus::kAccepted);
  EXPECT_TRUE(back.events.empty());  // the routes never left
  EXPECT_EQ(lma().bindings()[0].state, BindingState::kActive);

  clock.advance(10s);
  EXPECT_TRUE(lma().expire_timers().events.empty());
  ASSERT_EQ(lma().bindings().size(), 1u);
  EXPECT_EQ(lma().next_deadline(), clock.now() - 10s + 1000s);
}

TEST_F(LmaTest, HandoffIsOneBindAndTheOldMagsLateDeregistrationIsIgnored) {
  const auto prefixes = attach(pbu(kAlice, Hi::kNewInterface), kMag1);
  clock.advance(1s);
  const LmaOutput moved = send(pbu(kAlice, Hi::kHandoffBetweenMags, prefixes), kMag2);
  ASSERT_EQ(moved.replies.size(), 1u);
  EXPECT_EQ(moved.replies[0].destination, kMag2);
  EXPECT_EQ(moved.replies[0].pba.status, PbaStatus::kAccepted);
  ASSERT_EQ(moved.events.size(), 1u);  // no Unbind of the old proxy-CoA
  EXPECT_EQ(moved.events[0], LmaEvent{bind_event(kAlice, prefixes, kMag2)});

  clock.advance(100ms);
  const auto before = lma().bindings();
  const LmaOutput late = send(deregistration(pbu(kAlice, Hi::kHandoffUnknown, prefixes)), kMag1);
  EXPECT_TRUE(late.replies.empty());
  EXPECT_TRUE(late.events.empty());
  EXPECT_EQ(lma().bindings(), before);
  EXPECT_EQ(lma().bindings()[0].proxy_coa, kMag2);
  EXPECT_EQ(lma().bindings()[0].state, BindingState::kActive);
  EXPECT_EQ(lma().stats().ignored_late_deregistration, 1u);

  clock.advance(20s);
  EXPECT_TRUE(lma().expire_timers().events.empty());
}

TEST_F(LmaTest, DelayedOldMagDeregistrationWithAnOlderTimestampIs157AndChangesNothing) {
  const auto prefixes = attach(pbu(kAlice, Hi::kNewInterface), kMag1);
  clock.advance(50ms);
  const ProxyBindingUpdate stale = deregistration(pbu(kAlice, Hi::kHandoffUnknown, prefixes));
  clock.advance(50ms);
  attach(pbu(kAlice, Hi::kHandoffBetweenMags, prefixes), kMag2);
  const auto before = lma().bindings();
  const LmaOutput out = send(stale, kMag1);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba.status, PbaStatus::kTimestampLowerThanPrevAccepted);
  EXPECT_TRUE(out.events.empty());
  EXPECT_EQ(lma().bindings(), before);
}

TEST_F(LmaTest, LifetimeExpiryRemovesTheBinding) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  p.lifetime = 10;  // 40 s
  const auto prefixes = attach(p);
  EXPECT_EQ(lma().next_deadline(), clock.now() + 40s);
  clock.advance(39s);
  EXPECT_TRUE(lma().expire_timers().events.empty());
  EXPECT_EQ(lma().bindings()[0].time_left, 1s);
  clock.advance(1s);
  const LmaOutput out = lma().expire_timers();
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0], LmaEvent{unbind_event(kAlice, prefixes, kMag1)});
  EXPECT_TRUE(lma().bindings().empty());
  EXPECT_EQ(lma().stats().bindings_expired, 1u);
}

TEST_F(LmaTest, RefreshExtendsTheLifetime) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  p.lifetime = 10;
  const auto prefixes = attach(p);
  clock.advance(30s);
  ProxyBindingUpdate refresh = pbu(kAlice, Hi::kNoHandoff, prefixes);
  refresh.lifetime = 10;
  attach(refresh);
  clock.advance(30s);
  EXPECT_TRUE(lma().expire_timers().events.empty());
  EXPECT_EQ(lma().next_deadline(), clock.now() + 10s);
}

TEST_F(LmaTest, HandoffStateUnknownWaitsThenCreatesANewSession) {
  const auto prefixes = attach(pbu(kAlice, Hi::kNewInterface, {kAllZero}, std::nullopt), kMag1);
  clock.advance(1s);
  const ProxyBindingUpdate unknown = pbu(kAlice, Hi::kHandoffUnknown, {kAllZero}, std::nullopt);
  const LmaOutput parked = send(unknown, kMag2);
  EXPECT_TRUE(parked.replies.empty());
  EXPECT_TRUE(parked.events.empty());
  EXPECT_EQ(lma().next_deadline(), clock.now() + 1500ms);
  EXPECT_EQ(lma().stats().held_for_deregistration, 1u);

  clock.advance(1499ms);
  const LmaOutput early = lma().expire_timers();
  EXPECT_TRUE(early.replies.empty());
  EXPECT_TRUE(early.events.empty());

  clock.advance(1ms);
  const LmaOutput out = lma().expire_timers();
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].source, kLmaa);
  EXPECT_EQ(out.replies[0].destination, kMag2);
  EXPECT_EQ(out.replies[0].pba,
            expected_acceptance(unknown, kRequestedLifetime, {kSecondPoolPrefix}));
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0], LmaEvent{bind_event(kAlice, {kSecondPoolPrefix}, kMag2)});
  const auto bindings = lma().bindings();
  ASSERT_EQ(bindings.size(), 2u);
  EXPECT_EQ(bindings[0].home_network_prefixes, prefixes);
  EXPECT_EQ(bindings[0].proxy_coa, kMag1);
}

TEST_F(LmaTest, OldMagDeregistrationDuringTheWaitMakesItAHandoff) {
  const auto prefixes = attach(pbu(kAlice, Hi::kNewInterface, {kAllZero}, std::nullopt), kMag1);
  clock.advance(1s);
  const ProxyBindingUpdate unknown = pbu(kAlice, Hi::kHandoffUnknown, {kAllZero}, std::nullopt);
  EXPECT_TRUE(send(unknown, kMag2).replies.empty());
  clock.advance(200ms);
  const ProxyBindingUpdate bye =
      deregistration(pbu(kAlice, Hi::kHandoffUnknown, prefixes, std::nullopt));
  const LmaOutput out = send(bye, kMag1);

  ASSERT_EQ(out.replies.size(), 2u);
  EXPECT_EQ(out.replies[0].destination, kMag1);
  EXPECT_EQ(out.replies[0].pba, expected_acceptance(bye, 0, prefixes));
  EXPECT_EQ(out.replies[1].destination, kMag2);
  EXPECT_EQ(out.replies[1].pba, expected_acceptance(unknown, kRequestedLifetime, prefixes));
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0], LmaEvent{bind_event(kAlice, prefixes, kMag2)});
  const auto bindings = lma().bindings();
  ASSERT_EQ(bindings.size(), 1u);
  EXPECT_EQ(bindings[0].proxy_coa, kMag2);
  EXPECT_EQ(bindings[0].state, BindingState::kActive);

  clock.advance(20s);
  const LmaOutput later = lma().expire_timers();
  EXPECT_TRUE(later.replies.empty());
  EXPECT_TRUE(later.events.empty());
  EXPECT_EQ(lma().bindings().size(), 1u);
}

TEST_F(LmaTest, Hi4AfterTheOldMagAlreadyDeregisteredIsAHandoffAtOnce) {
  const auto prefixes = attach(pbu(kAlice, Hi::kNewInterface, {kAllZero}, std::nullopt), kMag1);
  send(deregistration(pbu(kAlice, Hi::kHandoffUnknown, prefixes, std::nullopt)), kMag1);
  clock.advance(300ms);
  const ProxyBindingUpdate unknown = pbu(kAlice, Hi::kHandoffUnknown, {kAllZero}, std::nullopt);
  const LmaOutput out = send(unknown, kMag2);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].destination, kMag2);
  EXPECT_EQ(out.replies[0].pba, expected_acceptance(unknown, kRequestedLifetime, prefixes));
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0], LmaEvent{bind_event(kAlice, prefixes, kMag2)});
  ASSERT_EQ(lma().bindings().size(), 1u);
  EXPECT_EQ(lma().bindings()[0].state, BindingState::kActive);
  EXPECT_EQ(lma().stats().held_for_deregistration, 0u);
}

TEST_F(LmaTest, RetransmissionDuringTheWaitReplacesTheParkedPbuWithoutExtendingIt) {
  attach(pbu(kAlice, Hi::kNewInterface, {kAllZero}, std::nullopt), kMag1);
  send(pbu(kAlice, Hi::kHandoffUnknown, {kAllZero}, std::nullopt), kMag2);
  const SteadyTime wait_ends = clock.now() + 1500ms;
  clock.advance(1s);
  const ProxyBindingUpdate retry = pbu(kAlice, Hi::kHandoffUnknown, {kAllZero}, std::nullopt);
  EXPECT_TRUE(send(retry, kMag2).replies.empty());
  EXPECT_EQ(lma().next_deadline(), wait_ends);
  clock.advance(500ms);
  const LmaOutput out = lma().expire_timers();
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba.sequence, retry.sequence);
}

TEST_F(LmaTest, CreateNewBceImmediatelySkipsTheWait) {
  config.create_new_bce_immediately = true;
  attach(pbu(kAlice, Hi::kNewInterface, {kAllZero}, std::nullopt), kMag1);
  const ProxyBindingUpdate unknown = pbu(kAlice, Hi::kHandoffUnknown, {kAllZero}, std::nullopt);
  const LmaOutput out = send(unknown, kMag2);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba,
            expected_acceptance(unknown, kRequestedLifetime, {kSecondPoolPrefix}));
  EXPECT_EQ(lma().bindings().size(), 2u);
}

TEST_F(LmaTest, ReleasedPoolPrefixIsQuarantinedForMinDelayBeforeBceDelete) {
  config.pool_aggregate = pfx("2001:db8:100::/64");
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  p.lifetime = 1;
  const auto prefixes = attach(p);
  ASSERT_EQ(prefixes, std::vector<Prefix>{kFirstPoolPrefix});
  clock.advance(4s);
  ASSERT_EQ(lma().expire_timers().events.size(), 1u);

  expect_rejected(pbu(kBob, Hi::kNewInterface, {kAllZero}, std::nullopt),
                  PbaStatus::kInsufficientResources);
  clock.advance(10s - 1ns);
  EXPECT_EQ(send(pbu(kBob, Hi::kNewInterface, {kAllZero}, std::nullopt)).replies[0].pba.status,
            PbaStatus::kInsufficientResources);
  clock.advance(1ns);
  EXPECT_EQ(attach(pbu(kBob, Hi::kNewInterface, {kAllZero}, std::nullopt)),
            std::vector<Prefix>{kFirstPoolPrefix});
}

TEST_F(LmaTest, PoolHandsOutDistinctPrefixes) {
  EXPECT_EQ(attach(pbu(kAlice, Hi::kNewInterface)), std::vector<Prefix>{kFirstPoolPrefix});
  EXPECT_EQ(attach(pbu(kBob, Hi::kNewInterface, {kAllZero}, std::nullopt)),
            std::vector<Prefix>{kSecondPoolPrefix});
}

TEST_F(LmaTest, RestoredBindingIsServedAndItsPoolPrefixIsNotReassigned) {
  BindingRecord record;
  record.mn_id = kAlice;
  record.mn_link_layer_id = kAliceMac;
  record.home_network_prefixes = {kFirstPoolPrefix};
  record.proxy_coa = kMag1;
  record.access_tech = AccessTechnology::kIeee80211;
  record.handoff_indicator = Hi::kNewInterface;
  record.last_timestamp = to_pmip_timestamp(clock.wall_now() - 10s);
  record.granted_lifetime = 250;
  record.time_left = 600s;
  record.age = 400s;
  const auto restored = lma().restore(record);
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(*restored, bind_event(kAlice, {kFirstPoolPrefix}, kMag1));
  ASSERT_EQ(lma().bindings().size(), 1u);
  EXPECT_EQ(lma().bindings()[0], record);
  EXPECT_EQ(lma().next_deadline(), clock.now() + 600s);

  EXPECT_EQ(attach(pbu(kBob, Hi::kNewInterface, {kAllZero}, std::nullopt)),
            std::vector<Prefix>{kSecondPoolPrefix});
  EXPECT_EQ(lma().restore(record).error(), RestoreError::kPrefixInUse);
  record.home_network_prefixes.clear();
  EXPECT_EQ(lma().restore(record).error(), RestoreError::kNoPrefixes);

  // The restored session refreshes like any other.
  EXPECT_EQ(attach(pbu(kAlice, Hi::kNoHandoff, {kFirstPoolPrefix})),
            std::vector<Prefix>{kFirstPoolPrefix});
}

TEST_F(LmaTest, RestoreRespectsTheBindingLimit) {
  config.max_bindings = 1;
  attach(pbu(kAlice, Hi::kNewInterface));
  BindingRecord record;
  record.mn_id = kBob;
  record.home_network_prefixes = {pfx("2001:db8:7::/64")};
  record.proxy_coa = kMag2;
  EXPECT_EQ(lma().restore(record).error(), RestoreError::kCapacityExceeded);
}

}  // namespace
}  // namespace xpmip::lma_test
