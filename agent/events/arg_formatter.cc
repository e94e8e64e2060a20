#include "agent/events/arg_formatter.h"

#include <fcntl.h>

#include <algorithm>

#include "agent/events/flag_names.h"
#include "agent/events/socket_text.h"
#include "agent/state/socket_inodes.h"
#include "engine/sources/syscall/errno_names.h"

namespace peregrine::agent {
namespace {

using driver::ParamType;

bool is_open_call(uint16_t type) {
  return type == PEREGRINE_EVT_CODE_OPEN || type == PEREGRINE_EVT_CODE_OPENAT ||
         type == PEREGRINE_EVT_CODE_OPENAT2 || type == PEREGRINE_EVT_CODE_CREAT;
}

bool is_clone_call(uint16_t type) {
  return type == PEREGRINE_EVT_CODE_CLONE || type == PEREGRINE_EVT_CODE_CLONE3;
}

void append_errno(int64_t v, std::string& out) {
  out += std::to_string(v);
  if (v < 0) {
    std::string_view name = engine::errno_name(v);
    if (!name.empty()) {
      out += '(';
      out += name;
      out += ')';
    }
  }
}

// `is_result`: a negative value is an error code, not an fd argument like AT_FDCWD.
void append_fd(int64_t fd, const FdTable* fds, bool is_result, std::string& out) {
  if (is_result) {
    append_errno(fd, out);
  } else {
    out += std::to_string(fd);
    if (fd == AT_FDCWD) out += "(AT_FDCWD)";
  }
  const FdEntry* e = fds && fd >= 0 ? fds->find(fd) : nullptr;
  if (!e) return;
  out += "(<";
  out += fd_typechar(e->view.type);
  out += '>';
  out += e->view.name;
  out += ')';
}

void append_printable(std::span<const uint8_t> bytes, std::string& out) {
  for (uint8_t c : bytes) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
}

}  // namespace

char fd_typechar(engine::FdType type) {
  switch (type) {
    case engine::FdType::kFile: return 'f';
    case engine::FdType::kDirectory: return 'd';
    case engine::FdType::kIpv4: return '4';
    case engine::FdType::kIpv6: return '6';
    case engine::FdType::kUnix: return 'u';
    case engine::FdType::kPipe: return 'p';
    case engine::FdType::kEvent: return 'e';
    case engine::FdType::kSignalfd: return 's';
    case engine::FdType::kEventpoll: return 'l';
    case engine::FdType::kInotify: return 'i';
    case engine::FdType::kTimerfd: return 't';
    case engine::FdType::kNetlink: return 'n';
    case engine::FdType::kBpf: return 'b';
    case engine::FdType::kUserfaultfd: return 'u';
    case engine::FdType::kIoUring: return 'r';
    case engine::FdType::kMemfd: return 'm';
    case engine::FdType::kUnknown: break;
  }
  return 'o';
}

std::span<const engine::SyscallArg> ArgFormatter::format(const driver::RawEventView& raw, const FdTable* fds) {
  const driver::EventInfo& info = raw.info();
  buffer_.reset();
  size_t n = 0;

  // The result, as the schema names it.
  if (raw.type() != PEREGRINE_EVT_PROCEXIT) {
    std::string& text = texts_[n];
    text.clear();
    if (info.res_type == ParamType::kFd) append_fd(raw.res(), fds, true, text);
    else append_errno(raw.res(), text);
    args_[n].name = info.res_name;
    args_[n].text = text;
    args_[n].raw = raw.res();
    args_[n].has_raw = true;
    ++n;
  }

  const size_t count = std::min<size_t>(raw.nparams(), info.params.size());
  for (size_t i = 0; i < count && n < kMax; ++i) {
    const driver::ParamInfo& p = info.params[i];
    std::string& text = texts_[n];
    text.clear();
    engine::SyscallArg& arg = args_[n];
    arg.name = p.name;
    arg.raw = 0;
    arg.has_raw = false;
    auto idx = static_cast<uint32_t>(i);
    if (raw.param(idx).empty()) {
      // Absent: Falco prints <NA>.
      arg.text = text = "<NA>";
      ++n;
      continue;
    }
    switch (p.type) {
      case ParamType::kFd: {
        int64_t v = raw.as_int(idx).value_or(-1);
        append_fd(v, fds, false, text);
        arg.raw = v;
        arg.has_raw = true;
        break;
      }
      case ParamType::kS64:
      case ParamType::kS32:
      case ParamType::kPid:
      case ParamType::kSignal: {
        int64_t v = raw.as_int(idx).value_or(0);
        text = std::to_string(v);
        arg.raw = v;
        arg.has_raw = true;
        break;
      }
      case ParamType::kU64:
      case ParamType::kU32:
      case ParamType::kUid:
      case ParamType::kGid: {
        uint64_t v = raw.as_uint(idx).value_or(0);
        text = std::to_string(v);
        arg.raw = static_cast<int64_t>(v);
        arg.has_raw = true;
        break;
      }
      case ParamType::kFlags32:
      case ParamType::kFlags64: {
        uint64_t v = raw.as_uint(idx).value_or(0);
        if (p.name == "flags" && is_open_call(raw.type())) append_open_flags(v, text);
        else if (p.name == "flags" && is_clone_call(raw.type())) append_clone_flags(v, text);
        else text = std::to_string(v);
        arg.raw = static_cast<int64_t>(v);
        arg.has_raw = true;
        break;
      }
      case ParamType::kMode: {
        uint64_t v = raw.as_uint(idx).value_or(0);
        append_mode(v, text);
        arg.raw = static_cast<int64_t>(v);
        arg.has_raw = true;
        break;
      }
      case ParamType::kString:
      case ParamType::kFsPath:
        text = raw.as_string(idx).value_or("");
        break;
      case ParamType::kStrArray:
        if (auto items = raw.as_strings(idx)) {
          for (size_t k = 0; k < items->size(); ++k) {
            if (k) text += ' ';
            text += (*items)[k];
          }
        }
        break;
      case ParamType::kBytes:
        buffer_ = raw.param(idx);
        append_printable(raw.param(idx), text);
        break;
      case ParamType::kSockaddr:
        text = sockaddr_text(raw.param(idx));
        break;
      case ParamType::kSockTuple:
        if (auto t = raw.as_socktuple(idx)) {
          engine::FdView v;
          bool server = raw.type() == PEREGRINE_EVT_CODE_ACCEPT || raw.type() == PEREGRINE_EVT_CODE_ACCEPT4;
          apply_socktuple(*t, server, v);
          text = v.name;
        }
        break;
      case ParamType::kNone:
        break;
    }
    arg.text = text;
    ++n;
  }
  return {args_.data(), n};
}

}  // namespace peregrine::agent
