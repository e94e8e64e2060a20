#include "agent/kube/pod_metadata.h"

#include <algorithm>
#include <cctype>

#include "agent/kube/image_ref.h"

namespace peregrine::agent::cluster {
namespace {

std::string string_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

std::optional<RuntimeContainerId> parse_container_id(std::string_view text) {
  size_t sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  std::string_view id = text.substr(sep + 3);
  if (!is_hex64(id)) return std::nullopt;
  return RuntimeContainerId{std::string(text.substr(0, sep)), std::string(id)};
}

std::vector<PodContainer> containers_of_pod(const nlohmann::json& pod) {
  std::vector<PodContainer> out;
  if (!pod.is_object()) return out;
  const nlohmann::json meta = pod.value("metadata", nlohmann::json::object());
  const nlohmann::json status = pod.value("status", nlohmann::json::object());
  engine::K8sView k8s;
  k8s.ns_name = string_at(meta, "namespace");
  k8s.pod_name = string_at(meta, "name");
  k8s.pod_uid = string_at(meta, "uid");
  k8s.pod_ip = string_at(status, "podIP");
  if (auto labels = meta.find("labels"); labels != meta.end() && labels->is_object()) {
    // nlohmann's object keeps keys sorted, so the labels come out in a stable order.
    for (auto it = labels->begin(); it != labels->end(); ++it) {
      if (it.value().is_string()) k8s.pod_labels.push_back({it.key(), it.value().get<std::string>()});
    }
  }
  for (const char* list : {"initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"}) {
    auto statuses = status.find(list);
    if (statuses == status.end() || !statuses->is_array()) continue;
    for (const nlohmann::json& cs : *statuses) {
      auto id = parse_container_id(string_at(cs, "containerID"));
      if (!id) continue;
      PodContainer c;
      c.id = std::move(*id);
      ContainerMetadata& m = c.metadata;
      m.name = string_at(cs, "name");
      m.image = string_at(cs, "image");
      ImageRef ref = parse_image_ref(m.image);
      m.image_repository = ref.repository;
      m.image_tag = ref.tag;
      m.image_digest = ref.digest.empty() ? digest_of_image_id(string_at(cs, "imageID")) : ref.digest;
      std::string id_digest = digest_of_image_id(string_at(cs, "imageID"));
      m.image_id = id_digest.empty() ? "" : id_digest.substr(7);  // without "sha256:"
      m.ip = k8s.pod_ip;
      m.k8s = k8s;
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace peregrine::agent::cluster
