#pragma once
// The validating admission webhook's HTTPS server (cpp-httplib over OpenSSL): kube-apiserver
// POSTs admission.k8s.io/v1 AdmissionReviews to one path per resource; each path has its
// Validator, whose Verdict is the answer. GET /healthz answers "ok" for probes.
//
// Answers: a review the server cannot parse → 400 with a one-line reason; a body over the
// limit → 413; a validator that throws → 200 with allowed=false, code 500 (so the API server
// applies no half-checked object). Bodies are bounded in size and time; nothing a client sends
// can crash the process.
//
// Lifetime: create(), then start() (binds and serves on a thread of its own) until stop() or
// destruction. Validators run on the server's threads, several at once; they must outlive it.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/listen_backlog.h"
#include "common/result.h"
#include "operator/admission/serving_cert.h"
#include "operator/admission/validators.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace peregrine::op::admission {

inline constexpr const char* kFalcoRulePath = "/validate-falcorule";
inline constexpr const char* kFalcoOutputPath = "/validate-falcooutput";

struct WebhookServerOptions {
  std::string host = "0.0.0.0";
  int port = 9443;  // 0 picks a free port (tests)
  ServingCertificate certificate;  // cert_pem and key_pem are served; ca_pem is not needed here
  // Kubernetes objects are at most ~1.5 MiB; a review carries the object and the old one.
  size_t max_body_bytes = 4u << 20;
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds write_timeout{10'000};
  size_t threads = 4;
};

class WebhookServer {
 public:
  // `routes`: path → validator, e.g. {kFalcoRulePath, ...}. Errors: a certificate or key that
  // does not load or match, an empty route table.
  static Result<std::unique_ptr<WebhookServer>> create(const WebhookServerOptions& options,
                                                       std::map<std::string, Validator> routes);
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  // Binds (errors: address in use or not local) and serves on a new thread.
  Status start();
  int port() const { return port_; }  // after start()
  // Stops accepting, finishes requests in flight, joins. Idempotent.
  void stop();

 private:
  explicit WebhookServer(const WebhookServerOptions& options, std::map<std::string, Validator> routes);
  void install_routes();

  WebhookServerOptions options_;
  std::map<std::string, Validator> routes_;
  std::unique_ptr<httplib::Server> http_;
  ListenBacklog backlog_;
  std::thread thread_;
  std::atomic<bool> serving_done_{false};
  std::mutex mu_;  // orders start() and stop()
  int port_ = -1;
};

}  // namespace peregrine::op::admission
