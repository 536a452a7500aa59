// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: device attributes of vCPUs and VMs
 * (KVM_HAS/GET/SET_DEVICE_ATTR), as arch/arm64/kvm/guest.c, arch_timer.c
 * and hypercalls.c answer them for a VM without an in-kernel irqchip:
 *
 *  - vCPU KVM_ARM_VCPU_TIMER_CTRL: the timers' PPI numbers read as KVM's
 *    defaults; setting them needs an in-kernel irqchip (-EINVAL), where
 *    they are the vGIC's (vgic-dev.c);
 *  - VM KVM_ARM_VM_SMCCC_CTRL/KVM_ARM_VM_SMCCC_FILTER: ranges of SMCCC
 *    function ids handled in the kernel, denied (NOT_SUPPORTED) or forwarded
 *    to userspace as KVM_EXIT_HYPERCALL, set before the VM first runs;
 *  - vCPU KVM_ARM_VCPU_PVTIME_CTRL: the stolen time record (pvtime.c);
 *  - everything else (PMU, ...): -ENXIO.
 */
#include <linux/arm-smccc.h>
#include <linux/kvm.h>
#include <linux/maple_tree.h>
#include <linux/uaccess.h>

#include "arm64.h"

/* KVM's default PPIs: physical 30, virtual 27, EL2 physical 26, virtual 28. */
static const u8 kl_timer_ppi[] = { 27, 30, 28, 26 };

static int kl_timer_attr(struct kvmlite_vm *vm, unsigned int ioctl,
			 struct kvm_device_attr *attr)
{
	int __user *uaddr = u64_to_user_ptr(attr->addr);

	if (attr->attr >= ARRAY_SIZE(kl_timer_ppi))
		return -ENXIO;
	if (ioctl != KVM_HAS_DEVICE_ATTR && kl_has_vgic(vm))
		return kl_vgic_timer_attr(vm, ioctl, attr);
	switch (ioctl) {
	case KVM_HAS_DEVICE_ATTR:
		return 0;
	case KVM_GET_DEVICE_ATTR:
		return put_user(kl_timer_ppi[attr->attr], uaddr);
	default:
		/* As kvm_arm_timer_set_attr(): only with an in-kernel irqchip. */
		return -EINVAL;
	}
}

int kl_vcpu_attr(struct kvmlite_vcpu *vcpu, unsigned int ioctl,
		 void __user *argp)
{
	struct kvm_device_attr attr;

	if (copy_from_user(&attr, argp, sizeof(attr)))
		return -EFAULT;
	switch (attr.group) {
	case KVM_ARM_VCPU_TIMER_CTRL:
		return kl_timer_attr(vcpu->vm, ioctl, &attr);
	case KVM_ARM_VCPU_PVTIME_CTRL:
		return kl_pvtime_attr(kl_vcpu(vcpu), ioctl, &attr);
	default:
		return -ENXIO;
	}
}

/* The architecture's own calls, always handled in the kernel. */
#define KL_SMC32_ARCH_BEGIN	ARM_SMCCC_VERSION_FUNC_ID
#define KL_SMC32_ARCH_END	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, \
						   ARM_SMCCC_SMC_32, 0, \
						   ARM_SMCCC_FUNC_MASK)
#define KL_SMC64_ARCH_BEGIN	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, \
						   ARM_SMCCC_SMC_64, 0, 0)
#define KL_SMC64_ARCH_END	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, \
						   ARM_SMCCC_SMC_64, 0, \
						   ARM_SMCCC_FUNC_MASK)

static int kl_smccc_set_filter(struct kl_vm *s2,
			       struct kvm_smccc_filter __user *uaddr)
{
	struct kvm_smccc_filter f;
	u32 start, end;
	int r;

	if (copy_from_user(&f, uaddr, sizeof(f)))
		return -EFAULT;
	if (memchr_inv(f.pad, 0, sizeof(f.pad)))
		return -EINVAL;
	start = f.base;
	end = start + f.nr_functions - 1;
	if (!f.nr_functions || end < start ||
	    f.action > KVM_SMCCC_FILTER_FWD_TO_USER)
		return -EINVAL;

	mutex_lock(&s2->config_lock);
	if (s2->has_run) {
		r = -EBUSY;
		goto out;
	}
	/* As kvm_smccc_filter_insert_reserved(): the arch range stays ours. */
	if (!s2->smccc_filter_set) {
		r = mtree_insert_range(&s2->smccc_filter, KL_SMC32_ARCH_BEGIN,
				       KL_SMC32_ARCH_END,
				       xa_mk_value(KVM_SMCCC_FILTER_HANDLE),
				       GFP_KERNEL_ACCOUNT);
		if (!r)
			r = mtree_insert_range(&s2->smccc_filter,
					       KL_SMC64_ARCH_BEGIN,
					       KL_SMC64_ARCH_END,
					       xa_mk_value(KVM_SMCCC_FILTER_HANDLE),
					       GFP_KERNEL_ACCOUNT);
		if (r) {
			mtree_destroy(&s2->smccc_filter);
			goto out;
		}
		s2->smccc_filter_set = true;
	}
	r = mtree_insert_range(&s2->smccc_filter, start, end,
			       xa_mk_value(f.action), GFP_KERNEL_ACCOUNT);
out:
	mutex_unlock(&s2->config_lock);
	return r;
}

/* The filter's action for @fn: HANDLE where no range says otherwise. */
u8 kl_smccc_filter_action(struct kl_vm *s2, u32 fn)
{
	unsigned long idx = fn;
	void *val;

	/* Fixed once the VM runs: no lock needed to read it then. */
	if (!READ_ONCE(s2->smccc_filter_set))
		return KVM_SMCCC_FILTER_HANDLE;
	val = mt_find(&s2->smccc_filter, &idx, idx);
	return val ? xa_to_value(val) : KVM_SMCCC_FILTER_HANDLE;
}

void kl_smccc_filter_destroy(struct kl_vm *s2)
{
	mtree_destroy(&s2->smccc_filter);
}

/* KVM_HAS_DEVICE_ATTR, KVM_SET_DEVICE_ATTR of a VM (there is no get). */
int kl_vm_attr(struct kvmlite_vm *vm, unsigned int ioctl, void __user *argp)
{
	struct kvm_device_attr attr;

	if (copy_from_user(&attr, argp, sizeof(attr)))
		return -EFAULT;
	if (attr.group != KVM_ARM_VM_SMCCC_CTRL ||
	    attr.attr != KVM_ARM_VM_SMCCC_FILTER)
		return -ENXIO;
	if (ioctl == KVM_HAS_DEVICE_ATTR)
		return 0;
	return kl_smccc_set_filter(kl_vm(vm), u64_to_user_ptr(attr.addr));
}
