#pragma once
// One syscall event as the agent hands it to the engine: plain data, read-only views.
//
// Ownership: the engine owns nothing reachable from a SyscallEvent. Every pointer, span and
// string_view refers to memory the agent owns and must keep alive and unchanged until the
// engine has finished with the event (rule evaluation and output formatting). The agent keeps
// the process, fd, container and pod state across events; these structs are the window the
// engine reads it through, so the engine never holds state of its own about processes.
//
// A null pointer means "not known for this event": every field that reads through it is
// missing (no match), never an error. Numbers that can be unknown say which value means so.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/event/event.h"
#include "engine/values/ip.h"

namespace peregrine::engine {

// One parameter of the call, named and formatted as Falco names and prints it.
struct SyscallArg {
  std::string_view name;  // "fd", "flags", "name", "res", ...
  // The value as Falco prints it: "O_RDONLY|O_CLOEXEC", "/etc/passwd", "3(<f>/etc/passwd)".
  // Rendering flags symbolically is the agent's job; the engine returns this text as is.
  std::string_view text;
  // The numeric value where the parameter is a number. Flags and modes are the Linux bits the
  // kernel received (not Falco's internal PPM encoding): `evt.is_open_*` decode them.
  int64_t raw = 0;
  bool has_raw = false;
};

struct CgroupView {
  std::string subsystem;  // "cpu", "memory", ...; "" for the unified (v2) hierarchy
  std::string path;       // "/kubepods/burstable/pod.../<container id>"
};

// A thread, and through `parent` its ancestry. Ids are host-namespace unless prefixed v
// (as seen from the thread's own pid namespace); -1 when unknown.
struct ThreadView {
  int64_t tid = -1;
  int64_t pid = -1;    // thread group id
  int64_t ppid = -1;   // parent's pid; known even when `parent` is null (parent exited)
  int64_t vtid = -1;
  int64_t vpid = -1;
  int64_t sid = -1;    // session id, as the driver reports it (pid-namespace relative)
  int64_t vpgid = -1;  // process group id, pid-namespace relative

  std::string comm;                // task->comm, at most 15 characters: proc.name
  std::string exe;                 // argv[0] as passed to execve
  std::string exepath;             // full path of the executable, symlinks resolved
  std::vector<std::string> args;   // argv[1..]
  std::vector<std::string> env;    // "NAME=value" entries
  std::string cwd;                 // with a trailing '/', as Falco prints it

  // Credentials are kernel facts and live here; names for them are in UserView/GroupView.
  uint32_t uid = 0;      // effective uid (Falco's user.uid)
  uint32_t gid = 0;      // effective gid (Falco's group.gid)
  int64_t loginuid = -1; // audit login uid; -1 when unset (the kernel's 4294967295)
  uint32_t tty = 0;      // controlling terminal device; 0 for none

  uint64_t start_ts_ns = 0;             // clone time, ns since the epoch; 0 = unknown
  uint64_t pidns_init_start_ts_ns = 0;  // start of its pid namespace's init; 0 = unknown

  int64_t exe_ino = 0;            // inode of the executable; 0 = unknown
  uint64_t exe_ino_ctime_ns = 0;  // 0 = unknown
  uint64_t exe_ino_mtime_ns = 0;  // 0 = unknown
  bool exe_writable = false;      // the executable is writable by the user that ran it
  bool exe_upper_layer = false;   // the executable lives in an overlayfs upper layer
  bool exe_from_memfd = false;    // executed from a memfd_create() file

  // Capability sets as masks: bit n is capability n (CAP_SYS_ADMIN = 21).
  uint64_t cap_permitted = 0;
  uint64_t cap_effective = 0;
  uint64_t cap_inheritable = 0;

  std::vector<CgroupView> cgroups;

  // The parent process (its main thread); null for init or when the agent does not know it.
  // The chain must end: the engine stops walking after kMaxAncestorDepth steps regardless.
  const ThreadView* parent = nullptr;
};

inline constexpr int kMaxAncestorDepth = 128;

// Names for the thread's credentials, resolved in the thread's own mount namespace
// (a container's /etc/passwd, not the host's). The ids themselves are in ThreadView.
struct UserView {
  std::string name;
  std::string homedir;
  std::string shell;
  std::string loginname;  // name of the user whose uid is ThreadView::loginuid
};

struct GroupView {
  std::string name;
};

enum class FdType : uint8_t {
  kUnknown, kFile, kDirectory, kIpv4, kIpv6, kUnix, kPipe, kEvent, kSignalfd, kEventpoll,
  kInotify, kTimerfd, kNetlink, kBpf, kUserfaultfd, kIoUring, kMemfd,
};

enum class L4Proto : uint8_t { kUnknown, kTcp, kUdp, kIcmp, kRaw };

// Which end of a connection this process holds. kNone: not known (an unconnected socket).
enum class SocketRole : uint8_t { kNone, kClient, kServer };

// The file descriptor the event is about. For a call that failed before an fd existed (a
// failed open), the agent still supplies a view with num = -1 and the name it tried, as Falco
// does, so `fd.name` works in rules about failed opens.
struct FdView {
  int64_t num = -1;
  FdType type = FdType::kUnknown;
  // Files and directories: the absolute path. Sockets: the tuple "cip:cport->sip:sport" or
  // the unix path. Others: what Falco shows ("pipe:[1234]", ...).
  std::string name;
  std::string nameraw;  // files: the path exactly as the process passed it; else empty
  int64_t ino = 0;      // 0 = unknown

  // IPv4/IPv6 sockets. An address with family 0 is unknown. A listening socket has only the
  // server side (sip/sport) set.
  L4Proto l4proto = L4Proto::kUnknown;
  SocketRole role = SocketRole::kNone;
  IpAddr cip;
  IpAddr sip;
  uint16_t cport = 0;
  uint16_t sport = 0;
  bool connected = false;
  bool name_changed = false;  // this event changed the fd's name (e.g. a UDP peer changed)
  // DNS names the agent saw resolve to cip/sip; empty when it knows none.
  std::string cip_name;
  std::string sip_name;

  bool is_server() const { return role == SocketRole::kServer; }
  bool is_ip_socket() const { return type == FdType::kIpv4 || type == FdType::kIpv6; }
};

struct MountView {
  std::string source;  // host path
  std::string dest;    // path inside the container
  std::string mode;    // runtime-specific mode string ("ro", "z", ...)
  bool rdwr = false;
  std::string propagation;  // "rprivate", ...
};

// The container the thread runs in. The agent supplies one for every event whose thread it
// knows; a host process gets id "host" and name "host" (as in Falco).
struct ContainerView {
  std::string id;       // short id (12 characters) or "host"
  std::string full_id;  // full 64-character id; empty for the host
  std::string name;
  std::string type;     // "docker", "containerd", "cri-o", "host", ...
  // Image metadata comes from the container runtime; empty when it could not be asked.
  std::string image;             // "docker.io/library/nginx:1.25"
  std::string image_id;
  std::string image_repository;  // "docker.io/library/nginx"
  std::string image_tag;         // "1.25"
  std::string image_digest;      // "sha256:..."
  std::string ip;                // primary IPv4 address as text; empty if unknown
  std::optional<bool> privileged;  // nullopt when the runtime does not say
  std::vector<MountView> mounts;
  uint64_t start_ts_ns = 0;  // 0 = unknown

  bool is_host() const { return id == "host"; }
};

struct K8sLabel {
  std::string key;
  std::string value;
};

// Pod metadata for a container that runs in a Kubernetes pod (from the runtime's sandbox
// labels or the operator). Null for host processes and plain containers.
struct K8sView {
  std::string ns_name;
  std::string pod_name;
  std::string pod_uid;
  std::string pod_ip;
  std::vector<K8sLabel> pod_labels;
};

// Formats the texts of an event's arguments when first read: most events match no rule and
// nobody reads their texts, so the agent does not build them up front. Valid as long as the
// event is; not thread-safe (the event's reader is one thread).
class ArgTextSource {
 public:
  // The text of args[index] (index < args.size()), as SyscallArg::text documents it.
  virtual std::string_view arg_text(size_t index) const = 0;

 protected:
  ~ArgTextSource() = default;
};

// One syscall, delivered once at exit with the enter parameters merged in (direction '<').
// `type` (from Event) is a code of syscall_event_types().
struct SyscallEvent : Event {
  char direction = '<';  // '>' only for an enter event delivered on its own
  // The return value; nullopt for events that have none (procexit, signaldeliver, ...).
  std::optional<int64_t> res;
  // Parameters in Falco's order, including the exit parameter that carries the result
  // (`fd` for open, `res` for most), so `evt.arg.fd` and `evt.args` read as in Falco.
  // Their texts: arg_text().
  std::span<const SyscallArg> args;
  // The data buffer of read/write-like calls (`evt.buffer`); may hold any bytes.
  std::optional<std::span<const uint8_t>> buffer;

  const ThreadView* thread = nullptr;
  const UserView* user = nullptr;
  const GroupView* group = nullptr;
  const FdView* fd = nullptr;
  const ContainerView* container = nullptr;
  const K8sView* k8s = nullptr;

  // When set, the args' `text` members are empty and the texts come from here; read them
  // through arg_text().
  const ArgTextSource* arg_texts = nullptr;

  std::string_view arg_text(const SyscallArg& a) const {
    return arg_texts ? arg_texts->arg_text(static_cast<size_t>(&a - args.data())) : a.text;
  }

  // The first parameter called `name`, or null.
  const SyscallArg* find_arg(std::string_view name) const {
    for (const SyscallArg& a : args) {
      // The first byte settles most mismatches of equal length ("dirfd" / "flags") without a
      // call to memcmp; evt.is_open_* look up "flags" on every open.
      if (a.name.size() == name.size() && (name.empty() || a.name[0] == name[0]) && a.name == name) return &a;
    }
    return nullptr;
  }
};

}  // namespace peregrine::engine
