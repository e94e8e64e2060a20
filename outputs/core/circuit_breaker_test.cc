#include "outputs/core/circuit_breaker.h"

#include <gtest/gtest.h>

namespace peregrine::outputs {
namespace {
using namespace std::chrono_literals;
using State = CircuitBreaker::State;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  Clock source() {
    return [this] { return now; };
  }
};

TEST(CircuitBreaker, OpensAfterThresholdThenProbesOnce) {
  FakeClock clock;
  CircuitBreaker b(3, 10s, clock.source());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b.allow());
    b.record_failure();
  }
  EXPECT_EQ(b.state(), State::kClosed);
  b.record_failure();
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_FALSE(b.allow());
  clock.now += 9s;
  EXPECT_FALSE(b.allow());
  clock.now += 1s;
  EXPECT_TRUE(b.allow());
  EXPECT_EQ(b.state(), State::kHalfOpen);
  b.record_failure();  // a failed probe reopens at once
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_FALSE(b.allow());
  clock.now += 10s;
  EXPECT_TRUE(b.allow());
  b.record_success();
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_EQ(b.times_opened(), 2u);
}

TEST(CircuitBreaker, SuccessResetsTheFailureCount) {
  FakeClock clock;
  CircuitBreaker b(2, 1s, clock.source());
  b.record_failure();
  b.record_success();
  b.record_failure();
  EXPECT_EQ(b.state(), State::kClosed);
}

}  // namespace
}  // namespace peregrine::outputs
