#pragma once
// A backoff that always waits the same time, for tests that want retries without waiting.

#include "outputs/core/backoff_strategy.h"

namespace peregrine::outputs::testing {

class FixedBackoff : public BackoffStrategy {
 public:
  explicit FixedBackoff(std::chrono::milliseconds wait) : wait_(wait) {}
  std::chrono::milliseconds next_backoff() override { return wait_; }
  void reset() override {}

 private:
  std::chrono::milliseconds wait_;
};

}  // namespace peregrine::outputs::testing
