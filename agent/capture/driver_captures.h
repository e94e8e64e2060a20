#pragma once
// The two live drivers as CaptureSources. live_capture.cc chooses between them.

#include <memory>

#include "agent/capture/live_capture.h"

namespace peregrine::agent {

// The eBPF CO-RE probe (driver/bpf). Errors name what is missing (BTF, privileges).
Result<std::unique_ptr<CaptureSource>> open_ebpf_capture(const LiveCaptureOptions& options);

// The kernel module (driver/kmod) through /dev/peregrine. When the device is absent it runs
// `modprobe peregrine` once (the DKMS-installed module) and tries again.
Result<std::unique_ptr<CaptureSource>> open_kmod_capture(const LiveCaptureOptions& options);

}  // namespace peregrine::agent
