// The proc.* and thread.* fields of the syscall source.

#include "engine/sources/syscall/field_defs.h"

namespace peregrine::engine {

namespace {

constexpr const char* kExeInodeNote =
    "Needs the driver to report the executable's inode; missing when it does not.";
constexpr const char* kCgroupNote = "Missing when the agent could not read the thread's cgroups.";

}  // namespace

std::vector<FieldDef> proc_field_defs() {
  using enum FieldType;
  const ArgForm kAncestor = ArgForm::kOptionalIndex;
  return {
      {kProcName, "proc.name", kString,
       "Name of the process as the kernel keeps it (comm, at most 15 characters)."},
      {kProcPname, "proc.pname", kString, "proc.name of the parent process."},
      {kProcAname, "proc.aname", kString,
       "proc.name of an ancestor: [0] is the process, [1] its parent, [2] the grandparent; "
       "without an index it matches any ancestor.",
       kAncestor},
      {kProcExe, "proc.exe", kString,
       "First command-line argument (argv[0]), usually but not always the program's name."},
      {kProcPexe, "proc.pexe", kString, "proc.exe of the parent process."},
      {kProcAexe, "proc.aexe", kString,
       "proc.exe of an ancestor by level, or of any ancestor without an index.", kAncestor},
      {kProcExepath, "proc.exepath", kString,
       "Full path of the program file the process runs, with symlinks resolved."},
      {kProcPexepath, "proc.pexepath", kString, "proc.exepath of the parent process."},
      {kProcAexepath, "proc.aexepath", kString,
       "proc.exepath of an ancestor by level, or of any ancestor without an index.", kAncestor},
      {kProcArgs, "proc.args", kString,
       "Command-line arguments after argv[0], joined by spaces."},
      {kProcCmdline, "proc.cmdline", kString,
       "proc.name followed by the arguments: the command line as rules usually match it."},
      {kProcPcmdline, "proc.pcmdline", kString, "proc.cmdline of the parent process."},
      {kProcAcmdline, "proc.acmdline", kString,
       "proc.cmdline of an ancestor by level, or of any ancestor without an index.", kAncestor},
      {kProcCmdnargs, "proc.cmdnargs", kUint64, "Number of command-line arguments after argv[0]."},
      {kProcCmdlenargs, "proc.cmdlenargs", kUint64,
       "Total length of the arguments after argv[0], not counting separators."},
      {kProcExeline, "proc.exeline", kString, "proc.exe followed by the arguments."},
      {kProcEnv, "proc.env", kString,
       "Environment of the process as NAME=value pairs joined by spaces, or with [NAME] the "
       "value of one variable.",
       ArgForm::kOptionalKey},
      {kProcCwd, "proc.cwd", kString, "Current working directory of the process."},
      {kProcLoginshellid, "proc.loginshellid", kInt64,
       "pid of the eldest shell among the process and its ancestors; tells user sessions "
       "apart."},
      {kProcTty, "proc.tty", kUint64, "Controlling terminal of the process; 0 when it has none."},
      {kProcPid, "proc.pid", kInt64, "Process id (thread group id) on the host."},
      {kProcPpid, "proc.ppid", kInt64, "Process id of the parent."},
      {kProcApid, "proc.apid", kInt64,
       "Process id of an ancestor by level, or of any ancestor without an index.", kAncestor},
      {kProcVpid, "proc.vpid", kInt64, "Process id as seen inside the process's pid namespace."},
      {kProcPvpid, "proc.pvpid", kInt64, "proc.vpid of the parent process."},
      {kProcSid, "proc.sid", kInt64, "Session id of the process."},
      {kProcSname, "proc.sname", kString,
       "Name of the session leader: the eldest known ancestor in the same session."},
      {kProcSidExe, "proc.sid.exe", kString, "proc.exe of the session leader."},
      {kProcSidExepath, "proc.sid.exepath", kString, "proc.exepath of the session leader."},
      {kProcVpgid, "proc.vpgid", kInt64,
       "Process group id as seen inside the process's pid namespace."},
      {kProcVpgidName, "proc.vpgid.name", kString,
       "Name of the process group leader: the eldest known ancestor in the same group."},
      {kProcVpgidExe, "proc.vpgid.exe", kString, "proc.exe of the process group leader."},
      {kProcVpgidExepath, "proc.vpgid.exepath", kString,
       "proc.exepath of the process group leader."},
      {kProcDuration, "proc.duration", kRelTime, "Nanoseconds since the process started."},
      {kProcPpidDuration, "proc.ppid.duration", kRelTime,
       "Nanoseconds since the parent process started."},
      {kProcPidTs, "proc.pid.ts", kAbsTime, "Start time of the process."},
      {kProcPpidTs, "proc.ppid.ts", kAbsTime, "Start time of the parent process."},
      {kProcIsExeWritable, "proc.is_exe_writable", kBool,
       "True when the user that started the process may write its program file."},
      {kProcIsExeUpperLayer, "proc.is_exe_upper_layer", kBool,
       "True when the program file lives in an overlayfs upper layer: it was added or changed "
       "after the container image was built.",
       ArgForm::kNone, "Needs driver support for overlayfs; false when the driver cannot tell."},
      {kProcIsExeFromMemfd, "proc.is_exe_from_memfd", kBool,
       "True when the program runs from an in-memory file made with memfd_create (fileless "
       "execution)."},
      {kProcIsSidLeader, "proc.is_sid_leader", kBool,
       "True when the process leads its session (proc.sid equals proc.vpid)."},
      {kProcIsVpgidLeader, "proc.is_vpgid_leader", kBool,
       "True when the process leads its process group (proc.vpgid equals proc.vpid), as a "
       "command typed at a shell does."},
      {kProcExeIno, "proc.exe_ino", kInt64, "Inode number of the program file.", ArgForm::kNone,
       kExeInodeNote},
      {kProcExeInoCtime, "proc.exe_ino.ctime", kAbsTime,
       "Last status change time (ctime) of the program file.", ArgForm::kNone, kExeInodeNote},
      {kProcExeInoMtime, "proc.exe_ino.mtime", kAbsTime,
       "Last modification time (mtime) of the program file.", ArgForm::kNone, kExeInodeNote},
      {kProcExeInoCtimeDurationProcStart, "proc.exe_ino.ctime_duration_proc_start", kAbsTime,
       "Nanoseconds from the program file's last status change to the start of the process; "
       "small values mean it ran right after being written.",
       ArgForm::kNone, kExeInodeNote},
      {kProcExeInoCtimeDurationPidnsStart, "proc.exe_ino.ctime_duration_pidns_start", kAbsTime,
       "Nanoseconds from the start of the pid namespace to the program file's last status "
       "change, when the change came later.",
       ArgForm::kNone, kExeInodeNote},
      {kProcPidnsInitStartTs, "proc.pidns_init_start_ts", kAbsTime,
       "Start time of the init process of the process's pid namespace (for a container, "
       "roughly its start)."},
      {kThreadTid, "thread.tid", kInt64, "Id of the thread that made the call."},
      {kThreadVtid, "thread.vtid", kInt64, "Thread id as seen inside its pid namespace."},
      {kThreadIsmain, "thread.ismain", kBool, "True when the thread is its process's main thread."},
      {kThreadCapPermitted, "thread.cap_permitted", kString,
       "Permitted capability set of the thread as CAP_* names separated by spaces."},
      {kThreadCapEffective, "thread.cap_effective", kString,
       "Effective capability set of the thread as CAP_* names separated by spaces."},
      {kThreadCapInheritable, "thread.cap_inheritable", kString,
       "Inheritable capability set of the thread as CAP_* names separated by spaces."},
      {kThreadCgroups, "thread.cgroups", kString,
       "Every cgroup of the thread as subsystem=path pairs separated by spaces.", ArgForm::kNone,
       kCgroupNote},
      {kThreadCgroup, "thread.cgroup", kString,
       "Cgroup path of the thread for one subsystem, e.g. thread.cgroup.cpu.",
       ArgForm::kRequiredDotted, kCgroupNote},
  };
}

}  // namespace peregrine::engine
