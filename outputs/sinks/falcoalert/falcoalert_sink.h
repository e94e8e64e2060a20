#pragma once
// Sink type `falcoalert`: aggregates alerts into FalcoAlert objects (one per rule, node,
// namespace, pod and container; see alert_key.h) and writes them to the Kubernetes API at most
// `max_writes_per_second` times a second, one flush every `flush_interval`. A storm of a
// million events of one key becomes a few writes carrying the exact count.
//
// The event path (take(), through the SinkWorker's intake side door) only folds the alert into
// the Aggregator; all API traffic happens in flush() on the worker's thread, so a slow or dead
// API server never stalls the event path, and pending counts stay aggregated until it answers.
//
// Thread-safety: as AlertIntake (take() and collect() from any thread, flush() from one).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "kube/client.h"
#include "outputs/core/clock.h"
#include "outputs/core/sink.h"
#include "outputs/sinks/falcoalert/aggregator.h"
#include "outputs/sinks/falcoalert/rate_limiter.h"
#include "outputs/sinks/falcoalert/writer.h"

namespace peregrine::outputs::falcoalert {

struct FalcoAlertOptions {
  // Absent: the in-cluster service account, resolved at the first write (so that a config can be
  // checked outside the cluster, e.g. by the operator rendering it); failures to resolve it are
  // failed writes, retried with backoff and shown in last_error().
  std::optional<kube::ClientConfig> client;
  std::chrono::milliseconds in_cluster_timeout{5000};  // request timeout for the in-cluster client
  std::string node_name;                        // "" : each alert's hostname
  std::string default_namespace = "peregrine-system";  // for alerts without a namespace
  uint32_t max_writes_per_second = 10;          // every API request counts
  std::chrono::milliseconds flush_interval{1000};
  size_t max_keys = 10000;
  std::string writer_id;                        // "" : random, new each process
  Clock clock = steady_clock_source();
};

class FalcoAlertSink final : public Sink, public AlertIntake {
 public:
  // `transport` null: libcurl over options.client.
  explicit FalcoAlertSink(FalcoAlertOptions options, std::shared_ptr<kube::Transport> transport = nullptr);

  // Sink: alerts arrive through intake(), never as rendered batches.
  size_t max_batch() const override { return 1; }
  Status deliver(std::span<const Record> batch) override;
  AlertIntake* intake() override { return this; }

  // AlertIntake
  bool take(const std::shared_ptr<const engine::Alert>& alert) override { return aggregator_.add(alert); }
  Flushed flush(bool draining) override;
  void collect(const std::string& name, const std::string& type, MetricFamilies& families) const override;

  const Aggregator& aggregator() const { return aggregator_; }
  const WriteCounters& counters() const { return counters_; }
  // The error of the latest failed write, for diagnostics; "" if none.
  std::string last_error() const;

 private:
  // The client and writer, made on first use (see FalcoAlertOptions::client).
  bool ensure_writer();

  const FalcoAlertOptions options_;
  const std::string writer_id_;
  std::shared_ptr<kube::Transport> transport_;
  Aggregator aggregator_;
  RateLimiter limiter_;
  WriteCounters counters_;
  std::unique_ptr<kube::Client> client_;  // flush() thread only, like writer_
  std::unique_ptr<Writer> writer_;
  std::chrono::steady_clock::time_point next_flush_{};
  uint32_t consecutive_failures_ = 0;
  std::atomic<uint64_t> rejected_{0};
  mutable std::mutex error_mu_;
  std::string last_error_;  // guarded by error_mu_
};

// A random 16-hex-digit writer id.
std::string random_writer_id();

}  // namespace peregrine::outputs::falcoalert
