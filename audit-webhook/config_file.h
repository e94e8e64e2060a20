#pragma once
// The audit webhook's YAML configuration file (`peregrine audit-webhook --config FILE`), the
// same settings as the command-line options, which override it. Every key is optional:
//
//   listen: 0.0.0.0:9765           # HOST:PORT ([v6addr]:PORT for IPv6)
//   path: /k8s-audit
//   rules: [/etc/peregrine/rules]  # files or directories of *.yaml, loaded in order
//   tls_cert: /tls/tls.crt
//   tls_key: /tls/tls.key
//   client_ca: /tls/apiserver-ca.crt
//   token_file: /secrets/token
//   output: json                   # json | text
//   all_matches: false             # every matching rule per event, not only the first
//   max_body_bytes: 33554432
//   queue_capacity: 20000
//   evaluation_threads: 1
//   http_threads: 8
//   read_timeout_ms: 10000
//   write_timeout_ms: 10000
//   reload_interval_ms: 2000       # 0: reload on SIGHUP only
//   outputs:                       # sinks instead of stdout; the list of outputs/README.md
//     - {name: local, type: file, path: /var/log/peregrine/audit-alerts.json}
//
// Errors (unknown key, wrong type, bad value) name the file, line and column.

#include <string>

#include <yaml-cpp/yaml.h>

#include "audit-webhook/audit_webhook.h"
#include "audit-webhook/line_alert_sink.h"
#include "common/result.h"

namespace peregrine::audit {

struct CommandSettings {
  WebhookConfig webhook;
  AlertFormat format = AlertFormat::kText;
  std::string token_file;  // read at start-up into webhook.server.token
  // The `outputs:` list for outputs::Dispatcher::from_config, and the file it came from
  // (error positions, relative paths). Undefined: alerts go to stdout in `format`.
  YAML::Node outputs;
  std::string config_path;
};

// Applies the settings in `path` on top of `settings`.
Status apply_config_file(const std::string& path, CommandSettings& settings);

// Parses `HOST:PORT` or `[IPV6]:PORT` into host and port (0-65535).
Status parse_listen_address(const std::string& text, std::string& host, int& port);

}  // namespace peregrine::audit
