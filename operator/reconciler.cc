#include "operator/reconciler.h"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "operator/conditions.h"

namespace peregrine::op {

using nlohmann::json;

const kube::ResourceRef& falco_rules_ref() {
  static const kube::ResourceRef ref{"peregrine.dev", "v1alpha1", "falcorules", true};
  return ref;
}
const kube::ResourceRef& falco_outputs_ref() {
  static const kube::ResourceRef ref{"peregrine.dev", "v1alpha1", "falcooutputs", true};
  return ref;
}
const kube::ResourceRef& config_maps_ref() {
  static const kube::ResourceRef ref{"", "v1", "configmaps", true};
  return ref;
}
const kube::ResourceRef& secrets_ref() {
  static const kube::ResourceRef ref{"", "v1", "secrets", true};
  return ref;
}
const kube::ResourceRef& nodes_ref() {
  static const kube::ResourceRef ref{"", "v1", "nodes", false};
  return ref;
}
const kube::ResourceRef& leases_ref() {
  static const kube::ResourceRef ref{"coordination.k8s.io", "v1", "leases", true};
  return ref;
}

namespace {

std::string name_of(const json& o) { return o["metadata"].value("name", ""); }
bool is_part(const json& o) { return o["metadata"].value("labels", json::object()).contains(kBundlePartLabel); }

// Optimistic-concurrency writes are retried this often before the pass gives up and requeues.
constexpr int kConflictRetries = 3;
// Status writes in flight at once. Each is one round trip that waits on the API server; a
// rollout at 1,000 FalcoRules can change hundreds of statuses in one pass, and one at a time
// they made the pass last seconds. Small, so an API server's per-client limits are not hit.
constexpr size_t kStatusWriters = 8;

double seconds_since(std::chrono::steady_clock::time_point& mark) {
  auto now = std::chrono::steady_clock::now();
  double s = std::chrono::duration<double>(now - mark).count();
  mark = now;
  return s;
}

}  // namespace

Reconciler::Reconciler(std::shared_ptr<kube::Client> client, std::string ns, const engine::Engine& engine,
                       Caches caches, BundleLimits limits)
    : client_(std::move(client)), ns_(std::move(ns)), caches_(caches), planner_(engine, limits) {}

void Reconciler::recover() { planner_.recover(caches_.bundles->list()); }

World Reconciler::read_world() {
  World w;
  w.ns = ns_;
  w.falco_rules = caches_.falco_rules->list();
  w.nodes = caches_.nodes->list();
  w.agent_leases = caches_.agent_leases->list();
  w.bundle_objects = caches_.bundles->list();
  w.now = std::chrono::system_clock::now();
  return w;
}

kube::ApiStatus Reconciler::ensure_bundle(const RenderedBundle& bundle, const std::set<std::string>& existing,
                                          ReconcileStats& s) {
  if (complete_.count(bundle.name) && existing.count(bundle.name)) return {};
  json main;
  if (existing.count(bundle.name)) {
    auto got = client_->get(config_maps_ref(), ns_, bundle.name);
    if (!got) return got.error();
    main = std::move(*got);
  } else {
    auto created = client_->create(config_maps_ref(), ns_, bundle.config_maps[0]);
    if (created) ++s.bundles_created;
    else if (created.error().is_already_exists()) created = client_->get(config_maps_ref(), ns_, bundle.name);
    if (!created) return created.error();
    main = std::move(*created);
  }
  json owner = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", bundle.name},
                {"uid", main["metadata"].value("uid", "")}, {"blockOwnerDeletion", true}};
  auto create_owned = [&](const kube::ResourceRef& ref, json object) -> kube::ApiStatus {
    if (existing.count(name_of(object)) && ref.resource == "configmaps") return {};
    object["metadata"]["ownerReferences"] = json::array({owner});
    auto r = client_->create(ref, ns_, object);
    if (!r && !r.error().is_already_exists()) return r.error();
    return {};
  };
  for (size_t i = 1; i < bundle.config_maps.size(); ++i)
    if (auto st = create_owned(config_maps_ref(), bundle.config_maps[i]); !st) return st;
  if (bundle.secret)
    if (auto st = create_owned(secrets_ref(), *bundle.secret); !st) return st;
  complete_.insert(bundle.name);
  return {};
}

kube::ApiResult<bool> Reconciler::write_data(const std::string& name,
                                             const std::function<json(const json& old)>& wanted) {
  for (int attempt = 0;; ++attempt) {
    auto current = client_->get(config_maps_ref(), ns_, name);
    if (!current && !current.error().is_not_found()) return current.error();
    if (current) {
      const json& old = current->value("data", json::object());
      json data = wanted(old);
      if (old == data) return false;
      json next = *current;
      next["data"] = data;
      auto r = client_->update(config_maps_ref(), ns_, next);
      if (r) return true;
      if (!r.error().is_conflict() || attempt >= kConflictRetries) return r.error();
    } else {
      json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                 {"metadata", {{"name", name}, {"namespace", ns_}, {"labels", {{kPartOfLabel, "peregrine"}}}}},
                 {"data", wanted(json::object())}};
      auto r = client_->create(config_maps_ref(), ns_, cm);
      if (r) return true;
      if (!r.error().is_already_exists() || attempt >= kConflictRetries) return r.error();
    }
  }
}

kube::ApiResult<bool> Reconciler::write_assignments(const Plan& plan) {
  return write_data(kAssignmentsName, [&](const json& old) {
    json data = json::object();
    for (const auto& [node, bundle] : plan.assignments) data[node] = bundle;
    for (const std::string& node : plan.keep_assignment)
      if (old.contains(node)) data[node] = old[node];
    return data;
  });
}

kube::ApiResult<bool> Reconciler::write_audit_assignment(const Plan& plan) {
  return write_data(kAuditAssignmentName, [&](const json& old) {
    if (plan.audit_bundle.empty()) return old;  // not rendered: the previous one stays
    return json{{kAuditAssignmentKey, plan.audit_bundle}};
  });
}

kube::ApiStatus Reconciler::write_status(const kube::ResourceRef& ref, kube::Informer& cache,
                                         const RuleStatusUpdate& update) {
  auto cached = cache.get(update.ns, update.name);
  if (!cached) return {};  // deleted meanwhile
  json object = *cached;
  const int64_t generation = update.status.value("observedGeneration", int64_t{0});
  for (int attempt = 0;; ++attempt) {
    object["status"] = update.status;
    auto r = client_->update_status(ref, update.ns, object);
    if (r || !r.error().is_conflict() || attempt >= kConflictRetries) return r ? kube::ApiStatus{} : r.error();
    auto fresh = client_->get(ref, update.ns, update.name);
    if (!fresh) return fresh.error().is_not_found() ? kube::ApiStatus{} : kube::ApiStatus{fresh.error()};
    // A newer generation gets its own pass (the informer sees it); this status describes the old one.
    if ((*fresh)["metadata"].value("generation", int64_t{1}) != generation) return {};
    object = std::move(*fresh);
  }
}

int Reconciler::write_statuses(const kube::ResourceRef& ref, kube::Informer& cache,
                               const std::vector<RuleStatusUpdate>& updates, std::string& errors) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  int written = 0;
  auto work = [&] {
    for (size_t i; (i = next++) < updates.size();) {
      kube::ApiStatus st = write_status(ref, cache, updates[i]);
      std::lock_guard lock(mu);
      if (st) ++written;
      else errors += " " + updates[i].ns + "/" + updates[i].name + ": " + st.error().describe();
    }
  };
  std::vector<std::thread> helpers;
  for (size_t n = 1; n < std::min(kStatusWriters, updates.size()); ++n) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  return written;
}

void Reconciler::collect_garbage(const Plan& plan, const World& world, const LogFn& log, ReconcileStats& s) {
  std::set<std::string> in_use;
  for (const auto& [node, name] : plan.assignments) in_use.insert(name);
  // Nodes that kept their previous bundle keep it alive too, and so does the audit webhook's.
  for (const std::string& node : plan.keep_assignment)
    if (auto cm = client_->get(config_maps_ref(), ns_, kAssignmentsName); cm)
      if (auto it = (*cm)["data"].find(node); it != (*cm)["data"].end() && it->is_string()) in_use.insert(*it);
  if (!plan.audit_bundle.empty()) in_use.insert(plan.audit_bundle);
  else if (auto cm = client_->get(config_maps_ref(), ns_, kAuditAssignmentName); cm)
    if (auto it = (*cm)["data"].find(kAuditAssignmentKey); it != (*cm)["data"].end() && it->is_string())
      in_use.insert(*it);
  std::set<std::string> running;  // bundle hashes live agents report
  for (const json& l : world.agent_leases)
    if (AgentState a = agent_state(l, world.now); a.live && !a.bundle_hash.empty()) running.insert(a.bundle_hash);
  std::map<std::string, std::chrono::system_clock::time_point> unused_since;
  for (const json& o : world.bundle_objects) {
    if (is_part(o)) continue;
    const std::string name = name_of(o);
    if (in_use.count(name)) continue;
    const std::string hash = o["metadata"].value("labels", json::object()).value(kBundleLabel, "");
    auto since = unused_since_.try_emplace(name, world.now).first->second;
    if (running.count(hash) && world.now - since < gc_grace_) {
      unused_since[name] = since;
      continue;
    }
    // Parts and the Secret are owned by the main object; they are deleted here as well
    // rather than left to the garbage collector, so a cluster (or test server) without
    // cascading deletion does not accumulate them.
    auto r = client_->remove(config_maps_ref(), ns_, name, kube::Propagation::kBackground);
    if (!r && !r.error().is_not_found()) {
      log("deleting " + name + ": " + r.error().describe());
      continue;
    }
    for (const json& p : world.bundle_objects)
      if (is_part(p) && name_of(p).rfind(name + "-", 0) == 0) (void)client_->remove(config_maps_ref(), ns_, name_of(p));
    (void)client_->remove(secrets_ref(), ns_, name);
    complete_.erase(name);
    ++s.bundles_deleted;
    log("deleted unused bundle " + name);
  }
  unused_since_ = std::move(unused_since);
}

// Every bundle of this plan holds the current outputs, so an agent runs the current generation
// of every accepted FalcoOutput exactly when it runs one of them.
std::vector<RuleStatusUpdate> Reconciler::output_statuses(const std::vector<OutputVerdict>& verdicts, const Plan& plan,
                                                          const World& world) {
  std::set<std::string> current;
  for (const auto& [name, b] : plan.bundles) current.insert(b.hash);
  std::set<std::string> nodes;
  for (const json& n : world.nodes) nodes.insert(name_of(n));
  int desired = 0, applied = 0;
  for (const json& l : world.agent_leases) {
    AgentState a = agent_state(l, world.now);
    if (!a.live || !nodes.count(a.node)) continue;
    ++desired;
    if (current.count(a.bundle_hash)) ++applied;
  }
  const std::string now = rfc3339_seconds(world.now);
  std::vector<RuleStatusUpdate> out;
  for (const OutputVerdict& v : verdicts) {
    Condition accepted{"Accepted", v.accepted, v.accepted ? reason::kValid : reason::kInvalidOutput,
                       v.accepted ? "the agents can build this output" : v.message, v.generation};
    Condition applied_cond{"Applied", false, reason::kPending, "", v.generation};
    if (!v.accepted) {
      applied_cond.reason = reason::kNotAccepted;
      applied_cond.message = "generation " + std::to_string(v.generation) + " is not accepted";
    } else if (desired == 0) {
      applied_cond.reason = reason::kNoAgents;
      applied_cond.message = "no live agent";
    } else {
      applied_cond.status = applied == desired;
      applied_cond.reason = applied_cond.status ? reason::kAllAgentsApplied : reason::kPending;
      applied_cond.message = std::to_string(applied) + " of " + std::to_string(desired) + " agents run generation " +
                             std::to_string(v.generation);
    }
    const json& previous = v.status.value("conditions", json());
    json status = {{"observedGeneration", v.generation},
                   {"conditions", {condition_json(accepted, previous, now), condition_json(applied_cond, previous, now)}},
                   {"agents", {{"desired", desired}, {"applied", applied}}}};
    if (status != v.status) out.push_back({v.ns, v.name, std::move(status)});
  }
  return out;
}

Result<ReconcileStats> Reconciler::run(const LogFn& log) {
  ReconcileStats s;
  auto mark = std::chrono::steady_clock::now();
  World world = read_world();
  std::vector<OutputVerdict> output_verdicts;
  if (outputs_renderer_ && caches_.falco_outputs) {
    auto outputs = outputs_renderer_(caches_.falco_outputs->list());
    if (!outputs) return make_error("rendering FalcoOutputs: " + outputs.error().message);
    world.outputs_yaml = std::move(outputs->yaml);
    world.secrets = std::move(outputs->secrets);
    output_verdicts = std::move(outputs->verdicts);
  }
  s.phases.read = seconds_since(mark);
  Plan plan = planner_.plan(world);
  seconds_since(mark);
  s.phases.validate = plan.validate_seconds;
  s.phases.render = plan.render_seconds;
  s.phases.plan_statuses = plan.status_seconds;
  s.renders = plan.renders;
  for (const std::string& p : plan.problems) log(p);
  s.compiles = plan.compiles;
  s.rules = plan.rules;
  s.accepted = plan.accepted;
  s.bundles = plan.bundles.size();

  std::set<std::string> existing;
  for (const json& o : world.bundle_objects) existing.insert(name_of(o));
  for (const auto& [name, bundle] : plan.bundles)
    if (auto st = ensure_bundle(bundle, existing, s); !st) return make_error("bundle " + name + ": " + st.error().describe());
  auto changed = write_assignments(plan);
  if (!changed) return make_error(std::string(kAssignmentsName) + ": " + changed.error().describe());
  s.assignments_changed = *changed;
  auto audit_changed = write_audit_assignment(plan);
  if (!audit_changed) return make_error(std::string(kAuditAssignmentName) + ": " + audit_changed.error().describe());
  s.assignments_changed = s.assignments_changed || *audit_changed;
  if (s.bundles_created || s.assignments_changed)
    log("bundles: " + std::to_string(plan.bundles.size()) + " in use, " + std::to_string(s.bundles_created) +
        " created; " + std::to_string(plan.accepted) + "/" + std::to_string(plan.rules) + " FalcoRules accepted");
  s.phases.write_bundles = seconds_since(mark);

  // Statuses before garbage: an Applied that just came true is not kept waiting on deletes.
  std::string status_errors;
  s.statuses_written += write_statuses(falco_rules_ref(), *caches_.falco_rules, plan.statuses, status_errors);
  if (caches_.falco_outputs)
    s.statuses_written += write_statuses(falco_outputs_ref(), *caches_.falco_outputs,
                                         output_statuses(output_verdicts, plan, world), status_errors);
  s.phases.write_statuses = seconds_since(mark);
  collect_garbage(plan, world, log, s);
  s.phases.collect_garbage = seconds_since(mark);
  if (!status_errors.empty()) return make_error("status writes failed:" + status_errors);
  return s;
}

}  // namespace peregrine::op
