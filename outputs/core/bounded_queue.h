#pragma once
// A fixed-capacity multi-producer, single-consumer queue between the event path and one sink
// worker. try_push never waits for space: when the queue is full (or closed) it says so and the
// caller counts a drop. The lock is held only to move a pointer in or a batch out, never across I/O.
// Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

namespace peregrine::outputs {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  enum class Push { kOk, kFull, kClosed };

  Push try_push(T item) {
    {
      std::lock_guard lock(mu_);
      if (closed_) return Push::kClosed;
      if (items_.size() >= capacity_) return Push::kFull;
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
    return Push::kOk;
  }

  // Refuses every later push, so that after the consumer's last drain nothing can slip in
  // uncounted.
  void close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    ready_.notify_all();
  }

  // Moves up to `max` items into `out`; waits up to `timeout` for the first one, or until
  // wake() is called. Returns how many were taken.
  size_t pop_batch(std::vector<T>& out, size_t max, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    ready_.wait_for(lock, timeout, [&] { return !items_.empty() || woken_; });
    woken_ = false;
    size_t n = 0;
    while (n < max && !items_.empty()) {
      out.push_back(std::move(items_.front()));
      items_.pop_front();
      ++n;
    }
    return n;
  }

  // Ends the consumer's current wait early (shutdown, reopen).
  void wake() {
    {
      std::lock_guard lock(mu_);
      woken_ = true;
    }
    ready_.notify_all();
  }

  size_t size() const {
    std::lock_guard lock(mu_);
    return items_.size();
  }
  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<T> items_;
  bool woken_ = false;
  bool closed_ = false;
};

}  // namespace peregrine::outputs
