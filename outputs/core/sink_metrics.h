#pragma once
// Per-sink counters, written by the event path (drops at enqueue) and the sink's worker, read
// by /metrics. All fields are atomics updated with relaxed ordering: each is an independent
// count and readers need no consistent snapshot across them. Thread-safe.
//
// Accounting invariant, once the worker has stopped: for the alerts admitted by the sink's
// filter, sent + dropped (all reasons) + (with a spool) what was newly spooled and is still
// pending == enqueue attempts. `failed` and `retried` count
// delivery attempts, not alerts.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace peregrine::outputs {

// Prometheus family name -> {type, sample lines}.
struct MetricFamily {
  std::string type;
  std::string samples;
};
using MetricFamilies = std::map<std::string, MetricFamily>;
// The text exposition of every family, each with its # TYPE line.
std::string format_metric_families(const MetricFamilies& families);

enum class DropReason { kQueueFull, kRetriesExhausted, kShutdown, kSpoolFull, kCount };

class SinkMetrics {
 public:
  static constexpr std::array<double, 10> kLatencyBuckets = {0.001, 0.005, 0.01, 0.05, 0.1,
                                                             0.25,  0.5,   1,    2.5,  5};

  std::atomic<uint64_t> produced{0};  // admitted by the filter and offered to the queue
  std::atomic<uint64_t> sent{0};      // alerts acknowledged by the sink
  std::atomic<uint64_t> failed{0};    // delivery attempts that failed
  std::atomic<uint64_t> retried{0};   // attempts that were retries
  std::atomic<uint64_t> queue_depth{0};
  std::atomic<uint64_t> spool_pending{0};  // alerts on disk awaiting delivery

  void add_dropped(DropReason reason, uint64_t n);
  uint64_t dropped(DropReason reason) const;
  uint64_t dropped_total() const;
  void observe_latency(std::chrono::nanoseconds d);

  // Appends this sink's samples, labelled sink="<name>",type="<type>", to `families` (family
  // name -> its sample lines), so the caller can print each family once, grouped, as the
  // Prometheus text format requires.
  void collect(const std::string& name, const std::string& type, MetricFamilies& families) const;

 private:
  std::array<std::atomic<uint64_t>, static_cast<size_t>(DropReason::kCount)> dropped_{};
  std::array<std::atomic<uint64_t>, kLatencyBuckets.size()> latency_buckets_{};  // non-cumulative
  std::atomic<uint64_t> latency_count_{0};
  std::atomic<uint64_t> latency_sum_ns_{0};
};

std::string_view drop_reason_name(DropReason reason);

}  // namespace peregrine::outputs
