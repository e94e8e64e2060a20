// `peregrine agent`: parse flags and the config file into an AgentConfig, then run the agent
// (agent/runtime/agent_runner.h).

#include <cstdio>
#include <cstdlib>

#include "agent/config/agent_config.h"
#include "agent/runtime/agent_runner.h"
#include "cmd/args.h"
#include "cmd/commands.h"
#include "common/strings.h"
#include "engine/rules/priority.h"

namespace peregrine::cli {
namespace {

constexpr const char* kHelp = R"(usage: peregrine agent --rules PATH [--rules PATH]... [--config FILE] [-o json|text]
                       [--driver auto|ebpf|kmod] [--record FILE] [--metrics-addr HOST:PORT]
                       [--host-root DIR] [--min-priority P] [--all-matches] [--workers N]
       peregrine agent --node-name NAME [--kubeconfig FILE] [--namespace NS] [--rules PATH]... [...]

Watches this node's syscalls with the eBPF probe, keeps process, fd, user and container state,
and prints an alert per rule match on stdout (-o json: one Falco-compatible JSON object a line).
Needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE) and kernel BTF.

  --rules PATH          a rules file, or a directory of *.yaml (repeatable)
  --config FILE         YAML settings (see agent/config/agent_config.h); flags override it
  --record FILE         also write every event to FILE, replayable with
                        'peregrine replay --source syscall --events FILE'
  --metrics-addr H:P    serve /metrics (Prometheus) and /healthz
  --host-root DIR       where the host's /proc and /etc are (default /; /host in a pod)
  --workers N           evaluate rules on N threads (default 1: inline, on the capture thread);
                        each process's events stay on one thread, so its alerts keep their order

Cluster mode (agent/kube/README.md):
  --node-name NAME      this node's name: run the rule bundle the operator assigns to NAME
                        (ConfigMap peregrine-assignments), name containers after their pods
                        (pods with spec.nodeName=NAME), report on Lease peregrine-agent-NAME.
                        --rules paths, if any, load before the bundle's files
  --kubeconfig FILE     how to reach the API server; default: the pod's service account
  --namespace NS        the operator's namespace (default peregrine-system)
  Without --node-name, --kubeconfig and --namespace are ignored.

Reloads the rules on SIGHUP and whenever a rules file changes; a ruleset with errors is
rejected with its positions and the previous one keeps running.

An `outputs:` list in the config file sends alerts to those sinks (file, webhook, syslog, ...;
see outputs/README.md) instead of stdout. SIGHUP also reopens their files (logrotate);
/metrics adds their counters; SIGINT/SIGTERM let them flush for up to 5 s.
)";

}  // namespace

int run_agent(const std::vector<std::string>& argv) {
  Args parsed;
  if (auto done = parse_command_line(argv, {{"rules", "r", true, true},
                                 {"config", "c", true, false},
                                 {"output", "o", true, false},
                                 {"driver", "", true, false},
                                 {"record", "", true, false},
                                 {"metrics-addr", "", true, false},
                                 {"node-name", "", true, false},
                                 {"host-root", "", true, false},
                                 {"min-priority", "", true, false},
                                 {"kubeconfig", "", true, false},
                                 {"namespace", "", true, false},
                                 {"all-matches", "", false, false},
                                 {"workers", "", true, false}}, kHelp, false, parsed)) return *done;
  const Args* args = &parsed;

  agent::AgentConfig config;
  if (auto path = args->get("config")) {
    if (Status s = agent::load_config_file(*path, config); !s) return usage_error(s.error().message);
  }
  if (args->has("rules")) config.rules = args->all("rules");
  if (auto o = args->get("output")) {
    if (*o != "json" && *o != "text") return usage_error("-o must be text or json, not '" + *o + "'");
    config.json = *o == "json";
  }
  if (auto d = args->get("driver")) {
    if (*d != "auto" && *d != "ebpf" && *d != "kmod") return usage_error("--driver must be auto, ebpf or kmod");
    config.driver = *d;
  }
  if (auto r = args->get("record")) config.record_path = *r;
  if (auto m = args->get("metrics-addr")) {
    if (auto hp = agent::parse_host_port(*m); !hp) return usage_error("--metrics-addr: " + hp.error().message);
    config.metrics_addr = *m;
  }
  if (auto n = args->get("node-name")) {
    if (n->empty()) return usage_error("--node-name must not be empty");
    config.node_name = *n;
    config.cluster = true;
  }
  if (auto k = args->get("kubeconfig")) config.kubeconfig = *k;
  if (auto ns = args->get("namespace")) config.cluster_namespace = *ns;
  if (config.cluster && config.kubeconfig.empty() && !std::getenv("KUBERNETES_SERVICE_HOST")) {
    return usage_error("--node-name needs --kubeconfig FILE outside a pod (KUBERNETES_SERVICE_HOST is not set)");
  }
  if (auto h = args->get("host-root")) config.host_root = *h;
  if (auto p = args->get("min-priority")) {
    auto prio = engine::parse_priority(*p);
    if (!prio) return usage_error("--min-priority: unknown priority '" + *p + "'");
    config.minimum_priority = *prio;
  }
  if (args->has("all-matches")) config.all_matches = true;
  if (auto w = args->get("workers")) {
    auto n = parse_int64(*w);
    if (!n || *n < 1 || *n > 64) return usage_error("--workers must be a number from 1 to 64, not '" + *w + "'");
    config.workers = static_cast<uint32_t>(*n);
  }
  if (config.rules.empty() && !config.cluster) {
    return usage_error("agent needs at least one --rules PATH (or --node-name: rules from the cluster)");
  }
  return agent::run_agent(config);
}

}  // namespace peregrine::cli
