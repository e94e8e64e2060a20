#pragma once
// Fault injection, driven by tests through the server's /_test/ endpoints:
// fail the next N requests (optionally only those under a path prefix) with a status and an
// optional Retry-After, and delay requests (every one, or the next N) to imitate a slow or
// silent server. Thread-safe.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace peregrine::apiserver {

struct InjectedFailure {
  int status = 500;
  int retry_after_seconds = 0;  // 0: no Retry-After header
};

class Faults {
 public:
  void fail_next(int count, InjectedFailure failure, std::string path_prefix);
  std::optional<InjectedFailure> take_failure(const std::string& path);

  // count < 0 delays every request until the delay is set again.
  void set_delay(std::chrono::milliseconds delay, int count);
  std::chrono::milliseconds take_delay();

 private:
  std::mutex mu_;
  int fail_count_ = 0;
  InjectedFailure failure_;
  std::string fail_prefix_;
  std::chrono::milliseconds delay_{0};
  int delay_count_ = 0;
};

}  // namespace peregrine::apiserver
