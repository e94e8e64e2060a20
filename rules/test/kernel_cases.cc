// Scenarios for rules/40_kernel.yaml.

#include "rules/test/cases.h"

namespace peregrine::rules_test {

namespace {

const SyscallEvent& finit_module(Scene& s, Proc& p, int64_t res = 0) {
  const FdView& ko = s.file_fd("/root/rk.ko", 3);
  return s.call(p, "finit_module", res,
                {s.num("res", res), s.num("fd", 3), s.str("uargs", ""), s.num("flags", 0)}, &ko);
}

const SyscallEvent& bpf(Scene& s, Proc& p, int64_t cmd, const std::string& text) {
  return s.call(p, "bpf", 7, {s.num("cmd", cmd, text), s.num("fd", 7)});
}

const SyscallEvent& mount(Scene& s, Proc& p, int64_t res = 0) {
  return s.call(p, "mount", res,
                {s.num("res", res), s.str("dev", "/dev/sda1"), s.str("dir", "/mnt"),
                 s.str("type", "ext4"), s.num("flags", 0)});
}

const SyscallEvent& setns(Scene& s, Proc& p) {
  return s.call(p, "setns", 0, {s.num("fd", 3), s.num("nstype", 0x20000, "CLONE_NEWNS"), s.num("res", 0)});
}

}  // namespace

std::vector<Case> kernel_cases() {
  std::vector<Case> c;

  const std::string mod = "Kernel module loaded";
  c.push_back(fires(mod, "insmod_on_host", [](Scene& s) -> const SyscallEvent& {
    return finit_module(s, s.spawn(s.host_bash, "/usr/sbin/insmod", {"/root/rk.ko"}));
  }, {{"fd.name", "/root/rk.ko"}, {"proc.name", "insmod"}, {"container.id", "host"}}));
  c.push_back(fires(mod, "denied_attempt_in_pod", [](Scene& s) -> const SyscallEvent& {
    return s.call(s.spawn(s.container_bash, "/tmp/loader", {}), "init_module", -1,
                  {s.num("res", -1), s.num("length", 4096), s.str("uargs", "")});
  }, {{"container.id", "3ad7b26ded6d"}}));
  c.push_back(silent(mod, "udev_loads_driver", [](Scene& s) -> const SyscallEvent& {
    return finit_module(s, s.spawn(s.systemd, "/usr/lib/systemd/systemd-udevd", {}));
  }));
  c.push_back(silent(mod, "kernel_requested_modprobe", [](Scene& s) -> const SyscallEvent& {
    Proc& kworker = s.spawn(s.systemd, "", {}, 0, "kworker/u8:2");
    return finit_module(s, s.spawn(kworker, "/sbin/modprobe", {"-q", "--", "net-pf-10"}));
  }));

  const std::string prog = "BPF program loaded by unexpected program";
  c.push_back(fires(prog, "unknown_loader_on_host", [](Scene& s) -> const SyscallEvent& {
    return bpf(s, s.spawn(s.host_bash, "/root/.cache/bpfdoor", {}), 5, "BPF_PROG_LOAD");
  }, {{"evt.arg.cmd", "BPF_PROG_LOAD"}, {"proc.name", "bpfdoor"}}));
  c.push_back(fires(prog, "raw_cmd_in_pod", [](Scene& s) -> const SyscallEvent& {
    return bpf(s, s.spawn(s.container_bash, "/usr/local/bin/loader", {}), 5, "5");
  }));
  c.push_back(silent(prog, "peregrine_agent_loads_probe", [](Scene& s) -> const SyscallEvent& {
    return bpf(s, s.spawn(s.systemd, "/usr/bin/peregrine", {"agent"}), 5, "BPF_PROG_LOAD");
  }));
  c.push_back(silent(prog, "map_create", [](Scene& s) -> const SyscallEvent& {
    return bpf(s, s.spawn(s.host_bash, "/usr/sbin/bpftool", {"map", "create"}), 0, "BPF_MAP_CREATE");
  }));

  const std::string mnt = "Mount inside container";
  c.push_back(fires(mnt, "mount_host_disk", [](Scene& s) -> const SyscallEvent& {
    return mount(s, s.spawn(s.container_bash, "/bin/mount", {"/dev/sda1", "/mnt"}));
  }, {{"evt.arg.dev", "/dev/sda1"}, {"evt.arg.dir", "/mnt"}, {"proc.name", "mount"}}));
  c.push_back(silent(mnt, "runc_init_sets_up_rootfs", [](Scene& s) -> const SyscallEvent& {
    return mount(s, s.spawn_in_pod("/usr/bin/runc", {"init"}, 0, "runc:[2:INIT]"));
  }));
  c.push_back(silent(mnt, "mount_on_host", [](Scene& s) -> const SyscallEvent& {
    return mount(s, s.spawn(s.host_bash, "/bin/mount", {"/dev/sdb1", "/data"}));
  }));

  const std::string ns = "Namespace change inside container";
  c.push_back(fires(ns, "nsenter_in_pod", [](Scene& s) -> const SyscallEvent& {
    return setns(s, s.spawn(s.container_bash, "/usr/bin/nsenter", {"-t", "1", "-m", "sh"}));
  }, {{"evt.arg.nstype", "CLONE_NEWNS"}, {"proc.name", "nsenter"}}));
  // The end-to-end test's `unshare --pid --fork` inside its simulated container.
  c.push_back(fires(ns, "unshare_in_simulated_container", [](Scene& s) -> const SyscallEvent& {
    Proc& unshare = s.spawn(s.host_bash, "/usr/bin/unshare", {"--pid", "--fork", "sh"});
    s.put_in_bare_container(unshare, "e2e0c0ffee01");
    return s.call(unshare, "unshare", 0, {s.num("flags", 0x20000000, "CLONE_NEWPID"), s.num("res", 0)});
  }, {{"container.id", "e2e0c0ffee01"}, {"evt.arg.flags", "CLONE_NEWPID"}}));
  c.push_back(silent(ns, "runc_child_joins_namespaces", [](Scene& s) -> const SyscallEvent& {
    return setns(s, s.spawn_in_pod("/usr/bin/runc", {"init"}, 0, "runc:[1:CHILD]"));
  }));
  c.push_back(silent(ns, "unshare_on_host", [](Scene& s) -> const SyscallEvent& {
    Proc& unshare = s.spawn(s.host_bash, "/usr/bin/unshare", {"--net", "sh"});
    return s.call(unshare, "unshare", 0, {s.num("flags", 0x40000000, "CLONE_NEWNET"), s.num("res", 0)});
  }));

  const std::string hook = "Container escape hook written";
  c.push_back(fires(hook, "release_agent", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.container_bash, "/bin/sh", {"-c", "echo /cmd > /tmp/cg/release_agent"}),
                  "/tmp/cg/release_agent", kWrOnly | kCreat | kTrunc);
  }, {{"fd.name", "/tmp/cg/release_agent"}}));
  c.push_back(fires(hook, "core_pattern", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.container_bash, "/proc/sys/kernel/core_pattern", kWrOnly | kTrunc);
  }));
  c.push_back(silent(hook, "core_pattern_set_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.systemd, "/usr/lib/systemd/systemd-sysctl", {}, 0, "systemd-sysctl"),
                  "/proc/sys/kernel/core_pattern", kWrOnly);
  }));
  c.push_back(silent(hook, "release_agent_read_in_pod", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.container_bash, "/bin/cat", {"/sys/fs/cgroup/release_agent"}),
                  "/sys/fs/cgroup/release_agent", kRdOnly);
  }));
  return c;
}

}  // namespace peregrine::rules_test
