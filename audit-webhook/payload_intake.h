#pragma once
// What the webhook does with an authenticated request body, apart from HTTP: check the media
// type, parse the audit payload, drop events already queued, and queue the rest as one unit.
// The answer is an HTTP status and a reason, so the server stays a thin adapter and this logic
// is tested without sockets.
//
// Thread-safe: the HTTP threads call accept() concurrently; parsing runs in parallel, only the
// duplicate check and the push are serialised.

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

#include "audit-webhook/event_queue.h"
#include "audit-webhook/recent_audit_ids.h"
#include "audit-webhook/webhook_metrics.h"

namespace peregrine::audit {

struct IntakeReply {
  int status = 200;    // 200, 400, 413, 415 or 429
  std::string reason;  // why, for anything but 200: goes into the response body
  size_t queued = 0;
  size_t duplicates = 0;
};

class PayloadIntake {
 public:
  // `dedup_capacity` (auditID, stage) pairs are remembered to recognise retried batches.
  PayloadIntake(EventQueue& queue, WebhookMetrics& metrics, size_t dedup_capacity);

  IntakeReply accept(std::string_view content_type, std::string_view body);

 private:
  EventQueue& queue_;
  WebhookMetrics& metrics_;
  std::mutex mu_;
  RecentAuditIds recent_;
};

// True for `application/json`, with any parameters (`; charset=utf-8`), in any letter case:
// what kube-apiserver's webhook client sends.
bool is_json_media_type(std::string_view content_type);

}  // namespace peregrine::audit
