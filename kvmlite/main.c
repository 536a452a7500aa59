// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite core: the /dev/kvmlite misc device and its system-fd ioctls.
 *
 * The ioctl numbers, structures and errnos are those of <linux/kvm.h> and of
 * the in-kernel KVM, so that a VMM written for KVM can drive kvmlite.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "kvmlite.h"

#define CREATE_TRACE_POINTS
#include "kvmlite_trace.h"

static bool as_kvm;
module_param(as_kvm, bool, 0444);
MODULE_PARM_DESC(as_kvm,
		 "Also register as /dev/kvm (misc minor 232) if no in-kernel KVM owns it");

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
	case KVM_CAP_BINARY_STATS_FD:
	case KVM_CAP_COALESCED_PIO:
	case KVM_CAP_HALT_POLL:
		return 1;
	case KVM_CAP_COALESCED_MMIO:
		return KVM_COALESCED_MMIO_PAGE_OFFSET;
	case KVM_CAP_NR_MEMSLOTS:
		return KVMLITE_MAX_MEMSLOTS;
	case KVM_CAP_NR_VCPUS:
		return min_t(unsigned int, num_online_cpus(), KVMLITE_MAX_VCPUS);
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
		return KVMLITE_MAX_VCPUS;
	case KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2:
		return kvmlite_dirty_log_caps();
	case KVM_CAP_PRE_FAULT_MEMORY:
		return !!kvmlite_arch_ops.pre_fault;
	default:
		return kvmlite_eventfd_caps(ext);
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
		/*
		 * struct kvm_run, then the coalesced MMIO ring (x86: the port
		 * I/O data page between them, as KVM's layout).
		 */
		return (KVM_COALESCED_MMIO_PAGE_OFFSET + 1) * PAGE_SIZE;
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

/*
 * Each kvmlite node has a "kvmlite" attribute in sysfs (its backend's name),
 * so that a program can tell a /dev/kvm of kvmlite from the in-kernel KVM's.
 */
static ssize_t kvmlite_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", kvmlite_arch_ops.name);
}
static DEVICE_ATTR_RO(kvmlite);

static struct attribute *kvmlite_dev_attrs[] = {
	&dev_attr_kvmlite.attr,
	NULL,
};
ATTRIBUTE_GROUPS(kvmlite_dev);

static struct miscdevice kvmlite_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= KVMLITE_DEV_NAME,
	.fops	= &kvmlite_dev_fops,
	.groups	= kvmlite_dev_groups,
};

/* /dev/kvm, with as_kvm=1: the same device under KVM's name and minor. */
static struct miscdevice kvmlite_kvm_dev = {
	.minor	= KVM_MINOR,
	.name	= "kvm",
	.fops	= &kvmlite_dev_fops,
	.groups	= kvmlite_dev_groups,
};

static bool kvmlite_kvm_registered;

static void kvmlite_register_as_kvm(void)
{
	int ret = misc_register(&kvmlite_kvm_dev);

	if (ret) {
		/* -EBUSY: the in-kernel KVM (or another module) has it. */
		pr_info("/dev/kvm not taken over (%d): is the in-kernel KVM active?\n",
			ret);
		return;
	}
	kvmlite_kvm_registered = true;
	pr_info("also registered as /dev/kvm\n");
	kvmlite_kvm_params_add();
}

static int __init kvmlite_init(void)
{
	int ret;

	ret = kvmlite_stats_init();
	if (ret)
		return ret;
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
	if (as_kvm)
		kvmlite_register_as_kvm();
	return 0;
}
module_init(kvmlite_init);

static void __exit kvmlite_exit(void)
{
	if (kvmlite_kvm_registered) {
		kvmlite_kvm_params_remove();
		misc_deregister(&kvmlite_kvm_dev);
	}
	misc_deregister(&kvmlite_dev);
	kvmlite_arch_ops.exit();
	/* Memslots freed by call_rcu() must be gone before the module. */
	rcu_barrier();
}
module_exit(kvmlite_exit);

MODULE_DESCRIPTION("kvmlite: a KVM-ABI hypervisor driver");
MODULE_LICENSE("GPL");
