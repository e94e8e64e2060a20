/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the Peregrine kernel module shared by its files. The module's state lives
 * while /dev/peregrine is open (one opener at a time): per-CPU rings and scratch buffers,
 * exec slots. The tracepoint hooks are registered only while capture is enabled, so a hook
 * always finds that state allocated.
 */
#ifndef PEREGRINE_KMOD_PG_INTERNAL_H
#define PEREGRINE_KMOD_PG_INTERNAL_H

#include <linux/types.h>

#include "kmod_ioctl.h"
#include "ring_layout.h"

struct pt_regs;
struct task_struct;
struct linux_binprm;

/* One CPU's ring, scratch space and counters. Touched by hooks only on that CPU with
 * preemption disabled, so no locking. */
struct pg_cpu {
	struct peregrine_ring_header *hdr; /* vmalloc_user: header page + data, mapped by user */
	u8 *data;
	u32 data_bytes;
	u64 head;    /* the module's own copy; the shared one is only ever written */
	int busy;    /* scratch in use: a nested hook drops its event */
	u8 *scratch; /* PEREGRINE_MAX_EVENT_SIZE bytes: the record being built */
	char *path;  /* PEREGRINE_MAX_PATH bytes: the exec path being reported */
	struct peregrine_kmod_counters counters;
};

/* pg_ring.c */
int pg_rings_alloc(u32 data_bytes);
void pg_rings_free(void);
struct pg_cpu *pg_cpu_get(unsigned int cpu); /* NULL for a CPU without a ring */
u32 pg_nr_rings(void);
u32 pg_ring_data_bytes(void);
void pg_ring_commit(struct pg_cpu *c, u32 len);
void pg_counters_sum(struct peregrine_kmod_counters *out);

/* pg_record.c: builds one record in c->scratch; returns its length, 0 for none. */
u32 pg_build_syscall(struct pg_cpu *c, u32 code, const unsigned long *args, bool have_args,
		     long res, const char *exec_path, u16 flags);
u32 pg_build_procexit(struct pg_cpu *c, int exit_code);
bool pg_schema_has(u32 code);

/* pg_exec.c: execve arguments and the executed path, from entry to exit, keyed by tid. */
#define PG_EXEC_SLOTS 64
int pg_exec_alloc(void);
void pg_exec_free(void);
bool pg_exec_save_args(pid_t tid, u32 code, const unsigned long *args);
void pg_exec_set_path(pid_t old_tid, pid_t tid, const char *path);
/* Takes (and frees) the slot of tid: its arguments and, if known, its path (into path). */
bool pg_exec_take(pid_t tid, u32 code, unsigned long *args, char *path, bool *have_path);
void pg_exec_forget(pid_t tid);

/* pg_hooks.c */
int pg_hooks_lookup(void);
int pg_hooks_enable(void);
void pg_hooks_disable(void);
void pg_set_interesting(const struct peregrine_kmod_interesting *set);
void pg_set_ignore_tgid(u32 tgid);

/* pg_device.c */
int pg_device_register(void);
void pg_device_unregister(void);

#endif /* PEREGRINE_KMOD_PG_INTERNAL_H */
