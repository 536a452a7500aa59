// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: the vGICv3 distributor and redistributor registers,
 * for the guest's MMIO and for userspace (KVM_DEV_ARM_VGIC_GRP_DIST_REGS and
 * _REDIST_REGS), as KVM's vgic-mmio-v3.c has them: affinity routing always
 * on, one security state (GICD_CTLR.DS), no LPIs yet.
 */
#include <linux/bitfield.h>
#include <linux/kvm.h>
#include <linux/irqchip/arm-gic-v3.h>

#include "arm64.h"

/* KVM's GICD_IIDR: ARM as implementer, product 'K'. */
#define KL_IIDR_IMPLEMENTER_ARM	0x43b
#define KL_IIDR_PRODUCT_KVM	0x4b
#define KL_IMP_REV_LATEST	3
/* GICD_PIDR2 / GICR_PIDR2: GICv3. */
#define KL_PIDR2_OFFSET		0xffe8
#define KL_PIDR2		0x3b
#define KL_IDREGS_START		0xffd0
/* The SGI_base frame of a redistributor. */
#define KL_SGI_BASE		0x10000
/* INTID bits of the distributor (KVM's INTERRUPT_ID_BITS_SPIS). */
#define KL_ID_BITS_SPIS		10
#define KL_ID_BITS_ITS		16

enum kl_irq_reg {
	KL_IGROUPR, KL_ISENABLER, KL_ICENABLER, KL_ISPENDR, KL_ICPENDR,
	KL_ISACTIVER, KL_ICACTIVER, KL_IPRIORITYR, KL_ICFGR, KL_RAZWI,
};

/* Per-interrupt registers: offset, bits per interrupt, kind. */
static const struct {
	u16 off;
	u8 bits;
	u8 kind;
} kl_irq_regs[] = {
	{ 0x0080, 1, KL_IGROUPR },
	{ 0x0100, 1, KL_ISENABLER },
	{ 0x0180, 1, KL_ICENABLER },
	{ 0x0200, 1, KL_ISPENDR },
	{ 0x0280, 1, KL_ICPENDR },
	{ 0x0300, 1, KL_ISACTIVER },
	{ 0x0380, 1, KL_ICACTIVER },
	{ 0x0400, 8, KL_IPRIORITYR },
	{ 0x0c00, 2, KL_ICFGR },
	{ 0x0d00, 1, KL_RAZWI },	/* IGRPMODR */
	{ 0x0e00, 2, KL_RAZWI },	/* NSACR */
};

/* KVM keeps 5 priority bits (VGIC_PRI_BITS). */
#define KL_PRI_MASK		GENMASK(7, 3)

static u64 kl_irq_field(struct kl_irq *irq, unsigned int kind, bool user)
{
	switch (kind) {
	case KL_IGROUPR:
		return irq->group;
	case KL_ISENABLER:
	case KL_ICENABLER:
		return irq->enabled;
	case KL_ISPENDR:
	case KL_ICPENDR:
		/* Userspace saves the latch and the line separately. */
		return user ? irq->pending_latch : kl_irq_pending(irq);
	case KL_ISACTIVER:
	case KL_ICACTIVER:
		return irq->active;
	case KL_IPRIORITYR:
		return irq->priority;
	case KL_ICFGR:
		return irq->level_cfg ? 0 : 2;
	}
	return 0;
}

static void kl_irq_field_write(struct kl_irq *irq, unsigned int kind, u64 f)
{
	switch (kind) {
	case KL_IGROUPR:
		irq->group = f;
		break;
	case KL_ISENABLER:
		if (f)
			irq->enabled = true;
		break;
	case KL_ICENABLER:
		if (f)
			irq->enabled = false;
		break;
	case KL_ISPENDR:
		if (f)
			irq->pending_latch = true;
		break;
	case KL_ICPENDR:
		if (f)
			irq->pending_latch = false;
		break;
	case KL_ISACTIVER:
		if (f)
			irq->active = true;
		break;
	case KL_ICACTIVER:
		if (f)
			irq->active = false;
		break;
	case KL_IPRIORITYR:
		irq->priority = f & KL_PRI_MASK;
		break;
	case KL_ICFGR:
		/* SGIs are edge-triggered, read-only. */
		if (irq->intid >= KL_VGIC_NR_SGIS)
			irq->level_cfg = !(f & 2);
		break;
	}
}

/*
 * A per-interrupt register access at byte @off of the register array
 * starting at INTID 0; @v owns the private interrupts (redistributor) or is
 * NULL (distributor: the private range is RAZ/WI there).
 */
static void kl_irq_reg_access(struct kl_vgic *d, struct kl_vcpu *v,
			      unsigned int r, u32 off, u32 len, bool write,
			      u64 *val, bool user)
{
	unsigned int bits = kl_irq_regs[r].bits, kind = kl_irq_regs[r].kind;
	u32 first = off * 8 / bits, n = len * 8 / bits, i;
	struct kl_irq *irq;
	u64 f, mask = GENMASK_ULL(bits - 1, 0), out = 0;

	if (kind == KL_RAZWI) {
		*val = 0;
		return;
	}
	for (i = 0; i < n; i++) {
		if (!v && first + i < KL_VGIC_NR_PRIVATE)
			continue;
		irq = kl_vgic_irq(d, v, first + i);
		if (!irq)
			continue;
		f = (*val >> (i * bits)) & mask;
		if (user && kind == KL_ICPENDR) {
			/* Userspace restores pending state through ISPENDR. */
			continue;
		} else if (write && user && kind == KL_ISPENDR) {
			/* ... which sets and clears (KVM's uaccess). */
			irq->pending_latch = f;
			kl_irq_update(d, irq);
		} else if (write) {
			kl_irq_field_write(irq, kind, f);
			kl_irq_update(d, irq);
		} else {
			out |= kl_irq_field(irq, kind, user) << (i * bits);
		}
	}
	if (!write)
		*val = out;
}

/* Which per-interrupt register holds @off (for @nr interrupts); -1 if none. */
static int kl_irq_reg_at(u32 off, u32 nr, u32 *rel)
{
	unsigned int r;
	u32 size;

	for (r = 0; r < ARRAY_SIZE(kl_irq_regs); r++) {
		size = nr * kl_irq_regs[r].bits / 8;
		if (off >= kl_irq_regs[r].off && off < kl_irq_regs[r].off + size) {
			*rel = off - kl_irq_regs[r].off;
			return r;
		}
	}
	return -1;
}

static bool kl_len_ok(unsigned int r, u32 len)
{
	/* Byte access is for IPRIORITYR only; everything else is 32-bit. */
	return len == 4 || (len == 1 && kl_irq_regs[r].bits == 8);
}

static u32 kl_iidr(struct kl_vgic *d)
{
	return (KL_IIDR_PRODUCT_KVM << GICD_IIDR_PRODUCT_ID_SHIFT) |
	       (d->iidr_rev << GICD_IIDR_REVISION_SHIFT) |
	       (KL_IIDR_IMPLEMENTER_ARM << GICD_IIDR_IMPLEMENTER_SHIFT);
}

/* A 64-bit register read or written as a whole or in 32-bit halves. */
void kl_reg64(u64 *reg, u32 off, u32 len, bool write, u64 *val)
{
	unsigned int shift = (off & 4) * 8;
	u64 mask = len == 8 ? ~0ULL : GENMASK_ULL(31, 0) << shift;

	if (write)
		*reg = (*reg & ~mask) | ((*val << shift) & mask);
	else
		*val = (*reg & mask) >> shift;
}

#define KL_IROUTER		0x6000
#define KL_IROUTER_END		(KL_IROUTER + 8 * KL_VGIC_MAX_IRQS)

/*
 * The distributor: false if @off holds no register (KVM's region lookup),
 * true otherwise (a read of a register the access size does not fit is 0).
 * Lock held.
 */
static bool kl_dist_access(struct kvmlite_vm *vm, struct kl_vgic *d, u32 off,
			   u32 len, bool write, u64 *val, bool user)
{
	struct kl_irq *irq;
	u32 rel, intid;
	u64 mpidr;
	int r;

	r = kl_irq_reg_at(off, KL_VGIC_MAX_IRQS + 4, &rel);
	if (r >= 0) {
		if (!kl_len_ok(r, len))
			goto bad_len;
		kl_irq_reg_access(d, NULL, r, rel, len, write, val, user);
		return true;
	}
	if (off >= KL_IROUTER + 8 * KL_VGIC_NR_PRIVATE && off < KL_IROUTER_END) {
		if (len != 4 && len != 8)
			goto bad_len;
		intid = (off - KL_IROUTER) / 8;
		irq = kl_vgic_irq(d, NULL, intid);
		if (!irq) {
			*val = 0;
			return true;
		}
		/* Aff0..Aff2 kept, as KVM; the upper word is RAZ/WI. */
		mpidr = irq->mpidr;
		kl_reg64(&mpidr, off, len, write, val);
		if (write) {
			irq->mpidr = mpidr & GENMASK_ULL(23, 0);
			irq->target = kl_vgic_mpidr_to_vcpu(vm, irq->mpidr);
			kl_irq_update(d, irq);
		}
		return true;
	}
	if (off >= KL_IROUTER && off < KL_IROUTER_END) {
		*val = 0;
		return true;
	}
	if (len != 4)
		goto bad_len;
	switch (off) {
	case GICD_CTLR:
		if (write) {
			d->ctlr = *val & GICD_CTLR_ENABLE_SS_G1;
			kl_vgic_kick_all(vm);
		} else {
			*val = d->ctlr | GICD_CTLR_ARE_NS | GICD_CTLR_DS;
		}
		return true;
	case GICD_TYPER:
		if (!write)
			*val = ((d->nr_spis + KL_VGIC_NR_PRIVATE) / 32 - 1) |
			       (d->has_its ? (KL_ID_BITS_ITS - 1) << 19 |
				GICD_TYPER_LPIS : (KL_ID_BITS_SPIS - 1) << 19);
		return true;
	case GICD_IIDR:
		/* Userspace may choose an older revision (KVM's rules). */
		if (write && user) {
			if ((*val & ~GICD_IIDR_REVISION_MASK) !=
			    (kl_iidr(d) & ~GICD_IIDR_REVISION_MASK))
				return false;
			d->iidr_rev = FIELD_GET(GICD_IIDR_REVISION_MASK, *val);
		} else if (!write) {
			*val = kl_iidr(d);
		}
		return true;
	case GICD_TYPER2:
	case GICD_STATUSR:
	case GICD_SETSPI_NSR:
	case GICD_CLRSPI_NSR:
	case GICD_SETSPI_SR:
	case GICD_CLRSPI_SR:
		if (!write)
			*val = 0;
		return true;
	}
	if (off >= KL_IDREGS_START && off < 0x10000) {
		if (!write)
			*val = off == KL_PIDR2_OFFSET ? KL_PIDR2 : 0;
		return true;
	}
	return false;

bad_len:
	if (!write)
		*val = 0;
	return true;
}

/* Whether @v's redistributor is the last of its region (GICR_TYPER.Last). */
static bool kl_rdist_is_last(struct kl_vgic *d, struct kl_vcpu *v)
{
	struct kl_rdreg *rd = v->vgic.rdreg, *it;
	u64 end;

	if (!rd)
		return false;
	if (v->vgic.rdreg_index < rd->free_index - 1)
		return false;
	if (rd->count && v->vgic.rdreg_index == rd->count - 1) {
		/* A contiguous region in use continues the frames. */
		end = rd->base + rd->count * KL_VGIC_REDIST_SIZE;
		list_for_each_entry(it, &d->rd_regions, list) {
			if (it->base == end && it->free_index > 0)
				return false;
		}
	}
	return true;
}

static u64 kl_gicr_typer(struct kl_vgic *d, struct kl_vcpu *v)
{
	u64 m = v->sys[KL_MPIDR];
	u64 aff = (m & 0xffffff) | (((m >> 32) & 0xff) << 24);

	return (aff << 32) | ((u64)(v->vcpu->id & 0xffff) << 8) |
	       (kl_rdist_is_last(d, v) ? GICR_TYPER_LAST : 0) |
	       (d->has_its ? GICR_TYPER_PLPIS : 0);
}

/* @v's redistributor (both frames); as kl_dist_access(). Lock held. */
static bool kl_redist_access(struct kl_vgic *d, struct kl_vcpu *v, u32 off,
			     u32 len, bool write, u64 *val, bool user)
{
	u32 rel;
	u64 reg;
	int r;

	if (off >= KL_SGI_BASE) {
		r = kl_irq_reg_at(off - KL_SGI_BASE, KL_VGIC_NR_PRIVATE, &rel);
		if (r < 0)
			return off - KL_SGI_BASE >= KL_IDREGS_START ?
			       kl_redist_access(d, v, off - KL_SGI_BASE, len,
						write, val, user) : false;
		if (!kl_len_ok(r, len)) {
			if (!write)
				*val = 0;
			return true;
		}
		kl_irq_reg_access(d, v, r, rel, len, write, val, user);
		return true;
	}
	switch (off) {
	case GICR_TYPER:
	case GICR_TYPER + 4:
		if (len != 4 && len != 8)
			break;
		reg = kl_gicr_typer(d, v);
		if (!write)
			kl_reg64(&reg, off, len, false, val);
		return true;
	case GICR_PROPBASER:
	case GICR_PROPBASER + 4:
	case GICR_PENDBASER:
	case GICR_PENDBASER + 4:
		if (len != 4 && len != 8)
			break;
		/* Fixed while LPIs are on; no LPIs without an ITS: RAZ/WI. */
		reg = !d->has_its ? 0 : off < GICR_PENDBASER ? d->propbaser :
		      v->vgic.pendbaser;
		kl_reg64(&reg, off, len, write, val);
		if (write && d->has_its && !v->vgic.lpis_enabled) {
			if (off < GICR_PENDBASER)
				d->propbaser = reg & GENMASK_ULL(58, 0);
			else
				v->vgic.pendbaser = reg & GENMASK_ULL(62, 0);
		}
		return true;
	}
	if (len != 4) {
		if (!write)
			*val = 0;
		return off < KL_SGI_BASE;
	}
	switch (off) {
	case GICR_CTLR:
		/* EnableLPIs, with an ITS; the caller syncs pending state. */
		if (write && d->has_its)
			v->vgic.lpis_enabled = *val & GICR_CTLR_ENABLE_LPIS;
		else if (!write)
			*val = v->vgic.lpis_enabled ? GICR_CTLR_ENABLE_LPIS : 0;
		return true;
	case GICR_STATUSR:
	case GICR_WAKER:
		if (!write)
			*val = 0;
		return true;
	case GICR_IIDR:
		if (!write)
			*val = kl_iidr(d);
		return true;
	}
	if (off >= KL_IDREGS_START && off < KL_SGI_BASE) {
		if (!write)
			*val = off == KL_PIDR2_OFFSET ? KL_PIDR2 : 0;
		return true;
	}
	return false;
}

/*
 * A guest data abort at @ipa: true if it hit the vGIC's frames (the access
 * is done, a read's value in @val); reads of holes are 0, writes ignored.
 */
bool kl_vgic_mmio(struct kvmlite_vcpu *vcpu, u64 ipa, u32 len, bool write,
		  u64 *val)
{
	struct kvmlite_vm *vm = vcpu->vm;
	struct kl_vgic *d = kl_vm(vm)->vgic;
	unsigned long flags;
	struct kl_vcpu *t;
	bool lpis;
	u64 base;
	u32 i;

	/* Acquire: d->vcpus is filled before. */
	if (!d || !smp_load_acquire(&d->initialized))
		return false;
	if (READ_ONCE(d->has_its) && kl_its_mmio(vm, ipa, len, write, val))
		return true;
	if (ipa >= d->dist_base && ipa < d->dist_base + KL_VGIC_DIST_SIZE) {
		spin_lock_irqsave(&d->lock, flags);
		if (!kl_dist_access(vm, d, ipa - d->dist_base, len, write, val,
				    false) && !write)
			*val = 0;
		spin_unlock_irqrestore(&d->lock, flags);
		return true;
	}
	for (i = 0; i < d->nr_vcpus; i++) {
		t = d->vcpus[i];
		base = READ_ONCE(t->vgic.rd_base);
		if (base == KL_INVALID_GPA || ipa < base ||
		    ipa >= base + KL_VGIC_REDIST_SIZE)
			continue;
		spin_lock_irqsave(&d->lock, flags);
		lpis = t->vgic.lpis_enabled;
		if (!kl_redist_access(d, t, ipa - base, len, write,
				      val, false) && !write)
			*val = 0;
		lpis = !lpis && t->vgic.lpis_enabled;
		spin_unlock_irqrestore(&d->lock, flags);
		if (lpis)
			kl_its_sync_pending(t);
		return true;
	}
	return false;
}

/*
 * KVM_DEV_ARM_VGIC_GRP_DIST_REGS / _REDIST_REGS (@v set): a 32-bit access
 * at @off; where there is no register, reads are 0 and writes ignored.
 */
int kl_vgic_uaccess(struct kvmlite_vm *vm, struct kl_vcpu *v, u32 off,
		    bool write, u32 *val)
{
	struct kl_vgic *d = kl_vm(vm)->vgic;
	bool ok;
	u64 v64 = *val;

	if (off & 3) {
		ok = false;
		goto out;
	}
	spin_lock_irq(&d->lock);
	if (v)
		ok = kl_redist_access(d, v, off, 4, write, &v64, true);
	else
		ok = kl_dist_access(vm, d, off, 4, write, &v64, true);
	spin_unlock_irq(&d->lock);

	if (!ok && write && !v && off == GICD_IIDR)
		return -EINVAL;
out:
	/* As KVM's vgic_uaccess(): no register there reads as 0. */
	if (!write)
		*val = ok ? v64 : 0;
	return 0;
}

/*
 * KVM_HAS_DEVICE_ATTR of a register group: whether @off holds one; the
 * distributor's per-interrupt registers exist for the interrupts there are
 * (none of the SPIs before NR_IRQS or INIT fixes their number).
 */
int kl_vgic_has_reg(struct kl_vgic *d, bool redist, u32 off)
{
	u32 rel, nr = KL_VGIC_NR_PRIVATE + READ_ONCE(d->nr_spis);
	int r;

	if (off & 3)
		return -ENXIO;
	if (redist) {
		if (off >= KL_SGI_BASE)
			return kl_irq_reg_at(off - KL_SGI_BASE,
					     KL_VGIC_NR_PRIVATE, &rel) >= 0 ||
			       off - KL_SGI_BASE >= KL_IDREGS_START ? 0 : -ENXIO;
		switch (off) {
		case GICR_CTLR: case GICR_IIDR: case GICR_TYPER:
		case GICR_TYPER + 4: case GICR_STATUSR: case GICR_WAKER:
		case GICR_PROPBASER: case GICR_PROPBASER + 4:
		case GICR_PENDBASER: case GICR_PENDBASER + 4:
			return 0;
		}
		return off >= KL_IDREGS_START ? 0 : -ENXIO;
	}
	r = kl_irq_reg_at(off, KL_VGIC_MAX_IRQS + 4, &rel);
	if (r >= 0)
		return rel * 8 / kl_irq_regs[r].bits < nr ? 0 : -ENXIO;
	if (off >= KL_IROUTER && off < KL_IROUTER_END)
		return (off - KL_IROUTER) / 8 < nr ? 0 : -ENXIO;
	if (off >= KL_IDREGS_START)
		return 0;
	switch (off) {
	case GICD_CTLR: case GICD_TYPER: case GICD_IIDR: case GICD_TYPER2:
	case GICD_STATUSR: case GICD_SETSPI_NSR: case GICD_CLRSPI_NSR:
	case GICD_SETSPI_SR: case GICD_CLRSPI_SR:
		return 0;
	}
	return -ENXIO;
}

u32 kl_vgic_default_iidr_rev(void)
{
	return KL_IMP_REV_LATEST;
}
