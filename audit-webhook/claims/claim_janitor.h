#pragma once
// Deletes old claims (ClaimStore::sweep) every `interval` on a thread of its own, so claims do
// not pile up in the namespace. Every replica may run one: deleting a claim another replica
// already deleted is harmless, so no election is needed.
//
// Lifetime: the thread starts in the constructor and stop() (or the destructor) ends it
// without waiting for the next pass. Thread-safe; counters may be read at any time.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "audit-webhook/claims/claim_store.h"

namespace peregrine::audit {

class ClaimJanitor {
 public:
  using Log = std::function<void(const std::string&)>;

  // `store` is borrowed and must outlive the janitor. The first pass runs one interval after
  // start. `log` (may be empty) hears about failed passes.
  ClaimJanitor(ClaimStore& store, std::chrono::milliseconds interval, Log log);
  ~ClaimJanitor();

  ClaimJanitor(const ClaimJanitor&) = delete;
  ClaimJanitor& operator=(const ClaimJanitor&) = delete;

  void stop();

  uint64_t passes() const { return passes_.load(); }
  uint64_t deleted() const { return deleted_.load(); }
  uint64_t errors() const { return errors_.load(); }  // failed lists plus failed deletes

 private:
  void run();

  ClaimStore& store_;
  const std::chrono::milliseconds interval_;
  Log log_;
  std::atomic<uint64_t> passes_{0}, deleted_{0}, errors_{0};
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace peregrine::audit
