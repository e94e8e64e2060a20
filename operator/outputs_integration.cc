#include "operator/outputs_integration.h"

#include <map>

#include "kube/config.h"
#include "operator/outputs/render_outputs.h"

namespace peregrine::op {

using nlohmann::json;

OutputsRenderer make_outputs_renderer(std::shared_ptr<kube::Client> client) {
  return [client](const std::vector<json>& falco_outputs) -> Result<RenderedOutputs> {
    RenderedOutputs out;
    if (falco_outputs.empty()) return out;
    // "<ns>/<secret>" → its data (null: missing). A transient read failure fails the pass
    // rather than refusing a FalcoOutput whose Secret is in fact there.
    std::map<std::string, json> secrets;
    std::optional<Error> failure;
    auto secret_data = [&](const outputs::SecretKeyRef& ref) -> const json& {
      auto [it, inserted] = secrets.try_emplace(ref.ns + "/" + ref.secret);
      if (inserted) {
        auto got = client->get(secrets_ref(), ref.ns, ref.secret);
        if (got) it->second = got->value("data", json::object());
        else if (!got.error().is_not_found()) failure = got.error().to_error();
      }
      return it->second;
    };
    outputs::RenderOptions options;
    options.secret_value = [&](const outputs::SecretKeyRef& ref) -> std::optional<std::string> {
      const json& data = secret_data(ref);
      if (!data.is_object() || !data.contains(ref.key) || !data[ref.key].is_string()) return std::nullopt;
      return kube::base64_decode(data[ref.key].get<std::string>());
    };
    outputs::RenderedOutputs rendered = outputs::render_outputs(falco_outputs, options);
    if (failure) return *failure;
    out.yaml = rendered.yaml;
    for (const outputs::SecretKeyRef& ref : rendered.secrets) {
      auto value = options.secret_value(ref);
      if (!value) continue;  // render_outputs refused the FalcoOutputs that need it
      out.secrets.push_back({ref.dir(), ref.key, ref.dir() + "." + ref.key, std::move(*value)});
    }
    std::map<std::string, std::string> refused;
    for (const auto& e : rendered.errors) refused[e.ns + "/" + e.name] = e.message;
    for (const json& fo : falco_outputs) {
      const json& meta = fo["metadata"];
      OutputVerdict v;
      v.ns = meta.value("namespace", "");
      v.name = meta.value("name", "");
      v.generation = meta.value("generation", int64_t{1});
      v.status = fo.value("status", json::object());
      if (auto it = refused.find(v.ns + "/" + v.name); it != refused.end()) {
        v.accepted = false;
        v.message = it->second;
      }
      out.verdicts.push_back(std::move(v));
    }
    return out;
  };
}

}  // namespace peregrine::op
