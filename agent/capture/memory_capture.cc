#include "agent/capture/memory_capture.h"

namespace peregrine::agent {

Result<int> MemoryCapture::next(int, const RecordCallback& on_record) {
  int n = 0;
  while (next_ < records_.size() && static_cast<size_t>(n) < batch_) {
    auto view = driver::decode_event(records_[next_++]);
    {
      std::lock_guard lock(mu_);
      ++(view ? stats_.records : stats_.decode_errors);
    }
    if (!view) continue;
    on_record(*view);
    ++n;
  }
  return n;
}

bool MemoryCapture::finished() const { return next_ >= records_.size(); }

Status MemoryCapture::set_interesting(const driver::InterestSet& by_type) {
  std::lock_guard lock(mu_);
  interesting_ = by_type;
  return {};
}

CaptureStats MemoryCapture::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

driver::InterestSet MemoryCapture::interesting() const {
  std::lock_guard lock(mu_);
  return interesting_;
}

}  // namespace peregrine::agent
