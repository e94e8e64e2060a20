#pragma once
// The bounded hand-off between the HTTP threads that accept audit events and the evaluation
// threads that run rules on them. When it is full the webhook answers 429 and kube-apiserver
// retries the batch later: memory stays bounded and the HTTP threads never wait on evaluation.
//
// Thread-safe: any number of producers and consumers.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "engine/sources/k8s_audit/audit_event.h"

namespace peregrine::audit {

class EventQueue {
 public:
  explicit EventQueue(size_t capacity);

  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // Queues every event of `events` (moving them out) or none of them: a batch is the unit the
  // apiserver retries, so half-accepting one would evaluate its first half twice. Returns false
  // when they do not all fit or the queue is closed; `events` is then untouched.
  bool try_push_all(std::vector<engine::AuditEvent>& events);

  // Waits until an event is queued or the queue is closed, then moves up to `max` events to the
  // end of `out`. Returns false only when the queue is closed and empty: the consumer is done.
  bool pop_some(std::vector<engine::AuditEvent>& out, size_t max);

  // Refuses further pushes and wakes every consumer; queued events can still be popped.
  void close();

  size_t size() const;
  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable not_empty_;
  std::deque<engine::AuditEvent> items_;
  bool closed_ = false;
};

}  // namespace peregrine::audit
