// EventBuilder over records laid out as the probe writes them (driver::RecordBuilder, plus one
// record assembled byte by byte): state changes and the SyscallEvent the rules see.

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/socket.h>

#include <cstring>
#include <deque>

#include "agent/events/event_builder.h"
#include "agent/events/flag_names.h"
#include "agent/events/path_resolve.h"
#include "driver/reader/record_builder.h"

namespace peregrine::agent {
namespace {

using driver::RecordBuilder;

const engine::SyscallArg* arg(const engine::SyscallEvent& e, std::string_view name) { return e.find_arg(name); }
// Texts are built when read, as the engine reads them.
std::string_view text(const engine::SyscallEvent& e, std::string_view name) {
  const engine::SyscallArg* a = e.find_arg(name);
  return a ? e.arg_text(*a) : std::string_view("(absent)");
}

class BuilderTest : public ::testing::Test {
 protected:
  BuilderTest() {
    add(1, 0, "systemd", "/sbin/init", {});
    ThreadState& bash = add(100, 1, "bash", "/usr/bin/bash", {"-i"});
    bash.view.cwd = "/root/";
    bash.view.uid = 0;
  }

  ThreadState& add(int64_t pid, int64_t ppid, std::string comm, std::string exepath, std::vector<std::string> args) {
    ThreadState t;
    t.view.tid = t.view.pid = t.view.vtid = t.view.vpid = pid;
    t.view.ppid = ppid;
    t.view.comm = std::move(comm);
    t.view.exe = t.view.comm;
    t.view.exepath = std::move(exepath);
    t.view.args = std::move(args);
    t.view.cwd = "/";
    return table.insert(std::move(t));
  }

  // Builds, checks it decodes, and runs it through the builder (finish() of the previous one
  // first, as the pipeline does).
  const BuiltEvent& feed(const std::vector<uint8_t>& record) {
    builder.finish();
    records.push_back(record);
    auto view = driver::decode_event(records.back());
    EXPECT_TRUE(view.ok()) << view.error().message;
    return builder.build(*view);
  }

  static RecordBuilder proc_info(RecordBuilder b, std::string exe, std::vector<std::string_view> args, int64_t ptid,
                                 std::string comm, int64_t vpid, uint64_t cgroup_id) {
    b.str(exe).strings(args).i64(ptid).str(comm).u32(0).u32(0).u32(0xffffffffu).i64(vpid).i64(vpid).u64(cgroup_id);
    return b;
  }

  ContainerRegistry containers;
  ProcessTable table{containers};
  UserDb users{"/"};
  EventBuilder builder{table, users, nullptr, 1'000'000'000};
  std::deque<std::vector<uint8_t>> records;
};

TEST_F(BuilderTest, OpenatResolvesPathAndTracksTheFd) {
  const BuiltEvent& b = feed(RecordBuilder(PEREGRINE_EVT_CODE_OPENAT, 100, 100, 3, 5)
                                 .i64(AT_FDCWD).str("../etc//shadow").u32(O_RDONLY | O_CLOEXEC).u32(0).build());
  const engine::SyscallEvent& e = b.event;
  EXPECT_FALSE(b.incomplete);
  EXPECT_EQ(e.type, PEREGRINE_EVT_CODE_OPENAT);
  EXPECT_EQ(e.timestamp_ns, 1'000'000'005u);
  ASSERT_NE(e.fd, nullptr);
  EXPECT_EQ(e.fd->num, 3);
  EXPECT_EQ(e.fd->name, "/etc/shadow");
  EXPECT_EQ(e.fd->nameraw, "../etc//shadow");
  EXPECT_EQ(e.fd->type, engine::FdType::kFile);
  ASSERT_NE(e.thread, nullptr);
  EXPECT_EQ(e.thread->comm, "bash");
  ASSERT_NE(e.user, nullptr);
  EXPECT_EQ(e.user->name, "root");
  ASSERT_NE(e.container, nullptr);
  EXPECT_EQ(e.container->id, "host");
  EXPECT_EQ(text(e, "fd"), "3(<f>/etc/shadow)");
  EXPECT_EQ(text(e, "dirfd"), "-100(AT_FDCWD)");
  EXPECT_EQ(text(e, "name"), "../etc//shadow");
  EXPECT_EQ(text(e, "flags"), "O_RDONLY|O_CLOEXEC");
  EXPECT_EQ(arg(e, "flags")->raw, O_CLOEXEC);
  EXPECT_EQ(text(e, "mode"), "00");

  // A later call on fd 3 sees the file; close keeps it for the close event, then drops it.
  const BuiltEvent& c = feed(RecordBuilder(PEREGRINE_EVT_CODE_CLOSE, 100, 100, 0).i64(3).build());
  ASSERT_NE(c.event.fd, nullptr);
  EXPECT_EQ(c.event.fd->name, "/etc/shadow");
  EXPECT_EQ(text(c.event, "fd"), "3(<f>/etc/shadow)");
  builder.finish();
  EXPECT_EQ(table.find(100)->fds->find(3), nullptr);
}

// A state-only record's time is an earlier one of its CPU's (PEREGRINE_EVF_UNTIMED): the event
// takes the latest time built instead, so times never run backwards for it.
TEST_F(BuilderTest, AnUntimedRecordTakesTheLatestTimeSeen) {
  feed(RecordBuilder(PEREGRINE_EVT_CODE_OPENAT, 100, 100, 3, 500).i64(AT_FDCWD).str("/a").u32(O_RDONLY).u32(0).build());
  const BuiltEvent& c = feed(RecordBuilder(PEREGRINE_EVT_CODE_CLOSE, 100, 100, 0, 200)
                                 .flags(PEREGRINE_EVF_UNTIMED).i64(3).build());
  EXPECT_EQ(c.event.timestamp_ns, 1'000'000'500u);
  const BuiltEvent& timed = feed(RecordBuilder(PEREGRINE_EVT_CODE_CLOSE, 100, 100, -9, 200).i64(3).build());
  EXPECT_EQ(timed.event.timestamp_ns, 1'000'000'200u) << "a timed record keeps its own time";
  const BuiltEvent& later = feed(RecordBuilder(PEREGRINE_EVT_CODE_CLOSE, 100, 100, -9, 900)
                                     .flags(PEREGRINE_EVF_UNTIMED).i64(3).build());
  EXPECT_EQ(later.event.timestamp_ns, 1'000'000'900u) << "a later untimed time is kept";
}

// A close the driver folded into the thread's next record happened before that event: an
// open that reuses the number finds it closed and installs the new file.
TEST_F(BuilderTest, APriorCloseIsAppliedBeforeTheEventCarryingIt) {
  feed(RecordBuilder(PEREGRINE_EVT_CODE_OPENAT, 100, 100, 3).i64(AT_FDCWD).str("/a").u32(O_RDONLY).u32(0).build());
  const BuiltEvent& b = feed(RecordBuilder(PEREGRINE_EVT_CODE_OPENAT, 100, 100, 3)
                                 .prior_close(3).i64(AT_FDCWD).str("/b").u32(O_RDONLY).u32(0).build());
  ASSERT_NE(b.event.fd, nullptr);
  EXPECT_EQ(b.event.fd->name, "/b");
  builder.finish();
  ASSERT_NE(table.find(100)->fds->find(3), nullptr);
  EXPECT_EQ(table.find(100)->fds->find(3)->view.name, "/b");

  feed(RecordBuilder(PEREGRINE_EVT_CODE_KILL, 100, 100, 0).prior_close(3).i64(1).u32(0).build());
  builder.finish();
  EXPECT_EQ(table.find(100)->fds->find(3), nullptr) << "the folded close was not applied";
}

TEST_F(BuilderTest, FailedOpenStillNamesThePath) {
  const BuiltEvent& b = feed(RecordBuilder(PEREGRINE_EVT_CODE_OPEN, 100, 100, -13)
                                 .str("/etc/sudoers").u32(O_WRONLY | O_CREAT | O_TRUNC).u32(0644).build());
  ASSERT_NE(b.event.fd, nullptr);
  EXPECT_EQ(b.event.fd->num, -1);
  EXPECT_EQ(b.event.fd->name, "/etc/sudoers");
  EXPECT_EQ(text(b.event, "fd"), "-13(EACCES)");
  EXPECT_EQ(text(b.event, "flags"), "O_WRONLY|O_CREAT|O_TRUNC");
  EXPECT_EQ(text(b.event, "mode"), "0644");
  EXPECT_EQ(table.find(100)->fds->size(), 0u);
}

TEST_F(BuilderTest, OpenatRelativeToADirfd) {
  feed(RecordBuilder(PEREGRINE_EVT_CODE_OPENAT, 100, 100, 4)
           .i64(AT_FDCWD).str("/etc").u32(O_RDONLY | O_DIRECTORY).u32(0).build());
  const BuiltEvent& b = feed(RecordBuilder(PEREGRINE_EVT_CODE_OPENAT, 100, 100, 5)
                                 .i64(4).str("passwd").u32(O_WRONLY).u32(0).build());
  EXPECT_EQ(b.event.fd->name, "/etc/passwd");
  EXPECT_EQ(text(b.event, "dirfd"), "4(<d>/etc)");
}

TEST_F(BuilderTest, HandmadeOpenatRecord) {
  // Header, lengths, data, written out by hand as the probe lays them in the ring buffer.
  std::vector<uint8_t> b;
  auto put = [&b](uint64_t v, int n) {
    for (int i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  put(PEREGRINE_EVENT_MAGIC, 4), put(PEREGRINE_SCHEMA_VERSION, 2), put(257, 2);
  put(48 + 8 + 8 + 9 + 4 + 4, 4), put(4, 2), put(0, 2), put(7, 8), put(100, 4), put(100, 4);
  put(6, 8), put(0, 4), put(0, 4);
  put(8, 2), put(9, 2), put(4, 2), put(4, 2);
  put(static_cast<uint64_t>(int64_t{AT_FDCWD}), 8);
  for (char c : std::string_view("etc/host\0", 9)) b.push_back(static_cast<uint8_t>(c));
  put(O_RDWR, 4), put(0, 4);
  const BuiltEvent& e = feed(b);
  EXPECT_EQ(e.event.fd->name, "/root/etc/host");
  EXPECT_EQ(text(e.event, "flags"), "O_RDWR");
}

TEST_F(BuilderTest, ForkExecBuildsAncestryAndCmdline) {
  // The parent's clone exit (res = child) and then the child's (res = 0).
  feed(proc_info(RecordBuilder(PEREGRINE_EVT_CODE_CLONE, 100, 100, 200), "bash", {"-i"}, 1, "bash", 100, 0)
           .u64(SIGCHLD).build());
  ASSERT_NE(table.find(200), nullptr);
  const BuiltEvent& child = feed(
      proc_info(RecordBuilder(PEREGRINE_EVT_CODE_CLONE, 200, 200, 0), "bash", {"-i"}, 100, "bash", 200, 0)
          .u64(SIGCHLD).build());
  EXPECT_EQ(child.event.thread->tid, 200);
  EXPECT_EQ(child.event.thread->parent->comm, "bash");
  EXPECT_EQ(text(child.event, "flags"), "0");

  const BuiltEvent& exec = feed(proc_info(RecordBuilder(PEREGRINE_EVT_CODE_EXECVE, 200, 200, 0), "cat",
                                          {"/etc/shadow"}, 100, "cat", 200, 0)
                                    .str("/usr/bin/cat").strings({"HOME=/root"}).build());
  const engine::ThreadView& t = *exec.event.thread;
  EXPECT_EQ(t.comm, "cat");
  EXPECT_EQ(t.exe, "cat");
  EXPECT_EQ(t.exepath, "/usr/bin/cat");
  EXPECT_EQ(t.args, std::vector<std::string>{"/etc/shadow"});
  EXPECT_EQ(t.env, std::vector<std::string>{"HOME=/root"});
  EXPECT_EQ(t.cwd, "/root/");  // inherited through the fork
  ASSERT_NE(t.parent, nullptr);
  EXPECT_EQ(t.parent->comm, "bash");
  ASSERT_NE(t.parent->parent, nullptr);
  EXPECT_EQ(t.parent->parent->comm, "systemd");
  EXPECT_EQ(text(exec.event, "args"), "/etc/shadow");
  EXPECT_EQ(text(exec.event, "res"), "0");

  // procexit: the thread is there for the event, gone after.
  const BuiltEvent& gone = feed(RecordBuilder(PEREGRINE_EVT_PROCEXIT, 200, 200, 0).i64(0).i64(0).u32(0).u32(0).build());
  EXPECT_FALSE(gone.event.res.has_value());
  EXPECT_EQ(gone.event.thread->comm, "cat");
  builder.finish();
  EXPECT_EQ(table.find(200), nullptr);
  // A late parent-side clone record for the dead child does not resurrect it.
  feed(proc_info(RecordBuilder(PEREGRINE_EVT_CODE_CLONE, 100, 100, 200), "bash", {"-i"}, 1, "bash", 100, 0)
           .u64(SIGCHLD).build());
  EXPECT_EQ(table.find(200), nullptr);
}

TEST_F(BuilderTest, ThreadsShareTheFdTable) {
  feed(proc_info(RecordBuilder(PEREGRINE_EVT_CODE_CLONE, 101, 100, 0), "bash", {}, 1, "bash", 100, 0)
           .u64(CLONE_VM | CLONE_FILES | CLONE_THREAD).build());
  feed(RecordBuilder(PEREGRINE_EVT_CODE_OPEN, 101, 100, 7).str("/tmp/f").u32(O_RDONLY).u32(0).build());
  EXPECT_EQ(table.find(100)->fds->find(7)->view.name, "/tmp/f");
  EXPECT_EQ(table.find(101)->view.parent, &table.find(1)->view);
}

TEST_F(BuilderTest, ConnectAndAcceptFillSocketEnds) {
  feed(RecordBuilder(PEREGRINE_EVT_CODE_SOCKET, 100, 100, 5).u32(AF_INET).u32(SOCK_STREAM).u32(0).build());
  driver::SockTuple t;
  t.family = AF_INET;
  t.type = SOCK_STREAM;
  t.protocol = IPPROTO_TCP;
  t.lport = 40000;
  t.rport = 4444;
  uint32_t local = htonl(0x0a000001), remote = htonl(0x7f000001);
  std::memcpy(t.laddr.data(), &local, 4);
  std::memcpy(t.raddr.data(), &remote, 4);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(4444);
  sa.sin_addr.s_addr = remote;
  const BuiltEvent& c = feed(RecordBuilder(PEREGRINE_EVT_CODE_CONNECT, 100, 100, 0)
                                 .i64(5)
                                 .bytes({reinterpret_cast<const uint8_t*>(&sa), sizeof sa})
                                 .socktuple(t)
                                 .build());
  ASSERT_NE(c.event.fd, nullptr);
  const engine::FdView& fd = *c.event.fd;
  EXPECT_EQ(fd.type, engine::FdType::kIpv4);
  EXPECT_EQ(fd.l4proto, engine::L4Proto::kTcp);
  EXPECT_EQ(fd.name, "10.0.0.1:40000->127.0.0.1:4444");
  EXPECT_EQ(fd.sip.to_string(), "127.0.0.1");
  EXPECT_EQ(fd.sport, 4444);
  EXPECT_EQ(fd.cport, 40000);
  EXPECT_FALSE(fd.is_server());
  EXPECT_EQ(text(c.event, "addr"), "127.0.0.1:4444");
  EXPECT_EQ(text(c.event, "fd"), "5(<4>10.0.0.1:40000->127.0.0.1:4444)");

  // dup2 onto stdin keeps the socket: a shell reading fd 0 reads the connection.
  const BuiltEvent& d = feed(RecordBuilder(PEREGRINE_EVT_CODE_DUP2, 100, 100, 0).i64(5).i64(0).build());
  EXPECT_EQ(d.event.fd->name, fd.name);
  EXPECT_EQ(table.find(100)->fds->find(0)->view.sport, 4444);

  // Server side: accept of a connection from 10.0.0.9:5555 on 0.0.0.0:8080.
  std::swap(t.laddr, t.raddr);
  t.lport = 8080;
  t.rport = 5555;
  const BuiltEvent& a = feed(RecordBuilder(PEREGRINE_EVT_CODE_ACCEPT4, 100, 100, 9).i64(3).socktuple(t).u32(0).build());
  EXPECT_TRUE(a.event.fd->is_server());
  EXPECT_EQ(a.event.fd->name, "10.0.0.1:5555->127.0.0.1:8080");
  EXPECT_EQ(a.event.fd->sport, 8080);
}

TEST_F(BuilderTest, UnknownThreadWithoutProcIsIncomplete) {
  const BuiltEvent& b = feed(RecordBuilder(PEREGRINE_EVT_CODE_OPEN, 555, 555, 3).str("/x").u32(0).u32(0).build());
  EXPECT_TRUE(b.incomplete);
  EXPECT_EQ(b.event.thread->tid, 555);
  EXPECT_EQ(builder.counters().threads_incomplete, 1u);
  const BuiltEvent& c = feed(RecordBuilder(PEREGRINE_EVT_CODE_CLOSE, 100, 100, 0).i64(42).build());
  EXPECT_TRUE(c.incomplete);  // fd 42 was never seen
}

TEST_F(BuilderTest, SetuidAndChdirUpdateTheThread) {
  feed(RecordBuilder(PEREGRINE_EVT_CODE_SETUID, 100, 100, 0).u32(65534).build());
  EXPECT_EQ(table.find(100)->view.uid, 65534u);
  feed(RecordBuilder(PEREGRINE_EVT_CODE_CHDIR, 100, 100, 0).str("../tmp").build());
  EXPECT_EQ(table.find(100)->view.cwd, "/tmp/");
}

TEST(PathResolve, FoldsDotsAndSlashes) {
  EXPECT_EQ(resolve_path("/root/", "../etc//shadow"), "/etc/shadow");
  EXPECT_EQ(resolve_path("/a/b", "./c/../d"), "/a/b/d");
  EXPECT_EQ(resolve_path("/x", "/etc/./passwd"), "/etc/passwd");
  EXPECT_EQ(resolve_path("/", "../../.."), "/");
  EXPECT_EQ(resolve_path("/tmp/", ""), "/tmp");
  // Absolute paths, folded or taken as they are.
  EXPECT_EQ(resolve_path("/x", "/etc/passwd"), "/etc/passwd");
  EXPECT_EQ(resolve_path("/x", "/etc/passwd/"), "/etc/passwd");
  EXPECT_EQ(resolve_path("/x", "/etc/.."), "/");
  EXPECT_EQ(resolve_path("/x", "/etc/..."), "/etc/...");
  EXPECT_EQ(resolve_path("/x", "/.hidden/a.b"), "/.hidden/a.b");
  EXPECT_EQ(resolve_path("/x", "/"), "/");
  EXPECT_EQ(resolve_path("/x", "//etc"), "/etc");
}

TEST(FlagNames, OpenAndCloneFlags) {
  std::string s;
  append_open_flags(O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, s);
  EXPECT_EQ(s, "O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC");
  s.clear();
  append_clone_flags(CLONE_VM | CLONE_THREAD | SIGCHLD, s);
  EXPECT_EQ(s, "CLONE_VM|CLONE_THREAD");
}

}  // namespace
}  // namespace peregrine::agent
