#pragma once
// Test-only: a hand-built scene for the syscall source's extraction tests — a `cat` run from
// bash inside a pod's container, whose ancestry goes bash -> containerd-shim -> systemd —
// and helpers that resolve a field by name and extract it.

#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sources/syscall/event_types.h"
#include "engine/sources/syscall/syscall_source.h"

namespace peregrine::engine::testing {

inline constexpr uint64_t kSecond = 1'000'000'000ull;
inline constexpr uint64_t kEventTime = 1'700'000'100 * kSecond;

class SyscallFixture : public ::testing::Test {
 protected:
  SyscallFixture() {
    set_ids(systemd, 1, 1, 0, 1, 1, 1, 1);
    set_program(systemd, "systemd", "/sbin/init", "/usr/lib/systemd/systemd", {});
    set_ids(shim, 900, 900, 1, 900, 900, 900, 900);
    set_program(shim, "containerd-shim", "containerd-shim-runc-v2",
                "/usr/bin/containerd-shim-runc-v2", {"-namespace", "k8s.io"});
    shim.parent = &systemd;
    set_ids(bash, 1000, 1000, 900, 1, 1, 1, 1);
    set_program(bash, "bash", "bash", "/usr/bin/bash", {"-i"});
    bash.start_ts_ns = kEventTime - 60 * kSecond;
    bash.parent = &shim;
    set_ids(cat, 1001, 1001, 1000, 7, 7, 1, 7);
    set_program(cat, "cat", "cat", "/usr/bin/cat", {"/etc/shadow", "-n"});
    cat.env = {"HOME=/root", "PATH=/usr/bin:/bin", "EMPTY="};
    cat.cwd = "/root/";
    cat.tty = 34816;
    cat.start_ts_ns = kEventTime - 2 * kSecond;
    cat.pidns_init_start_ts_ns = kEventTime - 3600 * kSecond;
    cat.cap_effective = (1ull << 0) | (1ull << 21);  // CAP_CHOWN, CAP_SYS_ADMIN
    cat.cgroups = {{"cpu", "/kubepods/pod1/abc"}, {"memory", "/kubepods/pod1/abc/mem"}};
    cat.parent = &bash;

    user.name = "root";
    user.homedir = "/root";
    user.shell = "/bin/bash";
    group.name = "root";

    fd.num = 3;
    fd.type = FdType::kFile;
    fd.name = "/etc/shadow";
    fd.nameraw = "../etc//shadow";

    container.id = "0123456789ab";
    container.full_id = std::string(64, 'a');
    container.name = "web";
    container.type = "containerd";
    container.image = "docker.io/library/nginx:1.25";
    container.image_repository = "docker.io/library/nginx";
    container.image_tag = "1.25";
    container.privileged = false;
    container.mounts = {
        {"/var/run/docker.sock", "/var/run/docker.sock", "", true, "rprivate"},
        {"/etc/kubernetes", "/host/etc/kubernetes", "ro", false, "rprivate"},
    };
    container.start_ts_ns = kEventTime - 3600 * kSecond;

    k8s.ns_name = "default";
    k8s.pod_name = "web-1";
    k8s.pod_uid = "uid-1";
    k8s.pod_labels = {{"app", "web"}, {"app.kubernetes.io/name", "nginx"}, {"bare", ""}};

    args = {{.name = "fd", .text = "3(<f>/etc/shadow)", .raw = 3, .has_raw = true},
            {.name = "dirfd", .text = "-100(AT_FDCWD)", .raw = -100, .has_raw = true},
            {.name = "name", .text = "/etc/shadow"},
            {.name = "flags", .text = "O_RDONLY|O_CLOEXEC", .raw = 02000000, .has_raw = true},
            {.name = "mode", .text = "0", .raw = 0, .has_raw = true}};

    event.type = kSysOpenat;
    event.timestamp_ns = kEventTime;
    event.num = 42;
    event.res = 3;
    event.args = args;
    event.thread = &cat;
    event.user = &user;
    event.group = &group;
    event.fd = &fd;
    event.container = &container;
    event.k8s = &k8s;
  }

  // Resolves `name` (with an optional bracketed argument) and extracts it into `out`;
  // false when the value is missing. A field that does not resolve fails the test.
  bool get(std::string_view name, std::optional<std::string_view> arg = std::nullopt) {
    auto ref = source.fields().resolve(name, arg);
    EXPECT_TRUE(ref.ok()) << name << ": " << (ref.ok() ? "" : ref.error().message);
    if (!ref.ok()) return false;
    refs_.push_back(std::move(*ref));
    out.reset();
    return source.extract(event, refs_.back(), out);
  }

  // The value as output text, or "<missing>".
  std::string text(std::string_view name, std::optional<std::string_view> arg = std::nullopt) {
    return get(name, arg) ? out.to_string() : "<missing>";
  }

  static void set_ids(ThreadView& t, int64_t tid, int64_t pid, int64_t ppid, int64_t vtid,
                      int64_t vpid, int64_t sid, int64_t vpgid) {
    t.tid = tid;
    t.pid = pid;
    t.ppid = ppid;
    t.vtid = vtid;
    t.vpid = vpid;
    t.sid = sid;
    t.vpgid = vpgid;
  }

  static void set_program(ThreadView& t, std::string comm, std::string exe, std::string exepath,
                          std::vector<std::string> args) {
    t.comm = std::move(comm);
    t.exe = std::move(exe);
    t.exepath = std::move(exepath);
    t.args = std::move(args);
  }

  SyscallSource source{"node-1"};
  ThreadView systemd, shim, bash, cat;
  UserView user;
  GroupView group;
  FdView fd;
  ContainerView container;
  K8sView k8s;
  std::vector<SyscallArg> args;
  SyscallEvent event;
  Extraction out;

 private:
  std::deque<FieldRef> refs_;  // kept alive while `out` may point into them
};

}  // namespace peregrine::engine::testing
