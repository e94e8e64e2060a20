// ProcReader and the bootstrap over a fake proc tree in a temp dir, and over the real /proc.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "agent/state/proc_bootstrap.h"
#include "agent/state/proc_reader.h"

namespace peregrine::agent {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, std::string_view text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string stat_line(int pid, std::string_view comm, int ppid) {
  // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime
  // stime cutime cstime priority nice num_threads itrealvalue starttime ...
  return std::to_string(pid) + " (" + std::string(comm) + ") S " + std::to_string(ppid) +
         " 7 7 34816 0 0 0 0 0 0 0 0 0 0 20 0 1 0 500 0 0\n";
}

class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("peregrine_proc_" + std::to_string(::getpid()));
    fs::remove_all(root);
    write(root / "stat", "cpu 1 2 3\nbtime 1700000000\n");
    add(1, "systemd", 0, "/sbin/init\0", "0::/\n");
    add(42, "my (odd) name", 1, std::string("cat\0/etc/shadow\0-n\0", 19),
        "4:memory:/process_api/69d1139e5808875943c3cf4da2527883\n0::/\n");
    write(root / "42" / "status", "Name:\tcat\nUid:\t1000\t1001\t1001\t1001\nGid:\t5\t6\t6\t6\n"
                                  "NStgid:\t42\t3\nNSpid:\t42\t3\nCapEff:\t0000000000200000\n");
    write(root / "42" / "loginuid", "4294967295");
    fs::create_directories(root / "42" / "fd");
    fs::create_symlink("/etc", root / "42" / "fd" / "3");
    fs::create_symlink("socket:[777]", root / "42" / "fd" / "4");
    fs::create_symlink("pipe:[88]", root / "42" / "fd" / "5");
    fs::create_symlink("/usr/bin/cat (deleted)", root / "42" / "exe");
    fs::create_symlink("/root", root / "42" / "cwd");
    write(root / "net" / "tcp",
          "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
          "   0: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 777 1\n");
  }
  void TearDown() override { fs::remove_all(root); }

  void add(int pid, std::string_view comm, int ppid, std::string cmdline, std::string cgroup) {
    fs::path d = root / std::to_string(pid);
    write(d / "stat", stat_line(pid, comm, ppid));
    write(d / "cmdline", cmdline);
    write(d / "cgroup", cgroup);
    fs::create_directories(d / "task" / std::to_string(pid));
  }

  fs::path root;
};

TEST_F(FakeProc, ReadsAThread) {
  ProcReader proc(root.string());
  auto t = proc.read_thread(42, 42);
  ASSERT_TRUE(t);
  const engine::ThreadView& v = t->view;
  EXPECT_EQ(v.comm, "my (odd) name");
  EXPECT_EQ(v.ppid, 1);
  EXPECT_EQ(v.sid, 7);
  EXPECT_EQ(v.vpgid, 7);
  EXPECT_EQ(v.tty, 34816u);
  EXPECT_EQ(v.exe, "cat");
  EXPECT_EQ(v.args, (std::vector<std::string>{"/etc/shadow", "-n"}));
  EXPECT_EQ(v.exepath, "/usr/bin/cat");
  EXPECT_EQ(v.cwd, "/root/");
  EXPECT_EQ(v.uid, 1001u);
  EXPECT_EQ(v.gid, 6u);
  EXPECT_EQ(v.vpid, 3);
  EXPECT_EQ(v.loginuid, -1);
  EXPECT_EQ(v.cap_effective, 1ull << 21);
  long ticks = ::sysconf(_SC_CLK_TCK);
  EXPECT_EQ(v.start_ts_ns, 1700000000ull * 1000000000ull + 500ull * (1000000000ull / ticks));
  EXPECT_FALSE(proc.read_thread(99, 99));
}

TEST_F(FakeProc, BootstrapBuildsTableWithFdsAndAncestry) {
  ProcReader proc(root.string());
  ContainerRegistry containers;
  ProcessTable table(containers);
  auto n = bootstrap_process_table(proc, table);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2u);
  ThreadState* cat = table.find(42);
  ASSERT_NE(cat, nullptr);
  ASSERT_NE(cat->view.parent, nullptr);
  EXPECT_EQ(cat->view.parent->comm, "systemd");
  EXPECT_TRUE(cat->container->view.is_host());  // the sandbox cgroup is not a container
  const FdEntry* dir = cat->fds->find(3);
  ASSERT_NE(dir, nullptr);
  EXPECT_EQ(dir->view.type, engine::FdType::kDirectory);
  EXPECT_EQ(dir->view.name, "/etc");
  const FdEntry* sock = cat->fds->find(4);
  ASSERT_NE(sock, nullptr);
  EXPECT_EQ(sock->view.type, engine::FdType::kIpv4);
  EXPECT_EQ(sock->view.l4proto, engine::L4Proto::kTcp);
  EXPECT_EQ(sock->view.name, "127.0.0.1:54321->127.0.0.1:8080");
  EXPECT_EQ(sock->view.sport, 8080);
  EXPECT_EQ(cat->fds->find(5)->view.type, engine::FdType::kPipe);
}

TEST(ProcReader, MissingRootIsAnError) {
  ProcReader proc("/nonexistent/proc");
  ContainerRegistry containers;
  ProcessTable table(containers);
  auto n = bootstrap_process_table(proc, table);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().message.find("/nonexistent/proc"), std::string::npos);
}

TEST(ProcReader, BootstrapsTheRealProc) {
  ProcReader proc("/proc");
  ContainerRegistry containers;
  ProcessTable table(containers);
  auto n = bootstrap_process_table(proc, table);
  ASSERT_TRUE(n.ok());
  ThreadState* self = table.find(::getpid());
  ASSERT_NE(self, nullptr);
  EXPECT_EQ(self->view.ppid, ::getppid());
  EXPECT_NE(self->view.exepath.find("agent_test"), std::string::npos);
  EXPECT_TRUE(self->container->view.is_host());
  ASSERT_NE(self->view.parent, nullptr);
  EXPECT_EQ(self->view.parent->pid, ::getppid());
}

}  // namespace
}  // namespace peregrine::agent
