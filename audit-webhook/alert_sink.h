#pragma once
// Where the webhook's alerts go. Small on purpose: the outputs module's dispatcher (stdout,
// file, syslog, webhooks, FalcoAlerts, ...) plugs in behind it without the webhook changing.
//
// emit() is called from the evaluation threads, possibly several at once; implementations must
// be thread-safe and should not block for long (they sit on the evaluation path).
// metrics_text() is appended to the webhook's /metrics (Prometheus text; empty by default).

#include <string>

#include "engine/output/alert.h"

namespace peregrine::audit {

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void emit(const engine::Alert& alert) = 0;
  virtual std::string metrics_text() const { return {}; }
};

}  // namespace peregrine::audit
