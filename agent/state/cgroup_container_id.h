#pragma once
// Which container a process runs in, read from its cgroup paths (/proc/<pid>/cgroup).
//
// Recognised layouts (the id is always 64 hex digits):
//   docker      /docker/<id>, /system.slice/docker-<id>.scope
//   containerd  /kubepods/<qos>/pod<uid>/<id>, .../cri-containerd-<id>.scope
//   cri-o       .../crio-<id>.scope, /crio/<id>
//   podman      .../libpod-<id>.scope, /libpod_parent/libpod-<id>
// A path with none of these is the host. In particular a sandbox's own cgroup (this build
// machine keeps every process in /process_api/<32 hex>) is not a container. Pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::agent {

struct ContainerRef {
  std::string full_id;  // 64 hex digits
  std::string type;     // "docker", "containerd", "cri-o", "podman"
  std::string pod_uid;  // from a kubepods path ("pod<uid>"), with dashes; else empty
};

// The container named by one cgroup path, or nullopt for the host.
std::optional<ContainerRef> container_from_cgroup_path(std::string_view path);

// The container named by any of a process's cgroups (v1 hierarchies and the v2 one).
std::optional<ContainerRef> container_from_cgroups(const std::vector<engine::CgroupView>& cgroups);

// Parses the text of /proc/<pid>/cgroup ("id:controllers:path" lines).
std::vector<engine::CgroupView> parse_proc_cgroup(std::string_view text);

}  // namespace peregrine::agent
