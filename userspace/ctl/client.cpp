#include "client.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "xpmip/daemon/config.hpp"
#include "xpmip/net/unique_fd.hpp"

namespace xpmip::ctl {

namespace {

ClientError unreachable(const std::filesystem::path& socket, const std::string& why) {
  return ClientError{true, "cannot reach xpmipd at " + socket.string() + ": " + why +
                               " (is xpmipd running? socket " + socket.string() +
                               "; pick another with --instance NAME or --socket PATH)"};
}

}  // namespace

tl::expected<std::filesystem::path, ClientError> choose_socket(
    const std::string& socket_option, const std::string& instance_option,
    const std::filesystem::path& run_dir) {
  if (!socket_option.empty()) return std::filesystem::path(socket_option);
  if (!instance_option.empty()) return daemon::default_control_socket(instance_option);
  std::vector<std::filesystem::path> sockets;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir, ec))
    if (entry.path().extension() == ".sock") sockets.push_back(entry.path());
  if (sockets.size() == 1) return sockets.front();
  if (sockets.empty())
    return tl::unexpected(ClientError{
        true, "no xpmipd control socket in " + run_dir.string() +
                  " (is xpmipd running? otherwise pass --instance NAME or --socket PATH)"});
  std::string names;
  for (const auto& path : sockets) names += " " + path.stem().string();
  return tl::unexpected(ClientError{
      false, "several xpmipd instances are running; choose one with --instance:" + names});
}

tl::expected<daemon::Response, ClientError> call(const std::filesystem::path& socket,
                                                 const daemon::Request& request,
                                                 std::chrono::milliseconds timeout) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket.native().size() >= sizeof(address.sun_path))
    return tl::unexpected(ClientError{false, "socket path too long: " + socket.string()});
  std::memcpy(address.sun_path, socket.c_str(), socket.native().size() + 1);

  net::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return tl::unexpected(ClientError{false, std::strerror(errno)});
  timeval limit{static_cast<time_t>(timeout.count() / 1000),
                static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0)
    return tl::unexpected(unreachable(socket, std::strerror(errno)));

  std::string line = daemon::encode_request(request) + "\n";
  for (std::string_view rest = line; !rest.empty();) {
    const ssize_t n = ::send(fd.get(), rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return tl::unexpected(unreachable(socket, std::strerror(errno)));
    rest.remove_prefix(static_cast<std::size_t>(n));
  }

  std::string answer;
  char buffer[64 * 1024];
  while (answer.find('\n') == std::string::npos) {
    const ssize_t n = ::recv(fd.get(), buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return tl::unexpected(
          unreachable(socket, "no answer within " + std::to_string(timeout.count()) + " ms"));
    if (n < 0) return tl::unexpected(unreachable(socket, std::strerror(errno)));
    if (n == 0)
      return tl::unexpected(ClientError{false, "xpmipd closed the connection without an answer"});
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  answer.resize(answer.find('\n'));
  auto response = daemon::parse_response(answer);
  if (!response)
    return tl::unexpected(ClientError{false, "bad answer from xpmipd: " + response.error()});
  return std::move(*response);
}

}  // namespace xpmip::ctl
