#include "test/apiserver/object_rules.h"

#include "test/apiserver/object_meta.h"

namespace peregrine::apiserver {

using nlohmann::json;

std::string qualified_kind(const ResourceType& type) {
  return type.group.empty() ? type.kind : type.kind + "." + type.group;
}

// The part of an object whose change bumps metadata.generation: everything but metadata and status.
json spec_part(const json& obj) {
  json copy = obj;
  copy.erase("metadata");
  copy.erase("status");
  return copy;
}

// Fills in the fields the real control plane would set right after a CRD is created.
void accept_crd(json& crd) {
  crd["status"]["acceptedNames"] = crd["spec"]["names"];
  crd["status"]["storedVersions"] = json::array();
  for (const auto& v : crd["spec"].value("versions", json::array()))
    if (v.value("storage", false)) crd["status"]["storedVersions"].push_back(v.value("name", ""));
  std::string now = now_rfc3339();
  crd["status"]["conditions"] = {
      {{"type", "NamesAccepted"}, {"status", "True"}, {"reason", "NoConflicts"}, {"message", "no conflicts found"},
       {"lastTransitionTime", now}},
      {{"type", "Established"}, {"status", "True"}, {"reason", "InitialNamesAccepted"},
       {"message", "the initial names have been accepted"}, {"lastTransitionTime", now}}};
}

std::string check_crd(const json& crd) {
  const json spec = crd.value("spec", json::object());
  const json names = spec.value("names", json::object());
  std::string group = spec.value("group", ""), plural = names.value("plural", "");
  if (group.empty()) return "spec.group: Required value";
  if (plural.empty()) return "spec.names.plural: Required value";
  if (names.value("kind", "").empty()) return "spec.names.kind: Required value";
  if (crd["metadata"].value("name", "") != plural + "." + group)
    return "metadata.name: Invalid value: must be spec.names.plural+\".\"+spec.group";
  if (!spec.contains("versions") || !spec["versions"].is_array() || spec["versions"].empty())
    return "spec.versions: Invalid value: must have exactly one version marked as storage version";
  return "";
}

}  // namespace peregrine::apiserver
