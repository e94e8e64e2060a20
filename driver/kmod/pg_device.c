// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/peregrine: one opener at a time. open allocates the rings (size: module parameter
 * ring_bytes) and the exec slots with capture disabled; mmap maps one CPU's ring (offset
 * cpu * region_bytes, MAP_SHARED, exactly region_bytes long); ioctls as in kmod_ioctl.h.
 * release runs once the last file reference and mapping are gone: it detaches the hooks,
 * waits for running ones, then frees everything. While the device is open or mapped, the
 * module cannot be unloaded (the file holds a module reference).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "pg_internal.h"

static unsigned int ring_bytes = 8u << 20;
module_param(ring_bytes, uint, 0444);
MODULE_PARM_DESC(ring_bytes, "data bytes of each per-CPU ring: a power of two, 64 KiB to 1 GiB");

static DEFINE_MUTEX(pg_lock); /* serialises open, release, ioctl */
static bool pg_open_now;

static void pg_all_syscalls(struct peregrine_kmod_interesting *set)
{
	memset(set->bits, 0xff, sizeof(set->bits));
}

static int pg_open(struct inode *inode, struct file *file)
{
	struct peregrine_kmod_interesting all;
	int err;

	mutex_lock(&pg_lock);
	if (pg_open_now) {
		err = -EBUSY;
		goto out;
	}
	err = pg_rings_alloc(ring_bytes);
	if (err)
		goto out;
	err = pg_exec_alloc();
	if (err) {
		pg_rings_free();
		goto out;
	}
	pg_all_syscalls(&all);
	pg_set_interesting(&all);
	pg_set_ignore_tgid(0);
	pg_open_now = true;
out:
	mutex_unlock(&pg_lock);
	return err;
}

static int pg_release(struct inode *inode, struct file *file)
{
	mutex_lock(&pg_lock);
	pg_hooks_disable();
	pg_exec_free();
	pg_rings_free();
	pg_open_now = false;
	mutex_unlock(&pg_lock);
	return 0;
}

static int pg_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long region = PEREGRINE_RING_HEADER_BYTES + (unsigned long)pg_ring_data_bytes();
	unsigned long pages = region >> PAGE_SHIFT;
	unsigned long cpu;
	struct pg_cpu *c;

	if (!(vma->vm_flags & VM_SHARED) || vma->vm_end - vma->vm_start != region ||
	    vma->vm_pgoff % pages != 0)
		return -EINVAL;
	cpu = vma->vm_pgoff / pages;
	c = cpu < pg_nr_rings() ? pg_cpu_get(cpu) : NULL;
	if (!c)
		return -ENXIO;
	return remap_vmalloc_range(vma, c->hdr, 0);
}

static long pg_ioctl_locked(unsigned int cmd, void __user *uarg)
{
	switch (cmd) {
	case PEREGRINE_IOCTL_GET_INFO: {
		struct peregrine_kmod_info info = {
			.abi_version = PEREGRINE_KMOD_ABI_VERSION,
			.schema_version = PEREGRINE_SCHEMA_VERSION,
			.nr_rings = pg_nr_rings(),
			.data_bytes = pg_ring_data_bytes(),
			.region_bytes = PEREGRINE_RING_HEADER_BYTES + (u64)pg_ring_data_bytes(),
		};
		return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
	}
	case PEREGRINE_IOCTL_SET_INTERESTING: {
		struct peregrine_kmod_interesting set;

		if (copy_from_user(&set, uarg, sizeof(set)))
			return -EFAULT;
		pg_set_interesting(&set);
		return 0;
	}
	case PEREGRINE_IOCTL_GET_COUNTERS: {
		struct peregrine_kmod_counters counters;

		pg_counters_sum(&counters);
		return copy_to_user(uarg, &counters, sizeof(counters)) ? -EFAULT : 0;
	}
	case PEREGRINE_IOCTL_SET_IGNORE_TGID: {
		u32 tgid;

		if (copy_from_user(&tgid, uarg, sizeof(tgid)))
			return -EFAULT;
		pg_set_ignore_tgid(tgid);
		return 0;
	}
	case PEREGRINE_IOCTL_ENABLE:
		return pg_hooks_enable();
	case PEREGRINE_IOCTL_DISABLE:
		pg_hooks_disable();
		return 0;
	default:
		return -ENOTTY;
	}
}

static long pg_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	long rc;

	mutex_lock(&pg_lock);
	rc = pg_ioctl_locked(cmd, (void __user *)arg);
	mutex_unlock(&pg_lock);
	return rc;
}

static const struct file_operations pg_fops = {
	.owner = THIS_MODULE,
	.open = pg_open,
	.release = pg_release,
	.mmap = pg_mmap,
	.unlocked_ioctl = pg_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice pg_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = PEREGRINE_KMOD_DEVICE,
	.fops = &pg_fops,
	.mode = 0600,
};

int pg_device_register(void)
{
	return misc_register(&pg_misc);
}

void pg_device_unregister(void)
{
	misc_deregister(&pg_misc);
}
