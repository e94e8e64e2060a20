// Extracts the evt.* fields (SyscallField kEvtFieldsBegin .. kProcFieldsBegin).

#include "engine/sources/syscall/errno_names.h"
#include "engine/sources/syscall/event_types.h"
#include "engine/sources/syscall/extractors.h"
#include "engine/sources/syscall/syscall_field_ids.h"

namespace peregrine::engine {

namespace {

// Linux open(2) flag bits (x86_64 values, octal as in the kernel headers). Spelled out here
// rather than taken from <fcntl.h> because they describe the traced kernel's ABI, not the
// build host's, and O_TMPFILE is only visible there with _GNU_SOURCE.
constexpr int64_t kOAccmode = 03;
constexpr int64_t kORdonly = 00;
constexpr int64_t kOWronly = 01;
constexpr int64_t kORdwr = 02;
constexpr int64_t kOCreat = 0100;
constexpr int64_t kOTrunc = 01000;
constexpr int64_t kOTmpfileBit = 020000000;  // __O_TMPFILE; O_TMPFILE adds O_DIRECTORY
constexpr int64_t kAnyExecBit = 0111;         // S_IXUSR | S_IXGRP | S_IXOTH

// What an open-family call asked for. Falco's semantics, which rules rely on:
//  - read/write come from the access mode alone. O_PATH opens count as reads, as they do in
//    Falco (its drivers map access mode 0 to "read" whatever the other bits).
//  - exec means the call may create the file (O_CREAT or O_TMPFILE) with an execute bit in
//    its mode: a new executable is being written. It does not mean "opened to execute"
//    (that is execve's business).
//  - creat() takes no flags; it behaves as O_CREAT|O_WRONLY|O_TRUNC.
struct OpenIntent {
  bool read = false;
  bool write = false;
  bool exec = false;
};

OpenIntent open_intent(const SyscallEvent& e) {
  OpenIntent intent;
  int64_t flags = 0;
  switch (e.type) {
    case kSysCreat: flags = kOCreat | kOWronly | kOTrunc; break;
    case kSysOpen:
    case kSysOpenat:
    case kSysOpenat2:
    case kSysOpenByHandleAt: {
      const SyscallArg* a = e.find_arg("flags");
      if (!a || !a->has_raw) return intent;
      flags = a->raw;
      break;
    }
    default: return intent;
  }
  int64_t access = flags & kOAccmode;
  intent.read = access == kORdonly || access == kORdwr;
  intent.write = access == kOWronly || access == kORdwr;
  if (flags & (kOCreat | kOTmpfileBit)) {
    const SyscallArg* mode = e.find_arg("mode");
    intent.exec = mode && mode->has_raw && (mode->raw & kAnyExecBit);
  }
  return intent;
}

// evt.arg[N] picks by position, evt.arg.NAME / evt.arg[NAME] by name.
const SyscallArg* select_arg(const SyscallEvent& e, const FieldRef& f) {
  size_t index = 0;
  if (key_is_index(f, index)) return index < e.args.size() ? &e.args[index] : nullptr;
  return e.find_arg(f.arg);
}

void append_args(const SyscallEvent& e, std::string& buf) {
  for (const SyscallArg& a : e.args) {
    if (!buf.empty()) buf += ' ';
    buf += a.name;
    buf += '=';
    buf += e.arg_text(a);
  }
}

// evt.is_open_*: on every open-family event in the stable rules; the switch below calls these
// and evt_field_extractor() hands them to the engine directly.
bool is_open_read(const Event& e, const FieldRef&, Extraction& out) {
  out.set_bool(open_intent(static_cast<const SyscallEvent&>(e)).read);
  return true;
}
bool is_open_write(const Event& e, const FieldRef&, Extraction& out) {
  out.set_bool(open_intent(static_cast<const SyscallEvent&>(e)).write);
  return true;
}
bool is_open_exec(const Event& e, const FieldRef&, Extraction& out) {
  out.set_bool(open_intent(static_cast<const SyscallEvent&>(e)).exec);
  return true;
}

}  // namespace

FieldExtractor evt_field_extractor(uint32_t id) {
  switch (static_cast<SyscallField>(id)) {
    case kEvtIsOpenRead: return &is_open_read;
    case kEvtIsOpenWrite: return &is_open_write;
    case kEvtIsOpenExec: return &is_open_exec;
    default: return &as_field_extractor<extract_evt_field>;
  }
}

bool extract_evt_field(const SyscallEvent& e, const FieldRef& f, Extraction& out) {
  switch (static_cast<SyscallField>(f.info->id)) {
    case kEvtType: {
      std::string_view name = syscall_event_types().name(e.type);
      if (name.empty()) return false;
      out.set_string(name);
      return true;
    }
    case kEvtDir:
      if (e.direction == '<') out.set_string("<");
      else if (e.direction == '>') out.set_string(">");
      else return false;
      return true;
    case kEvtRes: {
      if (!e.res) return false;
      if (*e.res >= 0) {
        out.set_string("SUCCESS");
        return true;
      }
      std::string_view name = errno_name(*e.res);
      // An error Linux has no name for (a kernel-internal one) prints as its number.
      out.set_string(name.empty() ? own_number(out, *e.res) : name);
      return true;
    }
    case kEvtRawres:
      if (!e.res) return false;
      out.set_int(*e.res);
      return true;
    case kEvtFailed:
      out.set_bool(e.res && *e.res < 0);
      return true;
    case kEvtArgs:
    case kEvtInfo: {
      std::string& buf = out.own_buffer();
      append_args(e, buf);
      out.set_string(buf);
      return true;
    }
    case kEvtArg: {
      const SyscallArg* a = select_arg(e, f);
      if (!a) return false;
      out.set_string(e.arg_text(*a));
      return true;
    }
    case kEvtRawarg: {
      const SyscallArg* a = select_arg(e, f);
      if (!a || !a->has_raw) return false;
      out.set_int(a->raw);
      return true;
    }
    case kEvtIsOpenRead: return is_open_read(e, f, out);
    case kEvtIsOpenWrite: return is_open_write(e, f, out);
    case kEvtIsOpenExec: return is_open_exec(e, f, out);
    case kEvtBuffer:
      if (!e.buffer) return false;
      out.set_string(std::string_view(reinterpret_cast<const char*>(e.buffer->data()),
                                      e.buffer->size()));
      return true;
    case kEvtBuflen:
      if (!e.buffer) return false;
      out.set_uint(e.buffer->size());
      return true;
    case kEvtPlugininfo: return false;  // no plugins on this platform
    default: return false;
  }
}

}  // namespace peregrine::engine
