#include "audit-webhook/webhook_metrics.h"

namespace peregrine::audit {
namespace {

uint64_t read(const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); }

class Exposition {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(const char* name, uint64_t value, const char* labels = nullptr) {
    out_ += name;
    if (labels) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    out_ += std::to_string(value);
    out_ += '\n';
  }
  void single(const char* name, const char* type, const char* help, uint64_t value) {
    family(name, type, help);
    sample(name, value);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace

std::string render_prometheus(const WebhookMetrics& m, size_t queue_depth, size_t queue_capacity) {
  Exposition e;
  const char* responses = "peregrine_audit_webhook_responses_total";
  e.family(responses, "counter", "Webhook requests answered, by HTTP status code.");
  e.sample(responses, read(m.responses_ok), "code=\"200\"");
  e.sample(responses, read(m.responses_bad_request), "code=\"400\"");
  e.sample(responses, read(m.responses_unauthorized), "code=\"401\"");
  e.sample(responses, read(m.responses_not_found), "code=\"404\"");
  e.sample(responses, read(m.responses_too_large), "code=\"413\"");
  e.sample(responses, read(m.responses_unsupported_media), "code=\"415\"");
  e.sample(responses, read(m.responses_too_many_requests), "code=\"429\"");

  e.single("peregrine_audit_events_received_total", "counter",
           "Audit events in authenticated, well-formed payloads.", read(m.events_received));
  e.single("peregrine_audit_events_queued_total", "counter",
           "Audit events queued for evaluation.", read(m.events_queued));
  e.single("peregrine_audit_events_duplicate_total", "counter",
           "Audit events already queued once (a retried batch), not queued again.",
           read(m.events_duplicate));
  e.single("peregrine_audit_events_rejected_total", "counter",
           "Audit events in batches refused with 429 because the queue was full.",
           read(m.events_rejected));
  e.single("peregrine_audit_events_evaluated_total", "counter",
           "Audit events the rules ran on.", read(m.events_evaluated));
  e.single("peregrine_audit_alerts_total", "counter", "Alerts raised.", read(m.alerts));

  const char* reloads = "peregrine_audit_rule_reloads_total";
  e.family(reloads, "counter", "Rule reloads, by result; a failed reload keeps the old rules.");
  e.sample(reloads, read(m.reloads_ok), "result=\"ok\"");
  e.sample(reloads, read(m.reloads_failed), "result=\"error\"");
  e.single("peregrine_audit_rules_loaded", "gauge", "Enabled k8s_audit rules in the live ruleset.",
           read(m.rules_loaded));
  e.single("peregrine_audit_queue_depth", "gauge", "Audit events waiting for evaluation.",
           queue_depth);
  e.single("peregrine_audit_queue_capacity", "gauge", "Most audit events the queue holds.",
           queue_capacity);
  return e.take();
}

}  // namespace peregrine::audit
