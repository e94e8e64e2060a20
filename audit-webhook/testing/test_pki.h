#pragma once
// Test-only: a temporary directory, and a throw-away PKI in it made with the `openssl` CLI:
// a CA, a server certificate for 127.0.0.1/localhost, a client certificate from that CA (what
// kube-apiserver presents), and a client certificate from a CA the server does not trust.

#include <string>

#include "common/result.h"

namespace peregrine::audit::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `text` to file(name) (replacing it atomically) and returns its path.
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

struct TestPki {
  std::string ca_cert;
  std::string server_cert, server_key;
  std::string client_cert, client_key;
  std::string rogue_client_cert, rogue_client_key;  // signed by an untrusted CA

  // Runs openssl in `dir`; the error says which step failed.
  static Result<TestPki> create(const std::string& dir);
};

}  // namespace peregrine::audit::testing
