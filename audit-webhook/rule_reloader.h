#pragma once
// Keeps the live ruleset in step with the rule files, and with the texts of the operator's
// bundle in cluster mode (replace_texts: the files first, then the texts, each as its tenant):
// reloads when asked (SIGHUP) and when a file changes (polled: the inode, size and mtime of every rule file, and the set of files a
// rules directory holds). Rules compile on the reloader's thread, never on the event path; a
// ruleset that does not load is logged with every positioned error and the previous one stays.
//
// Thread-safe: request_reload() and stop() may be called from any thread.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audit-webhook/ruleset_holder.h"
#include "audit-webhook/webhook_metrics.h"
#include "common/result.h"
#include "engine/engine.h"

namespace peregrine::audit {

class RuleReloader {
 public:
  using Log = std::function<void(const std::string&)>;

  // Every reference is borrowed and must outlive the reloader. A zero `poll` disables watching
  // the files: only request_reload() reloads.
  RuleReloader(const engine::Engine& engine, std::vector<std::string> rule_paths,
               RulesetHolder& holder, WebhookMetrics& metrics, Log log,
               std::chrono::milliseconds poll);
  ~RuleReloader();

  RuleReloader(const RuleReloader&) = delete;
  RuleReloader& operator=(const RuleReloader&) = delete;

  // Loads the rules on the calling thread and installs them if they load; the start-up load.
  // The error lists every diagnostic, one a line.
  Status load_now();

  // Loads the rule files followed by `texts` on the calling thread; when they load they are
  // in force, and `texts` load after the files on every later reload. Else the rules in force
  // stay and the error lists every diagnostic, one a line. Any thread.
  Status replace_texts(std::vector<engine::RuleText> texts, const std::string& why);

  void start();
  void request_reload();
  void stop();

 private:
  void run();
  // Loads the files and `texts`; on success they are in force (texts_ is left to the caller).
  // `why` names a bundle load in the log ("" for the files' own reloads). Under load_mu_.
  Status load(bool is_reload, const std::vector<engine::RuleText>& texts, const std::string& why);
  // Changes whenever a reload could give a different ruleset.
  std::string fingerprint() const;

  const engine::Engine& engine_;
  std::vector<std::string> rule_paths_;
  RulesetHolder& holder_;
  WebhookMetrics& metrics_;
  Log log_;
  std::chrono::milliseconds poll_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  std::string last_fingerprint_;  // touched only by load(), under load_mu_
  std::vector<engine::RuleText> texts_;  // the bundle's, after the files; under load_mu_
  std::mutex load_mu_;            // one load at a time
  std::thread thread_;
};

}  // namespace peregrine::audit
