// The policy file both roles read (RFC 5213 §4: the MAGs an LMA accepts and the mobile nodes'
// policy profiles, §2.2). The LMA turns it into the StaticPolicy its core consults; the MAG uses
// it to recognise an MN by its MAC and to fill the attachment (HNPs, lifetime, LMA, ATT).
// Reloads are all-or-nothing: a new file replaces the old only when all of it is valid.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "xpmip/daemon/config.hpp"
#include "xpmip/policy.hpp"
#include "xpmip/wire.hpp"

namespace xpmip::daemon {

// One [[mag]] table.
struct MagEntry {
  Ipv6Address address{};
  MagPolicy policy;
};

// One [[mobile_node]] table.
struct MobileNodeEntry {
  MobileNodeId id;
  std::optional<MacAddress> mac;  // how a MAG recognises the MN; absent = LMA-only entry
  // static_prefixes, allowed_access_techs, authorized_mags, max_lifetime and
  // proxy_mobility_enabled (= `enabled`) as written; served_by_this_lma is decided per LMA.
  MnProfile profile;
  std::optional<Ipv6Address> lma;  // the LMA serving it; absent = [mag].lma_address / any LMA
};

struct PolicyFile {
  std::filesystem::path source;
  std::vector<MagEntry> mags;
  std::vector<MobileNodeEntry> mobile_nodes;
};

// RFC 5213 §8.5 Access Technology Type names as written in the policy file
// ("virtual", "ppp", "ieee802.3", "ieee802.11", "ieee802.16e", "3gpp-geran", "3gpp-utran",
// "3gpp-eutran").
[[nodiscard]] std::optional<AccessTechnology> parse_access_technology(std::string_view text);
[[nodiscard]] std::string_view access_technology_name(AccessTechnology tech);

[[nodiscard]] ConfigResult<PolicyFile> load_policy_file(const std::filesystem::path& file);
[[nodiscard]] ConfigResult<PolicyFile> parse_policy_file(std::string_view text,
                                                         const std::filesystem::path& file);

// The LMA's view: every MAG, every MN; an MN whose `lma` names another address gets
// served_by_this_lma = false (-> 153, RFC 5213 §5.3.1 check 7).
[[nodiscard]] StaticPolicy lma_policy(const PolicyFile& file, const Ipv6Address& lma_address);

// What a MAG needs to register an MN it recognised (RFC 5213 §6.2).
struct MagMnProfile {
  MobileNodeId id;
  std::optional<MacAddress> mac;
  std::vector<Prefix> hnps;  // empty: ask the LMA to assign (ALL_ZERO)
  AccessTechnology access_tech = AccessTechnology::kIeee8023;  // the first allowed, else 802.3
  std::chrono::seconds max_lifetime{3600};
  Ipv6Address lma{};  // the profile's LMA, else the MAG's default
  bool enabled = true;
};

// The live policy of a daemon: a Policy for LmaCore and the MAG's lookups, swapped on reload.
// LmaCore keeps a reference to it, so it stays put for the daemon's lifetime (not movable).
class PolicyStore final : public Policy {
 public:
  // `default_lma` fills MagMnProfile::lma when an entry names none (the MAG's [mag].lma_address;
  // the LMA passes its own address, which also decides served_by_this_lma).
  [[nodiscard]] static ConfigResult<std::unique_ptr<PolicyStore>> load(
      const std::filesystem::path& file, const Ipv6Address& self_or_default_lma);

  PolicyStore(const PolicyStore&) = delete;
  PolicyStore& operator=(const PolicyStore&) = delete;

  // Parses the file again; on any error the current policy stays in force and the error says why.
  [[nodiscard]] ConfigResult<void> reload();
  // Replaces the policy with an already parsed file (used by reload() and tests).
  void replace(PolicyFile file);

  [[nodiscard]] std::optional<MagPolicy> mag(const Ipv6Address& mag_address) const override;
  [[nodiscard]] std::optional<MnProfile> mobile_node(const MobileNodeId& id) const override;

  [[nodiscard]] std::optional<MagMnProfile> find_by_mac(const MacAddress& mac) const;
  [[nodiscard]] std::optional<MagMnProfile> find_by_id(const MobileNodeId& id) const;

  [[nodiscard]] const PolicyFile& current() const { return file_; }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  PolicyStore(std::filesystem::path path, const Ipv6Address& self_or_default_lma, PolicyFile file);
  [[nodiscard]] MagMnProfile mag_profile(const MobileNodeEntry& entry) const;

  std::filesystem::path path_;
  Ipv6Address self_or_default_lma_{};
  PolicyFile file_;
  StaticPolicy policy_;
};

}  // namespace xpmip::daemon
