#pragma once
// The operator's decisions as a pure function of what it sees: from the FalcoRules, Nodes,
// agent Leases and existing bundles (a World), which bundles must exist, which node runs
// which, which one the audit webhook runs, and each FalcoRule's status. No I/O: the Reconciler reads the informers into a World
// and writes the Plan back, so every decision is unit-testable.
//
// State kept between plans: the last accepted text of every FalcoRule (by uid), so a
// FalcoRule whose new generation is refused keeps shipping its previous text; recover() seeds
// it from the bundles after a restart. Caches, so a pass that only an agent Lease caused stays
// cheap at 1,000 FalcoRules: the last validation while the FalcoRules' generations and the
// Nodes' labels stay the same (such a pass runs while 100 agents fetch the new bundle, and
// competes with them for the CPU), rendered bundles by the sha256 of their inputs, and what each
// bundle hash holds (bundles are content-addressed, so a hash's manifest never changes) — kept
// after the bundle is deleted while an agent still reports running it, so a rollout's garbage
// collection does not count every FalcoRule of the old bundle as unapplied on agents that run
// it. Not thread-safe: one Planner per reconcile loop.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "operator/bundle.h"
#include "operator/rule_validator.h"

namespace peregrine::op {

struct World {
  std::string ns;  // the operator namespace: FalcoRules there are cluster-wide
  std::vector<nlohmann::json> falco_rules;
  std::vector<nlohmann::json> nodes;
  std::vector<nlohmann::json> agent_leases;
  std::vector<nlohmann::json> bundle_objects;  // ConfigMaps labelled peregrine.dev/bundle
  std::optional<std::string> outputs_yaml;     // the rendered FalcoOutputs, when there are any
  std::vector<SecretUse> secrets;
  std::chrono::system_clock::time_point now;
};

struct RuleStatusUpdate {
  std::string ns, name;
  nlohmann::json status;  // the whole desired status
};

struct Plan {
  std::map<std::string, RenderedBundle> bundles;  // by object name: every bundle a node runs
  std::map<std::string, std::string> assignments; // node → bundle object name
  std::set<std::string> keep_assignment;          // nodes whose bundle could not be rendered
  // The audit webhook's bundle: every FalcoRule that ships anywhere, whatever its
  // nodeSelector (that selects nodes; audit events come from the API server, not a node).
  // "" when it could not be rendered: the previous audit assignment stays.
  std::string audit_bundle;
  std::vector<RuleStatusUpdate> statuses;         // only FalcoRules whose status changes
  std::vector<std::string> problems;              // for the log: not the user's mistakes
  int compiles = 0;
  size_t rules = 0, accepted = 0;
  // Where the planning time went (seconds): validating texts and subsets, rendering bundles
  // (or finding them in the cache), and the per-FalcoRule Applied counts and statuses.
  double validate_seconds = 0, render_seconds = 0, status_seconds = 0;
  int renders = 0;  // bundles rendered this plan (cache misses)
};

struct LastGood {
  int64_t generation = 0;
  std::string text;
};

class Planner {
 public:
  explicit Planner(const engine::Engine& engine, BundleLimits limits = {}) : validator_(engine), limits_(limits) {}

  Plan plan(const World& world);
  // Adds the texts the given bundles ship for uids not known yet (the newest generation wins).
  void recover(const std::vector<nlohmann::json>& bundle_objects);
  const std::map<std::string, LastGood>& last_good() const { return last_good_; }

 private:
  using Holds = std::set<std::pair<std::string, int64_t>>;
  struct Validation;

  // Which texts ship, and where; the last result again when the FalcoRules and Nodes are
  // those it was made for.
  std::shared_ptr<const Validation> validate(const World& world);

  RuleValidator validator_;
  BundleLimits limits_;
  std::map<std::string, LastGood> last_good_;
  std::map<std::string, RenderedBundle> rendered_;       // sha256 of render inputs → bundle (last plan's)
  std::map<std::string, Holds> holds_;                   // bundle hash → (uid, generation) it ships
  std::shared_ptr<const Validation> validation_;         // the last validate()
};

// Which (uid, generation) pairs a bundle's main object says it holds (manifest.json's rules[],
// or the pack's in the pack layout).
std::set<std::pair<std::string, int64_t>> bundle_rules(const nlohmann::json& bundle_object);

// The node an agent Lease reports for (label peregrine.dev/node, else spec.holderIdentity) and
// whether it is live at `now` (renewTime + leaseDurationSeconds not past).
struct AgentState {
  std::string node;
  std::string bundle_hash;
  bool live = false;
};
AgentState agent_state(const nlohmann::json& lease, std::chrono::system_clock::time_point now);

}  // namespace peregrine::op
