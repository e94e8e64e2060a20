#pragma once
// The outputs module's face to the agent and the audit webhook: fans each alert out to every
// configured sink whose filter admits it. enqueue() is what the event path calls; it never
// waits on a sink (a full queue is a counted drop).
//
// Thread-safety: enqueue(), reopen() and metrics_text() may be called concurrently from any
// thread; shutdown() once, from the owner, after which enqueue() only counts drops.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/result.h"
#include "engine/output/alert.h"
#include "outputs/core/sink_worker.h"

namespace peregrine::outputs {

struct ConfigContext;

class Dispatcher {
 public:
  // Takes started or unstarted workers; starts those not yet started.
  explicit Dispatcher(std::vector<std::unique_ptr<SinkWorker>> workers);
  ~Dispatcher();

  // Builds every sink of an `outputs:` sequence (see outputs/README.md). Any error in any sink
  // fails the whole load with a message naming the sink and the key, so a half-configured
  // agent never starts.
  static Result<std::unique_ptr<Dispatcher>> from_config(const YAML::Node& outputs,
                                                         const ConfigContext& context);

  void enqueue(const engine::Alert& alert);
  // Every sink reopens its files / connections (the agent calls this on SIGHUP).
  void reopen();
  // Flushes every sink in parallel until `grace` has passed, then drops and counts the rest.
  void shutdown(std::chrono::steady_clock::duration grace);
  // Prometheus text exposition of every sink's counters.
  std::string metrics_text() const;

  size_t size() const { return workers_.size(); }
  const SinkWorker& worker(size_t i) const { return *workers_[i]; }

 private:
  std::vector<std::unique_ptr<SinkWorker>> workers_;
  bool shut_down_ = false;
};

}  // namespace peregrine::outputs
