#pragma once
// Writes a capture file (capture_format.h): header, a state snapshot, then records as they
// arrive. Writes are buffered (stdio); flush() at least once a second keeps a killed agent's
// capture readable up to then. Not thread-safe: the event thread owns it.

#include <cstdio>
#include <memory>
#include <span>
#include <string>

#include "common/result.h"

namespace peregrine::agent {

class CaptureWriter {
 public:
  static Result<std::unique_ptr<CaptureWriter>> create(const std::string& path, int64_t realtime_offset_ns);
  ~CaptureWriter();
  CaptureWriter(const CaptureWriter&) = delete;
  CaptureWriter& operator=(const CaptureWriter&) = delete;

  Status write_snapshot(const std::string& json);
  Status write_record(std::span<const uint8_t> record);
  Status flush();
  uint64_t records() const { return records_; }

 private:
  explicit CaptureWriter(std::FILE* f) : file_(f) {}
  Status write_block(uint32_t kind, std::span<const uint8_t> payload);

  std::FILE* file_;
  uint64_t records_ = 0;
};

}  // namespace peregrine::agent
