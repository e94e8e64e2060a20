// Fields read from RBAC objects in the request: the subjects of a (Cluster)RoleBinding and the
// rules of a (Cluster)Role.

#include <string>

#include "engine/sources/k8s_audit/audit_extractors.h"

namespace peregrine::engine::k8s_audit {

namespace {

JsonValue request_array(JsonValue doc, std::string_view key) {
  JsonValue v = doc["requestObject"][key];
  return v.is_array() ? v : JsonValue();
}

}  // namespace

bool extract_binding_subjects(JsonValue doc, SubjectSelect which, Extraction& out) {
  JsonValue subjects = request_array(doc, "subjects");
  if (!subjects) return false;
  std::string_view want_kind = which == SubjectSelect::kUserNames    ? "User"
                               : which == SubjectSelect::kGroupNames ? "Group"
                                                                     : "ServiceAccount";
  out.begin_list();
  for (JsonValue s : subjects.items()) {
    auto kind = s["kind"].string();
    auto name = s["name"].string();
    if (!kind || *kind != want_kind || !name) continue;
    if (which != SubjectSelect::kServiceAccountNsNames) {
      out.add_item(*name);
      continue;
    }
    // The API server requires a namespace on ServiceAccount subjects; an absent one shows as
    // ":name" rather than hiding the subject.
    std::string& buf = out.own_buffer();
    buf.assign(s["namespace"].string().value_or(std::string_view()));
    buf.push_back(':');
    buf.append(*name);
    out.add_item(buf);
  }
  return finish_list(out);
}

bool extract_binding_has_name(JsonValue doc, std::string_view name, Extraction& out) {
  JsonValue subjects = request_array(doc, "subjects");
  if (!subjects) return false;
  bool found = false;
  for (JsonValue s : subjects.items()) {
    if (s["name"].string() == name) {
      found = true;
      break;
    }
  }
  out.set_string(found ? "true" : "false");
  return true;
}

bool extract_role_rule_items(JsonValue doc, std::string_view key, const FieldRef& field,
                             Extraction& out) {
  JsonValue rules = request_array(doc, "rules");
  if (!rules) return false;
  out.begin_list();
  if (field.has_arg) {
    JsonValue rule = rules.at(field.arg_index);
    if (!rule) {
      out.reset();
      return false;
    }
    if (JsonValue v = rule[key]) add_json_items(v, out);
    return finish_list(out);
  }
  for (JsonValue rule : rules.items()) {
    if (JsonValue v = rule[key]) add_json_items(v, out);
  }
  return finish_list(out);
}

}  // namespace peregrine::engine::k8s_audit
