#include "agent/runtime/agent_runner.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>

#include "agent/capture/capture_writer.h"
#include "agent/capture/live_capture.h"
#include "agent/capture/state_recorder.h"
#include "agent/events/event_builder.h"
#include "outputs/config/bundle_outputs.h"
#include "agent/kube/cluster_agent.h"
#include "agent/runtime/alert_queue.h"
#include "agent/runtime/dispatcher_output.h"
#include "agent/runtime/interesting_set.h"
#include "agent/runtime/metrics.h"
#include "agent/runtime/metrics_server.h"
#include "agent/runtime/output_switch.h"
#include "outputs/config/config_file.h"
#include "agent/runtime/pipeline.h"
#include "agent/runtime/reloader.h"
#include "agent/runtime/rules_loader.h"
#include "agent/state/proc_bootstrap.h"
#include "agent/state/state_snapshot.h"
#include "engine/engine.h"

namespace peregrine::agent {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<Reloader*> g_reloader{nullptr};
// Set by SIGHUP; the event loop passes it on to the outputs (reopen() takes locks, which a
// signal handler must not).
std::atomic<bool> g_reopen{false};
// How long the outputs may flush at exit before what is left is counted as dropped.
constexpr auto kOutputsGrace = std::chrono::seconds(5);

void on_stop_signal(int) { g_stop.store(true); }
void on_hup_signal(int) {
  g_reopen.store(true);
  if (Reloader* r = g_reloader.load()) r->request();
}

void log_line(const std::string& line) { std::fprintf(stderr, "peregrine: %s\n", line.c_str()); }

int fail(const std::string& message) {
  log_line(message);
  return 1;
}

std::string join_root(const std::string& root, const char* path) {
  if (root.empty() || root == "/") return path;
  return (root.back() == '/' ? root.substr(0, root.size() - 1) : root) + path;
}

void install_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sa.sa_handler = on_hup_signal;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

// Cluster mode: the bundle's rule files, in manifest order after the --rules paths, each
// loaded as its tenant. Returns "" when the new rules are in force, else one line.
// Outputs: built first, so a bundle whose outputs do not build changes nothing; rebuilt only
// when they changed (`outputs_in_force` identifies the ones running).
std::string apply_bundle(Reloader& reloader, OutputSwitch& outputs, std::string& outputs_in_force,
                         const AgentConfig& config, const kube::ClientConfig& cluster_api,
                         const kube::bundle::Bundle& bundle, const std::string& dir) {
  const std::string identity = outputs::outputs_identity(bundle);
  std::unique_ptr<outputs::Dispatcher> sinks;
  if (identity != outputs_in_force && !identity.empty()) {
    outputs::ConfigContext context;
    context.secrets_dir = config.secrets_dir;
    context.kube_client = cluster_api;
    context.node_name = config.node_name;
    auto built = outputs::bundle_dispatcher(bundle, dir, std::move(context));
    if (!built) return "bundle " + bundle.hash + ": " + built.error().message;
    sinks = std::move(*built);
  }
  std::vector<engine::RuleText> texts;
  for (const kube::bundle::BundleFile& f : bundle.files) texts.push_back({dir + "/" + f.name, f.text, f.tenant});
  Reloader::Outcome outcome = reloader.replace_texts(std::move(texts), "bundle " + bundle.hash);
  if (!outcome.ok) {
    std::string first = outcome.errors.empty() ? "rules did not load" : outcome.errors.front();
    if (outcome.errors.size() > 1) first += " (and " + std::to_string(outcome.errors.size() - 1) + " more errors)";
    return "bundle " + bundle.hash + ": " + first;
  }
  if (identity != outputs_in_force) {
    // No outputs file: back to the --config outputs. The old sinks flush off this thread.
    outputs.replace(std::move(sinks), kOutputsGrace);
    outputs_in_force = identity;
    log_line("bundle " + bundle.hash + ": outputs from " +
             (identity.empty() ? std::string("the agent's config") : dir + "/" + bundle.outputs->name));
  }
  return "";
}

}  // namespace

int run_agent(const AgentConfig& config) {
  // In cluster mode the rules come from the assigned bundle; --rules paths load before it.
  if (config.rules.empty() && !config.cluster) {
    return fail("agent needs at least one --rules PATH (or rules: in the config)");
  }
  const std::string hostname = config.node_name.empty() ? engine::system_hostname() : config.node_name;

  // 1. Rules.
  engine::Engine engine(hostname);
  RulesLoad first = load_rules(engine, config.rules);
  if (!first.rules) {
    for (const std::string& m : first.errors.messages) log_line("error: " + m);
    return fail("rules did not load: " + std::to_string(first.errors.messages.size()) + " errors");
  }
  for (const std::string& w : first.rules->warnings) log_line("warning: " + w);
  RulesetHolder holder;
  holder.publish(first.rules->ruleset, first.rules->hash, wall_clock_ns());

  // 1b. The `outputs:` sinks, before the probe, so a config mistake fails fast.
  std::unique_ptr<outputs::Dispatcher> dispatcher;
  if (config.outputs.IsDefined() && !config.outputs.IsNull()) {
    auto d = outputs::dispatcher_from_config_file(config.outputs, config.config_path);
    if (!d) return fail(d.error().message);
    dispatcher = std::move(*d);
  }

  // 2. The probe, filtered to what the rules and the state need.
  LiveCaptureOptions capture_options;
  capture_options.driver = config.driver;
  capture_options.ring_buffer_bytes = config.ring_buffer_bytes;
  capture_options.ignore_tgid = static_cast<uint32_t>(::getpid());
  capture_options.interesting = interesting_event_types(first.rules->ruleset->for_source("syscall"));
  auto capture = open_live_capture(capture_options);
  if (!capture) return fail(capture.error().message);
  CaptureSource& source = **capture;
  if (std::string how = source.description(); !how.empty()) log_line("capture: " + how);

  // 3. State, after the probe is attached so nothing starts unseen in between.
  ContainerRegistry containers;
  ProcessTable table(containers);
  ProcReader proc(join_root(config.host_root, "/proc"));
  auto loaded = bootstrap_process_table(proc, table);
  if (!loaded) return fail(loaded.error().message);
  UserDb users(config.host_root);
  EventBuilder builder(table, users, &proc, source.realtime_offset_ns());

  // 4. Recording.
  std::unique_ptr<CaptureWriter> writer;
  std::unique_ptr<StateRecorder> recorder;
  if (!config.record_path.empty()) {
    auto w = CaptureWriter::create(config.record_path, source.realtime_offset_ns());
    if (!w) return fail(w.error().message);
    writer = std::move(*w);
    Status s = writer->write_snapshot(snapshot_state(table, {users.passwd_text(), users.group_text()}).dump());
    if (!s) return fail(config.record_path + ": " + s.error().message);
    recorder = std::make_unique<StateRecorder>(*writer, table);
    builder.set_observer(recorder.get());
  }

  // 5. Outputs, metrics, reload.
  // With an `outputs:` list the dispatcher replaces the built-in stdout / file lines.
  std::vector<AlertQueue::Sink> sinks;
  if (config.stdout_enabled && !dispatcher) sinks.push_back(stream_sink(stdout));
  std::FILE* file_out = nullptr;
  if (!config.file_output.empty() && !dispatcher) {
    file_out = std::fopen(config.file_output.c_str(), "ae");
    if (!file_out) return fail(config.file_output + ": cannot open alert file");
    sinks.push_back(stream_sink(file_out));
  }
  Metrics metrics;
  std::unique_ptr<AlertOutput> base_output;
  if (dispatcher) {
    base_output = std::make_unique<DispatcherOutput>(*dispatcher);
  } else {
    base_output = std::make_unique<AlertQueue>(config.alert_queue, config.json, std::move(sinks));
  }
  // A cluster bundle's outputs replace these while the agent runs.
  OutputSwitch outputs(std::move(base_output), std::move(dispatcher));
  // Cluster mode's status on /metrics, set once the cluster agent runs. At the end the server
  // stops before the cluster agent goes.
  std::atomic<const cluster::ClusterAgent*> cluster_metrics{nullptr};
  std::unique_ptr<MetricsServer> server;
  std::atomic<int64_t> last_loop_ns{0};
  if (!config.metrics_addr.empty()) {
    auto hp = parse_host_port(config.metrics_addr);
    if (!hp) return fail("--metrics-addr: " + hp.error().message);
    auto s = MetricsServer::start(
        hp->first, hp->second,
        [&] {
          const cluster::ClusterAgent* c = cluster_metrics.load();
          return metrics.render(holder.current()) + outputs.metrics_text() + (c ? c->metrics_text() : "");
        },
        [&] {
          // Healthy while the event loop turns (it wakes at least every 100 ms).
          auto now = std::chrono::steady_clock::now().time_since_epoch().count();
          return now - last_loop_ns.load() < 5'000'000'000;
        });
    if (!s) return fail(s.error().message);
    server = std::move(*s);
    log_line("metrics on http://" + hp->first + ":" + std::to_string(server->port()) + "/metrics");
  }
  Reloader reloader(
      engine, config.rules, holder, metrics,
      [&](const LoadedRules& rules) {
        Status s = source.set_interesting(interesting_event_types(rules.ruleset->for_source("syscall")));
        if (!s) log_line("updating the probe's syscall set failed: " + s.error().message);
      },
      log_line);
  if (Status s = reloader.start(); !s) return fail("hot reload: " + s.error().message);
  g_reloader.store(&reloader);
  install_signals();

  // 5b. Cluster mode: pod metadata, the assigned rule bundle, the status Lease.
  std::string outputs_in_force;  // the bundle's outputs running; touched by the bundle thread only
  std::unique_ptr<cluster::ClusterAgent> cluster_agent;
  kube::ClientConfig cluster_api;  // the agent's API connection, lent to falcoalert sinks
  if (config.cluster) {
    cluster::ClusterOptions co{config.node_name, config.kubeconfig, config.cluster_namespace, config.bundle_dir};
    auto client = cluster::cluster_client(co);
    if (!client) return fail(client.error().message);
    cluster_api = (*client)->config();
    cluster_agent = std::make_unique<cluster::ClusterAgent>(
        std::move(*client), co,
        [&](const kube::bundle::Bundle& bundle, const std::string& dir) {
          return apply_bundle(reloader, outputs, outputs_in_force, config, cluster_api, bundle, dir);
        },
        log_line);
    cluster_agent->start();
    cluster_metrics.store(cluster_agent.get());
  }
  const ContainerMetadataFeed* metadata_feed = cluster_agent ? &cluster_agent->container_metadata() : nullptr;
  uint64_t metadata_seen = 0;

  PipelineOptions po;
  po.hostname = hostname;
  po.matching = config.all_matches ? engine::RuleMatching::kAll : engine::RuleMatching::kFirst;
  po.minimum_priority = config.minimum_priority;
  // Declared after the outputs, so on every path the workers stop before what they push into.
  std::unique_ptr<EvalWorkers> workers;
  if (config.workers > 1) {
    workers = std::make_unique<EvalWorkers>(config.workers, config.worker_queue, outputs, metrics, po);
  }
  Pipeline pipeline(builder, holder, outputs, metrics, po, workers.get());
  log_line("agent running: " + std::to_string(first.rules->ruleset->rule_count()) + " rules (hash " +
           first.rules->hash + "), " + std::to_string(config.workers) + " evaluation thread(s), " +
           std::to_string(*loaded) + " threads from " + proc.root());

  // 6. The event loop.
  auto last_housekeeping = std::chrono::steady_clock::now();
  while (!g_stop.load()) {
    auto n = source.next(100, [&](const driver::RawEventView& raw) {
      // New pod metadata is taken between two events, like a new ruleset.
      if (metadata_feed && metadata_feed->generation() != metadata_seen) {
        metadata_seen = metadata_feed->generation();
        containers.apply_metadata(metadata_feed->current());
      }
      pipeline.process(raw);
      if (writer) (void)writer->write_record(raw.record());
    });
    if (!n) {
      log_line("capture failed: " + n.error().message);
      break;
    }
    if (g_reopen.exchange(false)) outputs.reopen();  // cheap: flags the sink workers
    auto now = std::chrono::steady_clock::now();
    last_loop_ns.store(now.time_since_epoch().count());
    if (now - last_housekeeping >= std::chrono::milliseconds(250)) {
      last_housekeeping = now;
      CaptureStats cs = source.stats();
      metrics.kernel_drops.store(cs.kernel_drops);
      metrics.user_drops.store(cs.decode_errors);
      pipeline.set_total_drops(cs.kernel_drops + cs.decode_errors + metrics.eval_drops.load());
      metrics.threads.store(table.size());
      users.refresh();
      if (writer) (void)writer->flush();
    }
  }

  g_reloader.store(nullptr);
  server.reset();  // no /metrics renders from here on
  cluster_agent.reset();  // no bundle swaps from here on
  if (workers) workers->drain();  // evaluates what is queued, then pushes the last alerts
  // Counted before the workers go: the pipeline reads their count.
  const uint64_t alerts = pipeline.alerts();
  workers.reset();
  // The built-in queue drains its lines; every sink flushes in parallel. (On an early error
  // return the destructors stop them with no grace instead.)
  outputs.shutdown(kOutputsGrace);
  if (writer) (void)writer->flush();
  if (file_out) std::fclose(file_out);
  CaptureStats cs = source.stats();
  log_line("agent stopped: " + std::to_string(metrics.events.load()) + " events, " +
           std::to_string(alerts) + " alerts, " + std::to_string(cs.kernel_drops) + " dropped in kernel, " +
           std::to_string(cs.decode_errors) + " undecodable");
  return 0;
}

}  // namespace peregrine::agent
