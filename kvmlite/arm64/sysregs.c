// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: KVM_GET_ONE_REG, KVM_SET_ONE_REG, KVM_GET_REG_LIST.
 *
 * Register ids and errnos are those of arch/arm64/kvm/guest.c and sys_regs.c:
 * core registers are indexed by their offset in struct kvm_regs (-ENOENT
 * beyond it, -EINVAL for a wrong size), system registers by their encoding
 * (-ENOENT if unknown or not 64-bit), anything not of arm64 is -EINVAL.
 */
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/arch_timer.h>
#include <asm/cputype.h>
#include <asm/kvm_arm.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>

#include "arm64.h"

#define KL_SYSREG_ID(op0, op1, crn, crm, op2)	ARM64_SYS_REG(op0, op1, crn, crm, op2)

enum kl_reg_kind {
	KL_REG_SYS,	/* guest register in ->sys[] */
	KL_REG_ID,	/* read-only identification register of the host */
};

struct kl_sysreg_desc {
	u64 id;
	enum kl_reg_kind kind;
	unsigned int idx;
};

#define SYS(op0, op1, crn, crm, op2, i) \
	{ KL_SYSREG_ID(op0, op1, crn, crm, op2), KL_REG_SYS, i }
#define IDR(op0, op1, crn, crm, op2) \
	{ KL_SYSREG_ID(op0, op1, crn, crm, op2), KL_REG_ID, 0 }

static const struct kl_sysreg_desc kl_sysregs[] = {
	SYS(2, 0, 0, 2, 2, KL_MDSCR),
	IDR(3, 0, 0, 0, 0),			/* MIDR_EL1 */
	SYS(3, 0, 0, 0, 5, KL_MPIDR),
	IDR(3, 0, 0, 4, 0),			/* ID_AA64PFR0_EL1 */
	IDR(3, 0, 0, 4, 1),			/* ID_AA64PFR1_EL1 */
	IDR(3, 0, 0, 5, 0),			/* ID_AA64DFR0_EL1 */
	IDR(3, 0, 0, 6, 0),			/* ID_AA64ISAR0_EL1 */
	IDR(3, 0, 0, 6, 1),			/* ID_AA64ISAR1_EL1 */
	IDR(3, 0, 0, 7, 0),			/* ID_AA64MMFR0_EL1 */
	IDR(3, 0, 0, 7, 1),			/* ID_AA64MMFR1_EL1 */
	IDR(3, 0, 0, 7, 2),			/* ID_AA64MMFR2_EL1 */
	SYS(3, 0, 1, 0, 0, KL_SCTLR),
	SYS(3, 0, 1, 0, 2, KL_CPACR),
	SYS(3, 0, 2, 0, 0, KL_TTBR0),
	SYS(3, 0, 2, 0, 1, KL_TTBR1),
	SYS(3, 0, 2, 0, 2, KL_TCR),
	SYS(3, 0, 5, 1, 0, KL_AFSR0),
	SYS(3, 0, 5, 1, 1, KL_AFSR1),
	SYS(3, 0, 5, 2, 0, KL_ESR),
	SYS(3, 0, 6, 0, 0, KL_FAR),
	SYS(3, 0, 7, 4, 0, KL_PAR),
	SYS(3, 0, 10, 2, 0, KL_MAIR),
	SYS(3, 0, 10, 3, 0, KL_AMAIR),
	SYS(3, 0, 12, 0, 0, KL_VBAR),
	SYS(3, 0, 13, 0, 1, KL_CONTEXTIDR),
	SYS(3, 0, 13, 0, 4, KL_TPIDR_EL1),
	SYS(3, 0, 14, 1, 0, KL_CNTKCTL),
	SYS(3, 2, 0, 0, 0, KL_CSSELR),
	SYS(3, 3, 13, 0, 2, KL_TPIDR_EL0),
	SYS(3, 3, 13, 0, 3, KL_TPIDRRO_EL0),
};

/* The virtual timer and the PSCI version, as KVM names them. */
static const u64 kl_special_regs[] = {
	KVM_REG_ARM_TIMER_CTL,
	KVM_REG_ARM_TIMER_CVAL,
	KVM_REG_ARM_TIMER_CNT,
	KVM_REG_ARM_PSCI_VERSION,
};

static u64 kl_read_id_reg(u64 id)
{
	switch (id) {
	case KL_SYSREG_ID(3, 0, 0, 0, 0):
		return read_cpuid_id();
	case KL_SYSREG_ID(3, 0, 0, 4, 0):
		return read_sysreg_s(SYS_ID_AA64PFR0_EL1);
	case KL_SYSREG_ID(3, 0, 0, 4, 1):
		return read_sysreg_s(SYS_ID_AA64PFR1_EL1);
	case KL_SYSREG_ID(3, 0, 0, 5, 0):
		return read_sysreg_s(SYS_ID_AA64DFR0_EL1);
	case KL_SYSREG_ID(3, 0, 0, 6, 0):
		return read_sysreg_s(SYS_ID_AA64ISAR0_EL1);
	case KL_SYSREG_ID(3, 0, 0, 6, 1):
		return read_sysreg_s(SYS_ID_AA64ISAR1_EL1);
	case KL_SYSREG_ID(3, 0, 0, 7, 0):
		return read_sysreg_s(SYS_ID_AA64MMFR0_EL1);
	case KL_SYSREG_ID(3, 0, 0, 7, 1):
		return read_sysreg_s(SYS_ID_AA64MMFR1_EL1);
	case KL_SYSREG_ID(3, 0, 0, 7, 2):
		return read_sysreg_s(SYS_ID_AA64MMFR2_EL1);
	default:
		return 0;
	}
}

u64 kl_read_cntvct(struct kl_vcpu *v)
{
	return read_sysreg(cntpct_el0) - v->cntvoff;
}

/* Size in bytes of the core register at 32-bit index @off, or -EINVAL. */
static int kl_core_reg_size(u64 off)
{
	int size;

	switch (off) {
	case KVM_REG_ARM_CORE_REG(regs.regs[0]) ...
	     KVM_REG_ARM_CORE_REG(regs.regs[30]):
	case KVM_REG_ARM_CORE_REG(regs.sp):
	case KVM_REG_ARM_CORE_REG(regs.pc):
	case KVM_REG_ARM_CORE_REG(regs.pstate):
	case KVM_REG_ARM_CORE_REG(sp_el1):
	case KVM_REG_ARM_CORE_REG(elr_el1):
	case KVM_REG_ARM_CORE_REG(spsr[0]) ...
	     KVM_REG_ARM_CORE_REG(spsr[KVM_NR_SPSR - 1]):
		size = sizeof(__u64);
		break;
	case KVM_REG_ARM_CORE_REG(fp_regs.vregs[0]) ...
	     KVM_REG_ARM_CORE_REG(fp_regs.vregs[31]):
		size = sizeof(__uint128_t);
		break;
	case KVM_REG_ARM_CORE_REG(fp_regs.fpsr):
	case KVM_REG_ARM_CORE_REG(fp_regs.fpcr):
		size = sizeof(__u32);
		break;
	default:
		return -EINVAL;
	}
	if (!IS_ALIGNED(off, size / sizeof(__u32)))
		return -EINVAL;
	return size;
}

static void *kl_core_reg_addr(struct kl_vcpu *v, u64 id)
{
	u64 off = id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK | KVM_REG_ARM_CORE);
	int size = kl_core_reg_size(off);

	if (size < 0 || KVM_REG_SIZE(id) != size)
		return NULL;

	switch (off) {
	case KVM_REG_ARM_CORE_REG(regs.regs[0]) ...
	     KVM_REG_ARM_CORE_REG(regs.regs[30]):
		return &v->gp.regs[(off - KVM_REG_ARM_CORE_REG(regs.regs[0])) / 2];
	case KVM_REG_ARM_CORE_REG(regs.sp):
		return &v->gp.sp_el0;
	case KVM_REG_ARM_CORE_REG(regs.pc):
		return &v->gp.pc;
	case KVM_REG_ARM_CORE_REG(regs.pstate):
		return &v->gp.pstate;
	case KVM_REG_ARM_CORE_REG(sp_el1):
		return &v->sys[KL_SP_EL1];
	case KVM_REG_ARM_CORE_REG(elr_el1):
		return &v->sys[KL_ELR];
	case KVM_REG_ARM_CORE_REG(spsr[KVM_SPSR_EL1]):
		return &v->sys[KL_SPSR];
	case KVM_REG_ARM_CORE_REG(spsr[1]) ...
	     KVM_REG_ARM_CORE_REG(spsr[KVM_NR_SPSR - 1]):
		return &v->spsr32[(off - KVM_REG_ARM_CORE_REG(spsr[1])) / 2];
	case KVM_REG_ARM_CORE_REG(fp_regs.vregs[0]) ...
	     KVM_REG_ARM_CORE_REG(fp_regs.vregs[31]):
		return &v->fp.vregs[(off - KVM_REG_ARM_CORE_REG(fp_regs.vregs[0])) / 4];
	case KVM_REG_ARM_CORE_REG(fp_regs.fpsr):
		return &v->fp.fpsr;
	case KVM_REG_ARM_CORE_REG(fp_regs.fpcr):
		return &v->fp.fpcr;
	default:
		return NULL;
	}
}

static int kl_core_reg_check(const struct kvm_one_reg *reg)
{
	u64 off = reg->id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK |
			      KVM_REG_ARM_CORE);
	u64 nr = sizeof(struct kvm_regs) / sizeof(__u32);

	if (off >= nr || off + KVM_REG_SIZE(reg->id) / sizeof(__u32) >= nr)
		return -ENOENT;
	return 0;
}

static int kl_get_core_reg(struct kl_vcpu *v, const struct kvm_one_reg *reg)
{
	void __user *uaddr = u64_to_user_ptr(reg->addr);
	void *addr;
	int r;

	r = kl_core_reg_check(reg);
	if (r)
		return r;
	addr = kl_core_reg_addr(v, reg->id);
	if (!addr)
		return -EINVAL;
	if (copy_to_user(uaddr, addr, KVM_REG_SIZE(reg->id)))
		return -EFAULT;
	return 0;
}

static int kl_set_core_reg(struct kl_vcpu *v, const struct kvm_one_reg *reg)
{
	void __user *uaddr = u64_to_user_ptr(reg->addr);
	u64 off = reg->id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK |
			      KVM_REG_ARM_CORE);
	__uint128_t tmp;
	void *addr;
	int r;

	r = kl_core_reg_check(reg);
	if (r)
		return r;
	addr = kl_core_reg_addr(v, reg->id);
	if (!addr)
		return -EINVAL;
	if (copy_from_user(&tmp, uaddr, KVM_REG_SIZE(reg->id)))
		return -EFAULT;
	if (off == KVM_REG_ARM_CORE_REG(regs.pstate)) {
		/* AArch64 EL0 and EL1 only: no 32-bit EL1, no nested EL2. */
		switch (*(u64 *)&tmp & PSR_AA32_MODE_MASK) {
		case PSR_MODE_EL0t:
		case PSR_MODE_EL1t:
		case PSR_MODE_EL1h:
			break;
		default:
			return -EINVAL;
		}
	}
	memcpy(addr, &tmp, KVM_REG_SIZE(reg->id));
	return 0;
}

static const struct kl_sysreg_desc *kl_find_sysreg(u64 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kl_sysregs); i++)
		if (kl_sysregs[i].id == id)
			return &kl_sysregs[i];
	return NULL;
}

static u64 kl_timer_ctl(struct kl_vcpu *v)
{
	u64 ctl = v->sys[KL_CNTV_CTL] & ~ARCH_TIMER_CTRL_IT_STAT;

	/* As KVM's read_timer_ctl(): ISTATUS once expired, even if disabled. */
	if (kl_read_cntvct(v) >= v->sys[KL_CNTV_CVAL])
		ctl |= ARCH_TIMER_CTRL_IT_STAT;
	return ctl;
}

/* Value of a system, timer or firmware register; -ENOENT if unknown. */
static int kl_sysreg_get(struct kl_vcpu *v, u64 id, u64 *val)
{
	const struct kl_sysreg_desc *d;

	switch (id) {
	case KVM_REG_ARM_TIMER_CTL:
		*val = kl_timer_ctl(v);
		return 0;
	case KVM_REG_ARM_TIMER_CVAL:
		*val = v->sys[KL_CNTV_CVAL];
		return 0;
	case KVM_REG_ARM_TIMER_CNT:
		*val = kl_read_cntvct(v);
		return 0;
	case KVM_REG_ARM_PSCI_VERSION:
		*val = v->psci_version;
		return 0;
	}
	d = kl_find_sysreg(id);
	if (!d)
		return -ENOENT;
	*val = d->kind == KL_REG_ID ? kl_read_id_reg(id) : v->sys[d->idx];
	return 0;
}

static int kl_sysreg_set(struct kl_vcpu *v, u64 id, u64 val)
{
	const struct kl_sysreg_desc *d;

	switch (id) {
	case KVM_REG_ARM_TIMER_CTL:
		v->sys[KL_CNTV_CTL] = val & ~ARCH_TIMER_CTRL_IT_STAT;
		return 0;
	case KVM_REG_ARM_TIMER_CVAL:
		v->sys[KL_CNTV_CVAL] = val;
		return 0;
	case KVM_REG_ARM_TIMER_CNT:
		v->cntvoff = read_sysreg(cntpct_el0) - val;
		return 0;
	case KVM_REG_ARM_PSCI_VERSION:
		/* The versions KVM accepts for a PSCI 0.2 vCPU. */
		if (val != 0x2 && val != 0x10000 && val != 0x10001)
			return -EINVAL;
		v->psci_version = val;
		return 0;
	}
	d = kl_find_sysreg(id);
	if (!d)
		return -ENOENT;
	if (d->kind == KL_REG_ID)
		/* Identification registers can only be "set" to what they are. */
		return val == kl_read_id_reg(id) ? 0 : -EINVAL;
	v->sys[d->idx] = val;
	return 0;
}

static bool kl_reg_is_arm64(u64 id)
{
	return ((id & ~KVM_REG_SIZE_MASK) >> 32) == (KVM_REG_ARM64 >> 32);
}

int kl_get_one_reg(struct kl_vcpu *v, const struct kvm_one_reg *reg)
{
	u64 val;
	int r;

	if (!kl_reg_is_arm64(reg->id))
		return -EINVAL;
	if ((reg->id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM_CORE)
		return kl_get_core_reg(v, reg);
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
	u64 val;

	if (!kl_reg_is_arm64(reg->id))
		return -EINVAL;
	if ((reg->id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM_CORE)
		return kl_set_core_reg(v, reg);
	if (KVM_REG_SIZE(reg->id) != sizeof(u64))
		return -ENOENT;
	if (get_user(val, (u64 __user *)u64_to_user_ptr(reg->addr)))
		return -EFAULT;
	return kl_sysreg_set(v, reg->id, val);
}

/* Core register ids, as copy_core_reg_indices(); @out NULL just counts. */
static unsigned int kl_core_reg_ids(u64 *out)
{
	unsigned int i, n = 0;
	int size;
	u64 id;

	for (i = 0; i < sizeof(struct kvm_regs) / sizeof(__u32); i++) {
		size = kl_core_reg_size(i);
		if (size < 0)
			continue;
		id = KVM_REG_ARM64 | KVM_REG_ARM_CORE | i;
		switch (size) {
		case sizeof(__u32):
			id |= KVM_REG_SIZE_U32;
			break;
		case sizeof(__u64):
			id |= KVM_REG_SIZE_U64;
			break;
		default:
			id |= KVM_REG_SIZE_U128;
			break;
		}
		if (out)
			out[n] = id;
		n++;
	}
	return n;
}

int kl_get_reg_list(struct kl_vcpu *v, struct kvm_reg_list __user *ulist)
{
	struct kvm_reg_list list;
	unsigned int i, n, total;
	u64 *ids;
	int r = 0;

	if (copy_from_user(&list, ulist, sizeof(list)))
		return -EFAULT;
	n = list.n;
	total = kl_core_reg_ids(NULL) + ARRAY_SIZE(kl_sysregs) +
		ARRAY_SIZE(kl_special_regs);
	list.n = total;
	if (copy_to_user(ulist, &list, sizeof(list)))
		return -EFAULT;
	if (n < total)
		return -E2BIG;

	ids = kcalloc(total, sizeof(*ids), GFP_KERNEL);
	if (!ids)
		return -ENOMEM;
	n = kl_core_reg_ids(ids);
	for (i = 0; i < ARRAY_SIZE(kl_sysregs); i++)
		ids[n++] = kl_sysregs[i].id;
	for (i = 0; i < ARRAY_SIZE(kl_special_regs); i++)
		ids[n++] = kl_special_regs[i];
	if (copy_to_user(ulist->reg, ids, total * sizeof(*ids)))
		r = -EFAULT;
	kfree(ids);
	return r;
}
