// Fields read from a pod spec in the request (/requestObject/spec): containers of the three
// kinds, pod-level flags, and volumes.
//
// Semantics follow Falco's k8saudit plugin: per-container flags list only the containers that set
// them (so `privileged intersects (true)` works however many containers there are), effective
// uid/gid fall back from container to pod to 0, and host ports fall back to the container port
// (the port the host sees when the pod uses the host network). Two deliberate differences:
// nested arrays (command, args, added capabilities, ports) are flattened into items rather than
// rendered as JSON text, and host_ipc/host_network/host_pid say "false" for a pod spec that
// leaves them unset, which is what Kubernetes does with such a pod.

#include <string>

#include "engine/sources/k8s_audit/audit_extractors.h"
#include "engine/sources/k8s_audit/image_ref.h"

namespace peregrine::engine::k8s_audit {

namespace {

JsonValue pod_spec(JsonValue doc) {
  JsonValue spec = doc["requestObject"]["spec"];
  return spec.is_object() ? spec : JsonValue();
}

JsonValue array_child(JsonValue obj, std::string_view key) {
  JsonValue v = obj[key];
  return v.is_array() ? v : JsonValue();
}

// A security-context setting of one container.
JsonValue security(JsonValue container, std::string_view key) {
  return container["securityContext"][key];
}

bool is_array_prop(ContainerProp prop) {
  switch (prop) {
    case ContainerProp::kCommand:
    case ContainerProp::kArgs:
    case ContainerProp::kAddCapabilities:
    case ContainerProp::kHostPort:
      return true;
    default:
      return false;
  }
}

// The value of a single-valued property for one container; nullopt when it has none.
std::optional<std::string_view> container_scalar(JsonValue c, ContainerProp prop, JsonValue spec,
                                                 Extraction& out) {
  auto text = [&out](JsonValue v) { return json_text(v, out); };
  // Container value, else the pod's security context, else 0 (root), as the kubelet decides.
  auto effective = [&](std::string_view key) -> std::optional<std::string_view> {
    if (auto v = text(security(c, key))) return v;
    if (auto v = text(spec["securityContext"][key])) return v;
    return std::string_view("0");
  };
  switch (prop) {
    case ContainerProp::kName: return text(c["name"]);
    case ContainerProp::kImage: return text(c["image"]);
    case ContainerProp::kImageRepository: {
      auto image = c["image"].string();
      if (!image) return std::nullopt;
      return image_repository(*image);
    }
    case ContainerProp::kPrivileged: return text(security(c, "privileged"));
    case ContainerProp::kAllowPrivilegeEscalation:
      return text(security(c, "allowPrivilegeEscalation"));
    case ContainerProp::kReadOnlyFs: return text(security(c, "readOnlyRootFilesystem"));
    case ContainerProp::kRunAsUser: return text(security(c, "runAsUser"));
    case ContainerProp::kRunAsGroup: return text(security(c, "runAsGroup"));
    case ContainerProp::kEffRunAsUser: return effective("runAsUser");
    case ContainerProp::kEffRunAsGroup: return effective("runAsGroup");
    case ContainerProp::kProcMount: return text(security(c, "procMount"));
    default: return std::nullopt;
  }
}

JsonValue pod_volumes(JsonValue doc) { return array_child(pod_spec(doc), "volumes"); }

// The source type of a volume: its one key besides "name" (hostPath, secret, emptyDir, ...).
// Should a volume have several, the first in byte order, as the old sorted DOM answered.
std::optional<std::string_view> volume_type(JsonValue volume) {
  if (!volume.is_object()) return std::nullopt;
  std::optional<std::string_view> first;
  simdjson::dom::object obj = volume.element().get_object().value_unsafe();
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    std::string_view key = it.key();
    if (key != "name" && (!first || key < *first)) first = key;
  }
  return first;
}

// Adds the items of a multi-valued property of one container.
void add_container_items(JsonValue c, ContainerProp prop, Extraction& out) {
  switch (prop) {
    case ContainerProp::kCommand:
      if (JsonValue v = c["command"]) add_json_items(v, out);
      break;
    case ContainerProp::kArgs:
      if (JsonValue v = c["args"]) add_json_items(v, out);
      break;
    case ContainerProp::kAddCapabilities:
      if (JsonValue caps = security(c, "capabilities")["add"]) add_json_items(caps, out);
      break;
    case ContainerProp::kHostPort:
      for (JsonValue p : array_child(c, "ports").items()) {
        JsonValue host = p["hostPort"];
        if (!host || host.is_null()) host = p["containerPort"];
        if (host) add_json_item(host, out);
      }
      break;
    default:
      break;
  }
}

}  // namespace

bool extract_container_prop(JsonValue doc, ContainerList list, ContainerProp prop,
                            const FieldRef& field, Extraction& out) {
  JsonValue spec = pod_spec(doc);
  JsonValue containers = array_child(spec, container_list_key(list));
  if (!containers) return false;
  bool many = is_array_prop(prop);
  if (field.has_arg) {
    JsonValue c = containers.at(field.arg_index);
    if (!c.is_object()) return false;
    if (many) {
      out.begin_list();
      add_container_items(c, prop, out);
      return finish_list(out);
    }
    auto v = container_scalar(c, prop, spec, out);
    if (!v) return false;
    out.set_string(*v);
    return true;
  }
  out.begin_list();
  for (JsonValue c : containers.items()) {
    if (!c.is_object()) continue;
    if (many) {
      add_container_items(c, prop, out);
    } else if (auto v = container_scalar(c, prop, spec, out)) {
      out.add_item(*v);
    }
  }
  return finish_list(out);
}

bool extract_first_container_image(JsonValue doc, bool repository_only, Extraction& out) {
  JsonValue containers = array_child(pod_spec(doc), "containers");
  auto image = containers.at(0)["image"].string();
  if (!image) return false;
  out.set_string(repository_only ? image_repository(*image) : *image);
  return true;
}

bool extract_any_privileged(JsonValue doc, Extraction& out) {
  JsonValue containers = array_child(pod_spec(doc), "containers");
  if (!containers) return false;
  bool any = false;
  for (JsonValue c : containers.items()) {
    if (security(c, "privileged").is_true()) any = true;
  }
  out.set_string(any ? "true" : "false");
  return true;
}

bool extract_pod_flag(JsonValue doc, std::string_view key, Extraction& out) {
  JsonValue spec = pod_spec(doc);
  // Only a pod spec (one with containers) has these flags; a Service's spec does not.
  if (!array_child(spec, "containers")) return false;
  JsonValue v = spec[key];
  if (!v || v.is_null()) {
    out.set_string("false");
    return true;
  }
  return set_json_value(v, out);
}

bool extract_volume_values(JsonValue doc, const JsonPath& inner, const FieldRef& field,
                           Extraction& out) {
  JsonValue volumes = pod_volumes(doc);
  if (!volumes) return false;
  if (field.has_arg) {
    JsonValue v = volumes.at(field.arg_index);
    if (!v) return false;
    return set_json_value(json_at(v, inner), out);
  }
  out.begin_list();
  for (JsonValue v : volumes.items()) {
    if (JsonValue x = json_at(v, inner)) add_json_item(x, out);
  }
  return finish_list(out);
}

bool extract_volume_types(JsonValue doc, const FieldRef& field, Extraction& out) {
  JsonValue volumes = pod_volumes(doc);
  if (!volumes) return false;
  if (field.has_arg) {
    JsonValue v = volumes.at(field.arg_index);
    if (!v) return false;
    auto t = volume_type(v);
    if (!t) return false;
    out.set_string(*t);
    return true;
  }
  out.begin_list();
  for (JsonValue v : volumes.items()) {
    if (auto t = volume_type(v)) out.add_item(*t);
  }
  return finish_list(out);
}

bool extract_volume_hostpath_match(JsonValue doc, std::string_view pattern, Extraction& out) {
  JsonValue volumes = pod_volumes(doc);
  if (!volumes) return false;
  bool prefix = !pattern.empty() && pattern.back() == '*';
  std::string_view want = prefix ? pattern.substr(0, pattern.size() - 1) : pattern;
  static const JsonPath kPath{"hostPath", "path"};
  bool found = false;
  for (JsonValue v : volumes.items()) {
    auto path = json_at(v, kPath).string();
    if (!path) continue;
    if (prefix ? path->starts_with(want) : *path == want) {
      found = true;
      break;
    }
  }
  out.set_string(found ? "true" : "false");
  return true;
}

}  // namespace peregrine::engine::k8s_audit
