// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: synchronous exceptions made for the guest, as
 * arch/arm64/kvm/inject_fault.c makes them: an UNDEF for an access to what
 * the guest does not have, and the external aborts KVM injects for an
 * instruction fetch, or a stage-1 table walk, outside guest memory.
 *
 * The exception is taken to EL1 as the hardware would (enter_exception64()):
 * ELR_EL1, SPSR_EL1, ESR_EL1 (and FAR_EL1 for an abort) are set, PSTATE
 * becomes EL1h with DAIF masked, and the PC the matching offset of VBAR_EL1.
 */
#include <asm/esr.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>

#include "arm64.h"

/* Offsets of the synchronous vectors in VBAR_EL1. */
#define KL_VEC_CUR_SP0		0x000
#define KL_VEC_CUR_SPX		0x200
#define KL_VEC_LOWER_A64	0x400

#define KL_SCTLR_SPAN		BIT_ULL(23)
#define KL_SCTLR_DSSBS		BIT_ULL(44)
#define KL_MMFR1_PAN		GENMASK_ULL(23, 20)

static bool kl_from_el0(struct kl_vcpu *v)
{
	return (v->gp.pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;
}

static void kl_enter_el1_sync(struct kl_vcpu *v, u64 esr)
{
	struct kl_vm *s2 = kl_vm(v->vcpu->vm);
	u64 old = v->gp.pstate, sctlr = v->sys[KL_SCTLR], new, vec;
	u64 mmfr1 = s2->idregs[(7 - 1) * 8 + 1];

	switch (old & PSR_MODE_MASK) {
	case PSR_MODE_EL1h:
		vec = KL_VEC_CUR_SPX;
		break;
	case PSR_MODE_EL1t:
		vec = KL_VEC_CUR_SP0;
		break;
	default:
		vec = KL_VEC_LOWER_A64;
		break;
	}

	new = old & (PSR_N_BIT | PSR_Z_BIT | PSR_C_BIT | PSR_V_BIT |
		     PSR_DIT_BIT);
	if (mmfr1 & KL_MMFR1_PAN) {
		new |= old & PSR_PAN_BIT;
		if (!(sctlr & KL_SCTLR_SPAN))
			new |= PSR_PAN_BIT;
	}
	if (sctlr & KL_SCTLR_DSSBS)
		new |= PSR_SSBS_BIT;
	new |= PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT | PSR_MODE_EL1h;

	v->sys[KL_ELR] = v->gp.pc;
	v->sys[KL_SPSR] = old;
	v->sys[KL_ESR] = esr;
	v->gp.pc = v->sys[KL_VBAR] + vec;
	v->gp.pstate = new;
}

/* As inject_undef64(): the instruction that trapped is UNDEFINED. */
void kl_inject_undef(struct kl_vcpu *v)
{
	u64 esr = (u64)ESR_ELx_EC_UNKNOWN << ESR_ELx_EC_SHIFT;

	if (v->gp.esr & ESR_ELx_IL)
		esr |= ESR_ELx_IL;
	kl_enter_el1_sync(v, esr);
}

/*
 * As inject_abt64(): a synchronous external abort on an instruction fetch
 * (@iabt) or a data access at virtual address @addr.
 */
void kl_inject_abort(struct kl_vcpu *v, bool iabt, u64 addr)
{
	bool el0 = kl_from_el0(v);
	u64 esr;

	if (iabt)
		esr = el0 ? ESR_ELx_EC_IABT_LOW : ESR_ELx_EC_IABT_CUR;
	else
		esr = el0 ? ESR_ELx_EC_DABT_LOW : ESR_ELx_EC_DABT_CUR;
	esr <<= ESR_ELx_EC_SHIFT;
	if (v->gp.esr & ESR_ELx_IL)
		esr |= ESR_ELx_IL;
	esr |= ESR_ELx_FSC_EXTABT;
	kl_enter_el1_sync(v, esr);
	v->sys[KL_FAR] = addr;
}
