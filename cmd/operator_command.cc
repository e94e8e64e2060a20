// `peregrine operator`: options and signals around op::Controller.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <memory>

#include "cmd/args.h"
#include "cmd/commands.h"
#include "kube/config.h"
#include "operator/admission_webhook.h"
#include "operator/controller.h"

namespace peregrine::cli {
namespace {

constexpr const char* kHelp = R"(usage: peregrine operator [--kubeconfig FILE] [--context NAME] [--namespace NS]
                          [--metrics-addr HOST:PORT] [--leader-elect=true|false] [--identity ID]
                          [--webhook-addr HOST:PORT [--webhook-url URL] [--webhook-cert F --webhook-key F
                          [--webhook-ca F]] [--webhook-failure-policy Fail|Ignore]]

Turns FalcoRules (all namespaces) and FalcoOutputs into rule bundles for the agents: validates
every FalcoRule alone and with the others, writes content-addressed bundle ConfigMaps and the
node → bundle assignment in NS, and reports Accepted/Applied conditions on each FalcoRule
(operator/README.md). Log lines go to stderr.

  --kubeconfig FILE   API server and credentials (default: in-cluster service account)
  --context NAME      kubeconfig context (default: its current-context)
  --namespace NS      the operator namespace (default peregrine-system); FalcoRules there are
                      cluster-wide, FalcoRules elsewhere apply to their namespace only
  --metrics-addr HOST:PORT  /metrics, /healthz, /readyz (default 0.0.0.0:8080; port 0 picks one)
  --leader-elect=B    elect one writer through the Lease peregrine-operator in NS (default true)
  --identity ID       leader-election identity (default: hostname-pid)
  --webhook-addr HOST:PORT  serve the validating admission webhook (HTTPS) there and register it
                      (ValidatingWebhookConfiguration peregrine-validating-webhook): kubectl apply
                      of a FalcoRule that does not compile with the rules it joins is refused with
                      its line and column. Default: no webhook.
  --webhook-url URL   base URL the API server calls (default: the Service peregrine-webhook in NS)
  --webhook-cert F, --webhook-key F, --webhook-ca F  serving certificate files (default: one
                      generated once and shared by all replicas through the Secret
                      peregrine-webhook-cert in NS)
  --webhook-failure-policy Fail|Ignore  what the API server does when the webhook is unreachable
                      (default Fail)

SIGINT and SIGTERM stop after the running pass and hand the leader Lease back.
)";

void log_line(const std::string& line) {
  std::fprintf(stderr, "peregrine operator: %s\n", line.c_str());
  std::fflush(stderr);
}

Status parse_host_port(const std::string& flag, const std::string& text, std::string& host, int& port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return make_error("--" + flag + " must be HOST:PORT, not '" + text + "'");
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  try {
    size_t used = 0;
    port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || port < 0 || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    return make_error("--" + flag + " has a bad port: '" + text + "'");
  }
  return {};
}

}  // namespace

int run_operator(const std::vector<std::string>& argv) {
  Args args;
  if (auto done = parse_command_line(argv, {{"kubeconfig", "", true, false},
                                            {"context", "", true, false},
                                            {"namespace", "n", true, false},
                                            {"metrics-addr", "", true, false},
                                            {"leader-elect", "", true, false},
                                            {"identity", "", true, false},
                                            {"webhook-addr", "", true, false},
                                            {"webhook-url", "", true, false},
                                            {"webhook-cert", "", true, false},
                                            {"webhook-key", "", true, false},
                                            {"webhook-ca", "", true, false},
                                            {"webhook-failure-policy", "", true, false}},
                                     kHelp, false, args))
    return *done;
  op::ControllerOptions options;
  options.ns = args.get("namespace").value_or("peregrine-system");
  options.identity = args.get("identity").value_or("");
  options.metrics_port = 8080;
  if (Status s = parse_host_port("metrics-addr", args.get("metrics-addr").value_or("0.0.0.0:8080"), options.metrics_host,
                                 options.metrics_port);
      !s)
    return usage_error(s.error().message);
  std::string elect = args.get("leader-elect").value_or("true");
  if (elect != "true" && elect != "false") return usage_error("--leader-elect must be true or false, not '" + elect + "'");
  options.leader_elect = elect == "true";
  options.log = log_line;

  auto config = args.has("kubeconfig") ? kube::load_kubeconfig(*args.get("kubeconfig"), args.get("context").value_or(""))
                                       : kube::in_cluster_config(kube::process_environment());
  if (!config) return usage_error(config.error().describe());

  sigset_t signals;
  sigemptyset(&signals);
  for (int sig : {SIGINT, SIGTERM}) sigaddset(&signals, sig);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto client = std::make_shared<kube::Client>(std::move(*config));
  op::Controller controller(client, options);
  if (Status s = controller.start(); !s) return usage_error(s.error().message);
  std::unique_ptr<op::AdmissionWebhook> webhook;
  if (args.has("webhook-addr")) {
    op::AdmissionWebhookOptions hook;
    hook.ns = options.ns;
    if (Status s = parse_host_port("webhook-addr", *args.get("webhook-addr"), hook.host, hook.port); !s)
      return usage_error(s.error().message);
    hook.url = args.get("webhook-url").value_or("");
    hook.cert_file = args.get("webhook-cert").value_or("");
    hook.key_file = args.get("webhook-key").value_or("");
    hook.ca_file = args.get("webhook-ca").value_or("");
    hook.failure_policy = args.get("webhook-failure-policy").value_or("Fail");
    auto started = op::AdmissionWebhook::start(client, hook, [&controller] { return controller.falco_rules(); });
    if (!started.ok()) {
      controller.stop();
      return usage_error(started.error().message);
    }
    webhook = std::move(*started);
    log_line("admission webhook on " + hook.host + ":" + std::to_string(webhook->port()));
  }
  log_line("namespace " + options.ns + ", metrics on " + options.metrics_host + ":" +
           std::to_string(controller.metrics_port()) + (options.leader_elect ? ", leader election on" : ", no leader election"));
  int sig = 0;
  sigwait(&signals, &sig);
  log_line("stopping");
  webhook.reset();
  controller.stop();
  return 0;
}

}  // namespace peregrine::cli
