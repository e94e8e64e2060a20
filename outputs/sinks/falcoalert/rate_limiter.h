#pragma once
// A token bucket over API requests: at most `per_second` on average, with bursts of up to one
// second's worth. Reads an injected monotonic clock, so tests step time instead of sleeping.
// Not thread-safe: the falcoalert writer owns one and uses it from its thread only.

#include <chrono>
#include <cstdint>

#include "outputs/core/clock.h"

namespace peregrine::outputs::falcoalert {

class RateLimiter {
 public:
  RateLimiter(uint32_t per_second, Clock clock);

  // Takes a token if one is there now.
  bool try_acquire();
  // When the next token will be there (now if one is).
  std::chrono::steady_clock::time_point next_available();

 private:
  void refill();

  const double per_second_;
  const double burst_;
  Clock clock_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace peregrine::outputs::falcoalert
