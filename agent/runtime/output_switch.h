#pragma once
// The pipeline's AlertOutput, behind which the outputs in force can be replaced while alerts
// flow (cluster mode: a bundle's outputs.yaml). push() loads the current target (an atomic
// shared_ptr: a few instructions, never a wait on a sink) and pushes into it, so an alert goes
// to exactly one set of outputs.
//
// The base target (from --config, or stdout) lives until shutdown(); a replacement is owned
// here until the next replace, when a thread of its own shuts it down — after the last push
// into it has returned — with a deadline: neither the event path nor the replacing thread
// waits for its sinks to flush.
// Thread-safety: push() from any thread; replace(), reopen(), metrics_text() from any thread;
// shutdown() once, from the owner, after every pusher has stopped.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/runtime/alert_output.h"
#include "outputs/core/dispatcher.h"

namespace peregrine::agent {

class OutputSwitch : public AlertOutput {
 public:
  // `dispatcher` may be null (the base output is the built-in stdout/file queue); when set,
  // `output` pushes into it.
  OutputSwitch(std::unique_ptr<AlertOutput> output, std::unique_ptr<outputs::Dispatcher> dispatcher);
  ~OutputSwitch() override;  // waits for retired outputs to finish shutting down

  bool push(engine::Alert alert) override;

  // Puts `dispatcher` in force (null: back to the base output) and shuts the replaced one
  // down (unless it is the base), letting it flush for up to `grace`.
  void replace(std::unique_ptr<outputs::Dispatcher> dispatcher, std::chrono::steady_clock::duration grace);
  void reopen();
  std::string metrics_text() const;
  // Flushes the target in force (and the base) for up to `grace`.
  void shutdown(std::chrono::steady_clock::duration grace);

 private:
  struct Target {
    std::shared_ptr<outputs::Dispatcher> dispatcher;  // null for the built-in queue
    std::unique_ptr<AlertOutput> output;              // declared after: destroyed first
  };
  void retire(std::shared_ptr<const Target> old, std::chrono::steady_clock::duration grace);

  std::shared_ptr<Target> base_;
  std::atomic<std::shared_ptr<const Target>> current_;
  std::mutex replace_mu_;  // one replace at a time; guards retirers_
  struct Retirer {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Retirer> retirers_;
};

}  // namespace peregrine::agent
