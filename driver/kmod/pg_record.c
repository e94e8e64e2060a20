// SPDX-License-Identifier: GPL-2.0-only
/*
 * Builds records in the layout of event_schema.h, driven by its parameter table (compiled
 * below into pg_specs): the code that fetches a parameter is generic, what to fetch is data.
 * Runs in the hooks with preemption disabled: user memory is read with the _nofault helpers
 * (a page that is not resident makes the parameter absent), nothing here sleeps, and every
 * write is bounded by the room left in the PEREGRINE_MAX_EVENT_SIZE scratch buffer.
 */
#include <linux/cgroup.h>
#include <linux/audit.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include "pg_internal.h"

struct pg_param_spec {
	u8 type;  /* enum peregrine_param_type */
	u8 fetch; /* enum peregrine_fetch */
	u8 arg;
	u8 aux;
};

struct pg_event_spec {
	u8 nparams;
	struct pg_param_spec params[PEREGRINE_MAX_PARAMS];
};

#define PG_SPEC_PARAM(n, t, f, a, x) \
	{ .type = PEREGRINE_PT_##t, .fetch = PEREGRINE_FETCH_##f, .arg = (a), .aux = (x) },
#define PG_SPEC_EVENT(NAME, name, code, rn, rt)            \
	[code] = { .nparams = PEREGRINE_NPARAMS_##NAME,    \
		   .params = { PEREGRINE_PARAMS_##NAME(PG_SPEC_PARAM) } },
/* Indexed by event code; codes the schema lacks have nparams 0. */
static const struct pg_event_spec pg_specs[PEREGRINE_EVT_PROCEXIT + 1] = {
	PEREGRINE_EVENTS(PG_SPEC_EVENT)
};
#undef PG_SPEC_EVENT
#undef PG_SPEC_PARAM

/* What fetching one record needs beyond the spec. */
struct pg_build {
	u8 *buf;
	struct peregrine_event_hdr *hdr;
	const unsigned long *args;
	bool have_args;
	long res;
	const char *exec_path;
};

bool pg_schema_has(u32 code)
{
	return code < ARRAY_SIZE(pg_specs) && pg_specs[code].nparams != 0;
}

static u32 pg_width(u8 type)
{
	switch (type) {
	case PEREGRINE_PT_S64:
	case PEREGRINE_PT_U64:
	case PEREGRINE_PT_FD:
	case PEREGRINE_PT_PID:
	case PEREGRINE_PT_FLAGS64:
		return 8;
	default:
		return 4;
	}
}

static u32 pg_put_int(u8 *dst, u32 room, u8 type, u64 v)
{
	u32 w = pg_width(type);
	u32 v32 = (u32)v;

	if (w > room)
		return 0;
	if (w == 8)
		memcpy(dst, &v, 8);
	else
		memcpy(dst, &v32, 4);
	return w;
}

/*
 * Like strncpy_from_user_nofault() (not exported to modules): copies a user string of at
 * most `max` bytes with page faults disabled, so a page that is not resident fails instead of
 * sleeping. Returns the length including the NUL (max when cut: not terminated), or < 0.
 */
static long pg_strncpy_user(u8 *dst, unsigned long ptr, u32 max)
{
	long n;

	if (!access_ok((const void __user *)ptr, 1))
		return -EFAULT;
	pagefault_disable();
	n = strncpy_from_user((char *)dst, (const char __user *)ptr, max);
	pagefault_enable();
	if (n < 0)
		return n;
	return n < max ? n + 1 : max;
}

/* A user string of at most `max` bytes, NUL included; sets TRUNCATED when cut. */
static u32 pg_user_str(struct pg_build *b, u8 *dst, u32 max, unsigned long ptr)
{
	long n;

	if (!ptr || max == 0)
		return 0;
	n = pg_strncpy_user(dst, ptr, max);
	if (n <= 0)
		return 0;
	if (n >= max) {
		if (dst[max - 1] != 0)
			b->hdr->flags |= PEREGRINE_EVF_TRUNCATED;
		dst[max - 1] = 0;
		n = max;
	}
	return n;
}

static u32 pg_unix_path(u8 *dst, u32 room, struct sock *sk)
{
	struct unix_address *addr = smp_load_acquire(&unix_sk(sk)->addr);
	u32 n = 0, max;

	if (!addr) {
		/* A connected client has no name of its own: report its peer's. */
		struct sock *peer;

		unix_state_lock(sk);
		peer = unix_sk(sk)->peer;
		addr = peer ? smp_load_acquire(&unix_sk(peer)->addr) : NULL;
		if (addr && addr->len > (int)sizeof(sa_family_t)) {
			max = min_t(u32, addr->len - sizeof(sa_family_t), room - 1);
			n = strnlen(addr->name->sun_path, max);
			memcpy(dst, addr->name->sun_path, n);
		}
		unix_state_unlock(sk);
	} else if (addr->len > (int)sizeof(sa_family_t)) {
		max = min_t(u32, addr->len - sizeof(sa_family_t), room - 1);
		n = strnlen(addr->name->sun_path, max);
		memcpy(dst, addr->name->sun_path, n);
	}
	if (n == 0)
		return 0; /* unnamed or abstract */
	dst[n] = 0;
	return n + 1;
}

/* The endpoints of the socket behind fd; 0 bytes when fd is not a socket. */
static u32 pg_socktuple(u8 *dst, u32 room, long fd)
{
	struct peregrine_socktuple t;
	struct socket *sock;
	struct file *file;
	struct sock *sk;
	u32 len = 0;

	if (fd < 0 || fd > INT_MAX || room < sizeof(t) + UNIX_PATH_MAX + 1)
		return 0;
	file = fget((unsigned int)fd); /* rcu and a reference: never sleeps */
	if (!file)
		return 0;
	sock = sock_from_file(file);
	sk = sock ? sock->sk : NULL;
	if (sk) {
		memset(&t, 0, sizeof(t));
		t.family = sk->sk_family;
		t.type = sk->sk_type;
		t.protocol = sk->sk_protocol;
		if (t.family == AF_INET) {
			memcpy(t.laddr, &sk->sk_rcv_saddr, 4);
			memcpy(t.raddr, &sk->sk_daddr, 4);
		}
#if IS_ENABLED(CONFIG_IPV6)
		if (t.family == AF_INET6) {
			memcpy(t.laddr, &sk->sk_v6_rcv_saddr, 16);
			memcpy(t.raddr, &sk->sk_v6_daddr, 16);
		}
#endif
		if (t.family == AF_INET || t.family == AF_INET6) {
			t.lport = sk->sk_num;
			t.rport = ntohs(sk->sk_dport);
		}
		memcpy(dst, &t, sizeof(t));
		len = sizeof(t);
		if (t.family == AF_UNIX)
			len += pg_unix_path(dst + sizeof(t), room - sizeof(t), sk);
	}
	fput(file); /* deferred to task work or a worker: never sleeps here */
	return len;
}

static u64 pg_task_value(u8 what)
{
	const struct cred *cred = current_cred();
	u64 v = 0;

	BUILD_BUG_ON(sizeof(kernel_cap_t) != 8);
	switch (what) {
	case PEREGRINE_TASK_PTID:
		rcu_read_lock();
		v = task_tgid_nr(rcu_dereference(current->real_parent));
		rcu_read_unlock();
		return v;
	case PEREGRINE_TASK_EUID:
		return __kuid_val(cred->euid);
	case PEREGRINE_TASK_EGID:
		return __kgid_val(cred->egid);
	case PEREGRINE_TASK_LOGINUID:
		return (u32)__kuid_val(audit_get_loginuid(current));
	case PEREGRINE_TASK_VTID:
		return (u64)(s64)task_pid_vnr(current);
	case PEREGRINE_TASK_VPID:
		return (u64)(s64)task_tgid_vnr(current);
	case PEREGRINE_TASK_CGROUP_ID:
#ifdef CONFIG_CGROUPS
		rcu_read_lock();
		v = cgroup_id(task_dfl_cgroup(current));
		rcu_read_unlock();
#endif
		return v;
	/* kernel_cap_t is one u64 since 6.3 and two u32 before: the same 8 bytes. */
	case PEREGRINE_TASK_CAP_INH:
		memcpy(&v, &cred->cap_inheritable, 8);
		return v;
	case PEREGRINE_TASK_CAP_PRM:
		memcpy(&v, &cred->cap_permitted, 8);
		return v;
	case PEREGRINE_TASK_CAP_EFF:
		memcpy(&v, &cred->cap_effective, 8);
		return v;
	}
	return 0;
}

/* argv[0] (MM_EXE), argv[1..] (MM_ARGS) or the environment (MM_ENV) of the current process. */
static u32 pg_mm_strings(struct pg_build *b, u8 *dst, u32 room, u8 what)
{
	struct mm_struct *mm = current->mm;
	unsigned long start, end, total;
	u32 max = min_t(u32, room, PEREGRINE_MAX_STRARRAY);
	long n;

	if (!mm || max == 0)
		return 0;
	spin_lock(&mm->arg_lock);
	if (what == PEREGRINE_MM_ENV) {
		start = mm->env_start;
		end = mm->env_end;
	} else {
		start = mm->arg_start;
		end = mm->arg_end;
	}
	spin_unlock(&mm->arg_lock);
	if (end <= start)
		return 0;
	if (what != PEREGRINE_MM_ENV) {
		n = pg_strncpy_user(dst, start, max);
		if (n <= 0)
			return 0;
		if (what == PEREGRINE_MM_EXE) {
			dst[max - 1] = n >= max ? 0 : dst[max - 1];
			return min_t(u32, n, max);
		}
		start += n;
		if (end <= start)
			return 0;
	}
	total = end - start;
	if (total > max) {
		total = max;
		b->hdr->flags |= PEREGRINE_EVF_TRUNCATED;
	}
	if (copy_from_user_nofault(dst, (const void __user *)start, total))
		return 0;
	return total;
}

/* Writes one parameter at dst (room bytes left); returns its length (0: absent). */
static u32 pg_fetch(struct pg_build *b, const struct pg_param_spec *spec, u8 *dst, u32 room)
{
	bool have = spec->arg == PEREGRINE_ARG_RES || (b->have_args && spec->arg < 6);
	u64 value = 0;
	u32 len, max;
	s64 want;

	if (spec->arg == PEREGRINE_ARG_RES)
		value = b->res;
	else if (have)
		value = b->args[spec->arg];

	switch (spec->fetch) {
	case PEREGRINE_FETCH_ARG:
		if (!have)
			return 0;
		/* fds, pids and ints are C ints: the register's upper half is not theirs. */
		if (spec->arg != PEREGRINE_ARG_RES &&
		    (spec->type == PEREGRINE_PT_FD || spec->type == PEREGRINE_PT_PID ||
		     spec->type == PEREGRINE_PT_S32))
			value = (u64)(s64)(s32)value;
		return pg_put_int(dst, room, spec->type, value);
	case PEREGRINE_FETCH_USER_STR:
		if (!have)
			return 0;
		return pg_user_str(b, dst, min_t(u32, room, PEREGRINE_MAX_PATH), value);
	case PEREGRINE_FETCH_USER_BUF:
		if (!have || !value)
			return 0;
		if (spec->aux == PEREGRINE_ARG_RES)
			want = b->res;
		else if (b->have_args && spec->aux < 6)
			want = (s64)b->args[spec->aux];
		else
			return 0;
		if (want <= 0)
			return 0;
		max = spec->type == PEREGRINE_PT_SOCKADDR ? PEREGRINE_MAX_SOCKADDR
							  : PEREGRINE_DATA_SNAPLEN;
		max = min_t(u32, max, room);
		if (want > max) {
			want = max;
			if (spec->type != PEREGRINE_PT_BYTES)
				b->hdr->flags |= PEREGRINE_EVF_TRUNCATED;
		}
		len = (u32)want;
		if (copy_from_user_nofault(dst, (const void __user *)(unsigned long)value, len))
			return 0;
		return len;
	case PEREGRINE_FETCH_USER_S32: {
		s32 v32;

		/* An array the call writes: meaningless when it failed. */
		if (!have || !value || b->res < 0 || room < 8)
			return 0;
		if (copy_from_user_nofault(&v32, (const void __user *)(unsigned long)(value + 4 * spec->aux), 4))
			return 0;
		return pg_put_int(dst, room, PEREGRINE_PT_S64, (u64)(s64)v32);
	}
	case PEREGRINE_FETCH_USER_U64: {
		u64 v64;

		if (!have || !value)
			return 0;
		if (copy_from_user_nofault(&v64, (const void __user *)(unsigned long)(value + 8 * spec->aux), 8))
			return 0;
		return pg_put_int(dst, room, spec->type, v64);
	}
	case PEREGRINE_FETCH_SOCKTUPLE:
		if (!have)
			return 0;
		return pg_socktuple(dst, room, (long)value);
	case PEREGRINE_FETCH_TASK:
		if (spec->aux == PEREGRINE_TASK_COMM) {
			char comm[PEREGRINE_COMM_LEN];

			if (room < PEREGRINE_COMM_LEN)
				return 0;
			memcpy(comm, current->comm, sizeof(comm));
			comm[PEREGRINE_COMM_LEN - 1] = 0;
			len = strnlen(comm, PEREGRINE_COMM_LEN - 1) + 1;
			memcpy(dst, comm, len);
			return len;
		}
		return pg_put_int(dst, room, spec->type, pg_task_value(spec->aux));
	case PEREGRINE_FETCH_MM:
		return pg_mm_strings(b, dst, room, spec->aux);
	case PEREGRINE_FETCH_EXEC_PATH:
		max = min_t(u32, room, PEREGRINE_MAX_PATH);
		if (b->res == 0 && b->exec_path) {
			want = strscpy((char *)dst, b->exec_path, max);
			if (want >= 0)
				return (u32)want + 1;
			b->hdr->flags |= PEREGRINE_EVF_TRUNCATED;
			return max;
		}
		if (!have)
			return 0;
		return pg_user_str(b, dst, max, value);
	default:
		return 0;
	}
}

static void pg_fill_header(struct peregrine_event_hdr *hdr, u32 code, u32 nparams, long res,
			   u16 flags)
{
	hdr->magic = PEREGRINE_EVENT_MAGIC;
	hdr->version = PEREGRINE_SCHEMA_VERSION;
	hdr->type = code;
	hdr->len = 0;
	hdr->nparams = nparams;
	hdr->flags = flags;
	hdr->ts_ns = ktime_get_boottime_ns();
	hdr->tid = current->pid;
	hdr->pid = current->tgid;
	hdr->res = res;
	hdr->cpu = smp_processor_id();
	hdr->prior_close = 0;
}

u32 pg_build_syscall(struct pg_cpu *c, u32 code, const unsigned long *args, bool have_args,
		     long res, const char *exec_path, u16 flags)
{
	const struct pg_event_spec *spec;
	struct pg_build b;
	u16 lens[PEREGRINE_MAX_PARAMS];
	u32 i, off, len;

	if (!pg_schema_has(code))
		return 0;
	spec = &pg_specs[code];
	b.buf = c->scratch;
	b.hdr = (struct peregrine_event_hdr *)c->scratch;
	b.args = args;
	b.have_args = have_args;
	b.res = res;
	b.exec_path = exec_path;
	pg_fill_header(b.hdr, code, spec->nparams, res, flags);
	off = sizeof(*b.hdr) + 2 * spec->nparams;
	for (i = 0; i < spec->nparams; i++) {
		len = pg_fetch(&b, &spec->params[i], b.buf + off, PEREGRINE_MAX_EVENT_SIZE - off);
		if (len > PEREGRINE_MAX_EVENT_SIZE - off)
			len = 0;
		lens[i] = len;
		off += len;
	}
	memcpy(b.buf + sizeof(*b.hdr), lens, 2 * spec->nparams);
	b.hdr->len = off;
	if (b.hdr->flags & PEREGRINE_EVF_TRUNCATED)
		c->counters.truncated++;
	return off;
}

u32 pg_build_procexit(struct pg_cpu *c, int exit_code)
{
	struct peregrine_event_hdr *hdr = (struct peregrine_event_hdr *)c->scratch;
	const u16 lens[PEREGRINE_NPARAMS_PROCEXIT] = { 8, 8, 4, 4 };
	s64 status = exit_code, ret = exit_code >> 8;
	u32 sig = exit_code & 0x7f, core = (exit_code & 0x80) ? 1 : 0;
	u8 *p = c->scratch + sizeof(*hdr);

	pg_fill_header(hdr, PEREGRINE_EVT_PROCEXIT, PEREGRINE_NPARAMS_PROCEXIT, 0, 0);
	memcpy(p, lens, sizeof(lens));
	p += sizeof(lens);
	memcpy(p, &status, 8);
	memcpy(p + 8, &ret, 8);
	memcpy(p + 16, &sig, 4);
	memcpy(p + 20, &core, 4);
	hdr->len = sizeof(*hdr) + sizeof(lens) + 24;
	return hdr->len;
}
