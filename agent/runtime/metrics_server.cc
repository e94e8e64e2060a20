#include "agent/runtime/metrics_server.h"

#include <httplib.h>

namespace peregrine::agent {

struct MetricsServer::Impl {
  httplib::Server server;
  std::thread thread;
};

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsServer::~MetricsServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& host, int port, Render metrics,
                                                            Healthy healthy) {
  auto impl = std::make_unique<Impl>();
  impl->server.Get("/metrics", [metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics(), "text/plain; version=0.0.4");
  });
  impl->server.Get("/healthz", [healthy](const httplib::Request&, httplib::Response& res) {
    bool ok = healthy();
    res.status = ok ? 200 : 503;
    res.set_content(ok ? "ok\n" : "unhealthy\n", "text/plain");
  });
  int bound = port;
  if (port == 0) {
    bound = impl->server.bind_to_any_port(host);
    if (bound < 0) return make_error("metrics: cannot bind " + host + ":0");
  } else if (!impl->server.bind_to_port(host, port)) {
    return make_error("metrics: cannot bind " + host + ":" + std::to_string(port) + " (in use, or bad address?)");
  }
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  std::unique_ptr<MetricsServer> s(new MetricsServer(std::move(impl)));
  s->port_ = bound;
  return s;
}

}  // namespace peregrine::agent
