#include "xpmip/daemon/config.hpp"

#include <cctype>

#include "toml_reader.hpp"
#include "value_forms.hpp"
#include "xpmip/address.hpp"

namespace xpmip::daemon {

namespace {

using toml_reader::Table;

constexpr std::int64_t kOneHourMs = 3'600'000;
// Linux IFNAMSIZ is 16 including the terminating NUL.
constexpr std::size_t kMaxInterfaceName = 15;

std::optional<std::string> parse_interface_name(std::string_view text) {
  if (text.empty() || text.size() > kMaxInterfaceName) return std::nullopt;
  for (char c : text)
    if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)) ||
        !std::isprint(static_cast<unsigned char>(c)))
      return std::nullopt;
  return std::string(text);
}

std::optional<dataplane::XdpMode> parse_xdp_mode(std::string_view text) {
  if (text == "native-or-generic") return dataplane::XdpMode::kNativeOrGeneric;
  if (text == "native") return dataplane::XdpMode::kNative;
  if (text == "generic") return dataplane::XdpMode::kGeneric;
  return std::nullopt;
}

std::optional<UnknownMnPolicy> parse_unknown_mn(std::string_view text) {
  if (text == "ignore") return UnknownMnPolicy::kIgnore;
  if (text == "derive") return UnknownMnPolicy::kDerive;
  return std::nullopt;
}

// RFC 5213 §9.3 TimestampBasedApproachInUse: on (the default) or RFC 6275 sequence numbers.
std::optional<bool> parse_replay_uses_timestamp(std::string_view text) {
  if (text == "timestamp") return true;
  if (text == "sequence") return false;
  return std::nullopt;
}

// A path relative to the configuration file's directory, for every path-valued key.
std::filesystem::path resolve(const std::filesystem::path& config_dir, std::string_view text) {
  std::filesystem::path path{std::string(text)};
  if (path.is_relative()) path = config_dir / path;
  return path.lexically_normal();
}

bool read_path(Table& table, std::string_view key, const std::filesystem::path& config_dir,
               std::filesystem::path& out) {
  std::string text;
  if (!table.read(key, text)) return false;
  if (text.empty()) {
    table.fail(key, "must not be empty");
    return false;
  }
  out = resolve(config_dir, text);
  return true;
}

// Interface lists: names valid for Linux, none twice across the role's lists.
void read_interfaces(Table& table, std::string_view key, std::vector<std::string>& out,
                     std::vector<std::string>& seen) {
  if (!table.read_list_as(key, out, parse_interface_name, "a Linux interface name")) return;
  for (const auto& name : out) {
    for (const auto& other : seen)
      if (other == name) return table.fail(key, "interface \"" + name + "\" is listed twice");
    seen.push_back(name);
  }
}

void require_non_empty(Table& table, std::string_view key, const std::vector<std::string>& list) {
  table.require(key);
  if (table.has(key) && list.empty()) table.fail(key, "needs at least one interface");
}

LmaSection read_lma(Table& t, const std::filesystem::path& config_dir) {
  LmaSection lma;
  // Defaults of the daemon (docs/configuration.md), larger than the core's test defaults.
  lma.core.max_bindings = 1'000'000;
  lma.core.max_bindings_per_mag = 100'000;
  std::vector<std::string> seen;
  read_interfaces(t, "external_interfaces", lma.external_interfaces, seen);
  read_interfaces(t, "core_interfaces", lma.core_interfaces, seen);
  require_non_empty(t, "core_interfaces", lma.core_interfaces);

  Prefix pool;
  if (t.read_as("hnp_pool", pool, value_forms::clean_prefix, "an IPv6 prefix without host bits"))
    lma.core.pool_aggregate = pool;
  t.read("hnp_length", lma.core.pool_delegated_length, 1, 128);
  if (lma.core.pool_aggregate && lma.core.pool_aggregate->length > lma.core.pool_delegated_length)
    t.fail("hnp_pool", "the pool /" + std::to_string(lma.core.pool_aggregate->length) +
                           " is longer than hnp_length /" +
                           std::to_string(lma.core.pool_delegated_length));

  // RFC 5213 §9.1 variables.
  t.read("min_delay_before_bce_delete_ms", lma.core.min_delay_before_bce_delete, 0, kOneHourMs);
  t.read("max_delay_before_new_bce_assign_ms", lma.core.max_delay_before_new_bce_assign, 0,
         kOneHourMs);
  t.read("timestamp_validity_window_ms", lma.core.timestamp_validity_window, 1, kOneHourMs);
  // RFC 5213 §5.4.1.2.
  t.read("create_new_bce_immediately", lma.core.create_new_bce_immediately);
  t.read("max_bindings", lma.core.max_bindings, 1, 100'000'000);
  t.read("max_bindings_per_mag", lma.core.max_bindings_per_mag, 1, 100'000'000);
  std::filesystem::path state_file;
  if (read_path(t, "state_file", config_dir, state_file)) lma.state_file = state_file;
  t.reject_unknown();
  return lma;
}

MagSection read_mag(Table& t) {
  MagSection mag;
  mag.core.fixed_link_local = nd::kFixedMagLinkLocal;
  t.require("lma_address");
  t.read_as("lma_address", mag.lma_address, value_forms::unicast_address, "a unicast IPv6 address");
  std::vector<std::string> seen;
  read_interfaces(t, "access_interfaces", mag.access_interfaces, seen);
  read_interfaces(t, "core_interfaces", mag.core_interfaces, seen);
  require_non_empty(t, "access_interfaces", mag.access_interfaces);
  require_non_empty(t, "core_interfaces", mag.core_interfaces);

  t.read_as("router_mac", mag.router_mac, value_forms::unicast_mac, "a unicast MAC address");
  t.read_as("router_link_local", mag.core.fixed_link_local, value_forms::link_local_address,
            "a link-local IPv6 address (fe80::/10)");
  t.read("lifetime_s", mag.lifetime, kLifetimeUnitSeconds, value_forms::kMaxLifetimeSeconds);
  t.read("deregister_on_shutdown", mag.deregister_on_shutdown);
  t.read_as("unknown_mn", mag.unknown_mn, parse_unknown_mn, "\"ignore\" or \"derive\"");
  if (t.read("mn_realm", mag.mn_realm) && mag.mn_realm.empty())
    t.fail("mn_realm", "must not be empty");
  t.read_as("replay", mag.core.timestamp_option, parse_replay_uses_timestamp,
            "\"timestamp\" or \"sequence\"");

  // RFC 6275 §12 INITIAL_BINDACK_TIMEOUT / MAX_BINDACK_TIMEOUT, RFC 5213 §6.9.4.
  t.read("initial_bindack_timeout_ms", mag.core.initial_bindack_timeout, 10, 60'000);
  t.read("max_bindack_timeout_ms", mag.core.max_bindack_timeout, 10, 600'000);
  t.read("first_registration_timeout_ms", mag.core.first_registration_timeout, 10, 60'000);
  if (mag.core.max_bindack_timeout < mag.core.initial_bindack_timeout)
    t.fail("max_bindack_timeout_ms", "must not be below initial_bindack_timeout_ms");
  t.read("max_registration_retransmissions", mag.core.max_registration_retransmissions, 0, 100);
  t.read("refresh_at_percent", mag.core.refresh_at_percent, 1, 99);
  // RFC 6275 §12 MAX_UPDATE_RATE; 0 disables the limit.
  t.read("max_updates_per_second", mag.core.max_updates_per_second, 0, 1000);
  t.reject_unknown();
  return mag;
}

DataplaneSection read_dataplane(Table& t) {
  DataplaneSection dp;
  if (t.read("pin_root", dp.pin_root) && !std::filesystem::path(dp.pin_root).is_absolute())
    t.fail("pin_root", "must be an absolute path (a directory on bpffs)");
  t.read("max_bindings", dp.max_bindings, 1, 1 << 24);
  t.read_as("xdp_mode", dp.xdp_mode, parse_xdp_mode,
            "\"native-or-generic\", \"native\" or \"generic\"");
  t.read("outer_hop_limit", dp.outer_hop_limit, 1, 255);
  t.reject_unknown();
  return dp;
}

// A section of the other role is an error, not ignored: it usually means the wrong file.
void reject_other_role(Table& root, Role role) {
  const Role other = role == Role::kLma ? Role::kMag : Role::kLma;
  const std::string_view name = to_string(other);
  root.allow(name);
  if (root.has(name))
    root.fail(name, "section [" + std::string(name) + "] belongs to role " + std::string(name) +
                        ", but this configuration is loaded as role " +
                        std::string(to_string(role)));
}

}  // namespace

std::string_view to_string(Role role) {
  return role == Role::kLma ? "lma" : "mag";
}

std::optional<Role> parse_role(std::string_view text) {
  if (text == "lma") return Role::kLma;
  if (text == "mag") return Role::kMag;
  return std::nullopt;
}

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
  }
  return "info";
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "debug") return LogLevel::kDebug;
  if (text == "info") return LogLevel::kInfo;
  if (text == "warn") return LogLevel::kWarn;
  return std::nullopt;
}

std::optional<std::string> parse_instance_name(std::string_view text) {
  if (text.empty() || text.size() > 64 || text.front() == '.') return std::nullopt;
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return std::nullopt;
  return std::string(text);
}

std::optional<MacAddress> parse_mac_address(std::string_view text) {
  // Exactly "xx:xx:xx:xx:xx:xx": 17 characters, hex pairs separated by colons.
  if (text.size() != 17) return std::nullopt;
  MacAddress mac{};
  for (std::size_t i = 0; i < mac.size(); ++i) {
    const std::size_t at = i * 3;
    if (i > 0 && text[at - 1] != ':') return std::nullopt;
    unsigned value = 0;
    for (std::size_t j = at; j < at + 2; ++j) {
      const auto c = static_cast<unsigned char>(text[j]);
      if (!std::isxdigit(c)) return std::nullopt;
      value = value * 16 +
              static_cast<unsigned>(std::isdigit(c) ? c - '0' : std::tolower(c) - 'a' + 10);
    }
    mac[i] = static_cast<std::uint8_t>(value);
  }
  return mac;
}

std::string ConfigError::message() const {
  std::string text = where.file;
  if (where.line != 0)
    text += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
  if (!text.empty()) text += ": ";
  if (!key.empty()) text += key + ": ";
  return text + reason;
}

ConfigResult<DaemonConfig> parse_config(std::string_view text, const std::filesystem::path& file,
                                        Role role) {
  auto parsed = toml_reader::parse(text, file.string());
  if (!parsed) return tl::unexpected(parsed.error());

  const std::filesystem::path config_dir = std::filesystem::absolute(file).parent_path();
  toml_reader::Document document(file.string());
  Table root(document, *parsed, "");

  DaemonConfig config;
  config.source = std::filesystem::absolute(file).lexically_normal();
  config.role = role;
  config.instance = std::string(to_string(role));
  root.read_as("instance", config.instance, parse_instance_name,
               "a plain name (letters, digits, '-', '_', '.')");

  if (auto log = root.table("log")) {
    log->read_as("level", config.log_level, parse_log_level, "\"debug\", \"info\" or \"warn\"");
    log->reject_unknown();
  }

  root.require("signalling");
  if (auto signalling = root.table("signalling")) {
    signalling->require("address");
    signalling->read_as("address", config.address, value_forms::unicast_address,
                        "a unicast IPv6 address");
    signalling->reject_unknown();
  }

  reject_other_role(root, role);
  const std::string_view own = to_string(role);
  root.require(own);
  if (auto section = root.table(own)) {
    if (role == Role::kLma)
      config.lma = read_lma(*section, config_dir);
    else
      config.mag = read_mag(*section);
  }

  if (auto dp = root.table("dataplane")) config.dataplane = read_dataplane(*dp);

  if (auto control = root.table("control")) {
    std::filesystem::path socket;
    if (read_path(*control, "socket", config_dir, socket)) config.control_socket = socket;
    control->reject_unknown();
  }

  if (auto policy = root.table("policy")) {
    read_path(*policy, "file", config_dir, config.policy_file);
    policy->reject_unknown();
  }

  root.reject_unknown();
  if (document.failed()) return tl::unexpected(document.error());
  return config;
}

ConfigResult<DaemonConfig> load_config(const std::filesystem::path& file, Role role) {
  auto text = toml_reader::read_file(file);
  if (!text) return tl::unexpected(text.error());
  return parse_config(*text, file, role);
}

std::filesystem::path default_control_socket(std::string_view instance) {
  return std::filesystem::path("/run/xpmip") / (std::string(instance) + ".sock");
}

std::filesystem::path control_socket_path(const DaemonConfig& config) {
  return config.control_socket.value_or(default_control_socket(config.instance));
}

std::filesystem::path state_file_path(const DaemonConfig& config) {
  if (config.lma && config.lma->state_file) return *config.lma->state_file;
  return std::filesystem::path("/var/lib/xpmip") / config.instance / "bindings.json";
}

}  // namespace xpmip::daemon
