#include "test/apiserver/request_log.h"

namespace peregrine::apiserver {

namespace {

// A worker serves one request at a time, start to finish, so its marks can live on the thread.
thread_local std::chrono::steady_clock::time_point t_start, t_handled;

double ms(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

bool RequestLog::open(const std::string& path) {
  out_ = std::fopen(path.c_str(), "w");
  return out_ != nullptr;
}

RequestLog::~RequestLog() {
  if (out_) std::fclose(out_);
}

void RequestLog::start() {
  t_start = t_handled = std::chrono::steady_clock::now();
}

void RequestLog::handled() { t_handled = std::chrono::steady_clock::now(); }

void RequestLog::done(const httplib::Request& req, const httplib::Response& res) {
  if (!out_) return;
  auto now = std::chrono::steady_clock::now();
  std::string target = req.path;
  if (!req.params.empty()) {
    char sep = '?';
    for (const auto& [k, v] : req.params) {
      target += sep + k + "=" + v;
      sep = '&';
    }
  }
  std::lock_guard lock(mu_);
  std::fprintf(out_, "%.3f %.3f %.3f %s %s %d %zu %zu\n", ms(t_start - epoch_), ms(now - t_start),
               ms(t_handled - t_start), req.method.c_str(), target.c_str(), res.status, req.body.size(),
               res.body.size());
  std::fflush(out_);
}

}  // namespace peregrine::apiserver
