// Pure decisions of the LMA/MAG runtimes: log lines, restart reconciliation of the LMA map, the
// RAs a MAG sends, derived MN identities, counters, and the attach detector's link-layer logic.
#include <gtest/gtest.h>

#include "xpmip/address.hpp"
#include "xpmip/daemon/attach_detector.hpp"
#include "xpmip/daemon/runtime_support.hpp"

namespace xpmip::daemon {
namespace {

Ipv6Address address(const char* text) {
  return *parse_ipv6_address(text);
}
Prefix prefix(const char* text) {
  return *parse_ipv6_prefix(text);
}

constexpr MacAddress kMn1{0x02, 0, 0, 0, 0x01, 0x01};
constexpr MacAddress kMn2{0x02, 0, 0, 0, 0x01, 0x02};
constexpr int kAcc1 = 7;
constexpr int kAcc2 = 8;

TEST(BindingLogLine, NamesMnPrefixMagAndStatus) {
  EXPECT_EQ(
      binding_log_line("bind", MobileNodeId{1, "mn1@xpmip.test"}, prefix("2001:db8:1:1::/64"),
                       address("2001:db8:ffff::11"), PbaStatus::kAccepted),
      "bind mn=mn1@xpmip.test hnp=2001:db8:1:1::/64 mag=2001:db8:ffff::11 status=0 (accepted)");
  EXPECT_EQ(
      binding_log_line("unbind", MobileNodeId{1, "mn1@xpmip.test"}, prefix("2001:db8:1:1::/64"),
                       address("2001:db8:ffff::11"), std::nullopt),
      "unbind mn=mn1@xpmip.test hnp=2001:db8:1:1::/64 mag=2001:db8:ffff::11");
}

TEST(PbaStatusName, NamedAndUnnamedCodes) {
  EXPECT_EQ(pba_status_name(PbaStatus::kProxyRegNotEnabled), "proxy_reg_not_enabled");
  EXPECT_EQ(pba_status_name(PbaStatus::kMagNotAuthorizedForProxyReg),
            "mag_not_authorized_for_proxy_reg");
  EXPECT_EQ(pba_status_name(static_cast<PbaStatus>(131)), "status_131");
}

dataplane::LmaBindingEntry lma_entry(const char* hnp, const char* coa) {
  return {to_dataplane(prefix(hnp)), address(coa)};
}

TEST(LmaReconcile, BindsMissingAndMovedUnbindsStaleKeepsMatching) {
  const std::vector desired{lma_entry("2001:db8:1:1::/64", "2001:db8:ffff::11"),
                            lma_entry("2001:db8:1:2::/64", "2001:db8:ffff::12"),
                            lma_entry("2001:db8:1:3::/64", "2001:db8:ffff::11")};
  const std::vector actual{lma_entry("2001:db8:1:1::/64", "2001:db8:ffff::11"),   // in place
                           lma_entry("2001:db8:1:2::/64", "2001:db8:ffff::11"),   // moved
                           lma_entry("2001:db8:1:9::/64", "2001:db8:ffff::11")};  // stale
  const LmaMapPlan plan = plan_lma_reconcile(desired, actual);
  EXPECT_EQ(plan.bind, (std::vector{lma_entry("2001:db8:1:2::/64", "2001:db8:ffff::12"),
                                    lma_entry("2001:db8:1:3::/64", "2001:db8:ffff::11")}));
  EXPECT_EQ(plan.unbind, (std::vector{to_dataplane(prefix("2001:db8:1:9::/64"))}));
}

TEST(LmaReconcile, NothingToDoWhenMapMatches) {
  const std::vector entries{lma_entry("2001:db8:1:1::/64", "2001:db8:ffff::11")};
  const LmaMapPlan plan = plan_lma_reconcile(entries, entries);
  EXPECT_TRUE(plan.bind.empty());
  EXPECT_TRUE(plan.unbind.empty());
}

TEST(AdvertisedMtu, SmallerOfAccessAndTunnelNeverBelow1280) {
  EXPECT_EQ(advertised_mtu(1500, 1500), 1460u);
  EXPECT_EQ(advertised_mtu(1400, 1500), 1400u);
  EXPECT_EQ(advertised_mtu(9000, 9000), 8960u);
  EXPECT_EQ(advertised_mtu(1500, 1300), 1280u);
  EXPECT_EQ(advertised_mtu(1500, 20), 1280u);
}

TEST(BindingAdvertisement, OnePioPerHnpWithGrantedLifetimeAndMtu) {
  const auto ra = binding_advertisement({prefix("2001:db8:1:1::/64"), prefix("2001:db8:1:2::/64")},
                                        std::chrono::seconds{3600}, 1460, nd::kFixedMagMac);
  EXPECT_EQ(ra.router_lifetime_s, 3600);
  EXPECT_EQ(ra.mtu, 1460u);
  EXPECT_EQ(ra.source_link_layer, nd::kFixedMagMac);
  ASSERT_EQ(ra.prefixes.size(), 2u);
  EXPECT_EQ(ra.prefixes[1].prefix, prefix("2001:db8:1:2::/64"));
  EXPECT_TRUE(ra.prefixes[0].on_link);
  EXPECT_TRUE(ra.prefixes[0].autonomous);
  EXPECT_EQ(ra.prefixes[0].valid_lifetime_s, 3600u);
  EXPECT_EQ(ra.prefixes[0].preferred_lifetime_s, 3600u);
  // It must be encodable as it stands (RFC 4861 limits).
  EXPECT_TRUE(nd::encode_router_advertisement(ra).has_value());
}

TEST(BindingAdvertisement, RouterLifetimeCappedAt9000) {
  const auto ra = binding_advertisement({prefix("2001:db8:1:1::/64")},
                                        std::chrono::seconds{65535 * 4}, 1460, nd::kFixedMagMac);
  EXPECT_EQ(ra.router_lifetime_s, nd::kMaxRouterLifetimeSeconds);
  EXPECT_EQ(ra.prefixes[0].valid_lifetime_s, 65535u * 4);
  EXPECT_TRUE(nd::encode_router_advertisement(ra).has_value());
}

TEST(WithdrawalAdvertisement, ZeroLifetimesAndNoDefaultRouter) {
  const auto ra = withdrawal_advertisement({prefix("2001:db8:1:1::/64")}, nd::kFixedMagMac);
  EXPECT_EQ(ra.router_lifetime_s, 0);
  ASSERT_EQ(ra.prefixes.size(), 1u);
  EXPECT_EQ(ra.prefixes[0].valid_lifetime_s, 0u);
  EXPECT_EQ(ra.prefixes[0].preferred_lifetime_s, 0u);
  EXPECT_FALSE(ra.mtu.has_value());
}

TEST(ReadvertiseInterval, ThirdOfLifetimeWithinBounds) {
  EXPECT_EQ(readvertise_interval(std::chrono::seconds{3600}), std::chrono::seconds{600});
  EXPECT_EQ(readvertise_interval(std::chrono::seconds{60}), std::chrono::seconds{20});
  EXPECT_EQ(readvertise_interval(std::chrono::seconds{4}), std::chrono::seconds{4});
}

TEST(DerivedMnId, MacWithoutColonsAtRealm) {
  EXPECT_EQ(derived_mn_id({0x02, 0, 0, 0xab, 0x01, 0xff}, "xpmip.test"),
            (MobileNodeId{MobileNodeId::kSubtypeNai, "mac-020000ab01ff@xpmip.test"}));
}

TEST(CounterSet, AddsAndWritesByName) {
  CounterSet counters;
  counters.add("parse_error_truncated");
  counters.add("parse_error_truncated", 2);
  counters.add("rx_pbu");
  EXPECT_EQ(counters.get("parse_error_truncated"), 3u);
  EXPECT_EQ(counters.get("never"), 0u);
  nlohmann::json object = {{"pbus_sent", 5}};
  counters.write_to(object);
  EXPECT_EQ(object,
            (nlohmann::json{{"pbus_sent", 5}, {"parse_error_truncated", 3}, {"rx_pbu", 1}}));
}

// ---- attach detector ----

net::RouterSolicitationEvent rs(int ifindex, const char* source, std::optional<MacAddress> mac) {
  return {address(source), ifindex, mac};
}

net::NeighbourEvent neighbour(int ifindex, const char* addr, std::optional<MacAddress> mac,
                              net::NeighbourState state, bool deleted = false) {
  return {ifindex, address(addr), mac, state, deleted};
}

net::LinkEvent link(int ifindex, bool up) {
  return {ifindex, up, up, std::nullopt};
}

TEST(AttachDetector, SolicitationWithSllaAttachesAndRemembersTheSource) {
  AttachDetector detector({{kAcc1, true}});
  EXPECT_EQ(detector.on_solicitation(rs(kAcc1, "fe80::1", kMn1)),
            (std::vector<Detection>{AttachSignal{{kAcc1, kMn1}, AttachCause::kSolicitation}}));
  EXPECT_EQ(detector.unicast_address({kAcc1, kMn1}), address("fe80::1"));
  // Without SLLA, the source address is enough once its MAC is known.
  EXPECT_EQ(detector.on_solicitation(rs(kAcc1, "fe80::1", std::nullopt)),
            (std::vector<Detection>{AttachSignal{{kAcc1, kMn1}, AttachCause::kSolicitation}}));
}

TEST(AttachDetector, UnusableSolicitationsAndOtherInterfacesAreIgnored) {
  AttachDetector detector({{kAcc1, true}});
  EXPECT_TRUE(detector.on_solicitation(rs(kAcc1, "::", std::nullopt)).empty());
  EXPECT_TRUE(detector.on_solicitation(rs(kAcc1, "fe80::1", std::nullopt)).empty());
  EXPECT_TRUE(detector.on_solicitation(rs(99, "fe80::1", kMn1)).empty());
  EXPECT_TRUE(detector.on_neighbour(neighbour(99, "fe80::1", kMn1, net::NeighbourState::kReachable))
                  .empty());
  EXPECT_TRUE(detector.on_link(link(99, false)).empty());
}

TEST(AttachDetector, CarrierLossDetachesEveryMnOfThatLinkOnly) {
  AttachDetector detector({{kAcc1, true}, {kAcc2, true}});
  (void)detector.on_solicitation(rs(kAcc1, "fe80::1", kMn1));
  (void)detector.on_solicitation(rs(kAcc2, "fe80::2", kMn2));
  EXPECT_EQ(detector.on_link(link(kAcc1, false)),
            (std::vector<Detection>{DetachSignal{{kAcc1, kMn1}, DetachCause::kLinkDown}}));
  EXPECT_FALSE(detector.link_up(kAcc1));
  EXPECT_TRUE(detector.link_up(kAcc2));
  EXPECT_EQ(detector.unicast_address({kAcc1, kMn1}), std::nullopt);
  // A repeated down is no change.
  EXPECT_TRUE(detector.on_link(link(kAcc1, false)).empty());
  EXPECT_EQ(detector.on_link(link(kAcc1, true)), (std::vector<Detection>{LinkUpSignal{kAcc1}}));
}

TEST(AttachDetector, AdminDownWithCarrierStillCountsAsDown) {
  AttachDetector detector({{kAcc1, true}});
  (void)detector.on_solicitation(rs(kAcc1, "fe80::1", kMn1));
  EXPECT_EQ(detector.on_link(net::LinkEvent{kAcc1, false, true, std::nullopt}),
            (std::vector<Detection>{DetachSignal{{kAcc1, kMn1}, DetachCause::kLinkDown}}));
}

TEST(AttachDetector, NeighbourReachableAttachesFailedDetaches) {
  AttachDetector detector({{kAcc1, true}});
  EXPECT_EQ(
      detector.on_neighbour(neighbour(kAcc1, "fe80::1", kMn1, net::NeighbourState::kReachable)),
      (std::vector<Detection>{AttachSignal{{kAcc1, kMn1}, AttachCause::kNeighbourReachable}}));
  EXPECT_EQ(detector.unicast_address({kAcc1, kMn1}), address("fe80::1"));
  // Probing states carry no news.
  EXPECT_TRUE(detector.on_neighbour(neighbour(kAcc1, "fe80::1", kMn1, net::NeighbourState::kProbe))
                  .empty());
  EXPECT_EQ(detector.on_neighbour(
                neighbour(kAcc1, "fe80::1", std::nullopt, net::NeighbourState::kFailed)),
            (std::vector<Detection>{DetachSignal{{kAcc1, kMn1}, DetachCause::kNeighbourFailed}}));
  // After the detach, neighbour states alone do not bring it back; an RS does.
  EXPECT_TRUE(
      detector.on_neighbour(neighbour(kAcc1, "fe80::1", kMn1, net::NeighbourState::kReachable))
          .empty());
  EXPECT_EQ(detector.on_solicitation(rs(kAcc1, "fe80::1", kMn1)),
            (std::vector<Detection>{AttachSignal{{kAcc1, kMn1}, AttachCause::kSolicitation}}));
}

TEST(AttachDetector, FailedOfUnknownAddressAndGarbageCollectionAreNotDetaches) {
  AttachDetector detector({{kAcc1, true}});
  (void)detector.on_solicitation(rs(kAcc1, "fe80::1", kMn1));
  EXPECT_TRUE(
      detector.on_neighbour(neighbour(kAcc1, "fe80::9", std::nullopt, net::NeighbourState::kFailed))
          .empty());
  EXPECT_TRUE(detector
                  .on_neighbour(neighbour(kAcc1, "fe80::1", kMn1, net::NeighbourState::kStale,
                                          /*deleted=*/true))
                  .empty());
  // The MN is still present: carrier loss detaches it.
  EXPECT_EQ(detector.on_link(link(kAcc1, false)).size(), 1u);
}

TEST(AttachDetector, ControlDetachSuppressesNeighbourReattachUntilLinkComesBack) {
  AttachDetector detector({{kAcc1, true}});
  detector.attached({kAcc1, kMn1});
  detector.detached({kAcc1, kMn1});
  EXPECT_TRUE(detector.on_neighbour(neighbour(kAcc1, "fe80::1", kMn1, net::NeighbourState::kStale))
                  .empty());
  // A detached MN is not reported again at carrier loss.
  EXPECT_TRUE(detector.on_link(link(kAcc1, false)).empty());
  EXPECT_EQ(detector.on_link(link(kAcc1, true)), (std::vector<Detection>{LinkUpSignal{kAcc1}}));
  EXPECT_EQ(
      detector.on_neighbour(neighbour(kAcc1, "fe80::1", kMn1, net::NeighbourState::kStale)),
      (std::vector<Detection>{AttachSignal{{kAcc1, kMn1}, AttachCause::kNeighbourReachable}}));
}

TEST(AttachDetector, NoNeighbourAttachWhileLinkDown) {
  AttachDetector detector({{kAcc1, false}});
  EXPECT_TRUE(
      detector.on_neighbour(neighbour(kAcc1, "fe80::1", kMn1, net::NeighbourState::kReachable))
          .empty());
}

}  // namespace
}  // namespace xpmip::daemon
