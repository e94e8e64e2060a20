// Everyday activity on a node and in a pod: no rule may fire on any of it.

#include "rules/test/cases.h"

namespace peregrine::rules_test {

std::vector<Case> benign_cases() {
  std::vector<Case> c;
  auto benign = [&](std::string name, Build b) { c.push_back(silent("", std::move(name), std::move(b))); };
  benign("ls_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/usr/bin/ls", {"-la", "/var/log"}));
  });
  benign("cat_ordinary_file", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/cat", {"/var/www/index.html"}), "/var/www/index.html", kRdOnly);
  });
  benign("agent_started", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/work/main/build/release/cmd/peregrine", {"agent", "-o", "json"}));
  });
  benign("agent_reads_proc_status", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.systemd, "/usr/bin/peregrine", {"agent"}), "/proc/1003/status", kRdOnly);
  });
  benign("agent_reads_passwd_of_container", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.systemd, "/usr/bin/peregrine", {"agent"}), "/proc/1005/root/etc/passwd", kRdOnly);
  });
  benign("journald_writes_journal", [](Scene& s) -> const SyscallEvent& {
    Proc& journald = s.spawn(s.systemd, "/usr/lib/systemd/systemd-journald", {}, 0, "systemd-journal");
    return s.open(journald, "/var/log/journal/abc/system.journal", 2 | kCreat | kCloexec);
  });
  benign("resolved_writes_stub", [](Scene& s) -> const SyscallEvent& {
    Proc& resolved = s.spawn(s.systemd, "/usr/lib/systemd/systemd-resolved", {}, 0, "systemd-resolve");
    return s.open(resolved, "/run/systemd/resolve/stub-resolv.conf", kWrOnly | kCreat | kTrunc);
  });
  benign("kubelet_talks_to_apiserver", [](Scene& s) -> const SyscallEvent& {
    return s.connect(s.spawn(s.systemd, "/usr/bin/kubelet", {"--config", "/var/lib/kubelet/config.yaml"}),
                     "10.96.0.1", 443);
  });
  benign("containerd_writes_state", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.systemd, "/usr/bin/containerd", {}),
                  "/var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db", 2 | kCreat);
  });
  benign("cron_runs_daily_jobs", [](Scene& s) -> const SyscallEvent& {
    Proc& cron = s.spawn(s.systemd, "/usr/sbin/cron", {"-f"});
    return s.execve(s.spawn(cron, "/bin/sh", {"-c", "run-parts --report /etc/cron.daily"}));
  });
  benign("nginx_writes_access_log", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.nginx, "/var/log/nginx/access.log", kWrOnly | kCreat | kAppend);
  });
  benign("app_writes_tmp_in_pod", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn_in_pod("/usr/bin/python3", {"app.py"}, 33), "/tmp/cache/1.json", kWrOnly | kCreat | kTrunc);
  });
  benign("app_connects_to_redis", [](Scene& s) -> const SyscallEvent& {
    return s.connect(s.spawn_in_pod("/usr/bin/python3", {"app.py"}, 33), "10.244.2.9", 6379);
  });
  benign("entrypoint_script_in_pod", [](Scene& s) -> const SyscallEvent& {
    Proc& init = s.spawn_in_pod("/usr/bin/runc", {"init"}, 0, "runc:[2:INIT]");
    return s.execve(s.spawn(init, "/bin/sh", {"/docker-entrypoint.sh", "nginx", "-g", "daemon off;"}));
  });
  benign("sshd_starts_login_shell", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.sshd, "/usr/bin/bash", {"-l"}));
  });
  benign("process_api_host_process", [](Scene& s) -> const SyscallEvent& {
    Proc& p = s.spawn(s.host_bash, "/usr/bin/python3", {"-m", "pytest"});
    p.thread.cgroups = {{"memory", "/process_api/4242"}};
    return s.open(p, "/etc/os-release", kRdOnly);
  });
  return c;
}

}  // namespace peregrine::rules_test
