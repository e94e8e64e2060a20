// Extracts the container.* and k8s.* fields (SyscallField kContainerFieldsBegin ..
// kSyscallFieldCount).
//
// The agent supplies a ContainerView for every thread it knows, with id "host" outside
// containers, so a null view means "unknown" and every container field is then missing.
// As in Falco, runtime metadata (image, mounts, privileged, ...) is missing for the host and
// whenever the runtime did not give it, rather than an empty string that a rule might match.

#include <fnmatch.h>

#include "engine/sources/syscall/extractors.h"
#include "engine/sources/syscall/syscall_field_ids.h"

namespace peregrine::engine {

namespace {

bool set_nonempty(const std::string& s, Extraction& out) {
  if (s.empty()) return false;
  out.set_string(s);
  return true;
}

void append_mount(const MountView& m, std::string& buf) {
  buf += m.source;
  buf += ':';
  buf += m.dest;
  buf += ':';
  buf += m.mode;
  buf += ':';
  buf += m.rdwr ? "true" : "false";
  buf += ':';
  buf += m.propagation;
}

// container.mount*[KEY]: a number is a position; anything else is a glob (fnmatch, where '*'
// also crosses '/', so /root* covers /root/.ssh) on the mount's source — or, for
// container.mount.source, on its destination.
const MountView* select_mount(const ContainerView& c, const FieldRef& f, bool match_dest) {
  size_t index = 0;
  if (key_is_index(f, index)) return index < c.mounts.size() ? &c.mounts[index] : nullptr;
  for (const MountView& m : c.mounts) {
    const std::string& path = match_dest ? m.dest : m.source;
    if (fnmatch(f.arg.c_str(), path.c_str(), 0) == 0) return &m;
  }
  return nullptr;
}

bool extract_k8s_field(const K8sView* k, const FieldRef& f, Extraction& out) {
  if (!k) return false;
  switch (static_cast<SyscallField>(f.info->id)) {
    case kK8sNsName: return set_nonempty(k->ns_name, out);
    case kK8sPodName: return set_nonempty(k->pod_name, out);
    case kK8sPodUid:
    case kK8sPodId: return set_nonempty(k->pod_uid, out);
    case kK8sPodIp: return set_nonempty(k->pod_ip, out);
    case kK8sPodLabels: {
      // Falco's form: "key:value, key2:value2", the colon dropped for an empty value.
      std::string& buf = out.own_buffer();
      for (const K8sLabel& l : k->pod_labels) {
        if (!buf.empty()) buf += ", ";
        buf += l.key;
        if (!l.value.empty()) {
          buf += ':';
          buf += l.value;
        }
      }
      out.set_string(buf);
      return true;
    }
    case kK8sPodLabel:
      for (const K8sLabel& l : k->pod_labels) {
        if (l.key == f.arg) {
          out.set_string(l.value);
          return true;
        }
      }
      return false;
    default: return false;
  }
}

// container.id (`container` and `not container` in most rules): the switch below calls it and
// container_field_extractor() hands it to the engine directly.
bool container_id(const Event& event, const FieldRef&, Extraction& out) {
  const auto& e = static_cast<const SyscallEvent&>(event);
  return e.container && set_nonempty(e.container->id, out);
}

}  // namespace

FieldExtractor container_field_extractor(uint32_t id) {
  if (id == kContainerId) return &container_id;
  return &as_field_extractor<extract_container_field>;
}

bool extract_container_field(const SyscallEvent& e, const FieldRef& f, Extraction& out) {
  const auto id = static_cast<SyscallField>(f.info->id);
  if (id >= kK8sNsName) return extract_k8s_field(e.k8s, f, out);
  if (!e.container) return false;
  const ContainerView& c = *e.container;

  switch (id) {
    case kContainerId: return container_id(e, f, out);
    case kContainerName: return set_nonempty(c.name, out);
    case kContainerType: return set_nonempty(c.type, out);
    default: break;
  }
  // Everything below is runtime metadata, which the host does not have.
  if (c.is_host()) return false;

  switch (id) {
    case kContainerFullId: return set_nonempty(c.full_id, out);
    case kContainerImage: return set_nonempty(c.image, out);
    case kContainerImageId: return set_nonempty(c.image_id, out);
    case kContainerImageRepository: return set_nonempty(c.image_repository, out);
    case kContainerImageTag: return set_nonempty(c.image_tag, out);
    case kContainerImageDigest: return set_nonempty(c.image_digest, out);
    case kContainerIp: return set_nonempty(c.ip, out);
    case kContainerPrivileged:
      if (!c.privileged) return false;
      out.set_bool(*c.privileged);
      return true;
    case kContainerMounts: {
      std::string& buf = out.own_buffer();
      for (const MountView& m : c.mounts) {
        if (!buf.empty()) buf += ',';
        append_mount(m, buf);
      }
      out.set_string(buf);
      return true;
    }
    case kContainerMount: {
      const MountView* m = select_mount(c, f, /*match_dest=*/false);
      if (!m) {
        out.set_string("none");  // Falco's documented answer for no such mount
        return true;
      }
      std::string& buf = out.own_buffer();
      append_mount(*m, buf);
      out.set_string(buf);
      return true;
    }
    case kContainerMountSource:
    case kContainerMountDest:
    case kContainerMountMode:
    case kContainerMountRdwr:
    case kContainerMountPropagation: {
      const MountView* m = select_mount(c, f, /*match_dest=*/id == kContainerMountSource);
      if (!m) return false;
      if (id == kContainerMountSource) out.set_string(m->source);
      else if (id == kContainerMountDest) out.set_string(m->dest);
      else if (id == kContainerMountMode) out.set_string(m->mode);
      else if (id == kContainerMountRdwr) out.set_string(m->rdwr ? "true" : "false");
      else out.set_string(m->propagation);
      return true;
    }
    case kContainerStartTs:
      if (c.start_ts_ns == 0) return false;
      out.set_uint(c.start_ts_ns);
      return true;
    case kContainerDuration:
      if (c.start_ts_ns == 0 || e.timestamp_ns < c.start_ts_ns) return false;
      out.set_uint(e.timestamp_ns - c.start_ts_ns);
      return true;
    default: return false;
  }
}

}  // namespace peregrine::engine
