#pragma once
// A local HTTP(S) server for sink tests: binds 127.0.0.1 on an ephemeral port, records every
// request, and answers with a scripted status (optionally after a delay). A `validator` can
// check each request against the documented API format; its complaints are collected in
// `problems` so a test asserts they are empty. Thread-safe; stops in its destructor.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace peregrine::outputs::testing {

struct ReceivedRequest {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> headers;
  std::string body;
  std::string header(const std::string& name) const;
};

struct TlsServerFiles {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // non-empty: clients must present a certificate it signed
};

class HttpReceiver {
 public:
  // Returns "" when the request is well-formed, else what is wrong with it.
  using Validator = std::function<std::string(const ReceivedRequest&)>;

  // port 0: an ephemeral port; else that port (for a test that needs a sink's URL before the
  // receiver exists, e.g. a sink that was down and comes back).
  explicit HttpReceiver(Validator validator = nullptr, const TlsServerFiles* tls = nullptr,
                        int port = 0);
  ~HttpReceiver();

  int port() const { return port_; }
  std::string url(const std::string& path = "/") const;

  void set_status(int status) { status_ = status; }
  void set_delay_ms(int ms) { delay_ms_ = ms; }
  void set_response_body(std::string body);

  std::vector<ReceivedRequest> requests() const;
  std::vector<std::string> problems() const;
  size_t request_count() const;
  // Waits (bounded by timeout_ms) until at least n requests arrived.
  bool wait_for_requests(size_t n, int timeout_ms = 10000) const;

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  bool tls_ = false;
  Validator validator_;
  std::atomic<int> status_{200};
  std::atomic<int> delay_ms_{0};
  mutable std::mutex mu_;
  std::string response_body_;                // guarded by mu_
  std::vector<ReceivedRequest> requests_;    // guarded by mu_
  std::vector<std::string> problems_;        // guarded by mu_
};

// Writes a throwaway CA, a server certificate for 127.0.0.1/localhost and a client
// certificate, all signed by that CA, into `dir` (uses the openssl command). Returns "" or an
// error message.
struct TestPki {
  std::string ca_cert, server_cert, server_key, client_cert, client_key;
};
std::string make_test_pki(const std::string& dir, TestPki& out);

}  // namespace peregrine::outputs::testing
