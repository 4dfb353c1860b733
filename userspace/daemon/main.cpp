// xpmipd: the PMIPv6 LMA or MAG daemon. Reads the configuration and policy, starts the role's
// runtime and the control socket, then runs the event loop until SIGTERM/SIGINT (SIGHUP reloads
// the policy). Start-up errors are one line with the fix, and exit code 1.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "xpmip/clock.hpp"
#include "xpmip/daemon/config.hpp"
#include "xpmip/daemon/control_server.hpp"
#include "xpmip/daemon/daemon.hpp"
#include "xpmip/daemon/lma_runtime.hpp"
#include "xpmip/daemon/mag_runtime.hpp"
#include "xpmip/daemon/policy_file.hpp"
#include "xpmip/net/event_loop.hpp"

namespace {

using namespace xpmip;
using namespace xpmip::daemon;

int fail(const std::string& message) {
  spdlog::error("{}", message);
  return 1;
}

spdlog::level::level_enum spdlog_level(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
  }
  return spdlog::level::info;
}

tl::expected<std::unique_ptr<Runtime>, std::string> start_runtime(const DaemonConfig& config,
                                                                  PolicyStore& policy,
                                                                  net::EventLoop& loop,
                                                                  const Clock& clock) {
  if (config.role == Role::kLma) {
    auto lma = LmaRuntime::start(config, policy, loop, clock);
    if (!lma) return tl::make_unexpected(lma.error());
    return std::unique_ptr<Runtime>(std::move(*lma));
  }
  auto mag = MagRuntime::start(config, policy, loop, clock);
  if (!mag) return tl::make_unexpected(mag.error());
  return std::unique_ptr<Runtime>(std::move(*mag));
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("xpmipd"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  CLI::App app{"xpmipd: Proxy Mobile IPv6 (RFC 5213) LMA or MAG with an XDP data plane"};
  std::string role_text;
  std::string config_file;
  std::string instance;
  std::string log_level_text;
  bool check_config = false;
  app.add_option("--role", role_text, "lma or mag")
      ->required()
      ->check(CLI::IsMember({"lma", "mag"}));
  app.add_option("--config", config_file, "configuration file (TOML)")->required();
  app.add_option(
      "--instance", instance,
      "instance name: pins under <pin_root>/<instance>, socket /run/xpmip/<instance>.sock");
  app.add_option("--log-level", log_level_text, "debug, info or warn (overrides [log].level)")
      ->check(CLI::IsMember({"debug", "info", "warn"}));
  app.add_flag("--check-config", check_config, "validate the configuration and policy, then exit");
  CLI11_PARSE(app, argc, argv);

  if (!check_config && geteuid() != 0) {
    return fail("xpmipd needs root (raw sockets, BPF, netlink): run it as root or with sudo");
  }
  const Role role = *parse_role(role_text);
  auto config = load_config(config_file, role);
  if (!config) return fail(config.error().message());
  if (!instance.empty()) config->instance = instance;
  const LogLevel level =
      log_level_text.empty() ? config->log_level : *parse_log_level(log_level_text);
  spdlog::set_level(spdlog_level(level));

  const Ipv6Address& policy_anchor =
      role == Role::kLma ? config->address : config->mag->lma_address;
  auto policy = PolicyStore::load(config->policy_file, policy_anchor);
  if (!policy) return fail(policy.error().message());
  if (check_config) {
    std::printf("%s: configuration and %s are valid\n", config_file.c_str(),
                config->policy_file.c_str());
    return 0;
  }

  SystemClock clock;
  auto loop = net::EventLoop::create(clock);
  if (!loop) return fail("event loop: " + loop.error().message());
  auto runtime = start_runtime(*config, **policy, *loop, clock);
  if (!runtime) return fail(runtime.error());

  const auto socket_path = control_socket_path(*config);
  auto control = ControlServer::open(
      *loop, socket_path, [&](const Request& request) { return (*runtime)->handle(request); });
  if (!control) {
    return fail("control socket " + socket_path.string() + ": " + control.error().message() +
                ". Fix: stop the other xpmipd of this instance, or choose another --instance");
  }

  bool stopping = false;
  auto watched = loop->watch_signals({SIGTERM, SIGINT, SIGHUP}, [&](int signal_number) {
    if (signal_number == SIGHUP) {
      (void)(*runtime)->reload_policy();
      return;
    }
    if (stopping) return;
    stopping = true;
    spdlog::info("signal {}: stopping", signal_number);
    (*runtime)->shut_down([&] { loop->stop(); });
  });
  if (!watched) return fail("signals: " + watched.error().message());

  spdlog::info("xpmipd {} ({}) ready, control socket {}", config->instance, to_string(role),
               socket_path.string());
  if (auto ran = loop->run(); !ran) return fail("event loop: " + ran.error().message());
  control->reset();
  runtime->reset();
  spdlog::info("xpmipd {} stopped", config->instance);
  return 0;
}
