// Building the Proxy Binding Acknowledgement (RFC 5213 §5.3.6) from the PBU it answers.
#pragma once

#include <cstdint>
#include <vector>

#include "xpmip/wire.hpp"

namespace xpmip {

// A rejection (status >= 128): every option the PBU carried is echoed. `lma_timestamp_now` fills
// the Timestamp option for 156/157 (RFC 5213 §5.5.1); the other statuses echo the PBU's.
[[nodiscard]] ProxyBindingAck build_rejection(const ProxyBindingUpdate& pbu, PbaStatus status,
                                              std::uint64_t lma_timestamp_now);

// An acceptance: the session's prefixes and, when the PBU carried a Link-local Address option,
// the address stored in the BCE (RFC 5213 §6.8).
[[nodiscard]] ProxyBindingAck build_acceptance(const ProxyBindingUpdate& pbu,
                                               std::uint16_t granted_lifetime,
                                               const std::vector<Prefix>& prefixes,
                                               const Ipv6Address& mag_link_local);

}  // namespace xpmip
