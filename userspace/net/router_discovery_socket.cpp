#include "xpmip/net/router_discovery_socket.hpp"

#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "socket_util.hpp"
#include "xpmip/address.hpp"
#include "xpmip/net/access_link.hpp"

namespace xpmip::net {
namespace {

// An RS is 8 octets plus options; anything near an Ethernet MTU is plenty.
constexpr std::size_t kMaxSolicitation = 1500;

NetResult<void> configure(int fd, int ifindex) {
  const std::string where = " on ifindex " + std::to_string(ifindex);
  // SO_BINDTOIFINDEX accepts an index no interface has (seen on 6.18), so check first.
  char name[IF_NAMESIZE] = {};
  if (::if_indextoname(static_cast<unsigned>(ifindex), name) == nullptr)
    return tl::unexpected(NetError{"find access interface" + where, ENODEV});
  // Only this access interface's traffic: one socket per access link.
  if (auto set = detail::set_option(fd, SOL_SOCKET, SO_BINDTOIFINDEX, ifindex,
                                    "bind ICMPv6 socket to interface" + where);
      !set)
    return set;
  icmp6_filter filter{};
  ICMP6_FILTER_SETBLOCKALL(&filter);
  ICMP6_FILTER_SETPASS(ND_ROUTER_SOLICIT, &filter);
  if (auto set = detail::set_option(fd, IPPROTO_ICMPV6, ICMP6_FILTER, filter,
                                    "filter ICMPv6 to Router Solicitations" + where);
      !set)
    return set;
  if (auto set = detail::set_options(
          fd,
          {{IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "enable IPV6_RECVPKTINFO"},
           {IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "enable IPV6_RECVHOPLIMIT"},
           // RFC 4861 §6.1.2: hosts drop an RA whose hop limit is not 255.
           {IPPROTO_IPV6, IPV6_UNICAST_HOPS, nd::kRequiredHopLimit, "set unicast hop limit 255"},
           {IPPROTO_IPV6, IPV6_MULTICAST_HOPS, nd::kRequiredHopLimit,
            "set multicast hop limit 255"},
           {IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "disable multicast loopback"}},
          where);
      !set)
    return set;
  // RSs go to all-routers (RFC 4861 §6.3.7). The kernel joins ff02::2 only while forwarding is
  // on, so join explicitly rather than depend on the sysctl.
  ipv6_mreq all_routers{};
  std::memcpy(&all_routers.ipv6mr_multiaddr, nd::kAllRouters.data(), nd::kAllRouters.size());
  all_routers.ipv6mr_interface = static_cast<unsigned>(ifindex);
  return detail::set_option(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, all_routers, "join ff02::2" + where);
}

}  // namespace

NetResult<RouterDiscoverySocket> RouterDiscoverySocket::open(int ifindex,
                                                             const Ipv6Address& router_link_local) {
  UniqueFd fd{::socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6)};
  if (!fd.valid()) return tl::unexpected(errno_error("open ICMPv6 raw socket"));
  if (auto configured = configure(fd.get(), ifindex); !configured)
    return tl::unexpected(configured.error());
  return RouterDiscoverySocket(std::move(fd), ifindex, router_link_local);
}

NetResult<std::optional<SolicitationOutcome>> RouterDiscoverySocket::receive() {
  std::vector<std::uint8_t> buffer(kMaxSolicitation);
  auto received = detail::receive_datagram(fd_.get(), buffer);
  if (!received)
    return tl::unexpected(
        NetError{"receive Router Solicitation on ifindex " + std::to_string(ifindex_),
                 received.error().error_number});
  if (!*received) return std::nullopt;
  const detail::ReceivedDatagram& datagram = **received;
  buffer.resize(datagram.size);

  const Ipv6Address& source = datagram.source;
  const int arrival_ifindex = datagram.packet_info ? datagram.packet_info->ifindex : ifindex_;
  const int hop_limit = datagram.hop_limit.value_or(-1);  // absent: treated as not 255

  auto solicitation = nd::parse_router_solicitation(buffer);
  if (!solicitation)
    return SolicitationOutcome{
        DiscardedSolicitation{source, arrival_ifindex, solicitation.error()}};
  if (auto valid = nd::check_router_solicitation_context(*solicitation, source, hop_limit); !valid)
    return SolicitationOutcome{DiscardedSolicitation{source, arrival_ifindex, valid.error()}};
  return SolicitationOutcome{
      RouterSolicitationEvent{source, arrival_ifindex, solicitation->source_link_layer}};
}

NetResult<void> RouterDiscoverySocket::send_advertisement(
    std::span<const std::uint8_t> ra, const Ipv6Address& destination,
    const std::optional<MacAddress>& destination_mac) {
  if (destination_mac && !detail::is_multicast(destination)) {
    if (auto learned = learn_neighbour(ifindex_, destination, *destination_mac); !learned)
      return learned;
  }
  sockaddr_in6 to = detail::socket_address(destination, ifindex_);
  iovec data{const_cast<std::uint8_t*>(ra.data()), ra.size()};
  alignas(cmsghdr) std::uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
  msghdr header = detail::message_header(to, data, control);
  // The source must be the router's link-local address (RFC 4861 §6.1.2), chosen explicitly so
  // the kernel does not pick the interface's EUI-64 address.
  cmsghdr* c = CMSG_FIRSTHDR(&header);
  c->cmsg_level = IPPROTO_IPV6;
  c->cmsg_type = IPV6_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
  in6_pktinfo info{};
  std::memcpy(&info.ipi6_addr, router_link_local_.data(), router_link_local_.size());
  info.ipi6_ifindex = static_cast<unsigned>(ifindex_);
  std::memcpy(CMSG_DATA(c), &info, sizeof info);

  if (::sendmsg(fd_.get(), &header, MSG_DONTWAIT) < 0)
    return tl::unexpected(
        errno_error("send Router Advertisement from " + to_string(router_link_local_) + " to " +
                    to_string(destination) + " on ifindex " + std::to_string(ifindex_)));
  return {};
}

}  // namespace xpmip::net
