// SPDX-License-Identifier: GPL-2.0-only
/*
 * A successful execve replaces the caller's registers, so its arguments and the executed
 * file are kept from sys_enter (and sched_process_exec) to sys_exit in a small table keyed
 * by thread id. A spinlock guards it; every operation is a bounded scan of PG_EXEC_SLOTS.
 * No free slot: the exec is reported without its entry (counted by the caller).
 */
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "pg_internal.h"

struct pg_exec_slot {
	pid_t tid; /* 0: free */
	u32 code;
	bool have_path;
	unsigned long args[6];
	char path[PEREGRINE_MAX_PATH];
};

static struct pg_exec_slot *pg_slots;
static DEFINE_SPINLOCK(pg_exec_lock);

int pg_exec_alloc(void)
{
	pg_slots = vzalloc(PG_EXEC_SLOTS * sizeof(*pg_slots));
	return pg_slots ? 0 : -ENOMEM;
}

void pg_exec_free(void)
{
	vfree(pg_slots);
	pg_slots = NULL;
}

static struct pg_exec_slot *pg_exec_find(pid_t tid)
{
	int i;

	for (i = 0; i < PG_EXEC_SLOTS; i++)
		if (pg_slots[i].tid == tid)
			return &pg_slots[i];
	return NULL;
}

bool pg_exec_save_args(pid_t tid, u32 code, const unsigned long *args)
{
	struct pg_exec_slot *s;
	unsigned long flags;

	spin_lock_irqsave(&pg_exec_lock, flags);
	s = pg_exec_find(tid);
	if (!s)
		s = pg_exec_find(0);
	if (s) {
		s->tid = tid;
		s->code = code;
		s->have_path = false;
		memcpy(s->args, args, sizeof(s->args));
	}
	spin_unlock_irqrestore(&pg_exec_lock, flags);
	return s != NULL;
}

void pg_exec_set_path(pid_t old_tid, pid_t tid, const char *path)
{
	struct pg_exec_slot *s;
	unsigned long flags;

	spin_lock_irqsave(&pg_exec_lock, flags);
	/* A non-leader thread that execs takes the leader's id. */
	s = pg_exec_find(old_tid);
	if (s) {
		s->tid = tid;
		s->have_path = strscpy(s->path, path, sizeof(s->path)) > 0;
	}
	spin_unlock_irqrestore(&pg_exec_lock, flags);
}

bool pg_exec_take(pid_t tid, u32 code, unsigned long *args, char *path, bool *have_path)
{
	struct pg_exec_slot *s;
	unsigned long flags;
	bool found = false;

	*have_path = false;
	spin_lock_irqsave(&pg_exec_lock, flags);
	s = pg_exec_find(tid);
	if (s && s->code == code) {
		memcpy(args, s->args, sizeof(s->args));
		if (s->have_path) {
			memcpy(path, s->path, PEREGRINE_MAX_PATH);
			*have_path = true;
		}
		found = true;
	}
	if (s)
		s->tid = 0;
	spin_unlock_irqrestore(&pg_exec_lock, flags);
	return found;
}

void pg_exec_forget(pid_t tid)
{
	struct pg_exec_slot *s;
	unsigned long flags;

	spin_lock_irqsave(&pg_exec_lock, flags);
	s = pg_exec_find(tid);
	if (s)
		s->tid = 0;
	spin_unlock_irqrestore(&pg_exec_lock, flags);
}
