#include "operator/planner.h"

#include <gtest/gtest.h>

#include "kube/lease_record.h"

namespace peregrine::op {
namespace {

using nlohmann::json;
using std::chrono::seconds;

const std::string kNs = "peregrine-system";

std::string open_rule(const std::string& name) {
  return "- rule: " + name + "\n  desc: d\n  condition: evt.type = openat\n  output: o\n  priority: NOTICE\n";
}

json falco_rule(const std::string& ns, const std::string& name, const std::string& text, int64_t generation = 1,
                json selector = nullptr, int order = 0) {
  json fr = {{"apiVersion", "peregrine.dev/v1alpha1"},
             {"kind", "FalcoRule"},
             {"metadata", {{"namespace", ns}, {"name", name}, {"uid", "uid-" + ns + "-" + name}, {"generation", generation}}},
             {"spec", {{"rules", text}, {"order", order}}}};
  if (!selector.is_null()) fr["spec"]["nodeSelector"] = selector;
  return fr;
}

json node(const std::string& name, json labels) { return {{"metadata", {{"name", name}, {"labels", labels}}}}; }

json lease(const std::string& node, const std::string& hash, std::chrono::system_clock::time_point renew) {
  kube::LeaseRecord r;
  r.holder_identity = node;
  r.lease_duration_seconds = 30;
  r.renew_time = renew;
  return {{"metadata", {{"name", "peregrine-agent-" + node}, {"namespace", kNs},
                        {"labels", {{"peregrine.dev/node", node}, {"peregrine.dev/component", "agent"}}},
                        {"annotations", {{"peregrine.dev/bundle", hash}}}}},
          {"spec", kube::lease_spec(r)}};
}

const json* condition(const json& status, const std::string& type) {
  for (const json& c : status["conditions"])
    if (c["type"] == type) return &c;
  return nullptr;
}

class PlannerTest : public ::testing::Test {
 protected:
  PlannerTest() {
    world_.ns = kNs;
    world_.now = std::chrono::system_clock::now();
    world_.nodes = {node("node-1", {{"kubernetes.io/os", "linux"}, {"pool", "web"}}),
                    node("node-2", {{"kubernetes.io/os", "linux"}, {"pool", "db"}})};
  }
  // Plans, then stores the statuses and bundles the way the API would, so the next plan sees them.
  Plan run() {
    Plan p = planner_.plan(world_);
    for (const auto& s : p.statuses)
      for (json& fr : world_.falco_rules)
        if (fr["metadata"]["namespace"] == s.ns && fr["metadata"]["name"] == s.name) fr["status"] = s.status;
    world_.bundle_objects.clear();
    for (const auto& [name, b] : p.bundles)
      for (const json& o : b.config_maps) world_.bundle_objects.push_back(o);
    return p;
  }
  const json& status_of(const std::string& name) {
    for (const json& fr : world_.falco_rules)
      if (fr["metadata"]["name"] == name) return fr["status"];
    static json none;
    return none;
  }

  engine::Engine engine_{"planner-test"};
  Planner planner_{engine_};
  World world_;
};

TEST_F(PlannerTest, SelectorsSplitNodesAndIdenticalSetsShareABundle) {
  world_.nodes.push_back(node("node-3", {{"pool", "web"}}));
  world_.falco_rules = {falco_rule(kNs, "all", open_rule("All")),
                        falco_rule(kNs, "web", open_rule("Web"), 1, {{"matchLabels", {{"pool", "web"}}}})};
  Plan p = run();
  ASSERT_EQ(p.assignments.size(), 3u);
  EXPECT_EQ(p.assignments["node-1"], p.assignments["node-3"]);
  EXPECT_NE(p.assignments["node-1"], p.assignments["node-2"]);
  EXPECT_EQ(p.bundles.size(), 2u);
  const auto& web = p.bundles.at(p.assignments["node-1"]);
  ASSERT_EQ(web.manifest["files"].size(), 2u);
  EXPECT_EQ(web.manifest["files"][0]["name"], "000-peregrine-system-all.yaml");
  EXPECT_EQ(web.manifest["files"][1]["name"], "001-peregrine-system-web.yaml");
  EXPECT_EQ(p.bundles.at(p.assignments["node-2"]).manifest["files"].size(), 1u);
  EXPECT_EQ(p.compiles, 4) << "two texts alone, the whole set once (node-1's list), node-2's subset once";
  // Same world, same names, no compiles: content-addressed and cached.
  Plan again = run();
  EXPECT_EQ(again.assignments, p.assignments);
  EXPECT_EQ(again.compiles, 0);
  EXPECT_EQ(p.renders, 2);
  EXPECT_EQ(again.renders, 0) << "unchanged inputs: the bundles come from the cache";
  EXPECT_TRUE(again.statuses.empty()) << "an unchanged status is not written again";
}

TEST_F(PlannerTest, AgentsOnAGarbageCollectedBundleStillRunWhatItHeld) {
  world_.falco_rules = {falco_rule(kNs, "a", open_rule("A")), falco_rule(kNs, "b", open_rule("B"))};
  Plan v1 = run();
  const std::string old_hash = v1.bundles.at(v1.assignments["node-1"]).hash;
  world_.agent_leases = {lease("node-1", old_hash, world_.now), lease("node-2", old_hash, world_.now)};
  run();
  ASSERT_EQ((*condition(status_of("b"), "Applied"))["status"], "True");

  // A new generation of "a": a new bundle; run() drops the old one as garbage collection does.
  world_.falco_rules[0]["spec"]["rules"] = open_rule("A2");
  world_.falco_rules[0]["metadata"]["generation"] = 2;
  Plan v2 = run();
  const std::string new_hash = v2.bundles.at(v2.assignments["node-1"]).hash;
  ASSERT_NE(new_hash, old_hash);
  world_.agent_leases[0] = lease("node-1", new_hash, world_.now);
  Plan mid = run();
  for (const json& o : world_.bundle_objects) ASSERT_NE(o["metadata"]["name"], "peregrine-bundle-" + old_hash);
  EXPECT_EQ(status_of("a")["agents"], json({{"desired", 2}, {"applied", 1}}));
  EXPECT_EQ(status_of("b")["agents"], json({{"desired", 2}, {"applied", 2}}))
      << "node-2 still runs the deleted bundle, which holds b's generation";
  EXPECT_EQ((*condition(status_of("b"), "Applied"))["status"], "True");
  for (const auto& u : mid.statuses) EXPECT_NE(u.name, "b") << "b's status does not move during a's rollout";

  // Once no agent reports it, it is forgotten: a hash unknown to the planner counts for nothing.
  world_.agent_leases[1] = lease("node-2", new_hash, world_.now);
  run();
  world_.agent_leases[1] = lease("node-2", old_hash, world_.now);
  run();
  EXPECT_EQ(status_of("b")["agents"], json({{"desired", 2}, {"applied", 1}}));
}

TEST_F(PlannerTest, OrderThenNamespaceThenNameAndTenants) {
  world_.falco_rules = {falco_rule("team-a", "b", open_rule("B")), falco_rule("team-a", "a", open_rule("A")),
                        falco_rule(kNs, "z", open_rule("Z"), 1, nullptr, -5)};
  Plan p = run();
  const json& m = p.bundles.at(p.assignments["node-1"]).manifest;
  ASSERT_EQ(m["files"].size(), 3u);
  EXPECT_EQ(m["files"][0]["name"], "000-peregrine-system-z.yaml");
  EXPECT_EQ(m["files"][0]["tenant"], "");
  EXPECT_EQ(m["files"][1]["name"], "001-team-a-a.yaml");
  EXPECT_EQ(m["files"][1]["tenant"], "team-a");
  EXPECT_EQ(m["files"][2]["name"], "002-team-a-b.yaml");
}

TEST_F(PlannerTest, AppliedCountsLiveAgentsRunningABundleWithTheCurrentGeneration) {
  world_.falco_rules = {falco_rule(kNs, "web", open_rule("Web"), 2, {{"matchLabels", {{"pool", "web"}}}}),
                        falco_rule(kNs, "all", open_rule("All"))};
  Plan p = run();
  std::string web_hash = p.bundles.at(p.assignments["node-1"]).hash;
  std::string db_hash = p.bundles.at(p.assignments["node-2"]).hash;
  EXPECT_EQ((*condition(status_of("web"), "Applied"))["reason"], "NoAgents");

  world_.agent_leases = {lease("node-1", "", world_.now), lease("node-2", db_hash, world_.now)};
  run();
  EXPECT_EQ(status_of("web")["agents"], json({{"desired", 1}, {"applied", 0}}));
  EXPECT_EQ(status_of("all")["agents"], json({{"desired", 2}, {"applied", 1}}));
  EXPECT_EQ((*condition(status_of("all"), "Applied"))["status"], "False");

  world_.agent_leases[0] = lease("node-1", web_hash, world_.now);
  run();
  EXPECT_EQ(status_of("web")["agents"], json({{"desired", 1}, {"applied", 1}}));
  EXPECT_EQ((*condition(status_of("web"), "Applied"))["status"], "True");
  EXPECT_EQ((*condition(status_of("all"), "Applied"))["status"], "True");
  EXPECT_EQ(status_of("web")["observedGeneration"], 2);

  // An expired Lease is no agent; an agent of an unknown node neither.
  world_.agent_leases[1] = lease("node-2", db_hash, world_.now - seconds(31));
  world_.agent_leases.push_back(lease("ghost", web_hash, world_.now));
  run();
  EXPECT_EQ(status_of("all")["agents"], json({{"desired", 1}, {"applied", 1}}));
}

TEST_F(PlannerTest, BrokenNewGenerationKeepsTheLastGoodTextShipping) {
  world_.falco_rules = {falco_rule(kNs, "web", open_rule("Web"))};
  Plan good = run();
  std::string good_bundle = good.assignments["node-1"];
  EXPECT_EQ((*condition(status_of("web"), "Accepted"))["status"], "True");

  world_.falco_rules[0]["spec"]["rules"] = "- rule: Web\n  desc: d\n  condition: evt.type = = openat\n  output: o\n  priority: NOTICE\n";
  world_.falco_rules[0]["metadata"]["generation"] = 2;
  Plan bad = run();
  EXPECT_EQ(bad.assignments["node-1"], good_bundle) << "the bundle does not change";
  const json& st = status_of("web");
  const json* accepted = condition(st, "Accepted");
  EXPECT_EQ((*accepted)["status"], "False");
  EXPECT_EQ((*accepted)["reason"], "InvalidRules");
  EXPECT_NE((*accepted)["message"].get<std::string>().find("line 3:"), std::string::npos) << (*accepted)["message"];
  EXPECT_NE((*accepted)["message"].get<std::string>().find("keep running generation 1"), std::string::npos);
  EXPECT_EQ((*accepted)["observedGeneration"], 2);
  ASSERT_FALSE(st["diagnostics"].empty());
  EXPECT_EQ(st["diagnostics"][0]["line"], 3);
  EXPECT_EQ(st["diagnostics"][0]["severity"], "error");
  EXPECT_EQ((*condition(st, "Applied"))["reason"], "NotAccepted");

  // A restarted operator recovers the last good text from the bundles.
  Planner restarted(engine_);
  restarted.recover(world_.bundle_objects);
  ASSERT_TRUE(restarted.last_good().count("uid-peregrine-system-web"));
  EXPECT_EQ(restarted.plan(world_).assignments["node-1"], good_bundle);
}

// A pass that only Leases caused reuses the last validation; what it must still see: each
// FalcoRule's current status, a Node's new labels and a FalcoRule's new generation.
TEST_F(PlannerTest, LeaseOnlyPassesReuseTheValidationButSeeStatusLabelsAndGenerations) {
  world_.falco_rules = {falco_rule(kNs, "all", open_rule("All")),
                        falco_rule(kNs, "web", open_rule("Web"), 1, {{"matchLabels", {{"pool", "web"}}}})};
  Plan first = run();
  ASSERT_NE(first.assignments["node-1"], first.assignments["node-2"]);
  world_.agent_leases = {lease("node-1", first.bundles.at(first.assignments["node-1"]).hash, world_.now)};
  Plan lease_only = run();
  EXPECT_EQ(lease_only.compiles, 0);
  EXPECT_EQ(lease_only.assignments, first.assignments);
  EXPECT_EQ(lease_only.statuses.size(), 2u) << "agents.applied moved for both";

  world_.falco_rules[1]["status"] = json::object();  // someone else's write
  Plan repaired = run();
  ASSERT_EQ(repaired.statuses.size(), 1u);
  EXPECT_EQ(repaired.statuses[0].name, "web");

  world_.nodes[1]["metadata"]["labels"]["pool"] = "web";
  Plan relabelled = run();
  EXPECT_EQ(relabelled.assignments["node-2"], relabelled.assignments["node-1"]);

  world_.falco_rules[0]["spec"]["rules"] = "- rule: All\n  condition: evt.type = = openat\n";
  world_.falco_rules[0]["metadata"]["generation"] = 2;
  Plan broken = run();
  EXPECT_EQ((*condition(status_of("all"), "Accepted"))["status"], "False");
  EXPECT_EQ(broken.assignments, relabelled.assignments) << "the last good text keeps shipping";
  Plan after_broken = run();
  EXPECT_EQ(after_broken.assignments, relabelled.assignments);
  EXPECT_TRUE(after_broken.statuses.empty());
}

TEST_F(PlannerTest, FalcoRuleBreakingTheSetIsExcludedOthersShip) {
  world_.falco_rules = {falco_rule(kNs, "a", open_rule("A")),
                        falco_rule(kNs, "b", "- rule: A\n  condition: and nope.field = 1\n  override:\n    condition: append\n"),
                        falco_rule(kNs, "c", open_rule("C"))};
  Plan p = run();
  const json& m = p.bundles.at(p.assignments["node-1"]).manifest;
  ASSERT_EQ(m["files"].size(), 2u);
  EXPECT_EQ(m["rules"][1]["name"], "c");
  const json* accepted = condition(status_of("b"), "Accepted");
  EXPECT_EQ((*accepted)["reason"], "BreaksRuleSet");
  EXPECT_NE((*accepted)["message"].get<std::string>().find("nope.field"), std::string::npos) << (*accepted)["message"];
}

TEST_F(PlannerTest, AuditBundleHoldsEveryShippedFalcoRuleWhateverItsNodeSelector) {
  world_.falco_rules = {falco_rule(kNs, "web", open_rule("Web"), 1, {{"matchLabels", {{"pool", "web"}}}}),
                        falco_rule(kNs, "nowhere", open_rule("Nowhere"), 1, {{"matchLabels", {{"pool", "gpu"}}}}),
                        falco_rule("team-a", "mine", open_rule("Mine")),
                        falco_rule(kNs, "broken", "- rule: X\n  condition: evt.type = = x\n")};
  Plan p = run();
  ASSERT_FALSE(p.audit_bundle.empty());
  const json& m = p.bundles.at(p.audit_bundle).manifest;
  ASSERT_EQ(m["files"].size(), 3u) << m.dump();
  EXPECT_EQ(m["rules"][0]["name"], "nowhere") << "a nodeSelector does not apply to audit events";
  EXPECT_EQ(m["rules"][1]["name"], "web");
  EXPECT_EQ(m["rules"][2]["name"], "mine");
  EXPECT_EQ(m["files"][2]["tenant"], "team-a");
  EXPECT_NE(p.audit_bundle, p.assignments["node-1"]);
  EXPECT_NE(p.audit_bundle, p.assignments["node-2"]);
  EXPECT_EQ(p.bundles.size(), 3u);

  // Without selectors every node runs the whole set: the audit webhook shares their bundle.
  world_.falco_rules = {falco_rule(kNs, "all", open_rule("All"))};
  Plan shared = run();
  EXPECT_EQ(shared.audit_bundle, shared.assignments["node-1"]);
  EXPECT_EQ(shared.bundles.size(), 1u);

  // No FalcoRule at all still gives the audit webhook a (rule-less) bundle to run.
  world_.falco_rules.clear();
  Plan empty = run();
  ASSERT_FALSE(empty.audit_bundle.empty());
  EXPECT_TRUE(empty.bundles.at(empty.audit_bundle).manifest["files"].empty());
}

TEST_F(PlannerTest, TransitionTimeMovesOnlyWithTheStatus) {
  world_.falco_rules = {falco_rule(kNs, "a", open_rule("A"))};
  run();
  std::string first = (*condition(status_of("a"), "Accepted"))["lastTransitionTime"];
  world_.now += seconds(100);
  world_.falco_rules[0]["metadata"]["generation"] = 2;
  run();
  EXPECT_EQ((*condition(status_of("a"), "Accepted"))["lastTransitionTime"], first);
  EXPECT_EQ((*condition(status_of("a"), "Accepted"))["observedGeneration"], 2);
}

}  // namespace
}  // namespace peregrine::op
