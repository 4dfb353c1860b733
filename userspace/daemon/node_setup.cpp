// Interface resolution, data-plane opening and attachment for xpmipd (see node_setup.hpp).
#include "xpmip/daemon/node_setup.hpp"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include <spdlog/spdlog.h>

#include "xpmip/address.hpp"

namespace xpmip::daemon {

// Address and prefix text (xpmip/address.hpp) next to this namespace's own to_string overloads.
using xpmip::to_string;

namespace {

// Interface queries go through ioctl on a socket, not /sys/class/net: sysfs shows the network
// namespace it was mounted in, which is not ours when the daemon was started with nsenter.
// `request_data` comes zero-initialised apart from the request's own fields.
bool interface_ioctl(const std::string& name, unsigned long request, ifreq& request_data) {
  if (name.size() >= IFNAMSIZ) return false;
  const int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  std::memcpy(request_data.ifr_name, name.c_str(), name.size());
  const bool ok = ::ioctl(fd, request, &request_data) == 0;
  ::close(fd);
  return ok;
}

bool is_veth(const std::string& name) {
  ethtool_drvinfo info{};
  info.cmd = ETHTOOL_GDRVINFO;
  ifreq request{};
  request.ifr_data = reinterpret_cast<char*>(&info);
  return interface_ioctl(name, SIOCETHTOOL, request) && std::strcmp(info.driver, "veth") == 0;
}

// The control protocol names programs by role ("lma_external"), without the BPF symbol prefix.
std::string status_program_name(dataplane::Program program) {
  constexpr std::string_view kSymbolPrefix = "xpmip_";
  std::string_view name = dataplane::program_name(program);
  if (name.starts_with(kSymbolPrefix)) name.remove_prefix(kSymbolPrefix.size());
  return std::string(name);
}

}  // namespace

tl::expected<std::vector<Interface>, std::string> resolve_interfaces(
    const std::vector<std::string>& names, const std::string& config_key) {
  std::vector<Interface> interfaces;
  for (const auto& name : names) {
    const unsigned ifindex = if_nametoindex(name.c_str());
    if (ifindex == 0) {
      return tl::make_unexpected("interface " + name + " (" + config_key +
                                 ") does not exist in this network namespace: create it or fix " +
                                 config_key);
    }
    interfaces.push_back(Interface{name, ifindex});
  }
  return interfaces;
}

std::optional<std::uint32_t> interface_mtu(const std::string& name) {
  ifreq request{};
  if (!interface_ioctl(name, SIOCGIFMTU, request) || request.ifr_mtu <= 0) return std::nullopt;
  return static_cast<std::uint32_t>(request.ifr_mtu);
}

bool interface_running(const std::string& name) {
  // IFF_RUNNING is the operational state: administratively up and the carrier present.
  ifreq request{};
  if (!interface_ioctl(name, SIOCGIFFLAGS, request)) return false;
  return (request.ifr_flags & IFF_UP) != 0 && (request.ifr_flags & IFF_RUNNING) != 0;
}

bool has_router_identity(const std::string& name, const MacAddress& mac,
                         const Ipv6Address& link_local) {
  ifreq request{};
  if (!interface_ioctl(name, SIOCGIFHWADDR, request) ||
      std::memcmp(request.ifr_hwaddr.sa_data, mac.data(), mac.size()) != 0) {
    return false;
  }
  ifaddrs* addresses = nullptr;
  if (::getifaddrs(&addresses) != 0) return false;
  bool found = false;
  for (const ifaddrs* a = addresses; a != nullptr && !found; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET6 || name != a->ifa_name)
      continue;
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(a->ifa_addr);
    found = std::memcmp(&in6->sin6_addr, link_local.data(), link_local.size()) == 0;
  }
  ::freeifaddrs(addresses);
  return found;
}

SetupResult enable_ipv6_forwarding() {
  const std::string path = "/proc/sys/net/ipv6/conf/all/forwarding";
  std::ofstream out(path);
  out << "1\n";
  out.flush();
  if (!out) {
    return tl::make_unexpected("cannot enable IPv6 forwarding (" + path +
                               "): run as root with a writable /proc/sys, or set it beforehand");
  }
  return {};
}

tl::expected<NodeDataplane, std::string> open_node_dataplane(
    const DaemonConfig& config, const dataplane::NodeConfig& node,
    const std::vector<ProgramPlacement>& placements, dataplane::Logger logger) {
  dataplane::Options options;
  options.instance = config.instance;
  options.pin_root = config.dataplane.pin_root;
  options.max_bindings = config.dataplane.max_bindings;
  options.logger = std::move(logger);
  auto opened = dataplane::Dataplane::open(options);
  if (!opened) return tl::make_unexpected("data plane: " + opened.error().message());
  NodeDataplane result{std::move(*opened), {}};
  if (auto written = result.dataplane.set_config(node); !written) {
    return tl::make_unexpected("data plane: " + written.error().message());
  }
  for (const auto& placement : placements) {
    for (const auto& interface : placement.interfaces) {
      auto attached =
          result.dataplane.attach(placement.program, interface.ifindex, config.dataplane.xdp_mode);
      if (!attached) {
        return tl::make_unexpected(std::string("attach ") +
                                   dataplane::program_name(placement.program) + " to " +
                                   interface.name + ": " + attached.error().message());
      }
      result.attachments.push_back(AttachmentInfo{
          .program = status_program_name(placement.program),
          .interface = interface.name,
          .ifindex = interface.ifindex,
          .link_id = attached->link_id,
          .prog_id = attached->prog_id,
          .generic = attached->generic,
      });
    }
  }
  return result;
}

StatusInfo node_status(const DaemonConfig& config, std::chrono::seconds uptime,
                       std::size_t bindings, const NodeDataplane& node) {
  return StatusInfo{
      .role = config.role,
      .instance = config.instance,
      .version = XPMIP_VERSION,
      .pid = getpid(),
      .uptime = uptime,
      .address = config.address,
      .bindings = bindings,
      .policy_file = config.policy_file.string(),
      .pin_dir = node.dataplane.pin_dir(),
      .attachments = node.attachments,
  };
}

tl::expected<nlohmann::json, std::string> reload_policy_file(PolicyStore& policy,
                                                             CounterSet& counters) {
  if (auto reloaded = policy.reload(); !reloaded) {
    spdlog::warn("policy reload failed, keeping the current policy: {}",
                 reloaded.error().message());
    return tl::make_unexpected("policy reload failed: " + reloaded.error().message());
  }
  counters.add("policy_reloads");
  const auto& file = policy.current();
  spdlog::info("policy reloaded from {}: {} MAG(s), {} mobile node(s)", file.source.string(),
               file.mags.size(), file.mobile_nodes.size());
  return nlohmann::json{{"policy_file", file.source.string()},
                        {"mags", file.mags.size()},
                        {"mobile_nodes", file.mobile_nodes.size()}};
}

dataplane::Counters read_counters(const NodeDataplane& node) {
  auto read = node.dataplane.counters();
  if (read) return *read;
  spdlog::warn("data plane counters: {}", read.error().message());
  return dataplane::Counters{};
}

std::string signalling_socket_error(const Ipv6Address& address, const net::NetError& error) {
  std::string text = "signalling socket: " + error.message();
  if (error.error_number == EADDRNOTAVAIL) {
    text += ". Fix: configure " + to_string(address) + " on an interface (ip -6 addr add " +
            to_string(address) + "/128 dev <if> nodad) or correct [signalling].address";
  } else if (error.error_number == EPERM || error.error_number == EACCES) {
    text += ". Fix: run xpmipd as root (raw sockets need CAP_NET_RAW)";
  }
  return text;
}

void log_dataplane_message(dataplane::LogLevel level, const std::string& message) {
  switch (level) {
    case dataplane::LogLevel::kDebug:
      spdlog::debug("dataplane: {}", message);
      return;
    case dataplane::LogLevel::kInfo:
      spdlog::info("dataplane: {}", message);
      return;
    case dataplane::LogLevel::kWarn:
      spdlog::warn("dataplane: {}", message);
      return;
  }
}

void SignallingReceiver::drain(net::MhSocket& socket, CounterSet& counters, const Clock& clock,
                               const Handler& handle) {
  for (;;) {
    auto received = socket.receive();
    if (!received) {
      counters.add("receive_errors");
      spdlog::warn("signalling: {}", received.error().message());
      return;
    }
    if (!*received) return;
    const net::ReceivedMobilityHeader& message = **received;
    counters.add("rx_messages");
    auto decoded = parse_mobility_header(message.bytes, std::nullopt);
    if (!decoded) {
      report_malformed(counters, message.source, decoded.error(), clock.now());
      continue;
    }
    handle(decoded->message, message);
  }
}

void SignallingReceiver::report_malformed(CounterSet& counters, const Ipv6Address& source,
                                          const ParseError& error, SteadyTime now) {
  constexpr std::chrono::seconds kWarningInterval{10};
  const std::string_view reason = to_string(error.kind);
  counters.add("parse_error_" + std::string(reason));
  spdlog::debug("signalling: malformed MH from {}: {} ({})", to_string(source), reason,
                error.detail);
  if (last_warning_ && now - *last_warning_ < kWarningInterval) return;
  last_warning_ = now;
  spdlog::warn("signalling: malformed MH from {}: {} (more within {} s only at debug level)",
               to_string(source), reason, kWarningInterval.count());
}

std::string veth_redirect_hint(const std::vector<Interface>& interfaces) {
  std::string names;
  for (const auto& interface : interfaces) {
    if (is_veth(interface.name)) names += (names.empty() ? "" : ", ") + interface.name;
  }
  if (names.empty()) return {};
  return "frames redirected into " + names +
         " (veth?) are dropped silently unless the peer has an XDP program or GRO on "
         "(ethtool -K <peer> gro on); see the xdp:xdp_redirect_err tracepoint";
}

}  // namespace xpmip::daemon
