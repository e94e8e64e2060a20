// Fields read from the request itself rather than from the object it carries.

#include <string>

#include "engine/sources/k8s_audit/audit_extractors.h"
#include "engine/sources/k8s_audit/uri_query.h"

namespace peregrine::engine::k8s_audit {

bool extract_uri_param(const Json& doc, std::string_view key, Extraction& out) {
  const Json* uri = json_child(&doc, "requestURI");
  if (uri == nullptr || !uri->is_string()) return false;
  auto value = uri_query_param(uri->get_ref<const std::string&>(), key);
  if (!value) return false;
  out.set_owned_string(*value);
  return true;
}

bool extract_target_pod_name(const Json& doc, Extraction& out) {
  // A request on a pod or one of its subresources (exec, attach, log, binding, ...) names the
  // pod in objectRef.
  static const JsonPath kResource{"objectRef", "resource"};
  static const JsonPath kName{"objectRef", "name"};
  const Json* resource = json_at(doc, kResource);
  const Json* name = json_at(doc, kName);
  if (resource != nullptr && resource->is_string() &&
      resource->get_ref<const std::string&>() == "pods" && name != nullptr && name->is_string()) {
    out.set_string(name->get_ref<const std::string&>());
    return true;
  }
  // Otherwise a Pod carried by the request or returned by the server (a create with
  // generateName has its name only in the response).
  static const JsonPath kMetaName{"metadata", "name"};
  for (const char* key : {"requestObject", "responseObject"}) {
    const Json* obj = json_child(&doc, key);
    const Json* kind = json_child(obj, "kind");
    if (kind == nullptr || !kind->is_string() || kind->get_ref<const std::string&>() != "Pod") {
      continue;
    }
    const Json* n = json_at(*obj, kMetaName);
    if (n != nullptr && n->is_string()) {
      out.set_string(n->get_ref<const std::string&>());
      return true;
    }
  }
  return false;
}

bool extract_values(const Json& doc, const JsonPath& path, const FieldRef& field,
                    Extraction& out) {
  const Json* v = json_at(doc, path);
  if (v == nullptr || v->is_null()) return false;
  if (field.has_arg) {
    if (!v->is_array() || field.arg_index >= v->size()) return false;
    return set_json_value(&(*v)[field.arg_index], out);
  }
  out.begin_list();
  add_json_items(*v, out);
  return finish_list(out);
}

}  // namespace peregrine::engine::k8s_audit
