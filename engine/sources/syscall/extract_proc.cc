// Extracts the proc.* and thread.* fields (SyscallField kProcFieldsBegin .. kFdFieldsBegin).
//
// Ancestry follows Falco: level 0 is the process itself, 1 its parent, and so on. The
// ancestor fields without an index (proc.aname, proc.apid, ...) mean "any ancestor" — the
// process's parents, not the process itself — and come back as a list of every known
// ancestor's value, so `proc.aname = sshd` holds when any one of them is sshd.

#include <array>

#include "engine/sources/syscall/capability_names.h"
#include "engine/sources/syscall/extractors.h"
#include "engine/sources/syscall/syscall_field_ids.h"

namespace peregrine::engine {

namespace {

const ThreadView* ancestor(const ThreadView* t, uint64_t level) {
  if (level > static_cast<uint64_t>(kMaxAncestorDepth)) return nullptr;
  for (uint64_t i = 0; t && i < level; ++i) t = t->parent;
  return t;
}

std::string_view cmdline(const ThreadView& t, Extraction& out) {
  std::string& buf = out.own_buffer();
  buf = t.comm;
  for (const std::string& a : t.args) {
    buf += ' ';
    buf += a;
  }
  return buf;
}

using Getter = std::string_view (*)(const ThreadView&, Extraction&);

std::string_view get_name(const ThreadView& t, Extraction&) { return t.comm; }
std::string_view get_exe(const ThreadView& t, Extraction&) { return t.exe; }
std::string_view get_exepath(const ThreadView& t, Extraction&) { return t.exepath; }
std::string_view get_pid(const ThreadView& t, Extraction& out) { return own_number(out, t.pid); }

// The ancestor fields: by level with an index, else a list over every ancestor.
bool ancestor_field(const ThreadView& t, const FieldRef& f, Getter get, Extraction& out) {
  if (f.has_arg) {
    const ThreadView* a = ancestor(&t, f.arg_index);
    if (!a) return false;
    out.set_string(get(*a, out));
    return true;
  }
  if (!t.parent) return false;
  out.begin_list();
  const ThreadView* a = t.parent;
  for (int depth = 0; a && depth < kMaxAncestorDepth; ++depth, a = a->parent) {
    out.add_item(get(*a, out));
  }
  return true;
}

bool apid_field(const ThreadView& t, const FieldRef& f, Extraction& out) {
  if (f.has_arg) {
    const ThreadView* a = ancestor(&t, f.arg_index);
    if (!a || a->pid < 0) return false;
    out.set_int(a->pid);
    return true;
  }
  return ancestor_field(t, f, get_pid, out);
}

// The eldest process, walking up from `t`, that shares t's value of `key` (session or process
// group): Falco's notion of the session / group leader when the leader itself may be gone.
const ThreadView* eldest_sharing(const ThreadView& t, int64_t ThreadView::*key) {
  const ThreadView* leader = &t;
  const ThreadView* p = t.parent;
  for (int depth = 0; p && depth < kMaxAncestorDepth && p->*key == t.*key; ++depth) {
    leader = p;
    p = p->parent;
  }
  return leader;
}

bool is_shell(std::string_view comm) {
  static constexpr std::array<std::string_view, 10> kShells = {
      "ash", "bash", "csh", "dash", "fish", "ksh", "mksh", "sh", "tcsh", "zsh"};
  for (std::string_view s : kShells) {
    if (comm == s) return true;
  }
  return false;
}

bool set_id(int64_t id, Extraction& out) {
  if (id < 0) return false;  // -1: unknown
  out.set_int(id);
  return true;
}

bool set_time(uint64_t ns, Extraction& out) {
  if (ns == 0) return false;
  out.set_uint(ns);
  return true;
}

bool set_since(uint64_t now, uint64_t start, Extraction& out) {
  if (start == 0 || now < start) return false;
  out.set_uint(now - start);
  return true;
}

bool set_caps(uint64_t mask, Extraction& out) {
  std::string& buf = out.own_buffer();
  append_capabilities(mask, buf);
  out.set_string(buf);
  return true;
}

bool env_field(const ThreadView& t, const FieldRef& f, Extraction& out) {
  if (!f.has_arg) {
    std::string& buf = out.own_buffer();
    append_joined(buf, t.env, " ");
    out.set_string(buf);
    return true;
  }
  for (const std::string& entry : t.env) {
    std::string_view v = entry;
    if (v.size() > f.arg.size() && v[f.arg.size()] == '=' && v.starts_with(f.arg)) {
      out.set_string(v.substr(f.arg.size() + 1));
      return true;
    }
  }
  return false;
}

// proc.name, the field rules read most: the switch below calls it and proc_field_extractor()
// hands it to the engine directly.
bool proc_name(const Event& event, const FieldRef&, Extraction& out) {
  const auto& e = static_cast<const SyscallEvent&>(event);
  if (!e.thread) return false;
  out.set_string(e.thread->comm);
  return true;
}

}  // namespace

FieldExtractor proc_field_extractor(uint32_t id) {
  if (id == kProcName) return &proc_name;
  return &as_field_extractor<extract_proc_field>;
}

bool extract_proc_field(const SyscallEvent& e, const FieldRef& f, Extraction& out) {
  if (!e.thread) return false;
  const ThreadView& t = *e.thread;
  const ThreadView* parent = t.parent;
  const auto id = static_cast<SyscallField>(f.info->id);

  // Fields of the parent: missing when the parent is not known.
  switch (id) {
    case kProcPname:
    case kProcPexe:
    case kProcPexepath:
    case kProcPcmdline:
    case kProcPvpid:
    case kProcPpidDuration:
    case kProcPpidTs:
      if (!parent) return false;
      break;
    default: break;
  }

  switch (id) {
    case kProcName: return proc_name(e, f, out);
    case kProcPname: out.set_string(parent->comm); return true;
    case kProcAname: return ancestor_field(t, f, get_name, out);
    case kProcExe: out.set_string(t.exe); return true;
    case kProcPexe: out.set_string(parent->exe); return true;
    case kProcAexe: return ancestor_field(t, f, get_exe, out);
    case kProcExepath: out.set_string(t.exepath); return true;
    case kProcPexepath: out.set_string(parent->exepath); return true;
    case kProcAexepath: return ancestor_field(t, f, get_exepath, out);
    case kProcArgs: {
      std::string& buf = out.own_buffer();
      append_joined(buf, t.args, " ");
      out.set_string(buf);
      return true;
    }
    case kProcCmdline: out.set_string(cmdline(t, out)); return true;
    case kProcPcmdline: out.set_string(cmdline(*parent, out)); return true;
    case kProcAcmdline: return ancestor_field(t, f, cmdline, out);
    case kProcCmdnargs: out.set_uint(t.args.size()); return true;
    case kProcCmdlenargs: {
      uint64_t n = 0;
      for (const std::string& a : t.args) n += a.size();
      out.set_uint(n);
      return true;
    }
    case kProcExeline: {
      std::string& buf = out.own_buffer();
      buf = t.exe;
      for (const std::string& a : t.args) {
        buf += ' ';
        buf += a;
      }
      out.set_string(buf);
      return true;
    }
    case kProcEnv: return env_field(t, f, out);
    case kProcCwd: out.set_string(t.cwd); return true;
    case kProcLoginshellid: {
      const ThreadView* shell = nullptr;
      const ThreadView* p = &t;
      for (int depth = 0; p && depth <= kMaxAncestorDepth; ++depth, p = p->parent) {
        if (is_shell(p->comm)) shell = p;
      }
      return shell && set_id(shell->pid, out);
    }
    case kProcTty: out.set_uint(t.tty); return true;
    case kProcPid: return set_id(t.pid, out);
    case kProcPpid: return set_id(t.ppid, out);
    case kProcApid: return apid_field(t, f, out);
    case kProcVpid: return set_id(t.vpid, out);
    case kProcPvpid: return set_id(parent->vpid, out);
    case kProcSid: return set_id(t.sid, out);
    case kProcSname: out.set_string(eldest_sharing(t, &ThreadView::sid)->comm); return true;
    case kProcSidExe: out.set_string(eldest_sharing(t, &ThreadView::sid)->exe); return true;
    case kProcSidExepath:
      out.set_string(eldest_sharing(t, &ThreadView::sid)->exepath);
      return true;
    case kProcVpgid: return set_id(t.vpgid, out);
    case kProcVpgidName: out.set_string(eldest_sharing(t, &ThreadView::vpgid)->comm); return true;
    case kProcVpgidExe: out.set_string(eldest_sharing(t, &ThreadView::vpgid)->exe); return true;
    case kProcVpgidExepath:
      out.set_string(eldest_sharing(t, &ThreadView::vpgid)->exepath);
      return true;
    case kProcDuration: return set_since(e.timestamp_ns, t.start_ts_ns, out);
    case kProcPpidDuration: return set_since(e.timestamp_ns, parent->start_ts_ns, out);
    case kProcPidTs: return set_time(t.start_ts_ns, out);
    case kProcPpidTs: return set_time(parent->start_ts_ns, out);
    case kProcIsExeWritable: out.set_bool(t.exe_writable); return true;
    case kProcIsExeUpperLayer: out.set_bool(t.exe_upper_layer); return true;
    case kProcIsExeFromMemfd: out.set_bool(t.exe_from_memfd); return true;
    case kProcIsSidLeader: out.set_bool(t.sid >= 0 && t.sid == t.vpid); return true;
    case kProcIsVpgidLeader: out.set_bool(t.vpgid >= 0 && t.vpgid == t.vpid); return true;
    case kProcExeIno:
      if (t.exe_ino == 0) return false;
      out.set_int(t.exe_ino);
      return true;
    case kProcExeInoCtime: return set_time(t.exe_ino_ctime_ns, out);
    case kProcExeInoMtime: return set_time(t.exe_ino_mtime_ns, out);
    case kProcExeInoCtimeDurationProcStart:
      // From the file's last change to the process's start; missing if the change came later.
      if (t.exe_ino_ctime_ns == 0) return false;
      return set_since(t.start_ts_ns, t.exe_ino_ctime_ns, out);
    case kProcExeInoCtimeDurationPidnsStart:
      if (t.pidns_init_start_ts_ns == 0 || t.exe_ino_ctime_ns == 0) return false;
      return set_since(t.exe_ino_ctime_ns, t.pidns_init_start_ts_ns, out);
    case kProcPidnsInitStartTs: return set_time(t.pidns_init_start_ts_ns, out);
    case kThreadTid: return set_id(t.tid, out);
    case kThreadVtid: return set_id(t.vtid, out);
    case kThreadIsmain: out.set_bool(t.tid >= 0 && t.tid == t.pid); return true;
    case kThreadCapPermitted: return set_caps(t.cap_permitted, out);
    case kThreadCapEffective: return set_caps(t.cap_effective, out);
    case kThreadCapInheritable: return set_caps(t.cap_inheritable, out);
    case kThreadCgroups: {
      if (t.cgroups.empty()) return false;
      std::string& buf = out.own_buffer();
      for (const CgroupView& c : t.cgroups) {
        if (!buf.empty()) buf += ' ';
        buf += c.subsystem;
        buf += '=';
        buf += c.path;
      }
      out.set_string(buf);
      return true;
    }
    case kThreadCgroup:
      for (const CgroupView& c : t.cgroups) {
        if (c.subsystem == f.arg) {
          out.set_string(c.path);
          return true;
        }
      }
      return false;
    default: return false;
  }
}

}  // namespace peregrine::engine
