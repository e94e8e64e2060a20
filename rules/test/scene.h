#pragma once
// Test-only: a small node on which the default rules are exercised. It holds a host process
// tree (systemd -> sshd -> bash) and a pod's container 3ad7b26ded6d whose shell hangs below
// containerd-shim on the host, the users root (0) and www-data (33), and builds realistic
// syscall exit events (enter arguments merged in) for the processes it spawns.
//
// Ownership: the Scene owns every view an event points to; events stay valid as long as the
// Scene lives (storage is in deques, so adding processes or fds never moves earlier ones).

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::rules_test {

using engine::ContainerView;
using engine::FdView;
using engine::SyscallArg;
using engine::SyscallEvent;
using engine::ThreadView;

// Linux open(2) flag bits, as the kernel receives them.
inline constexpr int64_t kRdOnly = 0;
inline constexpr int64_t kWrOnly = 01;
inline constexpr int64_t kCreat = 0100;
inline constexpr int64_t kTrunc = 01000;
inline constexpr int64_t kAppend = 02000;
inline constexpr int64_t kCloexec = 02000000;

struct Proc {
  ThreadView thread;
  const engine::UserView* user = nullptr;
  const ContainerView* container = nullptr;
  const engine::K8sView* k8s = nullptr;
};

class Scene {
  // Declared first: the process references below are bound to elements of procs_.
  engine::UserView root_, www_;
  engine::GroupView root_group_;
  ContainerView host_, pod_container_;
  std::deque<ContainerView> bare_containers_;
  engine::K8sView pod_;
  std::deque<Proc> procs_;
  std::deque<FdView> fds_;
  std::deque<std::string> texts_;
  std::deque<std::vector<SyscallArg>> args_;
  std::deque<SyscallEvent> events_;

 public:
  static constexpr const char* kContainerId = "3ad7b26ded6d";

  Scene();

  // A child of `parent` running `exepath` (proc.name is its basename unless `comm` is given),
  // in the parent's container, as the parent's user unless `uid` says otherwise (0 or 33).
  Proc& spawn(Proc& parent, const std::string& exepath, std::vector<std::string> args,
              int64_t uid = -1, const std::string& comm = "");
  // A process the container runtime started in the pod's container (its parent is the shim).
  Proc& spawn_in_pod(const std::string& exepath, std::vector<std::string> args, int64_t uid = 0,
                     const std::string& comm = "");
  // Moves `p` into another container (a simulated one without runtime metadata, as the
  // agent sees a container it can only identify from its cgroup path).
  void put_in_bare_container(Proc& p, const std::string& id);

  // The exit of a successful execve that started `p`.
  const SyscallEvent& execve(Proc& p);
  // openat of `path` with `flags` (Linux bits) and their text; `fd` < 0 means it failed.
  const SyscallEvent& open(Proc& p, const std::string& path, int64_t flags, int64_t fd = 3);
  // connect to an IP server; `sip_name` is the DNS name the agent saw resolve to it.
  const SyscallEvent& connect(Proc& p, const std::string& sip, uint16_t sport,
                              const std::string& sip_name = "", bool tcp = true);
  const SyscallEvent& connect_unix(Proc& p, const std::string& path);
  // dup2(oldfd = a connected TCP socket, newfd) returning newfd.
  const SyscallEvent& dup2_socket(Proc& p, int64_t newfd);
  // Any other call: name, return value, arguments, and optionally the fd it is about.
  const SyscallEvent& call(Proc& p, const std::string& name, int64_t res,
                           std::vector<SyscallArg> args, const FdView* fd = nullptr);

  const FdView& file_fd(const std::string& path, int64_t num = 3);
  const FdView& tcp_fd(const std::string& sip, uint16_t sport, const std::string& sip_name = "",
                       bool tcp = true);

  // Arguments whose text lives in the scene.
  SyscallArg str(const std::string& name, const std::string& text);
  SyscallArg num(const std::string& name, int64_t raw, const std::string& text = "");

  Proc& systemd;
  Proc& sshd;
  Proc& host_bash;        // root's login shell over ssh (tty, loginuid 0)
  Proc& shim;             // containerd-shim-runc-v2 on the host
  Proc& container_bash;   // bash in container 3ad7b26ded6d, from kubectl exec -it
  Proc& nginx;            // nginx in the same container, as www-data

 private:
  Proc& add_proc();
  SyscallEvent& add_event(Proc& p, uint16_t type, int64_t res, std::vector<SyscallArg> args,
                          const FdView* fd);

};

}  // namespace peregrine::rules_test
