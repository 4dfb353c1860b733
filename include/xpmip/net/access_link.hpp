// Configuration of a MAG access interface through rtnetlink (libnl-route).
//
// RFC 5213 §6.9.3: every MAG must look like the same default router to a mobile node, so that a
// handoff between MAGs leaves the MN's default router unchanged. With the RFC 6543 values the
// MAG gives each access interface the MAC 00:00:5e:00:52:13 and the link-local address
// fe80::200:5eff:fe00:5213. The address is added without DAD: the same address on every access
// link is the intent, and a tentative address could not source RAs for the first second.
#pragma once

#include "xpmip/net/error.hpp"
#include "xpmip/router_advert.hpp"
#include "xpmip/wire.hpp"

namespace xpmip::net {

struct RouterIdentity {
  MacAddress mac = nd::kFixedMagMac;
  Ipv6Address link_local = nd::kFixedMagLinkLocal;
};

// Sets the interface MAC and adds the link-local address (/64, permanent, nodad). Idempotent:
// an address already present is updated in place.
[[nodiscard]] NetResult<void> adopt_router_identity(int ifindex,
                                                    const RouterIdentity& identity = {});

// Enters `address` -> `mac` in the neighbour cache as STALE (RFC 4861 §7.2.3 treatment of a
// link-layer address learned from an RS), unless the kernel already has an entry for it.
[[nodiscard]] NetResult<void> learn_neighbour(int ifindex, const Ipv6Address& address,
                                              const MacAddress& mac);

}  // namespace xpmip::net
