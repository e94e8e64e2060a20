#include "agent/runtime/eval_workers.h"

namespace peregrine::agent {

EvalWorkers::EvalWorkers(size_t threads, size_t queue_capacity, AlertOutput& out, Metrics& metrics,
                         PipelineOptions options)
    : capacity_(queue_capacity == 0 ? 1 : queue_capacity), out_(out), metrics_(metrics), options_(std::move(options)) {
  for (size_t i = 0; i < (threads == 0 ? 1 : threads); ++i) lanes_.push_back(std::make_unique<Lane>());
  for (auto& lane : lanes_) lane->thread = std::thread([this, l = lane.get()] { run(*l); });
}

EvalWorkers::~EvalWorkers() {
  for (auto& lane : lanes_) {
    {
      std::lock_guard lock(lane->mu);
      lane->stopping = true;
    }
    lane->wake.notify_all();
  }
  for (auto& lane : lanes_) lane->thread.join();
}

bool EvalWorkers::submit(uint64_t partition, EvalJob job) {
  Lane& lane = *lanes_[partition % lanes_.size()];
  {
    std::lock_guard lock(lane.mu);
    if (lane.queue.size() >= capacity_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      metrics_.eval_drops.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    lane.queue.push_back(std::move(job));
  }
  lane.wake.notify_one();
  return true;
}

void EvalWorkers::drain() {
  for (auto& lane : lanes_) {
    std::unique_lock lock(lane->mu);
    lane->idle.wait(lock, [&] { return lane->queue.empty() && !lane->busy; });
  }
}

void EvalWorkers::run(Lane& lane) {
  RuleEvaluator evaluator(out_, metrics_, options_, shared_);
  std::unique_lock lock(lane.mu);
  while (true) {
    lane.wake.wait(lock, [&] { return lane.stopping || !lane.queue.empty(); });
    if (lane.queue.empty()) break;  // stopping, and everything queued is evaluated
    EvalJob job = std::move(lane.queue.front());
    lane.queue.pop_front();
    lane.busy = true;
    lock.unlock();
    evaluator.evaluate(job.ruleset, job.event->event(), job.incomplete, job.total_drops);
    job = {};  // the snapshot and the ruleset reference go before the lock is taken again
    lock.lock();
    lane.busy = false;
    if (lane.queue.empty()) lane.idle.notify_all();
  }
  lane.idle.notify_all();
}

}  // namespace peregrine::agent
