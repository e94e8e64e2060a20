#include "outputs/sinks/falcoalert/falcoalert_config.h"

#include <charconv>

#include "kube/config.h"
#include "outputs/sinks/falcoalert/falcoalert_sink.h"

namespace peregrine::outputs::falcoalert {

#define PEREGRINE_FA_ASSIGN(var, expr)                   \
  auto var##_result = (expr);                            \
  if (!var##_result.ok()) return var##_result.error();   \
  auto var = std::move(*var##_result)

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data() || n < 0) return std::nullopt;
  std::string unit(end, text.data() + text.size());
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit == "s") return std::chrono::milliseconds(n * 1000);
  if (unit == "m") return std::chrono::milliseconds(n * 60000);
  return std::nullopt;
}

namespace {

// A DNS-1123 label, as namespace names are.
bool is_namespace_name(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return s.front() != '-' && s.back() != '-';
}

}  // namespace

Result<std::unique_ptr<Sink>> make_falcoalert_sink(Settings& s) {
  FalcoAlertOptions o;
  PEREGRINE_FA_ASSIGN(kubeconfig, s.path("kubeconfig"));
  PEREGRINE_FA_ASSIGN(node, s.string("nodeName", ""));
  PEREGRINE_FA_ASSIGN(ns, s.string("namespace", o.default_namespace));
  PEREGRINE_FA_ASSIGN(rate, s.integer("maxWritesPerSecond", o.max_writes_per_second, 1, 10000));
  PEREGRINE_FA_ASSIGN(interval_text, s.string("flushInterval", "1s"));
  PEREGRINE_FA_ASSIGN(max_keys, s.integer("maxKeys", static_cast<int64_t>(o.max_keys), 1, 10000000));
  PEREGRINE_FA_ASSIGN(timeout_ms, s.integer("timeoutMs", 5000, 1, 600000));
  if (!is_namespace_name(ns)) return s.error("namespace", "must be a namespace name (DNS-1123 label): '" + ns + "'");
  auto interval = parse_duration(interval_text);
  if (!interval || *interval < std::chrono::milliseconds(10) || *interval > std::chrono::hours(1))
    return s.error("flushInterval", "must be a duration from 10ms to 60m such as 500ms, 1s or 2m: '" +
                                        interval_text + "'");
  // A kubeconfig is read now, so that a wrong path is a load error; the in-cluster account is
  // resolved at the first write (FalcoAlertOptions::client).
  if (!kubeconfig.empty()) {
    auto config = kube::load_kubeconfig(kubeconfig);
    if (!config.ok()) return s.error("kubeconfig", "could not be loaded: " + config.error().describe());
    o.client = *config;
    o.client->request_timeout = std::chrono::milliseconds(timeout_ms);
    o.client->connect_timeout = std::min(o.client->connect_timeout, o.client->request_timeout);
  }
  if (kubeconfig.empty() && s.context().kube_client) {
    o.client = *s.context().kube_client;
    o.client->request_timeout = std::chrono::milliseconds(timeout_ms);
    o.client->connect_timeout = std::min(o.client->connect_timeout, o.client->request_timeout);
  }
  o.in_cluster_timeout = std::chrono::milliseconds(timeout_ms);
  o.node_name = node.empty() ? s.context().node_name : node;
  o.default_namespace = ns;
  o.max_writes_per_second = static_cast<uint32_t>(rate);
  o.flush_interval = *interval;
  o.max_keys = static_cast<size_t>(max_keys);
  return std::unique_ptr<Sink>(std::make_unique<FalcoAlertSink>(std::move(o)));
}

}  // namespace peregrine::outputs::falcoalert
