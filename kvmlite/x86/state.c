// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86: the vCPU and VM state a VMM such as QEMU saves and restores
 * beyond registers, with KVM's structures, checks and errnos:
 *
 *  - KVM_GET/SET_MP_STATE (without an in-kernel local APIC: RUNNABLE only,
 *    as KVM: HLT exits to userspace with KVM_EXIT_HLT; with one, KVM's
 *    states: UNINITIALIZED, INIT_RECEIVED, HALTED, SIPI_RECEIVED)
 *  - KVM_GET/SET_DEBUGREGS (DR0-3, DR6, DR7; in the hardware while the
 *    guest runs with a breakpoint enabled: kl_enter_guest())
 *  - KVM_GET/SET_XSAVE, KVM_GET_XSAVE2 (the guest's FPU image in XSAVE
 *    format, with the x86 FPU core's uabi helpers for KVM) and
 *    KVM_GET/SET_XCRS (XCR0)
 *  - KVM_GET/SET_VCPU_EVENTS: the exception, NMI or interrupt to (re)inject,
 *    the pending NMI, NMI blocking and the STI/MOV SS shadow (no SMM, no
 *    exception payloads, no triple-fault event: those caps are off)
 *  - KVM_GET/SET_CLOCK: the VM's clock in ns (boot time + an offset), with
 *    KVM_CLOCK_REALTIME and KVM_CLOCK_HOST_TSC
 *  - machine check: KVM_X86_GET_MCE_CAP_SUPPORTED, KVM_X86_SETUP_MCE, the
 *    MCG_* / MCi_* MSRs and MCi_CTL2 (with MCG_CMCI_P), KVM_X86_SET_MCE:
 *    a #MC (or a shutdown), a corrected error logged, a UCNA error logged
 *    and signalled through the LAPIC's LVT CMCI
 *  - the MTRRs (MTRRcap, MTRRdefType, fixed and 8 variable pairs), kept
 *    with KVM's validity checks; EPT keeps using the guest's PAT only
 *  - kvmclock: MSR_KVM_SYSTEM_TIME/WALL_CLOCK and their _NEW forms, with
 *    the pvclock page and the wall clock written as KVM does without a
 *    master clock; and IA32_UCODE_REV
 */
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <asm/fpu/xcr.h>
#include <asm/mce.h>
#include <asm/msr.h>
#include <asm/tsc.h>
#include <asm/kvm_para.h>
#include <asm/pvclock-abi.h>

#include "x86.h"

/*
 * As KVM with VMX: MCG_CAP bits userspace may set with KVM_X86_SETUP_MCE
 * (not MCG_LMCE_P: no guest IA32_FEATURE_CONTROL).
 */
#define KL_MCE_CAP_SUPPORTED	(MCG_CTL_P | MCG_SER_P | MCG_CMCI_P)
#define KL_MTRR_CAP		(0x500 | KL_NR_VAR_MTRR)	/* FIX, WC, 8 pairs */
#define KL_MTRR_VAR_MSR		0x200	/* IA32_MTRR_PHYSBASE0, then MASK0, BASE1... */
/* The SDM's names (msr-index.h spells them in CamelCase). */
#define KL_MSR_MTRR_CAP		0x0fe
#define KL_MSR_MTRR_DEF_TYPE	0x2ff
#define KL_MSR_MTRR_FIX64K	0x250	/* 00000 */
#define KL_MSR_MTRR_FIX16K	0x258	/* 80000, A0000 */
#define KL_MSR_MTRR_FIX4K	0x268	/* C0000 ... F8000 */

/* --- MP_STATE ------------------------------------------------------------- */

static long kl_get_mp_state(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_mp_state s;

	/* As KVM: an INIT or SIPI sent meanwhile is taken first. */
	kl_lapic_accept_events(v);
	s.mp_state = v->mp_state;
	return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
}

static long kl_set_mp_state(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_mp_state s;

	if (copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	switch (s.mp_state) {
	case KVM_MP_STATE_RUNNABLE:
		break;
	case KVM_MP_STATE_UNINITIALIZED:
	case KVM_MP_STATE_INIT_RECEIVED:
	case KVM_MP_STATE_HALTED:
	case KVM_MP_STATE_SIPI_RECEIVED:
		/* As KVM: the other states need an in-kernel LAPIC. */
		if (!v->lapic)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	/* As KVM: SIPI_RECEIVED is INIT_RECEIVED with the SIPI pending. */
	if (s.mp_state == KVM_MP_STATE_SIPI_RECEIVED) {
		v->mp_state = KVM_MP_STATE_INIT_RECEIVED;
		kl_lapic_sipi_pending(v);
	} else {
		v->mp_state = s.mp_state;
	}
	return 0;
}

/* --- the VM's clock --------------------------------------------------------- */

static long kl_get_clock(struct kl_vm *kvm, void __user *argp)
{
	struct kvm_clock_data d = { 0 };
	u64 tsc = rdtsc();

	d.clock = ktime_get_boottime_ns() + READ_ONCE(kvm->clock_offset);
	d.realtime = ktime_get_real_ns();
	d.host_tsc = tsc;
	d.flags = KL_CLOCK_FLAGS;
	return copy_to_user(argp, &d, sizeof(d)) ? -EFAULT : 0;
}

static long kl_set_clock(struct kl_vm *kvm, void __user *argp)
{
	struct kvm_clock_data d;
	u64 now, clock;

	if (copy_from_user(&d, argp, sizeof(d)))
		return -EFAULT;
	/*
	 * As KVM: only REALTIME is used, but what KVM_GET_CLOCK gave may be
	 * passed back; flags outside that set are EINVAL.
	 */
	if (d.flags & ~(KVM_CLOCK_TSC_STABLE | KVM_CLOCK_REALTIME | KVM_CLOCK_HOST_TSC))
		return -EINVAL;
	now = ktime_get_boottime_ns();
	clock = d.clock;
	if (d.flags & KVM_CLOCK_REALTIME) {
		u64 real = ktime_get_real_ns();

		/* The time that passed since @d.realtime, when it passed. */
		if (real > d.realtime)
			clock += real - d.realtime;
	}
	WRITE_ONCE(kvm->clock_offset, clock - now);
	/* Every vCPU's pvclock page before its next entry. */
	WRITE_ONCE(kvm->clock_gen, kvm->clock_gen + 1);
	return 0;
}

/* --- kvmclock ---------------------------------------------------------------- */

/*
 * ns = ((tsc << shift) * mul) >> 32 (shift < 0: >> -shift) for a TSC of
 * @khz, as pvclock reads it: the divisor brought within 32 bits and just
 * above 1e9, then mul = 1e9 / divisor as a 32-bit fraction.
 */
static void kl_pvclock_scale(u32 khz, s8 *shift, u32 *mul)
{
	u64 ns = NSEC_PER_SEC, hz = (u64)khz * 1000;
	s8 s = 0;

	while (hz > 2 * ns || hz >> 32) {
		hz >>= 1;
		s--;
	}
	while (hz <= ns || ns >> 32) {
		if (ns >> 32 || (hz & BIT(31)))
			ns >>= 1;
		else
			hz <<= 1;
		s++;
	}
	*shift = s;
	*mul = div64_u64(ns << 32, hz);
}

/*
 * The pvclock page of MSR_KVM_SYSTEM_TIME(_NEW), as KVM's
 * kvm_guest_time_update() writes it without a master clock: the guest's TSC
 * and the VM's clock (KVM_GET_CLOCK's) read together, the scale of the host's
 * tsc_khz (the guest's TSC only adds an offset), no TSC_STABLE flag; the
 * version odd while it changes. Called before an entry once the MSR enabled
 * it and after KVM_SET_CLOCK; a structure outside guest memory or across a
 * page is skipped, and so is everything while the TSC rate is unknown.
 */
void kl_kvmclock_update(struct kl_vcpu *v)
{
	struct kvmlite_vm *vm = v->vcpu->vm;
	struct kl_vm *kvm = kl_vm(vm);
	u64 gpa = v->kvm_system_time & ~1ULL;
	struct pvclock_vcpu_time_info t;
	unsigned long flags;
	u64 tsc, ns;

	v->kvmclock_gen = READ_ONCE(kvm->clock_gen);
	if (!tsc_khz || offset_in_page(gpa) + sizeof(t) > PAGE_SIZE)
		return;
	memset(&t, 0, sizeof(t));
	t.version = (v->pvclock_version + 1) | 1;
	if (kvmlite_write_guest(vm, gpa, &t.version, sizeof(t.version)))
		return;
	/* The odd version before the fields: the guest retries its read. */
	smp_wmb();
	local_irq_save(flags);
	tsc = rdtsc();
	ns = ktime_get_boottime_ns();
	local_irq_restore(flags);
	t.tsc_timestamp = tsc + kl_vmcs_get(v, TSC_OFFSET);
	t.system_time = ns + READ_ONCE(kvm->clock_offset);
	kl_pvclock_scale(tsc_khz, &t.tsc_shift, &t.tsc_to_system_mul);
	kvmlite_write_guest(vm, gpa, &t, sizeof(t));
	/* The fields before the even version that makes them valid. */
	smp_wmb();
	t.version++;
	kvmlite_write_guest(vm, gpa, &t.version, sizeof(t.version));
	v->pvclock_version = t.version;
}

/*
 * MSR_KVM_WALL_CLOCK(_NEW): the wall-clock time at which the VM's clock was
 * 0, at @gpa, as kvm_write_wall_clock() (version odd, then even).
 */
static void kl_kvmclock_wall(struct kl_vcpu *v, u64 gpa)
{
	struct kvmlite_vm *vm = v->vcpu->vm;
	struct pvclock_wall_clock w;
	u64 wall;
	u32 version;

	if (kvmlite_read_guest(vm, gpa, &version, sizeof(version)))
		return;
	version += (version & 1) ? 2 : 1;
	if (kvmlite_write_guest(vm, gpa, &version, sizeof(version)))
		return;
	/* As for the pvclock page: odd version, fields, even version. */
	smp_wmb();
	wall = ktime_get_real_ns() - ktime_get_boottime_ns() -
	       READ_ONCE(kl_vm(vm)->clock_offset);
	w.version = version;
	w.nsec = do_div(wall, NSEC_PER_SEC);
	w.sec = (u32)wall;
	kvmlite_write_guest(vm, gpa, &w, sizeof(w));
	/* The fields before the even version. */
	smp_wmb();
	version++;
	kvmlite_write_guest(vm, gpa, &version, sizeof(version));
}

long kl_state_vm_ioctl(struct kvmlite_vm *vm, unsigned int ioctl, void __user *argp)
{
	switch (ioctl) {
	case KVM_GET_CLOCK:
		return kl_get_clock(kl_vm(vm), argp);
	case KVM_SET_CLOCK:
		return kl_set_clock(kl_vm(vm), argp);
	}
	return -ENOTTY;
}

/* --- machine check ------------------------------------------------------------ */

long kl_mce_cap_supported(void __user *argp)
{
	u64 cap = KL_MCE_CAP_SUPPORTED;

	return copy_to_user(argp, &cap, sizeof(cap)) ? -EFAULT : 0;
}

/* A new vCPU (zeroed), as kvm_arch_vcpu_create(): every bank, no MCG_CTL. */
void kl_state_init(struct kl_vcpu *v)
{
	v->mcg_cap = KL_MAX_MCE_BANKS;
	v->ucode_rev = 0x100000000ull;
}

static long kl_setup_mce(struct kl_vcpu *v, void __user *argp)
{
	unsigned int bank, banks;
	u64 cap;

	if (copy_from_user(&cap, argp, sizeof(cap)))
		return -EFAULT;
	/* As kvm_vcpu_ioctl_x86_setup_mce(). */
	banks = cap & 0xff;
	if (!banks || banks > KL_MAX_MCE_BANKS ||
	    cap & ~(KL_MCE_CAP_SUPPORTED | 0xff | 0xff0000))
		return -EINVAL;
	v->mcg_cap = cap;
	if (cap & MCG_CTL_P)
		v->mcg_ctl = ~0ull;
	/* IA32_MCi_CTL all ones, IA32_MCi_CTL2 0. */
	for (bank = 0; bank < banks; bank++) {
		v->mce_banks[bank * 4] = ~0ull;
		if (cap & MCG_CMCI_P)
			v->mci_ctl2_banks[bank] = 0;
	}
	/* kvm_apic_after_set_mcg_cap(): the LVT CMCI with MCG_CMCI_P. */
	kl_lapic_after_set_mcg_cap(v);
	return 0;
}

/* kvm_vcpu_ioctl_x86_set_mce()'s is_ucna(): uncorrected, no action required. */
static bool kl_is_ucna(const struct kvm_x86_mce *mce)
{
	return !mce->mcg_status &&
	       !(mce->status & (MCI_STATUS_PCC | MCI_STATUS_S | MCI_STATUS_AR)) &&
	       (mce->status & MCI_STATUS_VAL) && (mce->status & MCI_STATUS_UC);
}

/*
 * KVM_X86_SET_MCE, as kvm_vcpu_ioctl_x86_set_mce(): the error logged in
 * bank @mce->bank; an uncorrected one raises #MC (a shutdown while one is
 * in progress or with CR4.MCE clear); a UCNA error is logged and, with
 * MCG_CMCI_P and CMCI_EN in the bank's MCi_CTL2, signalled through the LVT
 * CMCI (kvm_vcpu_x86_set_ucna()).
 */
static long kl_set_mce(struct kl_vcpu *v, void __user *argp)
{
	unsigned int banks = v->mcg_cap & 0xff;
	struct kvm_x86_mce mce;
	u64 *bank;

	if (copy_from_user(&mce, argp, sizeof(mce)))
		return -EFAULT;
	if (mce.bank >= banks || !(mce.status & MCI_STATUS_VAL))
		return -EINVAL;
	bank = v->mce_banks + array_index_nospec(4 * mce.bank, 4 * banks);

	if (kl_is_ucna(&mce)) {
		bank[1] = mce.status;
		bank[2] = mce.addr;
		bank[3] = mce.misc;
		v->mcg_status = mce.mcg_status;
		if ((v->mcg_cap & MCG_CMCI_P) &&
		    (v->mci_ctl2_banks[mce.bank] & MCI_CTL2_CMCI_EN))
			kl_lapic_deliver_cmci(v);
		return 0;
	}
	/* Uncorrected errors off in MCG_CTL or in the bank's MCi_CTL. */
	if ((mce.status & MCI_STATUS_UC) && (v->mcg_cap & MCG_CTL_P) &&
	    v->mcg_ctl != ~0ull)
		return 0;
	if ((mce.status & MCI_STATUS_UC) && bank[0] != ~0ull)
		return 0;
	if (mce.status & MCI_STATUS_UC) {
		if ((v->mcg_status & MCG_STATUS_MCIP) || !(v->cr4 & X86_CR4_MCE)) {
			/* KVM_REQ_TRIPLE_FAULT: KVM_RUN exits with SHUTDOWN. */
			v->triple_fault = true;
			return 0;
		}
		if (bank[1] & MCI_STATUS_VAL)
			mce.status |= MCI_STATUS_OVER;
		bank[2] = mce.addr;
		bank[3] = mce.misc;
		v->mcg_status = mce.mcg_status;
		bank[1] = mce.status;
		kl_inject_exception(v, MC_VECTOR, false, 0);
		/* As kvm_vcpu_has_events(): a pending exception ends HLT. */
		if (v->mp_state == KVM_MP_STATE_HALTED)
			v->mp_state = KVM_MP_STATE_RUNNABLE;
	} else if (!(bank[1] & MCI_STATUS_VAL) || !(bank[1] & MCI_STATUS_UC)) {
		if (bank[1] & MCI_STATUS_VAL)
			mce.status |= MCI_STATUS_OVER;
		bank[2] = mce.addr;
		bank[3] = mce.misc;
		bank[1] = mce.status;
	} else {
		bank[1] |= MCI_STATUS_OVER;
	}
	return 0;
}

/* --- DEBUGREGS --------------------------------------------------------------- */

static long kl_get_debugregs(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_debugregs d;

	memset(&d, 0, sizeof(d));
	BUILD_BUG_ON(sizeof(d.db) != sizeof(v->dr));
	memcpy(d.db, v->dr, sizeof(d.db));
	d.dr6 = v->dr6;
	d.dr7 = v->dr7;
	return copy_to_user(argp, &d, sizeof(d)) ? -EFAULT : 0;
}

/* As kvm_vcpu_ioctl_x86_set_debugregs(): no flags, DR6/DR7 within 32 bits. */
static long kl_set_debugregs(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_debugregs d;

	if (copy_from_user(&d, argp, sizeof(d)))
		return -EFAULT;
	if (d.flags || d.dr6 >> 32 || d.dr7 >> 32)
		return -EINVAL;
	memcpy(v->dr, d.db, sizeof(v->dr));
	v->dr6 = d.dr6;
	kl_set_dr7(v, d.dr7);
	return 0;
}

/* --- VCPU_EVENTS ------------------------------------------------------------- */

#define KL_EVENT_FLAGS	(KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW | \
			 KVM_VCPUEVENT_VALID_SMM)

/*
 * The event the next entry injects: one kvmlite queued itself (an exception
 * from an exit handler, in the VMCS) before one whose delivery the last exit
 * interrupted (kl_inject_events() takes them in that order).
 */
u32 kl_event_to_save(struct kl_vcpu *v, u32 *err)
{
	u32 info = kl_vmcs_get(v, VM_ENTRY_INTR_INFO_FIELD);

	if (info & INTR_INFO_VALID_MASK) {
		*err = kl_vmcs_get(v, VM_ENTRY_EXCEPTION_ERROR_CODE);
		return info;
	}
	*err = v->idt_vectoring_err;
	return v->idt_vectoring & VECTORING_INFO_VALID_MASK ? v->idt_vectoring : 0;
}

/* As kvm_vcpu_ioctl_x86_get_vcpu_events() for a VMX vCPU without SMM. */
void kl_events_get(struct kl_vcpu *v, struct kvm_vcpu_events *ep)
{
	struct kvm_vcpu_events e;
	u32 err, info = kl_event_to_save(v, &err);
	u32 intr = kl_vmcs_get(v, GUEST_INTERRUPTIBILITY_INFO);

	memset(&e, 0, sizeof(e));
	switch (info & INTR_INFO_INTR_TYPE_MASK) {
	case INTR_TYPE_HARD_EXCEPTION:
		/* Software exceptions are not reported: INT3/INTO run again. */
		e.exception.injected = !!(info & INTR_INFO_VALID_MASK);
		e.exception.nr = info & INTR_INFO_VECTOR_MASK;
		e.exception.has_error_code = !!(info & INTR_INFO_DELIVER_CODE_MASK);
		e.exception.error_code = e.exception.has_error_code ? err : 0;
		break;
	case INTR_TYPE_EXT_INTR:
		e.interrupt.injected = !!(info & INTR_INFO_VALID_MASK);
		e.interrupt.nr = info & INTR_INFO_VECTOR_MASK;
		break;
	case INTR_TYPE_SOFT_INTR:
		/* As KVM: the vector, not "injected" (INT n runs again). */
		e.interrupt.nr = info & INTR_INFO_VECTOR_MASK;
		break;
	case INTR_TYPE_NMI_INTR:
		e.nmi.injected = !!(info & INTR_INFO_VALID_MASK);
		break;
	}
	if (intr & GUEST_INTR_STATE_STI)
		e.interrupt.shadow |= KVM_X86_SHADOW_INT_STI;
	if (intr & GUEST_INTR_STATE_MOV_SS)
		e.interrupt.shadow |= KVM_X86_SHADOW_INT_MOV_SS;
	e.nmi.pending = READ_ONCE(v->pending_nmi);
	e.nmi.masked = !!(intr & GUEST_INTR_STATE_NMI);
	e.flags = KL_EVENT_FLAGS;
	*ep = e;
}

static long kl_get_vcpu_events(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_vcpu_events e;

	kl_events_get(v, &e);
	return copy_to_user(argp, &e, sizeof(e)) ? -EFAULT : 0;
}

/*
 * As kvm_vcpu_ioctl_x86_set_vcpu_events(), all checks before any change.
 * KVM keeps an injected exception, NMI and interrupt apart and injects one
 * per entry in that order; kvmlite has one event slot for re-injection, so
 * an NMI or interrupt given together with an exception is queued behind it
 * (pending NMI, KVM_INTERRUPT's vector), delivered at the next entries.
 */
int kl_events_set(struct kl_vcpu *v, const struct kvm_vcpu_events *ep)
{
	struct kvm_vcpu_events e = *ep;
	u32 intr, slot = 0;
	bool nmi;

	if (e.flags & ~(KL_EVENT_FLAGS | KVM_VCPUEVENT_VALID_SIPI_VECTOR))
		return -EINVAL;		/* PAYLOAD, TRIPLE_FAULT: caps off */
	if (e.exception.injected &&
	    (e.exception.nr > 31 || e.exception.nr == NMI_VECTOR))
		return -EINVAL;
	if ((e.flags & KVM_VCPUEVENT_VALID_SMM) &&
	    (e.smi.smm || e.smi.pending || e.smi.smm_inside_nmi))
		return -EINVAL;		/* no SMM */

	nmi = e.flags & KVM_VCPUEVENT_VALID_NMI_PENDING ? !!e.nmi.pending :
							    READ_ONCE(v->pending_nmi);
	kl_vmcs_set(v, VM_ENTRY_INTR_INFO_FIELD, 0);
	v->idt_vectoring = 0;
	if (e.exception.injected)
		kl_inject_exception(v, e.exception.nr, e.exception.has_error_code,
				    e.exception.error_code);
	if (e.nmi.injected) {
		if (e.exception.injected)
			nmi = true;
		else
			slot = NMI_VECTOR | INTR_TYPE_NMI_INTR;
	}
	if (e.interrupt.injected) {
		if (!e.exception.injected && !slot && !e.interrupt.soft)
			slot = e.interrupt.nr | INTR_TYPE_EXT_INTR;
		else if (!e.exception.injected && !slot)
			slot = e.interrupt.nr | INTR_TYPE_SOFT_INTR;
		else if (READ_ONCE(v->pending_irq) < 0)
			WRITE_ONCE(v->pending_irq, e.interrupt.nr);
	}
	if (slot) {
		v->idt_vectoring = slot | VECTORING_INFO_VALID_MASK;
		/* A soft interrupt's length: INT n unless an exit gave one. */
		if (e.interrupt.soft && (!v->exit_insn_len || v->exit_insn_len > 15))
			v->exit_insn_len = 2;
	}

	intr = kl_vmcs_get(v, GUEST_INTERRUPTIBILITY_INFO);
	if (e.flags & KVM_VCPUEVENT_VALID_SHADOW) {
		intr &= ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
		if (e.interrupt.shadow & KVM_X86_SHADOW_INT_MOV_SS)
			intr |= GUEST_INTR_STATE_MOV_SS;
		else if (e.interrupt.shadow & KVM_X86_SHADOW_INT_STI)
			intr |= GUEST_INTR_STATE_STI;
	}
	WRITE_ONCE(v->pending_nmi, nmi);
	intr &= ~GUEST_INTR_STATE_NMI;
	if (e.nmi.masked)
		intr |= GUEST_INTR_STATE_NMI;
	kl_vmcs_set(v, GUEST_INTERRUPTIBILITY_INFO, intr);
	v->interruptibility = intr;
	/* As KVM: kept by an in-kernel LAPIC, never reported by GET. */
	if ((e.flags & KVM_VCPUEVENT_VALID_SIPI_VECTOR) && v->lapic)
		kl_lapic_set_sipi_vector(v, e.sipi_vector);
	return 0;
}

static long kl_set_vcpu_events(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_vcpu_events e;

	if (copy_from_user(&e, argp, sizeof(e)))
		return -EFAULT;
	return kl_events_set(v, &e);
}

/* --- XSAVE, XCRS -------------------------------------------------------------- */

/*
 * As KVM: the guest's FPU state in the standard XSAVE format, its components
 * limited to what the guest may enable; kvm_xsave's 4096 bytes are
 * fpu_guest's uabi_size on every host kvmlite offers XSAVE on (no AMX).
 */
static long kl_get_xsave(struct kl_vcpu *v, void __user *argp, unsigned int size)
{
	u64 features = kl_caps.supported_xcr0 | XFEATURE_MASK_FPSSE;
	void *buf;
	long r = 0;

	if (v->fpu.uabi_size > size)
		return -EINVAL;
	buf = kzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	fpu_copy_guest_fpstate_to_uabi(&v->fpu, buf, size, features, 0);
	if (copy_to_user(argp, buf, size))
		r = -EFAULT;
	kfree(buf);
	return r;
}

/* Components outside what kvmlite offers: EINVAL (the core checks it). */
static long kl_set_xsave(struct kl_vcpu *v, void __user *argp)
{
	u64 features = kl_caps.supported_xcr0 | XFEATURE_MASK_FPSSE;
	void *buf;
	u32 pkru = 0;
	long r;

	buf = memdup_user(argp, v->fpu.uabi_size);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	r = fpu_copy_uabi_to_guest_fpstate(&v->fpu, buf, features, &pkru);
	kfree(buf);
	return r;
}

static long kl_get_xcrs(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_xcrs x;

	memset(&x, 0, sizeof(x));
	if (kl_caps.host_xcr0) {
		x.nr_xcrs = 1;
		x.xcrs[0].xcr = XCR_XFEATURE_ENABLED_MASK;
		x.xcrs[0].value = v->xcr0;
	}
	return copy_to_user(argp, &x, sizeof(x)) ? -EFAULT : 0;
}

/* As kvm_vcpu_ioctl_x86_set_xcrs(): XCR0 only, each value as XSETBV checks. */
static long kl_set_xcrs(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_xcrs x;
	u32 i;

	if (!kl_caps.host_xcr0)
		return -EINVAL;
	if (copy_from_user(&x, argp, sizeof(x)))
		return -EFAULT;
	if (x.nr_xcrs > KVM_MAX_XCRS || x.flags)
		return -EINVAL;
	for (i = 0; i < x.nr_xcrs; i++)
		if (x.xcrs[i].xcr == XCR_XFEATURE_ENABLED_MASK &&
		    kl_set_xcr0(v, x.xcrs[i].value))
			return -EINVAL;
	return 0;
}

long kl_state_vcpu_ioctl(struct kl_vcpu *v, unsigned int ioctl, void __user *argp)
{
	switch (ioctl) {
	case KVM_GET_XSAVE:
		return kl_get_xsave(v, argp, sizeof(struct kvm_xsave));
	case KVM_GET_XSAVE2:
		return kl_get_xsave(v, argp, v->fpu.uabi_size);
	case KVM_SET_XSAVE:
		return kl_set_xsave(v, argp);
	case KVM_GET_XCRS:
		return kl_get_xcrs(v, argp);
	case KVM_SET_XCRS:
		return kl_set_xcrs(v, argp);
	case KVM_GET_VCPU_EVENTS:
		return kl_get_vcpu_events(v, argp);
	case KVM_SET_VCPU_EVENTS:
		return kl_set_vcpu_events(v, argp);
	case KVM_GET_DEBUGREGS:
		return kl_get_debugregs(v, argp);
	case KVM_SET_DEBUGREGS:
		return kl_set_debugregs(v, argp);
	case KVM_GET_MP_STATE:
		return kl_get_mp_state(v, argp);
	case KVM_SET_MP_STATE:
		return kl_set_mp_state(v, argp);
	case KVM_X86_SETUP_MCE:
		return kl_setup_mce(v, argp);
	case KVM_X86_SET_MCE:
		return kl_set_mce(v, argp);
	}
	return -ENOTTY;
}

/* --- MSRs ------------------------------------------------------------------------ */

static bool kl_mtrr_type_valid(u64 t)
{
	/* UC, WC, WT, WP, WB */
	return t < 8 && t != 2 && t != 3 && t != 7;
}

/* Index 0-10 of a fixed-range MTRR, or -1. */
static int kl_mtrr_fixed_index(u32 msr)
{
	switch (msr) {
	case KL_MSR_MTRR_FIX64K:
		return 0;
	case KL_MSR_MTRR_FIX16K ... KL_MSR_MTRR_FIX16K + 1:
		return 1 + msr - KL_MSR_MTRR_FIX16K;
	case KL_MSR_MTRR_FIX4K ... KL_MSR_MTRR_FIX4K + 7:
		return 3 + msr - KL_MSR_MTRR_FIX4K;
	}
	return -1;
}

/* As kvm_mtrr_valid(): each byte a memory type, no reserved bits. */
static bool kl_mtrr_valid(struct kl_vcpu *v, u32 msr, u64 data)
{
	u64 phys_mask = ~(BIT_ULL(boot_cpu_data.x86_phys_bits) - 1);
	int i;

	if (msr == KL_MSR_MTRR_DEF_TYPE)
		return !(data & ~0xcffull) && kl_mtrr_type_valid(data & 0xff);
	if (kl_mtrr_fixed_index(msr) >= 0) {
		for (i = 0; i < 8; i++)
			if (!kl_mtrr_type_valid((data >> (i * 8)) & 0xff))
				return false;
		return true;
	}
	if (!(msr & 1))		/* PHYSBASEn: type + base */
		return !(data & (phys_mask | 0xf00)) && kl_mtrr_type_valid(data & 0xff);
	return !(data & (phys_mask | 0x7ff));	/* PHYSMASKn: mask + valid */
}

static bool kl_is_mtrr(u32 msr)
{
	return msr == KL_MSR_MTRR_CAP || msr == KL_MSR_MTRR_DEF_TYPE ||
	       kl_mtrr_fixed_index(msr) >= 0 ||
	       (msr >= KL_MTRR_VAR_MSR && msr < (KL_MTRR_VAR_MSR + 2 * KL_NR_VAR_MTRR));
}

static u64 *kl_mtrr_slot(struct kl_vcpu *v, u32 msr)
{
	int i = kl_mtrr_fixed_index(msr);

	if (msr == KL_MSR_MTRR_DEF_TYPE)
		return &v->mtrr_deftype;
	if (i >= 0)
		return &v->mtrr_fixed[i];
	i = msr - KL_MTRR_VAR_MSR;
	return &v->mtrr_var[i / 2][i & 1];
}

static bool kl_is_mce_bank(struct kl_vcpu *v, u32 msr)
{
	return msr >= MSR_IA32_MC0_CTL &&
	       msr < MSR_IA32_MC0_CTL + 4 * (v->mcg_cap & 0xff);
}

/* MCi_CTL2 of a bank the vCPU has (get/set_msr_mce()'s last_msr). */
static bool kl_is_mci_ctl2(struct kl_vcpu *v, u32 msr)
{
	return msr >= MSR_IA32_MC0_CTL2 &&
	       msr < MSR_IA32_MC0_CTL2 + (v->mcg_cap & 0xff);
}

/* The MSRs of this file: 0, -1 (#GP for the guest, failure for the host), 1 (not ours). */
int kl_state_msr_get(struct kl_vcpu *v, u32 index, u64 *data, bool host)
{
	int r = kl_pv_msr_get(v, index, data);

	if (r || index == MSR_KVM_STEAL_TIME)
		return r;
	if (kl_is_mtrr(index)) {
		*data = index == KL_MSR_MTRR_CAP ? KL_MTRR_CAP : *kl_mtrr_slot(v, index);
		return 0;
	}
	if (kl_is_mce_bank(v, index)) {
		*data = v->mce_banks[index - MSR_IA32_MC0_CTL];
		return 0;
	}
	if (kl_is_mci_ctl2(v, index)) {
		/* As get_msr_mce(): the guest's only with MCG_CMCI_P. */
		if (!(v->mcg_cap & MCG_CMCI_P) && !host)
			return -1;
		*data = v->mci_ctl2_banks[index - MSR_IA32_MC0_CTL2];
		return 0;
	}
	switch (index) {
	case MSR_IA32_MCG_CAP:
		*data = v->mcg_cap;
		return 0;
	case MSR_IA32_MCG_STATUS:
		*data = v->mcg_status;
		return 0;
	case MSR_IA32_MCG_CTL:
		if (!(v->mcg_cap & MCG_CTL_P) && !host)
			return -1;
		*data = v->mcg_ctl;
		return 0;
	case MSR_KVM_SYSTEM_TIME:
	case MSR_KVM_SYSTEM_TIME_NEW:
		*data = v->kvm_system_time;
		return 0;
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_WALL_CLOCK_NEW:
		*data = v->kvm_wall_clock;
		return 0;
	case MSR_IA32_UCODE_REV:
		*data = v->ucode_rev;
		return 0;
	case MSR_K7_HWCR:
		*data = v->msr_hwcr;
		return 0;
	case MSR_PLATFORM_INFO:
		if (!host && READ_ONCE(kl_vm(v->vcpu->vm)->no_platform_info))
			return -1;
		*data = v->msr_platform_info;
		return 0;
	case MSR_IA32_POWER_CTL:
		*data = v->msr_power_ctl;
		return 0;
	}
	return 1;
}

int kl_state_msr_set(struct kl_vcpu *v, u32 index, u64 data, bool host)
{
	int r = kl_pv_msr_set(v, index, data);

	if (r || index == MSR_KVM_STEAL_TIME)
		return r;
	if (kl_is_mtrr(index)) {
		if (index == KL_MSR_MTRR_CAP)	/* read-only */
			return -1;
		if (!kl_mtrr_valid(v, index, data))
			return -1;
		*kl_mtrr_slot(v, index) = data;
		return 0;
	}
	if (kl_is_mce_bank(v, index)) {
		u32 off = index - MSR_IA32_MC0_CTL;

		/*
		 * As KVM: MCi_CTL only all ones or 0 (bits 10 and 0 may be
		 * clear: Linux and UnixWare workarounds), the guest may clear
		 * MCi_STATUS only.
		 */
		if ((off & 3) == 0 && data && (data | BIT_ULL(10) | 1) != ~0ull)
			return -1;
		if ((off & 3) == 1 && !host && data)
			return -1;
		v->mce_banks[off] = data;
		return 0;
	}
	if (kl_is_mci_ctl2(v, index)) {
		/*
		 * As set_msr_mce(): only with MCG_CMCI_P (the VMM may write
		 * 0), a reserved bit set is #GP.
		 */
		if (!(v->mcg_cap & MCG_CMCI_P) && (data || !host))
			return -1;
		if (data & ~(MCI_CTL2_CMCI_EN | MCI_CTL2_CMCI_THRESHOLD_MASK))
			return -1;
		v->mci_ctl2_banks[index - MSR_IA32_MC0_CTL2] = data;
		return 0;
	}
	switch (index) {
	case MSR_IA32_MCG_CAP:		/* KVM_X86_SETUP_MCE sets it */
		return -1;
	case MSR_IA32_MCG_STATUS:
		v->mcg_status = data;
		return 0;
	case MSR_IA32_MCG_CTL:
		if (!(v->mcg_cap & MCG_CTL_P) && (data || !host))
			return -1;
		if (data && data != ~0ull)
			return -1;
		v->mcg_ctl = data;
		return 0;
	case MSR_KVM_SYSTEM_TIME:
	case MSR_KVM_SYSTEM_TIME_NEW:
		v->kvm_system_time = data;
		/* The page before the next entry (bit 0: enabled). */
		v->kvmclock_gen = READ_ONCE(kl_vm(v->vcpu->vm)->clock_gen) - 1;
		return 0;
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_WALL_CLOCK_NEW:
		v->kvm_wall_clock = data;
		kl_kvmclock_wall(v, data);
		return 0;
	case MSR_IA32_UCODE_REV:
		/* As KVM: the guest's writes (Linux writes 0 first) ignored. */
		if (host)
			v->ucode_rev = data;
		return 0;
	case MSR_K7_HWCR:
		/*
		 * As KVM (also on Intel): flush filter, IGNNE and TLB cache
		 * disable ignored; McStatusWrEn and TscFreqSel kept.
		 */
		data &= ~(BIT_ULL(3) | BIT_ULL(6) | BIT_ULL(8));
		if (data & ~(BIT_ULL(18) | BIT_ULL(24)))
			return -1;
		v->msr_hwcr = data;
		return 0;
	case MSR_PLATFORM_INFO:
		/* As KVM: the VMM's to set (no CPUID faulting: 0 at reset). */
		if (!host)
			return -1;
		v->msr_platform_info = data;
		return 0;
	case MSR_IA32_POWER_CTL:
		v->msr_power_ctl = data;
		return 0;
	}
	return 1;
}
