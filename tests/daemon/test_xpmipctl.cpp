// xpmipctl against a real control server: the client library, then the binary's exit codes,
// output and messages.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "client.hpp"
#include "xpmip/clock.hpp"
#include "xpmip/daemon/control_server.hpp"

namespace xpmip::ctl {
namespace {

using namespace std::chrono_literals;
using daemon::Command;
using daemon::Request;
using nlohmann::json;

struct Outcome {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

Outcome run_xpmipctl(const std::string& arguments) {
  const std::string command = std::string(XPMIPCTL_PATH) + " " + arguments + " 2>&1";
  Outcome outcome;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return outcome;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;)
    outcome.out.append(buffer, n);
  const int status = ::pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

// A control server on its own thread, answering like a small LMA.
class XpmipctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/xpmip-cli-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    socket_ = dir_ / "lma.sock";
    auto loop = net::EventLoop::create(clock_);
    ASSERT_TRUE(loop);
    loop_.emplace(std::move(*loop));
    auto server = daemon::ControlServer::open(
        *loop_, socket_, [](const Request& request) { return answer(request); });
    ASSERT_TRUE(server) << server.error().message();
    server_ = std::move(*server);
    thread_ = std::thread([this] {
      while (!stop_) (void)loop_->run_once(10ms);
    });
  }
  void TearDown() override {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  static tl::expected<json, std::string> answer(const Request& request) {
    switch (request.command) {
      case Command::kBindings:
        return json::parse(R"([{"mn_id":"mn1@xpmip.test","hnps":["2001:db8:1:1::/64"],
          "proxy_coa":"2001:db8:ffff:1::1","access_tech":3,"handoff_indicator":1,
          "mn_link_layer_id":null,"state":"bound","lifetime_s":3600,"lifetime_left_s":3590,
          "age_s":10}])");
      case Command::kMnDetach:
        return tl::unexpected("no mobile node " + request.mn_id.value_or("?"));
      case Command::kMnAttach:
        return json{{"interface", *request.interface}, {"mac", request.mac.has_value()}};
      default:
        return json{{"command", std::string(daemon::command_name(request.command))}};
    }
  }

  SystemClock clock_;
  std::filesystem::path dir_;
  std::filesystem::path socket_;
  std::optional<net::EventLoop> loop_;
  std::unique_ptr<daemon::ControlServer> server_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_F(XpmipctlTest, ClientCallsTheServer) {
  auto response = call(socket_, Request{Command::kStats, {}, {}, {}});
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_TRUE(response->ok);
  EXPECT_EQ(response->result, (json{{"command", "stats"}}));

  auto error = call(socket_, Request{Command::kMnDetach, {}, {}, "mn7"});
  ASSERT_TRUE(error);
  EXPECT_FALSE(error->ok);
  EXPECT_EQ(error->error, "no mobile node mn7");
}

TEST_F(XpmipctlTest, TableJsonAndExitCodes) {
  const std::string socket = "--socket " + socket_.string();
  Outcome table = run_xpmipctl(socket + " bindings");
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_EQ(table.out,
            "MN-ID           HNP                PROXY-COA           MN-LL-ID  ATT  HI  STATE  "
            "LIFETIME  LEFT   AGE\n"
            "mn1@xpmip.test  2001:db8:1:1::/64  2001:db8:ffff:1::1  -         3    1   bound  "
            "3600s     3590s  10s\n");

  Outcome json_line = run_xpmipctl(socket + " --json policy reload");
  EXPECT_EQ(json_line.exit_code, 0);
  EXPECT_EQ(json_line.out, "{\"command\":\"policy.reload\"}\n");

  Outcome attach =
      run_xpmipctl(socket + " --json mn attach --interface acc1 --mac 02:00:00:00:01:01");
  EXPECT_EQ(attach.exit_code, 0);
  EXPECT_EQ(attach.out, "{\"interface\":\"acc1\",\"mac\":true}\n");

  Outcome refused = run_xpmipctl(socket + " mn detach --mn-id mn7");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.out, "xpmipctl: no mobile node mn7\n");

  Outcome usage = run_xpmipctl(socket + " mn detach --mac 02:00:00:00:01:01 --mn-id mn7");
  EXPECT_EQ(usage.exit_code, 1);
  EXPECT_EQ(usage.out, "xpmipctl: give exactly one of --mac or --mn-id\n");
}

TEST_F(XpmipctlTest, UnreachableDaemonExitsTwoAndSaysWhichSocket) {
  const auto missing = dir_ / "gone.sock";
  Outcome outcome = run_xpmipctl("--socket " + missing.string() + " status");
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.out, "xpmipctl: cannot reach xpmipd at " + missing.string() +
                             ": No such file or directory (is xpmipd running? socket " +
                             missing.string() +
                             "; pick another with --instance NAME or --socket PATH)\n");
}

TEST(XpmipctlSocketChoice, OptionsThenTheOnlyRunningInstance) {
  EXPECT_EQ(*choose_socket("/x/y.sock", "", "/nonexistent"), "/x/y.sock");
  EXPECT_EQ(*choose_socket("", "mag1", "/nonexistent"), "/run/xpmip/mag1.sock");
  auto none = choose_socket("", "", "/nonexistent");
  ASSERT_FALSE(none);
  EXPECT_TRUE(none.error().unreachable);

  char dir_template[] = "/tmp/xpmip-run-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::filesystem::path run = dir_template;
  std::ofstream(run / "lma.sock").put('x');
  std::ofstream(run / "notes.txt").put('x');
  EXPECT_EQ(*choose_socket("", "", run), run / "lma.sock");
  std::ofstream(run / "mag1.sock").put('x');
  auto several = choose_socket("", "", run);
  ASSERT_FALSE(several);
  EXPECT_FALSE(several.error().unreachable);
  EXPECT_NE(several.error().message.find("choose one with --instance"), std::string::npos);
  std::filesystem::remove_all(run);
}

}  // namespace
}  // namespace xpmip::ctl
