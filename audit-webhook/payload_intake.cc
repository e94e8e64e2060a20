#include "audit-webhook/payload_intake.h"

#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/strings.h"

namespace peregrine::audit {

bool is_json_media_type(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  return iequals(trim(media), "application/json");
}

PayloadIntake::PayloadIntake(EventQueue& queue, WebhookMetrics& metrics, size_t dedup_capacity)
    : queue_(queue), metrics_(metrics), recent_(dedup_capacity) {}

IntakeReply PayloadIntake::accept(std::string_view content_type, std::string_view body) {
  IntakeReply reply;
  if (!is_json_media_type(content_type)) {
    WebhookMetrics::bump(metrics_.responses_unsupported_media);
    reply.status = 415;
    reply.reason = content_type.empty()
                       ? "no Content-Type: send application/json"
                       : "Content-Type '" + std::string(content_type) +
                             "' is not supported: send application/json";
    return reply;
  }
  auto parsed = engine::parse_audit_payload(body);
  if (!parsed) {
    WebhookMetrics::bump(metrics_.responses_bad_request);
    reply.status = 400;
    reply.reason = parsed.error().message;
    return reply;
  }
  std::vector<engine::AuditEvent>& events = *parsed;
  WebhookMetrics::bump(metrics_.events_received, events.size());
  if (events.size() > queue_.capacity()) {
    // It would never fit: 429 would make the apiserver retry it forever.
    WebhookMetrics::bump(metrics_.responses_too_large);
    reply.status = 413;
    reply.reason = "batch of " + std::to_string(events.size()) +
                   " events is larger than the queue (" + std::to_string(queue_.capacity()) +
                   "); lower the apiserver's --audit-webhook-batch-max-size";
    return reply;
  }

  // Keys are built outside the lock; parsing guaranteed every event a string auditID.
  std::vector<std::string> keys;
  keys.reserve(events.size());
  for (const auto& ev : events)
    keys.push_back(RecentAuditIds::key(ev.audit_id(), ev.stage()));

  std::lock_guard<std::mutex> lock(mu_);
  std::vector<engine::AuditEvent> fresh;
  std::vector<size_t> fresh_index;  // into keys
  fresh.reserve(events.size());
  fresh_index.reserve(events.size());
  std::unordered_set<std::string_view> in_batch;  // the apiserver repeats none, a forger might
  for (size_t i = 0; i < events.size(); ++i) {
    if (recent_.contains(keys[i]) || !in_batch.insert(keys[i]).second) {
      ++reply.duplicates;
      continue;
    }
    fresh.push_back(std::move(events[i]));
    fresh_index.push_back(i);
  }
  size_t count = fresh.size();
  if (!queue_.try_push_all(fresh)) {
    WebhookMetrics::bump(metrics_.responses_too_many_requests);
    WebhookMetrics::bump(metrics_.events_rejected, count);
    reply.status = 429;
    reply.reason = "event queue is full; retry later";
    return reply;
  }
  for (size_t i : fresh_index) recent_.insert(std::move(keys[i]));
  WebhookMetrics::bump(metrics_.events_queued, count);
  WebhookMetrics::bump(metrics_.events_duplicate, reply.duplicates);
  WebhookMetrics::bump(metrics_.responses_ok);
  reply.queued = count;
  return reply;
}

}  // namespace peregrine::audit
