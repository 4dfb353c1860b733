// The xpmipd binary's front door: --check-config, and start-up errors reported as one line with
// the fix and exit code 1 (missing interface, not root).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

#include "runtime_test_env.hpp"

namespace xpmip::daemon {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

Outcome run(const std::string& command) {
  Outcome outcome;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return outcome;
  std::array<char, 512> buffer{};
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    outcome.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

class XpmipdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("policy.toml", R"(
[[mag]]
address = "2001:db8:ffff::11"
)");
    config_ = dir_.write("lma.toml", R"(instance = "rt-xpmipd-test"
[signalling]
address = "2001:db8:ffff::1"
[lma]
external_interfaces = ["xpnosuch0"]
core_interfaces = ["xpnosuch1"]
[policy]
file = "policy.toml"
)");
  }

  std::string xpmipd(const std::string& arguments) const {
    return std::string(XPMIPD_PATH) + " --role lma --config " + config_.string() + " " + arguments;
  }

  testing::ScratchDir dir_;
  std::filesystem::path config_;
};

TEST_F(XpmipdTest, CheckConfigValidatesAndExits) {
  const Outcome outcome = run(xpmipd("--check-config"));
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_EQ(outcome.output, config_.string() + ": configuration and " +
                                (dir_.path() / "policy.toml").string() + " are valid\n");
}

TEST_F(XpmipdTest, MissingInterfaceIsOneLineWithTheFix) {
  if (::geteuid() != 0) GTEST_SKIP() << "the interface check runs after the root check";
  const Outcome outcome = run(xpmipd(""));
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(std::count(outcome.output.begin(), outcome.output.end(), '\n'), 1) << outcome.output;
  EXPECT_NE(outcome.output.find("error interface xpnosuch0 ([lma].external_interfaces) does not "
                                "exist in this network namespace: create it or fix "
                                "[lma].external_interfaces\n"),
            std::string::npos)
      << outcome.output;
}

TEST_F(XpmipdTest, NotRootIsOneLineWithTheFix) {
  std::string command = xpmipd("");
  if (::geteuid() == 0) {
    if (run("command -v setpriv").exit_code != 0) GTEST_SKIP() << "needs setpriv to drop root";
    command = "setpriv --reuid=65534 --regid=65534 --clear-groups " + command;
    // The root check comes first: nobody's failing to read the files must not hide it.
  }
  const Outcome outcome = run(command);
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(std::count(outcome.output.begin(), outcome.output.end(), '\n'), 1) << outcome.output;
  EXPECT_NE(outcome.output.find(
                "error xpmipd needs root (raw sockets, BPF, netlink): run it as root or with sudo"),
            std::string::npos)
      << outcome.output;
}

TEST_F(XpmipdTest, ConfigErrorIsOneLineNamingTheFile) {
  dir_.write("lma.toml", R"(instance = "rt-xpmipd-test"
[signalling]
adress = "2001:db8:ffff::1"
)");
  const Outcome outcome = run(xpmipd(""));
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(std::count(outcome.output.begin(), outcome.output.end(), '\n'), 1) << outcome.output;
  EXPECT_NE(outcome.output.find("error " + config_.string() + ":"), std::string::npos)
      << outcome.output;
}

}  // namespace
}  // namespace xpmip::daemon
