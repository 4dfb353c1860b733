// What the LMA needs to know about MAGs and mobile nodes before it accepts a proxy registration
// (RFC 5213 §4, §5.3.1 checks 5-8, §5.3.2). The LMA core asks synchronously; a back-end that is
// slow (RADIUS) resolves the answers before it hands the PBU to the core.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <vector>

#include "xpmip/wire.hpp"

namespace xpmip {

// How the LMA orders the PBUs of one MAG (RFC 5213 §5.5): the Timestamp option (the default,
// TimestampBasedApproachInUse = 1, §9.3) or RFC 6275 §9.5.1 sequence numbers.
enum class ReplayMode : std::uint8_t { kTimestamp, kSequenceNumber };

// A MAG this LMA accepts proxy registrations from (RFC 5213 §4: "MUST be configurable locally").
struct MagPolicy {
  ReplayMode replay_mode = ReplayMode::kTimestamp;
};

// The policy profile of one mobile node (RFC 5213 §2.2 "Policy Profile", §5.3.1 checks 5-8).
struct MnProfile {
  bool proxy_mobility_enabled = true;  // false -> 152 PROXY_REG_NOT_ENABLED
  bool served_by_this_lma = true;      // false -> 153 NOT_LMA_FOR_THIS_MOBILE_NODE
  // Prefixes reserved for this node. Empty: the LMA assigns from its pool on an ALL_ZERO request.
  std::vector<Prefix> static_prefixes;
  // Access technologies the node may attach over. Empty: any.
  std::vector<AccessTechnology> allowed_access_techs;
  // MAGs allowed to register this node, by the PBU's source address. Empty: any authorised MAG.
  std::vector<Ipv6Address> authorized_mags;
  // The granted lifetime is min(requested, this) (RFC 6275 §9.5.1: it MAY be shortened).
  std::chrono::seconds max_lifetime{3600};
};

class Policy {
 public:
  virtual ~Policy() = default;
  // nullopt: the sender is not an authorised MAG (-> 154).
  [[nodiscard]] virtual std::optional<MagPolicy> mag(const Ipv6Address& mag_address) const = 0;
  // nullopt: this LMA knows nothing of the node (-> 153).
  [[nodiscard]] virtual std::optional<MnProfile> mobile_node(const MobileNodeId& id) const = 0;
};

// An in-memory policy: tests fill it by hand, the daemon from its configuration file.
class StaticPolicy final : public Policy {
 public:
  void set_mag(const Ipv6Address& mag_address, MagPolicy policy);
  void remove_mag(const Ipv6Address& mag_address);
  void set_mobile_node(const MobileNodeId& id, MnProfile profile);
  void remove_mobile_node(const MobileNodeId& id);

  [[nodiscard]] std::optional<MagPolicy> mag(const Ipv6Address& mag_address) const override;
  [[nodiscard]] std::optional<MnProfile> mobile_node(const MobileNodeId& id) const override;

 private:
  std::map<Ipv6Address, MagPolicy> mags_;
  std::map<MobileNodeId, MnProfile> mobile_nodes_;
};

}  // namespace xpmip
