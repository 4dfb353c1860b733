#include "xpmip/daemon/policy_file.hpp"

#include <array>
#include <map>
#include <utility>

#include "toml_reader.hpp"
#include "value_forms.hpp"
#include "xpmip/address.hpp"
#include "xpmip/net/mac_text.hpp"

namespace xpmip::daemon {

namespace {

using toml_reader::Table;

constexpr std::array<std::pair<std::string_view, AccessTechnology>, 8> kAccessTechNames{{
    {"virtual", AccessTechnology::kVirtual},
    {"ppp", AccessTechnology::kPpp},
    {"ieee802.3", AccessTechnology::kIeee8023},
    {"ieee802.11", AccessTechnology::kIeee80211},
    {"ieee802.16e", AccessTechnology::kIeee80216e},
    {"3gpp-geran", AccessTechnology::k3gppGeran},
    {"3gpp-utran", AccessTechnology::k3gppUtran},
    {"3gpp-eutran", AccessTechnology::k3gppEutran},
}};

// RFC 4283 §3: the option length octet covers the subtype and the identifier.
constexpr std::size_t kMaxNaiLength = 254;

std::optional<ReplayMode> parse_replay_mode(std::string_view text) {
  if (text == "timestamp") return ReplayMode::kTimestamp;
  if (text == "sequence") return ReplayMode::kSequenceNumber;
  return std::nullopt;
}

std::optional<MobileNodeId> parse_nai(std::string_view text) {
  if (text.empty() || text.size() > kMaxNaiLength) return std::nullopt;
  return MobileNodeId{MobileNodeId::kSubtypeNai, std::string(text)};
}

MagEntry read_mag(Table& t) {
  MagEntry entry;
  t.require("address");
  t.read_as("address", entry.address, value_forms::unicast_address, "a unicast IPv6 address");
  t.read_as("replay", entry.policy.replay_mode, parse_replay_mode, "\"timestamp\" or \"sequence\"");
  t.reject_unknown();
  return entry;
}

MobileNodeEntry read_mobile_node(Table& t) {
  MobileNodeEntry entry;
  t.require("id");
  t.read_as("id", entry.id, parse_nai, "an NAI of 1 to 254 octets");
  MacAddress mac{};
  if (t.read_as("mac", mac, value_forms::unicast_mac, "a unicast MAC address")) entry.mac = mac;
  t.read_list_as("prefixes", entry.profile.static_prefixes, value_forms::home_network_prefix,
                 "an IPv6 prefix without host bits");
  t.read_list_as("access_tech", entry.profile.allowed_access_techs, parse_access_technology,
                 "an access technology (e.g. \"ieee802.3\", \"ieee802.11\", \"3gpp-eutran\")");
  t.read_list_as("mags", entry.profile.authorized_mags, value_forms::unicast_address,
                 "a unicast IPv6 address");
  t.read("max_lifetime_s", entry.profile.max_lifetime, kLifetimeUnitSeconds,
         value_forms::kMaxLifetimeSeconds);
  Ipv6Address lma{};
  if (t.read_as("lma", lma, value_forms::unicast_address, "a unicast IPv6 address"))
    entry.lma = lma;
  t.read("enabled", entry.profile.proxy_mobility_enabled);
  t.reject_unknown();
  return entry;
}

// Every identity must be unambiguous: one entry per MAG address, MN-ID, MAC and prefix.
template <typename Key>
class Uniqueness {
 public:
  explicit Uniqueness(std::string what) : what_(std::move(what)) {}
  // False (and `table` failed at `key`) when `value` was already claimed.
  bool claim(const Key& value, Table& table, std::string_view key, std::string_view shown) {
    auto [it, inserted] = owners_.emplace(value, table.path());
    if (inserted) return true;
    table.fail(
        key, "duplicate " + what_ + " " + std::string(shown) + " (already in " + it->second + ")");
    return false;
  }

 private:
  std::string what_;
  std::map<Key, std::string> owners_;
};

}  // namespace

std::optional<AccessTechnology> parse_access_technology(std::string_view text) {
  for (const auto& [name, tech] : kAccessTechNames)
    if (name == text) return tech;
  return std::nullopt;
}

std::string_view access_technology_name(AccessTechnology tech) {
  for (const auto& [name, value] : kAccessTechNames)
    if (value == tech) return name;
  return "reserved";
}

ConfigResult<PolicyFile> parse_policy_file(std::string_view text,
                                           const std::filesystem::path& file) {
  auto parsed = toml_reader::parse(text, file.string());
  if (!parsed) return tl::unexpected(parsed.error());
  toml_reader::Document document(file.string());
  Table root(document, *parsed, "");

  PolicyFile policy;
  policy.source = std::filesystem::absolute(file).lexically_normal();

  Uniqueness<Ipv6Address> mag_addresses("MAG address");
  for (Table& t : root.tables("mag")) {
    MagEntry entry = read_mag(t);
    if (document.failed()) break;
    if (!mag_addresses.claim(entry.address, t, "address", xpmip::to_string(entry.address))) break;
    policy.mags.push_back(entry);
  }

  Uniqueness<MobileNodeId> ids("mobile node id");
  Uniqueness<MacAddress> macs("MAC");
  Uniqueness<Prefix> prefixes("prefix");
  for (Table& t : root.tables("mobile_node")) {
    MobileNodeEntry entry = read_mobile_node(t);
    if (document.failed()) break;
    if (!ids.claim(entry.id, t, "id", "\"" + entry.id.identifier + "\"")) break;
    if (entry.mac && !macs.claim(*entry.mac, t, "mac", net::mac_text(*entry.mac))) break;
    bool unique = true;
    for (const auto& prefix : entry.profile.static_prefixes)
      unique = unique && prefixes.claim(prefix, t, "prefixes", xpmip::to_string(prefix));
    if (!unique) break;
    policy.mobile_nodes.push_back(std::move(entry));
  }

  root.reject_unknown();
  if (document.failed()) return tl::unexpected(document.error());
  return policy;
}

ConfigResult<PolicyFile> load_policy_file(const std::filesystem::path& file) {
  auto text = toml_reader::read_file(file);
  if (!text) return tl::unexpected(text.error());
  return parse_policy_file(*text, file);
}

StaticPolicy lma_policy(const PolicyFile& file, const Ipv6Address& lma_address) {
  StaticPolicy policy;
  for (const auto& mag : file.mags) policy.set_mag(mag.address, mag.policy);
  for (const auto& node : file.mobile_nodes) {
    MnProfile profile = node.profile;
    profile.served_by_this_lma = !node.lma || *node.lma == lma_address;
    policy.set_mobile_node(node.id, std::move(profile));
  }
  return policy;
}

ConfigResult<std::unique_ptr<PolicyStore>> PolicyStore::load(
    const std::filesystem::path& file, const Ipv6Address& self_or_default_lma) {
  auto parsed = load_policy_file(file);
  if (!parsed) return tl::unexpected(parsed.error());
  return std::unique_ptr<PolicyStore>(
      new PolicyStore(file, self_or_default_lma, std::move(*parsed)));
}

PolicyStore::PolicyStore(std::filesystem::path path, const Ipv6Address& self_or_default_lma,
                         PolicyFile file)
    : path_(std::move(path)), self_or_default_lma_(self_or_default_lma) {
  replace(std::move(file));
}

ConfigResult<void> PolicyStore::reload() {
  auto parsed = load_policy_file(path_);
  if (!parsed) return tl::unexpected(parsed.error());
  replace(std::move(*parsed));
  return {};
}

void PolicyStore::replace(PolicyFile file) {
  policy_ = lma_policy(file, self_or_default_lma_);
  file_ = std::move(file);
}

std::optional<MagPolicy> PolicyStore::mag(const Ipv6Address& mag_address) const {
  return policy_.mag(mag_address);
}

std::optional<MnProfile> PolicyStore::mobile_node(const MobileNodeId& id) const {
  return policy_.mobile_node(id);
}

MagMnProfile PolicyStore::mag_profile(const MobileNodeEntry& entry) const {
  MagMnProfile profile;
  profile.id = entry.id;
  profile.mac = entry.mac;
  profile.hnps = entry.profile.static_prefixes;
  if (!entry.profile.allowed_access_techs.empty())
    profile.access_tech = entry.profile.allowed_access_techs.front();
  profile.max_lifetime = entry.profile.max_lifetime;
  profile.lma = entry.lma.value_or(self_or_default_lma_);
  profile.enabled = entry.profile.proxy_mobility_enabled;
  return profile;
}

std::optional<MagMnProfile> PolicyStore::find_by_mac(const MacAddress& mac) const {
  for (const auto& entry : file_.mobile_nodes)
    if (entry.mac == mac) return mag_profile(entry);
  return std::nullopt;
}

std::optional<MagMnProfile> PolicyStore::find_by_id(const MobileNodeId& id) const {
  for (const auto& entry : file_.mobile_nodes)
    if (entry.id == id) return mag_profile(entry);
  return std::nullopt;
}

}  // namespace xpmip::daemon
