#pragma once
// Where the webhook's alerts go. Small on purpose: the outputs module's dispatcher (stdout,
// file, syslog, webhooks, FalcoAlerts, ...) plugs in behind it without the webhook changing.
//
// emit() is called from the evaluation threads, possibly several at once; implementations must
// be thread-safe and should not block for long (they sit on the evaluation path).
// The evaluation threads call emit_from(), which also names the audit event the alert was raised
// on; sinks that do not care about it implement emit() only.
// metrics_text() is appended to the webhook's /metrics (Prometheus text; empty by default).

#include <string>
#include <string_view>

#include "engine/output/alert.h"

namespace peregrine::audit {

// The audit event behind an alert: together with the rule name it identifies the alert across
// replicas and retries (every stage of one request shares the auditID). Views valid during the
// call only.
struct AlertOrigin {
  std::string_view audit_id;
  std::string_view stage;
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void emit(const engine::Alert& alert) = 0;
  virtual void emit_from(const AlertOrigin& origin, const engine::Alert& alert) {
    (void)origin;
    emit(alert);
  }
  virtual std::string metrics_text() const { return {}; }
};

}  // namespace peregrine::audit
