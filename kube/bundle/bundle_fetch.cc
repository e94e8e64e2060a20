#include "kube/bundle/bundle_fetch.h"

namespace peregrine::kube::bundle {
namespace {

const kube::ResourceRef kConfigMaps{"", "v1", "configmaps", true};
const kube::ResourceRef kSecrets{"", "v1", "secrets", true};

BundleFetch api_failure(const std::string& what, const kube::ApiError& e) {
  BundleFetch out;
  out.error = what + ": " + e.describe();
  out.transient = e.is_transient() || e.is_not_found();
  return out;
}

BundleFetch wrong(const std::string& message) {
  BundleFetch out;
  out.error = message;
  return out;
}

}  // namespace

BundleFetch fetch_bundle(kube::Client& client, const std::string& ns, const std::string& name) {
  auto main = client.get(kConfigMaps, ns, name);
  if (!main) return api_failure("bundle " + name, main.error());
  const nlohmann::json data = main->value("data", nlohmann::json::object());
  auto text = data.find("manifest.json");
  if (text == data.end() || !text->is_string()) return wrong("bundle " + name + " has no manifest.json");
  auto manifest = parse_manifest(text->get<std::string>());
  if (!manifest) return wrong("bundle " + name + ": " + manifest.error().message);

  std::map<std::string, nlohmann::json> objects{{name, *main}};
  for (const std::string& object : manifest->objects()) {
    if (objects.count(object)) continue;
    auto part = client.get(kConfigMaps, ns, object);
    if (!part) return api_failure("bundle " + name + " part " + object, part.error());
    objects.emplace(object, std::move(*part));
  }
  std::optional<nlohmann::json> secret;
  if (!manifest->secret.empty()) {
    auto s = client.get(kSecrets, ns, manifest->secret);
    if (!s) return api_failure("bundle " + name + " secret " + manifest->secret, s.error());
    secret = std::move(*s);
  }
  auto bundle = assemble_bundle(*manifest, objects, secret ? &*secret : nullptr);
  if (!bundle) return wrong("bundle " + name + ": " + bundle.error().message);
  if (bundle->hash.empty()) bundle->hash = name;
  BundleFetch out;
  out.bundle = std::move(*bundle);
  return out;
}

}  // namespace peregrine::kube::bundle
