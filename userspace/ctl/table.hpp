// How xpmipctl shows a result: aligned columns for people (like `ip` and `ss`), or the result JSON
// unchanged for scripts (`--json`, like `ip -j`). Pure text functions, so tests pin the layout.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "xpmip/daemon/control_protocol.hpp"

namespace xpmip::ctl {

// Columns padded to their widest cell, two spaces apart; the last column is not padded and no
// line has trailing spaces. Every line ends with '\n'.
[[nodiscard]] std::string render_table(const std::vector<std::string>& headers,
                                       const std::vector<std::vector<std::string>>& rows);

// The human form of a successful `command` result.
[[nodiscard]] std::string render_result(daemon::Command command, const nlohmann::json& result);

// The result exactly as the daemon sent it: one line, or indented when `pretty`; ends with '\n'.
[[nodiscard]] std::string render_json(const nlohmann::json& result, bool pretty);

}  // namespace xpmip::ctl
