// The Mobility Header socket: a raw IPv6 socket for protocol 135 bound to the node's signalling
// address (the LMA address, or the MAG's Proxy-CoA). It moves MH bytes only; the codec owns their
// meaning. The kernel fills in and verifies the MH checksum (RFC 6275 §6.1.1, §9.2), so a
// message with a bad checksum is never returned.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "xpmip/net/error.hpp"
#include "xpmip/unique_fd.hpp"
#include "xpmip/wire.hpp"

namespace xpmip::net {

struct ReceivedMobilityHeader {
  std::vector<std::uint8_t> bytes;  // from the MH's Payload Proto octet on
  Ipv6Address source{};
  Ipv6Address destination{};  // from IPV6_PKTINFO
  int ifindex = 0;            // arrival interface, from IPV6_PKTINFO
};

class MhSocket {
 public:
  // `scope_ifindex` is needed only when `local_address` is link-local. The address must already
  // be configured and past DAD, or bind fails with EADDRNOTAVAIL.
  [[nodiscard]] static NetResult<MhSocket> open(const Ipv6Address& local_address,
                                                int scope_ifindex = 0);

  [[nodiscard]] int fd() const { return fd_.get(); }
  [[nodiscard]] const Ipv6Address& local_address() const { return local_address_; }

  // Sends one MH from the bound address; the checksum field is overwritten by the kernel.
  [[nodiscard]] NetResult<void> send(std::span<const std::uint8_t> mh,
                                     const Ipv6Address& destination);

  // Returns the next queued message, or nullopt when none is queued. A message that failed the
  // kernel's checksum check is consumed silently, so nullopt may follow a readable event.
  [[nodiscard]] NetResult<std::optional<ReceivedMobilityHeader>> receive();

 private:
  MhSocket(UniqueFd fd, const Ipv6Address& local_address, int scope_ifindex)
      : fd_(std::move(fd)), local_address_(local_address), scope_ifindex_(scope_ifindex) {}

  UniqueFd fd_;
  Ipv6Address local_address_;
  int scope_ifindex_ = 0;
};

}  // namespace xpmip::net
