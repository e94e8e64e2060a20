#include "kube/backoff.h"

#include <algorithm>
#include <memory>
#include <random>

namespace peregrine::kube {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds cap, std::function<double()> unit_random)
    : initial_(initial), cap_(cap), random_(std::move(unit_random)) {
  if (!random_) {
    auto gen = std::make_shared<std::mt19937_64>(std::random_device{}());
    random_ = [gen] { return std::uniform_real_distribution<double>(0.0, 1.0)(*gen); };
  }
}

std::chrono::milliseconds Backoff::next(std::chrono::seconds retry_after) {
  double base = static_cast<double>(initial_.count());
  for (int i = 0; i < attempt_ && base < static_cast<double>(cap_.count()); ++i) base *= 2;
  base = std::min(base, static_cast<double>(cap_.count()));
  ++attempt_;
  auto delay = std::chrono::milliseconds(static_cast<long long>(base * (0.5 + 0.5 * random_())));
  return std::max<std::chrono::milliseconds>(delay, retry_after);
}

}  // namespace peregrine::kube
