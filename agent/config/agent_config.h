#pragma once
// The agent's settings: defaults, then the YAML config file (--config), then command-line
// flags, each overriding the one before.
//
// Config file (every key optional):
//   rules: [/etc/peregrine/rules]      # files or directories of *.yaml
//   output_format: json                # json | text
//   minimum_priority: debug            # alerts below it are not emitted
//   rule_matching: first               # first | all
//   outputs:                           # a list: the sinks of outputs/README.md, e.g.
//     - {name: siem, type: webhook, url: http://siem:8080/falco}
//     - {name: local, type: file, path: /var/log/peregrine/alerts.json}
//   # No list: alerts go to stdout (output_format). The older mapping form is still read:
//   # outputs: {stdout: {enabled: true}, file: {enabled: false, path: /var/log/alerts.log}}
//   buffers:
//     ring_buffer_bytes: 8388608       # kernel ring buffer, power of two
//     alert_queue: 10000               # alerts waiting for the outputs; past it they drop
//     worker_queue: 8192               # events waiting per evaluation worker; past it they drop
//   workers: 1                         # rule evaluation threads (1-64). 1: inline on the capture
//                                      # thread, no copy. More: events are copied and spread by
//                                      # process over the workers; worth it only when rule
//                                      # evaluation, not capture, fills a core, and with cores to
//                                      # spare, so it is never chosen automatically.
//   metrics_addr: 127.0.0.1:8765       # /metrics and /healthz; empty = off
//   host_root: /                       # where the host's /proc and /etc are (/host in a pod)
//   node_name: ""                      # alert hostname; default: this machine's
//   # Cluster mode (only with --node-name on the command line; agent/kube/README.md):
//   kubeconfig: ""                     # empty: in-cluster config
//   namespace: peregrine-system        # the operator's namespace
//   bundle_dir: /var/lib/peregrine/bundles   # where assigned rule bundles are written
//   secrets_dir: /var/lib/peregrine/secrets  # where a bundle's outputs credentials are written

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/result.h"
#include "engine/rules/priority.h"

namespace peregrine::agent {

struct AgentConfig {
  std::vector<std::string> rules;
  bool json = false;
  engine::Priority minimum_priority = engine::Priority::kDebug;
  bool all_matches = false;
  bool stdout_enabled = true;
  std::string file_output;  // empty: no file output
  uint32_t ring_buffer_bytes = 8u << 20;
  uint32_t alert_queue = 10000;
  uint32_t workers = 1;
  uint32_t worker_queue = 8192;
  std::string metrics_addr;
  std::string host_root = "/";
  std::string node_name;
  // Cluster mode: rules (and outputs) come from the bundle the operator assigns to node_name.
  bool cluster = false;
  std::string kubeconfig;
  std::string cluster_namespace = "peregrine-system";
  std::string bundle_dir = "/var/lib/peregrine/bundles";
  std::string secrets_dir = "/var/lib/peregrine/secrets";
  std::string driver = "auto";
  std::string record_path;
  // The `outputs:` list, kept as YAML for outputs::Dispatcher::from_config (which also needs
  // the file for error positions and relative paths). Undefined: no list, stdout/file above.
  YAML::Node outputs;
  std::string config_path;
};

// Applies the YAML `text` (from `origin`, for messages) over `config`. Errors name the key.
Status apply_config_yaml(const std::string& text, const std::string& origin, AgentConfig& config);
Status load_config_file(const std::string& path, AgentConfig& config);

// "HOST:PORT" split; errors say what is wrong.
Result<std::pair<std::string, int>> parse_host_port(const std::string& addr);

}  // namespace peregrine::agent
