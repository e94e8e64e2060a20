#pragma once
// The kernel module driver as seen from user space: open /dev/peregrine, map its per-CPU
// rings, filter, read, count. Mirrors BpfProbe (driver/bpf/bpf_probe.h) so the agent drives
// both the same way.
//
// KmodDevice::open() opens the device (one opener at a time), checks the module's ABI and
// schema versions, maps every ring, sets the self filter and the interesting set, and enables
// capture; on failure it says why (module not loaded, busy, permissions, version mismatch)
// and leaves nothing open. Destroying it unmaps the rings and closes the device, which
// detaches the module's hooks.
//
// Thread-safety: one thread polls; set_interesting() and counters() may be called from
// another thread concurrently with poll() (they are ioctls on the device).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "driver/interest.h"
#include "driver/kmod/kmod_ioctl.h"
#include "driver/reader/event_view.h"

namespace peregrine::driver {

struct KmodOptions {
  std::string device_path = "/dev/" PEREGRINE_KMOD_DEVICE;
  // Thread group the module ignores (the agent itself); 0 watches every process.
  uint32_t ignore_tgid = 0;
  // Initial interesting set, indexed by event type; empty = every syscall event the schema
  // lists. See set_interesting().
  InterestSet interesting;
};

// Kernel-side counters, summed over CPUs (struct peregrine_kmod_counters).
struct KmodCounters {
  uint64_t events = 0;        // records written to the rings
  uint64_t drops_ring = 0;    // records lost: ring full (never overwritten)
  uint64_t drops_nested = 0;  // records lost: the CPU's scratch buffer was busy
  uint64_t drops_exec = 0;    // execve entries lost: no free exec slot
  uint64_t truncated = 0;     // records with a parameter cut short
  uint64_t no_enter = 0;      // execve exits reported without their arguments
};

// The ioctl bitmap for an interesting set: by_type[code] for syscall codes the schema
// captures, plus the lifecycle events (the module also forces those on).
peregrine_kmod_interesting interesting_bitmap(const InterestSet& by_type);

class KmodDevice {
 public:
  using EventCallback = std::function<void(const RawEventView&)>;

  // Always captured, whatever set_interesting() says (same list as BpfProbe's).
  static const std::vector<uint16_t>& lifecycle_events();

  static Result<std::unique_ptr<KmodDevice>> open(const KmodOptions& options);
  ~KmodDevice();
  KmodDevice(const KmodDevice&) = delete;
  KmodDevice& operator=(const KmodDevice&) = delete;

  // As BpfProbe::set_interesting: by_type[code] for syscall codes below
  // PEREGRINE_SYSCALL_CODE_LIMIT; lifecycle events stay on. The module sends
  // kStateOnly events in full.
  Status set_interesting(const InterestSet& by_type);

  // Waits up to timeout_ms (0: don't wait, -1: forever) for records and calls on_event for
  // each, merged across CPUs in timestamp order; the view is valid only during the call.
  // Returns how many were delivered. The module does not wake readers: an idle wait sleeps
  // in steps of at most 10 ms.
  Result<int> poll(int timeout_ms, const EventCallback& on_event);

  Result<KmodCounters> counters() const;
  uint64_t decode_errors() const;    // framed records that failed decode_event
  uint64_t corrupt_resyncs() const;  // times a ring's unread bytes were skipped as corrupt

 private:
  struct Impl;
  explicit KmodDevice(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace peregrine::driver
