#include "xpmip/lma_pba.hpp"

namespace xpmip {
namespace {

// The options every PBA carries whatever its status (RFC 5213 §5.3.6): MN-ID (zero-length when
// the PBU had none), HI and ATT (0 when absent), and the MN-LL-ID and Timestamp echoed if sent.
ProxyBindingAck common_reply(const ProxyBindingUpdate& pbu, PbaStatus status) {
  ProxyBindingAck pba;
  pba.status = status;
  pba.flags = ba_flag::kProxy;  // §8.2: the PBU had P=1, or it would not be answered as a PBA
  pba.sequence = pbu.sequence;
  pba.lifetime = 0;
  const MobilityOptions& in = pbu.options;
  MobilityOptions& out = pba.options;
  out.mn_id = in.mn_id.value_or(MobileNodeId{MobileNodeId::kSubtypeNai, {}});
  out.handoff_indicator = in.handoff_indicator.value_or(HandoffIndicator::kReserved);
  out.access_tech = in.access_tech.value_or(AccessTechnology::kReserved);
  out.mn_link_layer_id = in.mn_link_layer_id;
  out.timestamp = in.timestamp;
  return pba;
}

}  // namespace

ProxyBindingAck build_rejection(const ProxyBindingUpdate& pbu, PbaStatus status,
                                std::uint64_t lma_timestamp_now) {
  ProxyBindingAck pba = common_reply(pbu, status);
  MobilityOptions& out = pba.options;
  out.home_network_prefixes = pbu.options.home_network_prefixes;
  if (out.home_network_prefixes.empty()) out.home_network_prefixes.push_back(Prefix{});
  out.link_local_address = pbu.options.link_local_address;
  const bool timestamp_rejected = status == PbaStatus::kTimestampMismatch ||
                                  status == PbaStatus::kTimestampLowerThanPrevAccepted;
  if (out.timestamp && timestamp_rejected) out.timestamp = lma_timestamp_now;
  return pba;
}

ProxyBindingAck build_acceptance(const ProxyBindingUpdate& pbu, std::uint16_t granted_lifetime,
                                 const std::vector<Prefix>& prefixes,
                                 const Ipv6Address& mag_link_local) {
  ProxyBindingAck pba = common_reply(pbu, PbaStatus::kAccepted);
  pba.lifetime = granted_lifetime;
  pba.options.home_network_prefixes = prefixes;
  if (pbu.options.link_local_address) pba.options.link_local_address = mag_link_local;
  return pba;
}

}  // namespace xpmip
