#pragma once
// Where the pipeline hands its alerts: the built-in AlertQueue (stdout / file lines) or the
// outputs module's Dispatcher (every configured sink). push() is on the event path, so an
// implementation must never wait; it returns false when it dropped the alert (full queue).

#include "engine/output/alert.h"

namespace peregrine::agent {

class AlertOutput {
 public:
  virtual ~AlertOutput() = default;
  virtual bool push(engine::Alert alert) = 0;
};

}  // namespace peregrine::agent
