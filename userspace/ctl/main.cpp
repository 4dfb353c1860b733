// xpmipctl: the operator's view of a running xpmipd (status, bindings, stats) and its few
// actions (attach/detach an MN on a MAG, reload the policy). Exit codes: 0 ok, 1 the daemon
// answered with an error (or the command line is wrong), 2 the daemon cannot be reached.
#include <iostream>

#include <CLI/CLI.hpp>

#include "client.hpp"
#include "table.hpp"
#include "xpmip/daemon/config.hpp"

namespace {

using xpmip::daemon::Command;
using xpmip::daemon::Request;

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUnreachable = 2;

// --mac / --mn-id: exactly one names the mobile node.
bool select_mn(const std::string& mac, const std::string& mn_id, Request& request) {
  if (mac.empty() == mn_id.empty()) {
    std::cerr << "xpmipctl: give exactly one of --mac or --mn-id\n";
    return false;
  }
  if (!mn_id.empty()) {
    request.mn_id = mn_id;
    return true;
  }
  request.mac = xpmip::daemon::parse_mac_address(mac);
  if (!request.mac) std::cerr << "xpmipctl: not a MAC address: " << mac << "\n";
  return request.mac.has_value();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Control a running xpmipd (PMIPv6 LMA/MAG)", "xpmipctl"};
  app.require_subcommand(1);
  std::string instance;
  std::string socket;
  bool json = false;
  bool pretty = false;
  app.add_option("--instance", instance, "daemon instance (socket /run/xpmip/NAME.sock)");
  app.add_option("--socket", socket, "control socket path")->excludes("--instance");
  app.add_flag("--json", json, "print the result JSON as the daemon sent it (one line)");
  app.add_flag("--pretty", pretty, "with --json: indent the JSON");

  Request request;
  std::string mac;
  std::string mn_id;
  std::string interface;
  app.add_subcommand("status", "role, address, uptime, data-plane attachments")->callback([&] {
    request.command = Command::kStatus;
  });
  app.add_subcommand("bindings", "binding cache (LMA) or binding update list (MAG)")->callback([&] {
    request.command = Command::kBindings;
  });
  app.add_subcommand("stats", "signalling, PBA status and data-plane counters")->callback([&] {
    request.command = Command::kStats;
  });
  CLI::App* mn = app.add_subcommand("mn", "attach or detach a mobile node (MAG)");
  mn->require_subcommand(1);
  CLI::App* attach = mn->add_subcommand("attach", "register an MN on an access interface");
  attach->add_option("--interface", interface, "access interface")->required();
  attach->add_option("--mac", mac, "MN MAC address");
  attach->add_option("--mn-id", mn_id, "MN identifier (NAI)");
  attach->callback([&] { request.command = Command::kMnAttach; });
  CLI::App* detach = mn->add_subcommand("detach", "de-register an MN");
  detach->add_option("--mac", mac, "MN MAC address");
  detach->add_option("--mn-id", mn_id, "MN identifier (NAI)");
  detach->callback([&] { request.command = Command::kMnDetach; });
  CLI::App* policy = app.add_subcommand("policy", "policy file");
  policy->require_subcommand(1);
  policy->add_subcommand("reload", "re-read the policy file; bindings stay")->callback([&] {
    request.command = Command::kPolicyReload;
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitError;
  }
  if (request.command == Command::kMnAttach || request.command == Command::kMnDetach) {
    if (!select_mn(mac, mn_id, request)) return kExitError;
    if (request.command == Command::kMnAttach) request.interface = interface;
  }

  auto path = xpmip::ctl::choose_socket(socket, instance);
  if (!path) {
    std::cerr << "xpmipctl: " << path.error().message << "\n";
    return path.error().unreachable ? kExitUnreachable : kExitError;
  }
  auto response = xpmip::ctl::call(*path, request);
  if (!response) {
    std::cerr << "xpmipctl: " << response.error().message << "\n";
    return response.error().unreachable ? kExitUnreachable : kExitError;
  }
  if (!response->ok) {
    std::cerr << "xpmipctl: " << response->error << "\n";
    return kExitError;
  }
  std::cout << (json ? xpmip::ctl::render_json(response->result, pretty)
                     : xpmip::ctl::render_result(request.command, response->result));
  return kExitOk;
}
