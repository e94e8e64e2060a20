#pragma once
// Alerts leave the event path through a bounded queue: the event thread push()es and never
// waits (a full queue drops the alert and counts it); a writer thread formats each alert and
// hands the line to every sink (stdout, a file). Thread-safe.

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/runtime/alert_output.h"
#include "engine/output/alert.h"

namespace peregrine::agent {

class AlertQueue : public AlertOutput {
 public:
  using Sink = std::function<void(const std::string& line)>;

  AlertQueue(size_t capacity, bool json, std::vector<Sink> sinks);
  ~AlertQueue() override;  // drains what is queued, then stops the writer
  AlertQueue(const AlertQueue&) = delete;
  AlertQueue& operator=(const AlertQueue&) = delete;

  // False when the queue was full (the alert is dropped).
  bool push(engine::Alert alert) override;
  // Blocks until everything pushed so far has been written (shutdown, tests).
  void drain();
  uint64_t dropped() const;

 private:
  void run();

  const size_t capacity_;
  const bool json_;
  std::vector<Sink> sinks_;
  mutable std::mutex mu_;
  std::condition_variable wake_, idle_;
  std::deque<engine::Alert> queue_;
  bool stopping_ = false;
  bool busy_ = false;
  uint64_t dropped_ = 0;
  std::thread writer_;
};

// A sink writing lines to a stdio stream, flushed per line (alerts must show up at once).
AlertQueue::Sink stream_sink(std::FILE* f);

}  // namespace peregrine::agent
