// The four-namespace test bed shared by every interop test:
//
//   MN --access-- MAG --transport-- LMA --external-- CN
//
// plus the kernel's seg6 tunnel peers. With `encap seg6 mode encap.red` and one segment the kernel
// emits plain IPv6-in-IPv6 (next header 41, no SRH), and `seg6local End.DX6` decapsulates it, so a
// stock kernel can play either PMIPv6 tunnel end (RFC 5213 §6.10.5 / §6.9.1.3) opposite our XDP
// programs.
#pragma once

#include <string>

#include <tl/expected.hpp>

#include "netns.hpp"

namespace xpmip::netns {

// Addressing plan (documentation prefix, RFC 3849).
namespace plan {
inline constexpr const char* kHomeNetworkPrefix = "2001:db8:aa:1::/64";
inline constexpr const char* kMn = "2001:db8:aa:1::10";
inline constexpr const char* kMnMac = "02:00:00:aa:00:10";
// The MN's default router is the MAG's link-local address, as PMIPv6 router advertisements make
// it; the access link has no global MAG address, only a route for the HNP (RFC 5213 §6.9.1.2).
inline constexpr const char* kMagAccessLinkLocal = "fe80::1";
inline constexpr const char* kMagAccessMac = "00:00:5e:00:52:13";  // RFC 6543 §2
inline constexpr const char* kMagTransport = "2001:db8:ff::2";
inline constexpr const char* kLmaTransport = "2001:db8:ff::1";
inline constexpr const char* kLmaExternal = "2001:db8:cc::1";
inline constexpr const char* kCn = "2001:db8:cc::10";
// Tunnel end-points, routed over the transport link rather than on it: a seg6local End.DX6
// route only fires for an address the kernel does not own (the local table would win).
inline constexpr const char* kLmaAddress = "2001:db8:f1::1";  // LMAA
inline constexpr const char* kProxyCoa = "2001:db8:f2::1";    // Proxy-CoA

inline constexpr const char* kMnDev = "mn-acc";
inline constexpr const char* kMagAccessDev = "mag-acc";
inline constexpr const char* kMagTransportDev = "mag-tr";
inline constexpr const char* kLmaTransportDev = "lma-tr";
inline constexpr const char* kLmaExternalDev = "lma-ext";
inline constexpr const char* kCnDev = "cn-ext";
}  // namespace plan

struct Chain {
  NetNamespace mn;
  NetNamespace mag;
  NetNamespace lma;
  NetNamespace cn;
};

// Namespaces, veths, addresses, host default routes, forwarding on MAG and LMA, and a route to
// the opposite tunnel end-point on each of them. No tunnel yet: see the configure_* functions.
tl::expected<Chain, std::string> build_chain();

// Kernel MAG: traffic from the HNP is tunnelled to the LMAA; 6in6 to the Proxy-CoA is decapsulated
// and delivered on the access link.
tl::expected<void, std::string> configure_kernel_mag(const NetNamespace& mag);

// Kernel LMA: traffic to the HNP is tunnelled to the Proxy-CoA; 6in6 to the LMAA is decapsulated
// and routed on.
tl::expected<void, std::string> configure_kernel_lma(const NetNamespace& lma);

// Makes `address` a local /128 on `dev`, as the tunnel end-point of the node our programs play.
tl::expected<void, std::string> add_tunnel_address(const NetNamespace& ns, const std::string& dev,
                                                   const std::string& address);

// Empty when the kernel accepts both seg6 route types, else why not (for GTEST_SKIP).
std::string seg6_unavailable_reason();

}  // namespace xpmip::netns
