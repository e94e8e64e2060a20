// The container.* and k8s.* fields of the syscall source.

#include "engine/sources/syscall/field_defs.h"

namespace peregrine::engine {

namespace {

constexpr const char* kRuntimeNote =
    "Needs metadata from the container runtime (CRI, containerd or Docker socket); missing "
    "for host processes and for containers the agent could not inspect.";
constexpr const char* kPodNote =
    "Needs pod metadata (runtime sandbox labels or the operator); missing outside pods and "
    "until that metadata arrives.";

}  // namespace

std::vector<FieldDef> container_field_defs() {
  using enum FieldType;
  const ArgForm kNo = ArgForm::kNone;
  const ArgForm kMountKey = ArgForm::kRequiredKey;
  return {
      {kContainerId, "container.id", kString,
       "Short (12 character) id of the container, or \"host\" for a process outside any "
       "container."},
      {kContainerFullId, "container.full_id", kString, "Full id of the container.", kNo,
       kRuntimeNote},
      {kContainerName, "container.name", kString,
       "Name of the container, or \"host\" outside any container.", kNo, kRuntimeNote},
      {kContainerType, "container.type", kString,
       "Runtime that runs the container (docker, containerd, cri-o, ...), or host."},
      {kContainerImage, "container.image", kString,
       "Image the container runs, as the runtime names it (repository and tag).", kNo,
       kRuntimeNote},
      {kContainerImageId, "container.image.id", kString, "Id of the container's image.", kNo,
       kRuntimeNote},
      {kContainerImageRepository, "container.image.repository", kString,
       "Repository part of the container's image name.", kNo, kRuntimeNote},
      {kContainerImageTag, "container.image.tag", kString,
       "Tag part of the container's image name.", kNo, kRuntimeNote},
      {kContainerImageDigest, "container.image.digest", kString,
       "Registry digest of the container's image.", kNo, kRuntimeNote},
      {kContainerIp, "container.ip", kString, "Primary IPv4 address of the container.", kNo,
       kRuntimeNote},
      {kContainerPrivileged, "container.privileged", kBool,
       "True when the container runs privileged.", kNo, kRuntimeNote},
      {kContainerMounts, "container.mounts", kString,
       "Every mount of the container as source:dest:mode:rdwr:propagation, comma-separated.",
       kNo, kRuntimeNote},
      {kContainerMount, "container.mount", kString,
       "One mount as source:dest:mode:rdwr:propagation, chosen by position or by a glob on its "
       "source; \"none\" when no mount matches.",
       kMountKey, kRuntimeNote},
      {kContainerMountSource, "container.mount.source", kString,
       "Host path of one mount, chosen by position or by a glob on its destination.", kMountKey,
       kRuntimeNote},
      {kContainerMountDest, "container.mount.dest", kString,
       "Container path of one mount, chosen by position or by a glob on its source.", kMountKey,
       kRuntimeNote},
      {kContainerMountMode, "container.mount.mode", kString,
       "Mode string of one mount, chosen by position or by a glob on its source.", kMountKey,
       kRuntimeNote},
      {kContainerMountRdwr, "container.mount.rdwr", kString,
       "Whether one mount is writable (true or false), chosen by position or by a glob on its "
       "source.",
       kMountKey, kRuntimeNote},
      {kContainerMountPropagation, "container.mount.propagation", kString,
       "Propagation of one mount, chosen by position or by a glob on its source.", kMountKey,
       kRuntimeNote},
      {kContainerStartTs, "container.start_ts", kAbsTime, "Time the container started.", kNo,
       kRuntimeNote},
      {kContainerDuration, "container.duration", kRelTime,
       "Nanoseconds since the container started.", kNo, kRuntimeNote},
      {kK8sNsName, "k8s.ns.name", kString, "Namespace of the pod the container belongs to.", kNo,
       kPodNote},
      {kK8sPodName, "k8s.pod.name", kString, "Name of the pod the container belongs to.", kNo,
       kPodNote},
      {kK8sPodUid, "k8s.pod.uid", kString, "UID of the pod the container belongs to.", kNo,
       kPodNote},
      {kK8sPodId, "k8s.pod.id", kString, "Older name of k8s.pod.uid.", kNo, kPodNote},
      {kK8sPodIp, "k8s.pod.ip", kString, "IP address of the pod.", kNo, kPodNote},
      {kK8sPodLabels, "k8s.pod.labels", kString,
       "Every label of the pod as key:value pairs separated by \", \".", kNo, kPodNote},
      {kK8sPodLabel, "k8s.pod.label", kString,
       "Value of one pod label, e.g. k8s.pod.label.app or k8s.pod.label[app.kubernetes.io/name].",
       ArgForm::kRequiredDotted, kPodNote},
  };
}

}  // namespace peregrine::engine
