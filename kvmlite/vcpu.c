// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite core: vCPUs, their fds, the shared struct kvm_run page and the
 * generic part of KVM_RUN (signal mask, immediate_exit, signals, kicks).
 *
 * A vCPU is freed with its VM; its fd holds a reference on the VM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>

#include "kvmlite.h"
#include "kvmlite_trace.h"

static vm_fault_t kvmlite_vcpu_fault(struct vm_fault *vmf)
{
	struct kvmlite_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff == 0)
		page = virt_to_page(vcpu->run);
#ifdef KVM_PIO_PAGE_OFFSET
	else if (vmf->pgoff == KVM_PIO_PAGE_OFFSET)
		page = virt_to_page(vcpu->pio_data);
#endif
	else if (vmf->pgoff == KVM_COALESCED_MMIO_PAGE_OFFSET)
		page = virt_to_page(vcpu->vm->coalesced_ring);
	else
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct kvmlite_vcpu_vm_ops = {
	.fault = kvmlite_vcpu_fault,
};

static int kvmlite_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_ops = &kvmlite_vcpu_vm_ops;
	return 0;
}

static int kvmlite_vcpu_release(struct inode *inode, struct file *filp)
{
	struct kvmlite_vcpu *vcpu = filp->private_data;

	kvmlite_vm_put(vcpu->vm);
	return 0;
}

/*
 * Whether KVM_RUN must return to userspace before entering the guest: a
 * pending signal ends it with -EINTR and KVM_EXIT_INTR, as in KVM. Gives the
 * CPU away first if the scheduler wants it.
 */
int kvmlite_vcpu_check_exit(struct kvmlite_vcpu *vcpu)
{
	cond_resched();
	if (signal_pending(current)) {
		vcpu->run->exit_reason = KVM_EXIT_INTR;
		kvmlite_stat_add(&vcpu->stats[KVMLITE_STAT_SIGNAL_EXITS], 1);
		return -EINTR;
	}
	return 0;
}

static void kvmlite_kick_ipi(void *info)
{
	/* Nothing: the interrupt alone makes the guest exit. */
}

/*
 * Wake a halted vCPU and make one that runs its guest exit. Callable in any
 * context, interrupts off included (an irqfd's wake-up): the IPI uses the
 * vCPU's own csd, and one already on its way is enough.
 */
void kvmlite_vcpu_kick(struct kvmlite_vcpu *vcpu)
{
	int cpu;

	wake_up_interruptible(&vcpu->wq);
	/* Pairs with the barrier after the vCPU sets IN_GUEST. */
	smp_mb();
	if (READ_ONCE(vcpu->mode) != KVMLITE_IN_GUEST)
		return;
	cpu = READ_ONCE(vcpu->cpu);
	if (cpu != get_cpu())
		smp_call_function_single_async(cpu, &vcpu->kick_csd);
	put_cpu();
}

static long kvmlite_vcpu_run(struct kvmlite_vcpu *vcpu)
{
	sigset_t saved;
	long r;

	if (vcpu->sigset_active)
		sigprocmask(SIG_SETMASK, &vcpu->sigset, &saved);
	r = kvmlite_arch_ops.vcpu_run(vcpu);
	if (vcpu->sigset_active)
		sigprocmask(SIG_SETMASK, &saved, NULL);
	trace_kvm_userspace_exit(vcpu->run->exit_reason, r);
	return r;
}

static long kvmlite_vcpu_set_sigmask(struct kvmlite_vcpu *vcpu,
				     void __user *argp)
{
	struct kvm_signal_mask __user *sigmask_arg = argp;
	struct kvm_signal_mask kvm_sigmask;
	sigset_t sigset;

	if (!argp) {
		vcpu->sigset_active = false;
		return 0;
	}
	if (copy_from_user(&kvm_sigmask, argp, sizeof(kvm_sigmask)))
		return -EFAULT;
	if (kvm_sigmask.len != sizeof(sigset))
		return -EINVAL;
	if (copy_from_user(&sigset, sigmask_arg->sigset, sizeof(sigset)))
		return -EFAULT;
	sigdelsetmask(&sigset, sigmask(SIGKILL) | sigmask(SIGSTOP));
	vcpu->sigset = sigset;
	vcpu->sigset_active = true;
	return 0;
}

/*
 * KVM_PRE_FAULT_MEMORY (KVM's kvm_vcpu_pre_fault_memory()): map the range
 * page after page; the range left goes back to userspace. Success if any of
 * it was mapped; else the first error (-ENOENT: no memory there, -EINTR: a
 * signal).
 */
static long kvmlite_vcpu_pre_fault(struct kvmlite_vcpu *vcpu,
				   void __user *argp)
{
	struct kvm_pre_fault_memory range;
	u64 full;
	long r;

	if (copy_from_user(&range, argp, sizeof(range)))
		return -EFAULT;
	r = -EINVAL;
	if (range.flags || !PAGE_ALIGNED(range.gpa) ||
	    !PAGE_ALIGNED(range.size) || range.gpa + range.size <= range.gpa)
		goto out;
	full = range.size;
	do {
		if (signal_pending(current)) {
			r = -EINTR;
			break;
		}
		r = kvmlite_arch_ops.pre_fault(vcpu, range.gpa, range.size);
		if (r <= 0) {
			r = r ?: -EIO;
			break;
		}
		range.size -= r;
		range.gpa += r;
		cond_resched();
	} while (range.size);
	if (range.size != full)
		r = 0;
out:
	if (copy_to_user(argp, &range, sizeof(range)))
		r = -EFAULT;
	return r;
}

/* As KVM: the thread running the vCPU, for directed yields to it. */
static void kvmlite_vcpu_set_pid(struct kvmlite_vcpu *vcpu)
{
	struct pid *old = rcu_access_pointer(vcpu->pid);

	if (likely(old == task_pid(current)))
		return;
	rcu_assign_pointer(vcpu->pid, get_task_pid(current, PIDTYPE_PID));
	if (old)
		synchronize_rcu();
	put_pid(old);
}

/*
 * KVM's kvm_vcpu_yield_to(): give the rest of this time slice to
 * @target's thread if it waits for a CPU; > 0 if it got it.
 */
int kvmlite_vcpu_yield_to(struct kvmlite_vcpu *target)
{
	struct task_struct *task = NULL;
	struct pid *pid;
	int r;

	rcu_read_lock();
	pid = rcu_dereference(target->pid);
	if (pid)
		task = get_pid_task(pid, PIDTYPE_PID);
	rcu_read_unlock();
	if (!task)
		return 0;
	r = yield_to(task, 1);
	put_task_struct(task);
	return r;
}

static long kvmlite_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			       unsigned long arg)
{
	struct kvmlite_vcpu *vcpu = filp->private_data;
	long r;

	/* As KVM: the creator's process only, and not once the VM is dead. */
	if (vcpu->vm->mm != current->mm || READ_ONCE(vcpu->vm->dead))
		return -EIO;

	if (kvmlite_arch_ops.vcpu_async_ioctl) {
		r = kvmlite_arch_ops.vcpu_async_ioctl(vcpu, ioctl, arg);
		if (r != -ENOIOCTLCMD)
			return r;
	}

	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	switch (ioctl) {
	case KVM_RUN:
		if (arg) {
			r = -EINVAL;
			break;
		}
		kvmlite_vcpu_set_pid(vcpu);
		r = kvmlite_vcpu_run(vcpu);
		break;
	case KVM_SET_SIGNAL_MASK:
		r = kvmlite_vcpu_set_sigmask(vcpu, (void __user *)arg);
		break;
	case KVM_GET_STATS_FD:
		r = kvmlite_vcpu_stats_fd(vcpu);
		break;
	case KVM_PRE_FAULT_MEMORY:
		if (kvmlite_arch_ops.pre_fault) {
			r = kvmlite_vcpu_pre_fault(vcpu, (void __user *)arg);
			break;
		}
		fallthrough;
	default:
		r = kvmlite_arch_ops.vcpu_ioctl(vcpu, ioctl, arg);
		/* As KVM: unknown vCPU ioctls are -EINVAL. */
		if (r == -ENOTTY)
			r = -EINVAL;
		break;
	}
	mutex_unlock(&vcpu->mutex);
	return r;
}

static const struct file_operations kvmlite_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= kvmlite_vcpu_release,
	.unlocked_ioctl	= kvmlite_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= kvmlite_vcpu_mmap,
	.llseek		= noop_llseek,
};

void kvmlite_vcpu_free(struct kvmlite_vcpu *vcpu)
{
	/* A kick still on its way holds the csd (csd_lock_wait()). */
	while (smp_load_acquire(&vcpu->kick_csd.node.u_flags) & CSD_FLAG_LOCK)
		cpu_relax();
	kvmlite_arch_ops.vcpu_destroy(vcpu);
	put_pid(rcu_dereference_protected(vcpu->pid, true));
	kvmlite_pgcache_free(&vcpu->pgcache);
	free_page((unsigned long)vcpu->pio_data);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

int kvmlite_create_vcpu(struct kvmlite_vm *vm, unsigned long id)
{
	struct kvmlite_vcpu *vcpu, *v;
	struct file *file;
	unsigned long i;
	u32 idx;
	int fd, r;

	if (id >= KVMLITE_MAX_VCPUS)
		return -EINVAL;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
#ifdef KVM_PIO_PAGE_OFFSET
	vcpu->pio_data = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->pio_data) {
		free_page((unsigned long)vcpu->run);
		vcpu->run = NULL;
	}
#endif
	if (!vcpu->run) {
		kfree(vcpu);
		return -ENOMEM;
	}
	vcpu->vm = vm;
	vcpu->id = id;
	snprintf(vcpu->stats_id, sizeof(vcpu->stats_id), "kvm-%d/vcpu-%lu",
		 task_pid_nr(current), id);
	vcpu->cpu = -1;
	mutex_init(&vcpu->mutex);
	init_waitqueue_head(&vcpu->wq);
	INIT_CSD(&vcpu->kick_csd, kvmlite_kick_ipi, NULL);

	down_write(&vm->lock);
	r = -EINVAL;
	if (vm->nr_vcpus >= KVMLITE_MAX_VCPUS ||
	    (vm->max_vcpu_ids && id >= vm->max_vcpu_ids))
		goto err_unlock;
	r = -EEXIST;
	xa_for_each(&vm->vcpus, i, v) {
		if (v->id == id)
			goto err_unlock;
	}
	r = kvmlite_arch_ops.vcpu_create(vcpu);
	if (r)
		goto err_unlock;
	r = xa_alloc(&vm->vcpus, &idx, vcpu, xa_limit_31b, GFP_KERNEL_ACCOUNT);
	if (r)
		goto err_arch;
	vcpu->idx = idx;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto err_xa;
	}
	file = anon_inode_getfile("kvmlite-vcpu", &kvmlite_vcpu_fops, vcpu,
				  O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		r = PTR_ERR(file);
		goto err_xa;
	}
	/* Pairs with the acquire of lock-free readers (x86's IPIs, MSIs). */
	smp_store_release(&vm->nr_vcpus, vm->nr_vcpus + 1);
	refcount_inc(&vm->users);
	up_write(&vm->lock);
	fd_install(fd, file);
	return fd;

err_xa:
	xa_erase(&vm->vcpus, idx);
err_arch:
	kvmlite_arch_ops.vcpu_destroy(vcpu);
err_unlock:
	up_write(&vm->lock);
	free_page((unsigned long)vcpu->pio_data);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
	return r;
}
