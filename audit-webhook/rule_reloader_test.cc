// Hot reload: a changed rules file replaces the live ruleset; a broken one is reported with its
// position and the previous ruleset stays. Cluster mode's bundle texts load after the files.
#include "audit-webhook/rule_reloader.h"

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "audit-webhook/testing/test_pki.h"

namespace peregrine::audit {
namespace {

std::string rule(const std::string& name) {
  return "- rule: " + name +
         "\n  desc: d\n  condition: ka.verb = get\n  output: o\n  priority: info\n"
         "  source: k8s_audit\n";
}

std::string live_rule(const RulesetHolder& holder) {
  auto rs = holder.get();
  if (!rs || !rs->for_source("k8s_audit")) return "";
  return rs->for_source("k8s_audit")->rules().at(0).name;
}

class Logs {
 public:
  RuleReloader::Log sink() {
    return [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(line);
    };
  }
  std::string all() {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out;
    for (const auto& l : lines_) out += l + "\n";
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

// Polls `done` for a while; the bound only keeps a broken build from hanging.
template <typename F>
bool eventually(F done) {
  for (int i = 0; i < 3000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(RuleReloader, SignalledReloadSwapsTheRuleset) {
  testing::TempDir dir;
  std::string path = dir.write("r.yaml", rule("First"));
  engine::Engine engine("h");
  RulesetHolder holder;
  WebhookMetrics metrics;
  Logs logs;
  RuleReloader reloader(engine, {path}, holder, metrics, logs.sink(), std::chrono::milliseconds(0));
  ASSERT_TRUE(reloader.load_now().ok());
  EXPECT_EQ(live_rule(holder), "First");
  EXPECT_EQ(metrics.rules_loaded.load(), 1u);
  uint64_t generation = holder.generation();

  reloader.start();
  dir.write("r.yaml", rule("Second"));
  reloader.request_reload();
  ASSERT_TRUE(eventually([&] { return metrics.reloads_ok.load() == 1; })) << logs.all();
  EXPECT_EQ(live_rule(holder), "Second");
  EXPECT_GT(holder.generation(), generation);
  reloader.stop();
}

TEST(RuleReloader, ChangedFileIsPickedUpWithoutASignal) {
  testing::TempDir dir;
  dir.write("a.yaml", rule("First"));
  engine::Engine engine("h");
  RulesetHolder holder;
  WebhookMetrics metrics;
  Logs logs;
  RuleReloader reloader(engine, {dir.path()}, holder, metrics, logs.sink(),
                        std::chrono::milliseconds(20));
  ASSERT_TRUE(reloader.load_now().ok());
  reloader.start();
  dir.write("a.yaml", rule("Changed") + "\n# a longer file\n");
  // The swap comes before the log line: wait for both.
  ASSERT_TRUE(eventually([&] {
    return logs.all().find("rules reloaded: 1 k8s_audit rules from 1 files") != std::string::npos;
  })) << logs.all();
  EXPECT_EQ(live_rule(holder), "Changed");
}

TEST(RuleReloader, BrokenRulesKeepThePreviousRulesetAndSayWhere) {
  testing::TempDir dir;
  std::string path = dir.write("r.yaml", rule("Good"));
  engine::Engine engine("h");
  RulesetHolder holder;
  WebhookMetrics metrics;
  Logs logs;
  RuleReloader reloader(engine, {path}, holder, metrics, logs.sink(), std::chrono::milliseconds(0));
  ASSERT_TRUE(reloader.load_now().ok());
  reloader.start();
  dir.write("r.yaml", "- rule: Bad\n  desc: d\n  condition: ka.verb = = get\n  output: o\n"
                      "  priority: info\n  source: k8s_audit\n");
  reloader.request_reload();
  // The failure is counted before the reloader logs it: wait for the log line.
  ASSERT_TRUE(eventually([&] { return logs.all().find("keeping the previous rules") != std::string::npos; }))
      << logs.all();
  EXPECT_EQ(metrics.reloads_failed.load(), 1u);
  EXPECT_EQ(live_rule(holder), "Good");
  std::string log = logs.all();
  EXPECT_NE(log.find("keeping the previous rules"), std::string::npos) << log;
  EXPECT_NE(log.find(path + ":3:"), std::string::npos) << log;
}

// Cluster mode: a bundle's texts load after the files, as their tenants, and stay under later
// file reloads; a bundle that does not compile leaves the rules in force and says where.
TEST(RuleReloader, BundleTextsLoadAfterTheFilesAsTenantsAndSurviveFileReloads) {
  testing::TempDir dir;
  std::string path = dir.write("base.yaml", "- macro: is_get\n  condition: ka.verb = get\n");
  engine::Engine engine("h");
  RulesetHolder holder;
  WebhookMetrics metrics;
  Logs logs;
  RuleReloader reloader(engine, {path}, holder, metrics, logs.sink(), std::chrono::milliseconds(0));
  ASSERT_TRUE(reloader.load_now().ok());
  EXPECT_EQ(live_rule(holder), "");

  const std::string tenant_rule =
      "- rule: Team read\n  desc: d\n  condition: is_get\n  output: o\n  priority: info\n  source: k8s_audit\n";
  ASSERT_TRUE(reloader.replace_texts({{"b/000-team-a-r.yaml", tenant_rule, "team-a"}}, "bundle b1").ok()) << logs.all();
  auto rs = holder.get();
  ASSERT_TRUE(rs && rs->for_source("k8s_audit"));
  const auto& rules = rs->for_source("k8s_audit")->rules();
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].name, "Team read");
  EXPECT_EQ(rules[0].tenant, "team-a");
  EXPECT_NE(logs.all().find("from 2 files (bundle b1)"), std::string::npos) << logs.all();

  // A reload of the files keeps the bundle's text after them.
  reloader.start();
  dir.write("base.yaml", "- macro: is_get\n  condition: ka.verb in (get, list)\n");
  reloader.request_reload();
  ASSERT_TRUE(eventually([&] { return metrics.reloads_ok.load() == 2; })) << logs.all();
  EXPECT_EQ(live_rule(holder), "Team read");

  // A broken bundle: refused, with its file and line; the rules in force stay.
  uint64_t generation = holder.generation();
  Status bad = reloader.replace_texts(
      {{"b/000-x.yaml", "- rule: X\n  desc: d\n  condition: ka.verb = = get\n  output: o\n  priority: info\n", ""}},
      "bundle b2");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("bundle b2 refused, keeping the previous rules"), std::string::npos);
  EXPECT_NE(bad.error().message.find("b/000-x.yaml:3:"), std::string::npos) << bad.error().message;
  EXPECT_EQ(holder.generation(), generation);
  EXPECT_EQ(metrics.reloads_failed.load(), 1u);
  // ... and a later file reload still builds on the last good bundle.
  reloader.request_reload();
  ASSERT_TRUE(eventually([&] { return metrics.reloads_ok.load() == 3; })) << logs.all();
  EXPECT_EQ(live_rule(holder), "Team read");
  reloader.stop();
}

}  // namespace
}  // namespace peregrine::audit
