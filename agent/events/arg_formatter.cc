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
  raw_ = raw;
  fds_ = fds;
  buffer_.reset();
  formatted_.fill(false);
  size_t n = 0;

  // The result, as the schema names it.
  has_result_ = raw.type() != PEREGRINE_EVT_PROCEXIT;
  if (has_result_) {
    engine::SyscallArg& arg = args_[n];
    arg.name = info.res_name;
    arg.text = {};
    arg.raw = raw.res();
    arg.has_raw = true;
    ++n;
  }

  const size_t count = std::min<size_t>(raw.nparams(), info.params.size());
  for (size_t i = 0; i < count && n < kMax; ++i) {
    const driver::ParamInfo& p = info.params[i];
    engine::SyscallArg& arg = args_[n];
    arg.name = p.name;
    arg.text = {};
    arg.raw = 0;
    arg.has_raw = false;
    ++n;
    auto idx = static_cast<uint32_t>(i);
    if (raw.param(idx).empty()) continue;  // absent: no raw value
    switch (p.type) {
      case ParamType::kFd:
        arg.raw = raw.as_int(idx).value_or(-1);
        arg.has_raw = true;
        break;
      case ParamType::kS64:
      case ParamType::kS32:
      case ParamType::kPid:
      case ParamType::kSignal:
        arg.raw = raw.as_int(idx).value_or(0);
        arg.has_raw = true;
        break;
      case ParamType::kU64:
      case ParamType::kU32:
      case ParamType::kUid:
      case ParamType::kGid:
      case ParamType::kFlags32:
      case ParamType::kFlags64:
      case ParamType::kMode:
        arg.raw = static_cast<int64_t>(raw.as_uint(idx).value_or(0));
        arg.has_raw = true;
        break;
      case ParamType::kBytes:
        buffer_ = raw.param(idx);
        break;
      default:
        break;
    }
  }
  return {args_.data(), n};
}

std::string_view ArgFormatter::arg_text(size_t index) const {
  if (index >= kMax) return {};
  std::string& text = texts_[index];
  if (!formatted_[index]) {
    text.clear();
    format_text(index, text);
    formatted_[index] = true;
  }
  return text;
}

void ArgFormatter::format_text(size_t index, std::string& text) const {
  if (!raw_) return;
  const driver::RawEventView& raw = *raw_;
  const driver::EventInfo& info = raw.info();
  const engine::SyscallArg& arg = args_[index];
  if (has_result_ && index == 0) {
    if (info.res_type == ParamType::kFd) append_fd(raw.res(), fds_, true, text);
    else append_errno(raw.res(), text);
    return;
  }
  const size_t i = index - (has_result_ ? 1 : 0);
  const driver::ParamInfo& p = info.params[i];
  auto idx = static_cast<uint32_t>(i);
  if (raw.param(idx).empty()) {
    text = "<NA>";  // as Falco prints an absent parameter
    return;
  }
  switch (p.type) {
    case ParamType::kFd:
      append_fd(arg.raw, fds_, false, text);
      break;
    case ParamType::kS64:
    case ParamType::kS32:
    case ParamType::kPid:
    case ParamType::kSignal:
      text = std::to_string(arg.raw);
      break;
    case ParamType::kU64:
    case ParamType::kU32:
    case ParamType::kUid:
    case ParamType::kGid:
      text = std::to_string(static_cast<uint64_t>(arg.raw));
      break;
    case ParamType::kFlags32:
    case ParamType::kFlags64: {
      auto v = static_cast<uint64_t>(arg.raw);
      if (p.name == "flags" && is_open_call(raw.type())) append_open_flags(v, text);
      else if (p.name == "flags" && is_clone_call(raw.type())) append_clone_flags(v, text);
      else text = std::to_string(v);
      break;
    }
    case ParamType::kMode:
      append_mode(static_cast<uint64_t>(arg.raw), text);
      break;
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
}

}  // namespace peregrine::agent
