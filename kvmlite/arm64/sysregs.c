// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: the guest's system registers, for KVM_GET_ONE_REG,
 * KVM_SET_ONE_REG, KVM_GET_REG_LIST and for the guest's trapped accesses.
 *
 * One table, sorted by encoding as arch/arm64/kvm/sys_regs.c's, describes
 * every register userspace sees (the list KVM gives a vCPU without PMU or
 * SVE; the PAuth keys if it has PAuth) and every register whose guest
 * access kvmlite emulates: the ID space (HCR_EL2.TID3), REVIDR/AIDR
 * (TID1), the cache description registers (TID2/TID4), ACTLR_EL1 (TACR),
 * the debug registers (MDCR_EL2.TDA, TDOSA, TDRA) and the EL1 physical
 * timer (CNTHCTL_EL2.EL1PCEN clear). A trapped access to anything else
 * (PMU, LORegions, ...) is an UNDEF for the guest, as
 * KVM gives it. Register ids and errnos are KVM's: -ENOENT for an unknown
 * register or a wrong size, -EINVAL for a value that cannot be set.
 */
#include <linux/bsearch.h>
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/arch_timer.h>
#include <asm/cputype.h>
#include <asm/esr.h>
#include <asm/sysreg.h>

#include "arm64.h"

/* Not a register of ->sys[]. */
#define KL_NOSTORE		0xffff

/* Listed by KVM_GET_REG_LIST and reachable with KVM_GET/SET_ONE_REG. */
#define KL_SR_USER		BIT(0)
/* A guest access is an UNDEF (registers of AArch32 or of EL2). */
#define KL_SR_NOGUEST		BIT(1)
/* Read-only for the guest: a write is an UNDEF. */
#define KL_SR_RO		BIT(2)
/*
 * A PAuth key (@idx into kl_vcpu->keys.guest): there for userspace only
 * when the vCPU has PAuth; the guest's accesses trap only when it has not.
 */
#define KL_SR_PAUTH		BIT(3)

struct kl_sysreg_desc;

/* A trapped guest access: @val is what a write stores or a read returns. */
struct kl_sr_access {
	bool write;
	bool undef;	/* set by an access function: UNDEF instead */
	u64 val;
};

typedef void (*kl_sr_access_fn)(struct kl_vcpu *v,
				const struct kl_sysreg_desc *d,
				struct kl_sr_access *p);
typedef int (*kl_sr_get_fn)(struct kl_vcpu *v,
			    const struct kl_sysreg_desc *d, u64 *val);
typedef int (*kl_sr_set_fn)(struct kl_vcpu *v,
			    const struct kl_sysreg_desc *d, u64 val);

/**
 * struct kl_sysreg_desc - one system register
 * @enc:	encoding, sys_reg(op0, op1, CRn, CRm, op2)
 * @flags:	KL_SR_*
 * @idx:	the register in kl_vcpu->sys[], or KL_NOSTORE
 * @access:	trapped guest access; NULL: read or write @idx
 * @get:	userspace read; NULL: @idx
 * @set:	userspace write; NULL: @idx
 */
struct kl_sysreg_desc {
	u32 enc;
	u16 flags;
	u16 idx;
	kl_sr_access_fn access;
	kl_sr_get_fn get;
	kl_sr_set_fn set;
};

static struct kl_vm *kl_vm_of(struct kl_vcpu *v)
{
	return kl_vm(v->vcpu->vm);
}

u64 kl_read_cntvct(struct kl_vcpu *v)
{
	return read_sysreg(cntpct_el0) - v->cntvoff;
}

u64 kl_read_cntpct(struct kl_vcpu *v)
{
	return read_sysreg(cntpct_el0) - v->cntpoff;
}

/* --- guest accesses ------------------------------------------------------ */

static void kl_acc_raz_wi(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			  struct kl_sr_access *p)
{
	if (!p->write)
		p->val = 0;
}

static void kl_acc_idreg(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			 struct kl_sr_access *p)
{
	kl_idreg_read(kl_vm_of(v), d->enc, &p->val);
}

static void kl_acc_revidr(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			  struct kl_sr_access *p)
{
	p->val = read_sysreg(revidr_el1);
}

static void kl_acc_aidr(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			struct kl_sr_access *p)
{
	p->val = read_sysreg(aidr_el1);
}

/* CCSIDR_EL1 as KVM fabricates it: the smallest line, one set, one way. */
static u32 kl_ccsidr(struct kl_vcpu *v, u32 csselr)
{
	u64 ctr = read_sanitised_ftr_reg(SYS_CTR_EL0);
	u32 line = (csselr & 1) ? (ctr & 0xf) : ((ctr >> 16) & 0xf);

	/* Log2(words) + 2 = Log2(bytes); the field holds Log2(bytes) - 4. */
	return line + 2 - 4;
}

#define KL_CSSELR_MAX		14

static void kl_acc_ccsidr(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			  struct kl_sr_access *p)
{
	u32 csselr = v->sys[KL_CSSELR] & 0xf;	/* Level, InD */

	p->val = csselr < KL_CSSELR_MAX ? kl_ccsidr(v, csselr) : 0;
}

/*
 * ICC_SGI1R_EL1 (op2 5), ICC_ASGI1R_EL1 (6), ICC_SGI0R_EL1 (7): trapped by
 * HCR_EL2.IMO; write-only SGI requests to the vGIC (vgic.c). Without a
 * vGIC they are UNDEFINED, as KVM makes them.
 */
static void kl_acc_sgi(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
		       struct kl_sr_access *p)
{
	if (!kl_has_vgic(v->vcpu->vm) || !p->write) {
		p->undef = true;
		return;
	}
	kl_vgic_sgi(v, p->val, KL_ENC_OP2(d->enc) == 5);
}

static void kl_acc_oslar(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			 struct kl_sr_access *p)
{
	/* OSLAR_EL1.OSLK sets OSLSR_EL1.OSLK (bit 1). */
	if (p->val & 1)
		v->sys[KL_OSLSR] |= BIT(1);
	else
		v->sys[KL_OSLSR] &= ~BIT(1);
}

static void kl_acc_authstatus(struct kl_vcpu *v,
			      const struct kl_sysreg_desc *d,
			      struct kl_sr_access *p)
{
	p->val = read_sysreg(dbgauthstatus_el1);
}

static void kl_acc_cntpct(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			  struct kl_sr_access *p)
{
	p->val = kl_read_cntpct(v);
}

static void kl_acc_cntp_tval(struct kl_vcpu *v,
			     const struct kl_sysreg_desc *d,
			     struct kl_sr_access *p)
{
	u64 now = kl_read_cntpct(v);

	if (p->write)
		v->sys[KL_CNTP_CVAL] = now + (s64)(s32)p->val;
	else
		p->val = lower_32_bits(v->sys[KL_CNTP_CVAL] - now);
}

static void kl_acc_cntp_ctl(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			    struct kl_sr_access *p)
{
	if (p->write)
		v->sys[KL_CNTP_CTL] = p->val & (ARCH_TIMER_CTRL_ENABLE |
						ARCH_TIMER_CTRL_IT_MASK);
	else
		p->val = kl_ptimer_ctl(v);
}

/* --- userspace accesses -------------------------------------------------- */

static int kl_get_idreg(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			u64 *val)
{
	kl_idreg_read(kl_vm_of(v), d->enc, val);
	return 0;
}

static int kl_set_idreg(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			u64 val)
{
	return kl_idreg_set(kl_vm_of(v), d->enc, val);
}

/* MIDR, REVIDR, AIDR: the host's, and only "set" to what they are. */
static u64 kl_invariant(u32 enc)
{
	switch (enc) {
	case SYS_MIDR_EL1:
		return read_cpuid_id();
	case SYS_REVIDR_EL1:
		return read_sysreg(revidr_el1);
	default:
		return read_sysreg(aidr_el1);
	}
}

static int kl_get_invariant(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			    u64 *val)
{
	*val = kl_invariant(d->enc);
	return 0;
}

static int kl_set_invariant(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			    u64 val)
{
	return val == kl_invariant(d->enc) ? 0 : -EINVAL;
}

static int kl_set_oslsr(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			u64 val)
{
	/* As set_oslsr_el1(): only OSLK may change. */
	if ((val ^ v->sys[KL_OSLSR]) & ~BIT(1))
		return -EINVAL;
	v->sys[KL_OSLSR] = val;
	return 0;
}

static int kl_set_clidr(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			u64 val)
{
	u64 ctr = read_sanitised_ftr_reg(SYS_CTR_EL0);
	u64 loc = (val >> 24) & 7, louis = (val >> 21) & 7, louu = (val >> 27) & 7;
	bool idc = !loc || (!louis && !louu);

	/* As set_clidr(): RES0 bits [63:47], and IDC as CTR_EL0 says. */
	if ((val & GENMASK_ULL(63, 47)) || (!(ctr & BIT(28)) && idc))
		return -EINVAL;
	v->sys[KL_CLIDR] = val;
	return 0;
}

static int kl_get_cntpct(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			 u64 *val)
{
	*val = kl_read_cntpct(v);
	return 0;
}

static int kl_set_cntpct(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			 u64 val)
{
	v->cntpoff = read_sysreg(cntpct_el0) - val;
	return 0;
}

static int kl_get_cntp_ctl(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			   u64 *val)
{
	*val = kl_ptimer_ctl(v);
	return 0;
}

static int kl_set_cntp_ctl(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			   u64 val)
{
	v->sys[KL_CNTP_CTL] = val & ~ARCH_TIMER_CTRL_IT_STAT;
	return 0;
}

/* The virtual timer, under KVM's (swapped) names KVM_REG_ARM_TIMER_*. */
static int kl_get_vtimer(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			 u64 *val)
{
	switch (d->enc) {
	case sys_reg(3, 3, 14, 3, 1):		/* KVM_REG_ARM_TIMER_CTL */
		*val = v->sys[KL_CNTV_CTL] & ~ARCH_TIMER_CTRL_IT_STAT;
		/* As read_timer_ctl(): ISTATUS once expired, even if disabled. */
		if (kl_read_cntvct(v) >= v->sys[KL_CNTV_CVAL])
			*val |= ARCH_TIMER_CTRL_IT_STAT;
		break;
	case sys_reg(3, 3, 14, 0, 2):		/* KVM_REG_ARM_TIMER_CVAL */
		*val = v->sys[KL_CNTV_CVAL];
		break;
	default:				/* KVM_REG_ARM_TIMER_CNT */
		*val = kl_read_cntvct(v);
		break;
	}
	return 0;
}

static int kl_set_vtimer(struct kl_vcpu *v, const struct kl_sysreg_desc *d,
			 u64 val)
{
	switch (d->enc) {
	case sys_reg(3, 3, 14, 3, 1):
		v->sys[KL_CNTV_CTL] = val & ~ARCH_TIMER_CTRL_IT_STAT;
		break;
	case sys_reg(3, 3, 14, 0, 2):
		v->sys[KL_CNTV_CVAL] = val;
		break;
	default:
		v->cntvoff = read_sysreg(cntpct_el0) - val;
		break;
	}
	return 0;
}

/* --- the table ----------------------------------------------------------- */

#define R(op0, op1, crn, crm, op2)	sys_reg(op0, op1, crn, crm, op2)

/* A register of ->sys[], for userspace and the guest. */
#define SR(enc, i)		{ enc, KL_SR_USER, i, NULL, NULL, NULL }
/* A register of ->sys[] that only userspace reaches (AArch32, EL2). */
#define SR_USER(enc, i)		{ enc, KL_SR_USER | KL_SR_NOGUEST, i, NULL, NULL, NULL }
/* A guest-only register with an access function. */
#define SR_GUEST(enc, fn)	{ enc, 0, KL_NOSTORE, fn, NULL, NULL }
#define SR_GUEST_RO(enc, fn)	{ enc, KL_SR_RO, KL_NOSTORE, fn, NULL, NULL }

#define ID_REG(crm, op2) \
	{ R(3, 0, 0, crm, op2), KL_SR_USER | KL_SR_RO, KL_NOSTORE, \
	  kl_acc_idreg, kl_get_idreg, kl_set_idreg }

#define INVARIANT(enc, acc) \
	{ enc, KL_SR_USER | KL_SR_RO, KL_NOSTORE, acc, kl_get_invariant, \
	  kl_set_invariant }
#define VTIMER(enc) \
	{ enc, KL_SR_USER | KL_SR_NOGUEST, KL_NOSTORE, NULL, kl_get_vtimer, \
	  kl_set_vtimer }

#define PAUTH_KEY(crm, op2, i) \
	{ R(3, 0, 2, crm, op2), KL_SR_USER | KL_SR_NOGUEST | KL_SR_PAUTH, i, \
	  NULL, NULL, NULL }

/* DBGBVR<n>, DBGBCR<n>, DBGWVR<n>, DBGWCR<n> are op2 4..7 of CRm n. */
static const struct kl_sysreg_desc kl_sysregs[] = {
	SR(R(2, 0, 0, 0, 4), KL_DBGBVR0 + 0),
	SR(R(2, 0, 0, 0, 5), KL_DBGBCR0 + 0),
	SR(R(2, 0, 0, 0, 6), KL_DBGWVR0 + 0),
	SR(R(2, 0, 0, 0, 7), KL_DBGWCR0 + 0),
	SR(R(2, 0, 0, 1, 4), KL_DBGBVR0 + 1),
	SR(R(2, 0, 0, 1, 5), KL_DBGBCR0 + 1),
	SR(R(2, 0, 0, 1, 6), KL_DBGWVR0 + 1),
	SR(R(2, 0, 0, 1, 7), KL_DBGWCR0 + 1),
	SR(R(2, 0, 0, 2, 0), KL_MDCCINT),
	SR(R(2, 0, 0, 2, 2), KL_MDSCR),
	SR(R(2, 0, 0, 2, 4), KL_DBGBVR0 + 2),
	SR(R(2, 0, 0, 2, 5), KL_DBGBCR0 + 2),
	SR(R(2, 0, 0, 2, 6), KL_DBGWVR0 + 2),
	SR(R(2, 0, 0, 2, 7), KL_DBGWCR0 + 2),
	SR(R(2, 0, 0, 3, 4), KL_DBGBVR0 + 3),
	SR(R(2, 0, 0, 3, 5), KL_DBGBCR0 + 3),
	SR(R(2, 0, 0, 3, 6), KL_DBGWVR0 + 3),
	SR(R(2, 0, 0, 3, 7), KL_DBGWCR0 + 3),
	SR(R(2, 0, 0, 4, 4), KL_DBGBVR0 + 4),
	SR(R(2, 0, 0, 4, 5), KL_DBGBCR0 + 4),
	SR(R(2, 0, 0, 4, 6), KL_DBGWVR0 + 4),
	SR(R(2, 0, 0, 4, 7), KL_DBGWCR0 + 4),
	SR(R(2, 0, 0, 5, 4), KL_DBGBVR0 + 5),
	SR(R(2, 0, 0, 5, 5), KL_DBGBCR0 + 5),
	SR(R(2, 0, 0, 5, 6), KL_DBGWVR0 + 5),
	SR(R(2, 0, 0, 5, 7), KL_DBGWCR0 + 5),
	SR(R(2, 0, 0, 6, 4), KL_DBGBVR0 + 6),
	SR(R(2, 0, 0, 6, 5), KL_DBGBCR0 + 6),
	SR(R(2, 0, 0, 6, 6), KL_DBGWVR0 + 6),
	SR(R(2, 0, 0, 6, 7), KL_DBGWCR0 + 6),
	SR(R(2, 0, 0, 7, 4), KL_DBGBVR0 + 7),
	SR(R(2, 0, 0, 7, 5), KL_DBGBCR0 + 7),
	SR(R(2, 0, 0, 7, 6), KL_DBGWVR0 + 7),
	SR(R(2, 0, 0, 7, 7), KL_DBGWCR0 + 7),
	SR(R(2, 0, 0, 8, 4), KL_DBGBVR0 + 8),
	SR(R(2, 0, 0, 8, 5), KL_DBGBCR0 + 8),
	SR(R(2, 0, 0, 8, 6), KL_DBGWVR0 + 8),
	SR(R(2, 0, 0, 8, 7), KL_DBGWCR0 + 8),
	SR(R(2, 0, 0, 9, 4), KL_DBGBVR0 + 9),
	SR(R(2, 0, 0, 9, 5), KL_DBGBCR0 + 9),
	SR(R(2, 0, 0, 9, 6), KL_DBGWVR0 + 9),
	SR(R(2, 0, 0, 9, 7), KL_DBGWCR0 + 9),
	SR(R(2, 0, 0, 10, 4), KL_DBGBVR0 + 10),
	SR(R(2, 0, 0, 10, 5), KL_DBGBCR0 + 10),
	SR(R(2, 0, 0, 10, 6), KL_DBGWVR0 + 10),
	SR(R(2, 0, 0, 10, 7), KL_DBGWCR0 + 10),
	SR(R(2, 0, 0, 11, 4), KL_DBGBVR0 + 11),
	SR(R(2, 0, 0, 11, 5), KL_DBGBCR0 + 11),
	SR(R(2, 0, 0, 11, 6), KL_DBGWVR0 + 11),
	SR(R(2, 0, 0, 11, 7), KL_DBGWCR0 + 11),
	SR(R(2, 0, 0, 12, 4), KL_DBGBVR0 + 12),
	SR(R(2, 0, 0, 12, 5), KL_DBGBCR0 + 12),
	SR(R(2, 0, 0, 12, 6), KL_DBGWVR0 + 12),
	SR(R(2, 0, 0, 12, 7), KL_DBGWCR0 + 12),
	SR(R(2, 0, 0, 13, 4), KL_DBGBVR0 + 13),
	SR(R(2, 0, 0, 13, 5), KL_DBGBCR0 + 13),
	SR(R(2, 0, 0, 13, 6), KL_DBGWVR0 + 13),
	SR(R(2, 0, 0, 13, 7), KL_DBGWCR0 + 13),
	SR(R(2, 0, 0, 14, 4), KL_DBGBVR0 + 14),
	SR(R(2, 0, 0, 14, 5), KL_DBGBCR0 + 14),
	SR(R(2, 0, 0, 14, 6), KL_DBGWVR0 + 14),
	SR(R(2, 0, 0, 14, 7), KL_DBGWCR0 + 14),
	SR(R(2, 0, 0, 15, 4), KL_DBGBVR0 + 15),
	SR(R(2, 0, 0, 15, 5), KL_DBGBCR0 + 15),
	SR(R(2, 0, 0, 15, 6), KL_DBGWVR0 + 15),
	SR(R(2, 0, 0, 15, 7), KL_DBGWCR0 + 15),
	SR_GUEST_RO(R(2, 0, 1, 0, 0), kl_acc_raz_wi),		/* MDRAR_EL1 */
	SR_GUEST(R(2, 0, 1, 0, 4), kl_acc_oslar),		/* OSLAR_EL1 */
	{ R(2, 0, 1, 1, 4), KL_SR_USER | KL_SR_RO, KL_OSLSR,	/* OSLSR_EL1 */
	  NULL, NULL, kl_set_oslsr },
	SR_GUEST(R(2, 0, 1, 3, 4), kl_acc_raz_wi),		/* OSDLR_EL1 */
	SR_GUEST(R(2, 0, 1, 4, 4), kl_acc_raz_wi),		/* DBGPRCR_EL1 */
	SR_GUEST(R(2, 0, 7, 8, 6), kl_acc_raz_wi),		/* DBGCLAIMSET_EL1 */
	SR_GUEST(R(2, 0, 7, 9, 6), kl_acc_raz_wi),		/* DBGCLAIMCLR_EL1 */
	SR_GUEST_RO(R(2, 0, 7, 14, 6), kl_acc_authstatus),	/* DBGAUTHSTATUS_EL1 */
	SR_GUEST_RO(R(2, 3, 0, 1, 0), kl_acc_raz_wi),		/* MDCCSR_EL0 */
	SR_GUEST(R(2, 3, 0, 4, 0), kl_acc_raz_wi),		/* DBGDTR_EL0 */
	SR_GUEST(R(2, 3, 0, 5, 0), kl_acc_raz_wi),		/* DBGDTR[TR]X_EL0 */
	SR_USER(R(2, 4, 0, 7, 0), KL_DBGVCR32),			/* DBGVCR32_EL2 */
	INVARIANT(R(3, 0, 0, 0, 0), NULL),			/* MIDR_EL1 */
	SR(R(3, 0, 0, 0, 5), KL_MPIDR),
	INVARIANT(R(3, 0, 0, 0, 6), kl_acc_revidr),		/* REVIDR_EL1 */
	ID_REG(1, 0), ID_REG(1, 1), ID_REG(1, 2), ID_REG(1, 3),
	ID_REG(1, 4), ID_REG(1, 5), ID_REG(1, 6), ID_REG(1, 7),
	ID_REG(2, 0), ID_REG(2, 1), ID_REG(2, 2), ID_REG(2, 3),
	ID_REG(2, 4), ID_REG(2, 5), ID_REG(2, 6), ID_REG(2, 7),
	ID_REG(3, 0), ID_REG(3, 1), ID_REG(3, 2), ID_REG(3, 3),
	ID_REG(3, 4), ID_REG(3, 5), ID_REG(3, 6), ID_REG(3, 7),
	ID_REG(4, 0), ID_REG(4, 1), ID_REG(4, 2), ID_REG(4, 3),
	ID_REG(4, 4), ID_REG(4, 5), ID_REG(4, 6), ID_REG(4, 7),
	ID_REG(5, 0), ID_REG(5, 1), ID_REG(5, 2), ID_REG(5, 3),
	ID_REG(5, 4), ID_REG(5, 5), ID_REG(5, 6), ID_REG(5, 7),
	ID_REG(6, 0), ID_REG(6, 1), ID_REG(6, 2), ID_REG(6, 3),
	ID_REG(6, 4), ID_REG(6, 5), ID_REG(6, 6), ID_REG(6, 7),
	ID_REG(7, 0), ID_REG(7, 1), ID_REG(7, 2), ID_REG(7, 3),
	ID_REG(7, 4), ID_REG(7, 5), ID_REG(7, 6), ID_REG(7, 7),
	SR(R(3, 0, 1, 0, 0), KL_SCTLR),
	SR(R(3, 0, 1, 0, 1), KL_ACTLR),
	SR(R(3, 0, 1, 0, 2), KL_CPACR),
	SR(R(3, 0, 2, 0, 0), KL_TTBR0),
	SR(R(3, 0, 2, 0, 1), KL_TTBR1),
	SR(R(3, 0, 2, 0, 2), KL_TCR),
	PAUTH_KEY(1, 0, 0), PAUTH_KEY(1, 1, 1),		/* APIAKEY{LO,HI}_EL1 */
	PAUTH_KEY(1, 2, 2), PAUTH_KEY(1, 3, 3),		/* APIBKEY */
	PAUTH_KEY(2, 0, 4), PAUTH_KEY(2, 1, 5),		/* APDAKEY */
	PAUTH_KEY(2, 2, 6), PAUTH_KEY(2, 3, 7),		/* APDBKEY */
	PAUTH_KEY(3, 0, 8), PAUTH_KEY(3, 1, 9),		/* APGAKEY */
	SR(R(3, 0, 5, 1, 0), KL_AFSR0),
	SR(R(3, 0, 5, 1, 1), KL_AFSR1),
	SR(R(3, 0, 5, 2, 0), KL_ESR),
	SR(R(3, 0, 6, 0, 0), KL_FAR),
	SR(R(3, 0, 7, 4, 0), KL_PAR),
	SR(R(3, 0, 10, 2, 0), KL_MAIR),
	SR(R(3, 0, 10, 3, 0), KL_AMAIR),
	SR(R(3, 0, 12, 0, 0), KL_VBAR),
	SR(R(3, 0, 12, 1, 1), KL_DISR),
	SR_GUEST(R(3, 0, 12, 11, 5), kl_acc_sgi),		/* ICC_SGI1R_EL1 */
	SR_GUEST(R(3, 0, 12, 11, 6), kl_acc_sgi),		/* ICC_ASGI1R_EL1 */
	SR_GUEST(R(3, 0, 12, 11, 7), kl_acc_sgi),		/* ICC_SGI0R_EL1 */
	SR(R(3, 0, 13, 0, 1), KL_CONTEXTIDR),
	SR(R(3, 0, 13, 0, 4), KL_TPIDR_EL1),
	SR(R(3, 0, 14, 1, 0), KL_CNTKCTL),
	SR_GUEST_RO(R(3, 1, 0, 0, 0), kl_acc_ccsidr),		/* CCSIDR_EL1 */
	{ R(3, 1, 0, 0, 1), KL_SR_USER | KL_SR_RO, KL_CLIDR,	/* CLIDR_EL1 */
	  NULL, NULL, kl_set_clidr },
	INVARIANT(R(3, 1, 0, 0, 7), kl_acc_aidr),		/* AIDR_EL1 */
	SR(R(3, 2, 0, 0, 0), KL_CSSELR),
	{ R(3, 3, 0, 0, 1), KL_SR_USER | KL_SR_RO, KL_NOSTORE,	/* CTR_EL0 */
	  kl_acc_idreg, kl_get_idreg, kl_set_idreg },
	SR(R(3, 3, 13, 0, 2), KL_TPIDR_EL0),
	SR(R(3, 3, 13, 0, 3), KL_TPIDRRO_EL0),
	{ R(3, 3, 14, 0, 1), KL_SR_USER | KL_SR_RO, KL_NOSTORE,	/* CNTPCT_EL0 */
	  kl_acc_cntpct, kl_get_cntpct, kl_set_cntpct },
	VTIMER(R(3, 3, 14, 0, 2)),			/* KVM_REG_ARM_TIMER_CVAL */
	SR_GUEST(R(3, 3, 14, 2, 0), kl_acc_cntp_tval),		/* CNTP_TVAL_EL0 */
	{ R(3, 3, 14, 2, 1), KL_SR_USER, KL_NOSTORE,		/* CNTP_CTL_EL0 */
	  kl_acc_cntp_ctl, kl_get_cntp_ctl, kl_set_cntp_ctl },
	SR(R(3, 3, 14, 2, 2), KL_CNTP_CVAL),			/* CNTP_CVAL_EL0 */
	VTIMER(R(3, 3, 14, 3, 1)),			/* KVM_REG_ARM_TIMER_CTL */
	VTIMER(R(3, 3, 14, 3, 2)),			/* KVM_REG_ARM_TIMER_CNT */
	SR_USER(R(3, 4, 3, 0, 0), KL_DACR32),			/* DACR32_EL2 */
	SR_USER(R(3, 4, 5, 0, 1), KL_IFSR32),			/* IFSR32_EL2 */
	SR_USER(R(3, 4, 5, 3, 0), KL_FPEXC32),			/* FPEXC32_EL2 */
};

static int kl_sysreg_cmp(const void *key, const void *elt)
{
	u32 enc = *(const u32 *)key;
	const struct kl_sysreg_desc *d = elt;

	if (enc == d->enc)
		return 0;
	return enc < d->enc ? -1 : 1;
}

static const struct kl_sysreg_desc *kl_find_sysreg(u32 enc)
{
	return bsearch(&enc, kl_sysregs, ARRAY_SIZE(kl_sysregs),
		       sizeof(kl_sysregs[0]), kl_sysreg_cmp);
}

/* The table must be sorted and its storage indices valid. */
int kl_sysregs_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kl_sysregs); i++) {
		if ((i && kl_sysregs[i - 1].enc >= kl_sysregs[i].enc) ||
		    (kl_sysregs[i].idx != KL_NOSTORE &&
		     kl_sysregs[i].idx >= KL_NR_SYSREGS)) {
			pr_err("kvmlite: system register table entry %u is bad\n", i);
			return -EINVAL;
		}
	}
	return 0;
}

/* The reset values KVM gives the registers kvmlite keeps. */
void kl_sysregs_reset(struct kl_vcpu *v)
{
	v->sys[KL_OSLSR] = BIT(3);	/* OSLM: the OS lock is implemented */
	v->sys[KL_ACTLR] = read_sysreg(actlr_el1);
	v->sys[KL_CLIDR] = kl_fabricate_clidr(read_sanitised_ftr_reg(SYS_CTR_EL0));
}

/*
 * A trapped MSR/MRS of the guest (ESR_ELx_EC_SYS64). Returns 1: the guest
 * goes on, past the instruction or at its UNDEF vector.
 */
int kl_handle_sysreg(struct kl_vcpu *v)
{
	u64 esr = v->gp.esr;
	u32 enc = sys_reg((esr >> 20) & 3, (esr >> 14) & 7, (esr >> 10) & 0xf,
			  (esr >> 1) & 0xf, (esr >> 17) & 7);
	unsigned int rt = (esr >> 5) & 0x1f;
	const struct kl_sysreg_desc *d = kl_find_sysreg(enc);
	struct kl_sr_access p = { .write = !(esr & 1) };

	if (!d || (d->flags & KL_SR_NOGUEST) ||
	    (p.write && (d->flags & KL_SR_RO)) ||
	    (!d->access && d->idx == KL_NOSTORE)) {
		kl_inject_undef(v);
		return 1;
	}
	if (p.write)
		p.val = kl_get_reg(v, rt);
	if (d->access)
		d->access(v, d, &p);
	else if (p.write)
		v->sys[d->idx] = p.val;
	else
		p.val = v->sys[d->idx];
	if (p.undef) {
		kl_inject_undef(v);
		return 1;
	}
	if (!p.write)
		kl_set_reg(v, rt, p.val);
	v->gp.pc += 4;
	return 1;
}

/* --- KVM_GET/SET_ONE_REG, KVM_GET_REG_LIST ------------------------------ */

static bool kl_reg_is_arm64(u64 id)
{
	return ((id & ~KVM_REG_SIZE_MASK) >> 32) == (KVM_REG_ARM64 >> 32);
}

/* Whether userspace sees @d on @v (KVM's visibility). */
static bool kl_sysreg_visible(const struct kl_vcpu *v,
			      const struct kl_sysreg_desc *d)
{
	return (d->flags & KL_SR_USER) &&
	       (!(d->flags & KL_SR_PAUTH) || v->has_pauth);
}

/* The table entry of a KVM_REG_ARM64_SYSREG id, as index_to_params(). */
static const struct kl_sysreg_desc *kl_user_sysreg(const struct kl_vcpu *v,
						   u64 id)
{
	const struct kl_sysreg_desc *d;
	u32 enc;

	if (id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK |
		   KVM_REG_ARM_COPROC_MASK | KVM_REG_ARM64_SYSREG_OP0_MASK |
		   KVM_REG_ARM64_SYSREG_OP1_MASK | KVM_REG_ARM64_SYSREG_CRN_MASK |
		   KVM_REG_ARM64_SYSREG_CRM_MASK | KVM_REG_ARM64_SYSREG_OP2_MASK))
		return NULL;
	enc = sys_reg((id & KVM_REG_ARM64_SYSREG_OP0_MASK) >> KVM_REG_ARM64_SYSREG_OP0_SHIFT,
		      (id & KVM_REG_ARM64_SYSREG_OP1_MASK) >> KVM_REG_ARM64_SYSREG_OP1_SHIFT,
		      (id & KVM_REG_ARM64_SYSREG_CRN_MASK) >> KVM_REG_ARM64_SYSREG_CRN_SHIFT,
		      (id & KVM_REG_ARM64_SYSREG_CRM_MASK) >> KVM_REG_ARM64_SYSREG_CRM_SHIFT,
		      (id & KVM_REG_ARM64_SYSREG_OP2_MASK) >> KVM_REG_ARM64_SYSREG_OP2_SHIFT);
	d = kl_find_sysreg(enc);
	return d && kl_sysreg_visible(v, d) ? d : NULL;
}

/* CCSIDR through KVM_REG_ARM_DEMUX, as demux_c15_get(). */
static int kl_demux_csselr(u64 id)
{
	u32 val;

	if (id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK |
		   KVM_REG_ARM_COPROC_MASK | ((1 << KVM_REG_ARM_COPROC_SHIFT) - 1)))
		return -ENOENT;
	if ((id & KVM_REG_ARM_DEMUX_ID_MASK) != KVM_REG_ARM_DEMUX_ID_CCSIDR ||
	    KVM_REG_SIZE(id) != sizeof(u32))
		return -ENOENT;
	val = (id & KVM_REG_ARM_DEMUX_VAL_MASK) >> KVM_REG_ARM_DEMUX_VAL_SHIFT;
	return val < KL_CSSELR_MAX ? val : -ENOENT;
}

static int kl_sysreg_get(struct kl_vcpu *v, u64 id, u64 *val)
{
	const struct kl_sysreg_desc *d;

	switch (id & KVM_REG_ARM_COPROC_MASK) {
	case KVM_REG_ARM_FW:
	case KVM_REG_ARM_FW_FEAT_BMAP:
		return kl_fw_reg_get(v, id, val);
	case KVM_REG_ARM64_SYSREG:
		break;
	default:
		return -ENOENT;
	}
	d = kl_user_sysreg(v, id);
	if (!d)
		return -ENOENT;
	if (d->get)
		return d->get(v, d, val);
	*val = d->flags & KL_SR_PAUTH ? v->keys.guest[d->idx] : v->sys[d->idx];
	return 0;
}

static int kl_sysreg_set(struct kl_vcpu *v, u64 id, u64 val)
{
	const struct kl_sysreg_desc *d;

	switch (id & KVM_REG_ARM_COPROC_MASK) {
	case KVM_REG_ARM_FW:
	case KVM_REG_ARM_FW_FEAT_BMAP:
		return kl_fw_reg_set(v, id, val);
	case KVM_REG_ARM64_SYSREG:
		break;
	default:
		return -ENOENT;
	}
	d = kl_user_sysreg(v, id);
	if (!d)
		return -ENOENT;
	if (d->set)
		return d->set(v, d, val);
	if (d->flags & KL_SR_PAUTH)
		v->keys.guest[d->idx] = val;
	else
		v->sys[d->idx] = val;
	return 0;
}

int kl_get_one_reg(struct kl_vcpu *v, const struct kvm_one_reg *reg)
{
	u64 val;
	int r;

	if (!kl_reg_is_arm64(reg->id))
		return -EINVAL;
	switch (reg->id & KVM_REG_ARM_COPROC_MASK) {
	case KVM_REG_ARM_CORE:
		return kl_get_core_reg(v, reg);
	case KVM_REG_ARM_DEMUX:
		r = kl_demux_csselr(reg->id);
		if (r < 0)
			return r;
		return put_user(kl_ccsidr(v, r),
				(u32 __user *)u64_to_user_ptr(reg->addr));
	}
	if (KVM_REG_SIZE(reg->id) != sizeof(u64))
		return -ENOENT;
	r = kl_sysreg_get(v, reg->id, &val);
	if (r)
		return r;
	if (put_user(val, (u64 __user *)u64_to_user_ptr(reg->addr)))
		return -EFAULT;
	return 0;
}

int kl_set_one_reg(struct kl_vcpu *v, const struct kvm_one_reg *reg)
{
	u32 val32;
	u64 val;
	int r;

	if (!kl_reg_is_arm64(reg->id))
		return -EINVAL;
	switch (reg->id & KVM_REG_ARM_COPROC_MASK) {
	case KVM_REG_ARM_CORE:
		return kl_set_core_reg(v, reg);
	case KVM_REG_ARM_DEMUX:
		r = kl_demux_csselr(reg->id);
		if (r < 0)
			return r;
		if (get_user(val32, (u32 __user *)u64_to_user_ptr(reg->addr)))
			return -EFAULT;
		/* kvmlite keeps KVM's fabricated geometry. */
		return val32 == kl_ccsidr(v, r) ? 0 : -EINVAL;
	}
	if (KVM_REG_SIZE(reg->id) != sizeof(u64))
		return -ENOENT;
	if (get_user(val, (u64 __user *)u64_to_user_ptr(reg->addr)))
		return -EFAULT;
	return kl_sysreg_set(v, reg->id, val);
}

static u64 kl_sysreg_index(u32 enc)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG |
	       ((u64)KL_ENC_OP0(enc) << KVM_REG_ARM64_SYSREG_OP0_SHIFT) |
	       ((u64)KL_ENC_OP1(enc) << KVM_REG_ARM64_SYSREG_OP1_SHIFT) |
	       ((u64)KL_ENC_CRN(enc) << KVM_REG_ARM64_SYSREG_CRN_SHIFT) |
	       ((u64)KL_ENC_CRM(enc) << KVM_REG_ARM64_SYSREG_CRM_SHIFT) |
	       ((u64)KL_ENC_OP2(enc) << KVM_REG_ARM64_SYSREG_OP2_SHIFT);
}

/* The ids of KVM_GET_REG_LIST, in KVM's order; @out NULL just counts. */
static unsigned int kl_reg_ids(const struct kl_vcpu *v, u64 *out)
{
	unsigned int i, n;

	n = kl_core_reg_ids(out);
	n += kl_fw_reg_ids(out ? out + n : NULL);
	for (i = 0; i < ARRAY_SIZE(kl_sysregs); i++) {
		if (!kl_sysreg_visible(v, &kl_sysregs[i]))
			continue;
		if (out)
			out[n] = kl_sysreg_index(kl_sysregs[i].enc);
		n++;
	}
	for (i = 0; i < KL_CSSELR_MAX; i++) {
		if (out)
			out[n] = KVM_REG_ARM64 | KVM_REG_SIZE_U32 |
				 KVM_REG_ARM_DEMUX | KVM_REG_ARM_DEMUX_ID_CCSIDR | i;
		n++;
	}
	return n;
}

int kl_get_reg_list(struct kl_vcpu *v, struct kvm_reg_list __user *ulist)
{
	struct kvm_reg_list list;
	unsigned int n, total;
	u64 *ids;
	int r = 0;

	if (copy_from_user(&list, ulist, sizeof(list)))
		return -EFAULT;
	n = list.n;
	total = kl_reg_ids(v, NULL);
	list.n = total;
	if (copy_to_user(ulist, &list, sizeof(list)))
		return -EFAULT;
	if (n < total)
		return -E2BIG;

	ids = kcalloc(total, sizeof(*ids), GFP_KERNEL);
	if (!ids)
		return -ENOMEM;
	kl_reg_ids(v, ids);
	if (copy_to_user(ulist->reg, ids, total * sizeof(*ids)))
		r = -EFAULT;
	kfree(ids);
	return r;
}
