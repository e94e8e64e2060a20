#pragma once
// How one sink's worker queues, batches and retries. Defaults suit a remote HTTP sink; the
// config loader fills these from each sink's `queue`, `retry` and `circuitBreaker` sections.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace peregrine::outputs {

struct DeliveryPolicy {
  size_t queue_capacity = 10000;
  size_t max_batch = 100;  // further capped by Sink::max_batch()
  uint32_t max_retries = 5;  // attempts after the first before the batch is dropped
  std::chrono::milliseconds backoff_base{100};
  std::chrono::milliseconds backoff_max{10000};
  uint32_t breaker_failure_threshold = 5;
  std::chrono::milliseconds breaker_open_for{10000};
};

}  // namespace peregrine::outputs
