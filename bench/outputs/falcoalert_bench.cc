// The falcoalert sink's benchmarks; figures go to bench/RESULTS.md ("## outputs: falcoalert").
//   BM_EnqueueStdout: the baseline, Dispatcher::enqueue into the stdout sink (JSON lines to
//     /dev/null): filter + shared copy + queue push; rendering happens on the worker.
//   BM_EnqueueFalcoAlert/<keys>: Dispatcher::enqueue into the falcoalert sink, alerts spread
//     over <keys> keys (pods): filter + shared copy + key + hash-map increment; its worker
//     writes to a real API test server meanwhile.
//   BM_StormWrites: a storm of 1,000,000 events of one key enqueued as fast as one thread can,
//     flushing every second; reports the API writes it took and the stored count.
#include <fcntl.h>
#include <unistd.h>

#include <random>

#include <benchmark/benchmark.h>

#include "kube/testing/api_test_server.h"
#include "outputs/core/dispatcher.h"
#include "outputs/core/jittered_backoff.h"
#include "outputs/sinks/falcoalert/alert_key.h"
#include "outputs/sinks/falcoalert/falcoalert_sink.h"
#include "outputs/sinks/falcoalert/testing_api.h"
#include "outputs/sinks/stdout_sink.h"

namespace peregrine::outputs {
namespace {

using namespace std::chrono_literals;

engine::Alert sample_alert(const std::string& pod = "web-7d4b9c") {
  engine::Alert a;
  a.time_ns = 1795305600000000000ull;
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
  a.output_fields["k8s.pod.name"] = pod;
  return a;
}

std::unique_ptr<Dispatcher> dispatcher_of(std::unique_ptr<Sink> sink, const std::string& type) {
  std::vector<std::unique_ptr<SinkWorker>> workers;
  DeliveryPolicy policy;
  policy.queue_capacity = 1 << 20;
  workers.push_back(std::make_unique<SinkWorker>(
      type, type, std::move(sink), AlertFilter{}, Renderer{}, policy,
      std::make_unique<JitteredBackoff>(policy.backoff_base, policy.backoff_max, system_random_source()),
      steady_clock_source()));
  return std::make_unique<Dispatcher>(std::move(workers));
}

// One API server with the CRD for the whole run: starting one per benchmark repetition would
// measure process start-up.
kube::testing::ApiTestServer& api_server() {
  static kube::testing::ApiTestServer server;
  static bool installed = [] {
    kube::Client client(server.config());
    return falcoalert::testing::install_falcoalerts(client, {"peregrine-system"}).empty();
  }();
  if (!installed) std::abort();
  return server;
}

void BM_EnqueueStdout(benchmark::State& state) {
  int fd = open("/dev/null", O_WRONLY);
  auto d = dispatcher_of(std::make_unique<StdoutSink>(StdoutSink::Format::kJson, fd), "stdout");
  auto alert = sample_alert();
  for (auto _ : state) d->enqueue(alert);
  d->shutdown(30s);
  state.counters["dropped"] = double(d->worker(0).metrics().dropped_total());
  close(fd);
}
BENCHMARK(BM_EnqueueStdout);

void BM_EnqueueFalcoAlert(benchmark::State& state) {
  falcoalert::FalcoAlertOptions o;
  o.client = api_server().config();
  o.max_keys = 100000;
  auto d = dispatcher_of(std::make_unique<falcoalert::FalcoAlertSink>(o), "falcoalert");
  std::vector<engine::Alert> alerts;
  for (int64_t k = 0; k < state.range(0); ++k) alerts.push_back(sample_alert("pod-" + std::to_string(k)));
  size_t i = 0;
  for (auto _ : state) {
    d->enqueue(alerts[i]);
    if (++i == alerts.size()) i = 0;
  }
  state.counters["dropped"] = double(d->worker(0).metrics().dropped_total());
  d->shutdown(0s);  // the writes are not what is measured here
}
BENCHMARK(BM_EnqueueFalcoAlert)->Arg(1)->Arg(1000);

void BM_StormWrites(benchmark::State& state) {
  for (auto _ : state) {
    falcoalert::FalcoAlertOptions o;
    o.client = api_server().config();
    o.node_name = "storm-" + std::to_string(reinterpret_cast<uintptr_t>(&o) ^ std::random_device{}());
    auto sink = std::make_unique<falcoalert::FalcoAlertSink>(o);
    auto* raw = sink.get();
    auto d = dispatcher_of(std::move(sink), "falcoalert");
    auto alert = sample_alert();
    for (int n = 0; n < 1'000'000; ++n) d->enqueue(alert);
    d->shutdown(30s);
    kube::Client client(api_server().config());
    auto stored = client.get(falcoalert::testing::falcoalerts_ref(), "default",
                             falcoalert::object_name(falcoalert::key_of(alert, o.node_name)));
    state.counters["writes"] = double(raw->counters().creates + raw->counters().patches);
    state.counters["stored_count"] = stored.ok() ? double((*stored)["spec"]["count"].get<uint64_t>()) : -1;
  }
}
BENCHMARK(BM_StormWrites)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace peregrine::outputs

BENCHMARK_MAIN();
