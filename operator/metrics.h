#pragma once
// The operator's Prometheus metrics. Counters are atomics written by the worker thread and read
// by the HTTP thread; the duration histogram takes a small lock. Thread-safe.

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace peregrine::op {

class Metrics {
 public:
  void observe_reconcile(double seconds, bool ok);
  // Seconds per phase of the last successful pass, in kPhaseNames order (reconciler.h's PassPhases).
  static constexpr std::array<const char*, 7> kPhaseNames = {"read",          "validate",      "render",
                                                             "plan_statuses", "write_bundles", "write_statuses",
                                                             "collect_garbage"};
  void observe_phases(const std::array<double, kPhaseNames.size()>& seconds);
  std::atomic<uint64_t> bundles{0};          // bundles in use after the last pass
  std::atomic<uint64_t> bundles_created{0};
  std::atomic<uint64_t> bundles_deleted{0};
  std::atomic<uint64_t> status_writes{0};
  std::atomic<uint64_t> compiles{0};
  std::atomic<uint64_t> renders{0};
  std::atomic<uint64_t> falco_rules{0};
  std::atomic<uint64_t> falco_rules_accepted{0};
  std::atomic<int> leader{0};

  std::string render() const;

 private:
  static constexpr std::array<double, 10> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
  mutable std::mutex mu_;
  uint64_t reconciles_ = 0, errors_ = 0;
  std::array<uint64_t, kBuckets.size()> bucket_counts_{};
  double duration_sum_ = 0;
  std::array<double, kPhaseNames.size()> phase_last_{}, phase_sum_{};
};

}  // namespace peregrine::op
