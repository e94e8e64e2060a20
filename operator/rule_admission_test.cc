#include "operator/rule_admission.h"

#include <gtest/gtest.h>

namespace peregrine::op {
namespace {

const char* kMacro = R"(- macro: shadow_read
  condition: evt.type = openat and fd.name = /etc/shadow
)";

nlohmann::json falco_rule(const std::string& ns, const std::string& name, const std::string& rules, int order = 0) {
  return {{"apiVersion", "peregrine.dev/v1alpha1"},
          {"kind", "FalcoRule"},
          {"metadata", {{"namespace", ns}, {"name", name}}},
          {"spec", {{"rules", rules}, {"order", order}}}};
}

std::string rule_using(const std::string& condition, const std::string& name = "Uses macro") {
  return "- rule: " + name + "\n  desc: d\n  condition: " + condition + "\n  output: o\n  priority: WARNING\n";
}

class RuleAdmission : public ::testing::Test {
 protected:
  engine::Engine engine{"test"};
  std::vector<nlohmann::json> cluster;
  admission::Validator validator =
      falco_rule_set_validator(engine, "peregrine-system", [this] { return cluster; });

  admission::Verdict review(const nlohmann::json& object, const std::string& operation = "CREATE") {
    admission::AdmissionRequest r;
    r.uid = "u";
    r.operation = operation;
    r.ns = object["metadata"]["namespace"];
    r.name = object["metadata"]["name"];
    r.object = object;
    return validator(r);
  }
};

TEST_F(RuleAdmission, ARuleUsingAMacroOfAnotherFalcoRuleIsAllowed) {
  cluster.push_back(falco_rule("peregrine-system", "macros", kMacro, 1));
  EXPECT_TRUE(review(falco_rule("peregrine-system", "user", rule_using("shadow_read"), 2)).allowed);
}

TEST_F(RuleAdmission, AnOwnSyntaxErrorIsRefusedWithLineAndColumn) {
  auto v = review(falco_rule("peregrine-system", "bad", rule_using("evt.type = = openat")));
  ASSERT_FALSE(v.allowed);
  EXPECT_NE(v.message.find("spec.rules:3:"), std::string::npos) << v.message;
}

TEST_F(RuleAdmission, AMacroNobodyDefinesIsRefusedAsPartOfTheSet) {
  cluster.push_back(falco_rule("peregrine-system", "macros", kMacro, 1));
  auto v = review(falco_rule("peregrine-system", "user", rule_using("shadow_write"), 2));
  ASSERT_FALSE(v.allowed);
  EXPECT_NE(v.message.find("shadow_write"), std::string::npos) << v.message;
}

TEST_F(RuleAdmission, TheSetIsCompiledInLoadOrder) {
  // Definitions may come in any order within the loaded set (as in Falco), so a macro from a
  // FalcoRule that loads later still serves.
  cluster.push_back(falco_rule("peregrine-system", "macros", kMacro, 5));
  EXPECT_TRUE(review(falco_rule("peregrine-system", "user", rule_using("shadow_read"), 1)).allowed);
}

TEST_F(RuleAdmission, ATenantMayNotRedefineAClusterWideMacro) {
  cluster.push_back(falco_rule("peregrine-system", "macros", kMacro, 1));
  auto v = review(falco_rule("team-a", "mine", kMacro));
  ASSERT_FALSE(v.allowed);
  EXPECT_NE(v.message.find("shadow_read"), std::string::npos) << v.message;
}

TEST_F(RuleAdmission, AnUpdateIsJudgedInPlaceOfTheStoredVersion) {
  // The stored version defines the rule; the update redefines it. Compiled with both, the
  // rule would merely be redefined; compiled with the update alone in its place it must load.
  cluster.push_back(falco_rule("peregrine-system", "user", rule_using("evt.type = openat")));
  EXPECT_TRUE(review(falco_rule("peregrine-system", "user", rule_using("evt.type = execve")), "UPDATE").allowed);
}

TEST_F(RuleAdmission, ErrorsThatWereThereBeforeAreNotTheNewcomersToAnswerFor) {
  // A FalcoRule already stored (webhook off at the time) refers to a macro nobody defines.
  cluster.push_back(falco_rule("peregrine-system", "old", rule_using("missing_macro", "Old"), 1));
  EXPECT_TRUE(review(falco_rule("peregrine-system", "new", rule_using("evt.type = openat", "New"), 2)).allowed);
}

TEST_F(RuleAdmission, AnAppendThatBreaksASharedMacroIsRefused) {
  // Appending to another FalcoRule's macro in a way that breaks it (and the rule using it).
  cluster.push_back(falco_rule("peregrine-system", "macros", kMacro, 1));
  cluster.push_back(falco_rule("peregrine-system", "user", rule_using("shadow_read"), 3));
  auto v = review(falco_rule("peregrine-system", "breaker",
                             "- macro: shadow_read\n  condition: and and\n  append: true\n", 2));
  ASSERT_FALSE(v.allowed);
}

TEST_F(RuleAdmission, OtherOperationsAreAllowed) {
  EXPECT_TRUE(review(falco_rule("peregrine-system", "x", "not even yaml: ["), "DELETE").allowed);
}

}  // namespace
}  // namespace peregrine::op
