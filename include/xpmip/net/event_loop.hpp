// The daemon's single-threaded event loop: readable file descriptors, deadlines and POSIX
// signals, all dispatched from one epoll_wait. Deadlines live in an ordered map whose earliest
// entry sets epoll_wait's timeout, which fits cores that expose next_deadline()/on_timer(now).
// Time comes from an injected Clock so tests can drive deadlines by hand.
#pragma once

#include <signal.h>

#include <chrono>
#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "xpmip/clock.hpp"
#include "xpmip/net/error.hpp"
#include "xpmip/unique_fd.hpp"

namespace xpmip::net {

class EventLoop {
 public:
  using ReadableCallback = std::function<void()>;
  using TimerCallback = std::function<void()>;
  using SignalCallback = std::function<void(int signal_number)>;

  // Identifies one scheduled deadline; ordered by deadline, then by scheduling order.
  struct TimerId {
    SteadyTime deadline;
    std::uint64_t sequence = 0;
    auto operator<=>(const TimerId&) const = default;
  };

  // `clock` must outlive the loop.
  [[nodiscard]] static NetResult<EventLoop> create(const Clock& clock);

  EventLoop(EventLoop&&) noexcept;
  EventLoop& operator=(EventLoop&&) = delete;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  // Restores the signal mask that watch_signals() changed.
  ~EventLoop();

  // Calls `on_readable` whenever `fd` is readable or has an error/hang-up pending (the callback
  // finds out which by reading). One callback per fd; the caller keeps the fd open until unwatch.
  [[nodiscard]] NetResult<void> watch(int fd, ReadableCallback on_readable);
  // Safe from inside any callback, including the fd's own.
  void unwatch(int fd);

  // Runs `callback` once, at the first dispatch at or after `deadline`.
  TimerId schedule_at(SteadyTime deadline, TimerCallback callback);
  // False if the timer already fired or was cancelled.
  bool cancel(const TimerId& id);
  [[nodiscard]] std::optional<SteadyTime> next_deadline() const;

  // Blocks `signals` for the process and delivers them through a signalfd instead, so they are
  // handled between events rather than in async-signal context. May be called once.
  [[nodiscard]] NetResult<void> watch_signals(const std::vector<int>& signals,
                                              SignalCallback on_signal);

  // Waits for at most `max_wait` (unbounded when absent; bounded anyway by the next deadline),
  // then dispatches ready descriptors and due timers.
  [[nodiscard]] NetResult<void> run_once(
      std::optional<std::chrono::milliseconds> max_wait = std::nullopt);
  // Dispatches until stop() is called from a callback, or a wait fails.
  [[nodiscard]] NetResult<void> run();
  void stop() { stop_requested_ = true; }

 private:
  struct Watch {
    std::uint32_t generation = 0;
    std::shared_ptr<ReadableCallback> callback;
  };

  EventLoop(const Clock& clock, UniqueFd epoll_fd);
  void dispatch_readable(std::uint64_t token);
  void fire_due_timers();
  void drain_signals();
  [[nodiscard]] int wait_timeout_ms(std::optional<std::chrono::milliseconds> max_wait) const;

  const Clock* clock_;
  UniqueFd epoll_fd_;
  std::unordered_map<int, Watch> watches_;
  // A reused fd number gets a new generation, so a stale event from a closed fd is ignored.
  // The loop holds no pointer to itself anywhere, which keeps it movable.
  std::uint32_t next_generation_ = 1;
  std::map<TimerId, TimerCallback> timers_;
  std::uint64_t next_timer_sequence_ = 0;
  UniqueFd signal_fd_;
  SignalCallback on_signal_;
  std::optional<sigset_t> mask_before_signals_;
  bool stop_requested_ = false;
};

}  // namespace xpmip::net
