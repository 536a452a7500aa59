// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: the core registers of KVM_GET/SET_ONE_REG, indexed
 * by their offset in struct kvm_regs as arch/arm64/kvm/guest.c does (-ENOENT
 * beyond it, -EINVAL for a wrong size or a hole).
 */
#include <linux/kvm.h>
#include <linux/uaccess.h>
#include <asm/ptrace.h>

#include "arm64.h"

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

int kl_get_core_reg(struct kl_vcpu *v, const struct kvm_one_reg *reg)
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

int kl_set_core_reg(struct kl_vcpu *v, const struct kvm_one_reg *reg)
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

/* Core register ids, as copy_core_reg_indices(); @out NULL just counts. */
unsigned int kl_core_reg_ids(u64 *out)
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
