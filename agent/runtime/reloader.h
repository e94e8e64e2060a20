#pragma once
// Hot reload, off the event path: a thread that waits for SIGHUP (request()) or a change to
// a rules file or directory (inotify), compiles the rules anew, and publishes the result to
// the RulesetHolder; event threads pick it up between two events. An invalid ruleset is
// logged with its positions and the old one keeps running. After a successful reload,
// on_published() runs (the agent updates the probe's interesting-syscall set there).
// Thread-safe: request() may be called from a signal handler.

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/runtime/metrics.h"
#include "agent/runtime/ruleset_holder.h"
#include "agent/runtime/rules_loader.h"
#include "common/result.h"
#include "engine/engine.h"

namespace peregrine::agent {

class Reloader {
 public:
  using Published = std::function<void(const LoadedRules&)>;
  using Log = std::function<void(const std::string& line)>;

  Reloader(const engine::Engine& engine, std::vector<std::string> paths, RulesetHolder& holder, Metrics& metrics,
           Published on_published, Log log);
  ~Reloader();
  Reloader(const Reloader&) = delete;
  Reloader& operator=(const Reloader&) = delete;

  // Starts watching the paths and the thread. Errors: inotify unavailable.
  Status start();
  // Asks for a reload (async-signal-safe: one write to an eventfd).
  void request();
  // Compiles and publishes now, on the calling thread. True when the new ruleset is in force.
  bool reload_now(const std::string& why);

  struct Outcome {
    bool ok = false;
    std::vector<std::string> errors;  // "name:line:col: message" when !ok
  };
  // Cluster mode: the bundle's files, compiled after the paths' files from now on. Compiles
  // and publishes at once on the calling thread; on errors the previous texts stay, so the
  // last good ruleset is also what a later SIGHUP or file change rebuilds.
  Outcome replace_texts(std::vector<engine::RuleText> texts, const std::string& why);

 private:
  void run();
  void add_watches();
  Outcome reload_locked(const std::vector<engine::RuleText>& texts, const std::string& why);

  const engine::Engine& engine_;
  std::vector<std::string> paths_;
  // Serialises compiles, so an older load never publishes over a newer one.
  std::mutex reload_mu_;
  std::vector<engine::RuleText> texts_;  // guarded by reload_mu_
  RulesetHolder& holder_;
  Metrics& metrics_;
  Published on_published_;
  Log log_;
  int inotify_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: reload requests
  int stop_fd_ = -1;  // eventfd: shutdown
  std::thread thread_;
};

uint64_t wall_clock_ns();

}  // namespace peregrine::agent
