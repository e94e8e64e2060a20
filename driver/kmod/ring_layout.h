/* SPDX-License-Identifier: Apache-2.0 OR GPL-2.0-only */
/*
 * The per-CPU ring buffers of the Peregrine kernel module, as the module writes them and user
 * space (driver/kmod_reader) reads them through mmap of /dev/peregrine. Plain C with fixed-width
 * types: the module (kernel C) and the reader (C++) include this same file.
 *
 * One ring per possible CPU. Ring i is the mmap region at offset i * region_bytes of the
 * device (region_bytes and the ring count come from PEREGRINE_IOCTL_GET_INFO):
 *
 *   [0, 4096)                       struct peregrine_ring_header, rest of the page zero
 *   [4096, 4096 + data_bytes)       data: entries back to back, each 8-byte aligned
 *
 * head and tail are free-running byte counters (never reduced modulo data_bytes): the bytes
 * in [tail, head) are unread entries, at data offset (position & (data_bytes - 1)). Only the
 * module writes head (a release store after the entry's bytes); only the reader writes tail
 * (a release store after it is done with the bytes). The module never writes into unread
 * bytes: an entry that does not fit is dropped and counted in `drops`.
 *
 * An entry is either an event record (driver/event_schema.h: it starts with
 * PEREGRINE_EVENT_MAGIC, occupies PEREGRINE_RING_ALIGN_UP(hdr.len) bytes) or padding (a
 * struct peregrine_ring_pad). A record never wraps: when it does not fit before the end of
 * the data area, the module pads up to the end and writes the record at offset 0. Padding
 * always runs exactly to the end of the data area.
 *
 * peregrine_ring_place() and peregrine_ring_fill() below are the placement arithmetic and the
 * copy the module uses; the reader's tests use them to lay out rings byte for byte.
 */
#ifndef PEREGRINE_DRIVER_KMOD_RING_LAYOUT_H
#define PEREGRINE_DRIVER_KMOD_RING_LAYOUT_H

#include "event_schema.h"

#define PEREGRINE_RING_MAGIC 0x474E4952u     /* "RING" as a little-endian __u32 */
#define PEREGRINE_RING_PAD_MAGIC 0x44415050u /* "PPAD" */
#define PEREGRINE_RING_ABI_VERSION 1
#define PEREGRINE_RING_HEADER_BYTES 4096u /* the header page before the data area */
#define PEREGRINE_RING_ALIGN 8u
#define PEREGRINE_RING_ALIGN_UP(n) (((n) + (PEREGRINE_RING_ALIGN - 1)) & ~(PEREGRINE_RING_ALIGN - 1))
/* data_bytes bounds: a power of two in [MIN, MAX]. */
#define PEREGRINE_RING_MIN_DATA_BYTES (64u << 10)
#define PEREGRINE_RING_MAX_DATA_BYTES (1u << 30)

struct peregrine_ring_header {
	__u32 magic;          /* PEREGRINE_RING_MAGIC */
	__u16 abi_version;    /* PEREGRINE_RING_ABI_VERSION */
	__u16 schema_version; /* PEREGRINE_SCHEMA_VERSION of the records */
	__u32 cpu;            /* the CPU this ring belongs to */
	__u32 data_bytes;     /* size of the data area: a power of two */
	__u8 pad0[48];
	__u64 head;           /* offset 64, own cache line: written by the module */
	__u8 pad1[56];
	__u64 tail;           /* offset 128, own cache line: written by the reader */
	__u8 pad2[56];
	__u64 events;         /* offset 192: records written (module, informational) */
	__u64 drops;          /* records lost because the ring was full */
	__u64 drops_bad_tail; /* records lost because tail was out of range */
	__u8 pad3[40];
};

/* Padding from its position to the end of the data area. */
struct peregrine_ring_pad {
	__u32 magic; /* PEREGRINE_RING_PAD_MAGIC */
	__u32 len;   /* bytes, this struct included: data_bytes - offset */
};

PEREGRINE_SCHEMA_ASSERT(sizeof(struct peregrine_ring_header) == 256, "ring header is 256 bytes");
PEREGRINE_SCHEMA_ASSERT(__builtin_offsetof(struct peregrine_ring_header, data_bytes) == 12,
			"ring.data_bytes");
PEREGRINE_SCHEMA_ASSERT(__builtin_offsetof(struct peregrine_ring_header, head) == 64, "ring.head");
PEREGRINE_SCHEMA_ASSERT(__builtin_offsetof(struct peregrine_ring_header, tail) == 128, "ring.tail");
PEREGRINE_SCHEMA_ASSERT(__builtin_offsetof(struct peregrine_ring_header, events) == 192,
			"ring.events");
PEREGRINE_SCHEMA_ASSERT(__builtin_offsetof(struct peregrine_ring_header, drops) == 200, "ring.drops");
PEREGRINE_SCHEMA_ASSERT(sizeof(struct peregrine_ring_pad) == PEREGRINE_RING_ALIGN, "pad entry");
PEREGRINE_SCHEMA_ASSERT(PEREGRINE_MAX_EVENT_SIZE % PEREGRINE_RING_ALIGN == 0, "max event aligned");

/* Where an entry of `len` bytes goes. */
struct peregrine_ring_slot {
	__u64 pad;       /* padding bytes written first at head (0: none) */
	__u64 offset;    /* data offset of the record */
	__u64 next_head; /* head after the entry */
};

#define PEREGRINE_RING_OK 0
#define PEREGRINE_RING_FULL 1     /* not enough unread-free room: drop */
#define PEREGRINE_RING_BAD_TAIL 2 /* tail is not within data_bytes behind head: drop */

/* Placement of a record of `len` bytes given the positions; data_bytes is a power of two. */
static inline int peregrine_ring_place(__u64 head, __u64 tail, __u32 data_bytes, __u32 len,
				       struct peregrine_ring_slot *slot)
{
	__u64 used = head - tail;
	__u64 aligned = PEREGRINE_RING_ALIGN_UP((__u64)len);
	__u64 pos = head & (__u64)(data_bytes - 1);
	__u64 to_end = data_bytes - pos;

	if (used > data_bytes)
		return PEREGRINE_RING_BAD_TAIL;
	slot->pad = aligned > to_end ? to_end : 0;
	if (aligned > data_bytes || slot->pad + aligned > data_bytes - used)
		return PEREGRINE_RING_FULL;
	slot->offset = (head + slot->pad) & (__u64)(data_bytes - 1);
	slot->next_head = head + slot->pad + aligned;
	return PEREGRINE_RING_OK;
}

/* Writes the entry `slot` describes into `data`: the padding marker, the record, and zeros up
 * to the alignment. The caller then publishes slot->next_head as head. */
static inline void peregrine_ring_fill(__u8 *data, __u32 data_bytes,
				       const struct peregrine_ring_slot *slot, const void *record,
				       __u32 len)
{
	__u32 aligned = PEREGRINE_RING_ALIGN_UP(len);

	if (slot->pad) {
		struct peregrine_ring_pad pad;

		pad.magic = PEREGRINE_RING_PAD_MAGIC;
		pad.len = (__u32)slot->pad;
		__builtin_memcpy(&data[data_bytes - slot->pad], &pad, sizeof(pad));
	}
	__builtin_memcpy(&data[slot->offset], record, len);
	if (aligned > len)
		__builtin_memset(&data[slot->offset + len], 0, aligned - len);
}

#endif /* PEREGRINE_DRIVER_KMOD_RING_LAYOUT_H */
