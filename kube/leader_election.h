#pragma once
// Leader election over a coordination.k8s.io/v1 Lease, with client-go's semantics so that a
// Peregrine operator and a client-go controller read each other's leases correctly.
//
// A candidate reads the Lease. It may take it when nobody holds it (holderIdentity empty: a
// clean release) or when the holder has not renewed for leaseDurationSeconds as measured on
// the candidate's own clock from the moment it last saw the Lease change — never from the
// timestamps inside it, so clock skew between nodes does not matter. Every write is an update
// carrying the resourceVersion that was read; a 409 means another candidate won the race.
// The leader renews every retry period; if it cannot renew for a whole renew deadline it steps
// down (renew_deadline < lease_duration, so it stops acting before anyone else may start).
// After stepping down a candidate keeps campaigning until stop(). stop() releases a held lease
// so that a successor takes over at once instead of after expiry.
//
// Thread-safety: start(), stop(), is_leader(), leader() and stats() may be called from any
// thread. Callbacks run on the elector's thread, one at a time; they must return promptly
// (hand long work to another thread) and must not call stop(). try_acquire_or_renew() is one
// step of the loop, public for callers that drive the elector themselves; do not mix it with
// start().

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "common/result.h"
#include "kube/clock.h"
#include "kube/client.h"
#include "kube/lease_record.h"

namespace peregrine::kube {

struct LeaderCallbacks {
  std::function<void()> on_started_leading;
  std::function<void()> on_stopped_leading;  // after losing the lease, and on stop() while leading
  std::function<void(const std::string& identity)> on_new_leader;  // observed holder changed ("" = none)
};

struct LeaderElectionConfig {
  std::string lease_namespace = "default";
  std::string lease_name;
  std::string identity;  // unique per candidate, e.g. the pod name
  std::chrono::seconds lease_duration{15};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
  bool release_on_stop = true;
  LeaderCallbacks callbacks;
  std::shared_ptr<Clock> clock;  // null: SystemClock
};

struct LeaderElectionStats {
  uint64_t attempts = 0;     // calls to try_acquire_or_renew
  uint64_t failures = 0;     // attempts that ended in an API error (conflicts included)
  uint64_t conflicts = 0;    // attempts that lost a write race (409)
  uint64_t terms = 0;        // times this candidate became leader
};

class LeaderElector {
 public:
  // Checks the timing invariants and the names; the error says which one is wrong.
  static Result<std::unique_ptr<LeaderElector>> create(std::shared_ptr<Client> client, LeaderElectionConfig config);
  ~LeaderElector();  // stop()
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  void start();
  // Ends the loop; when leading, releases the lease (if configured) and calls on_stopped_leading.
  void stop();

  bool is_leader() const { return leading_.load(); }
  // The holder this candidate last observed ("" when none or not yet known).
  std::string leader() const;
  LeaderElectionStats stats() const;

  // One attempt: true when this candidate holds the lease afterwards, false when another
  // live holder has it. An error when the API call failed; is_conflict() / is_already_exists()
  // when another candidate's write got in first.
  ApiResult<bool> try_acquire_or_renew();
  // Hands the lease back (holderIdentity "") if this candidate holds it, so a successor need
  // not wait for expiry. Not leading: nothing to do.
  ApiStatus release();

 private:
  LeaderElector(std::shared_ptr<Client> client, LeaderElectionConfig config);
  void run();
  bool campaign();  // until leading or stopping; true when leading
  void lead();      // renews until the deadline passes or stopping
  bool renew_within_deadline();
  bool wait_retry_period();  // false when stopping
  void observe(const nlohmann::json& lease);
  void note_failure(const ApiError& error);

  std::shared_ptr<Client> client_;
  LeaderElectionConfig config_;
  ResourceRef leases_{"coordination.k8s.io", "v1", "leases", true};

  mutable std::mutex mu_;
  std::condition_variable cv_;
  nlohmann::json observed_lease_;  // the last Lease read or written, null when none
  std::string observed_rv_;
  std::chrono::steady_clock::time_point observed_time_;
  std::string observed_holder_;
  LeaderElectionStats stats_;
  std::minstd_rand jitter_{std::random_device{}()};

  std::atomic<bool> leading_{false};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace peregrine::kube
