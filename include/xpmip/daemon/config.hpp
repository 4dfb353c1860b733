// xpmipd's configuration file (TOML) as typed values. Every key is documented in
// docs/configuration.md; configs/*.toml are working examples. The loader rejects unknown keys,
// wrong types, out-of-range values and sections of the other role, and every error names
// file:line:column and the key, so a typo never passes silently.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "xpmip/dataplane.hpp"
#include "xpmip/lma_types.hpp"
#include "xpmip/mag_core.hpp"
#include "xpmip/router_advert.hpp"
#include "xpmip/wire.hpp"

namespace xpmip::daemon {

enum class Role : std::uint8_t { kLma, kMag };
enum class LogLevel : std::uint8_t { kDebug, kInfo, kWarn };

// What a MAG does with an MN whose MAC no policy entry names.
enum class UnknownMnPolicy : std::uint8_t {
  kIgnore,  // no registration: the MN gets no service
  kDerive,  // register it as "mac-<mac>@<mn_realm>", the LMA's policy decides
};

[[nodiscard]] std::string_view to_string(Role role);  // "lma" / "mag"
[[nodiscard]] std::optional<Role> parse_role(std::string_view text);
[[nodiscard]] std::string_view to_string(LogLevel level);  // "debug" / "info" / "warn"
[[nodiscard]] std::optional<LogLevel> parse_log_level(std::string_view text);

// An instance names a pin directory and a socket file, so it must be a plain file name: 1-64
// letters, digits, '-', '_', '.', not starting with '.'. Also for `xpmipd --instance`.
[[nodiscard]] std::optional<std::string> parse_instance_name(std::string_view text);

// "02:00:00:00:01:01" (case-insensitive, colon-separated, six octets); empty on anything else.
[[nodiscard]] std::optional<MacAddress> parse_mac_address(std::string_view text);

// Where a value came from, for error messages. line/column are 1-based, 0 when unknown.
struct SourcePosition {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  auto operator<=>(const SourcePosition&) const = default;
};

// A rejected configuration or policy file.
struct ConfigError {
  SourcePosition where;
  std::string key;     // dotted path, e.g. "lma.hnp_pool" or "mobile_node[1].mac"; may be empty
  std::string reason;  // e.g. "not an IPv6 address: \"2001:db8::zz\""

  // "<file>:<line>:<column>: <key>: <reason>" (parts that are unknown are left out).
  [[nodiscard]] std::string message() const;
};

// [lma] (role lma only).
struct LmaSection {
  std::vector<std::string> external_interfaces;  // XDP lma_external (towards the CN)
  std::vector<std::string> core_interfaces;      // XDP lma_core (towards the MAGs); required
  // RFC 5213 §9.1 timers, the capacity limits and the HNP pool, ready for LmaCore::create.
  LmaConfig core;
  // Unset: /var/lib/xpmip/<instance>/bindings.json (see state_file_path()).
  std::optional<std::filesystem::path> state_file;
};

// [mag] (role mag only).
struct MagSection {
  Ipv6Address lma_address{};                   // the default LMA for MNs whose profile names none
  std::vector<std::string> access_interfaces;  // XDP mag_access + RS/RA + link watch; required
  std::vector<std::string> core_interfaces;    // XDP mag_core; required
  MacAddress router_mac = nd::kFixedMagMac;    // RFC 6543, RFC 5213 §6.9.3
  // Retransmission timers, sequence/timestamp mode and MAX_UPDATE_RATE, ready for
  // MagCore::create. core.fixed_link_local is [mag].router_link_local (RFC 5213 §9.3
  // FixedMAGLinkLocalAddressOnAllAccessLinks), also the source of every RA.
  MagConfig core;
  std::chrono::seconds lifetime{3600};  // requested in each PBU; policy max_lifetime_s caps it
  bool deregister_on_shutdown = true;
  UnknownMnPolicy unknown_mn = UnknownMnPolicy::kIgnore;
  std::string mn_realm = "xpmip.test";
};

struct DataplaneSection {
  std::string pin_root = "/sys/fs/bpf/xpmip";
  std::uint32_t max_bindings = XPMIP_DEFAULT_MAX_BINDINGS;
  dataplane::XdpMode xdp_mode = dataplane::XdpMode::kNativeOrGeneric;
  std::uint8_t outer_hop_limit = 64;  // RFC 2473 §6.3
};

struct DaemonConfig {
  std::filesystem::path source;  // the file it was read from (absolute)
  Role role = Role::kLma;
  std::string instance;  // the `instance` key, else the role's name
  LogLevel log_level = LogLevel::kInfo;
  // [signalling].address: the LMA address (LMA) or the proxy-CoA (MAG). Required.
  Ipv6Address address{};
  std::optional<LmaSection> lma;  // set exactly when role == kLma
  std::optional<MagSection> mag;  // set exactly when role == kMag
  DataplaneSection dataplane;
  // [control].socket; unset: /run/xpmip/<instance>.sock (see control_socket_path()).
  std::optional<std::filesystem::path> control_socket;
  // [policy].file, already resolved against the config file's directory.
  std::filesystem::path policy_file = "/etc/xpmip/policy.toml";
};

template <typename T>
using ConfigResult = tl::expected<T, ConfigError>;

// Reads and validates `file` for `role`. A relative [policy].file is resolved against the
// directory of `file`.
[[nodiscard]] ConfigResult<DaemonConfig> load_config(const std::filesystem::path& file, Role role);
// The same on text already in memory; `file` only names the source in errors and anchors the
// relative policy path.
[[nodiscard]] ConfigResult<DaemonConfig> parse_config(std::string_view text,
                                                      const std::filesystem::path& file, Role role);

// /run/xpmip/<instance>.sock, the socket xpmipctl --instance looks for.
[[nodiscard]] std::filesystem::path default_control_socket(std::string_view instance);
// The configured socket, else default_control_socket(config.instance).
[[nodiscard]] std::filesystem::path control_socket_path(const DaemonConfig& config);
// LMA only: the configured state file, else /var/lib/xpmip/<instance>/bindings.json.
[[nodiscard]] std::filesystem::path state_file_path(const DaemonConfig& config);

}  // namespace xpmip::daemon
