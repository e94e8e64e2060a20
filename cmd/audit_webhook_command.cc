// `peregrine audit-webhook`: options and signals around audit::AuditWebhook.

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>

#include "audit-webhook/audit_webhook.h"
#include "audit-webhook/claims/claiming_alert_sink.h"
#include "audit-webhook/cluster/audit_cluster.h"
#include "audit-webhook/config_file.h"
#include "audit-webhook/dispatcher_alert_sink.h"
#include "audit-webhook/line_alert_sink.h"
#include "outputs/config/config_file.h"
#include "audit-webhook/request_auth.h"
#include "cmd/args.h"
#include "cmd/commands.h"
#include "kube/bundle/api_client.h"
#include "kube/clock.h"

namespace peregrine::cli {
namespace {

constexpr const char* kHelp = R"(usage: peregrine audit-webhook --rules PATH [--rules PATH]...
                             [--listen HOST:PORT] [--path P] [--config FILE]
                             [--tls-cert F --tls-key F] [--client-ca F] [--token-file F]
                             [-o json|text] [--all-matches] [--insecure-http]
       peregrine audit-webhook --cluster [--kubeconfig FILE] [--namespace NS]
                             [--bundle-dir DIR] [--secrets-dir DIR] [--rules PATH]... [...]

Receives Kubernetes API audit events from kube-apiserver's webhook backend (POST of
audit.k8s.io/v1 EventList or Event), runs the k8s_audit rules on them and prints one alert
per match on stdout. Log lines go to stderr.

  --listen HOST:PORT  where to listen (default 0.0.0.0:9765; port 0 picks a free one)
  --path P            the audit endpoint (default /k8s-audit)
  --rules PATH        rule file or directory of *.yaml; repeatable, loaded in order
  --config FILE       YAML settings (see audit-webhook/config_file.h); options override it
  --tls-cert, --tls-key   the server's PEM certificate chain and key
  --client-ca F       accept only client certificates signed by this CA (the apiserver's)
  --token-file F      accept only 'Authorization: Bearer <token in F>'
  --insecure-http     serve plain HTTP without authentication (local testing only)
  -o json|text        alert format (default text)
  --all-matches       report every matching rule per event, not only the first

Cluster mode (--cluster): the rules and outputs come from the operator. The webhook follows
ConfigMap peregrine-audit-assignment (data.bundle = the bundle ConfigMap) in NS, fetches and
verifies that bundle and hot-swaps its rules (after the --rules paths, which are then
optional; a tenant's FalcoRule only matches events of its namespace) and its outputs
(FalcoOutputs, falcoalert included). A bundle that does not load keeps the last good one.
  --cluster           turn cluster mode on
  --kubeconfig FILE   API server credentials (default: the pod's service account, when
                      KUBERNETES_SERVICE_HOST is set)
  --namespace NS      the operator's namespace (default peregrine-system)
  --bundle-dir DIR    where verified bundles are written (default /var/lib/peregrine/audit-bundles)
  --secrets-dir DIR   where the bundle Secret's credentials are written
                      (default /var/lib/peregrine/audit-secrets)
  --dedup-claims on|off  before raising an alert, claim it in NS (a Lease named after its
                      auditID, stage and rule), so that a batch the API server resends to
                      another replica alerts once across replicas (default on; the replica's
                      name is $POD_NAME, else the hostname; audit-webhook/claims/README.md)

At least one of --client-ca and --token-file is required with TLS; both may be given, and
then both are required. Also served: GET /healthz, GET /metrics (Prometheus).
Signals: SIGHUP reloads the rules (they also reload when a file changes); SIGINT and
SIGTERM stop after evaluating every event already accepted.
An `outputs:` list in the config file sends alerts to those sinks (see outputs/README.md)
instead of stdout; SIGHUP also reopens their files, and at exit they flush for up to 5 s.
In cluster mode a bundle's outputs replace those while it is in force.
)";

// How long the outputs may flush at exit before what is left is counted as dropped.
constexpr auto kOutputsGrace = std::chrono::seconds(5);
// How long queued alerts may wait for their claims at exit before going out unclaimed.
constexpr auto kClaimsGrace = std::chrono::seconds(5);
// A claim slower than this is a failed one (the alert goes out unclaimed): evaluation never
// waits on it, but the claim queue would fill behind a silent API server.
constexpr auto kClaimTimeout = std::chrono::seconds(5);

// The claims' holderIdentity: the pod name from the downward API, else the hostname.
std::string replica_name() {
  if (const char* pod = std::getenv("POD_NAME"); pod && *pod) return pod;
  char host[256] = {};
  return gethostname(host, sizeof host - 1) == 0 ? host : "audit-webhook";
}

void log_line(const std::string& line) {
  std::fprintf(stderr, "peregrine audit-webhook: %s\n", line.c_str());
  std::fflush(stderr);
}

struct ClusterSettings {
  bool enabled = false;
  bool dedup_claims = true;
  audit::ClusterOptions options;
};

Status apply_cluster_options(const Args& args, ClusterSettings& c) {
  c.enabled = args.has("cluster");
  for (const char* name : {"kubeconfig", "namespace", "bundle-dir", "secrets-dir", "dedup-claims"})
    if (args.has(name) && !c.enabled) return make_error(std::string("--") + name + " needs --cluster");
  if (auto v = args.get("kubeconfig")) c.options.kubeconfig = *v;
  if (auto v = args.get("namespace")) c.options.ns = *v;
  if (auto v = args.get("bundle-dir")) c.options.bundle_dir = *v;
  if (auto v = args.get("secrets-dir")) c.options.secrets_dir = *v;
  if (auto v = args.get("dedup-claims")) {
    if (*v != "on" && *v != "off") return make_error("--dedup-claims must be on or off, not '" + *v + "'");
    c.dedup_claims = *v == "on";
  }
  if (c.options.ns.empty()) return make_error("--namespace must not be empty");
  return {};
}

Status apply_options(const Args& args, audit::CommandSettings& s, bool cluster) {
  if (auto config = args.get("config")) {
    if (Status st = audit::apply_config_file(*config, s); !st) return st;
  }
  audit::ServerOptions& server = s.webhook.server;
  if (auto listen = args.get("listen")) {
    if (Status st = audit::parse_listen_address(*listen, server.host, server.port); !st) return st;
  }
  if (auto path = args.get("path")) server.path = *path;
  if (args.has("rules")) s.webhook.rule_paths = args.all("rules");
  if (auto v = args.get("tls-cert")) server.tls.cert = *v;
  if (auto v = args.get("tls-key")) server.tls.key = *v;
  if (auto v = args.get("client-ca")) server.tls.client_ca = *v;
  if (auto v = args.get("token-file")) s.token_file = *v;
  if (auto v = args.get("output")) {
    if (*v != "text" && *v != "json") return make_error("-o must be text or json, not '" + *v + "'");
    s.format = *v == "json" ? audit::AlertFormat::kJson : audit::AlertFormat::kText;
  }
  if (args.has("all-matches")) s.webhook.evaluation.matching = engine::RuleMatching::kAll;

  if (server.path.empty() || server.path.front() != '/')
    return make_error("--path must start with '/', not '" + server.path + "'");
  if (s.webhook.rule_paths.empty() && !cluster)
    return make_error("audit-webhook needs at least one --rules PATH (or --cluster)");
  bool tls = !server.tls.cert.empty() || !server.tls.key.empty();
  if (args.has("insecure-http")) {
    if (tls || !server.tls.client_ca.empty() || !s.token_file.empty())
      return make_error("--insecure-http cannot be combined with TLS or authentication options");
    return {};
  }
  if (server.tls.cert.empty() || server.tls.key.empty())
    return make_error("audit-webhook needs --tls-cert and --tls-key (or --insecure-http for local testing)");
  if (server.tls.client_ca.empty() && s.token_file.empty())
    return make_error("audit-webhook needs --client-ca or --token-file to authenticate the apiserver");
  if (!s.token_file.empty()) {
    auto token = audit::read_token_file(s.token_file);
    if (!token) return token.error();
    server.token = std::move(*token);
  }
  return {};
}

// Waits for signals on this thread (they are blocked everywhere else): SIGHUP reloads, SIGINT
// and SIGTERM end the wait. Also ends when the server stops on its own.
void wait_for_signals(audit::AuditWebhook& hook, outputs::Dispatcher* dispatcher, audit::SwitchingAlertSink* cluster_outputs,
                      const sigset_t& signals) {
  for (;;) {
    timespec tick{0, 200'000'000};
    int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGHUP) {
      log_line("SIGHUP: reloading rules");
      hook.request_reload();
      if (dispatcher) dispatcher->reopen();
      if (cluster_outputs) cluster_outputs->reopen();
    } else if (sig == SIGINT || sig == SIGTERM) {
      log_line("stopping: evaluating the events already accepted");
      return;
    } else if (hook.server_stopped()) {
      return;
    }
  }
}

}  // namespace

int run_audit_webhook(const std::vector<std::string>& argv) {
  Args parsed;
  if (auto done = parse_command_line(argv, {{"listen", "", true, false},
                                 {"path", "", true, false},
                                 {"rules", "r", true, true},
                                 {"config", "c", true, false},
                                 {"tls-cert", "", true, false},
                                 {"tls-key", "", true, false},
                                 {"client-ca", "", true, false},
                                 {"token-file", "", true, false},
                                 {"output", "o", true, false},
                                 {"all-matches", "", false, false},
                                 {"insecure-http", "", false, false},
                                 {"cluster", "", false, false},
                                 {"kubeconfig", "", true, false},
                                 {"namespace", "n", true, false},
                                 {"bundle-dir", "", true, false},
                                 {"secrets-dir", "", true, false},
                                 {"dedup-claims", "", true, false}}, kHelp, false, parsed)) return *done;
  const Args* args = &parsed;
  ClusterSettings cluster;
  if (Status s = apply_cluster_options(*args, cluster); !s) return usage_error(s.error().message);
  audit::CommandSettings settings;
  if (Status s = apply_options(*args, settings, cluster.enabled); !s) return usage_error(s.error().message);
  std::shared_ptr<kube::Client> api;
  if (cluster.enabled) {
    auto client = kube::bundle::api_client(cluster.options.kubeconfig);
    if (!client) return usage_error(client.error().message);
    api = std::move(*client);
  }

  // Blocked before any thread starts, so every thread inherits the mask and only
  // wait_for_signals() sees them.
  sigset_t signals;
  sigemptyset(&signals);
  for (int sig : {SIGHUP, SIGINT, SIGTERM}) sigaddset(&signals, sig);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up mid-answer must not end the process

  // The `outputs:` sinks when the config lists them, else one line per alert on stdout. In
  // cluster mode a switch in front sends alerts to the bundle's outputs while it has some.
  // `sink` is what the webhook emits to: wrap it here to decorate every alert's delivery.
  std::unique_ptr<outputs::Dispatcher> dispatcher;
  std::unique_ptr<audit::AlertSink> base_sink;
  if (settings.outputs.IsDefined() && !settings.outputs.IsNull()) {
    auto d = outputs::dispatcher_from_config_file(settings.outputs, settings.config_path);
    if (!d) return usage_error(d.error().message);
    dispatcher = std::move(*d);
    base_sink = std::make_unique<audit::DispatcherAlertSink>(*dispatcher);
  } else {
    base_sink = std::make_unique<audit::LineAlertSink>(stdout, settings.format);
  }
  std::unique_ptr<audit::SwitchingAlertSink> cluster_outputs;
  audit::AlertSink* sink = base_sink.get();
  if (cluster.enabled) {
    cluster_outputs = std::make_unique<audit::SwitchingAlertSink>(*base_sink);
    sink = cluster_outputs.get();
  }
  // In front of everything in cluster mode: an alert leaves only when this replica claimed it.
  kube::SystemClock clock;
  std::unique_ptr<kube::Client> claims_api;
  std::unique_ptr<audit::ClaimStore> claim_store;
  std::unique_ptr<audit::ClaimingAlertSink> claims;
  if (cluster.enabled && cluster.dedup_claims) {
    kube::ClientConfig claims_config = api->config();
    claims_config.request_timeout = kClaimTimeout;
    claims_api = std::make_unique<kube::Client>(claims_config);
    audit::ClaimStoreOptions store_options;
    store_options.namespace_name = cluster.options.ns;
    store_options.holder = replica_name();
    claim_store = std::make_unique<audit::ClaimStore>(*claims_api, store_options, clock);
    audit::ClaimingOptions claiming;
    claiming.log = log_line;
    claims = std::make_unique<audit::ClaimingAlertSink>(*sink, *claim_store, claiming);
    sink = claims.get();
  }
  auto hook = audit::AuditWebhook::create(settings.webhook, *sink, log_line);
  if (!hook) return usage_error(hook.error().message);
  std::unique_ptr<audit::AuditCluster> cluster_mode;
  if (cluster.enabled) {
    cluster_mode = std::make_unique<audit::AuditCluster>(api, cluster.options, (*hook)->reloader(), *cluster_outputs,
                                                         log_line);
    (*hook)->add_metrics([c = cluster_mode.get()] { return c->metrics_text(); });
  }
  (*hook)->start();
  if (cluster_mode) {
    cluster_mode->start();
    log_line("cluster mode: following ConfigMap " + std::string(kube::bundle::BundleWatch::kAuditAssignment) +
             " in " + cluster.options.ns);
  }
  log_line(std::string("listening on ") +
           (settings.webhook.server.tls.cert.empty() ? "http://" : "https://") +
           settings.webhook.server.host + ":" + std::to_string((*hook)->port()) +
           settings.webhook.server.path);
  wait_for_signals(**hook, dispatcher.get(), cluster_outputs.get(), signals);
  bool failed = (*hook)->server_stopped();
  if (cluster_mode) {
    (*hook)->add_metrics(nullptr);
    cluster_mode.reset();  // no bundle swaps from here on
  }
  (*hook)->stop();  // every accepted event evaluated: the alerts are in the sinks' queues
  if (claims) claims->shutdown(kClaimsGrace);
  cluster_outputs.reset();  // the bundle's outputs flush (up to 5 s)
  if (dispatcher) dispatcher->shutdown(kOutputsGrace);
  const auto& m = (*hook)->metrics();
  log_line("stopped: " + std::to_string(m.events_evaluated.load()) + " events evaluated, " +
           std::to_string(m.alerts.load()) + " alerts");
  return failed ? 1 : 0;
}

}  // namespace peregrine::cli
