// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86: debugging of the guest by the VMM (KVM_SET_GUEST_DEBUG), as
 * KVM's x86.c and vmx.c do it:
 *  - KVM_GUESTDBG_USE_SW_BP: #BP is intercepted, INT3 exits with
 *    KVM_EXIT_DEBUG (exception 3, pc at the INT3);
 *  - KVM_GUESTDBG_USE_HW_BP: the VMM's DR0-3 and DR7 are in the hardware
 *    instead of the guest's (which it still reads and writes), #DB exits
 *    with DR6 in run->debug.arch; a MOV DR under DR7.GD exits too;
 *  - KVM_GUESTDBG_SINGLESTEP: RFLAGS.TF is set for the guest (and hidden
 *    from KVM_GET_REGS), each instruction exits with DR6.BS, including the
 *    ones kvmlite emulates (kl_step_trap());
 *  - KVM_GUESTDBG_INJECT_DB / INJECT_BP queue that exception for the guest
 *    (EBUSY while one is pending), for a VMM passing on the guest's own;
 *  - KVM_GUESTDBG_BLOCKIRQ: no interrupt is injected while it is set.
 * The guest's own RFLAGS.TF on an emulated instruction gets its #DB here
 * too, as it would from the hardware.
 */
#include <linux/uaccess.h>
#include <asm/debugreg.h>

#include "x86.h"

/* DR6 with no condition reported (KVM's DR6_ACTIVE_LOW). */
#define KL_DR6_ACTIVE_LOW	0xffff0ff0ULL
#define KL_DR6_BD		BIT(13)	/* a MOV DR under DR7.GD */
#define KL_DR7_GD		BIT(13)

/* CS.base + RIP outside 64-bit mode (KVM's kvm_get_linear_rip()). */
u64 kl_linear_rip(struct kl_vcpu *v)
{
	if (kl_long64(v))
		return v->rip;
	return (u32)(kl_vmcs_get(v, GUEST_CS_BASE) + v->rip);
}

/* RFLAGS as the VMM sees it: without the TF single-stepping added. */
u64 kl_get_rflags(struct kl_vcpu *v)
{
	if (v->guest_debug & KVM_GUESTDBG_SINGLESTEP)
		return v->rflags & ~X86_EFLAGS_TF;
	return v->rflags;
}

/*
 * As KVM's __kvm_set_rflags(): TF is added back while single-stepping
 * if RIP is still where KVM_SET_GUEST_DEBUG found it.
 */
void kl_set_rflags(struct kl_vcpu *v, u64 rflags)
{
	if ((v->guest_debug & KVM_GUESTDBG_SINGLESTEP) &&
	    kl_linear_rip(v) == v->singlestep_rip)
		rflags |= X86_EFLAGS_TF;
	v->rflags = rflags | X86_EFLAGS_FIXED;
}

/* GUEST_DR7 after a change of either DR7 (kl_hw_dr7()). */
void kl_update_dr7(struct kl_vcpu *v)
{
	kl_vmcs_set(v, GUEST_DR7, kl_hw_dr7(v));
}

/* The guest's DR7 (MOV DR, KVM_SET_DEBUGREGS, reset). */
void kl_set_dr7(struct kl_vcpu *v, u64 dr7)
{
	v->dr7 = dr7;
	kl_update_dr7(v);
}

/* DR0-3 in the hardware while the guest runs with breakpoints armed. */
const u64 *kl_hw_db(struct kl_vcpu *v)
{
	return (v->guest_debug & KVM_GUESTDBG_USE_HW_BP) ? v->dbg_db : v->dr;
}

/* Give the guest a #DB with @dr6 bits (KVM's kvm_queue_exception_p()). */
void kl_queue_db(struct kl_vcpu *v, u64 dr6)
{
	v->dr6 = (v->dr6 & ~(u64)DR_TRAP_BITS) | KL_DR6_ACTIVE_LOW | dr6;
	/* The processor clears GD on the way to the #DB handler. */
	if (dr6 & KL_DR6_BD)
		kl_set_dr7(v, v->dr7 & ~(u64)KL_DR7_GD);
	kl_inject_exception(v, DB_VECTOR, false, 0);
}

static void kl_debug_exit(struct kl_vcpu *v, u8 vector, u64 dr6)
{
	struct kvm_run *run = v->vcpu->run;

	run->exit_reason = KVM_EXIT_DEBUG;
	run->debug.arch.exception = vector;
	run->debug.arch.pc = kl_linear_rip(v);
	if (vector == DB_VECTOR) {
		run->debug.arch.dr6 = dr6 | KL_DR6_ACTIVE_LOW;
		run->debug.arch.dr7 = kl_hw_dr7(v);
	}
}

/*
 * The instruction kvmlite emulated retired with RFLAGS.TF set (kl_skip()):
 * a KVM_EXIT_DEBUG when the VMM single-steps (return 0), else the guest's
 * own #DB (KVM's kvm_vcpu_do_singlestep()). @r: the handler's result, kept
 * when it already leaves for userspace (the trap comes at the next run).
 */
int kl_step_trap(struct kl_vcpu *v, int r)
{
	u64 pending;

	if (r <= 0)
		return r;
	v->step_trap = false;
	/*
	 * This is that instruction's trap: not again from a BS the exit may
	 * have left pending (Bochs does on an exiting CPUID).
	 */
	pending = kl_vmcs_get(v, GUEST_PENDING_DBG_EXCEPTIONS);
	if (pending & DR_STEP)
		kl_vmcs_set(v, GUEST_PENDING_DBG_EXCEPTIONS, pending & ~DR_STEP);
	if (v->guest_debug & KVM_GUESTDBG_SINGLESTEP) {
		kl_debug_exit(v, DB_VECTOR, DR_STEP);
		return 0;
	}
	if (!(kl_vmcs_get(v, VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK))
		kl_queue_db(v, DR_STEP);
	return 1;
}

/*
 * MOV DR with DR7.GD set: the exit comes before the #DB, which is
 * emulated (KVM's handle_dr()). 0: a KVM_EXIT_DEBUG for the VMM.
 */
int kl_dr_general_detect(struct kl_vcpu *v)
{
	if (v->guest_debug & KVM_GUESTDBG_USE_HW_BP) {
		kl_debug_exit(v, DB_VECTOR, KL_DR6_BD);
		return 0;
	}
	kl_queue_db(v, KL_DR6_BD);
	return 1;
}

/*
 * An intercepted exception (exception bitmap: kl_update_exception_bitmap()):
 * #UD always, #DB and #BP while the VMM debugs.
 */
int kl_handle_exception(struct kl_vcpu *v)
{
	u8 vector = v->exit_intr_info & INTR_INFO_VECTOR_MASK;

	switch (vector) {
	case DB_VECTOR:
		if (!(v->guest_debug & (KVM_GUESTDBG_SINGLESTEP |
					KVM_GUESTDBG_USE_HW_BP))) {
			kl_queue_db(v, v->exit_qual & (DR_TRAP_BITS | KL_DR6_BD |
						       DR_STEP));
			return 1;
		}
		/*
		 * Stopped at an instruction boundary for the debugger: a
		 * shadow of STI or MOV SS would make the next entry (TF set)
		 * trap at once instead of running one instruction.
		 */
		if (v->guest_debug & KVM_GUESTDBG_SINGLESTEP)
			kl_skip_shadow(v);
		kl_debug_exit(v, DB_VECTOR, v->exit_qual);
		return 0;
	case UD_VECTOR:
		return kl_handle_ud(v);
	case BP_VECTOR:
		/* For INJECT_BP: the INT3's length (KVM's event_exit_inst_len). */
		v->bp_insn_len = v->exit_insn_len;
		kl_debug_exit(v, BP_VECTOR, 0);
		return 0;
	}
	kl_internal_error(v, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON, 2,
			  v->exit_reason, v->exit_intr_info);
	return 0;
}

/*
 * #UD always exits (kl_handle_ud()); #DB and #BP only while the VMM debugs
 * (KVM's update_exception_bitmap).
 */
static void kl_update_exception_bitmap(struct kl_vcpu *v)
{
	u32 eb = KL_EXCEPTION_BITMAP;

	if (v->guest_debug & (KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_USE_HW_BP))
		eb |= BIT(DB_VECTOR);
	if (v->guest_debug & KVM_GUESTDBG_USE_SW_BP)
		eb |= BIT(BP_VECTOR);
	kl_vmcs_set(v, EXCEPTION_BITMAP, eb);
}

/* An exception waits for the next entry (KVM's kvm_is_exception_pending()). */
static bool kl_exception_pending(struct kl_vcpu *v)
{
	u32 err, info = kl_event_to_save(v, &err);

	if (!(info & INTR_INFO_VALID_MASK))
		return false;
	switch (info & INTR_INFO_INTR_TYPE_MASK) {
	case INTR_TYPE_HARD_EXCEPTION:
	case INTR_TYPE_SOFT_EXCEPTION:
	case INTR_TYPE_PRIV_SW_EXCEPTION:
		return true;
	}
	return false;
}

/* KVM_SET_GUEST_DEBUG (KVM's kvm_arch_vcpu_ioctl_set_guest_debug()). */
long kl_set_guest_debug(struct kl_vcpu *v, const void __user *argp)
{
	struct kvm_guest_debug dbg;
	u64 rflags;
	int i;

	if (copy_from_user(&dbg, argp, sizeof(dbg)))
		return -EFAULT;
	if (dbg.control & ~KL_GUESTDBG_VALID_MASK)
		return -EINVAL;
	if (dbg.control & (KVM_GUESTDBG_INJECT_DB | KVM_GUESTDBG_INJECT_BP)) {
		if (kl_exception_pending(v))
			return -EBUSY;
		if (dbg.control & KVM_GUESTDBG_INJECT_DB) {
			kl_inject_exception(v, DB_VECTOR, false, 0);
		} else {
			/* A software exception: the guest's handler sees RIP past INT3. */
			kl_vmcs_set(v, VM_ENTRY_INSTRUCTION_LEN,
				    v->bp_insn_len ? v->bp_insn_len : 1);
			kl_vmcs_set(v, VM_ENTRY_INTR_INFO_FIELD,
				    BP_VECTOR | INTR_TYPE_SOFT_EXCEPTION |
				    INTR_INFO_VALID_MASK);
		}
	}

	/* Read while a TF of single-stepping is still filtered out. */
	rflags = kl_get_rflags(v);
	v->guest_debug = dbg.control;
	if (!(v->guest_debug & KVM_GUESTDBG_ENABLE))
		v->guest_debug = 0;
	if (v->guest_debug & KVM_GUESTDBG_USE_HW_BP) {
		for (i = 0; i < 4; i++)
			v->dbg_db[i] = dbg.arch.debugreg[i];
		/* Bits 63:32 of DR7 must be 0 for VM entry. */
		v->dbg_dr7 = (u32)dbg.arch.debugreg[7] | DR7_FIXED_1;
	}
	kl_update_dr7(v);
	if (v->guest_debug & KVM_GUESTDBG_SINGLESTEP)
		v->singlestep_rip = kl_linear_rip(v);
	/* Adds or removes the TF of single-stepping. */
	kl_set_rflags(v, rflags);
	kl_update_exception_bitmap(v);
	return 0;
}
