#include "outputs/testing/http_receiver.h"

#include <chrono>
#include <cstdlib>

#include <httplib.h>

namespace peregrine::outputs::testing {

std::string ReceivedRequest::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  return "";
}

HttpReceiver::HttpReceiver(Validator validator, const TlsServerFiles* tls, int port)
    : validator_(std::move(validator)) {
  if (tls) {
    tls_ = true;
    server_ = std::make_unique<httplib::SSLServer>(
        tls->cert_file.c_str(), tls->key_file.c_str(),
        tls->client_ca_file.empty() ? nullptr : tls->client_ca_file.c_str());
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    ReceivedRequest r;
    r.method = req.method;
    r.path = req.path;
    for (const auto& [k, v] : req.headers) r.headers.emplace(k, v);
    r.body = req.body;
    std::string problem = validator_ ? validator_(r) : "";
    if (int d = delay_ms_.load(); d > 0) std::this_thread::sleep_for(std::chrono::milliseconds(d));
    std::lock_guard lock(mu_);
    if (!problem.empty()) problems_.push_back(r.method + " " + r.path + ": " + problem);
    requests_.push_back(std::move(r));
    res.status = problem.empty() ? status_.load() : 400;
    res.set_content(response_body_, "application/json");
  };
  server_->Post(".*", handler);
  server_->Put(".*", handler);
  server_->Get(".*", handler);
  if (port > 0) {
    port_ = server_->bind_to_port("127.0.0.1", port) ? port : -1;
  } else {
    port_ = server_->bind_to_any_port("127.0.0.1");
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // listen_after_bind() runs on the thread; requests queue in the kernel until then, but a
  // test that inspects the server right away should see it running.
  for (int i = 0; i < 500 && !server_->is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

HttpReceiver::~HttpReceiver() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string HttpReceiver::url(const std::string& path) const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
}

void HttpReceiver::set_response_body(std::string body) {
  std::lock_guard lock(mu_);
  response_body_ = std::move(body);
}

std::vector<ReceivedRequest> HttpReceiver::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::vector<std::string> HttpReceiver::problems() const {
  std::lock_guard lock(mu_);
  return problems_;
}

size_t HttpReceiver::request_count() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

bool HttpReceiver::wait_for_requests(size_t n, int timeout_ms) const {
  for (int waited = 0; waited < timeout_ms; waited += 10) {
    if (request_count() >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return request_count() >= n;
}

std::string make_test_pki(const std::string& dir, TestPki& out) {
  out.ca_cert = dir + "/ca.crt";
  out.server_cert = dir + "/server.crt";
  out.server_key = dir + "/server.key";
  out.client_cert = dir + "/client.crt";
  out.client_key = dir + "/client.key";
  const std::string d = "'" + dir + "'";
  const std::string script =
      "set -e; cd " + d + ";"
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
      "  -subj /CN=peregrine-test-ca 2>/dev/null;"
      "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext;"
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
      "  -subj /CN=localhost 2>/dev/null;"
      "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 "
      "  -extfile san.ext -out server.crt 2>/dev/null;"
      "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr "
      "  -subj /CN=peregrine-agent 2>/dev/null;"
      "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 "
      "  -out client.crt 2>/dev/null";
  int rc = std::system(("sh -c \"" + script + "\"").c_str());
  return rc == 0 ? "" : "openssl failed making the test PKI in " + dir;
}

}  // namespace peregrine::outputs::testing
