// The event loop with real descriptors (pipes, signalfd) and a hand-driven clock. No root needed.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "xpmip/clock.hpp"
#include "xpmip/net/event_loop.hpp"
#include "xpmip/unique_fd.hpp"

namespace xpmip::net {
namespace {

using namespace std::chrono_literals;

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

Pipe make_pipe() {
  int fds[2] = {-1, -1};
  EXPECT_EQ(::pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  return Pipe{UniqueFd{fds[0]}, UniqueFd{fds[1]}};
}

void write_byte(const Pipe& pipe, char byte) {
  ASSERT_EQ(::write(pipe.write_end.get(), &byte, 1), 1);
}

std::string drain(const Pipe& pipe) {
  std::string out;
  char buffer[64];
  ssize_t n;
  while ((n = ::read(pipe.read_end.get(), buffer, sizeof buffer)) > 0)
    out.append(buffer, static_cast<std::size_t>(n));
  return out;
}

EventLoop make_loop(const Clock& clock) {
  auto loop = EventLoop::create(clock);
  if (!loop) ADD_FAILURE() << loop.error().message();
  return std::move(*loop);
}

TEST(EventLoop, DispatchesReadableDescriptorsToTheirCallbacks) {
  ManualClock clock;
  EventLoop loop = make_loop(clock);
  Pipe a = make_pipe();
  Pipe b = make_pipe();
  std::string seen_a, seen_b;
  ASSERT_TRUE(loop.watch(a.read_end.get(), [&] { seen_a += drain(a); }).has_value());
  ASSERT_TRUE(loop.watch(b.read_end.get(), [&] { seen_b += drain(b); }).has_value());

  write_byte(b, 'x');
  ASSERT_TRUE(loop.run_once(1000ms).has_value());
  EXPECT_EQ(seen_a, "");
  EXPECT_EQ(seen_b, "x");

  write_byte(a, 'y');
  write_byte(a, 'z');
  ASSERT_TRUE(loop.run_once(1000ms).has_value());
  EXPECT_EQ(seen_a, "yz");
  EXPECT_EQ(seen_b, "x");
}

TEST(EventLoop, RejectsAnInvalidDescriptorWithTheStepAndErrno) {
  ManualClock clock;
  EventLoop loop = make_loop(clock);
  auto watched = loop.watch(-1, [] {});
  ASSERT_FALSE(watched.has_value());
  EXPECT_EQ(watched.error().error_number, EBADF);
  EXPECT_EQ(watched.error().step, "add fd -1 to epoll");
  EXPECT_EQ(watched.error().message(), "add fd -1 to epoll: Bad file descriptor (errno 9)");
}

TEST(EventLoop, UnwatchFromOwnCallbackStopsFurtherDispatch) {
  ManualClock clock;
  EventLoop loop = make_loop(clock);
  Pipe p = make_pipe();
  int calls = 0;
  ASSERT_TRUE(loop.watch(p.read_end.get(),
                         [&] {
                           ++calls;
                           loop.unwatch(p.read_end.get());  // leaves the byte unread on purpose
                         })
                  .has_value());
  write_byte(p, 'q');
  ASSERT_TRUE(loop.run_once(1000ms).has_value());
  ASSERT_TRUE(loop.run_once(0ms).has_value());
  EXPECT_EQ(calls, 1);
}

TEST(EventLoop, TimersFireInDeadlineOrderOnlyWhenDue) {
  ManualClock clock;
  EventLoop loop = make_loop(clock);
  std::vector<std::string> fired;
  const SteadyTime start = clock.now();
  loop.schedule_at(start + 3s, [&] { fired.push_back("3s"); });
  loop.schedule_at(start + 1s, [&] { fired.push_back("1s"); });
  loop.schedule_at(start + 2s, [&] { fired.push_back("2s-a"); });
  loop.schedule_at(start + 2s, [&] { fired.push_back("2s-b"); });
  EXPECT_EQ(loop.next_deadline(), start + 1s);

  ASSERT_TRUE(loop.run_once(0ms).has_value());
  EXPECT_TRUE(fired.empty());

  clock.advance(2s);
  ASSERT_TRUE(loop.run_once(0ms).has_value());
  EXPECT_EQ(fired, (std::vector<std::string>{"1s", "2s-a", "2s-b"}));
  EXPECT_EQ(loop.next_deadline(), start + 3s);

  clock.advance(1s);
  ASSERT_TRUE(loop.run_once(0ms).has_value());
  EXPECT_EQ(fired, (std::vector<std::string>{"1s", "2s-a", "2s-b", "3s"}));
  EXPECT_EQ(loop.next_deadline(), std::nullopt);
}

TEST(EventLoop, CancelledTimerNeverFires) {
  ManualClock clock;
  EventLoop loop = make_loop(clock);
  int fired = 0;
  auto id = loop.schedule_at(clock.now() + 1s, [&] { ++fired; });
  EXPECT_TRUE(loop.cancel(id));
  EXPECT_FALSE(loop.cancel(id));
  clock.advance(5s);
  ASSERT_TRUE(loop.run_once(0ms).has_value());
  EXPECT_EQ(fired, 0);
}

TEST(EventLoop, TimerScheduledFromATimerWaitsForTheNextDispatch) {
  ManualClock clock;
  EventLoop loop = make_loop(clock);
  int fired = 0;
  std::function<void()> rearm = [&] {
    ++fired;
    loop.schedule_at(clock.now(), rearm);  // due at once: must not run in this same pass
  };
  loop.schedule_at(clock.now(), rearm);
  ASSERT_TRUE(loop.run_once(0ms).has_value());
  EXPECT_EQ(fired, 1);
  ASSERT_TRUE(loop.run_once(0ms).has_value());
  EXPECT_EQ(fired, 2);
}

TEST(EventLoop, WaitIsBoundedByTheNextDeadline) {
  SystemClock clock;
  EventLoop loop = make_loop(clock);
  bool fired = false;
  const auto begin = std::chrono::steady_clock::now();
  loop.schedule_at(clock.now() + 50ms, [&] {
    fired = true;
    loop.stop();
  });
  ASSERT_TRUE(loop.run().has_value());  // would block forever without the deadline
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_TRUE(fired);
  EXPECT_GE(elapsed, 50ms);
  EXPECT_LT(elapsed, 1s);
}

TEST(EventLoop, SignalsArriveAsCallbacksAndTheMaskIsRestored) {
  sigset_t before;
  ASSERT_EQ(::sigprocmask(SIG_SETMASK, nullptr, &before), 0);
  ASSERT_FALSE(::sigismember(&before, SIGHUP));
  {
    SystemClock clock;
    EventLoop loop = make_loop(clock);
    std::vector<int> received;
    ASSERT_TRUE(loop.watch_signals({SIGTERM, SIGINT, SIGHUP},
                                   [&](int signal_number) {
                                     received.push_back(signal_number);
                                     if (signal_number == SIGTERM) loop.stop();
                                   })
                    .has_value());
    ASSERT_FALSE(loop.watch_signals({SIGUSR1}, [](int) {}).has_value());

    ::raise(SIGHUP);
    ::raise(SIGTERM);
    // Pending signals are reported in ascending number order: SIGHUP (1) before SIGTERM (15).
    ASSERT_TRUE(loop.run().has_value());
    EXPECT_EQ(received, (std::vector<int>{SIGHUP, SIGTERM}));
  }
  sigset_t after;
  ASSERT_EQ(::sigprocmask(SIG_SETMASK, nullptr, &after), 0);
  EXPECT_FALSE(::sigismember(&after, SIGHUP));
  EXPECT_FALSE(::sigismember(&after, SIGTERM));
}

TEST(EventLoop, StopEndsRunFromADescriptorCallback) {
  SystemClock clock;
  EventLoop loop = make_loop(clock);
  Pipe p = make_pipe();
  int calls = 0;
  ASSERT_TRUE(loop.watch(p.read_end.get(),
                         [&] {
                           ++calls;
                           drain(p);
                           loop.stop();
                         })
                  .has_value());
  write_byte(p, 's');
  ASSERT_TRUE(loop.run().has_value());
  EXPECT_EQ(calls, 1);
}

TEST(EventLoop, StaysUsableAfterAMove) {
  ManualClock clock;
  EventLoop first = make_loop(clock);
  Pipe p = make_pipe();
  std::string seen;
  ASSERT_TRUE(first.watch(p.read_end.get(), [&] { seen += drain(p); }).has_value());
  EventLoop moved = std::move(first);
  write_byte(p, 'm');
  ASSERT_TRUE(moved.run_once(1000ms).has_value());
  EXPECT_EQ(seen, "m");
}

}  // namespace
}  // namespace xpmip::net
