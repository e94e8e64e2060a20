#include "rules/test/scene.h"

#include <algorithm>
#include <utility>

#include "engine/sources/syscall/event_types.h"

namespace peregrine::rules_test {

namespace {

constexpr uint64_t kSecond = 1'000'000'000ull;
constexpr uint64_t kNow = 1'795'360'811ull * kSecond;

uint16_t code(const std::string& name) {
  auto c = engine::syscall_event_types().code(name);
  return c ? *c : 0;
}

std::string basename(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Open flags as the agent renders them: access mode first, then the other bits.
std::string flags_text(int64_t flags) {
  std::string out = (flags & 3) == kWrOnly ? "O_WRONLY" : (flags & 3) == 2 ? "O_RDWR" : "O_RDONLY";
  if (flags & kCreat) out += "|O_CREAT";
  if (flags & kTrunc) out += "|O_TRUNC";
  if (flags & kAppend) out += "|O_APPEND";
  if (flags & kCloexec) out += "|O_CLOEXEC";
  return out;
}

}  // namespace

// systemd, sshd, the login shell, the shim, the container's shell and nginx, in that order.
Scene::Scene()
    : systemd(add_proc()),
      sshd(add_proc()),
      host_bash(add_proc()),
      shim(add_proc()),
      container_bash(add_proc()),
      nginx(add_proc()) {
  root_.name = root_group_.name = "root";
  root_.homedir = "/root";
  root_.shell = "/bin/bash";
  www_.name = "www-data";
  www_.homedir = "/var/www";
  www_.shell = "/usr/sbin/nologin";

  host_.id = host_.name = host_.type = "host";
  pod_container_.id = kContainerId;
  pod_container_.full_id = std::string(kContainerId) + std::string(52, '7');
  pod_container_.name = "web";
  pod_container_.type = "containerd";
  pod_container_.image = "docker.io/library/nginx:1.25";
  pod_container_.image_repository = "docker.io/library/nginx";
  pod_container_.image_tag = "1.25";
  pod_container_.privileged = false;
  pod_container_.start_ts_ns = kNow - 3600 * kSecond;
  pod_.ns_name = "shop";
  pod_.pod_name = "web-7d4b9c";
  pod_.pod_uid = "0f6c1d2e-5b1a-4c7e-9d1e-3ad7b26ded6d";

  auto init = [&](Proc& p, const std::string& exepath, std::vector<std::string> args,
                  Proc* parent, bool in_pod, uint32_t uid) {
    ThreadView& t = p.thread;
    t.comm = basename(exepath);
    t.exe = exepath;
    t.exepath = exepath;
    t.args = std::move(args);
    t.uid = t.gid = uid;
    t.parent = parent ? &parent->thread : nullptr;
    t.ppid = parent ? parent->thread.pid : 0;
    t.cwd = "/";
    p.user = uid == 0 ? &root_ : &www_;
    p.container = in_pod ? &pod_container_ : &host_;
    p.k8s = in_pod ? &pod_ : nullptr;
  };
  init(systemd, "/usr/lib/systemd/systemd", {"--system"}, nullptr, false, 0);
  init(sshd, "/usr/sbin/sshd", {"-D"}, &systemd, false, 0);
  init(host_bash, "/usr/bin/bash", {}, &sshd, false, 0);
  host_bash.thread.tty = 34816;
  host_bash.thread.loginuid = 0;
  init(shim, "/usr/bin/containerd-shim-runc-v2", {"-namespace", "k8s.io", "-id", kContainerId},
       &systemd, false, 0);
  init(container_bash, "/bin/bash", {}, &shim, true, 0);
  container_bash.thread.tty = 34817;
  init(nginx, "/usr/sbin/nginx", {"-g", "daemon off;"}, &shim, true, 33);
  systemd.thread.comm = "systemd";
  systemd.thread.exe = "/sbin/init";
  shim.thread.comm = "containerd-shim";
  int64_t vpid = 1;
  for (Proc& p : procs_) {
    p.thread.vpid = p.thread.vtid = p.container == &pod_container_ ? vpid++ : p.thread.pid;
  }
}

Proc& Scene::add_proc() {
  Proc& p = procs_.emplace_back();
  p.thread.pid = p.thread.tid = static_cast<int64_t>(procs_.size() == 1 ? 1 : 1000 + procs_.size());
  p.thread.sid = p.thread.vpgid = p.thread.pid;
  p.thread.start_ts_ns = kNow - 10 * kSecond;
  return p;
}

Proc& Scene::spawn(Proc& parent, const std::string& exepath, std::vector<std::string> args,
                   int64_t uid, const std::string& comm) {
  Proc& p = add_proc();
  ThreadView& t = p.thread;
  t.comm = comm.empty() ? basename(exepath) : comm;
  t.comm.resize(std::min<size_t>(t.comm.size(), 15));
  t.exe = exepath;
  t.exepath = exepath;
  t.args = std::move(args);
  t.parent = &parent.thread;
  t.ppid = parent.thread.pid;
  t.sid = parent.thread.sid;
  t.vpid = t.vtid = parent.container->is_host() ? t.pid : parent.thread.vpid + 10;
  t.cwd = parent.thread.cwd;
  t.tty = parent.thread.tty;
  t.loginuid = parent.thread.loginuid;
  t.start_ts_ns = kNow - kSecond;
  t.pidns_init_start_ts_ns = parent.thread.pidns_init_start_ts_ns;
  t.uid = t.gid = uid < 0 ? parent.thread.uid : static_cast<uint32_t>(uid);
  p.user = t.uid == 0 ? &root_ : &www_;
  p.container = parent.container;
  p.k8s = parent.k8s;
  return p;
}

Proc& Scene::spawn_in_pod(const std::string& exepath, std::vector<std::string> args, int64_t uid,
                          const std::string& comm) {
  Proc& p = spawn(shim, exepath, std::move(args), uid, comm);
  p.container = &pod_container_;
  p.k8s = &pod_;
  p.thread.vpid = p.thread.vtid = 1;
  p.thread.tty = 0;
  return p;
}

void Scene::put_in_bare_container(Proc& p, const std::string& id) {
  ContainerView& c = bare_containers_.emplace_back();
  c.id = id;
  p.container = &c;
  p.k8s = nullptr;
  p.thread.cgroups = {{"", "/kubepods/besteffort/pod-e2e/" + id},
                      {"memory", "/process_api/" + std::to_string(p.thread.pid)}};
}

SyscallArg Scene::str(const std::string& name, const std::string& text) {
  const std::string& n = texts_.emplace_back(name);
  const std::string& t = texts_.emplace_back(text);
  return SyscallArg{n, t, 0, false};
}

SyscallArg Scene::num(const std::string& name, int64_t raw, const std::string& text) {
  const std::string& n = texts_.emplace_back(name);
  const std::string& t = texts_.emplace_back(text.empty() ? std::to_string(raw) : text);
  return SyscallArg{n, t, raw, true};
}

const FdView& Scene::file_fd(const std::string& path, int64_t num) {
  FdView& fd = fds_.emplace_back();
  fd.num = num;
  fd.type = path.ends_with('/') ? engine::FdType::kDirectory : engine::FdType::kFile;
  fd.name = fd.nameraw = path;
  return fd;
}

const FdView& Scene::tcp_fd(const std::string& sip, uint16_t sport, const std::string& sip_name,
                            bool tcp) {
  FdView& fd = fds_.emplace_back();
  fd.num = 5;
  bool v6 = sip.find(':') != std::string::npos;
  fd.type = v6 ? engine::FdType::kIpv6 : engine::FdType::kIpv4;
  fd.l4proto = tcp ? engine::L4Proto::kTcp : engine::L4Proto::kUdp;
  fd.role = engine::SocketRole::kClient;
  std::string cip = v6 ? "fd00::7" : "10.244.1.7";
  fd.cip = *engine::IpAddr::parse(cip);
  fd.sip = *engine::IpAddr::parse(sip);
  fd.cport = 41312;
  fd.sport = sport;
  fd.connected = true;
  fd.sip_name = sip_name;
  fd.name = cip + ":41312->" + sip + ":" + std::to_string(sport);
  return fd;
}

SyscallEvent& Scene::add_event(Proc& p, uint16_t type, int64_t res, std::vector<SyscallArg> args,
                               const FdView* fd) {
  SyscallEvent& e = events_.emplace_back();
  e.type = type;
  e.timestamp_ns = kNow + events_.size() * 1000;
  e.num = events_.size();
  e.res = res;
  e.args = args_.emplace_back(std::move(args));
  e.thread = &p.thread;
  e.user = p.user;
  e.group = &root_group_;
  e.fd = fd;
  e.container = p.container;
  e.k8s = p.k8s;
  return e;
}

const SyscallEvent& Scene::execve(Proc& p) {
  std::string args;
  for (const auto& a : p.thread.args) args += (args.empty() ? "" : " ") + a;
  return add_event(p, engine::kSysExecve, 0,
                   {num("res", 0), str("exe", p.thread.exe), str("args", args),
                    num("tid", p.thread.tid), num("pid", p.thread.pid),
                    num("ptid", p.thread.ppid), str("cwd", p.thread.cwd),
                    str("filename", p.thread.exepath)},
                   nullptr);
}

const SyscallEvent& Scene::open(Proc& p, const std::string& path, int64_t flags, int64_t fd) {
  const FdView& view = file_fd(path, fd);
  return add_event(p, engine::kSysOpenat, fd,
                   {num("fd", fd), num("dirfd", -100, "-100(AT_FDCWD)"), str("name", path),
                    num("flags", flags, flags_text(flags)), num("mode", 0644, "0644"),
                    num("dev", 0), num("ino", 0)},
                   &view);
}

const SyscallEvent& Scene::connect(Proc& p, const std::string& sip, uint16_t sport,
                                   const std::string& sip_name, bool tcp) {
  const FdView& fd = tcp_fd(sip, sport, sip_name, tcp);
  return add_event(p, code("connect"), 0,
                   {num("fd", fd.num), str("addr", sip + ":" + std::to_string(sport)),
                    num("res", 0), str("tuple", fd.name)},
                   &fd);
}

const SyscallEvent& Scene::connect_unix(Proc& p, const std::string& path) {
  FdView& fd = fds_.emplace_back();
  fd.num = 6;
  fd.type = engine::FdType::kUnix;
  fd.name = path;
  return add_event(p, code("connect"), 0,
                   {num("fd", fd.num), str("addr", path), num("res", 0), str("tuple", path)}, &fd);
}

const SyscallEvent& Scene::dup2_socket(Proc& p, int64_t newfd) {
  const FdView& fd = tcp_fd("203.0.113.50", 4444);
  return add_event(p, code("dup2"), newfd,
                   {num("oldfd", fd.num), num("res", newfd), num("newfd", newfd)}, &fd);
}

const SyscallEvent& Scene::call(Proc& p, const std::string& name, int64_t res,
                                std::vector<SyscallArg> args, const FdView* fd) {
  return add_event(p, code(name), res, std::move(args), fd);
}

}  // namespace peregrine::rules_test
