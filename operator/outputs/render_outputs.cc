#include "operator/outputs/render_outputs.h"

#include <algorithm>
#include <exception>

#include "operator/outputs/entry_check.h"
#include "operator/outputs/yaml_text.h"

namespace peregrine::op::outputs {
namespace {

const std::vector<std::string>& entry_key_order() {
  static const std::vector<std::string> order = {"name", "type", "key"};
  return order;
}

std::string text_at(const nlohmann::json& object, const char* a, const char* b) {
  auto outer = object.find(a);
  if (outer == object.end() || !outer->is_object()) return "";
  auto inner = outer->find(b);
  return inner != outer->end() && inner->is_string() ? inner->get<std::string>() : "";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : "; ") + i;
  return out;
}

// The secret values for the library load; a missing Secret key is the FalcoOutput's error.
Result<std::vector<SecretFile>> secret_files(const std::vector<SecretKeyRef>& refs,
                                             const RenderOptions& options) {
  std::vector<SecretFile> files;
  std::vector<std::string> missing;
  for (const auto& r : refs) {
    if (!options.secret_value) {
      files.push_back({r, std::nullopt});
      continue;
    }
    auto value = options.secret_value(r);
    if (!value) missing.push_back("Secret " + r.ns + "/" + r.secret + " has no key '" + r.key + "'");
    else files.push_back({r, std::move(value)});
  }
  if (!missing.empty()) return make_error(join(missing));
  return files;
}

struct Candidate {
  std::string ns, name;
  const nlohmann::json* object;
};

// The rendered entry of one FalcoOutput, or why there is none.
Result<nlohmann::json> render_one(const Candidate& c, const RenderOptions& options,
                                  std::vector<SecretKeyRef>& secrets) {
  auto spec = c.object->find("spec");
  if (spec == c.object->end()) return make_error("spec: is required");
  if (auto problems = check_output_spec(*spec); !problems.empty()) return make_error(join(problems));
  std::vector<SecretKeyRef> refs;
  nlohmann::json entry = output_entry(c.ns, c.name, *spec, refs);
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
  auto files = secret_files(refs, options);
  if (!files.ok()) return files.error();
  const std::string text =
      to_yaml_text(nlohmann::json{{"outputs", nlohmann::json::array({entry})}}, entry_key_order());
  if (Status st = check_entry_loads(text, c.ns + "/" + c.name, *files); !st) return st.error();
  secrets.insert(secrets.end(), refs.begin(), refs.end());
  return entry;
}

}  // namespace

RenderedOutputs render_outputs(const std::vector<nlohmann::json>& falco_outputs,
                               const RenderOptions& options) {
  std::vector<Candidate> candidates;
  for (const auto& o : falco_outputs) {
    if (!o.is_object()) continue;
    candidates.push_back({text_at(o, "metadata", "namespace"), text_at(o, "metadata", "name"), &o});
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.ns, a.name) < std::tie(b.ns, b.name);
  });

  RenderedOutputs out;
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& c : candidates) {
    if (c.ns.empty() || c.name.empty()) {
      out.errors.push_back({c.ns, c.name, "metadata: namespace and name are required"});
      continue;
    }
    Result<nlohmann::json> entry = make_error("");
    try {
      entry = render_one(c, options, out.secrets);
    } catch (const std::exception& e) {  // nlohmann::json on an unexpected shape
      entry = make_error(std::string("spec: ") + e.what());
    }
    if (!entry.ok()) {
      out.errors.push_back({c.ns, c.name, entry.error().message});
      continue;
    }
    out.accepted.push_back(c.ns + "/" + c.name);
    entries.push_back(std::move(*entry));
  }
  std::sort(out.secrets.begin(), out.secrets.end());
  out.secrets.erase(std::unique(out.secrets.begin(), out.secrets.end()), out.secrets.end());
  out.yaml = to_yaml_text(nlohmann::json{{"outputs", entries}}, entry_key_order());
  return out;
}

}  // namespace peregrine::op::outputs
