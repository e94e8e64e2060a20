#pragma once
// Opening the live capture the agent runs on (--driver auto|ebpf|kmod): the eBPF CO-RE probe
// when this build has it. Errors name what is missing (kernel BTF, privileges, a driver this
// build does not include).

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
  std::vector<bool> interesting;  // indexed by event code
};

Result<std::unique_ptr<CaptureSource>> open_live_capture(const LiveCaptureOptions& options);

}  // namespace peregrine::agent
