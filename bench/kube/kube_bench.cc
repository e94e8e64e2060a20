// kube_bench: informer throughput and memory against the API test server, each figure beside a
// baseline measured in the same run.
//
//   kube_bench [--objects N] [--rate UPDATES_PER_S] [--seconds S] [--writers W]
//
// 1. Creates N pods in the test server (a separate process, as in the client tests).
// 2. Lists them twice: a raw paged list_all (baseline) and an Informer's initial sync, each
//    with 500-object pages (the baseline the faster of two runs); reports objects/s for both.
// 3. Memory: heap bytes in use (mallinfo2) before the informer starts and after it has synced,
//    divided by N; the baseline is the object's compact JSON size on the wire.
// 4. Updates: W writer threads merge-patch random pods at RATE/s for S seconds, stamping each
//    patch with its send time. A raw watch (baseline) and the informer's update handler both
//    observe the stream; reports events/s seen by each and the send→observe lag (p50/p99/max),
//    with the patch round trip itself as the floor under both.
// Figures go to bench/RESULTS.md; nothing here is a pass/fail test.
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kube/client.h"
#include "kube/informer.h"
#include "kube/testing/api_test_server.h"

namespace {

using nlohmann::json;
using peregrine::kube::Client;
using peregrine::kube::Informer;
using peregrine::kube::InformerHandlers;
using peregrine::kube::InformerOptions;
using peregrine::kube::ListOptions;
using peregrine::kube::ResourceRef;
using peregrine::kube::WatchEvent;
using peregrine::kube::WatchOptions;
using Clock = std::chrono::steady_clock;

const ResourceRef kPods{"", "v1", "pods", true};

struct Options {
  int objects = 10000;
  int rate = 1000;
  int seconds = 5;
  int writers = 4;
};

// A pod shaped like what a DaemonSet agent caches: labels, owner, one container, node, status.
json make_pod(int i) {
  std::string name = "app-" + std::to_string(i);
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name},
            {"labels", {{"app", "web"}, {"tier", i % 2 ? "frontend" : "backend"}, {"pod-template-hash", "7d4b9c"}}},
            {"annotations", {{"stamp", "0"}}}}},
          {"spec",
           {{"nodeName", "node-" + std::to_string(i % 50)},
            {"serviceAccountName", "default"},
            {"containers",
             {{{"name", "web"},
               {"image", "registry.example.com/team/web:1.4.2"},
               {"ports", {{{"containerPort", 8080}, {"protocol", "TCP"}}}},
               {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "128Mi"}}}}}}}}}},
          {"status", {{"phase", "Running"}, {"podIP", "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250)}}}};
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

size_t heap_in_use() { return mallinfo2().uordblks; }

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// Lags in microseconds, recorded from two threads.
class Lags {
 public:
  void record(const json& pod) {
    auto& ann = pod["metadata"]["annotations"];
    std::string stamp = ann.value("stamp", "0");
    long long sent = std::atoll(stamp.c_str());
    if (sent == 0) return;
    record_us((now_ns() - sent) / 1000);
  }
  void record_us(long long us) {
    std::lock_guard lock(mu_);
    us_.push_back(us);
  }
  size_t count() {
    std::lock_guard lock(mu_);
    return us_.size();
  }
  std::string summary() {
    std::lock_guard lock(mu_);
    if (us_.empty()) return "no events";
    std::sort(us_.begin(), us_.end());
    auto at = [&](double q) { return us_[std::min(us_.size() - 1, static_cast<size_t>(q * us_.size()))] / 1000.0; };
    char buf[128];
    std::snprintf(buf, sizeof buf, "p50 %.1f ms, p99 %.1f ms, max %.1f ms", at(0.5), at(0.99), us_.back() / 1000.0);
    return buf;
  }

 private:
  std::mutex mu_;
  std::vector<long long> us_;
};

bool parse(int argc, char** argv, Options* o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    int v = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--objects")) o->objects = v;
    else if (!std::strcmp(argv[i], "--rate")) o->rate = v;
    else if (!std::strcmp(argv[i], "--seconds")) o->seconds = v;
    else if (!std::strcmp(argv[i], "--writers")) o->writers = v;
    else return false;
  }
  return argc % 2 == 1 && o->objects > 0 && o->rate > 0 && o->seconds > 0 && o->writers > 0;
}

bool populate(Client& client, const Options& o) {
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < o.writers; ++w)
    threads.emplace_back([&] {
      for (int i = next++; i < o.objects && !failed; i = next++)
        if (!client.create(kPods, "default", make_pod(i)).ok()) failed = true;
    });
  for (auto& t : threads) t.join();
  return !failed;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, &o)) {
    std::fprintf(stderr, "usage: kube_bench [--objects N] [--rate UPDATES_PER_S] [--seconds S] [--writers W]\n");
    return 1;
  }
  // History must cover the whole update phase so a slow watcher is never sent back to re-list.
  peregrine::kube::testing::ApiTestServer server(
      {"--history-size", std::to_string(o.rate * o.seconds * 2 + 1000)});
  if (!server.ok()) {
    std::fprintf(stderr, "kube_bench: the API test server did not start\n");
    return 1;
  }
  auto client = std::make_shared<Client>(server.config());

  auto t0 = Clock::now();
  if (!populate(*client, o)) {
    std::fprintf(stderr, "kube_bench: creating pods failed\n");
    return 1;
  }
  std::printf("created %d pods in %.2f s (%.0f creates/s, %d writers)\n", o.objects, seconds_since(t0),
              o.objects / seconds_since(t0), o.writers);
  const size_t wire_bytes = make_pod(o.objects / 2).dump().size();

  // Baseline list: the same paging the informer does, without a cache. Run twice and keep the
  // faster, so the first-touch cost of the server's freshly written store does not count.
  ListOptions page;
  page.limit = 500;
  peregrine::kube::ApiResult<json> raw = json();
  double raw_list_s = 1e9;
  for (int pass = 0; pass < 2; ++pass) {
    t0 = Clock::now();
    raw = client->list_all(kPods, "default", page);
    raw_list_s = std::min(raw_list_s, seconds_since(t0));
    if (!raw.ok()) break;
  }
  if (!raw.ok() || (*raw)["items"].size() != static_cast<size_t>(o.objects)) {
    std::fprintf(stderr, "kube_bench: baseline list failed\n");
    return 1;
  }
  size_t listed_wire_bytes = (*raw)["items"][0].dump().size();
  raw = json();  // drop the baseline copy before measuring the informer's heap

  Lags informer_lags, watch_lags, write_latency;
  std::atomic<uint64_t> informer_updates{0}, watch_updates{0};
  InformerHandlers handlers;
  handlers.on_update = [&](const json&, const json& pod) {
    ++informer_updates;
    informer_lags.record(pod);
  };
  InformerOptions io;
  io.ref = kPods;
  io.ns = "default";
  io.page_size = 500;

  malloc_trim(0);
  size_t heap_before = heap_in_use();
  Informer informer(client, io, handlers);
  t0 = Clock::now();
  informer.start();
  if (!informer.wait_for_sync(std::chrono::minutes(5))) {
    std::fprintf(stderr, "kube_bench: informer did not sync\n");
    return 1;
  }
  double sync_s = seconds_since(t0);
  size_t heap_after = heap_in_use();
  double per_object = static_cast<double>(heap_after - heap_before) / o.objects;

  std::printf("list: raw list_all %.0f objects/s (%.3f s); informer sync %.0f objects/s (%.3f s); ratio %.2f\n",
              o.objects / raw_list_s, raw_list_s, o.objects / sync_s, sync_s, raw_list_s / sync_s);
  std::printf("memory: %.0f bytes per cached object (heap %zu -> %zu); compact JSON %zu bytes (listed: %zu); "
              "ratio %.1fx\n",
              per_object, heap_before, heap_after, wire_bytes, listed_wire_bytes, per_object / listed_wire_bytes);

  // Baseline watch: the raw stream from the informer's own starting point.
  WatchOptions wo;
  wo.resource_version = informer.last_resource_version();
  std::atomic<bool> stop_watch{false};
  std::thread watcher([&] {
    (void)client->watch(kPods, "default", wo, [&](const WatchEvent& ev) {
      if (ev.type == "MODIFIED") {
        ++watch_updates;
        watch_lags.record(ev.object);
      }
      return true;
    }, [&] { return stop_watch.load(); });
  });

  // Writers: each paces itself to rate / writers patches a second.
  std::atomic<uint64_t> sent{0}, failed{0};
  const auto interval = std::chrono::nanoseconds(1000000000LL * o.writers / o.rate);
  const auto write_start = Clock::now();
  const auto write_end = write_start + std::chrono::seconds(o.seconds);
  std::vector<std::thread> writers;
  for (int w = 0; w < o.writers; ++w)
    writers.emplace_back([&, w] {
      std::minstd_rand rng(w + 1);
      auto due = write_start + interval * w / o.writers;
      while (due < write_end) {
        std::this_thread::sleep_until(due);
        due += interval;
        std::string name = "app-" + std::to_string(rng() % o.objects);
        long long start = now_ns();
        json patch = {{"metadata", {{"annotations", {{"stamp", std::to_string(start)}}}}}};
        if (client->patch(kPods, "default", name, peregrine::kube::PatchType::kMerge, patch).ok()) ++sent;
        else ++failed;
        write_latency.record_us((now_ns() - start) / 1000);
      }
    });
  for (auto& t : writers) t.join();
  double write_s = seconds_since(write_start);
  // Let both observers drain what was written, then stop.
  auto drain_deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < drain_deadline && (informer_updates < sent || watch_updates < sent))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  double observe_s = seconds_since(write_start);
  stop_watch = true;
  watcher.join();
  informer.stop();

  double watch_rate = watch_updates / observe_s, informer_rate = informer_updates / observe_s;
  std::printf("updates: %llu sent in %.2f s (%.0f/s requested %d/s, %llu failed)\n",
              static_cast<unsigned long long>(sent.load()), write_s, sent / write_s, o.rate,
              static_cast<unsigned long long>(failed.load()));
  std::printf("  patch round trip (the floor under every lag below): %s\n", write_latency.summary().c_str());
  std::printf("  raw watch: %llu events, %.0f events/s, lag %s\n", static_cast<unsigned long long>(watch_updates.load()),
              watch_rate, watch_lags.summary().c_str());
  std::printf("  informer:  %llu events, %.0f events/s, lag %s; ratio to raw watch %.2f\n",
              static_cast<unsigned long long>(informer_updates.load()), informer_rate,
              informer_lags.summary().c_str(), informer_rate / watch_rate);
  auto stats = informer.stats();
  std::printf("  informer stats: lists %llu, watch restarts %llu, errors %llu\n",
              static_cast<unsigned long long>(stats.lists), static_cast<unsigned long long>(stats.watch_restarts),
              static_cast<unsigned long long>(stats.errors));
  return 0;
}
