#include "driver/bpf/syscall_tracepoints.h"

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace peregrine::driver {
namespace {

// libbpf looks in debugfs's tracing directory when it exists, else in tracefs's own mount.
constexpr const char* kDebugfsTracing = "/sys/kernel/debug/tracing";
constexpr const char* kTracefs = "/sys/kernel/tracing";
constexpr const char* kExecveEvent = "/events/syscalls/sys_enter_execve/id";
constexpr const char* kExecveatEvent = "/events/syscalls/sys_enter_execveat/id";

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

bool has_events(const char* root) {
  return exists(std::string(root) + kExecveEvent) && exists(std::string(root) + kExecveatEvent);
}

}  // namespace

const char* entry_hook_name(EntryHook hook) {
  switch (hook) {
    case EntryHook::kAuto:
      return "auto";
    case EntryHook::kSyscallTracepoints:
      return "syscall tracepoints";
    case EntryHook::kRawSysEnter:
      return "raw sys_enter";
  }
  return "?";
}

std::string syscall_tracepoints_unavailable() {
  const char* root = exists(kDebugfsTracing) ? kDebugfsTracing : kTracefs;
  if (has_events(root)) return "";
  if (root == kTracefs && !exists(std::string(kTracefs) + "/events")) {
    if (mount("nodev", kTracefs, "tracefs", 0, nullptr) != 0) {
      return std::string("mounting tracefs on ") + kTracefs + " failed: " + strerror(errno);
    }
    if (has_events(root)) return "";
  }
  return std::string("no syscalls/sys_enter_execve(at) events under ") + root +
         " (kernel without CONFIG_FTRACE_SYSCALLS?)";
}

ResolvedEntryHook resolve_entry_hook(EntryHook requested) {
  if (requested != EntryHook::kAuto) return {requested, ""};
  std::string why = syscall_tracepoints_unavailable();
  const EntryHook hook = why.empty() ? EntryHook::kSyscallTracepoints : EntryHook::kRawSysEnter;
  return {hook, std::move(why)};
}

}  // namespace peregrine::driver
