#include "netns.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>

namespace xpmip::net::testing {

std::string netns_unavailable_reason() {
  if (::geteuid() != 0)
    return "needs root (CAP_NET_ADMIN/CAP_SYS_ADMIN) to create network namespaces";
  if (shell("command -v ip >/dev/null") != 0) return "needs iproute2's ip command";
  return {};
}

int shell(const std::string& command, std::string* output) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 512> buffer{};
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    if (output != nullptr) output->append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void shell_ok(const std::string& command) {
  EXPECT_EQ(shell(command), 0) << "command failed: " << command;
}

Netns::Netns(const std::string& tag) {
  static int counter = 0;
  name_ = "xpn-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  shell_ok("ip netns add " + name_);
}

Netns::~Netns() {
  shell("ip netns del " + name_ + " 2>/dev/null");
}

void Netns::ip(const std::string& arguments) const {
  shell_ok("ip -n " + name_ + " " + arguments);
}

void Netns::exec(const std::string& command) const {
  shell_ok("ip netns exec " + name_ + " " + command);
}

std::string Netns::output_of(const std::string& command) const {
  std::string out;
  shell("ip netns exec " + name_ + " " + command, &out);
  return out;
}

int Netns::ifindex(const std::string& interface) const {
  EnterNetns inside(*this);
  return static_cast<int>(::if_nametoindex(interface.c_str()));
}

EnterNetns::EnterNetns(const Netns& netns)
    : original_(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) {
  UniqueFd target{::open(("/run/netns/" + netns.name()).c_str(), O_RDONLY | O_CLOEXEC)};
  EXPECT_TRUE(target.valid()) << "open namespace " << netns.name();
  EXPECT_EQ(::setns(target.get(), CLONE_NEWNET), 0) << "enter namespace " << netns.name();
}

EnterNetns::~EnterNetns() {
  ::setns(original_.get(), CLONE_NEWNET);
}

}  // namespace xpmip::net::testing
