// The evt.* fields of the syscall source (beyond the generic ones every source has).

#include "engine/sources/syscall/field_defs.h"

namespace peregrine::engine {

std::vector<FieldDef> evt_field_defs() {
  using enum FieldType;
  return {
      {kEvtType, "evt.type", kString,
       "Name of the event: the syscall (open, execve, connect, ...) or a non-syscall event "
       "such as procexit."},
      {kEvtDir, "evt.dir", kString,
       "Direction of the event: '<' for a call's exit (the usual case; enter parameters are "
       "merged into it), '>' for an enter."},
      {kEvtRes, "evt.res", kString,
       "Outcome of the call: SUCCESS when it returned zero or more, otherwise the error's "
       "name (ENOENT, EACCES, ...)."},
      {kEvtRawres, "evt.rawres", kInt64,
       "Return value of the call as a number; negative values are minus the errno."},
      {kEvtFailed, "evt.failed", kBool, "True when the call returned an error."},
      {kEvtArgs, "evt.args", kString,
       "Every parameter of the event as one string of name=value pairs separated by spaces."},
      {kEvtInfo, "evt.info", kString,
       "Human-readable detail of the event; for syscalls the same text as evt.args."},
      {kEvtArg, "evt.arg", kString,
       "One parameter of the event as text, chosen by name (evt.arg.flags, evt.arg[flags]) "
       "or by position (evt.arg[0]).",
       ArgForm::kRequiredDotted},
      {kEvtRawarg, "evt.rawarg", kInt64,
       "One numeric parameter of the event as its raw number (flags as the Linux bits the "
       "kernel received), chosen by name or position.",
       ArgForm::kRequiredDotted},
      {kEvtIsOpenRead, "evt.is_open_read", kBool,
       "True for open, openat, openat2, open_by_handle_at and creat when the file was opened "
       "for reading."},
      {kEvtIsOpenWrite, "evt.is_open_write", kBool,
       "True for the open family of calls when the file was opened for writing."},
      {kEvtIsOpenExec, "evt.is_open_exec", kBool,
       "True for the open family of calls that create a file (O_CREAT or O_TMPFILE) with an "
       "execute permission bit in its mode."},
      {kEvtBuffer, "evt.buffer", kBytes,
       "Data buffer of the call (what read or write moved), as raw bytes."},
      {kEvtBuflen, "evt.buflen", kUint64, "Length in bytes of evt.buffer."},
      {kEvtPlugininfo, "evt.plugininfo", kString,
       "Summary of an event produced by a Falco plugin.", ArgForm::kNone,
       "Peregrine has no plugin framework: always missing."},
  };
}

}  // namespace peregrine::engine
