// The Binding Cache lookup of RFC 5213 §5.4.1, case by case, observed through the LMA core:
// update (refresh or handoff) versus new session, with the exact events each produces.
#include "test_lma_fixture.hpp"

namespace xpmip::lma_test {
namespace {

using Hi = HandoffIndicator;

class LmaLookupTest : public LmaTest {
 protected:
  // Alice attached through MAG1; `prefixes` is what the LMA assigned.
  void SetUp() override { prefixes = attach(pbu(kAlice, Hi::kNewInterface)); }

  // Sends `p` and asserts it updated Alice's only session in place, now on `mag`.
  void expect_update(const ProxyBindingUpdate& p, const Ipv6Address& mag, bool handoff) {
    const LmaOutput out = send(p, mag);
    ASSERT_EQ(out.replies.size(), 1u);
    EXPECT_EQ(out.replies[0].destination, mag);
    EXPECT_EQ(out.replies[0].pba, expected_acceptance(p, kRequestedLifetime, prefixes));
    if (handoff) {
      ASSERT_EQ(out.events.size(), 1u);
      EXPECT_EQ(out.events[0], LmaEvent{bind_event(kAlice, prefixes, mag, *p.options.access_tech)});
    } else {
      EXPECT_TRUE(out.events.empty());
    }
    const auto bindings = lma().bindings();
    ASSERT_EQ(bindings.size(), 1u);
    EXPECT_EQ(bindings[0].proxy_coa, mag);
    EXPECT_EQ(bindings[0].home_network_prefixes, prefixes);
  }

  // Sends `p` and asserts a second session with a fresh pool prefix.
  void expect_new_session(const ProxyBindingUpdate& p, const Ipv6Address& mag) {
    const LmaOutput out = send(p, mag);
    ASSERT_EQ(out.replies.size(), 1u);
    EXPECT_EQ(out.replies[0].pba, expected_acceptance(p, kRequestedLifetime, {kSecondPoolPrefix}));
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0], LmaEvent{bind_event(kAlice, {kSecondPoolPrefix}, mag)});
    EXPECT_EQ(lma().bindings().size(), 2u);
  }

  std::vector<Prefix> prefixes;
};

// §5.4.1.1 (a): MN-LL-ID and ATT equal.
TEST_F(LmaLookupTest, PrefixCaseSameLinkLayerIdAndAccessTechIsAHandoff) {
  expect_update(pbu(kAlice, Hi::kHandoffBetweenMags, prefixes), kMag2, true);
  EXPECT_EQ(lma().stats().handoffs, 1u);
}

// §5.4.1.1 (b): HI=2 updates even with another interface's LL-ID and ATT.
TEST_F(LmaLookupTest, PrefixCaseInterInterfaceHandoffIgnoresLinkLayerIdAndAccessTech) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kHandoffBetweenInterfaces, prefixes, kAliceSecondMac);
  p.options.access_tech = AccessTechnology::k3gppEutran;
  expect_update(p, kMag2, true);
  EXPECT_EQ(lma().bindings()[0].mn_link_layer_id, kAliceSecondMac);
  EXPECT_EQ(lma().bindings()[0].access_tech, AccessTechnology::k3gppEutran);
}

// §5.4.1.1 (c): no LL-ID on either side, same ATT, HI=3.
TEST_F(LmaLookupTest, PrefixCaseNoLinkLayerIdSameAccessTechHi3IsAHandoff) {
  // Re-attach Bob without an LL-ID so his BCE stores ALL_ZERO.
  const auto bob = attach(pbu(kBob, Hi::kNewInterface, {kAllZero}, std::nullopt));
  const ProxyBindingUpdate p = pbu(kBob, Hi::kHandoffBetweenMags, bob, std::nullopt);
  const LmaOutput out = send(p, kMag2);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba, expected_acceptance(p, kRequestedLifetime, bob));
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0], LmaEvent{bind_event(kBob, bob, kMag2)});
}

// §5.4.1.1 (d): same proxy-CoA and ATT: a refresh, no data-plane change.
TEST_F(LmaLookupTest, PrefixCaseSameMagIsARefreshWithoutEvents) {
  clock.advance(500s);
  expect_update(pbu(kAlice, Hi::kNoHandoff, prefixes, std::nullopt), kMag1, false);
  EXPECT_EQ(lma().bindings()[0].time_left, 1000s);
  EXPECT_EQ(lma().bindings()[0].age, 500s);
}

// §5.4.1.1 "anything else": a new session is asked for prefixes another session of the same node
// holds; prefixes are never shared (§5.2), so it is refused.
TEST_F(LmaLookupTest, PrefixCaseOtherwiseIsANewSessionThatCannotTakeHeldPrefixes) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface, prefixes, kAliceSecondMac);
  expect_rejected(p, PbaStatus::kNotAuthorizedForHomeNetworkPrefix, kMag2);
}

TEST_F(LmaLookupTest, PrefixCaseOtherwiseWithLifetimeZeroIsIgnored) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface, prefixes, kAliceSecondMac);
  p.lifetime = 0;
  const LmaOutput out = send(p, kMag2);
  EXPECT_TRUE(out.replies.empty());
  EXPECT_TRUE(out.events.empty());
  EXPECT_EQ(lma().bindings()[0].state, BindingState::kActive);
  EXPECT_EQ(lma().stats().ignored_unmatched_deregistration, 1u);
}

// §5.4.1.2: no NON_ZERO HNP, LL-ID present: MN-ID + ATT + LL-ID is the key.
TEST_F(LmaLookupTest, LinkLayerCaseMatchingKeyIsAnUpdate) {
  expect_update(pbu(kAlice, Hi::kHandoffBetweenMags, {kAllZero}, kAliceMac), kMag2, true);
}

TEST_F(LmaLookupTest, LinkLayerCaseNoMatchWithHi2UpdatesTheOnlySession) {
  expect_update(pbu(kAlice, Hi::kHandoffBetweenInterfaces, {kAllZero}, kAliceSecondMac), kMag2,
                true);
}

TEST_F(LmaLookupTest, LinkLayerCaseNoMatchWithHi1IsANewSession) {
  expect_new_session(pbu(kAlice, Hi::kNewInterface, {kAllZero}, kAliceSecondMac), kMag2);
}

TEST_F(LmaLookupTest, LinkLayerCaseDifferentAccessTechIsNotAMatch) {
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface, {kAllZero}, kAliceMac);
  p.options.access_tech = AccessTechnology::k3gppEutran;
  const LmaOutput out = send(p, kMag2);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba.options.home_network_prefixes,
            std::vector<Prefix>{kSecondPoolPrefix});
  EXPECT_EQ(lma().bindings().size(), 2u);
}

// §5.4.1.3: no NON_ZERO HNP and no LL-ID: MN-ID alone.
TEST_F(LmaLookupTest, IdentifierCaseOnlySessionWithHi3IsAHandoff) {
  expect_update(pbu(kAlice, Hi::kHandoffBetweenMags, {kAllZero}, std::nullopt), kMag2, true);
}

TEST_F(LmaLookupTest, IdentifierCaseOnlySessionWithHi2IsAHandoff) {
  expect_update(pbu(kAlice, Hi::kHandoffBetweenInterfaces, {kAllZero}, std::nullopt), kMag2, true);
}

TEST_F(LmaLookupTest, IdentifierCaseHi1IsANewSession) {
  expect_new_session(pbu(kAlice, Hi::kNewInterface, {kAllZero}, std::nullopt), kMag2);
}

TEST_F(LmaLookupTest, IdentifierCaseWithTwoSessionsIsANewSession) {
  attach(pbu(kAlice, Hi::kNewInterface, {kAllZero}, kAliceSecondMac), kMag2);
  const ProxyBindingUpdate p = pbu(kAlice, Hi::kHandoffBetweenMags, {kAllZero}, std::nullopt);
  const LmaOutput out = send(p, kMag2);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba.options.home_network_prefixes,
            std::vector<Prefix>{pfx("2001:db8:100:2::/64")});
  EXPECT_EQ(lma().bindings().size(), 3u);
}

TEST_F(LmaLookupTest, HandoffKeepsTheGeneratedLinkLocalAddress) {
  ProxyBindingUpdate first = pbu(kBob, Hi::kNewInterface, {kAllZero}, std::nullopt);
  first.options.link_local_address = Ipv6Address{};
  const LmaOutput created = send(first);
  ASSERT_EQ(created.replies.size(), 1u);
  const auto generated = created.replies[0].pba.options.link_local_address;
  ASSERT_TRUE(generated.has_value());
  EXPECT_TRUE(is_link_local(*generated));
  EXPECT_FALSE(is_unspecified(*generated));
  const auto bob = created.replies[0].pba.options.home_network_prefixes;
  EXPECT_EQ(lma().bindings()[1].mag_link_local, *generated);

  ProxyBindingUpdate moved = pbu(kBob, Hi::kHandoffBetweenMags, bob, std::nullopt);
  moved.options.link_local_address = Ipv6Address{};
  const LmaOutput out = send(moved, kMag2);
  ASSERT_EQ(out.replies.size(), 1u);
  ProxyBindingAck expected = expected_acceptance(moved, kRequestedLifetime, bob);
  expected.options.link_local_address = *generated;
  EXPECT_EQ(out.replies[0].pba, expected);
}

TEST_F(LmaLookupTest, GeneratedLinkLocalAddressesDifferPerSession) {
  ProxyBindingUpdate bob = pbu(kBob, Hi::kNewInterface, {kAllZero}, std::nullopt);
  bob.options.link_local_address = Ipv6Address{};
  ProxyBindingUpdate alice = pbu(kAlice, Hi::kNewInterface, {kAllZero}, kAliceSecondMac);
  alice.options.link_local_address = Ipv6Address{};
  const LmaOutput first = send(bob);
  const LmaOutput second = send(alice, kMag2);
  ASSERT_EQ(first.replies.size(), 1u);
  ASSERT_EQ(second.replies.size(), 1u);
  EXPECT_NE(first.replies[0].pba.options.link_local_address,
            second.replies[0].pba.options.link_local_address);
}

TEST_F(LmaLookupTest, MagsOwnLinkLocalAddressIsEchoedAndStored) {
  const Ipv6Address mag_lla = ip("fe80::200:5eff:fe00:5213");
  ProxyBindingUpdate p = pbu(kAlice, Hi::kNoHandoff, prefixes);
  p.options.link_local_address = mag_lla;
  const LmaOutput out = send(p);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba.options.link_local_address, mag_lla);
  EXPECT_EQ(lma().bindings()[0].mag_link_local, mag_lla);
}

TEST_F(LmaTest, StaticPrefixesAreAssignedTogetherAndMovedTogether) {
  const Prefix first = pfx("2001:db8:5::/64");
  const Prefix second = pfx("2001:db8:6::/64");
  MnProfile profile;
  profile.static_prefixes = {second, first};
  policy.set_mobile_node(kAlice, profile);

  const ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface);
  const LmaOutput out = send(p);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba, expected_acceptance(p, kRequestedLifetime, {first, second}));
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0], LmaEvent{bind_event(kAlice, {first, second}, kMag1)});

  // The MAG refreshes with one HNP option per prefix, in any order (§6.9.1.3).
  const ProxyBindingUpdate moved = pbu(kAlice, Hi::kHandoffBetweenMags, {second, first});
  const LmaOutput handoff = send(moved, kMag2);
  ASSERT_EQ(handoff.replies.size(), 1u);
  EXPECT_EQ(handoff.replies[0].pba,
            expected_acceptance(moved, kRequestedLifetime, {first, second}));
  ASSERT_EQ(handoff.events.size(), 1u);
  EXPECT_EQ(handoff.events[0], LmaEvent{bind_event(kAlice, {first, second}, kMag2)});
}

TEST_F(LmaTest, SpecificStaticPrefixCanBeRequested) {
  const Prefix first = pfx("2001:db8:5::/64");
  MnProfile profile;
  profile.static_prefixes = {first, pfx("2001:db8:6::/64")};
  policy.set_mobile_node(kAlice, profile);
  const ProxyBindingUpdate p = pbu(kAlice, Hi::kNewInterface, {first});
  const LmaOutput out = send(p);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].pba, expected_acceptance(p, kRequestedLifetime, {first}));
}

TEST_F(LmaTest, SecondInterfaceGetsTheStaticPrefixesNotYetInUse) {
  const Prefix first = pfx("2001:db8:5::/64");
  const Prefix second = pfx("2001:db8:6::/64");
  MnProfile profile;
  profile.static_prefixes = {first, second};
  policy.set_mobile_node(kAlice, profile);
  EXPECT_EQ(attach(pbu(kAlice, Hi::kNewInterface, {first})), std::vector<Prefix>{first});
  EXPECT_EQ(attach(pbu(kAlice, Hi::kNewInterface, {kAllZero}, kAliceSecondMac), kMag2),
            std::vector<Prefix>{second});
  expect_rejected(pbu(kAlice, Hi::kNewInterface, {kAllZero}, std::vector<std::uint8_t>{1, 2}),
                  PbaStatus::kInsufficientResources, kMag2);
}

}  // namespace
}  // namespace xpmip::lma_test
