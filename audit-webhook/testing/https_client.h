#pragma once
// Test-only: clients for the webhook's tests. An HTTPS client that trusts the test CA and
// optionally presents a client certificate, and a raw socket for clients that misbehave.

#include <chrono>
#include <memory>
#include <string>

#include <httplib.h>

namespace peregrine::audit::testing {

struct ClientCert {
  std::string cert, key;
};

// Verifies the server against `ca_cert`; presents `cert` when it has one.
std::unique_ptr<httplib::SSLClient> https_client(int port, const std::string& ca_cert,
                                                 const ClientCert& cert = {});

// A TCP connection to 127.0.0.1:port, closed on destruction.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool send(const std::string& bytes);
  // Waits up to `limit` for the peer to close (EOF or reset), discarding what it sends.
  // False if it is still open then.
  bool closed_by_peer_within(std::chrono::seconds limit);

 private:
  int fd_ = -1;
};

}  // namespace peregrine::audit::testing
