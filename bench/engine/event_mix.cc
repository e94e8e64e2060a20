#include "bench/engine/event_mix.h"

#include <random>
#include <string>

#include "engine/sources/syscall/event_types.h"

namespace peregrine::bench {

using engine::FdType;

static uint16_t code(const char* name) { return *engine::syscall_event_types().code(name); }
using engine::SyscallArg;

EventMix::~EventMix() = default;

EventMix::Process& EventMix::process(const char* comm, const char* exepath,
                                     std::vector<std::string> args, Process* parent,
                                     bool in_container, uint32_t uid) {
  Process& p = processes_.emplace_back();
  auto& t = p.thread;
  t.pid = t.tid = static_cast<int64_t>(1000 + processes_.size());
  t.vpid = t.vtid = in_container ? static_cast<int64_t>(processes_.size()) : t.pid;
  t.ppid = parent ? parent->thread.pid : 0;
  t.sid = t.vpgid = t.pid;
  t.comm = comm;
  t.exe = exepath;
  t.exepath = exepath;
  t.args = std::move(args);
  t.cwd = "/";
  t.uid = t.gid = uid;
  t.loginuid = uid == 0 ? -1 : uid;
  t.parent = parent ? &parent->thread : nullptr;
  t.start_ts_ns = 1'795'000'000'000'000'000ull;
  p.container = in_container ? &container_ : &host_;
  p.user = uid == 0 ? &root_ : &www_;
  return p;
}

const engine::FdView& EventMix::file_fd(const std::string& path, int64_t num) {
  engine::FdView& fd = fds_.emplace_back();
  fd.num = num;
  fd.type = path.ends_with('/') ? FdType::kDirectory : FdType::kFile;
  fd.name = path;
  fd.nameraw = path;
  return fd;
}

const engine::FdView& EventMix::socket_fd(const char* cip, uint16_t cport, const char* sip,
                                          uint16_t sport, bool server, int64_t num) {
  engine::FdView& fd = fds_.emplace_back();
  fd.num = num;
  fd.type = FdType::kIpv4;
  fd.l4proto = engine::L4Proto::kTcp;
  fd.role = server ? engine::SocketRole::kServer : engine::SocketRole::kClient;
  fd.cip = *engine::IpAddr::parse(cip);
  fd.sip = *engine::IpAddr::parse(sip);
  fd.cport = cport;
  fd.sport = sport;
  fd.connected = true;
  fd.name = std::string(cip) + ":" + std::to_string(cport) + "->" + sip + ":" + std::to_string(sport);
  return fd;
}

void EventMix::add(uint16_t type, Process& p, const engine::FdView* fd, int64_t res,
                   std::vector<SyscallArg> args) {
  engine::SyscallEvent e;
  e.type = type;
  e.timestamp_ns = 1'795'360'811'000'000'000ull + events_.size() * 1000;
  e.num = events_.size() + 1;
  e.res = res;
  e.args = args_.emplace_back(std::move(args));
  e.thread = &p.thread;
  e.user = p.user;
  e.group = &root_group_;
  e.fd = fd;
  e.container = p.container;
  e.k8s = p.container == &container_ ? &pod_ : nullptr;
  events_.push_back(e);
}

EventMix::EventMix(size_t count, uint32_t seed) {
  host_.id = host_.name = host_.type = "host";
  container_.id = "3ad7b26ded6d";
  container_.name = "web";
  container_.type = "containerd";
  container_.image = "docker.io/library/nginx:1.25";
  container_.image_repository = "docker.io/library/nginx";
  container_.image_tag = "1.25";
  container_.privileged = false;
  pod_.ns_name = "shop";
  pod_.pod_name = "web-7d4b9c";
  root_.name = root_group_.name = "root";
  root_.homedir = "/root";
  root_.shell = "/bin/bash";
  www_.name = "www-data";
  www_.homedir = "/var/www";
  www_.shell = "/usr/sbin/nologin";

  Process& systemd = process("systemd", "/usr/lib/systemd/systemd", {}, nullptr, false, 0);
  Process& sshd = process("sshd", "/usr/sbin/sshd", {"-D"}, &systemd, false, 0);
  Process& login_bash = process("bash", "/usr/bin/bash", {}, &sshd, false, 0);
  Process& shim = process("containerd-shim", "/usr/bin/containerd-shim-runc-v2", {"-namespace", "k8s.io"}, &systemd, false, 0);
  Process& nginx = process("nginx", "/usr/sbin/nginx", {"-g", "daemon off;"}, &shim, true, 33);
  Process& python = process("python3", "/usr/bin/python3.11", {"app.py"}, &shim, true, 33);
  Process& cron = process("cron", "/usr/sbin/cron", {"-f"}, &systemd, false, 0);
  Process& apt = process("apt-get", "/usr/bin/apt-get", {"update"}, &login_bash, false, 0);
  Process& kubelet = process("kubelet", "/usr/bin/kubelet", {"--config", "/var/lib/kubelet/config.yaml"}, &systemd, false, 0);
  Process& ls = process("ls", "/usr/bin/ls", {"-la", "/var/log"}, &login_bash, false, 0);
  Process& cshell = process("sh", "/bin/sh", {"-c", "date"}, &python, true, 33);
  Process* openers[] = {&nginx, &python, &kubelet, &cron, &apt, &ls, &login_bash, &sshd};

  const char* paths[] = {
      "/etc/ld.so.cache", "/lib/x86_64-linux-gnu/libc.so.6", "/proc/self/status",
      "/var/log/nginx/access.log", "/etc/passwd", "/usr/share/zoneinfo/UTC", "/tmp/upload-1234",
      "/var/lib/kubelet/pods/abc/volumes", "/etc/nsswitch.conf", "/etc/hosts", "/dev/null",
      "/sys/fs/cgroup/memory/memory.stat", "/etc/shadow", "/var/lib/dpkg/status", "/root/.ssh/id_rsa",
      "/usr/lib/python3.11/json/__init__.py", "/etc/ssl/certs/ca-certificates.crt", "/var/www/index.html"};
  std::vector<const engine::FdView*> files;
  for (size_t i = 0; i < std::size(paths); ++i) files.push_back(&file_fd(paths[i], 3 + static_cast<int64_t>(i % 20)));
  const engine::FdView& failed_open = file_fd("/etc/missing.conf", -1);
  const engine::FdView& out_https = socket_fd("10.244.1.7", 40312, "10.96.0.1", 443, false, 7);
  const engine::FdView& out_redis = socket_fd("10.244.1.7", 51544, "10.244.2.9", 6379, false, 8);
  const engine::FdView& in_http = socket_fd("10.0.0.12", 53122, "10.244.1.7", 80, true, 9);

  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pct(0, 99);
  using namespace engine;
  while (events_.size() < count) {
    int roll = pct(rng);
    Process& p = *openers[rng() % std::size(openers)];
    if (roll < 45) {
      const FdView* fd = files[rng() % files.size()];
      bool write = fd->name.starts_with("/var/log") || fd->name.starts_with("/tmp");
      add(kSysOpenat, p, fd, fd->num,
          {{"fd", "", fd->num, true}, {"dirfd", "-100(AT_FDCWD)", -100, true}, {"name", fd->name, 0, false},
           {"flags", write ? "O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC" : "O_RDONLY|O_CLOEXEC",
            write ? 02102101 : 02000000, true},
           {"mode", "0644", 0644, true}});
    } else if (roll < 50) {
      add(kSysOpenat, p, &failed_open, -2,
          {{"fd", "-2", -2, true}, {"name", failed_open.name, 0, false}, {"flags", "O_RDONLY", 0, true}});
    } else if (roll < 70) {
      add(code("close"), p, files[rng() % files.size()], 0, {{"fd", "3", 3, true}, {"res", "0", 0, true}});
    } else if (roll < 78) {
      Process& child = roll < 74 ? ls : cshell;
      add(kSysExecve, child, nullptr, 0,
          {{"res", "0", 0, true}, {"exe", child.thread.exepath, 0, false}, {"flags", "", 0, true}});
    } else if (roll < 86) {
      bool redis = roll < 82;
      add(code("connect"), python, redis ? &out_redis : &out_https, 0,
          {{"res", "0", 0, true}, {"tuple", redis ? out_redis.name : out_https.name, 0, false}});
    } else if (roll < 92) {
      add(code("accept4"), nginx, &in_http, 9, {{"fd", "9", 9, true}, {"tuple", in_http.name, 0, false}});
    } else if (roll < 95) {
      add(code("dup2"), cshell, &out_https, 1, {{"res", "1", 1, true}, {"oldfd", "7", 7, true}, {"newfd", "1", 1, true}});
    } else if (roll < 97) {
      add(code("socket"), python, nullptr, 10, {{"fd", "10", 10, true}, {"domain", "AF_INET", 2, true}});
    } else if (roll < 98) {
      add(code("symlinkat"), p, nullptr, 0,
          {{"res", "0", 0, true}, {"target", "/etc/hosts", 0, false}, {"linkpath", "/tmp/h", 0, false}});
    } else {
      add(code("setuid"), p, nullptr, 0, {{"res", "0", 0, true}, {"uid", "0", 0, true}});
    }
  }
}

}  // namespace peregrine::bench
