#pragma once
// One reconcile pass: read the world from the informer caches, plan (planner.h), and converge
// the cluster to the plan — bundles created (main object first, then parts and the Secret owned
// by it), the assignment ConfigMaps (nodes, audit webhook) updated, FalcoRule statuses written
// through the status subresource only when they change, then unused bundles deleted (see
// set_gc_grace). Level-triggered: a pass does not
// care what event caused it, and a failed pass is simply run again.
//
// Thread-safety: run() is called from one thread at a time (the operator's worker).
// Errors: API failures end the pass with an error (the caller requeues with backoff); what the
// pass already wrote stays, and the next pass continues from the cluster's state.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kube/client.h"
#include "kube/informer.h"
#include "operator/planner.h"

namespace peregrine::op {

// The caches the reconciler reads.
struct Caches {
  kube::Informer* falco_rules = nullptr;
  kube::Informer* falco_outputs = nullptr;  // may be null
  kube::Informer* nodes = nullptr;
  kube::Informer* agent_leases = nullptr;
  kube::Informer* bundles = nullptr;        // ConfigMaps labelled peregrine.dev/bundle in the namespace
};

// What the FalcoOutputs render to (outputs_integration.h wires operator/outputs in): the
// outputs.yaml text (nullopt: no FalcoOutputs at all), the credentials it refers to, and the
// Accepted verdict of every FalcoOutput.
struct OutputVerdict {
  std::string ns, name;
  int64_t generation = 0;
  bool accepted = true;
  std::string message;
  nlohmann::json status;  // the object's current status
};
struct RenderedOutputs {
  std::optional<std::string> yaml;
  std::vector<SecretUse> secrets;
  std::vector<OutputVerdict> verdicts;
};
using OutputsRenderer = std::function<Result<RenderedOutputs>(const std::vector<nlohmann::json>& falco_outputs)>;

// Where a pass spends its time, in seconds (the operator's /metrics and its slow-pass log line).
struct PassPhases {
  double read = 0;            // informer caches and FalcoOutputs (Secrets are read here)
  double validate = 0;        // texts alone, the set, each node's subset
  double render = 0;          // bundles (cache hits cost a hash of their inputs)
  double plan_statuses = 0;   // Applied counts and the statuses that differ
  double write_bundles = 0;   // bundle objects and assignments
  double write_statuses = 0;  // status subresource writes
  double collect_garbage = 0; // deleting bundles nothing uses any more
};

struct ReconcileStats {
  int bundles_created = 0, bundles_deleted = 0, statuses_written = 0, compiles = 0, renders = 0;
  size_t bundles = 0, rules = 0, accepted = 0;
  bool assignments_changed = false;
  PassPhases phases;
};

using LogFn = std::function<void(const std::string&)>;

class Reconciler {
 public:
  Reconciler(std::shared_ptr<kube::Client> client, std::string ns, const engine::Engine& engine, Caches caches,
             BundleLimits limits = {});

  void set_outputs_renderer(OutputsRenderer renderer) { outputs_renderer_ = std::move(renderer); }
  // How long a bundle nothing is assigned any more is kept while a live agent still reports
  // running it (default 5 s). During a rollout that keeps the old bundle's deletion (and the
  // DELETED watch events of a big object) out of the passes that move agents over and report
  // Applied; a bundle no live agent runs goes at once, and an agent stuck on it does not keep it
  // for longer than this.
  void set_gc_grace(std::chrono::milliseconds grace) { gc_grace_ = grace; }
  // Re-reads the last accepted texts from the bundles in the cache (after becoming leader).
  void recover();
  Result<ReconcileStats> run(const LogFn& log);

 private:
  World read_world();
  kube::ApiStatus ensure_bundle(const RenderedBundle& bundle, const std::set<std::string>& existing, ReconcileStats& s);
  // Sets ConfigMap `name`'s data to wanted(current data), creating it if missing; true when
  // it changed. Conflicts are retried.
  kube::ApiResult<bool> write_data(const std::string& name, const std::function<nlohmann::json(const nlohmann::json&)>& wanted);
  kube::ApiResult<bool> write_assignments(const Plan& plan);
  kube::ApiResult<bool> write_audit_assignment(const Plan& plan);
  kube::ApiStatus write_status(const kube::ResourceRef& ref, kube::Informer& cache, const RuleStatusUpdate& update);
  // Writes every update, kStatusWriters at a time; appends " ns/name: error" per failure.
  int write_statuses(const kube::ResourceRef& ref, kube::Informer& cache, const std::vector<RuleStatusUpdate>& updates,
                     std::string& errors);
  std::vector<RuleStatusUpdate> output_statuses(const std::vector<OutputVerdict>& verdicts, const Plan& plan,
                                                const World& world);
  void collect_garbage(const Plan& plan, const World& world, const LogFn& log, ReconcileStats& s);

  std::shared_ptr<kube::Client> client_;
  std::string ns_;
  Caches caches_;
  Planner planner_;
  OutputsRenderer outputs_renderer_;
  // Bundles whose every object this process has created or seen: later passes skip them
  // without a request. Forgotten when the bundle is deleted.
  std::set<std::string> complete_;
  std::chrono::milliseconds gc_grace_{5000};
  // Unused bundles still kept (see set_gc_grace), by name: when a pass first found them unused.
  std::map<std::string, std::chrono::system_clock::time_point> unused_since_;
};

inline constexpr const char* kAssignmentsName = "peregrine-assignments";
// The audit webhook's assignment: `data: {bundle: peregrine-bundle-<h>}`. A ConfigMap of its
// own, so no node name can ever collide with it.
inline constexpr const char* kAuditAssignmentName = "peregrine-audit-assignment";
inline constexpr const char* kAuditAssignmentKey = "bundle";
const kube::ResourceRef& falco_rules_ref();
const kube::ResourceRef& falco_outputs_ref();
const kube::ResourceRef& config_maps_ref();
const kube::ResourceRef& secrets_ref();
const kube::ResourceRef& nodes_ref();
const kube::ResourceRef& leases_ref();

}  // namespace peregrine::op
