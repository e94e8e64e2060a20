// SPDX-License-Identifier: GPL-2.0-only
/*
 * Peregrine kernel module: the same syscall and process events as the eBPF probe
 * (driver/bpf), in the same record layout (event_schema.h), written into per-CPU rings that
 * user space maps through /dev/peregrine (ring_layout.h, kmod_ioctl.h). Load finds the
 * tracepoints and creates the device; capture starts with PEREGRINE_IOCTL_ENABLE.
 */
#include <linux/init.h>
#include <linux/module.h>

#include "pg_internal.h"

#ifndef PEREGRINE_KMOD_VERSION
#error "PEREGRINE_KMOD_VERSION comes from dkms.conf through Kbuild"
#endif

static int __init pg_init(void)
{
	int err = pg_hooks_lookup();

	if (err)
		return err;
	err = pg_device_register();
	if (err) {
		pr_err("peregrine: creating /dev/%s failed: %d\n", PEREGRINE_KMOD_DEVICE, err);
		return err;
	}
	pr_info("peregrine: version %s, schema %d, /dev/%s ready\n", PEREGRINE_KMOD_VERSION,
		PEREGRINE_SCHEMA_VERSION, PEREGRINE_KMOD_DEVICE);
	return 0;
}

static void __exit pg_exit(void)
{
	/* Nothing is open (the open file pins the module), so the hooks are already detached. */
	pg_device_unregister();
}

module_init(pg_init);
module_exit(pg_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The Peregrine authors");
MODULE_DESCRIPTION("Peregrine runtime security: syscall and process events for the agent");
MODULE_VERSION(PEREGRINE_KMOD_VERSION);
MODULE_INFO(peregrine_schema, __stringify(PEREGRINE_SCHEMA_VERSION));
