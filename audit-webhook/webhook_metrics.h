#pragma once
// The audit webhook's counters, and their Prometheus text rendering for GET /metrics.
// Every member is a relaxed atomic: threads bump them on the request and event paths without
// a lock, and a scrape reads each one independently (a scrape is not a consistent snapshot,
// which Prometheus counters never promise).

#include <atomic>
#include <cstdint>
#include <string>

namespace peregrine::audit {

struct WebhookMetrics {
  using Counter = std::atomic<uint64_t>;

  // Requests by the status we answered.
  Counter responses_ok{0};                  // 200: every event queued (or a known duplicate)
  Counter responses_bad_request{0};         // 400: malformed JSON, wrong kind, no auditID
  Counter responses_unauthorized{0};        // 401
  Counter responses_not_found{0};           // 404 / 405: wrong path or method
  Counter responses_too_large{0};           // 413
  Counter responses_unsupported_media{0};   // 415
  Counter responses_too_many_requests{0};   // 429: queue full

  Counter events_received{0};    // audit events in well-formed, authenticated payloads
  Counter events_queued{0};
  Counter events_duplicate{0};   // already queued once (a retried batch): not queued again
  Counter events_rejected{0};    // in batches refused with 429
  Counter events_evaluated{0};
  Counter alerts{0};

  Counter reloads_ok{0};
  Counter reloads_failed{0};
  std::atomic<uint64_t> rules_loaded{0};  // gauge: enabled k8s_audit rules of the live ruleset

  static void bump(Counter& c, uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }
};

// Prometheus text exposition format (version 0.0.4) of `m`, plus the queue gauges.
std::string render_prometheus(const WebhookMetrics& m, size_t queue_depth, size_t queue_capacity);

}  // namespace peregrine::audit
