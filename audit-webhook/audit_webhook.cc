#include "audit-webhook/audit_webhook.h"

#include <utility>

namespace peregrine::audit {

AuditWebhook::AuditWebhook(WebhookConfig config, AlertSink& sink, RuleReloader::Log log)
    : config_(std::move(config)),
      sink_(sink),
      log_(std::move(log)),
      engine_(config_.hostname.empty() ? engine::system_hostname() : config_.hostname),
      queue_(config_.queue_capacity),
      intake_(queue_, metrics_, config_.dedup_capacity) {
  reloader_ = std::make_unique<RuleReloader>(engine_, config_.rule_paths, rules_, metrics_, log_,
                                             config_.reload_poll);
  pool_ = std::make_unique<EvaluationPool>(queue_, rules_, sink, metrics_, engine_.hostname(),
                                           config_.evaluation);
}

Result<std::unique_ptr<AuditWebhook>> AuditWebhook::create(WebhookConfig config,
                                                           AlertSink& sink,
                                                           RuleReloader::Log log) {
  if (config.queue_capacity == 0) return make_error("the queue capacity must be at least 1");
  std::unique_ptr<AuditWebhook> hook(new AuditWebhook(std::move(config), sink, std::move(log)));
  if (Status s = hook->reloader_->load_now(); !s) return s.error();
  auto server = WebhookServer::create(hook->config_.server, hook->intake_, hook->metrics_,
                                      [raw = hook.get()] { return raw->metrics_text(); });
  if (!server) return server.error();
  hook->server_ = std::move(*server);
  if (Status s = hook->server_->bind(); !s) return s.error();
  return hook;
}

AuditWebhook::~AuditWebhook() { stop(); }

void AuditWebhook::add_metrics(std::function<std::string()> more) {
  std::lock_guard lock(more_metrics_mu_);
  more_metrics_ = std::move(more);
}

std::string AuditWebhook::metrics_text() const {
  std::string out = render_prometheus(metrics_, queue_.size(), queue_.capacity()) + sink_.metrics_text();
  std::lock_guard lock(more_metrics_mu_);
  if (more_metrics_) out += more_metrics_();
  return out;
}

void AuditWebhook::start() {
  if (started_) return;
  started_ = true;
  pool_->start();
  reloader_->start();
  serve_thread_ = std::thread([this] {
    if (!server_->serve()) log_("the HTTP server stopped: it could not accept connections");
    server_done_ = true;
  });
}

void AuditWebhook::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (server_) server_->stop();
  if (serve_thread_.joinable()) serve_thread_.join();
  // No request is in flight any more (httplib's stop joins its handlers): every event that got
  // a 200 is queued, and closing the queue lets the pool evaluate them all before it exits.
  queue_.close();
  pool_->join();
  reloader_->stop();
}

}  // namespace peregrine::audit
