// The eBPF probe (driver/bpf) as a CaptureSource.

#include <atomic>
#include <memory>

#include "agent/capture/driver_captures.h"
#include "driver/bpf/bpf_probe.h"

namespace peregrine::agent {
namespace {

class EbpfCapture final : public CaptureSource {
 public:
  explicit EbpfCapture(std::unique_ptr<driver::BpfProbe> probe)
      : probe_(std::move(probe)), offset_ns_(driver::boottime_to_realtime_offset_ns()) {}

  Result<int> next(int timeout_ms, const RecordCallback& on_record) override {
    auto n = probe_->poll(timeout_ms, on_record);
    if (n) records_.fetch_add(static_cast<uint64_t>(*n), std::memory_order_relaxed);
    return n;
  }
  bool finished() const override { return false; }
  Status set_interesting(const driver::InterestSet& by_type) override { return probe_->set_interesting(by_type); }
  CaptureStats stats() const override {
    CaptureStats s;
    s.records = records_.load(std::memory_order_relaxed);
    s.decode_errors = probe_->decode_errors();
    if (auto c = probe_->counters()) s.kernel_drops = c->drops_ringbuf + c->drops_stash;
    return s;
  }
  int64_t realtime_offset_ns() const override { return offset_ns_; }
  std::string description() const override {
    const std::string hook = driver::entry_hook_name(probe_->entry_hook());
    const std::string& why = probe_->entry_hook_note();
    return "eBPF probe, exec entries on the " + hook + (why.empty() ? "" : " (" + why + ")");
  }

 private:
  std::unique_ptr<driver::BpfProbe> probe_;
  int64_t offset_ns_;
  std::atomic<uint64_t> records_{0};
};

}  // namespace

Result<std::unique_ptr<CaptureSource>> open_ebpf_capture(const LiveCaptureOptions& options) {
  driver::ProbeOptions po;
  po.ring_buffer_bytes = options.ring_buffer_bytes;
  po.ignore_tgid = options.ignore_tgid;
  po.interesting = options.interesting;
  auto probe = driver::BpfProbe::open(po);
  if (!probe) return probe.error();
  return std::unique_ptr<CaptureSource>(std::make_unique<EbpfCapture>(std::move(*probe)));
}

}  // namespace peregrine::agent
