#pragma once
// Rule evaluation on several threads, for when one core cannot keep up. The capture thread
// keeps the state in event order and submit()s each event as an owned EventSnapshot with the
// ruleset it was built under; events are partitioned by a key (the thread group id), so one
// process's events go to one worker and its alerts keep their order. Each worker has its own
// RuleEvaluator (its own EvalContext per ruleset).
//
// submit() never waits: a full worker queue drops the event and counts it (Metrics::eval_drops).
// submit() is for one thread (the capture thread); drain(), alerts() and dropped() may be
// called from any thread. The destructor evaluates what is queued, then joins the workers.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "agent/runtime/event_snapshot.h"
#include "agent/runtime/rule_evaluator.h"

namespace peregrine::agent {

struct EvalJob {
  std::unique_ptr<EventSnapshot> event;
  std::shared_ptr<const engine::Ruleset> ruleset;  // the one in force when the event was built
  bool incomplete = false;
  uint64_t total_drops = 0;
};

class EvalWorkers {
 public:
  // `threads` >= 1; `queue_capacity`: events per worker; `out` and `metrics` must outlive this.
  EvalWorkers(size_t threads, size_t queue_capacity, AlertOutput& out, Metrics& metrics, PipelineOptions options);
  ~EvalWorkers();
  EvalWorkers(const EvalWorkers&) = delete;
  EvalWorkers& operator=(const EvalWorkers&) = delete;

  // False when the partition's queue was full (the event is dropped).
  bool submit(uint64_t partition, EvalJob job);
  // Blocks until every event submitted so far has been evaluated (shutdown, tests).
  void drain();
  uint64_t alerts() const { return shared_.alerts.load(); }
  uint64_t dropped() const { return dropped_.load(); }
  size_t size() const { return lanes_.size(); }

 private:
  struct Lane {
    std::mutex mu;
    std::condition_variable wake, idle;
    std::deque<EvalJob> queue;
    bool busy = false;
    bool stopping = false;
    std::thread thread;
  };
  void run(Lane& lane);

  const size_t capacity_;
  AlertOutput& out_;
  Metrics& metrics_;
  const PipelineOptions options_;
  SharedAlertState shared_;
  std::atomic<uint64_t> dropped_{0};
  std::vector<std::unique_ptr<Lane>> lanes_;
};

}  // namespace peregrine::agent
