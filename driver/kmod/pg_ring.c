// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-CPU rings (layout in ring_layout.h). Writing: place the record with
 * peregrine_ring_place() against the reader's tail (acquire), copy it, publish the new head
 * (release). A record that does not fit is dropped and counted; unread bytes are never
 * overwritten. The reader's tail is untrusted input: out of range means drop, never a write
 * outside the data area.
 */
#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/barrier.h>

#include "pg_internal.h"

static struct pg_cpu *pg_cpus; /* nr_cpu_ids entries; hdr == NULL for impossible CPUs */
static u32 pg_data_bytes;

int pg_rings_alloc(u32 data_bytes)
{
	unsigned int cpu;

	BUILD_BUG_ON(PEREGRINE_RING_HEADER_BYTES % PAGE_SIZE != 0);
	if (data_bytes < PEREGRINE_RING_MIN_DATA_BYTES || data_bytes > PEREGRINE_RING_MAX_DATA_BYTES ||
	    !is_power_of_2(data_bytes) || data_bytes % PAGE_SIZE != 0)
		return -EINVAL;
	pg_cpus = kcalloc(nr_cpu_ids, sizeof(*pg_cpus), GFP_KERNEL);
	if (!pg_cpus)
		return -ENOMEM;
	pg_data_bytes = data_bytes;
	for_each_possible_cpu(cpu) {
		struct pg_cpu *c = &pg_cpus[cpu];

		c->hdr = vmalloc_user(PEREGRINE_RING_HEADER_BYTES + data_bytes);
		c->scratch = kmalloc(PEREGRINE_MAX_EVENT_SIZE, GFP_KERNEL);
		c->path = kmalloc(PEREGRINE_MAX_PATH, GFP_KERNEL);
		if (!c->hdr || !c->scratch || !c->path) {
			pg_rings_free();
			return -ENOMEM;
		}
		c->data = (u8 *)c->hdr + PEREGRINE_RING_HEADER_BYTES;
		c->data_bytes = data_bytes;
		c->hdr->magic = PEREGRINE_RING_MAGIC;
		c->hdr->abi_version = PEREGRINE_RING_ABI_VERSION;
		c->hdr->schema_version = PEREGRINE_SCHEMA_VERSION;
		c->hdr->cpu = cpu;
		c->hdr->data_bytes = data_bytes;
	}
	return 0;
}

void pg_rings_free(void)
{
	unsigned int cpu;

	if (!pg_cpus)
		return;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		vfree(pg_cpus[cpu].hdr);
		kfree(pg_cpus[cpu].scratch);
		kfree(pg_cpus[cpu].path);
	}
	kfree(pg_cpus);
	pg_cpus = NULL;
}

struct pg_cpu *pg_cpu_get(unsigned int cpu)
{
	if (!pg_cpus || cpu >= nr_cpu_ids || !pg_cpus[cpu].hdr)
		return NULL;
	return &pg_cpus[cpu];
}

u32 pg_nr_rings(void)
{
	return nr_cpu_ids;
}

u32 pg_ring_data_bytes(void)
{
	return pg_data_bytes;
}

void pg_ring_commit(struct pg_cpu *c, u32 len)
{
	struct peregrine_ring_slot slot;
	u64 tail = smp_load_acquire(&c->hdr->tail);
	int rc = peregrine_ring_place(c->head, tail, c->data_bytes, len, &slot);

	if (rc != PEREGRINE_RING_OK) {
		c->counters.drops_ring++;
		if (rc == PEREGRINE_RING_BAD_TAIL)
			WRITE_ONCE(c->hdr->drops_bad_tail, c->hdr->drops_bad_tail + 1);
		else
			WRITE_ONCE(c->hdr->drops, c->hdr->drops + 1);
		return;
	}
	peregrine_ring_fill(c->data, c->data_bytes, &slot, c->scratch, len);
	c->head = slot.next_head;
	smp_store_release(&c->hdr->head, c->head);
	c->counters.events++;
	WRITE_ONCE(c->hdr->events, c->counters.events);
}

void pg_counters_sum(struct peregrine_kmod_counters *out)
{
	unsigned int cpu;

	memset(out, 0, sizeof(*out));
	if (!pg_cpus)
		return;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		const struct peregrine_kmod_counters *k = &pg_cpus[cpu].counters;

		out->events += READ_ONCE(k->events);
		out->drops_ring += READ_ONCE(k->drops_ring);
		out->drops_nested += READ_ONCE(k->drops_nested);
		out->drops_exec += READ_ONCE(k->drops_exec);
		out->truncated += READ_ONCE(k->truncated);
		out->no_enter += READ_ONCE(k->no_enter);
	}
}
