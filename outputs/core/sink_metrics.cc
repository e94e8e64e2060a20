#include "outputs/core/sink_metrics.h"

#include <cstdio>

namespace peregrine::outputs {
namespace {
constexpr auto kRelaxed = std::memory_order_relaxed;

std::string format_double(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
}  // namespace

std::string_view drop_reason_name(DropReason reason) {
  switch (reason) {
    case DropReason::kQueueFull: return "queue_full";
    case DropReason::kRetriesExhausted: return "retries_exhausted";
    case DropReason::kShutdown: return "shutdown";
    case DropReason::kSpoolFull: return "spool_full";
    case DropReason::kCount: break;
  }
  return "unknown";
}

void SinkMetrics::add_dropped(DropReason reason, uint64_t n) {
  dropped_[static_cast<size_t>(reason)].fetch_add(n, kRelaxed);
}

uint64_t SinkMetrics::dropped(DropReason reason) const {
  return dropped_[static_cast<size_t>(reason)].load(kRelaxed);
}

uint64_t SinkMetrics::dropped_total() const {
  uint64_t total = 0;
  for (const auto& d : dropped_) total += d.load(kRelaxed);
  return total;
}

void SinkMetrics::observe_latency(std::chrono::nanoseconds d) {
  double seconds = std::chrono::duration<double>(d).count();
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      latency_buckets_[i].fetch_add(1, kRelaxed);
      break;
    }
  }
  latency_count_.fetch_add(1, kRelaxed);
  latency_sum_ns_.fetch_add(static_cast<uint64_t>(d.count() < 0 ? 0 : d.count()), kRelaxed);
}

void SinkMetrics::collect(const std::string& name, const std::string& type,
                          MetricFamilies& families) const {
  const std::string labels = "sink=\"" + name + "\",type=\"" + type + "\"";
  auto sample = [&](const std::string& family, const std::string& kind, const std::string& suffix,
                    const std::string& extra, const std::string& value) {
    auto& f = families[family];
    f.type = kind;
    f.samples += family + suffix + "{" + labels + extra + "} " + value + "\n";
  };
  auto counter = [&](const std::string& family, uint64_t v) {
    sample(family, "counter", "", "", std::to_string(v));
  };
  counter("peregrine_output_produced_total", produced.load(kRelaxed));
  counter("peregrine_output_sent_total", sent.load(kRelaxed));
  counter("peregrine_output_failed_total", failed.load(kRelaxed));
  counter("peregrine_output_retried_total", retried.load(kRelaxed));
  for (size_t i = 0; i < dropped_.size(); ++i)
    sample("peregrine_output_dropped_total", "counter", "",
           ",reason=\"" + std::string(drop_reason_name(static_cast<DropReason>(i))) + "\"",
           std::to_string(dropped_[i].load(kRelaxed)));
  sample("peregrine_output_queue_depth", "gauge", "", "", std::to_string(queue_depth.load(kRelaxed)));
  sample("peregrine_output_spool_pending", "gauge", "", "", std::to_string(spool_pending.load(kRelaxed)));
  const std::string h = "peregrine_output_delivery_latency_seconds";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    cumulative += latency_buckets_[i].load(kRelaxed);
    sample(h, "histogram", "_bucket", ",le=\"" + format_double(kLatencyBuckets[i]) + "\"",
           std::to_string(cumulative));
  }
  uint64_t count = latency_count_.load(kRelaxed);
  sample(h, "histogram", "_bucket", ",le=\"+Inf\"", std::to_string(count));
  sample(h, "histogram", "_sum", "",
         format_double(static_cast<double>(latency_sum_ns_.load(kRelaxed)) / 1e9));
  sample(h, "histogram", "_count", "", std::to_string(count));
}

std::string format_metric_families(const MetricFamilies& families) {
  std::string out;
  for (const auto& [name, family] : families)
    out += "# TYPE " + name + " " + family.type + "\n" + family.samples;
  return out;
}

}  // namespace peregrine::outputs
