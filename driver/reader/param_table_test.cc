#include "driver/reader/param_table.h"

#include <asm/unistd_64.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "engine/sources/syscall/event_types.h"

namespace peregrine::driver {
namespace {

TEST(ParamTable, SyscallCodesAreTheKernelsAndNamesTheEngines) {
  const auto& names = engine::kX86_64SyscallNames;
  for (const EventInfo& e : all_events()) {
    if (e.type >= PEREGRINE_SYSCALL_CODE_LIMIT) continue;
    EXPECT_EQ(names[e.type], e.name) << "code " << e.type;
  }
  EXPECT_EQ(PEREGRINE_EVT_CODE_OPENAT, __NR_openat);
  EXPECT_EQ(PEREGRINE_EVT_CODE_CLONE3, __NR_clone3);
  EXPECT_EQ(PEREGRINE_EVT_CODE_OPENAT2, __NR_openat2);
  EXPECT_EQ(PEREGRINE_EVT_CODE_EXECVEAT, __NR_execveat);
}

TEST(ParamTable, NonSyscallCodesAreTheEngines) {
  EXPECT_EQ(PEREGRINE_EVT_PROCEXIT, engine::kEventProcexit);
  EXPECT_EQ(PEREGRINE_SYSCALL_CODE_LIMIT, engine::kSyscallCodeLimit);
  for (const EventInfo& e : all_events()) {
    auto code = engine::syscall_event_types().code(e.name);
    ASSERT_TRUE(code.has_value()) << e.name;
    EXPECT_EQ(*code, e.type) << e.name;
  }
}

TEST(ParamTable, CoversTheIssuesSyscalls) {
  for (const char* name :
       {"open", "openat", "openat2", "creat", "execve", "execveat", "clone", "clone3", "fork",
        "vfork", "connect", "accept", "accept4", "bind", "listen", "socket", "sendto",
        "recvfrom", "unlink", "unlinkat", "rename", "renameat", "renameat2", "mkdir", "mkdirat",
        "rmdir", "symlink", "symlinkat", "link", "linkat", "chmod", "fchmod", "fchmodat",
        "chown", "fchown", "lchown", "fchownat", "setuid", "setgid", "setresuid", "setresgid",
        "setns", "unshare", "ptrace", "mount", "umount2", "kill", "memfd_create",
        "init_module", "finit_module", "bpf", "dup", "dup2", "dup3", "close", "pipe",
        "socketpair", "prctl", "capset", "chdir", "fchdir", "chroot"}) {
    bool found = false;
    for (const EventInfo& e : all_events()) found |= e.name == name;
    EXPECT_TRUE(found) << name;
  }
}

TEST(ParamTable, ParamsAreWellFormed) {
  for (const EventInfo& e : all_events()) {
    std::set<std::string_view> seen;
    EXPECT_LE(e.params.size(), size_t{PEREGRINE_MAX_PARAMS}) << e.name;
    EXPECT_NE(fixed_width(e.res_type), 0u) << e.name;
    for (const ParamInfo& p : e.params) {
      EXPECT_TRUE(seen.insert(p.name).second) << e.name << "." << p.name << " twice";
      EXPECT_NE(p.type, ParamType::kNone) << e.name << "." << p.name;
      EXPECT_NE(p.fetch, PEREGRINE_FETCH_NONE) << e.name << "." << p.name;
      EXPECT_TRUE(p.arg <= 5 || p.arg == PEREGRINE_ARG_RES) << e.name << "." << p.name;
      EXPECT_NE(p.name, e.res_name) << e.name << ": a parameter shadows the result";
    }
  }
}

TEST(ParamTable, Lookups) {
  const EventInfo* openat = event_info(257);
  ASSERT_NE(openat, nullptr);
  EXPECT_EQ(openat->name, "openat");
  ASSERT_EQ(openat->params.size(), 4u);
  EXPECT_EQ(openat->params[1].name, "name");
  EXPECT_EQ(openat->params[1].type, ParamType::kFsPath);
  EXPECT_EQ(param_info(257, 2)->name, "flags");
  EXPECT_EQ(param_info(257, 4), nullptr);
  EXPECT_EQ(param_info(1, 0), nullptr);  // write: not captured
  EXPECT_EQ(event_info(0), nullptr);
  EXPECT_EQ(param_index(42, "tuple"), 2);
  EXPECT_EQ(param_index(42, "nope"), -1);
  EXPECT_EQ(fixed_width(ParamType::kFd), 8u);
  EXPECT_EQ(fixed_width(ParamType::kString), 0u);
  EXPECT_EQ(type_name(ParamType::kSockTuple), "SOCKTUPLE");
}

// event_info indexes by code directly: every code answers with its own entry, and every code
// between and past them (up to the 16-bit limit) with nothing.
TEST(ParamTable, EventInfoForEveryCode) {
  std::vector<const EventInfo*> expected(65536, nullptr);
  for (const EventInfo& e : all_events()) expected[e.type] = &e;
  for (uint32_t code = 0; code < expected.size(); ++code)
    ASSERT_EQ(event_info(static_cast<uint16_t>(code)), expected[code]) << "code " << code;
}

}  // namespace
}  // namespace peregrine::driver
