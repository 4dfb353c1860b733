#include "echo_tally.hpp"

#include <sstream>

#include "topology.hpp"

namespace xpmip::netns {
namespace {

constexpr int kNextHeaderIpv6 = 41;
constexpr int kNextHeaderIcmpv6 = 58;
constexpr int kIpv6HeaderLength = 40;
constexpr int kEchoRequest = 128;  // RFC 4443 §4.1
constexpr int kEchoReply = 129;    // RFC 4443 §4.2

std::string describe(const TunnelledPacket& p) {
  std::ostringstream out;
  out << "outer " << p.outer_src << " -> " << p.outer_dst << " plen " << p.outer_payload_length
      << ", inner " << p.inner_src << " -> " << p.inner_dst << " plen " << p.inner_payload_length
      << " hlim " << p.outer_hop_limit << "/" << p.inner_hop_limit << ", next headers";
  for (int nh : p.next_headers) out << ' ' << nh;
  out << ", icmpv6 type " << p.icmpv6_type;
  return out.str();
}

bool matches(const TunnelledPacket& p, const std::string& outer_src, const std::string& outer_dst,
             const std::string& inner_src, const std::string& inner_dst,
             TunnelHopLimits hop_limits) {
  return p.outer_src == canonical(outer_src) && p.outer_dst == canonical(outer_dst) &&
         p.inner_src == canonical(inner_src) && p.inner_dst == canonical(inner_dst) &&
         p.outer_hop_limit == hop_limits.outer && p.inner_hop_limit == hop_limits.inner;
}

}  // namespace

EchoTally tally_echoes(const std::vector<TunnelledPacket>& packets,
                       const std::string& correspondent, TunnelHopLimits upstream,
                       TunnelHopLimits downstream) {
  using namespace plan;
  EchoTally tally;
  for (const auto& p : packets) {
    const bool well_formed =
        p.next_headers == std::vector<int>{kNextHeaderIpv6, kNextHeaderIcmpv6} &&
        p.inner_payload_length >= 0 &&
        p.outer_payload_length == p.inner_payload_length + kIpv6HeaderLength;
    const bool echo = p.icmpv6_type == kEchoRequest || p.icmpv6_type == kEchoReply;
    const bool request = p.icmpv6_type == kEchoRequest;
    if (well_formed && echo && matches(p, kProxyCoa, kLmaAddress, kMn, correspondent, upstream)) {
      ++(request ? tally.upstream_requests : tally.upstream_replies);
    } else if (well_formed && echo &&
               matches(p, kLmaAddress, kProxyCoa, correspondent, kMn, downstream)) {
      ++(request ? tally.downstream_requests : tally.downstream_replies);
    } else {
      tally.unexpected.push_back(describe(p));
    }
  }
  return tally;
}

}  // namespace xpmip::netns
