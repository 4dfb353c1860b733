// The LMA's Binding Cache on disk, so that a restarted daemon restores its bindings
// (LmaCore::restore) while the pinned data plane keeps forwarding. JSON with a version field;
// written atomically (temporary file, fsync, rename, fsync of the directory), so a crash leaves
// either the old or the new file, never a torn one.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "xpmip/lma_types.hpp"

namespace xpmip::daemon {

inline constexpr int kStateFileVersion = 1;

// Records <-> the document {"version":1,"bindings":[...]} (docs/configuration.md, state file).
[[nodiscard]] nlohmann::json state_to_json(const std::vector<BindingRecord>& records);
// A human-readable error names the first bad binding and field ("bindings[2].proxy_coa: ...").
[[nodiscard]] tl::expected<std::vector<BindingRecord>, std::string> state_from_json(
    const nlohmann::json& document);

// A missing file is a first start: no bindings, no error. Anything unreadable, corrupt or of
// another version is an error saying which file and why; the daemon then starts empty and says
// so instead of refusing to run.
[[nodiscard]] tl::expected<std::vector<BindingRecord>, std::string> load_state_file(
    const std::filesystem::path& file);
// Creates the parent directory (0755) if needed.
[[nodiscard]] tl::expected<void, std::string> save_state_file(
    const std::filesystem::path& file, const std::vector<BindingRecord>& records);

}  // namespace xpmip::daemon
