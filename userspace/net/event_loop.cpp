#include "xpmip/net/event_loop.hpp"

#include <sys/epoll.h>
#include <sys/signalfd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <string>
#include <utility>

namespace xpmip::net {
namespace {

// Generation 0 marks the loop's own signalfd; watched fds count from 1.
constexpr std::uint32_t kSignalGeneration = 0;

constexpr std::uint64_t token_of(int fd, std::uint32_t generation) {
  return (std::uint64_t{generation} << 32) | static_cast<std::uint32_t>(fd);
}

}  // namespace

NetResult<EventLoop> EventLoop::create(const Clock& clock) {
  UniqueFd epoll_fd{::epoll_create1(EPOLL_CLOEXEC)};
  if (!epoll_fd.valid()) return tl::unexpected(errno_error("create epoll instance"));
  return EventLoop(clock, std::move(epoll_fd));
}

EventLoop::EventLoop(const Clock& clock, UniqueFd epoll_fd)
    : clock_(&clock), epoll_fd_(std::move(epoll_fd)) {}

EventLoop::EventLoop(EventLoop&& other) noexcept
    : clock_(other.clock_),
      epoll_fd_(std::move(other.epoll_fd_)),
      watches_(std::move(other.watches_)),
      next_generation_(other.next_generation_),
      timers_(std::move(other.timers_)),
      next_timer_sequence_(other.next_timer_sequence_),
      signal_fd_(std::move(other.signal_fd_)),
      on_signal_(std::move(other.on_signal_)),
      mask_before_signals_(std::exchange(other.mask_before_signals_, std::nullopt)),
      stop_requested_(other.stop_requested_) {}

EventLoop::~EventLoop() {
  if (mask_before_signals_) ::sigprocmask(SIG_SETMASK, &*mask_before_signals_, nullptr);
}

NetResult<void> EventLoop::watch(int fd, ReadableCallback on_readable) {
  const std::uint32_t generation = next_generation_++;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = token_of(fd, generation);
  if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, fd, &event) != 0)
    return tl::unexpected(errno_error("add fd " + std::to_string(fd) + " to epoll"));
  watches_[fd] = Watch{generation, std::make_shared<ReadableCallback>(std::move(on_readable))};
  return {};
}

void EventLoop::unwatch(int fd) {
  if (watches_.erase(fd) == 0) return;
  // Failure means the fd was already closed, which removed it from the epoll set anyway.
  ::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, fd, nullptr);
}

EventLoop::TimerId EventLoop::schedule_at(SteadyTime deadline, TimerCallback callback) {
  const TimerId id{deadline, next_timer_sequence_++};
  timers_.emplace(id, std::move(callback));
  return id;
}

bool EventLoop::cancel(const TimerId& id) {
  return timers_.erase(id) == 1;
}

std::optional<SteadyTime> EventLoop::next_deadline() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first.deadline;
}

NetResult<void> EventLoop::watch_signals(const std::vector<int>& signals,
                                         SignalCallback on_signal) {
  if (signal_fd_.valid()) return tl::unexpected(NetError{"watch signals a second time", EBUSY});
  sigset_t set;
  ::sigemptyset(&set);
  for (int signal_number : signals) ::sigaddset(&set, signal_number);
  sigset_t previous;
  if (::sigprocmask(SIG_BLOCK, &set, &previous) != 0)
    return tl::unexpected(errno_error("block signals for signalfd"));
  UniqueFd fd{::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)};
  if (!fd.valid()) {
    auto error = errno_error("create signalfd");
    ::sigprocmask(SIG_SETMASK, &previous, nullptr);
    return tl::unexpected(error);
  }
  mask_before_signals_ = previous;
  signal_fd_ = std::move(fd);
  on_signal_ = std::move(on_signal);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = token_of(signal_fd_.get(), kSignalGeneration);
  if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, signal_fd_.get(), &event) != 0)
    return tl::unexpected(errno_error("add signalfd to epoll"));
  return {};
}

void EventLoop::drain_signals() {
  signalfd_siginfo info{};
  while (::read(signal_fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info))
    on_signal_(static_cast<int>(info.ssi_signo));
}

int EventLoop::wait_timeout_ms(std::optional<std::chrono::milliseconds> max_wait) const {
  std::optional<std::chrono::milliseconds> wait = max_wait;
  if (auto deadline = next_deadline()) {
    // Round up: waking a little late is harmless, waking early would spin until the deadline.
    auto until = std::chrono::ceil<std::chrono::milliseconds>(*deadline - clock_->now());
    if (until.count() < 0) until = std::chrono::milliseconds{0};
    if (!wait || until < *wait) wait = until;
  }
  if (!wait) return -1;
  return static_cast<int>(std::min<std::chrono::milliseconds::rep>(wait->count(), INT_MAX));
}

NetResult<void> EventLoop::run_once(std::optional<std::chrono::milliseconds> max_wait) {
  std::array<epoll_event, 32> events{};
  const int ready = ::epoll_wait(epoll_fd_.get(), events.data(), static_cast<int>(events.size()),
                                 wait_timeout_ms(max_wait));
  if (ready < 0 && errno != EINTR) return tl::unexpected(errno_error("wait for events"));
  for (int i = 0; i < ready; ++i) dispatch_readable(events[static_cast<std::size_t>(i)].data.u64);
  fire_due_timers();
  return {};
}

void EventLoop::dispatch_readable(std::uint64_t token) {
  const int fd = static_cast<int>(static_cast<std::uint32_t>(token));
  if (token == token_of(signal_fd_.get(), kSignalGeneration)) {
    drain_signals();
    return;
  }
  auto found = watches_.find(fd);
  if (found == watches_.end() || token_of(fd, found->second.generation) != token) return;
  // Hold a reference: the callback may unwatch its own fd.
  const auto callback = found->second.callback;
  (*callback)();
}

void EventLoop::fire_due_timers() {
  const SteadyTime now = clock_->now();
  // Timers scheduled by a firing callback wait for the next dispatch, even if already due, so a
  // callback that reschedules itself "now" cannot starve the descriptors.
  const std::uint64_t sequence_limit = next_timer_sequence_;
  for (auto it = timers_.begin(); it != timers_.end() && it->first.deadline <= now;) {
    if (it->first.sequence >= sequence_limit) {
      ++it;
      continue;
    }
    auto callback = std::move(it->second);
    timers_.erase(it);
    callback();
    it = timers_.begin();
  }
}

NetResult<void> EventLoop::run() {
  stop_requested_ = false;
  while (!stop_requested_) {
    if (auto dispatched = run_once(); !dispatched) return dispatched;
  }
  return {};
}

}  // namespace xpmip::net
