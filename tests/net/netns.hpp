// Throw-away network namespaces for the adapter tests. Each run uses names unique to the process,
// and every namespace is deleted by its owner's destructor, even when an assertion fails.
#pragma once

#include <string>

#include "xpmip/unique_fd.hpp"

namespace xpmip::net::testing {

// Why namespace tests cannot run here, or empty when they can.
[[nodiscard]] std::string netns_unavailable_reason();

// Runs `command` through /bin/sh; returns its exit status and, when asked, its stdout.
int shell(const std::string& command, std::string* output = nullptr);
// Runs `command` and records a test failure naming it when it does not exit with 0.
void shell_ok(const std::string& command);

class Netns {
 public:
  // `tag` is a short word for the namespace's role, e.g. "mag".
  explicit Netns(const std::string& tag);
  ~Netns();
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

  [[nodiscard]] const std::string& name() const { return name_; }
  // "ip -n <name> <arguments>", expected to succeed.
  void ip(const std::string& arguments) const;
  // Runs a command inside the namespace (ip netns exec), expected to succeed.
  void exec(const std::string& command) const;
  // Same, returning the command's stdout.
  [[nodiscard]] std::string output_of(const std::string& command) const;
  void sysctl(const std::string& assignment) const { exec("sysctl -qw " + assignment); }
  [[nodiscard]] int ifindex(const std::string& interface) const;

 private:
  std::string name_;
};

// Switches the calling thread into a namespace for the scope's lifetime; sockets (and netlink
// sockets) created meanwhile stay bound to that namespace after the switch back.
class EnterNetns {
 public:
  explicit EnterNetns(const Netns& netns);
  ~EnterNetns();
  EnterNetns(const EnterNetns&) = delete;
  EnterNetns& operator=(const EnterNetns&) = delete;

 private:
  UniqueFd original_;
};

// Runs `action` inside `netns` and returns its result; sockets it opens stay in `netns`.
template <typename Action>
auto inside(const Netns& netns, Action action) {
  EnterNetns entered(netns);
  return action();
}

}  // namespace xpmip::net::testing
