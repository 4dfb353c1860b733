#include "table.hpp"

#include <algorithm>

namespace xpmip::ctl {

namespace {

using nlohmann::json;

// A cell for any JSON value: strings bare, null as "-", lists joined by commas.
std::string cell(const json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    if (value.empty()) return "-";
    std::string text;
    for (const auto& item : value) text += (text.empty() ? "" : ",") + cell(item);
    return text;
  }
  return value.dump();
}

// `object[key]`, or null when `object` is no object or lacks the key: a result from another
// daemon version must still render, never throw.
const json& member(const json& object, const char* key) {
  static const json kAbsent;
  if (!object.is_object()) return kAbsent;
  auto it = object.find(key);
  return it == object.end() ? kAbsent : *it;
}

std::string field(const json& object, const char* key) {
  return cell(member(object, key));
}

std::string seconds(const json& object, const char* key) {
  const json& value = member(object, key);
  return value.is_number() ? value.dump() + "s" : "-";
}

std::string render_status(const json& status) {
  std::vector<std::vector<std::string>> lines;
  for (const char* key :
       {"role", "instance", "version", "pid", "uptime_s", "address", "bindings", "policy_file"})
    lines.push_back({std::string(key) + ":", field(status, key)});
  const json& dataplane = member(status, "dataplane");
  lines.push_back({"pin_dir:", field(dataplane, "pin_dir")});
  std::string text = render_table({}, lines);

  std::vector<std::vector<std::string>> attachments;
  for (const auto& a : member(dataplane, "attachments"))
    attachments.push_back({field(a, "program"), field(a, "interface"), field(a, "ifindex"),
                           field(a, "mode"), field(a, "link_id"), field(a, "prog_id")});
  if (!attachments.empty())
    text += "\n" +
            render_table({"PROGRAM", "INTERFACE", "IFINDEX", "MODE", "LINK", "PROG"}, attachments);
  return text;
}

std::string render_bindings(const json& list) {
  if (!list.is_array()) return cell(list) + "\n";
  if (list.empty()) return "no bindings\n";
  std::vector<std::vector<std::string>> rows;
  // A MAG's entries name their access interface; an LMA's name the proxy-CoA.
  if (!member(list.front(), "interface").is_null()) {
    for (const auto& b : list)
      rows.push_back({field(b, "mn_id"), field(b, "interface"), field(b, "mn_mac"),
                      field(b, "hnps"), field(b, "lma"), field(b, "state"),
                      seconds(b, "lifetime_left_s"), seconds(b, "age_s"), field(b, "last_status")});
    return render_table({"MN-ID", "IFACE", "MAC", "HNP", "LMA", "STATE", "LEFT", "AGE", "STATUS"},
                        rows);
  }
  for (const auto& b : list)
    rows.push_back({field(b, "mn_id"), field(b, "hnps"), field(b, "proxy_coa"),
                    field(b, "mn_link_layer_id"), field(b, "access_tech"),
                    field(b, "handoff_indicator"), field(b, "state"), seconds(b, "lifetime_s"),
                    seconds(b, "lifetime_left_s"), seconds(b, "age_s")});
  return render_table(
      {"MN-ID", "HNP", "PROXY-COA", "MN-LL-ID", "ATT", "HI", "STATE", "LIFETIME", "LEFT", "AGE"},
      rows);
}

std::string render_stats(const json& stats) {
  std::vector<std::vector<std::string>> signalling;
  for (const auto& [name, value] : member(stats, "signalling").items())
    signalling.push_back({name, cell(value)});
  std::vector<std::vector<std::string>> statuses;
  for (const auto& [code, count] : member(stats, "pba_status").items())
    statuses.push_back({code, cell(count)});
  std::vector<std::vector<std::string>> dataplane;
  for (const auto& [name, value] : member(stats, "dataplane").items())
    dataplane.push_back({name, field(value, "packets"), field(value, "bytes")});

  std::string text = render_table({"SIGNALLING", "COUNT"}, signalling);
  text += "\n" + render_table({"PBA-STATUS", "COUNT"}, statuses);
  text += "\n" + render_table({"DATAPLANE", "PACKETS", "BYTES"}, dataplane);
  return text;
}

// Results of actions (attach, detach, reload): a message, or an object shown key by key.
std::string render_generic(const json& result) {
  if (result.is_null()) return "ok\n";
  if (!result.is_object()) return cell(result) + "\n";
  std::vector<std::vector<std::string>> lines;
  for (const auto& [key, value] : result.items()) lines.push_back({key + ":", cell(value)});
  return render_table({}, lines);
}

}  // namespace

std::string render_table(const std::vector<std::string>& headers,
                         const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(headers.size());
  for (std::size_t i = 0; i < headers.size(); ++i) widths[i] = headers[i].size();
  for (const auto& row : rows) {
    if (row.size() > widths.size()) widths.resize(row.size());
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i + 1 == cells.size()) {
        text += cells[i];
      } else {
        text += cells[i];
        text.append(widths[i] - cells[i].size() + 2, ' ');
      }
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text + "\n";
  };
  std::string text = headers.empty() ? "" : line(headers);
  for (const auto& row : rows) text += line(row);
  return text;
}

std::string render_result(daemon::Command command, const json& result) {
  switch (command) {
    case daemon::Command::kStatus:
      return render_status(result);
    case daemon::Command::kBindings:
      return render_bindings(result);
    case daemon::Command::kStats:
      return render_stats(result);
    case daemon::Command::kMnAttach:
    case daemon::Command::kMnDetach:
    case daemon::Command::kPolicyReload:
      return render_generic(result);
  }
  return render_generic(result);
}

std::string render_json(const json& result, bool pretty) {
  return result.dump(pretty ? 2 : -1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace xpmip::ctl
