/* SPDX-License-Identifier: Apache-2.0 OR GPL-2.0-only */
/*
 * Structs shared by probe.bpf.c and its loader (bpf_probe.cc), beyond the event schema:
 * kernel-side counters and the per-thread syscall entry stash. Plain C, fixed-width types,
 * explicit padding; bpf_layout_test checks these layouts against the object's BTF.
 */
#ifndef PEREGRINE_DRIVER_BPF_PROBE_H
#define PEREGRINE_DRIVER_BPF_PROBE_H

#include "driver/event_schema.h"

/* interesting_map values (driver/interest.h's Interest): 0 = the event stays in the kernel. */
#define PEREGRINE_SEND_FULL 1
#define PEREGRINE_SEND_STATE_ONLY 2 /* no clock read: PEREGRINE_EVF_UNTIMED */

/* One slot per CPU in counters_map; user space sums them. */
struct peregrine_probe_counters {
	__u64 events;        /* records written to the ring buffer */
	__u64 drops_ringbuf; /* records lost: ring buffer full */
	__u64 drops_stash;   /* entries lost: stash_map full */
	__u64 truncated;     /* records with PEREGRINE_EVF_TRUNCATED */
	__u64 no_enter;      /* exits whose entry was not stashed */
};

/* The arguments of a syscall in flight, keyed by pid_tgid, from sys_enter to sys_exit (only
 * execve/execveat, whose registers do not survive; see probe.bpf.c). */
struct peregrine_syscall_stash {
	__u64 args[6];
	__u64 id; /* syscall number */
};

/* The file a thread just executed (linux_binprm filename), from sched_process_exec to the
 * exit of its execve/execveat. */
struct peregrine_exec_path {
	char path[PEREGRINE_MAX_PATH];
};

/* How probe.bpf.c fetches one parameter: the schema table, compiled into the object. */
struct peregrine_param_spec {
	__u8 type;  /* enum peregrine_param_type */
	__u8 fetch; /* enum peregrine_fetch */
	__u8 arg;
	__u8 aux;
};

struct peregrine_event_spec {
	__u8 nparams;
	__u8 pad[3];
	struct peregrine_param_spec params[PEREGRINE_MAX_PARAMS];
};

/* Event-building scratch space per CPU: twice the largest record, so that a parameter
 * written at any offset below PEREGRINE_MAX_EVENT_SIZE stays inside the buffer. */
#define PEREGRINE_SCRATCH_SIZE (2 * PEREGRINE_MAX_EVENT_SIZE)

#define PEREGRINE_STASH_ENTRIES 16384 /* syscalls in flight at once */
#define PEREGRINE_EXEC_PATH_ENTRIES 1024 /* execs between sched_process_exec and exit */

PEREGRINE_SCHEMA_ASSERT(sizeof(struct peregrine_probe_counters) == 40, "counters are 40 bytes");
PEREGRINE_SCHEMA_ASSERT(__builtin_offsetof(struct peregrine_probe_counters, no_enter) == 32,
			"counters.no_enter");
PEREGRINE_SCHEMA_ASSERT(sizeof(struct peregrine_syscall_stash) == 56, "stash is 56 bytes");
PEREGRINE_SCHEMA_ASSERT(sizeof(struct peregrine_event_spec) == 68, "event spec is 68 bytes");

#endif /* PEREGRINE_DRIVER_BPF_PROBE_H */
