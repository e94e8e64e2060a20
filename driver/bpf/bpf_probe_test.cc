// Loads the real probe into the running kernel and checks the events it reports for
// syscalls this test makes. Needs root (CAP_BPF + CAP_PERFMON) and kernel BTF: skipped,
// saying so, only when those are missing.

#include "driver/bpf/bpf_probe.h"

#include <arpa/inet.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <optional>
#include <random>
#include <thread>
#include <string>
#include <vector>

namespace peregrine::driver {
namespace {

using Clock = std::chrono::steady_clock;

std::string unique_marker() {
  std::random_device rd;
  return "peregrine-probe-" + std::to_string(getpid()) + "-" + std::to_string(rd());
}

InterestSet only(std::initializer_list<uint16_t> codes) {
  InterestSet v(PEREGRINE_SYSCALL_CODE_LIMIT, Interest::kNone);
  for (uint16_t c : codes) v[c] = Interest::kFull;
  return v;
}

// A record copied out of the ring buffer, re-viewed on demand.
struct Captured {
  std::vector<uint8_t> bytes;
  RawEventView view() const { return decode_event(bytes).value(); }
};

class BpfProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to load BPF programs";
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) GTEST_SKIP() << "no kernel BTF";
  }

  void open_probe(InterestSet interesting, uint32_t ring_bytes = 1u << 22,
                  uint32_t ignore_tgid = 0) {
    ProbeOptions options;
    options.interesting = std::move(interesting);
    options.ring_buffer_bytes = ring_bytes;
    options.ignore_tgid = ignore_tgid;
    options.entry_hook = entry_hook_;
    auto p = BpfProbe::open(options);
    ASSERT_TRUE(p.ok()) << p.error().message;
    probe_ = std::move(p.value());
  }

  // The first record, already read or read within 5 s, that `match` accepts; every record
  // read is kept in seen_.
  std::optional<Captured> wait_for(const std::function<bool(const RawEventView&)>& match) {
    for (const Captured& c : seen_) {
      if (match(c.view())) return c;
    }
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    std::optional<Captured> found;
    while (!found && Clock::now() < deadline) {
      auto n = probe_->poll(100, [&](const RawEventView& ev) {
        seen_.push_back({{ev.record().begin(), ev.record().end()}});
        if (!found && match(ev)) found = seen_.back();
      });
      EXPECT_TRUE(n.ok()) << n.error().message;
      if (!n.ok()) break;
    }
    return found;
  }

  EntryHook entry_hook_ = EntryHook::kAuto;
  std::unique_ptr<BpfProbe> probe_;
  std::vector<Captured> seen_;
};

// The exec tests, once per entry hook: the arguments a successful exec clears come from there.
class BpfProbeExecTest : public BpfProbeTest, public ::testing::WithParamInterface<EntryHook> {
 protected:
  void SetUp() override {
    BpfProbeTest::SetUp();
    entry_hook_ = GetParam();
  }
};

INSTANTIATE_TEST_SUITE_P(EntryHooks, BpfProbeExecTest,
                         ::testing::Values(EntryHook::kSyscallTracepoints,
                                           EntryHook::kRawSysEnter),
                         [](const ::testing::TestParamInfo<EntryHook>& info) {
                           return info.param == EntryHook::kRawSysEnter ? "RawSysEnter"
                                                                        : "SyscallTracepoints";
                         });

// As root with tracefs mountable (CI), the probe must not fall back to the raw sys_enter,
// which costs every syscall of the node a program run.
TEST_F(BpfProbeTest, PrefersTheSyscallTracepointsForExecEntries) {
  open_probe(only({}));
  EXPECT_EQ(probe_->entry_hook(), EntryHook::kSyscallTracepoints) << probe_->entry_hook_note();
  EXPECT_EQ(probe_->entry_hook_note(), "");
}

bool has_string(const RawEventView& ev, const char* param, std::string_view want) {
  const int i = ev.index_of(param);
  return i >= 0 && ev.as_string(i) == want;
}

TEST_F(BpfProbeTest, OpenatCarriesPathFlagsModeFdAndIds) {
  open_probe(only({PEREGRINE_EVT_CODE_OPENAT}));
  const std::string path = "/tmp/" + unique_marker();
  const int flags = O_CREAT | O_WRONLY | O_CLOEXEC;
  const int fd = static_cast<int>(syscall(SYS_openat, AT_FDCWD, path.c_str(), flags, 0640));
  ASSERT_GE(fd, 0);
  close(fd);
  unlink(path.c_str());

  auto got = wait_for([&](const RawEventView& ev) {
    return ev.type() == PEREGRINE_EVT_CODE_OPENAT && has_string(ev, "name", path);
  });
  ASSERT_TRUE(got.has_value()) << "no openat event for " << path;
  const RawEventView ev = got->view();
  EXPECT_EQ(ev.res(), fd);
  EXPECT_EQ(ev.tid(), static_cast<uint32_t>(gettid()));
  EXPECT_EQ(ev.pid(), static_cast<uint32_t>(getpid()));
  EXPECT_EQ(ev.as_int(ev.index_of("dirfd")), AT_FDCWD);
  EXPECT_EQ(ev.as_uint(ev.index_of("flags")), static_cast<uint64_t>(flags));
  EXPECT_EQ(ev.as_uint(ev.index_of("mode")), 0640u);
  EXPECT_EQ(ev.flags() & PEREGRINE_EVF_NO_ENTER, 0);
  EXPECT_GT(ev.ts_ns(), 0u);
}

TEST_P(BpfProbeExecTest, ForkExecExitAreReportedWithArgs) {
  open_probe(only({}));  // lifecycle events only
  const std::string marker = unique_marker();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    execl("/bin/true", "/bin/true", marker.c_str(), "two words", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const auto child_id = static_cast<uint32_t>(child);

  auto exec = wait_for([&](const RawEventView& ev) {
    return ev.type() == PEREGRINE_EVT_CODE_EXECVE && ev.pid() == child_id;
  });
  ASSERT_TRUE(exec.has_value()) << "no execve event for the child";
  const RawEventView ev = exec->view();
  EXPECT_EQ(ev.res(), 0);
  EXPECT_EQ(ev.tid(), child_id);
  EXPECT_EQ(ev.as_string(ev.index_of("exe")), "/bin/true");
  EXPECT_EQ(ev.as_string(ev.index_of("filename")), "/bin/true");
  auto args = ev.as_strings(ev.index_of("args"));
  ASSERT_TRUE(args.has_value());
  EXPECT_EQ(*args, (std::vector<std::string_view>{marker, "two words"}));
  EXPECT_EQ(ev.as_string(ev.index_of("comm")), "true");
  EXPECT_EQ(ev.as_int(ev.index_of("ptid")), getpid());
  EXPECT_EQ(ev.as_uint(ev.index_of("uid")), geteuid());
  EXPECT_GT(*ev.as_uint(ev.index_of("cgroup_id")), 0u);

  // fork() is clone(2) in glibc: the child's own exit from it carries result 0.
  auto clone = std::find_if(seen_.begin(), seen_.end(), [&](const Captured& c) {
    const RawEventView v = c.view();
    return v.type() == PEREGRINE_EVT_CODE_CLONE && v.tid() == child_id;
  });
  ASSERT_NE(clone, seen_.end()) << "no clone event in the child";
  EXPECT_EQ(clone->view().res(), 0);
  EXPECT_EQ(clone->view().as_int(clone->view().index_of("ptid")), getpid());
  auto parent_clone = std::find_if(seen_.begin(), seen_.end(), [&](const Captured& c) {
    const RawEventView v = c.view();
    return v.type() == PEREGRINE_EVT_CODE_CLONE && v.res() == child;
  });
  ASSERT_NE(parent_clone, seen_.end()) << "no clone event in the parent";
  // The arguments are read at exit, and the child exits with a copy of the parent's registers.
  const auto child_flags = clone->view().as_uint(clone->view().index_of("flags"));
  ASSERT_TRUE(child_flags.has_value());
  EXPECT_NE(*child_flags, 0u);
  EXPECT_EQ(child_flags, parent_clone->view().as_uint(parent_clone->view().index_of("flags")));

  auto exit = wait_for([&](const RawEventView& v) {
    return v.type() == PEREGRINE_EVT_PROCEXIT && v.tid() == child_id;
  });
  ASSERT_TRUE(exit.has_value()) << "no procexit for the child";
  EXPECT_EQ(exit->view().as_int(exit->view().index_of("status")), 0);
}

// A successful exec clears the registers the other calls' arguments are read from at exit:
// execveat's dirfd and flags must come from its entry.
TEST_P(BpfProbeExecTest, ExecveatKeepsItsEntryArgumentsAcrossTheExec) {
  open_probe(only({}));  // lifecycle events only
  const int dir = open("/usr/bin", O_RDONLY | O_DIRECTORY);
  ASSERT_GE(dir, 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const char* argv[] = {"true", nullptr};
    const char* envp[] = {nullptr};
    syscall(SYS_execveat, dir, "true", argv, envp, AT_SYMLINK_NOFOLLOW);
    _exit(127);
  }
  close(dir);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  auto exec = wait_for([&](const RawEventView& ev) {
    return ev.type() == PEREGRINE_EVT_CODE_EXECVEAT && ev.pid() == static_cast<uint32_t>(child);
  });
  ASSERT_TRUE(exec.has_value()) << "no execveat event for the child";
  const RawEventView ev = exec->view();
  EXPECT_EQ(ev.res(), 0);
  EXPECT_EQ(ev.flags() & PEREGRINE_EVF_NO_ENTER, 0);
  EXPECT_EQ(ev.as_int(ev.index_of("dirfd")), dir);
  EXPECT_EQ(ev.as_uint(ev.index_of("flags")), static_cast<uint64_t>(AT_SYMLINK_NOFOLLOW));
  EXPECT_EQ(ev.as_string(ev.index_of("filename")), "/dev/fd/" + std::to_string(dir) + "/true");
}

// A failed exec leaves the caller as it was: the event names the file it asked for.
TEST_P(BpfProbeExecTest, AFailedExecveNamesTheFileFromItsEntry) {
  open_probe(only({}));  // lifecycle events only
  const std::string missing = "/nonexistent/" + unique_marker();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    execl(missing.c_str(), missing.c_str(), static_cast<char*>(nullptr));
    _exit(errno == ENOENT ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  auto exec = wait_for([&](const RawEventView& ev) {
    return ev.type() == PEREGRINE_EVT_CODE_EXECVE && ev.pid() == static_cast<uint32_t>(child);
  });
  ASSERT_TRUE(exec.has_value()) << "no execve event for the child";
  const RawEventView ev = exec->view();
  EXPECT_EQ(ev.res(), -ENOENT);
  EXPECT_EQ(ev.flags() & PEREGRINE_EVF_NO_ENTER, 0);
  EXPECT_EQ(ev.as_string(ev.index_of("filename")), missing);
}

TEST_F(BpfProbeTest, ConnectAndAcceptCarryTheTcpTuple) {
  open_probe(only({PEREGRINE_EVT_CODE_CONNECT, PEREGRINE_EVT_CODE_ACCEPT4,
                   PEREGRINE_EVT_CODE_ACCEPT}));
  const int server = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(server, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(server, 1), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(server, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const uint16_t server_port = ntohs(addr.sin_port);

  const int client = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(client, 0);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  sockaddr_in local{};
  len = sizeof local;
  ASSERT_EQ(getsockname(client, reinterpret_cast<sockaddr*>(&local), &len), 0);
  const uint16_t client_port = ntohs(local.sin_port);
  const int accepted = accept4(server, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(accepted, 0);
  close(accepted);
  close(client);
  close(server);

  const std::array<uint8_t, 4> loopback = {127, 0, 0, 1};
  auto conn = wait_for([&](const RawEventView& ev) {
    return ev.type() == PEREGRINE_EVT_CODE_CONNECT && ev.pid() == static_cast<uint32_t>(getpid()) &&
           ev.as_int(ev.index_of("fd")) == client;
  });
  ASSERT_TRUE(conn.has_value()) << "no connect event";
  RawEventView ev = conn->view();
  EXPECT_EQ(ev.res(), 0);
  auto tuple = ev.as_socktuple(ev.index_of("tuple"));
  ASSERT_TRUE(tuple.has_value());
  EXPECT_EQ(tuple->family, AF_INET);
  EXPECT_EQ(tuple->type, SOCK_STREAM);
  EXPECT_EQ(tuple->protocol, IPPROTO_TCP);
  EXPECT_EQ(tuple->lport, client_port);
  EXPECT_EQ(tuple->rport, server_port);
  EXPECT_TRUE(std::equal(loopback.begin(), loopback.end(), tuple->raddr.begin()));
  EXPECT_TRUE(std::equal(loopback.begin(), loopback.end(), tuple->laddr.begin()));
  const auto sa = ev.param(ev.index_of("addr"));
  ASSERT_EQ(sa.size(), sizeof(sockaddr_in));
  EXPECT_EQ(std::memcmp(sa.data(), &addr, sizeof addr), 0);

  auto acc = wait_for([&](const RawEventView& e) {
    return e.type() == PEREGRINE_EVT_CODE_ACCEPT4 && e.res() == accepted &&
           e.pid() == static_cast<uint32_t>(getpid());
  });
  ASSERT_TRUE(acc.has_value()) << "no accept4 event";
  ev = acc->view();
  EXPECT_EQ(ev.as_int(ev.index_of("sockfd")), server);
  EXPECT_EQ(ev.as_uint(ev.index_of("flags")), static_cast<uint64_t>(SOCK_CLOEXEC));
  tuple = ev.as_socktuple(ev.index_of("tuple"));
  ASSERT_TRUE(tuple.has_value());
  EXPECT_EQ(tuple->lport, server_port);
  EXPECT_EQ(tuple->rport, client_port);
}

TEST_F(BpfProbeTest, FilteredSyscallsStayInTheKernelUntilEnabled) {
  open_probe(only({PEREGRINE_EVT_CODE_OPENAT}));
  const std::string dir = "/tmp/" + unique_marker();
  const std::string open_marker = dir + "-open";
  auto is_our_mkdir = [&](const RawEventView& ev) {
    return ev.type() == PEREGRINE_EVT_CODE_MKDIR && has_string(ev, "path", dir);
  };

  ASSERT_EQ(syscall(SYS_mkdir, dir.c_str(), 0700), 0);
  ASSERT_EQ(rmdir(dir.c_str()), 0);
  // The openat comes after the mkdir on the same thread: once it is read, a mkdir record
  // would have been read before it.
  syscall(SYS_openat, AT_FDCWD, open_marker.c_str(), O_RDONLY);
  ASSERT_TRUE(wait_for([&](const RawEventView& ev) {
    return ev.type() == PEREGRINE_EVT_CODE_OPENAT && has_string(ev, "name", open_marker);
  }));
  for (const Captured& c : seen_) EXPECT_FALSE(is_our_mkdir(c.view())) << "mkdir leaked";

  ASSERT_TRUE(probe_->set_interesting(only({PEREGRINE_EVT_CODE_OPENAT, PEREGRINE_EVT_CODE_MKDIR})).ok());
  ASSERT_EQ(syscall(SYS_mkdir, dir.c_str(), 0700), 0);
  ASSERT_EQ(rmdir(dir.c_str()), 0);
  auto got = wait_for(is_our_mkdir);
  ASSERT_TRUE(got.has_value()) << "mkdir not reported after set_interesting";
  EXPECT_EQ(got->view().as_uint(got->view().index_of("mode")), 0700u);
}

// A state-only close skips the clock: it is flagged, and its time is one its CPU already had
// (the previous record's there), so on one CPU it lies between the opens around it. A full
// close reads the clock.
TEST_F(BpfProbeTest, StateOnlyEventsCarryAnEarlierTimeAndSayIt) {
  cpu_set_t before, one;
  ASSERT_EQ(sched_getaffinity(0, sizeof(before), &before), 0);
  CPU_ZERO(&one);
  CPU_SET(sched_getcpu(), &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  struct Restore {
    cpu_set_t set;
    ~Restore() { sched_setaffinity(0, sizeof(set), &set); }
  } restore{before};
  // A second thread shares the fd table, so the closes are not folded (see the next test).
  std::atomic<bool> done{false};
  std::thread sharer([&] { while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1)); });
  struct Join {
    std::atomic<bool>& done;
    std::thread& t;
    ~Join() {
      done = true;
      t.join();
    }
  } join{done, sharer};
  InterestSet set = only({PEREGRINE_EVT_CODE_OPENAT});
  set[PEREGRINE_EVT_CODE_CLOSE] = Interest::kStateOnly;
  open_probe(set);
  const std::string marker = "/tmp/" + unique_marker();
  auto open_close = [&](const std::string& path) {
    const int fd = static_cast<int>(syscall(SYS_openat, AT_FDCWD, path.c_str(), O_RDONLY | O_CREAT, 0600));
    EXPECT_GE(fd, 0) << path;
    syscall(SYS_close, fd);
    unlink(path.c_str());
    return fd;
  };
  auto opened = [&](const std::string& path) {
    return wait_for([&](const RawEventView& ev) {
      return ev.type() == PEREGRINE_EVT_CODE_OPENAT && has_string(ev, "name", path);
    });
  };
  auto closed_after = [&](const Captured& open, int fd) -> std::optional<RawEventView> {
    bool after = false;
    for (const Captured& c : seen_) {
      if (c.bytes == open.bytes) after = true;
      const RawEventView ev = c.view();
      if (after && ev.type() == PEREGRINE_EVT_CODE_CLOSE && ev.tid() == static_cast<uint32_t>(gettid()) &&
          ev.as_int(ev.index_of("fd")) == fd) {
        return ev;
      }
    }
    return std::nullopt;
  };

  const int fd = open_close(marker + "-1");
  open_close(marker + "-2");
  auto first = opened(marker + "-1");
  auto second = opened(marker + "-2");
  ASSERT_TRUE(first && second);
  auto close = closed_after(*first, fd);
  ASSERT_TRUE(close.has_value()) << "no close record after the first open";
  EXPECT_NE(close->flags() & PEREGRINE_EVF_UNTIMED, 0);
  EXPECT_EQ(first->view().flags() & PEREGRINE_EVF_UNTIMED, 0);
  EXPECT_GE(close->ts_ns(), first->view().ts_ns());
  EXPECT_LE(close->ts_ns(), second->view().ts_ns());
  EXPECT_EQ(close->res(), 0);

  set[PEREGRINE_EVT_CODE_CLOSE] = Interest::kFull;
  ASSERT_TRUE(probe_->set_interesting(set).ok());
  const int fd3 = open_close(marker + "-3");
  auto third = opened(marker + "-3");
  ASSERT_TRUE(third);
  auto timed = closed_after(*third, fd3);
  ASSERT_TRUE(timed.has_value()) << "no close record after the third open";
  EXPECT_EQ(timed->flags() & PEREGRINE_EVF_UNTIMED, 0);
  EXPECT_GE(timed->ts_ns(), third->view().ts_ns());
}

// A successful state-only close of an unshared fd table rides on the thread's next record
// (hdr.prior_close) instead of a record of its own; a fork writes a pending one out first; a
// table shared with another thread is not folded.
TEST_F(BpfProbeTest, StateOnlyClosesFoldIntoTheNextRecordUnlessTheTableIsShared) {
  InterestSet set = only({PEREGRINE_EVT_CODE_OPENAT});
  set[PEREGRINE_EVT_CODE_CLOSE] = Interest::kStateOnly;
  open_probe(set);
  const std::string marker = "/tmp/" + unique_marker();
  const uint32_t me = static_cast<uint32_t>(gettid());
  auto open_file = [&](const std::string& path) {
    const int fd = static_cast<int>(syscall(SYS_openat, AT_FDCWD, path.c_str(), O_RDONLY | O_CREAT, 0600));
    EXPECT_GE(fd, 0) << path;
    unlink(path.c_str());
    return fd;
  };
  auto opened = [&](const std::string& path) {
    return wait_for([&](const RawEventView& ev) {
      return ev.type() == PEREGRINE_EVT_CODE_OPENAT && has_string(ev, "name", path);
    });
  };
  auto close_records = [&](int fd) {
    int n = 0;
    for (const Captured& c : seen_) {
      const RawEventView ev = c.view();
      n += ev.type() == PEREGRINE_EVT_CODE_CLOSE && ev.tid() == me && ev.as_int(ev.index_of("fd")) == fd;
    }
    return n;
  };

  const int fd = open_file(marker + "-1");
  syscall(SYS_close, fd);
  const int again = open_file(marker + "-2");
  auto second = opened(marker + "-2");
  ASSERT_TRUE(second);
  EXPECT_EQ(again, fd);
  EXPECT_EQ(second->view().prior_close(), std::optional<int64_t>(fd)) << "the close rides on the open";
  EXPECT_EQ(close_records(fd), 0);

  // Pending when the thread forks: written out before the child's first record.
  syscall(SYS_close, again);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  auto child_record = wait_for([&](const RawEventView& ev) { return ev.tid() == static_cast<uint32_t>(child); });
  ASSERT_TRUE(child_record);
  int close_at = -1, child_at = -1;
  for (size_t i = 0; i < seen_.size(); ++i) {
    const RawEventView ev = seen_[i].view();
    if (close_at < 0 && ev.type() == PEREGRINE_EVT_CODE_CLOSE && ev.tid() == me &&
        ev.as_int(ev.index_of("fd")) == again) {
      close_at = static_cast<int>(i);
      EXPECT_NE(ev.flags() & PEREGRINE_EVF_UNTIMED, 0);
    }
    if (child_at < 0 && ev.tid() == static_cast<uint32_t>(child)) child_at = static_cast<int>(i);
  }
  ASSERT_GE(close_at, 0) << "the pending close was not written out at the fork";
  EXPECT_LT(close_at, child_at) << "the child's record came before the parent's close";

  // Shared with a thread: a record of its own.
  std::atomic<bool> done{false};
  std::thread sharer([&] { while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1)); });
  const int shared = open_file(marker + "-3");
  syscall(SYS_close, shared);
  done = true;
  sharer.join();
  auto third = opened(marker + "-3");
  ASSERT_TRUE(third);
  bool after = false, closed = false;
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (!closed && Clock::now() < deadline) {
    for (const Captured& c : seen_) {
      if (c.bytes == third->bytes) after = true;
      const RawEventView ev = c.view();
      closed = closed || (after && ev.type() == PEREGRINE_EVT_CODE_CLOSE && ev.tid() == me &&
                          ev.as_int(ev.index_of("fd")) == shared);
    }
    if (!closed) wait_for([](const RawEventView&) { return false; });
  }
  EXPECT_TRUE(closed) << "a close on a shared table was folded";
}

TEST_F(BpfProbeTest, IgnoresItsOwnProcess) {
  open_probe(only({PEREGRINE_EVT_CODE_OPENAT}), 1u << 22, static_cast<uint32_t>(getpid()));
  const std::string own = "/tmp/" + unique_marker() + "-own";
  const std::string child_path = "/tmp/" + unique_marker() + "-child";
  syscall(SYS_openat, AT_FDCWD, own.c_str(), O_RDONLY);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    syscall(SYS_openat, AT_FDCWD, child_path.c_str(), O_RDONLY);
    _exit(0);
  }
  waitpid(child, nullptr, 0);
  ASSERT_TRUE(wait_for([&](const RawEventView& ev) {
    return ev.type() == PEREGRINE_EVT_CODE_OPENAT && has_string(ev, "name", child_path);
  })) << "the child's openat is missing";
  for (const Captured& c : seen_) {
    const RawEventView ev = c.view();
    EXPECT_NE(ev.pid(), static_cast<uint32_t>(getpid()));
    EXPECT_FALSE(ev.type() == PEREGRINE_EVT_CODE_OPENAT && has_string(ev, "name", own));
  }
}

TEST_F(BpfProbeTest, FullRingBufferCountsDrops) {
  open_probe(only({PEREGRINE_EVT_CODE_OPENAT}), 4096);
  auto before = probe_->counters();
  ASSERT_TRUE(before.ok()) << before.error().message;
  const std::string path = "/tmp/" + unique_marker();
  // Each record is ~100 bytes; 500 of them cannot fit in 4 KiB while nobody reads.
  for (int i = 0; i < 500; ++i) syscall(SYS_openat, AT_FDCWD, path.c_str(), O_RDONLY);
  auto after = probe_->counters();
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_GT(after->drops_ringbuf, before->drops_ringbuf);
  EXPECT_GT(after->events, before->events);
  int delivered = 0;
  while (true) {
    auto n = probe_->poll(0, [&](const RawEventView&) {});
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    delivered += *n;
  }
  EXPECT_GT(delivered, 0);
  EXPECT_LT(delivered, 500);
  EXPECT_EQ(probe_->decode_errors(), 0u);
}

// The reader walks the ring itself (ring_reader.h): records of varying length straddle the
// end of the data area again and again, and the position it publishes in batches must free
// the space for the producer. Bursts fit the ring with room to spare, so nothing may be lost.
TEST_F(BpfProbeTest, ReadsEveryRecordInOrderAcrossManyWrapArounds) {
  constexpr uint32_t kRing = 256 * 1024;
  constexpr int kRecords = 6000, kBurst = 100;
  open_probe(only({PEREGRINE_EVT_CODE_OPENAT}), kRing);
  const std::string base = "/tmp/" + unique_marker() + "-";
  std::vector<std::string> paths;
  for (int i = 0; i < kRecords; ++i) paths.push_back(base + std::string(i % 13, 'x') + std::to_string(i));
  std::vector<int> seen;
  auto drain = [&] {
    for (;;) {
      auto n = probe_->poll(0, [&](const RawEventView& ev) {
        const int i = ev.index_of("name");
        auto name = i < 0 ? std::nullopt : ev.as_string(static_cast<uint32_t>(i));
        if (!name || name->rfind(base, 0) != 0) return;
        const std::string_view rest = name->substr(name->find_first_not_of('x', base.size()));
        seen.push_back(std::stoi(std::string(rest)));
      });
      ASSERT_TRUE(n.ok()) << n.error().message;
      if (*n == 0) return;
    }
  };
  for (int i = 0; i < kRecords; ++i) {
    syscall(SYS_openat, AT_FDCWD, paths[i].c_str(), O_RDONLY);
    if (i % kBurst == kBurst - 1) drain();
  }
  drain();
  auto counters = probe_->counters();
  ASSERT_TRUE(counters.ok());
  ASSERT_EQ(counters->drops_ringbuf, 0u) << "the ring overflowed: the test cannot judge order";
  ASSERT_EQ(seen.size(), static_cast<size_t>(kRecords));
  for (int i = 0; i < kRecords; ++i) ASSERT_EQ(seen[i], i) << "record " << i;
  EXPECT_EQ(probe_->decode_errors(), 0u);
}

TEST_F(BpfProbeTest, WithoutPrivilegeTheErrorNamesWhatIsMissing) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Drop every capability, then try to load.
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capset, &header, data) != 0) _exit(2);
    auto p = BpfProbe::open(ProbeOptions{});
    const std::string message = p.ok() ? "loaded" : p.error().message;
    if (write(fds[1], message.data(), message.size()) < 0) _exit(3);
    _exit(0);
  }
  close(fds[1]);
  std::string message;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) message.append(buf, n);
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_NE(message.find("needs CAP_BPF and CAP_PERFMON or root"), std::string::npos) << message;
  EXPECT_NE(message.find("missing: CAP_BPF CAP_PERFMON"), std::string::npos) << message;
}

TEST(BpfProbeOptions, RejectsABadRingBufferSize) {
  ProbeOptions options;
  options.ring_buffer_bytes = 12345;
  auto p = BpfProbe::open(options);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("power of two"), std::string::npos) << p.error().message;
}

}  // namespace
}  // namespace peregrine::driver
