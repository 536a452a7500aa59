// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86: the in-kernel local APIC, after KVM's arch/x86/kvm/lapic.c,
 * of KVM's split irqchip (KVM_CAP_SPLIT_IRQCHIP) and of the full one
 * (KVM_CREATE_IRQCHIP). Split: the IOAPIC and the PIC stay in userspace,
 * the IOAPIC's pins reach the LAPICs as MSIs through the GSI routes the VMM
 * sets (KVM_IRQ_LINE, irqfds), the PIC's output through KVM_INTERRUPT as an
 * ExtINT. Full: ioapic.c delivers here (kl_lapic_deliver()) and takes the
 * EOIs of its level vectors; the PIC's output is an ExtINT (irqchip.c).
 *
 *  - xAPIC registers in KVM's layout (struct kvm_lapic_state, the page at
 *    the APIC base), read and written by the guest's MMIO accesses, which
 *    the EPT-violation handler decodes and hands here (kl_lapic_mmio())
 *  - interrupt acceptance (fixed, lowest priority as the first match, NMI,
 *    INIT, SIPI), IPIs through the ICR, MSIs (KVM_SIGNAL_MSI, MSI routes),
 *    IRR/ISR/TMR, TPR/PPR, EOI; an EOI of a vector that a level-triggered
 *    MSI route of the reserved IOAPIC GSIs targets at this vCPU exits with
 *    KVM_EXIT_IOAPIC_EOI (KVM's kvm_scan_ioapic_routes(), done at EOI)
 *  - the timer: one-shot, periodic and TSC-deadline (MSR_IA32_TSC_DEADLINE)
 *    on a hard hrtimer, with the VM's bus cycle (KVM's 1 ns unless
 *    KVM_CAP_X86_APIC_BUS_CYCLES_NS) and TMCCT
 *  - the LVT CMCI (0x2f0) when the vCPU has MCG_CMCI_P (KVM_X86_SETUP_MCE),
 *    raised by KVM_X86_SET_MCE's UCNA errors
 *  - INIT/SIPI start of the vCPUs and the mp_states of KVM, in-kernel HLT
 *  - KVM_GET/SET_LAPIC
 *
 * Locking: @lock (a raw spinlock, irqsave: the timer runs in hard IRQ
 * context also on PREEMPT_RT) guards the registers and the timer state; it is
 * taken by the vCPU's thread, by other vCPUs sending IPIs, by MSIs from any
 * context (irqfd wake-ups: interrupts off) and by the timer in hard IRQ
 * context. Nothing else is taken under it; the target is kicked after.
 *
 * x2APIC mode (EXTD in APIC_BASE, offered in KVM_GET_SUPPORTED_CPUID): the
 * registers as MSRs 0x800-0x8ff (kl_lapic_x2apic_msr()), 32-bit IDs and
 * cluster LDRs, the 64-bit ICR, SELF IPI; no KVM_CAP_X2APIC_API (the ID is
 * shown at bits 31:24 in KVM_GET/SET_LAPIC, as KVM without it).
 *
 * Not done: APICv, lowest-priority arbitration, directed EOI.
 */
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>
#include <asm/mce.h>
#include <asm/msr.h>
#include <asm/tsc.h>

#include "x86.h"

#define KL_APIC_VERSION		0x14	/* KVM's APIC_VERSION: integrated */
/* KVM's KVM_APIC_MAX_NR_LVT_ENTRIES: timer .. error, CMCI (MCG_CMCI_P). */
#define KL_APIC_MAX_NR_LVT	7
#define KL_LVT_CMCI		6
#define KL_LVT_MASK		(APIC_LVT_MASKED | APIC_SEND_PENDING | \
				 APIC_VECTOR_MASK)
#define KL_LINT_MASK		(KL_LVT_MASK | APIC_MODE_MASK | \
				 APIC_INPUT_POLARITY | APIC_LVT_REMOTE_IRR | \
				 APIC_LVT_LEVEL_TRIGGER)
#define KL_LVT_TIMER_MODE	(3 << 17)	/* periodic, TSC-deadline */
#define KL_MIN_PERIOD_NS	200000		/* KVM's min_timer_period_us */
/* ICR destination shorthands (KVM's lapic.h). */
#define KL_DEST_NOSHORT		0x00000
#define KL_SHORT_MASK		0xc0000

/* The LVTs in KVM's order (kl_lvt_reg()): apic_lvt_mask[]. */
static const u32 kl_lvt_mask[KL_APIC_MAX_NR_LVT] = {
	KL_LVT_MASK,				/* timer: mode added */
	KL_LVT_MASK | APIC_MODE_MASK,		/* thermal */
	KL_LVT_MASK | APIC_MODE_MASK,		/* performance counters */
	KL_LINT_MASK,				/* LINT0 */
	KL_LINT_MASK,				/* LINT1 */
	KL_LVT_MASK,				/* error */
	KL_LVT_MASK | APIC_MODE_MASK,		/* CMCI */
};

/**
 * struct kl_lapic - a vCPU's local APIC
 * @v:		its vCPU
 * @lock:	see the top of this file
 * @regs:	the register page as KVM_GET_LAPIC shows it
 * @timer:	the timer's hrtimer (hard IRQ mode)
 * @period:	one-shot or periodic: TMICT * divide in ns; 0 none
 * @target:	when the running timer fires (TMCCT counts down to it)
 * @divide:	the divide configuration's divisor
 * @tscdeadline: MSR_IA32_TSC_DEADLINE while in that mode
 * @pending_init: an INIT not yet taken by the vCPU (kl_lapic_accept_events())
 * @pending_sipi: a SIPI not yet taken
 * @sipi_vector: its vector
 * @vapic_addr:	KVM_SET_VAPIC_ADDR's guest address, 0 none
 * @nr_lvt:	LVT entries: 6, 7 with the CMCI one (KVM's nr_lvt_entries)
 */
struct kl_lapic {
	struct kl_vcpu *v;
	raw_spinlock_t lock;	/* see the top of this file */
	u8 regs[KVM_APIC_REG_SIZE] __aligned(16);
	struct hrtimer timer;
	u64 period;
	ktime_t target;
	u32 divide;
	u64 tscdeadline;
	bool pending_init;
	bool pending_sipi;
	u8 sipi_vector;
	u64 vapic_addr;
	int nr_lvt;
};

/* KVM's APIC_LVTx(): the LVTs from APIC_LVTT, CMCI apart. */
static u32 kl_lvt_reg(int i)
{
	return i == KL_LVT_CMCI ? APIC_LVTCMCI : APIC_LVTT + 0x10 * i;
}

static u32 kl_reg(struct kl_lapic *l, u32 off)
{
	return *(u32 *)(l->regs + off);
}

static void kl_reg_set(struct kl_lapic *l, u32 off, u32 val)
{
	*(u32 *)(l->regs + off) = val;
}

/* IRR, ISR and TMR: 8 words of 32 vectors, 16 bytes apart. */
static void kl_vec_set(struct kl_lapic *l, u32 base, u8 vec)
{
	*(u32 *)(l->regs + base + (vec >> 5) * 16) |= BIT(vec & 31);
}

static void kl_vec_clear(struct kl_lapic *l, u32 base, u8 vec)
{
	*(u32 *)(l->regs + base + (vec >> 5) * 16) &= ~BIT(vec & 31);
}

static bool kl_vec_test(struct kl_lapic *l, u32 base, u8 vec)
{
	return *(u32 *)(l->regs + base + (vec >> 5) * 16) & BIT(vec & 31);
}

/* The highest vector set in IRR or ISR, or -1. */
static int kl_vec_highest(struct kl_lapic *l, u32 base)
{
	int i;

	for (i = 7; i >= 0; i--) {
		u32 w = kl_reg(l, base + i * 16);

		if (w)
			return i * 32 + __fls(w);
	}
	return -1;
}

static bool kl_hw_enabled(struct kl_lapic *l)
{
	return l->v->apic_base & MSR_IA32_APICBASE_ENABLE;
}

static bool kl_sw_enabled(struct kl_lapic *l)
{
	return kl_reg(l, APIC_SPIV) & APIC_SPIV_APIC_ENABLED;
}

static bool kl_enabled(struct kl_lapic *l)
{
	return kl_hw_enabled(l) && kl_sw_enabled(l);
}

/* x2APIC mode: enabled with EXTD in APIC_BASE. */
static bool kl_x2apic(struct kl_lapic *l)
{
	u64 mode = MSR_IA32_APICBASE_ENABLE | X2APIC_ENABLE;

	return (l->v->apic_base & mode) == mode;
}

/* KVM's kvm_lapic_lvt_supported(). */
static bool kl_lvt_supported(struct kl_lapic *l, int i)
{
	return l->nr_lvt > i;
}

/* KVM's kvm_apic_calc_nr_lvt_entries(): the CMCI one with MCG_CMCI_P. */
static int kl_calc_nr_lvt(struct kl_vcpu *v)
{
	return KL_APIC_MAX_NR_LVT - !(v->mcg_cap & MCG_CMCI_P);
}

/*
 * KVM's kvm_apic_set_version(): integrated, six or seven LVTs; EOI
 * broadcast suppression (directed EOI) with x2APIC in the vCPU's CPUID and
 * the IOAPIC in userspace.
 */
static u32 kl_lvr(struct kl_lapic *l)
{
	struct kvm_cpuid_entry2 *e = kl_find_cpuid(l->v, 1, 0);
	u32 v = KL_APIC_VERSION | (l->nr_lvt - 1) << 16;

	if (e && (e->ecx & BIT(X86_FEATURE_X2APIC & 31)) &&
	    !kl_vm(l->v->vcpu->vm)->ioapic)
		v |= APIC_LVR_DIRECTED_EOI;
	return v;
}

/* The vCPU's CPUID changed (KVM_SET_CPUID2). */
void kl_lapic_update_version(struct kl_vcpu *v)
{
	struct kl_lapic *l = v->lapic;
	unsigned long flags;

	if (!l)
		return;
	raw_spin_lock_irqsave(&l->lock, flags);
	kl_reg_set(l, APIC_LVR, kl_lvr(l));
	raw_spin_unlock_irqrestore(&l->lock, flags);
}

/*
 * KVM_X86_SETUP_MCE changed MCG_CAP (KVM's kvm_apic_after_set_mcg_cap()):
 * a new LVT CMCI starts masked, the version register shows the count.
 */
void kl_lapic_after_set_mcg_cap(struct kl_vcpu *v)
{
	struct kl_lapic *l = v->lapic;
	unsigned long flags;
	int i, nr;

	if (!l)
		return;
	nr = kl_calc_nr_lvt(v);
	raw_spin_lock_irqsave(&l->lock, flags);
	if (nr != l->nr_lvt) {
		for (i = l->nr_lvt; i < nr; i++)
			kl_reg_set(l, kl_lvt_reg(i), APIC_LVT_MASKED);
		l->nr_lvt = nr;
		kl_reg_set(l, APIC_LVR, kl_lvr(l));
	}
	raw_spin_unlock_irqrestore(&l->lock, flags);
}

/* KVM's kvm_apic_set_x2apic_id(): the vCPU id and the LDR it implies. */
static void kl_set_x2apic_id(struct kl_lapic *l)
{
	u32 id = l->v->vcpu->id;

	kl_reg_set(l, APIC_ID, id);
	kl_reg_set(l, APIC_LDR, ((id >> 4) << 16) | (1 << (id & 0xf)));
}

static u32 kl_timer_mode(struct kl_lapic *l)
{
	return kl_reg(l, APIC_LVTT) & KL_LVT_TIMER_MODE;
}

static void kl_update_ppr(struct kl_lapic *l)
{
	u32 tpr = kl_reg(l, APIC_TASKPRI);
	int isr = kl_vec_highest(l, APIC_ISR);
	u32 isrv = isr < 0 ? 0 : isr;

	kl_reg_set(l, APIC_PROCPRI,
		   (tpr & 0xf0) >= (isrv & 0xf0) ? tpr & 0xff : isrv & 0xf0);
}

/* The vector to deliver now (KVM's apic_has_interrupt_for_ppr()), or -1. */
static int kl_deliverable(struct kl_lapic *l)
{
	int irr;

	if (!kl_enabled(l))
		return -1;
	irr = kl_vec_highest(l, APIC_IRR);
	if (irr < 0 || (irr & 0xf0) <= kl_reg(l, APIC_PROCPRI))
		return -1;
	return irr;
}

/*
 * KVM's __apic_accept_irq(): take an interrupt of delivery mode @dm. Called
 * with @l->lock held; true if the vCPU must be kicked.
 */
static bool kl_accept_irq(struct kl_lapic *l, u32 dm, u8 vec, bool level,
			  bool trig)
{
	struct kl_vcpu *v = l->v;

	switch (dm) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		if (!kl_enabled(l))
			return false;
		if (trig)
			kl_vec_set(l, APIC_TMR, vec);
		else
			kl_vec_clear(l, APIC_TMR, vec);
		kl_vec_set(l, APIC_IRR, vec);
		return true;
	case APIC_DM_NMI:
		WRITE_ONCE(v->pending_nmi, true);
		return true;
	case APIC_DM_INIT:
		/* An INIT level de-assert does nothing. */
		if (trig && !level)
			return false;
		l->pending_init = true;
		return true;
	case APIC_DM_STARTUP:
		l->sipi_vector = vec;
		l->pending_sipi = true;
		return true;
	default:
		/* SMI: no SMM. ExtINT: through KVM_INTERRUPT. */
		return false;
	}
}

/* Whether @l is a destination (KVM's kvm_apic_match_dest()). */
static bool kl_match_dest(struct kl_lapic *l, struct kl_lapic *src,
			  u32 shorthand, u32 dest, bool logical)
{
	u32 ldr, id;

	switch (shorthand) {
	case APIC_DEST_SELF:
		return l == src;
	case APIC_DEST_ALLINC:
		return true;
	case APIC_DEST_ALLBUT:
		return l != src;
	}
	if (kl_x2apic(l)) {
		/*
		 * x2APIC: 32-bit IDs, cluster << 16 | member bits in the
		 * LDR; an xAPIC broadcast from an MSI or the IOAPIC is one
		 * (KVM's x2APIC broadcast quirk).
		 */
		if (dest == 0xffffffff ||
		    (!src && dest == 0xff &&
		     !READ_ONCE(kl_vm(l->v->vcpu->vm)->x2apic_no_bcast_quirk)))
			return true;
		if (!logical)
			return dest == kl_reg(l, APIC_ID);
		ldr = kl_reg(l, APIC_LDR);
		return (ldr >> 16) == (dest >> 16) && (ldr & dest & 0xffff);
	}
	if (!logical) {
		id = kl_reg(l, APIC_ID) >> 24;
		return dest == 0xff || dest == id;
	}
	if (dest == 0xff)
		return true;
	ldr = kl_reg(l, APIC_LDR) >> 24;
	if ((kl_reg(l, APIC_DFR) >> 28) == APIC_DFR_FLAT >> 28)
		return ldr & dest;
	/* Cluster model: the cluster in the high nibble, members in the low. */
	return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf);
}

/*
 * KVM's kvm_irq_delivery_to_apic() through its APIC map: deliver to every
 * matching vCPU (the first one for lowest priority). The number that took it.
 */
static int kl_deliver(struct kvmlite_vm *vm, struct kl_lapic *src,
		      u32 shorthand, u32 dest, bool logical, u32 dm, u8 vec,
		      bool level, bool trig)
{
	/* Pairs with the release in kvmlite_create_vcpu(): set-up vCPUs. */
	unsigned int i, n = smp_load_acquire(&vm->nr_vcpus);
	unsigned long flags;
	int r = 0;

	for (i = 0; i < n; i++) {
		struct kvmlite_vcpu *vcpu = kvmlite_vm_vcpu(vm, i);
		struct kl_lapic *l;
		bool kick;

		if (!vcpu)
			continue;
		l = kl_vcpu(vcpu)->lapic;
		if (!l || !kl_hw_enabled(l))
			continue;
		raw_spin_lock_irqsave(&l->lock, flags);
		if (!kl_match_dest(l, src, shorthand, dest, logical)) {
			raw_spin_unlock_irqrestore(&l->lock, flags);
			continue;
		}
		kick = kl_accept_irq(l, dm, vec, level, trig);
		raw_spin_unlock_irqrestore(&l->lock, flags);
		r += kick;
		if (kick)
			kvmlite_vcpu_kick(vcpu);
		if (dm == APIC_DM_LOWEST && kick)
			break;
	}
	return r;
}

/* The IOAPIC's interrupt of a redirection entry; the number that took it. */
int kl_lapic_deliver(struct kvmlite_vm *vm, u8 dest, bool logical, u32 dm,
		     u8 vec, bool trig)
{
	return kl_deliver(vm, NULL, KL_DEST_NOSHORT, dest, logical, dm, vec,
			  true, trig);
}

/* Whether @v's LAPIC is a destination of @dest. */
bool kl_lapic_match(struct kl_vcpu *v, u8 dest, bool logical)
{
	struct kl_lapic *l = v->lapic;
	unsigned long flags;
	bool r;

	raw_spin_lock_irqsave(&l->lock, flags);
	r = kl_match_dest(l, NULL, KL_DEST_NOSHORT, dest, logical);
	raw_spin_unlock_irqrestore(&l->lock, flags);
	return r;
}

/* Directed EOI on (SPIV bit 12): the IOAPIC's Remote IRR stays. */
bool kl_lapic_directed_eoi(struct kl_vcpu *v)
{
	return READ_ONCE(*(u32 *)(v->lapic->regs + APIC_SPIV)) &
	       APIC_SPIV_DIRECTED_EOI;
}

/* The decoded fields of an MSI (KVM's kvm_set_msi_irq()). */
struct kl_msi {
	u32 dest;
	bool logical;
	u32 dm;
	u8 vec;
	bool level;
	bool trig;
};

static void kl_msi_decode(struct kvmlite_vm *vm, const struct kvm_msi *msi,
			  struct kl_msi *m)
{
	m->dest = (msi->address_lo >> 12) & 0xff;
	/* KVM_X2APIC_API_USE_32BIT_IDS: address_hi holds bits 31:8. */
	if (READ_ONCE(kl_vm(vm)->x2apic_format))
		m->dest |= msi->address_hi & 0xffffff00;
	m->logical = msi->address_lo & BIT(2);
	m->vec = msi->data & 0xff;
	m->dm = msi->data & APIC_MODE_MASK;
	m->level = msi->data & BIT(14);
	m->trig = msi->data & BIT(15);
}

/* arch_ops.set_msi: KVM_SIGNAL_MSI and MSI routes (KVM's kvm_set_msi()). */
int kl_lapic_set_msi(struct kvmlite_vm *vm, const struct kvm_msi *msi)
{
	struct kl_msi m;

	kl_msi_decode(vm, msi, &m);
	return kl_deliver(vm, NULL, KL_DEST_NOSHORT, m.dest, m.logical, m.dm,
			  m.vec, m.level, m.trig);
}

/* --- the timer ---------------------------------------------------------- */

/* KVM's kvm->arch.apic_bus_cycle_ns, fixed before the first vCPU. */
static u64 kl_bus_cycle_ns(struct kl_lapic *l)
{
	return kl_vm(l->v->vcpu->vm)->apic_bus_cycle_ns;
}

/* Deliver LVT entry @lvt's interrupt (KVM's kvm_apic_local_deliver()). */
static bool kl_local_deliver(struct kl_lapic *l, u32 lvt)
{
	u32 val = kl_reg(l, lvt);

	if (!kl_hw_enabled(l) || (val & APIC_LVT_MASKED))
		return false;
	return kl_accept_irq(l, val & APIC_MODE_MASK, val & APIC_VECTOR_MASK,
			     true, val & APIC_LVT_LEVEL_TRIGGER);
}

/* A UCNA error of KVM_X86_SET_MCE: the LVT CMCI's interrupt. */
void kl_lapic_deliver_cmci(struct kl_vcpu *v)
{
	struct kl_lapic *l = v->lapic;
	unsigned long flags;
	bool kick;

	if (!l)
		return;
	raw_spin_lock_irqsave(&l->lock, flags);
	kick = kl_lvt_supported(l, KL_LVT_CMCI) &&
	       kl_local_deliver(l, APIC_LVTCMCI);
	raw_spin_unlock_irqrestore(&l->lock, flags);
	if (kick)
		kvmlite_vcpu_kick(v->vcpu);
}

static enum hrtimer_restart kl_timer_fn(struct hrtimer *t)
{
	struct kl_lapic *l = container_of(t, struct kl_lapic, timer);
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	unsigned long flags;
	bool kick;

	raw_spin_lock_irqsave(&l->lock, flags);
	kick = kl_local_deliver(l, APIC_LVTT);
	if (kl_timer_mode(l) == APIC_LVT_TIMER_TSCDEADLINE) {
		l->tscdeadline = 0;
	} else if (kl_timer_mode(l) == APIC_LVT_TIMER_PERIODIC && l->period) {
		hrtimer_forward_now(t, ns_to_ktime(l->period));
		l->target = hrtimer_get_expires(t);
		ret = HRTIMER_RESTART;
	} else {
		l->target = 0;
	}
	raw_spin_unlock_irqrestore(&l->lock, flags);
	if (kick)
		kvmlite_vcpu_kick(l->v->vcpu);
	return ret;
}

/*
 * Cancel the timer with @l->lock held: the callback takes the lock, so wait
 * for a running one with the lock dropped (flags stay as they are).
 */
static void kl_timer_cancel(struct kl_lapic *l)
{
	while (hrtimer_try_to_cancel(&l->timer) < 0) {
		raw_spin_unlock(&l->lock);
		cpu_relax();
		raw_spin_lock(&l->lock);
	}
}

/* KVM's tmict_to_ns(): the VM's bus cycle times the divisor. */
static u64 kl_tmict_to_ns(struct kl_lapic *l, u32 tmict)
{
	return (u64)tmict * kl_bus_cycle_ns(l) * l->divide;
}

/* One-shot or periodic from TMICT, now (KVM's start_sw_period()). */
static void kl_timer_start(struct kl_lapic *l)
{
	u64 ns = kl_tmict_to_ns(l, kl_reg(l, APIC_TMICT));

	kl_timer_cancel(l);
	l->period = ns;
	if (!ns) {
		l->target = 0;
		return;
	}
	if (kl_timer_mode(l) == APIC_LVT_TIMER_PERIODIC)
		l->period = max_t(u64, ns, KL_MIN_PERIOD_NS);
	l->target = ktime_add_ns(ktime_get(), l->period);
	hrtimer_start(&l->timer, l->target, HRTIMER_MODE_ABS_HARD);
}

/* The guest's TSC now (the VMCS offset may be read: vCPU thread). */
static u64 kl_guest_tsc(struct kl_vcpu *v)
{
	return rdtsc() + kl_vmcs_get(v, TSC_OFFSET);
}

static void kl_deadline_start(struct kl_lapic *l, u64 guest_tsc)
{
	u64 ns = 0;

	kl_timer_cancel(l);
	if (!l->tscdeadline)
		return;
	if (l->tscdeadline > guest_tsc && tsc_khz)
		ns = mul_u64_u32_div(l->tscdeadline - guest_tsc, 1000000,
				     tsc_khz);
	l->target = ktime_add_ns(ktime_get(), ns);
	hrtimer_start(&l->timer, l->target, HRTIMER_MODE_ABS_HARD);
}

/* TMCCT (KVM's apic_get_tmcct()). */
static u32 kl_tmcct(struct kl_lapic *l)
{
	s64 rem;
	u64 ns;

	if (!kl_reg(l, APIC_TMICT) || !l->period ||
	    kl_timer_mode(l) == APIC_LVT_TIMER_TSCDEADLINE)
		return 0;
	rem = ktime_to_ns(ktime_sub(l->target, ktime_get()));
	if (rem < 0)
		rem = 0;
	div64_u64_rem(rem, l->period, &ns);
	return div64_u64(ns, kl_bus_cycle_ns(l) * l->divide);
}

static void kl_update_divide(struct kl_lapic *l)
{
	u32 tdcr = kl_reg(l, APIC_TDCR);
	u32 shift = ((tdcr & 3) | ((tdcr & 8) >> 1)) + 1;

	l->divide = 1 << (shift & 7);
}

/* --- registers ------------------------------------------------------------ */

/* Vector @vec's EOI goes to the userspace IOAPIC (kvm_scan_ioapic_routes()). */
static bool kl_split_ioapic_eoi(struct kl_lapic *l, u8 vec)
{
	struct kvmlite_vm *vm = l->v->vcpu->vm;
	struct kl_vm *kvm = kl_vm(vm);
	struct kvm_msi msi;
	struct kl_msi m;
	u32 gsi;

	for (gsi = 0; gsi < kvm->nr_ioapic_pins; gsi++) {
		if (!kvmlite_irq_route_msi(vm, gsi, &msi))
			continue;
		kl_msi_decode(vm, &msi, &m);
		if (m.trig && m.vec == vec &&
		    kl_match_dest(l, NULL, KL_DEST_NOSHORT, m.dest, m.logical))
			return true;
	}
	return false;
}

/* EOI: the highest in-service vector ends. Lock held; vector or -1. */
static int kl_eoi(struct kl_lapic *l)
{
	int vec = kl_vec_highest(l, APIC_ISR);

	if (vec < 0)
		return -1;
	kl_vec_clear(l, APIC_ISR, vec);
	kl_update_ppr(l);
	return vec;
}

/*
 * The guest's EOI: the highest in-service vector ends and goes to the IOAPIC
 * (KVM's kvm_ioapic_send_eoi()): the in-kernel one, or for the userspace one
 * of the split irqchip the vector to exit with (-1: none).
 */
static int kl_lapic_eoi(struct kl_lapic *l)
{
	struct kl_vcpu *v = l->v;
	struct kl_ioapic *io = kl_vm(v->vcpu->vm)->ioapic;
	unsigned long flags;
	bool level;
	int vec;

	raw_spin_lock_irqsave(&l->lock, flags);
	vec = kl_eoi(l);
	level = vec >= 0 && kl_vec_test(l, APIC_TMR, vec);
	raw_spin_unlock_irqrestore(&l->lock, flags);
	if (vec < 0)
		return -1;
	if (io)
		kl_ioapic_eoi(io, v, vec, level);
	else if (kl_split_ioapic_eoi(l, vec))
		return vec;
	return -1;
}

/* CPUID.1:ECX.TSC_DEADLINE in the vCPU's CPUID (KVM's timer_mode_mask). */
static bool kl_tscdeadline_cpuid(struct kl_vcpu *v)
{
	struct kvm_cpuid_entry2 *e = kl_find_cpuid(v, 1, 0);

	return e && (e->ecx & BIT(X86_FEATURE_TSC_DEADLINE_TIMER & 31));
}

static void kl_lvtt_write(struct kl_lapic *l, u32 val)
{
	bool was_deadline = kl_timer_mode(l) == APIC_LVT_TIMER_TSCDEADLINE;

	val &= kl_lvt_mask[0] | KL_LVT_TIMER_MODE;
	/* As KVM: the TSC-deadline mode only with its CPUID bit. */
	if (!kl_tscdeadline_cpuid(l->v))
		val &= ~APIC_LVT_TIMER_TSCDEADLINE;
	kl_reg_set(l, APIC_LVTT, val);
	if (was_deadline != (kl_timer_mode(l) == APIC_LVT_TIMER_TSCDEADLINE)) {
		kl_timer_cancel(l);
		kl_reg_set(l, APIC_TMICT, 0);
		l->period = 0;
		l->tscdeadline = 0;
	}
}

/*
 * A guest write of a 32-bit register other than EOI (KVM's
 * kvm_lapic_reg_write()). Lock held. An ICR write leaves the IPI to send in
 * *@icr (sent with the lock dropped).
 */
static void kl_apic_write(struct kl_lapic *l, u32 off, u32 val, u64 *icr)
{
	int i;

	switch (off) {
	case APIC_ID:
		kl_reg_set(l, APIC_ID, val & 0xff000000);
		break;
	case APIC_TASKPRI:
		kl_reg_set(l, APIC_TASKPRI, val & 0xff);
		kl_update_ppr(l);
		break;
	case APIC_LDR:
		kl_reg_set(l, APIC_LDR, val & APIC_LDR_MASK);
		break;
	case APIC_DFR:
		kl_reg_set(l, APIC_DFR, val | 0x0fffffff);
		break;
	case APIC_SPIV:
		kl_reg_set(l, APIC_SPIV, val & (0x3ff |
			   (kl_reg(l, APIC_LVR) & APIC_LVR_DIRECTED_EOI ?
			    APIC_SPIV_DIRECTED_EOI : 0)));
		if (!(val & APIC_SPIV_APIC_ENABLED)) {
			for (i = 0; i < l->nr_lvt; i++)
				kl_reg_set(l, kl_lvt_reg(i),
					   kl_reg(l, kl_lvt_reg(i)) |
					   APIC_LVT_MASKED);
		}
		break;
	case APIC_ICR:
		val &= ~APIC_ICR_BUSY;
		kl_reg_set(l, APIC_ICR, val);
		*icr = (u64)kl_reg(l, APIC_ICR2) << 32 | val;
		break;
	case APIC_ICR2:
		kl_reg_set(l, APIC_ICR2, val & 0xff000000);
		break;
	case APIC_LVTT:
		if (!kl_sw_enabled(l))
			val |= APIC_LVT_MASKED;
		kl_lvtt_write(l, val);
		break;
	case APIC_LVTTHMR:
	case APIC_LVTPC:
	case APIC_LVT0:
	case APIC_LVT1:
	case APIC_LVTERR:
		if (!kl_sw_enabled(l))
			val |= APIC_LVT_MASKED;
		kl_reg_set(l, off, val & kl_lvt_mask[(off - APIC_LVTT) >> 4]);
		break;
	case APIC_LVTCMCI:
		/* Ignored without MCG_CMCI_P (x2APIC: #GP, the caller's). */
		if (!kl_lvt_supported(l, KL_LVT_CMCI))
			break;
		if (!kl_sw_enabled(l))
			val |= APIC_LVT_MASKED;
		kl_reg_set(l, off, val & kl_lvt_mask[KL_LVT_CMCI]);
		break;
	case APIC_TMICT:
		if (kl_timer_mode(l) == APIC_LVT_TIMER_TSCDEADLINE)
			break;
		kl_reg_set(l, APIC_TMICT, val);
		kl_timer_start(l);
		break;
	case APIC_TDCR:
		kl_reg_set(l, APIC_TDCR, val & 0xb);
		kl_update_divide(l);
		break;
	default:
		/* ESR, read-only and reserved registers: ignored. */
		break;
	}
}

/* A guest read (KVM's kvm_lapic_reg_read()); 0 for what cannot be read. */
static u32 kl_apic_read(struct kl_lapic *l, u32 off)
{
	switch (off) {
	case APIC_ARBPRI:
	case APIC_EOI:
	case APIC_RRR:
	case APIC_SELF_IPI:
		return 0;
	case APIC_TMCCT:
		return kl_tmcct(l);
	case APIC_PROCPRI:
		kl_update_ppr(l);
		return kl_reg(l, APIC_PROCPRI);
	default:
		if (off < APIC_ID || off >= APIC_TDCR + 0x10 ||
		    (off >= APIC_LVTCMCI && off < APIC_ICR &&
		     !(off == APIC_LVTCMCI && kl_lvt_supported(l, KL_LVT_CMCI))) ||
		    (off > APIC_TMCCT && off < APIC_TDCR))
			return 0;
		return kl_reg(l, off);
	}
}

/* Send the IPI of an ICR write (KVM's kvm_apic_send_ipi()). */
static void kl_send_ipi(struct kl_lapic *l, u64 icr)
{
	/* The destination: ICR2's top byte, all of it in x2APIC mode. */
	u32 dest = kl_x2apic(l) ? icr >> 32 : icr >> 56;

	kl_deliver(l->v->vcpu->vm, l, icr & KL_SHORT_MASK, dest,
		   icr & APIC_DEST_LOGICAL, icr & APIC_MODE_MASK,
		   icr & APIC_VECTOR_MASK, icr & APIC_INT_ASSERT,
		   icr & APIC_INT_LEVELTRIG);
}

/*
 * A guest MMIO access to the APIC page at @gpa: true if the in-kernel LAPIC
 * took it (*@data read or written), with *@eoi the vector whose EOI must go
 * to userspace or -1.
 */
bool kl_lapic_mmio(struct kl_vcpu *v, u64 gpa, u32 len, bool write, u64 *data,
		   int *eoi)
{
	struct kl_lapic *l = v->lapic;
	u32 off = gpa & 0xfff, val;
	unsigned long flags;
	u64 icr = 0;

	*eoi = -1;
	if (!l || !kl_hw_enabled(l) || kl_x2apic(l) ||
	    (gpa & PAGE_MASK) != (v->apic_base & MSR_IA32_APICBASE_BASE))
		return false;
	if (!write) {
		/* As KVM: within one 32-bit register. */
		if ((off & 0xf) + len > 4) {
			*data = 0;
			return true;
		}
		raw_spin_lock_irqsave(&l->lock, flags);
		val = kl_apic_read(l, off & ~0xf);
		raw_spin_unlock_irqrestore(&l->lock, flags);
		*data = val >> ((off & 3) * 8);
		if (len < 4)
			*data &= (1U << (len * 8)) - 1;
		return true;
	}
	/* As KVM: only aligned 32-bit writes do anything. */
	if (len != 4 || (off & 0xf))
		return true;
	if (off == APIC_EOI) {
		*eoi = kl_lapic_eoi(l);
		return true;
	}
	raw_spin_lock_irqsave(&l->lock, flags);
	kl_apic_write(l, off, *data, &icr);
	raw_spin_unlock_irqrestore(&l->lock, flags);
	if (off == APIC_ICR)
		kl_send_ipi(l, icr);
	return true;
}

/* KVM's kvm_lapic_readable_reg_mask() in x2APIC mode. */
static bool kl_x2apic_readable(struct kl_lapic *l, u32 off)
{
	switch (off) {
	case APIC_LVTCMCI:
		return kl_lvt_supported(l, KL_LVT_CMCI);
	case APIC_ID:
	case APIC_LVR:
	case APIC_TASKPRI:
	case APIC_PROCPRI:
	case APIC_LDR:
	case APIC_SPIV:
	case APIC_ESR:
	case APIC_ICR:
	case APIC_LVTT:
	case APIC_LVTTHMR:
	case APIC_LVTPC:
	case APIC_LVT0:
	case APIC_LVT1:
	case APIC_LVTERR:
	case APIC_TMICT:
	case APIC_TMCCT:
	case APIC_TDCR:
		return true;
	}
	/* ISR, TMR, IRR */
	return off >= APIC_ISR && off < APIC_IRR + 0x80;
}

/*
 * RDMSR/WRMSR (the guest's or the VMM's) of x2APIC register MSR @msr
 * (0x800-0x8ff), as KVM's kvm_x2apic_msr_read/write(): 0, or -1 for #GP
 * (not in x2APIC mode, a register without that access, reserved bits).
 * *@eoi as for kl_lapic_mmio().
 */
int kl_lapic_x2apic_msr(struct kl_vcpu *v, u32 msr, u64 *data, bool write,
			int *eoi)
{
	struct kl_lapic *l = v->lapic;
	u32 off = (msr - APIC_BASE_MSR) << 4;
	unsigned long flags;
	u64 icr = 0;

	*eoi = -1;
	if (!l || !kl_x2apic(l))
		return -1;
	if (!write) {
		if (!kl_x2apic_readable(l, off))
			return -1;
		raw_spin_lock_irqsave(&l->lock, flags);
		*data = kl_apic_read(l, off);
		if (off == APIC_ICR)
			*data |= (u64)kl_reg(l, APIC_ICR2) << 32;
		raw_spin_unlock_irqrestore(&l->lock, flags);
		return 0;
	}
	/* Only the ICR is 64 bits wide. */
	if (off != APIC_ICR && (*data >> 32))
		return -1;
	switch (off) {
	case APIC_EOI:
		*eoi = kl_lapic_eoi(l);
		return 0;
	case APIC_SELF_IPI:
		kl_send_ipi(l, APIC_DEST_SELF | (*data & APIC_VECTOR_MASK));
		return 0;
	case APIC_ESR:
		if (*data)
			return -1;
		return 0;
	case APIC_ICR:
		/* KVM's X2APIC_ICR_RESERVED_BITS. */
		if (*data & (GENMASK_ULL(31, 20) | GENMASK_ULL(17, 16) | BIT(13)))
			return -1;
		raw_spin_lock_irqsave(&l->lock, flags);
		kl_reg_set(l, APIC_ICR2, *data >> 32);
		kl_apic_write(l, APIC_ICR, *data, &icr);
		raw_spin_unlock_irqrestore(&l->lock, flags);
		kl_send_ipi(l, icr);
		return 0;
	case APIC_TASKPRI:
	case APIC_SPIV:
	case APIC_LVTT:
	case APIC_LVTTHMR:
	case APIC_LVTPC:
	case APIC_LVT0:
	case APIC_LVT1:
	case APIC_LVTERR:
	case APIC_TMICT:
	case APIC_TDCR:
		break;
	case APIC_LVTCMCI:
		if (!kl_lvt_supported(l, KL_LVT_CMCI))
			return -1;
		break;
	default:
		/* ID, LDR, DFR, ICR2, read-only and reserved registers. */
		return -1;
	}
	raw_spin_lock_irqsave(&l->lock, flags);
	kl_apic_write(l, off, *data, &icr);
	raw_spin_unlock_irqrestore(&l->lock, flags);
	return 0;
}

/* --- the vCPU's side -------------------------------------------------------- */

/*
 * Whether an ExtINT from KVM_INTERRUPT can be taken (KVM's
 * kvm_apic_accept_pic_intr()): LINT0 unmasked in ExtINT mode, or the APIC
 * disabled.
 */
bool kl_lapic_accept_extint(struct kl_vcpu *v)
{
	struct kl_lapic *l = v->lapic;
	u32 lvt0;

	if (!l || !kl_hw_enabled(l))
		return true;
	lvt0 = READ_ONCE(*(u32 *)(l->regs + APIC_LVT0));
	return !(lvt0 & APIC_LVT_MASKED) &&
	       (lvt0 & APIC_MODE_MASK) == APIC_DM_EXTINT;
}

/* Whether the LAPIC has an interrupt to deliver now. */
bool kl_lapic_has_interrupt(struct kl_vcpu *v)
{
	struct kl_lapic *l = v->lapic;
	unsigned long flags;
	int vec;

	raw_spin_lock_irqsave(&l->lock, flags);
	vec = kl_deliverable(l);
	raw_spin_unlock_irqrestore(&l->lock, flags);
	return vec >= 0;
}

/* Take the interrupt to inject at this entry: IRR to ISR. -1 if none. */
int kl_lapic_ack(struct kl_vcpu *v)
{
	struct kl_lapic *l = v->lapic;
	unsigned long flags;
	int vec;

	raw_spin_lock_irqsave(&l->lock, flags);
	vec = kl_deliverable(l);
	if (vec >= 0) {
		kl_vec_clear(l, APIC_IRR, vec);
		kl_vec_set(l, APIC_ISR, vec);
		kl_update_ppr(l);
	}
	raw_spin_unlock_irqrestore(&l->lock, flags);
	return vec;
}

/* INIT or SIPI waiting for the vCPU. */
bool kl_lapic_pending_init_sipi(struct kl_vcpu *v)
{
	struct kl_lapic *l = v->lapic;

	return l && (READ_ONCE(l->pending_init) || READ_ONCE(l->pending_sipi));
}

/*
 * KVM's kvm_apic_accept_events(): INIT resets the vCPU (the BSP runs, an AP
 * waits for SIPI), SIPI starts a waiting AP at vector << 12. vCPU thread.
 */
void kl_lapic_accept_events(struct kl_vcpu *v)
{
	struct kl_lapic *l = v->lapic;
	unsigned long flags;
	bool init, sipi;
	u8 vec;

	if (!l)
		return;
	raw_spin_lock_irqsave(&l->lock, flags);
	init = l->pending_init;
	sipi = l->pending_sipi;
	vec = l->sipi_vector;
	l->pending_init = false;
	l->pending_sipi = false;
	raw_spin_unlock_irqrestore(&l->lock, flags);
	if (init) {
		kl_vcpu_init_reset(v);
		v->mp_state = (v->apic_base & MSR_IA32_APICBASE_BSP) ?
			      KVM_MP_STATE_RUNNABLE : KVM_MP_STATE_INIT_RECEIVED;
	}
	if (sipi && v->mp_state == KVM_MP_STATE_INIT_RECEIVED) {
		kl_vcpu_sipi(v, vec);
		v->mp_state = KVM_MP_STATE_RUNNABLE;
	}
}

/* KVM_SET_MP_STATE(SIPI_RECEIVED): the last SIPI's vector again. */
void kl_lapic_sipi_pending(struct kl_vcpu *v)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&v->lapic->lock, flags);
	v->lapic->pending_sipi = true;
	raw_spin_unlock_irqrestore(&v->lapic->lock, flags);
}

/* KVM_SET_VCPU_EVENTS' sipi_vector: the vector a pending SIPI starts at. */
void kl_lapic_set_sipi_vector(struct kl_vcpu *v, u8 vec)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&v->lapic->lock, flags);
	v->lapic->sipi_vector = vec;
	raw_spin_unlock_irqrestore(&v->lapic->lock, flags);
}

/* MOV to CR8 and KVM_SET_REGS' side: TPR = CR8 << 4. */
void kl_lapic_set_cr8(struct kl_vcpu *v, u64 cr8)
{
	struct kl_lapic *l = v->lapic;
	unsigned long flags;

	raw_spin_lock_irqsave(&l->lock, flags);
	kl_reg_set(l, APIC_TASKPRI, (cr8 & 15) << 4);
	kl_update_ppr(l);
	raw_spin_unlock_irqrestore(&l->lock, flags);
}

u64 kl_lapic_get_cr8(struct kl_vcpu *v)
{
	return (READ_ONCE(*(u32 *)(v->lapic->regs + APIC_TASKPRI)) >> 4) & 15;
}

/* MSR_IA32_TSC_DEADLINE (KVM's kvm_{get,set}_lapic_tscdeadline_msr()). */
u64 kl_lapic_get_tscdeadline(struct kl_vcpu *v)
{
	struct kl_lapic *l = v->lapic;

	if (!l || kl_timer_mode(l) != APIC_LVT_TIMER_TSCDEADLINE)
		return 0;
	return l->tscdeadline;
}

void kl_lapic_set_tscdeadline(struct kl_vcpu *v, u64 data)
{
	struct kl_lapic *l = v->lapic;
	unsigned long flags;
	u64 tsc;

	if (!l || kl_timer_mode(l) != APIC_LVT_TIMER_TSCDEADLINE)
		return;
	tsc = kl_guest_tsc(v);
	raw_spin_lock_irqsave(&l->lock, flags);
	l->tscdeadline = data;
	kl_deadline_start(l, tsc);
	raw_spin_unlock_irqrestore(&l->lock, flags);
}

/*
 * MSR_IA32_APICBASE (KVM's kvm_set_apic_base()): bits above the guest's
 * MAXPHYADDR and the reserved ones refused, x2APIC only with its CPUID bit
 * and no in-kernel LAPIC (kvmlite's does not do x2APIC), no x2APIC to xAPIC
 * nor disabled to x2APIC from the guest. An APIC enabled again gets its ID
 * back.
 */
int kl_lapic_set_base(struct kl_vcpu *v, u64 data, bool host)
{
	struct kvm_cpuid_entry2 *e = kl_find_cpuid(v, 0x80000008, 0);
	u32 maxpa = e ? e->eax & 0xff : 36;
	u64 rsvd = GENMASK_ULL(63, min(maxpa, 63U)) | 0x2ff, old = v->apic_base;
	u64 mode = MSR_IA32_APICBASE_ENABLE | X2APIC_ENABLE;
	struct kl_lapic *l = v->lapic;
	unsigned long flags;

	e = kl_find_cpuid(v, 1, 0);
	if (!e || !(e->ecx & BIT(X86_FEATURE_X2APIC & 31)))
		rsvd |= X2APIC_ENABLE;
	if ((data & rsvd) || (data & mode) == X2APIC_ENABLE)
		return -1;
	if (!host && (((old & mode) == mode && (data & mode) ==
		       MSR_IA32_APICBASE_ENABLE) ||
		      (!(old & mode) && (data & mode) == mode)))
		return -1;
	v->apic_base = data;
	if (!l)
		return 0;
	raw_spin_lock_irqsave(&l->lock, flags);
	/*
	 * As KVM: enabling sets the xAPIC ID, entering x2APIC its ID and LDR,
	 * the VMM's return from x2APIC to xAPIC the xAPIC ID again.
	 */
	if (data & ~old & MSR_IA32_APICBASE_ENABLE)
		kl_reg_set(l, APIC_ID, v->vcpu->id << 24);
	if ((old ^ data) & X2APIC_ENABLE) {
		if (data & X2APIC_ENABLE)
			kl_set_x2apic_id(l);
		else if (data & MSR_IA32_APICBASE_ENABLE)
			kl_reg_set(l, APIC_ID, v->vcpu->id << 24);
	}
	raw_spin_unlock_irqrestore(&l->lock, flags);
	return 0;
}

/* KVM's kvm_lapic_reset(); @init: by an INIT (the APIC base stays). */
void kl_lapic_reset(struct kl_vcpu *v, bool init)
{
	struct kl_lapic *l = v->lapic;
	unsigned long flags;
	u32 id;
	int i;

	if (!l)
		return;
	raw_spin_lock_irqsave(&l->lock, flags);
	kl_timer_cancel(l);
	/* As KVM: the xAPIC ID is set at RESET, kept by INIT. */
	id = init ? kl_reg(l, APIC_ID) : v->vcpu->id << 24;
	memset(l->regs, 0, sizeof(l->regs));
	kl_reg_set(l, APIC_ID, id);
	kl_reg_set(l, APIC_LVR, kl_lvr(l));
	for (i = 0; i < l->nr_lvt; i++)
		kl_reg_set(l, kl_lvt_reg(i), APIC_LVT_MASKED);
	/* KVM_X86_QUIRK_LINT0_REENABLED: the BSP takes the PIC's ExtINT. */
	if (kl_is_bsp(v))
		kl_reg_set(l, APIC_LVT0, APIC_DM_EXTINT);
	kl_reg_set(l, APIC_DFR, 0xffffffff);
	/* An INIT keeps the x2APIC ID and LDR. */
	if (init && kl_x2apic(l))
		kl_set_x2apic_id(l);
	kl_reg_set(l, APIC_SPIV, 0xff);
	l->period = 0;
	l->target = 0;
	l->tscdeadline = 0;
	l->pending_init = false;
	l->pending_sipi = false;
	kl_update_divide(l);
	raw_spin_unlock_irqrestore(&l->lock, flags);
}

/* --- KVM_GET/SET_LAPIC ------------------------------------------------------ */

long kl_lapic_get_state(struct kl_vcpu *v, void __user *argp)
{
	struct kl_lapic *l = v->lapic;
	struct kvm_lapic_state *s;
	unsigned long flags;
	long r = 0;

	if (!l)
		return -EINVAL;
	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	raw_spin_lock_irqsave(&l->lock, flags);
	memcpy(s->regs, l->regs, sizeof(s->regs));
	*(u32 *)(s->regs + APIC_TMCCT) = kl_tmcct(l);
	/*
	 * KVM's kvm_apic_state_fixup(): the x2APIC ID in the xAPIC place, or
	 * as it is with KVM_X2APIC_API_USE_32BIT_IDS.
	 */
	if (kl_x2apic(l) && !READ_ONCE(kl_vm(v->vcpu->vm)->x2apic_format))
		*(u32 *)(s->regs + APIC_ID) <<= 24;
	raw_spin_unlock_irqrestore(&l->lock, flags);
	if (copy_to_user(argp, s, sizeof(*s)))
		r = -EFAULT;
	kfree(s);
	return r;
}

long kl_lapic_set_state(struct kl_vcpu *v, void __user *argp)
{
	struct kl_lapic *l = v->lapic;
	struct kvm_lapic_state *s;
	unsigned long flags;
	u64 tsc;

	if (!l)
		return -EINVAL;
	s = memdup_user(argp, sizeof(*s));
	if (IS_ERR(s))
		return PTR_ERR(s);
	/*
	 * KVM's kvm_apic_state_fixup(): the x2APIC ID is read-only (with
	 * KVM_X2APIC_API_USE_32BIT_IDS another one is EINVAL), the LDR
	 * follows it.
	 */
	if (kl_x2apic(l) && READ_ONCE(kl_vm(v->vcpu->vm)->x2apic_format) &&
	    *(u32 *)(s->regs + APIC_ID) != v->vcpu->id) {
		kfree(s);
		return -EINVAL;
	}
	tsc = kl_guest_tsc(v);
	raw_spin_lock_irqsave(&l->lock, flags);
	kl_timer_cancel(l);
	memcpy(l->regs, s->regs, sizeof(l->regs));
	if (kl_x2apic(l))
		kl_set_x2apic_id(l);
	/* As KVM's kvm_apic_set_state(): the version is KVM's own. */
	kl_reg_set(l, APIC_LVR, kl_lvr(l));
	kl_reg_set(l, APIC_TMCCT, 0);
	kl_reg_set(l, APIC_LVTT, kl_reg(l, APIC_LVTT) &
		   (kl_lvt_mask[0] | KL_LVT_TIMER_MODE));
	kl_update_divide(l);
	kl_update_ppr(l);
	l->period = 0;
	l->target = 0;
	if (kl_timer_mode(l) != APIC_LVT_TIMER_TSCDEADLINE)
		kl_timer_start(l);
	else
		kl_deadline_start(l, tsc);
	raw_spin_unlock_irqrestore(&l->lock, flags);
	kfree(s);
	kvmlite_vcpu_kick(v->vcpu);
	return 0;
}

/*
 * KVM_SET_VAPIC_ADDR (QEMU's kvmvapic TPR patching): the guest page where the
 * TPR, the highest ISR and IRR are mirrored around each entry.
 */
long kl_lapic_set_vapic_addr(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_vapic_addr va;

	if (!v->lapic)
		return -EINVAL;
	if (copy_from_user(&va, argp, sizeof(va)))
		return -EFAULT;
	/* As KVM's gfn_to_hva_cache_init(): four bytes of guest memory. */
	if (va.vapic_addr &&
	    (!kvmlite_gpa_is_memory(v->vcpu->vm, va.vapic_addr) ||
	     !kvmlite_gpa_is_memory(v->vcpu->vm, va.vapic_addr + 3)))
		return -EINVAL;
	v->lapic->vapic_addr = va.vapic_addr;
	return 0;
}

/* Before entry (KVM's kvm_lapic_sync_to_vapic()). */
void kl_lapic_sync_to_vapic(struct kl_vcpu *v)
{
	struct kl_lapic *l = v->lapic;
	unsigned long flags;
	int irr, isr;
	u32 data;

	if (!l || !l->vapic_addr)
		return;
	raw_spin_lock_irqsave(&l->lock, flags);
	irr = max(kl_vec_highest(l, APIC_IRR), 0);
	isr = max(kl_vec_highest(l, APIC_ISR), 0);
	data = (kl_reg(l, APIC_TASKPRI) & 0xff) | (isr & 0xf0) << 8 | irr << 24;
	raw_spin_unlock_irqrestore(&l->lock, flags);
	kvmlite_write_guest(v->vcpu->vm, l->vapic_addr, &data, sizeof(data));
}

/* After an exit (KVM's kvm_lapic_sync_from_vapic()): the guest's TPR. */
void kl_lapic_sync_from_vapic(struct kl_vcpu *v)
{
	struct kl_lapic *l = v->lapic;
	unsigned long flags;
	u32 data;

	if (!l || !l->vapic_addr ||
	    kvmlite_read_guest(v->vcpu->vm, l->vapic_addr, &data, sizeof(data)))
		return;
	raw_spin_lock_irqsave(&l->lock, flags);
	kl_reg_set(l, APIC_TASKPRI, data & 0xff);
	kl_update_ppr(l);
	raw_spin_unlock_irqrestore(&l->lock, flags);
}

/* --- life cycle ------------------------------------------------------------- */

int kl_lapic_create(struct kl_vcpu *v)
{
	struct kl_lapic *l;

	l = kzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);
	if (!l)
		return -ENOMEM;
	l->v = v;
	l->nr_lvt = kl_calc_nr_lvt(v);
	raw_spin_lock_init(&l->lock);
	hrtimer_init(&l->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	l->timer.function = kl_timer_fn;
	v->lapic = l;
	kl_lapic_reset(v, false);
	return 0;
}

void kl_lapic_destroy(struct kl_vcpu *v)
{
	if (!v->lapic)
		return;
	hrtimer_cancel(&v->lapic->timer);
	kfree(v->lapic);
	v->lapic = NULL;
}
