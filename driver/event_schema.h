/* SPDX-License-Identifier: Apache-2.0 OR GPL-2.0-only */
/*
 * The event schema every Peregrine driver writes and the agent reads: the eBPF probe
 * (driver/bpf), the kernel module (driver/kmod) and the user-space reader (driver/reader).
 * Plain C with fixed-width kernel types and explicit padding, so BPF C, kernel C and C++ all
 * include it. Layout, in little-endian byte order (see driver/README.md):
 *
 *   struct peregrine_event_hdr   48 bytes
 *   __u16 lens[nparams]          byte length of each parameter; 0 = absent
 *   data                         the parameters back to back, in table order, no padding
 *
 * hdr.len is the whole record: 48 + 2 * nparams + sum(lens). A buffer may be longer than
 * hdr.len (trailing bytes are ignored), never shorter.
 *
 * Compatibility: PEREGRINE_SCHEMA_VERSION changes whenever a layout changes. Within one
 * version, changes are additive only: new event types, new parameters appended to the end of
 * an event's list (readers take nparams from the record, so older records still decode).
 */
#ifndef PEREGRINE_DRIVER_EVENT_SCHEMA_H
#define PEREGRINE_DRIVER_EVENT_SCHEMA_H

/* BPF C includes vmlinux.h first, which provides the __u8.. types. */
#if !defined(__VMLINUX_H__)
#include <linux/types.h>
#endif

#ifdef __cplusplus
#define PEREGRINE_SCHEMA_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define PEREGRINE_SCHEMA_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#define PEREGRINE_SCHEMA_VERSION 1
/* The bytes "PRGN" read as a little-endian __u32. */
#define PEREGRINE_EVENT_MAGIC 0x4E475250u

/* Limits a driver applies; a value cut to fit sets PEREGRINE_EVF_TRUNCATED. */
#define PEREGRINE_MAX_PARAMS 16       /* parameters in one event */
#define PEREGRINE_MAX_EVENT_SIZE 16384 /* hdr.len never exceeds this */
#define PEREGRINE_MAX_PATH 4096       /* STRING/FSPATH, including the NUL */
#define PEREGRINE_MAX_STRARRAY 4096   /* STRARRAY (argv, env) */
#define PEREGRINE_MAX_SOCKADDR 128    /* SOCKADDR, sizeof(struct sockaddr_storage) */
#define PEREGRINE_DATA_SNAPLEN 80     /* BYTES (sendto/recvfrom data) */
#define PEREGRINE_COMM_LEN 16         /* task comm, including the NUL */

/* ---------------------------------------------------------------- event header */

/* hdr.flags bits */
#define PEREGRINE_EVF_TRUNCATED (1u << 0)  /* at least one parameter was cut short */
#define PEREGRINE_EVF_NO_ENTER (1u << 1)   /* the call's entry was not seen: params absent */
/* ts_ns is not this event's own time but a time no later than it (the driver skipped its
 * clock read for an event only the state layer reads; the eBPF probe leaves the time of the
 * previous record it wrote on that CPU). Readers that need a time use the last one they saw. */
#define PEREGRINE_EVF_UNTIMED (1u << 2)

struct peregrine_event_hdr {
	__u32 magic;    /* PEREGRINE_EVENT_MAGIC */
	__u16 version;  /* PEREGRINE_SCHEMA_VERSION */
	__u16 type;     /* event type code, below */
	__u32 len;      /* whole record in bytes, header included */
	__u16 nparams;  /* entries in the lens array, <= PEREGRINE_MAX_PARAMS */
	__u16 flags;    /* PEREGRINE_EVF_* */
	__u64 ts_ns;    /* CLOCK_BOOTTIME nanoseconds when the event was emitted */
	__u32 tid;      /* thread id (kernel pid), initial pid namespace */
	__u32 pid;      /* process id (kernel tgid), initial pid namespace */
	__s64 res;      /* syscall return value (-errno on failure); 0 for other events */
	__u32 cpu;      /* cpu the event was emitted on */
	/* fd + 1 of a close(fd) this thread made, successfully, after its previous record and before
	 * this event; 0 = none. A driver may fold such a state-only close into the thread's next
	 * record instead of writing one of its own (driver/README.md). Readers apply it first. */
	__u32 prior_close;
};

PEREGRINE_SCHEMA_ASSERT(sizeof(struct peregrine_event_hdr) == 48, "event header is 48 bytes");
PEREGRINE_SCHEMA_ASSERT(__builtin_offsetof(struct peregrine_event_hdr, len) == 8, "hdr.len");
PEREGRINE_SCHEMA_ASSERT(__builtin_offsetof(struct peregrine_event_hdr, nparams) == 12, "nparams");
PEREGRINE_SCHEMA_ASSERT(__builtin_offsetof(struct peregrine_event_hdr, ts_ns) == 16, "hdr.ts_ns");
PEREGRINE_SCHEMA_ASSERT(__builtin_offsetof(struct peregrine_event_hdr, tid) == 24, "hdr.tid");
PEREGRINE_SCHEMA_ASSERT(__builtin_offsetof(struct peregrine_event_hdr, res) == 32, "hdr.res");
PEREGRINE_SCHEMA_ASSERT(__builtin_offsetof(struct peregrine_event_hdr, cpu) == 40, "hdr.cpu");

/* ---------------------------------------------------------------- parameter encodings */

/* How one parameter's bytes read. Integers are little-endian; a fixed-width parameter is
 * either exactly its width or absent (length 0). */
enum peregrine_param_type {
	PEREGRINE_PT_NONE = 0,
	PEREGRINE_PT_S64 = 1,       /* 8 bytes signed */
	PEREGRINE_PT_U64 = 2,       /* 8 bytes unsigned */
	PEREGRINE_PT_S32 = 3,       /* 4 bytes signed */
	PEREGRINE_PT_U32 = 4,       /* 4 bytes unsigned */
	PEREGRINE_PT_FD = 5,        /* 8 bytes signed: a file descriptor (or -errno) */
	PEREGRINE_PT_PID = 6,       /* 8 bytes signed: a thread or process id */
	PEREGRINE_PT_UID = 7,       /* 4 bytes unsigned */
	PEREGRINE_PT_GID = 8,       /* 4 bytes unsigned */
	PEREGRINE_PT_FLAGS32 = 9,   /* 4 bytes: Linux flag bits as the kernel received them */
	PEREGRINE_PT_FLAGS64 = 10,  /* 8 bytes: Linux flag bits (clone flags, mount flags) */
	PEREGRINE_PT_MODE = 11,     /* 4 bytes: file mode bits */
	PEREGRINE_PT_SIGNAL = 12,   /* 4 bytes: signal number */
	PEREGRINE_PT_STRING = 13,   /* NUL-terminated (NUL counted in the length) */
	PEREGRINE_PT_FSPATH = 14,   /* as STRING; a path, relative to the cwd or a dirfd */
	PEREGRINE_PT_BYTES = 15,    /* raw bytes */
	PEREGRINE_PT_SOCKADDR = 16, /* raw struct sockaddr bytes as the caller passed them */
	PEREGRINE_PT_SOCKTUPLE = 17,/* struct peregrine_socktuple [+ unix path], below */
	PEREGRINE_PT_STRARRAY = 18, /* NUL-terminated strings back to back (argv, env) */
	PEREGRINE_PT_MAX
};

/* A socket's endpoints, read from the kernel socket behind a file descriptor. "local" is
 * this process's end, "remote" the peer, whatever the call (connect, accept, ...).
 * Ports in host byte order; addresses in network byte order, IPv4 in the first 4 bytes.
 * family 0: the fd is not a socket (the parameter is then normally absent instead).
 * For AF_UNIX the 40 bytes may be followed by the bound path, NUL-terminated. */
struct peregrine_socktuple {
	__u16 family;   /* AF_INET, AF_INET6, AF_UNIX, ... */
	__u16 type;     /* SOCK_STREAM, SOCK_DGRAM, ... */
	__u16 protocol; /* IPPROTO_TCP, IPPROTO_UDP, ... */
	__u16 lport;
	__u16 rport;
	__u16 pad0;     /* zero */
	__u32 pad1;     /* zero */
	__u8 laddr[16];
	__u8 raddr[16];
};

PEREGRINE_SCHEMA_ASSERT(sizeof(struct peregrine_socktuple) == 48, "socktuple is 48 bytes");
PEREGRINE_SCHEMA_ASSERT(__builtin_offsetof(struct peregrine_socktuple, laddr) == 16, "laddr");
PEREGRINE_SCHEMA_ASSERT(__builtin_offsetof(struct peregrine_socktuple, raddr) == 32, "raddr");

/* ---------------------------------------------------------------- how drivers fetch values */

/* Where a driver takes a parameter's value from, at syscall exit (the reader ignores this).
 * arg 0..5 is the syscall argument register; PEREGRINE_ARG_RES is the return value. */
#define PEREGRINE_ARG_RES 7
enum peregrine_fetch {
	PEREGRINE_FETCH_NONE = 0,
	PEREGRINE_FETCH_ARG = 1,       /* the value of argument `arg` */
	PEREGRINE_FETCH_USER_STR = 2,  /* user string at pointer argument `arg` */
	PEREGRINE_FETCH_USER_BUF = 3,  /* user bytes at pointer `arg`, length = value of `aux` */
	PEREGRINE_FETCH_USER_S32 = 4,  /* element `aux` of the user int array at pointer `arg` */
	PEREGRINE_FETCH_USER_U64 = 5,  /* element `aux` of the user u64 array at pointer `arg` */
	PEREGRINE_FETCH_SOCKTUPLE = 6, /* the socket behind the fd in `arg` (or the result) */
	PEREGRINE_FETCH_TASK = 7,      /* the calling task after the call; `aux` = PEREGRINE_TASK_* */
	PEREGRINE_FETCH_MM = 8,        /* the process's command line; `aux` = PEREGRINE_MM_* */
	PEREGRINE_FETCH_EXEC_PATH = 9, /* the file the kernel executed; on failure, the user
	                                * string at pointer `arg` */
	PEREGRINE_FETCH_HOOK = 10,     /* written by the hook's own code (non-syscall events) */
};

/* PEREGRINE_FETCH_TASK selectors */
#define PEREGRINE_TASK_PTID 0      /* PID: real parent's thread group id */
#define PEREGRINE_TASK_COMM 1      /* STRING: task comm */
#define PEREGRINE_TASK_EUID 2      /* UID */
#define PEREGRINE_TASK_EGID 3      /* GID */
#define PEREGRINE_TASK_LOGINUID 4  /* UID: audit login uid, 0xffffffff when unset */
#define PEREGRINE_TASK_VTID 5      /* PID: thread id in its own pid namespace */
#define PEREGRINE_TASK_VPID 6      /* PID: process id in its own pid namespace */
#define PEREGRINE_TASK_CGROUP_ID 7 /* U64: cgroup v2 id (the inode number of its directory) */
#define PEREGRINE_TASK_CAP_INH 8   /* U64: capability sets, bit n = capability n */
#define PEREGRINE_TASK_CAP_PRM 9
#define PEREGRINE_TASK_CAP_EFF 10

/* PEREGRINE_FETCH_MM selectors */
#define PEREGRINE_MM_EXE 0  /* STRING: argv[0] */
#define PEREGRINE_MM_ARGS 1 /* STRARRAY: argv[1..] */
#define PEREGRINE_MM_ENV 2  /* STRARRAY: the environment */

/* ---------------------------------------------------------------- event types */

/* Non-syscall events; codes equal the engine's (engine/sources/syscall/event_types.h). */
#define PEREGRINE_SYSCALL_CODE_LIMIT 512
#define PEREGRINE_EVT_PROCEXIT 512 /* a thread ended */

/*
 * Parameter lists. P(name, TYPE, FETCH, arg, aux): name as Falco spells it, the wire type
 * (PEREGRINE_PT_<TYPE>), how drivers fetch it (PEREGRINE_FETCH_<FETCH>) and its operands.
 * The return value is not a parameter: it is hdr.res, named and typed in the event list.
 */
#define PEREGRINE_PROC_INFO(P)                                        \
	P(exe, STRING, MM, 0, PEREGRINE_MM_EXE)                       \
	P(args, STRARRAY, MM, 0, PEREGRINE_MM_ARGS)                   \
	P(ptid, PID, TASK, 0, PEREGRINE_TASK_PTID)                    \
	P(comm, STRING, TASK, 0, PEREGRINE_TASK_COMM)                 \
	P(uid, UID, TASK, 0, PEREGRINE_TASK_EUID)                     \
	P(gid, GID, TASK, 0, PEREGRINE_TASK_EGID)                     \
	P(loginuid, UID, TASK, 0, PEREGRINE_TASK_LOGINUID)            \
	P(vtid, PID, TASK, 0, PEREGRINE_TASK_VTID)                    \
	P(vpid, PID, TASK, 0, PEREGRINE_TASK_VPID)                    \
	P(cgroup_id, U64, TASK, 0, PEREGRINE_TASK_CGROUP_ID)

#define PEREGRINE_PARAMS_OPEN(P) \
	P(name, FSPATH, USER_STR, 0, 0) P(flags, FLAGS32, ARG, 1, 0) P(mode, MODE, ARG, 2, 0)
#define PEREGRINE_PARAMS_OPENAT(P)                                              \
	P(dirfd, FD, ARG, 0, 0) P(name, FSPATH, USER_STR, 1, 0) P(flags, FLAGS32, ARG, 2, 0) \
	P(mode, MODE, ARG, 3, 0)
#define PEREGRINE_PARAMS_OPENAT2(P)                                                   \
	P(dirfd, FD, ARG, 0, 0) P(name, FSPATH, USER_STR, 1, 0)                        \
	P(flags, FLAGS32, USER_U64, 2, 0) P(mode, MODE, USER_U64, 2, 1)                \
	P(resolve, FLAGS32, USER_U64, 2, 2)
#define PEREGRINE_PARAMS_CREAT(P) P(name, FSPATH, USER_STR, 0, 0) P(mode, MODE, ARG, 1, 0)
#define PEREGRINE_PARAMS_EXECVE(P) \
	PEREGRINE_PROC_INFO(P) P(filename, FSPATH, EXEC_PATH, 0, 0) P(env, STRARRAY, MM, 0, PEREGRINE_MM_ENV)
#define PEREGRINE_PARAMS_EXECVEAT(P)                                                    \
	PEREGRINE_PROC_INFO(P) P(filename, FSPATH, EXEC_PATH, 1, 0)                      \
	P(env, STRARRAY, MM, 0, PEREGRINE_MM_ENV) P(dirfd, FD, ARG, 0, 0) P(flags, FLAGS32, ARG, 4, 0)
#define PEREGRINE_PARAMS_CLONE(P) PEREGRINE_PROC_INFO(P) P(flags, FLAGS64, ARG, 0, 0)
#define PEREGRINE_PARAMS_CLONE3(P) PEREGRINE_PROC_INFO(P) P(flags, FLAGS64, USER_U64, 0, 0)
#define PEREGRINE_PARAMS_FORK(P) PEREGRINE_PROC_INFO(P)
#define PEREGRINE_PARAMS_VFORK(P) PEREGRINE_PROC_INFO(P)
#define PEREGRINE_PARAMS_CONNECT(P) \
	P(fd, FD, ARG, 0, 0) P(addr, SOCKADDR, USER_BUF, 1, 2) P(tuple, SOCKTUPLE, SOCKTUPLE, 0, 0)
#define PEREGRINE_PARAMS_ACCEPT(P) \
	P(sockfd, FD, ARG, 0, 0) P(tuple, SOCKTUPLE, SOCKTUPLE, PEREGRINE_ARG_RES, 0)
#define PEREGRINE_PARAMS_ACCEPT4(P) PEREGRINE_PARAMS_ACCEPT(P) P(flags, FLAGS32, ARG, 3, 0)
#define PEREGRINE_PARAMS_BIND(P) \
	P(fd, FD, ARG, 0, 0) P(addr, SOCKADDR, USER_BUF, 1, 2) P(tuple, SOCKTUPLE, SOCKTUPLE, 0, 0)
#define PEREGRINE_PARAMS_LISTEN(P) \
	P(fd, FD, ARG, 0, 0) P(backlog, S32, ARG, 1, 0) P(tuple, SOCKTUPLE, SOCKTUPLE, 0, 0)
#define PEREGRINE_PARAMS_SOCKET(P) \
	P(domain, U32, ARG, 0, 0) P(type, FLAGS32, ARG, 1, 0) P(proto, U32, ARG, 2, 0)
#define PEREGRINE_PARAMS_SENDTO(P)                                                   \
	P(fd, FD, ARG, 0, 0) P(size, U64, ARG, 2, 0) P(data, BYTES, USER_BUF, 1, 2)   \
	P(addr, SOCKADDR, USER_BUF, 4, 5) P(tuple, SOCKTUPLE, SOCKTUPLE, 0, 0)
#define PEREGRINE_PARAMS_RECVFROM(P)                                                         \
	P(fd, FD, ARG, 0, 0) P(size, U64, ARG, 2, 0) P(data, BYTES, USER_BUF, 1, PEREGRINE_ARG_RES) \
	P(tuple, SOCKTUPLE, SOCKTUPLE, 0, 0)
#define PEREGRINE_PARAMS_UNLINK(P) P(path, FSPATH, USER_STR, 0, 0)
#define PEREGRINE_PARAMS_UNLINKAT(P) \
	P(dirfd, FD, ARG, 0, 0) P(name, FSPATH, USER_STR, 1, 0) P(flags, FLAGS32, ARG, 2, 0)
#define PEREGRINE_PARAMS_RENAME(P) P(oldpath, FSPATH, USER_STR, 0, 0) P(newpath, FSPATH, USER_STR, 1, 0)
#define PEREGRINE_PARAMS_RENAMEAT(P)                                              \
	P(olddirfd, FD, ARG, 0, 0) P(oldpath, FSPATH, USER_STR, 1, 0)              \
	P(newdirfd, FD, ARG, 2, 0) P(newpath, FSPATH, USER_STR, 3, 0)
#define PEREGRINE_PARAMS_RENAMEAT2(P) PEREGRINE_PARAMS_RENAMEAT(P) P(flags, FLAGS32, ARG, 4, 0)
#define PEREGRINE_PARAMS_MKDIR(P) P(path, FSPATH, USER_STR, 0, 0) P(mode, MODE, ARG, 1, 0)
#define PEREGRINE_PARAMS_MKDIRAT(P) \
	P(dirfd, FD, ARG, 0, 0) P(path, FSPATH, USER_STR, 1, 0) P(mode, MODE, ARG, 2, 0)
#define PEREGRINE_PARAMS_RMDIR(P) P(path, FSPATH, USER_STR, 0, 0)
#define PEREGRINE_PARAMS_SYMLINK(P) P(target, STRING, USER_STR, 0, 0) P(linkpath, FSPATH, USER_STR, 1, 0)
#define PEREGRINE_PARAMS_SYMLINKAT(P) \
	P(target, STRING, USER_STR, 0, 0) P(linkdirfd, FD, ARG, 1, 0) P(linkpath, FSPATH, USER_STR, 2, 0)
#define PEREGRINE_PARAMS_LINK(P) P(oldpath, FSPATH, USER_STR, 0, 0) P(newpath, FSPATH, USER_STR, 1, 0)
#define PEREGRINE_PARAMS_LINKAT(P) PEREGRINE_PARAMS_RENAMEAT(P) P(flags, FLAGS32, ARG, 4, 0)
#define PEREGRINE_PARAMS_CHMOD(P) P(filename, FSPATH, USER_STR, 0, 0) P(mode, MODE, ARG, 1, 0)
#define PEREGRINE_PARAMS_FCHMOD(P) P(fd, FD, ARG, 0, 0) P(mode, MODE, ARG, 1, 0)
#define PEREGRINE_PARAMS_FCHMODAT(P) \
	P(dirfd, FD, ARG, 0, 0) P(filename, FSPATH, USER_STR, 1, 0) P(mode, MODE, ARG, 2, 0)
#define PEREGRINE_PARAMS_CHOWN(P) \
	P(path, FSPATH, USER_STR, 0, 0) P(uid, UID, ARG, 1, 0) P(gid, GID, ARG, 2, 0)
#define PEREGRINE_PARAMS_FCHOWN(P) P(fd, FD, ARG, 0, 0) P(uid, UID, ARG, 1, 0) P(gid, GID, ARG, 2, 0)
#define PEREGRINE_PARAMS_LCHOWN(P) PEREGRINE_PARAMS_CHOWN(P)
#define PEREGRINE_PARAMS_FCHOWNAT(P)                                                     \
	P(dirfd, FD, ARG, 0, 0) P(pathname, FSPATH, USER_STR, 1, 0) P(uid, UID, ARG, 2, 0) \
	P(gid, GID, ARG, 3, 0) P(flags, FLAGS32, ARG, 4, 0)
#define PEREGRINE_PARAMS_SETUID(P) P(uid, UID, ARG, 0, 0)
#define PEREGRINE_PARAMS_SETGID(P) P(gid, GID, ARG, 0, 0)
#define PEREGRINE_PARAMS_SETREUID(P) P(ruid, UID, ARG, 0, 0) P(euid, UID, ARG, 1, 0)
#define PEREGRINE_PARAMS_SETREGID(P) P(rgid, GID, ARG, 0, 0) P(egid, GID, ARG, 1, 0)
#define PEREGRINE_PARAMS_SETRESUID(P) \
	P(ruid, UID, ARG, 0, 0) P(euid, UID, ARG, 1, 0) P(suid, UID, ARG, 2, 0)
#define PEREGRINE_PARAMS_SETRESGID(P) \
	P(rgid, GID, ARG, 0, 0) P(egid, GID, ARG, 1, 0) P(sgid, GID, ARG, 2, 0)
#define PEREGRINE_PARAMS_SETNS(P) P(fd, FD, ARG, 0, 0) P(nstype, FLAGS32, ARG, 1, 0)
#define PEREGRINE_PARAMS_UNSHARE(P) P(flags, FLAGS32, ARG, 0, 0)
#define PEREGRINE_PARAMS_PTRACE(P) \
	P(request, S64, ARG, 0, 0) P(pid, PID, ARG, 1, 0) P(addr, U64, ARG, 2, 0) P(data, U64, ARG, 3, 0)
#define PEREGRINE_PARAMS_MOUNT(P)                                                  \
	P(dev, FSPATH, USER_STR, 0, 0) P(dir, FSPATH, USER_STR, 1, 0)               \
	P(type, STRING, USER_STR, 2, 0) P(flags, FLAGS64, ARG, 3, 0)
#define PEREGRINE_PARAMS_UMOUNT2(P) P(name, FSPATH, USER_STR, 0, 0) P(flags, FLAGS32, ARG, 1, 0)
#define PEREGRINE_PARAMS_KILL(P) P(pid, PID, ARG, 0, 0) P(sig, SIGNAL, ARG, 1, 0)
#define PEREGRINE_PARAMS_TKILL(P) P(tid, PID, ARG, 0, 0) P(sig, SIGNAL, ARG, 1, 0)
#define PEREGRINE_PARAMS_TGKILL(P) P(pid, PID, ARG, 0, 0) P(tid, PID, ARG, 1, 0) P(sig, SIGNAL, ARG, 2, 0)
#define PEREGRINE_PARAMS_MEMFD_CREATE(P) P(name, STRING, USER_STR, 0, 0) P(flags, FLAGS32, ARG, 1, 0)
#define PEREGRINE_PARAMS_INIT_MODULE(P) P(len, U64, ARG, 1, 0) P(uargs, STRING, USER_STR, 2, 0)
#define PEREGRINE_PARAMS_FINIT_MODULE(P) \
	P(fd, FD, ARG, 0, 0) P(uargs, STRING, USER_STR, 1, 0) P(flags, FLAGS32, ARG, 2, 0)
#define PEREGRINE_PARAMS_BPF(P) P(cmd, S64, ARG, 0, 0) P(size, U32, ARG, 2, 0)
#define PEREGRINE_PARAMS_DUP(P) P(oldfd, FD, ARG, 0, 0)
#define PEREGRINE_PARAMS_DUP2(P) P(oldfd, FD, ARG, 0, 0) P(newfd, FD, ARG, 1, 0)
#define PEREGRINE_PARAMS_DUP3(P) PEREGRINE_PARAMS_DUP2(P) P(flags, FLAGS32, ARG, 2, 0)
#define PEREGRINE_PARAMS_CLOSE(P) P(fd, FD, ARG, 0, 0)
#define PEREGRINE_PARAMS_PIPE(P) P(fd1, FD, USER_S32, 0, 0) P(fd2, FD, USER_S32, 0, 1)
#define PEREGRINE_PARAMS_PIPE2(P) PEREGRINE_PARAMS_PIPE(P) P(flags, FLAGS32, ARG, 1, 0)
#define PEREGRINE_PARAMS_SOCKETPAIR(P)                                              \
	P(domain, U32, ARG, 0, 0) P(type, FLAGS32, ARG, 1, 0) P(proto, U32, ARG, 2, 0) \
	P(fd1, FD, USER_S32, 3, 0) P(fd2, FD, USER_S32, 3, 1)
#define PEREGRINE_PARAMS_PRCTL(P) \
	P(option, S64, ARG, 0, 0) P(arg2, U64, ARG, 1, 0) P(arg3, U64, ARG, 2, 0)
#define PEREGRINE_PARAMS_CAPSET(P)                                                     \
	P(cap_inheritable, U64, TASK, 0, PEREGRINE_TASK_CAP_INH)                        \
	P(cap_permitted, U64, TASK, 0, PEREGRINE_TASK_CAP_PRM)                          \
	P(cap_effective, U64, TASK, 0, PEREGRINE_TASK_CAP_EFF)
#define PEREGRINE_PARAMS_CHDIR(P) P(path, FSPATH, USER_STR, 0, 0)
#define PEREGRINE_PARAMS_FCHDIR(P) P(fd, FD, ARG, 0, 0)
#define PEREGRINE_PARAMS_CHROOT(P) P(path, FSPATH, USER_STR, 0, 0)
#define PEREGRINE_PARAMS_PROCEXIT(P)                         \
	P(status, S64, HOOK, 0, 0) /* the raw exit code */     \
	P(ret, S64, HOOK, 0, 0)    /* status >> 8 */            \
	P(sig, SIGNAL, HOOK, 0, 0) /* status & 0x7f */          \
	P(core, U32, HOOK, 0, 0)   /* 1 when a core was dumped */

/*
 * Every event a driver may emit. E(NAME, name, code, res_name, RES_TYPE): NAME selects
 * PEREGRINE_PARAMS_<NAME>; code is the x86_64 syscall number (or a code >= 512); res_name
 * and RES_TYPE describe hdr.res as Falco names it ("fd" for calls returning one).
 */
#define PEREGRINE_EVENTS(E)                                 \
	E(OPEN, open, 2, fd, FD)                            \
	E(CLOSE, close, 3, res, S64)                        \
	E(PIPE, pipe, 22, res, S64)                         \
	E(DUP, dup, 32, fd, FD)                             \
	E(DUP2, dup2, 33, fd, FD)                           \
	E(SOCKET, socket, 41, fd, FD)                       \
	E(CONNECT, connect, 42, res, S64)                   \
	E(ACCEPT, accept, 43, fd, FD)                       \
	E(SENDTO, sendto, 44, res, S64)                     \
	E(RECVFROM, recvfrom, 45, res, S64)                 \
	E(BIND, bind, 49, res, S64)                         \
	E(LISTEN, listen, 50, res, S64)                     \
	E(SOCKETPAIR, socketpair, 53, res, S64)             \
	E(CLONE, clone, 56, res, PID)                       \
	E(FORK, fork, 57, res, PID)                         \
	E(VFORK, vfork, 58, res, PID)                       \
	E(EXECVE, execve, 59, res, S64)                     \
	E(KILL, kill, 62, res, S64)                         \
	E(CHDIR, chdir, 80, res, S64)                       \
	E(FCHDIR, fchdir, 81, res, S64)                     \
	E(RENAME, rename, 82, res, S64)                     \
	E(MKDIR, mkdir, 83, res, S64)                       \
	E(RMDIR, rmdir, 84, res, S64)                       \
	E(CREAT, creat, 85, fd, FD)                         \
	E(LINK, link, 86, res, S64)                         \
	E(UNLINK, unlink, 87, res, S64)                     \
	E(SYMLINK, symlink, 88, res, S64)                   \
	E(CHMOD, chmod, 90, res, S64)                       \
	E(FCHMOD, fchmod, 91, res, S64)                     \
	E(CHOWN, chown, 92, res, S64)                       \
	E(FCHOWN, fchown, 93, res, S64)                     \
	E(LCHOWN, lchown, 94, res, S64)                     \
	E(PTRACE, ptrace, 101, res, S64)                    \
	E(SETUID, setuid, 105, res, S64)                    \
	E(SETGID, setgid, 106, res, S64)                    \
	E(SETREUID, setreuid, 113, res, S64)                \
	E(SETREGID, setregid, 114, res, S64)                \
	E(SETRESUID, setresuid, 117, res, S64)              \
	E(SETRESGID, setresgid, 119, res, S64)              \
	E(CAPSET, capset, 126, res, S64)                    \
	E(PRCTL, prctl, 157, res, S64)                      \
	E(CHROOT, chroot, 161, res, S64)                    \
	E(MOUNT, mount, 165, res, S64)                      \
	E(UMOUNT2, umount2, 166, res, S64)                  \
	E(INIT_MODULE, init_module, 175, res, S64)          \
	E(TKILL, tkill, 200, res, S64)                      \
	E(TGKILL, tgkill, 234, res, S64)                    \
	E(OPENAT, openat, 257, fd, FD)                      \
	E(MKDIRAT, mkdirat, 258, res, S64)                  \
	E(FCHOWNAT, fchownat, 260, res, S64)                \
	E(UNLINKAT, unlinkat, 263, res, S64)                \
	E(RENAMEAT, renameat, 264, res, S64)                \
	E(LINKAT, linkat, 265, res, S64)                    \
	E(SYMLINKAT, symlinkat, 266, res, S64)              \
	E(FCHMODAT, fchmodat, 268, res, S64)                \
	E(UNSHARE, unshare, 272, res, S64)                  \
	E(ACCEPT4, accept4, 288, fd, FD)                    \
	E(DUP3, dup3, 292, fd, FD)                          \
	E(PIPE2, pipe2, 293, res, S64)                      \
	E(SETNS, setns, 308, res, S64)                      \
	E(FINIT_MODULE, finit_module, 313, res, S64)        \
	E(RENAMEAT2, renameat2, 316, res, S64)              \
	E(MEMFD_CREATE, memfd_create, 319, fd, FD)          \
	E(BPF, bpf, 321, res, S64)                          \
	E(EXECVEAT, execveat, 322, res, S64)                \
	E(CLONE3, clone3, 435, res, PID)                    \
	E(OPENAT2, openat2, 437, fd, FD)                    \
	E(PROCEXIT, procexit, 512, res, S64)

/* PEREGRINE_EVT_<NAME> for every event above; PEREGRINE_NPARAMS_<NAME> its parameter count. */
#define PEREGRINE_SCHEMA_ENUM_CODE(NAME, name, code, rn, rt) PEREGRINE_EVT_CODE_##NAME = code,
enum peregrine_event_code { PEREGRINE_EVENTS(PEREGRINE_SCHEMA_ENUM_CODE) };
#undef PEREGRINE_SCHEMA_ENUM_CODE

#define PEREGRINE_SCHEMA_COUNT_ONE(n, t, f, a, x) +1
#define PEREGRINE_SCHEMA_ENUM_NPARAMS(NAME, name, code, rn, rt) \
	PEREGRINE_NPARAMS_##NAME = 0 PEREGRINE_PARAMS_##NAME(PEREGRINE_SCHEMA_COUNT_ONE),
enum peregrine_event_nparams { PEREGRINE_EVENTS(PEREGRINE_SCHEMA_ENUM_NPARAMS) };
#undef PEREGRINE_SCHEMA_ENUM_NPARAMS

PEREGRINE_SCHEMA_ASSERT(PEREGRINE_EVT_CODE_PROCEXIT == PEREGRINE_EVT_PROCEXIT, "procexit code");
PEREGRINE_SCHEMA_ASSERT(PEREGRINE_NPARAMS_EXECVEAT <= PEREGRINE_MAX_PARAMS, "execveat params");

#endif /* PEREGRINE_DRIVER_EVENT_SCHEMA_H */
