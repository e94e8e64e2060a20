#include <gtest/gtest.h>

#include "engine/sources/syscall/syscall_test_fixture.h"

namespace peregrine::engine::testing {
namespace {

using ProcFields = SyscallFixture;

TEST_F(ProcFields, NamesAndCommandLines) {
  EXPECT_EQ(text("proc.name"), "cat");
  EXPECT_EQ(text("proc.exe"), "cat");
  EXPECT_EQ(text("proc.exepath"), "/usr/bin/cat");
  EXPECT_EQ(text("proc.args"), "/etc/shadow -n");
  EXPECT_EQ(text("proc.cmdline"), "cat /etc/shadow -n");
  EXPECT_EQ(text("proc.exeline"), "cat /etc/shadow -n");
  EXPECT_EQ(text("proc.cmdnargs"), "2");
  EXPECT_EQ(text("proc.cmdlenargs"), "13");
  EXPECT_EQ(text("proc.pname"), "bash");
  EXPECT_EQ(text("proc.pexe"), "bash");
  EXPECT_EQ(text("proc.pexepath"), "/usr/bin/bash");
  EXPECT_EQ(text("proc.pcmdline"), "bash -i");
  EXPECT_EQ(text("proc.cwd"), "/root/");
}

TEST_F(ProcFields, CmdlineWithoutArgumentsIsJustTheName) {
  cat.args.clear();
  EXPECT_EQ(text("proc.cmdline"), "cat");
  EXPECT_EQ(text("proc.args"), "");
}

TEST_F(ProcFields, AncestorsByLevel) {
  EXPECT_EQ(text("proc.aname", "0"), "cat");
  EXPECT_EQ(text("proc.aname", "1"), "bash");
  EXPECT_EQ(text("proc.aname", "2"), "containerd-shim");
  EXPECT_EQ(text("proc.aname", "3"), "systemd");
  EXPECT_EQ(text("proc.aname", "4"), "<missing>");
  EXPECT_EQ(text("proc.aname", "100000"), "<missing>");
  EXPECT_EQ(text("proc.aexe", "2"), "containerd-shim-runc-v2");
  EXPECT_EQ(text("proc.aexepath", "2"), "/usr/bin/containerd-shim-runc-v2");
  EXPECT_EQ(text("proc.acmdline", "2"), "containerd-shim -namespace k8s.io");
  EXPECT_EQ(text("proc.apid", "0"), "1001");
  EXPECT_EQ(text("proc.apid", "3"), "1");
}

TEST_F(ProcFields, AncestorsWithoutIndexListEveryParentButNotTheProcess) {
  ASSERT_TRUE(get("proc.aname"));
  EXPECT_EQ(out.kind(), Extraction::Kind::kList);
  EXPECT_EQ(out.to_string(), "(bash,containerd-shim,systemd)");
  EXPECT_EQ(text("proc.apid"), "(1000,900,1)");
  EXPECT_EQ(text("proc.aexepath"), "(/usr/bin/bash,/usr/bin/containerd-shim-runc-v2,"
                                   "/usr/lib/systemd/systemd)");
  EXPECT_EQ(text("proc.acmdline"), "(bash -i,containerd-shim -namespace k8s.io,systemd)");
}

TEST_F(ProcFields, ParentlessProcessHasNoParentFields) {
  event.thread = &systemd;
  EXPECT_EQ(text("proc.pname"), "<missing>");
  EXPECT_EQ(text("proc.pcmdline"), "<missing>");
  EXPECT_EQ(text("proc.aname"), "<missing>");
  EXPECT_EQ(text("proc.aname", "0"), "systemd");
  EXPECT_EQ(text("proc.ppid"), "0");
}

TEST_F(ProcFields, AncestorCycleStopsAtTheDepthLimit) {
  systemd.parent = &cat;  // bad input: a loop
  ASSERT_TRUE(get("proc.aname"));
  EXPECT_EQ(out.list().size(), static_cast<size_t>(kMaxAncestorDepth));
  EXPECT_TRUE(get("proc.loginshellid"));
  EXPECT_TRUE(get("proc.sname"));
}

TEST_F(ProcFields, Ids) {
  EXPECT_EQ(text("proc.pid"), "1001");
  EXPECT_EQ(text("proc.ppid"), "1000");
  EXPECT_EQ(text("proc.vpid"), "7");
  EXPECT_EQ(text("proc.pvpid"), "1");
  EXPECT_EQ(text("proc.sid"), "1");
  EXPECT_EQ(text("proc.vpgid"), "7");
  EXPECT_EQ(text("thread.tid"), "1001");
  EXPECT_EQ(text("thread.vtid"), "7");
  EXPECT_EQ(text("thread.ismain"), "true");
  EXPECT_EQ(text("proc.tty"), "34816");
  cat.vpid = -1;
  EXPECT_EQ(text("proc.vpid"), "<missing>");
}

TEST_F(ProcFields, SessionAndGroupLeaders) {
  // bash (vpid 1) leads session 1 inside the container; cat leads its own group 7.
  EXPECT_EQ(text("proc.sname"), "bash");
  EXPECT_EQ(text("proc.sid.exepath"), "/usr/bin/bash");
  EXPECT_EQ(text("proc.is_sid_leader"), "false");
  EXPECT_EQ(text("proc.vpgid.name"), "cat");
  EXPECT_EQ(text("proc.is_vpgid_leader"), "true");
  event.thread = &bash;
  EXPECT_EQ(text("proc.is_sid_leader"), "true");
}

TEST_F(ProcFields, LoginShellIsTheEldestShell) {
  EXPECT_EQ(text("proc.loginshellid"), "1000");
  shim.comm = "sh";
  EXPECT_EQ(text("proc.loginshellid"), "900");
  event.thread = &systemd;
  EXPECT_EQ(text("proc.loginshellid"), "<missing>");
}

TEST_F(ProcFields, Environment) {
  EXPECT_EQ(text("proc.env"), "HOME=/root PATH=/usr/bin:/bin EMPTY=");
  EXPECT_EQ(text("proc.env", "HOME"), "/root");
  EXPECT_EQ(text("proc.env", "PATH"), "/usr/bin:/bin");
  EXPECT_EQ(text("proc.env", "EMPTY"), "");
  EXPECT_EQ(text("proc.env", "HOM"), "<missing>");
  EXPECT_EQ(text("proc.env", "NOPE"), "<missing>");
}

TEST_F(ProcFields, Times) {
  EXPECT_EQ(text("proc.duration"), std::to_string(2 * kSecond));
  EXPECT_EQ(text("proc.ppid.duration"), std::to_string(60 * kSecond));
  EXPECT_EQ(text("proc.pid.ts"), std::to_string(kEventTime - 2 * kSecond));
  EXPECT_EQ(text("proc.pidns_init_start_ts"), std::to_string(kEventTime - 3600 * kSecond));
  EXPECT_EQ(text("proc.exe_ino.ctime"), "<missing>");
  cat.exe_ino = 1234;
  cat.exe_ino_ctime_ns = kEventTime - 5 * kSecond;
  EXPECT_EQ(text("proc.exe_ino"), "1234");
  EXPECT_EQ(text("proc.exe_ino.ctime_duration_proc_start"), std::to_string(3 * kSecond));
  EXPECT_EQ(text("proc.exe_ino.ctime_duration_pidns_start"), std::to_string(3595 * kSecond));
  cat.exe_ino_ctime_ns = kEventTime;  // changed after the process started
  EXPECT_EQ(text("proc.exe_ino.ctime_duration_proc_start"), "<missing>");
}

TEST_F(ProcFields, ExecutableFlags) {
  EXPECT_EQ(text("proc.is_exe_from_memfd"), "false");
  cat.exe_from_memfd = true;
  cat.exe_upper_layer = true;
  EXPECT_EQ(text("proc.is_exe_from_memfd"), "true");
  EXPECT_EQ(text("proc.is_exe_upper_layer"), "true");
}

TEST_F(ProcFields, CapabilitiesAndCgroups) {
  EXPECT_EQ(text("thread.cap_effective"), "CAP_CHOWN CAP_SYS_ADMIN");
  EXPECT_EQ(text("thread.cap_permitted"), "");
  EXPECT_EQ(text("thread.cgroups"), "cpu=/kubepods/pod1/abc memory=/kubepods/pod1/abc/mem");
  EXPECT_EQ(text("thread.cgroup.memory"), "/kubepods/pod1/abc/mem");
  EXPECT_EQ(text("thread.cgroup.blkio"), "<missing>");
}

TEST_F(ProcFields, MissingThreadMeansMissingFields) {
  event.thread = nullptr;
  for (const char* f : {"proc.name", "proc.cmdline", "proc.aname", "proc.pid", "thread.tid",
                        "proc.env", "thread.cap_effective", "proc.loginshellid"}) {
    EXPECT_EQ(text(f), "<missing>") << f;
    EXPECT_FALSE(out.present()) << f;
  }
}

TEST_F(ProcFields, ComputedStringsReuseTheirBuffer) {
  ASSERT_TRUE(get("proc.cmdline"));
  const char* first = out.str().data();
  cat.args = {"/etc/passwd"};  // shorter: fits the capacity the first value left behind
  ASSERT_TRUE(get("proc.cmdline"));
  EXPECT_EQ(out.str(), "cat /etc/passwd");
  EXPECT_EQ(out.str().data(), first);
}

}  // namespace
}  // namespace peregrine::engine::testing
