// Fault tests: alerts flow at 10,000/s into webhook sinks that are down, slow (5 s per
// request) or flapping. The event path (Dispatcher::enqueue) must never wait on them, and for
// every sink each alert ends as sent or as a counted drop: sent + dropped == produced.
#include <algorithm>
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "outputs/config/config_context.h"
#include "outputs/core/dispatcher.h"
#include "outputs/testing/child_process.h"
#include "outputs/testing/http_receiver.h"
#include "outputs/testing/test_alerts.h"

namespace peregrine::outputs {
namespace {
using namespace std::chrono_literals;

constexpr int kRatePerSecond = 10000;
constexpr int kSeconds = 2;
constexpr uint64_t kProduced = uint64_t(kRatePerSecond) * kSeconds;

TEST(WebhookFaults, DownSlowAndFlappingSinksNeverHoldUpTheEventPath) {
  testing::HttpReceiver healthy;
  testing::HttpReceiver slow;
  slow.set_delay_ms(5000);
  testing::HttpReceiver flapping;
  std::atomic<bool> stop_flapping{false};
  std::thread flapper([&] {
    for (bool up = true; !stop_flapping; up = !up) {
      flapping.set_status(up ? 200 : 503);
      std::this_thread::sleep_for(150ms);
    }
  });
  const std::string down_url = "http://127.0.0.1:" + std::to_string(testing::free_port()) + "/";
  auto sink = [](const std::string& name, const std::string& url, uint64_t capacity = 2000) {
    return "- name: " + name + "\n  type: webhook\n  url: '" + url + "'\n  batch: true\n" +
           "  timeoutMs: 10000\n" +
           "  delivery: {queueCapacity: " + std::to_string(capacity) + ", batchSize: 200, "
           "maxRetries: 3, initialBackoffMs: 10, maxBackoffMs: 100, breakerFailures: 3, "
           "breakerOpenMs: 200}\n";
  };
  auto dispatcher = Dispatcher::from_config(
      YAML::Load(sink("healthy", healthy.url(), kProduced) + sink("slow", slow.url()) +
                 sink("flapping", flapping.url()) + sink("down", down_url)),
      ConfigContext{});
  ASSERT_TRUE(dispatcher.ok()) << dispatcher.error().message;
  Dispatcher& d = **dispatcher;

  // Paced producer: 1,000 alerts every 100 ms.
  auto alert = testing::make_alert();
  std::chrono::nanoseconds slowest_enqueue{0};
  auto next_tick = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < kProduced; ++i) {
    alert.output_fields["proc.pid"] = i;
    auto before = std::chrono::steady_clock::now();
    d.enqueue(alert);
    slowest_enqueue = std::max(slowest_enqueue, std::chrono::steady_clock::now() - before);
    if (i % 1000 == 999) {
      next_tick += 100ms;
      std::this_thread::sleep_until(next_tick);
    }
  }
  d.shutdown(2s);
  stop_flapping = true;
  flapper.join();
  // Reported, not asserted: a wall-clock bound would make the test depend on the machine.
  RecordProperty("slowest_enqueue_us",
                 std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(slowest_enqueue).count()));

  for (size_t i = 0; i < d.size(); ++i) {
    const auto& w = d.worker(i);
    const auto& m = w.metrics();
    SCOPED_TRACE(w.name());
    EXPECT_EQ(m.produced.load(), kProduced);
    EXPECT_EQ(m.sent.load() + m.dropped_total(), kProduced);
    EXPECT_EQ(m.queue_depth.load(), 0u);
  }
  // The healthy sink's queue holds everything, so it drops nothing before shutdown; how much it
  // sent by the deadline depends on the machine, so only the accounting is asserted.
  const auto& healthy_m = d.worker(0).metrics();
  EXPECT_GT(healthy_m.sent.load(), 0u);
  EXPECT_EQ(healthy_m.dropped(DropReason::kQueueFull), 0u);
  const auto& slow_m = d.worker(1).metrics();
  EXPECT_GT(slow_m.dropped(DropReason::kQueueFull), 0u);
  const auto& flapping_m = d.worker(2).metrics();
  EXPECT_GT(flapping_m.sent.load(), 0u);
  const auto& down_m = d.worker(3).metrics();
  EXPECT_EQ(down_m.sent.load(), 0u);
  EXPECT_GT(down_m.failed.load(), 0u);
  // The receivers saw exactly what the sinks counted as sent (batches of JSON lines).
  size_t lines = 0;
  for (const auto& r : healthy.requests()) lines += size_t(std::count(r.body.begin(), r.body.end(), '\n'));
  EXPECT_EQ(lines, healthy_m.sent.load());
  std::string metrics = d.metrics_text();
  EXPECT_NE(metrics.find("peregrine_output_dropped_total{sink=\"slow\",type=\"webhook\",reason=\"queue_full\"}"),
            std::string::npos);
}

}  // namespace
}  // namespace peregrine::outputs
