// Shared set-up for the LMA core tests: a policy with two MAGs and two mobile nodes, a pool,
// a manual clock, and builders for PBUs and for the PBAs RFC 5213 §5.3.6 requires.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "xpmip/address.hpp"
#include "xpmip/clock.hpp"
#include "xpmip/lma_core.hpp"
#include "xpmip/policy.hpp"
#include "xpmip/timestamp.hpp"
#include "xpmip/wire.hpp"

namespace xpmip::lma_test {

using namespace std::chrono_literals;

inline Ipv6Address ip(std::string_view text) {
  auto address = parse_ipv6_address(text);
  if (!address) throw std::invalid_argument("bad test address");
  return *address;
}

inline Prefix pfx(std::string_view text) {
  auto prefix = parse_ipv6_prefix(text);
  if (!prefix) throw std::invalid_argument("bad test prefix");
  return *prefix;
}

inline const Ipv6Address kLmaa = ip("2001:db8::1");
inline const Ipv6Address kMag1 = ip("2001:db8:a1::1");
inline const Ipv6Address kMag2 = ip("2001:db8:a2::1");
inline const Ipv6Address kUnknownMag = ip("2001:db8:66::1");
inline const MobileNodeId kAlice{MobileNodeId::kSubtypeNai, "alice@example.net"};
inline const MobileNodeId kBob{MobileNodeId::kSubtypeNai, "bob@example.net"};
inline const std::vector<std::uint8_t> kAliceMac{0x02, 0x00, 0x00, 0x00, 0x00, 0xa1};
inline const std::vector<std::uint8_t> kAliceSecondMac{0x02, 0x00, 0x00, 0x00, 0x00, 0xa2};
inline const Prefix kAllZero{};
inline const Prefix kPoolAggregate = pfx("2001:db8:100::/48");
inline const Prefix kFirstPoolPrefix = pfx("2001:db8:100::/64");
inline const Prefix kSecondPoolPrefix = pfx("2001:db8:100:1::/64");
constexpr std::uint16_t kRequestedLifetime = 250;  // 1000 s, below the default profile maximum

// What §5.3.6 puts in every PBA: the PBU's sequence number, MN-ID (zero-length if absent),
// HI and ATT (0 if absent), MN-LL-ID and Timestamp echoed.
inline ProxyBindingAck expected_reply(const ProxyBindingUpdate& pbu, PbaStatus status) {
  ProxyBindingAck pba;
  pba.status = status;
  pba.flags = ba_flag::kProxy;
  pba.sequence = pbu.sequence;
  pba.lifetime = 0;
  pba.options.mn_id = pbu.options.mn_id.value_or(MobileNodeId{1, ""});
  pba.options.handoff_indicator =
      pbu.options.handoff_indicator.value_or(HandoffIndicator::kReserved);
  pba.options.access_tech = pbu.options.access_tech.value_or(AccessTechnology::kReserved);
  pba.options.mn_link_layer_id = pbu.options.mn_link_layer_id;
  pba.options.timestamp = pbu.options.timestamp;
  return pba;
}

// A rejection echoes the HNPs (one ALL_ZERO if none) and the Link-local Address.
inline ProxyBindingAck expected_rejection(const ProxyBindingUpdate& pbu, PbaStatus status) {
  ProxyBindingAck pba = expected_reply(pbu, status);
  pba.options.home_network_prefixes = pbu.options.home_network_prefixes;
  if (pba.options.home_network_prefixes.empty()) pba.options.home_network_prefixes = {kAllZero};
  pba.options.link_local_address = pbu.options.link_local_address;
  return pba;
}

inline ProxyBindingAck expected_acceptance(const ProxyBindingUpdate& pbu, std::uint16_t lifetime,
                                           std::vector<Prefix> prefixes) {
  ProxyBindingAck pba = expected_reply(pbu, PbaStatus::kAccepted);
  pba.lifetime = lifetime;
  pba.options.home_network_prefixes = std::move(prefixes);
  return pba;
}

inline BindEvent bind_event(const MobileNodeId& mn, std::vector<Prefix> prefixes,
                            const Ipv6Address& proxy_coa,
                            AccessTechnology att = AccessTechnology::kIeee80211) {
  return BindEvent{mn, std::move(prefixes), proxy_coa, att};
}

class LmaTest : public ::testing::Test {
 protected:
  LmaTest() {
    policy.set_mag(kMag1, MagPolicy{});
    policy.set_mag(kMag2, MagPolicy{});
    policy.set_mobile_node(kAlice, MnProfile{});
    policy.set_mobile_node(kBob, MnProfile{});
    config.pool_aggregate = kPoolAggregate;
  }

  // Built on first use so a test can adjust `config` first.
  LmaCore& lma() {
    if (!core_) {
      auto created = LmaCore::create(config, policy, clock);
      if (!created) throw std::logic_error("bad LMA test configuration");
      core_.emplace(std::move(*created));
    }
    return *core_;
  }

  // A PBU as a MAG sends it on initial attachment (RFC 5213 §6.9.1.1), stamped with the wall
  // clock; two PBUs built at the same instant still get strictly increasing timestamps.
  ProxyBindingUpdate pbu(const MobileNodeId& mn, HandoffIndicator hi,
                         std::vector<Prefix> hnps = {kAllZero},
                         std::optional<std::vector<std::uint8_t>> ll_id = kAliceMac) {
    ProxyBindingUpdate p;
    p.sequence = next_sequence_++;
    p.flags = bu_flag::kAck | bu_flag::kProxy;
    p.lifetime = kRequestedLifetime;
    p.options.mn_id = mn;
    p.options.home_network_prefixes = std::move(hnps);
    p.options.handoff_indicator = hi;
    p.options.access_tech = AccessTechnology::kIeee80211;
    p.options.mn_link_layer_id = std::move(ll_id);
    last_timestamp_ = std::max(to_pmip_timestamp(clock.wall_now()), last_timestamp_ + 1);
    p.options.timestamp = last_timestamp_;
    return p;
  }

  LmaOutput send(const ProxyBindingUpdate& p, const Ipv6Address& from = kMag1) {
    return lma().handle_pbu(p, from, kLmaa);
  }

  // Sends a PBU that must be accepted and returns the prefixes the PBA assigned.
  std::vector<Prefix> attach(const ProxyBindingUpdate& p, const Ipv6Address& from = kMag1) {
    const LmaOutput out = send(p, from);
    EXPECT_EQ(out.replies.size(), 1u);
    if (out.replies.size() != 1) return {};
    EXPECT_EQ(out.replies[0].pba.status, PbaStatus::kAccepted);
    return out.replies[0].pba.options.home_network_prefixes;
  }

  // Asserts the exact rejection and that nothing else happened.
  void expect_rejected(const ProxyBindingUpdate& p, PbaStatus status,
                       const Ipv6Address& from = kMag1) {
    const auto before = lma().bindings();
    const LmaOutput out = send(p, from);
    ASSERT_EQ(out.replies.size(), 1u);
    EXPECT_EQ(out.replies[0].source, kLmaa);
    EXPECT_EQ(out.replies[0].destination, from);
    EXPECT_EQ(out.replies[0].pba, expected_rejection(p, status));
    EXPECT_TRUE(out.events.empty());
    EXPECT_EQ(lma().bindings(), before);
    EXPECT_EQ(lma().stats().pba_count(status), 1u);
  }

  ManualClock clock;
  StaticPolicy policy;
  LmaConfig config;

 private:
  std::optional<LmaCore> core_;
  std::uint16_t next_sequence_ = 1000;
  std::uint64_t last_timestamp_ = 0;
};

}  // namespace xpmip::lma_test
