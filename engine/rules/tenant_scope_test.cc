// Tenant scopes (engine/rules/rule_text.h): tenants' items live apart from each other and from
// the cluster-wide ones, tenants cannot touch cluster-wide items, and every tenant rule matches
// only its namespace's events, whatever its condition says.

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/compiler/test_support.h"
#include "engine/sources/k8s_audit/audit_event.h"
#include "engine/sources/k8s_audit/audit_test_events.h"

namespace peregrine::engine {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::dump;
using testing::find_code;
using testing::messages;
using testing::SyscallScene;

// Cluster-wide: a list and a macro tenants may use, and a rule of its own.
constexpr const char* kCluster = R"(
- list: secret_files
  items: [/etc/shadow, /etc/sudoers]
- macro: open_read
  condition: evt.type = openat
- rule: Cluster read
  desc: d
  condition: open_read and fd.name in (secret_files) and proc.name = nobody
  output: "cluster %fd.name"
  priority: WARNING
)";

// The same names in two tenants, meaning different things.
constexpr const char* kTeamA = R"(
- macro: mine
  condition: proc.name = cat
- rule: Shell in pod
  desc: a
  condition: open_read and mine and fd.name in (secret_files)
  output: "a %proc.name"
  priority: NOTICE
)";
constexpr const char* kTeamB = R"(
- macro: mine
  condition: proc.name = dog
- rule: Shell in pod
  desc: b
  condition: open_read and mine
  output: "b %proc.name"
  priority: NOTICE
)";

class TenantScopeTest : public ::testing::Test {
 protected:
  std::shared_ptr<const Ruleset> ok(std::vector<RuleText> texts) {
    result = engine.load_texts(texts);
    EXPECT_TRUE(result.report.ok()) << dump(result.report);
    return result.ruleset;
  }
  std::vector<std::string> errors(std::vector<RuleText> texts) {
    result = engine.load_texts(texts);
    EXPECT_FALSE(result.report.ok());
    EXPECT_EQ(result.ruleset, nullptr);
    return messages(result.report);
  }
  // `tenant/rule` (`/rule` for cluster-wide) of every rule that matches `event`, in order.
  static std::vector<std::string> fired(const std::shared_ptr<const Ruleset>& rs, const Event& event,
                                        std::string_view source = "syscall",
                                        RuleMatching matching = RuleMatching::kAll) {
    std::vector<std::string> out;
    if (!rs) return {"<no ruleset>"};
    const SourceRuleset* rules = rs->for_source(source);
    if (!rules) return out;
    auto ctx = rules->new_context();
    rules->evaluate(*ctx, event, matching,
                    [&](const CompiledRule& r) { out.push_back(r.tenant + "/" + r.name); });
    return out;
  }
  std::vector<std::string> fires_in(const std::shared_ptr<const Ruleset>& rs, const std::string& ns,
                                    RuleMatching matching = RuleMatching::kAll) {
    s.k8s.ns_name = ns;
    return fired(rs, s.event, "syscall", matching);
  }

  Engine engine{"test-host"};
  LoadResult result;
  SyscallScene s;  // cat opens /etc/shadow in a pod of namespace "default"
};

TEST_F(TenantScopeTest, GuardPerSource) {
  EXPECT_EQ(*tenant_guard("team-a", "syscall"), "k8s.ns.name = \"team-a\"");
  EXPECT_EQ(*tenant_guard("team-a", "k8s_audit"), "ka.target.namespace = \"team-a\"");
  auto plugin = tenant_guard("team-a", "aws_cloudtrail");
  ASSERT_FALSE(plugin.ok());
  EXPECT_THAT(plugin.error().message, HasSubstr("may not use source 'aws_cloudtrail'"));
  for (const std::string& bad : std::vector<std::string>{"", "Team-A", "a\" or \"b", "-a", "a-", "a.b", std::string(64, 'a')}) {
    EXPECT_FALSE(tenant_guard(bad, "syscall").ok()) << bad;
  }
  EXPECT_TRUE(tenant_guard(std::string(63, 'a'), "syscall").ok());
}

TEST_F(TenantScopeTest, TwoTenantsDefineTheSameNamesIndependently) {
  auto rs = ok({{"cluster.yaml", kCluster, ""}, {"a.yaml", kTeamA, "team-a"}, {"b.yaml", kTeamB, "team-b"}});
  ASSERT_NE(rs, nullptr);
  const auto& rules = rs->for_source("syscall")->rules();
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[1].name, "Shell in pod");
  EXPECT_EQ(rules[1].tenant, "team-a");
  EXPECT_EQ(rules[1].desc, "a");
  EXPECT_EQ(rules[2].name, "Shell in pod");
  EXPECT_EQ(rules[2].tenant, "team-b");
  EXPECT_EQ(rules[2].desc, "b");

  // cat in team-a: team-a's `mine`; team-b's rule would need a dog, and another namespace.
  EXPECT_THAT(fires_in(rs, "team-a"), ElementsAre("team-a/Shell in pod"));
  EXPECT_THAT(fires_in(rs, "team-b"), IsEmpty());
  s.cat.comm = "dog";
  EXPECT_THAT(fires_in(rs, "team-b"), ElementsAre("team-b/Shell in pod"));
  EXPECT_THAT(fires_in(rs, "team-a"), IsEmpty());

  // The alert names the rule as written.
  s.k8s.ns_name = "team-b";
  const SourceRuleset* sys = rs->for_source("syscall");
  auto ctx = sys->new_context();
  std::vector<Alert> alerts;
  sys->evaluate(*ctx, s.event, RuleMatching::kAll,
                [&](const CompiledRule& r) { alerts.push_back(sys->make_alert(r, *ctx, "h")); });
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].rule, "Shell in pod");
  EXPECT_EQ(alerts[0].message, "b dog");

  // Per-file counts are the file's own.
  EXPECT_EQ(result.report.files[1].rules, 1);
  EXPECT_EQ(result.report.files[1].macros, 1);
  EXPECT_EQ(result.report.files[2].rules, 1);
}

TEST_F(TenantScopeTest, TenantRuleMatchesOnlyItsNamespace) {
  auto rs = ok({{"a.yaml", R"(
- rule: Any open
  desc: d
  condition: evt.type = openat or evt.type = execve
  output: o
  priority: INFO
)", "team-a"}});
  EXPECT_THAT(fires_in(rs, "team-a"), ElementsAre("team-a/Any open"));
  EXPECT_THAT(fires_in(rs, "default"), IsEmpty());
  EXPECT_THAT(fires_in(rs, "team-a-2"), IsEmpty());
  // No pod, no namespace: the guard does not match.
  s.event.k8s = nullptr;
  EXPECT_THAT(fired(rs, s.event), IsEmpty());
  // The guard adds no event type: the rule is still indexed by its own.
  const CompiledRule& r = rs->for_source("syscall")->rules()[0];
  ASSERT_TRUE(r.event_types.has_value());
  EXPECT_TRUE((*r.event_types)[kSysOpenat]);
  EXPECT_TRUE((*r.event_types)[kSysExecve]);
  EXPECT_FALSE((*r.event_types)[kSysCreat]);
}

TEST_F(TenantScopeTest, AuditRuleMatchesOnlyItsNamespace) {
  auto events = parse_audit_payload(audit_test::kPodCreate);  // a pod created in "shop"
  ASSERT_TRUE(events.ok()) << events.error().message;
  const std::string rule = R"(
- rule: Pod created
  desc: d
  condition: ka.verb = create and ka.target.resource = pods
  output: "%ka.target.namespace %ka.target.name"
  priority: INFO
  source: k8s_audit
)";
  auto rs = ok({{"shop.yaml", rule, "shop"}, {"prod.yaml", rule, "prod"}});
  EXPECT_THAT(fired(rs, (*events)[0], "k8s_audit"), ElementsAre("shop/Pod created"));
  auto only_prod = ok({{"prod.yaml", rule, "prod"}});
  EXPECT_THAT(fired(only_prod, (*events)[0], "k8s_audit"), IsEmpty());
}

TEST_F(TenantScopeTest, AppendedOrCannotEscapeTheGuard) {
  // `A and B or C` would be `(A and B) or C` if the guard were text joined before the append.
  auto rs = ok({{"a.yaml", R"(
- macro: leaky
  condition: proc.name = dog or evt.type = openat
- rule: r
  desc: d
  condition: evt.type = openat and proc.name = dog
  output: o
  priority: INFO
- rule: r
  condition: or proc.name = cat
  override:
    condition: append
- rule: m
  desc: d
  condition: leaky or
  output: o
  priority: INFO
  enabled: false
- rule: m
  condition: proc.name = cat
  override: {condition: append, enabled: replace}
  enabled: true
)", "team-a"}});
  EXPECT_THAT(fires_in(rs, "team-a"), ElementsAre("team-a/r", "team-a/m"));
  EXPECT_THAT(fires_in(rs, "default"), IsEmpty());
  EXPECT_THAT(fires_in(rs, "team-b"), IsEmpty());
}

TEST_F(TenantScopeTest, ExceptionsApplyInsideTheGuard) {
  auto rs = ok({{"a.yaml", R"(
- rule: r
  desc: d
  condition: evt.type = openat
  output: o
  priority: INFO
  exceptions:
    - name: cats
      fields: proc.name
      values: [cat]
- rule: r
  exceptions:
    - name: dogs
      fields: proc.name
      values: [dog]
  override: {exceptions: append}
)", "team-a"}});
  EXPECT_THAT(fires_in(rs, "team-a"), IsEmpty());
  s.cat.comm = "bird";
  EXPECT_THAT(fires_in(rs, "team-a"), ElementsAre("team-a/r"));
  EXPECT_THAT(fires_in(rs, "default"), IsEmpty());
}

TEST_F(TenantScopeTest, RedefiningClusterWideItemsIsRefusedWithPosition) {
  auto errs = errors({{"cluster.yaml", kCluster, ""}, {"a.yaml", R"(
- list: secret_files
  items: [/tmp/x]
- macro: open_read
  condition: evt.type = execve
- rule: Cluster read
  desc: d
  condition: evt.type = openat
  output: o
  priority: INFO
- rule: Fine
  desc: d
  condition: open_read
  output: o
  priority: INFO
)", "team-a"}});
  EXPECT_THAT(errs, ElementsAre("2:9: tenant team-a may not redefine cluster-wide list 'secret_files'",
                                "4:10: tenant team-a may not redefine cluster-wide macro 'open_read'",
                                "6:9: tenant team-a may not redefine cluster-wide rule 'Cluster read'"));
  const Diagnostic* d = find_code(result.report, "tenant-scope");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->file, "a.yaml");
  EXPECT_EQ(d->item, "list 'secret_files'");
  EXPECT_TRUE(result.report.files[0].errors.empty());
}

TEST_F(TenantScopeTest, AppendingToOverridingOrTogglingClusterWideItemsIsRefused) {
  auto errs = errors({{"cluster.yaml", kCluster, ""}, {"a.yaml", R"(
- list: secret_files
  items: [/tmp/x]
  override: {items: append}
- macro: open_read
  condition: or evt.type = execve
  append: true
- rule: Cluster read
  condition: or proc.name = cat
  override: {condition: append}
- rule: Cluster read
  enabled: false
- rule: Cluster read
  exceptions:
    - name: x
      fields: proc.name
      values: [cat]
  append: true
)", "team-a"}});
  EXPECT_THAT(errs, ElementsAre("2:9: tenant team-a may not override cluster-wide list 'secret_files'",
                                "5:10: tenant team-a may not append to cluster-wide macro 'open_read'",
                                "8:9: tenant team-a may not override cluster-wide rule 'Cluster read'",
                                "11:9: tenant team-a may not enable or disable cluster-wide rule 'Cluster read'",
                                "13:9: tenant team-a may not append to cluster-wide rule 'Cluster read'"));
}

TEST_F(TenantScopeTest, ClusterWideTextLoadedAfterATenantStillWins) {
  // The tenant's names came first; the conflict is still the tenant's, reported at its item.
  auto errs = errors({{"a.yaml", R"(
- macro: open_read
  condition: evt.type = execve
)", "team-a"}, {"cluster.yaml", kCluster, ""}});
  ASSERT_EQ(errs.size(), 1u) << dump(result.report);
  EXPECT_EQ(errs[0], "2:3: tenant team-a may not redefine cluster-wide macro 'open_read' "
                     "(defined cluster-wide by cluster.yaml, loaded after this text)");
  EXPECT_FALSE(result.report.files[0].errors.empty());
  EXPECT_TRUE(result.report.files[1].errors.empty());
}

TEST_F(TenantScopeTest, TenantSeesOnlyClusterWideAndOwnItems) {
  auto errs = errors({{"a.yaml", kTeamA, "team-a"}, {"b.yaml", R"(
- rule: Uses a's macro
  desc: d
  condition: evt.type = openat and mine
  output: o
  priority: INFO
- macro: mine
  condition: or proc.name = cat
  override: {condition: append}
)", "team-b"}});
  // open_read and secret_files are not cluster-wide here: team-a's rule fails too.
  EXPECT_THAT(errs, Contains(HasSubstr("undefined macro 'open_read'")));
  EXPECT_THAT(errs, Contains("7:3: macro 'mine' has no earlier definition to append to"));
  EXPECT_THAT(errs, Contains(HasSubstr("undefined macro 'mine'")));
}

TEST_F(TenantScopeTest, TenantRefinesItsOwnItems) {
  auto rs = ok({{"cluster.yaml", kCluster, ""}, {"a.yaml", R"(
- list: names
  items: [dog]
- macro: named
  condition: proc.name in (names)
- rule: r
  desc: d
  condition: open_read and named
  output: o
  priority: INFO
)", "team-a"}, {"a-tuning.yaml", R"(
- list: names
  items: [cat]
  append: true
- rule: r
  condition: and fd.name in (secret_files)
  append: true
- rule: s
  desc: d
  condition: open_read
  output: o
  priority: INFO
- rule: s
  enabled: false
)", "team-a"}});
  EXPECT_THAT(fires_in(rs, "team-a"), ElementsAre("team-a/r"));
  EXPECT_THAT(fires_in(rs, "default"), IsEmpty());
  ASSERT_NE(rs, nullptr);
  // Cluster-wide items a tenant uses are not "unused"; nothing here is.
  EXPECT_EQ(find_code(result.report, "unused-macro", false), nullptr) << dump(result.report);
  EXPECT_EQ(find_code(result.report, "unused-list", false), nullptr) << dump(result.report);
}

TEST_F(TenantScopeTest, UnusedTenantItemsWarnInTheirFile) {
  ok({{"cluster.yaml", kCluster, ""}, {"a.yaml", R"(
- macro: idle
  condition: proc.name = x
- rule: r
  desc: d
  condition: open_read
  output: o
  priority: INFO
)", "team-a"}});
  const Diagnostic* d = find_code(result.report, "unused-macro", false);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->file, "a.yaml");
  EXPECT_EQ(d->item, "macro 'idle'");
}

TEST_F(TenantScopeTest, ClusterWideRulesEvaluateFirst) {
  // The tenant text comes first, but its catch-all must not hide the cluster-wide alert.
  auto rs = ok({{"a.yaml", R"(
- rule: Catch all
  desc: d
  condition: evt.type = openat
  output: o
  priority: DEBUG
)", "team-a"}, {"cluster.yaml", R"(
- rule: Shadow read
  desc: d
  condition: evt.type = openat and fd.name = /etc/shadow
  output: o
  priority: CRITICAL
)", ""}});
  EXPECT_THAT(fires_in(rs, "team-a", RuleMatching::kFirst), ElementsAre("/Shadow read"));
  EXPECT_THAT(fires_in(rs, "team-a", RuleMatching::kAll), ElementsAre("/Shadow read", "team-a/Catch all"));
}

TEST_F(TenantScopeTest, PluginSourceIsRefusedForTenants) {
  constexpr const char* kPluginRule = R"(
- rule: Cloud
  desc: d
  condition: ct.name = x
  output: o
  priority: INFO
  source: aws_cloudtrail
)";
  auto errs = errors({{"a.yaml", kPluginRule, "team-a"}});
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0], HasSubstr("7:11: tenant team-a may not use source 'aws_cloudtrail'"));
  EXPECT_NE(find_code(result.report, "tenant-source"), nullptr);
  // Cluster-wide, the same rule is skipped with a warning, as before.
  ok({{"c.yaml", kPluginRule, ""}});
  EXPECT_NE(find_code(result.report, "unknown-source", false), nullptr);
}

TEST_F(TenantScopeTest, TenantMustBeANamespaceName) {
  auto errs = errors({{"a.yaml", kTeamA, "Team A"}});
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0], HasSubstr("tenant 'Team A' is not a Kubernetes namespace name"));
  EXPECT_EQ(find_code(result.report, "tenant-name")->file, "a.yaml");
}

TEST_F(TenantScopeTest, DiagnosticsPointIntoTheTenantText) {
  auto errs = errors({{"cluster.yaml", kCluster, ""}, {"team-a/web.yaml", R"(
- rule: r
  desc: d
  condition: open_read and fd.nme = x
  output: o
  priority: INFO
)", "team-a"}});
  ASSERT_EQ(errs.size(), 1u) << dump(result.report);
  EXPECT_THAT(errs[0], HasSubstr("4:28: unknown field"));
  EXPECT_EQ(result.report.files[1].errors[0].file, "team-a/web.yaml");
}

TEST_F(TenantScopeTest, PairOverloadStaysClusterWide) {
  auto viaPairs = engine.load_texts({{"cluster.yaml", kCluster}});
  ASSERT_TRUE(viaPairs.report.ok()) << dump(viaPairs.report);
  EXPECT_EQ(viaPairs.ruleset->for_source("syscall")->rules()[0].tenant, "");
  auto viaTexts = ok({{"cluster.yaml", kCluster, ""}});
  EXPECT_EQ(viaTexts->rule_count(), viaPairs.ruleset->rule_count());
}

// The public Falco ruleset defines everything it uses, so it loads as a tenant text; two
// tenants may load it side by side.
TEST_F(TenantScopeTest, FalcoRulesLoadAsTenantTexts) {
  std::ifstream in(std::string(PEREGRINE_COMPAT_DIR) + "/falco_rules.yaml");
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_GT(text.str().size(), 1000u);
  auto rs = ok({{"falco_rules.yaml", text.str(), "team-a"}, {"falco_rules.yaml", text.str(), "team-b"}});
  ASSERT_NE(rs, nullptr);
  EXPECT_EQ(rs->rule_count(), 50u);
  EXPECT_EQ(result.report.files[0].rules, 25);
  // `cat /etc/shadow` from an interactive shell in a pod: Falco's rule fires, in team-a only.
  EXPECT_THAT(fires_in(rs, "team-a"), ElementsAre("team-a/Read sensitive file untrusted"));
  EXPECT_THAT(fires_in(rs, "team-b"), ElementsAre("team-b/Read sensitive file untrusted"));
  EXPECT_THAT(fires_in(rs, "default"), IsEmpty());
  // The tenant's warnings are the cluster-wide load's: the container plugin requirement only.
  for (const auto& f : result.report.files) {
    ASSERT_EQ(f.warnings.size(), 1u) << dump(result.report);
    EXPECT_EQ(f.warnings[0].code, "plugin-builtin");
  }
}

}  // namespace
}  // namespace peregrine::engine
