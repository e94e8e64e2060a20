#pragma once
// The `k8s_audit` event source: Kubernetes API audit events (AuditEvent) and the fields Falco's
// k8saudit plugin defines on them (`ka.*`), plus Falco's JSON-event fields (`jevt.*`) and the
// generic `evt.*` fields.
//
// Immutable after construction; extract() is const, allocation-free for fields that are plain
// strings in the event, never throws, and is safe to call from several threads at once (each
// with its own Extraction).

#include <string>
#include <string_view>
#include <vector>

#include "engine/sources/event_source.h"
#include "engine/sources/k8s_audit/audit_event.h"
#include "engine/sources/k8s_audit/audit_fields.h"

namespace peregrine::engine {

class AuditSource : public EventSource {
 public:
  // `hostname` answers evt.hostname. `cluster_name`, when not empty, answers ka.cluster.name for
  // events that do not carry a cluster_name annotation of their own.
  explicit AuditSource(std::string hostname, std::string cluster_name = {});

  std::string_view name() const override { return "k8s_audit"; }
  const FieldRegistry& fields() const override { return registry_; }
  // Audit events have no types: every rule sees every event.
  const EventTypeTable* event_types() const override { return nullptr; }

  // `event` must be an AuditEvent (this source's events); `field` must come from fields().
  bool extract(const Event& event, const FieldRef& field, Extraction& out) const override;

 private:
  AuditSource(std::string hostname, std::string cluster_name, AuditFieldTable table);

  bool extract_audit(const AuditEvent& ev, const AuditFieldSpec& spec, const FieldRef& field,
                     Extraction& out) const;

  std::string hostname_;
  std::string cluster_name_;
  std::vector<AuditFieldSpec> specs_;  // indexed by FieldInfo::id
  FieldRegistry registry_;
};

}  // namespace peregrine::engine
