// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: the guest's EL1 virtual and physical timers.
 *
 * The physical timer is emulated: its registers trap (CNTHCTL_EL2.EL1PCEN is
 * clear) and live in ->sys[]; its counter is the host's physical counter
 * less an offset userspace may set (KVM_REG_ARM_PTIMER_CNT).
 *
 * The guest owns the real CNTV_* registers while it runs (CNTVOFF_EL2 gives
 * it a counter starting near 0). There is no in-kernel interrupt controller:
 * as KVM with a userspace irqchip (KVM_CAP_ARM_USER_IRQ), the timer's output
 * level is reported in kvm_run->s.regs.device_irq_level (both timers), and
 * KVM_RUN returns -EINTR with KVM_EXIT_INTR whenever a level differs from what userspace
 * was last told; userspace then drives the vCPU's IRQ line (KVM_IRQ_LINE).
 *
 * Two things keep that prompt and live while the guest runs:
 *  - a timer that is armed but not yet due: an hrtimer pinned to this CPU
 *    fires at the compare value and its interrupt makes the guest exit (the
 *    timer's own interrupt may be disabled at the host's GIC);
 *  - a timer whose level is high and known to userspace: its interrupt is
 *    marked active at this CPU's redistributor while the guest runs, as KVM
 *    does (kvm_timer_vcpu_load_gic()), or the guest could not make progress
 *    until it masks its timer (every entry would exit at once).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/math64.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <clocksource/arm_arch_timer.h>
#include <asm/arch_timer.h>

#include "arm64.h"

/* Linux IRQ number of the EL1 virtual timer's PPI; 0 if unknown. */
static unsigned int kl_vtimer_irq;

/* The "interrupts" of arm,armv8-timer: secure, non-secure, virtual, hyp. */
#define KL_DT_VIRT_PPI	2

void kl_timer_init(void)
{
	struct device_node *np;

	np = of_find_compatible_node(NULL, NULL, "arm,armv8-timer");
	if (!np)
		np = of_find_compatible_node(NULL, NULL, "arm,armv7-timer");
	if (np) {
		kl_vtimer_irq = irq_of_parse_and_map(np, KL_DT_VIRT_PPI);
		of_node_put(np);
	}
	if (!kl_vtimer_irq)
		pr_warn("no virtual timer interrupt in the device tree: a guest with an unacknowledged timer interrupt may run slowly\n");
}

/* Nanoseconds from counter value @now to @cval; 0 if it is reached. */
static u64 kl_ns_until(u64 now, u64 cval)
{
	if (cval <= now)
		return 0;
	/* Rounded up: waking early would find the timer not yet due. */
	return mul_u64_u64_div_u64(cval - now, NSEC_PER_SEC,
				   arch_timer_get_cntfrq()) + 1;
}

static bool kl_ctl_armed(u64 ctl)
{
	return (ctl & ARCH_TIMER_CTRL_ENABLE) && !(ctl & ARCH_TIMER_CTRL_IT_MASK);
}

/* Nanoseconds until the virtual timer fires; 0 if due or not armed. */
static u64 kl_vtimer_ns_left(struct kl_vcpu *v)
{
	if (!kl_ctl_armed(v->sys[KL_CNTV_CTL]))
		return 0;
	return kl_ns_until(kl_read_cntvct(v), v->sys[KL_CNTV_CVAL]);
}

static u64 kl_ptimer_ns_left(struct kl_vcpu *v)
{
	if (!kl_ctl_armed(v->sys[KL_CNTP_CTL]))
		return 0;
	return kl_ns_until(kl_read_cntpct(v), v->sys[KL_CNTP_CVAL]);
}

/* The output levels of the timers (kvm_timer_should_fire()). */
bool kl_vtimer_level(struct kl_vcpu *v)
{
	return kl_ctl_armed(v->sys[KL_CNTV_CTL]) &&
	       kl_read_cntvct(v) >= v->sys[KL_CNTV_CVAL];
}

bool kl_ptimer_level(struct kl_vcpu *v)
{
	return kl_ctl_armed(v->sys[KL_CNTP_CTL]) &&
	       kl_read_cntpct(v) >= v->sys[KL_CNTP_CVAL];
}

/* CNTP_CTL_EL0 as the guest reads it: ISTATUS once the compare value is met. */
u64 kl_ptimer_ctl(struct kl_vcpu *v)
{
	u64 ctl = v->sys[KL_CNTP_CTL] & ~ARCH_TIMER_CTRL_IT_STAT;

	if ((ctl & ARCH_TIMER_CTRL_ENABLE) &&
	    kl_read_cntpct(v) >= v->sys[KL_CNTP_CVAL])
		ctl |= ARCH_TIMER_CTRL_IT_STAT;
	return ctl;
}

/*
 * How long a vCPU in WFI may sleep before one of its timers fires: the
 * nearest compare value, 0 if no timer is armed and not yet due.
 */
u64 kl_timer_wait_ns(struct kl_vcpu *v)
{
	u64 vns = kl_vtimer_ns_left(v), pns = kl_ptimer_ns_left(v);

	if (!vns || !pns)
		return vns | pns;
	return min(vns, pns);
}

static u64 kl_timer_levels(struct kl_vcpu *v)
{
	return (kl_vtimer_level(v) ? KVM_ARM_DEV_EL1_VTIMER : 0) |
	       (kl_ptimer_level(v) ? KVM_ARM_DEV_EL1_PTIMER : 0);
}

#define KL_DEV_TIMERS	(KVM_ARM_DEV_EL1_VTIMER | KVM_ARM_DEV_EL1_PTIMER)

/* As kvm_timer_should_notify_user(), for both timers. */
bool kl_timer_notify(struct kvmlite_vcpu *vcpu)
{
	u64 told = READ_ONCE(vcpu->run->s.regs.device_irq_level) & KL_DEV_TIMERS;

	return kl_timer_levels(kl_vcpu(vcpu)) != told;
}

/* As kvm_timer_update_run(): tell userspace the timers' levels. */
void kl_timer_update_run(struct kvmlite_vcpu *vcpu)
{
	struct kvm_sync_regs *regs = &vcpu->run->s.regs;

	regs->device_irq_level = (regs->device_irq_level & ~KL_DEV_TIMERS) |
				 kl_timer_levels(kl_vcpu(vcpu));
}

static enum hrtimer_restart kl_timer_expire(struct hrtimer *t)
{
	/* The interrupt alone made the guest exit. */
	return HRTIMER_NORESTART;
}

void kl_timer_vcpu_init(struct kl_vcpu *v)
{
	hrtimer_init(&v->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	v->timer.function = kl_timer_expire;
}

void kl_timer_vcpu_destroy(struct kl_vcpu *v)
{
	hrtimer_cancel(&v->timer);
}

/* Just before entering the guest, interrupts off. */
void kl_timer_guest_enter(struct kl_vcpu *v)
{
	u64 ns;

	v->timer_active = false;
	/* Either timer's compare value makes the guest exit. */
	ns = kl_timer_wait_ns(v);
	if (ns)
		hrtimer_start(&v->timer, ns_to_ktime(ns),
			      HRTIMER_MODE_REL_PINNED_HARD);
	if (kl_vtimer_level(v) && kl_vtimer_irq) {
		v->timer_active = !irq_set_irqchip_state(kl_vtimer_irq,
							 IRQCHIP_STATE_ACTIVE,
							 true);
	}
}

/* Just after the guest exited, its timer silenced, interrupts still off. */
void kl_timer_guest_exit(struct kl_vcpu *v)
{
	hrtimer_try_to_cancel(&v->timer);
	if (v->timer_active)
		irq_set_irqchip_state(kl_vtimer_irq, IRQCHIP_STATE_ACTIVE, false);
	v->timer_active = false;
}
