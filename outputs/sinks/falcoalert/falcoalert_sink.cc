#include "outputs/sinks/falcoalert/falcoalert_sink.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "kube/config.h"

namespace peregrine::outputs::falcoalert {
namespace {
constexpr auto kRelaxed = std::memory_order_relaxed;
constexpr std::chrono::seconds kMaxBackoff{30};
}  // namespace

std::string random_writer_id() {
  std::random_device rd;
  uint64_t v = (uint64_t(rd()) << 32) ^ rd();
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(v));
  return hex;
}

FalcoAlertSink::FalcoAlertSink(FalcoAlertOptions options, std::shared_ptr<kube::Transport> transport)
    : options_(std::move(options)),
      writer_id_(options_.writer_id.empty() ? random_writer_id() : options_.writer_id),
      transport_(std::move(transport)),
      aggregator_(options_.max_keys, options_.node_name),
      limiter_(options_.max_writes_per_second, options_.clock) {}

bool FalcoAlertSink::ensure_writer() {
  if (writer_) return true;
  kube::ClientConfig config;
  if (options_.client) {
    config = *options_.client;
  } else {
    auto in_cluster = kube::in_cluster_config(kube::process_environment());
    if (!in_cluster.ok()) {
      std::lock_guard lock(error_mu_);
      last_error_ = "no kubeconfig and the in-cluster config failed: " + in_cluster.error().describe();
      return false;
    }
    config = *in_cluster;
    config.request_timeout = options_.in_cluster_timeout;
    config.connect_timeout = std::min(config.connect_timeout, config.request_timeout);
  }
  client_ = std::make_unique<kube::Client>(std::move(config), transport_);
  writer_ = std::make_unique<Writer>(*client_, limiter_, counters_, options_.default_namespace, writer_id_);
  return true;
}

Status FalcoAlertSink::deliver(std::span<const Record>) {
  // The worker routes every alert of a sink with an intake to take(); reaching this is a bug.
  return make_error("falcoalert: alerts are taken through the intake, not delivered in batches");
}

AlertIntake::Flushed FalcoAlertSink::flush(bool draining) {
  Flushed out;
  auto now = options_.clock();
  if (draining || now >= next_flush_) {
    // Each key dirty now gets at most one write this round: a key that keeps firing between
    // writes waits for the next round instead of taking every token.
    size_t round = aggregator_.dirty_keys();
    bool failed = round > 0 && !ensure_writer(), deferred = false;
    for (size_t i = 0; i < round && !failed && !deferred; ++i) {
      auto due = aggregator_.take_due(1);
      if (due.empty()) break;
      Writer::Result r = writer_->write(due[0]);
      if (r.outcome == Writer::Outcome::kRejected) {
        uint64_t dropped = due[0].delta - r.written;
        aggregator_.finish(due[0], due[0].delta);
        rejected_.fetch_add(dropped, kRelaxed);
        out.rejected += dropped;
      } else {
        aggregator_.finish(due[0], r.written);
      }
      out.written += r.written;
      failed = r.outcome == Writer::Outcome::kFailed;
      deferred = r.outcome == Writer::Outcome::kDeferred;
      if (!r.error.empty()) {
        std::lock_guard lock(error_mu_);
        last_error_ = r.error;
      }
    }
    now = options_.clock();
    if (failed) {
      // The API is down or struggling: back off (the counts wait, aggregated) so that a dead
      // server is not hit every flush interval.
      consecutive_failures_ = std::min<uint32_t>(consecutive_failures_ + 1, 16);
      auto backoff = options_.flush_interval * (1u << std::min<uint32_t>(consecutive_failures_ - 1, 5));
      next_flush_ = now + std::min<std::chrono::steady_clock::duration>(backoff, kMaxBackoff);
    } else {
      consecutive_failures_ = 0;
      bool more_now = deferred || (draining && aggregator_.dirty_keys() > 0);
      next_flush_ = more_now ? limiter_.next_available() : now + options_.flush_interval;
    }
  }
  out.pending = aggregator_.pending_events();
  out.next = next_flush_;
  return out;
}

void FalcoAlertSink::collect(const std::string& name, const std::string& type, MetricFamilies& families) const {
  const std::string labels = "sink=\"" + name + "\",type=\"" + type + "\"";
  auto sample = [&](const std::string& family, const char* kind, const std::string& extra, uint64_t value) {
    auto& f = families[family];
    f.type = kind;
    f.samples += family + "{" + labels + extra + "} " + std::to_string(value) + "\n";
  };
  const WriteCounters& c = counters_;
  sample("peregrine_falcoalert_keys", "gauge", "", aggregator_.keys());
  sample("peregrine_falcoalert_pending_events", "gauge", "", aggregator_.pending_events());
  sample("peregrine_falcoalert_api_requests_total", "counter", ",op=\"create\"", c.creates.load(kRelaxed));
  sample("peregrine_falcoalert_api_requests_total", "counter", ",op=\"patch\"", c.patches.load(kRelaxed));
  sample("peregrine_falcoalert_api_requests_total", "counter", ",op=\"get\"", c.reads.load(kRelaxed));
  sample("peregrine_falcoalert_conflicts_total", "counter", "", c.conflicts.load(kRelaxed));
  sample("peregrine_falcoalert_unsettled_writes_total", "counter", "", c.unsettled.load(kRelaxed));
  sample("peregrine_falcoalert_failed_writes_total", "counter", "", c.failures.load(kRelaxed));
  // Events not counted in any FalcoAlert, by why: max_keys (a new key while every entry still
  // held unwritten counts) and rejected (the API refused the object for good).
  sample("peregrine_falcoalert_dropped_events_total", "counter", ",reason=\"max_keys\"", aggregator_.overflow());
  sample("peregrine_falcoalert_dropped_events_total", "counter", ",reason=\"rejected\"", rejected_.load(kRelaxed));
}

std::string FalcoAlertSink::last_error() const {
  std::lock_guard lock(error_mu_);
  return last_error_;
}

}  // namespace peregrine::outputs::falcoalert
