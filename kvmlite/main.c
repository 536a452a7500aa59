// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite core: the /dev/kvmlite misc device and its system-fd ioctls.
 *
 * The ioctl numbers, structures and errnos are those of <linux/kvm.h> and of
 * the in-kernel KVM, so that a VMM written for KVM can drive kvmlite.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "kvmlite.h"

/* Capabilities the core implements for every backend. */
static long kvmlite_check_extension_generic(long ext)
{
	switch (ext) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_USER_MEMORY2:
	case KVM_CAP_DESTROY_MEMORY_REGION_WORKS:
	case KVM_CAP_JOIN_MEMORY_REGIONS_WORKS:
	case KVM_CAP_CHECK_EXTENSION_VM:
	case KVM_CAP_SYNC_MMU:
	case KVM_CAP_IMMEDIATE_EXIT:
		return 1;
	case KVM_CAP_NR_MEMSLOTS:
		return KVMLITE_MAX_MEMSLOTS;
	case KVM_CAP_NR_VCPUS:
		return min_t(unsigned int, num_online_cpus(), KVMLITE_MAX_VCPUS);
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
		return KVMLITE_MAX_VCPUS;
	default:
		return 0;
	}
}

long kvmlite_check_extension(struct kvmlite_vm *vm, long ext)
{
	long r = kvmlite_check_extension_generic(ext);

	if (r)
		return r;
	/* Only what works is announced: the rest is 0, as KVM does. */
	return kvmlite_arch_ops.check_extension(vm, ext);
}

static long kvmlite_dev_ioctl(struct file *filp, unsigned int ioctl,
			      unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return KVM_API_VERSION;
	case KVM_CHECK_EXTENSION:
		return kvmlite_check_extension(NULL, arg);
	case KVM_CREATE_VM:
		return kvmlite_create_vm(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		if (arg)
			return -EINVAL;
		/* Only struct kvm_run: no coalesced MMIO ring page. */
		return PAGE_SIZE;
	default:
		break;
	}
	if (kvmlite_arch_ops.dev_ioctl) {
		long r = kvmlite_arch_ops.dev_ioctl(ioctl, arg);

		if (r != -ENOTTY)
			return r;
	}
	/* As KVM: an unknown ioctl on the system fd is -EINVAL. */
	return -EINVAL;
}

static const struct file_operations kvmlite_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= kvmlite_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice kvmlite_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= KVMLITE_DEV_NAME,
	.fops	= &kvmlite_dev_fops,
};

static int __init kvmlite_init(void)
{
	int ret;

	ret = kvmlite_arch_ops.init();
	if (ret)
		return ret;

	ret = misc_register(&kvmlite_dev);
	if (ret) {
		kvmlite_arch_ops.exit();
		return ret;
	}

	pr_info("/dev/%s ready (%s backend, KVM API %d)\n", KVMLITE_DEV_NAME,
		kvmlite_arch_ops.name, KVM_API_VERSION);
	return 0;
}
module_init(kvmlite_init);

static void __exit kvmlite_exit(void)
{
	misc_deregister(&kvmlite_dev);
	kvmlite_arch_ops.exit();
}
module_exit(kvmlite_exit);

MODULE_DESCRIPTION("kvmlite: a KVM-ABI hypervisor driver");
MODULE_LICENSE("GPL");
