// The MAG at run time (RFC 5213 §6): the access links prepared with the shared router identity
// (§6.9.3, RFC 6543), MNs detected by RS / link / neighbour events and recognised by MAC through
// the policy, MagCore's PBUs out and PBAs in over the MH socket, accepted bindings programmed into
// the data plane and announced with unicast RAs carrying the HNPs (§6.9.2), detaches
// de-registered (§6.9.1.4) and their prefixes withdrawn.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "xpmip/clock.hpp"
#include "xpmip/daemon/attach_detector.hpp"
#include "xpmip/daemon/config.hpp"
#include "xpmip/daemon/daemon.hpp"
#include "xpmip/daemon/node_setup.hpp"
#include "xpmip/daemon/policy_file.hpp"
#include "xpmip/daemon/runtime_support.hpp"
#include "xpmip/mag_core.hpp"
#include "xpmip/net/event_loop.hpp"
#include "xpmip/net/link_watcher.hpp"
#include "xpmip/net/mh_socket.hpp"
#include "xpmip/net/router_discovery_socket.hpp"

namespace xpmip::daemon {

class MagRuntime final : public Runtime {
 public:
  // Everything the runtime refers to must outlive it. The error is one line with the fix.
  [[nodiscard]] static tl::expected<std::unique_ptr<MagRuntime>, std::string> start(
      const DaemonConfig& config, PolicyStore& policy, net::EventLoop& loop, const Clock& clock);

  ~MagRuntime() override;
  MagRuntime(const MagRuntime&) = delete;
  MagRuntime& operator=(const MagRuntime&) = delete;

  [[nodiscard]] ControlResult handle(const Request& request) override;
  [[nodiscard]] ControlResult reload_policy() override;
  void shut_down(std::function<void()> done) override;

  [[nodiscard]] const MagCore& core() const { return core_; }
  [[nodiscard]] const CounterSet& counters() const { return counters_; }

 private:
  struct AccessLink {
    Interface interface;
    std::optional<net::RouterDiscoverySocket> router_discovery;  // open while the link is up
  };
  // What the runtime knows of a session beyond the core: where the MN is on the link.
  struct SessionLink {
    MnOnLink mn;
  };
  // A bound session's announcement (RFC 5213 §6.9.2), repeated before its lifetimes run out.
  struct Advertised {
    std::vector<Prefix> hnps;
    std::chrono::seconds lifetime{0};
    std::optional<net::EventLoop::TimerId> repeat;
  };

  MagRuntime(const DaemonConfig& config, PolicyStore& policy, net::EventLoop& loop,
             const Clock& clock, MagCore core, net::MhSocket socket, NodeDataplane dataplane,
             std::map<int, AccessLink> access, std::uint32_t core_mtu);

  [[nodiscard]] SetupResult prepare_access_link(AccessLink& link);
  [[nodiscard]] SetupResult open_watcher();
  void on_signalling_readable();
  void on_message(const MobilityMessage& message, const net::ReceivedMobilityHeader& received);
  void on_solicitation_readable(int ifindex);
  void on_detections(const std::vector<Detection>& detections);
  void on_link_up(int ifindex);
  void attach_sole_mn(int ifindex, const char* cause);

  [[nodiscard]] std::optional<MagMnProfile> profile_for(const MacAddress& mac) const;
  [[nodiscard]] ControlResult attach(const MagMnProfile& profile, const MnOnLink& mn,
                                     const char* cause);
  [[nodiscard]] std::size_t detach(const MnOnLink& mn, const char* cause);
  void apply(const MagActions& actions);
  void send(const PbuToSend& message);
  void on_bind(const MagBindEvent& bind);
  void on_unbind(const MagUnbindEvent& unbind);
  void advertise(const MagSessionKey& key);
  void advertise(const MnOnLink& mn, const nd::RouterAdvertisement& ra);
  void reconcile_map();
  void reschedule();
  void check_shutdown_complete();
  [[nodiscard]] std::optional<MnOnLink> mn_of(const MagSessionKey& key) const;
  [[nodiscard]] std::string interface_name(int ifindex) const;
  [[nodiscard]] nlohmann::json stats() const;

  const DaemonConfig& config_;
  const MagSection& mag_;
  PolicyStore& policy_;
  net::EventLoop& loop_;
  const Clock& clock_;
  SteadyTime started_;
  MagCore core_;
  net::MhSocket socket_;
  NodeDataplane dataplane_;
  std::map<int, AccessLink> access_;
  std::uint32_t core_mtu_;
  AttachDetector detector_;
  std::unique_ptr<net::LinkWatcher> watcher_;
  std::map<MagSessionKey, SessionLink> sessions_;
  std::map<MagSessionKey, Advertised> advertised_;
  std::optional<net::EventLoop::TimerId> timer_;
  std::optional<net::EventLoop::TimerId> reconcile_timer_;
  CounterSet counters_;  // signalling events the core does not count (parse errors, ignored)
  SignallingReceiver receiver_;
  std::function<void()> shutdown_done_;
  std::optional<net::EventLoop::TimerId> shutdown_timer_;
};

}  // namespace xpmip::daemon
