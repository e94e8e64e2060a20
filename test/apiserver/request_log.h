#pragma once
// Optional per-request timing log (--request-log FILE), for finding where a benchmark's time
// goes on the server side: one line per request once its response is written,
//   <start ms> <total ms> <handler ms> <method> <path>[?query] <status> <request bytes> <response bytes>
// times from the server's start (steady clock), "total" from routing (the headers are in,
// the body not yet read) to the response written — for a watch, to the end of its stream.
// Thread-safe: start() and done() run on the worker thread serving the request.

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include <httplib.h>

namespace peregrine::apiserver {

class RequestLog {
 public:
  // False when the file cannot be opened.
  bool open(const std::string& path);
  bool enabled() const { return out_ != nullptr; }
  void start();           // routing begins
  void handled();         // the handler returned (the response is not written yet)
  void done(const httplib::Request& req, const httplib::Response& res);
  ~RequestLog();

 private:
  std::FILE* out_ = nullptr;
  std::mutex mu_;
  const std::chrono::steady_clock::time_point epoch_ = std::chrono::steady_clock::now();
};

}  // namespace peregrine::apiserver
