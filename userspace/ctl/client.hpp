// xpmipctl's side of the control socket: connect, send one request line, read one response line.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include <tl/expected.hpp>

#include "xpmip/daemon/control_protocol.hpp"

namespace xpmip::ctl {

struct ClientError {
  bool unreachable = false;  // no daemon to talk to (exit code 2), else a broken answer (1)
  std::string message;       // complete, with the socket path and the likely fix
};

// The socket of --socket, else of --instance, else the only *.sock in /run/xpmip.
[[nodiscard]] tl::expected<std::filesystem::path, ClientError> choose_socket(
    const std::string& socket_option, const std::string& instance_option,
    const std::filesystem::path& run_dir = "/run/xpmip");

[[nodiscard]] tl::expected<daemon::Response, ClientError> call(
    const std::filesystem::path& socket, const daemon::Request& request,
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace xpmip::ctl
