// The LMA at run time: PBUs from the MH socket through the codec into LmaCore, PBAs back out,
// Bind/Unbind events into the data plane's HNP map, the Binding Cache into the state file after
// every change or refresh, and the core's timers on the event loop. At start the state file's
// records are restored into the core and the pinned map is reconciled with them, so a daemon
// restart leaves forwarding untouched (RFC 5213 §5.3 processing itself lives in LmaCore).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "xpmip/clock.hpp"
#include "xpmip/daemon/config.hpp"
#include "xpmip/daemon/daemon.hpp"
#include "xpmip/daemon/node_setup.hpp"
#include "xpmip/daemon/policy_file.hpp"
#include "xpmip/daemon/runtime_support.hpp"
#include "xpmip/lma_core.hpp"
#include "xpmip/net/event_loop.hpp"
#include "xpmip/net/mh_socket.hpp"

namespace xpmip::daemon {

class LmaRuntime final : public Runtime {
 public:
  // Everything the runtime refers to must outlive it. The error is one line with the fix.
  [[nodiscard]] static tl::expected<std::unique_ptr<LmaRuntime>, std::string> start(
      const DaemonConfig& config, PolicyStore& policy, net::EventLoop& loop, const Clock& clock);

  ~LmaRuntime() override;
  LmaRuntime(const LmaRuntime&) = delete;
  LmaRuntime& operator=(const LmaRuntime&) = delete;

  [[nodiscard]] ControlResult handle(const Request& request) override;
  [[nodiscard]] ControlResult reload_policy() override;
  void shut_down(std::function<void()> done) override;

  [[nodiscard]] const LmaCore& core() const { return core_; }
  [[nodiscard]] const CounterSet& counters() const { return counters_; }

 private:
  LmaRuntime(const DaemonConfig& config, PolicyStore& policy, net::EventLoop& loop,
             const Clock& clock, LmaCore core, net::MhSocket socket, NodeDataplane dataplane);

  [[nodiscard]] SetupResult restore_bindings();
  void on_readable();
  void on_message(const MobilityMessage& message, const net::ReceivedMobilityHeader& received);
  void apply(const LmaOutput& output);
  void send(const OutgoingPba& reply);
  void program(const LmaEvent& event, const LmaOutput& output);
  void save_state();
  void reschedule();
  [[nodiscard]] nlohmann::json status() const;
  [[nodiscard]] nlohmann::json stats() const;

  const DaemonConfig& config_;
  PolicyStore& policy_;
  net::EventLoop& loop_;
  const Clock& clock_;
  SteadyTime started_;
  LmaCore core_;
  net::MhSocket socket_;
  NodeDataplane dataplane_;
  std::filesystem::path state_file_;
  std::optional<net::EventLoop::TimerId> timer_;
  CounterSet counters_;  // signalling events the core does not count (parse errors, ignored)
  SignallingReceiver receiver_;
};

}  // namespace xpmip::daemon
