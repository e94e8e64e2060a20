#include "audit-webhook/event_queue.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace peregrine::audit {

EventQueue::EventQueue(size_t capacity) : capacity_(capacity) {}

bool EventQueue::try_push_all(std::vector<engine::AuditEvent>& events) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_ || events.size() > capacity_ - items_.size()) return false;
    items_.insert(items_.end(), std::make_move_iterator(events.begin()),
                  std::make_move_iterator(events.end()));
  }
  events.clear();
  not_empty_.notify_all();
  return true;
}

bool EventQueue::pop_some(std::vector<engine::AuditEvent>& out, size_t max) {
  std::unique_lock<std::mutex> lock(mu_);
  not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
  if (items_.empty()) return false;
  size_t n = std::min(max, items_.size());
  for (size_t i = 0; i < n; ++i) {
    out.push_back(std::move(items_.front()));
    items_.pop_front();
  }
  return true;
}

void EventQueue::close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  not_empty_.notify_all();
}

size_t EventQueue::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return items_.size();
}

}  // namespace peregrine::audit
