#include "agent/runtime/metrics.h"

#include "agent/runtime/ruleset_holder.h"
#include "common/strings.h"

namespace peregrine::agent {

namespace {

void counter(std::string& out, const char* name, const char* help, uint64_t v) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += " counter\n";
  out += name;
  out += ' ';
  out += std::to_string(v);
  out += '\n';
}

}  // namespace

void Metrics::count_alert(const std::string& rule, engine::Priority priority) {
  std::lock_guard lock(mu_);
  ++alerts_[{rule, priority}];
}

std::string Metrics::render(const RulesetInfo& ruleset) const {
  std::string out;
  counter(out, "peregrine_events_total",
          "Events the agent processed (a close folded into the next one is not counted apart).",
          events.load());
  counter(out, "peregrine_events_dropped_kernel_total", "Events lost in the kernel (ring buffer full).",
          kernel_drops.load());
  counter(out, "peregrine_events_dropped_user_total", "Events lost in user space.", user_drops.load());
  counter(out, "peregrine_events_dropped_eval_total",
          "Events not evaluated because their evaluation worker's queue was full.", eval_drops.load());
  counter(out, "peregrine_alerts_dropped_total", "Alerts the output queue had no room for.", alerts_dropped.load());
  counter(out, "peregrine_events_incomplete_total", "Events evaluated with missing metadata.",
          incomplete_events.load());
  counter(out, "peregrine_ruleset_reloads_total", "Successful ruleset reloads.", reloads.load());
  counter(out, "peregrine_ruleset_reload_failures_total", "Rejected ruleset reloads.", reload_failures.load());
  out += "# HELP peregrine_threads Threads in the process table.\n# TYPE peregrine_threads gauge\n";
  out += "peregrine_threads " + std::to_string(threads.load()) + "\n";
  out += "# HELP peregrine_alerts_total Alerts raised, by rule and priority.\n# TYPE peregrine_alerts_total counter\n";
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, n] : alerts_) {
      out += "peregrine_alerts_total{rule=\"" + prometheus_label(key.first) + "\",priority=\"" +
             std::string(engine::priority_name(key.second)) + "\"} " + std::to_string(n) + "\n";
    }
  }
  out += "# HELP peregrine_ruleset_info The ruleset in force.\n# TYPE peregrine_ruleset_info gauge\n";
  out += "peregrine_ruleset_info{hash=\"" + prometheus_label(ruleset.hash) + "\",generation=\"" +
         std::to_string(ruleset.generation) + "\",rules=\"" +
         std::to_string(ruleset.ruleset ? ruleset.ruleset->rule_count() : 0) + "\"} 1\n";
  out += "# HELP peregrine_ruleset_loaded_timestamp_seconds When the ruleset in force was loaded.\n"
         "# TYPE peregrine_ruleset_loaded_timestamp_seconds gauge\n";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ruleset.loaded_at_ns) / 1e9);
  out += std::string("peregrine_ruleset_loaded_timestamp_seconds ") + buf + "\n";
  return out;
}

}  // namespace peregrine::agent
