#include "operator/admission/validators.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace peregrine::op::admission {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

AdmissionRequest request(const std::string& operation, nlohmann::json object) {
  AdmissionRequest r;
  r.uid = "u";
  r.operation = operation;
  r.ns = "team-a";
  r.name = "x";
  r.object = std::move(object);
  return r;
}

nlohmann::json falco_rule(const std::string& rules) {
  return {{"apiVersion", "peregrine.dev/v1alpha1"}, {"kind", "FalcoRule"},
          {"metadata", {{"name", "x"}, {"namespace", "team-a"}}}, {"spec", {{"rules", rules}}}};
}

class FalcoRuleValidator : public ::testing::Test {
 protected:
  engine::Engine engine_{"test-host"};
  Validator validate_ = falco_rule_alone_validator(engine_);
};

TEST_F(FalcoRuleValidator, AllowsRulesThatLoad) {
  Verdict v = validate_(request("CREATE", falco_rule(R"(- rule: Shell in container
  desc: a shell
  condition: evt.type = execve and proc.name = bash
  output: shell (user=%user.name)
  priority: WARNING
)")));
  EXPECT_TRUE(v.allowed) << v.message;
}

TEST_F(FalcoRuleValidator, RefusesWithPositionsInsideSpecRules) {
  Verdict v = validate_(request("UPDATE", falco_rule(R"(- list: shells
  items: [bash]

- rule: Shell in container
  desc: a shell
  condition: evt.type = execve and proc.name in (shells) and
  output: shell
  priority: WARNING
)")));
  ASSERT_FALSE(v.allowed);
  EXPECT_EQ(v.code, 422);
  EXPECT_EQ(v.reason, "Invalid");
  EXPECT_THAT(v.message, StartsWith("spec.rules:6:"));
  EXPECT_THAT(v.message, HasSubstr("rule 'Shell in container'"));
}

TEST_F(FalcoRuleValidator, RefusesSomethingThatIsNotARulesDocument) {
  nlohmann::json no_rules = falco_rule("");
  no_rules["spec"].erase("rules");
  EXPECT_EQ(validate_(request("CREATE", no_rules)).message,
            "spec.rules: must be a string holding a rules document");
  Verdict v = validate_(request("CREATE", falco_rule("rule: not a list")));
  ASSERT_FALSE(v.allowed);
  EXPECT_THAT(v.message, StartsWith("spec.rules:1:"));
}

TEST_F(FalcoRuleValidator, RulesOutsideTheOperatorNamespaceLoadAsTheirTenant) {
  const std::string plugin_rule = R"(- rule: Cloud login
  desc: d
  condition: ct.name = x
  output: o
  priority: INFO
  source: aws_cloudtrail
)";
  Verdict tenant = validate_(request("CREATE", falco_rule(plugin_rule)));
  ASSERT_FALSE(tenant.allowed);
  EXPECT_THAT(tenant.message, StartsWith("spec.rules:6:11: "));
  EXPECT_THAT(tenant.message, HasSubstr("tenant team-a may not use source 'aws_cloudtrail'"));

  AdmissionRequest cluster_wide = request("CREATE", falco_rule(plugin_rule));
  cluster_wide.ns = "peregrine-system";
  Verdict v = validate_(cluster_wide);
  EXPECT_TRUE(v.allowed) << v.message;
  EXPECT_FALSE(v.warnings.empty());  // an unknown source is skipped with a warning, as in Falco
}

TEST_F(FalcoRuleValidator, DeletesAreNotChecked) {
  EXPECT_TRUE(validate_(request("DELETE", nullptr)).allowed);
}

TEST(VerdictFromDiagnostics, ListsErrorsUpToALimitAndPassesWarnings) {
  std::vector<engine::Diagnostic> errors;
  for (int i = 1; i <= 23; ++i) errors.push_back({"code", "bad", "spec.rules", i, 2, ""});
  engine::Diagnostic warning{"w", "never matches", "spec.rules", 4, 0, "rule 'r'"};
  Verdict v = verdict_from_diagnostics(errors, {warning});
  ASSERT_FALSE(v.allowed);
  EXPECT_THAT(v.message, StartsWith("spec.rules:1:2: bad\nspec.rules:2:2: bad\n"));
  EXPECT_THAT(v.message, ::testing::EndsWith("spec.rules:20:2: bad\nand 3 more errors"));
  EXPECT_THAT(v.warnings, ::testing::ElementsAre("spec.rules:4: rule 'r': never matches"));
  EXPECT_TRUE(verdict_from_diagnostics({}, {warning}).allowed);
  EXPECT_EQ(describe_rules_diagnostic({"c", "no position", "f", 0, 0, ""}), "spec.rules: no position");
}

TEST(FalcoOutputValidator, AllowsUsableOutputsAndRefusesOthersPrecisely) {
  Validator validate = falco_output_validator();
  nlohmann::json ok = {{"metadata", {{"name", "siem"}}},
                       {"spec", {{"type", "webhook"}, {"url", "https://siem.example/"}}}};
  EXPECT_TRUE(validate(request("CREATE", ok)).allowed);
  nlohmann::json bad = {{"metadata", {{"name", "siem"}}}, {"spec", {{"type", "webhook"}, {"path", "/x"}}}};
  Verdict v = validate(request("CREATE", bad));
  ASSERT_FALSE(v.allowed);
  EXPECT_EQ(v.message, "spec.path: does not apply to type 'webhook' (only to file); "
                       "spec.url: is required for type 'webhook'");
  // generateName: no name yet, and no namespace in the object.
  nlohmann::json unnamed = {{"metadata", {{"generateName", "s-"}}}, {"spec", {{"type", "stdout"}}}};
  AdmissionRequest r = request("CREATE", unnamed);
  r.name = "";
  EXPECT_TRUE(validate(r).allowed);
  EXPECT_TRUE(validate(request("CREATE", {{"metadata", "odd"}, {"spec", {{"type", "stdout"}}}})).allowed);
  EXPECT_TRUE(validate(request("DELETE", nullptr)).allowed);
}

}  // namespace
}  // namespace peregrine::op::admission
