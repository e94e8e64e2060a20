/* SPDX-License-Identifier: Apache-2.0 OR GPL-2.0-only */
/*
 * The ioctl interface of /dev/peregrine, shared by the module and driver/kmod_reader.
 * Plain C, fixed-width types, explicit padding. The device admits one opener at a time.
 *
 *   GET_INFO         ring count, sizes and versions, to mmap the rings (ring_layout.h)
 *   SET_INTERESTING  bitmap of syscall codes (< PEREGRINE_SYSCALL_CODE_LIMIT) to capture;
 *                    the clone and execve families and procexit are always captured
 *   GET_COUNTERS     counters summed over CPUs
 *   SET_IGNORE_TGID  a thread group never captured (the agent itself); 0 = none
 *   ENABLE/DISABLE   attach/detach the tracepoints (capture starts disabled at open)
 */
#ifndef PEREGRINE_DRIVER_KMOD_KMOD_IOCTL_H
#define PEREGRINE_DRIVER_KMOD_KMOD_IOCTL_H

#include <linux/ioctl.h>

#include "event_schema.h"

#define PEREGRINE_KMOD_DEVICE "peregrine" /* /dev/peregrine */
#define PEREGRINE_KMOD_ABI_VERSION 1

struct peregrine_kmod_info {
	__u32 abi_version;    /* PEREGRINE_KMOD_ABI_VERSION */
	__u32 schema_version; /* PEREGRINE_SCHEMA_VERSION */
	__u32 nr_rings;       /* one per possible CPU id: rings 0 .. nr_rings - 1 */
	__u32 data_bytes;     /* data area of each ring */
	__u64 region_bytes;   /* mmap size of one ring: PEREGRINE_RING_HEADER_BYTES + data_bytes */
};

struct peregrine_kmod_interesting {
	__u64 bits[PEREGRINE_SYSCALL_CODE_LIMIT / 64]; /* bit n of bits[n / 64]: syscall code n */
};

struct peregrine_kmod_counters {
	__u64 events;        /* records written */
	__u64 drops_ring;    /* records lost: ring full (or tail out of range) */
	__u64 drops_nested;  /* records lost: the CPU's scratch buffer was in use */
	__u64 drops_exec;    /* exec arguments lost: no free exec slot */
	__u64 truncated;     /* records with a parameter cut short */
	__u64 no_enter;      /* exits whose entry was not seen (execve family only) */
};

#define PEREGRINE_IOCTL_MAGIC 'P'
#define PEREGRINE_IOCTL_GET_INFO _IOR(PEREGRINE_IOCTL_MAGIC, 1, struct peregrine_kmod_info)
#define PEREGRINE_IOCTL_SET_INTERESTING \
	_IOW(PEREGRINE_IOCTL_MAGIC, 2, struct peregrine_kmod_interesting)
#define PEREGRINE_IOCTL_GET_COUNTERS _IOR(PEREGRINE_IOCTL_MAGIC, 3, struct peregrine_kmod_counters)
#define PEREGRINE_IOCTL_SET_IGNORE_TGID _IOW(PEREGRINE_IOCTL_MAGIC, 4, __u32)
#define PEREGRINE_IOCTL_ENABLE _IO(PEREGRINE_IOCTL_MAGIC, 5)
#define PEREGRINE_IOCTL_DISABLE _IO(PEREGRINE_IOCTL_MAGIC, 6)

PEREGRINE_SCHEMA_ASSERT(sizeof(struct peregrine_kmod_info) == 24, "kmod info is 24 bytes");
PEREGRINE_SCHEMA_ASSERT(sizeof(struct peregrine_kmod_interesting) == 64, "bitmap is 64 bytes");
PEREGRINE_SCHEMA_ASSERT(sizeof(struct peregrine_kmod_counters) == 48, "counters are 48 bytes");

#endif /* PEREGRINE_DRIVER_KMOD_KMOD_IOCTL_H */
