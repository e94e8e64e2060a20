// --driver auto|ebpf|kmod. `auto` prefers the eBPF probe (no module to install, CO-RE across
// kernels) and falls back to the kernel module; when neither starts, the one error says why
// for each.

#include "agent/capture/driver_captures.h"

#include <string>

namespace peregrine::agent {
namespace {

// Driver errors may carry libbpf's multi-line log; the agent reports one line.
std::string one_line(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      if (!out.empty() && out.back() != ' ') out += "; ";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<CaptureSource>> open_live_capture(const LiveCaptureOptions& options) {
  if (options.driver == "ebpf") {
    auto c = open_ebpf_capture(options);
    if (!c) return make_error("cannot start the eBPF probe: " + one_line(c.error().message));
    return c;
  }
  if (options.driver == "kmod") {
    auto c = open_kmod_capture(options);
    if (!c) return make_error("cannot start the kernel module driver: " + one_line(c.error().message));
    return c;
  }
  if (options.driver != "auto") {
    return make_error("unknown driver '" + options.driver + "' (known: auto, ebpf, kmod)");
  }
  auto ebpf = open_ebpf_capture(options);
  if (ebpf) return ebpf;
  auto kmod = open_kmod_capture(options);
  if (kmod) return kmod;
  return make_error("no driver could start. eBPF probe: " + one_line(ebpf.error().message) +
                    ". Kernel module: " + one_line(kmod.error().message));
}

}  // namespace peregrine::agent
