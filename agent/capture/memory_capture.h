#pragma once
// A capture source over records held in memory: the test backend. Delivers its records in
// order, up to `batch` per next() call, then reports finished().

#include <mutex>
#include <vector>

#include "agent/capture/capture_source.h"

namespace peregrine::agent {

class MemoryCapture final : public CaptureSource {
 public:
  explicit MemoryCapture(std::vector<std::vector<uint8_t>> records, size_t batch = 64)
      : records_(std::move(records)), batch_(batch) {}

  Result<int> next(int timeout_ms, const RecordCallback& on_record) override;
  bool finished() const override;
  Status set_interesting(const driver::InterestSet& by_type) override;
  CaptureStats stats() const override;
  int64_t realtime_offset_ns() const override { return 0; }

  driver::InterestSet interesting() const;

 private:
  std::vector<std::vector<uint8_t>> records_;
  size_t batch_;
  size_t next_ = 0;
  mutable std::mutex mu_;
  driver::InterestSet interesting_;
  CaptureStats stats_;
};

}  // namespace peregrine::agent
