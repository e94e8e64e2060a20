#pragma once
// Where the agent's raw events come from: one interface, swappable backends (as libscap's
// vtable does) — the eBPF probe (ebpf_capture.h), a capture file written by --record
// (file_capture.h), and in-memory records for tests (memory_capture.h). Everything after the
// source (state, rules, outputs) is the same for all of them.
//
// Thread-safety: next() is called from one thread; set_interesting() and stats() may be
// called from another concurrently.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "driver/interest.h"
#include "driver/reader/event_view.h"

namespace peregrine::agent {

struct CaptureStats {
  uint64_t records = 0;        // delivered to the agent
  uint64_t kernel_drops = 0;   // lost before the agent could read them
  uint64_t decode_errors = 0;  // records that did not decode (counted, skipped)
};

class CaptureSource {
 public:
  using RecordCallback = std::function<void(const driver::RawEventView&)>;
  virtual ~CaptureSource() = default;

  // Waits up to timeout_ms for records and delivers each to on_record (the view is valid
  // only during the call). Returns how many were delivered; 0 on a timeout.
  virtual Result<int> next(int timeout_ms, const RecordCallback& on_record) = 0;
  // True when the source has nothing more to deliver, ever (end of a file).
  virtual bool finished() const = 0;
  // The syscall event types worth sending, and how (indexed by code); sources that cannot
  // filter ignore it.
  virtual Status set_interesting(const driver::InterestSet& by_type) = 0;
  virtual CaptureStats stats() const = 0;
  // CLOCK_REALTIME - CLOCK_BOOTTIME for this source's timestamps.
  virtual int64_t realtime_offset_ns() const = 0;
  // How the source captures, for the agent's start-up log line ("" when nothing to say).
  virtual std::string description() const { return ""; }
};

}  // namespace peregrine::agent
