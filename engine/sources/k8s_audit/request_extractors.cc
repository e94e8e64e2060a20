// Fields read from the request itself rather than from the object it carries.

#include <string>

#include "engine/sources/k8s_audit/audit_extractors.h"
#include "engine/sources/k8s_audit/uri_query.h"

namespace peregrine::engine::k8s_audit {

bool extract_uri_param(JsonValue doc, std::string_view key, Extraction& out) {
  auto uri = doc["requestURI"].string();
  if (!uri) return false;
  auto value = uri_query_param(*uri, key);
  if (!value) return false;
  out.set_owned_string(*value);
  return true;
}

bool extract_target_pod_name(JsonValue doc, Extraction& out) {
  // A request on a pod or one of its subresources (exec, attach, log, binding, ...) names the
  // pod in objectRef.
  JsonValue ref = doc["objectRef"];
  auto name = ref["name"].string();
  if (ref["resource"].string() == "pods" && name) {
    out.set_string(*name);
    return true;
  }
  // Otherwise a Pod carried by the request or returned by the server (a create with
  // generateName has its name only in the response).
  for (const char* key : {"requestObject", "responseObject"}) {
    JsonValue obj = doc[key];
    if (obj["kind"].string() != "Pod") continue;
    if (auto n = obj["metadata"]["name"].string()) {
      out.set_string(*n);
      return true;
    }
  }
  return false;
}

bool extract_values(JsonValue doc, const JsonPath& path, const FieldRef& field,
                    Extraction& out) {
  JsonValue v = json_at(doc, path);
  if (!v || v.is_null()) return false;
  if (field.has_arg) return set_json_value(v.at(field.arg_index), out);
  out.begin_list();
  add_json_items(v, out);
  return finish_list(out);
}

}  // namespace peregrine::engine::k8s_audit
