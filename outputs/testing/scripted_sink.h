#pragma once
// A sink for tests of the delivery machinery: records what it was given and fails, succeeds or
// stalls as the test scripts it. Its state is shared (shared_ptr) so the test can read it after
// the worker took ownership of the sink. Thread-safe.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "outputs/core/sink.h"

namespace peregrine::outputs::testing {

struct ScriptedSinkState {
  std::mutex mu;
  std::vector<Record> delivered;        // guarded by mu
  std::vector<size_t> batch_sizes;      // guarded by mu
  std::atomic<int> fail_next{0};        // this many next attempts fail
  std::atomic<bool> down{false};        // every attempt fails while set
  std::atomic<int> delay_ms{0};         // each attempt takes this long
  std::atomic<int> attempts{0};
  std::atomic<int> reopens{0};

  size_t delivered_count() {
    std::lock_guard lock(mu);
    return delivered.size();
  }
};

class ScriptedSink : public Sink {
 public:
  ScriptedSink(std::shared_ptr<ScriptedSinkState> state, size_t max_batch)
      : state_(std::move(state)), max_batch_(max_batch) {}

  size_t max_batch() const override { return max_batch_; }
  Status deliver(std::span<const Record> batch) override {
    state_->attempts.fetch_add(1);
    if (int d = state_->delay_ms.load(); d > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(d));
    if (state_->down.load()) return make_error("scripted: down");
    if (state_->fail_next.load() > 0) {
      state_->fail_next.fetch_sub(1);
      return make_error("scripted: failure");
    }
    std::lock_guard lock(state_->mu);
    state_->batch_sizes.push_back(batch.size());
    state_->delivered.insert(state_->delivered.end(), batch.begin(), batch.end());
    return {};
  }
  void reopen() override { state_->reopens.fetch_add(1); }

 private:
  std::shared_ptr<ScriptedSinkState> state_;
  const size_t max_batch_;
};

}  // namespace peregrine::outputs::testing
