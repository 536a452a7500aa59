// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: the in-kernel virtual GICv3 on the hardware's GIC
 * virtualisation interface (ICH_*_EL2).
 *
 * The distributor and redistributors are emulated (vgic-mmio.c); the CPU
 * interface is the hardware's virtual one: the guest's ICC_* accesses go to
 * ICV_* (HCR_EL2.IMO/FMO), fed from the list registers. Just before each
 * entry the vCPU's deliverable interrupts, active ones first, then by
 * priority, fill the list registers; what does not fit arms the underflow
 * maintenance interrupt (ICH_HCR_EL2.UIE), so the guest exits as soon as it
 * has made room. Level-sensitive interrupts carry the EOI bit, so that their
 * deactivation makes the guest exit too: the line is then sampled again
 * and irqfd resamplers are told (kvmlite_irq_acked()). After each exit the
 * list registers are folded back into the interrupts' state, so between
 * runs the state of every interrupt is in struct kl_irq alone.
 *
 * SGIs: the guest's ICC_SGI1R_EL1/ICC_SGI0R_EL1/ICC_ASGI1R_EL1 writes trap
 * (HCR_EL2.IMO) and make the SGI pending at each target vCPU, kicking it.
 * The EL1 virtual and physical timers are level-sensitive PPIs whose line
 * follows the timer's output, sampled before each entry and in WFI.
 *
 * One spinlock per VM (kl_vgic.lock, interrupts off) guards all of it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/interrupt.h>
#include <linux/irqchip/arm-gic-v3.h>
#include <linux/kvm.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/sysreg.h>

#include "arm64.h"

/* ICH_LR<n>_EL2 fields. */
#define KL_LR_PENDING		BIT_ULL(62)
#define KL_LR_ACTIVE		BIT_ULL(63)
#define KL_LR_STATE		(KL_LR_PENDING | KL_LR_ACTIVE)
#define KL_LR_HW		BIT_ULL(61)
#define KL_LR_GROUP		BIT_ULL(60)
#define KL_LR_PRIO_SHIFT	48
#define KL_LR_EOI		BIT_ULL(41)
#define KL_LR_VINTID		GENMASK_ULL(31, 0)

/* ICH_HCR_EL2. */
#define KL_ICH_HCR_EN		BIT(0)
#define KL_ICH_HCR_UIE		BIT(1)

/* ICC_SRE_EL1 of a GICv3 guest: system registers, no IRQ/FIQ bypass. */
#define KL_GUEST_SRE		0x7

#define KL_ICH_REG(crm, op2)	sys_reg(3, 4, 12, crm, op2)
#define KL_ICH_HCR		KL_ICH_REG(11, 0)
#define KL_ICH_VTR		KL_ICH_REG(11, 1)
#define KL_ICH_VMCR		KL_ICH_REG(11, 7)
#define KL_ICC_SRE_EL1		sys_reg(3, 0, 12, 12, 5)

/* What the hardware has: list registers, priority bits (ICH_VTR_EL2). */
static u32 kl_nr_lrs, kl_pri_bits;
static bool kl_gicv3;

/*
 * The maintenance interrupt (underflow, EOI of level interrupts) only has to
 * make the guest exit; unless the in-kernel KVM already owns it, we enable
 * it with a handler that does nothing.
 */
static unsigned int kl_maint_irq;
static bool kl_maint_owned;
static DEFINE_PER_CPU(u8, kl_maint_cookie);

static irqreturn_t kl_maint_handler(int irq, void *cookie)
{
	return IRQ_HANDLED;
}

static void kl_maint_enable(void *info)
{
	enable_percpu_irq(kl_maint_irq, IRQ_TYPE_NONE);
}

static void kl_maint_disable(void *info)
{
	disable_percpu_irq(kl_maint_irq);
}

static void kl_maint_init(void)
{
	struct device_node *np;

	np = of_find_compatible_node(NULL, NULL, "arm,gic-v3");
	if (!np)
		return;
	/* The GICv3 binding: interrupt 0 is the maintenance interrupt. */
	kl_maint_irq = irq_of_parse_and_map(np, 0);
	of_node_put(np);
	/* KVM's already: it handles it the same way. */
	if (!kl_maint_irq || irq_has_action(kl_maint_irq))
		return;
	if (request_percpu_irq(kl_maint_irq, kl_maint_handler, "kvmlite-vgic",
			       &kl_maint_cookie))
		return;
	kl_maint_owned = true;
	on_each_cpu(kl_maint_enable, NULL, 1);
}

void kl_vgic_hw_exit(void)
{
	if (!kl_maint_owned)
		return;
	on_each_cpu(kl_maint_disable, NULL, 1);
	free_percpu_irq(kl_maint_irq, &kl_maint_cookie);
	kl_maint_owned = false;
}

bool kl_vgic_supported(void)
{
	return kl_gicv3;
}

u64 kl_vgic_vtr(void)
{
	return kl_gicv3 ? read_sysreg_s(KL_ICH_VTR) : 0;
}

u32 kl_vgic_pri_bits(void)
{
	return kl_pri_bits;
}

void kl_vgic_hw_init(void)
{
	u64 pfr0 = read_sanitised_ftr_reg(SYS_ID_AA64PFR0_EL1), vtr;

	/* A GICv3 CPU interface with its system registers. */
	if (!((pfr0 >> 24) & 0xf))
		return;
	vtr = read_sysreg_s(KL_ICH_VTR);
	kl_nr_lrs = min_t(u32, (vtr & 0x1f) + 1, KL_VGIC_MAX_LRS);
	kl_pri_bits = ((vtr >> 29) & 7) + 1;
	kl_gicv3 = true;
	kl_maint_init();
	pr_info("vGICv3: %u list registers, %u priority bits\n", kl_nr_lrs,
		kl_pri_bits);
}

/* Active-priority registers per group: 1, 2 or 4 for 5, 6, 7 bits. */
static unsigned int kl_nr_aprs(void)
{
	return 1U << (kl_pri_bits - 5);
}

/*
 * ICH_LR<n>_EL2 (CRm 12 + n / 8, op2 n % 8), ICH_AP0R<n>_EL2 (CRm 8) and
 * ICH_AP1R<n>_EL2 (CRm 9): each encoding is an immediate of its own.
 */
static u64 kl_read_lr(unsigned int n)
{
	switch (n) {
	case 0:
		return read_sysreg_s(KL_ICH_REG(12, 0));
	case 1:
		return read_sysreg_s(KL_ICH_REG(12, 1));
	case 2:
		return read_sysreg_s(KL_ICH_REG(12, 2));
	case 3:
		return read_sysreg_s(KL_ICH_REG(12, 3));
	case 4:
		return read_sysreg_s(KL_ICH_REG(12, 4));
	case 5:
		return read_sysreg_s(KL_ICH_REG(12, 5));
	case 6:
		return read_sysreg_s(KL_ICH_REG(12, 6));
	case 7:
		return read_sysreg_s(KL_ICH_REG(12, 7));
	case 8:
		return read_sysreg_s(KL_ICH_REG(13, 0));
	case 9:
		return read_sysreg_s(KL_ICH_REG(13, 1));
	case 10:
		return read_sysreg_s(KL_ICH_REG(13, 2));
	case 11:
		return read_sysreg_s(KL_ICH_REG(13, 3));
	case 12:
		return read_sysreg_s(KL_ICH_REG(13, 4));
	case 13:
		return read_sysreg_s(KL_ICH_REG(13, 5));
	case 14:
		return read_sysreg_s(KL_ICH_REG(13, 6));
	case 15:
		return read_sysreg_s(KL_ICH_REG(13, 7));
	}
	return 0;
}

static void kl_write_lr(unsigned int n, u64 val)
{
	switch (n) {
	case 0:
		write_sysreg_s(val, KL_ICH_REG(12, 0));
		break;
	case 1:
		write_sysreg_s(val, KL_ICH_REG(12, 1));
		break;
	case 2:
		write_sysreg_s(val, KL_ICH_REG(12, 2));
		break;
	case 3:
		write_sysreg_s(val, KL_ICH_REG(12, 3));
		break;
	case 4:
		write_sysreg_s(val, KL_ICH_REG(12, 4));
		break;
	case 5:
		write_sysreg_s(val, KL_ICH_REG(12, 5));
		break;
	case 6:
		write_sysreg_s(val, KL_ICH_REG(12, 6));
		break;
	case 7:
		write_sysreg_s(val, KL_ICH_REG(12, 7));
		break;
	case 8:
		write_sysreg_s(val, KL_ICH_REG(13, 0));
		break;
	case 9:
		write_sysreg_s(val, KL_ICH_REG(13, 1));
		break;
	case 10:
		write_sysreg_s(val, KL_ICH_REG(13, 2));
		break;
	case 11:
		write_sysreg_s(val, KL_ICH_REG(13, 3));
		break;
	case 12:
		write_sysreg_s(val, KL_ICH_REG(13, 4));
		break;
	case 13:
		write_sysreg_s(val, KL_ICH_REG(13, 5));
		break;
	case 14:
		write_sysreg_s(val, KL_ICH_REG(13, 6));
		break;
	case 15:
		write_sysreg_s(val, KL_ICH_REG(13, 7));
		break;
	}
}

static u64 kl_read_apr(unsigned int g, unsigned int n)
{
	switch (g * 4 + n) {
	case 0:
		return read_sysreg_s(KL_ICH_REG(8, 0));
	case 1:
		return read_sysreg_s(KL_ICH_REG(8, 1));
	case 2:
		return read_sysreg_s(KL_ICH_REG(8, 2));
	case 3:
		return read_sysreg_s(KL_ICH_REG(8, 3));
	case 4:
		return read_sysreg_s(KL_ICH_REG(9, 0));
	case 5:
		return read_sysreg_s(KL_ICH_REG(9, 1));
	case 6:
		return read_sysreg_s(KL_ICH_REG(9, 2));
	case 7:
		return read_sysreg_s(KL_ICH_REG(9, 3));
	}
	return 0;
}

static void kl_write_apr(unsigned int g, unsigned int n, u64 val)
{
	switch (g * 4 + n) {
	case 0:
		write_sysreg_s(val, KL_ICH_REG(8, 0));
		break;
	case 1:
		write_sysreg_s(val, KL_ICH_REG(8, 1));
		break;
	case 2:
		write_sysreg_s(val, KL_ICH_REG(8, 2));
		break;
	case 3:
		write_sysreg_s(val, KL_ICH_REG(8, 3));
		break;
	case 4:
		write_sysreg_s(val, KL_ICH_REG(9, 0));
		break;
	case 5:
		write_sysreg_s(val, KL_ICH_REG(9, 1));
		break;
	case 6:
		write_sysreg_s(val, KL_ICH_REG(9, 2));
		break;
	case 7:
		write_sysreg_s(val, KL_ICH_REG(9, 3));
		break;
	}
}

/* The interrupt @intid as seen from @v; NULL if it does not exist. */
struct kl_irq *kl_vgic_irq(struct kl_vgic *d, struct kl_vcpu *v, u32 intid)
{
	if (intid < KL_VGIC_NR_PRIVATE)
		return v ? &v->vgic.priv[intid] : NULL;
	if (!d->spis || intid >= KL_VGIC_NR_PRIVATE + d->nr_spis)
		return NULL;
	return &d->spis[intid - KL_VGIC_NR_PRIVATE];
}

bool kl_irq_pending(const struct kl_irq *irq)
{
	return irq->pending_latch || (irq->level_cfg && irq->line_level);
}

/* Whether @irq may go to its target now (KVM's vgic_target_oracle()). */
static bool kl_irq_deliverable(struct kl_vgic *d, const struct kl_irq *irq)
{
	return irq->active ||
	       (irq->enabled && kl_irq_pending(irq) &&
		(d->ctlr & GICD_CTLR_ENABLE_SS_G1));
}

/*
 * After a change of @irq's state (lock held): keep the pending sets right
 * and kick the vCPU it should now reach.
 */
void kl_irq_update(struct kl_vgic *d, struct kl_irq *irq)
{
	bool on = irq->active || kl_irq_pending(irq);

	lockdep_assert_held(&d->lock);
	if (irq->intid >= KL_LPI_BASE) {
		/* LPIs are found through d->lpis. */
	} else if (irq->intid < KL_VGIC_NR_PRIVATE) {
		if (on)
			irq->target->vgic.pending |= BIT(irq->intid);
		else
			irq->target->vgic.pending &= ~BIT(irq->intid);
	} else if (on) {
		__set_bit(irq->intid - KL_VGIC_NR_PRIVATE, d->pending);
	} else {
		__clear_bit(irq->intid - KL_VGIC_NR_PRIVATE, d->pending);
	}
	if (irq->target && kl_irq_deliverable(d, irq)) {
		/* For a vCPU halt-polling without the lock (switch.c). */
		WRITE_ONCE(irq->target->vgic.kick_seq,
			   irq->target->vgic.kick_seq + 1);
		kvmlite_vcpu_kick(irq->target->vcpu);
	}
}

/* Drive @irq's input: a level, or an edge when @level rises. */
static void kl_irq_set_input(struct kl_vgic *d, struct kl_irq *irq,
			     bool level)
{
	if (irq->level_cfg) {
		if (irq->line_level == level)
			return;
		irq->line_level = level;
	} else {
		if (!level)
			return;
		irq->pending_latch = true;
	}
	kl_irq_update(d, irq);
}

static bool kl_is_timer_ppi(struct kl_vgic *d, u32 intid)
{
	return intid == d->timer_ppi[0] || intid == d->timer_ppi[1];
}

/*
 * KVM_IRQ_LINE (PPI: @v set) and irqchip routes (SPI: @v NULL), as
 * kvm_vgic_inject_irq(): the timers' PPIs belong to the timers, and a
 * userspace level on them is ignored.
 */
int kl_vgic_inject(struct kvmlite_vm *vm, struct kl_vcpu *v, u32 intid,
		   bool level)
{
	struct kl_vgic *d = kl_vm(vm)->vgic;
	struct kl_irq *irq;
	unsigned long flags;

	if (!d)
		return -ENXIO;
	if (!READ_ONCE(d->initialized))
		return -EBUSY;
	if (!v && intid < KL_VGIC_NR_PRIVATE)
		return -EINVAL;
	spin_lock_irqsave(&d->lock, flags);
	irq = kl_vgic_irq(d, v, intid);
	if (!irq) {
		spin_unlock_irqrestore(&d->lock, flags);
		return -EINVAL;
	}
	if (!(v && kl_is_timer_ppi(d, intid)))
		kl_irq_set_input(d, irq, level);
	spin_unlock_irqrestore(&d->lock, flags);
	return 0;
}

/* arch_ops.set_irq: input @pin of irqchip 0 is SPI 32 + @pin. */
int kl_vgic_set_irq(struct kvmlite_vm *vm, u32 irqchip, u32 pin, bool level)
{
	if (irqchip || pin >= KL_VGIC_MAX_SPIS)
		return -EINVAL;
	return kl_vgic_inject(vm, NULL, pin + KL_VGIC_NR_PRIVATE, level);
}

bool kl_vgic_ready(struct kvmlite_vm *vm)
{
	struct kl_vgic *d = kl_vm(vm)->vgic;

	return d && READ_ONCE(d->initialized);
}

/* The timers' outputs drive their PPIs (lock held). */
static void kl_vgic_timer_lines(struct kl_vgic *d, struct kl_vcpu *v)
{
	kl_irq_set_input(d, &v->vgic.priv[d->timer_ppi[0]], kl_vtimer_level(v));
	kl_irq_set_input(d, &v->vgic.priv[d->timer_ppi[1]], kl_ptimer_level(v));
}

/* The running priority mask of the guest (ICH_VMCR_EL2.VPMR). */
static u8 kl_vmcr_pmr(struct kl_vcpu *v)
{
	return v->vgic.vmcr >> 24;
}

/*
 * Whether an interrupt would be taken by @v if it ran (WFI wake-up; KVM's
 * kvm_vgic_vcpu_pending_irq()). Samples the timers' lines first.
 */
bool kl_vgic_pending(struct kl_vcpu *v)
{
	struct kl_vgic *d = kl_vm(v->vcpu->vm)->vgic;
	unsigned long flags, i, priv;
	struct kl_irq *irq;
	bool ret = false;

	spin_lock_irqsave(&d->lock, flags);
	kl_vgic_timer_lines(d, v);
	if (!(d->ctlr & GICD_CTLR_ENABLE_SS_G1))
		goto out;
	priv = v->vgic.pending;
	for_each_set_bit(i, &priv, KL_VGIC_NR_PRIVATE) {
		irq = &v->vgic.priv[i];
		if (irq->enabled && kl_irq_pending(irq) &&
		    irq->priority < kl_vmcr_pmr(v)) {
			ret = true;
			goto out;
		}
	}
	for_each_set_bit(i, d->pending, d->nr_spis) {
		irq = &d->spis[i];
		if (irq->target == v && irq->enabled && kl_irq_pending(irq) &&
		    irq->priority < kl_vmcr_pmr(v)) {
			ret = true;
			goto out;
		}
	}
	list_for_each_entry(irq, &d->lpis, lpi_list) {
		if (irq->target == v && irq->enabled && kl_irq_pending(irq) &&
		    irq->priority < kl_vmcr_pmr(v)) {
			ret = true;
			break;
		}
	}
out:
	spin_unlock_irqrestore(&d->lock, flags);
	return ret;
}

/* Active before pending, then by priority, then by INTID. */
static bool kl_irq_before(const struct kl_irq *a, const struct kl_irq *b)
{
	if (a->active != b->active)
		return a->active;
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return a->intid < b->intid;
}

/* Keep @best sorted by kl_irq_before(), at most kl_nr_lrs long. */
static void kl_lr_pick(struct kl_irq **best, u32 *n, struct kl_irq *irq)
{
	u32 i = *n;

	if (i == kl_nr_lrs) {
		if (!kl_irq_before(irq, best[i - 1]))
			return;
		i--;
	} else {
		(*n)++;
	}
	for (; i && kl_irq_before(irq, best[i - 1]); i--)
		best[i] = best[i - 1];
	best[i] = irq;
}

static u64 kl_make_lr(struct kl_irq *irq)
{
	u64 lr = irq->intid | ((u64)irq->priority << KL_LR_PRIO_SHIFT);

	if (irq->group)
		lr |= KL_LR_GROUP;
	if (irq->active)
		lr |= KL_LR_ACTIVE;
	/*
	 * Pending and active at once only for edges: a level interrupt is
	 * sampled again after its deactivation (KVM's "software resampling
	 * doesn't work very well if we allow P+A").
	 */
	if (kl_irq_pending(irq) && irq->enabled &&
	    !(irq->active && irq->level_cfg)) {
		lr |= KL_LR_PENDING;
		/* The list register holds an edge's pending state now. */
		if (!irq->level_cfg)
			irq->pending_latch = false;
	}
	/* A level interrupt's deactivation must come back to us. */
	if (irq->level_cfg)
		lr |= KL_LR_EOI;
	return lr;
}

static void kl_lr_consider(struct kl_vgic *d, struct kl_irq *irq,
			   struct kl_irq **best, u32 *n, u32 *seen)
{
	if (irq->lr_vcpu || !kl_irq_deliverable(d, irq))
		return;
	(*seen)++;
	kl_lr_pick(best, n, irq);
}

/*
 * Fill the list registers of @v, interrupts off, just before it enters
 * (KVM's vgic_flush_lr_state()).
 */
void kl_vgic_flush(struct kl_vcpu *v)
{
	struct kl_vgic *d = kl_vm(v->vcpu->vm)->vgic;
	struct kl_vgic_cpu *c = &v->vgic;
	struct kl_irq *best[KL_VGIC_MAX_LRS], *irq;
	unsigned long i, priv;
	u32 n = 0, seen = 0;

	if (!d)
		return;
	spin_lock(&d->lock);
	kl_vgic_timer_lines(d, v);
	priv = c->pending;
	for_each_set_bit(i, &priv, KL_VGIC_NR_PRIVATE)
		kl_lr_consider(d, &c->priv[i], best, &n, &seen);
	for_each_set_bit(i, d->pending, d->nr_spis) {
		if (d->spis[i].target == v)
			kl_lr_consider(d, &d->spis[i], best, &n, &seen);
	}
	list_for_each_entry(irq, &d->lpis, lpi_list) {
		if (irq->target == v)
			kl_lr_consider(d, irq, best, &n, &seen);
	}
	/* More candidates than list registers: exit once there is room. */
	c->hcr = KL_ICH_HCR_EN | (seen > n ? KL_ICH_HCR_UIE : 0);
	for (i = 0; i < n; i++) {
		c->lr[i] = kl_make_lr(best[i]);
		c->lr_irq[i] = best[i];
		best[i]->lr_vcpu = v;
	}
	c->nr_lr = n;
	spin_unlock(&d->lock);
}

/* ICH_HCR_EL2 traps of every ICC_* access (common, Group 0, Group 1). */
#define KL_ICH_HCR_TRAPS	(BIT(10) | BIT(11) | BIT(12))

/*
 * A VM without a vGIC: its ICC_* accesses trap (to UNDEF, as KVM gives),
 * where there is a GICv3 CPU interface to trap them. Interrupts off.
 */
void kl_vgic_trap_all(bool on)
{
	if (kl_gicv3)
		write_sysreg_s(on ? KL_ICH_HCR_TRAPS : 0, KL_ICH_HCR);
}

/* The CPU interface state into the hardware (interrupts off). */
void kl_vgic_load(struct kl_vcpu *v, u64 *host_sre)
{
	struct kl_vgic_cpu *c = &v->vgic;
	unsigned int i;

	*host_sre = read_sysreg_s(KL_ICC_SRE_EL1);
	write_sysreg_s(KL_GUEST_SRE, KL_ICC_SRE_EL1);
	isb();
	write_sysreg_s(c->vmcr, KL_ICH_VMCR);
	for (i = 0; i < kl_nr_aprs(); i++) {
		kl_write_apr(0, i, c->ap0r[i]);
		kl_write_apr(1, i, c->ap1r[i]);
	}
	for (i = 0; i < c->nr_lr; i++)
		kl_write_lr(i, c->lr[i]);
	write_sysreg_s(c->hcr, KL_ICH_HCR);
}

/* ... and back after the exit, leaving the interface off (interrupts off). */
void kl_vgic_save(struct kl_vcpu *v, u64 host_sre)
{
	struct kl_vgic_cpu *c = &v->vgic;
	unsigned int i;

	for (i = 0; i < c->nr_lr; i++) {
		c->lr[i] = kl_read_lr(i);
		kl_write_lr(i, 0);
	}
	c->vmcr = read_sysreg_s(KL_ICH_VMCR);
	for (i = 0; i < kl_nr_aprs(); i++) {
		c->ap0r[i] = kl_read_apr(0, i);
		c->ap1r[i] = kl_read_apr(1, i);
	}
	write_sysreg_s(0, KL_ICH_HCR);
	write_sysreg_s(host_sre, KL_ICC_SRE_EL1);
	isb();
}

/*
 * The list registers back into the interrupts (KVM's
 * vgic_v3_fold_lr_state()); then the resamplers of the level SPIs the guest
 * deactivated. Process context, after the exit.
 */
void kl_vgic_fold(struct kl_vcpu *v)
{
	struct kvmlite_vm *vm = v->vcpu->vm;
	struct kl_vgic *d = kl_vm(vm)->vgic;
	struct kl_vgic_cpu *c = &v->vgic;
	u32 acked[KL_VGIC_MAX_LRS], nr_acked = 0, i;
	struct kl_irq *irq;
	u64 lr;

	if (!d || !c->nr_lr)
		return;
	spin_lock_irq(&d->lock);
	for (i = 0; i < c->nr_lr; i++) {
		lr = c->lr[i];
		irq = c->lr_irq[i];
		irq->lr_vcpu = NULL;
		/* An LPI unmapped meanwhile (vgic-its.c) ends here. */
		if (irq->lpi_orphan) {
			kfree(irq);
			continue;
		}
		irq->active = lr & KL_LR_ACTIVE;
		if (lr & KL_LR_PENDING) {
			if (!irq->level_cfg)
				irq->pending_latch = true;
		} else if (irq->level_cfg) {
			/* Acknowledged: a latched level pending is gone. */
			irq->pending_latch = false;
		}
		if (!(lr & KL_LR_STATE) && (lr & KL_LR_EOI) &&
		    irq->intid >= KL_VGIC_NR_PRIVATE)
			acked[nr_acked++] = irq->intid - KL_VGIC_NR_PRIVATE;
		kl_irq_update(d, irq);
	}
	c->nr_lr = 0;
	spin_unlock_irq(&d->lock);
	for (i = 0; i < nr_acked; i++)
		kvmlite_irq_acked(vm, 0, acked[i]);
}

/* Whether @v's MPIDR has affinity @aff (Aff3.Aff2.Aff1.Aff0 as in IROUTER). */
static bool kl_mpidr_is(struct kl_vcpu *v, u64 aff)
{
	u64 m = v->sys[KL_MPIDR];

	return (m & 0xffffff) == (aff & 0xffffff) &&
	       ((m >> 32) & 0xff) == ((aff >> 32) & 0xff);
}

struct kl_vcpu *kl_vgic_mpidr_to_vcpu(struct kvmlite_vm *vm, u64 aff)
{
	struct kvmlite_vcpu *vcpu;
	unsigned long i;

	xa_for_each(&vm->vcpus, i, vcpu) {
		if (kl_mpidr_is(kl_vcpu(vcpu), aff))
			return kl_vcpu(vcpu);
	}
	return NULL;
}

/* ICC_SGI1R_EL1 fields. */
#define KL_SGI_TARGETS		GENMASK_ULL(15, 0)
#define KL_SGI_AFF1_SHIFT	16
#define KL_SGI_INTID_SHIFT	24
#define KL_SGI_AFF2_SHIFT	32
#define KL_SGI_IRM		BIT_ULL(40)
#define KL_SGI_RS_SHIFT		44
#define KL_SGI_AFF3_SHIFT	48

/*
 * A trapped write of ICC_SGI1R_EL1 (@g1) or ICC_SGI0R_EL1/ICC_ASGI1R_EL1:
 * the SGI becomes pending at each target (KVM's vgic_v3_dispatch_sgi(); a
 * Group 0 request makes only Group 0 SGIs pending).
 */
void kl_vgic_sgi(struct kl_vcpu *v, u64 val, bool g1)
{
	struct kl_vgic *d = kl_vm(v->vcpu->vm)->vgic;
	u32 sgi = (val >> KL_SGI_INTID_SHIFT) & 0xf;
	bool all = val & KL_SGI_IRM;
	unsigned long flags;
	struct kl_vcpu *t;
	u64 m, aff;
	u32 aff0, i;

	if (!d)
		return;
	aff = (((val >> KL_SGI_AFF3_SHIFT) & 0xff) << 32) |
	      (((val >> KL_SGI_AFF2_SHIFT) & 0xff) << 16) |
	      (((val >> KL_SGI_AFF1_SHIFT) & 0xff) << 8);
	spin_lock_irqsave(&d->lock, flags);
	for (i = 0; i < d->nr_vcpus; i++) {
		t = d->vcpus[i];
		m = t->sys[KL_MPIDR];
		if (all) {
			if (t == v)
				continue;
		} else {
			aff0 = m & 0xff;
			if (!kl_mpidr_is(t, aff | aff0) ||
			    aff0 / 16 != ((val >> KL_SGI_RS_SHIFT) & 0xf) ||
			    !(val & BIT_ULL(aff0 % 16)))
				continue;
		}
		if (t->vgic.priv[sgi].group && !g1)
			continue;
		t->vgic.priv[sgi].pending_latch = true;
		kl_irq_update(d, &t->vgic.priv[sgi]);
	}
	spin_unlock_irqrestore(&d->lock, flags);
}

/* A vCPU's private interrupts, as KVM resets them. */
void kl_vgic_vcpu_init(struct kl_vcpu *v)
{
	struct kl_irq *irq;
	u32 i;

	v->vgic.rd_base = KL_INVALID_GPA;
	for (i = 0; i < KL_VGIC_NR_PRIVATE; i++) {
		irq = &v->vgic.priv[i];
		irq->intid = i;
		irq->target = v;
		/* SGIs: enabled, edge; PPIs: level. Group 1 (GICv3). */
		irq->enabled = i < KL_VGIC_NR_SGIS;
		irq->level_cfg = i >= KL_VGIC_NR_SGIS;
		irq->group = true;
	}
}
