#include "operator/metrics.h"

#include <cstdio>

namespace peregrine::op {

void Metrics::observe_reconcile(double seconds, bool ok) {
  std::lock_guard lock(mu_);
  ++reconciles_;
  if (!ok) ++errors_;
  duration_sum_ += seconds;
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++bucket_counts_[i];
}

void Metrics::observe_phases(const std::array<double, kPhaseNames.size()>& seconds) {
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < seconds.size(); ++i) {
    phase_last_[i] = seconds[i];
    phase_sum_[i] += seconds[i];
  }
}

std::string Metrics::render() const {
  std::string out;
  auto metric = [&](const char* name, const char* type, const char* help, double value) {
    char line[256];
    std::snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type, name, value);
    out += line;
  };
  std::lock_guard lock(mu_);
  metric("peregrine_operator_reconciles_total", "counter", "Reconcile passes run.", double(reconciles_));
  metric("peregrine_operator_reconcile_errors_total", "counter", "Reconcile passes that failed and were requeued.",
         double(errors_));
  out += "# HELP peregrine_operator_reconcile_duration_seconds Time of one reconcile pass.\n"
         "# TYPE peregrine_operator_reconcile_duration_seconds histogram\n";
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    char line[160];
    std::snprintf(line, sizeof line, "peregrine_operator_reconcile_duration_seconds_bucket{le=\"%g\"} %llu\n",
                  kBuckets[i], static_cast<unsigned long long>(bucket_counts_[i]));
    out += line;
  }
  char tail[256];
  std::snprintf(tail, sizeof tail,
                "peregrine_operator_reconcile_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                "peregrine_operator_reconcile_duration_seconds_sum %.9f\n"
                "peregrine_operator_reconcile_duration_seconds_count %llu\n",
                static_cast<unsigned long long>(reconciles_), duration_sum_, static_cast<unsigned long long>(reconciles_));
  out += tail;
  auto phases = [&](const char* name, const char* type, const char* help,
                    const std::array<double, kPhaseNames.size()>& values) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    for (size_t i = 0; i < values.size(); ++i) {
      char line[200];
      std::snprintf(line, sizeof line, "%s{phase=\"%s\"} %.9f\n", name, kPhaseNames[i], values[i]);
      out += line;
    }
  };
  phases("peregrine_operator_reconcile_phase_seconds", "gauge",
         "Time the last successful reconcile pass spent in each phase.", phase_last_);
  phases("peregrine_operator_reconcile_phase_seconds_total", "counter",
         "Time successful reconcile passes spent in each phase.", phase_sum_);
  metric("peregrine_operator_bundles", "gauge", "Rule bundles nodes are assigned.", double(bundles.load()));
  metric("peregrine_operator_bundles_created_total", "counter", "Bundle ConfigMaps created.", double(bundles_created.load()));
  metric("peregrine_operator_bundles_deleted_total", "counter", "Unused bundles deleted.", double(bundles_deleted.load()));
  metric("peregrine_operator_status_writes_total", "counter", "FalcoRule status updates written.",
         double(status_writes.load()));
  metric("peregrine_operator_rule_compiles_total", "counter", "Rule set compiles run for validation.",
         double(compiles.load()));
  metric("peregrine_operator_bundle_renders_total", "counter",
         "Bundles rendered (a pass whose bundle inputs did not change renders none).", double(renders.load()));
  metric("peregrine_operator_falcorules", "gauge", "FalcoRules seen.", double(falco_rules.load()));
  metric("peregrine_operator_falcorules_accepted", "gauge", "FalcoRules whose current generation is accepted.",
         double(falco_rules_accepted.load()));
  metric("peregrine_operator_leader", "gauge", "1 while this instance leads.", double(leader.load()));
  return out;
}

}  // namespace peregrine::op
