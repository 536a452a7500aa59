// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: the guest CPU model, i.e. the VM's view of the
 * feature ID registers (op0=3, op1=0, CRn=0, CRm=1..7) and of CTR_EL0.
 *
 * As arch/arm64/kvm/sys_regs.c: one view per VM, initialised from the host's
 * sanitised values (read_sanitised_ftr_reg()) with what kvmlite does not give
 * a guest hidden (SVE, SME, MTE, PAuth, AMU, SPE, TRBE, MPAM, nested
 * virtualisation, the GIC system registers, a PMU, AArch32 at EL0...). The
 * guest reads it (HCR_EL2.TID3 traps its reads) and userspace reads it with
 * KVM_GET_ONE_REG. Until the VM first runs, userspace may lower the writable
 * fields with KVM_SET_ONE_REG (KVM's masks, KVM_ARM_GET_REG_WRITABLE_MASKS);
 * afterwards only a write of the current value succeeds (-EBUSY otherwise).
 */
#include <linux/bitfield.h>
#include <linux/kvm.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/kvm_arm.h>
#include <asm/sysreg.h>

#include "arm64.h"

/* A 4-bit ID field at @shift. */
#define F(shift)		(0xfULL << (shift))

/* Index of (CRm, Op2) in kl_vm->idregs[]. */
#define IDX(crm, op2)		(((crm) - 1) * 8 + (op2))

/* Values fields are limited to (KVM_ARM_FEATURE_ID_RANGE). */
#define KL_DEBUGVER_V8P8	0xa
#define KL_PFR0_GIC_V3		BIT_ULL(24)
#define KL_DEBUGVER_IMP		0x6
#define KL_PMUVER_IMP_DEF	0xf
#define KL_EL_AARCH64_ONLY	0x1

/*
 * For each register: the fields hidden from guests, the fields userspace may
 * lower (KVM's writable masks), and the fields compared as signed values.
 */
struct kl_idreg_rule {
	u8 crm, op2;
	u64 hide;
	u64 writable;
	u64 sign;
};

static const struct kl_idreg_rule kl_idreg_rules[] = {
	/* ID_AA64PFR0_EL1: SVE, AMU, MPAM, RME, GIC (no in-kernel vGICv3). */
	{ 4, 0, F(32) | F(44) | F(40) | F(52) | F(24),
	  ~(F(44) | F(40) | F(32) | F(28) | F(20) | F(16)), F(16) | F(20) },
	/* ID_AA64PFR1_EL1: MTE, SME, RNDR_trap, NMI, MTE_frac, GCS, THE, ... */
	{ 4, 1, F(8) | F(24) | F(28) | F(36) | F(40) | F(44) | F(48) | F(52) |
		F(56) | F(60) | F(16),
	  F(0) | F(4) | F(32), 0 },
	/* ID_AA64PFR2_EL1: FPMR and the MTE extensions. */
	{ 4, 2, ~0ULL, F(32), 0 },
	/* ID_AA64ZFR0_EL1 (SVE), ID_AA64SMFR0_EL1 (SME), ID_AA64FPFR0_EL1. */
	{ 4, 4, ~0ULL, ~0ULL, 0 },
	{ 4, 5, ~0ULL, 0, 0 },
	{ 4, 7, ~0ULL, ~0ULL, 0 },
	/* ID_AA64DFR0_EL1: no PMU, SPE, TRBE, BRBE, trace. */
	{ 5, 0, F(8) | F(32) | F(44) | F(52) | F(4) | F(40) | F(48) | F(56) |
		F(16) | F(24) | F(60),
	  F(36) | F(20) | F(8) | F(0), F(36) },
	/* ID_AA64DFR1_EL1, ID_AA64AFR0_EL1, ID_AA64AFR1_EL1. */
	{ 5, 1, ~0ULL, 0, 0 },
	{ 5, 4, ~0ULL, 0, 0 },
	{ 5, 5, ~0ULL, 0, 0 },
	/* ID_AA64ISAR0_EL1. */
	{ 6, 0, 0, ~0ULL, 0 },
	/* ID_AA64ISAR1_EL1: PAuth (APA, API, GPA, GPI). */
	{ 6, 1, F(4) | F(8) | F(24) | F(28),
	  ~(F(4) | F(8) | F(24) | F(28)), 0 },
	/* ID_AA64ISAR2_EL1: WFxT, GPA3, APA3, MOPS, PAC_frac, 128-bit sysregs. */
	{ 6, 2, F(0) | F(8) | F(12) | F(16) | F(24) | F(32) | F(36),
	  ~(F(8) | F(12)), 0 },
	/* ID_AA64MMFR0_EL1. */
	{ 7, 0, 0, ~(F(40) | F(36) | F(32) | F(4)), F(24) | F(28) },
	/* ID_AA64MMFR1_EL1: LORegions (trapped, UNDEF). */
	{ 7, 1, F(16), ~(F(40) | F(32) | F(28) | F(8) | F(4)), 0 },
	/* ID_AA64MMFR2_EL1: CCIDX, NV. */
	{ 7, 2, F(20) | F(24), ~(F(56) | F(40) | F(36) | F(24) | F(20)), 0 },
	/* ID_AA64MMFR3_EL1 (TCR2, PIE, POE: not switched), ID_AA64MMFR4_EL1. */
	{ 7, 3, ~0ULL, F(0) | F(8) | F(16), 0 },
	{ 7, 4, ~0ULL, 0, 0 },
};

/* CTR_EL0's writable fields: DIC, IDC, DminLine, IminLine. */
#define KL_CTR_WRITABLE		(BIT_ULL(29) | BIT_ULL(28) | F(16) | F(0))

static const struct kl_idreg_rule *kl_idreg_rule(unsigned int crm,
						 unsigned int op2)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kl_idreg_rules); i++)
		if (kl_idreg_rules[i].crm == crm && kl_idreg_rules[i].op2 == op2)
			return &kl_idreg_rules[i];
	return NULL;
}

/* The AArch32 ID registers (CRm 1..3): RAZ, as KVM without 32-bit EL0. */
static bool kl_idreg_is_aa32(unsigned int crm)
{
	return crm <= 3;
}

static u64 kl_field_limit(u64 val, u64 mask, u64 limit)
{
	u64 f = min(val & mask, limit << __ffs64(mask));

	return (val & ~mask) | f;
}

/* The PAuth fields: ID_AA64ISAR1_EL1 APA, API, GPA, GPI; ISAR2 GPA3, APA3. */
#define KL_ISAR1_PAUTH		(F(4) | F(8) | F(24) | F(28))
#define KL_ISAR2_PAUTH		(F(8) | F(12))

static u64 kl_pauth_fields(unsigned int crm, unsigned int op2)
{
	switch (IDX(crm, op2)) {
	case IDX(6, 1):
		return KL_ISAR1_PAUTH;
	case IDX(6, 2):
		return KL_ISAR2_PAUTH;
	}
	return 0;
}

/*
 * The largest value the VM may have (what a new VM starts with); @pauth:
 * its vCPUs have pointer authentication, whose fields are otherwise hidden.
 */
static u64 kl_idreg_limit(unsigned int crm, unsigned int op2, bool pauth)
{
	const struct kl_idreg_rule *r;
	u64 val, hide;

	if (kl_idreg_is_aa32(crm))
		return 0;
	r = kl_idreg_rule(crm, op2);
	/* Unallocated, or wholly hidden (the host kernel may not know it). */
	if (!r || r->hide == ~0ULL)
		return 0;
	hide = r->hide;
	if (pauth)
		hide &= ~kl_pauth_fields(crm, op2);
	val = read_sanitised_ftr_reg(sys_reg(3, 0, 0, crm, op2)) & ~hide;

	switch (IDX(crm, op2)) {
	case IDX(4, 0):
		/* EL0 in AArch64 only: kvmlite runs no AArch32 code. */
		val = kl_field_limit(val, F(0), KL_EL_AARCH64_ONLY);
		/* CSV2 at most 1: no SCXTNUM_ELx (an UNDEF, as KVM's). */
		val = kl_field_limit(val, F(56), 1);
		break;
	case IDX(5, 0):
		val = kl_field_limit(val, F(0), KL_DEBUGVER_V8P8);
		break;
	}
	return val;
}

void kl_idregs_init(struct kl_vm *s2)
{
	unsigned int crm, op2;

	for (crm = 1; crm <= 7; crm++)
		for (op2 = 0; op2 < 8; op2++)
			s2->idregs[IDX(crm, op2)] = kl_idreg_limit(crm, op2,
								   false);
	s2->ctr = read_sanitised_ftr_reg(SYS_CTR_EL0);
}

/*
 * The first vCPU of the VM was initialised with (or without) PAuth: the
 * guest and userspace see its fields (with config_lock held).
 */
void kl_idregs_set_pauth(struct kl_vm *s2, bool pauth)
{
	unsigned int op2;
	u64 mask;

	lockdep_assert_held(&s2->config_lock);
	for (op2 = 1; op2 <= 2; op2++) {
		mask = kl_pauth_fields(6, op2);
		s2->idregs[IDX(6, op2)] = (s2->idregs[IDX(6, op2)] & ~mask) |
					  (kl_idreg_limit(6, op2, pauth) & mask);
	}
}

/* A vGICv3 was created: the guest sees its system register interface. */
void kl_idregs_set_gic(struct kl_vm *s2)
{
	lockdep_assert_held(&s2->config_lock);
	s2->idregs[IDX(4, 0)] = (s2->idregs[IDX(4, 0)] & ~F(24)) |
				KL_PFR0_GIC_V3;
}

static bool kl_is_idreg(u32 enc)
{
	return KL_ENC_OP0(enc) == 3 && KL_ENC_OP1(enc) == 0 &&
	       KL_ENC_CRN(enc) == 0 && KL_ENC_CRM(enc) >= 1 &&
	       KL_ENC_CRM(enc) <= 7;
}

/* The guest's view of ID register @enc; false if @enc is not one. */
bool kl_idreg_read(struct kl_vm *s2, u32 enc, u64 *val)
{
	if (enc == SYS_CTR_EL0) {
		*val = READ_ONCE(s2->ctr);
		return true;
	}
	if (!kl_is_idreg(enc))
		return false;
	*val = READ_ONCE(s2->idregs[IDX(KL_ENC_CRM(enc), KL_ENC_OP2(enc))]);
	return true;
}

/*
 * As arm64_check_features(): the fields userspace may not change keep the
 * limit's value, the others may only go down (signed fields compare as such).
 */
static int kl_check_fields(u64 val, u64 limit, u64 writable, u64 sign)
{
	unsigned int shift;

	if ((val & ~writable) != (limit & ~writable))
		return -EINVAL;
	for (shift = 0; shift < 64; shift += 4) {
		u64 mask = F(shift);
		s64 a, b;

		if (!(writable & mask))
			continue;
		a = (val & mask) >> shift;
		b = (limit & mask) >> shift;
		if (sign & mask) {
			a = sign_extend64(a, 3);
			b = sign_extend64(b, 3);
		}
		if (a > b)
			return -EINVAL;
	}
	return 0;
}

static int kl_idreg_check(struct kl_vm *s2, unsigned int crm,
			  unsigned int op2, u64 val)
{
	const struct kl_idreg_rule *r = kl_idreg_rule(crm, op2);
	u64 limit = kl_idreg_limit(crm, op2, s2->pauth);

	/* ID_AA64PFR0_EL1.GIC: a GICv3 in VMs that have one. */
	if (IDX(crm, op2) == IDX(4, 0) && s2->vgic)
		limit |= KL_PFR0_GIC_V3;

	if (!r)
		return val == limit ? 0 : -EINVAL;
	if (IDX(crm, op2) == IDX(5, 0) &&
	    FIELD_GET(F(0), val) < KL_DEBUGVER_IMP)
		return -EINVAL;
	return kl_check_fields(val, limit, r->writable, r->sign);
}

/*
 * Registers whose user writes are ignored (KVM's REG_USER_WI): the AArch32
 * ID registers of a CPU model without AArch32. ID_AFR0, ID_DFR1 and the
 * unallocated ones stay RAZ with writes of other values refused, as KVM's.
 */
static bool kl_idreg_user_wi(unsigned int crm, unsigned int op2)
{
	if (!kl_idreg_is_aa32(crm))
		return false;
	switch (IDX(crm, op2)) {
	case IDX(1, 3):		/* ID_AFR0_EL1 */
	case IDX(3, 3):
	case IDX(3, 5):		/* ID_DFR1_EL1 */
	case IDX(3, 7):
		return false;
	}
	return true;
}

/*
 * KVM_SET_ONE_REG of an ID register or CTR_EL0. Returns -ENOENT if @enc is
 * not one.
 */
int kl_idreg_set(struct kl_vm *s2, u32 enc, u64 val)
{
	unsigned int crm = KL_ENC_CRM(enc), op2 = KL_ENC_OP2(enc);
	u64 *p, mpam;
	int r;

	if (enc == SYS_CTR_EL0)
		p = &s2->ctr;
	else if (kl_is_idreg(enc))
		p = &s2->idregs[IDX(crm, op2)];
	else
		return -ENOENT;

	mutex_lock(&s2->config_lock);
	if (s2->has_run) {
		r = val == *p ? 0 : -EBUSY;
		goto out;
	}
	r = 0;
	if (enc == SYS_CTR_EL0) {
		r = kl_check_fields(val, read_sanitised_ftr_reg(SYS_CTR_EL0),
				    KL_CTR_WRITABLE, 0);
	} else if (kl_idreg_user_wi(crm, op2)) {
		goto out;
	} else {
		/* As set_id_aa64pfr0/1_el1(): the host's MPAM is ignored. */
		mpam = IDX(crm, op2) == IDX(4, 0) ? F(40) :
		       IDX(crm, op2) == IDX(4, 1) ? F(16) : 0;
		if (mpam && (val & mpam) ==
		    (read_sanitised_ftr_reg(enc) & mpam))
			val &= ~mpam;
		/* As set_id_aa64dfr0_el1(): an IMP DEF PMU reads as none. */
		if (IDX(crm, op2) == IDX(5, 0) &&
		    FIELD_GET(F(8), val) == KL_PMUVER_IMP_DEF)
			val &= ~F(8);
		r = kl_idreg_check(s2, crm, op2, val);
	}
	if (!r)
		WRITE_ONCE(*p, val);
out:
	mutex_unlock(&s2->config_lock);
	return r;
}

#define KL_HCR_TID4		BIT_ULL(49)
#define KL_MMFR2_EVT		F(56)

/*
 * The VM's first KVM_RUN: its CPU model is final. The cache description
 * registers trap with TID4 where FEAT_EVT has it and the guest's CTR_EL0 is
 * the hardware's (CTR_EL0 then stays untrapped), else with TID2.
 */
void kl_idregs_freeze(struct kl_vm *s2)
{
	/* Pairs with the release below: hcr_cache is set when has_run is. */
	if (smp_load_acquire(&s2->has_run))
		return;
	mutex_lock(&s2->config_lock);
	if (!s2->has_run) {
		s2->hcr_cache = HCR_TID2;
		if ((read_sanitised_ftr_reg(SYS_ID_AA64MMFR2_EL1) & KL_MMFR2_EVT) &&
		    s2->ctr == read_sysreg(ctr_el0))
			s2->hcr_cache = KL_HCR_TID4;
		/* hcr_cache is visible before has_run (acquire above). */
		smp_store_release(&s2->has_run, true);
	}
	mutex_unlock(&s2->config_lock);
}

/* KVM_ARM_GET_REG_WRITABLE_MASKS (KVM_ARM_FEATURE_ID_RANGE only). */
int kl_get_reg_writable_masks(void __user *argp)
{
	struct reg_mask_range range;
	u64 __user *masks;
	unsigned int i;

	if (copy_from_user(&range, argp, sizeof(range)))
		return -EFAULT;
	if (range.range != KVM_ARM_FEATURE_ID_RANGE ||
	    memchr_inv(range.reserved, 0, sizeof(range.reserved)))
		return -EINVAL;
	masks = u64_to_user_ptr(range.addr);
	if (clear_user(masks, KVM_ARM_FEATURE_ID_RANGE_SIZE * sizeof(u64)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(kl_idreg_rules); i++) {
		const struct kl_idreg_rule *r = &kl_idreg_rules[i];

		if (!r->writable)
			continue;
		if (put_user(r->writable, masks +
			     KVM_ARM_FEATURE_ID_RANGE_IDX(3, 0, 0, r->crm, r->op2)))
			return -EFAULT;
	}
	if (put_user(KL_CTR_WRITABLE,
		     masks + KVM_ARM_FEATURE_ID_RANGE_IDX(3, 3, 0, 0, 1)))
		return -EFAULT;
	return 0;
}

/*
 * CLIDR_EL1 as KVM fabricates it (reset_clidr()): from CTR_EL0, so that it
 * does not depend on the physical CPU.
 */
u64 kl_fabricate_clidr(u64 ctr)
{
	u64 clidr;
	unsigned int loc;

	if (ctr & BIT(28)) {		/* IDC */
		loc = (ctr & BIT(29)) ? 1 : 2;
		clidr = 4ULL << (3 * (loc - 1));	/* unified */
	} else {
		loc = 1;
		clidr = BIT_ULL(27) | BIT_ULL(21);	/* LoUU, LoUIS */
		clidr |= 2;				/* L1 data */
	}
	if (!(ctr & BIT(29)))		/* no DIC: an L1 instruction cache */
		clidr |= 1;
	clidr |= (u64)loc << 24;
	return clidr;
}
