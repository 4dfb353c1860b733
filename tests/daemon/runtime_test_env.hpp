// Shared set-up of the runtime integration tests: why they cannot run here, a scratch directory
// for configuration/policy/state files, a unique instance name (its pins are removed at the end)
// and a pump that runs the daemon's event loop while a test peer waits for its answer.
#pragma once

#include <poll.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>

#include "xpmip/codec.hpp"
#include "xpmip/dataplane.hpp"
#include "xpmip/net/event_loop.hpp"
#include "xpmip/net/mh_socket.hpp"

#include "../net/netns.hpp"

namespace xpmip::daemon::testing {

// Why the runtime tests cannot run here, or empty.
inline std::string runtime_test_unavailable_reason() {
  if (auto reason = net::testing::netns_unavailable_reason(); !reason.empty()) return reason;
  constexpr long kBpfFsMagic = 0xcafe4a11;
  struct statfs fs {};
  if (::statfs("/sys/fs/bpf", &fs) != 0 || fs.f_type != kBpfFsMagic)
    return "needs bpffs on /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)";
  return {};
}

// A directory under /tmp removed with everything in it at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "xpmip-rt-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto file = path_ / name;
    std::ofstream(file) << text;
    return file;
  }

 private:
  std::filesystem::path path_;
};

// "rt-<tag>-<pid>": pins under /sys/fs/bpf/xpmip/<name>, removed by remove_instance_pins().
inline std::string unique_instance(const std::string& tag) {
  return "rt-" + tag + "-" + std::to_string(::getpid());
}

inline void remove_instance_pins(const std::string& instance) {
  dataplane::Options options;
  options.instance = instance;
  options.logger = [](dataplane::LogLevel, const std::string&) {};
  if (auto opened = dataplane::Dataplane::open(options)) (void)opened->remove_pins();
}

// Runs `loop` in small steps until `done` holds or `timeout` passes; returns whether it held.
inline bool pump(net::EventLoop& loop, const std::function<bool()>& done,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds{3000}) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    EXPECT_TRUE(loop.run_once(std::chrono::milliseconds{5}).has_value());
  }
  return true;
}

// The next message queued on a test peer's socket, if any, without waiting.
inline std::optional<MobilityMessage> poll_message(net::MhSocket& socket,
                                                   net::ReceivedMobilityHeader* raw = nullptr) {
  pollfd p{socket.fd(), POLLIN, 0};
  if (::poll(&p, 1, 0) != 1) return std::nullopt;
  auto received = socket.receive();
  if (!received || !*received) return std::nullopt;
  auto decoded = parse_mobility_header((*received)->bytes, std::nullopt);
  EXPECT_TRUE(decoded.has_value()) << "the runtime sent a malformed MH";
  if (!decoded) return std::nullopt;
  if (raw != nullptr) *raw = **received;
  return decoded->message;
}

}  // namespace xpmip::daemon::testing
