#pragma once
// An AlertSink in front of the outputs module: every alert goes to the sinks of the config's
// `outputs:` list (outputs/README.md). Dispatcher::enqueue never waits (a full sink queue is a
// drop the dispatcher counts), so the evaluation threads are not held up. Thread-safe.
// Borrows the dispatcher, which must outlive this sink.

#include "audit-webhook/alert_sink.h"
#include "outputs/core/dispatcher.h"

namespace peregrine::audit {

class DispatcherAlertSink : public AlertSink {
 public:
  explicit DispatcherAlertSink(outputs::Dispatcher& dispatcher) : dispatcher_(dispatcher) {}
  void emit(const engine::Alert& alert) override { dispatcher_.enqueue(alert); }
  std::string metrics_text() const override { return dispatcher_.metrics_text(); }

 private:
  outputs::Dispatcher& dispatcher_;
};

}  // namespace peregrine::audit
