// Classifies captured tunnel frames against the addressing plan: every frame must be exactly
// one IPv6 header carrying one IPv6 packet (next headers 41 then 58, i.e. no SRH or other
// extension header), with lengths that agree and the hop limits its encapsulator sets, between
// the two tunnel end-points, carrying an echo between the MN and its correspondent.
#pragma once

#include <string>
#include <vector>

#include "capture.hpp"

namespace xpmip::netns {

struct TunnelHopLimits {
  int outer = 0;
  int inner = 0;
};

// The hop limits an echo (sent with 64) carries across the transport link, by who encapsulated it.
// xpmip: the entry point forwards the inner packet one hop (RFC 2473 §3.1) and starts the outer
// header at its configured 64 (RFC 2473 §6.3), also when the kernel forwards the first packet.
inline constexpr TunnelHopLimits kXpmipEntryHopLimits{64, 63};
// Linux seg6 encap.red (measured on 6.18): the outer header copies the inner hop limit and the
// forwarding step then decrements the outer one; the inner packet is left alone.
inline constexpr TunnelHopLimits kSeg6EntryHopLimits{63, 64};
// xpmip tunnelling a packet its own host sent: not forwarded, so the inner header keeps its 64.
inline constexpr TunnelHopLimits kXpmipHostHopLimits{64, 64};

struct EchoTally {
  int upstream_requests = 0;            // MAG -> LMA (outer Proxy-CoA -> LMAA), inner MN -> CN
  int upstream_replies = 0;             // MAG -> LMA, inner MN -> CN
  int downstream_requests = 0;          // LMA -> MAG (outer LMAA -> Proxy-CoA), inner CN -> MN
  int downstream_replies = 0;           // LMA -> MAG, inner CN -> MN
  std::vector<std::string> unexpected;  // one description per frame that fits none of the above
};

// `correspondent` is the MN's peer inside the tunnel (the CN, or the LMA host itself);
// `upstream` and `downstream` are the hop limits expected from the MAG's and the LMA's
// encapsulation. A frame with other addresses or hop limits counts as unexpected.
EchoTally tally_echoes(const std::vector<TunnelledPacket>& packets,
                       const std::string& correspondent, TunnelHopLimits upstream,
                       TunnelHopLimits downstream);

}  // namespace xpmip::netns
