#pragma once
// What one FalcoAlert aggregates: every alert of one rule on one node, namespace, pod and
// container (crds/peregrine.dev_falcoalerts.yaml). The key picks those five out of an alert,
// and names the object the same way in every process, so that two writers that see the same
// key (two audit-webhook replicas, an agent before and after a restart) update one object.

#include <cstdint>
#include <string>

#include "engine/output/alert.h"

namespace peregrine::outputs::falcoalert {

struct AlertKey {
  std::string rule;
  std::string node;
  std::string ns;         // "" for host events and cluster-scoped objects
  std::string pod;
  std::string container;

  // The five fields joined by NUL: what the aggregation map is keyed by and the hash covers.
  std::string joined() const;
  static AlertKey from_joined(const std::string& joined);
};

// `node_name` empty: the alert's hostname. The namespace is k8s.ns.name (syscall) or
// ka.target.namespace (k8s_audit); the pod is k8s.pod.name, or the target of an audit event on
// pods (ka.target.resource "pods", or without it a pod-only subresource such as exec); the
// container is container.name.
AlertKey key_of(const engine::Alert& alert, const std::string& node_name);
// key_of(alert, node_name).joined() without building the five strings first (the event path).
std::string joined_key_of(const engine::Alert& alert, const std::string& node_name);

// Stable across processes and versions: 64-bit FNV-1a of joined(). Written down rather than
// std::hash, whose values may change between standard libraries.
uint64_t key_hash(const AlertKey& key);

// `<rule slug>-<16 hex digits of key_hash>`: a DNS-1123 label (at most 63 characters, so also a
// valid subdomain and readable in `kubectl get`). The slug is the rule name lowercased, every
// run of other characters turned into one '-', cut to 46 characters; "alert" if nothing is left.
std::string object_name(const AlertKey& key);

}  // namespace peregrine::outputs::falcoalert
