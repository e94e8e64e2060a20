#include "outputs/sinks/falcoalert/rate_limiter.h"

#include <gtest/gtest.h>

namespace peregrine::outputs::falcoalert {
namespace {

using namespace std::chrono_literals;

struct ManualClock {
  std::chrono::steady_clock::time_point now{};
  Clock source() {
    return [this] { return now; };
  }
};

TEST(RateLimiter, AllowsABurstOfOneSecondThenTheRate) {
  ManualClock clock;
  RateLimiter limiter(10, clock.source());
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.try_acquire()) << i;
  EXPECT_FALSE(limiter.try_acquire());
  EXPECT_EQ(limiter.next_available(), clock.now + 100ms);
  clock.now += 50ms;
  EXPECT_FALSE(limiter.try_acquire());
  clock.now += 50ms;
  EXPECT_TRUE(limiter.try_acquire());
  EXPECT_FALSE(limiter.try_acquire());
}

TEST(RateLimiter, NeverExceedsTheRateOverAnyLongerWindow) {
  ManualClock clock;
  RateLimiter limiter(5, clock.source());
  int granted = 0;
  for (int step = 0; step < 1000; ++step) {  // 10 s in 10 ms steps, asking 3 times a step
    for (int i = 0; i < 3; ++i) granted += limiter.try_acquire();
    clock.now += 10ms;
  }
  EXPECT_LE(granted, 5 + 5 * 10);  // the first second's burst plus the rate
  EXPECT_GE(granted, 5 * 10);
}

TEST(RateLimiter, IdleTimeDoesNotBankMoreThanTheBurst) {
  ManualClock clock;
  RateLimiter limiter(2, clock.source());
  clock.now += 1h;
  EXPECT_TRUE(limiter.try_acquire());
  EXPECT_TRUE(limiter.try_acquire());
  EXPECT_FALSE(limiter.try_acquire());
  EXPECT_EQ(limiter.next_available(), clock.now + 500ms);
}

TEST(RateLimiter, ARateOfZeroIsTreatedAsOne) {
  ManualClock clock;
  RateLimiter limiter(0, clock.source());
  EXPECT_TRUE(limiter.try_acquire());
  EXPECT_FALSE(limiter.try_acquire());
}

}  // namespace
}  // namespace peregrine::outputs::falcoalert
