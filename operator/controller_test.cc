// The running Controller against the API test server with the real CRDs: bundles and the
// assignments (nodes, audit webhook) appear, an agent Lease flips Applied, deleting a FalcoRule garbage-collects the
// bundle it leaves unused (parts included), and a restarted operator keeps the last good text.

#include "operator/controller.h"
#include "kube/testing/yaml_json.h"

#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "kube/lease_record.h"
#include "kube/testing/api_test_server.h"

namespace peregrine::op {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string kNs = "peregrine-system";

using kube::testing::yaml_to_json;

std::string rule_text(const std::string& name) {
  return "- rule: " + name + "\n  desc: d\n  condition: evt.type = openat\n  output: o\n  priority: NOTICE\n";
}

class ControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    YAML::Node crd = YAML::LoadFile(std::string(PEREGRINE_SOURCE_DIR) + "/crds/peregrine.dev_falcorules.yaml");
    ASSERT_TRUE(client_->create({"apiextensions.k8s.io", "v1", "customresourcedefinitions", false}, "", yaml_to_json(crd)));
    crd = YAML::LoadFile(std::string(PEREGRINE_SOURCE_DIR) + "/crds/peregrine.dev_falcooutputs.yaml");
    ASSERT_TRUE(client_->create({"apiextensions.k8s.io", "v1", "customresourcedefinitions", false}, "", yaml_to_json(crd)));
    for (const char* ns : {"peregrine-system", "team-a"})
      ASSERT_TRUE(client_->create({"", "v1", "namespaces", false}, "", {{"metadata", {{"name", ns}}}}));
    ASSERT_TRUE(client_->create(nodes_ref(), "", {{"metadata", {{"name", "node-1"}, {"labels", {{"pool", "web"}}}}}}));
    ASSERT_TRUE(client_->create(nodes_ref(), "", {{"metadata", {{"name", "node-2"}, {"labels", {{"pool", "db"}}}}}}));
  }

  std::unique_ptr<Controller> start(BundleLimits limits = {}, std::chrono::milliseconds gc_grace = 5s) {
    ControllerOptions o;
    o.ns = kNs;
    o.leader_elect = false;
    o.limits = limits;
    o.gc_grace = gc_grace;
    o.resync = 200ms;
    o.log = [](const std::string&) {};
    auto c = std::make_unique<Controller>(client_, o);
    EXPECT_TRUE(c->start());
    return c;
  }

  void apply_rule(const std::string& ns, const std::string& name, const std::string& text, json selector = nullptr) {
    json fr = {{"apiVersion", "peregrine.dev/v1alpha1"}, {"kind", "FalcoRule"},
               {"metadata", {{"name", name}, {"namespace", ns}}}, {"spec", {{"rules", text}}}};
    if (!selector.is_null()) fr["spec"]["nodeSelector"] = selector;
    auto existing = client_->get(falco_rules_ref(), ns, name);
    if (existing) {
      json next = *existing;
      next["spec"] = fr["spec"];
      ASSERT_TRUE(client_->update(falco_rules_ref(), ns, next));
    } else {
      ASSERT_TRUE(client_->create(falco_rules_ref(), ns, fr));
    }
  }

  std::string assignment(const std::string& node) {
    auto cm = client_->get(config_maps_ref(), kNs, "peregrine-assignments");
    return cm ? (*cm)["data"].value(node, "") : "";
  }

  template <typename F>
  bool eventually(F f, std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (f()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return f();
  }

  // Creates or replaces node's agent Lease, live for `duration_seconds`, reporting `bundle`.
  void report(const std::string& node, const std::string& bundle, int duration_seconds = 30) {
    kube::LeaseRecord r;
    r.holder_identity = node;
    r.lease_duration_seconds = duration_seconds;
    r.renew_time = std::chrono::system_clock::now();
    const std::string name = "peregrine-agent-" + node;
    json lease = {{"metadata", {{"name", name}, {"namespace", kNs},
                                {"labels", {{"peregrine.dev/component", "agent"}, {"peregrine.dev/node", node}}},
                                {"annotations", {{"peregrine.dev/bundle", bundle.substr(17)}}}}},
                  {"spec", kube::lease_spec(r)}};
    if (auto existing = client_->get(leases_ref(), kNs, name)) {
      lease["metadata"]["resourceVersion"] = (*existing)["metadata"]["resourceVersion"];
      ASSERT_TRUE(client_->update(leases_ref(), kNs, lease));
    } else {
      ASSERT_TRUE(client_->create(leases_ref(), kNs, lease));
    }
  }

  json condition(const std::string& ns, const std::string& name, const std::string& type) {
    auto fr = client_->get(falco_rules_ref(), ns, name);
    if (fr)
      for (const json& c : (*fr)["status"].value("conditions", json::array()))
        if (c["type"] == type) return c;
    return nullptr;
  }

  kube::testing::ApiTestServer server_;
  std::shared_ptr<kube::Client> client_ = std::make_shared<kube::Client>(server_.config());
};

TEST_F(ControllerTest, BundlesAssignmentsAppliedAndGarbageCollection) {
  apply_rule(kNs, "all", rule_text("All"));
  apply_rule("team-a", "web", rule_text("Web"), {{"matchLabels", {{"pool", "web"}}}});
  auto c = start();
  ASSERT_TRUE(eventually([&] { return !assignment("node-1").empty() && !assignment("node-2").empty(); }));
  std::string b1 = assignment("node-1"), b2 = assignment("node-2");
  EXPECT_NE(b1, b2);
  auto cm = client_->get(config_maps_ref(), kNs, b1);
  ASSERT_TRUE(cm);
  json m = json::parse((*cm)["data"]["manifest.json"].get<std::string>());
  ASSERT_EQ(m["files"].size(), 2u);
  EXPECT_EQ(m["files"][1]["tenant"], "team-a");

  // Agent Leases reporting their bundles.
  report("node-1", b1);
  report("node-2", b2);
  // A pass may run between the two Lease creates and count one live agent: wait for both.
  auto agents = [&](const std::string& ns, const std::string& name) {
    auto fr = client_->get(falco_rules_ref(), ns, name);
    return fr ? (*fr)["status"].value("agents", json()) : json();
  };
  EXPECT_TRUE(eventually([&] { return agents(kNs, "all") == json({{"desired", 2}, {"applied", 2}}); }))
      << agents(kNs, "all");
  EXPECT_EQ(condition(kNs, "all", "Applied").value("status", ""), "True");
  EXPECT_TRUE(eventually([&] { return agents("team-a", "web") == json({{"desired", 1}, {"applied", 1}}); }))
      << agents("team-a", "web");

  // node-1's bundle is unused once the web rule is gone, and collected once node-1 has moved on.
  ASSERT_TRUE(client_->remove(falco_rules_ref(), "team-a", "web"));
  ASSERT_TRUE(eventually([&] { return assignment("node-1") == b2; }));
  report("node-1", b2);
  EXPECT_TRUE(eventually([&] { return !client_->get(config_maps_ref(), kNs, b1).ok(); }));
  EXPECT_TRUE(client_->get(config_maps_ref(), kNs, b2).ok());
}

// The rollout's old bundle stays while a live agent still runs it (so deleting it competes with
// nothing on the rollout's path), goes in the first pass after the last agent moved on, and
// never outlives the grace period for an agent that does not move.
TEST_F(ControllerTest, UnusedBundleIsCollectedOnceNoLiveAgentRunsIt) {
  apply_rule(kNs, "r", rule_text("R1"));
  auto c = start({}, 1h);
  ASSERT_TRUE(eventually([&] { return !assignment("node-1").empty(); }));
  const std::string old_bundle = assignment("node-1");
  report("node-1", old_bundle);
  report("node-2", old_bundle);
  apply_rule(kNs, "r", rule_text("R2"));
  ASSERT_TRUE(eventually([&] { return assignment("node-1") != old_bundle && !assignment("node-1").empty(); }));
  const std::string new_bundle = assignment("node-1");
  report("node-1", new_bundle);
  std::this_thread::sleep_for(600ms);  // three resync passes
  EXPECT_TRUE(client_->get(config_maps_ref(), kNs, old_bundle).ok()) << "node-2 still runs it";
  report("node-2", new_bundle);
  EXPECT_TRUE(eventually([&] { return !client_->get(config_maps_ref(), kNs, old_bundle).ok(); }));
  EXPECT_TRUE(client_->get(config_maps_ref(), kNs, new_bundle).ok());
  c.reset();

  // An agent that never moves keeps it for the grace period only; an expired Lease not at all.
  c = start({}, 300ms);
  apply_rule(kNs, "r", rule_text("R3"));
  ASSERT_TRUE(eventually([&] { return assignment("node-1") != new_bundle && !assignment("node-1").empty(); }));
  EXPECT_TRUE(eventually([&] { return !client_->get(config_maps_ref(), kNs, new_bundle).ok(); }));
  c.reset();
  const std::string third = assignment("node-1");
  report("node-1", third, 1);
  report("node-2", third, 1);
  std::this_thread::sleep_for(1100ms);  // both Leases expired
  c = start({}, 1h);
  apply_rule(kNs, "r", rule_text("R4"));
  ASSERT_TRUE(eventually([&] { return assignment("node-1") != third && !assignment("node-1").empty(); }));
  EXPECT_TRUE(eventually([&] { return !client_->get(config_maps_ref(), kNs, third).ok(); }));
}

TEST_F(ControllerTest, AuditAssignmentNamesTheWholeSetAndKeepsItsBundle) {
  apply_rule(kNs, "gpu", rule_text("Gpu"), {{"matchLabels", {{"pool", "gpu"}}}});
  apply_rule("team-a", "web", rule_text("Web"), {{"matchLabels", {{"pool", "web"}}}});
  auto c = start();
  auto audit = [&] {
    auto cm = client_->get(config_maps_ref(), kNs, kAuditAssignmentName);
    return cm ? (*cm)["data"].value(kAuditAssignmentKey, "") : "";
  };
  ASSERT_TRUE(eventually([&] { return !audit().empty() && !assignment("node-1").empty(); }));
  std::string first = audit();
  EXPECT_NE(first, assignment("node-1")) << "no node is selected by gpu; the audit webhook runs it anyway";
  auto cm = client_->get(config_maps_ref(), kNs, first);
  ASSERT_TRUE(cm);
  json m = json::parse((*cm)["data"]["manifest.json"].get<std::string>());
  ASSERT_EQ(m["files"].size(), 2u);
  EXPECT_EQ(m["files"][0]["tenant"], "");
  EXPECT_EQ(m["files"][1]["tenant"], "team-a");
  // No node runs it, and it stays through later passes.
  std::this_thread::sleep_for(600ms);
  EXPECT_TRUE(client_->get(config_maps_ref(), kNs, first).ok());

  // A change moves the audit assignment on and collects its old bundle.
  apply_rule(kNs, "gpu", rule_text("Gpu2"), {{"matchLabels", {{"pool", "gpu"}}}});
  ASSERT_TRUE(eventually([&] { return audit() != first && !audit().empty(); }));
  EXPECT_TRUE(eventually([&] { return !client_->get(config_maps_ref(), kNs, first).ok(); }));
  EXPECT_TRUE(client_->get(config_maps_ref(), kNs, audit()).ok());
}

TEST_F(ControllerTest, PartsAreOwnedAndDeletedWithTheirBundle) {
  // Comments of random letters: text gzip cannot shrink under the small budget.
  // Two different texts: packed together, a repeated one would compress away.
  std::minstd_rand rng(1);
  auto big = [&](const std::string& prefix) {
    std::string text;
    for (int i = 0; i < 40; ++i) {
      text += rule_text(prefix + std::to_string(i)) + "# ";
      for (int k = 0; k < 60; ++k) text += char('a' + rng() % 26);
      text += "\n";
    }
    return text;
  };
  apply_rule(kNs, "big", big("R"));
  apply_rule(kNs, "big2", big("S"));
  auto c = start({.object_budget = 4000});
  ASSERT_TRUE(eventually([&] { return !assignment("node-1").empty(); }));
  std::string bundle = assignment("node-1");
  auto main = client_->get(config_maps_ref(), kNs, bundle);
  ASSERT_TRUE(main);
  auto part = client_->get(config_maps_ref(), kNs, bundle + "-1");
  ASSERT_TRUE(part) << "the files spilled into parts";
  EXPECT_EQ((*part)["metadata"]["ownerReferences"][0]["uid"], (*main)["metadata"]["uid"]);

  ASSERT_TRUE(client_->remove(falco_rules_ref(), kNs, "big2"));
  ASSERT_TRUE(eventually([&] { return assignment("node-1") != bundle; }));
  EXPECT_TRUE(eventually([&] { return !client_->get(config_maps_ref(), kNs, bundle + "-1").ok(); }));
}

TEST_F(ControllerTest, RestartedOperatorKeepsTheLastGoodText) {
  apply_rule(kNs, "r", rule_text("R"));
  std::string good;
  {
    auto c = start();
    ASSERT_TRUE(eventually([&] { return !assignment("node-1").empty(); }));
    good = assignment("node-1");
  }
  apply_rule(kNs, "r", "- rule: R\n  condition: evt.type = = x\n");
  auto c = start();
  ASSERT_TRUE(eventually([&] {
    json a = condition(kNs, "r", "Accepted");
    return a.value("status", "") == "False" && a.value("observedGeneration", 0) == 2;
  }));
  EXPECT_EQ(assignment("node-1"), good);
  EXPECT_TRUE(client_->get(config_maps_ref(), kNs, good).ok());
}

}  // namespace
}  // namespace peregrine::op
