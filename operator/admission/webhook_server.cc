#include "operator/admission/webhook_server.h"

#include <httplib.h>

#include "common/strings.h"

#include "operator/admission/openssl_owners.h"
#include "operator/admission/review_handler.h"

namespace peregrine::op::admission {
namespace {

void reply_text(httplib::Response& res, int status, const std::string& text) {
  res.status = status;
  res.set_content(text + "\n", "text/plain; charset=utf-8");
}

// The serving chain and key into `ctx`, TLS 1.2 or newer.
Status configure_tls(SSL_CTX& ctx, const ServingCertificate& cert) {
  if (SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION) != 1) return openssl_error("cannot require TLS 1.2");
  auto chain = certificates_from_pem(cert.cert_pem);
  if (!chain.ok()) return make_error("serving certificate: " + chain.error().message);
  auto key = private_key_from_pem(cert.key_pem);
  if (!key.ok()) return make_error("serving key: " + key.error().message);
  if (SSL_CTX_use_certificate(&ctx, (*chain)[0].get()) != 1) return openssl_error("cannot use the certificate");
  for (size_t i = 1; i < chain->size(); ++i) {
    // On success the context owns the intermediate.
    if (SSL_CTX_add_extra_chain_cert(&ctx, (*chain)[i].get()) != 1) return openssl_error("cannot add the chain");
    (void)(*chain)[i].release();
  }
  if (SSL_CTX_use_PrivateKey(&ctx, key->get()) != 1 || SSL_CTX_check_private_key(&ctx) != 1)
    return openssl_error("the key does not match the serving certificate");
  return {};
}

}  // namespace

Result<std::unique_ptr<WebhookServer>> WebhookServer::create(const WebhookServerOptions& options,
                                                             std::map<std::string, Validator> routes) {
  if (routes.empty()) return make_error("the admission webhook needs at least one path");
  for (const auto& [path, validator] : routes)
    if (path.empty() || path[0] != '/' || !validator)
      return make_error("admission path '" + path + "' needs a leading '/' and a validator");
  std::unique_ptr<WebhookServer> server(new WebhookServer(options, std::move(routes)));
  Status tls_status;
  auto ssl = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
    tls_status = configure_tls(ctx, options.certificate);
    return tls_status.ok();
  });
  if (!tls_status) return tls_status.error();
  if (!ssl->is_valid()) return make_error("cannot set up TLS for the admission webhook");
  server->http_ = std::move(ssl);
  server->backlog_.install(*server->http_);
  server->install_routes();
  return server;
}

WebhookServer::WebhookServer(const WebhookServerOptions& options, std::map<std::string, Validator> routes)
    : options_(options), routes_(std::move(routes)) {}

WebhookServer::~WebhookServer() { stop(); }

void WebhookServer::install_routes() {
  httplib::Server& http = *http_;
  size_t threads = options_.threads == 0 ? 1 : options_.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  auto set_timeout = [](std::chrono::milliseconds d, auto set) {
    set(static_cast<time_t>(d.count() / 1000), static_cast<time_t>(d.count() % 1000 * 1000));
  };
  set_timeout(options_.read_timeout, [&](time_t s, time_t us) { http.set_read_timeout(s, us); });
  set_timeout(options_.write_timeout, [&](time_t s, time_t us) { http.set_write_timeout(s, us); });
  http.set_keep_alive_timeout(5);
  // httplib refuses larger bodies with 413 before any handler runs.
  http.set_payload_max_length(options_.max_body_bytes);
  http.set_tcp_nodelay(true);

  for (const auto& [path, validator] : routes_) {
    const Validator* v = &validator;
    http.Post(regex_literal(path), [v](const httplib::Request& req, httplib::Response& res) {
      ReviewAnswer a = answer_review(*v, req.body);
      res.status = a.http_status;
      res.set_content(a.body, a.content_type.c_str());
    });
  }
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { reply_text(res, 200, "ok"); });
  http.set_error_handler([this](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404) {
      std::string paths;
      for (const auto& [path, v] : routes_) paths += (paths.empty() ? "" : ", ") + path;
      reply_text(res, 404, "not found: AdmissionReviews go to POST " + paths);
    } else if (res.status == 413) {
      reply_text(res, 413, "body is larger than " + std::to_string(options_.max_body_bytes) + " bytes");
    }
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    reply_text(res, 500, "internal error");
  });
}

Status WebhookServer::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return make_error("the admission webhook is already started");
  auto port = backlog_.bind(*http_, options_.host, options_.port);
  if (!port.ok()) return port.error();
  port_ = *port;
  thread_ = std::thread([this] {
    http_->listen_after_bind();
    serving_done_ = true;
  });
  // httplib's stop() is a no-op until its accept loop runs: wait for it, so stop() always works.
  while (!http_->is_running() && !serving_done_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (serving_done_ && !http_->is_running()) {
    thread_.join();
    return make_error("the admission webhook could not serve on port " + std::to_string(port_));
  }
  return {};
}

void WebhookServer::stop() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!thread_.joinable()) return;
  http_->stop();
  thread_.join();
}

}  // namespace peregrine::op::admission
