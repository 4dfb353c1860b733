// LMA runtime: adapters between the MH socket, LmaCore, the data plane and the state file.
#include "xpmip/daemon/lma_runtime.hpp"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "xpmip/address.hpp"
#include "xpmip/codec.hpp"
#include "xpmip/daemon/state_file.hpp"

namespace xpmip::daemon {

// Address and prefix text (xpmip/address.hpp) next to this namespace's own to_string overloads.
using xpmip::to_string;

namespace {

const char* to_string(RestoreError error) {
  switch (error) {
    case RestoreError::kNoPrefixes:
      return "record has no prefix";
    case RestoreError::kPrefixInUse:
      return "prefix already held by another binding";
    case RestoreError::kCapacityExceeded:
      return "max_bindings reached";
  }
  return "unknown";
}

}  // namespace

tl::expected<std::unique_ptr<LmaRuntime>, std::string> LmaRuntime::start(const DaemonConfig& config,
                                                                         PolicyStore& policy,
                                                                         net::EventLoop& loop,
                                                                         const Clock& clock) {
  const LmaSection& section = *config.lma;
  auto external = resolve_interfaces(section.external_interfaces, "[lma].external_interfaces");
  if (!external) return tl::make_unexpected(external.error());
  auto core_links = resolve_interfaces(section.core_interfaces, "[lma].core_interfaces");
  if (!core_links) return tl::make_unexpected(core_links.error());

  auto socket = net::MhSocket::open(config.address);
  if (!socket) return tl::make_unexpected(signalling_socket_error(config.address, socket.error()));

  auto core = LmaCore::create(section.core, policy, clock);
  if (!core) return tl::make_unexpected("[lma].hnp_pool cannot be carved into /64 prefixes");

  if (auto forwarding = enable_ipv6_forwarding(); !forwarding)
    return tl::make_unexpected(forwarding.error());
  dataplane::NodeConfig node;
  node.self = config.address;
  node.outer_hop_limit = config.dataplane.outer_hop_limit;
  // The host's own packets to an MN (its ICMPv6 errors, its connections) never meet XDP: the TC
  // egress program tunnels them where routes towards the HNPs leave, the MAG-facing side.
  auto dataplane = open_node_dataplane(config, node,
                                       {{dataplane::Program::kLmaExternal, *external},
                                        {dataplane::Program::kLmaCore, *core_links},
                                        {dataplane::Program::kLmaLocalOut, *core_links}},
                                       log_dataplane_message);
  if (!dataplane) return tl::make_unexpected(dataplane.error());
  std::vector<Interface> redirect_targets = *external;
  redirect_targets.insert(redirect_targets.end(), core_links->begin(), core_links->end());
  if (auto hint = veth_redirect_hint(redirect_targets); !hint.empty()) spdlog::info("{}", hint);

  std::unique_ptr<LmaRuntime> runtime(new LmaRuntime(config, policy, loop, clock, std::move(*core),
                                                     std::move(*socket), std::move(*dataplane)));
  if (auto restored = runtime->restore_bindings(); !restored)
    return tl::make_unexpected(restored.error());
  if (auto watched = loop.watch(runtime->socket_.fd(), [r = runtime.get()] { r->on_readable(); });
      !watched) {
    return tl::make_unexpected("event loop: " + watched.error().message());
  }
  runtime->reschedule();
  spdlog::info("lma {} listening on {}, {} binding(s)", config.instance, to_string(config.address),
               runtime->core_.bindings().size());
  return runtime;
}

LmaRuntime::LmaRuntime(const DaemonConfig& config, PolicyStore& policy, net::EventLoop& loop,
                       const Clock& clock, LmaCore core, net::MhSocket socket,
                       NodeDataplane dataplane)
    : config_(config),
      policy_(policy),
      loop_(loop),
      clock_(clock),
      started_(clock.now()),
      core_(std::move(core)),
      socket_(std::move(socket)),
      dataplane_(std::move(dataplane)),
      state_file_(state_file_path(config)) {}

LmaRuntime::~LmaRuntime() {
  loop_.unwatch(socket_.fd());
  if (timer_) loop_.cancel(*timer_);
}

SetupResult LmaRuntime::restore_bindings() {
  auto records = load_state_file(state_file_);
  if (!records) {
    // A corrupt file must not keep the LMA down; the map is then reconciled to no bindings.
    counters_.add("state_file_errors");
    spdlog::error("state file: {}; starting without saved bindings", records.error());
    records.emplace();
  }
  std::vector<dataplane::LmaBindingEntry> desired;
  for (const auto& record : *records) {
    auto bound = core_.restore(record);
    if (!bound) {
      counters_.add("restore_rejected");
      spdlog::warn("state file: binding of {} not restored: {}", record.mn_id.identifier,
                   to_string(bound.error()));
      continue;
    }
    // A de-registered entry waits for its delayed delete without routes (RFC 5213 §5.3.5).
    if (record.state != BindingState::kActive) continue;
    for (const auto& hnp : bound->home_network_prefixes)
      desired.push_back({to_dataplane(hnp), bound->proxy_coa});
  }
  auto actual = dataplane_.dataplane.lma_bindings();
  if (!actual) return tl::make_unexpected("data plane: " + actual.error().message());
  const LmaMapPlan plan = plan_lma_reconcile(desired, *actual);
  for (const auto& entry : plan.bind) {
    if (auto done = dataplane_.dataplane.lma_bind(entry.hnp, entry.proxy_coa); !done)
      return tl::make_unexpected("data plane: " + done.error().message());
  }
  for (const auto& hnp : plan.unbind) {
    if (auto done = dataplane_.dataplane.lma_unbind(hnp); !done)
      return tl::make_unexpected("data plane: " + done.error().message());
  }
  spdlog::info(
      "restored {} binding(s) from {}; map: {} already in place, {} bound, {} stale removed",
      core_.bindings().size(), state_file_.string(), desired.size() - plan.bind.size(),
      plan.bind.size(), plan.unbind.size());
  counters_.add("restored_bindings", core_.bindings().size());
  return {};
}

void LmaRuntime::on_readable() {
  receiver_.drain(socket_, counters_, clock_,
                  [this](const MobilityMessage& message, const net::ReceivedMobilityHeader& from) {
                    on_message(message, from);
                  });
}

void LmaRuntime::on_message(const MobilityMessage& message,
                            const net::ReceivedMobilityHeader& received) {
  const auto* pbu = std::get_if<ProxyBindingUpdate>(&message);
  if (pbu == nullptr) {
    // An LMA answers PBUs only; a PBA or another MH type addressed to it means nothing here.
    counters_.add("ignored_not_pbu");
    spdlog::debug("signalling: ignored non-PBU MH from {}", to_string(received.source));
    return;
  }
  counters_.add("rx_pbu");
  apply(core_.handle_pbu(*pbu, received.source, received.destination));
}

void LmaRuntime::apply(const LmaOutput& output) {
  for (const auto& reply : output.replies) send(reply);
  for (const auto& event : output.events) program(event, output);
  // A refresh changes no route but moves the lifetime and the replay state (timestamp or
  // sequence) that a restart must restore.
  const bool refreshed =
      std::any_of(output.replies.begin(), output.replies.end(),
                  [](const OutgoingPba& reply) { return is_accepted(reply.pba.status); });
  if (!output.events.empty() || refreshed) save_state();
  reschedule();
}

void LmaRuntime::send(const OutgoingPba& reply) {
  auto encoded = encode_mobility_header(reply.pba, std::nullopt);
  if (!encoded) {
    counters_.add("encode_errors");
    spdlog::error("signalling: cannot encode PBA to {}: {}", to_string(reply.destination),
                  encoded.error().detail);
    return;
  }
  if (auto sent = socket_.send(encoded->bytes, reply.destination); !sent) {
    counters_.add("send_errors");
    spdlog::warn("signalling: PBA to {}: {}", to_string(reply.destination), sent.error().message());
    return;
  }
  counters_.add("tx_pba");
  if (!is_accepted(reply.pba.status)) {
    const std::string mn = reply.pba.options.mn_id ? reply.pba.options.mn_id->identifier : "-";
    spdlog::info("reject mn={} mag={} status={} ({})", mn, to_string(reply.destination),
                 static_cast<unsigned>(reply.pba.status), pba_status_name(reply.pba.status));
  }
}

void LmaRuntime::program(const LmaEvent& event, const LmaOutput& output) {
  // The PBA that caused the change, if any (timer expiry has none).
  const auto status_for = [&](const MobileNodeId& mn_id) -> std::optional<PbaStatus> {
    for (const auto& reply : output.replies) {
      if (reply.pba.options.mn_id == mn_id) return reply.pba.status;
    }
    return std::nullopt;
  };
  auto& dp = dataplane_.dataplane;
  if (const auto* bind = std::get_if<BindEvent>(&event)) {
    for (const auto& hnp : bind->home_network_prefixes) {
      if (auto done = dp.lma_bind(to_dataplane(hnp), bind->proxy_coa); !done) {
        counters_.add("dataplane_errors");
        spdlog::error("data plane: bind {}: {}", to_string(hnp), done.error().message());
      }
      spdlog::info("{}", binding_log_line("bind", bind->mn_id, hnp, bind->proxy_coa,
                                          status_for(bind->mn_id)));
    }
    return;
  }
  const auto& unbind = std::get<UnbindEvent>(event);
  for (const auto& hnp : unbind.home_network_prefixes) {
    if (auto done = dp.lma_unbind(to_dataplane(hnp)); !done) {
      counters_.add("dataplane_errors");
      spdlog::error("data plane: unbind {}: {}", to_string(hnp), done.error().message());
    }
    spdlog::info("{}", binding_log_line("unbind", unbind.mn_id, hnp, unbind.proxy_coa,
                                        status_for(unbind.mn_id)));
  }
}

void LmaRuntime::save_state() {
  if (auto saved = save_state_file(state_file_, core_.bindings()); !saved) {
    counters_.add("state_file_errors");
    spdlog::error("state file: {}", saved.error());
  }
}

void LmaRuntime::reschedule() {
  if (timer_) loop_.cancel(*timer_);
  timer_.reset();
  const auto deadline = core_.next_deadline();
  if (!deadline) return;
  timer_ = loop_.schedule_at(*deadline, [this] {
    timer_.reset();
    apply(core_.expire_timers());
  });
}

ControlResult LmaRuntime::handle(const Request& request) {
  switch (request.command) {
    case Command::kStatus:
      return status();
    case Command::kBindings:
      return lma_bindings_json(core_.bindings());
    case Command::kStats:
      return stats();
    case Command::kMnAttach:
    case Command::kMnDetach:
      return tl::make_unexpected(std::string(command_name(request.command)) +
                                 " is a MAG command; this daemon is an LMA");
    case Command::kPolicyReload:
      return reload_policy();
  }
  return tl::make_unexpected("unsupported command");
}

ControlResult LmaRuntime::reload_policy() {
  // LmaCore consults the store on every PBU, so the new policy applies from the next one on;
  // existing bindings stay until they are refreshed, de-registered or expire.
  return reload_policy_file(policy_, counters_);
}

void LmaRuntime::shut_down(std::function<void()> done) {
  // Maps and links stay pinned; the state file with fresh remaining lifetimes lets the next
  // start restore every binding (no forwarding gap).
  save_state();
  spdlog::info("lma {} stopping: {} binding(s) kept in {} and the pinned maps", config_.instance,
               core_.bindings().size(), state_file_.string());
  done();
}

nlohmann::json LmaRuntime::status() const {
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(clock_.now() - started_);
  return status_json(node_status(config_, uptime, core_.bindings().size(), dataplane_));
}

nlohmann::json LmaRuntime::stats() const {
  nlohmann::json result = lma_stats_json(core_.stats(), read_counters(dataplane_));
  counters_.write_to(result["signalling"]);
  return result;
}

}  // namespace xpmip::daemon
