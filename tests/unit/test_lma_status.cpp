// Every PBA status the LMA core sends, each provoked on purpose, with the exact PBA and proof that
// no binding or data-plane event changed (RFC 5213 §5.3.1, §5.3.6).
#include "test_lma_fixture.hpp"

namespace xpmip::lma_test {
namespace {

using Hi = HandoffIndicator;

TEST_F(LmaTest, AcceptsInitialAttachmentWithExactPbaAndOneBindEvent) {
  const ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  const LmaOutput out = send(p);

  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].source, kLmaa);
  EXPECT_EQ(out.replies[0].destination, kMag1);
  ProxyBindingAck expected;
  expected.status = PbaStatus::kAccepted;
  expected.flags = 0x20;
  expected.sequence = p.sequence;
  expected.lifetime = kRequestedLifetime;
  expected.options.mn_id = kAlice;
  expected.options.home_network_prefixes = {kFirstPoolPrefix};
  expected.options.handoff_indicator = Hi::kNewInterface;
  expected.options.access_tech = AccessTechnology::kIeee80211;
  expected.options.mn_link_layer_id = kAliceMac;
  expected.options.timestamp = p.options.timestamp;
  EXPECT_EQ(out.replies[0].pba, expected);

  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0], LmaEvent{bind_event(kAlice, {kFirstPoolPrefix}, kMag1)});

  const auto bindings = lma().bindings();
  ASSERT_EQ(bindings.size(), 1u);
  EXPECT_EQ(bindings[0].mn_id, kAlice);
  EXPECT_EQ(bindings[0].home_network_prefixes, std::vector<Prefix>{kFirstPoolPrefix});
  EXPECT_EQ(bindings[0].proxy_coa, kMag1);
  EXPECT_EQ(bindings[0].mn_link_layer_id, kAliceMac);
  EXPECT_EQ(bindings[0].access_tech, AccessTechnology::kIeee80211);
  EXPECT_EQ(bindings[0].handoff_indicator, Hi::kNewInterface);
  EXPECT_EQ(bindings[0].last_timestamp, *p.options.timestamp);
  EXPECT_EQ(bindings[0].granted_lifetime, kRequestedLifetime);
  EXPECT_EQ(bindings[0].time_left, 1000s);
  EXPECT_EQ(bindings[0].age, 0s);
  EXPECT_EQ(bindings[0].state, BindingState::kActive);
  EXPECT_EQ(lma().stats().pba_count(PbaStatus::kAccepted), 1u);
  EXPECT_EQ(lma().stats().bindings_created, 1u);
}

TEST_F(LmaTest, GrantsTheSmallerOfRequestedAndPolicyLifetime) {
  MnProfile short_lived;
  short_lived.max_lifetime = 600s;
  policy.set_mobile_node(kAlice, short_lived);
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  p.lifetime = 65535;
  const LmaOutput out = send(p);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba.lifetime, 150);  // 600 s in units of 4 s
  EXPECT_EQ(lma().bindings()[0].time_left, 600s);
}

TEST_F(LmaTest, MissingMnIdIs160WithZeroLengthIdentifier) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  p.options.mn_id.reset();
  expect_rejected(p, PbaStatus::kMissingMnIdentifierOption);
  const LmaOutput again = send(p);
  ASSERT_EQ(again.replies.size(), 1u);
  EXPECT_EQ(again.replies[0].pba.options.mn_id, (MobileNodeId{1, ""}));
}

TEST_F(LmaTest, UnknownMagIs154) {
  expect_rejected(pbu(kAlice, Hi::kNewInterface), PbaStatus::kMagNotAuthorizedForProxyReg,
                  kUnknownMag);
}

TEST_F(LmaTest, MagOutsideTheNodesAuthorisedListIs154) {
  MnProfile profile;
  profile.authorized_mags = {kMag2};
  policy.set_mobile_node(kAlice, profile);
  expect_rejected(pbu(kAlice, Hi::kNewInterface), PbaStatus::kMagNotAuthorizedForProxyReg);
  EXPECT_EQ(attach(pbu(kAlice, Hi::kNewInterface), kMag2), std::vector<Prefix>{kFirstPoolPrefix});
}

TEST_F(LmaTest, UnknownMobileNodeIs153) {
  expect_rejected(pbu(MobileNodeId{1, "carol@example.net"}, Hi::kNewInterface),
                  PbaStatus::kNotLmaForThisMobileNode);
}

TEST_F(LmaTest, NodeServedByAnotherLmaIs153) {
  MnProfile profile;
  profile.served_by_this_lma = false;
  policy.set_mobile_node(kAlice, profile);
  expect_rejected(pbu(kAlice, Hi::kNewInterface), PbaStatus::kNotLmaForThisMobileNode);
}

TEST_F(LmaTest, NodeWithoutNetworkBasedMobilityIs152) {
  MnProfile profile;
  profile.proxy_mobility_enabled = false;
  policy.set_mobile_node(kAlice, profile);
  expect_rejected(pbu(kAlice, Hi::kNewInterface), PbaStatus::kProxyRegNotEnabled);
}

TEST_F(LmaTest, MagCheckComesBeforeMobileNodeChecks) {
  // Both 154 and 153 apply; §5.3.1 checks the MAG first.
  expect_rejected(pbu(MobileNodeId{1, "carol@example.net"}, Hi::kNewInterface),
                  PbaStatus::kMagNotAuthorizedForProxyReg, kUnknownMag);
}

TEST_F(LmaTest, TimestampOutsideTheWindowIs156WithTheLmaTime) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  clock.step_wall(301ms);  // the MAG's clock is now 301 ms behind the LMA's
  const LmaOutput out = send(p);
  ASSERT_EQ(out.replies.size(), 1u);
  ProxyBindingAck expected = expected_rejection(p, PbaStatus::kTimestampMismatch);
  expected.options.timestamp = to_pmip_timestamp(clock.wall_now());
  EXPECT_EQ(out.replies[0].pba, expected);
  EXPECT_TRUE(out.events.empty());
  EXPECT_TRUE(lma().bindings().empty());
}

TEST_F(LmaTest, TimestampAheadOfTheWindowIs156) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  p.options.timestamp = to_pmip_timestamp(clock.wall_now() + 400ms);
  const LmaOutput out = send(p);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba.status, PbaStatus::kTimestampMismatch);
  EXPECT_EQ(out.replies[0].pba.options.timestamp, to_pmip_timestamp(clock.wall_now()));
}

TEST_F(LmaTest, TimestampAtTheEdgeOfTheWindowIsAccepted) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  clock.step_wall(300ms);
  EXPECT_EQ(attach(p), std::vector<Prefix>{kFirstPoolPrefix});
}

TEST_F(LmaTest, TimestampModeMagWithoutTimestampIs156WithoutTimestampOption) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  p.options.timestamp.reset();
  expect_rejected(p, PbaStatus::kTimestampMismatch);
}

TEST_F(LmaTest, TimestampNotAboveTheLastAcceptedIs157WithTheLmaTime) {
  const ProxyBindingUpdate first = pbu(kAlice, Hi::kNewInterface);
  const auto prefixes = attach(first);
  ProxyBindingUpdate replay = pbu(kAlice, Hi::kNoHandoff, prefixes);
  replay.options.timestamp = first.options.timestamp;  // equal is not newer
  clock.advance(100ms);
  const auto before = lma().bindings();
  const LmaOutput out = send(replay);
  ASSERT_EQ(out.replies.size(), 1u);
  ProxyBindingAck expected = expected_rejection(replay, PbaStatus::kTimestampLowerThanPrevAccepted);
  expected.options.timestamp = to_pmip_timestamp(clock.wall_now());
  EXPECT_EQ(out.replies[0].pba, expected);
  EXPECT_TRUE(out.events.empty());
  EXPECT_EQ(lma().bindings(), before);
}

TEST_F(LmaTest, SequenceNotAboveTheLastAcceptedIs135CarryingTheLastAccepted) {
  policy.set_mag(kMag1, MagPolicy{ReplayMode::kSequenceNumber});
  ProxyBindingUpdate first = pbu(kAlice, Hi::kNewInterface);
  first.options.timestamp.reset();
  first.sequence = 100;
  const auto prefixes = attach(first);
  EXPECT_EQ(lma().bindings()[0].last_timestamp, 0u);  // ALL_ZERO in sequence mode (§5.1)

  for (std::uint16_t stale : {std::uint16_t{100}, std::uint16_t{99}, std::uint16_t{60000}}) {
    ProxyBindingUpdate p = pbu(kAlice, Hi::kNoHandoff, prefixes);
    p.options.timestamp.reset();
    p.sequence = stale;
    const auto before = lma().bindings();
    const LmaOutput out = send(p);
    ASSERT_EQ(out.replies.size(), 1u);
    ProxyBindingAck expected = expected_rejection(p, PbaStatus::kSequenceOutOfWindow);
    expected.sequence = 100;
    EXPECT_EQ(out.replies[0].pba, expected) << "sequence " << stale;
    EXPECT_TRUE(out.events.empty());
    EXPECT_EQ(lma().bindings(), before);
  }
  ProxyBindingUpdate next = pbu(kAlice, Hi::kNoHandoff, prefixes);
  next.options.timestamp.reset();
  next.sequence = 101;
  attach(next);
  EXPECT_EQ(lma().bindings()[0].last_sequence, 101);
}

TEST_F(LmaTest, SequenceModeAcceptsAnyNumberWithoutBindingAndWrapsModulo65536) {
  policy.set_mag(kMag1, MagPolicy{ReplayMode::kSequenceNumber});
  ProxyBindingUpdate first = pbu(kAlice, Hi::kNewInterface);
  first.options.timestamp.reset();
  first.sequence = 65535;
  const auto prefixes = attach(first);

  ProxyBindingUpdate wrapped = pbu(kAlice, Hi::kNoHandoff, prefixes);
  wrapped.options.timestamp.reset();
  wrapped.sequence = 0;  // 65535 + 1 modulo 2^16
  attach(wrapped);
  EXPECT_EQ(lma().bindings()[0].last_sequence, 0);

  ProxyBindingUpdate half = pbu(kAlice, Hi::kNoHandoff, prefixes);
  half.options.timestamp.reset();
  half.sequence = 32768;  // exactly half the space ahead: not "greater" (RFC 6275 §9.5.1)
  const LmaOutput out = send(half);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba.status, PbaStatus::kSequenceOutOfWindow);
  EXPECT_EQ(out.replies[0].pba.sequence, 0);

  half.sequence = 32767;
  attach(half);
  EXPECT_EQ(lma().bindings()[0].last_sequence, 32767);
}

TEST_F(LmaTest, SequenceModeEchoesATimestampTheMagSent) {
  policy.set_mag(kMag1, MagPolicy{ReplayMode::kSequenceNumber});
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  clock.step_wall(10s);  // far outside the window: not checked in sequence mode
  const LmaOutput out = send(p);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba, expected_acceptance(p, kRequestedLifetime, {kFirstPoolPrefix}));
}

TEST_F(LmaTest, MissingHnpIs158WithOneAllZeroHnp) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface, {});
  expect_rejected(p, PbaStatus::kMissingHomeNetworkPrefixOption);
}

TEST_F(LmaTest, MissingHandoffIndicatorIs161WithZeroHi) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  p.options.handoff_indicator.reset();
  expect_rejected(p, PbaStatus::kMissingHandoffIndicatorOption);
}

TEST_F(LmaTest, MissingAccessTechnologyIs162WithZeroAtt) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  p.options.access_tech.reset();
  expect_rejected(p, PbaStatus::kMissingAccessTechTypeOption);
}

TEST_F(LmaTest, ReplayCheckComesBeforeOptionChecks) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface, {});
  p.options.timestamp = to_pmip_timestamp(clock.wall_now() - 1s);
  const LmaOutput out = send(p);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba.status, PbaStatus::kTimestampMismatch);
}

TEST_F(LmaTest, RequestedPrefixNotTheNodesIs155) {
  expect_rejected(pbu(kAlice, Hi::kNewInterface, {pfx("2001:db8:999::/64")}),
                  PbaStatus::kNotAuthorizedForHomeNetworkPrefix);
}

TEST_F(LmaTest, PrefixOfAnotherNodesSessionIs155) {
  const auto alice_prefixes = attach(pbu(kAlice, Hi::kNewInterface));
  expect_rejected(pbu(kBob, Hi::kNoHandoff, alice_prefixes, std::nullopt),
                  PbaStatus::kNotAuthorizedForHomeNetworkPrefix);
}

TEST_F(LmaTest, PrefixSetDifferentFromTheSessionsIs159) {
  MnProfile two_prefixes;
  two_prefixes.static_prefixes = {pfx("2001:db8:5::/64"), pfx("2001:db8:6::/64")};
  policy.set_mobile_node(kAlice, two_prefixes);
  const auto prefixes = attach(pbu(kAlice, Hi::kNewInterface));
  ASSERT_EQ(prefixes.size(), 2u);
  expect_rejected(pbu(kAlice, Hi::kNoHandoff, {prefixes[0]}),
                  PbaStatus::kBcePbuPrefixSetDoNotMatch);
}

TEST_F(LmaTest, ExhaustedPoolIs130) {
  config.pool_aggregate = pfx("2001:db8:100::/64");  // exactly one /64
  attach(pbu(kAlice, Hi::kNewInterface));
  expect_rejected(pbu(kBob, Hi::kNewInterface), PbaStatus::kInsufficientResources);
}

TEST_F(LmaTest, NoPoolAndNoStaticPrefixIs130) {
  config.pool_aggregate.reset();
  expect_rejected(pbu(kAlice, Hi::kNewInterface), PbaStatus::kInsufficientResources);
}

TEST_F(LmaTest, BindingLimitIs130) {
  config.max_bindings = 1;
  attach(pbu(kAlice, Hi::kNewInterface));
  expect_rejected(pbu(kBob, Hi::kNewInterface), PbaStatus::kInsufficientResources, kMag2);
}

TEST_F(LmaTest, PerMagBindingLimitIs130ForNewSessionsAndHandoffs) {
  config.max_bindings_per_mag = 1;
  const auto alice = attach(pbu(kAlice, Hi::kNewInterface), kMag1);
  expect_rejected(pbu(kBob, Hi::kNewInterface, {kAllZero}, std::nullopt),
                  PbaStatus::kInsufficientResources, kMag1);
  const auto bob = attach(pbu(kBob, Hi::kNewInterface, {kAllZero}, std::nullopt), kMag2);
  // Alice moving to MAG2 would give it two sessions.
  ProxyBindingUpdate handoff = pbu(kAlice, Hi::kHandoffBetweenMags, alice);
  const LmaOutput out = send(handoff, kMag2);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba, expected_rejection(handoff, PbaStatus::kInsufficientResources));
  EXPECT_TRUE(out.events.empty());
  EXPECT_EQ(lma().bindings()[0].proxy_coa, kMag1);
}

TEST_F(LmaTest, AccessTechnologyBarredByProfileIs129) {
  MnProfile profile;
  profile.allowed_access_techs = {AccessTechnology::k3gppEutran};
  policy.set_mobile_node(kAlice, profile);
  expect_rejected(pbu(kAlice, Hi::kNewInterface), PbaStatus::kAdministrativelyProhibited);
}

TEST_F(LmaTest, ProxyBindingUpdateWithoutAckFlagIs128) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  p.flags = bu_flag::kProxy;
  expect_rejected(p, PbaStatus::kReasonUnspecified);
}

TEST_F(LmaTest, HomeRegistrationWithoutProxyFlagIs131InABindingAckWithoutP) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  p.flags = bu_flag::kAck | bu_flag::kHome;
  const LmaOutput out = send(p);
  ASSERT_EQ(out.replies.size(), 1u);
  ProxyBindingAck expected = expected_rejection(p, kHomeRegistrationNotSupported);
  expected.flags = 0;
  EXPECT_EQ(out.replies[0].pba, expected);
  EXPECT_EQ(static_cast<int>(out.replies[0].pba.status), 131);
  EXPECT_TRUE(out.events.empty());
  EXPECT_TRUE(lma().bindings().empty());
}

TEST_F(LmaTest, CorrespondentRegistrationWithoutProxyFlagIsDropped) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  p.flags = bu_flag::kAck;
  const LmaOutput out = send(p);
  EXPECT_TRUE(out.replies.empty());
  EXPECT_TRUE(out.events.empty());
  EXPECT_TRUE(lma().bindings().empty());
  EXPECT_EQ(lma().stats().ignored_not_proxy, 1u);
}

TEST_F(LmaTest, AlternateCareOfAddressBecomesTheProxyCoaButThePbaGoesToTheSource) {
  const Ipv6Address tunnel_end = ip("2001:db8:a1::99");
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  p.options.alternate_care_of = tunnel_end;
  const LmaOutput out = send(p, kMag1);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].destination, kMag1);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0], LmaEvent{bind_event(kAlice, {kFirstPoolPrefix}, tunnel_end)});
  EXPECT_EQ(lma().bindings()[0].proxy_coa, tunnel_end);
}

}  // namespace
}  // namespace xpmip::lma_test
