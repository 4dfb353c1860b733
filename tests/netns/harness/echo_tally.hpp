// Classifies captured tunnel frames against the addressing plan: every frame must be exactly
// one IPv6 header carrying one IPv6 packet (next headers 41 then 58, i.e. no SRH or other
// extension header), with lengths that agree, between the two tunnel end-points, carrying an
// echo between the MN and the CN.
#pragma once

#include <string>
#include <vector>

#include "capture.hpp"

namespace xpmip::netns {

struct EchoTally {
  int upstream_requests = 0;            // MAG -> LMA (outer Proxy-CoA -> LMAA), inner MN -> CN
  int upstream_replies = 0;             // MAG -> LMA, inner MN -> CN
  int downstream_requests = 0;          // LMA -> MAG (outer LMAA -> Proxy-CoA), inner CN -> MN
  int downstream_replies = 0;           // LMA -> MAG, inner CN -> MN
  std::vector<std::string> unexpected;  // one description per frame that fits none of the above
};

EchoTally tally_echoes(const std::vector<TunnelledPacket>& packets);

}  // namespace xpmip::netns
