#include "operator/rule_admission.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <set>
#include <tuple>

#include "operator/admission/validators.h"
#include "operator/rule_validator.h"

namespace peregrine::op {
namespace {

struct Entry {
  int64_t order = 0;
  std::string ns, name;
  RuleSource source;
};

std::optional<Entry> entry_of(const nlohmann::json& object, const std::string& operator_ns) {
  const auto& meta = object.value("metadata", nlohmann::json::object());
  const auto& spec = object.value("spec", nlohmann::json::object());
  if (!spec.contains("rules") || !spec["rules"].is_string()) return std::nullopt;
  Entry e;
  e.ns = meta.value("namespace", "");
  e.name = meta.value("name", "");
  if (spec.contains("order") && spec["order"].is_number_integer()) e.order = spec["order"].get<int64_t>();
  e.source.key = e.ns + "/" + e.name;
  e.source.tenant = e.ns == operator_ns ? "" : e.ns;
  e.source.text = spec["rules"].get<std::string>();
  return e;
}

std::string diagnostic_key(const engine::Diagnostic& d) {
  return d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ":" + d.message;
}

// An error the object causes inside another FalcoRule (it redefined something that one uses)
// is named by that FalcoRule and its position, since spec.rules:L:C would point into the
// wrong text.
std::vector<engine::Diagnostic> attributed(std::vector<engine::Diagnostic> errors, const std::string& own_key) {
  for (auto& d : errors) {
    if (d.file == own_key) continue;
    d.message = "in FalcoRule " + d.file + " at " + std::to_string(d.line) + ":" + std::to_string(d.column) +
                " (after this one joins the set): " + d.message;
    d.line = d.column = 0;
  }
  return errors;
}

}  // namespace

admission::Validator falco_rule_set_validator(const engine::Engine& engine, std::string operator_namespace,
                                              std::function<std::vector<nlohmann::json>()> current_rules) {
  auto validator = std::make_shared<RuleValidator>(engine);
  auto mu = std::make_shared<std::mutex>();
  return [&engine, validator, mu, ns = std::move(operator_namespace),
          current_rules = std::move(current_rules)](const admission::AdmissionRequest& request) {
    if (request.operation != "CREATE" && request.operation != "UPDATE") return admission::Verdict::allow();
    auto own = entry_of(request.object, ns);
    if (!own) return admission::Verdict::deny("spec.rules must be a string holding a Falco rules document");
    if (own->ns.empty()) {  // the API server fills metadata.namespace in; be safe if a client did not
      own->ns = request.ns;
      own->source.key = own->ns + "/" + own->name;
      own->source.tenant = own->ns == ns ? "" : own->ns;
    }

    std::lock_guard lock(*mu);
    AloneVerdict alone = validator->check_alone(own->source);
    if (!alone.errors.empty()) return admission::verdict_from_diagnostics(alone.errors, alone.warnings);

    std::vector<Entry> others;
    for (const auto& object : current_rules()) {
      auto e = entry_of(object, ns);
      if (!e || (e->ns == own->ns && e->name == own->name)) continue;
      // A FalcoRule that is wrong on its own never ships; it cannot be part of the set.
      if (!validator->check_alone(e->source).errors.empty()) continue;
      others.push_back(std::move(*e));
    }
    auto by_order = [](const Entry& a, const Entry& b) {
      return std::tie(a.order, a.ns, a.name) < std::tie(b.order, b.ns, b.name);
    };
    std::vector<Entry> with = others;
    with.push_back(*own);
    std::sort(others.begin(), others.end(), by_order);
    std::sort(with.begin(), with.end(), by_order);
    auto sources = [](const std::vector<Entry>& entries) {
      std::vector<const RuleSource*> out;
      for (const auto& e : entries) out.push_back(&e.source);
      return out;
    };
    auto errors_with = validator->compile_errors(sources(with));
    if (errors_with.empty()) return admission::Verdict::allow();
    auto errors_without = validator->compile_errors(sources(others));
    std::set<std::string> before;
    for (const auto& d : errors_without) before.insert(diagnostic_key(d));
    std::vector<engine::Diagnostic> added;
    for (const auto& d : errors_with)
      if (!before.count(diagnostic_key(d))) added.push_back(d);
    if (added.empty()) return admission::Verdict::allow();
    return admission::verdict_from_diagnostics(attributed(std::move(added), own->source.key), alone.warnings);
  };
}

}  // namespace peregrine::op
