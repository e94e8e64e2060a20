// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tracepoint hooks. The kernel does not export sys_enter/sys_exit or the sched
 * tracepoints as symbols, so they are found by name with for_each_kernel_tracepoint() at
 * load, and registered with tracepoint_probe_register() only while capture is enabled.
 *
 *   sys_exit            one record per interesting syscall, with the arguments read from the
 *                       saved user registers (still intact at exit, also in a new clone child)
 *   sys_enter           execve/execveat only: keep the arguments, which a successful exec
 *                       replaces before its exit
 *   sched_process_exec  keep the executed file's name for the execve exit
 *   sched_process_exit  procexit
 *
 * Every hook disables preemption around its use of the CPU's ring and scratch buffer (the
 * syscall tracepoints may call probes preemptibly on newer kernels).
 */
#include <linux/binfmts.h>
#include <linux/bitmap.h>
#include <linux/compat.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <asm/syscall.h>

#include "pg_internal.h"

enum { PG_TP_SYS_ENTER, PG_TP_SYS_EXIT, PG_TP_EXEC, PG_TP_EXIT, PG_TP_COUNT };

struct pg_tracepoint {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
};

static DECLARE_BITMAP(pg_interesting, PEREGRINE_SYSCALL_CODE_LIMIT);
static u32 pg_ignore_tgid;

static const u32 pg_lifecycle[] = {
	PEREGRINE_EVT_CODE_CLONE,  PEREGRINE_EVT_CODE_CLONE3, PEREGRINE_EVT_CODE_FORK,
	PEREGRINE_EVT_CODE_VFORK,  PEREGRINE_EVT_CODE_EXECVE, PEREGRINE_EVT_CODE_EXECVEAT,
};

void pg_set_interesting(const struct peregrine_kmod_interesting *set)
{
	u32 code, i;

	for (code = 0; code < PEREGRINE_SYSCALL_CODE_LIMIT; code++)
		assign_bit(code, pg_interesting, (set->bits[code / 64] >> (code % 64)) & 1);
	for (i = 0; i < ARRAY_SIZE(pg_lifecycle); i++)
		set_bit(pg_lifecycle[i], pg_interesting);
}

void pg_set_ignore_tgid(u32 tgid)
{
	WRITE_ONCE(pg_ignore_tgid, tgid);
}

static bool pg_ignored(void)
{
	u32 tgid = READ_ONCE(pg_ignore_tgid);

	return tgid != 0 && (u32)current->tgid == tgid;
}

static bool pg_is_exec(long id)
{
	return id == PEREGRINE_EVT_CODE_EXECVE || id == PEREGRINE_EVT_CODE_EXECVEAT;
}

/* The CPU's state with its scratch buffer claimed, or NULL (counted when nested). */
static struct pg_cpu *pg_claim(void)
{
	struct pg_cpu *c = pg_cpu_get(smp_processor_id());

	if (!c)
		return NULL;
	if (c->busy) {
		c->counters.drops_nested++;
		return NULL;
	}
	c->busy = 1;
	return c;
}

static void pg_sys_enter(void *data, struct pt_regs *regs, long id)
{
	unsigned long args[6];
	struct pg_cpu *c;

	if (!pg_is_exec(id) || !test_bit(id, pg_interesting) || in_compat_syscall() || pg_ignored())
		return;
	syscall_get_arguments(current, regs, args);
	if (pg_exec_save_args(current->pid, id, args))
		return;
	preempt_disable();
	c = pg_cpu_get(smp_processor_id());
	if (c)
		c->counters.drops_exec++;
	preempt_enable();
}

static void pg_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	long id = syscall_get_nr(current, regs);
	unsigned long args[6];
	bool have_args = true, have_path = false;
	struct pg_cpu *c;
	u16 flags = 0;
	u32 len;

	if (id < 0 || id >= PEREGRINE_SYSCALL_CODE_LIMIT || !test_bit(id, pg_interesting))
		return;
	if (!pg_schema_has(id) || in_compat_syscall() || pg_ignored())
		return;
	preempt_disable();
	c = pg_claim();
	if (!c)
		goto out;
	if (pg_is_exec(id)) {
		if (!pg_exec_take(current->pid, id, args, c->path, &have_path)) {
			/* Registers are intact after a failed exec, replaced after a good one. */
			have_args = ret != 0;
			if (have_args)
				syscall_get_arguments(current, regs, args);
			else
				flags |= PEREGRINE_EVF_NO_ENTER;
			c->counters.no_enter += !have_args;
		}
	} else {
		syscall_get_arguments(current, regs, args);
	}
	len = pg_build_syscall(c, id, args, have_args, ret, have_path ? c->path : NULL, flags);
	if (len)
		pg_ring_commit(c, len);
	c->busy = 0;
out:
	preempt_enable();
}

static void pg_sched_exec(void *data, struct task_struct *p, pid_t old_pid,
			  struct linux_binprm *bprm)
{
	if (!pg_ignored())
		pg_exec_set_path(old_pid, p->pid, bprm->filename);
}

static void pg_sched_exit(void *data, struct task_struct *p)
{
	struct pg_cpu *c;
	u32 len;

	pg_exec_forget(p->pid);
	if (pg_ignored())
		return;
	preempt_disable();
	c = pg_claim();
	if (c) {
		len = pg_build_procexit(c, p->exit_code);
		pg_ring_commit(c, len);
		c->busy = 0;
	}
	preempt_enable();
}

static struct pg_tracepoint pg_tps[PG_TP_COUNT] = {
	[PG_TP_SYS_ENTER] = { .name = "sys_enter", .probe = pg_sys_enter },
	[PG_TP_SYS_EXIT] = { .name = "sys_exit", .probe = pg_sys_exit },
	[PG_TP_EXEC] = { .name = "sched_process_exec", .probe = pg_sched_exec },
	[PG_TP_EXIT] = { .name = "sched_process_exit", .probe = pg_sched_exit },
};

static void pg_match_tracepoint(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < PG_TP_COUNT; i++)
		if (strcmp(tp->name, pg_tps[i].name) == 0)
			pg_tps[i].tp = tp;
}

int pg_hooks_lookup(void)
{
	int i;

	for_each_kernel_tracepoint(pg_match_tracepoint, NULL);
	for (i = 0; i < PG_TP_COUNT; i++) {
		if (!pg_tps[i].tp) {
			pr_err("peregrine: tracepoint %s not found\n", pg_tps[i].name);
			return -ENOENT;
		}
	}
	return 0;
}

int pg_hooks_enable(void)
{
	int i, err;

	for (i = 0; i < PG_TP_COUNT; i++) {
		if (pg_tps[i].registered)
			continue;
		err = tracepoint_probe_register(pg_tps[i].tp, pg_tps[i].probe, NULL);
		if (err) {
			pr_err("peregrine: attaching to %s failed: %d\n", pg_tps[i].name, err);
			pg_hooks_disable();
			return err;
		}
		pg_tps[i].registered = true;
	}
	return 0;
}

void pg_hooks_disable(void)
{
	bool any = false;
	int i;

	for (i = 0; i < PG_TP_COUNT; i++) {
		if (!pg_tps[i].registered)
			continue;
		tracepoint_probe_unregister(pg_tps[i].tp, pg_tps[i].probe, NULL);
		pg_tps[i].registered = false;
		any = true;
	}
	/* No hook runs past this point: the caller may free what the hooks use. */
	if (any)
		tracepoint_synchronize_unregister();
}
