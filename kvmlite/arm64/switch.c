// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: the VHE world switch and the KVM_RUN loop.
 *
 * The host kernel runs at EL2 with HCR_EL2.{E2H,TGE} = {1,1}. To run the
 * guest, with interrupts masked at PSTATE:
 *  - the EL2 controls are set for the guest: HCR_EL2 with TGE clear and
 *    stage-2 on, IMO/FMO/AMO (physical interrupts go to EL2, so an interrupt
 *    makes the guest exit even though PSTATE.I is set) and traps of WFI/WFE,
 *    SMC, debug and PMU registers and of the EL1 physical timer; CPTR_EL2
 *    lets the guest use FP/SIMD (its registers are loaded here, the host's
 *    having been saved by kernel_neon_begin()); VTTBR_EL2/VTCR_EL2 select the
 *    VM's stage-2 tables and VMID;
 *  - the guest's EL1 registers are loaded through the _EL12/_EL02 aliases and
 *    the EL1 registers shared with the host (TPIDR_EL0, MDSCR_EL1, ...) are
 *    saved first;
 *  - VBAR_EL2 points to kvmlite_vectors until the guest has exited.
 * After the exit everything is put back, then interrupts are unmasked: an
 * interrupt that made the guest exit is then taken by the host as usual.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/kvm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/sched/stat.h>
#include <linux/stddef.h>
#include <linux/wait.h>
#include <asm/arch_timer.h>
#include <asm/barrier.h>
#include <asm/esr.h>
#include <asm/kvm_arm.h>
#include <asm/neon.h>
#include <asm/sysreg.h>
#include <asm/tlbflush.h>

#include "arm64.h"

#define CREATE_TRACE_POINTS
#include "arm64_trace.h"

static_assert(offsetof(struct kl_gp_regs, sp_el0) == 248);
static_assert(offsetof(struct kl_gp_regs, pc) == 256);
static_assert(offsetof(struct kl_gp_regs, pstate) == 264);
static_assert(offsetof(struct kl_gp_regs, esr) == 272);
static_assert(offsetof(struct kl_gp_regs, far) == 280);
static_assert(offsetof(struct kl_gp_regs, hpfar) == 288);

/*
 * The guest's ID registers (TID3), REVIDR/AIDR (TID1), ACTLR_EL1 (TACR) and
 * LORegions (TLOR) trap, so that it sees its CPU model (idregs.c); so do the
 * cache description registers (TID2 or TID4: kl_vm->hcr_cache, chosen once
 * when the model is final).
 */
#define KL_HCR_GUEST	(HCR_VM | HCR_RW | HCR_E2H | HCR_IMO | HCR_FMO | \
			 HCR_AMO | HCR_TWI | HCR_TWE | HCR_TSC | HCR_BSU_IS | \
			 HCR_FB | HCR_PTW | HCR_SWIO | HCR_TID3 | HCR_TID1 | \
			 HCR_TACR | HCR_TLOR)

/* CPTR_EL2 in its E2H (CPACR_EL1) layout: FP/SIMD on, SVE and SME trapped. */
#define KL_CPTR_FPEN		(3UL << 20)

/* MDCR_EL2: trap PMU, debug, OS lock, debug ROM, SPE and trace filter. */
#define KL_MDCR_HPMN		GENMASK_ULL(4, 0)
#define KL_MDCR_TRAPS		(BIT(5) | BIT(6) | BIT(9) | BIT(10) | BIT(11) | \
				 BIT(14) | BIT(19))

/* CNTHCTL_EL2 with E2H: EL1 physical counter and timer access. */
#define KL_CNTHCTL_EL1PCTEN	BIT(10)
#define KL_CNTHCTL_EL1PCEN	BIT(11)

struct kl_host_state {
	u64 hcr, vbar, cptr, mdcr, cnthctl, vttbr, vtcr, cntvoff;
	u64 vmpidr, vpidr;
	u64 tpidr_el0, tpidrro_el0, mdscr, par, daif;
};

static void kl_save_host(struct kl_host_state *h)
{
	h->daif = read_sysreg(daif);
	/* No debug exception at EL2 while the guest's debug state is in. */
	write_sysreg(h->daif | PSR_D_BIT, daif);
	h->hcr = read_sysreg(hcr_el2);
	h->vbar = read_sysreg(vbar_el2);
	h->cptr = read_sysreg(cpacr_el1);	/* CPTR_EL2 under E2H */
	h->mdcr = read_sysreg(mdcr_el2);
	h->cnthctl = read_sysreg(cnthctl_el2);
	h->vttbr = read_sysreg(vttbr_el2);
	h->vtcr = read_sysreg(vtcr_el2);
	h->cntvoff = read_sysreg(cntvoff_el2);
	h->vmpidr = read_sysreg(vmpidr_el2);
	h->vpidr = read_sysreg(vpidr_el2);
	h->tpidr_el0 = read_sysreg(tpidr_el0);
	h->tpidrro_el0 = read_sysreg(tpidrro_el0);
	h->mdscr = read_sysreg(mdscr_el1);
	h->par = read_sysreg(par_el1);
}

static void kl_restore_host(struct kl_host_state *h)
{
	write_sysreg(h->hcr, hcr_el2);
	isb();
	write_sysreg(h->vbar, vbar_el2);
	write_sysreg(h->cptr, cpacr_el1);
	write_sysreg(h->mdcr, mdcr_el2);
	write_sysreg(h->cnthctl, cnthctl_el2);
	write_sysreg(h->vttbr, vttbr_el2);
	write_sysreg(h->vtcr, vtcr_el2);
	write_sysreg(h->cntvoff, cntvoff_el2);
	write_sysreg(h->vmpidr, vmpidr_el2);
	write_sysreg(h->vpidr, vpidr_el2);
	write_sysreg(h->tpidr_el0, tpidr_el0);
	write_sysreg(h->tpidrro_el0, tpidrro_el0);
	write_sysreg(h->mdscr, mdscr_el1);
	write_sysreg(h->par, par_el1);
	isb();
	/* Debug and SError masks as before the entry; IRQs stay masked. */
	write_sysreg(h->daif, daif);
}

static void kl_load_guest_el1(struct kl_vcpu *v)
{
	u64 *s = v->sys;

	write_sysreg_s(s[KL_SCTLR], KL_SCTLR_EL12);
	write_sysreg_s(s[KL_CPACR], KL_CPACR_EL12);
	write_sysreg_s(s[KL_TTBR0], KL_TTBR0_EL12);
	write_sysreg_s(s[KL_TTBR1], KL_TTBR1_EL12);
	write_sysreg_s(s[KL_TCR], KL_TCR_EL12);
	write_sysreg_s(s[KL_SPSR], KL_SPSR_EL12);
	write_sysreg_s(s[KL_ELR], KL_ELR_EL12);
	write_sysreg_s(s[KL_AFSR0], KL_AFSR0_EL12);
	write_sysreg_s(s[KL_AFSR1], KL_AFSR1_EL12);
	write_sysreg_s(s[KL_ESR], KL_ESR_EL12);
	write_sysreg_s(s[KL_FAR], KL_FAR_EL12);
	write_sysreg_s(s[KL_MAIR], KL_MAIR_EL12);
	write_sysreg_s(s[KL_AMAIR], KL_AMAIR_EL12);
	write_sysreg_s(s[KL_VBAR], KL_VBAR_EL12);
	write_sysreg_s(s[KL_CONTEXTIDR], KL_CONTEXTIDR_EL12);
	write_sysreg_s(s[KL_CNTKCTL], KL_CNTKCTL_EL12);
	write_sysreg(s[KL_SP_EL1], sp_el1);
	write_sysreg(s[KL_TPIDR_EL1], tpidr_el1);
	write_sysreg(s[KL_TPIDR_EL0], tpidr_el0);
	write_sysreg(s[KL_TPIDRRO_EL0], tpidrro_el0);
	write_sysreg(s[KL_PAR], par_el1);
	write_sysreg(s[KL_CSSELR], csselr_el1);
	write_sysreg(s[KL_MPIDR], vmpidr_el2);
	write_sysreg(read_cpuid_id(), vpidr_el2);
	/* The virtual timer: offset, then compare value, then control. */
	write_sysreg(v->cntvoff, cntvoff_el2);
	write_sysreg_s(s[KL_CNTV_CVAL], KL_CNTV_CVAL_EL02);
	write_sysreg_s(s[KL_CNTV_CTL], KL_CNTV_CTL_EL02);
}

static void kl_save_guest_el1(struct kl_vcpu *v)
{
	u64 *s = v->sys;

	s[KL_SCTLR] = read_sysreg_s(KL_SCTLR_EL12);
	s[KL_CPACR] = read_sysreg_s(KL_CPACR_EL12);
	s[KL_TTBR0] = read_sysreg_s(KL_TTBR0_EL12);
	s[KL_TTBR1] = read_sysreg_s(KL_TTBR1_EL12);
	s[KL_TCR] = read_sysreg_s(KL_TCR_EL12);
	s[KL_SPSR] = read_sysreg_s(KL_SPSR_EL12);
	s[KL_ELR] = read_sysreg_s(KL_ELR_EL12);
	s[KL_AFSR0] = read_sysreg_s(KL_AFSR0_EL12);
	s[KL_AFSR1] = read_sysreg_s(KL_AFSR1_EL12);
	s[KL_ESR] = read_sysreg_s(KL_ESR_EL12);
	s[KL_FAR] = read_sysreg_s(KL_FAR_EL12);
	s[KL_MAIR] = read_sysreg_s(KL_MAIR_EL12);
	s[KL_AMAIR] = read_sysreg_s(KL_AMAIR_EL12);
	s[KL_VBAR] = read_sysreg_s(KL_VBAR_EL12);
	s[KL_CONTEXTIDR] = read_sysreg_s(KL_CONTEXTIDR_EL12);
	s[KL_CNTKCTL] = read_sysreg_s(KL_CNTKCTL_EL12);
	s[KL_SP_EL1] = read_sysreg(sp_el1);
	s[KL_TPIDR_EL1] = read_sysreg(tpidr_el1);
	s[KL_TPIDR_EL0] = read_sysreg(tpidr_el0);
	s[KL_TPIDRRO_EL0] = read_sysreg(tpidrro_el0);
	s[KL_PAR] = read_sysreg(par_el1);
	s[KL_CSSELR] = read_sysreg(csselr_el1);
	s[KL_CNTV_CTL] = read_sysreg_s(KL_CNTV_CTL_EL02);
	s[KL_CNTV_CVAL] = read_sysreg_s(KL_CNTV_CVAL_EL02);
	/*
	 * Silence the guest's timer while the host runs: its interrupt line
	 * must not stay asserted (the host has no handler for it).
	 */
	write_sysreg_s(0, KL_CNTV_CTL_EL02);
}

/* One trip into the guest; returns the KL_EXIT_* kind, -1 if not entered. */
static int kl_enter_guest(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	struct kl_vm *s2 = kl_vm(vcpu->vm);
	struct kl_host_state host;
	struct kl_debug_host dbg;
	u64 hcr = KL_HCR_GUEST | s2->hcr_cache;
	bool vgic = READ_ONCE(s2->vgic);
	u64 cnthctl, mdcr, sre = 0;
	int ret;

	kernel_neon_begin();
	local_irq_disable();
	WRITE_ONCE(vcpu->cpu, smp_processor_id());
	/* Pairs with the barrier in kvmlite_vcpu_kick(). */
	smp_store_mb(vcpu->mode, KVMLITE_IN_GUEST);
	if (signal_pending(current) || need_resched()) {
		/* Orders the exit after what the loop did in guest mode. */
		smp_store_release(&vcpu->mode, KVMLITE_OUTSIDE_GUEST);
		local_irq_enable();
		kernel_neon_end();
		return -1;
	}
	/* After IN_GUEST: an interrupt made pending from now on kicks us. */
	if (vgic)
		kl_vgic_flush(v);
	/* Before the switch: a tracer's code runs as the host. */
	trace_kvm_entry(v->gp.pc);
	/* PAuth instructions and key registers are the guest's own. */
	if (v->has_pauth)
		hcr |= HCR_API | HCR_APK;
	if (!vgic && (READ_ONCE(v->irq_lines) & BIT(KVM_ARM_IRQ_CPU_IRQ)))
		hcr |= HCR_VI;
	if (!vgic && (READ_ONCE(v->irq_lines) & BIT(KVM_ARM_IRQ_CPU_FIQ)))
		hcr |= HCR_VF;

	kl_save_host(&host);
	kl_timer_guest_enter(v);
	kvmlite_fp_load(&v->fp);
	kl_load_guest_el1(v);
	if (vgic)
		kl_vgic_load(v, &sre);
	else
		kl_vgic_trap_all(true);
	/* MDSCR_EL1 and the debug registers (the isb below covers them). */
	mdcr = kl_debug_enter(v, &dbg);
	write_sysreg(KL_CPTR_FPEN, cpacr_el1);
	write_sysreg((host.mdcr & KL_MDCR_HPMN) | KL_MDCR_TRAPS | mdcr, mdcr_el2);
	/* The physical timer is emulated; so is its counter if offset. */
	cnthctl = host.cnthctl & ~(KL_CNTHCTL_EL1PCEN | KL_CNTHCTL_EL1PCTEN);
	if (!v->cntpoff)
		cnthctl |= KL_CNTHCTL_EL1PCTEN;
	write_sysreg(cnthctl, cnthctl_el2);
	write_sysreg(s2->vtcr, vtcr_el2);
	write_sysreg(s2->vttbr, vttbr_el2);
	write_sysreg(hcr, hcr_el2);
	write_sysreg((unsigned long)kvmlite_vectors, vbar_el2);
	isb();
	/*
	 * The VMID may also be one of the in-kernel KVM's: start with no TLB
	 * entry of that VMID on this CPU, and leave none behind (below).
	 */
	__tlbi(vmalls12e1);
	dsb(nsh);
	isb();

	ret = kvmlite_guest_enter(&v->gp, v->has_pauth ? &v->keys : NULL);

	__tlbi(vmalls12e1);
	dsb(nsh);
	kl_save_guest_el1(v);
	if (vgic)
		kl_vgic_save(v, sre);
	else
		kl_vgic_trap_all(false);
	kvmlite_fp_save(&v->fp);
	kl_debug_exit(v, &dbg);
	kl_restore_host(&host);
	kl_timer_guest_exit(v);

	/* Orders the guest state saved above before OUTSIDE_GUEST is seen. */
	smp_store_release(&vcpu->mode, KVMLITE_OUTSIDE_GUEST);
	local_irq_enable();
	kernel_neon_end();
	if (vgic)
		kl_vgic_fold(v);
	return ret;
}

/*
 * An interrupt for the vCPU: a CPU line or a timer level userspace does not
 * know yet, or with a vGIC one the guest would take.
 */
static bool kl_irq_wakeup(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);

	if (kl_has_vgic(vcpu->vm))
		return kl_vgic_pending(v);
	return READ_ONCE(v->irq_lines) || kl_timer_notify(vcpu);
}

/* As kvm_arch_vcpu_runnable(), plus the events that stop or reset it. */
static bool kl_vcpu_wakeup(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);

	return READ_ONCE(v->reset_pending) || READ_ONCE(v->power_off) ||
	       kl_irq_wakeup(vcpu);
}

/*
 * Halt polling, as KVM's kvm_vcpu_halt(): before sleeping, a vCPU in WFI
 * spins for up to its own window, which grows (from 10 us, doubling) while
 * halts end within halt_poll_ns, and halves (to 0 below 10 us) after a
 * longer one or a wake-up that is not an interrupt. Never while another
 * task wants the CPU. The counts are KVM's halt_*poll* statistics.
 */
static unsigned int halt_poll_ns = 500000;
module_param(halt_poll_ns, uint, 0644);
MODULE_PARM_DESC(halt_poll_ns, "Maximum time a vCPU in WFI polls before sleeping (ns; KVM's arm64 default)");

#define KL_HALT_POLL_GROW_START	10000

/*
 * Spin until a wake-up or the end of the window; whether it woke, the time
 * of the last look in @end. With a vGIC the full check (its lock) runs only
 * when the vGIC kicked this vCPU, a timer fell due or the power state
 * changed, so that the poller does not hold up the vCPU sending it an
 * interrupt.
 */
static bool kl_halt_poll(struct kvmlite_vcpu *vcpu, ktime_t start, u32 ns,
			 ktime_t *end)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	ktime_t stop = ktime_add_ns(start, ns), now = start, due;
	bool vgic = kl_has_vgic(vcpu->vm), check = true;
	u64 tns = kl_timer_wait_ns(v);
	u32 seq = 0;

	due = tns ? ktime_add_ns(start, tns) : KTIME_MAX;
	do {
		if (check || !vgic || READ_ONCE(v->vgic.kick_seq) != seq ||
		    !ktime_before(now, due) || READ_ONCE(v->reset_pending) ||
		    READ_ONCE(v->power_off)) {
			seq = READ_ONCE(v->vgic.kick_seq);
			if (kl_vcpu_wakeup(vcpu)) {
				*end = now;
				return true;
			}
			check = false;
		}
		cpu_relax();
		now = ktime_get();
	} while (single_task_running() && !need_resched() &&
		 !signal_pending(current) && ktime_before(now, stop));
	*end = now;
	return false;
}

/* The next window after a halt of @halt_ns (@woken: by an interrupt). */
static void kl_halt_poll_adapt(struct kl_vcpu *v, bool woken, u64 halt_ns)
{
	u32 max = kvmlite_max_halt_poll_ns(v->vcpu->vm, READ_ONCE(halt_poll_ns));
	u32 cur = v->halt_poll_ns;

	if (!max)
		cur = 0;
	else if (!woken || (cur && halt_ns > max))
		cur = cur / 2 < KL_HALT_POLL_GROW_START ? 0 : cur / 2;
	else if (halt_ns > cur && cur < max && halt_ns < max)
		cur = min(max, max_t(u32, cur * 2, KL_HALT_POLL_GROW_START));
	v->halt_poll_ns = cur;
}

/* Sleep until a wake-up or a signal; whether it slept at all. */
static bool kl_block(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	u64 *stats = vcpu->stats, ns;
	bool waited = false;

	kvmlite_stat_add(&stats[KVMLITE_STAT_BLOCKING], 1);
	while (!kl_vcpu_wakeup(vcpu) && !signal_pending(current)) {
		waited = true;
		ns = kl_timer_wait_ns(v);
		if (ns)
			wait_event_interruptible_hrtimeout(vcpu->wq,
							   kl_vcpu_wakeup(vcpu),
							   ns_to_ktime(ns));
		else
			wait_event_interruptible(vcpu->wq,
						 kl_vcpu_wakeup(vcpu));
	}
	WRITE_ONCE(stats[KVMLITE_STAT_BLOCKING], 0);
	return waited;
}

/*
 * WFI: poll (above), then sleep until an IRQ or FIQ line is raised, the
 * virtual timer's level changes (an hrtimer wakes us at its compare value),
 * the vCPU is stopped or reset by another, or a signal arrives.
 */
static void kl_wfi(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	bool polled, woken = false, waited = false;
	u64 *stats = vcpu->stats, poll_ns;
	ktime_t start, poll_end, now;

	if (kl_vcpu_wakeup(vcpu) || signal_pending(current))
		return;
	start = ktime_get();
	poll_end = start;
	polled = v->halt_poll_ns;
	if (polled)
		woken = kl_halt_poll(vcpu, start, v->halt_poll_ns, &poll_end);
	if (!woken) {
		waited = kl_block(vcpu);
		woken = kl_vcpu_wakeup(vcpu);
	}
	now = ktime_get();
	if (waited) {
		kvmlite_stat_add(&stats[KVMLITE_STAT_HALT_WAIT_NS],
				 ktime_to_ns(ktime_sub(now, poll_end)));
		if (woken)
			kvmlite_stat_add(&stats[KVMLITE_STAT_HALT_WAKEUP], 1);
	}
	if (polled) {
		poll_ns = ktime_to_ns(ktime_sub(poll_end, start));
		kvmlite_stat_add(&stats[KVMLITE_STAT_HALT_ATTEMPTED_POLL], 1);
		if (waited) {
			kvmlite_stat_add(&stats[KVMLITE_STAT_HALT_POLL_FAIL_NS],
					 poll_ns);
		} else {
			kvmlite_stat_add(&stats[KVMLITE_STAT_HALT_SUCCESSFUL_POLL],
					 1);
			kvmlite_stat_add(&stats[KVMLITE_STAT_HALT_POLL_SUCCESS_NS],
					 poll_ns);
			if (!woken)
				kvmlite_stat_add(&stats[KVMLITE_STAT_HALT_POLL_INVALID],
						 1);
		}
	}
	kl_halt_poll_adapt(v, woken, ktime_to_ns(ktime_sub(now, start)));
}

static int kl_internal_error(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->internal.ndata = 2;
	run->internal.data[0] = v->gp.esr;
	run->internal.data[1] = v->gp.pc;
	return 0;
}

static int kl_handle_sync(struct kvmlite_vcpu *vcpu, u64 esr);

/* The ARM_EXCEPTION_* code KVM's kvm_exit shows for an exit @kind. */
static int kl_trace_exception(int kind)
{
	switch (kind) {
	case KL_EXIT_SYNC:
		return KVMLITE_EXCEPTION_TRAP;
	case KL_EXIT_SERROR:
		return KVMLITE_EXCEPTION_EL1_SERROR;
	case KL_EXIT_AARCH32:
		return KVMLITE_EXCEPTION_IL;
	default:
		return KVMLITE_EXCEPTION_IRQ;
	}
}

/* 1: re-enter the guest, 0: to userspace, < 0: error for KVM_RUN. */
static int kl_handle_exit(struct kvmlite_vcpu *vcpu, int kind)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	u64 esr = v->gp.esr, pc = v->gp.pc;
	int r;

	if (kind >= 0) {
		kl_stat_inc(v, KVMLITE_STAT_EXITS);
		trace_kvm_exit(kl_trace_exception(kind), ESR_ELx_EC(esr),
			       v->gp.pc);
	}
	switch (kind) {
	case -1:
	case KL_EXIT_IRQ:
	case KL_EXIT_FIQ:
		return 1;
	case KL_EXIT_SYNC:
		break;
	default:
		return kl_internal_error(vcpu);
	}

	r = kl_handle_sync(vcpu, esr);
	/* An instruction emulated and stepped over: the step advances. */
	if (v->gp.pc != pc)
		kl_debug_skipped(v);
	return r;
}

static int kl_handle_sync(struct kvmlite_vcpu *vcpu, u64 esr)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);

	switch (ESR_ELx_EC(esr)) {
	case ESR_ELx_EC_WFx:
		v->gp.pc += 4;
		if (esr & ESR_ELx_WFx_ISS_WFE) {
			kl_stat_inc(v, KL_STAT_WFE_EXITS);
		} else {
			kl_stat_inc(v, KL_STAT_WFI_EXITS);
			kl_wfi(vcpu);
		}
		return 1;
	case ESR_ELx_EC_HVC64:
		kl_stat_inc(v, KL_STAT_HVC_EXITS);
		trace_kvm_hvc_arm64(v->gp.pc, v->gp.regs[0],
				    esr & ESR_ELx_xVC_IMM_MASK);
		return kl_handle_smccc(vcpu);
	case ESR_ELx_EC_SMC64:
		/* A trapped SMC returns to itself: step over it. */
		v->gp.pc += 4;
		return kl_handle_smccc(vcpu);
	case ESR_ELx_EC_SYS64:
		return kl_handle_sysreg(v);
	case ESR_ELx_EC_DABT_LOW:
	case ESR_ELx_EC_IABT_LOW:
		return kl_handle_abort(vcpu);
	case ESR_ELx_EC_SOFTSTP_LOW:
	case ESR_ELx_EC_BREAKPT_LOW:
	case ESR_ELx_EC_WATCHPT_LOW:
	case ESR_ELx_EC_BRK64:
		/* Routed to EL2 (MDCR_EL2.TDE) only while userspace debugs. */
		if (!v->guest_debug)
			return kl_internal_error(vcpu);
		return kl_debug_exit_to_user(vcpu);
	case ESR_ELx_EC_SVE:
	case ESR_ELx_EC_SME:
	case ESR_ELx_EC_PAC:
	case ESR_ELx_EC_UNKNOWN:
		/*
		 * Features the guest's CPU model does not have (SVE, SME,
		 * PAuth), used anyway: an UNDEF, as KVM gives.
		 */
		kl_inject_undef(v);
		return 1;
	default:
		return kl_internal_error(vcpu);
	}
}

/* Apply a CPU_ON from another vCPU, or sleep while powered off. */
/*
 * The reset a PSCI CPU_ON asked for, if any: done by the vCPU's own thread
 * (vcpu->mutex held), at its next KVM_RUN or register access, as KVM's
 * KVM_REQ_VCPU_RESET. Returns whether there was one.
 */
bool kl_apply_pending_reset(struct kl_vcpu *v)
{
	u64 pc, x0;

	spin_lock(&v->lock);
	if (!v->reset_pending) {
		spin_unlock(&v->lock);
		return false;
	}
	pc = v->reset_pc;
	x0 = v->reset_x0;
	v->reset_pending = false;
	spin_unlock(&v->lock);
	kl_vcpu_reset(v);
	v->gp.pc = pc;
	v->gp.regs[0] = x0;
	return true;
}

static int kl_power_state(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	bool off;

	if (kl_apply_pending_reset(v))
		return 1;
	spin_lock(&v->lock);
	off = v->power_off;
	spin_unlock(&v->lock);
	if (!off)
		return 1;
	/* As KVM: a stopped vCPU sleeps in KVM_RUN until a signal. */
	wait_event_interruptible(vcpu->wq, !READ_ONCE(v->power_off) ||
				 READ_ONCE(v->reset_pending));
	return 0;
}

/*
 * A vCPU userspace suspended (KVM_MP_STATE_SUSPENDED) waits as in WFI; once
 * it could run, KVM_RUN returns KVM_SYSTEM_EVENT_WAKEUP, and the state
 * stays until userspace makes it RUNNABLE (kvm_vcpu_suspend()). 1: go on,
 * 0: to userspace.
 */
static int kl_suspended(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	struct kvm_run *run = vcpu->run;

	if (!READ_ONCE(v->suspended))
		return 1;
	kl_wfi(vcpu);
	if (!kl_irq_wakeup(vcpu))
		return 1;	/* a signal, or a power state change */
	memset(&run->system_event, 0, sizeof(run->system_event));
	run->system_event.type = KVM_SYSTEM_EVENT_WAKEUP;
	run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	return 0;
}

static int kl_run_loop(struct kvmlite_vcpu *vcpu)
{
	int r;

	for (;;) {
		r = kvmlite_vcpu_check_exit(vcpu);
		if (r)
			return r;
		if (kl_power_state(vcpu) <= 0)
			continue;
		if (!kl_suspended(vcpu))
			return 0;
		if (READ_ONCE(kl_vcpu(vcpu)->suspended))
			continue;
		/* A userspace irqchip hears of timer level changes. */
		if (!kl_has_vgic(vcpu->vm) && kl_timer_notify(vcpu)) {
			vcpu->run->exit_reason = KVM_EXIT_INTR;
			return -EINTR;
		}
		kl_vcpu(vcpu)->has_run = true;
		kl_pvtime_update(kl_vcpu(vcpu));
		r = kl_handle_exit(vcpu, kl_enter_guest(vcpu));
		if (r <= 0)
			return r;
	}
}

int kl_vcpu_run(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	struct kvm_run *run = vcpu->run;
	int r;

	/* As KVM: an MMIO exit is completed even with immediate_exit set. */
	if (run->exit_reason == KVM_EXIT_MMIO && v->mmio_needed)
		kl_mmio_complete(vcpu);
	/* As KVM: -EINTR, exit_reason left as it was. */
	if (kvmlite_run_immediate_exit(run))
		return -EINTR;

	run->exit_reason = KVM_EXIT_UNKNOWN;
	run->flags = 0;
	r = kl_run_loop(vcpu);
	if (!kl_has_vgic(vcpu->vm))
		kl_timer_update_run(vcpu);
	return r;
}
