#include "operator/admission/validators.h"

#include "operator/outputs/render_outputs.h"

namespace peregrine::op::admission {
namespace {

constexpr size_t kMaxListedErrors = 20;

bool changes_object(const AdmissionRequest& r) { return r.operation == "CREATE" || r.operation == "UPDATE"; }

const nlohmann::json* spec_field(const nlohmann::json& object, const char* field) {
  if (!object.is_object()) return nullptr;
  auto spec = object.find("spec");
  if (spec == object.end() || !spec->is_object()) return nullptr;
  auto it = spec->find(field);
  return it == spec->end() ? nullptr : &*it;
}

}  // namespace

std::string describe_rules_diagnostic(const engine::Diagnostic& d) {
  std::string out = "spec.rules";
  if (d.line > 0) {
    out += ":" + std::to_string(d.line);
    if (d.column > 0) out += ":" + std::to_string(d.column);
  }
  out += ": ";
  if (!d.item.empty()) out += d.item + ": ";
  return out + d.message;
}

Verdict verdict_from_diagnostics(const std::vector<engine::Diagnostic>& errors,
                                 const std::vector<engine::Diagnostic>& warnings) {
  std::vector<std::string> warning_text;
  for (const auto& w : warnings) warning_text.push_back(describe_rules_diagnostic(w));
  if (errors.empty()) return Verdict::allow(std::move(warning_text));
  std::string message;
  for (size_t i = 0; i < errors.size() && i < kMaxListedErrors; ++i)
    message += (i ? "\n" : "") + describe_rules_diagnostic(errors[i]);
  if (errors.size() > kMaxListedErrors)
    message += "\nand " + std::to_string(errors.size() - kMaxListedErrors) + " more errors";
  return Verdict::deny(std::move(message), std::move(warning_text));
}

Validator falco_rule_alone_validator(const engine::Engine& engine, std::string cluster_namespace) {
  return [&engine, cluster_namespace](const AdmissionRequest& r) -> Verdict {
    if (!changes_object(r)) return Verdict::allow();
    const nlohmann::json* rules = spec_field(r.object, "rules");
    if (!rules || !rules->is_string()) return Verdict::deny("spec.rules: must be a string holding a rules document");
    const std::string tenant = r.ns == cluster_namespace ? "" : r.ns;
    engine::LoadResult loaded =
        engine.load_texts(std::vector<engine::RuleText>{{"spec.rules", rules->get<std::string>(), tenant}});
    std::vector<engine::Diagnostic> errors, warnings;
    for (const auto& f : loaded.report.files) {
      errors.insert(errors.end(), f.errors.begin(), f.errors.end());
      warnings.insert(warnings.end(), f.warnings.begin(), f.warnings.end());
    }
    return verdict_from_diagnostics(errors, warnings);
  };
}

Validator falco_output_validator() {
  return [](const AdmissionRequest& r) -> Verdict {
    if (!changes_object(r)) return Verdict::allow();
    nlohmann::json object = r.object;
    if (!object.is_object()) return Verdict::deny("object: is missing");
    if (!object["metadata"].is_object()) object["metadata"] = nlohmann::json::object();
    // On CREATE with generateName the name is not chosen yet; the checks do not depend on it.
    object["metadata"]["namespace"] = r.ns.empty() ? "default" : r.ns;
    if (!object["metadata"].contains("name") || !object["metadata"]["name"].is_string() ||
        object["metadata"]["name"].get<std::string>().empty())
      object["metadata"]["name"] = r.name.empty() ? "new" : r.name;
    outputs::RenderedOutputs rendered = outputs::render_outputs({object});
    if (rendered.errors.empty()) return Verdict::allow();
    return Verdict::deny(rendered.errors.front().message);
  };
}

}  // namespace peregrine::op::admission
