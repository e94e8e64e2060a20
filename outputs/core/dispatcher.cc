#include "outputs/core/dispatcher.h"

#include <thread>

namespace peregrine::outputs {

Dispatcher::Dispatcher(std::vector<std::unique_ptr<SinkWorker>> workers)
    : workers_(std::move(workers)) {
  for (auto& w : workers_) w->start();
}

Dispatcher::~Dispatcher() {
  if (!shut_down_) shutdown(std::chrono::seconds(0));
}

void Dispatcher::enqueue(const engine::Alert& alert) {
  // One copy of the alert, shared by every sink that wants it, and none when no sink does.
  SinkWorker::AlertPtr shared;
  for (auto& w : workers_) {
    if (!w->admits(alert)) continue;
    if (!shared) shared = std::make_shared<const engine::Alert>(alert);
    w->enqueue(shared);
  }
}

void Dispatcher::reopen() {
  for (auto& w : workers_) w->request_reopen();
}

void Dispatcher::shutdown(std::chrono::steady_clock::duration grace) {
  shut_down_ = true;
  auto deadline = std::chrono::steady_clock::now() + grace;
  // In parallel, so that one slow sink does not eat the others' grace period.
  std::vector<std::thread> stoppers;
  for (auto& w : workers_) stoppers.emplace_back([&w, deadline] { w->shutdown(deadline); });
  for (auto& t : stoppers) t.join();
}

std::string Dispatcher::metrics_text() const {
  MetricFamilies families;
  for (const auto& w : workers_) w->collect_metrics(families);
  return format_metric_families(families);
}

}  // namespace peregrine::outputs
