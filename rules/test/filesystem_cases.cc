// Scenarios for rules/10_filesystem.yaml.

#include "rules/test/cases.h"

namespace peregrine::rules_test {

namespace {

constexpr int64_t kWriteCreateTrunc = kWrOnly | kCreat | kTrunc;
constexpr int64_t kWriteCreateAppend = kWrOnly | kCreat | kAppend;

// chmod-family call on `path` with `mode` (Linux bits) and the text the agent shows.
const SyscallEvent& fchmodat(Scene& s, Proc& p, const std::string& path, int64_t mode,
                             const std::string& text) {
  return s.call(p, "fchmodat", 0,
                {s.num("res", 0), s.num("dirfd", -100, "-100(AT_FDCWD)"), s.str("filename", path),
                 s.num("mode", mode, text)});
}

const SyscallEvent& unlinkat(Scene& s, Proc& p, const std::string& path) {
  return s.call(p, "unlinkat", 0,
                {s.num("res", 0), s.num("dirfd", -100, "-100(AT_FDCWD)"), s.str("name", path),
                 s.num("flags", 0)});
}

const SyscallEvent& symlinkat(Scene& s, Proc& p, const std::string& target,
                              const std::string& linkpath) {
  return s.call(p, "symlinkat", 0,
                {s.num("res", 0), s.str("target", target), s.num("linkdirfd", -100),
                 s.str("linkpath", linkpath)});
}

const SyscallEvent& ftruncate(Scene& s, Proc& p, const std::string& path) {
  const FdView& fd = s.file_fd(path, 4);
  return s.call(p, "ftruncate", 0, {s.num("res", 0), s.num("fd", 4), s.num("length", 0)}, &fd);
}

}  // namespace

std::vector<Case> filesystem_cases() {
  std::vector<Case> c;

  const std::string cred = "Credential file opened for reading";
  c.push_back(fires(cred, "cat_shadow_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/cat", {"/etc/shadow"}), "/etc/shadow", kCloexec);
  }, {{"fd.name", "/etc/shadow"}, {"proc.name", "cat"}, {"proc.cmdline", "cat /etc/shadow"},
      {"proc.pname", "bash"}, {"user.name", "root"}, {"user.uid", "0"}, {"container.id", "host"}}));
  c.push_back(fires(cred, "gshadow_read_in_container", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.container_bash, "/usr/bin/python3", {"-c", "print(open('/etc/gshadow').read())"}),
                  "/etc/gshadow", kRdOnly);
  }, {{"container.id", "3ad7b26ded6d"}, {"container.name", "web"}, {"k8s.pod.name", "web-7d4b9c"}}));
  c.push_back(silent(cred, "sshd_reads_shadow", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.sshd, "/etc/shadow", kRdOnly);
  }));
  c.push_back(silent(cred, "cat_passwd", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/cat", {"/etc/passwd"}), "/etc/passwd", kRdOnly);
  }));
  c.push_back(silent(cred, "denied_shadow_open", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.nginx, "/usr/bin/cat", {"/etc/shadow"}), "/etc/shadow", kRdOnly, -13);
  }));

  const std::string sshkey = "SSH private key read by unexpected program";
  c.push_back(fires(sshkey, "python_reads_id_rsa", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.container_bash, "/usr/bin/python3", {"steal.py"}), "/root/.ssh/id_rsa", kRdOnly);
  }, {{"fd.name", "/root/.ssh/id_rsa"}, {"proc.name", "python3"}}));
  c.push_back(silent(sshkey, "ssh_reads_own_key", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/ssh", {"git@example.org"}), "/root/.ssh/id_ed25519", kRdOnly);
  }));
  c.push_back(silent(sshkey, "cat_public_key", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/cat", {"/root/.ssh/id_rsa.pub"}), "/root/.ssh/id_rsa.pub", kRdOnly);
  }));

  const std::string token = "Service account token read from shell in container";
  const std::string token_path = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  c.push_back(fires(token, "cat_token_in_pod", [token_path](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.container_bash, "/bin/cat", {token_path}), token_path, kRdOnly);
  }, {{"fd.name", token_path}, {"k8s.ns.name", "shop"}}));
  c.push_back(silent(token, "client_library_reads_token", [token_path](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn_in_pod("/usr/local/bin/controller", {"--leader-elect"}), token_path, kRdOnly);
  }));

  const std::string link = "Link to credential file created";
  c.push_back(fires(link, "symlink_to_shadow", [](Scene& s) -> const SyscallEvent& {
    return symlinkat(s, s.spawn(s.container_bash, "/bin/ln", {"-s", "/etc/shadow", "/tmp/s"}), "/etc/shadow", "/tmp/s");
  }, {{"evt.arg.target", "/etc/shadow"}, {"evt.arg.linkpath", "/tmp/s"}, {"proc.name", "ln"}}));
  c.push_back(fires(link, "hard_link_to_sudoers", [](Scene& s) -> const SyscallEvent& {
    Proc& ln = s.spawn(s.host_bash, "/bin/ln", {"/etc/sudoers", "/tmp/x"});
    return s.call(ln, "linkat", 0,
                  {s.num("res", 0), s.num("olddir", -100), s.str("oldpath", "/etc/sudoers"),
                   s.num("newdir", -100), s.str("newpath", "/tmp/x"), s.num("flags", 0)});
  }, {{"evt.arg.oldpath", "/etc/sudoers"}}));
  c.push_back(silent(link, "symlink_to_hosts", [](Scene& s) -> const SyscallEvent& {
    return symlinkat(s, s.spawn(s.host_bash, "/bin/ln", {"-s", "/etc/hosts", "/tmp/h"}), "/etc/hosts", "/tmp/h");
  }));

  const std::string etc = "File below /etc opened for writing";
  c.push_back(fires(etc, "shell_redirect_into_etc", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/bin/sh", {"-c", "echo x > /etc/peregrine-e2e"}),
                  "/etc/peregrine-e2e", kWriteCreateTrunc);
  }, {{"fd.name", "/etc/peregrine-e2e"}, {"proc.name", "sh"}, {"container.id", "host"},
      {"evt.arg.flags", "O_WRONLY|O_CREAT|O_TRUNC"}}));
  c.push_back(fires(etc, "passwd_appended_in_container", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.container_bash, "/etc/passwd", kWriteCreateAppend);
  }, {{"fd.name", "/etc/passwd"}, {"container.id", "3ad7b26ded6d"}}));
  c.push_back(silent(etc, "dpkg_maintainer_script_edits_etc", [](Scene& s) -> const SyscallEvent& {
    Proc& apt = s.spawn(s.host_bash, "/usr/bin/apt-get", {"install", "-y", "nginx"});
    Proc& dpkg = s.spawn(apt, "/usr/bin/dpkg", {"--configure", "-a"});
    Proc& script = s.spawn(dpkg, "/bin/sh", {"/var/lib/dpkg/info/nginx.postinst", "configure"});
    return s.open(s.spawn(script, "/bin/sed", {"-i", "s/a/b/", "/etc/nginx/nginx.conf"}),
                  "/etc/nginx/sedAb12Cd", kWriteCreateTrunc);
  }));
  c.push_back(silent(etc, "dhclient_writes_resolv_conf", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.systemd, "/sbin/dhclient", {"-v", "eth0"}), "/etc/resolv.conf", kWriteCreateTrunc);
  }));
  c.push_back(silent(etc, "visudo_writes_temp_copy", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/sbin/visudo", {}), "/etc/sudoers.tmp", kWriteCreateTrunc);
  }));
  c.push_back(silent(etc, "cat_hosts", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/cat", {"/etc/hosts"}), "/etc/hosts", kRdOnly);
  }));

  const std::string sudoers = "Sudoers policy modified";
  c.push_back(fires(sudoers, "tee_into_sudoers_d", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/tee", {"-a", "/etc/sudoers.d/99-www"}),
                  "/etc/sudoers.d/99-www", kWriteCreateAppend);
  }, {{"fd.name", "/etc/sudoers.d/99-www"}, {"proc.name", "tee"}}));
  c.push_back(silent(sudoers, "sudo_reads_policy", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/sudo", {"-l"}), "/etc/sudoers", kRdOnly);
  }));

  const std::string cron = "Scheduled job modified";
  c.push_back(fires(cron, "crontab_appended", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.host_bash, "/etc/crontab", kWriteCreateAppend);
  }, {{"fd.name", "/etc/crontab"}}));
  c.push_back(fires(cron, "user_crontab_written_in_container", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.container_bash, "/usr/bin/crontab", {"/tmp/job"}),
                  "/var/spool/cron/crontabs/root", kWriteCreateTrunc);
  }, {{"container.id", "3ad7b26ded6d"}}));
  c.push_back(silent(cron, "package_installs_cron_d", [](Scene& s) -> const SyscallEvent& {
    Proc& dpkg = s.spawn(s.host_bash, "/usr/bin/dpkg", {"-i", "logrotate.deb"});
    return s.open(dpkg, "/etc/cron.daily/logrotate.dpkg-new", kWriteCreateTrunc);
  }));
  c.push_back(silent(cron, "cron_reads_crontab", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.systemd, "/usr/sbin/cron", {"-f"}), "/etc/crontab", kRdOnly);
  }));

  const std::string preload = "Dynamic linker preload list modified";
  c.push_back(fires(preload, "preload_written", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/bin/sh", {"-c", "echo /tmp/x.so > /etc/ld.so.preload"}),
                  "/etc/ld.so.preload", kWriteCreateTrunc);
  }, {{"fd.name", "/etc/ld.so.preload"}}));
  c.push_back(silent(preload, "loader_reads_preload", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/ls", {"-la"}), "/etc/ld.so.preload", kRdOnly | kCloexec);
  }));

  const std::string unit = "System service definition written";
  c.push_back(fires(unit, "service_unit_dropped", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/tee", {"/etc/systemd/system/update.service"}),
                  "/etc/systemd/system/update.service", kWriteCreateTrunc);
  }, {{"fd.name", "/etc/systemd/system/update.service"}, {"proc.name", "tee"}}));
  c.push_back(silent(unit, "systemctl_edit_override", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/systemctl", {"edit", "nginx"}),
                  "/etc/systemd/system/nginx.service.d/override.conf", kWriteCreateTrunc);
  }));

  const std::string keys = "SSH authorized keys modified";
  c.push_back(fires(keys, "key_appended", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.container_bash, "/root/.ssh/authorized_keys", kWriteCreateAppend);
  }, {{"fd.name", "/root/.ssh/authorized_keys"}, {"proc.name", "bash"}}));
  c.push_back(silent(keys, "sshd_reads_authorized_keys", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.sshd, "/root/.ssh/authorized_keys", kRdOnly);
  }));
  c.push_back(silent(keys, "guest_agent_manages_keys", [](Scene& s) -> const SyscallEvent& {
    Proc& agent = s.spawn(s.systemd, "/usr/bin/google_guest_agent", {});
    return s.open(agent, "/home/alice/.ssh/authorized_keys", kWriteCreateTrunc);
  }));

  const std::string bin = "File below binary directory opened for writing";
  c.push_back(fires(bin, "curl_drops_binary", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.container_bash, "/usr/bin/curl", {"-o", "/usr/local/bin/kubectl", "https://dl.example/k"}),
                  "/usr/local/bin/kubectl", kWriteCreateTrunc);
  }, {{"fd.name", "/usr/local/bin/kubectl"}, {"proc.name", "curl"}}));
  c.push_back(silent(bin, "dpkg_unpacks_binary", [](Scene& s) -> const SyscallEvent& {
    Proc& dpkg = s.spawn(s.host_bash, "/usr/bin/dpkg", {"-i", "coreutils.deb"});
    return s.open(dpkg, "/usr/bin/ls.dpkg-new", kWriteCreateTrunc);
  }));
  c.push_back(silent(bin, "binary_read", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/sha256sum", {"/usr/bin/ls"}), "/usr/bin/ls", kRdOnly);
  }));

  const std::string dev = "File created below /dev";
  c.push_back(fires(dev, "hidden_file_in_dev", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/touch", {"/dev/.x11-unix"}), "/dev/.x11-unix", kWrOnly | kCreat);
  }, {{"fd.name", "/dev/.x11-unix"}, {"proc.name", "touch"}}));
  c.push_back(silent(dev, "redirect_to_dev_null", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.host_bash, "/dev/null", kWriteCreateTrunc);
  }));
  c.push_back(silent(dev, "shared_memory_file", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn_in_pod("/usr/bin/postgres", {}), "/dev/shm/PostgreSQL.1234", kWrOnly | kCreat);
  }));

  const std::string suid = "Setuid or setgid bit set on file";
  c.push_back(fires(suid, "chmod_u_plus_s_symbolic", [](Scene& s) -> const SyscallEvent& {
    Proc& chmod = s.spawn(s.container_bash, "/bin/chmod", {"u+s", "/tmp/bash"});
    return fchmodat(s, chmod, "/tmp/bash", 04755, "S_ISUID|S_IRWXU|S_IRGRP|S_IXGRP|S_IROTH|S_IXOTH");
  }, {{"evt.arg.filename", "/tmp/bash"}, {"proc.name", "chmod"}}));
  c.push_back(fires(suid, "chmod_2755_raw_mode", [](Scene& s) -> const SyscallEvent& {
    Proc& chmod = s.spawn(s.host_bash, "/bin/chmod", {"2755", "/tmp/tool"});
    return fchmodat(s, chmod, "/tmp/tool", 02755, "02755");
  }));
  c.push_back(silent(suid, "chmod_755", [](Scene& s) -> const SyscallEvent& {
    Proc& chmod = s.spawn(s.host_bash, "/bin/chmod", {"755", "/tmp/tool"});
    return fchmodat(s, chmod, "/tmp/tool", 0755, "S_IRWXU|S_IRGRP|S_IXGRP|S_IROTH|S_IXOTH");
  }));
  c.push_back(silent(suid, "chmod_sticky_tmp", [](Scene& s) -> const SyscallEvent& {
    Proc& chmod = s.spawn(s.host_bash, "/bin/chmod", {"1777", "/srv/tmp"});
    return fchmodat(s, chmod, "/srv/tmp", 01777, "01777");
  }));

  const std::string logs = "Log file cleared or deleted";
  c.push_back(fires(logs, "truncate_auth_log", [](Scene& s) -> const SyscallEvent& {
    return ftruncate(s, s.spawn(s.host_bash, "/usr/bin/truncate", {"-s0", "/var/log/auth.log"}), "/var/log/auth.log");
  }, {{"fd.name", "/var/log/auth.log"}, {"proc.name", "truncate"}}));
  c.push_back(fires(logs, "rm_syslog", [](Scene& s) -> const SyscallEvent& {
    return unlinkat(s, s.spawn(s.host_bash, "/bin/rm", {"-f", "/var/log/syslog"}), "/var/log/syslog");
  }, {{"evt.arg.name", "/var/log/syslog"}, {"proc.name", "rm"}}));
  c.push_back(fires(logs, "shell_truncates_wtmp", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.host_bash, "/var/log/wtmp", kWriteCreateTrunc);
  }));
  c.push_back(silent(logs, "logrotate_removes_old_log", [](Scene& s) -> const SyscallEvent& {
    return unlinkat(s, s.spawn(s.systemd, "/usr/sbin/logrotate", {"/etc/logrotate.conf"}), "/var/log/syslog.7.gz");
  }));
  c.push_back(silent(logs, "rsyslog_appends", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.systemd, "/usr/sbin/rsyslogd", {"-n"}), "/var/log/syslog", kWriteCreateAppend);
  }));

  const std::string hist = "Shell history cleared";
  c.push_back(fires(hist, "rm_bash_history", [](Scene& s) -> const SyscallEvent& {
    return unlinkat(s, s.spawn(s.container_bash, "/bin/rm", {"/root/.bash_history"}), "/root/.bash_history");
  }, {{"evt.arg.name", "/root/.bash_history"}, {"container.id", "3ad7b26ded6d"}}));
  c.push_back(fires(hist, "history_linked_to_dev_null", [](Scene& s) -> const SyscallEvent& {
    return symlinkat(s, s.spawn(s.host_bash, "/bin/ln", {"-sf", "/dev/null", "/root/.bash_history"}),
                     "/dev/null", "/root/.bash_history");
  }, {{"evt.arg.linkpath", "/root/.bash_history"}}));
  c.push_back(silent(hist, "bash_rewrites_own_history", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.host_bash, "/root/.bash_history", kWriteCreateTrunc);
  }));
  c.push_back(silent(hist, "rm_temp_file", [](Scene& s) -> const SyscallEvent& {
    return unlinkat(s, s.spawn(s.host_bash, "/bin/rm", {"/tmp/build.log"}), "/tmp/build.log");
  }));

  const std::string mem = "Process memory or environment read";
  c.push_back(fires(mem, "environ_of_pid1_in_container", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.container_bash, "/bin/cat", {"/proc/1/environ"}), "/proc/1/environ", kRdOnly);
  }, {{"fd.name", "/proc/1/environ"}, {"proc.name", "cat"}}));
  c.push_back(fires(mem, "mem_of_sshd_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/python3", {"dump.py", "1002"}), "/proc/1002/mem", kRdOnly);
  }));
  c.push_back(silent(mem, "own_environ", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn_in_pod("/usr/bin/python3", {"app.py"}), "/proc/self/environ", kRdOnly);
  }));
  c.push_back(silent(mem, "agent_reads_environ", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.systemd, "/usr/bin/peregrine", {"agent"}), "/proc/1005/environ", kRdOnly);
  }));
  c.push_back(silent(mem, "ps_reads_status", [](Scene& s) -> const SyscallEvent& {
    return s.open(s.spawn(s.host_bash, "/usr/bin/ps", {"aux"}), "/proc/1005/status", kRdOnly);
  }));
  return c;
}

}  // namespace peregrine::rules_test
