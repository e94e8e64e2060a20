#include "agent/runtime/alert_queue.h"

namespace peregrine::agent {

AlertQueue::AlertQueue(size_t capacity, bool json, std::vector<Sink> sinks)
    : capacity_(capacity == 0 ? 1 : capacity), json_(json), sinks_(std::move(sinks)) {
  writer_ = std::thread([this] { run(); });
}

AlertQueue::~AlertQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

bool AlertQueue::push(engine::Alert alert) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= capacity_) {
      ++dropped_;
      return false;
    }
    queue_.push_back(std::move(alert));
  }
  wake_.notify_one();
  return true;
}

void AlertQueue::drain() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

uint64_t AlertQueue::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

void AlertQueue::run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      if (stopping_) break;
      continue;
    }
    engine::Alert alert = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    std::string line = json_ ? alert.to_json_line() : alert.output_line();
    for (const Sink& sink : sinks_) sink(line);
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
  idle_.notify_all();
}

AlertQueue::Sink stream_sink(std::FILE* f) {
  return [f](const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), f);
    std::fputc('\n', f);
    std::fflush(f);
  };
}

}  // namespace peregrine::agent
