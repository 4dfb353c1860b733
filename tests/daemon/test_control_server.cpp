#include "xpmip/daemon/control_server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "xpmip/clock.hpp"
#include "xpmip/net/unique_fd.hpp"

namespace xpmip::daemon {
namespace {

using namespace std::chrono_literals;
using net::UniqueFd;
using nlohmann::json;

sockaddr_un address_of(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  return address;
}

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/xpmip-ctl-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    socket_ = dir_ / "run" / "xpmip" / "test.sock";
    auto loop = net::EventLoop::create(clock_);
    ASSERT_TRUE(loop) << loop.error().message();
    loop_.emplace(std::move(*loop));
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Answers status with the request count, bindings with an error, everything else echoes.
  void open_server() {
    auto server = ControlServer::open(*loop_, socket_, [this](const Request& request) {
      seen_.push_back(request);
      if (request.command == Command::kBindings)
        return tl::expected<json, std::string>(tl::unexpected(std::string("not today")));
      return tl::expected<json, std::string>(json{{"n", seen_.size()}});
    });
    ASSERT_TRUE(server) << server.error().message();
    server_ = std::move(*server);
  }

  UniqueFd connect_client() {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const sockaddr_un address = address_of(socket_);
    EXPECT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0)
        << std::strerror(errno);
    return fd;
  }

  static void send_text(const UniqueFd& fd, std::string_view text) {
    while (!text.empty()) {
      const ssize_t n = ::send(fd.get(), text.data(), text.size(), MSG_NOSIGNAL);
      ASSERT_GT(n, 0) << std::strerror(errno);
      text.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // Runs the loop until `fd` has a whole line (or end of stream) to read; returns the line
  // without its newline, or "<eof>".
  std::string read_line(const UniqueFd& fd) {
    std::string line;
    for (int round = 0; round < 500; ++round) {
      EXPECT_TRUE(loop_->run_once(5ms));
      pollfd ready{fd.get(), POLLIN, 0};
      while (::poll(&ready, 1, 0) == 1) {
        char c = 0;
        const ssize_t n = ::recv(fd.get(), &c, 1, 0);
        if (n <= 0) return line.empty() ? "<eof>" : line;
        if (c == '\n') return line;
        line += c;
      }
    }
    ADD_FAILURE() << "no answer";
    return line;
  }

  std::string ask(const UniqueFd& fd, std::string_view request) {
    send_text(fd, std::string(request) + "\n");
    return read_line(fd);
  }

  SystemClock clock_;
  std::filesystem::path dir_;
  std::filesystem::path socket_;
  std::optional<net::EventLoop> loop_;
  std::unique_ptr<ControlServer> server_;
  std::vector<Request> seen_;
};

TEST_F(ControlServerTest, CreatesDirectoryAndPrivateSocket) {
  open_server();
  struct stat dir {};
  ASSERT_EQ(::stat(socket_.parent_path().c_str(), &dir), 0);
  EXPECT_EQ(dir.st_mode & 07777, 0755u);
  struct stat sock {};
  ASSERT_EQ(::lstat(socket_.c_str(), &sock), 0);
  EXPECT_TRUE(S_ISSOCK(sock.st_mode));
  EXPECT_EQ(sock.st_mode & 07777, 0600u);
  EXPECT_EQ(server_->socket_path(), socket_);
}

TEST_F(ControlServerTest, SeveralRequestsOnOneConnection) {
  open_server();
  UniqueFd client = connect_client();
  EXPECT_EQ(ask(client, R"({"command":"status"})"), R"({"ok":true,"result":{"n":1}})");
  EXPECT_EQ(ask(client, R"({"command":"bindings"})"), R"({"ok":false,"error":"not today"})");
  EXPECT_EQ(ask(client, R"({"command":"mn.detach","mac":"02:00:00:00:01:01"})"),
            R"({"ok":true,"result":{"n":3}})");
  ASSERT_EQ(seen_.size(), 3u);
  EXPECT_EQ(seen_[2].command, Command::kMnDetach);
  EXPECT_EQ(seen_[2].mac, (MacAddress{0x02, 0, 0, 0, 1, 1}));
}

TEST_F(ControlServerTest, BadLineGetsAnErrorAndTheConnectionStaysUsable) {
  open_server();
  UniqueFd client = connect_client();
  EXPECT_EQ(ask(client, "this is not json"), R"({"ok":false,"error":"request is not valid JSON"})");
  EXPECT_EQ(ask(client, R"({"command":"reboot"})"),
            R"({"ok":false,"error":"unknown command \"reboot\""})");
  EXPECT_EQ(ask(client, R"({"command":"stats"})"), R"({"ok":true,"result":{"n":1}})");
  EXPECT_EQ(seen_.size(), 1u);  // the handler never saw the bad lines
}

TEST_F(ControlServerTest, RequestSplitAcrossWritesAndPipelinedRequests) {
  open_server();
  UniqueFd client = connect_client();
  send_text(client, R"({"command":)");
  EXPECT_TRUE(loop_->run_once(5ms));
  EXPECT_TRUE(seen_.empty());
  send_text(client, "\"status\"}\r\n\n{\"command\":\"stats\"}\n");
  EXPECT_EQ(read_line(client), R"({"ok":true,"result":{"n":1}})");
  EXPECT_EQ(read_line(client), R"({"ok":true,"result":{"n":2}})");
}

TEST_F(ControlServerTest, OversizedRequestIsRefusedAndClosed) {
  open_server();
  UniqueFd client = connect_client();
  send_text(client, std::string(kMaxRequestBytes + 10, 'x'));
  EXPECT_EQ(read_line(client), R"({"ok":false,"error":"request longer than 65536 bytes"})");
  EXPECT_EQ(read_line(client), "<eof>");
  EXPECT_EQ(server_->connection_count(), 0u);
  EXPECT_TRUE(seen_.empty());

  // A request of exactly the limit is still served.
  UniqueFd other = connect_client();
  std::string padded = R"({"command":"status","pad":")";
  padded += std::string(kMaxRequestBytes - padded.size() - 2, 'p') + "\"}";
  ASSERT_EQ(padded.size(), kMaxRequestBytes);
  EXPECT_EQ(ask(other, padded), R"({"ok":false,"error":"unknown field \"pad\" for status"})");
}

TEST_F(ControlServerTest, ManyClientsAtOnce) {
  open_server();
  std::vector<UniqueFd> clients;
  for (int i = 0; i < 20; ++i) clients.push_back(connect_client());
  for (const auto& client : clients) send_text(client, "{\"command\":\"status\"}\n");
  std::set<std::string> answers;
  for (const auto& client : clients) answers.insert(read_line(client));
  EXPECT_EQ(answers.size(), 20u);  // n = 1..20, each client its own answer
  EXPECT_EQ(server_->connection_count(), 20u);
  clients.clear();
  for (int round = 0; round < 10 && server_->connection_count() > 0; ++round)
    EXPECT_TRUE(loop_->run_once(5ms));
  EXPECT_EQ(server_->connection_count(), 0u);
}

TEST_F(ControlServerTest, StaleSocketIsReplacedButALiveOneIsNot) {
  std::filesystem::create_directories(socket_.parent_path());
  {
    // A socket file whose daemon died: bound, never listening, closed.
    UniqueFd dead(::socket(AF_UNIX, SOCK_STREAM, 0));
    const sockaddr_un address = address_of(socket_);
    ASSERT_EQ(::bind(dead.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
  }
  open_server();
  UniqueFd client = connect_client();
  EXPECT_EQ(ask(client, R"({"command":"status"})"), R"({"ok":true,"result":{"n":1}})");

  auto second = ControlServer::open(*loop_, socket_, [](const Request&) { return json(); });
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().error_number, EADDRINUSE);
  EXPECT_EQ(second.error().step, "another daemon is already listening on " + socket_.string());
}

TEST_F(ControlServerTest, RefusesToReplaceAFileThatIsNotASocket) {
  std::filesystem::create_directories(socket_.parent_path());
  std::ofstream(socket_) << "precious";
  auto server = ControlServer::open(*loop_, socket_, [](const Request&) { return json(); });
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().error_number, EEXIST);
  EXPECT_TRUE(std::filesystem::is_regular_file(socket_));
}

TEST_F(ControlServerTest, ClosingRemovesTheSocketFile) {
  open_server();
  UniqueFd client = connect_client();
  EXPECT_EQ(ask(client, R"({"command":"status"})"), R"({"ok":true,"result":{"n":1}})");
  server_.reset();
  EXPECT_FALSE(std::filesystem::exists(socket_));
  char byte = 0;
  EXPECT_EQ(::recv(client.get(), &byte, 1, 0), 0);  // the connection was closed too
}

TEST_F(ControlServerTest, HandlerExceptionBecomesAnErrorAnswer) {
  auto server =
      ControlServer::open(*loop_, socket_, [](const Request&) -> tl::expected<json, std::string> {
        return json::parse("{", nullptr, true);  // throws parse_error
      });
  ASSERT_TRUE(server);
  server_ = std::move(*server);
  UniqueFd client = connect_client();
  const std::string answer = ask(client, R"({"command":"status"})");
  EXPECT_EQ(answer.rfind(R"({"ok":false,"error":"internal error: )", 0), 0u) << answer;
  EXPECT_EQ(ask(client, R"({"command":"nope"})"),
            R"({"ok":false,"error":"unknown command \"nope\""})");
}

}  // namespace
}  // namespace xpmip::daemon
