#include "audit-webhook/rule_reloader.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <utility>

namespace peregrine::audit {

RuleReloader::RuleReloader(const engine::Engine& engine, std::vector<std::string> rule_paths,
                           RulesetHolder& holder, WebhookMetrics& metrics, Log log,
                           std::chrono::milliseconds poll)
    : engine_(engine),
      rule_paths_(std::move(rule_paths)),
      holder_(holder),
      metrics_(metrics),
      log_(std::move(log)),
      poll_(poll) {}

RuleReloader::~RuleReloader() { stop(); }

std::string RuleReloader::fingerprint() const {
  auto files = engine::expand_rule_paths(rule_paths_);
  if (!files) return "error: " + files.error().message;
  std::string fp;
  for (const std::string& path : *files) {
    struct stat st {};
    fp += path;
    if (::stat(path.c_str(), &st) == 0) {
      fp += ' ' + std::to_string(st.st_ino) + ' ' + std::to_string(st.st_size) + ' ' +
            std::to_string(st.st_mtim.tv_sec) + '.' + std::to_string(st.st_mtim.tv_nsec);
    }
    fp += '\n';
  }
  return fp;
}

namespace {

// The rule files as cluster-wide texts, to load ahead of a bundle's.
Result<std::vector<engine::RuleText>> read_files(const std::vector<std::string>& files) {
  std::vector<engine::RuleText> out;
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) return make_error(path + ": cannot read the file");
    out.emplace_back(path, text.str(), "");
  }
  return out;
}

}  // namespace

Status RuleReloader::load(bool is_reload, const std::vector<engine::RuleText>& texts, const std::string& why) {
  // Taken before reading, so a change made while we compile triggers one more reload.
  last_fingerprint_ = fingerprint();
  const std::string what =
      is_reload ? (why.empty() ? std::string("rule reload failed") : why + " refused") + ", keeping the previous rules: "
                : "";

  auto files = engine::expand_rule_paths(rule_paths_);
  if (!files) {
    if (is_reload) WebhookMetrics::bump(metrics_.reloads_failed);
    return make_error(what + files.error().message);
  }
  engine::LoadResult loaded;
  if (texts.empty()) {
    loaded = engine_.load_files(*files);
  } else {
    auto all = read_files(*files);
    if (!all) {
      if (is_reload) WebhookMetrics::bump(metrics_.reloads_failed);
      return make_error(what + all.error().message);
    }
    all->insert(all->end(), texts.begin(), texts.end());
    loaded = engine_.load_texts(*all);
  }
  if (!loaded.ruleset) {
    if (is_reload) WebhookMetrics::bump(metrics_.reloads_failed);
    std::string message = what + std::to_string(loaded.report.error_count()) + " errors in the rules";
    for (const auto& f : loaded.report.files)
      for (const auto& d : f.errors) message += "\n  error: " + d.to_string();
    return make_error(message);
  }
  for (const auto& f : loaded.report.files)
    for (const auto& d : f.warnings) log_("warning: " + d.to_string());

  const engine::SourceRuleset* audit_rules = loaded.ruleset->for_source("k8s_audit");
  size_t enabled = audit_rules ? audit_rules->enabled_rules() : 0;
  holder_.swap(std::move(loaded.ruleset));
  metrics_.rules_loaded.store(enabled, std::memory_order_relaxed);
  if (is_reload) WebhookMetrics::bump(metrics_.reloads_ok);
  log_(std::string(is_reload ? "rules reloaded: " : "rules loaded: ") + std::to_string(enabled) +
       " k8s_audit rules from " + std::to_string(files->size() + texts.size()) + " files" +
       (why.empty() ? "" : " (" + why + ")") +
       (enabled == 0 ? " (events are counted but raise no alerts)" : ""));
  return {};
}

Status RuleReloader::load_now() {
  std::lock_guard<std::mutex> lock(load_mu_);
  return load(false, texts_, "");
}

Status RuleReloader::replace_texts(std::vector<engine::RuleText> texts, const std::string& why) {
  std::lock_guard<std::mutex> lock(load_mu_);
  Status s = load(true, texts, why);
  if (s) texts_ = std::move(texts);
  return s;
}

void RuleReloader::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
}

void RuleReloader::request_reload() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    requested_ = true;
  }
  wake_.notify_all();
}

void RuleReloader::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RuleReloader::run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    auto woken = [&] { return stopping_ || requested_; };
    if (poll_.count() > 0)
      wake_.wait_for(lock, poll_, woken);
    else
      wake_.wait(lock, woken);
    if (stopping_) return;
    bool requested = std::exchange(requested_, false);
    lock.unlock();
    bool changed = false;
    if (!requested) {
      std::string fp = fingerprint();
      std::lock_guard<std::mutex> load_lock(load_mu_);
      changed = fp != last_fingerprint_;
    }
    if (requested || changed) {
      std::lock_guard<std::mutex> load_lock(load_mu_);
      Status s = load(true, texts_, "");
      if (!s) log_(s.error().message);
    }
    lock.lock();
  }
}

}  // namespace peregrine::audit
