#include "audit-webhook/claims/claiming_alert_sink.h"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "audit-webhook/claims/claims_test_support.h"

namespace peregrine::audit {
namespace {

using namespace std::chrono_literals;

// Where a replica's alerts end up: the rule of each, in arrival order.
class RecordingSink : public AlertSink {
 public:
  void emit(const engine::Alert& alert) override {
    std::lock_guard lock(mu_);
    rules_.push_back(alert.rule);
  }
  std::string metrics_text() const override { return "recording_sink_metric 1\n"; }
  std::vector<std::string> rules() const {
    std::lock_guard lock(mu_);
    return rules_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> rules_;
};

engine::Alert alert_of(const std::string& rule) {
  engine::Alert a;
  a.rule = rule;
  a.source = "k8s_audit";
  a.message = "exec into pod web-1";
  return a;
}

using testing::store_options;

ClaimingOptions sink_options() {
  ClaimingOptions o;
  o.workers = 3;
  o.sweep_interval = 0ms;
  return o;
}

// Generous: only reached when a claim hangs, and then the test fails on the counters.
constexpr auto kGrace = 60s;

using ClaimingAlertSinkTest = testing::ClaimsApiTest;

TEST_F(ClaimingAlertSinkTest, TwoReplicasRaiseEachAlertOnce) {
  ASSERT_TRUE(server_.ok());
  ClaimStore store_a(client_, store_options("replica-a"), clock_);
  ClaimStore store_b(client_, store_options("replica-b"), clock_);
  RecordingSink out_a, out_b;
  ClaimingAlertSink a(out_a, store_a, sink_options());
  ClaimingAlertSink b(out_b, store_b, sink_options());

  // One batch of 20 events, each raising two rules, reaches replica a and then, resent after a
  // timeout, replica b.
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back("audit-" + std::to_string(i));
  for (ClaimingAlertSink* replica : {&a, &b})
    for (const std::string& id : ids)
      for (const char* rule : {"Exec into pod", "Read secret"})
        replica->emit_from({id, "ResponseComplete"}, alert_of(rule));
  // The same request at another stage is another alert.
  a.emit_from({ids[0], "ResponseStarted"}, alert_of("Exec into pod"));
  a.shutdown(kGrace);
  b.shutdown(kGrace);

  EXPECT_EQ(out_a.rules().size() + out_b.rules().size(), 41u);
  ClaimCounters ca = a.counters(), cb = b.counters();
  EXPECT_EQ(ca.won + cb.won, 41u);
  EXPECT_EQ(ca.lost + cb.lost, 40u);
  EXPECT_EQ(ca.errors + cb.errors, 0u);
  EXPECT_EQ(ca.queue_full + cb.queue_full, 0u);
  EXPECT_EQ(out_a.rules().size(), ca.won);
}

TEST_F(ClaimingAlertSinkTest, ConcurrentReplicasRaceForOneAlert) {
  ASSERT_TRUE(server_.ok());
  ClaimStore store_a(client_, store_options("replica-a"), clock_);
  ClaimStore store_b(client_, store_options("replica-b"), clock_);
  RecordingSink out_a, out_b;
  ClaimingAlertSink a(out_a, store_a, sink_options());
  ClaimingAlertSink b(out_b, store_b, sink_options());
  // Interleaved, so the creates of both replicas are in flight together.
  for (int i = 0; i < 50; ++i) {
    std::string id = "race-" + std::to_string(i);
    a.emit_from({id, "ResponseComplete"}, alert_of("Exec into pod"));
    b.emit_from({id, "ResponseComplete"}, alert_of("Exec into pod"));
  }
  a.shutdown(kGrace);
  b.shutdown(kGrace);
  EXPECT_EQ(out_a.rules().size() + out_b.rules().size(), 50u);
  EXPECT_EQ(a.counters().lost + b.counters().lost, 50u);
}

TEST_F(ClaimingAlertSinkTest, FailedClaimsAreRaisedAndCounted) {
  ASSERT_TRUE(server_.ok());
  ClaimStore store(client_, store_options("replica-a"), clock_);
  RecordingSink out;
  std::vector<std::string> logged;
  std::mutex log_mu;
  ClaimingOptions options = sink_options();
  options.workers = 1;
  options.log = [&](const std::string& line) {
    std::lock_guard lock(log_mu);
    logged.push_back(line);
  };
  ClaimingAlertSink sink(out, store, options);
  ASSERT_TRUE(server_.admin("/_test/fail?count=2&status=500&path=/apis/coordination.k8s.io"));
  sink.emit_from({"id-1", "ResponseComplete"}, alert_of("r1"));
  sink.emit_from({"id-2", "ResponseComplete"}, alert_of("r2"));
  sink.emit_from({"id-3", "ResponseComplete"}, alert_of("r3"));
  sink.shutdown(kGrace);
  EXPECT_EQ(out.rules(), (std::vector<std::string>{"r1", "r2", "r3"}));
  ClaimCounters c = sink.counters();
  EXPECT_EQ(c.errors, 2u);
  EXPECT_EQ(c.won, 1u);
  ASSERT_EQ(logged.size(), 1u);  // the second failure falls in the same 10 s
  EXPECT_NE(logged[0].find("500"), std::string::npos) << logged[0];
}

TEST(ClaimingAlertSinkDown, ApiUnreachableRaisesEveryAlert) {
  kube::ClientConfig config;
  {
    kube::testing::ApiTestServer gone;
    ASSERT_TRUE(gone.ok());
    config = gone.config();
  }
  config.request_timeout = 2s;
  kube::Client client(config);
  kube::FakeClock clock;
  ClaimStore store(client, store_options("replica-a"), clock);
  RecordingSink out;
  ClaimingAlertSink sink(out, store, sink_options());
  for (int i = 0; i < 5; ++i) sink.emit_from({"id-" + std::to_string(i), "ResponseComplete"}, alert_of("r"));
  sink.shutdown(kGrace);
  EXPECT_EQ(out.rules().size(), 5u);
  EXPECT_EQ(sink.counters().errors, 5u);
  EXPECT_NE(sink.metrics_text().find("peregrine_audit_claims_total{result=\"error\"} 5\n"), std::string::npos);
}

TEST_F(ClaimingAlertSinkTest, FullQueueAndNoOriginGoThroughUnclaimed) {
  ASSERT_TRUE(server_.ok());
  ClaimStore store(client_, store_options("replica-a"), clock_);
  RecordingSink out;
  ClaimingOptions options = sink_options();
  options.queue_capacity = 0;  // every alert finds the queue full
  ClaimingAlertSink sink(out, store, options);
  sink.emit_from({"id-1", "ResponseComplete"}, alert_of("r1"));
  sink.emit(alert_of("r2"));
  sink.shutdown(kGrace);
  EXPECT_EQ(out.rules(), (std::vector<std::string>{"r1", "r2"}));
  ClaimCounters c = sink.counters();
  EXPECT_EQ(c.queue_full, 1u);
  EXPECT_EQ(c.no_origin, 1u);
  EXPECT_EQ(c.won + c.lost + c.errors, 0u);
  // Nothing was claimed.
  auto list = client_.list({"coordination.k8s.io", "v1", "leases", true}, "peregrine-system");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE((*list)["items"].empty());
}

TEST_F(ClaimingAlertSinkTest, EmitsAfterShutdownGoStraightThrough) {
  ASSERT_TRUE(server_.ok());
  ClaimStore store(client_, store_options("replica-a"), clock_);
  RecordingSink out;
  ClaimingAlertSink sink(out, store, sink_options());
  sink.shutdown(kGrace);
  sink.emit_from({"id-1", "ResponseComplete"}, alert_of("late"));
  EXPECT_EQ(out.rules(), std::vector<std::string>{"late"});
  EXPECT_EQ(sink.counters().queue_full, 0u);
}

TEST_F(ClaimingAlertSinkTest, MetricsNameEveryCounterAndIncludeTheWrappedSink) {
  ASSERT_TRUE(server_.ok());
  ClaimStore store(client_, store_options("replica-a"), clock_);
  RecordingSink out;
  ClaimingOptions options = sink_options();
  options.sweep_interval = 1h;  // a janitor that will not run during the test
  ClaimingAlertSink sink(out, store, options);
  sink.emit_from({"id-1", "ResponseComplete"}, alert_of("r"));
  sink.emit_from({"id-1", "ResponseComplete"}, alert_of("r"));
  sink.shutdown(kGrace);
  std::string text = sink.metrics_text();
  for (const char* line : {"peregrine_audit_claims_total{result=\"won\"} 1\n",
                           "peregrine_audit_claims_total{result=\"lost\"} 1\n",
                           "peregrine_audit_claims_total{result=\"error\"} 0\n",
                           "peregrine_audit_claims_skipped_total{reason=\"queue_full\"} 0\n",
                           "peregrine_audit_claim_queue_depth 0\n", "peregrine_audit_claim_sweeps_total 0\n",
                           "peregrine_audit_claims_deleted_total 0\n", "peregrine_audit_claim_sweep_errors_total 0\n",
                           "recording_sink_metric 1\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << " in\n" << text;
}

TEST_F(ClaimingAlertSinkTest, JanitorSweepsOnItsOwnThread) {
  ASSERT_TRUE(server_.ok());
  ClaimStore store(client_, store_options("replica-a"), clock_);
  ASSERT_EQ(store.claim({"id-old", "ResponseComplete", "r"}).outcome, ClaimOutcome::kWon);
  clock_.advance(11min);
  ClaimJanitor janitor(store, 10ms, nullptr);
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (janitor.deleted() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  janitor.stop();
  EXPECT_EQ(janitor.deleted(), 1u);
  EXPECT_EQ(janitor.errors(), 0u);
  EXPECT_GE(janitor.passes(), 1u);
}

}  // namespace
}  // namespace peregrine::audit
