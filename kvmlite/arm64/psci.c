// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: PSCI, handled in the kernel as arch/arm64/kvm/psci.c
 * does for a vCPU with the PSCI_0_2 feature (PSCI 1.1 unless userspace set
 * another version through KVM_REG_ARM_PSCI_VERSION). hypercalls.c passes it
 * every SMCCC call that is not its own; unknown ones return NOT_SUPPORTED.
 */
#include <linux/arm-smccc.h>
#include <linux/kvm.h>
#include <uapi/linux/psci.h>

#include "arm64.h"

#define KL_MPIDR_AFF	0xff00ffffffULL

static void kl_smccc_ret(struct kl_vcpu *v, u64 a0)
{
	v->gp.regs[0] = a0;
	v->gp.regs[1] = 0;
	v->gp.regs[2] = 0;
	v->gp.regs[3] = 0;
}

static struct kvmlite_vcpu *kl_vcpu_by_mpidr(struct kvmlite_vm *vm, u64 mpidr)
{
	struct kvmlite_vcpu *vcpu;
	unsigned long i;

	xa_for_each(&vm->vcpus, i, vcpu) {
		struct kl_vcpu *t = kl_vcpu(vcpu);

		if (t->initialized &&
		    (t->sys[KL_MPIDR] & KL_MPIDR_AFF) == (mpidr & KL_MPIDR_AFF))
			return vcpu;
	}
	return NULL;
}

static long kl_psci_cpu_on(struct kvmlite_vcpu *vcpu, bool is64)
{
	struct kl_vcpu *v = kl_vcpu(vcpu), *t;
	struct kvmlite_vcpu *target;
	u64 entry = v->gp.regs[2], ctx = v->gp.regs[3];
	long ret;

	if (!is64) {
		entry = lower_32_bits(entry);
		ctx = lower_32_bits(ctx);
	}
	target = kl_vcpu_by_mpidr(vcpu->vm, v->gp.regs[1]);
	if (!target)
		return PSCI_RET_INVALID_PARAMS;
	t = kl_vcpu(target);
	spin_lock(&t->lock);
	if (!t->power_off) {
		ret = t->reset_pending ? PSCI_RET_ON_PENDING :
					 PSCI_RET_ALREADY_ON;
	} else {
		/* The target resets itself in its own KVM_RUN. */
		t->reset_pending = true;
		t->reset_pc = entry;
		t->reset_x0 = ctx;
		t->power_off = false;
		ret = PSCI_RET_SUCCESS;
	}
	spin_unlock(&t->lock);
	if (ret == PSCI_RET_SUCCESS)
		kvmlite_vcpu_kick(target);
	return ret;
}

/*
 * As kvm_psci_vcpu_affinity_info(): ON if any vCPU of the affinity group
 * (levels 0 to 3) is on, OFF if all are off, INVALID_PARAMS if there is no
 * such vCPU or level.
 */
static long kl_psci_affinity_info(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	u64 level = v->gp.regs[2], mask, aff;
	struct kvmlite_vcpu *other;
	unsigned int matching = 0;
	unsigned long i;
	bool off;

	if (level > 3)
		return PSCI_RET_INVALID_PARAMS;
	mask = KL_MPIDR_AFF & ~(BIT_ULL(level * 8) - 1);
	aff = v->gp.regs[1] & mask;
	xa_for_each(&vcpu->vm->vcpus, i, other) {
		struct kl_vcpu *t = kl_vcpu(other);

		if (!t->initialized || (t->sys[KL_MPIDR] & mask) != aff)
			continue;
		matching++;
		spin_lock(&t->lock);
		off = t->power_off;
		spin_unlock(&t->lock);
		if (!off)
			return PSCI_0_2_AFFINITY_LEVEL_ON;
	}
	return matching ? PSCI_0_2_AFFINITY_LEVEL_OFF : PSCI_RET_INVALID_PARAMS;
}

/* SYSTEM_OFF/RESET: every vCPU stops until it is initialised again. */
static int kl_system_event(struct kvmlite_vcpu *vcpu, u32 type, u64 flags)
{
	struct kvmlite_vcpu *other;
	struct kvm_run *run = vcpu->run;
	unsigned long i;

	xa_for_each(&vcpu->vm->vcpus, i, other) {
		struct kl_vcpu *t = kl_vcpu(other);

		spin_lock(&t->lock);
		t->power_off = true;
		t->reset_pending = false;
		spin_unlock(&t->lock);
		if (other != vcpu)
			kvmlite_vcpu_kick(other);
	}
	/* Should the guest run again, it sees the call fail. */
	kl_smccc_ret(kl_vcpu(vcpu), PSCI_RET_INTERNAL_FAILURE);
	memset(&run->system_event, 0, sizeof(run->system_event));
	run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	run->system_event.type = type;
	run->system_event.ndata = 1;
	run->system_event.data[0] = flags;
	return 0;
}

static long kl_psci_features(struct kl_vcpu *v, u32 fn)
{
	u32 minor = v->psci_version & 0xffff;

	switch (fn) {
	case PSCI_0_2_FN_PSCI_VERSION:
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
	case PSCI_0_2_FN_CPU_OFF:
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
	case PSCI_0_2_FN_SYSTEM_OFF:
	case PSCI_0_2_FN_SYSTEM_RESET:
	case PSCI_1_0_FN_PSCI_FEATURES:
	case ARM_SMCCC_VERSION_FUNC_ID:
		return 0;
	case PSCI_1_1_FN_SYSTEM_RESET2:
	case PSCI_1_1_FN64_SYSTEM_RESET2:
		return minor >= 1 ? 0 : PSCI_RET_NOT_SUPPORTED;
	case PSCI_1_0_FN_SYSTEM_SUSPEND:
	case PSCI_1_0_FN64_SYSTEM_SUSPEND:
		return READ_ONCE(kl_vm(v->vcpu->vm)->system_suspend) ? 0 :
		       PSCI_RET_NOT_SUPPORTED;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

/*
 * A PSCI call, or any SMCCC function hypercalls.c does not know (those return
 * NOT_SUPPORTED). Returns 1 to re-enter the guest, 0 to exit to userspace.
 */
int kl_psci_call(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	u32 fn = lower_32_bits(v->gp.regs[0]);
	bool psci1 = v->psci_version >= 0x10000;
	long ret;

	switch (fn) {
	case PSCI_0_2_FN_PSCI_VERSION:
		ret = v->psci_version;
		break;
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
		/* A standby state: returning at once is a valid wake-up. */
		ret = PSCI_RET_SUCCESS;
		break;
	case PSCI_0_2_FN_CPU_OFF:
		spin_lock(&v->lock);
		v->power_off = true;
		spin_unlock(&v->lock);
		ret = PSCI_RET_SUCCESS;
		break;
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
		ret = kl_psci_cpu_on(vcpu, fn == PSCI_0_2_FN64_CPU_ON);
		break;
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
		ret = kl_psci_affinity_info(vcpu);
		break;
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
		ret = PSCI_0_2_TOS_MP;
		break;
	case PSCI_0_2_FN_SYSTEM_OFF:
		return kl_system_event(vcpu, KVM_SYSTEM_EVENT_SHUTDOWN, 0);
	case PSCI_0_2_FN_SYSTEM_RESET:
		return kl_system_event(vcpu, KVM_SYSTEM_EVENT_RESET, 0);
	case PSCI_1_1_FN_SYSTEM_RESET2:
	case PSCI_1_1_FN64_SYSTEM_RESET2:
		if ((v->psci_version & 0xffff) < 1 || !psci1) {
			ret = PSCI_RET_NOT_SUPPORTED;
			break;
		}
		if (lower_32_bits(v->gp.regs[1]) <= PSCI_1_1_RESET_TYPE_SYSTEM_WARM_RESET ||
		    lower_32_bits(v->gp.regs[1]) >= PSCI_1_1_RESET_TYPE_VENDOR_START)
			return kl_system_event(vcpu, KVM_SYSTEM_EVENT_RESET,
					       KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2);
		ret = PSCI_RET_INVALID_PARAMS;
		break;
	case PSCI_1_0_FN_SYSTEM_SUSPEND:
	case PSCI_1_0_FN64_SYSTEM_SUSPEND:
		/*
		 * As KVM with KVM_CAP_ARM_SYSTEM_SUSPEND: userspace implements
		 * it from the call's registers, left untouched.
		 */
		if (psci1 && READ_ONCE(kl_vm(vcpu->vm)->system_suspend)) {
			memset(&vcpu->run->system_event, 0,
			       sizeof(vcpu->run->system_event));
			vcpu->run->system_event.type = KVM_SYSTEM_EVENT_SUSPEND;
			vcpu->run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
			return 0;
		}
		ret = PSCI_RET_NOT_SUPPORTED;
		break;
	case PSCI_1_0_FN_PSCI_FEATURES:
		ret = psci1 ? kl_psci_features(v, lower_32_bits(v->gp.regs[1])) :
			      PSCI_RET_NOT_SUPPORTED;
		break;
	default:
		ret = SMCCC_RET_NOT_SUPPORTED;
		break;
	}
	kl_smccc_ret(v, ret);
	return 1;
}
