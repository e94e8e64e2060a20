#pragma once
// Test helper: runs peregrine-test-apiserver as a child process on a kernel-chosen port in a
// fresh temp dir, and stops it (SIGTERM to its pid, then SIGKILL) on destruction.

#include <string>
#include <vector>

#include <sys/types.h>

#include "kube/client.h"

namespace peregrine::kube::testing {

class ApiTestServer {
 public:
  // `binary`: the server to run, empty for the one built with the tree (a benchmark compares two).
  explicit ApiTestServer(std::vector<std::string> extra_args = {}, std::string binary = "");
  ~ApiTestServer();
  ApiTestServer(const ApiTestServer&) = delete;
  ApiTestServer& operator=(const ApiTestServer&) = delete;

  bool ok() const { return port_ > 0; }
  const std::string& url() const { return url_; }
  const std::string& dir() const { return dir_; }
  ClientConfig config() const;
  // POSTs to a /_test/ fault-injection endpoint, e.g. admin("/_test/fail?count=2&status=503").
  bool admin(const std::string& path_and_query) const;

 private:
  std::string dir_, url_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace peregrine::kube::testing
