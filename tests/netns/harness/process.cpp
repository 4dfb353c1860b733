#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

namespace xpmip::netns {
namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// execvp wants a NULL-terminated array of mutable C strings; the vector keeps them alive.
std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  out.reserve(argv.size() + 1);
  for (const auto& arg : argv) out.push_back(const_cast<char*>(arg.c_str()));
  out.push_back(nullptr);
  return out;
}

// Only async-signal-safe calls between fork and exec: the test binary may have other threads.
[[noreturn]] void exec_child(const std::vector<char*>& args, int out_fd, int err_fd) {
  dup2(out_fd, STDOUT_FILENO);
  dup2(err_fd, STDERR_FILENO);
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
  execvp(args[0], args.data());
  _exit(127);
}

int decode_status(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Waits for `pid` until `deadline`; true if it was reaped (status stored).
bool reap_until(pid_t pid, Clock::time_point deadline, int& status) {
  while (true) {
    pid_t got = waitpid(pid, &status, WNOHANG);
    if (got == pid || (got < 0 && errno != EINTR)) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

std::string join_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out += ' ';
    out += arg;
  }
  return out;
}

tl::expected<CommandResult, std::string> run_command(const std::vector<std::string>& argv,
                                                     std::chrono::milliseconds timeout) {
  if (argv.empty()) return tl::unexpected(std::string("run_command: empty argv"));
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return tl::unexpected(errno_text("pipe2"));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return tl::unexpected(errno_text("pipe2"));
  }
  auto args = c_argv(argv);
  pid_t pid = fork();
  if (pid == 0) exec_child(args, out_pipe[1], err_pipe[1]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid < 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return tl::unexpected(errno_text("fork"));
  }

  CommandResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_streams = 2;
  const auto deadline = Clock::now() + timeout;
  bool timed_out = false;
  char buf[4096];
  while (open_streams > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    int ready = poll(fds, 2, static_cast<int>(left.count()));
    if (ready <= 0) continue;  // EINTR or timeout; the deadline check above decides
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
        continue;
      }
      // EOF: every writer (the child and anything it forked) has closed this stream.
      close(fds[i].fd);
      fds[i].fd = -1;
      --open_streams;
    }
  }
  for (auto& pfd : fds)
    if (pfd.fd >= 0) close(pfd.fd);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  reap_until(pid, Clock::now() + std::chrono::seconds(5), status);
  result.exit_code = timed_out ? -1 : decode_status(status);
  if (timed_out) result.err += "[killed after " + std::to_string(timeout.count()) + " ms]";
  if (result.exit_code == 127 && result.err.empty()) result.err = "could not execute " + argv[0];
  return result;
}

tl::expected<std::string, std::string> run_checked(const std::vector<std::string>& argv,
                                                   std::chrono::milliseconds timeout) {
  auto result = run_command(argv, timeout);
  if (!result) return tl::unexpected(result.error());
  if (result->exit_code != 0) {
    return tl::unexpected("`" + join_argv(argv) + "` exited with " +
                          std::to_string(result->exit_code) + ": " + result->err + result->out);
  }
  return std::move(result->out);
}

}  // namespace xpmip::netns
