#pragma once
// The agent's settings: defaults, then the YAML config file (--config), then command-line
// flags, each overriding the one before.
//
// Config file (every key optional):
//   rules: [/etc/peregrine/rules]      # files or directories of *.yaml
//   output_format: json                # json | text
//   minimum_priority: debug            # alerts below it are not emitted
//   rule_matching: first               # first | all
//   outputs:
//     stdout: {enabled: true}
//     file: {enabled: false, path: /var/log/peregrine/alerts.log}
//   buffers:
//     ring_buffer_bytes: 8388608       # kernel ring buffer, power of two
//     alert_queue: 10000               # alerts waiting for the outputs; past it they drop
//   metrics_addr: 127.0.0.1:8765       # /metrics and /healthz; empty = off
//   host_root: /                       # where the host's /proc and /etc are (/host in a pod)
//   node_name: ""                      # alert hostname; default: this machine's

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

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
  std::string metrics_addr;
  std::string host_root = "/";
  std::string node_name;
  std::string driver = "auto";
  std::string record_path;
};

// Applies the YAML `text` (from `origin`, for messages) over `config`. Errors name the key.
Status apply_config_yaml(const std::string& text, const std::string& origin, AgentConfig& config);
Status load_config_file(const std::string& path, AgentConfig& config);

// "HOST:PORT" split; errors say what is wrong.
Result<std::pair<std::string, int>> parse_host_port(const std::string& addr);

}  // namespace peregrine::agent
