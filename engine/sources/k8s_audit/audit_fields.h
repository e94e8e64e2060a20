#pragma once
// The fields of the k8s_audit source: the generic evt.* fields first, then every `ka.*` field of
// Falco's k8saudit plugin and the `jevt.*` fields of Falco's JSON events. Each field carries,
// besides its FieldInfo, a recipe (AuditFieldSpec) saying how to extract it; the registry id of a
// field indexes its recipe, so the extractor never looks a name up per event.

#include <cstdint>
#include <vector>

#include "engine/fields/field_info.h"
#include "engine/sources/k8s_audit/json_access.h"

namespace peregrine::engine {

// How a field gets its value; AuditSource::extract() switches on it.
enum class AuditOp : uint8_t {
  kGeneric,              // one of generic_fields(); not an audit recipe
  kValue,                // the JSON value at `path`, as text
  kValues,               // the array at `path`, one item per element; an index selects one
  kUriParam,             // query parameter [KEY] of /requestURI
  kTargetPodName,        // the pod the request concerns
  kBindingSubjects,      // names of /requestObject/subjects of kind `subject_kind`
  kBindingHasName,       // "true" when a subject is named [KEY]
  kPodFlag,              // a boolean of the pod spec at `path`, "false" when unset
  kContainerProp,        // property `prop` of every container in list `containers`
  kFirstContainerImage,  // image of the first regular container
  kFirstContainerRepo,   // repository of that image
  kAnyPrivileged,        // "true" when any regular container is privileged
  kRoleRuleItems,        // the arrays under key `path` of every rule in /requestObject/rules
  kVolumeValues,         // the value at `path` inside each pod volume
  kVolumeTypes,          // the source type (every key but "name") of each pod volume
  kVolumeHostPathMatch,  // "true" when a hostPath volume matches [PATH] (trailing * = prefix)
  kClusterName,          // the cluster the event came from
  kJevtValue,            // JSON pointer [PTR] into the event
  kJevtObj,              // the whole event as JSON
  kJevtRawtime,          // event time, ns since the epoch, as text
  kJevtTime,             // event time of day
  kJevtTimeIso8601,      // event time, RFC 3339
};

// The three container lists of a pod spec.
enum class ContainerList : uint8_t { kContainers, kInitContainers, kEphemeralContainers };

// What `ka.req.pod.<list>.<prop>` reports for each container.
enum class ContainerProp : uint8_t {
  kName,
  kImage,
  kImageRepository,
  kCommand,
  kArgs,
  kPrivileged,
  kAllowPrivilegeEscalation,
  kReadOnlyFs,
  kRunAsUser,
  kEffRunAsUser,
  kRunAsGroup,
  kEffRunAsGroup,
  kProcMount,
  kAddCapabilities,
  kHostPort,
};

// Binding subject selections for `ka.req.binding.subjects.*`.
enum class SubjectSelect : uint8_t {
  kUserNames,
  kGroupNames,
  kServiceAccountNames,
  kServiceAccountNsNames,  // "namespace:name"
};

struct AuditFieldSpec {
  AuditOp op = AuditOp::kGeneric;
  k8s_audit::JsonPath path;
  ContainerList containers = ContainerList::kContainers;
  ContainerProp prop = ContainerProp::kName;
  SubjectSelect subjects = SubjectSelect::kUserNames;
};

// Field metadata and recipes side by side: specs[i] extracts infos[i]. The first
// kGenericFieldCount entries are the generic fields (their spec op is kGeneric).
struct AuditFieldTable {
  std::vector<FieldInfo> infos;
  std::vector<AuditFieldSpec> specs;
};

AuditFieldTable audit_field_table();

// The JSON key of a container list ("containers", "initContainers", "ephemeralContainers").
std::string_view container_list_key(ContainerList list);

}  // namespace peregrine::engine
