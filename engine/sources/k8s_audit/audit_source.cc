#include "engine/sources/k8s_audit/audit_source.h"

#include <string>

#include "common/time_format.h"
#include "engine/sources/generic_fields.h"
#include "engine/sources/k8s_audit/audit_extractors.h"

namespace peregrine::engine {

using namespace k8s_audit;  // NOLINT: this file is the dispatcher over that namespace

AuditSource::AuditSource(std::string hostname, std::string cluster_name)
    : AuditSource(std::move(hostname), std::move(cluster_name), audit_field_table()) {}

AuditSource::AuditSource(std::string hostname, std::string cluster_name, AuditFieldTable table)
    : hostname_(std::move(hostname)),
      cluster_name_(std::move(cluster_name)),
      specs_(std::move(table.specs)),
      registry_(std::move(table.infos)) {}

bool AuditSource::extract(const Event& event, const FieldRef& field, Extraction& out) const {
  if (field.info == nullptr) return false;
  uint32_t id = field.info->id;
  if (id < kGenericFieldCount) return extract_generic_field(event, field, name(), hostname_, out);
  if (id >= specs_.size()) return false;
  // Every event handed to this source is an AuditEvent (EventSource contract).
  return extract_audit(static_cast<const AuditEvent&>(event), specs_[id], field, out);
}

bool AuditSource::extract_audit(const AuditEvent& ev, const AuditFieldSpec& spec,
                                const FieldRef& field, Extraction& out) const {
  JsonValue doc = ev.json;
  switch (spec.op) {
    case AuditOp::kGeneric:
      return false;
    case AuditOp::kValue:
      return set_json_value(json_at(doc, spec.path), out);
    case AuditOp::kValues:
      return extract_values(doc, spec.path, field, out);
    case AuditOp::kUriParam:
      return extract_uri_param(doc, field.arg, out);
    case AuditOp::kTargetPodName:
      return extract_target_pod_name(doc, out);
    case AuditOp::kBindingSubjects:
      return extract_binding_subjects(doc, spec.subjects, out);
    case AuditOp::kBindingHasName:
      return extract_binding_has_name(doc, field.arg, out);
    case AuditOp::kPodFlag:
      return extract_pod_flag(doc, spec.path.keys[0], out);
    case AuditOp::kContainerProp:
      return extract_container_prop(doc, spec.containers, spec.prop, field, out);
    case AuditOp::kFirstContainerImage:
      return extract_first_container_image(doc, false, out);
    case AuditOp::kFirstContainerRepo:
      return extract_first_container_image(doc, true, out);
    case AuditOp::kAnyPrivileged:
      return extract_any_privileged(doc, out);
    case AuditOp::kRoleRuleItems:
      return extract_role_rule_items(doc, spec.path.keys[0], field, out);
    case AuditOp::kVolumeValues:
      return extract_volume_values(doc, spec.path, field, out);
    case AuditOp::kVolumeTypes:
      return extract_volume_types(doc, field, out);
    case AuditOp::kVolumeHostPathMatch:
      return extract_volume_hostpath_match(doc, field.arg, out);
    case AuditOp::kClusterName: {
      auto annotation = doc["annotations"]["cluster_name"].string();
      if (annotation && !annotation->empty()) {
        out.set_string(*annotation);
        return true;
      }
      if (cluster_name_.empty()) return false;
      out.set_string(cluster_name_);
      return true;
    }
    case AuditOp::kJevtValue:
      return set_json_value(json_pointer_at(doc, field.arg), out);
    case AuditOp::kJevtObj: {
      std::string& buf = out.own_buffer();
      buf = json_dump(doc);
      out.set_string(buf);
      return true;
    }
    case AuditOp::kJevtRawtime:
      out.set_owned_string(std::to_string(ev.timestamp_ns));
      return true;
    case AuditOp::kJevtTime:
      out.set_owned_string(format_time_of_day(ev.timestamp_ns));
      return true;
    case AuditOp::kJevtTimeIso8601:
      out.set_owned_string(format_rfc3339_nanos(ev.timestamp_ns));
      return true;
  }
  return false;
}

}  // namespace peregrine::engine
