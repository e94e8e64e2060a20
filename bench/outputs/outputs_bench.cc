// Outputs benchmarks; figures go to bench/RESULTS.md ("## outputs").
//   BM_Enqueue*: what the event path pays per alert (filter + shared copy + queue push), with a
//     sink that drains as fast as it can, and with a filter that rejects the alert.
//   BM_WebhookThroughput/<batch>: alerts/s from enqueue to a 200 answer of a local HTTP server,
//     one alert per request (batch 0) or JSON lines batches.
#include <atomic>
#include <thread>

#include <benchmark/benchmark.h>
#include <httplib.h>

#include "outputs/config/config_context.h"
#include "outputs/core/dispatcher.h"

namespace peregrine::outputs {
namespace {

engine::Alert sample_alert() {
  engine::Alert a;
  a.time_ns = 1700000000123456789ULL;
  a.rule = "Terminal shell in container";
  a.priority = engine::Priority::kWarning;
  a.source = "syscall";
  a.hostname = "node-1";
  a.message = "A shell was spawned in a container (user=root container=web shell=bash)";
  a.tags = {"container", "shell", "mitre_execution"};
  a.output_fields["user.name"] = "root";
  a.output_fields["container.name"] = "web";
  a.output_fields["proc.cmdline"] = "bash -i";
  a.output_fields["k8s.ns.name"] = "default";
  return a;
}

class NullSink : public Sink {
 public:
  size_t max_batch() const override { return 1024; }
  Status deliver(std::span<const Record>) override { return {}; }
};

std::unique_ptr<Dispatcher> null_dispatcher(AlertFilter filter) {
  std::vector<std::unique_ptr<SinkWorker>> workers;
  DeliveryPolicy policy;
  policy.queue_capacity = 1 << 20;
  workers.push_back(std::make_unique<SinkWorker>(
      "null", "null", std::make_unique<NullSink>(), std::move(filter), Renderer{}, policy,
      std::make_unique<JitteredBackoff>(policy.backoff_base, policy.backoff_max, system_random_source()),
      steady_clock_source()));
  return std::make_unique<Dispatcher>(std::move(workers));
}

void BM_EnqueueAdmitted(benchmark::State& state) {
  auto d = null_dispatcher({});
  auto alert = sample_alert();
  for (auto _ : state) d->enqueue(alert);
  d->shutdown(std::chrono::seconds(30));
  const auto& m = d->worker(0).metrics();
  state.counters["dropped"] = double(m.dropped_total());
}
BENCHMARK(BM_EnqueueAdmitted);

void BM_EnqueueFilteredOut(benchmark::State& state) {
  AlertFilter f;
  f.minimum_priority = engine::Priority::kCritical;
  auto d = null_dispatcher(f);
  auto alert = sample_alert();
  for (auto _ : state) d->enqueue(alert);
  d->shutdown(std::chrono::seconds(5));
}
BENCHMARK(BM_EnqueueFilteredOut);

void BM_WebhookThroughput(benchmark::State& state) {
  const bool batch = state.range(0) > 0;
  httplib::Server server;
  std::atomic<uint64_t> requests{0};
  server.Post("/", [&](const httplib::Request&, httplib::Response& res) {
    requests.fetch_add(1, std::memory_order_relaxed);
    res.status = 200;
  });
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  constexpr int kAlerts = 20000;
  auto alert = sample_alert();
  uint64_t sent = 0;
  for (auto _ : state) {
    std::string yaml = "- name: bench\n  type: webhook\n  url: 'http://127.0.0.1:" +
                       std::to_string(port) + "/'\n  batch: " + (batch ? "true" : "false") +
                       "\n  delivery: {queueCapacity: 100000, batchSize: " +
                       std::to_string(batch ? state.range(0) : 1) + "}\n";
    auto d = Dispatcher::from_config(YAML::Load(yaml), ConfigContext{});
    if (!d.ok()) {
      state.SkipWithError(d.error().message.c_str());
      break;
    }
    for (int i = 0; i < kAlerts; ++i) (*d)->enqueue(alert);
    (*d)->shutdown(std::chrono::seconds(600));
    sent += (*d)->worker(0).metrics().sent.load();
  }
  state.SetItemsProcessed(int64_t(sent));
  state.counters["requests"] = double(requests.load());
  server.stop();
  thread.join();
}
// Wall-clock: the work happens on the sink worker and the server, not on this thread.
BENCHMARK(BM_WebhookThroughput)->Arg(0)->Arg(100)->Arg(500)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace
}  // namespace peregrine::outputs

BENCHMARK_MAIN();
