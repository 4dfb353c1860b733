#include "xpmip/daemon/control_server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <map>
#include <string_view>

#include "xpmip/net/unique_fd.hpp"

namespace xpmip::daemon {

namespace {

using net::NetError;
using net::NetResult;
using net::UniqueFd;

// A client that stops reading its answer is dropped after this long; the event loop only waits
// for readability, so an answer is written out (with poll) before the loop moves on.
constexpr std::chrono::milliseconds kWriteTimeout{2000};

NetResult<sockaddr_un> unix_address(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string& text = path.native();
  if (text.size() >= sizeof(address.sun_path))
    return tl::unexpected(NetError{"socket path " + text + " is too long", ENAMETOOLONG});
  std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
  return address;
}

// Whether a daemon answers on `path`: connect() succeeds only with a listener behind it.
bool someone_listens(const sockaddr_un& address) {
  UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!probe.valid()) return false;
  return ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
}

// Removes a socket file no daemon listens on any more (left by a crash). Anything else at that
// path is not ours to delete.
NetResult<void> clear_stale_socket(const std::filesystem::path& path, const sockaddr_un& address) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return {};
    return tl::unexpected(net::errno_error("stat " + path.string()));
  }
  if (!S_ISSOCK(info.st_mode))
    return tl::unexpected(NetError{path.string() + " exists and is not a socket", EEXIST});
  if (someone_listens(address))
    return tl::unexpected(
        NetError{"another daemon is already listening on " + path.string(), EADDRINUSE});
  if (::unlink(path.c_str()) != 0)
    return tl::unexpected(net::errno_error("remove stale socket " + path.string()));
  return {};
}

NetResult<void> ensure_directory(const std::filesystem::path& dir) {
  if (dir.empty()) return {};
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return {};
  std::filesystem::create_directories(dir, ec);
  if (ec) return tl::unexpected(NetError{"create directory " + dir.string(), ec.value()});
  // The sockets inside are 0600; the directory only needs to be traversable.
  if (::chmod(dir.c_str(), 0755) != 0)
    return tl::unexpected(net::errno_error("chmod 0755 " + dir.string()));
  return {};
}

std::string too_long_message() {
  return "request longer than " + std::to_string(kMaxRequestBytes) + " bytes";
}

}  // namespace

struct ControlServer::State {
  struct Connection {
    UniqueFd fd;
    std::string pending;  // bytes of a request line not yet terminated
  };

  net::EventLoop* loop = nullptr;
  std::filesystem::path path;
  ino_t inode = 0;  // of our socket file, so we never delete a successor's
  UniqueFd listener;
  ControlHandler handler;
  std::map<int, Connection> connections;

  void accept_all();
  void on_readable(int fd);
  // Handles every complete line in `c.pending`; false when the connection must close.
  bool serve_lines(Connection& c);
  [[nodiscard]] std::string answer(std::string_view line) const;
  // False when the client did not take the bytes in time or has gone.
  static bool write_all(int fd, std::string_view bytes);
  void close(int fd);
};

void ControlServer::State::accept_all() {
  for (;;) {
    const int fd = ::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN: all taken; anything else: the client is already gone
    Connection& c = connections[fd];
    c.fd = UniqueFd(fd);
    if (!loop->watch(fd, [this, fd] { on_readable(fd); })) connections.erase(fd);
  }
}

void ControlServer::State::on_readable(int fd) {
  auto it = connections.find(fd);
  if (it == connections.end()) return;
  Connection& c = it->second;
  char buffer[16 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n > 0) {
      c.pending.append(buffer, static_cast<std::size_t>(n));
      if (!serve_lines(c)) return close(fd);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    return close(fd);  // end of stream or a reset: an unterminated last line is not a request
  }
}

bool ControlServer::State::serve_lines(Connection& c) {
  std::size_t start = 0;
  for (std::size_t end; (end = c.pending.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string_view line(c.pending.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxRequestBytes) {
      write_all(c.fd.get(), encode_error(too_long_message()) + "\n");
      return false;
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (!write_all(c.fd.get(), answer(line) + "\n")) return false;
  }
  c.pending.erase(0, start);
  if (c.pending.size() > kMaxRequestBytes) {
    // No newline within the limit: the client is not speaking the protocol.
    write_all(c.fd.get(), encode_error(too_long_message()) + "\n");
    return false;
  }
  return true;
}

std::string ControlServer::State::answer(std::string_view line) const {
  auto request = parse_request(line);
  if (!request) return encode_error(request.error());
  try {
    auto result = handler(*request);
    return result ? encode_ok(*result) : encode_error(result.error());
  } catch (const std::exception& e) {
    // A bug in one command must not take the daemon down with it.
    return encode_error(std::string("internal error: ") + e.what());
  }
}

bool ControlServer::State::write_all(int fd, std::string_view bytes) {
  const auto deadline = std::chrono::steady_clock::now() + kWriteTimeout;
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd waiting{fd, POLLOUT, 0};
    if (::poll(&waiting, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) return false;
  }
  return true;
}

void ControlServer::State::close(int fd) {
  loop->unwatch(fd);
  connections.erase(fd);
}

NetResult<std::unique_ptr<ControlServer>> ControlServer::open(
    net::EventLoop& loop, const std::filesystem::path& socket_path, ControlHandler handler) {
  auto address = unix_address(socket_path);
  if (!address) return tl::unexpected(address.error());
  if (auto dir = ensure_directory(socket_path.parent_path()); !dir)
    return tl::unexpected(dir.error());
  if (auto cleared = clear_stale_socket(socket_path, *address); !cleared)
    return tl::unexpected(cleared.error());

  auto state = std::make_unique<State>();
  state->loop = &loop;
  state->path = socket_path;
  state->handler = std::move(handler);
  state->listener = UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!state->listener.valid()) return tl::unexpected(net::errno_error("create control socket"));
  // The socket file is created by bind(): a restrictive umask means it never exists with wider
  // permissions than 0600, not even between bind() and chmod().
  const mode_t old_umask = ::umask(0177);
  const int bound =
      ::bind(state->listener.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof(*address));
  ::umask(old_umask);
  if (bound != 0) return tl::unexpected(net::errno_error("bind " + socket_path.string()));
  struct stat info {};
  if (::chmod(socket_path.c_str(), 0600) != 0 || ::stat(socket_path.c_str(), &info) != 0) {
    auto error = net::errno_error("chmod 0600 " + socket_path.string());
    ::unlink(socket_path.c_str());
    return tl::unexpected(error);
  }
  state->inode = info.st_ino;
  if (::listen(state->listener.get(), SOMAXCONN) != 0) {
    auto error = net::errno_error("listen on " + socket_path.string());
    ::unlink(socket_path.c_str());
    return tl::unexpected(error);
  }
  State* raw = state.get();
  if (auto watched = loop.watch(raw->listener.get(), [raw] { raw->accept_all(); }); !watched) {
    ::unlink(socket_path.c_str());
    return tl::unexpected(watched.error());
  }
  return std::unique_ptr<ControlServer>(new ControlServer(std::move(state)));
}

ControlServer::ControlServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

ControlServer::~ControlServer() {
  for (auto& [fd, connection] : state_->connections) state_->loop->unwatch(fd);
  state_->connections.clear();
  state_->loop->unwatch(state_->listener.get());
  struct stat info {};
  if (::stat(state_->path.c_str(), &info) == 0 && info.st_ino == state_->inode)
    ::unlink(state_->path.c_str());
}

std::size_t ControlServer::connection_count() const {
  return state_->connections.size();
}

const std::filesystem::path& ControlServer::socket_path() const {
  return state_->path;
}

}  // namespace xpmip::daemon
