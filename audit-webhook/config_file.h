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
//
// Errors (unknown key, wrong type, bad value) name the file, line and column.

#include <string>

#include "audit-webhook/audit_webhook.h"
#include "audit-webhook/line_alert_sink.h"
#include "common/result.h"

namespace peregrine::audit {

struct CommandSettings {
  WebhookConfig webhook;
  AlertFormat format = AlertFormat::kText;
  std::string token_file;  // read at start-up into webhook.server.token
};

// Applies the settings in `path` on top of `settings`.
Status apply_config_file(const std::string& path, CommandSettings& settings);

// Parses `HOST:PORT` or `[IPV6]:PORT` into host and port (0-65535).
Status parse_listen_address(const std::string& text, std::string& host, int& port);

}  // namespace peregrine::audit
