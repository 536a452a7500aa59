// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: the guest's SMCCC calls and the firmware
 * pseudo-registers, as arch/arm64/kvm/hypercalls.c and trng.c have them.
 *
 * In the kernel: SMCCC_VERSION (1.1), SMCCC_ARCH_FEATURES, the TRNG 1.0
 * interface (get_random_long()), PV stolen time (pvtime.c), the KVM vendor
 * hypervisor service (its UID, its feature bitmap and KVM's PTP call) and
 * PSCI (psci.c). Everything else
 * returns NOT_SUPPORTED. The firmware pseudo-registers KVM_REG_ARM_FW_REG(n)
 * (PSCI version, the Spectre workarounds) and KVM_REG_ARM_FW_FEAT_BMAP_REG(n)
 * (which services the guest is offered) follow KVM's rules: a bitmap may only
 * lose bits, and only until the VM first runs (-EBUSY after).
 *
 * kvmlite does not forward the Spectre workaround calls, so it reports them
 * NOT_AVAIL and SMCCC_ARCH_FEATURES says NOT_SUPPORTED for them.
 */
#include <linux/arm-smccc.h>
#include <linux/bitmap.h>
#include <linux/ktime.h>
#include <linux/kvm.h>
#include <linux/random.h>
#include <linux/timekeeping.h>
#include <linux/uuid.h>
#include <asm/esr.h>
#include <clocksource/arm_arch_timer.h>

#include "arm64.h"

#define KL_TRNG_NOT_SUPPORTED	((unsigned long)-1)
#define KL_TRNG_INVALID_PARAM	((unsigned long)-2)
#define KL_TRNG_MAX_BITS64	192
#define KL_TRNG_VERSION_1_0	0x10000UL

/* KVM's TRNG UUID, so that guests see the same service. */
static const uuid_t kl_trng_uuid __aligned(4) =
	UUID_INIT(0x0d21e000, 0x4384, 0x11eb,
		  0x80, 0x70, 0x52, 0x44, 0x55, 0x4e, 0x5a, 0x4c);

static void kl_smccc_set(struct kl_vcpu *v, u64 a0, u64 a1, u64 a2, u64 a3)
{
	v->gp.regs[0] = a0;
	v->gp.regs[1] = a1;
	v->gp.regs[2] = a2;
	v->gp.regs[3] = a3;
}

static void kl_trng_rnd(struct kl_vcpu *v, unsigned int size)
{
	DECLARE_BITMAP(bits, KL_TRNG_MAX_BITS64);
	u32 num_bits = lower_32_bits(v->gp.regs[1]);
	unsigned int i;

	if (num_bits > 3 * size) {
		kl_smccc_set(v, KL_TRNG_INVALID_PARAM, 0, 0, 0);
		return;
	}
	for (i = 0; i < DIV_ROUND_UP(num_bits, BITS_PER_LONG); i++)
		bits[i] = get_random_long();
	bitmap_clear(bits, num_bits, KL_TRNG_MAX_BITS64 - num_bits);
	if (size == 32)
		kl_smccc_set(v, 0, lower_32_bits(bits[1]),
			     upper_32_bits(bits[0]), lower_32_bits(bits[0]));
	else
		kl_smccc_set(v, 0, bits[2], bits[1], bits[0]);
	memzero_explicit(bits, sizeof(bits));
}

static void kl_trng_call(struct kl_vcpu *v, u32 fn)
{
	const __le32 *u = (const __le32 *)kl_trng_uuid.b;
	unsigned long val = KL_TRNG_NOT_SUPPORTED;

	switch (fn) {
	case ARM_SMCCC_TRNG_VERSION:
		val = KL_TRNG_VERSION_1_0;
		break;
	case ARM_SMCCC_TRNG_FEATURES:
		switch (lower_32_bits(v->gp.regs[1])) {
		case ARM_SMCCC_TRNG_VERSION:
		case ARM_SMCCC_TRNG_FEATURES:
		case ARM_SMCCC_TRNG_GET_UUID:
		case ARM_SMCCC_TRNG_RND32:
		case ARM_SMCCC_TRNG_RND64:
			val = 0;
		}
		break;
	case ARM_SMCCC_TRNG_GET_UUID:
		kl_smccc_set(v, le32_to_cpu(u[0]), le32_to_cpu(u[1]),
			     le32_to_cpu(u[2]), le32_to_cpu(u[3]));
		return;
	case ARM_SMCCC_TRNG_RND32:
		kl_trng_rnd(v, 32);
		return;
	case ARM_SMCCC_TRNG_RND64:
		kl_trng_rnd(v, 64);
		return;
	}
	kl_smccc_set(v, val, 0, 0, 0);
}

/* As kvm_ptp_get_time(): wall clock and the counter of the same instant. */
static void kl_ptp_get_time(struct kl_vcpu *v, u64 *val)
{
	struct system_time_snapshot snap;
	u64 cycles;

	ktime_get_snapshot(&snap);
	if (snap.cs_id != CSID_ARM_ARCH_COUNTER)
		return;
	switch (lower_32_bits(v->gp.regs[1])) {
	case KVM_PTP_VIRT_COUNTER:
		cycles = snap.cycles - v->cntvoff;
		break;
	case KVM_PTP_PHYS_COUNTER:
		cycles = snap.cycles - v->cntpoff;
		break;
	default:
		return;
	}
	val[0] = upper_32_bits(snap.real);
	val[1] = lower_32_bits(snap.real);
	val[2] = upper_32_bits(cycles);
	val[3] = lower_32_bits(cycles);
}

/* Whether the VM's firmware bitmaps offer @fn (kvm_smccc_test_fw_bmap()). */
static bool kl_fw_offers(struct kl_vm *s2, u32 fn)
{
	switch (fn) {
	case ARM_SMCCC_TRNG_VERSION:
	case ARM_SMCCC_TRNG_FEATURES:
	case ARM_SMCCC_TRNG_GET_UUID:
	case ARM_SMCCC_TRNG_RND32:
	case ARM_SMCCC_TRNG_RND64:
		return test_bit(KVM_REG_ARM_STD_BIT_TRNG_V1_0, &s2->std_bmap);
	case ARM_SMCCC_HV_PV_TIME_FEATURES:
	case ARM_SMCCC_HV_PV_TIME_ST:
		return test_bit(KVM_REG_ARM_STD_HYP_BIT_PV_TIME,
				&s2->std_hyp_bmap);
	case ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID:
	case ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID:
		return test_bit(KVM_REG_ARM_VENDOR_HYP_BIT_FUNC_FEAT,
				&s2->vendor_hyp_bmap);
	case ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID:
		return test_bit(KVM_REG_ARM_VENDOR_HYP_BIT_PTP,
				&s2->vendor_hyp_bmap);
	default:
		return false;
	}
}

/* Calls served without a firmware bitmap bit (kvm_smccc_default_allowed()). */
static bool kl_smccc_default_allowed(u32 fn)
{
	switch (fn) {
	case ARM_SMCCC_VERSION_FUNC_ID:
	case ARM_SMCCC_ARCH_FEATURES_FUNC_ID:
		return true;
	default:
		/* PSCI 0.2 and later: the standard service's 0..0x1f. */
		return ARM_SMCCC_OWNER_NUM(fn) == ARM_SMCCC_OWNER_STANDARD &&
		       ARM_SMCCC_FUNC_NUM(fn) <= 0x1f;
	}
}

/* As kvm_prepare_hypercall_exit(): the call goes to userspace. */
static void kl_hypercall_exit(struct kvmlite_vcpu *vcpu, u32 fn)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	struct kvm_run *run = vcpu->run;
	u64 ec = ESR_ELx_EC(v->gp.esr), flags = 0;

	if (ec == ESR_ELx_EC_SMC64)
		flags |= KVM_HYPERCALL_EXIT_SMC;
	if (!(v->gp.esr & ESR_ELx_IL))
		flags |= KVM_HYPERCALL_EXIT_16BIT;
	memset(&run->hypercall, 0, sizeof(run->hypercall));
	run->exit_reason = KVM_EXIT_HYPERCALL;
	run->hypercall.nr = fn;
	/* hypercall.flags; the same bytes are longmode and pad in 6.1's uapi. */
	memcpy((u8 *)&run->hypercall.ret + sizeof(run->hypercall.ret), &flags,
	       sizeof(flags));
}

/*
 * Returns 1 to re-enter the guest, 0 to exit to userspace. The caller has
 * already moved the PC past the HVC or SMC.
 */
int kl_handle_smccc(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	struct kl_vm *s2 = kl_vm(vcpu->vm);
	u32 fn = lower_32_bits(v->gp.regs[0]);
	u64 val[4] = { SMCCC_RET_NOT_SUPPORTED };

	/* The SMCCC filter first, then the firmware bitmaps. */
	switch (kl_smccc_filter_action(s2, fn)) {
	case KVM_SMCCC_FILTER_FWD_TO_USER:
		kl_hypercall_exit(vcpu, fn);
		return 0;
	case KVM_SMCCC_FILTER_DENY:
		kl_smccc_set(v, SMCCC_RET_NOT_SUPPORTED, 0, 0, 0);
		return 1;
	}
	/* OP-TEE calls, when the VMM enabled KVMLITE_CAP_ARM_OPTEE (tee.c). */
	if (kl_tee_call(vcpu, fn))
		return 1;
	if (!kl_fw_offers(s2, fn) && !kl_smccc_default_allowed(fn)) {
		kl_smccc_set(v, SMCCC_RET_NOT_SUPPORTED, 0, 0, 0);
		return 1;
	}

	switch (fn) {
	case ARM_SMCCC_VERSION_FUNC_ID:
		val[0] = ARM_SMCCC_VERSION_1_1;
		break;
	case ARM_SMCCC_ARCH_FEATURES_FUNC_ID:
		/* No workaround is forwarded: only PV time, if offered. */
		if (lower_32_bits(v->gp.regs[1]) ==
		    ARM_SMCCC_HV_PV_TIME_FEATURES &&
		    kl_fw_offers(s2, ARM_SMCCC_HV_PV_TIME_FEATURES))
			val[0] = SMCCC_RET_SUCCESS;
		break;
	case ARM_SMCCC_HV_PV_TIME_FEATURES:
		val[0] = kl_pvtime_features(v, lower_32_bits(v->gp.regs[1]));
		break;
	case ARM_SMCCC_HV_PV_TIME_ST:
		val[0] = kl_pvtime_st(v);
		break;
	case ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID:
	case ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID:
	case ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID:
	case ARM_SMCCC_TRNG_VERSION:
	case ARM_SMCCC_TRNG_FEATURES:
	case ARM_SMCCC_TRNG_GET_UUID:
	case ARM_SMCCC_TRNG_RND32:
	case ARM_SMCCC_TRNG_RND64:
		if (fn == ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID) {
			val[0] = ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_0;
			val[1] = ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_1;
			val[2] = ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_2;
			val[3] = ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_3;
		} else if (fn == ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID) {
			val[0] = READ_ONCE(s2->vendor_hyp_bmap);
		} else if (fn == ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID) {
			kl_ptp_get_time(v, val);
		} else {
			kl_trng_call(v, fn);
			return 1;
		}
		break;
	default:
		return kl_psci_call(vcpu);
	}
	kl_smccc_set(v, val[0], val[1], val[2], val[3]);
	return 1;
}

/* --- firmware pseudo-registers ------------------------------------------ */

static const u64 kl_fw_regs[] = {
	KVM_REG_ARM_PSCI_VERSION,
	KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1,
	KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2,
	KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3,
	KVM_REG_ARM_STD_BMAP,
	KVM_REG_ARM_STD_HYP_BMAP,
	KVM_REG_ARM_VENDOR_HYP_BMAP,
};

void kl_fw_regs_init(struct kl_vm *s2)
{
	s2->std_bmap = KL_STD_BMAP;
	s2->std_hyp_bmap = KL_STD_HYP_BMAP;
	s2->vendor_hyp_bmap = KL_VENDOR_HYP_BMAP;
}

unsigned int kl_fw_reg_ids(u64 *out)
{
	if (out)
		memcpy(out, kl_fw_regs, sizeof(kl_fw_regs));
	return ARRAY_SIZE(kl_fw_regs);
}

static unsigned long *kl_fw_bmap(struct kl_vm *s2, u64 id,
				 unsigned long *supported)
{
	switch (id) {
	case KVM_REG_ARM_STD_BMAP:
		*supported = KL_STD_BMAP;
		return &s2->std_bmap;
	case KVM_REG_ARM_STD_HYP_BMAP:
		*supported = KL_STD_HYP_BMAP;
		return &s2->std_hyp_bmap;
	case KVM_REG_ARM_VENDOR_HYP_BMAP:
		*supported = KL_VENDOR_HYP_BMAP;
		return &s2->vendor_hyp_bmap;
	default:
		return NULL;
	}
}

int kl_fw_reg_get(struct kl_vcpu *v, u64 id, u64 *val)
{
	unsigned long supported, *bmap;

	switch (id) {
	case KVM_REG_ARM_PSCI_VERSION:
		*val = v->psci_version;
		return 0;
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1:
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2:
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3:
		*val = 0;	/* NOT_AVAIL */
		return 0;
	}
	bmap = kl_fw_bmap(kl_vm(v->vcpu->vm), id, &supported);
	if (!bmap)
		return -ENOENT;
	*val = READ_ONCE(*bmap);
	return 0;
}

int kl_fw_reg_set(struct kl_vcpu *v, u64 id, u64 val)
{
	struct kl_vm *s2 = kl_vm(v->vcpu->vm);
	unsigned long supported, *bmap;
	int r = 0;

	switch (id) {
	case KVM_REG_ARM_PSCI_VERSION:
		/* The versions KVM accepts for a PSCI 0.2 vCPU. */
		if (val != 0x2 && val != 0x10000 && val != 0x10001)
			return -EINVAL;
		v->psci_version = val;
		return 0;
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1:
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3:
		/* Nothing above NOT_AVAIL, the level kvmlite offers. */
		return val ? -EINVAL : 0;
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2:
		/* Level NOT_AVAIL, and ENABLED only with level AVAIL. */
		return val ? -EINVAL : 0;
	}
	bmap = kl_fw_bmap(s2, id, &supported);
	if (!bmap)
		return -ENOENT;
	if (val & ~supported)
		return -EINVAL;
	mutex_lock(&s2->config_lock);
	if (s2->has_run && val != *bmap)
		r = -EBUSY;
	else
		WRITE_ONCE(*bmap, val);
	mutex_unlock(&s2->config_lock);
	return r;
}
