// Pure helpers of the LMA and MAG runtimes (see runtime_support.hpp).
#include "xpmip/daemon/runtime_support.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "xpmip/address.hpp"

namespace xpmip::daemon {

// Address and prefix text (xpmip/address.hpp) next to this namespace's own to_string overloads.
using xpmip::to_string;

std::string pba_status_name(PbaStatus status) {
  switch (status) {
    case PbaStatus::kAccepted:
      return "accepted";
    case PbaStatus::kReasonUnspecified:
      return "reason_unspecified";
    case PbaStatus::kAdministrativelyProhibited:
      return "administratively_prohibited";
    case PbaStatus::kInsufficientResources:
      return "insufficient_resources";
    case PbaStatus::kSequenceOutOfWindow:
      return "sequence_out_of_window";
    case PbaStatus::kAuthenticationFailed:
      return "authentication_failed";
    case PbaStatus::kProxyRegNotEnabled:
      return "proxy_reg_not_enabled";
    case PbaStatus::kNotLmaForThisMobileNode:
      return "not_lma_for_this_mobile_node";
    case PbaStatus::kMagNotAuthorizedForProxyReg:
      return "mag_not_authorized_for_proxy_reg";
    case PbaStatus::kNotAuthorizedForHomeNetworkPrefix:
      return "not_authorized_for_home_network_prefix";
    case PbaStatus::kTimestampMismatch:
      return "timestamp_mismatch";
    case PbaStatus::kTimestampLowerThanPrevAccepted:
      return "timestamp_lower_than_prev_accepted";
    case PbaStatus::kMissingHomeNetworkPrefixOption:
      return "missing_home_network_prefix_option";
    case PbaStatus::kBcePbuPrefixSetDoNotMatch:
      return "bce_pbu_prefix_set_do_not_match";
    case PbaStatus::kMissingMnIdentifierOption:
      return "missing_mn_identifier_option";
    case PbaStatus::kMissingHandoffIndicatorOption:
      return "missing_handoff_indicator_option";
    case PbaStatus::kMissingAccessTechTypeOption:
      return "missing_access_tech_type_option";
  }
  // RFC 6275 §6.1.8 131 and any future code.
  return "status_" + std::to_string(static_cast<unsigned>(status));
}

std::string binding_log_line(std::string_view verb, const MobileNodeId& mn_id, const Prefix& hnp,
                             const Ipv6Address& mag, std::optional<PbaStatus> status) {
  std::string line(verb);
  line += " mn=" + mn_id.identifier + " hnp=" + to_string(hnp) + " mag=" + to_string(mag);
  if (status) {
    line += " status=" + std::to_string(static_cast<unsigned>(*status)) + " (" +
            pba_status_name(*status) + ")";
  }
  return line;
}

dataplane::Ipv6Prefix to_dataplane(const Prefix& prefix) {
  return dataplane::Ipv6Prefix{.addr = prefix.address, .length = prefix.length};
}

Prefix from_dataplane(const dataplane::Ipv6Prefix& prefix) {
  return Prefix{.address = prefix.addr, .length = prefix.length};
}

LmaMapPlan plan_lma_reconcile(const std::vector<dataplane::LmaBindingEntry>& desired,
                              const std::vector<dataplane::LmaBindingEntry>& actual) {
  LmaMapPlan plan;
  std::set<Prefix> wanted;
  for (const auto& entry : desired) {
    wanted.insert(from_dataplane(entry.hnp));
    const bool present = std::find(actual.begin(), actual.end(), entry) != actual.end();
    if (!present) plan.bind.push_back(entry);
  }
  for (const auto& entry : actual) {
    if (!wanted.contains(from_dataplane(entry.hnp))) plan.unbind.push_back(entry.hnp);
  }
  return plan;
}

std::uint32_t advertised_mtu(std::uint32_t access_mtu, std::uint32_t core_mtu) {
  constexpr std::uint32_t kOuterHeader = 40;  // RFC 2473 §3: the IPv6 tunnel header
  const std::uint32_t tunnel_mtu = core_mtu > kOuterHeader ? core_mtu - kOuterHeader : 0;
  return std::max(std::min(access_mtu, tunnel_mtu), nd::kMinimumIpv6Mtu);
}

nd::RouterAdvertisement binding_advertisement(const std::vector<Prefix>& hnps,
                                              std::chrono::seconds lifetime, std::uint32_t mtu,
                                              const MacAddress& router_mac) {
  const auto seconds = static_cast<std::uint64_t>(std::max<std::int64_t>(lifetime.count(), 0));
  const auto prefix_lifetime =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(seconds, nd::kInfiniteLifetime - 1));
  nd::RouterAdvertisement ra;
  ra.router_lifetime_s =
      static_cast<std::uint16_t>(std::min<std::uint64_t>(seconds, nd::kMaxRouterLifetimeSeconds));
  ra.source_link_layer = router_mac;
  ra.mtu = mtu;
  for (const auto& hnp : hnps) {
    ra.prefixes.push_back(nd::PrefixInformation{.prefix = hnp,
                                                .on_link = true,
                                                .autonomous = true,
                                                .valid_lifetime_s = prefix_lifetime,
                                                .preferred_lifetime_s = prefix_lifetime});
  }
  return ra;
}

nd::RouterAdvertisement withdrawal_advertisement(const std::vector<Prefix>& hnps,
                                                 const MacAddress& router_mac) {
  nd::RouterAdvertisement ra;
  ra.router_lifetime_s = 0;
  ra.source_link_layer = router_mac;
  for (const auto& hnp : hnps) ra.prefixes.push_back(nd::withdrawal_of(hnp));
  return ra;
}

std::chrono::seconds readvertise_interval(std::chrono::seconds lifetime) {
  constexpr std::chrono::seconds kMaxRtrAdvInterval{600};
  constexpr std::chrono::seconds kFloor{4};
  return std::clamp(lifetime / 3, kFloor, kMaxRtrAdvInterval);
}

MobileNodeId derived_mn_id(const MacAddress& mac, std::string_view realm) {
  std::string user = "mac-";
  char octet[3];
  for (auto b : mac) {
    std::snprintf(octet, sizeof octet, "%02x", b);
    user += octet;
  }
  return MobileNodeId{.subtype = MobileNodeId::kSubtypeNai,
                      .identifier = user + "@" + std::string(realm)};
}

void CounterSet::add(std::string_view name, std::uint64_t amount) {
  auto it = values_.find(name);
  if (it == values_.end()) it = values_.emplace(std::string(name), 0).first;
  it->second += amount;
}

std::uint64_t CounterSet::get(std::string_view name) const {
  const auto it = values_.find(name);
  return it == values_.end() ? 0 : it->second;
}

void CounterSet::write_to(nlohmann::json& object) const {
  for (const auto& [name, value] : values_) object[name] = value;
}

}  // namespace xpmip::daemon
