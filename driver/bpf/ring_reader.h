#pragma once
// The consumer side of a BPF_MAP_TYPE_RINGBUF, read straight from its mapped pages.
//
// libbpf's ring_buffer__consume() publishes the consumer position after every record. The
// probe reads that position on every record it writes (to reserve space and to decide on a
// wakeup), so with a busy reader the position's cache line moved between the two CPUs once per
// record. This reader publishes it once per kPublishBytes of records and at the end of each
// drain, which keeps the line on the producer's CPU while it streams.
//
// Layout (kernel/bpf/ringbuf.c, uapi BPF_RINGBUF_*): page 0 holds consumer_pos (mapped
// read-write), page 1 producer_pos, then the data area mapped twice in a row so that a record
// that wraps reads as one piece. Each record: an 8-byte header {u32 len with BUSY/DISCARD
// bits, u32 page offset}, the data, padding to 8 bytes.
//
// One thread consumes; the views handed to the callback point into the ring and are valid
// only during the call.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "common/result.h"

namespace peregrine::driver {

class RingReader {
 public:
  using RecordCallback = std::function<void(std::span<const uint8_t>)>;

  // `map_fd`: a ring buffer map of `data_bytes` (its max_entries); the reader keeps its own
  // epoll instance on it.
  static Result<std::unique_ptr<RingReader>> open(int map_fd, uint32_t data_bytes);
  ~RingReader();
  RingReader(const RingReader&) = delete;
  RingReader& operator=(const RingReader&) = delete;

  // Calls on_record for each committed record not yet read (discarded ones skipped) and
  // returns how many it passed on. Stops at a record still being written.
  size_t consume(const RecordCallback& on_record);
  // Readable when the producer forced a wakeup (see probe.bpf.c, wakeup_bytes).
  int epoll_fd() const { return epoll_fd_; }

  // How much record data the reader consumes before it publishes its position mid-drain:
  // small against the ring (the producer's free space lags by at most this), large against
  // a record.
  static constexpr uint64_t kPublishBytes = 64 * 1024;

 private:
  RingReader() = default;

  int epoll_fd_ = -1;
  size_t page_size_ = 0;
  uint64_t mask_ = 0;
  void* consumer_page_ = nullptr;  // consumer_pos
  void* producer_area_ = nullptr;  // producer_pos page, then the data area twice
  size_t producer_area_bytes_ = 0;
};

}  // namespace peregrine::driver
