#pragma once
// The audit webhook service, assembled: the k8s_audit rules (with hot reload), the HTTPS
// endpoint, the bounded queue between them and the evaluation threads, with alerts going to
// an AlertSink. `peregrine audit-webhook` is argument parsing and signals around this class.
//
// Lifetime: create() loads the rules and binds the port (so errors surface before any thread
// starts); start() runs it; stop() answers no new requests, evaluates every queued event, and
// returns. stop() and request_reload() may be called from any thread.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audit-webhook/alert_sink.h"
#include "audit-webhook/evaluation_pool.h"
#include "audit-webhook/event_queue.h"
#include "audit-webhook/payload_intake.h"
#include "audit-webhook/rule_reloader.h"
#include "audit-webhook/ruleset_holder.h"
#include "audit-webhook/webhook_metrics.h"
#include "audit-webhook/webhook_server.h"
#include "common/result.h"
#include "engine/engine.h"

namespace peregrine::audit {

struct WebhookConfig {
  ServerOptions server;
  std::vector<std::string> rule_paths;
  size_t queue_capacity = 20'000;   // events; 50 full apiserver batches
  size_t dedup_capacity = 100'000;  // (auditID, stage) pairs remembered against retries
  EvaluationOptions evaluation;
  std::chrono::milliseconds reload_poll{2'000};  // 0: reload on request only
  std::string hostname;                          // of alerts; empty: this machine's
};

class AuditWebhook {
 public:
  // `sink` and `log` must outlive the service. Errors: rules that do not load (every
  // diagnostic), TLS files, the listen address.
  static Result<std::unique_ptr<AuditWebhook>> create(WebhookConfig config, AlertSink& sink,
                                                      RuleReloader::Log log);
  ~AuditWebhook();

  int port() const { return server_->port(); }
  void start();
  void stop();
  // True once the HTTP server has stopped, whether by stop() or because it failed.
  bool server_stopped() const { return server_done_.load(); }
  void request_reload() { reloader_->request_reload(); }
  // The reloader, for a caller that brings rule texts of its own (cluster mode's bundles).
  RuleReloader& reloader() { return *reloader_; }
  // Text appended to /metrics (cluster mode's bundle state). Any thread.
  void add_metrics(std::function<std::string()> more);
  const WebhookMetrics& metrics() const { return metrics_; }
  std::string metrics_text() const;

 private:
  AuditWebhook(WebhookConfig config, AlertSink& sink, RuleReloader::Log log);

  WebhookConfig config_;
  AlertSink& sink_;
  RuleReloader::Log log_;
  engine::Engine engine_;
  WebhookMetrics metrics_;
  RulesetHolder rules_;
  EventQueue queue_;
  PayloadIntake intake_;
  std::unique_ptr<RuleReloader> reloader_;
  std::unique_ptr<EvaluationPool> pool_;
  std::unique_ptr<WebhookServer> server_;
  std::thread serve_thread_;
  std::atomic<bool> server_done_{false};
  mutable std::mutex more_metrics_mu_;
  std::function<std::string()> more_metrics_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace peregrine::audit
