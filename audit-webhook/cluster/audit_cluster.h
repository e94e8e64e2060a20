#pragma once
// Cluster mode of the audit webhook (`peregrine audit-webhook --cluster`): follows ConfigMap
// `peregrine-audit-assignment` (`data: {bundle: peregrine-bundle-<h>}`, written by the
// operator) in the operator's namespace and brings the bundle it names into force:
//  1. fetch and verify it (kube/bundle: manifest, parts, sha256 of every file, bundle Secret),
//     write its files under <bundle_dir>/<h>/ (errors point at those paths);
//  2. build its outputs.yaml into a Dispatcher when the outputs changed (the Secret's values
//     written to <secrets_dir>/<ns>.<secret>/<key> first; falcoalert sinks borrow this API
//     connection), so a bundle whose outputs do not build changes nothing;
//  3. RuleReloader::replace_texts: the --rules paths, then the bundle's files in manifest
//     order, each as its tenant (a tenant's k8s_audit rules only match ka.target.namespace =
//     tenant) — the same atomic ruleset swap as a file reload;
//  4. put the new outputs in force (SwitchingAlertSink), or the base sink when it has none.
// A bundle refused (wrong as written, rules that do not compile, outputs that do not build)
// keeps the last good rules and outputs; the reason goes to the log and /metrics. API errors
// are retried with backoff. See audit-webhook/cluster/README.md.
//
// Thread-safety: the work runs on the bundle watch's thread; metrics_text() from any thread.
// Construct, start() and destroy from one thread; the reloader and the sink must outlive it.

#include <functional>
#include <memory>
#include <string>

#include "audit-webhook/cluster/switching_alert_sink.h"
#include "audit-webhook/rule_reloader.h"
#include "kube/bundle/bundle_watch.h"
#include "kube/client.h"

namespace peregrine::audit {

struct ClusterOptions {
  std::string kubeconfig;  // empty: the pod's service account (KUBERNETES_SERVICE_HOST)
  std::string ns = "peregrine-system";
  std::string bundle_dir = "/var/lib/peregrine/audit-bundles";
  std::string secrets_dir = "/var/lib/peregrine/audit-secrets";
};

class AuditCluster {
 public:
  using Log = std::function<void(const std::string&)>;

  AuditCluster(std::shared_ptr<kube::Client> client, ClusterOptions options, RuleReloader& reloader,
               SwitchingAlertSink& outputs, Log log);
  ~AuditCluster();
  AuditCluster(const AuditCluster&) = delete;
  AuditCluster& operator=(const AuditCluster&) = delete;

  void start();
  // Prometheus text: peregrine_audit_bundle_info{bundle, error}, loads and failures.
  std::string metrics_text() const;
  kube::bundle::BundleStatus status() const { return watch_.status(); }

 private:
  // Returns "" once `bundle` is in force, else why it was refused.
  std::string apply(const kube::bundle::Bundle& bundle, const std::string& dir);

  std::shared_ptr<kube::Client> client_;
  const ClusterOptions options_;
  RuleReloader& reloader_;
  SwitchingAlertSink& outputs_;
  Log log_;
  std::string outputs_in_force_;  // outputs_identity of the bundle outputs running; watch thread only
  kube::bundle::BundleWatch watch_;  // last: its thread stops before the members it uses go
};

}  // namespace peregrine::audit
