// Pacing of the MAG's Proxy Binding Updates: the retransmission back-off of RFC 6275 §11.8 that
// RFC 5213 §6.9.4 applies to the MAG, and the MAX_UPDATE_RATE limit of RFC 6275 §11.8.
#pragma once

#include <chrono>
#include <deque>

#include "xpmip/clock.hpp"

namespace xpmip {

// How long to wait for a PBA after transmission number `transmission` (0 = the first send) of
// one PBU: `first`, doubled on every retransmission, never above `cap` (RFC 6275 §11.8).
[[nodiscard]] std::chrono::milliseconds bindack_timeout(std::chrono::milliseconds first,
                                                        std::chrono::milliseconds cap,
                                                        unsigned transmission);

// A sliding one-second window over the messages already sent: RFC 6275 §11.8 allows at most
// MAX_UPDATE_RATE of them per second. A message that would exceed it is not dropped; the caller
// asks for the earliest permitted instant and sends it then.
class UpdateRateLimiter {
 public:
  // `max_per_second` of 0 disables the limit.
  explicit UpdateRateLimiter(unsigned max_per_second) : max_per_second_(max_per_second) {}

  // The earliest time, not before `now`, at which one more message may be sent.
  [[nodiscard]] SteadyTime earliest_send(SteadyTime now) const;
  void record_send(SteadyTime sent);

 private:
  unsigned max_per_second_;
  std::deque<SteadyTime> recent_sends_;  // the last max_per_second_ send times, oldest first
};

}  // namespace xpmip
