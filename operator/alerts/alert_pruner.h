#pragma once
// Keeps the FalcoAlerts the agents write (outputs/sinks/falcoalert) from piling up: the operator
// calls prune() periodically. One pass lists every FalcoAlert in the cluster, deletes those
// whose spec.lastSeen is older than the retention age, and then, while more than `max_alerts`
// remain, the ones seen longest ago.
//
// Each delete carries the listed resourceVersion as a precondition, so an alert a writer updated
// after the list (it fired again) is not deleted by a stale decision; it is skipped and looked at
// again next pass. An alert without a readable lastSeen ages by its creationTimestamp.
//
// Thread-safety: one pass at a time per pruner; the client may be shared.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "kube/api_result.h"
#include "kube/client.h"
#include "kube/clock.h"

namespace peregrine::op::alerts {

struct PruneOptions {
  std::chrono::seconds retention{std::chrono::hours(24 * 7)};
  size_t max_alerts = 5000;  // cluster-wide
  int page_size = 500;       // list page size
};

struct PruneReport {
  size_t listed = 0;
  size_t expired = 0;        // deleted for age
  size_t over_limit = 0;     // deleted to get down to max_alerts
  size_t changed = 0;        // skipped: updated since the list (409 on the precondition)
  size_t gone = 0;           // already deleted by someone else (404)
  size_t failed = 0;         // other delete errors; the latest in `error`
  std::string error;
  size_t remaining() const { return listed - expired - over_limit - gone; }
};

class AlertPruner {
 public:
  // `client` and `clock` are borrowed. clock.wall() is "now" for the retention age.
  AlertPruner(kube::Client& client, PruneOptions options, const kube::Clock& clock);

  // One pass. An error only when the list fails; delete errors are counted in the report.
  kube::ApiResult<PruneReport> prune();

 private:
  kube::Client& client_;
  const PruneOptions options_;
  const kube::Clock& clock_;
};

// "2026-11-22T18:00:00Z", with optional fractional seconds and a numeric offset; nullopt for
// anything else.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text);

}  // namespace peregrine::op::alerts
