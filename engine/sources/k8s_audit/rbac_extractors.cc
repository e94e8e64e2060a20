// Fields read from RBAC objects in the request: the subjects of a (Cluster)RoleBinding and the
// rules of a (Cluster)Role.

#include <string>

#include "engine/sources/k8s_audit/audit_extractors.h"

namespace peregrine::engine::k8s_audit {

namespace {

const Json* request_array(const Json& doc, std::string_view key) {
  const Json* v = json_child(json_child(&doc, "requestObject"), key);
  return v != nullptr && v->is_array() ? v : nullptr;
}

std::optional<std::string_view> string_member(const Json& obj, std::string_view key) {
  const Json* v = json_child(&obj, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string_view(v->get_ref<const std::string&>());
}

}  // namespace

bool extract_binding_subjects(const Json& doc, SubjectSelect which, Extraction& out) {
  const Json* subjects = request_array(doc, "subjects");
  if (subjects == nullptr) return false;
  std::string_view want_kind = which == SubjectSelect::kUserNames    ? "User"
                               : which == SubjectSelect::kGroupNames ? "Group"
                                                                     : "ServiceAccount";
  out.begin_list();
  for (const Json& s : *subjects) {
    auto kind = string_member(s, "kind");
    auto name = string_member(s, "name");
    if (!kind || *kind != want_kind || !name) continue;
    if (which != SubjectSelect::kServiceAccountNsNames) {
      out.add_item(*name);
      continue;
    }
    // The API server requires a namespace on ServiceAccount subjects; an absent one shows as
    // ":name" rather than hiding the subject.
    std::string& buf = out.own_buffer();
    buf.assign(string_member(s, "namespace").value_or(std::string_view()));
    buf.push_back(':');
    buf.append(*name);
    out.add_item(buf);
  }
  return finish_list(out);
}

bool extract_binding_has_name(const Json& doc, std::string_view name, Extraction& out) {
  const Json* subjects = request_array(doc, "subjects");
  if (subjects == nullptr) return false;
  bool found = false;
  for (const Json& s : *subjects) {
    if (string_member(s, "name") == name) {
      found = true;
      break;
    }
  }
  out.set_string(found ? "true" : "false");
  return true;
}

bool extract_role_rule_items(const Json& doc, std::string_view key, const FieldRef& field,
                             Extraction& out) {
  const Json* rules = request_array(doc, "rules");
  if (rules == nullptr) return false;
  out.begin_list();
  if (field.has_arg) {
    if (field.arg_index >= rules->size()) {
      out.reset();
      return false;
    }
    if (const Json* v = json_child(&(*rules)[field.arg_index], key)) add_json_items(*v, out);
    return finish_list(out);
  }
  for (const Json& rule : *rules) {
    if (const Json* v = json_child(&rule, key)) add_json_items(*v, out);
  }
  return finish_list(out);
}

}  // namespace peregrine::engine::k8s_audit
