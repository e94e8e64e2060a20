#pragma once
// A capture source over a file written by `peregrine agent --record` (capture_format.h).
// Records come back in the order they were written; snapshots are handed to the
// on_snapshot callback as they are met (the first one before any record).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/capture/capture_source.h"

namespace peregrine::agent {

class FileCapture final : public CaptureSource {
 public:
  using SnapshotCallback = std::function<Status(const std::string& json)>;

  // Reads the whole file (captures are replayed offline; memory is not the constraint).
  static Result<std::unique_ptr<FileCapture>> open(const std::string& path, SnapshotCallback on_snapshot);

  Result<int> next(int timeout_ms, const RecordCallback& on_record) override;
  bool finished() const override { return pos_ >= data_.size(); }
  Status set_interesting(const driver::InterestSet&) override { return {}; }
  CaptureStats stats() const override { return stats_; }
  int64_t realtime_offset_ns() const override { return offset_ns_; }

 private:
  FileCapture() = default;

  std::string path_;
  std::vector<uint8_t> data_;
  size_t pos_ = 0;
  int64_t offset_ns_ = 0;
  SnapshotCallback on_snapshot_;
  CaptureStats stats_;
};

}  // namespace peregrine::agent
