// What xpmipd's main needs from a role's runtime: control requests in, an orderly stop.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "xpmip/daemon/control_protocol.hpp"

namespace xpmip::daemon {

using ControlResult = tl::expected<nlohmann::json, std::string>;

class Runtime {
 public:
  virtual ~Runtime() = default;

  // Answers one control request (status, bindings, stats, mn.attach/detach, policy.reload).
  [[nodiscard]] virtual ControlResult handle(const Request& request) = 0;
  // Re-reads the policy file (SIGHUP, `policy reload`) without touching any binding.
  [[nodiscard]] virtual ControlResult reload_policy() = 0;
  // SIGTERM/SIGINT: finish what the role does on the way out, then call `done` (from the event
  // loop, possibly at once). The data plane stays pinned and attached either way.
  virtual void shut_down(std::function<void()> done) = 0;
};

}  // namespace xpmip::daemon
