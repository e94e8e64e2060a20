#include "kube/testing/api_test_server.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace peregrine::kube::testing {

ApiTestServer::ApiTestServer(std::vector<std::string> extra_args, std::string binary) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "kube-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return;
  dir_ = tmpl;
  std::string port_file = dir_ + "/port";
  if (binary.empty()) binary = PEREGRINE_APISERVER_BIN;
  std::vector<std::string> args = {binary, "--port-file", port_file, "--bookmark-interval-ms", "200"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = fork();
  if (pid_ == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string log = dir_ + "/apiserver.log";
    FILE* out = std::freopen(log.c_str(), "w", stdout);
    (void)out;
    execv(argv[0], argv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(port_file);
    if (in >> port_) break;
    port_ = 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  bool tls = false;
  for (const auto& a : extra_args) tls = tls || a == "--tls-cert";
  url_ = std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

ApiTestServer::~ApiTestServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 200 && waitpid(pid_, &status, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

ClientConfig ApiTestServer::config() const {
  ClientConfig c;
  c.server = url_;
  c.request_timeout = std::chrono::milliseconds(10000);
  return c;
}

bool ApiTestServer::admin(const std::string& path_and_query) const {
  ClientConfig c = config();
  c.insecure_skip_tls_verify = true;
  Client client(c);
  return client.request("POST", path_and_query).ok();
}

}  // namespace peregrine::kube::testing
