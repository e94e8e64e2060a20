// Audit webhook throughput and latency over HTTPS, in process: kube-apiserver-like clients
// (keep-alive, client certificate, EventLists of 100 events) post to a real AuditWebhook
// running the default audit rules (rules/k8s_audit). Reports events/s accepted and evaluated,
// and p50/p99 of a batch's round trip. Run by hand; figures go to bench/RESULTS.md.
//
//   audit_webhook_bench [--seconds N] [--clients N] [--eval-threads N] [--http-threads N]
//                       [--decompose-only 1]
//
// "Per core" is events per CPU-second of the server's threads: the process's CPU time less that
// of the client threads, which share the machine (and the process) with it.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <time.h>

#include <httplib.h>

#include "audit-webhook/audit_webhook.h"
#include "audit-webhook/testing/test_pki.h"

namespace {

using Clock = std::chrono::steady_clock;
using peregrine::audit::AlertSink;

class CountingSink : public AlertSink {
 public:
  void emit(const peregrine::engine::Alert&) override { count.fetch_add(1, std::memory_order_relaxed); }
  std::atomic<uint64_t> count{0};
};

// A mix shaped like a busy cluster's audit stream: mostly reads and status updates by
// controllers and kubelets, some pod creates, a few exec sessions and secret reads that alert.
std::string event(uint64_t id) {
  std::string aid = "\"auditID\":\"bench-" + std::to_string(id) + "\"";
  const char* common = R"("kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","sourceIPs":["10.0.0.7"],)"
                       R"("requestReceivedTimestamp":"2026-03-02T09:14:07.120034Z","stageTimestamp":"2026-03-02T09:14:07.131877Z",)"
                       R"("annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""},)";
  switch (id % 10) {
    case 0:
      return std::string("{") + common + aid +
             R"(,"stage":"ResponseComplete","verb":"create","requestURI":"/api/v1/namespaces/shop/pods","user":{"username":"system:serviceaccount:kube-system:replicaset-controller","groups":["system:serviceaccounts"]},"objectRef":{"resource":"pods","namespace":"shop","apiVersion":"v1"},"responseStatus":{"code":201},"requestObject":{"kind":"Pod","spec":{"containers":[{"name":"web","image":"nginx:1.27","securityContext":{"runAsNonRoot":true}}],"volumes":[{"name":"cfg","configMap":{"name":"web"}}]}},"responseObject":{"kind":"Pod","metadata":{"name":"web-7d9f","namespace":"shop"}}})";
    case 1:
      return std::string("{") + common + aid +
             R"(,"stage":"ResponseStarted","verb":"create","requestURI":"/api/v1/namespaces/shop/pods/web-7d9f/exec?command=sh&container=web","user":{"username":"alice@example.com","groups":["developers"]},"objectRef":{"resource":"pods","namespace":"shop","name":"web-7d9f","apiVersion":"v1","subresource":"exec"},"responseStatus":{"code":101}})";
    case 2:
      return std::string("{") + common + aid +
             R"(,"stage":"ResponseComplete","verb":"get","requestURI":"/api/v1/namespaces/data/secrets/db","user":{"username":"bob@example.com","groups":["developers"]},"objectRef":{"resource":"secrets","namespace":"data","name":"db","apiVersion":"v1"},"responseStatus":{"code":200}})";
    case 3: case 4: case 5:
      return std::string("{") + common + aid +
             R"(,"stage":"ResponseComplete","verb":"patch","requestURI":"/api/v1/namespaces/shop/pods/web-7d9f/status","user":{"username":"system:node:worker-3","groups":["system:nodes"]},"objectRef":{"resource":"pods","namespace":"shop","name":"web-7d9f","apiVersion":"v1","subresource":"status"},"responseStatus":{"code":200}})";
    default:
      return std::string("{") + common + aid +
             R"(,"stage":"ResponseComplete","verb":"get","requestURI":"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/worker-3","user":{"username":"system:node:worker-3","groups":["system:nodes"]},"objectRef":{"resource":"leases","namespace":"kube-node-lease","name":"worker-3","apiGroup":"coordination.k8s.io","apiVersion":"v1"},"responseStatus":{"code":200}})";
  }
}

double cpu_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

std::string batch(uint64_t first, int n) {
  std::string out = R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[)";
  for (int i = 0; i < n; ++i) out += (i ? "," : "") + event(first + static_cast<uint64_t>(i));
  return out + "]}";
}

// Where the time goes, without HTTP: parsing EventLists, and running the rules on the events,
// each on one thread.
void decompose(const std::string& rules_dir) {
  constexpr int kBatches = 300;
  std::vector<std::string> bodies;
  for (int i = 0; i < kBatches; ++i) bodies.push_back(batch(uint64_t(i) * 100, 100));
  std::vector<peregrine::engine::AuditEvent> events;
  auto t0 = Clock::now();
  for (const auto& b : bodies) {
    auto parsed = peregrine::engine::parse_audit_payload(b);
    for (auto& ev : *parsed) events.push_back(std::move(ev));
  }
  double parse_s = std::chrono::duration<double>(Clock::now() - t0).count();

  peregrine::engine::Engine engine("bench");
  auto files = peregrine::engine::expand_rule_paths({rules_dir});
  auto loaded = engine.load_files(*files);
  const auto* rules = loaded.ruleset->for_source("k8s_audit");
  auto ctx = rules->new_context();
  uint64_t alerts = 0;
  t0 = Clock::now();
  for (const auto& ev : events)
    rules->evaluate(*ctx, ev, peregrine::engine::RuleMatching::kFirst,
                    [&](const peregrine::engine::CompiledRule& r) {
                      ++alerts;
                      (void)rules->make_alert(r, *ctx, "bench");
                    });
  double eval_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("parse only: %.0f events/s; rules only (%zu rules, alerts formatted): %.0f events/s\n",
              double(events.size()) / parse_s, rules->rules().size(),
              double(events.size()) / eval_s);
}

int flag(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == name) return std::atoi(argv[i + 1]);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = flag(argc, argv, "--seconds", 10);
  const int clients = flag(argc, argv, "--clients", 2);
  constexpr int kBatch = 100;

  const std::string rules_dir = std::string(PEREGRINE_SOURCE_DIR) + "/rules/k8s_audit";
  decompose(rules_dir);
  if (flag(argc, argv, "--decompose-only", 0) != 0) return 0;

  peregrine::audit::testing::TempDir dir;
  auto pki = peregrine::audit::testing::TestPki::create(dir.path());
  if (!pki) {
    std::fprintf(stderr, "%s\n", pki.error().message.c_str());
    return 1;
  }
  peregrine::audit::WebhookConfig config;
  config.server.host = "127.0.0.1";
  config.server.port = 0;
  config.server.tls = {pki->server_cert, pki->server_key, pki->ca_cert};
  config.server.http_threads = static_cast<size_t>(flag(argc, argv, "--http-threads", 4));
  config.evaluation.threads = static_cast<size_t>(flag(argc, argv, "--eval-threads", 1));
  config.rule_paths = {rules_dir};
  config.reload_poll = std::chrono::milliseconds(0);
  config.dedup_capacity = 100'000;
  config.queue_capacity = 50'000;
  CountingSink sink;
  auto hook = peregrine::audit::AuditWebhook::create(config, sink, [](const std::string&) {});
  if (!hook) {
    std::fprintf(stderr, "%s\n", hook.error().message.c_str());
    return 1;
  }
  (*hook)->start();
  const int port = (*hook)->port();

  std::atomic<uint64_t> next_id{0}, accepted{0}, refused{0};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
  std::atomic<double> client_cpu{0};
  const double process_cpu_start = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
  const auto start = Clock::now();
  const auto end = start + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::SSLClient client("127.0.0.1", port, pki->client_cert, pki->client_key);
      client.set_ca_cert_path(pki->ca_cert.c_str());
      client.enable_server_certificate_verification(true);
      client.set_keep_alive(true);
      // As kube-apiserver's client does (Go sets TCP_NODELAY on every connection): without it,
      // httplib's separate header and body writes wait out the server's 40 ms delayed ACK.
      client.set_tcp_nodelay(true);
      while (Clock::now() < end) {
        std::string body = batch(next_id.fetch_add(kBatch), kBatch);
        auto t0 = Clock::now();
        auto res = client.Post("/k8s-audit", body, "application/json");
        auto t1 = Clock::now();
        if (res && res->status == 200) {
          accepted += kBatch;
          latencies[static_cast<size_t>(c)].push_back(
              std::chrono::duration<double, std::milli>(t1 - t0).count());
        } else {
          ++refused;  // 429: the apiserver would retry; here we just send the next batch
        }
      }
      double mine = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
      for (double seen = client_cpu.load(); !client_cpu.compare_exchange_weak(seen, seen + mine);) {
      }
    });
  }
  for (auto& t : threads) t.join();
  const double posting = std::chrono::duration<double>(Clock::now() - start).count();
  (*hook)->stop();  // drains the queue
  const double total = std::chrono::duration<double>(Clock::now() - start).count();
  // Client threads start with no CPU time, so theirs is all spent in the run.
  const double server_cpu =
      cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - process_cpu_start - client_cpu.load();

  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[static_cast<size_t>(p * double(all.size() - 1))]; };
  const auto& m = (*hook)->metrics();
  std::printf("clients=%d batch=%d seconds=%.1f\n", clients, kBatch, posting);
  std::printf("accepted %.0f events/s (%llu events, %llu batches refused with 429)\n",
              double(accepted.load()) / posting, (unsigned long long)accepted.load(),
              (unsigned long long)refused.load());
  std::printf("evaluated %.0f events/s (%llu events, %llu alerts)\n",
              double(m.events_evaluated.load()) / total,
              (unsigned long long)m.events_evaluated.load(), (unsigned long long)sink.count.load());
  std::printf("server CPU %.2f s (clients %.2f s): %.0f events per server CPU-second\n",
              server_cpu, client_cpu.load(), double(m.events_evaluated.load()) / server_cpu);
  std::printf("batch round trip: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", pct(0.50), pct(0.99),
              all.empty() ? 0.0 : all.back());
  return 0;
}
