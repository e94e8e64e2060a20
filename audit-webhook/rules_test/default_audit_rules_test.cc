// The default k8s_audit rules (rules/k8s_audit/) against their test events
// (rules/k8s_audit/tests/cases.yaml): every rule fires on each of its `fires` events, stays
// quiet on each of its `quiet` events, names user, verb and target in its output, and no rule
// is left without both kinds of case. Events run through the engine exactly as the webhook's
// evaluation threads run them.
#include <cctype>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "engine/engine.h"
#include "engine/sources/k8s_audit/audit_event.h"
#include "kube/testing/yaml_json.h"

namespace peregrine::audit {
namespace {

const std::string kRulesDir = std::string(PEREGRINE_SOURCE_DIR) + "/rules/k8s_audit";
const std::string kCasesFile = kRulesDir + "/tests/cases.yaml";

using kube::testing::yaml_to_json;

struct Case {
  std::string rule;
  std::vector<nlohmann::json> fires, quiet;
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.rule; }

std::vector<Case> load_cases() {
  std::vector<Case> cases;
  YAML::Node root = YAML::LoadFile(kCasesFile);
  nlohmann::json base = yaml_to_json(root["base"]);
  int n = 0;
  auto event = [&](const YAML::Node& patch) {
    nlohmann::json ev = base;
    ev.merge_patch(yaml_to_json(patch));
    if (!ev.contains("auditID")) ev["auditID"] = "case-" + std::to_string(++n);
    return ev;
  };
  for (const auto& c : root["cases"]) {
    Case out;
    out.rule = c["rule"].Scalar();
    for (const auto& e : c["fires"]) out.fires.push_back(event(e));
    for (const auto& e : c["quiet"]) out.quiet.push_back(event(e));
    cases.push_back(std::move(out));
  }
  return cases;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> all = load_cases();
  return all;
}

class DefaultAuditRules : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    engine_ = new engine::Engine("rules-test");
    auto files = engine::expand_rule_paths({kRulesDir});
    ASSERT_TRUE(files.ok()) << files.error().message;
    engine::LoadResult loaded = engine_->load_files(*files);
    for (const auto& f : loaded.report.files) {
      for (const auto& d : f.errors) ADD_FAILURE() << d.to_string();
      for (const auto& d : f.warnings) ADD_FAILURE() << "warning: " << d.to_string();
    }
    ASSERT_TRUE(loaded.ruleset);
    ruleset_ = new std::shared_ptr<const engine::Ruleset>(loaded.ruleset);
  }
  static void TearDownTestSuite() {
    delete ruleset_;
    delete engine_;
  }

  // rule name -> alert message, for every rule the event raises.
  static std::map<std::string, std::string> raised(const nlohmann::json& doc) {
    auto ev = engine::make_audit_event(doc, 1);
    EXPECT_TRUE(ev.ok()) << ev.error().message;
    std::map<std::string, std::string> out;
    if (!ev.ok()) return out;
    const engine::SourceRuleset* rules = (*ruleset_)->for_source("k8s_audit");
    auto ctx = rules->new_context();
    rules->evaluate(*ctx, *ev, engine::RuleMatching::kAll, [&](const engine::CompiledRule& r) {
      out[r.name] = rules->make_alert(r, *ctx, "h").message;
    });
    return out;
  }

  static engine::Engine* engine_;
  static std::shared_ptr<const engine::Ruleset>* ruleset_;
};

engine::Engine* DefaultAuditRules::engine_ = nullptr;
std::shared_ptr<const engine::Ruleset>* DefaultAuditRules::ruleset_ = nullptr;

TEST_P(DefaultAuditRules, Fires) {
  const Case& c = GetParam();
  ASSERT_FALSE(c.fires.empty());
  for (const auto& ev : c.fires) {
    SCOPED_TRACE(ev.dump());
    auto got = raised(ev);
    ASSERT_TRUE(got.contains(c.rule));
    const std::string& message = got[c.rule];
    EXPECT_NE(message.find("user=" + ev["user"]["username"].get<std::string>()), std::string::npos)
        << message;
    EXPECT_NE(message.find("verb=" + ev["verb"].get<std::string>()), std::string::npos) << message;
  }
}

TEST_P(DefaultAuditRules, StaysQuiet) {
  const Case& c = GetParam();
  ASSERT_FALSE(c.quiet.empty());
  for (const auto& ev : c.quiet) {
    SCOPED_TRACE(ev.dump());
    EXPECT_FALSE(raised(ev).contains(c.rule));
  }
}

std::string test_name(const ::testing::TestParamInfo<Case>& info) {
  std::string name;
  for (char ch : info.param.rule)
    if (std::isalnum(static_cast<unsigned char>(ch))) name += ch;
  return name;
}

INSTANTIATE_TEST_SUITE_P(Rules, DefaultAuditRules, ::testing::ValuesIn(cases()), test_name);

TEST(DefaultAuditRulesCoverage, EveryRuleHasCasesAndThereAreAtLeastTwenty) {
  engine::Engine engine("h");
  auto files = engine::expand_rule_paths({kRulesDir});
  ASSERT_TRUE(files.ok());
  engine::LoadResult loaded = engine.load_files(*files);
  ASSERT_TRUE(loaded.ruleset);
  const engine::SourceRuleset* rules = loaded.ruleset->for_source("k8s_audit");
  ASSERT_NE(rules, nullptr);
  EXPECT_GE(rules->rules().size(), 20u);
  std::set<std::string> covered;
  for (const auto& c : cases()) {
    EXPECT_TRUE(covered.insert(c.rule).second) << "two case groups for " << c.rule;
  }
  for (const auto& r : rules->rules()) {
    EXPECT_TRUE(covered.contains(r.name)) << "no test events for rule " << r.name;
    EXPECT_FALSE(r.desc.empty()) << r.name;
    EXPECT_FALSE(r.tags.empty()) << r.name;
    covered.erase(r.name);
  }
  EXPECT_TRUE(covered.empty()) << "test events for a rule that does not exist: " << *covered.begin();
}

}  // namespace
}  // namespace peregrine::audit
