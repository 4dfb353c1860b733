// Bad input is normal input: a seeded stream of random, often nonsensical PBUs (any flags, HI,
// prefixes, link-layer ids, stale timestamps, unknown MAGs) and clock jumps, checking after every
// step the invariants the data plane relies on.
#include <map>
#include <random>
#include <set>

#include "test_lma_fixture.hpp"

namespace xpmip::lma_test {
namespace {

class LmaRandomTest : public LmaTest {
 protected:
  LmaRandomTest() {
    config.pool_aggregate = pfx("2001:db8:100::/62");  // four prefixes: exhaustion is common
    MnProfile with_statics;
    with_statics.static_prefixes = {pfx("2001:db8:5::/64"), pfx("2001:db8:6::/64")};
    policy.set_mobile_node(kCarol, with_statics);
  }

  template <typename T>
  const T& pick(const std::vector<T>& values) {
    return values[std::uniform_int_distribution<std::size_t>(0, values.size() - 1)(rng)];
  }

  ProxyBindingUpdate random_pbu() {
    const MobileNodeId mn = pick(std::vector<MobileNodeId>{kAlice, kBob, kCarol});
    const auto hi = static_cast<HandoffIndicator>(std::uniform_int_distribution<int>(0, 6)(rng));
    const std::vector<std::vector<Prefix>> hnp_choices = {
        {},
        {kAllZero},
        {kFirstPoolPrefix},
        {kSecondPoolPrefix, kFirstPoolPrefix},
        {pfx("2001:db8:5::/64")},
        {pfx("2001:db8:5::/64"), pfx("2001:db8:6::/64")},
        {Prefix{ip("2001:db8:5::1"), 200}},  // a length no codec would pass
        {kAllZero, pfx("2001:db8:6::/64")}};
    const std::vector<std::optional<std::vector<std::uint8_t>>> ll_choices = {
        std::nullopt, kAliceMac, kAliceSecondMac, std::vector<std::uint8_t>{}};
    ProxyBindingUpdate p = pbu(mn, hi, pick(hnp_choices), pick(ll_choices));
    p.lifetime = pick(std::vector<std::uint16_t>{0, 1, 250, 65535});
    p.flags = pick(std::vector<std::uint16_t>{bu_flag::kAck | bu_flag::kProxy,
                                              bu_flag::kAck | bu_flag::kProxy, bu_flag::kProxy,
                                              bu_flag::kHome, 0xffff});
    if (std::bernoulli_distribution(0.1)(rng)) p.options.mn_id.reset();
    if (std::bernoulli_distribution(0.05)(rng)) p.options.access_tech.reset();
    if (std::bernoulli_distribution(0.05)(rng)) p.options.handoff_indicator.reset();
    if (std::bernoulli_distribution(0.1)(rng)) p.options.timestamp = *p.options.timestamp - 30000;
    if (std::bernoulli_distribution(0.1)(rng)) p.options.link_local_address = Ipv6Address{};
    return p;
  }

  // No prefix is bound twice, and the data plane's view (replayed from the events) equals the
  // Binding Cache.
  void check_invariants(const LmaOutput& out) {
    for (const auto& event : out.events) {
      if (const auto* bind = std::get_if<BindEvent>(&event)) {
        for (const auto& prefix : bind->home_network_prefixes) routes[prefix] = bind->proxy_coa;
      } else {
        for (const auto& prefix : std::get<UnbindEvent>(event).home_network_prefixes) {
          ASSERT_EQ(routes.erase(prefix), 1u);
        }
      }
    }
    std::map<Prefix, Ipv6Address> cache_view;
    for (const auto& record : lma().bindings()) {
      ASSERT_FALSE(record.home_network_prefixes.empty());
      for (const auto& prefix : record.home_network_prefixes) {
        ASSERT_TRUE(cache_view.emplace(prefix, record.proxy_coa).second);
      }
    }
    ASSERT_EQ(routes, cache_view);
    for (const auto& reply : out.replies) {
      ASSERT_FALSE(reply.pba.options.home_network_prefixes.empty());
      ASSERT_TRUE(reply.pba.options.mn_id.has_value());
    }
  }

  const MobileNodeId kCarol{MobileNodeId::kSubtypeNai, "carol@example.net"};
  std::mt19937 rng{20261123};
  std::map<Prefix, Ipv6Address> routes;
};

TEST_F(LmaRandomTest, RandomTrafficKeepsCacheAndDataPlaneConsistent) {
  std::uint64_t accepted = 0;
  for (int step = 0; step < 20000; ++step) {
    clock.advance(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 3000)(rng)));
    const LmaOutput expired = lma().expire_timers();
    ASSERT_NO_FATAL_FAILURE(check_invariants(expired));
    if (const auto next = lma().next_deadline()) ASSERT_GT(*next, clock.now());

    const Ipv6Address from = pick(std::vector<Ipv6Address>{kMag1, kMag2, kUnknownMag});
    const LmaOutput out = send(random_pbu(), from);
    ASSERT_NO_FATAL_FAILURE(check_invariants(out));
    for (const auto& reply : out.replies) accepted += is_accepted(reply.pba.status) ? 1 : 0;
  }
  // The stream must exercise the accepting paths, not only the rejections.
  EXPECT_GT(accepted, 500u);
  EXPECT_GT(lma().stats().handoffs, 50u);
  EXPECT_GT(lma().stats().held_for_deregistration, 5u);
  EXPECT_GT(lma().stats().bindings_expired + lma().stats().bindings_deleted, 200u);
}

}  // namespace
}  // namespace xpmip::lma_test
