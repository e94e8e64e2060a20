// The fd-table side of EventBuilder: what open, socket, connect, accept, dup, pipe, close and
// friends do to the process's fds, and which fd each event is about.

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "agent/events/event_builder.h"
#include "agent/events/path_resolve.h"
#include "agent/events/socket_text.h"

namespace peregrine::agent {
namespace {


}  // namespace

std::string_view EventBuilder::dir_of_fd(ThreadState& t, int64_t dirfd) {
  if (dirfd == AT_FDCWD) return t.view.cwd;
  const FdEntry* e = t.fds->find(dirfd);
  return e ? std::string_view(e->view.name) : std::string_view();
}

const engine::FdView* EventBuilder::apply_fd_effects(const driver::RawEventView& raw, ThreadState& t,
                                                     bool& unknown_fd) {
  const int64_t res = raw.res();
  const uint16_t type = raw.type();
  FdTable& fds = *t.fds;
  // The fd named by `param`, noting when the agent does not know it.
  auto existing = [&](std::string_view param) -> const engine::FdView* {
    auto fd = raw.int_param(param);
    if (!fd) return nullptr;
    if (FdEntry* e = fds.find(*fd)) return &e->view;
    if (*fd >= 0) unknown_fd = true;
    return nullptr;
  };
  auto socket_entry = [&](int64_t fd) -> FdEntry& {
    if (FdEntry* e = fds.find(fd)) return *e;
    engine::FdView v;
    v.num = fd;
    return fds.put(std::move(v), false);
  };

  switch (type) {
    case PEREGRINE_EVT_CODE_OPEN:
    case PEREGRINE_EVT_CODE_OPENAT:
    case PEREGRINE_EVT_CODE_OPENAT2:
    case PEREGRINE_EVT_CODE_CREAT: {
      std::string_view name = raw.string_param("name").value_or("");
      std::string_view base = t.view.cwd;  // valid until the fd table changes, below
      if (type == PEREGRINE_EVT_CODE_OPENAT || type == PEREGRINE_EVT_CODE_OPENAT2) {
        base = dir_of_fd(t, raw.int_param("dirfd").value_or(AT_FDCWD));
      }
      if (base.empty() && (name.empty() || name.front() != '/')) unknown_fd = true;
      uint64_t flags = type == PEREGRINE_EVT_CODE_CREAT
                           ? static_cast<uint64_t>(O_CREAT | O_WRONLY | O_TRUNC)
                           : static_cast<uint64_t>(raw.int_param("flags").value_or(0));
      engine::FdView v;
      v.num = res >= 0 ? res : -1;
      bool dir = (flags & O_DIRECTORY) && (flags & O_TMPFILE) != O_TMPFILE;
      v.type = dir ? engine::FdType::kDirectory : engine::FdType::kFile;
      v.name = resolve_path(base.empty() ? "/" : base, name);
      v.nameraw = std::string(name);
      if (res >= 0) return &fds.put(std::move(v), (flags & O_CLOEXEC) != 0).view;
      scratch_fd_ = std::move(v);
      return &scratch_fd_;
    }
    case PEREGRINE_EVT_CODE_CLOSE: {
      const engine::FdView* v = existing("fd");
      if (res == 0) {
        close_tid_ = t.view.tid;
        close_fd_ = raw.int_param("fd").value_or(-1);
      }
      return v;
    }
    case PEREGRINE_EVT_CODE_DUP:
    case PEREGRINE_EVT_CODE_DUP2:
    case PEREGRINE_EVT_CODE_DUP3: {
      auto old = raw.int_param("oldfd");
      if (res < 0 || !old) return existing("oldfd");
      bool cloexec = (raw.int_param("flags").value_or(0) & O_CLOEXEC) != 0;
      if (!fds.dup(*old, res, cloexec)) {
        unknown_fd = true;
        return nullptr;
      }
      return &fds.find(res)->view;
    }
    case PEREGRINE_EVT_CODE_SOCKET: {
      if (res < 0) return nullptr;
      int64_t sock_type = raw.int_param("type").value_or(0);
      engine::FdView v;
      v.num = res;
      v.type = socket_fd_type(static_cast<int>(raw.int_param("domain").value_or(0)));
      v.l4proto = socket_l4proto(static_cast<int>(sock_type), static_cast<int>(raw.int_param("proto").value_or(0)));
      return &fds.put(std::move(v), (sock_type & SOCK_CLOEXEC) != 0).view;
    }
    case PEREGRINE_EVT_CODE_SOCKETPAIR:
    case PEREGRINE_EVT_CODE_PIPE:
    case PEREGRINE_EVT_CODE_PIPE2: {
      if (res != 0) return nullptr;
      bool pair = type == PEREGRINE_EVT_CODE_SOCKETPAIR;
      int64_t flags = raw.int_param(pair ? "type" : "flags").value_or(0);
      bool cloexec = pair ? (flags & SOCK_CLOEXEC) != 0 : (flags & O_CLOEXEC) != 0;
      for (std::string_view p : {"fd1", "fd2"}) {
        auto fd = raw.int_param(p);
        if (!fd || *fd < 0) continue;
        engine::FdView v;
        v.num = *fd;
        v.type = pair ? engine::FdType::kUnix : engine::FdType::kPipe;
        v.name = pair ? "" : "pipe";
        fds.put(std::move(v), cloexec);
      }
      return nullptr;
    }
    case PEREGRINE_EVT_CODE_CONNECT: {
      auto fd = raw.int_param("fd");
      if (!fd || *fd < 0) return nullptr;
      auto tuple = raw.socktuple_param("tuple");
      bool done = res == 0 || res == -EINPROGRESS;
      if (!tuple || !done) return existing("fd");
      FdEntry& e = socket_entry(*fd);
      apply_socktuple(*tuple, false, e.view);
      return &e.view;
    }
    case PEREGRINE_EVT_CODE_ACCEPT:
    case PEREGRINE_EVT_CODE_ACCEPT4: {
      if (res < 0) return existing("sockfd");
      engine::FdView v;
      v.num = res;
      if (const FdEntry* listener = fds.find(raw.int_param("sockfd").value_or(-1))) {
        v.type = listener->view.type;
        v.l4proto = listener->view.l4proto;
      }
      if (auto tuple = raw.socktuple_param("tuple")) apply_socktuple(*tuple, true, v);
      else unknown_fd = true;
      bool cloexec = (raw.int_param("flags").value_or(0) & SOCK_CLOEXEC) != 0;
      return &fds.put(std::move(v), cloexec).view;
    }
    case PEREGRINE_EVT_CODE_BIND:
    case PEREGRINE_EVT_CODE_LISTEN: {
      auto fd = raw.int_param("fd");
      if (!fd || *fd < 0 || res != 0) return existing("fd");
      FdEntry& e = socket_entry(*fd);
      if (auto tuple = raw.socktuple_param("tuple")) apply_socktuple(*tuple, true, e.view);
      e.view.role = engine::SocketRole::kServer;
      return &e.view;
    }
    case PEREGRINE_EVT_CODE_SENDTO:
    case PEREGRINE_EVT_CODE_RECVFROM: {
      auto fd = raw.int_param("fd");
      if (!fd || *fd < 0) return nullptr;
      FdEntry* e = fds.find(*fd);
      auto tuple = raw.socktuple_param("tuple");
      // A socket the agent knows no ends of yet learns them from the call.
      if (tuple && (!e || e->view.role == engine::SocketRole::kNone)) {
        e = &socket_entry(*fd);
        apply_socktuple(*tuple, false, e->view);
      }
      if (!e) unknown_fd = true;
      return e ? &e->view : nullptr;
    }
    case PEREGRINE_EVT_CODE_MEMFD_CREATE: {
      if (res < 0) return nullptr;
      engine::FdView v;
      v.num = res;
      v.type = engine::FdType::kMemfd;
      v.name = "memfd:" + std::string(raw.string_param("name").value_or(""));
      bool cloexec = (raw.int_param("flags").value_or(0) & MFD_CLOEXEC) != 0;
      return &fds.put(std::move(v), cloexec).view;
    }
    default:
      return existing("fd");
  }
}

}  // namespace peregrine::agent
