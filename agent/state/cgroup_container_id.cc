#include "agent/state/cgroup_container_id.h"

#include <algorithm>

namespace peregrine::agent {
namespace {

constexpr size_t kIdLength = 64;

bool is_hex_id(std::string_view s) {
  return s.size() == kIdLength &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// `<prefix><id>.scope` or `<prefix><id>`; the id when `segment` has that shape.
std::optional<std::string_view> prefixed_id(std::string_view segment, std::string_view prefix) {
  if (!segment.starts_with(prefix)) return std::nullopt;
  segment.remove_prefix(prefix.size());
  if (segment.ends_with(".scope")) segment.remove_suffix(6);
  if (!is_hex_id(segment)) return std::nullopt;
  return segment;
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (!part.empty()) parts.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

// "pod1234_abcd.slice" (systemd) or "pod1234-abcd" (cgroupfs) -> "1234-abcd".
std::string pod_uid_of(std::string_view segment) {
  std::string_view s = segment;
  if (s.starts_with("kubepods-")) {  // kubepods-besteffort-pod<uid>.slice
    size_t at = s.rfind("-pod");
    if (at == std::string_view::npos) return {};
    s.remove_prefix(at + 1);
  }
  if (!s.starts_with("pod")) return {};
  s.remove_prefix(3);
  if (s.ends_with(".slice")) s.remove_suffix(6);
  std::string uid(s);
  std::replace(uid.begin(), uid.end(), '_', '-');
  return uid;
}

}  // namespace

std::optional<ContainerRef> container_from_cgroup_path(std::string_view path) {
  std::vector<std::string_view> parts = split_path(path);
  bool kube = false;
  std::string pod_uid;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view seg = parts[i];
    if (seg.starts_with("kubepods")) kube = true;
    if (kube && pod_uid.empty()) pod_uid = pod_uid_of(seg);

    struct Shape {
      std::string_view prefix;
      std::string_view type;
    };
    static constexpr Shape kShapes[] = {
        {"docker-", "docker"}, {"cri-containerd-", "containerd"}, {"crio-", "cri-o"},
        {"libpod-", "podman"},
    };
    for (const Shape& shape : kShapes) {
      if (auto id = prefixed_id(seg, shape.prefix)) {
        return ContainerRef{std::string(*id), std::string(shape.type), kube ? pod_uid : ""};
      }
    }
    if (is_hex_id(seg) && i > 0) {
      std::string_view parent = parts[i - 1];
      if (parent == "docker") return ContainerRef{std::string(seg), "docker", ""};
      if (parent == "crio") return ContainerRef{std::string(seg), "cri-o", ""};
      if (kube) return ContainerRef{std::string(seg), "containerd", pod_uid};
    }
  }
  return std::nullopt;
}

std::optional<ContainerRef> container_from_cgroups(const std::vector<engine::CgroupView>& cgroups) {
  for (const engine::CgroupView& cg : cgroups) {
    if (auto ref = container_from_cgroup_path(cg.path)) return ref;
  }
  return std::nullopt;
}

std::vector<engine::CgroupView> parse_proc_cgroup(std::string_view text) {
  std::vector<engine::CgroupView> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    size_t c1 = line.find(':');
    if (c1 == std::string_view::npos) continue;
    size_t c2 = line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    std::string_view controllers = line.substr(c1 + 1, c2 - c1 - 1);
    if (controllers.starts_with("name=")) controllers.remove_prefix(5);
    engine::CgroupView cg;
    cg.subsystem = std::string(controllers);
    cg.path = std::string(line.substr(c2 + 1));
    out.push_back(std::move(cg));
  }
  return out;
}

}  // namespace peregrine::agent
