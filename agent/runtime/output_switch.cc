#include "agent/runtime/output_switch.h"

#include <thread>

#include "agent/runtime/dispatcher_output.h"

namespace peregrine::agent {

OutputSwitch::OutputSwitch(std::unique_ptr<AlertOutput> output, std::unique_ptr<outputs::Dispatcher> dispatcher) {
  base_ = std::make_shared<Target>();
  base_->dispatcher = std::move(dispatcher);
  base_->output = std::move(output);
  current_.store(base_);
}

OutputSwitch::~OutputSwitch() {
  std::lock_guard lock(replace_mu_);
  for (Retirer& r : retirers_) r.thread.join();
}

bool OutputSwitch::push(engine::Alert alert) {
  std::shared_ptr<const Target> t = current_.load(std::memory_order_acquire);
  return t->output->push(std::move(alert));
}

void OutputSwitch::replace(std::unique_ptr<outputs::Dispatcher> dispatcher,
                           std::chrono::steady_clock::duration grace) {
  std::lock_guard lock(replace_mu_);
  std::shared_ptr<const Target> next = base_;
  if (dispatcher) {
    auto t = std::make_shared<Target>();
    t->dispatcher = std::move(dispatcher);
    t->output = std::make_unique<DispatcherOutput>(*t->dispatcher);
    next = t;
  }
  std::shared_ptr<const Target> old = current_.exchange(next, std::memory_order_acq_rel);
  // Threads of earlier replacements that are done are joined here, so they do not pile up.
  std::erase_if(retirers_, [](Retirer& r) {
    if (!r.done->load()) return false;
    r.thread.join();
    return true;
  });
  if (old != base_) {
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread t([this, old = std::move(old), grace, done]() mutable {
      retire(std::move(old), grace);
      done->store(true);
    });
    retirers_.push_back({std::move(t), std::move(done)});
  }
}

void OutputSwitch::retire(std::shared_ptr<const Target> old, std::chrono::steady_clock::duration grace) {
  // A pusher that loaded `old` just before the exchange holds a reference until its push
  // returns (microseconds: pushes never wait); let those finish before shutting down.
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (old.use_count() > 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (old->dispatcher) old->dispatcher->shutdown(grace);
}

void OutputSwitch::reopen() {
  std::shared_ptr<const Target> t = current_.load();
  if (t->dispatcher) t->dispatcher->reopen();
  if (t != base_ && base_->dispatcher) base_->dispatcher->reopen();
}

std::string OutputSwitch::metrics_text() const {
  std::shared_ptr<const Target> t = current_.load();
  return t->dispatcher ? t->dispatcher->metrics_text() : "";
}

void OutputSwitch::shutdown(std::chrono::steady_clock::duration grace) {
  std::lock_guard lock(replace_mu_);
  for (Retirer& r : retirers_) r.thread.join();
  retirers_.clear();
  std::shared_ptr<const Target> t = current_.exchange(base_);
  if (t != base_ && t->dispatcher) t->dispatcher->shutdown(grace);
  // The built-in queue drains its lines when destroyed; a dispatcher flushes here.
  base_->output.reset();
  if (base_->dispatcher) base_->dispatcher->shutdown(grace);
}

}  // namespace peregrine::agent
