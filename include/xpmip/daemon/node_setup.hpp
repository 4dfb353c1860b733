// Start-up steps both runtimes share: resolve the configured interfaces, open the data plane and
// attach its programs, enable forwarding where the programs need it. Every failure is one line
// that names what is wrong and how to fix it, since xpmipd prints it and exits with code 1.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "xpmip/dataplane.hpp"
#include "xpmip/daemon/config.hpp"
#include "xpmip/daemon/control_protocol.hpp"
#include "xpmip/daemon/policy_file.hpp"
#include "xpmip/daemon/runtime_support.hpp"
#include "xpmip/clock.hpp"
#include "xpmip/codec.hpp"
#include "xpmip/net/error.hpp"
#include "xpmip/net/mh_socket.hpp"
#include "xpmip/wire.hpp"

namespace xpmip::daemon {

// A start-up failure: "<what failed>: <fix>".
using SetupResult = tl::expected<void, std::string>;

struct Interface {
  std::string name;
  std::uint32_t ifindex = 0;
};

// `config_key` names the configuration key the list came from, for the error message.
[[nodiscard]] tl::expected<std::vector<Interface>, std::string> resolve_interfaces(
    const std::vector<std::string>& names, const std::string& config_key);

// The interface's MTU from sysfs; nullopt when it cannot be read.
[[nodiscard]] std::optional<std::uint32_t> interface_mtu(const std::string& name);
// Whether the interface is administratively up with carrier (IFF_UP and IFF_LOWER_UP).
[[nodiscard]] bool interface_running(const std::string& name);

// Whether the interface already carries `mac` and the IPv6 address `link_local` (RFC 5213 §6.9.3
// identity), so a carrier bounce need not set them again.
[[nodiscard]] bool has_router_identity(const std::string& name, const MacAddress& mac,
                                       const Ipv6Address& link_local);

// Turns on IPv6 forwarding (net.ipv6.conf.all.forwarding, which every interface follows). The
// programs hand a first packet towards an unresolved neighbour to the kernel's forwarding path
// (docs/dataplane.md "First contact"): bpf_fib_lookup answers FWD_DISABLED on an interface that
// does not forward, and ip6_forward() drops unless forwarding is on for all.
[[nodiscard]] SetupResult enable_ipv6_forwarding();

// One program to attach to each of a list of interfaces.
struct ProgramPlacement {
  dataplane::Program program;
  std::vector<Interface> interfaces;
};

// The data plane of a running node and what it attached, for `status`.
struct NodeDataplane {
  dataplane::Dataplane dataplane;
  std::vector<AttachmentInfo> attachments;
};

// Opens (or reuses, after a restart) the pinned data plane of `config.instance`, writes the node
// configuration and attaches every placement. `logger` receives the data plane's messages.
[[nodiscard]] tl::expected<NodeDataplane, std::string> open_node_dataplane(
    const DaemonConfig& config, const dataplane::NodeConfig& node,
    const std::vector<ProgramPlacement>& placements, dataplane::Logger logger);

// `status` answer of a running node.
[[nodiscard]] StatusInfo node_status(const DaemonConfig& config, std::chrono::seconds uptime,
                                     std::size_t bindings, const NodeDataplane& node);

// Re-reads the policy file (all-or-nothing: on error the current policy stays) and says what the
// new one holds, for SIGHUP and `policy reload`.
[[nodiscard]] tl::expected<nlohmann::json, std::string> reload_policy_file(PolicyStore& policy,
                                                                           CounterSet& counters);

// The data plane's counters; all zero (and a warning) when they cannot be read.
[[nodiscard]] dataplane::Counters read_counters(const NodeDataplane& node);

// The error line for a signalling socket that would not open, with the usual fix.
[[nodiscard]] std::string signalling_socket_error(const Ipv6Address& address,
                                                  const net::NetError& error);

// Routes the data plane's messages into spdlog.
void log_dataplane_message(dataplane::LogLevel level, const std::string& message);

// Drains a Mobility Header socket for a runtime: counts what arrives ("rx_messages"), decodes it
// (the kernel already verified the checksum: IPV6_CHECKSUM), counts a malformed message by reason
// ("parse_error_<reason>") and logs it at debug with its source and, so that a flood cannot fill
// the log, at most one warning per interval. Every well-formed message goes to the handler.
class SignallingReceiver {
 public:
  using Handler =
      std::function<void(const MobilityMessage& message, const net::ReceivedMobilityHeader& from)>;

  void drain(net::MhSocket& socket, CounterSet& counters, const Clock& clock,
             const Handler& handle);

 private:
  void report_malformed(CounterSet& counters, const Ipv6Address& source, const ParseError& error,
                        SteadyTime now);

  std::optional<SteadyTime> last_warning_;
};

// The hint for a failed redirect: veth peers need XDP or GRO to accept redirected frames
// (dataplane-notes.md §6); logged once when the counters suggest it.
[[nodiscard]] std::string veth_redirect_hint(const std::vector<Interface>& interfaces);

}  // namespace xpmip::daemon
