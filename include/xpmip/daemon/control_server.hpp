// The daemon's control socket: a Unix stream socket served from the EventLoop without blocking.
// Each complete request line is parsed and handed to the Handler; its answer (or the parse
// error) goes back as one response line. A malformed line gets an error response and the
// connection stays usable; a line longer than kMaxRequestBytes gets an error and the
// connection is closed (there is no way to find the next request boundary we trust).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "xpmip/daemon/control_protocol.hpp"
#include "xpmip/net/error.hpp"
#include "xpmip/net/event_loop.hpp"

namespace xpmip::daemon {

// Maps one request to its result value (sent as {"ok":true,"result":...}) or to an error message
// (sent as {"ok":false,"error":...}).
using ControlHandler = std::function<tl::expected<nlohmann::json, std::string>(const Request&)>;

class ControlServer {
 public:
  // Creates the socket's directory (0755) if needed, replaces a stale socket file, listens with
  // mode 0600 and registers with `loop`. Refuses to replace a socket a live daemon answers on.
  // `loop` must outlive the server.
  [[nodiscard]] static net::NetResult<std::unique_ptr<ControlServer>> open(
      net::EventLoop& loop, const std::filesystem::path& socket_path, ControlHandler handler);

  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;
  // Closes every connection and removes the socket file.
  ~ControlServer();

  [[nodiscard]] std::size_t connection_count() const;
  [[nodiscard]] const std::filesystem::path& socket_path() const;

 private:
  struct State;
  explicit ControlServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace xpmip::daemon
