// Link-layer events -> attach/detach signals (see attach_detector.hpp).
#include "xpmip/daemon/attach_detector.hpp"

#include <utility>

#include "xpmip/address.hpp"

namespace xpmip::daemon {

const char* to_string(AttachCause cause) {
  switch (cause) {
    case AttachCause::kSolicitation:
      return "router solicitation";
    case AttachCause::kNeighbourReachable:
      return "neighbour reachable";
  }
  return "unknown";
}

const char* to_string(DetachCause cause) {
  switch (cause) {
    case DetachCause::kLinkDown:
      return "link down";
    case DetachCause::kNeighbourFailed:
      return "neighbour failed";
  }
  return "unknown";
}

AttachDetector::AttachDetector(std::map<int, bool> link_up) : link_up_(std::move(link_up)) {}

std::vector<Detection> AttachDetector::on_solicitation(const net::RouterSolicitationEvent& rs) {
  if (!watched(rs.ifindex)) return {};
  std::optional<MacAddress> mac = rs.source_mac;
  // RFC 4861 §6.1.1 lets an RS from a known address omit the SLLA; the neighbour cache may know it.
  if (!mac && !is_unspecified(rs.source)) {
    const auto it = neighbours_.find({rs.ifindex, rs.source});
    if (it != neighbours_.end()) mac = it->second;
  }
  if (!mac) return {};
  const MnOnLink mn{rs.ifindex, *mac};
  if (!is_unspecified(rs.source)) {
    neighbours_[{rs.ifindex, rs.source}] = *mac;
    solicited_from_[mn] = rs.source;
  }
  // An RS is the MN itself asking for service: it overrides an earlier detach.
  suppressed_.erase(mn);
  present_.insert(mn);
  return {AttachSignal{mn, AttachCause::kSolicitation}};
}

std::vector<Detection> AttachDetector::on_link(const net::LinkEvent& link) {
  const auto it = link_up_.find(link.ifindex);
  if (it == link_up_.end()) return {};
  const bool up = link.admin_up && link.carrier;
  const bool was_up = std::exchange(it->second, up);
  std::vector<Detection> out;
  if (was_up && !up) {
    // RFC 5213 §6.13 leaves detach detection to the link layer: a point-to-point access link
    // losing its carrier means whoever was on it has left.
    for (auto mn = present_.begin(); mn != present_.end();) {
      if (mn->ifindex != link.ifindex) {
        ++mn;
        continue;
      }
      out.emplace_back(DetachSignal{*mn, DetachCause::kLinkDown});
      suppressed_.insert(*mn);
      solicited_from_.erase(*mn);
      mn = present_.erase(mn);
    }
    std::erase_if(neighbours_,
                  [&](const auto& entry) { return entry.first.first == link.ifindex; });
  } else if (!was_up && up) {
    std::erase_if(suppressed_, [&](const MnOnLink& mn) { return mn.ifindex == link.ifindex; });
    out.emplace_back(LinkUpSignal{link.ifindex});
  }
  return out;
}

std::vector<Detection> AttachDetector::on_neighbour(const net::NeighbourEvent& neighbour) {
  if (!watched(neighbour.ifindex)) return {};
  const std::pair key{neighbour.ifindex, neighbour.address};
  if (neighbour.state == net::NeighbourState::kFailed) {
    const auto it = neighbours_.find(key);
    if (it == neighbours_.end()) return {};
    const MnOnLink mn{neighbour.ifindex, it->second};
    neighbours_.erase(it);
    if (!present_.contains(mn)) return {};
    present_.erase(mn);
    suppressed_.insert(mn);
    solicited_from_.erase(mn);
    return {DetachSignal{mn, DetachCause::kNeighbourFailed}};
  }
  if (neighbour.deleted) {
    // Garbage collection of an unused entry says nothing about the MN.
    neighbours_.erase(key);
    return {};
  }
  if (!neighbour.mac) return {};
  neighbours_[key] = *neighbour.mac;
  const MnOnLink mn{neighbour.ifindex, *neighbour.mac};
  const bool confirmed = neighbour.state == net::NeighbourState::kReachable ||
                         neighbour.state == net::NeighbourState::kStale;
  if (!confirmed || suppressed_.contains(mn) || !link_up(neighbour.ifindex)) return {};
  present_.insert(mn);
  return {AttachSignal{mn, AttachCause::kNeighbourReachable}};
}

void AttachDetector::attached(const MnOnLink& mn) {
  suppressed_.erase(mn);
  present_.insert(mn);
}

void AttachDetector::detached(const MnOnLink& mn) {
  present_.erase(mn);
  suppressed_.insert(mn);
}

bool AttachDetector::link_up(int ifindex) const {
  const auto it = link_up_.find(ifindex);
  return it != link_up_.end() && it->second;
}

std::optional<Ipv6Address> AttachDetector::unicast_address(const MnOnLink& mn) const {
  if (const auto it = solicited_from_.find(mn); it != solicited_from_.end()) return it->second;
  for (const auto& [key, mac] : neighbours_) {
    if (key.first == mn.ifindex && mac == mn.mac && is_link_local(key.second)) return key.second;
  }
  return std::nullopt;
}

}  // namespace xpmip::daemon
