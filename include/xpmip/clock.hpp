// Time as the protocol cores see it. The cores never read a clock themselves: the daemon
// passes a SystemClock, tests a ManualClock they advance by hand.
#pragma once

#include <chrono>

namespace xpmip {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time for timers (lifetimes, retransmissions, delete delays).
  [[nodiscard]] virtual SteadyTime now() const = 0;
  // Wall-clock time for the RFC 5213 §5.5 timestamp option, which is UTC-based.
  [[nodiscard]] virtual WallTime wall_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] SteadyTime now() const override { return std::chrono::steady_clock::now(); }
  [[nodiscard]] WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

// A clock for tests: both readings move together when advanced.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(WallTime wall_start = WallTime{std::chrono::seconds{1'700'000'000}})
      : wall_(wall_start) {}
  [[nodiscard]] SteadyTime now() const override { return steady_; }
  [[nodiscard]] WallTime wall_now() const override { return wall_; }
  void advance(std::chrono::nanoseconds d) {
    steady_ += d;
    wall_ += std::chrono::duration_cast<WallTime::duration>(d);
  }
  // Moves only the wall clock, as an NTP step would; timers are unaffected.
  void step_wall(std::chrono::nanoseconds d) {
    wall_ += std::chrono::duration_cast<WallTime::duration>(d);
  }

 private:
  SteadyTime steady_{std::chrono::hours{1}};
  WallTime wall_;
};

}  // namespace xpmip
