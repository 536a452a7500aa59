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
#define RD(n, reg)	case n: return read_sysreg(reg##n##_el1)
#define WR(n, reg)	case n: write_sysreg(val, reg##n##_el1); break

enum { KL_BVR, KL_BCR, KL_WVR, KL_WCR };

static u64 kl_dbg_read(int kind, unsigned int n)
{
	switch (kind) {
	case KL_BVR:
		switch (n) {
		RD(0, dbgbvr); RD(1, dbgbvr); RD(2, dbgbvr); RD(3, dbgbvr);
		RD(4, dbgbvr); RD(5, dbgbvr); RD(6, dbgbvr); RD(7, dbgbvr);
		RD(8, dbgbvr); RD(9, dbgbvr); RD(10, dbgbvr); RD(11, dbgbvr);
		RD(12, dbgbvr); RD(13, dbgbvr); RD(14, dbgbvr); RD(15, dbgbvr);
		}
		break;
	case KL_BCR:
		switch (n) {
		RD(0, dbgbcr); RD(1, dbgbcr); RD(2, dbgbcr); RD(3, dbgbcr);
		RD(4, dbgbcr); RD(5, dbgbcr); RD(6, dbgbcr); RD(7, dbgbcr);
		RD(8, dbgbcr); RD(9, dbgbcr); RD(10, dbgbcr); RD(11, dbgbcr);
		RD(12, dbgbcr); RD(13, dbgbcr); RD(14, dbgbcr); RD(15, dbgbcr);
		}
		break;
	case KL_WVR:
		switch (n) {
		RD(0, dbgwvr); RD(1, dbgwvr); RD(2, dbgwvr); RD(3, dbgwvr);
		RD(4, dbgwvr); RD(5, dbgwvr); RD(6, dbgwvr); RD(7, dbgwvr);
		RD(8, dbgwvr); RD(9, dbgwvr); RD(10, dbgwvr); RD(11, dbgwvr);
		RD(12, dbgwvr); RD(13, dbgwvr); RD(14, dbgwvr); RD(15, dbgwvr);
		}
		break;
	case KL_WCR:
		switch (n) {
		RD(0, dbgwcr); RD(1, dbgwcr); RD(2, dbgwcr); RD(3, dbgwcr);
		RD(4, dbgwcr); RD(5, dbgwcr); RD(6, dbgwcr); RD(7, dbgwcr);
		RD(8, dbgwcr); RD(9, dbgwcr); RD(10, dbgwcr); RD(11, dbgwcr);
		RD(12, dbgwcr); RD(13, dbgwcr); RD(14, dbgwcr); RD(15, dbgwcr);
		}
		break;
	}
	return 0;
}

static void kl_dbg_write(int kind, unsigned int n, u64 val)
{
	switch (kind) {
	case KL_BVR:
		switch (n) {
		WR(0, dbgbvr); WR(1, dbgbvr); WR(2, dbgbvr); WR(3, dbgbvr);
		WR(4, dbgbvr); WR(5, dbgbvr); WR(6, dbgbvr); WR(7, dbgbvr);
		WR(8, dbgbvr); WR(9, dbgbvr); WR(10, dbgbvr); WR(11, dbgbvr);
		WR(12, dbgbvr); WR(13, dbgbvr); WR(14, dbgbvr); WR(15, dbgbvr);
		}
		break;
	case KL_BCR:
		switch (n) {
		WR(0, dbgbcr); WR(1, dbgbcr); WR(2, dbgbcr); WR(3, dbgbcr);
		WR(4, dbgbcr); WR(5, dbgbcr); WR(6, dbgbcr); WR(7, dbgbcr);
		WR(8, dbgbcr); WR(9, dbgbcr); WR(10, dbgbcr); WR(11, dbgbcr);
		WR(12, dbgbcr); WR(13, dbgbcr); WR(14, dbgbcr); WR(15, dbgbcr);
		}
		break;
	case KL_WVR:
		switch (n) {
		WR(0, dbgwvr); WR(1, dbgwvr); WR(2, dbgwvr); WR(3, dbgwvr);
		WR(4, dbgwvr); WR(5, dbgwvr); WR(6, dbgwvr); WR(7, dbgwvr);
		WR(8, dbgwvr); WR(9, dbgwvr); WR(10, dbgwvr); WR(11, dbgwvr);
		WR(12, dbgwvr); WR(13, dbgwvr); WR(14, dbgwvr); WR(15, dbgwvr);
		}
		break;
	case KL_WCR:
		switch (n) {
		WR(0, dbgwcr); WR(1, dbgwcr); WR(2, dbgwcr); WR(3, dbgwcr);
		WR(4, dbgwcr); WR(5, dbgwcr); WR(6, dbgwcr); WR(7, dbgwcr);
		WR(8, dbgwcr); WR(9, dbgwcr); WR(10, dbgwcr); WR(11, dbgwcr);
		WR(12, dbgwcr); WR(13, dbgwcr); WR(14, dbgwcr); WR(15, dbgwcr);
		}
		break;
	}
}

#undef RD
#undef WR

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
