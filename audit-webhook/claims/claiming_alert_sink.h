#pragma once
// An AlertSink in front of another that lets an alert through only when this replica wins its
// claim (ClaimStore), so a batch that kube-apiserver resends to another replica raises each
// alert once across all of them. Claims go over the network, so they are made off the
// evaluation path: emit_from() copies the alert onto a bounded queue and returns; worker
// threads claim (several creates in flight at once) and forward the winners.
//
// At least once beats at most once: whenever no verdict is possible the alert goes through
// unclaimed and is counted, never dropped —
//   * the claim fails for any reason but AlreadyExists (API down, forbidden, timeout);
//   * the queue is full (the API is slow or unreachable): emit_from() forwards at once, on the
//     evaluation thread, as an unwrapped sink would;
//   * emit() is called without an origin (no key to claim);
//   * shutdown()'s grace ran out with alerts still queued.
// Such an alert may also be raised by another replica. Duplicates within one replica never get
// here: PayloadIntake drops an (auditID, stage) it already queued before evaluation, so a
// resend to the same replica costs no claim; if it has forgotten one, the API answers 409.
// Alerts reach the wrapped sink in claim-completion order, not evaluation order.
//
// Thread-safety: emit(), emit_from() and metrics_text() from any threads. The wrapped sink
// and the store are borrowed and must outlive this sink; its emit() is called from the worker
// threads (and, unclaimed, from the callers' threads).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audit-webhook/alert_sink.h"
#include "audit-webhook/claims/claim_janitor.h"
#include "audit-webhook/claims/claim_store.h"

namespace peregrine::audit {

struct ClaimingOptions {
  size_t workers = 4;             // claims in flight at once
  size_t queue_capacity = 10'000;  // alerts waiting for their claim
  // How often a janitor deletes claims older than the store's retention; 0: no janitor.
  std::chrono::milliseconds sweep_interval{std::chrono::minutes(1)};
  ClaimJanitor::Log log;  // failed claims (rate-limited) and janitor passes; may be empty
};

struct ClaimCounters {
  uint64_t won = 0;         // claimed here: forwarded
  uint64_t lost = 0;        // AlreadyExists: duplicates suppressed
  uint64_t errors = 0;      // no verdict from the API: forwarded unclaimed
  uint64_t queue_full = 0;  // forwarded unclaimed because the queue was full
  uint64_t no_origin = 0;   // forwarded unclaimed: emitted without an audit event
  uint64_t shutdown = 0;    // forwarded unclaimed: still queued when shutdown's grace ran out
};

class ClaimingAlertSink : public AlertSink {
 public:
  ClaimingAlertSink(AlertSink& next, ClaimStore& store, ClaimingOptions options);
  ~ClaimingAlertSink() override;  // shutdown(0) unless done

  ClaimingAlertSink(const ClaimingAlertSink&) = delete;
  ClaimingAlertSink& operator=(const ClaimingAlertSink&) = delete;

  void emit(const engine::Alert& alert) override;
  void emit_from(const AlertOrigin& origin, const engine::Alert& alert) override;
  // Ours (peregrine_audit_claims_*), the janitor's, then the wrapped sink's.
  std::string metrics_text() const override;

  // Claims and forwards every queued alert, then stops the workers and the janitor. Alerts
  // still queued after `grace` are forwarded unclaimed (claims already in flight finish, each
  // bounded by the client's request timeout). Later emits go straight to the wrapped sink.
  // Call once, after the evaluation threads have stopped.
  void shutdown(std::chrono::milliseconds grace);

  ClaimCounters counters() const;
  size_t queued() const;

 private:
  struct Pending {
    ClaimKey key;
    engine::Alert alert;
  };

  void work();
  void note_failure(const std::string& error);

  AlertSink& next_;
  ClaimStore& store_;
  const ClaimingOptions options_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool closing_ = false;
  std::atomic<bool> skip_claims_{false};  // shutdown's grace ran out
  std::atomic<bool> shut_down_{false};

  std::atomic<uint64_t> won_{0}, lost_{0}, errors_{0}, queue_full_{0}, no_origin_{0}, shutdown_{0};
  std::atomic<int64_t> last_failure_log_ns_{0};

  std::vector<std::thread> workers_;
  std::unique_ptr<ClaimJanitor> janitor_;
};

}  // namespace peregrine::audit
