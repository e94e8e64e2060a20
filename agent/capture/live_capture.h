#pragma once
// Opening the live capture the agent runs on (--driver auto|ebpf|kmod): the eBPF CO-RE probe,
// the kernel module, or (auto) the probe with the module as fallback. Errors name what is
// missing for each driver (kernel BTF, privileges, the module).

#include <memory>
#include <string>
#include <vector>

#include "agent/capture/capture_source.h"
#include "common/result.h"

namespace peregrine::agent {

struct LiveCaptureOptions {
  std::string driver = "auto";  // auto | ebpf | kmod
  uint32_t ring_buffer_bytes = 8u << 20;
  uint32_t ignore_tgid = 0;       // the agent itself
  driver::InterestSet interesting;  // indexed by event code
};

Result<std::unique_ptr<CaptureSource>> open_live_capture(const LiveCaptureOptions& options);

}  // namespace peregrine::agent
