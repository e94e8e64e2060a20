// apply → Applied latency of `peregrine operator` with 100 simulated agents, and its RSS.
//
// Runs the API test server and the real `peregrine operator` binary as child processes. Each
// simulated agent is a thread that does what the agent does with the cluster contract: follow
// peregrine-assignments (through one shared watch, see Assignments), fetch its node's bundle
// when the assignment changes with the agent's reader (kube/bundle: the objects, the manifest,
// every file verified against its sha256), and write the hash into its Lease
// (peregrine.dev/bundle) with a fresh renewTime. For 1, 100 and
// 1,000 FalcoRules, one FalcoRule is updated repeatedly; a sample is the time from the update
// until its status says Applied=True for the new generation on all 100 agents (so it includes
// the operator's status write, the strictest reading of "running on all agents").
// Not a test: run by hand, record the figures in bench/RESULTS.md.
//
//   operator_bench [--rules 1,100,1000] [--samples N] [--peregrine PATH] [--apiserver PATH]
//                  [--operator-log FILE] [--request-log FILE]
// --samples: per rule count (default 30, 15 at 1,000); --peregrine, --apiserver: the operator
// and API test server binaries to run (default the ones built beside this harness, so a
// before/after pair can share one harness); --operator-log: where to copy the operator's log
// (its slow passes list their phase times); --request-log: the API test server's log of every
// request with its timings (test/apiserver/request_log.h).

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "kube/bundle/bundle_fetch.h"
#include "kube/client.h"
#include "kube/lease_record.h"
#include "kube/testing/api_test_server.h"
#include "kube/testing/yaml_json.h"
#include "operator/reconciler.h"

using namespace peregrine;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string kNs = "peregrine-system";
constexpr int kAgents = 100;

std::string rule_text(int i, int version) {
  std::string n = std::to_string(i);
  return "- list: bench_files_" + n + "\n  items: [/etc/shadow, /etc/sudoers, /etc/bench-" + n + "]\n\n" +
         "- macro: bench_open_" + n + "\n  condition: evt.type in (open, openat) and fd.typechar = 'f'\n\n" +
         "- rule: Bench rule " + n + "\n  desc: bench\n  condition: bench_open_" + n + " and fd.name in (bench_files_" +
         n + ")\n  output: bench " + n + " v" + std::to_string(version) + " file=%fd.name proc=%proc.name\n" +
         "  priority: WARNING\n  tags: [bench]\n";
}

long rss_kib(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field));
  return -1;
}

// One watch on peregrine-assignments feeds every agent thread: the API test server serves
// requests from a small thread pool, and 100 long-lived watches would occupy it (a real API
// server holds one watch per agent without trouble). The agents' own work — GET the bundle,
// read the manifest, PATCH the Lease — stays one thread per agent.
struct Assignments {
  std::mutex mu;
  std::condition_variable cv;
  json data = json::object();
  uint64_t version = 0;
};

void watch_assignments(kube::Client& client, Assignments& a, const std::atomic<bool>& stop) {
  kube::WatchOptions options;
  options.field_selector = "metadata.name=peregrine-assignments";
  options.timeout_seconds = 5;
  while (!stop) {
    auto st = client.watch(op::config_maps_ref(), kNs, options, [&](const kube::WatchEvent& e) {
      if (e.type == "ADDED" || e.type == "MODIFIED") {
        std::lock_guard lock(a.mu);
        const json& data = e.object.value("data", json::object());
        a.data = data.is_object() ? data : json::object();
        ++a.version;
        a.cv.notify_all();
      }
      return !stop;
    }, [&] { return stop.load(); });
    (void)st;
  }
  std::lock_guard lock(a.mu);
  a.cv.notify_all();
}

void agent(kube::Client& client, int index, Assignments& a, const std::atomic<bool>& stop) {
  const std::string node = "node-" + std::to_string(index);
  std::string current, hash;
  uint64_t seen = 0;
  auto renewed = std::chrono::steady_clock::now();
  auto report = [&](const std::string& h) {
    json patch = {{"metadata", {{"annotations", {{"peregrine.dev/bundle", h}}}}},
                  {"spec", {{"renewTime", kube::format_micro_time(std::chrono::system_clock::now())}}}};
    auto patched = client.patch(op::leases_ref(), kNs, "peregrine-agent-" + node, kube::PatchType::kMerge, patch);
    if (!patched) std::fprintf(stderr, "%s: PATCH lease: %s\n", node.c_str(), patched.error().describe().c_str());
    renewed = std::chrono::steady_clock::now();
    return patched.ok();
  };
  while (!stop) {
    std::string bundle;
    {
      std::unique_lock lock(a.mu);
      a.cv.wait_for(lock, 200ms, [&] { return stop || a.version != seen; });
      seen = a.version;
      bundle = a.data.value(node, "");
    }
    // Renewal every 10 s as the agent does; it also repairs a report a late-served request
    // overwrote.
    if (!hash.empty() && std::chrono::steady_clock::now() - renewed > 10s) report(hash);
    if (bundle.empty() || bundle == current) continue;
    // The agent's own reader: the bundle's objects, the manifest, every file unpacked and
    // checked against its sha256.
    kube::bundle::BundleFetch fetched = kube::bundle::fetch_bundle(client, kNs, bundle);
    if (!fetched.bundle) {
      std::fprintf(stderr, "%s: bundle %s: %s\n", node.c_str(), bundle.c_str(), fetched.error.c_str());
      continue;
    }
    if (report(fetched.bundle->hash)) {
      current = bundle;
      hash = fetched.bundle->hash;
    }
  }
}

json condition(const json& fr, const std::string& type) {
  if (!fr.is_object()) return json::object();
  for (const json& c : fr.value("status", json::object()).value("conditions", json::array()))
    if (c["type"] == type) return c;
  return nullptr;
}

// Until r0's status reports `generation` Applied on every agent; seconds, or -1 on timeout.
double wait_applied(kube::Client& client, int64_t generation, std::chrono::steady_clock::time_point t0) {
  while (std::chrono::steady_clock::now() - t0 < 60s) {
    auto fr = client.get(op::falco_rules_ref(), kNs, "r0");
    const json status = fr ? fr->value("status", json::object()) : json::object();
    if (status.value("observedGeneration", int64_t{0}) == generation &&
        condition(*fr, "Applied").value("status", "") == "True" &&
        status.value("agents", json::object()).value("applied", 0) == kAgents)
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::this_thread::sleep_for(5ms);
  }
  return -1;
}

}  // namespace

struct Options {
  std::vector<int> rules = {1, 100, 1000};
  int samples = 0;  // 0: 30, 15 at 1,000
  std::string peregrine = PEREGRINE_BIN;
  std::string apiserver;
  std::string operator_log;
  std::string request_log;
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--rules" && (v = value())) {
      o.rules.clear();
      std::stringstream in(v);
      for (std::string n; std::getline(in, n, ',');) o.rules.push_back(std::atoi(n.c_str()));
      if (!std::is_sorted(o.rules.begin(), o.rules.end()) || o.rules.empty() || o.rules.front() < 1) return false;
    } else if (a == "--samples" && (v = value())) {
      o.samples = std::atoi(v);
      if (o.samples < 1) return false;
    } else if (a == "--peregrine" && (v = value())) {
      o.peregrine = v;
    } else if (a == "--apiserver" && (v = value())) {
      o.apiserver = v;
    } else if (a == "--operator-log" && (v = value())) {
      o.operator_log = v;
    } else if (a == "--request-log" && (v = value())) {
      o.request_log = v;
    } else {
      return false;
    }
  }
  return true;
}

int main(int argc, char** argv) {
  Options opts;
  if (!parse(argc, argv, opts)) {
    std::fprintf(stderr,
                 "usage: operator_bench [--rules 1,100,1000 (ascending)] [--samples N] [--peregrine PATH]"
                 " [--apiserver PATH] [--operator-log FILE] [--request-log FILE]\n");
    return 2;
  }
  std::vector<std::string> server_args;
  if (!opts.request_log.empty()) server_args = {"--request-log", opts.request_log};
  kube::testing::ApiTestServer server(server_args, opts.apiserver);
  if (!server.ok()) return std::fprintf(stderr, "API test server did not start\n"), 1;
  kube::Client client(server.config());
  for (const char* f : {"/crds/peregrine.dev_falcorules.yaml", "/crds/peregrine.dev_falcooutputs.yaml"})
    if (!client.create({"apiextensions.k8s.io", "v1", "customresourcedefinitions", false}, "",
                       kube::testing::yaml_to_json(YAML::LoadFile(std::string(PEREGRINE_SOURCE_DIR) + f))))
      return std::fprintf(stderr, "CRD install failed\n"), 1;
  (void)client.create({"", "v1", "namespaces", false}, "", {{"metadata", {{"name", kNs}}}});
  for (int i = 0; i < kAgents; ++i) {
    std::string node = "node-" + std::to_string(i);
    (void)client.create(op::nodes_ref(), "", {{"metadata", {{"name", node}, {"labels", {{"kubernetes.io/os", "linux"}}}}}});
    kube::LeaseRecord r;
    r.holder_identity = node;
    r.lease_duration_seconds = 3600;  // the bench does not renew; nothing expires during it
    r.renew_time = std::chrono::system_clock::now();
    (void)client.create(op::leases_ref(), kNs,
                        {{"metadata", {{"name", "peregrine-agent-" + node}, {"namespace", kNs},
                                       {"labels", {{"peregrine.dev/component", "agent"}, {"peregrine.dev/node", node}}},
                                       {"annotations", {{"peregrine.dev/bundle", ""}}}}},
                         {"spec", kube::lease_spec(r)}});
  }
  std::string kubeconfig = server.dir() + "/kubeconfig";
  std::ofstream(kubeconfig) << "apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster: {server: " << server.url()
                            << "}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: t\n  context: {cluster: t, user: u}\n"
                               "current-context: t\n";
  pid_t op = fork();
  if (op == 0) {
    std::freopen((server.dir() + "/operator.log").c_str(), "w", stderr);
    execl(opts.peregrine.c_str(), opts.peregrine.c_str(), "operator", "--kubeconfig", kubeconfig.c_str(), "--namespace", kNs.c_str(),
          "--metrics-addr", "127.0.0.1:0", "--leader-elect=false", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::atomic<bool> stop{false};
  std::vector<std::thread> agents;
  kube::Client agent_client(server.config());
  Assignments assignments;
  agents.emplace_back([&] { watch_assignments(agent_client, assignments, stop); });
  for (int i = 0; i < kAgents; ++i) agents.emplace_back([&, i] { agent(agent_client, i, assignments, stop); });

  int existing = 0;
  std::printf("%-10s %8s %10s %10s %10s %12s\n", "rules", "samples", "p50 ms", "p99 ms", "max ms", "RSS MiB");
  for (int n : opts.rules) {
    for (; existing < n; ++existing) {
      json fr = {{"apiVersion", "peregrine.dev/v1alpha1"}, {"kind", "FalcoRule"},
                 {"metadata", {{"name", "r" + std::to_string(existing)}, {"namespace", kNs}}},
                 {"spec", {{"rules", rule_text(existing, 0)}, {"order", existing}}}};
      if (!client.create(op::falco_rules_ref(), kNs, fr)) return std::fprintf(stderr, "create failed\n"), 1;
    }
    const int samples = opts.samples ? opts.samples : n >= 1000 ? 15 : 30;
    std::vector<double> lat;
    for (int s = 0; s < samples + 1; ++s) {
      auto fr = client.get(op::falco_rules_ref(), kNs, "r0");
      if (!fr) return 1;
      json next = *fr;
      next["spec"]["rules"] = rule_text(0, n * 1000 + s + 1);
      auto t0 = std::chrono::steady_clock::now();
      auto updated = client.update(op::falco_rules_ref(), kNs, next);
      if (!updated) return std::fprintf(stderr, "update failed\n"), 1;
      double d = wait_applied(client, (*updated)["metadata"].value("generation", int64_t{0}), t0);
      if (d < 0) return std::fprintf(stderr, "timed out; see %s/operator.log\n", server.dir().c_str()), 1;
      if (s > 0) lat.push_back(d);  // the first sample includes loading the new rules
      std::this_thread::sleep_for(100ms);
    }
    std::sort(lat.begin(), lat.end());
    auto pct = [&](double p) { return lat[std::min(lat.size() - 1, size_t(p * (lat.size() - 1) + 0.5))] * 1000; };
    std::printf("%-10d %8zu %10.1f %10.1f %10.1f %12.1f\n", n, lat.size(), pct(0.5), pct(0.99), lat.back() * 1000,
                rss_kib(op, "VmRSS:") / 1024.0);
    std::fflush(stdout);
  }
  std::printf("operator peak RSS (VmHWM): %.1f MiB\n", rss_kib(op, "VmHWM:") / 1024.0);
  stop = true;
  for (auto& t : agents) t.join();
  kill(op, SIGTERM);
  waitpid(op, nullptr, 0);
  if (!opts.operator_log.empty())
    std::ofstream(opts.operator_log) << std::ifstream(server.dir() + "/operator.log").rdbuf();
  return 0;
}
