// SPDX-License-Identifier: GPL-2.0-only
/*
 * Peregrine's eBPF CO-RE probe. One record per syscall, emitted at exit with the call's
 * arguments, laid out as driver/event_schema.h says; plus procexit from sched_process_exit.
 * What each parameter holds and where it comes from is data (the schema's table, compiled
 * below into event_specs); the code that fetches them is generic.
 *
 * The arguments are read at exit from the saved user registers, which the kernel leaves as the
 * caller set them: no per-call work at entry. Only a successful execve/execveat replaces them
 * (the new program starts with cleared registers), so those two are stashed at entry.
 *
 * Hooks (no kprobes):
 *   syscalls/sys_enter_execve, syscalls/sys_enter_execveat (tracepoints)
 *                        stash the arguments of execve/execveat, keyed by pid_tgid
 *   sys_enter (tp_btf)   the same, where tracefs cannot serve the two above; the loader
 *                        attaches one or the other (syscall_tracepoints.h): a program on the raw
 *                        sys_enter runs for every syscall of the system
 *   sys_exit (tp_btf)    build the record from the registers (or the stash) and the result
 *   sched_process_exec   remember the executed file until execve/execveat exits
 *   sched_process_exit   emit procexit, forget the thread's state
 * A forked child returns from clone/fork with a copy of its parent's registers, so its own
 * exit (result 0) is reported like Falco's child clone event.
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "driver/bpf/probe.h"

char LICENSE[] SEC("license") = "GPL";

/* Set before load: the agent's own thread group, never watched (0 = none). */
const volatile __u32 ignore_tgid = 0;
/* Set before load: unread bytes in events_map at which a record wakes the reader (0: every
 * record may wake it, the ring buffer's default). A wakeup is an interrupt on this CPU and a
 * context switch on the reader's: paid per record it was most of the probe's cost, so the
 * reader polls on a short timer instead and is woken early only when the backlog grows. */
const volatile __u64 wakeup_bytes = 0;

#define TS_COMPAT 0x0002 /* thread_info.status: a 32-bit syscall is running */
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10

/* Syscalls whose events leave the kernel: interesting_map[nr] is PEREGRINE_SEND_FULL or
 * PEREGRINE_SEND_STATE_ONLY (probe.h), 0 for the rest. Replaced on reload. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PEREGRINE_SYSCALL_CODE_LIMIT);
	__type(key, __u32);
	__type(value, __u8);
} interesting_map SEC(".maps");

/* The record stream; its size is set by the loader before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);
} events_map SEC(".maps");

/* execve/execveat in flight (see the top of the file). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PEREGRINE_STASH_ENTRIES);
	__type(key, __u64);
	__type(value, struct peregrine_syscall_stash);
} stash_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PEREGRINE_EXEC_PATH_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct peregrine_exec_path);
} exec_path_map SEC(".maps");

struct scratch {
	__u8 buf[PEREGRINE_SCRATCH_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct peregrine_exec_path);
} exec_path_scratch_map SEC(".maps");

/* The arguments of the record being built, for fetch_param (scratch_map's value is at the
 * per-CPU size limit already, hence a map of its own). valid 0: the entry of an exec was not
 * seen, its arguments are absent. */
struct args_scratch {
	struct peregrine_syscall_stash stash;
	__u64 valid;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct args_scratch);
} args_scratch_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct peregrine_probe_counters);
} counters_map SEC(".maps");

/*
 * Closes folded into the thread's next record (hdr.prior_close): pending_close_map[tid] is
 * fd + 1 while thread `tid` has made a state-only close that no record has carried yet. A
 * close record costs as much as an open's in the ring buffer; folded, it costs an array
 * store and a load.
 *
 * Exact only while no other thread can see the closing thread's fd table in between: the
 * close is folded only when the table is not shared (files_struct.count 1), and a pending
 * close is written out as a record of its own when the thread forks (sched_process_fork runs
 * in the parent before the child can, so no child record can come first). Only the thread
 * itself sets or takes its slot, so no atomics are needed. Sized to pid_max by the loader; a
 * tid beyond it is not folded.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, __u32);
} pending_close_map SEC(".maps");

/* Keeps the shared record structs in the object's BTF, where bpf_layout_test checks them
 * against the C++ build (they are otherwise only reached through casts). */
struct peregrine_event_hdr *unused_event_hdr __attribute__((unused));
struct peregrine_socktuple *unused_socktuple __attribute__((unused));

/* ------------------------------------------------------------------ the schema as data */

#define SPEC_PARAM(n, t, f, a, x) {PEREGRINE_PT_##t, PEREGRINE_FETCH_##f, a, x},
#define SPEC_EVENT(NAME, name, code, rn, rt)                      \
	[code] = {.nparams = PEREGRINE_NPARAMS_##NAME,            \
		  .params = {PEREGRINE_PARAMS_##NAME(SPEC_PARAM)}},
/* Indexed by event code; entries of codes the schema lacks have nparams 0. A power of two
 * long, so that a masked index is provably in bounds. */
#define SPEC_SLOTS 1024
#define SPEC(code) (&event_specs[(code) & (SPEC_SLOTS - 1)])
static const struct peregrine_event_spec event_specs[SPEC_SLOTS] = {
	PEREGRINE_EVENTS(SPEC_EVENT)
};
#undef SPEC_EVENT
#undef SPEC_PARAM

/* ------------------------------------------------------------------ helpers */

static __always_inline struct peregrine_probe_counters *counters(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&counters_map, &zero);
}

static __always_inline bool ignored(__u64 pid_tgid)
{
	return ignore_tgid != 0 && (__u32)(pid_tgid >> 32) == ignore_tgid;
}

static __always_inline __u32 width_of(__u8 type)
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

/* Hides what the compiler knows of a value's range, so it keeps the masks below, which the
 * verifier needs to see. */
#define FORGET_RANGE(x) asm volatile("" : "+r"(x))

/* Masks keep every access provably inside the scratch buffer; the values never exceed them. */
static __always_inline __u32 at_off(__u32 x)
{
	FORGET_RANGE(x);
	return x & (PEREGRINE_MAX_EVENT_SIZE - 1);
}

static __always_inline __u32 bounded_len(__u32 x)
{
	FORGET_RANGE(x);
	return x & (2 * PEREGRINE_MAX_PATH - 1);
}

static __always_inline void put_u64(__u8 *buf, __u32 off, __u64 v)
{
	__builtin_memcpy(&buf[at_off(off)], &v, 8);
}

static __always_inline void put_u32(__u8 *buf, __u32 off, __u32 v)
{
	__builtin_memcpy(&buf[at_off(off)], &v, 4);
}

/* The socket endpoints behind `fd` of the current task; 0 bytes when fd is not a socket. */
static __always_inline __u32 read_socktuple(__u8 *buf, __u32 off, __s64 fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct peregrine_socktuple t = {};
	struct file **fds;
	struct file *file;
	struct socket *sock;
	struct sock *sk;
	umode_t mode;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return 0;
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return 0;
	sock = BPF_CORE_READ(file, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return 0;
	t.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	t.type = BPF_CORE_READ(sk, sk_type);
	t.protocol = BPF_CORE_READ(sk, sk_protocol);
	if (t.family == AF_INET) {
		__u32 l = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u32 r = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__builtin_memcpy(t.laddr, &l, 4);
		__builtin_memcpy(t.raddr, &r, 4);
	} else if (t.family == AF_INET6) {
		BPF_CORE_READ_INTO(&t.laddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&t.raddr, sk, __sk_common.skc_v6_daddr);
	}
	if (t.family == AF_INET || t.family == AF_INET6) {
		t.lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		t.rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	}
	__builtin_memcpy(&buf[at_off(off)], &t, sizeof(t));
	if (t.family == AF_UNIX) {
		/* Its own bound path, else the peer's (a connected client has none). */
		struct unix_sock *us = (struct unix_sock *)sk;
		struct unix_address *addr = BPF_CORE_READ(us, addr);
		long n;

		if (!addr) {
			struct unix_sock *peer = (struct unix_sock *)BPF_CORE_READ(us, peer);
			addr = peer ? BPF_CORE_READ(peer, addr) : 0;
		}
		if (addr && BPF_CORE_READ(addr, len) > 2) {
			n = bpf_probe_read_kernel_str(&buf[at_off(off + sizeof(t))], 108,
						      &addr->name[0].sun_path);
			if (n > 1)
				return sizeof(t) + n;
		}
	}
	return sizeof(t);
}

/* The id of `t` in its own pid namespace (the deepest level of its struct pid). */
static __always_inline __u64 id_in_own_ns(struct task_struct *t)
{
	struct pid *pid = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	int nr = 0;

	BPF_CORE_READ_INTO(&nr, pid, numbers[level].nr);
	return nr;
}

/* A value of the current task for PEREGRINE_FETCH_TASK selectors that are integers. */
static __always_inline __u64 task_value(__u8 what)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct task_struct *leader;
	__u64 v = 0;

	switch (what) {
	case PEREGRINE_TASK_PTID:
		return BPF_CORE_READ(task, real_parent, tgid);
	case PEREGRINE_TASK_EUID:
		return BPF_CORE_READ(task, cred, euid.val);
	case PEREGRINE_TASK_EGID:
		return BPF_CORE_READ(task, cred, egid.val);
	case PEREGRINE_TASK_LOGINUID:
		if (bpf_core_field_exists(task->loginuid))
			return BPF_CORE_READ(task, loginuid.val);
		return 0xffffffffu;
	case PEREGRINE_TASK_VTID:
		return id_in_own_ns(task);
	case PEREGRINE_TASK_VPID:
		leader = BPF_CORE_READ(task, group_leader);
		return id_in_own_ns(leader);
	case PEREGRINE_TASK_CGROUP_ID:
		return bpf_get_current_cgroup_id();
	/* kernel_cap_t is one u64 since 6.3 and two u32 before: the same 8 bytes. */
	case PEREGRINE_TASK_CAP_INH:
		bpf_probe_read_kernel(&v, 8, &task->cred->cap_inheritable);
		return v;
	case PEREGRINE_TASK_CAP_PRM:
		bpf_probe_read_kernel(&v, 8, &task->cred->cap_permitted);
		return v;
	case PEREGRINE_TASK_CAP_EFF:
		bpf_probe_read_kernel(&v, 8, &task->cred->cap_effective);
		return v;
	}
	return 0;
}

/*
 * Writes parameter `i` of the record being built in `s` (its header filled in: type, res) at
 * `off`, and its length into the lengths array; returns the offset after it, or a negative
 * value on a bad argument. For the kinds emit_event does not fetch inline (argument values and
 * user strings are, below). A global function: the verifier checks it once, not once per
 * parameter. The caller's map values come in as arguments: a lookup of each per parameter
 * was a measurable share of the probe's time on small records.
 */
__noinline int fetch_param(struct scratch *s, struct args_scratch *args, __u32 i, __u32 off)
{
	const struct peregrine_param_spec *spec;
	struct peregrine_syscall_stash *stash = 0;
	struct peregrine_event_hdr *hdr;
	struct peregrine_exec_path *exec;
	struct task_struct *task;
	struct mm_struct *mm;
	__u32 room, len = 0, max, code;
	__u64 value, ptr;
	__s64 res;
	__u8 *buf;
	long n;

	/* code and i are only ever used masked (SPEC, the lengths array): no check needed. */
	if (!s || !args || off >= PEREGRINE_MAX_EVENT_SIZE)
		return -1;
	FORGET_RANGE(off);
	buf = s->buf;
	hdr = (struct peregrine_event_hdr *)buf;
	code = hdr->type;
	res = hdr->res;
	spec = &SPEC(code)->params[i & (PEREGRINE_MAX_PARAMS - 1)];
	room = PEREGRINE_MAX_EVENT_SIZE - off;
	if (args->valid && args->stash.id == code)
		stash = &args->stash;

	/* The syscall argument or result the fetch names, when it needs one. */
	value = 0;
	if (spec->arg == PEREGRINE_ARG_RES)
		value = res;
	else if (stash && spec->arg < 6)
		value = stash->args[spec->arg & 7];
	ptr = value;
	bool have_value = spec->arg == PEREGRINE_ARG_RES || stash;

	switch (spec->fetch) {
	case PEREGRINE_FETCH_USER_BUF: {
		__s64 want;

		if (!have_value || !ptr)
			break;
		if (spec->aux == PEREGRINE_ARG_RES)
			want = res;
		else if (stash && spec->aux < 6)
			want = stash->args[spec->aux & 7];
		else
			break;
		if (want <= 0)
			break;
		max = spec->type == PEREGRINE_PT_SOCKADDR ? PEREGRINE_MAX_SOCKADDR
							  : PEREGRINE_DATA_SNAPLEN;
		if (max > room)
			max = room;
		if (want > max) {
			want = max;
			if (spec->type != PEREGRINE_PT_BYTES)
				hdr->flags |= PEREGRINE_EVF_TRUNCATED;
		}
		len = want & 255;
		if (bpf_probe_read_user(&buf[at_off(off)], len, (void *)ptr))
			len = 0;
		break;
	}
	case PEREGRINE_FETCH_USER_S32: {
		__s32 v32;

		/* An array the call writes: meaningless when it failed. */
		if (!have_value || !ptr || res < 0 || room < 8)
			break;
		if (bpf_probe_read_user(&v32, 4, (void *)(ptr + 4 * (spec->aux & 7))))
			break;
		put_u64(buf, off, (__s64)v32);
		len = 8;
		break;
	}
	case PEREGRINE_FETCH_USER_U64: {
		__u64 v64;

		if (!have_value || !ptr)
			break;
		if (bpf_probe_read_user(&v64, 8, (void *)(ptr + 8 * (spec->aux & 7))))
			break;
		len = width_of(spec->type);
		if (len > room) {
			len = 0;
			break;
		}
		if (len == 8)
			put_u64(buf, off, v64);
		else
			put_u32(buf, off, (__u32)v64);
		break;
	}
	case PEREGRINE_FETCH_SOCKTUPLE:
		if (!have_value || room < sizeof(struct peregrine_socktuple) + 108)
			break;
		len = read_socktuple(buf, off, (__s64)value);
		break;
	case PEREGRINE_FETCH_TASK:
		if (spec->aux == PEREGRINE_TASK_COMM) {
			if (room < PEREGRINE_COMM_LEN)
				break;
			bpf_get_current_comm(&buf[at_off(off)], PEREGRINE_COMM_LEN);
			buf[at_off(off + PEREGRINE_COMM_LEN - 1)] = 0;
			/* The comm ends at its first NUL; send just that. */
			len = PEREGRINE_COMM_LEN;
			for (int k = 0; k < PEREGRINE_COMM_LEN; k++) {
				if (buf[at_off(off + k)] == 0) {
					len = k + 1;
					break;
				}
			}
			break;
		}
		len = width_of(spec->type);
		if (len > room) {
			len = 0;
			break;
		}
		value = task_value(spec->aux);
		if (len == 8)
			put_u64(buf, off, value);
		else
			put_u32(buf, off, (__u32)value);
		break;
	case PEREGRINE_FETCH_MM: {
		unsigned long start, end;
		__u64 total;

		task = bpf_get_current_task_btf();
		mm = BPF_CORE_READ(task, mm);
		if (!mm)
			break;
		if (spec->aux == PEREGRINE_MM_ENV) {
			start = BPF_CORE_READ(mm, env_start);
			end = BPF_CORE_READ(mm, env_end);
		} else {
			start = BPF_CORE_READ(mm, arg_start);
			end = BPF_CORE_READ(mm, arg_end);
		}
		if (end <= start)
			break;
		max = room < PEREGRINE_MAX_STRARRAY ? room : PEREGRINE_MAX_STRARRAY;
		/* argv[0] first: it is the exe, or what the args skip. */
		if (spec->aux != PEREGRINE_MM_ENV) {
			n = bpf_probe_read_user_str(&buf[at_off(off)], bounded_len(max), (void *)start);
			if (n <= 0)
				break;
			if (spec->aux == PEREGRINE_MM_EXE) {
				len = n;
				break;
			}
			start += n;
			if (end <= start)
				break;
		}
		total = end - start;
		if (total > max) {
			total = max;
			hdr->flags |= PEREGRINE_EVF_TRUNCATED;
		}
		len = bounded_len(total);
		if (bpf_probe_read_user(&buf[at_off(off)], len, (void *)start))
			len = 0;
		break;
	}
	case PEREGRINE_FETCH_EXEC_PATH:
		max = room < PEREGRINE_MAX_PATH ? room : PEREGRINE_MAX_PATH;
		{
			__u64 pid_tgid = bpf_get_current_pid_tgid();

			exec = bpf_map_lookup_elem(&exec_path_map, &pid_tgid);
		}
		if (exec && res == 0)
			n = bpf_probe_read_kernel_str(&buf[at_off(off)], bounded_len(max), exec->path);
		else if (have_value && ptr)
			n = bpf_probe_read_user_str(&buf[at_off(off)], bounded_len(max), (void *)ptr);
		else
			n = 0;
		if (n > 0)
			len = n;
		break;
	default:
		break;
	}

	if (len > room)
		len = 0;
	/* The lengths array sits right after the header. */
	{
		__u16 len16 = len;
		__builtin_memcpy(&buf[sizeof(*hdr) + 2 * (i & (PEREGRINE_MAX_PARAMS - 1))], &len16, 2);
	}
	return off + len;
}

/* Process lifecycle records: the reader reads /proc for a new process (its cgroups, ...) when
 * it sees one, so these should reach it while the process still lives; they are rare. */
static __always_inline bool is_lifecycle(__u32 code)
{
	return code == PEREGRINE_EVT_CODE_CLONE || code == PEREGRINE_EVT_CODE_CLONE3 ||
	       code == PEREGRINE_EVT_CODE_FORK || code == PEREGRINE_EVT_CODE_VFORK ||
	       code == PEREGRINE_EVT_CODE_EXECVE || code == PEREGRINE_EVT_CODE_EXECVEAT ||
	       code == PEREGRINE_EVT_PROCEXIT;
}

/* Writes a finished record of event `code` to events_map; a full buffer is a counted drop.
 * Wakes the reader for a lifecycle record, or when this record takes the unread data past
 * wakeup_bytes (see there). */
static __always_inline void emit_record(struct peregrine_probe_counters *c, void *data, __u32 size,
					__u32 code)
{
	__u64 flags = 0;

	if (wakeup_bytes) {
		__u64 unread = bpf_ringbuf_query(&events_map, BPF_RB_AVAIL_DATA);

		if (is_lifecycle(code) || (unread < wakeup_bytes && unread + size >= wakeup_bytes))
			flags = BPF_RB_FORCE_WAKEUP;
		else
			flags = BPF_RB_NO_WAKEUP;
	}
	if (bpf_ringbuf_output(&events_map, data, size, flags))
		__sync_fetch_and_add(&c->drops_ringbuf, 1);
	else
		c->events++; /* this CPU's slot, per record: a locked add would cost more than the
			      * rare count lost to preemption between the load and the store */
}

/* ------------------------------------------------------------------ records per event */

/*
 * Each event's parameters, fetched by code the compiler specialises from the schema's lists:
 * the two common kinds (an argument's value, a user string) inline with their type, argument
 * and position as constants; the others through fetch_param, which reads them from
 * event_specs. A loop calling fetch_param for every parameter cost ~30 ns more per open or
 * close record (bench/RESULTS.md, agent).
 *
 * Each returns the offset after the parameter (its length in the lengths array), or a
 * negative value on a bad argument.
 */

static __always_inline void put_len(__u8 *buf, __u32 i, __u32 len)
{
	__u16 len16 = len;

	__builtin_memcpy(&buf[sizeof(struct peregrine_event_hdr) + 2 * (i & (PEREGRINE_MAX_PARAMS - 1))],
			 &len16, 2);
}

/* The value of argument `arg` (or the result), when known. */
static __always_inline bool arg_value(struct args_scratch *args, __u8 arg, __s64 res, __u64 *value)
{
	if (arg == PEREGRINE_ARG_RES) {
		*value = res;
		return true;
	}
	if (!args->valid || arg >= 6)
		return false;
	*value = args->stash.args[arg];
	return true;
}

static __always_inline int fetch_inline_arg(struct scratch *s, struct args_scratch *args, __u8 type,
					    __u8 arg, __u32 i, __u32 off, __s64 res)
{
	__u32 len = width_of(type);
	__u64 value;

	if (off + len > PEREGRINE_MAX_EVENT_SIZE || !arg_value(args, arg, res, &value)) {
		len = 0;
	} else {
		/* fds, pids and ints are C ints: the register's upper half is not theirs. */
		if (arg != PEREGRINE_ARG_RES && (type == PEREGRINE_PT_FD || type == PEREGRINE_PT_PID ||
						 type == PEREGRINE_PT_S32))
			value = (__s64)(__s32)value;
		if (len == 8)
			put_u64(s->buf, off, value);
		else
			put_u32(s->buf, off, (__u32)value);
	}
	put_len(s->buf, i, len);
	return off + len;
}

static __always_inline int fetch_inline_user_str(struct scratch *s, struct args_scratch *args,
						 __u8 arg, __u32 i, __u32 off, __s64 res)
{
	struct peregrine_event_hdr *hdr = (struct peregrine_event_hdr *)s->buf;
	__u32 room, max, len = 0;
	__u64 ptr;
	long n;

	if (off < PEREGRINE_MAX_EVENT_SIZE && arg_value(args, arg, res, &ptr) && ptr) {
		room = PEREGRINE_MAX_EVENT_SIZE - off;
		max = room < PEREGRINE_MAX_PATH ? room : PEREGRINE_MAX_PATH;
		n = bpf_probe_read_user_str(&s->buf[at_off(off)], bounded_len(max), (void *)ptr);
		if (n > 0)
			len = n;
		if (n == max && max < PEREGRINE_MAX_PATH)
			hdr->flags |= PEREGRINE_EVF_TRUNCATED;
	}
	put_len(s->buf, i, len);
	return off + len;
}

#define FETCH_KIND_ARG(s, args, t, a, i, off, res) fetch_inline_arg(s, args, t, a, i, off, res)
#define FETCH_KIND_USER_STR(s, args, t, a, i, off, res) \
	fetch_inline_user_str(s, args, a, i, off, res)
#define FETCH_KIND_BY_SPEC(s, args, t, a, i, off, res) fetch_param(s, args, i, off)
#define FETCH_KIND_USER_BUF FETCH_KIND_BY_SPEC
#define FETCH_KIND_USER_S32 FETCH_KIND_BY_SPEC
#define FETCH_KIND_USER_U64 FETCH_KIND_BY_SPEC
#define FETCH_KIND_SOCKTUPLE FETCH_KIND_BY_SPEC
#define FETCH_KIND_TASK FETCH_KIND_BY_SPEC
#define FETCH_KIND_MM FETCH_KIND_BY_SPEC
#define FETCH_KIND_EXEC_PATH FETCH_KIND_BY_SPEC
#define FETCH_KIND_HOOK FETCH_KIND_BY_SPEC
#define FETCH_KIND_NONE FETCH_KIND_BY_SPEC

/* One parameter of a case below: `i` counts them, constant in each case once unrolled. */
#define FETCH_PARAM(n, t, f, a, x)                                                         \
	next = FETCH_KIND_##f(s, args, PEREGRINE_PT_##t, a, i, off, res);                  \
	if (next < (int)off || next > PEREGRINE_MAX_EVENT_SIZE)                            \
		return;                                                                    \
	off = next;                                                                        \
	i++;
#define FETCH_EVENT(NAME, name, code, rn, rt)                                              \
	case code:                                                                         \
		PEREGRINE_PARAMS_##NAME(FETCH_PARAM) break;

/* The close `tid` made since its last record, as fd + 1 (0: none), taken out of its slot. */
static __always_inline __u32 take_prior_close(__u32 tid)
{
	__u32 *slot = bpf_map_lookup_elem(&pending_close_map, &tid);
	__u32 fd1;

	if (!slot || !*slot)
		return 0;
	fd1 = *slot;
	*slot = 0;
	return fd1;
}

/* Folds a successful state-only close of `fd` into the thread's next record, when that is
 * exact (see pending_close_map); false: write its record. */
static __always_inline bool fold_close(__u32 tid, __u64 fd)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u32 *slot;

	if (fd >= 0x7fffffff || t->files->count.counter != 1)
		return false;
	slot = bpf_map_lookup_elem(&pending_close_map, &tid);
	if (!slot || *slot)
		return false; /* one pending already: this close's record carries it */
	*slot = fd + 1;
	return true;
}

/* Builds and emits the record of `code` for the current thread (`pid_tgid`), with the
 * arguments in `args`. An untimed record (PEREGRINE_EVF_UNTIMED in `flags`) keeps the time of
 * the last record built in this CPU's scratch: the clock read is ~40 ns, a third of a small
 * record's cost (bench/RESULTS.md, agent). */
static __always_inline void emit_event(struct args_scratch *args, __u32 code, __s64 res, __u16 flags,
				       __u64 pid_tgid)
{
	struct peregrine_probe_counters *c = counters();
	struct peregrine_event_hdr *hdr;
	__u32 zero = 0, off, nparams, i = 0;
	struct scratch *s;
	int next;

	if (code > PEREGRINE_SYSCALL_CODE_LIMIT)
		return;
	s = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!s)
		return;
	nparams = SPEC(code)->nparams;
	if (nparams > PEREGRINE_MAX_PARAMS)
		return;
	hdr = (struct peregrine_event_hdr *)s->buf;
	hdr->magic = PEREGRINE_EVENT_MAGIC;
	hdr->version = PEREGRINE_SCHEMA_VERSION;
	hdr->type = code;
	hdr->nparams = nparams;
	hdr->flags = flags;
	if (!(flags & PEREGRINE_EVF_UNTIMED))
		hdr->ts_ns = bpf_ktime_get_boot_ns();
	hdr->tid = (__u32)pid_tgid;
	hdr->pid = pid_tgid >> 32;
	hdr->res = res;
	hdr->cpu = bpf_get_smp_processor_id();

	off = sizeof(*hdr) + 2 * nparams;
	switch (code) {
		PEREGRINE_EVENTS(FETCH_EVENT)
	default:
		return;
	}
	hdr->len = off;
	if (!c)
		return;
	/* Last, so that a record given up above leaves a pending close for the next one. */
	hdr->prior_close = take_prior_close((__u32)pid_tgid);
	if (hdr->flags & PEREGRINE_EVF_TRUNCATED)
		__sync_fetch_and_add(&c->truncated, 1);
	emit_record(c, s->buf, off & (PEREGRINE_SCRATCH_SIZE - 1), code);
}

/* interesting_map[id]: 0, PEREGRINE_SEND_FULL or PEREGRINE_SEND_STATE_ONLY. */
static __always_inline __u8 interest(__u32 id)
{
	__u8 *send = bpf_map_lookup_elem(&interesting_map, &id);
	return send ? *send : 0;
}

/* The calls whose registers do not survive until their exit (see the top of the file). */
static __always_inline bool needs_entry_stash(long id)
{
	return id == PEREGRINE_EVT_CODE_EXECVE || id == PEREGRINE_EVT_CODE_EXECVEAT;
}

/* Direct loads through BTF pointers (here and in the syscall hooks' regs): plain memory
 * reads, where BPF_CORE_READ would be a helper call each. */
static __always_inline bool in_compat_syscall(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	return task->thread_info.status & TS_COMPAT;
}

/* ------------------------------------------------------------------ hooks */

/* Keeps the entry of execve/execveat (stash->id) for its exit. */
static __always_inline void save_stash(struct peregrine_syscall_stash *stash)
{
	struct peregrine_probe_counters *c;
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (ignored(pid_tgid) || !interest(stash->id) || in_compat_syscall())
		return;
	if (bpf_map_update_elem(&stash_map, &pid_tgid, stash, BPF_ANY)) {
		c = counters();
		if (c)
			__sync_fetch_and_add(&c->drops_stash, 1);
	}
}

SEC("tp_btf/sys_enter")
int BPF_PROG(handle_sys_enter, struct pt_regs *regs, long id)
{
	struct peregrine_syscall_stash stash;

	/* First and alone: this runs for every syscall of the system. */
	if (!needs_entry_stash(id))
		return 0;
	stash.id = id;
	stash.args[0] = regs->di;
	stash.args[1] = regs->si;
	stash.args[2] = regs->dx;
	stash.args[3] = regs->r10;
	stash.args[4] = regs->r8;
	stash.args[5] = regs->r9;
	save_stash(&stash);
	return 0;
}

/* The record of a syscalls/sys_enter_<name> tracepoint: the common fields, the syscall number
 * (an int, padded), then each argument the call takes in 8 bytes. */
struct syscall_enter_record {
	__u64 common;
	__s32 nr;
	__s32 pad;
	__u64 args[6];
};

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_enter_execve(struct syscall_enter_record *ctx)
{
	struct peregrine_syscall_stash stash = {.id = PEREGRINE_EVT_CODE_EXECVE};

	/* execve(filename, argv, envp): the record holds these three only. */
	stash.args[0] = ctx->args[0];
	stash.args[1] = ctx->args[1];
	stash.args[2] = ctx->args[2];
	save_stash(&stash);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int handle_enter_execveat(struct syscall_enter_record *ctx)
{
	struct peregrine_syscall_stash stash = {.id = PEREGRINE_EVT_CODE_EXECVEAT};

	/* execveat(dirfd, filename, argv, envp, flags) */
	stash.args[0] = ctx->args[0];
	stash.args[1] = ctx->args[1];
	stash.args[2] = ctx->args[2];
	stash.args[3] = ctx->args[3];
	stash.args[4] = ctx->args[4];
	save_stash(&stash);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle_sys_exit, struct pt_regs *regs, long ret)
{
	struct peregrine_syscall_stash *stash;
	struct peregrine_probe_counters *c;
	struct args_scratch *args;
	long id = regs->orig_ax;
	__u16 flags = 0;
	__u32 zero = 0;
	__u64 pid_tgid;
	__u8 send;

	/* The filter first: this runs for every syscall of the system. */
	if (id < 0 || id >= PEREGRINE_SYSCALL_CODE_LIMIT)
		return 0;
	send = interest(id);
	if (!send)
		return 0;
	if (send == PEREGRINE_SEND_STATE_ONLY)
		flags = PEREGRINE_EVF_UNTIMED;
	pid_tgid = bpf_get_current_pid_tgid();
	if (ignored(pid_tgid) || in_compat_syscall())
		return 0;
	if (SPEC(id)->nparams == 0)
		return 0; /* not in the schema */
	args = bpf_map_lookup_elem(&args_scratch_map, &zero);
	if (!args)
		return 0;
	if (!needs_entry_stash(id)) {
		if (id == PEREGRINE_EVT_CODE_CLOSE && send == PEREGRINE_SEND_STATE_ONLY && ret == 0 &&
		    fold_close((__u32)pid_tgid, (__u32)regs->di))
			return 0;
		args->valid = 1;
		args->stash.id = id;
		args->stash.args[0] = regs->di;
		args->stash.args[1] = regs->si;
		args->stash.args[2] = regs->dx;
		args->stash.args[3] = regs->r10;
		args->stash.args[4] = regs->r8;
		args->stash.args[5] = regs->r9;
		emit_event(args, id, ret, flags, pid_tgid);
		return 0;
	}
	stash = bpf_map_lookup_elem(&stash_map, &pid_tgid);
	/* A successful execveat's exit reads execve's number (seen on 6.18): the stash knows
	 * which call the thread made. */
	if (stash && id == PEREGRINE_EVT_CODE_EXECVE && stash->id == PEREGRINE_EVT_CODE_EXECVEAT)
		id = PEREGRINE_EVT_CODE_EXECVEAT;
	if (stash && stash->id != id)
		stash = 0;
	args->valid = stash != 0;
	if (stash) {
		args->stash = *stash;
	} else {
		flags |= PEREGRINE_EVF_NO_ENTER;
		c = counters();
		if (c)
			__sync_fetch_and_add(&c->no_enter, 1);
	}
	emit_event(args, id, ret, flags, pid_tgid);
	bpf_map_delete_elem(&stash_map, &pid_tgid);
	bpf_map_delete_elem(&exec_path_map, &pid_tgid);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_sched_process_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct peregrine_syscall_stash *stash;
	struct peregrine_exec_path *path;
	__u32 zero = 0;

	if (ignored(pid_tgid))
		return 0;
	/* A thread other than the leader that execs takes the leader's id: move its stash. */
	if ((__u32)pid_tgid != (__u32)old_pid) {
		__u64 old_key = (pid_tgid & 0xffffffff00000000ull) | (__u32)old_pid;

		stash = bpf_map_lookup_elem(&stash_map, &old_key);
		if (stash) {
			bpf_map_update_elem(&stash_map, &pid_tgid, stash, BPF_ANY);
			bpf_map_delete_elem(&stash_map, &old_key);
		}
	}
	stash = bpf_map_lookup_elem(&stash_map, &pid_tgid);
	if (!stash)
		return 0; /* execve not interesting (or entry not seen): nobody will read it */
	path = bpf_map_lookup_elem(&exec_path_scratch_map, &zero);
	if (!path)
		return 0;
	if (bpf_probe_read_kernel_str(path->path, sizeof(path->path), BPF_CORE_READ(bprm, filename)) <= 0)
		return 0;
	bpf_map_update_elem(&exec_path_map, &pid_tgid, path, BPF_ANY);
	return 0;
}

/* A close pending in the forking thread becomes a record of its own now, before the child
 * exists: the child's records must find the table as the fork left it (pending_close_map). */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct args_scratch *args;
	__u32 zero = 0, fd1;

	fd1 = take_prior_close((__u32)pid_tgid);
	if (!fd1)
		return 0;
	args = bpf_map_lookup_elem(&args_scratch_map, &zero);
	if (!args)
		return 0;
	args->valid = 1;
	args->stash.id = PEREGRINE_EVT_CODE_CLOSE;
	args->stash.args[0] = fd1 - 1;
	emit_event(args, PEREGRINE_EVT_CODE_CLOSE, 0, PEREGRINE_EVF_UNTIMED, pid_tgid);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_sched_process_exit, struct task_struct *p)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct peregrine_probe_counters *c;
	struct peregrine_event_hdr *hdr;
	struct scratch *s;
	__u32 zero = 0, off;
	int code;

	bpf_map_delete_elem(&stash_map, &pid_tgid);
	bpf_map_delete_elem(&exec_path_map, &pid_tgid);
	if (ignored(pid_tgid))
		return 0;
	s = bpf_map_lookup_elem(&scratch_map, &zero);
	c = counters();
	if (!s || !c)
		return 0;
	code = BPF_CORE_READ(p, exit_code);
	hdr = (struct peregrine_event_hdr *)s->buf;
	hdr->magic = PEREGRINE_EVENT_MAGIC;
	hdr->version = PEREGRINE_SCHEMA_VERSION;
	hdr->type = PEREGRINE_EVT_PROCEXIT;
	hdr->nparams = PEREGRINE_NPARAMS_PROCEXIT;
	hdr->flags = 0;
	hdr->ts_ns = bpf_ktime_get_boot_ns();
	hdr->tid = (__u32)pid_tgid;
	hdr->pid = pid_tgid >> 32;
	hdr->res = 0;
	hdr->cpu = bpf_get_smp_processor_id();
	hdr->prior_close = take_prior_close((__u32)pid_tgid);
	/* status, ret, sig, core: 8, 8, 4, 4 bytes */
	{
		__u16 lens[PEREGRINE_NPARAMS_PROCEXIT] = {8, 8, 4, 4};
		__s64 status = code, ret = code >> 8;
		__u32 sig = code & 0x7f, core = (code & 0x80) ? 1 : 0;

		off = sizeof(*hdr);
		__builtin_memcpy(&s->buf[off], lens, sizeof(lens));
		off += sizeof(lens);
		__builtin_memcpy(&s->buf[off], &status, 8);
		__builtin_memcpy(&s->buf[off + 8], &ret, 8);
		__builtin_memcpy(&s->buf[off + 16], &sig, 4);
		__builtin_memcpy(&s->buf[off + 20], &core, 4);
		off += 24;
	}
	hdr->len = off;
	emit_record(c, s->buf, off, PEREGRINE_EVT_PROCEXIT);
	return 0;
}
