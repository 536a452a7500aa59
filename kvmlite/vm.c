// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite core: virtual machines and the VM-fd ioctls.
 *
 * A VM lives as long as its fd or any of its vCPU fds is open. Every fd holds
 * a reference on the module through its file_operations owner, so the module
 * cannot go while a VM exists.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kvmlite.h"

struct kvmlite_vcpu *kvmlite_vm_vcpu(struct kvmlite_vm *vm, unsigned long idx)
{
	return xa_load(&vm->vcpus, idx);
}

static void kvmlite_vm_destroy(struct kvmlite_vm *vm)
{
	struct kvmlite_vcpu *vcpu;
	unsigned long idx;

	kvmlite_mmu_notifier_unregister(vm);
	/* As kvm_arch_pre_destroy_vm(). */
	if (kvmlite_arch_ops.vm_pre_destroy)
		kvmlite_arch_ops.vm_pre_destroy(vm);
	kvmlite_eventfd_release(vm);
	kvmlite_devices_destroy(vm);
	xa_for_each(&vm->vcpus, idx, vcpu)
		kvmlite_vcpu_free(vcpu);
	xa_destroy(&vm->vcpus);
	kvmlite_arch_ops.vm_destroy(vm);
	kvmlite_free_memslots(vm);
	kvmlite_coalesced_free(vm);
	mmdrop(vm->mm);
	kfree(vm);
}

/*
 * As kvm_vm_dead(): after a failure the VM cannot recover from (the vGIC
 * not placed at the first run), every ioctl of the VM, its vCPUs and
 * devices fails with -EIO.
 */
void kvmlite_vm_dead(struct kvmlite_vm *vm)
{
	struct kvmlite_vcpu *vcpu;
	unsigned long i;

	WRITE_ONCE(vm->dead, true);
	xa_for_each(&vm->vcpus, i, vcpu)
		kvmlite_vcpu_kick(vcpu);
}

void kvmlite_vm_put(struct kvmlite_vm *vm)
{
	if (refcount_dec_and_test(&vm->users))
		kvmlite_vm_destroy(vm);
}

static int kvmlite_vm_release(struct inode *inode, struct file *filp)
{
	kvmlite_vm_put(filp->private_data);
	return 0;
}

static long kvmlite_vm_set_memory(struct kvmlite_vm *vm, unsigned int ioctl,
				  void __user *argp)
{
	struct kvm_userspace_memory_region2 mem;
	unsigned long size;

	/* The first fields of both structures are the same (as in KVM). */
	memset(&mem, 0, sizeof(mem));
	if (ioctl == KVM_SET_USER_MEMORY_REGION)
		size = sizeof(struct kvm_userspace_memory_region);
	else
		size = sizeof(struct kvm_userspace_memory_region2);
	if (copy_from_user(&mem, argp, size))
		return -EFAULT;
	/* The old ioctl has no room for the guest_memfd fields. */
	if (ioctl == KVM_SET_USER_MEMORY_REGION &&
	    (mem.flags & ~(KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY)))
		return -EINVAL;
	return kvmlite_set_memory_region(vm, &mem);
}

/* The bound on a vCPU's halt polling: KVM_CAP_HALT_POLL's, else @dflt. */
unsigned int kvmlite_max_halt_poll_ns(struct kvmlite_vm *vm, unsigned int dflt)
{
	if (!READ_ONCE(vm->override_halt_poll_ns))
		return dflt;
	/* Pairs with the smp_wmb() in kvmlite_vm_enable_cap(). */
	smp_rmb();
	return READ_ONCE(vm->max_halt_poll_ns);
}

/* KVM_ENABLE_CAP on a VM: the core's caps, then the backend's. */
static int kvmlite_vm_enable_cap(struct kvmlite_vm *vm, void __user *argp)
{
	struct kvm_enable_cap cap;

	if (copy_from_user(&cap, argp, sizeof(cap)))
		return -EFAULT;
	if (cap.cap == KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2)
		return kvmlite_enable_manual_dirty_log(vm, &cap);
	if (cap.cap == KVM_CAP_HALT_POLL) {
		/* As KVM: the VM's own bound on halt polling, in ns. */
		if (cap.flags || cap.args[0] != (u32)cap.args[0])
			return -EINVAL;
		WRITE_ONCE(vm->max_halt_poll_ns, cap.args[0]);
		/* Pairs with the smp_rmb() in kvmlite_max_halt_poll_ns(). */
		smp_wmb();
		WRITE_ONCE(vm->override_halt_poll_ns, true);
		return 0;
	}
	if (kvmlite_arch_ops.vm_enable_cap)
		return kvmlite_arch_ops.vm_enable_cap(vm, &cap);
	return -EINVAL;
}

static long kvmlite_vm_ioctl(struct file *filp, unsigned int ioctl,
			     unsigned long arg)
{
	struct kvmlite_vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;
	long r;

	/* As KVM: a VM is only driven from the process that created it. */
	if (vm->mm != current->mm || READ_ONCE(vm->dead))
		return -EIO;

	switch (ioctl) {
	case KVM_CREATE_VCPU:
		return kvmlite_create_vcpu(vm, arg);
	case KVM_SET_USER_MEMORY_REGION:
	case KVM_SET_USER_MEMORY_REGION2:
		return kvmlite_vm_set_memory(vm, ioctl, argp);
	case KVM_CHECK_EXTENSION:
		return kvmlite_check_extension(vm, arg);
	case KVM_CREATE_DEVICE:
		return kvmlite_create_device(vm, argp);
	case KVM_ENABLE_CAP:
		return kvmlite_vm_enable_cap(vm, argp);
	case KVM_GET_STATS_FD:
		return kvmlite_vm_stats_fd(vm);
	case KVM_REGISTER_COALESCED_MMIO:
	case KVM_UNREGISTER_COALESCED_MMIO:
		return kvmlite_coalesced_ioctl(vm, ioctl, argp);
	case KVM_GET_DIRTY_LOG:
	case KVM_CLEAR_DIRTY_LOG:
		r = kvmlite_dirty_log_ioctl(vm, ioctl, argp);
		return r == -ENOTTY ? -EINVAL : r;
	case KVM_IRQFD:
	case KVM_IOEVENTFD:
	case KVM_SET_GSI_ROUTING:
	case KVM_SIGNAL_MSI:
		return kvmlite_eventfd_ioctl(vm, ioctl, argp);
	default:
		r = kvmlite_arch_ops.vm_ioctl(vm, ioctl, arg);
		/* As KVM: unknown VM ioctls are -EINVAL. */
		return r == -ENOTTY ? -EINVAL : r;
	}
}

static const struct file_operations kvmlite_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= kvmlite_vm_release,
	.unlocked_ioctl	= kvmlite_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

int kvmlite_create_vm(unsigned long type)
{
	struct kvmlite_vm *vm;
	struct file *file;
	int fd, r;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	refcount_set(&vm->users, 1);
	INIT_LIST_HEAD(&vm->devices);
	init_rwsem(&vm->lock);
	xa_init(&vm->slots);
	xa_init_flags(&vm->vcpus, XA_FLAGS_ALLOC);
	spin_lock_init(&vm->mmu_lock);
	vm->type = type;
	snprintf(vm->stats_id, sizeof(vm->stats_id), "kvm-%d",
		 task_pid_nr(current));
	r = kvmlite_coalesced_init(vm);
	if (r) {
		kfree(vm);
		return r;
	}
	r = kvmlite_eventfd_init(vm);
	if (r) {
		kvmlite_coalesced_free(vm);
		kfree(vm);
		return r;
	}
	vm->mm = current->mm;
	mmgrab(vm->mm);

	r = kvmlite_arch_ops.vm_init(vm, type);
	if (r)
		goto err_mm;
	r = kvmlite_mmu_notifier_register(vm);
	if (r)
		goto err_arch;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto err_mn;
	}
	file = anon_inode_getfile("kvmlite-vm", &kvmlite_vm_fops, vm, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		r = PTR_ERR(file);
		goto err_mn;
	}
	fd_install(fd, file);
	return fd;

err_mn:
	kvmlite_mmu_notifier_unregister(vm);
err_arch:
	kvmlite_arch_ops.vm_destroy(vm);
err_mm:
	mmdrop(vm->mm);
	kvmlite_eventfd_release(vm);
	kvmlite_coalesced_free(vm);
	kfree(vm);
	return r;
}
