#pragma once
// The `outputs:` sinks behind the pipeline's AlertOutput. The dispatcher counts its own drops
// per sink (queue_full, ...), so push() always reports the alert as taken. Borrows the
// dispatcher, which must outlive this object; thread-safe as Dispatcher::enqueue is.

#include "agent/runtime/alert_output.h"
#include "outputs/core/dispatcher.h"

namespace peregrine::agent {

class DispatcherOutput : public AlertOutput {
 public:
  explicit DispatcherOutput(outputs::Dispatcher& dispatcher) : dispatcher_(dispatcher) {}
  bool push(engine::Alert alert) override {
    dispatcher_.enqueue(alert);
    return true;
  }

 private:
  outputs::Dispatcher& dispatcher_;
};

}  // namespace peregrine::agent
