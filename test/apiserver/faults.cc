#include "test/apiserver/faults.h"

namespace peregrine::apiserver {

void Faults::fail_next(int count, InjectedFailure failure, std::string path_prefix) {
  std::lock_guard lock(mu_);
  fail_count_ = count;
  failure_ = failure;
  fail_prefix_ = std::move(path_prefix);
}

std::optional<InjectedFailure> Faults::take_failure(const std::string& path) {
  std::lock_guard lock(mu_);
  if (fail_count_ <= 0 || path.rfind(fail_prefix_, 0) != 0) return std::nullopt;
  --fail_count_;
  return failure_;
}

void Faults::set_delay(std::chrono::milliseconds delay, int count) {
  std::lock_guard lock(mu_);
  delay_ = delay;
  delay_count_ = count;
}

std::chrono::milliseconds Faults::take_delay() {
  std::lock_guard lock(mu_);
  if (delay_count_ == 0) return std::chrono::milliseconds(0);
  if (delay_count_ > 0) --delay_count_;
  return delay_;
}

}  // namespace peregrine::apiserver
