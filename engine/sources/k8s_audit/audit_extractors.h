#pragma once
// The extractors behind the k8s_audit fields whose value is more than "the JSON at a path":
// pod specs (pod_extractors.cc), RBAC objects (rbac_extractors.cc) and the request itself
// (request_extractors.cc). AuditSource::extract() dispatches to them by AuditFieldSpec::op.
//
// Each returns false, leaving `out` empty, when the event has no value; none throws. Strings are
// views into `doc` or copies in `out`'s buffers. An index argument ([N]) selects one element of
// the array a field walks; N past the end is "no value".

#include <string_view>

#include "engine/fields/field_registry.h"
#include "engine/sources/k8s_audit/audit_fields.h"
#include "engine/sources/k8s_audit/json_access.h"
#include "engine/values/extraction.h"

namespace peregrine::engine::k8s_audit {

// --- pod specs (/requestObject/spec) -------------------------------------------------------
bool extract_container_prop(JsonValue doc, ContainerList list, ContainerProp prop,
                            const FieldRef& field, Extraction& out);
bool extract_first_container_image(JsonValue doc, bool repository_only, Extraction& out);
bool extract_any_privileged(JsonValue doc, Extraction& out);
// A boolean of a pod spec; "false" when a pod spec is present but leaves it unset.
bool extract_pod_flag(JsonValue doc, std::string_view key, Extraction& out);
bool extract_volume_values(JsonValue doc, const JsonPath& inner, const FieldRef& field,
                           Extraction& out);
bool extract_volume_types(JsonValue doc, const FieldRef& field, Extraction& out);
bool extract_volume_hostpath_match(JsonValue doc, std::string_view pattern, Extraction& out);

// --- RBAC objects (/requestObject/subjects, /requestObject/rules) ----------------------------
bool extract_binding_subjects(JsonValue doc, SubjectSelect which, Extraction& out);
bool extract_binding_has_name(JsonValue doc, std::string_view name, Extraction& out);
bool extract_role_rule_items(JsonValue doc, std::string_view key, const FieldRef& field,
                             Extraction& out);

// --- the request -----------------------------------------------------------------------------
bool extract_uri_param(JsonValue doc, std::string_view key, Extraction& out);
bool extract_target_pod_name(JsonValue doc, Extraction& out);
// The values of the array at `path`, or its element [N].
bool extract_values(JsonValue doc, const JsonPath& path, const FieldRef& field,
                    Extraction& out);

}  // namespace peregrine::engine::k8s_audit
