// Stands in for ebpf_capture.cc in builds without the eBPF probe (no libbpf/clang, the fuzz
// configuration): the agent then says so instead of failing to link.

#include "agent/capture/live_capture.h"

namespace peregrine::agent {

Result<std::unique_ptr<CaptureSource>> open_live_capture(const LiveCaptureOptions& options) {
  return make_error("--driver " + options.driver +
                    ": this build of peregrine has no eBPF probe (built without libbpf/clang); no live capture");
}

}  // namespace peregrine::agent
