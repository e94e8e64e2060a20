#pragma once
// The HTTP(S) front of the audit webhook (cpp-httplib): kube-apiserver POSTs audit EventLists
// to `path`; GET /healthz and /metrics serve probes and Prometheus. The server authenticates,
// bounds what it reads (size, time), and hands bodies to PayloadIntake, whose verdict it
// answers. It never evaluates rules itself, so a slow rule cannot slow the apiserver.
//
// /healthz and /metrics need no credentials: they reveal counters only, and probes and
// scrapers rarely hold the apiserver's client certificate.
//
// Lifetime: create(), bind(), then serve() on a thread of the caller's until stop() (callable
// from any thread, any time, more than once).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/listen_backlog.h"
#include "audit-webhook/payload_intake.h"
#include "audit-webhook/request_auth.h"
#include "audit-webhook/tls_setup.h"
#include "audit-webhook/webhook_metrics.h"
#include "common/result.h"

namespace httplib {
class Server;
struct Request;
struct Response;
class ContentReader;
}  // namespace httplib

namespace peregrine::audit {

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 9765;  // 0 picks a free port (tests)
  std::string path = "/k8s-audit";
  TlsFiles tls;  // cert and key both empty: plain HTTP, for local use and tests only
  std::optional<std::string> token;
  size_t max_body_bytes = 32u << 20;  // a full apiserver batch (400 events) is a few MB
  std::chrono::milliseconds read_timeout{10'000};   // per read: cuts stalled clients
  std::chrono::milliseconds write_timeout{10'000};
  int keep_alive_seconds = 5;  // also how long stop() may wait for an idle connection
  size_t keep_alive_max_requests = 10'000;
  size_t http_threads = 8;
};

class WebhookServer {
 public:
  using MetricsText = std::function<std::string()>;

  // Errors: unreadable TLS files, a key that does not match its certificate.
  static Result<std::unique_ptr<WebhookServer>> create(const ServerOptions& options,
                                                       PayloadIntake& intake,
                                                       WebhookMetrics& metrics,
                                                       MetricsText metrics_text);
  ~WebhookServer();

  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  Status bind();
  int port() const { return port_; }  // after bind()
  bool tls() const { return tls_; }

  // Serves until stop(). Returns false if the server could not run.
  bool serve();
  void stop();

 private:
  WebhookServer(const ServerOptions& options, PayloadIntake& intake, WebhookMetrics& metrics,
                MetricsText metrics_text);
  void install_routes();
  // POST `path`: authenticate, bound and read the body, hand it to the intake, answer.
  void handle_post(const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& read_body);

  ServerOptions options_;
  PayloadIntake& intake_;
  WebhookMetrics& metrics_;
  MetricsText metrics_text_;
  RequestAuth auth_;
  std::unique_ptr<httplib::Server> http_;
  ListenBacklog backlog_;
  bool tls_ = false;
  int port_ = -1;

  std::mutex run_mu_;  // orders serve() against stop(): see stop()
  bool serving_ = false;
  bool stopping_ = false;
  bool stop_sent_ = false;
};

}  // namespace peregrine::audit
