// What every benchmark program writes: its results as one JSON document with the machine it ran
// on and the load around the run (the machine is shared; numbers mean little without the load).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace xpmip::bench {

// CPU model, kernel release, online cores, the time (UTC) and the 1/5/15-minute load averages
// right now.
[[nodiscard]] nlohmann::json machine_description();

// The three load averages from /proc/loadavg; empty when unreadable.
[[nodiscard]] nlohmann::json load_average();

// Writes `document` to `path` through a temporary file and a rename, so a reader never sees half
// a result. Returns false (after printing why) on failure.
bool write_json_file(const std::string& path, const nlohmann::json& document);

}  // namespace xpmip::bench
