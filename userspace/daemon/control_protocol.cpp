#include "xpmip/daemon/control_protocol.hpp"

#include <array>
#include <utility>

#include "value_forms.hpp"
#include "xpmip/address.hpp"
#include "xpmip/maps.h"
#include "xpmip/net/mac_text.hpp"

namespace xpmip::daemon {

// The address printers of xpmip/address.hpp, which daemon::to_string(Role) would hide.
using xpmip::to_string;

namespace {

using nlohmann::json;

constexpr std::array<std::pair<std::string_view, Command>, 6> kCommandNames{{
    {"status", Command::kStatus},
    {"bindings", Command::kBindings},
    {"stats", Command::kStats},
    {"mn.attach", Command::kMnAttach},
    {"mn.detach", Command::kMnDetach},
    {"policy.reload", Command::kPolicyReload},
}};

// Field names of the protocol (docs/control-protocol.md).
constexpr std::string_view kCommand = "command";
constexpr std::string_view kInterface = "interface";
constexpr std::string_view kMac = "mac";
constexpr std::string_view kMnId = "mn_id";

// Text that may hold opaque octets from the wire (an MN-ID) must not make dump() throw.
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json prefixes_json(const std::vector<Prefix>& prefixes) {
  json list = json::array();
  for (const auto& prefix : prefixes) list.push_back(to_string(prefix));
  return list;
}

// Colon-separated hex of a link-layer identifier; null when absent (RFC 5213 §5.1 stores two
// zero octets for "no MN-LL-ID").
json link_layer_id_json(const std::vector<std::uint8_t>& id) {
  bool all_zero = true;
  for (auto octet : id) all_zero = all_zero && octet == 0;
  if (all_zero) return nullptr;
  return value_forms::hex(id, ":");
}

json pba_histogram(const std::array<std::uint64_t, 256>& by_status) {
  json histogram = json::object();
  for (std::size_t code = 0; code < by_status.size(); ++code)
    if (by_status[code] != 0) histogram[std::to_string(code)] = by_status[code];
  return histogram;
}

json dataplane_counters_json(const dataplane::Counters& counters) {
  json object = json::object();
  for (std::size_t i = 0; i < counters.size(); ++i)
    object[xpmip_counter_names[i]] = {{"packets", counters[i].packets},
                                      {"bytes", counters[i].bytes}};
  return object;
}

std::uint64_t total(const std::array<std::uint64_t, 256>& by_status) {
  std::uint64_t sum = 0;
  for (auto n : by_status) sum += n;
  return sum;
}

tl::expected<std::string, std::string> string_field(const json& object, std::string_view name) {
  const auto& value = object.at(name);
  if (!value.is_string()) return tl::unexpected("\"" + std::string(name) + "\" must be a string");
  return value.get<std::string>();
}

// Reads the MN selector fields; exactly one of mac / mn_id names the node.
tl::expected<void, std::string> read_selector(const json& object, Request& request) {
  const bool has_mac = object.contains(kMac);
  const bool has_id = object.contains(kMnId);
  const std::string command(command_name(request.command));
  if (has_mac == has_id)
    return tl::unexpected(command + " needs exactly one of \"mac\" or \"mn_id\"");
  if (has_mac) {
    auto text = string_field(object, kMac);
    if (!text) return tl::unexpected(text.error());
    request.mac = parse_mac_address(*text);
    if (!request.mac) return tl::unexpected("\"mac\" is not a MAC address: \"" + *text + "\"");
  } else {
    auto text = string_field(object, kMnId);
    if (!text) return tl::unexpected(text.error());
    if (text->empty()) return tl::unexpected(std::string("\"mn_id\" must not be empty"));
    request.mn_id = *text;
  }
  return {};
}

}  // namespace

std::string_view command_name(Command command) {
  for (const auto& [name, value] : kCommandNames)
    if (value == command) return name;
  return "status";
}

std::optional<Command> parse_command(std::string_view name) {
  for (const auto& [text, value] : kCommandNames)
    if (text == name) return value;
  return std::nullopt;
}

tl::expected<Request, std::string> parse_request(std::string_view line) {
  const json object = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return tl::unexpected(std::string("request is not valid JSON"));
  if (!object.is_object()) return tl::unexpected(std::string("request must be a JSON object"));
  if (!object.contains(kCommand)) return tl::unexpected(std::string("request has no \"command\""));
  auto name = string_field(object, kCommand);
  if (!name) return tl::unexpected(name.error());
  auto command = parse_command(*name);
  if (!command) return tl::unexpected("unknown command \"" + *name + "\"");

  Request request;
  request.command = *command;
  std::vector<std::string_view> allowed{kCommand};
  if (request.command == Command::kMnAttach) {
    if (!object.contains(kInterface))
      return tl::unexpected(std::string("mn.attach needs \"interface\""));
    auto interface = string_field(object, kInterface);
    if (!interface) return tl::unexpected(interface.error());
    request.interface = *interface;
    allowed.push_back(kInterface);
  }
  if (request.command == Command::kMnAttach || request.command == Command::kMnDetach) {
    if (auto selected = read_selector(object, request); !selected)
      return tl::unexpected(selected.error());
    allowed.push_back(kMac);
    allowed.push_back(kMnId);
  }
  for (const auto& [field, value] : object.items()) {
    bool known = false;
    for (auto name_allowed : allowed) known = known || field == name_allowed;
    if (!known) return tl::unexpected("unknown field \"" + field + "\" for " + *name);
  }
  return request;
}

std::string encode_request(const Request& request) {
  json object = {{kCommand, command_name(request.command)}};
  if (request.interface) object[kInterface] = *request.interface;
  if (request.mac) object[kMac] = net::mac_text(*request.mac);
  if (request.mn_id) object[kMnId] = *request.mn_id;
  return dump(object);
}

// "ok" leads the line (json objects sort their keys) so a reader sees the outcome first.
std::string encode_ok(const json& result) {
  return "{\"ok\":true,\"result\":" + dump(result) + "}";
}

std::string encode_error(std::string_view message) {
  return "{\"ok\":false,\"error\":" + dump(json(message)) + "}";
}

tl::expected<Response, std::string> parse_response(std::string_view line) {
  json object = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object())
    return tl::unexpected(std::string("response is not a JSON object"));
  if (!object.contains("ok") || !object["ok"].is_boolean())
    return tl::unexpected(std::string("response has no boolean \"ok\""));
  Response response;
  response.ok = object["ok"].get<bool>();
  if (response.ok) {
    if (!object.contains("result"))
      return tl::unexpected(std::string("response has no \"result\""));
    response.result = std::move(object["result"]);
  } else {
    if (!object.contains("error") || !object["error"].is_string())
      return tl::unexpected(std::string("error response has no \"error\" text"));
    response.error = object["error"].get<std::string>();
  }
  return response;
}

json status_json(const StatusInfo& status) {
  json attachments = json::array();
  for (const auto& a : status.attachments)
    attachments.push_back({{"program", a.program},
                           {"interface", a.interface},
                           {"ifindex", a.ifindex},
                           {"link_id", a.link_id},
                           {"prog_id", a.prog_id},
                           {"mode", a.generic ? "generic" : "native"}});
  return {{"role", to_string(status.role)},
          {"instance", status.instance},
          {"version", status.version},
          {"pid", status.pid},
          {"uptime_s", status.uptime.count()},
          {"address", to_string(status.address)},
          {"bindings", status.bindings},
          {"policy_file", status.policy_file},
          {"dataplane", {{"pin_dir", status.pin_dir}, {"attachments", std::move(attachments)}}}};
}

json lma_bindings_json(const std::vector<BindingRecord>& records) {
  json list = json::array();
  for (const auto& r : records)
    list.push_back(
        {{"mn_id", r.mn_id.identifier},
         {"hnps", prefixes_json(r.home_network_prefixes)},
         {"proxy_coa", to_string(r.proxy_coa)},
         {"access_tech", static_cast<unsigned>(r.access_tech)},
         {"handoff_indicator", static_cast<unsigned>(r.handoff_indicator)},
         {"mn_link_layer_id", link_layer_id_json(r.mn_link_layer_id)},
         {"state", r.state == BindingState::kActive ? "bound" : "deleting"},
         {"lifetime_s", static_cast<std::uint32_t>(r.granted_lifetime) * kLifetimeUnitSeconds},
         {"lifetime_left_s", r.time_left.count()},
         {"age_s", r.age.count()}});
  return list;
}

json mag_bindings_json(const std::vector<MagBindingRow>& rows) {
  json list = json::array();
  for (const auto& row : rows) {
    const MagBindingView& v = row.view;
    list.push_back(
        {{"mn_id", v.session.mn_id.identifier},
         {"interface", row.interface},
         {"mn_mac", row.mn_mac ? json(net::mac_text(*row.mn_mac)) : json(nullptr)},
         {"hnps", prefixes_json(v.hnps)},
         {"lma", to_string(v.lma)},
         {"access_tech", static_cast<unsigned>(v.access_tech)},
         {"handoff_indicator", static_cast<unsigned>(v.handoff)},
         {"state", to_string(v.state)},
         {"lifetime_left_s", v.lifetime_left ? json(v.lifetime_left->count()) : json(nullptr)},
         {"age_s", v.age.count()},
         {"last_status",
          v.last_status ? json(static_cast<unsigned>(*v.last_status)) : json(nullptr)}});
  }
  return list;
}

json lma_stats_json(const LmaStats& stats, const dataplane::Counters& counters) {
  json signalling = {{"pbas_sent", total(stats.pba_by_status)},
                     {"bindings_created", stats.bindings_created},
                     {"handoffs", stats.handoffs},
                     {"bindings_expired", stats.bindings_expired},
                     {"bindings_deleted", stats.bindings_deleted},
                     {"held_for_deregistration", stats.held_for_deregistration},
                     {"ignored_late_deregistration", stats.ignored_late_deregistration},
                     {"ignored_unmatched_deregistration", stats.ignored_unmatched_deregistration},
                     {"ignored_not_proxy", stats.ignored_not_proxy}};
  return {{"signalling", std::move(signalling)},
          {"pba_status", pba_histogram(stats.pba_by_status)},
          {"dataplane", dataplane_counters_json(counters)}};
}

json mag_stats_json(const MagStats& stats, const dataplane::Counters& counters) {
  json signalling = {{"pbus_sent", stats.pbus_sent},
                     {"pbus_retransmitted", stats.pbus_retransmitted},
                     {"pbus_deferred", stats.pbus_deferred},
                     {"pbas_received", total(stats.pbas_by_status)},
                     {"pbas_unmatched", stats.pbas_unmatched},
                     {"pbas_stale", stats.pbas_stale},
                     {"pbas_mismatched", stats.pbas_mismatched},
                     {"pbas_invalid", stats.pbas_invalid}};
  return {{"signalling", std::move(signalling)},
          {"pba_status", pba_histogram(stats.pbas_by_status)},
          {"dataplane", dataplane_counters_json(counters)}};
}

}  // namespace xpmip::daemon
