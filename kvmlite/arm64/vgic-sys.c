// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: the vGICv3 CPU interface registers as userspace
 * reads and writes them (KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, KVM's
 * vgic-sys-reg-v3.c): ICC_PMR, BPR0/1, AP0R/AP1R<n>, CTLR, SRE, IGRPEN0/1,
 * kept in the vCPU's ICH_VMCR_EL2 and ICH_AP*R_EL2 images.
 */
#include <linux/bitfield.h>
#include <linux/kvm.h>
#include <linux/irqchip/arm-gic-v3.h>
#include <linux/uaccess.h>

#include "arm64.h"

/* ICH_VMCR_EL2 fields. */
#define KL_VMCR_ENG0		BIT_ULL(0)
#define KL_VMCR_ENG1		BIT_ULL(1)
#define KL_VMCR_CBPR		BIT_ULL(4)
#define KL_VMCR_EOIM		BIT_ULL(9)
#define KL_VMCR_BPR1		GENMASK_ULL(20, 18)
#define KL_VMCR_BPR0		GENMASK_ULL(23, 21)
#define KL_VMCR_PMR		GENMASK_ULL(31, 24)

/* ICC_CTLR_EL1.EOImode. */
#define KL_CTLR_EOIMODE		BIT(1)

/* ICH_VTR_EL2 fields. */
#define KL_VTR_IDBITS		GENMASK_ULL(25, 23)
#define KL_VTR_SEIS		BIT_ULL(22)
#define KL_VTR_A3V		BIT_ULL(21)

/* The registers, by their KVM_DEV_ARM_VGIC_SYSREG encoding. */
#define KL_ICC(crn, crm, op2)	(((3) << 14) | ((crn) << 7) | ((crm) << 3) | (op2))
#define KL_ICC_PMR		KL_ICC(4, 6, 0)
#define KL_ICC_BPR0		KL_ICC(12, 8, 3)
#define KL_ICC_AP0R0		KL_ICC(12, 8, 4)
#define KL_ICC_AP1R0		KL_ICC(12, 9, 0)
#define KL_ICC_BPR1		KL_ICC(12, 12, 3)
#define KL_ICC_CTLR		KL_ICC(12, 12, 4)
#define KL_ICC_SRE		KL_ICC(12, 12, 5)
#define KL_ICC_IGRPEN0		KL_ICC(12, 12, 6)
#define KL_ICC_IGRPEN1		KL_ICC(12, 12, 7)

static unsigned int kl_nr_aprs_sys(void)
{
	return 1U << (kl_vgic_pri_bits() - 5);
}

static bool kl_is_apr(u32 reg, u32 first)
{
	return reg >= first && reg < first + kl_nr_aprs_sys();
}

int kl_vgic_has_sysreg(const struct kvm_device_attr *attr)
{
	u32 reg = attr->attr & KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK;

	switch (reg) {
	case KL_ICC_PMR: case KL_ICC_BPR0: case KL_ICC_BPR1:
	case KL_ICC_CTLR: case KL_ICC_SRE: case KL_ICC_IGRPEN0:
	case KL_ICC_IGRPEN1:
		return 0;
	}
	return kl_is_apr(reg, KL_ICC_AP0R0) || kl_is_apr(reg, KL_ICC_AP1R0) ?
	       0 : -ENXIO;
}

static u64 kl_ctlr(struct kl_vcpu *v)
{
	u64 vtr = kl_vgic_vtr(), vmcr = v->vgic.vmcr;

	return ((u64)(kl_vgic_pri_bits() - 1) << ICC_CTLR_EL1_PRI_BITS_SHIFT) |
	       (FIELD_GET(KL_VTR_IDBITS, vtr) << ICC_CTLR_EL1_ID_BITS_SHIFT) |
	       (FIELD_GET(KL_VTR_SEIS, vtr) << ICC_CTLR_EL1_SEIS_SHIFT) |
	       (FIELD_GET(KL_VTR_A3V, vtr) << ICC_CTLR_EL1_A3V_SHIFT) |
	       ((vmcr & KL_VMCR_CBPR) ? ICC_CTLR_EL1_CBPR_MASK : 0) |
	       ((vmcr & KL_VMCR_EOIM) ? KL_CTLR_EOIMODE : 0);
}

/* As set_gic_ctlr(): the read-only fields may not claim more than there is. */
static int kl_set_ctlr(struct kl_vcpu *v, u64 val)
{
	u64 host = kl_ctlr(v);

	if (FIELD_GET(ICC_CTLR_EL1_PRI_BITS_MASK, val) >
	    FIELD_GET(ICC_CTLR_EL1_PRI_BITS_MASK, host) ||
	    FIELD_GET(ICC_CTLR_EL1_ID_BITS_MASK, val) >
	    FIELD_GET(ICC_CTLR_EL1_ID_BITS_MASK, host) ||
	    (val & ICC_CTLR_EL1_SEIS_MASK) != (host & ICC_CTLR_EL1_SEIS_MASK) ||
	    ((val & ICC_CTLR_EL1_A3V_MASK) && !(host & ICC_CTLR_EL1_A3V_MASK)))
		return -EINVAL;
	v->vgic.vmcr &= ~(KL_VMCR_CBPR | KL_VMCR_EOIM);
	if (val & ICC_CTLR_EL1_CBPR_MASK)
		v->vgic.vmcr |= KL_VMCR_CBPR;
	if (val & KL_CTLR_EOIMODE)
		v->vgic.vmcr |= KL_VMCR_EOIM;
	return 0;
}

static void kl_vmcr_field(struct kl_vcpu *v, u64 mask, bool write, u64 *val)
{
	if (write)
		v->vgic.vmcr = (v->vgic.vmcr & ~mask) |
			       ((*val << __ffs64(mask)) & mask);
	else
		*val = (v->vgic.vmcr & mask) >> __ffs64(mask);
}

/* One register; every vCPU is stopped (the caller holds their mutexes). */
int kl_vgic_sysreg_uaccess(struct kl_vcpu *v,
			   const struct kvm_device_attr *attr, bool write)
{
	u64 __user *uaddr = u64_to_user_ptr(attr->addr);
	u32 reg = attr->attr & KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK;
	u64 val = 0;
	int r = 0;

	if (write && get_user(val, uaddr))
		return -EFAULT;
	switch (reg) {
	case KL_ICC_PMR:
		kl_vmcr_field(v, KL_VMCR_PMR, write, &val);
		break;
	case KL_ICC_BPR0:
		kl_vmcr_field(v, KL_VMCR_BPR0, write, &val);
		break;
	case KL_ICC_BPR1:
		kl_vmcr_field(v, KL_VMCR_BPR1, write, &val);
		break;
	case KL_ICC_IGRPEN0:
		kl_vmcr_field(v, KL_VMCR_ENG0, write, &val);
		break;
	case KL_ICC_IGRPEN1:
		kl_vmcr_field(v, KL_VMCR_ENG1, write, &val);
		break;
	case KL_ICC_CTLR:
		if (write)
			r = kl_set_ctlr(v, val);
		else
			val = kl_ctlr(v);
		break;
	case KL_ICC_SRE:
		/* System registers only, no bypass: fixed, as KVM. */
		if (write)
			r = (val & ICC_SRE_EL1_SRE) ? 0 : -EINVAL;
		else
			val = ICC_SRE_EL1_SRE | ICC_SRE_EL1_DFB |
			      ICC_SRE_EL1_DIB;
		break;
	default:
		if (kl_is_apr(reg, KL_ICC_AP0R0)) {
			if (write)
				v->vgic.ap0r[reg - KL_ICC_AP0R0] = val;
			else
				val = v->vgic.ap0r[reg - KL_ICC_AP0R0];
		} else if (kl_is_apr(reg, KL_ICC_AP1R0)) {
			if (write)
				v->vgic.ap1r[reg - KL_ICC_AP1R0] = val;
			else
				val = v->vgic.ap1r[reg - KL_ICC_AP1R0];
		} else {
			/* As KVM's sysreg lookup: no such register. */
			r = -ENOENT;
		}
	}
	if (!r && !write)
		r = put_user(val, uaddr);
	return r;
}
