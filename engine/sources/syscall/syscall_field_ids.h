#pragma once
// Ids of the syscall source's fields: the position of each in its FieldRegistry. This enum is
// the single source of the order. The definition tables (fields_*.cc) name the id of every
// entry and syscall_fields() places each entry at its id, so a table cannot drift from the
// enum: a missing or doubled entry fails the registry test.
//
// Fields are grouped by class, and each class's extractor handles one contiguous range.

#include <cstdint>

#include "engine/sources/generic_fields.h"

namespace peregrine::engine {

enum SyscallField : uint32_t {
  // --- evt.* (extract_evt.cc) ----------------------------------------------------------
  kEvtType = kGenericFieldCount,
  kEvtDir,
  kEvtRes,
  kEvtRawres,
  kEvtFailed,
  kEvtArgs,
  kEvtInfo,
  kEvtArg,
  kEvtRawarg,
  kEvtIsOpenRead,
  kEvtIsOpenWrite,
  kEvtIsOpenExec,
  kEvtBuffer,
  kEvtBuflen,
  kEvtPlugininfo,

  // --- proc.* and thread.* (extract_proc.cc) ----------------------------------------------
  kProcName,
  kProcPname,
  kProcAname,
  kProcExe,
  kProcPexe,
  kProcAexe,
  kProcExepath,
  kProcPexepath,
  kProcAexepath,
  kProcArgs,
  kProcCmdline,
  kProcPcmdline,
  kProcAcmdline,
  kProcCmdnargs,
  kProcCmdlenargs,
  kProcExeline,
  kProcEnv,
  kProcCwd,
  kProcLoginshellid,
  kProcTty,
  kProcPid,
  kProcPpid,
  kProcApid,
  kProcVpid,
  kProcPvpid,
  kProcSid,
  kProcSname,
  kProcSidExe,
  kProcSidExepath,
  kProcVpgid,
  kProcVpgidName,
  kProcVpgidExe,
  kProcVpgidExepath,
  kProcDuration,
  kProcPpidDuration,
  kProcPidTs,
  kProcPpidTs,
  kProcIsExeWritable,
  kProcIsExeUpperLayer,
  kProcIsExeFromMemfd,
  kProcIsSidLeader,
  kProcIsVpgidLeader,
  kProcExeIno,
  kProcExeInoCtime,
  kProcExeInoMtime,
  kProcExeInoCtimeDurationProcStart,
  kProcExeInoCtimeDurationPidnsStart,
  kProcPidnsInitStartTs,
  kThreadTid,
  kThreadVtid,
  kThreadIsmain,
  kThreadCapPermitted,
  kThreadCapEffective,
  kThreadCapInheritable,
  kThreadCgroups,
  kThreadCgroup,

  // --- fd.* (extract_fd.cc) --------------------------------------------------------------
  kFdNum,
  kFdType,
  kFdTypechar,
  kFdName,
  kFdNameraw,
  kFdDirectory,
  kFdFilename,
  kFdIno,
  kFdIp,
  kFdCip,
  kFdSip,
  kFdLip,
  kFdRip,
  kFdPort,
  kFdCport,
  kFdSport,
  kFdLport,
  kFdRport,
  kFdNet,
  kFdCnet,
  kFdSnet,
  kFdLnet,
  kFdRnet,
  kFdL4proto,
  kFdSockfamily,
  kFdIsServer,
  kFdConnected,
  kFdNameChanged,
  kFdCipName,
  kFdSipName,
  kFdLipName,
  kFdRipName,

  // --- user.* and group.* (extract_user.cc) -----------------------------------------------
  kUserUid,
  kUserName,
  kUserHomedir,
  kUserShell,
  kUserLoginuid,
  kUserLoginname,
  kGroupGid,
  kGroupName,

  // --- container.* and k8s.* (extract_container.cc) ---------------------------------------
  kContainerId,
  kContainerFullId,
  kContainerName,
  kContainerType,
  kContainerImage,
  kContainerImageId,
  kContainerImageRepository,
  kContainerImageTag,
  kContainerImageDigest,
  kContainerIp,
  kContainerPrivileged,
  kContainerMounts,
  kContainerMount,
  kContainerMountSource,
  kContainerMountDest,
  kContainerMountMode,
  kContainerMountRdwr,
  kContainerMountPropagation,
  kContainerStartTs,
  kContainerDuration,
  kK8sNsName,
  kK8sPodName,
  kK8sPodUid,
  kK8sPodId,
  kK8sPodIp,
  kK8sPodLabels,
  kK8sPodLabel,

  kSyscallFieldCount,
};

// First id of each extractor's range; a range ends where the next begins.
inline constexpr uint32_t kEvtFieldsBegin = kEvtType;
inline constexpr uint32_t kProcFieldsBegin = kProcName;
inline constexpr uint32_t kFdFieldsBegin = kFdNum;
inline constexpr uint32_t kUserFieldsBegin = kUserUid;
inline constexpr uint32_t kContainerFieldsBegin = kContainerId;

}  // namespace peregrine::engine
