#include "test/apiserver/admission_match.h"

#include <gtest/gtest.h>

namespace peregrine::apiserver {
namespace {

using nlohmann::json;

const ResourceRef kPods{"", "v1", "pods", "", "Pod"};
const ResourceRef kRules{"peregrine.dev", "v1alpha1", "falcorules", "", "FalcoRule"};
const ResourceRef kRuleStatus{"peregrine.dev", "v1alpha1", "falcorules", "status", "FalcoRule"};
const ResourceRef kNamespaces{"", "v1", "namespaces", "", "Namespace"};
const ResourceRef kClusterRoles{"rbac.authorization.k8s.io", "v1", "clusterroles", "", "ClusterRole"};

json rule(json resources, json ops = {"CREATE", "UPDATE"}, json groups = {"*"}, json versions = {"*"},
          std::string scope = "*") {
  return {{"operations", ops}, {"apiGroups", groups}, {"apiVersions", versions}, {"resources", resources},
          {"scope", scope}};
}

TEST(RuleMatches, OperationGroupVersionAndResource) {
  EXPECT_TRUE(rule_matches(rule({"pods"}), "CREATE", kPods, "default"));
  EXPECT_FALSE(rule_matches(rule({"pods"}), "DELETE", kPods, "default"));
  EXPECT_TRUE(rule_matches(rule({"pods"}, {"*"}), "DELETE", kPods, "default"));
  EXPECT_TRUE(rule_matches(rule({"falcorules"}, {"CREATE"}, {"peregrine.dev"}, {"v1alpha1"}), "CREATE", kRules, "a"));
  EXPECT_FALSE(rule_matches(rule({"falcorules"}, {"CREATE"}, {""}, {"*"}), "CREATE", kRules, "a"));
  EXPECT_FALSE(rule_matches(rule({"falcorules"}, {"CREATE"}, {"*"}, {"v1"}), "CREATE", kRules, "a"));
  EXPECT_FALSE(rule_matches(rule({"configmaps"}), "CREATE", kPods, "default"));
}

TEST(RuleMatches, WildcardsAndSubresources) {
  EXPECT_TRUE(rule_matches(rule({"*"}), "UPDATE", kRules, "a"));
  EXPECT_FALSE(rule_matches(rule({"*"}), "UPDATE", kRuleStatus, "a"));
  EXPECT_TRUE(rule_matches(rule({"*/*"}), "UPDATE", kRuleStatus, "a"));
  EXPECT_TRUE(rule_matches(rule({"falcorules/status"}), "UPDATE", kRuleStatus, "a"));
  EXPECT_FALSE(rule_matches(rule({"falcorules/status"}), "UPDATE", kRules, "a"));
  EXPECT_TRUE(rule_matches(rule({"falcorules/*"}), "UPDATE", kRuleStatus, "a"));
  EXPECT_TRUE(rule_matches(rule({"*/status"}), "UPDATE", kRuleStatus, "a"));
  EXPECT_FALSE(rule_matches(rule({"pods/*"}), "UPDATE", kRuleStatus, "a"));
}

TEST(RuleMatches, ScopeTreatsNamespacesAsClusterScoped) {
  auto cluster = rule({"*"}, {"*"}, {"*"}, {"*"}, "Cluster");
  auto namespaced = rule({"*"}, {"*"}, {"*"}, {"*"}, "Namespaced");
  EXPECT_TRUE(rule_matches(cluster, "CREATE", kClusterRoles, ""));
  EXPECT_FALSE(rule_matches(namespaced, "CREATE", kClusterRoles, ""));
  EXPECT_TRUE(rule_matches(namespaced, "CREATE", kPods, "default"));
  EXPECT_FALSE(rule_matches(cluster, "CREATE", kPods, "default"));
  // A Namespace request carries its own name as namespace, yet is cluster-scoped.
  EXPECT_TRUE(rule_matches(cluster, "CREATE", kNamespaces, "team-a"));
  EXPECT_FALSE(rule_matches(namespaced, "CREATE", kNamespaces, "team-a"));
}

TEST(LabelSelector, MatchLabelsAndExpressions) {
  json labels = {{"env", "prod"}, {"team", "a"}};
  EXPECT_TRUE(label_selector_matches(json::object(), labels));
  EXPECT_TRUE(label_selector_matches(nullptr, labels));
  EXPECT_TRUE(label_selector_matches({{"matchLabels", {{"env", "prod"}}}}, labels));
  EXPECT_FALSE(label_selector_matches({{"matchLabels", {{"env", "dev"}}}}, labels));
  auto expr = [](std::string key, std::string op, json values = json::array()) {
    return json{{"matchExpressions", {{{"key", key}, {"operator", op}, {"values", values}}}}};
  };
  EXPECT_TRUE(label_selector_matches(expr("env", "In", {"dev", "prod"}), labels));
  EXPECT_FALSE(label_selector_matches(expr("env", "NotIn", {"prod"}), labels));
  EXPECT_TRUE(label_selector_matches(expr("missing", "NotIn", {"x"}), labels));
  EXPECT_TRUE(label_selector_matches(expr("team", "Exists"), labels));
  EXPECT_FALSE(label_selector_matches(expr("team", "DoesNotExist"), labels));
  EXPECT_FALSE(label_selector_matches(expr("team", "Bogus"), labels));
}

json hook(json rules, json extra = json::object()) {
  json h = {{"name", "v.example.com"}, {"rules", rules}};
  h.merge_patch(extra);
  return h;
}

MatchInput input(ResourceRef r, std::string ns, json object, json ns_labels = json::object()) {
  MatchInput in;
  in.operation = "CREATE";
  in.request = r;
  in.ns = ns;
  in.object = object;
  in.namespace_labels = ns_labels;
  return in;
}

TEST(MatchWebhook, SelectorsGateTheRules) {
  json pod = {{"metadata", {{"name", "p"}, {"labels", {{"deny", "yes"}}}}}};
  json by_object = hook({rule({"pods"})}, {{"objectSelector", {{"matchLabels", {{"deny", "yes"}}}}}});
  EXPECT_TRUE(match_webhook(by_object, input(kPods, "default", pod)));
  EXPECT_FALSE(match_webhook(by_object, input(kPods, "default", {{"metadata", {{"name", "p"}}}})));
  // On UPDATE/DELETE the old object's labels count too.
  MatchInput del = input(kPods, "default", nullptr);
  del.operation = "DELETE";
  del.old_object = pod;
  EXPECT_FALSE(match_webhook(by_object, del));  // the rule names CREATE and UPDATE only
  json any_op = hook({rule({"pods"}, {"*"})}, {{"objectSelector", {{"matchLabels", {{"deny", "yes"}}}}}});
  EXPECT_TRUE(match_webhook(any_op, del));

  json by_ns = hook({rule({"*"})}, {{"namespaceSelector", {{"matchLabels", {{"watched", "true"}}}}}});
  EXPECT_TRUE(match_webhook(by_ns, input(kPods, "a", pod, {{"watched", "true"}})));
  EXPECT_FALSE(match_webhook(by_ns, input(kPods, "b", pod, json::object())));
  // Cluster-scoped objects are never exempted by a namespaceSelector.
  EXPECT_TRUE(match_webhook(by_ns, input(kClusterRoles, "", pod)));
}

TEST(MatchWebhook, EquivalentVersionsUnlessExact) {
  ResourceRef v1beta1 = kRules;
  v1beta1.version = "v1beta1";
  MatchInput in = input(v1beta1, "a", {{"metadata", {{"name", "r"}}}});
  in.equivalents = {kRules};
  json only_alpha = hook({rule({"falcorules"}, {"CREATE"}, {"peregrine.dev"}, {"v1alpha1"})});
  auto target = match_webhook(only_alpha, in);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->version, "v1alpha1");
  json exact = only_alpha;
  exact["matchPolicy"] = "Exact";
  EXPECT_FALSE(match_webhook(exact, in));
}

}  // namespace
}  // namespace peregrine::apiserver
