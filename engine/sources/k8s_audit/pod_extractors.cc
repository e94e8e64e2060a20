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

const Json* pod_spec(const Json& doc) {
  static const JsonPath kSpec{"requestObject", "spec"};
  const Json* spec = json_at(doc, kSpec);
  return spec != nullptr && spec->is_object() ? spec : nullptr;
}

const Json* array_child(const Json* obj, std::string_view key) {
  const Json* v = json_child(obj, key);
  return v != nullptr && v->is_array() ? v : nullptr;
}

// A security-context setting of one container.
const Json* security(const Json& container, std::string_view key) {
  return json_child(json_child(&container, "securityContext"), key);
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
std::optional<std::string_view> container_scalar(const Json& c, ContainerProp prop,
                                                 const Json* spec, Extraction& out) {
  auto text = [&out](const Json* v) -> std::optional<std::string_view> {
    if (v == nullptr) return std::nullopt;
    return json_text(*v, out);
  };
  // Container value, else the pod's security context, else 0 (root), as the kubelet decides.
  auto effective = [&](std::string_view key) -> std::optional<std::string_view> {
    if (auto v = text(security(c, key))) return v;
    if (auto v = text(json_child(json_child(spec, "securityContext"), key))) return v;
    return std::string_view("0");
  };
  switch (prop) {
    case ContainerProp::kName: return text(json_child(&c, "name"));
    case ContainerProp::kImage: return text(json_child(&c, "image"));
    case ContainerProp::kImageRepository: {
      const Json* image = json_child(&c, "image");
      if (image == nullptr || !image->is_string()) return std::nullopt;
      return image_repository(image->get_ref<const std::string&>());
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

const Json* pod_volumes(const Json& doc) { return array_child(pod_spec(doc), "volumes"); }

// The source type of a volume: its one key besides "name" (hostPath, secret, emptyDir, ...).
std::optional<std::string_view> volume_type(const Json& volume) {
  if (!volume.is_object()) return std::nullopt;
  for (auto it = volume.begin(); it != volume.end(); ++it) {
    if (it.key() != "name") return std::string_view(it.key());
  }
  return std::nullopt;
}

// Adds the items of a multi-valued property of one container.
void add_container_items(const Json& c, ContainerProp prop, Extraction& out) {
  switch (prop) {
    case ContainerProp::kCommand:
      if (const Json* v = json_child(&c, "command")) add_json_items(*v, out);
      break;
    case ContainerProp::kArgs:
      if (const Json* v = json_child(&c, "args")) add_json_items(*v, out);
      break;
    case ContainerProp::kAddCapabilities:
      if (const Json* caps = json_child(security(c, "capabilities"), "add")) {
        add_json_items(*caps, out);
      }
      break;
    case ContainerProp::kHostPort:
      if (const Json* ports = array_child(&c, "ports")) {
        for (const Json& p : *ports) {
          const Json* host = json_child(&p, "hostPort");
          if (host == nullptr || host->is_null()) host = json_child(&p, "containerPort");
          if (host != nullptr) add_json_item(*host, out);
        }
      }
      break;
    default:
      break;
  }
}

}  // namespace

bool extract_container_prop(const Json& doc, ContainerList list, ContainerProp prop,
                            const FieldRef& field, Extraction& out) {
  const Json* spec = pod_spec(doc);
  const Json* containers = array_child(spec, container_list_key(list));
  if (containers == nullptr) return false;
  bool many = is_array_prop(prop);
  if (field.has_arg) {
    if (field.arg_index >= containers->size()) return false;
    const Json& c = (*containers)[field.arg_index];
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
  for (const Json& c : *containers) {
    if (!c.is_object()) continue;
    if (many) {
      add_container_items(c, prop, out);
    } else if (auto v = container_scalar(c, prop, spec, out)) {
      out.add_item(*v);
    }
  }
  return finish_list(out);
}

bool extract_first_container_image(const Json& doc, bool repository_only, Extraction& out) {
  const Json* containers = array_child(pod_spec(doc), "containers");
  if (containers == nullptr || containers->empty()) return false;
  const Json* image = json_child(&(*containers)[0], "image");
  if (image == nullptr || !image->is_string()) return false;
  std::string_view s = image->get_ref<const std::string&>();
  out.set_string(repository_only ? image_repository(s) : s);
  return true;
}

bool extract_any_privileged(const Json& doc, Extraction& out) {
  const Json* containers = array_child(pod_spec(doc), "containers");
  if (containers == nullptr) return false;
  bool any = false;
  for (const Json& c : *containers) {
    const Json* p = security(c, "privileged");
    if (p != nullptr && p->is_boolean() && p->get<bool>()) any = true;
  }
  out.set_string(any ? "true" : "false");
  return true;
}

bool extract_pod_flag(const Json& doc, std::string_view key, Extraction& out) {
  const Json* spec = pod_spec(doc);
  // Only a pod spec (one with containers) has these flags; a Service's spec does not.
  if (array_child(spec, "containers") == nullptr) return false;
  const Json* v = json_child(spec, key);
  if (v == nullptr || v->is_null()) {
    out.set_string("false");
    return true;
  }
  return set_json_value(v, out);
}

bool extract_volume_values(const Json& doc, const JsonPath& inner, const FieldRef& field,
                           Extraction& out) {
  const Json* volumes = pod_volumes(doc);
  if (volumes == nullptr) return false;
  if (field.has_arg) {
    if (field.arg_index >= volumes->size()) return false;
    return set_json_value(json_at((*volumes)[field.arg_index], inner), out);
  }
  out.begin_list();
  for (const Json& v : *volumes) {
    if (const Json* x = json_at(v, inner)) add_json_item(*x, out);
  }
  return finish_list(out);
}

bool extract_volume_types(const Json& doc, const FieldRef& field, Extraction& out) {
  const Json* volumes = pod_volumes(doc);
  if (volumes == nullptr) return false;
  if (field.has_arg) {
    if (field.arg_index >= volumes->size()) return false;
    auto t = volume_type((*volumes)[field.arg_index]);
    if (!t) return false;
    out.set_string(*t);
    return true;
  }
  out.begin_list();
  for (const Json& v : *volumes) {
    if (auto t = volume_type(v)) out.add_item(*t);
  }
  return finish_list(out);
}

bool extract_volume_hostpath_match(const Json& doc, std::string_view pattern, Extraction& out) {
  const Json* volumes = pod_volumes(doc);
  if (volumes == nullptr) return false;
  bool prefix = !pattern.empty() && pattern.back() == '*';
  std::string_view want = prefix ? pattern.substr(0, pattern.size() - 1) : pattern;
  static const JsonPath kPath{"hostPath", "path"};
  bool found = false;
  for (const Json& v : *volumes) {
    const Json* p = json_at(v, kPath);
    if (p == nullptr || !p->is_string()) continue;
    std::string_view path = p->get_ref<const std::string&>();
    if (prefix ? path.starts_with(want) : path == want) {
      found = true;
      break;
    }
  }
  out.set_string(found ? "true" : "false");
  return true;
}

}  // namespace peregrine::engine::k8s_audit
