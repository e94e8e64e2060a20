#include "engine/sources/syscall/event_types.h"

#include <gtest/gtest.h>

#include "engine/sources/syscall/capability_names.h"
#include "engine/sources/syscall/errno_names.h"

namespace peregrine::engine {
namespace {

TEST(SyscallEventTypes, SyscallCodesAreSyscallNumbers) {
  const SyscallEventTypes& t = syscall_event_types();
  EXPECT_EQ(t.code("read"), 0);
  EXPECT_EQ(t.code("open"), 2);
  EXPECT_EQ(t.code("execve"), 59);
  EXPECT_EQ(t.code("openat"), 257);
  EXPECT_EQ(t.code("execveat"), 322);
  EXPECT_EQ(t.code("openat2"), 437);
  EXPECT_EQ(t.name(2), "open");
  EXPECT_EQ(t.name(59), "execve");
}

TEST(SyscallEventTypes, NamedCodesMatchTheTable) {
  const SyscallEventTypes& t = syscall_event_types();
  EXPECT_EQ(t.name(kSysOpen), "open");
  EXPECT_EQ(t.name(kSysExecve), "execve");
  EXPECT_EQ(t.name(kSysCreat), "creat");
  EXPECT_EQ(t.name(kSysOpenat), "openat");
  EXPECT_EQ(t.name(kSysOpenByHandleAt), "open_by_handle_at");
  EXPECT_EQ(t.name(kSysExecveat), "execveat");
  EXPECT_EQ(t.name(kSysOpenat2), "openat2");
}

TEST(SyscallEventTypes, NonSyscallEventsFollowTheSyscalls) {
  const SyscallEventTypes& t = syscall_event_types();
  EXPECT_EQ(t.code("procexit"), kEventProcexit);
  EXPECT_EQ(t.name(kEventProcexit), "procexit");
  EXPECT_EQ(t.code("signaldeliver"), kEventSignaldeliver);
  EXPECT_EQ(t.code("container"), kEventContainer);
  EXPECT_EQ(t.code("switch"), kEventSwitch);
  EXPECT_EQ(t.code("page_fault"), kEventPageFault);
  EXPECT_EQ(t.code("asyncevent"), kEventAsyncevent);
  EXPECT_EQ(t.name(kNonSyscallEventEnd - 1), "asyncevent");
  EXPECT_GE(kEventProcexit, kSyscallCodeLimit);
}

TEST(SyscallEventTypes, EveryNameRoundTripsAndCodesAreDense) {
  const SyscallEventTypes& t = syscall_event_types();
  ASSERT_EQ(t.size(), static_cast<size_t>(kNonSyscallEventEnd));
  size_t named = 0;
  for (size_t c = 0; c < t.size(); ++c) {
    std::string_view n = t.name(static_cast<uint16_t>(c));
    if (n.empty()) continue;
    ++named;
    EXPECT_EQ(t.code(n), c) << n;
  }
  EXPECT_GT(named, 350u);  // every x86_64 syscall plus Falco's own events
  EXPECT_EQ(t.name(static_cast<uint16_t>(t.size())), "");
  EXPECT_EQ(t.name(0xFFFF), "");
}

TEST(SyscallEventTypes, AcceptsFalcoSpellings) {
  const SyscallEventTypes& t = syscall_event_types();
  EXPECT_EQ(t.code("pread"), t.code("pread64"));
  EXPECT_EQ(t.code("pwrite"), t.code("pwrite64"));
  EXPECT_EQ(t.code("umount"), t.code("umount2"));
  EXPECT_EQ(t.name(*t.code("pread")), "pread64");
}

TEST(SyscallEventTypes, KnowsEveryTypeTheStableRulesName) {
  const SyscallEventTypes& t = syscall_event_types();
  for (const char* n : {"connect", "dup", "dup2", "dup3", "execve", "execveat", "finit_module",
                        "init_module", "link", "linkat", "open", "openat", "openat2", "ptrace",
                        "sendmsg", "sendto", "socket", "switch", "symlink", "symlinkat",
                        "accept", "accept4", "bind", "listen", "creat", "rename", "renameat",
                        "renameat2", "unlink", "unlinkat", "mkdir", "mkdirat", "rmdir",
                        "chmod", "fchmod", "fchmodat", "setuid", "setns", "unshare", "mount",
                        "clone", "clone3", "fork", "vfork", "memfd_create", "bpf", "kill",
                        "userfaultfd", "io_uring_setup", "procexit", "container"}) {
    EXPECT_TRUE(t.code(n).has_value()) << n;
  }
  EXPECT_FALSE(t.code("no_such_call").has_value());
  EXPECT_FALSE(t.code("").has_value());
}

TEST(ErrnoNames, NamesLinuxErrors) {
  EXPECT_EQ(errno_name(-2), "ENOENT");
  EXPECT_EQ(errno_name(2), "ENOENT");
  EXPECT_EQ(errno_name(-13), "EACCES");
  EXPECT_EQ(errno_name(-1), "EPERM");
  EXPECT_EQ(errno_name(-11), "EAGAIN");
  EXPECT_EQ(errno_name(-111), "ECONNREFUSED");
  EXPECT_EQ(errno_name(0), "");
  EXPECT_EQ(errno_name(-512), "");  // kernel-internal ERESTARTSYS has no UAPI name
  EXPECT_EQ(errno_name(INT64_MIN), "");
  EXPECT_EQ(errno_name(INT64_MAX), "");
}

TEST(CapabilityNames, RendersMasksAsFalcoDoes) {
  EXPECT_EQ(capability_name(21), "CAP_SYS_ADMIN");
  EXPECT_EQ(capability_name(0), "CAP_CHOWN");
  EXPECT_EQ(capability_name(63), "");
  std::string s;
  append_capabilities((1ull << 0) | (1ull << 12) | (1ull << 21) | (1ull << 63), s);
  EXPECT_EQ(s, "CAP_CHOWN CAP_NET_ADMIN CAP_SYS_ADMIN");
  s.clear();
  append_capabilities(0, s);
  EXPECT_EQ(s, "");
}

}  // namespace
}  // namespace peregrine::engine
