// The default rules in rules/: they load cleanly, every rule has the metadata users and sinks
// rely on, every rule fires on its scenario and stays silent on its near misses (no rule at all
// may fire on a near miss or on everyday activity), and the documented tuning points work.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "rules/test/cases.h"

namespace peregrine::rules_test {
namespace {

using engine::Alert;
using engine::CompiledRule;
using engine::SourceRuleset;

std::vector<std::string> rule_files() {
  auto paths = engine::expand_rule_paths({PEREGRINE_RULES_DIR});
  EXPECT_TRUE(paths.ok());
  return paths.ok() ? *paths : std::vector<std::string>{};
}

const engine::Engine& the_engine() {
  static const engine::Engine e("node-1");
  return e;
}

const engine::LoadResult& loaded() {
  static const engine::LoadResult r = the_engine().load_files(rule_files());
  return r;
}

const SourceRuleset& syscall_rules() {
  const SourceRuleset* s = loaded().ruleset ? loaded().ruleset->for_source("syscall") : nullptr;
  if (!s) throw std::runtime_error("rules/ did not load a syscall ruleset");
  return *s;
}

// Every alert the ruleset raises for `event`, all rules considered.
std::vector<Alert> evaluate(const SourceRuleset& rules, const SyscallEvent& event) {
  std::vector<Alert> alerts;
  auto ctx = rules.new_context();
  rules.evaluate(*ctx, event, engine::RuleMatching::kAll, [&](const CompiledRule& r) {
    alerts.push_back(rules.make_alert(r, *ctx, "node-1"));
  });
  return alerts;
}

std::string names(const std::vector<Alert>& alerts) {
  std::string out;
  for (const auto& a : alerts) out += (out.empty() ? "'" : ", '") + a.rule + "'";
  return out.empty() ? "none" : out;
}

std::string field_text(const nlohmann::ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::vector<Case> all_cases() {
  std::vector<Case> all;
  for (auto* group : {filesystem_cases, process_cases, network_cases, kernel_cases, benign_cases}) {
    for (Case& c : group()) all.push_back(std::move(c));
  }
  return all;
}

TEST(DefaultRules, LoadWithoutErrorsOrWarnings) {
  const auto& report = loaded().report;
  for (const auto& f : report.files) {
    for (const auto& d : f.errors) ADD_FAILURE() << d.to_string();
    for (const auto& d : f.warnings) ADD_FAILURE() << d.to_string();
  }
  ASSERT_NE(loaded().ruleset, nullptr);
  EXPECT_GE(syscall_rules().rules().size(), 30u);
}

TEST(DefaultRules, EveryRuleIsDescribedTaggedAndTyped) {
  const std::set<std::string> required_output = {"proc.name", "proc.cmdline", "proc.pname",
                                                 "user.name", "user.uid", "container.id",
                                                 "container.name"};
  for (const CompiledRule& r : syscall_rules().rules()) {
    SCOPED_TRACE(r.name);
    EXPECT_FALSE(r.desc.empty());
    EXPECT_TRUE(r.enabled);
    EXPECT_TRUE(r.event_types.has_value()) << "condition must restrict evt.type";
    bool mitre_tactic = false, mitre_technique = false;
    for (const auto& t : r.tags) {
      mitre_tactic = mitre_tactic || t.starts_with("mitre_");
      mitre_technique = mitre_technique || (t.size() > 1 && t[0] == 'T' && isdigit(t[1]));
    }
    EXPECT_TRUE(mitre_tactic && mitre_technique) << "needs a mitre_* tactic and a T#### technique";
    std::set<std::string> output;
    for (const auto& f : r.output.fields()) output.insert(f.name);
    for (const auto& f : required_output) EXPECT_TRUE(output.contains(f)) << "output lacks " << f;
  }
}

// Each rule has a scenario that fires it and a near miss that does not.
TEST(DefaultRules, EveryRuleHasFiringAndSilentCases) {
  std::map<std::string, std::pair<int, int>> counts;  // rule -> (fires, silent)
  for (const Case& c : all_cases()) {
    if (c.rule.empty()) continue;
    (c.fires ? counts[c.rule].first : counts[c.rule].second)++;
  }
  std::set<std::string> known;
  for (const CompiledRule& r : syscall_rules().rules()) {
    known.insert(r.name);
    EXPECT_GE(counts[r.name].first, 1) << r.name << " has no firing case";
    EXPECT_GE(counts[r.name].second, 1) << r.name << " has no near-miss case";
  }
  for (const auto& [rule, n] : counts) EXPECT_TRUE(known.contains(rule)) << "case names unknown rule " << rule;
}

}  // namespace

// Names a case in gtest's messages instead of dumping its bytes.
void PrintTo(const Case& c, std::ostream* os) {
  *os << (c.fires ? "fires '" : "silent on '") << c.rule << "': " << c.name;
}

namespace {

class RuleCase : public ::testing::TestWithParam<Case> {};

TEST_P(RuleCase, FiresExactlyWhenExpected) {
  const Case& c = GetParam();
  Scene scene;
  const SyscallEvent& event = c.build(scene);
  std::vector<Alert> alerts = evaluate(syscall_rules(), event);
  if (!c.fires) {
    EXPECT_TRUE(alerts.empty()) << "expected silence, got " << names(alerts);
    return;
  }
  ASSERT_EQ(alerts.size(), 1u) << "expected only '" << c.rule << "', got " << names(alerts);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule, c.rule);
  EXPECT_EQ(a.source, "syscall");
  EXPECT_FALSE(a.message.empty());
  for (const auto& [field, value] : c.fields) {
    ASSERT_TRUE(a.output_fields.contains(field)) << field << " is not in the rule's output";
    EXPECT_EQ(field_text(a.output_fields[field]), value) << field;
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, RuleCase, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.fires ? "fires_" : "silent_") + info.param.name;
                         });

TEST(DefaultRules, CaseNamesAreUnique) {
  std::set<std::string> seen;
  for (const Case& c : all_cases()) EXPECT_TRUE(seen.insert(c.name).second) << c.name;
}

// The tuning recipes of rules/README.md, applied on top of the default files.
std::vector<std::pair<std::string, std::string>> rule_texts_plus(const std::string& tuning) {
  std::vector<std::pair<std::string, std::string>> texts;
  for (const auto& path : rule_files()) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    texts.emplace_back(path, text.str());
  }
  texts.emplace_back("tuning.yaml", tuning);
  return texts;
}

size_t alerts_with_tuning(const std::string& tuning, const Build& build) {
  engine::LoadResult r = the_engine().load_texts(rule_texts_plus(tuning));
  for (const auto& f : r.report.files) {
    for (const auto& d : f.errors) ADD_FAILURE() << d.to_string();
    for (const auto& d : f.warnings) ADD_FAILURE() << d.to_string();
  }
  if (!r.ruleset) return 0;
  Scene scene;
  return evaluate(*r.ruleset->for_source("syscall"), build(scene)).size();
}

TEST(DefaultRulesTuning, AppendingToAnAllowListSilencesARule) {
  Build cat_shadow = [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/cat", {"/etc/shadow"}), "/etc/shadow", kRdOnly);
  };
  EXPECT_EQ(alerts_with_tuning("- list: peregrine_etc_writers\n  items: [puppet]\n  override:\n    items: append\n",
                               cat_shadow), 1u);
  EXPECT_EQ(alerts_with_tuning("- list: peregrine_credential_readers\n  items: [cat]\n  override:\n    items: append\n",
                               cat_shadow), 0u);
}

TEST(DefaultRulesTuning, ExceptionValuesSilenceOneImage) {
  Build shell = [](Scene& s) -> const SyscallEvent& { return s.execve(s.container_bash); };
  const std::string tuning = R"(
- rule: Interactive shell in container
  exceptions:
    - name: image
      values: [docker.io/library/nginx]
  override:
    exceptions: append
)";
  EXPECT_EQ(alerts_with_tuning("", shell), 1u);
  EXPECT_EQ(alerts_with_tuning(tuning, shell), 0u);
}

TEST(DefaultRulesTuning, RuleCanBeDisabled) {
  Build nmap = [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/usr/bin/nmap", {"-sn", "10.0.0.0/24"}));
  };
  EXPECT_EQ(alerts_with_tuning("- rule: Network scanner started on host\n  enabled: false\n  override:\n    enabled: replace\n",
                               nmap), 0u);
}

}  // namespace
}  // namespace peregrine::rules_test
