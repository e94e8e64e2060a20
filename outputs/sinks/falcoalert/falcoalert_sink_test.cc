// The falcoalert sink against the API test server (a real HTTP API with resourceVersions,
// conflicts, namespaces and fault injection): storms, two writers, outages, lost answers.
// Time is injected: flushes happen when a test moves the clock, never by waiting.

#include "outputs/sinks/falcoalert/falcoalert_sink.h"

#include <thread>

#include <gtest/gtest.h>

#include "kube/testing/api_test_server.h"
#include "outputs/core/dispatcher.h"
#include "outputs/core/jittered_backoff.h"
#include "outputs/sinks/falcoalert/alert_key.h"
#include "outputs/sinks/falcoalert/test_alert.h"
#include "outputs/sinks/falcoalert/testing_api.h"

namespace peregrine::outputs::falcoalert {
namespace {

using namespace std::chrono_literals;
using kube::testing::ApiTestServer;
using testing::falcoalerts_ref;
using testing::syscall_alert;

struct ManualClock {
  std::atomic<int64_t> ns{0};
  Clock source() {
    return [this] { return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(ns.load())); };
  }
  void advance(std::chrono::nanoseconds d) { ns += d.count(); }
};

class FalcoAlertApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    ASSERT_EQ(testing::install_falcoalerts(client_, {"peregrine-system", "team-a"}), "");
  }

  FalcoAlertOptions options(const std::string& writer_id = "") {
    FalcoAlertOptions o;
    o.client = server_.config();
    o.writer_id = writer_id;
    o.clock = clock_.source();
    return o;
  }

  nlohmann::json stored(const std::string& ns, const engine::Alert& alert, const std::string& node = "") {
    auto got = client_.get(falcoalerts_ref(), ns, object_name(key_of(alert, node)));
    EXPECT_TRUE(got.ok()) << (got.ok() ? "" : got.error().describe());
    return got.ok() ? *got : nlohmann::json();
  }

  // Flushes until nothing is pending, moving the clock to each next due time.
  static void flush_all(FalcoAlertSink& sink, ManualClock& clock, int max_rounds = 200) {
    for (int i = 0; i < max_rounds; ++i) {
      auto f = sink.flush(false);
      if (f.pending == 0) return;
      auto now = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(clock.ns.load()));
      clock.advance(std::max<std::chrono::nanoseconds>(f.next - now, 1ms));
    }
    FAIL() << "still pending after " << max_rounds << " flushes: " << sink.last_error();
  }

  static uint64_t writes(const FalcoAlertSink& s) { return s.counters().creates + s.counters().patches; }

  ApiTestServer server_;
  kube::Client client_{server_.config()};
  ManualClock clock_;
};

TEST_F(FalcoAlertApiTest, AStormOfAMillionEventsThroughTheDispatcherIsAFewWritesWithTheExactCount) {
  auto sink = std::make_unique<FalcoAlertSink>(options());
  FalcoAlertSink* raw = sink.get();
  std::vector<std::unique_ptr<SinkWorker>> workers;
  workers.push_back(std::make_unique<SinkWorker>(
      "alerts", "falcoalert", std::move(sink), AlertFilter{}, Renderer{}, DeliveryPolicy{},
      std::make_unique<JitteredBackoff>(100ms, 1s, system_random_source()), clock_.source()));
  Dispatcher dispatcher(std::move(workers));

  engine::Alert alert = syscall_alert();
  for (int i = 0; i < 1'000'000; ++i) dispatcher.enqueue(alert);
  clock_.advance(1s);  // one flush interval: the worker writes what the storm left
  dispatcher.shutdown(30s);

  nlohmann::json obj = stored("default", alert);
  EXPECT_EQ(obj["spec"]["count"], 1'000'000);
  EXPECT_EQ(obj["spec"]["rule"], alert.rule);
  EXPECT_EQ(obj["spec"]["pod"], "web-7d4b9c");
  EXPECT_EQ(obj["spec"]["node"], "node-1");
  EXPECT_EQ(obj["spec"]["priority"], "Warning");
  // A first flush may catch the storm's first events; the rest is one more write (plus the
  // last shutdown drain at most).
  EXPECT_LE(writes(*raw), 3u);
  const SinkMetrics& m = dispatcher.worker(0).metrics();
  EXPECT_EQ(m.produced.load(), 1'000'000u);
  EXPECT_EQ(m.sent.load(), 1'000'000u);
  EXPECT_EQ(m.dropped_total(), 0u);
  std::string text = dispatcher.metrics_text();
  EXPECT_NE(text.find("peregrine_falcoalert_pending_events{sink=\"alerts\",type=\"falcoalert\"} 0"), std::string::npos)
      << text;
}

TEST_F(FalcoAlertApiTest, AlertsLandInTheirPodsNamespaceOrTheDefaultOne) {
  FalcoAlertSink sink(options());
  engine::Alert in_pod = syscall_alert("R", "team-a", "api-0");
  engine::Alert host = syscall_alert("R", "", "");
  engine::Alert gone_ns = syscall_alert("R", "no-such-namespace", "p");
  for (const auto* a : {&in_pod, &host, &gone_ns}) sink.take(std::make_shared<const engine::Alert>(*a));
  flush_all(sink, clock_);
  EXPECT_EQ(stored("team-a", in_pod)["spec"]["count"], 1);
  EXPECT_EQ(stored("peregrine-system", host)["spec"]["count"], 1);
  nlohmann::json moved = stored("peregrine-system", gone_ns);
  EXPECT_EQ(moved["spec"]["namespace"], "no-such-namespace") << "the record keeps the event's namespace";
}

TEST_F(FalcoAlertApiTest, WritesNeverExceedTheRateAndEachKeyIsWrittenOncePerFlush) {
  auto o = options();
  o.max_writes_per_second = 5;
  FalcoAlertSink sink(o);
  for (int pod = 0; pod < 12; ++pod)
    for (int i = 0; i < 100; ++i)
      sink.take(std::make_shared<const engine::Alert>(syscall_alert("R", "default", "p" + std::to_string(pod))));
  auto f = sink.flush(false);
  EXPECT_EQ(writes(sink), 5u) << "one second's burst";
  EXPECT_EQ(f.written, 500u);
  EXPECT_EQ(f.pending, 700u);
  auto now = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(clock_.ns.load()));
  EXPECT_EQ(f.next, now + 200ms) << "next token at 5/s";
  f = sink.flush(false);  // no time has passed: nothing
  EXPECT_EQ(writes(sink), 5u);
  clock_.advance(1s);
  f = sink.flush(false);
  EXPECT_EQ(writes(sink), 10u);
  flush_all(sink, clock_);
  EXPECT_EQ(writes(sink), 12u);
  for (int pod = 0; pod < 12; ++pod)
    EXPECT_EQ(stored("default", syscall_alert("R", "default", "p" + std::to_string(pod)))["spec"]["count"], 100);
}

TEST_F(FalcoAlertApiTest, TwoWritersOfOneKeyNeverLoseOrDoubleCounts) {
  FalcoAlertSink a(options("aaaaaaaaaaaaaaaa")), b(options("bbbbbbbbbbbbbbbb"));
  auto alert = std::make_shared<const engine::Alert>(syscall_alert());
  uint64_t total = 0;
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 100 + round; ++i) a.take(alert);
    for (int i = 0; i < 50 + round; ++i) b.take(alert);
    total += 150 + 2 * round;
    clock_.advance(1s);
    // Alternate who goes first, so each one's cached resourceVersion goes stale in turn.
    if (round % 2) { a.flush(false); b.flush(false); } else { b.flush(false); a.flush(false); }
  }
  EXPECT_EQ(a.aggregator().pending_events() + b.aggregator().pending_events(), 0u)
      << a.last_error() << " / " << b.last_error();
  nlohmann::json obj = stored("default", *alert);
  EXPECT_EQ(obj["spec"]["count"].get<uint64_t>(), total);
  EXPECT_GE(a.counters().conflicts + b.counters().conflicts, 5u);
  auto annotations = obj["metadata"]["annotations"];
  EXPECT_TRUE(annotations.contains("peregrine.dev/writer-aaaaaaaaaaaaaaaa"));
  EXPECT_TRUE(annotations.contains("peregrine.dev/writer-bbbbbbbbbbbbbbbb"));
}

TEST_F(FalcoAlertApiTest, ConcurrentWritersOnThreadsEndWithTheExactCount) {
  constexpr int kWriters = 4, kRounds = 30, kPerRound = 37;
  std::vector<std::unique_ptr<FalcoAlertSink>> sinks;
  std::vector<std::unique_ptr<ManualClock>> clocks;
  for (int w = 0; w < kWriters; ++w) {
    clocks.push_back(std::make_unique<ManualClock>());
    auto o = options("w" + std::to_string(w));
    o.clock = clocks.back()->source();
    o.max_writes_per_second = 1000;
    sinks.push_back(std::make_unique<FalcoAlertSink>(o));
  }
  auto alert = std::make_shared<const engine::Alert>(syscall_alert());
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w)
    threads.emplace_back([&, w] {
      for (int r = 0; r < kRounds; ++r) {
        for (int i = 0; i < kPerRound; ++i) sinks[w]->take(alert);
        clocks[w]->advance(1s);
        sinks[w]->flush(false);
      }
      flush_all(*sinks[w], *clocks[w]);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(stored("default", *alert)["spec"]["count"].get<uint64_t>(), uint64_t(kWriters) * kRounds * kPerRound);
}

TEST_F(FalcoAlertApiTest, AnOutageLosesNoCountsAndTheEventPathKeepsTaking) {
  FalcoAlertSink sink(options());
  auto alert = std::make_shared<const engine::Alert>(syscall_alert());
  for (int i = 0; i < 10; ++i) sink.take(alert);
  flush_all(sink, clock_);
  // Every FalcoAlert request fails for a while (the client's own 503 retries eat some too).
  ASSERT_TRUE(server_.admin("/_test/fail?count=12&status=503&path=/apis/peregrine.dev"));
  uint64_t failed_flushes = 0;
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(sink.take(alert));
    clock_.advance(60s);  // past any backoff
    auto f = sink.flush(false);
    if (f.written == 0) ++failed_flushes;
  }
  EXPECT_GT(failed_flushes, 0u);
  EXPECT_GT(sink.counters().failures.load(), 0u);
  flush_all(sink, clock_);
  EXPECT_EQ(stored("default", *alert)["spec"]["count"], 10 + 10 * 1000);
}

TEST_F(FalcoAlertApiTest, AWriteWhoseAnswerIsLostIsSettledByItsMark) {
  auto o = options("cccccccccccccccc");
  o.client->request_timeout = 300ms;
  FalcoAlertSink sink(o);
  auto alert = std::make_shared<const engine::Alert>(syscall_alert());
  for (int i = 0; i < 7; ++i) sink.take(alert);
  flush_all(sink, clock_);
  // The next request is answered too late: the client gives up, the server applies the patch.
  for (int i = 0; i < 5; ++i) sink.take(alert);
  ASSERT_TRUE(server_.admin("/_test/delay?ms=1000&count=1"));
  clock_.advance(2s);
  auto f = sink.flush(false);
  EXPECT_EQ(f.written, 0u);
  EXPECT_EQ(sink.counters().unsettled.load(), 1u);
  // Let the delayed patch land before the writer looks.
  for (int i = 0; i < 100 && stored("default", *alert)["spec"]["count"] != 12; ++i)
    std::this_thread::sleep_for(20ms);
  ASSERT_EQ(stored("default", *alert)["spec"]["count"], 12);
  for (int i = 0; i < 3; ++i) sink.take(alert);
  flush_all(sink, clock_);
  EXPECT_EQ(stored("default", *alert)["spec"]["count"], 15) << "the landed delta is not sent again";
}

TEST_F(FalcoAlertApiTest, AWriteRefusedWithAnAnswerIsSentAgain) {
  FalcoAlertSink sink(options());
  auto alert = std::make_shared<const engine::Alert>(syscall_alert());
  for (int i = 0; i < 4; ++i) sink.take(alert);
  ASSERT_TRUE(server_.admin("/_test/fail?count=10&status=500&path=/apis/peregrine.dev"));
  auto f = sink.flush(false);
  EXPECT_EQ(f.written, 0u);
  flush_all(sink, clock_);
  EXPECT_EQ(stored("default", *alert)["spec"]["count"], 4);
}

TEST_F(FalcoAlertApiTest, AnAlertDeletedByThePrunerStartsAgainFromItsNewEvents) {
  FalcoAlertSink sink(options());
  auto alert = std::make_shared<const engine::Alert>(syscall_alert());
  for (int i = 0; i < 3; ++i) sink.take(alert);
  flush_all(sink, clock_);
  ASSERT_TRUE(client_.remove(falcoalerts_ref(), "default", object_name(key_of(*alert, ""))).ok());
  for (int i = 0; i < 2; ++i) sink.take(alert);
  clock_.advance(1s);
  flush_all(sink, clock_);
  EXPECT_EQ(stored("default", *alert)["spec"]["count"], 2);
}

TEST_F(FalcoAlertApiTest, ARestartedWriterContinuesFromTheStoredCount) {
  auto alert = std::make_shared<const engine::Alert>(syscall_alert());
  {
    FalcoAlertSink first(options());
    for (int i = 0; i < 9; ++i) first.take(alert);
    flush_all(first, clock_);
  }
  FalcoAlertSink second(options());
  for (int i = 0; i < 4; ++i) second.take(alert);
  flush_all(second, clock_);
  nlohmann::json obj = stored("default", *alert);
  EXPECT_EQ(obj["spec"]["count"], 13);
  EXPECT_EQ(second.counters().conflicts.load(), 1u) << "create → AlreadyExists → read → patch";
}

TEST_F(FalcoAlertApiTest, OverMaxKeysTheDropIsCountedInMetrics) {
  auto o = options();
  o.max_keys = 2;
  FalcoAlertSink sink(o);
  for (int pod = 0; pod < 5; ++pod)
    sink.take(std::make_shared<const engine::Alert>(syscall_alert("R", "default", "p" + std::to_string(pod))));
  MetricFamilies families;
  sink.collect("alerts", "falcoalert", families);
  std::string text = format_metric_families(families);
  EXPECT_NE(text.find("peregrine_falcoalert_dropped_events_total{sink=\"alerts\",type=\"falcoalert\","
                      "reason=\"max_keys\"} 3"),
            std::string::npos)
      << text;
  flush_all(sink, clock_);
  // Written keys make room again.
  EXPECT_TRUE(sink.take(std::make_shared<const engine::Alert>(syscall_alert("R", "default", "p9"))));
}

}  // namespace
}  // namespace peregrine::outputs::falcoalert

namespace peregrine::outputs::falcoalert {
namespace {

TEST(FalcoAlertSinkInCluster, WithoutAClusterWritesFailAndCountsWait) {
  ASSERT_EQ(std::getenv("KUBERNETES_SERVICE_HOST"), nullptr) << "this test runs outside a cluster";
  FalcoAlertOptions o;  // no client: the in-cluster account, resolved at the first write
  std::chrono::steady_clock::time_point now{};
  o.clock = [&] { return now; };
  FalcoAlertSink sink(o);
  auto alert = std::make_shared<const engine::Alert>(testing::syscall_alert());
  for (int i = 0; i < 3; ++i) sink.take(alert);
  auto f = sink.flush(false);
  EXPECT_EQ(f.written, 0u);
  EXPECT_EQ(f.pending, 3u);
  EXPECT_NE(sink.last_error().find("in-cluster"), std::string::npos) << sink.last_error();
  EXPECT_GT(f.next, now) << "backs off";
}

}  // namespace
}  // namespace peregrine::outputs::falcoalert
