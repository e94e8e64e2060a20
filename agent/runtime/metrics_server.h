#pragma once
// /metrics (Prometheus text) and /healthz over HTTP, on its own thread (cpp-httplib). Never
// touches the event path: it reads atomics and the RulesetHolder.

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/result.h"

namespace peregrine::agent {

class MetricsServer {
 public:
  using Render = std::function<std::string()>;
  using Healthy = std::function<bool()>;

  // Binds host:port (port 0 picks a free one) and starts serving.
  static Result<std::unique_ptr<MetricsServer>> start(const std::string& host, int port, Render metrics,
                                                      Healthy healthy);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace peregrine::agent
