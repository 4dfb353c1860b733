// The control protocol between xpmipd and xpmipctl (docs/control-protocol.md): newline-delimited
// JSON, one request object per line, one response object per line. Field names are an API:
// they are spelled here once and nowhere else. The result builders turn the cores' views into
// the documented JSON so the daemon and the CLI agree by construction.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "xpmip/dataplane.hpp"
#include "xpmip/daemon/config.hpp"
#include "xpmip/lma_core.hpp"
#include "xpmip/lma_types.hpp"
#include "xpmip/mag_core.hpp"

namespace xpmip::daemon {

// Requests longer than this (without the newline) are refused and the connection closed.
inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;

enum class Command : std::uint8_t {
  kStatus,        // "status"
  kBindings,      // "bindings"
  kStats,         // "stats"
  kMnAttach,      // "mn.attach" (MAG): interface + (mac | mn_id)
  kMnDetach,      // "mn.detach" (MAG): mac | mn_id
  kPolicyReload,  // "policy.reload"
};

[[nodiscard]] std::string_view command_name(Command command);
[[nodiscard]] std::optional<Command> parse_command(std::string_view name);

struct Request {
  Command command = Command::kStatus;
  std::optional<std::string> interface;  // mn.attach
  std::optional<MacAddress> mac;         // mn.attach / mn.detach
  std::optional<std::string> mn_id;      // mn.attach / mn.detach (an NAI)
  auto operator<=>(const Request&) const = default;
};

// A request line -> Request; the error text is what the daemon sends back
// (e.g. "unknown command \"bind\"", "mn.attach needs \"interface\"").
[[nodiscard]] tl::expected<Request, std::string> parse_request(std::string_view line);
// One line of JSON without the trailing newline.
[[nodiscard]] std::string encode_request(const Request& request);

struct Response {
  bool ok = false;
  nlohmann::json result;  // when ok
  std::string error;      // when !ok
};

[[nodiscard]] std::string encode_ok(const nlohmann::json& result);
[[nodiscard]] std::string encode_error(std::string_view message);
[[nodiscard]] tl::expected<Response, std::string> parse_response(std::string_view line);

// ---- results ----

struct AttachmentInfo {
  std::string program;  // dataplane::program_name()
  std::string interface;
  std::uint32_t ifindex = 0;
  std::uint32_t link_id = 0;
  std::uint32_t prog_id = 0;
  bool generic = false;  // "mode": "generic" | "native"
};

struct StatusInfo {
  Role role = Role::kLma;
  std::string instance;
  std::string version;
  std::int64_t pid = 0;
  std::chrono::seconds uptime{0};
  Ipv6Address address{};
  std::size_t bindings = 0;
  std::string policy_file;
  std::string pin_dir;
  std::vector<AttachmentInfo> attachments;
};

[[nodiscard]] nlohmann::json status_json(const StatusInfo& status);

// LMA `bindings`.
[[nodiscard]] nlohmann::json lma_bindings_json(const std::vector<BindingRecord>& records);

// MAG `bindings`: the core's view plus what only the runtime knows.
struct MagBindingRow {
  MagBindingView view;
  std::string interface;  // name of view.session.access_interface
  std::optional<MacAddress> mn_mac;
};
[[nodiscard]] nlohmann::json mag_bindings_json(const std::vector<MagBindingRow>& rows);

// `stats`: signalling counters of the role's core, PBA status histogram (only codes seen) and the
// data plane's counters by xpmip_counter_names.
[[nodiscard]] nlohmann::json lma_stats_json(const LmaStats& stats,
                                            const dataplane::Counters& counters);
[[nodiscard]] nlohmann::json mag_stats_json(const MagStats& stats,
                                            const dataplane::Counters& counters);

}  // namespace xpmip::daemon
