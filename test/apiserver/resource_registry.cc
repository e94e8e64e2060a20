#include "test/apiserver/resource_registry.h"

#include <algorithm>
#include <set>

namespace peregrine::apiserver {

using nlohmann::json;

namespace {

ResourceType builtin(std::string group, std::string version, std::string plural, std::string singular,
                     std::string kind, bool namespaced, bool has_status, std::vector<std::string> short_names,
                     std::vector<std::string> categories = {}) {
  ResourceType t;
  t.group = std::move(group);
  t.version = std::move(version);
  t.plural = std::move(plural);
  t.singular = std::move(singular);
  t.kind = std::move(kind);
  t.namespaced = namespaced;
  t.has_status = has_status;
  t.short_names = std::move(short_names);
  t.categories = std::move(categories);
  return t;
}

const std::vector<std::string> kVerbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};

}  // namespace

ResourceRegistry::ResourceRegistry() {
  add(builtin("", "v1", "namespaces", "namespace", "Namespace", false, true, {"ns"}));
  add(builtin("", "v1", "nodes", "node", "Node", false, true, {"no"}));
  add(builtin("", "v1", "pods", "pod", "Pod", true, true, {"po"}, {"all"}));
  add(builtin("", "v1", "configmaps", "configmap", "ConfigMap", true, false, {"cm"}));
  add(builtin("", "v1", "secrets", "secret", "Secret", true, false, {}));
  add(builtin("", "v1", "events", "event", "Event", true, false, {"ev"}));
  add(builtin("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, false, {"sa"}));
  add(builtin("", "v1", "services", "service", "Service", true, true, {"svc"}, {"all"}));
  add(builtin("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, true, {"ds"}, {"all"}));
  add(builtin("apps", "v1", "deployments", "deployment", "Deployment", true, true, {"deploy"}, {"all"}));
  add(builtin("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, false, {}));
  add(builtin("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, false, {}));
  add(builtin("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true, false, {}));
  add(builtin("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false, false, {}));
  add(builtin("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding",
              "ClusterRoleBinding", false, false, {}));
  add(builtin("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations",
              "validatingwebhookconfiguration", "ValidatingWebhookConfiguration", false, false, {},
              {"api-extensions"}));
  add(builtin("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
              "CustomResourceDefinition", false, true, {"crd", "crds"}, {"api-extensions"}));
}

void ResourceRegistry::add(ResourceType t) { types_.push_back(std::move(t)); }

const ResourceType* ResourceRegistry::find(const std::string& group, const std::string& version,
                                           const std::string& plural) const {
  for (const auto& t : types_)
    if (t.group == group && t.version == version && t.plural == plural) return &t;
  return nullptr;
}

const ResourceType* ResourceRegistry::find_any_version(const std::string& storage_key) const {
  for (const auto& t : types_)
    if (t.storage_key() == storage_key) return &t;
  return nullptr;
}

std::vector<const ResourceType*> ResourceRegistry::all() const {
  std::vector<const ResourceType*> out;
  for (const auto& t : types_) out.push_back(&t);
  return out;
}

void ResourceRegistry::install_crd(const json& crd) {
  const std::string name = crd["metadata"].value("name", "");
  remove_crd(name);
  const json& spec = crd["spec"];
  const json& names = spec["names"];
  for (const auto& v : spec.value("versions", json::array())) {
    if (!v.value("served", true)) continue;
    ResourceType t;
    t.group = spec.value("group", "");
    t.version = v.value("name", "");
    t.plural = names.value("plural", "");
    t.singular = names.value("singular", "");
    if (t.singular.empty()) {
      t.singular = names.value("kind", "");
      std::transform(t.singular.begin(), t.singular.end(), t.singular.begin(), ::tolower);
    }
    t.kind = names.value("kind", "");
    t.namespaced = spec.value("scope", "Namespaced") == "Namespaced";
    t.has_status = v.contains("subresources") && v["subresources"].contains("status");
    t.short_names = names.value("shortNames", std::vector<std::string>{});
    t.categories = names.value("categories", std::vector<std::string>{});
    t.printer_columns = v.value("additionalPrinterColumns", json::array());
    t.crd_name = name;
    add(std::move(t));
  }
}

void ResourceRegistry::remove_crd(const std::string& crd_name) {
  std::erase_if(types_, [&](const ResourceType& t) { return !t.crd_name.empty() && t.crd_name == crd_name; });
}

json ResourceRegistry::api_versions() const {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", "127.0.0.1"}}}}};
}

json ResourceRegistry::api_group_list() const {
  // Groups in registration order, each with its versions in registration order (the first is
  // the preferred one, as kubectl picks it for unqualified names).
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::string>> versions;
  for (const auto& t : types_) {
    if (t.group.empty()) continue;
    if (!versions.count(t.group)) groups.push_back(t.group);
    auto& vs = versions[t.group];
    if (std::find(vs.begin(), vs.end(), t.version) == vs.end()) vs.push_back(t.version);
  }
  json list = {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", json::array()}};
  for (const auto& g : groups) {
    json entry = {{"name", g}, {"versions", json::array()}};
    for (const auto& v : versions[g]) entry["versions"].push_back({{"groupVersion", g + "/" + v}, {"version", v}});
    entry["preferredVersion"] = entry["versions"][0];
    list["groups"].push_back(entry);
  }
  return list;
}

std::optional<json> ResourceRegistry::resource_list(const std::string& group, const std::string& version) const {
  json resources = json::array();
  for (const auto& t : types_) {
    if (t.group != group || t.version != version) continue;
    json r = {{"name", t.plural},         {"singularName", t.singular}, {"namespaced", t.namespaced},
              {"kind", t.kind},           {"verbs", kVerbs}};
    if (!t.short_names.empty()) r["shortNames"] = t.short_names;
    if (!t.categories.empty()) r["categories"] = t.categories;
    resources.push_back(r);
    if (t.has_status)
      resources.push_back({{"name", t.plural + "/status"}, {"singularName", ""}, {"namespaced", t.namespaced},
                           {"kind", t.kind}, {"verbs", {"get", "patch", "update"}}});
  }
  if (resources.empty()) return std::nullopt;
  return json{{"kind", "APIResourceList"}, {"apiVersion", "v1"},
              {"groupVersion", group.empty() ? version : group + "/" + version}, {"resources", resources}};
}

}  // namespace peregrine::apiserver
