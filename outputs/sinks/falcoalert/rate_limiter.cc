#include "outputs/sinks/falcoalert/rate_limiter.h"

#include <algorithm>

namespace peregrine::outputs::falcoalert {

RateLimiter::RateLimiter(uint32_t per_second, Clock clock)
    : per_second_(std::max<uint32_t>(1, per_second)),
      burst_(per_second_),
      clock_(std::move(clock)),
      tokens_(burst_),
      last_(clock_()) {}

void RateLimiter::refill() {
  auto now = clock_();
  if (now <= last_) return;
  double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
  last_ = now;
}

bool RateLimiter::try_acquire() {
  refill();
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

std::chrono::steady_clock::time_point RateLimiter::next_available() {
  refill();
  if (tokens_ >= 1.0) return last_;
  auto wait = std::chrono::duration<double>((1.0 - tokens_) / per_second_);
  return last_ + std::chrono::ceil<std::chrono::steady_clock::duration>(wait);
}

}  // namespace peregrine::outputs::falcoalert
