// Representative PBUs and PBAs of each PMIPv6 situation (RFC 5213 §5.3, §6.9), shared by the
// round-trip, tshark and fuzz-seed programs so all three exercise the same message shapes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xpmip/wire.hpp"

namespace xpmip::samples {

inline constexpr Ipv6Address kMagAddress{0x20, 0x01, 0x0d, 0xb8, 0, 0xa, 0, 0,
                                         0,    0,    0,    0,    0, 0,   0, 1};
inline constexpr Ipv6Address kLmaAddress{0x20, 0x01, 0x0d, 0xb8, 0, 0xb, 0, 0,
                                         0,    0,    0,    0,    0, 0,   0, 1};
inline constexpr Ipv6Address kHnp1{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 1};  // 2001:db8:1:1::
inline constexpr Ipv6Address kHnp2{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2};  // 2001:db8:1:2::
// RFC 6543's fixed MAG link-local address, fe80::200:5eff:fe00:5213.
inline constexpr Ipv6Address kMagLinkLocal{0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                                           0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x52, 0x13};
inline constexpr std::uint64_t kTimestamp = 0x0000'6553'f100'8000;  // 1700000000.5 s
inline const std::vector<std::uint8_t> kMnMac{0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

// §6.9.1.1: initial attach asking the LMA for a prefix (one ALL_ZERO HNP) and a link-local
// address (ALL_ZERO LLA).
inline ProxyBindingUpdate initial_attach_pbu() {
  ProxyBindingUpdate pbu;
  pbu.sequence = 1;
  pbu.lifetime = 900;  // 3600 s
  pbu.options.mn_id = MobileNodeId{MobileNodeId::kSubtypeNai, "mn1@example.com"};
  pbu.options.home_network_prefixes = {Prefix{}};
  pbu.options.handoff_indicator = HandoffIndicator::kNewInterface;
  pbu.options.access_tech = AccessTechnology::kIeee80211;
  pbu.options.mn_link_layer_id = kMnMac;
  pbu.options.link_local_address = Ipv6Address{};
  pbu.options.timestamp = kTimestamp;
  return pbu;
}

// §6.9.1.3: lifetime extension with every assigned prefix.
inline ProxyBindingUpdate refresh_pbu() {
  ProxyBindingUpdate pbu = initial_attach_pbu();
  pbu.sequence = 2;
  pbu.options.home_network_prefixes = {Prefix{kHnp1, 64}, Prefix{kHnp2, 64}};
  pbu.options.handoff_indicator = HandoffIndicator::kNoHandoff;
  pbu.options.link_local_address.reset();
  pbu.options.timestamp = kTimestamp + 0x10000;
  return pbu;
}

// §6.9.1.4: de-registration, lifetime 0, with Alt-CoA, a Restart Counter and an RFC 4285
// authentication option (12-octet authenticator, still to be filled by the signer).
inline ProxyBindingUpdate deregistration_pbu() {
  ProxyBindingUpdate pbu;
  pbu.sequence = 0xffff;
  pbu.lifetime = 0;
  pbu.options.mn_id = MobileNodeId{MobileNodeId::kSubtypeNai, "mn2@example.org"};
  pbu.options.home_network_prefixes = {Prefix{kHnp2, 48}};
  pbu.options.handoff_indicator = HandoffIndicator::kHandoffUnknown;
  pbu.options.access_tech = AccessTechnology::k3gppEutran;
  pbu.options.alternate_care_of = kMagAddress;
  pbu.options.restart_counter = 7;
  pbu.options.authentication = AuthenticationOption{AuthenticationOption::kSubtypeMnHa, 0x1000,
                                                    std::vector<std::uint8_t>(12, 0)};
  return pbu;
}

// A plain MIPv6 BU (P=0, H=1) with a reserved flag bit: decodes, for the core to reject.
inline ProxyBindingUpdate non_proxy_bu() {
  ProxyBindingUpdate bu;
  bu.sequence = 9;
  bu.flags = bu_flag::kAck | bu_flag::kHome | 0x0001;
  bu.lifetime = 10;
  return bu;
}

// §5.3.6: PBA accepting the initial attach.
inline ProxyBindingAck accepted_pba() {
  ProxyBindingAck pba;
  pba.status = PbaStatus::kAccepted;
  pba.sequence = 1;
  pba.lifetime = 900;
  pba.options.mn_id = MobileNodeId{MobileNodeId::kSubtypeNai, "mn1@example.com"};
  pba.options.home_network_prefixes = {Prefix{kHnp1, 64}};
  pba.options.handoff_indicator = HandoffIndicator::kNewInterface;
  pba.options.access_tech = AccessTechnology::kIeee80211;
  pba.options.mn_link_layer_id = kMnMac;
  pba.options.link_local_address = kMagLinkLocal;
  pba.options.timestamp = kTimestamp;
  return pba;
}

// §5.3.6: a rejection answering a PBU that carried no MN-ID (zero-length identifier) and no
// HNP (one ALL_ZERO HNP echoed).
inline ProxyBindingAck rejected_pba() {
  ProxyBindingAck pba;
  pba.status = PbaStatus::kMissingMnIdentifierOption;
  pba.sequence = 77;
  pba.lifetime = 0;
  pba.options.mn_id = MobileNodeId{MobileNodeId::kSubtypeNai, ""};
  pba.options.home_network_prefixes = {Prefix{}};
  pba.options.handoff_indicator = HandoffIndicator::kReserved;
  pba.options.access_tech = AccessTechnology::kReserved;
  return pba;
}

inline std::vector<ProxyBindingUpdate> all_pbus() {
  return {initial_attach_pbu(), refresh_pbu(), deregistration_pbu(), non_proxy_bu()};
}

inline std::vector<ProxyBindingAck> all_pbas() {
  return {accepted_pba(), rejected_pba()};
}

}  // namespace xpmip::samples
