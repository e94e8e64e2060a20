#include "audit-webhook/claims/claim_janitor.h"

#include <utility>

namespace peregrine::audit {

ClaimJanitor::ClaimJanitor(ClaimStore& store, std::chrono::milliseconds interval, Log log)
    : store_(store), interval_(interval), log_(std::move(log)) {
  thread_ = std::thread([this] { run(); });
}

ClaimJanitor::~ClaimJanitor() { stop(); }

void ClaimJanitor::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ClaimJanitor::run() {
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    auto report = store_.sweep();
    ++passes_;
    if (!report.ok()) {
      ++errors_;
      if (log_) log_("claim janitor: listing claims failed: " + report.error().describe());
    } else {
      deleted_ += report->deleted;
      errors_ += report->failed;
      if (report->failed && log_)
        log_("claim janitor: " + std::to_string(report->failed) + " deletes failed, latest " + report->error);
    }
    lock.lock();
  }
}

}  // namespace peregrine::audit
