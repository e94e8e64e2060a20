#pragma once
// The webhook's AlertSink in cluster mode: alerts go to the outputs of the bundle in force,
// or to the base sink (the --config outputs, or stdout) while the bundle has none. emit()
// loads the current target (an atomic shared_ptr: no lock, no wait on a sink), so an alert
// goes to exactly one set of outputs, and a swap never holds up the evaluation threads.
//
// replace() runs on the bundle thread: the replaced dispatcher is shut down (flushing for up
// to `grace`) once the last emit() into it has returned, on that same thread — outputs only
// change with a bundle whose outputs differ, and nothing else waits on that thread.
// Thread-safety: emit() and metrics_text() from any thread; replace() from one thread at a
// time; destroy after every emitter has stopped. The base sink is borrowed.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "audit-webhook/alert_sink.h"
#include "outputs/core/dispatcher.h"

namespace peregrine::audit {

class SwitchingAlertSink : public AlertSink {
 public:
  explicit SwitchingAlertSink(AlertSink& base) : base_(base) {}
  ~SwitchingAlertSink() override;  // shuts the bundle's outputs down (same grace as the last replace)

  void emit(const engine::Alert& alert) override;
  void emit_from(const AlertOrigin& origin, const engine::Alert& alert) override;
  std::string metrics_text() const override;

  // Puts `dispatcher` in force (null: back to the base sink) and shuts the replaced one down.
  void replace(std::unique_ptr<outputs::Dispatcher> dispatcher, std::chrono::steady_clock::duration grace);
  // The bundle's outputs reopen their files (SIGHUP); the base sink is the caller's.
  void reopen();

 private:
  AlertSink& base_;
  std::atomic<std::shared_ptr<outputs::Dispatcher>> current_;
  std::mutex replace_mu_;
  std::chrono::steady_clock::duration grace_ = std::chrono::seconds(5);
};

}  // namespace peregrine::audit
