#pragma once
// Where the probe hooks syscall entries (only execve/execveat need theirs; see probe.bpf.c).
//
// The raw `sys_enter` tracepoint runs its program on every syscall of the system: with only an
// empty program on it, an open/close loop ran ~8 % slower (bench/RESULTS.md, agent). The
// per-syscall tracepoints `syscalls/sys_enter_execve(at)` cost every other syscall one bit
// test in the kernel, but attaching them needs tracefs, which a node may not have mounted.

#include <string>

namespace peregrine::driver {

enum class EntryHook {
  kAuto,                // the syscall tracepoints when tracefs can serve them, else raw sys_enter
  kSyscallTracepoints,  // syscalls/sys_enter_execve and sys_enter_execveat
  kRawSysEnter,         // tp_btf/sys_enter (no tracefs needed)
};

const char* entry_hook_name(EntryHook hook);

// Whether tracefs shows the execve entry tracepoints; mounts tracefs on /sys/kernel/tracing
// first when neither it nor debugfs's tracing directory is there. Empty when usable, else why
// not (for a log line).
std::string syscall_tracepoints_unavailable();

struct ResolvedEntryHook {
  EntryHook hook;
  std::string note;  // kAuto only: why the tracepoints are not usable, when they are not
};

// kAuto resolved on this machine: the tracepoints when usable. Other requests stand.
ResolvedEntryHook resolve_entry_hook(EntryHook requested);

}  // namespace peregrine::driver
