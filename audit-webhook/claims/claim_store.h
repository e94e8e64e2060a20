#pragma once
// Claims on alerts, shared by every replica of the audit webhook through the Kubernetes API.
//
// kube-apiserver's batch webhook backend resends a batch whose POST failed or timed out, and
// behind a Service the resend may reach another replica while the first one has already queued
// (and will evaluate) the batch. Before an alert leaves, a replica claims its key (auditID,
// stage, rule) by CREATING a coordination.k8s.io/v1 Lease named after the key's hash: the API
// server lets exactly one create of a name succeed, so exactly one replica raises the alert.
//
//   name         peregrine-audit-claim-<first 32 hex of sha256(auditID NUL stage NUL rule)>
//   labels       app.kubernetes.io/part-of: peregrine, peregrine.dev/component: audit-claim
//   annotations  peregrine.dev/audit-id, peregrine.dev/stage, peregrine.dev/rule (for people)
//   spec         holderIdentity = this replica (its pod name), acquireTime = when claimed,
//                leaseDurationSeconds = the retention after which sweep() deletes it
//
// Thread-safety: claim() and sweep() may run concurrently from any threads (the client is
// thread-safe). Errors are values: claim() never throws and sorts every answer into won, taken
// (409 AlreadyExists) or failed (anything else, including no answer).

#include <chrono>
#include <cstddef>
#include <string>

#include "kube/api_result.h"
#include "kube/client.h"
#include "kube/clock.h"

namespace peregrine::audit {

struct ClaimKey {
  std::string audit_id;
  std::string stage;
  std::string rule;
};

// The Lease name of a key (see above); equal keys, and only those, share it.
std::string claim_object_name(const ClaimKey& key);

// The label selector that finds every claim.
inline constexpr const char* kClaimSelector =
    "app.kubernetes.io/part-of=peregrine,peregrine.dev/component=audit-claim";

enum class ClaimOutcome {
  kWon,     // created: this replica raises the alert
  kTaken,   // AlreadyExists: another replica, or an earlier attempt of ours, raised it
  kFailed,  // no verdict (API down, forbidden, timeout, ...): the caller decides
};

struct ClaimResult {
  ClaimOutcome outcome = ClaimOutcome::kFailed;
  std::string error;  // kFailed only: what went wrong, one line
};

struct ClaimStoreOptions {
  std::string namespace_name;  // where the claims live: the webhook's own namespace
  std::string holder;          // holderIdentity: the replica's pod name
  std::chrono::seconds retention{std::chrono::minutes(10)};  // well past apiserver retries
};

struct SweepReport {
  size_t listed = 0;
  size_t deleted = 0;  // older than the retention (a 404 counts: someone else deleted it)
  size_t failed = 0;   // delete errors; the latest in `error`
  std::string error;
};

class ClaimStore {
 public:
  // `client` and `clock` are borrowed and must outlive the store. clock.wall() stamps
  // acquireTime and is "now" for sweep().
  ClaimStore(kube::Client& client, ClaimStoreOptions options, const kube::Clock& clock);

  ClaimResult claim(const ClaimKey& key);

  // One janitor pass: lists the claims in the namespace and deletes those acquired longer than
  // the retention ago. A claim without a readable acquireTime ages by its creationTimestamp.
  // Several replicas may sweep at once: deleting a claim already gone is harmless.
  // An error only when the list fails.
  kube::ApiResult<SweepReport> sweep();

  const ClaimStoreOptions& options() const { return options_; }

 private:
  kube::Client& client_;
  const ClaimStoreOptions options_;
  const kube::Clock& clock_;
};

}  // namespace peregrine::audit
