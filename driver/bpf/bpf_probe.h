#pragma once
// The eBPF CO-RE probe as seen from user space: load, attach, filter, read, count.
//
// BpfProbe::open() loads driver/bpf/probe.bpf.c (embedded as a libbpf skeleton), sizes the
// ring buffer, sets the self filter and attaches every hook; on failure it names what is
// missing (kernel BTF, privileges) and leaves nothing loaded. Destroying the probe detaches
// and unloads everything.
//
// Thread-safety: one thread polls; set_interesting() and counters() may be called from
// another thread concurrently with poll() (they only touch BPF maps).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "driver/bpf/syscall_tracepoints.h"
#include "driver/event_schema.h"
#include "driver/interest.h"
#include "driver/reader/event_view.h"

namespace peregrine::driver {

struct ProbeOptions {
  // Ring buffer size in bytes: a power of two and a multiple of the page size.
  uint32_t ring_buffer_bytes = 8u << 20;
  // Thread group the probe ignores (the agent itself); 0 watches every process.
  uint32_t ignore_tgid = 0;
  // Initial interesting set, indexed by event type; empty = every syscall event the schema
  // lists, in full. See set_interesting().
  InterestSet interesting;
  // Where execve/execveat entries are hooked (syscall_tracepoints.h).
  EntryHook entry_hook = EntryHook::kAuto;
};

// Kernel-side counters, summed over CPUs.
struct ProbeCounters {
  uint64_t events = 0;         // records written to the ring buffer
  uint64_t drops_ringbuf = 0;  // records lost: ring buffer full
  uint64_t drops_stash = 0;    // syscalls lost: the per-thread entry stash was full
  uint64_t truncated = 0;      // records with a parameter cut short
  uint64_t no_enter = 0;       // exits whose entry the probe did not see
};

class BpfProbe {
 public:
  using EventCallback = std::function<void(const RawEventView&)>;

  // Lifecycle events that are always captured, whatever set_interesting() says: the clone
  // family, the execve family, procexit (state tracking depends on them).
  static const std::vector<uint16_t>& lifecycle_events();

  static Result<std::unique_ptr<BpfProbe>> open(const ProbeOptions& options);
  ~BpfProbe();
  BpfProbe(const BpfProbe&) = delete;
  BpfProbe& operator=(const BpfProbe&) = delete;

  // Replaces the set of syscalls whose events leave the kernel: by_type[code] for each
  // syscall code < PEREGRINE_SYSCALL_CODE_LIMIT (shorter vectors mean kNone for the rest;
  // codes the schema does not capture are ignored). A kStateOnly event's record carries no
  // time of its own (PEREGRINE_EVF_UNTIMED). Lifecycle events stay on, in full. Takes effect
  // for syscalls entered after the call.
  Status set_interesting(const InterestSet& by_type);

  // Waits up to timeout_ms (0: don't wait, -1: forever) for records and calls on_event for
  // each one that decodes; the view is valid only during the call. Returns how many records
  // were delivered. Records that fail to decode are counted (decode_errors()), not delivered.
  // A record is seen at most ~10 ms after it was written: the probe wakes the reader only
  // once a backlog builds up, and poll() looks on a 10 ms tick in between.
  Result<int> poll(int timeout_ms, const EventCallback& on_event);
  // The ring buffer's epoll fd. It becomes readable only when the unread data reaches 1/16 of
  // the ring, not per record: an external loop must also call poll(0, ...) on a short timer.
  int epoll_fd() const;

  Result<ProbeCounters> counters() const;
  // The entry hook attached (never kAuto), and why not the syscall tracepoints when the raw
  // sys_enter was chosen for kAuto ("" otherwise).
  EntryHook entry_hook() const;
  const std::string& entry_hook_note() const;
  uint64_t decode_errors() const;

 private:
  struct Impl;
  explicit BpfProbe(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace peregrine::driver
