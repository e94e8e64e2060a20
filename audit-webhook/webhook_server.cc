#include "audit-webhook/webhook_server.h"

#include <thread>
#include <utility>

#include <httplib.h>

#include "common/strings.h"

namespace peregrine::audit {
namespace {

void reply(httplib::Response& res, int status, const std::string& text) {
  res.status = status;
  res.set_content(text + "\n", "text/plain; charset=utf-8");
}

// For answers given before the body was read (or while it was only partly read): the rest of
// it is still on the connection, so the connection cannot carry another request.
void reply_and_close(httplib::Response& res, int status, const std::string& text) {
  reply(res, status, text);
  res.set_header("Connection", "close");
}

}  // namespace

Result<std::unique_ptr<WebhookServer>> WebhookServer::create(const ServerOptions& options,
                                                             PayloadIntake& intake,
                                                             WebhookMetrics& metrics,
                                                             MetricsText metrics_text) {
  bool want_tls = !options.tls.cert.empty() || !options.tls.key.empty();
  if (want_tls && (options.tls.cert.empty() || options.tls.key.empty()))
    return make_error("TLS needs both a certificate and a key");
  if (!want_tls && !options.tls.client_ca.empty())
    return make_error("a client CA needs TLS: give a certificate and a key too");

  std::unique_ptr<WebhookServer> server(
      new WebhookServer(options, intake, metrics, std::move(metrics_text)));
  if (want_tls) {
    Status tls_status;
    auto ssl = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
      tls_status = configure_server_tls(ctx, options.tls);
      return tls_status.ok();
    });
    if (!tls_status) return tls_status.error();
    if (!ssl->is_valid()) return make_error("cannot set up TLS");
    server->http_ = std::move(ssl);
    server->tls_ = true;
  } else {
    server->http_ = std::make_unique<httplib::Server>();
  }
  server->backlog_.install(*server->http_);
  server->install_routes();
  return server;
}

WebhookServer::WebhookServer(const ServerOptions& options, PayloadIntake& intake,
                             WebhookMetrics& metrics, MetricsText metrics_text)
    : options_(options),
      intake_(intake),
      metrics_(metrics),
      metrics_text_(std::move(metrics_text)),
      auth_(!options.tls.client_ca.empty(), options.token) {}

WebhookServer::~WebhookServer() { stop(); }

void WebhookServer::install_routes() {
  httplib::Server& http = *http_;
  size_t threads = options_.http_threads == 0 ? 1 : options_.http_threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  auto to_timeval = [](std::chrono::milliseconds d, auto set) {
    set(static_cast<time_t>(d.count() / 1000), static_cast<time_t>(d.count() % 1000 * 1000));
  };
  to_timeval(options_.read_timeout, [&](time_t s, time_t us) { http.set_read_timeout(s, us); });
  to_timeval(options_.write_timeout, [&](time_t s, time_t us) { http.set_write_timeout(s, us); });
  http.set_keep_alive_timeout(options_.keep_alive_seconds);
  http.set_keep_alive_max_count(options_.keep_alive_max_requests);
  http.set_payload_max_length(options_.max_body_bytes);
  http.set_tcp_nodelay(true);

  http.Post(regex_literal(options_.path),
            [this](const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& read_body) { handle_post(req, res, read_body); });

  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    reply(res, 200, "ok");
  });
  http.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.status = 200;
    res.set_content(metrics_text_(), "text/plain; version=0.0.4; charset=utf-8");
  });
  http.set_error_handler([this](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404) {
      WebhookMetrics::bump(metrics_.responses_not_found);
      reply(res, 404, "not found: audit events go to POST " + options_.path);
    }
  });
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        reply_and_close(res, 500, "internal error");
      });
}

void WebhookServer::handle_post(const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& read_body) {
  if (auto why = auth_.check(req.get_header_value("Authorization"), req.ssl)) {
    WebhookMetrics::bump(metrics_.responses_unauthorized);
    if (options_.token) res.set_header("WWW-Authenticate", "Bearer");
    return reply_and_close(res, 401, *why);
  }
  std::string content_type = req.get_header_value("Content-Type");
  if (!is_json_media_type(content_type)) {
    // Refused before reading the body: PayloadIntake gives the reason and counts.
    IntakeReply r = intake_.accept(content_type, {});
    return reply_and_close(res, r.status, r.reason);
  }
  std::string body;
  bool too_large = false;
  bool read = read_body([&](const char* data, size_t n) {
    if (n > options_.max_body_bytes - body.size()) {
      too_large = true;  // chunked bodies have no Content-Length to refuse early
      return false;
    }
    body.append(data, n);
    return true;
  });
  if (!read) {
    if (too_large || res.status == 413) {
      WebhookMetrics::bump(metrics_.responses_too_large);
      return reply_and_close(
          res, 413, "body is larger than " + std::to_string(options_.max_body_bytes) + " bytes");
    }
    WebhookMetrics::bump(metrics_.responses_bad_request);
    return reply_and_close(res, 400, "could not read the request body");
  }
  IntakeReply r = intake_.accept(content_type, body);
  if (r.status == 200) {
    std::string text = "queued " + std::to_string(r.queued) + " events";
    if (r.duplicates) text += ", " + std::to_string(r.duplicates) + " already seen";
    return reply(res, 200, text);
  }
  if (r.status == 429) res.set_header("Retry-After", "1");
  reply(res, r.status, r.reason);
}

Status WebhookServer::bind() {
  auto port = backlog_.bind(*http_, options_.host, options_.port);
  if (!port.ok()) return port.error();
  port_ = *port;
  return {};
}

bool WebhookServer::serve() {
  {
    std::lock_guard<std::mutex> lock(run_mu_);
    if (stopping_) return true;
    serving_ = true;
  }
  bool ok = http_->listen_after_bind();
  std::lock_guard<std::mutex> lock(run_mu_);
  serving_ = false;
  return ok;
}

void WebhookServer::stop() {
  // httplib's stop() does nothing before its listen loop runs, and must not be called twice.
  // So: once serve() has committed to running the loop, wait until the loop is up, then stop
  // it once; if the loop already ended (or never started), there is nothing to stop.
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(run_mu_);
      stopping_ = true;
      if (!serving_ || stop_sent_) return;
      if (http_->is_running()) {
        stop_sent_ = true;
        http_->stop();
        return;
      }
    }
    std::this_thread::yield();
  }
}

}  // namespace peregrine::audit
