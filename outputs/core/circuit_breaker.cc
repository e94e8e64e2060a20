#include "outputs/core/circuit_breaker.h"

namespace peregrine::outputs {

CircuitBreaker::CircuitBreaker(uint32_t failure_threshold, std::chrono::milliseconds open_for,
                               Clock clock)
    : failure_threshold_(failure_threshold == 0 ? 1 : failure_threshold),
      open_for_(open_for),
      clock_(std::move(clock)) {}

bool CircuitBreaker::allow() {
  if (state_ == State::kOpen && clock_() >= retry_at()) state_ = State::kHalfOpen;
  return state_ != State::kOpen;
}

void CircuitBreaker::record_success() {
  state_ = State::kClosed;
  consecutive_failures_ = 0;
}

void CircuitBreaker::record_failure() {
  ++consecutive_failures_;
  // A failed probe reopens at once: the sink has not come back.
  if (state_ == State::kHalfOpen || consecutive_failures_ >= failure_threshold_) open();
}

void CircuitBreaker::open() {
  if (state_ != State::kOpen) ++times_opened_;
  state_ = State::kOpen;
  opened_at_ = clock_();
}

}  // namespace peregrine::outputs
