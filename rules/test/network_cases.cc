// Scenarios for rules/30_network.yaml.

#include "rules/test/cases.h"

namespace peregrine::rules_test {

std::vector<Case> network_cases() {
  std::vector<Case> c;

  const std::string dup = "Network socket duplicated onto standard stream";
  c.push_back(fires(dup, "bash_dev_tcp_stdin", [](Scene& s) -> const SyscallEvent& {
    return s.dup2_socket(s.container_bash, 0);
  }, {{"fd.name", "10.244.1.7:41312->203.0.113.50:4444"}, {"evt.rawres", "0"}, {"proc.name", "bash"},
      {"container.id", "3ad7b26ded6d"}}));
  c.push_back(fires(dup, "python_pty_stdout_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.dup2_socket(s.spawn(s.host_bash, "/usr/bin/python3", {"-c", "import socket,os,pty"}), 1);
  }));
  c.push_back(silent(dup, "socket_dup_to_high_fd", [](Scene& s) -> const SyscallEvent& {
    return s.dup2_socket(s.spawn_in_pod("/usr/bin/python3", {"app.py"}), 7);
  }));
  c.push_back(silent(dup, "xinetd_hands_socket_to_service", [](Scene& s) -> const SyscallEvent& {
    return s.dup2_socket(s.spawn(s.systemd, "/usr/sbin/xinetd", {"-dontfork"}), 0);
  }));
  c.push_back(silent(dup, "file_redirected_to_stdout", [](Scene& s) -> const SyscallEvent& {
    const FdView& fd = s.file_fd("/tmp/out.txt", 3);
    return s.call(s.host_bash, "dup2", 1, {s.num("oldfd", 3), s.num("res", 1), s.num("newfd", 1)}, &fd);
  }));

  const std::string shell = "Outbound connection from shell";
  c.push_back(fires(shell, "bash_dev_tcp_connect", [](Scene& s) -> const SyscallEvent& {
    return s.connect(s.container_bash, "203.0.113.50", 8443);
  }, {{"fd.sip", "203.0.113.50"}, {"fd.sport", "8443"}, {"proc.name", "bash"}}));
  c.push_back(silent(shell, "curl_connects", [](Scene& s) -> const SyscallEvent& {
    return s.connect(s.spawn(s.container_bash, "/usr/bin/curl", {"https://example.org"}), "93.184.216.34", 443);
  }));
  c.push_back(silent(shell, "bash_to_loopback", [](Scene& s) -> const SyscallEvent& {
    return s.connect(s.host_bash, "127.0.0.1", 8080);
  }));

  const std::string port = "Connection to crypto-mining pool port";
  c.push_back(fires(port, "stratum_port_public", [](Scene& s) -> const SyscallEvent& {
    return s.connect(s.spawn(s.nginx, "/tmp/.x/kthreadd", {}, -1, "kthreadd"), "198.51.100.7", 3333);
  }, {{"fd.sip", "198.51.100.7"}, {"fd.sport", "3333"}, {"proc.name", "kthreadd"},
      {"container.id", "3ad7b26ded6d"}}));
  c.push_back(silent(port, "pool_port_on_private_network", [](Scene& s) -> const SyscallEvent& {
    return s.connect(s.spawn_in_pod("/usr/bin/python3", {"app.py"}), "10.0.0.5", 3333);
  }));
  c.push_back(silent(port, "https_to_public", [](Scene& s) -> const SyscallEvent& {
    return s.connect(s.spawn_in_pod("/usr/bin/python3", {"app.py"}), "198.51.100.7", 443);
  }));

  const std::string domain = "Connection to crypto-mining pool domain";
  c.push_back(fires(domain, "nanopool_subdomain", [](Scene& s) -> const SyscallEvent& {
    return s.connect(s.spawn_in_pod("/usr/bin/python3", {"app.py"}), "198.51.100.9", 443, "xmr-eu1.nanopool.org");
  }, {{"fd.sip.name", "xmr-eu1.nanopool.org"}}));
  c.push_back(fires(domain, "listed_pool_host", [](Scene& s) -> const SyscallEvent& {
    return s.connect(s.spawn(s.host_bash, "/usr/bin/wget", {}), "198.51.100.10", 80, "pool.supportxmr.com");
  }));
  c.push_back(silent(domain, "ordinary_domain", [](Scene& s) -> const SyscallEvent& {
    return s.connect(s.spawn_in_pod("/usr/bin/python3", {"app.py"}), "140.82.112.5", 443, "api.github.com");
  }));

  const std::string imds = "Cloud metadata service queried by command-line tool in container";
  c.push_back(fires(imds, "curl_imds_in_pod", [](Scene& s) -> const SyscallEvent& {
    return s.connect(s.spawn(s.container_bash, "/usr/bin/curl",
                             {"http://169.254.169.254/latest/meta-data/iam/security-credentials/"}),
                     "169.254.169.254", 80);
  }, {{"fd.sip", "169.254.169.254"}, {"proc.name", "curl"}, {"k8s.ns.name", "shop"}}));
  c.push_back(silent(imds, "sdk_in_pod", [](Scene& s) -> const SyscallEvent& {
    return s.connect(s.spawn_in_pod("/usr/bin/python3", {"app.py"}), "169.254.169.254", 80);
  }));
  c.push_back(silent(imds, "curl_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.connect(s.spawn(s.host_bash, "/usr/bin/curl", {"http://169.254.169.254/"}), "169.254.169.254", 80);
  }));

  const std::string sock = "Container runtime socket connected from container";
  c.push_back(fires(sock, "docker_cli_in_pod", [](Scene& s) -> const SyscallEvent& {
    return s.connect_unix(s.spawn(s.container_bash, "/usr/bin/docker", {"run", "--privileged", "alpine"}),
                          "/var/run/docker.sock");
  }, {{"fd.name", "/var/run/docker.sock"}, {"proc.name", "docker"}}));
  c.push_back(silent(sock, "app_socket_in_pod", [](Scene& s) -> const SyscallEvent& {
    return s.connect_unix(s.spawn_in_pod("/usr/bin/python3", {"app.py"}), "/var/run/app/app.sock");
  }));
  c.push_back(silent(sock, "docker_cli_on_host", [](Scene& s) -> const SyscallEvent& {
    return s.connect_unix(s.spawn(s.host_bash, "/usr/bin/docker", {"ps"}), "/var/run/docker.sock");
  }));
  return c;
}

}  // namespace peregrine::rules_test
