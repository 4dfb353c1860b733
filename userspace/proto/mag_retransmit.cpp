#include "xpmip/mag_retransmit.hpp"

#include <algorithm>

namespace xpmip {

std::chrono::milliseconds bindack_timeout(std::chrono::milliseconds first,
                                          std::chrono::milliseconds cap, unsigned transmission) {
  auto timeout = first;
  for (unsigned i = 0; i < transmission && timeout < cap; ++i) timeout *= 2;
  return std::min(timeout, cap);
}

SteadyTime UpdateRateLimiter::earliest_send(SteadyTime now) const {
  if (max_per_second_ == 0 || recent_sends_.size() < max_per_second_) return now;
  // The window holds exactly max_per_second_ sends; the next one may go once the oldest of them
  // is a full second old.
  return std::max(now, recent_sends_.front() + std::chrono::seconds{1});
}

void UpdateRateLimiter::record_send(SteadyTime sent) {
  if (max_per_second_ == 0) return;
  recent_sends_.push_back(sent);
  while (recent_sends_.size() > max_per_second_) recent_sends_.pop_front();
}

}  // namespace xpmip
