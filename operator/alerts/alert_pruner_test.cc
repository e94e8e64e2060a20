// The pruner against the API test server with the real FalcoAlert CRD.

#include "operator/alerts/alert_pruner.h"

#include <set>

#include <gtest/gtest.h>

#include "kube/testing/api_test_server.h"
#include "outputs/sinks/falcoalert/testing_api.h"

namespace peregrine::op::alerts {
namespace {

using namespace std::chrono_literals;
using kube::testing::ApiTestServer;
using outputs::falcoalert::testing::falcoalerts_ref;

std::string rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

class AlertPrunerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    ASSERT_EQ(outputs::falcoalert::testing::install_falcoalerts(client_, {"peregrine-system", "team-a"}), "");
  }

  // An alert last seen `age` before the fake clock's now.
  void add(const std::string& ns, const std::string& name, std::chrono::seconds age) {
    std::string seen = rfc3339(clock_.wall() - age);
    nlohmann::json obj = {{"apiVersion", "peregrine.dev/v1alpha1"},
                          {"kind", "FalcoAlert"},
                          {"metadata", {{"name", name}, {"namespace", ns}}},
                          {"spec",
                           {{"rule", "R"}, {"priority", "Warning"}, {"source", "syscall"}, {"node", "n"},
                            {"count", 1}, {"firstSeen", seen}, {"lastSeen", seen}}}};
    auto r = client_.create(falcoalerts_ref(), ns, obj);
    ASSERT_TRUE(r.ok()) << r.error().describe();
  }

  std::set<std::string> names() {
    std::set<std::string> out;
    auto list = client_.list(falcoalerts_ref(), "");
    EXPECT_TRUE(list.ok());
    if (list.ok())
      for (const auto& item : (*list)["items"])
        out.insert(item["metadata"]["namespace"].get<std::string>() + "/" + item["metadata"]["name"].get<std::string>());
    return out;
  }

  ApiTestServer server_;
  kube::Client client_{server_.config()};
  kube::FakeClock clock_;
};

TEST_F(AlertPrunerTest, DeletesAlertsLastSeenBeforeTheRetentionAge) {
  add("team-a", "fresh", 1h);
  add("team-a", "six-days", 6 * 24h);
  add("peregrine-system", "eight-days", 8 * 24h);
  add("default", "a-month", 30 * 24h);
  AlertPruner pruner(client_, PruneOptions{}, clock_);
  auto report = pruner.prune();
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_EQ(report->listed, 4u);
  EXPECT_EQ(report->expired, 2u);
  EXPECT_EQ(report->over_limit, 0u);
  EXPECT_EQ(names(), (std::set<std::string>{"team-a/fresh", "team-a/six-days"}));
  // Time passes: the six-day one expires on a later pass.
  clock_.advance(2 * 24h);
  report = pruner.prune();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->expired, 1u);
  EXPECT_EQ(names(), (std::set<std::string>{"team-a/fresh"}));
}

TEST_F(AlertPrunerTest, BeyondTheMaximumTheOldestGoFirstAcrossNamespaces) {
  for (int i = 0; i < 10; ++i) add(i % 2 ? "team-a" : "default", "a" + std::to_string(i), std::chrono::hours(10 - i));
  PruneOptions options;
  options.max_alerts = 4;
  options.page_size = 3;  // several pages
  AlertPruner pruner(client_, options, clock_);
  auto report = pruner.prune();
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_EQ(report->listed, 10u);
  EXPECT_EQ(report->over_limit, 6u);
  EXPECT_EQ(report->remaining(), 4u);
  EXPECT_EQ(names(), (std::set<std::string>{"default/a6", "team-a/a7", "default/a8", "team-a/a9"}));
  report = pruner.prune();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->over_limit, 0u) << "at the maximum: nothing more to do";
}

TEST_F(AlertPrunerTest, AgeAndCountCombine) {
  add("default", "old", 9 * 24h);
  for (int i = 0; i < 5; ++i) add("default", "n" + std::to_string(i), std::chrono::minutes(50 - i));
  PruneOptions options;
  options.max_alerts = 3;
  auto report = AlertPruner(client_, options, clock_).prune();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->expired, 1u);
  EXPECT_EQ(report->over_limit, 2u);
  EXPECT_EQ(names(), (std::set<std::string>{"default/n2", "default/n3", "default/n4"}));
}

TEST_F(AlertPrunerTest, AnAlertUpdatedAfterTheListIsNotDeleted) {
  add("default", "old", 9 * 24h);
  // A writer that updates the alert between the pruner's list and its delete: the delete's
  // resourceVersion precondition fails. Simulated by failing the delete with the API's 409.
  ASSERT_TRUE(server_.admin("/_test/fail?count=1&status=409&path=/apis/peregrine.dev/v1alpha1/namespaces/default"));
  auto report = AlertPruner(client_, PruneOptions{}, clock_).prune();
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_EQ(report->changed, 1u);
  EXPECT_EQ(report->expired, 0u);
  EXPECT_EQ(names().size(), 1u);
}

TEST_F(AlertPrunerTest, TheDeletePreconditionIsTheListedResourceVersion) {
  add("default", "old", 9 * 24h);
  auto listed = client_.get(falcoalerts_ref(), "default", "old");
  ASSERT_TRUE(listed.ok());
  // The real race, step by step: the writer patches after our list.
  ASSERT_TRUE(client_.patch(falcoalerts_ref(), "default", "old", kube::PatchType::kMerge,
                            {{"spec", {{"count", 2}, {"lastSeen", rfc3339(clock_.wall())}}}}).ok());
  nlohmann::json options = {{"preconditions", {{"resourceVersion", (*listed)["metadata"]["resourceVersion"]}}}};
  auto r = client_.request("DELETE", client_.path(falcoalerts_ref(), "default", "old"), options.dump(),
                           "application/json");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().is_conflict()) << r.error().describe();
  // And a pass after the update keeps it: it is fresh now.
  auto report = AlertPruner(client_, PruneOptions{}, clock_).prune();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->expired, 0u);
}

TEST_F(AlertPrunerTest, AListFailureIsAnErrorAndDeletesNothing) {
  add("default", "old", 9 * 24h);
  // As many failures as the client's attempts at one read.
  ASSERT_TRUE(server_.admin("/_test/fail?count=4&status=500&path=/apis/peregrine.dev"));
  auto report = AlertPruner(client_, PruneOptions{}, clock_).prune();
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(names().size(), 1u);
}

TEST(ParseRfc3339, AcceptsTheFormsTheApiWrites) {
  auto t = parse_rfc3339("2026-11-22T00:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*t), 1795305600);
  EXPECT_EQ(parse_rfc3339("2026-11-22T01:30:00+01:30"), t);
  EXPECT_EQ(*parse_rfc3339("2026-11-22T00:00:00.5Z") - *t, 500ms);
  EXPECT_FALSE(parse_rfc3339(""));
  EXPECT_FALSE(parse_rfc3339("2026-11-22"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T00:00:00"));
  EXPECT_FALSE(parse_rfc3339("2026-13-22T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T00:00:00Zjunk"));
}

}  // namespace
}  // namespace peregrine::op::alerts
