#include "audit-webhook/cluster/switching_alert_sink.h"

#include <thread>

namespace peregrine::audit {
namespace {

// Waits until `old` is the last reference (every emit() that loaded it has returned), then
// flushes it. Emitters hold their copy only for one enqueue, which never blocks.
void retire(std::shared_ptr<outputs::Dispatcher> old, std::chrono::steady_clock::duration grace) {
  if (!old) return;
  while (old.use_count() > 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  old->shutdown(grace);
}

}  // namespace

SwitchingAlertSink::~SwitchingAlertSink() { retire(current_.exchange(nullptr), grace_); }

void SwitchingAlertSink::emit(const engine::Alert& alert) {
  std::shared_ptr<outputs::Dispatcher> target = current_.load(std::memory_order_acquire);
  if (target) target->enqueue(alert);
  else base_.emit(alert);
}

void SwitchingAlertSink::emit_from(const AlertOrigin& origin, const engine::Alert& alert) {
  std::shared_ptr<outputs::Dispatcher> target = current_.load(std::memory_order_acquire);
  if (target) target->enqueue(alert);
  else base_.emit_from(origin, alert);
}

std::string SwitchingAlertSink::metrics_text() const {
  std::shared_ptr<outputs::Dispatcher> target = current_.load(std::memory_order_acquire);
  return target ? target->metrics_text() : base_.metrics_text();
}

void SwitchingAlertSink::replace(std::unique_ptr<outputs::Dispatcher> dispatcher,
                                 std::chrono::steady_clock::duration grace) {
  std::lock_guard lock(replace_mu_);
  grace_ = grace;
  std::shared_ptr<outputs::Dispatcher> next(std::move(dispatcher));
  retire(current_.exchange(std::move(next), std::memory_order_acq_rel), grace);
}

void SwitchingAlertSink::reopen() {
  std::shared_ptr<outputs::Dispatcher> target = current_.load(std::memory_order_acquire);
  if (target) target->reopen();
}

}  // namespace peregrine::audit
