// MAG runtime: adapters between the access links, the MH socket, MagCore and the data plane.
#include "xpmip/daemon/mag_runtime.hpp"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "xpmip/address.hpp"
#include "xpmip/codec.hpp"
#include "xpmip/net/access_link.hpp"
#include "xpmip/net/mac_text.hpp"

namespace xpmip::daemon {

// Address and prefix text (xpmip/address.hpp) next to this namespace's own to_string overloads.
using xpmip::to_string;

namespace {

// After a restart the pinned map still holds the previous run's bindings, which keep forwarding
// while the MNs are re-detected; entries no session claims by then are removed.
constexpr std::chrono::seconds kRestartGrace{10};
// RFC 5213 §6.9.1.4 asks for the de-registration's PBA; on shutdown we wait this long at most.
constexpr std::chrono::milliseconds kShutdownPbaWait{1000};
constexpr std::uint32_t kDefaultMtu = 1500;

std::string to_text(MagError error) {
  switch (error) {
    case MagError::kInvalidConfig:
      return "invalid MAG configuration";
    case MagError::kInvalidAttachment:
      return "attachment is invalid (MN-ID, LMA address or lifetime missing)";
    case MagError::kUnknownSession:
      return "no such session";
    case MagError::kServiceDenied:
      return "the LMA denied service to this MN (status 152); release it first";
    case MagError::kAwaitingTimeSync:
      return "held until the clock is synchronised (status 156)";
    case MagError::kHeldForOperator:
      return "held for the operator (the LMA's PBA did not echo the request)";
    case MagError::kNotHeld:
      return "session is not held";
  }
  return "unknown error";
}

std::vector<std::uint8_t> link_layer_id(const MacAddress& mac) {
  return std::vector<std::uint8_t>(mac.begin(), mac.end());
}

}  // namespace

tl::expected<std::unique_ptr<MagRuntime>, std::string> MagRuntime::start(const DaemonConfig& config,
                                                                         PolicyStore& policy,
                                                                         net::EventLoop& loop,
                                                                         const Clock& clock) {
  const MagSection& mag = *config.mag;
  auto access_links = resolve_interfaces(mag.access_interfaces, "[mag].access_interfaces");
  if (!access_links) return tl::make_unexpected(access_links.error());
  auto core_links = resolve_interfaces(mag.core_interfaces, "[mag].core_interfaces");
  if (!core_links) return tl::make_unexpected(core_links.error());

  auto socket = net::MhSocket::open(config.address);
  if (!socket) return tl::make_unexpected(signalling_socket_error(config.address, socket.error()));
  auto core = MagCore::create(mag.core, clock);
  if (!core) return tl::make_unexpected("[mag] timers are inconsistent: " + to_text(core.error()));
  if (auto forwarding = enable_ipv6_forwarding(); !forwarding)
    return tl::make_unexpected(forwarding.error());

  dataplane::NodeConfig node;
  node.self = config.address;
  node.peer = mag.lma_address;
  node.access_mac = mag.router_mac;
  node.outer_hop_limit = config.dataplane.outer_hop_limit;
  auto dataplane = open_node_dataplane(config, node,
                                       {{dataplane::Program::kMagAccess, *access_links},
                                        {dataplane::Program::kMagCore, *core_links}},
                                       log_dataplane_message);
  if (!dataplane) return tl::make_unexpected(dataplane.error());
  if (auto hint = veth_redirect_hint(*access_links); !hint.empty()) spdlog::info("{}", hint);

  std::uint32_t core_mtu = UINT32_MAX;
  for (const auto& link : *core_links)
    core_mtu = std::min(core_mtu, interface_mtu(link.name).value_or(kDefaultMtu));
  std::map<int, AccessLink> access;
  for (const auto& link : *access_links)
    access.emplace(static_cast<int>(link.ifindex), AccessLink{link, std::nullopt});

  std::unique_ptr<MagRuntime> runtime(new MagRuntime(config, policy, loop, clock, std::move(*core),
                                                     std::move(*socket), std::move(*dataplane),
                                                     std::move(access), core_mtu));
  for (auto& [ifindex, link] : runtime->access_) {
    if (auto prepared = runtime->prepare_access_link(link); !prepared)
      return tl::make_unexpected(prepared.error());
  }
  if (auto watched = runtime->open_watcher(); !watched) return tl::make_unexpected(watched.error());
  if (auto watched =
          loop.watch(runtime->socket_.fd(), [r = runtime.get()] { r->on_signalling_readable(); });
      !watched) {
    return tl::make_unexpected("event loop: " + watched.error().message());
  }
  // A restart finds its MN already on the link: no carrier change will announce it.
  for (const auto& [ifindex, link] : runtime->access_) {
    if (runtime->detector_.link_up(ifindex)) runtime->attach_sole_mn(ifindex, "carrier at start");
  }
  runtime->reconcile_timer_ = loop.schedule_at(clock.now() + kRestartGrace, [r = runtime.get()] {
    r->reconcile_timer_.reset();
    r->reconcile_map();
  });
  spdlog::info("mag {} proxy-CoA {}, LMA {}, {} access interface(s)", config.instance,
               to_string(config.address), to_string(mag.lma_address), runtime->access_.size());
  return runtime;
}

MagRuntime::MagRuntime(const DaemonConfig& config, PolicyStore& policy, net::EventLoop& loop,
                       const Clock& clock, MagCore core, net::MhSocket socket,
                       NodeDataplane dataplane, std::map<int, AccessLink> access,
                       std::uint32_t core_mtu)
    : config_(config),
      mag_(*config.mag),
      policy_(policy),
      loop_(loop),
      clock_(clock),
      started_(clock.now()),
      core_(std::move(core)),
      socket_(std::move(socket)),
      dataplane_(std::move(dataplane)),
      access_(std::move(access)),
      core_mtu_(core_mtu),
      detector_([&] {
        std::map<int, bool> up;
        for (const auto& [ifindex, link] : access_)
          up[ifindex] = interface_running(link.interface.name);
        return up;
      }()) {}

MagRuntime::~MagRuntime() {
  loop_.unwatch(socket_.fd());
  if (watcher_) loop_.unwatch(watcher_->fd());
  for (auto& [ifindex, link] : access_) {
    if (link.router_discovery) loop_.unwatch(link.router_discovery->fd());
  }
  for (auto& [key, advertised] : advertised_) {
    if (advertised.repeat) loop_.cancel(*advertised.repeat);
  }
  for (const auto* timer : {&timer_, &reconcile_timer_, &shutdown_timer_}) {
    if (*timer) loop_.cancel(**timer);
  }
}

SetupResult MagRuntime::prepare_access_link(AccessLink& link) {
  // RFC 5213 §6.9.3: the same link-layer and link-local address on every access link of every
  // MAG, so the MN's default router does not change across a handoff.
  const net::RouterIdentity identity{mag_.router_mac, mag_.core.fixed_link_local};
  const int ifindex = static_cast<int>(link.interface.ifindex);
  if (auto adopted = net::adopt_router_identity(ifindex, identity); !adopted) {
    return tl::make_unexpected("access interface " + link.interface.name + ": " +
                               adopted.error().message());
  }
  if (link.router_discovery) return {};
  auto opened = net::RouterDiscoverySocket::open(ifindex, identity.link_local);
  if (!opened) {
    return tl::make_unexpected("router discovery on " + link.interface.name + ": " +
                               opened.error().message());
  }
  link.router_discovery.emplace(std::move(*opened));
  if (auto watched = loop_.watch(link.router_discovery->fd(),
                                 [this, ifindex] { on_solicitation_readable(ifindex); });
      !watched) {
    return tl::make_unexpected("event loop: " + watched.error().message());
  }
  return {};
}

SetupResult MagRuntime::open_watcher() {
  std::set<int> ifindexes;
  for (const auto& [ifindex, link] : access_) ifindexes.insert(ifindex);
  auto opened = net::LinkWatcher::open(ifindexes, [this](const net::NetlinkEvent& event) {
    if (const auto* link = std::get_if<net::LinkEvent>(&event)) {
      on_detections(detector_.on_link(*link));
    } else {
      on_detections(detector_.on_neighbour(std::get<net::NeighbourEvent>(event)));
    }
  });
  if (!opened) return tl::make_unexpected("link watcher: " + opened.error().message());
  watcher_ = std::move(*opened);
  if (auto watched = loop_.watch(watcher_->fd(),
                                 [this] {
                                   if (auto done = watcher_->dispatch(); !done) {
                                     // ENOBUFS: notifications were lost; read the state again.
                                     counters_.add("netlink_resyncs");
                                     spdlog::warn("link watcher: {}", done.error().message());
                                     (void)watcher_->request_neighbour_dump();
                                   }
                                 });
      !watched) {
    return tl::make_unexpected("event loop: " + watched.error().message());
  }
  // MNs that attached before this start (a daemon restart) are re-detected from the cache.
  if (auto dumped = watcher_->request_neighbour_dump(); !dumped)
    return tl::make_unexpected("link watcher: " + dumped.error().message());
  return {};
}

void MagRuntime::on_signalling_readable() {
  receiver_.drain(socket_, counters_, clock_,
                  [this](const MobilityMessage& message, const net::ReceivedMobilityHeader& from) {
                    on_message(message, from);
                  });
}

void MagRuntime::on_message(const MobilityMessage& message,
                            const net::ReceivedMobilityHeader& received) {
  const auto* pba = std::get_if<ProxyBindingAck>(&message);
  if (pba == nullptr) {
    counters_.add("ignored_not_pba");
    spdlog::debug("signalling: ignored non-PBA MH from {}", to_string(received.source));
    return;
  }
  counters_.add("rx_pba");
  apply(core_.on_pba(*pba, received.source));
}

void MagRuntime::on_solicitation_readable(int ifindex) {
  auto& link = access_.at(ifindex);
  for (;;) {
    auto received = link.router_discovery->receive();
    if (!received) {
      counters_.add("rs_receive_errors");
      spdlog::warn("router discovery on {}: {}", link.interface.name, received.error().message());
      return;
    }
    if (!*received) return;
    if (const auto* discarded = std::get_if<net::DiscardedSolicitation>(&**received)) {
      counters_.add("rs_discarded_" + std::string(nd::to_string(discarded->reason)));
      spdlog::debug("router discovery on {}: RS from {} discarded: {}", link.interface.name,
                    to_string(discarded->source), nd::to_string(discarded->reason));
      continue;
    }
    counters_.add("rx_rs");
    on_detections(detector_.on_solicitation(std::get<net::RouterSolicitationEvent>(**received)));
  }
}

void MagRuntime::on_detections(const std::vector<Detection>& detections) {
  for (const auto& detection : detections) {
    if (const auto* attach_signal = std::get_if<AttachSignal>(&detection)) {
      const auto profile = profile_for(attach_signal->mn.mac);
      if (!profile) {
        counters_.add("ignored_unknown_mn");
        spdlog::debug("{} from unknown MAC {} on {}: ignored (unknown_mn = ignore)",
                      to_string(attach_signal->cause), net::mac_text(attach_signal->mn.mac),
                      interface_name(attach_signal->mn.ifindex));
        continue;
      }
      if (auto attached = attach(*profile, attach_signal->mn, to_string(attach_signal->cause));
          !attached) {
        spdlog::warn("attach of {} failed: {}", profile->id.identifier, attached.error());
      }
    } else if (const auto* detach_signal = std::get_if<DetachSignal>(&detection)) {
      (void)detach(detach_signal->mn, to_string(detach_signal->cause));
    } else {
      on_link_up(std::get<LinkUpSignal>(detection).ifindex);
    }
  }
}

void MagRuntime::on_link_up(int ifindex) {
  auto& link = access_.at(ifindex);
  // An administrative down flushes the link-local address (unless keep_addr_on_down); put the
  // identity back.
  if (!has_router_identity(link.interface.name, mag_.router_mac, mag_.core.fixed_link_local)) {
    if (auto prepared = prepare_access_link(link); !prepared) spdlog::warn("{}", prepared.error());
  }
  attach_sole_mn(ifindex, "link up");
}

void MagRuntime::attach_sole_mn(int ifindex, const char* cause) {
  // With a single MN in the policy, carrier on an access link can only mean that MN is there.
  std::vector<MagMnProfile> candidates;
  for (const auto& entry : policy_.current().mobile_nodes) {
    if (!entry.mac || !entry.profile.proxy_mobility_enabled) continue;
    if (auto profile = policy_.find_by_mac(*entry.mac)) candidates.push_back(std::move(*profile));
  }
  if (candidates.size() != 1) return;
  const MnOnLink mn{ifindex, *candidates.front().mac};
  detector_.attached(mn);
  if (auto attached = attach(candidates.front(), mn, cause); !attached) {
    spdlog::warn("attach of {} failed: {}", candidates.front().id.identifier, attached.error());
  }
}

std::optional<MagMnProfile> MagRuntime::profile_for(const MacAddress& mac) const {
  if (auto profile = policy_.find_by_mac(mac)) return profile;
  if (mag_.unknown_mn != UnknownMnPolicy::kDerive) return std::nullopt;
  // The LMA's policy decides whether the derived identity gets service (RFC 5213 §5.3.1).
  return MagMnProfile{.id = derived_mn_id(mac, mag_.mn_realm),
                      .mac = mac,
                      .hnps = {},
                      .access_tech = AccessTechnology::kIeee8023,
                      .max_lifetime = mag_.lifetime,
                      .lma = mag_.lma_address,
                      .enabled = true};
}

ControlResult MagRuntime::attach(const MagMnProfile& profile, const MnOnLink& mn,
                                 const char* cause) {
  if (!profile.enabled) {
    counters_.add("ignored_disabled_mn");
    return tl::make_unexpected("mobile node " + profile.id.identifier +
                               " is disabled in the policy");
  }
  const MagSessionKey key{profile.id, static_cast<std::uint32_t>(mn.ifindex)};
  const nlohmann::json summary{{"mn_id", profile.id.identifier},
                               {"interface", interface_name(mn.ifindex)},
                               {"mn_mac", net::mac_text(mn.mac)}};
  if (advertised_.contains(key)) {
    // Already bound: an RS from the MN is answered with its prefixes (RFC 5213 §6.9.2).
    advertise(key);
    return summary;
  }
  // The MAG cannot tell a new attachment from a handoff it was not told about, so it says it
  // does not know (RFC 5213 §6.9.1.1: HI 4); the LMA's BCE lookup sorts it out (§5.4.1).
  const Attachment attachment{
      .session = key,
      .mn_link_layer_id = link_layer_id(mn.mac),
      .access_tech = profile.access_tech,
      .arrival = Arrival::kUnknown,
      .requested_hnps = profile.hnps,
      .lma_address = profile.lma,
      .lifetime = std::min(mag_.lifetime, profile.max_lifetime),
  };
  if (profile.lma != mag_.lma_address) {
    // The data plane has one tunnel peer (NodeConfig::peer): signalling to another LMA would
    // bind prefixes whose traffic still goes to [mag].lma_address.
    return tl::make_unexpected("mobile node " + profile.id.identifier + " is served by LMA " +
                               to_string(profile.lma) +
                               ", but this MAG's data plane tunnels only to [mag].lma_address " +
                               to_string(mag_.lma_address));
  }
  auto actions = core_.attach(attachment);
  if (!actions) return tl::make_unexpected(to_text(actions.error()));
  if (sessions_.emplace(key, SessionLink{mn}).second) {
    spdlog::info("attach mn={} interface={} mac={} cause={}", profile.id.identifier,
                 interface_name(mn.ifindex), net::mac_text(mn.mac), cause);
  }
  apply(*actions);
  return summary;
}

std::size_t MagRuntime::detach(const MnOnLink& mn, const char* cause) {
  std::vector<MagSessionKey> keys;
  for (const auto& [key, link] : sessions_) {
    if (link.mn == mn) keys.push_back(key);
  }
  for (const auto& key : keys) {
    spdlog::info("detach mn={} interface={} cause={}", key.mn_id.identifier,
                 interface_name(mn.ifindex), cause);
    auto actions = core_.detach(key);
    if (!actions) {
      sessions_.erase(key);
      continue;
    }
    apply(*actions);
  }
  return keys.size();
}

void MagRuntime::apply(const MagActions& actions) {
  for (const auto& message : actions.messages) send(message);
  for (const auto& event : actions.events) {
    if (const auto* bind = std::get_if<MagBindEvent>(&event)) {
      on_bind(*bind);
    } else {
      on_unbind(std::get<MagUnbindEvent>(event));
    }
  }
  reschedule();
  check_shutdown_complete();
}

void MagRuntime::send(const PbuToSend& message) {
  auto encoded = encode_mobility_header(message.pbu, std::nullopt);
  if (!encoded) {
    counters_.add("encode_errors");
    spdlog::error("signalling: cannot encode PBU to {}: {}", to_string(message.destination),
                  encoded.error().detail);
    return;
  }
  if (auto sent = socket_.send(encoded->bytes, message.destination); !sent) {
    counters_.add("send_errors");
    spdlog::warn("signalling: PBU to {}: {}", to_string(message.destination),
                 sent.error().message());
    return;
  }
  counters_.add("tx_pbu");
}

void MagRuntime::on_bind(const MagBindEvent& bind) {
  const auto mn = mn_of(bind.session);
  const std::optional<MacAddress> mac = bind.mn_mac ? bind.mn_mac
                                        : mn        ? std::optional{mn->mac}
                                                    : std::nullopt;
  for (const auto& hnp : bind.hnps) {
    if (!mac) {
      counters_.add("dataplane_errors");
      spdlog::error("data plane: bind {}: the MN's MAC is unknown", to_string(hnp));
    } else if (auto done = dataplane_.dataplane.mag_bind(
                   to_dataplane(hnp), dataplane::MagBinding{bind.session.access_interface, *mac});
               !done) {
      counters_.add("dataplane_errors");
      spdlog::error("data plane: bind {}: {}", to_string(hnp), done.error().message());
    }
    spdlog::info("{}", binding_log_line("bind", bind.session.mn_id, hnp, config_.address,
                                        PbaStatus::kAccepted));
  }
  auto& advertised = advertised_[bind.session];
  advertised.hnps = bind.hnps;
  advertised.lifetime = bind.lifetime;
  advertise(bind.session);
}

void MagRuntime::on_unbind(const MagUnbindEvent& unbind) {
  const auto mn = mn_of(unbind.session);
  for (const auto& hnp : unbind.hnps) {
    if (auto done = dataplane_.dataplane.mag_unbind(to_dataplane(hnp)); !done) {
      counters_.add("dataplane_errors");
      spdlog::error("data plane: unbind {}: {}", to_string(hnp), done.error().message());
    }
    spdlog::info(
        "{} reason={}",
        binding_log_line("unbind", unbind.session.mn_id, hnp, config_.address, unbind.status),
        to_string(unbind.reason));
  }
  if (unbind.hnps.empty()) {
    spdlog::info("session mn={} ended before binding: {}{}", unbind.session.mn_id.identifier,
                 to_string(unbind.reason),
                 unbind.status
                     ? " status=" + std::to_string(static_cast<unsigned>(*unbind.status)) + " (" +
                           pba_status_name(*unbind.status) + ")"
                     : std::string());
  }
  if (auto it = advertised_.find(unbind.session); it != advertised_.end()) {
    if (it->second.repeat) loop_.cancel(*it->second.repeat);
    advertised_.erase(it);
  }
  // RFC 5213 §6.12: the MN must stop using prefixes this MAG no longer routes.
  if (mn && !unbind.hnps.empty() && detector_.link_up(mn->ifindex))
    advertise(*mn, withdrawal_advertisement(unbind.hnps, mag_.router_mac));
  if (unbind.reason != SessionEndReason::kPrefixesChanged) sessions_.erase(unbind.session);
}

void MagRuntime::advertise(const MagSessionKey& key) {
  auto it = advertised_.find(key);
  const auto mn = mn_of(key);
  if (it == advertised_.end() || !mn) return;
  Advertised& advertised = it->second;
  const auto& link = access_.at(mn->ifindex);
  const std::uint32_t mtu =
      advertised_mtu(interface_mtu(link.interface.name).value_or(kDefaultMtu), core_mtu_);
  // RFC 5213 §6.7: the prefix lifetimes must not outlast the binding, so they carry what is left
  // of it (the granted lifetime until the core has a running one).
  std::chrono::seconds lifetime = advertised.lifetime;
  for (const auto& view : core_.bindings()) {
    if (view.session == key && view.lifetime_left) lifetime = *view.lifetime_left;
  }
  advertise(*mn, binding_advertisement(advertised.hnps, lifetime, mtu, mag_.router_mac));
  if (advertised.repeat) loop_.cancel(*advertised.repeat);
  advertised.repeat =
      loop_.schedule_at(clock_.now() + readvertise_interval(advertised.lifetime), [this, key] {
        if (auto entry = advertised_.find(key); entry != advertised_.end()) {
          entry->second.repeat.reset();
          advertise(key);
        }
      });
}

void MagRuntime::advertise(const MnOnLink& mn, const nd::RouterAdvertisement& ra) {
  auto& link = access_.at(mn.ifindex);
  if (!link.router_discovery || !detector_.link_up(mn.ifindex)) return;
  auto encoded = nd::encode_router_advertisement(ra);
  if (!encoded) {
    counters_.add("ra_encode_errors");
    spdlog::error("router advertisement on {}: {}", link.interface.name,
                  nd::to_string(encoded.error()));
    return;
  }
  const auto unicast = detector_.unicast_address(mn);
  const Ipv6Address destination = unicast ? *unicast : nd::kAllNodes;
  const std::optional<MacAddress> destination_mac = unicast ? std::optional{mn.mac} : std::nullopt;
  if (auto sent = link.router_discovery->send_advertisement(*encoded, destination, destination_mac);
      !sent) {
    counters_.add("ra_send_errors");
    spdlog::warn("router advertisement on {} to {}: {}", link.interface.name,
                 to_string(destination), sent.error().message());
    return;
  }
  counters_.add("tx_ra");
}

void MagRuntime::reconcile_map() {
  auto entries = dataplane_.dataplane.mag_bindings();
  if (!entries) {
    spdlog::warn("data plane: {}", entries.error().message());
    return;
  }
  std::set<Prefix> wanted;
  for (const auto& [key, advertised] : advertised_)
    wanted.insert(advertised.hnps.begin(), advertised.hnps.end());
  std::size_t removed = 0;
  for (const auto& entry : *entries) {
    if (wanted.contains(from_dataplane(entry.hnp))) continue;
    if (auto done = dataplane_.dataplane.mag_unbind(entry.hnp); done) ++removed;
  }
  if (removed != 0)
    spdlog::info("data plane: removed {} binding(s) no session claimed after start", removed);
}

void MagRuntime::reschedule() {
  if (timer_) loop_.cancel(*timer_);
  timer_.reset();
  const auto deadline = core_.next_deadline();
  if (!deadline) return;
  timer_ = loop_.schedule_at(*deadline, [this] {
    timer_.reset();
    apply(core_.on_timer(clock_.now()));
  });
}

void MagRuntime::shut_down(std::function<void()> done) {
  if (!mag_.deregister_on_shutdown) {
    spdlog::info("mag {} stopping: bindings stay in the pinned maps", config_.instance);
    done();
    return;
  }
  std::vector<MagSessionKey> keys;
  for (const auto& view : core_.bindings()) {
    if (view.state != MagSessionState::kDeregistering) keys.push_back(view.session);
  }
  spdlog::info("mag {} stopping: de-registering {} session(s)", config_.instance, keys.size());
  for (const auto& key : keys) {
    if (auto actions = core_.detach(key)) apply(*actions);
  }
  shutdown_done_ = std::move(done);
  shutdown_timer_ = loop_.schedule_at(clock_.now() + kShutdownPbaWait, [this] {
    shutdown_timer_.reset();
    spdlog::warn("stopping without the PBA of every de-registration");
    if (auto done_now = std::exchange(shutdown_done_, nullptr)) done_now();
  });
  check_shutdown_complete();
}

void MagRuntime::check_shutdown_complete() {
  if (!shutdown_done_) return;
  for (const auto& view : core_.bindings()) {
    if (view.state == MagSessionState::kDeregistering) return;
  }
  if (shutdown_timer_) loop_.cancel(*shutdown_timer_);
  shutdown_timer_.reset();
  std::exchange(shutdown_done_, nullptr)();
}

std::optional<MnOnLink> MagRuntime::mn_of(const MagSessionKey& key) const {
  const auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  return it->second.mn;
}

std::string MagRuntime::interface_name(int ifindex) const {
  const auto it = access_.find(ifindex);
  return it == access_.end() ? std::to_string(ifindex) : it->second.interface.name;
}

ControlResult MagRuntime::handle(const Request& request) {
  switch (request.command) {
    case Command::kStatus: {
      const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(clock_.now() - started_);
      return status_json(node_status(config_, uptime, core_.bindings().size(), dataplane_));
    }
    case Command::kBindings: {
      std::vector<MagBindingRow> rows;
      for (const auto& view : core_.bindings()) {
        const auto mn = mn_of(view.session);
        rows.push_back(
            MagBindingRow{view, interface_name(static_cast<int>(view.session.access_interface)),
                          mn ? std::optional{mn->mac} : std::nullopt});
      }
      return mag_bindings_json(rows);
    }
    case Command::kStats:
      return stats();
    case Command::kMnAttach: {
      const auto link = std::find_if(access_.begin(), access_.end(), [&](const auto& entry) {
        return entry.second.interface.name == request.interface.value_or("");
      });
      if (link == access_.end()) {
        return tl::make_unexpected("\"" + request.interface.value_or("") +
                                   "\" is not an access interface of this MAG");
      }
      std::optional<MagMnProfile> profile;
      if (request.mac) {
        profile = profile_for(*request.mac);
        if (!profile) {
          return tl::make_unexpected("no mobile_node with mac " + net::mac_text(*request.mac) +
                                     " in the policy (and unknown_mn = \"ignore\")");
        }
      } else if (request.mn_id) {
        profile = policy_.find_by_id(MobileNodeId{MobileNodeId::kSubtypeNai, *request.mn_id});
        if (!profile)
          return tl::make_unexpected("no mobile_node " + *request.mn_id + " in the policy");
      }
      if (!profile) return tl::make_unexpected("mn.attach needs \"mac\" or \"mn_id\"");
      const std::optional<MacAddress> mac = request.mac ? request.mac : profile->mac;
      if (!mac) {
        return tl::make_unexpected("mobile node " + profile->id.identifier +
                                   " has no mac in the policy: give its mac");
      }
      const MnOnLink mn{link->first, *mac};
      detector_.attached(mn);
      return attach(*profile, mn, "control");
    }
    case Command::kMnDetach: {
      std::set<MnOnLink> targets;
      for (const auto& [key, session] : sessions_) {
        if ((request.mac && session.mn.mac == *request.mac) ||
            (request.mn_id && key.mn_id.identifier == *request.mn_id)) {
          targets.insert(session.mn);
        }
      }
      if (targets.empty()) return tl::make_unexpected("no session of that mobile node here");
      std::size_t detached = 0;
      for (const auto& mn : targets) {
        detector_.detached(mn);
        detached += detach(mn, "control");
      }
      return nlohmann::json{{"detached", detached}};
    }
    case Command::kPolicyReload:
      return reload_policy();
  }
  return tl::make_unexpected("unsupported command");
}

ControlResult MagRuntime::reload_policy() {
  // Profiles are read at attach time: sessions keep what they registered with until they end.
  return reload_policy_file(policy_, counters_);
}

nlohmann::json MagRuntime::stats() const {
  nlohmann::json result = mag_stats_json(core_.stats(), read_counters(dataplane_));
  counters_.write_to(result["signalling"]);
  return result;
}

}  // namespace xpmip::daemon
