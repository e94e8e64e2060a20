#include "outputs/core/sink_worker.h"

#include <gtest/gtest.h>

#include "outputs/testing/fixed_backoff.h"
#include "outputs/testing/scripted_sink.h"
#include "outputs/testing/test_alerts.h"

namespace peregrine::outputs {
namespace {
using namespace std::chrono_literals;
using testing::ScriptedSinkState;

struct Harness {
  std::shared_ptr<ScriptedSinkState> state = std::make_shared<ScriptedSinkState>();
  std::unique_ptr<SinkWorker> worker;

  explicit Harness(DeliveryPolicy policy = {}, size_t sink_batch = 10, AlertFilter filter = {}) {
    worker = std::make_unique<SinkWorker>(
        "test", "scripted", std::make_unique<testing::ScriptedSink>(state, sink_batch), filter,
        Renderer{}, policy, std::make_unique<testing::FixedBackoff>(1ms), steady_clock_source());
  }
  void offer(int n) {
    for (int i = 0; i < n; ++i)
      worker->enqueue(std::make_shared<const engine::Alert>(
          testing::make_alert("r", engine::Priority::kWarning, {}, static_cast<uint64_t>(i))));
  }
  // Waits (bounded) until the sink holds n alerts.
  bool wait_delivered(size_t n) {
    for (int i = 0; i < 1000 && state->delivered_count() < n; ++i) std::this_thread::sleep_for(10ms);
    return state->delivered_count() >= n;
  }
  uint64_t accounted() const {
    return worker->metrics().sent.load() + worker->metrics().dropped_total();
  }
};

TEST(SinkWorker, DeliversEverythingInOrderInBoundedBatches) {
  Harness h({}, 7);
  h.worker->start();
  h.offer(100);
  ASSERT_TRUE(h.wait_delivered(100));
  h.worker->shutdown(std::chrono::steady_clock::now() + 5s);
  std::lock_guard lock(h.state->mu);
  for (size_t i = 0; i < 100; ++i) EXPECT_EQ(h.state->delivered[i].json["output_fields"]["proc.pid"], i);
  for (size_t b : h.state->batch_sizes) EXPECT_LE(b, 7u);
  EXPECT_EQ(h.worker->metrics().sent.load(), 100u);
  EXPECT_EQ(h.worker->metrics().queue_depth.load(), 0u);
}

TEST(SinkWorker, RetriesAFailedBatchUntilItSucceeds) {
  DeliveryPolicy p;
  p.max_retries = 5;
  p.breaker_failure_threshold = 100;
  Harness h(p);
  h.state->fail_next = 3;
  h.worker->start();
  h.offer(1);
  ASSERT_TRUE(h.wait_delivered(1));
  h.worker->shutdown(std::chrono::steady_clock::now() + 5s);
  EXPECT_EQ(h.worker->metrics().failed.load(), 3u);
  EXPECT_EQ(h.worker->metrics().retried.load(), 3u);
  EXPECT_EQ(h.worker->metrics().sent.load(), 1u);
  EXPECT_NE(h.worker->last_error().find("scripted"), std::string::npos);
}

TEST(SinkWorker, DropsABatchWhenRetriesAreExhausted) {
  DeliveryPolicy p;
  p.max_retries = 2;
  p.breaker_failure_threshold = 100;
  Harness h(p);
  h.state->down = true;
  h.offer(3);  // queued before the worker starts, so the three leave as one batch
  h.worker->start();
  for (int i = 0; i < 500 && h.worker->metrics().dropped(DropReason::kRetriesExhausted) < 3; ++i)
    std::this_thread::sleep_for(10ms);
  h.worker->shutdown(std::chrono::steady_clock::now());
  EXPECT_EQ(h.worker->metrics().dropped(DropReason::kRetriesExhausted), 3u);
  EXPECT_EQ(h.state->attempts.load(), 3);  // one batch: the first try and two retries
  EXPECT_EQ(h.accounted(), 3u);
}

TEST(SinkWorker, FullQueueDropsAndCountsWithoutWaiting) {
  DeliveryPolicy p;
  p.queue_capacity = 5;
  Harness h(p);
  // Not started: nothing drains, so exactly capacity alerts fit.
  h.offer(12);
  EXPECT_EQ(h.worker->metrics().dropped(DropReason::kQueueFull), 7u);
  EXPECT_EQ(h.worker->metrics().queue_depth.load(), 5u);
  h.worker->shutdown(std::chrono::steady_clock::now());
  EXPECT_EQ(h.worker->metrics().dropped(DropReason::kShutdown), 5u);
  EXPECT_EQ(h.accounted(), 12u);
  EXPECT_EQ(h.worker->metrics().produced.load(), 12u);
}

TEST(SinkWorker, ShutdownFlushesWhatIsQueued) {
  Harness h({}, 10);
  h.state->delay_ms = 20;
  h.offer(50);
  h.worker->start();
  h.worker->shutdown(std::chrono::steady_clock::now() + 30s);
  EXPECT_EQ(h.worker->metrics().sent.load(), 50u);
  EXPECT_EQ(h.state->delivered_count(), 50u);
}

TEST(SinkWorker, ShutdownPastDeadlineDropsAndCountsTheRest) {
  DeliveryPolicy p;
  p.breaker_failure_threshold = 1;
  p.breaker_open_for = 1h;  // a dead sink: the worker would otherwise wait an hour
  Harness h(p);
  h.state->down = true;
  h.worker->start();
  h.offer(40);
  h.worker->shutdown(std::chrono::steady_clock::now() + 200ms);
  EXPECT_EQ(h.worker->metrics().sent.load(), 0u);
  EXPECT_EQ(h.accounted(), 40u);
  EXPECT_GE(h.worker->metrics().dropped(DropReason::kShutdown), 30u);
  // The open breaker kept the worker from retrying: one attempt only.
  EXPECT_EQ(h.state->attempts.load(), 1);
}

TEST(SinkWorker, EnqueueAfterShutdownIsACountedDrop) {
  Harness h;
  h.worker->start();
  h.worker->shutdown(std::chrono::steady_clock::now());
  h.offer(3);
  EXPECT_EQ(h.worker->metrics().dropped(DropReason::kShutdown), 3u);
  EXPECT_EQ(h.accounted(), 3u);
}

TEST(SinkWorker, ReopenReachesTheSinkOnItsThread) {
  Harness h;
  h.worker->start();
  h.worker->request_reopen();
  for (int i = 0; i < 500 && h.state->reopens.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(h.state->reopens.load(), 1);
  h.worker->shutdown(std::chrono::steady_clock::now());
}

TEST(SinkWorker, BreakerHalfOpenProbeResumesDelivery) {
  DeliveryPolicy p;
  p.breaker_failure_threshold = 2;
  p.breaker_open_for = 50ms;
  p.max_retries = 1000;
  Harness h(p);
  h.state->down = true;
  h.worker->start();
  h.offer(5);
  for (int i = 0; i < 500 && h.state->attempts.load() < 4; ++i) std::this_thread::sleep_for(10ms);
  h.state->down = false;
  ASSERT_TRUE(h.wait_delivered(5));
  h.worker->shutdown(std::chrono::steady_clock::now() + 5s);
  EXPECT_EQ(h.worker->metrics().sent.load(), 5u);
  EXPECT_EQ(h.worker->metrics().dropped_total(), 0u);
}

}  // namespace
}  // namespace peregrine::outputs
