#pragma once
// An on-disk queue of rendered alerts for one sink, so that alerts survive a sink outage and a
// restart of the agent, and are delivered at least once when the sink returns.
//
// Layout in its directory:
//   seg-<20-digit number>.log   records appended in order; a new segment every segment_bytes
//   cursor                      "<segment number> <byte offset>\n": the first undelivered
//                               record, replaced atomically (write + rename) on each commit
// Record: magic u32 | payload length u32 | CRC-32 of payload u32 | payload (all little-endian).
// Payload: {"t": time_ns, "x": text, "a": alert JSON}.
// On open, a torn or corrupt tail (a crash mid-append) is cut off and counted; a segment is
// deleted once the cursor has passed it. The total size is bounded: append refuses records
// beyond max_bytes (the caller counts them as dropped).
// Not thread-safe: owned by one worker.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "outputs/core/record.h"

namespace peregrine::outputs {

class Spool {
 public:
  static Result<std::unique_ptr<Spool>> open(std::string dir, uint64_t max_bytes);

  // Appends records in order; returns how many fit (the rest exceed max_bytes).
  Result<size_t> append(std::span<const Record> records);
  // Up to `max` of the oldest undelivered records, without removing them.
  Result<std::vector<Record>> peek(size_t max);
  // Marks the first `n` peeked records delivered.
  Status commit(size_t n);

  uint64_t pending() const { return pending_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t corrupt_records() const { return corrupt_; }

 private:
  struct Position {
    uint64_t segment = 0;
    uint64_t offset = 0;
  };
  Spool(std::string dir, uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}
  Status recover();
  std::string segment_path(uint64_t segment) const;
  Status write_cursor();
  // Reads the record at `pos`; nullopt at the end of the data. Advances pos past it.
  Result<std::optional<Record>> read_at(Position& pos);

  const std::string dir_;
  const uint64_t max_bytes_;
  uint64_t segment_bytes_ = 0;
  std::vector<uint64_t> segments_;  // existing segment numbers, ascending
  Position read_;                   // the cursor: first undelivered record
  Position peek_end_;               // just past the last peeked record
  std::vector<Position> peeked_ends_;  // end of each peeked record
  uint64_t write_offset_ = 0;       // size of the last segment
  uint64_t pending_ = 0;
  uint64_t bytes_ = 0;
  uint64_t corrupt_ = 0;
};

uint32_t crc32(std::string_view data);

}  // namespace peregrine::outputs
