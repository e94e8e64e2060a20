#pragma once
// An AlertSink that writes one line per alert to a stdio stream: Falco-compatible JSON or
// Falco's classic text line. Each line is flushed at once so a reader of a pipe (a log
// collector, a test) sees every alert as it is raised. Thread-safe.

#include <cstdio>
#include <mutex>

#include "audit-webhook/alert_sink.h"

namespace peregrine::audit {

enum class AlertFormat { kText, kJson };

class LineAlertSink : public AlertSink {
 public:
  // `out` is borrowed and must outlive the sink.
  LineAlertSink(std::FILE* out, AlertFormat format) : out_(out), format_(format) {}
  void emit(const engine::Alert& alert) override;

 private:
  std::FILE* out_;
  AlertFormat format_;
  std::mutex mu_;
};

}  // namespace peregrine::audit
