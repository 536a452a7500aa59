// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: paravirtualised stolen time, as
 * arch/arm64/kvm/pvtime.c (Arm DEN0057A).
 *
 * Userspace gives each vCPU a 64-byte aligned record in guest memory
 * (KVM_ARM_VCPU_PVTIME_CTRL / KVM_ARM_VCPU_PVTIME_IPA, once). The guest
 * finds it with SMCCC PV_TIME_FEATURES and PV_TIME_ST; the latter zeroes it
 * and starts the count. From then on, before each entry into the guest, the
 * time the vCPU thread waited for a host CPU (its sched_info.run_delay)
 * since the last update is added to the record's stolen_time.
 */
#include <linux/arm-smccc.h>
#include <linux/kvm.h>
#include <linux/sched.h>
#include <linux/sched/stat.h>
#include <linux/uaccess.h>
#include <asm/pvclock-abi.h>

#include "arm64.h"

/* KVM_CAP_STEAL_TIME, and whether the attribute exists. */
bool kl_pvtime_supported(void)
{
	return sched_info_on();
}

int kl_pvtime_attr(struct kl_vcpu *v, unsigned int ioctl,
		   const struct kvm_device_attr *attr)
{
	u64 __user *uaddr = u64_to_user_ptr(attr->addr);
	u64 ipa;

	if (!kl_pvtime_supported() || attr->attr != KVM_ARM_VCPU_PVTIME_IPA)
		return -ENXIO;
	switch (ioctl) {
	case KVM_HAS_DEVICE_ATTR:
		return 0;
	case KVM_GET_DEVICE_ATTR:
		return put_user(v->steal_base, uaddr);
	}
	if (get_user(ipa, uaddr))
		return -EFAULT;
	if (!IS_ALIGNED(ipa, 64))
		return -EINVAL;
	if (v->steal_base != KL_INVALID_GPA)
		return -EEXIST;
	if (!kvmlite_gpa_is_memory(v->vcpu->vm, ipa))
		return -EINVAL;
	v->steal_base = ipa;
	return 0;
}

/* SMCCC PV_TIME_FEATURES(@feature), the bitmap already checked. */
u64 kl_pvtime_features(struct kl_vcpu *v, u32 feature)
{
	switch (feature) {
	case ARM_SMCCC_HV_PV_TIME_FEATURES:
	case ARM_SMCCC_HV_PV_TIME_ST:
		if (v->steal_base != KL_INVALID_GPA)
			return SMCCC_RET_SUCCESS;
		break;
	}
	return SMCCC_RET_NOT_SUPPORTED;
}

/* SMCCC PV_TIME_ST: a fresh record, counting from now; its IPA. */
u64 kl_pvtime_st(struct kl_vcpu *v)
{
	struct pvclock_vcpu_stolen_time init = {};

	if (v->steal_base == KL_INVALID_GPA)
		return SMCCC_RET_NOT_SUPPORTED;
	v->last_steal = kvmlite_run_delay();
	/* As KVM: a record the guest cannot reach is its own problem. */
	kvmlite_write_guest(v->vcpu->vm, v->steal_base, &init, sizeof(init));
	return v->steal_base;
}

/* Before entering the guest: add the wait since the last update. */
void kl_pvtime_update(struct kl_vcpu *v)
{
	u64 gpa = v->steal_base +
		  offsetof(struct pvclock_vcpu_stolen_time, stolen_time);
	u64 now = kvmlite_run_delay(), last = v->last_steal;
	__le64 steal;

	if (v->steal_base == KL_INVALID_GPA || now == last)
		return;
	if (kvmlite_read_guest(v->vcpu->vm, gpa, &steal, sizeof(steal)))
		return;
	v->last_steal = now;
	steal = cpu_to_le64(le64_to_cpu(steal) + now - last);
	kvmlite_write_guest(v->vcpu->vm, gpa, &steal, sizeof(steal));
}
