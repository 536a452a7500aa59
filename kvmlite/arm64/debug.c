// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: the guest's self-hosted debug and userspace's
 * debugging of the guest (KVM_SET_GUEST_DEBUG), as arch/arm64/kvm/debug.c.
 *
 * The breakpoint and watchpoint registers and MDSCR_EL1 are shared with the
 * host. The guest's accesses to them trap (MDCR_EL2.TDA, TDOSA) and are kept
 * in the vCPU; on entry, with debug exceptions masked at EL2, the registers
 * the guest (or userspace, KVM_GUESTDBG_USE_HW) programmed replace the
 * host's, which come back on exit. With the guest's OS Lock set, its
 * breakpoints, watchpoints and software step are off (BRK still works).
 * While userspace debugs the guest (KVM_GUESTDBG_ENABLE), MDCR_EL2.TDE
 * routes the guest's debug exceptions to EL2 and they reach userspace as
 * KVM_EXIT_DEBUG; KVM_GUESTDBG_SINGLESTEP steps one instruction a run.
 */
#include <linux/kvm.h>
#include <linux/uaccess.h>
#include <asm/debug-monitors.h>
#include <asm/esr.h>
#include <asm/sysreg.h>

#include "arm64.h"

#define KL_GUESTDBG_VALID	(KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP | \
				 KVM_GUESTDBG_USE_HW | KVM_GUESTDBG_SINGLESTEP)
#define KL_MDCR_TDE		BIT(8)
#define KL_SPSR_SS		BIT(21)

/* Breakpoints and watchpoints of this CPU (ID_AA64DFR0_EL1.BRPs, WRPs). */
static unsigned int kl_nr_brps(void)
{
	return ((read_sysreg(id_aa64dfr0_el1) >> 12) & 0xf) + 1;
}

static unsigned int kl_nr_wrps(void)
{
	return ((read_sysreg(id_aa64dfr0_el1) >> 20) & 0xf) + 1;
}

/* Register n of one kind: a constant encoding per case. */
#define KL_DBG_RD(n, reg)	case n: return read_sysreg(reg##n##_el1)
#define KL_DBG_WR(n, reg)	case n: write_sysreg(val, reg##n##_el1); break
#define KL_DBG_CASES(op, reg)						\
	op(0, reg); op(1, reg); op(2, reg); op(3, reg);			\
	op(4, reg); op(5, reg); op(6, reg); op(7, reg);			\
	op(8, reg); op(9, reg); op(10, reg); op(11, reg);		\
	op(12, reg); op(13, reg); op(14, reg); op(15, reg)

enum { KL_BVR, KL_BCR, KL_WVR, KL_WCR };

static u64 kl_dbg_read(int kind, unsigned int n)
{
	switch (kind) {
	case KL_BVR:
		switch (n) { KL_DBG_CASES(KL_DBG_RD, dbgbvr); }
		break;
	case KL_BCR:
		switch (n) { KL_DBG_CASES(KL_DBG_RD, dbgbcr); }
		break;
	case KL_WVR:
		switch (n) { KL_DBG_CASES(KL_DBG_RD, dbgwvr); }
		break;
	case KL_WCR:
		switch (n) { KL_DBG_CASES(KL_DBG_RD, dbgwcr); }
		break;
	}
	return 0;
}

static void kl_dbg_write(int kind, unsigned int n, u64 val)
{
	switch (kind) {
	case KL_BVR:
		switch (n) { KL_DBG_CASES(KL_DBG_WR, dbgbvr); }
		break;
	case KL_BCR:
		switch (n) { KL_DBG_CASES(KL_DBG_WR, dbgbcr); }
		break;
	case KL_WVR:
		switch (n) { KL_DBG_CASES(KL_DBG_WR, dbgwvr); }
		break;
	case KL_WCR:
		switch (n) { KL_DBG_CASES(KL_DBG_WR, dbgwcr); }
		break;
	}
}

/* Save this CPU's registers to @save (if any) and load @regs. */
static void kl_dbg_switch(struct kl_debug_regs *save,
			  const struct kl_debug_regs *regs)
{
	unsigned int i, nb = kl_nr_brps(), nw = kl_nr_wrps();

	for (i = 0; i < nb; i++) {
		if (save) {
			save->bvr[i] = kl_dbg_read(KL_BVR, i);
			save->bcr[i] = kl_dbg_read(KL_BCR, i);
		}
		kl_dbg_write(KL_BVR, i, regs->bvr[i]);
		kl_dbg_write(KL_BCR, i, regs->bcr[i]);
	}
	for (i = 0; i < nw; i++) {
		if (save) {
			save->wvr[i] = kl_dbg_read(KL_WVR, i);
			save->wcr[i] = kl_dbg_read(KL_WCR, i);
		}
		kl_dbg_write(KL_WVR, i, regs->wvr[i]);
		kl_dbg_write(KL_WCR, i, regs->wcr[i]);
	}
}

static void kl_dbg_from_guest(struct kl_debug_regs *d, const u64 *sys)
{
	memcpy(d->bvr, &sys[KL_DBGBVR0], sizeof(d->bvr));
	memcpy(d->bcr, &sys[KL_DBGBCR0], sizeof(d->bcr));
	memcpy(d->wvr, &sys[KL_DBGWVR0], sizeof(d->wvr));
	memcpy(d->wcr, &sys[KL_DBGWCR0], sizeof(d->wcr));
}

/*
 * Called with interrupts and debug exceptions masked, after the guest's EL1
 * state is loaded and before MDCR_EL2 is: loads what the guest's debug
 * needs into the hardware, saving the host's in @host. Returns the
 * MDCR_EL2 bits to add (TDE while userspace debugs the guest).
 */
u64 kl_debug_enter(struct kl_vcpu *v, struct kl_debug_host *host)
{
	u64 mdscr = v->sys[KL_MDSCR];
	struct kl_debug_regs guest;
	u32 ctl = v->guest_debug;

	if (v->sys[KL_OSLSR] & BIT(1))
		mdscr &= ~(DBG_MDSCR_MDE | DBG_MDSCR_KDE | DBG_MDSCR_SS);
	if (ctl & KVM_GUESTDBG_SINGLESTEP) {
		/* Active-pending: take the step exception at once. */
		if (!v->ss_pending)
			v->gp.pstate |= KL_SPSR_SS;
		mdscr |= DBG_MDSCR_SS;
	} else if (ctl) {
		mdscr &= ~DBG_MDSCR_SS;
	}
	if (ctl & KVM_GUESTDBG_USE_HW)
		mdscr |= DBG_MDSCR_MDE;
	write_sysreg(mdscr, mdscr_el1);

	host->switched = (ctl & KVM_GUESTDBG_USE_HW) ||
			 (mdscr & (DBG_MDSCR_MDE | DBG_MDSCR_KDE));
	if (host->switched) {
		if (ctl & KVM_GUESTDBG_USE_HW) {
			kl_dbg_switch(&host->regs, &v->ext_debug);
		} else {
			kl_dbg_from_guest(&guest, v->sys);
			kl_dbg_switch(&host->regs, &guest);
		}
	}
	isb();
	return ctl ? KL_MDCR_TDE : 0;
}

/* After the guest, interrupts still masked: the host's registers again. */
void kl_debug_exit(struct kl_vcpu *v, struct kl_debug_host *host)
{
	if (host->switched)
		kl_dbg_switch(NULL, &host->regs);
	if (v->guest_debug & KVM_GUESTDBG_SINGLESTEP)
		v->ss_pending = !(v->gp.pstate & KL_SPSR_SS);
}

/*
 * The guest's PC moved past an instruction the host emulated: the step
 * state machine advances (kvm_skip_instr() clears PSTATE.SS), so a step in
 * progress ends at the next instruction, without running it.
 */
void kl_debug_skipped(struct kl_vcpu *v)
{
	v->gp.pstate &= ~KL_SPSR_SS;
	if (v->guest_debug & KVM_GUESTDBG_SINGLESTEP)
		v->ss_pending = true;
}

/*
 * A debug exception the guest took to EL2 while userspace debugs it:
 * KVM_EXIT_DEBUG with its syndrome (kvm_handle_guest_debug()).
 */
int kl_debug_exit_to_user(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	struct kvm_run *run = vcpu->run;
	u64 esr = v->gp.esr;

	run->exit_reason = KVM_EXIT_DEBUG;
	run->debug.arch.hsr = lower_32_bits(esr);
	run->debug.arch.hsr_high = upper_32_bits(esr);
	run->flags = KVM_DEBUG_ARCH_HSR_HIGH_VALID;
	switch (ESR_ELx_EC(esr)) {
	case ESR_ELx_EC_WATCHPT_LOW:
		run->debug.arch.far = v->gp.far;
		break;
	case ESR_ELx_EC_SOFTSTP_LOW:
		v->ss_pending = false;
		break;
	}
	return 0;
}

/* KVM_SET_GUEST_DEBUG (kvm_arch_vcpu_ioctl_set_guest_debug()). */
int kl_set_guest_debug(struct kl_vcpu *v, const void __user *argp)
{
	struct kvm_guest_debug dbg;

	if (copy_from_user(&dbg, argp, sizeof(dbg)))
		return -EFAULT;
	if (dbg.control & ~KL_GUESTDBG_VALID)
		return -EINVAL;
	if (!(dbg.control & KVM_GUESTDBG_ENABLE)) {
		v->guest_debug = 0;
		v->ss_pending = false;
		return 0;
	}
	v->guest_debug = dbg.control;
	if (dbg.control & KVM_GUESTDBG_USE_HW) {
		memcpy(v->ext_debug.bvr, dbg.arch.dbg_bvr, sizeof(v->ext_debug.bvr));
		memcpy(v->ext_debug.bcr, dbg.arch.dbg_bcr, sizeof(v->ext_debug.bcr));
		memcpy(v->ext_debug.wvr, dbg.arch.dbg_wvr, sizeof(v->ext_debug.wvr));
		memcpy(v->ext_debug.wcr, dbg.arch.dbg_wcr, sizeof(v->ext_debug.wcr));
	}
	return 0;
}

/* KVM_CAP_GUEST_DEBUG_HW_BPS / _WPS: what this system has. */
long kl_debug_nr_hw(bool watchpoints)
{
	return watchpoints ? kl_nr_wrps() : kl_nr_brps();
}
