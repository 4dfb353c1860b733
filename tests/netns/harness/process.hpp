// Runs external tools (ip, ethtool, ping, tshark) for the namespace tests and collects their
// output.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace xpmip::netns {

struct CommandResult {
  int exit_code = -1;  // -1 when the child was killed (timeout) or died from a signal
  std::string out;     // stdout
  std::string err;     // stderr, kept apart so tools' warnings never mix into parsed output
};

// Runs argv[0] (looked up in PATH) and waits for it. An error means the child could not be
// started at all; a non-zero exit is a CommandResult, because callers decide whether it matters.
tl::expected<CommandResult, std::string> run_command(
    const std::vector<std::string>& argv,
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Like run_command, but returns stdout, and a non-zero exit is an error that quotes the command
// and both streams, so a failed setup step explains itself in the test log.
tl::expected<std::string, std::string> run_checked(
    const std::vector<std::string>& argv,
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

std::string join_argv(const std::vector<std::string>& argv);

}  // namespace xpmip::netns
