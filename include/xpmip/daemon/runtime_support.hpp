// Decisions the LMA and MAG runtimes make without any I/O: log lines, map reconciliation after a
// restart, the Router Advertisements a MAG sends for a binding, and named event counters. Kept
// apart so they can be tested without root.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "xpmip/dataplane.hpp"
#include "xpmip/lma_types.hpp"
#include "xpmip/mag_core.hpp"
#include "xpmip/router_advert.hpp"
#include "xpmip/wire.hpp"

namespace xpmip::daemon {

// RFC 6275 §6.1.8 / RFC 5213 §8.9 names in lowercase, e.g. "proxy_reg_not_enabled"; "status_<n>"
// for codes without a name.
[[nodiscard]] std::string pba_status_name(PbaStatus status);

// "bind mn=<id> hnp=<p> mag=<pcoa> status=<n> (<name>)", the one line per binding change.
[[nodiscard]] std::string binding_log_line(std::string_view verb, const MobileNodeId& mn_id,
                                           const Prefix& hnp, const Ipv6Address& mag,
                                           std::optional<PbaStatus> status);

[[nodiscard]] dataplane::Ipv6Prefix to_dataplane(const Prefix& prefix);
[[nodiscard]] Prefix from_dataplane(const dataplane::Ipv6Prefix& prefix);

// What to change in the LMA's HNP map so that it holds exactly `desired`: entries missing or
// pointing at another proxy-CoA are (re)bound, entries nobody wants are unbound.
struct LmaMapPlan {
  std::vector<dataplane::LmaBindingEntry> bind;
  std::vector<dataplane::Ipv6Prefix> unbind;
};
[[nodiscard]] LmaMapPlan plan_lma_reconcile(const std::vector<dataplane::LmaBindingEntry>& desired,
                                            const std::vector<dataplane::LmaBindingEntry>& actual);

// RFC 5213 §6.9.2 (3): the MTU to advertise on an access link is the smaller of the access link's
// and the tunnel's (the core link's minus the 40-octet outer header), never below 1280.
[[nodiscard]] std::uint32_t advertised_mtu(std::uint32_t access_mtu, std::uint32_t core_mtu);

// The RA a MAG sends once a binding is accepted (RFC 5213 §6.9.2, §6.7): itself as default
// router, one PIO (L=1, A=1) per HNP valid for the granted lifetime, the MTU option.
[[nodiscard]] nd::RouterAdvertisement binding_advertisement(const std::vector<Prefix>& hnps,
                                                            std::chrono::seconds lifetime,
                                                            std::uint32_t mtu,
                                                            const MacAddress& router_mac);
// The RA withdrawing a session's HNPs after a detach (RFC 5213 §6.12, RFC 4862 §5.5.3 e): every
// PIO with lifetimes 0 and router lifetime 0, since the MAG no longer routes for this MN.
[[nodiscard]] nd::RouterAdvertisement withdrawal_advertisement(const std::vector<Prefix>& hnps,
                                                               const MacAddress& router_mac);
// How often a bound session's RA is repeated: RFC 4861 §6.2.1 MaxRtrAdvInterval (600 s) at most,
// and often enough that the MN's prefix lifetimes never run out between refreshes.
[[nodiscard]] std::chrono::seconds readvertise_interval(std::chrono::seconds lifetime);

// `unknown_mn = "derive"`: "mac-020000000101@<realm>" (RFC 4282 NAI: no colons in the user part).
[[nodiscard]] MobileNodeId derived_mn_id(const MacAddress& mac, std::string_view realm);

// Named event counters (parse errors by reason, ignored messages by reason, ...), for `stats`.
class CounterSet {
 public:
  void add(std::string_view name, std::uint64_t amount = 1);
  [[nodiscard]] std::uint64_t get(std::string_view name) const;
  // Writes every counter into `object` (an existing JSON object).
  void write_to(nlohmann::json& object) const;

 private:
  std::map<std::string, std::uint64_t, std::less<>> values_;
};

}  // namespace xpmip::daemon
