#pragma once
// Stores one key's pending delta in its FalcoAlert, so that any number of writers (two
// audit-webhook replicas, agents before and after a restart) end with the exact count.
//
// Why read-modify-write with a resourceVersion precondition: a merge patch sets values, it
// cannot add, so two writers patching `count: stored + delta` from the same stored value would
// lose one delta. Each patch therefore carries metadata.resourceVersion (the API then applies
// it only to the version it was computed from, else 409 Conflict); on a conflict the writer
// reads the object and recomputes. Create (for a new key) is its own precondition: 409
// AlreadyExists → read the stored count and continue from it. A delta leaves pending only on a
// 2xx answer, so a refused write is never counted.
//
// The one case a precondition cannot settle is a write whose answer never came (timeout,
// connection reset): it may have been applied. Every write therefore also sets this writer's
// own annotation `peregrine.dev/writer-<id>: "<seq>/<unix time>"`; before its next write of the
// key the writer reads the object, and the mark tells whether that write landed (subtract its
// delta) or not (send it again). Each writer only touches its own mark, so marks survive other
// writers' patches; the 8 most recent marks are kept, older ones removed, so objects stay small.
//
// Thread-safety: one thread calls write(); the counters may be read from any thread.

#include <atomic>
#include <cstdint>
#include <string>

#include "kube/client.h"
#include "outputs/sinks/falcoalert/aggregator.h"
#include "outputs/sinks/falcoalert/rate_limiter.h"

namespace peregrine::outputs::falcoalert {

struct WriteCounters {
  std::atomic<uint64_t> creates{0}, patches{0}, reads{0};
  std::atomic<uint64_t> conflicts{0};  // 409s: another writer was first
  std::atomic<uint64_t> unsettled{0};  // writes whose answer never came
  std::atomic<uint64_t> failures{0};   // write() calls that ended kFailed or kRejected
};

class Writer {
 public:
  enum class Outcome {
    kWritten,   // all of the delta is stored
    kDeferred,  // out of rate tokens; try again later
    kFailed,    // the API failed (down, slow, 5xx); try again later
    kRejected,  // the API refused the object for good (4xx): the rest of the delta is dropped
  };
  struct Result {
    Outcome outcome = Outcome::kFailed;
    uint64_t written = 0;  // part of the delta now stored (all of it when kWritten)
    std::string error;
  };

  // `client`, `limiter` and `counters` are borrowed and must outlive the writer. Every API
  // request takes a token from `limiter` first.
  Writer(kube::Client& client, RateLimiter& limiter, WriteCounters& counters, std::string default_namespace,
         std::string writer_id);

  Result write(const Due& due);

 private:
  // Reads the object into `w`; false on an API failure other than 404 (`error` set).
  enum class Read { kFound, kGone, kFailed };
  Read read(const Entry& e, WriterState& w, std::string& error);
  void absorb(WriterState& w, const nlohmann::json& object) const;
  nlohmann::json marks_patch(const WriterState& w, uint64_t seq) const;

  kube::Client& client_;
  RateLimiter& limiter_;
  const std::string default_ns_;
  const std::string mark_key_;
  WriteCounters& counters_;
  uint64_t seq_ = 0;
};

}  // namespace peregrine::outputs::falcoalert
