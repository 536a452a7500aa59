// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86: the VMM's say over the guest's RDMSR and WRMSR, as KVM's
 * x86.c has it:
 *  - KVM_X86_SET_MSR_FILTER: up to 16 ranges of MSRs, each a bitmap (a set
 *    bit allows) for reads, writes or both, and a default for the rest; a
 *    denied access is the guest's #GP, or with KVM_MSR_EXIT_REASON_FILTER a
 *    KVM_EXIT_X86_RDMSR/WRMSR. The x2APIC MSRs are never filtered, nor are
 *    the VMM's own KVM_GET/SET_MSRS. Readers take RCU; a new filter
 *    replaces the old one, which is freed after a grace period.
 *  - KVM_CAP_X86_USER_SPACE_MSR: which failed accesses exit to the VMM
 *    instead of giving a #GP (INVAL: the MSR or value was refused; UNKNOWN:
 *    no such MSR; FILTER: denied). The VMM answers in run->msr (data for a
 *    read, error for a #GP) and the next KVM_RUN completes the instruction
 *    (kl_complete_userspace()).
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>

#include "x86.h"

struct kl_msr_range {
	u32 flags;		/* KVM_MSR_FILTER_READ, _WRITE */
	u32 base;
	u32 nmsrs;
	unsigned long *bitmap;
};

struct kl_msr_filter {
	bool default_allow;
	u32 count;
	struct kl_msr_range ranges[KVM_MSR_FILTER_MAX_RANGES];
};

/* Whether the guest may access MSR @index (KVM's kvm_msr_allowed()). */
bool kl_msr_allowed(struct kl_vcpu *v, u32 index, bool write)
{
	struct kl_vm *kvm = kl_vm(v->vcpu->vm);
	u32 type = write ? KVM_MSR_FILTER_WRITE : KVM_MSR_FILTER_READ;
	const struct kl_msr_filter *f;
	bool allowed = true;
	u32 i;

	if ((index >> 8) == (APIC_BASE_MSR >> 8))
		return true;
	if (!rcu_access_pointer(kvm->msr_filter))
		return true;
	rcu_read_lock();
	f = rcu_dereference(kvm->msr_filter);
	if (f) {
		allowed = f->default_allow;
		for (i = 0; i < f->count; i++) {
			const struct kl_msr_range *r = &f->ranges[i];

			if (index >= r->base && (u64)index < (u64)r->base + r->nmsrs &&
			    (r->flags & type)) {
				allowed = test_bit(index - r->base, r->bitmap);
				break;
			}
		}
	}
	rcu_read_unlock();
	return allowed;
}

static void kl_msr_filter_free(struct kl_msr_filter *f)
{
	u32 i;

	if (!f)
		return;
	for (i = 0; i < f->count; i++)
		kfree(f->ranges[i].bitmap);
	kfree(f);
}

/* One range of the VMM's filter (KVM's kvm_add_msr_filter()). */
static int kl_msr_filter_add(struct kl_msr_filter *f,
			     const struct kvm_msr_filter_range *ur)
{
	size_t size;
	void *bitmap;

	if (!ur->nmsrs)
		return 0;
	if (!ur->flags || (ur->flags & ~KVM_MSR_FILTER_RANGE_VALID_MASK))
		return -EINVAL;
	size = BITS_TO_LONGS(ur->nmsrs) * sizeof(long);
	if (size > KVM_MSR_FILTER_MAX_BITMAP_SIZE)
		return -EINVAL;
	bitmap = memdup_user(u64_to_user_ptr((u64)(uintptr_t)ur->bitmap), size);
	if (IS_ERR(bitmap))
		return PTR_ERR(bitmap);
	f->ranges[f->count++] = (struct kl_msr_range){
		.flags = ur->flags, .base = ur->base, .nmsrs = ur->nmsrs,
		.bitmap = bitmap,
	};
	return 0;
}

/* KVM_X86_SET_MSR_FILTER (KVM's kvm_vm_ioctl_set_msr_filter()). */
long kl_set_msr_filter(struct kvmlite_vm *vm, const void __user *argp)
{
	struct kl_vm *kvm = kl_vm(vm);
	struct kl_msr_filter *f, *old;
	struct kvm_msr_filter *uf;
	bool empty = true;
	long r;
	u32 i;

	uf = memdup_user(argp, sizeof(*uf));
	if (IS_ERR(uf))
		return PTR_ERR(uf);
	r = -EINVAL;
	if (uf->flags & ~KVM_MSR_FILTER_VALID_MASK)
		goto out;
	for (i = 0; i < ARRAY_SIZE(uf->ranges); i++)
		empty &= !uf->ranges[i].nmsrs;
	/* Denying everything, the x2APIC MSRs excepted, is refused. */
	if (empty && (uf->flags & KVM_MSR_FILTER_DEFAULT_DENY))
		goto out;
	r = -ENOMEM;
	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		goto out;
	f->default_allow = !(uf->flags & KVM_MSR_FILTER_DEFAULT_DENY);
	for (i = 0; i < ARRAY_SIZE(uf->ranges); i++) {
		r = kl_msr_filter_add(f, &uf->ranges[i]);
		if (r) {
			kl_msr_filter_free(f);
			goto out;
		}
	}
	down_write(&vm->lock);
	old = rcu_replace_pointer(kvm->msr_filter, f, lockdep_is_held(&vm->lock));
	up_write(&vm->lock);
	synchronize_rcu();
	kl_msr_filter_free(old);
	r = 0;
out:
	kfree(uf);
	return r;
}

/* At VM destruction: no vCPU is left to read it. */
void kl_msr_filter_destroy(struct kvmlite_vm *vm)
{
	kl_msr_filter_free(rcu_dereference_protected(kl_vm(vm)->msr_filter, 1));
}

/*
 * A RDMSR/WRMSR of the guest failed with @err (KL_MSR_*): a #GP, or an exit
 * to the VMM if it asked for that reason (KVM's kvm_msr_user_space()).
 * 1: go on with the guest, 0: KVM_EXIT_X86_RDMSR/WRMSR.
 */
int kl_msr_failed(struct kl_vcpu *v, u32 index, bool write, u64 data, int err)
{
	struct kvm_run *run = v->vcpu->run;
	u32 reason;

	if (err == KL_MSR_UNSUPPORTED)
		reason = KVM_MSR_EXIT_REASON_UNKNOWN;
	else if (err == KL_MSR_FILTERED)
		reason = KVM_MSR_EXIT_REASON_FILTER;
	else
		reason = KVM_MSR_EXIT_REASON_INVAL;
	if (!(READ_ONCE(kl_vm(v->vcpu->vm)->user_space_msr_mask) & reason)) {
		kl_inject_exception(v, GP_VECTOR, true, 0);
		return 1;
	}
	run->exit_reason = write ? KVM_EXIT_X86_WRMSR : KVM_EXIT_X86_RDMSR;
	run->msr.error = 0;
	memset(run->msr.pad, 0, sizeof(run->msr.pad));
	run->msr.reason = reason;
	run->msr.index = index;
	run->msr.data = write ? data : 0;
	v->pending = write ? KL_PENDING_MSR_WRITE : KL_PENDING_MSR_READ;
	v->msr_insn_len = v->exit_insn_len;
	return 0;
}
