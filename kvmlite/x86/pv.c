// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86 backend: KVM's paravirtual interface, as arch/x86/kvm/x86.c
 * and cpuid.c do it.
 *
 *  - The KVM_CPUID_FEATURES leaf the VMM gave the vCPU (found after KVM's
 *    "KVMKVMKVM" signature at 0x40000000 or any 0x100 step above), enforced
 *    on the PV MSRs and hypercalls once the VMM enables
 *    KVM_CAP_ENFORCE_PV_FEATURE_CPUID on the vCPU (KVM's guest_pv_has()).
 *  - Stolen time (KVM_FEATURE_STEAL_TIME, MSR_KVM_STEAL_TIME): before each
 *    entry, the time the vCPU thread waited for a host CPU since the last
 *    update (its sched_info.run_delay) is added to the guest's record, the
 *    version odd meanwhile (KVM's record_steal_time()). The record's
 *    "preempted" byte stays 0: kvmlite has no preempt notifiers.
 *  - Hypercalls (VMCALL), KVM's __kvm_emulate_hypercall(): VAPIC_POLL_IRQ,
 *    SEND_IPI and SCHED_YIELD (with an in-kernel LAPIC); -KVM_EPERM above
 *    CPL 0, -KVM_ENOSYS for the rest (no PV unhalt, no clock pairing).
 *  - KVM_CAP_X86_DISABLE_EXITS: HLT and PAUSE stay in the guest (vCPUs
 *    created afterwards); KVM_FEATURE_PV_UNHALT is then cleared from the
 *    vCPU's CPUID, as KVM.
 *  - The vCPU attribute KVM_VCPU_TSC_CTRL/KVM_VCPU_TSC_OFFSET.
 */
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <linux/sched.h>
#include <linux/sched/stat.h>
#include <linux/xarray.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>

#include "x86.h"

/* "KVMKVMKVM\0\0\0" in EBX, ECX, EDX of the signature leaf. */
#define KL_KVM_SIG_EBX	0x4b4d564b
#define KL_KVM_SIG_ECX	0x564b4d56
#define KL_KVM_SIG_EDX	0x4d

/* KVM's guest_pv_has(): every feature unless the VMM asked to enforce. */
bool kl_pv_has(struct kl_vcpu *v, unsigned int feature)
{
	return !v->pv_enforce || (v->pv_features & BIT(feature));
}

/*
 * After KVM_SET_CPUID2 (KVM's kvm_get_hypervisor_cpuid() and
 * kvm_update_pv_runtime()): the features of the KVM leaves, without
 * PV_UNHALT when HLT runs in the guest.
 */
void kl_pv_cpuid_update(struct kl_vcpu *v)
{
	struct kvm_cpuid_entry2 *e;
	u32 base;

	v->pv_features = 0;
	for (base = KVM_CPUID_SIGNATURE; base < 0x40010000; base += 0x100) {
		e = kl_find_cpuid(v, base, 0);
		if (e && e->ebx == KL_KVM_SIG_EBX && e->ecx == KL_KVM_SIG_ECX &&
		    e->edx == KL_KVM_SIG_EDX)
			break;
	}
	if (base >= 0x40010000)
		return;
	e = kl_find_cpuid(v, base | KVM_CPUID_FEATURES, 0);
	if (!e)
		return;
	if (READ_ONCE(kl_vm(v->vcpu->vm)->hlt_in_guest))
		e->eax &= ~BIT(KVM_FEATURE_PV_UNHALT);
	v->pv_features = e->eax;
}

/* KVM_ENABLE_CAP on a vCPU (KVM's kvm_vcpu_ioctl_enable_cap()). */
long kl_pv_vcpu_enable_cap(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_enable_cap cap;

	if (copy_from_user(&cap, argp, sizeof(cap)))
		return -EFAULT;
	if (cap.flags || cap.cap != KVM_CAP_ENFORCE_PV_FEATURE_CPUID)
		return -EINVAL;
	v->pv_enforce = !!cap.args[0];
	if (v->pv_enforce)
		kl_pv_cpuid_update(v);
	return 0;
}

/*
 * Whether the guest may touch PV MSR @index: with enforcement on, only those
 * whose feature is in its CPUID (kvm_pv_enforce_cpuid()); others are MSRs the
 * PV code does not own and pass.
 */
static bool kl_pv_msr_allowed(struct kl_vcpu *v, u32 index)
{
	switch (index) {
	case MSR_KVM_SYSTEM_TIME_NEW:
	case MSR_KVM_WALL_CLOCK_NEW:
		return kl_pv_has(v, KVM_FEATURE_CLOCKSOURCE2);
	case MSR_KVM_SYSTEM_TIME:
	case MSR_KVM_WALL_CLOCK:
		return kl_pv_has(v, KVM_FEATURE_CLOCKSOURCE);
	case MSR_KVM_STEAL_TIME:
		return kl_pv_has(v, KVM_FEATURE_STEAL_TIME);
	}
	return true;
}

/*
 * The PV MSRs: 0 (done, or not a PV MSR: the caller goes on), -1 (refused)
 * or 1 (not offered to this guest).
 */
int kl_pv_msr_get(struct kl_vcpu *v, u32 index, u64 *data)
{
	if (!kl_pv_msr_allowed(v, index))
		return 1;
	if (index == MSR_KVM_STEAL_TIME)
		*data = v->steal_msr;
	return 0;
}

int kl_pv_msr_set(struct kl_vcpu *v, u32 index, u64 data)
{
	if (!kl_pv_msr_allowed(v, index))
		return 1;
	if (index != MSR_KVM_STEAL_TIME)
		return 0;
	if (!sched_info_on() || (data & KVM_STEAL_RESERVED_MASK))
		return -1;
	v->steal_msr = data;
	/* The record is written before the next entry. */
	if (data & KVM_MSR_ENABLED)
		v->steal_update = true;
	return 0;
}

/* Before an entry: the stolen time since the last update into the record. */
void kl_pv_steal_update(struct kl_vcpu *v)
{
	struct kvmlite_vm *vm = v->vcpu->vm;
	u64 gpa = v->steal_msr & KVM_STEAL_VALID_BITS;
	u64 now = kvmlite_run_delay();
	struct kvm_steal_time st;

	if (!(v->steal_msr & KVM_MSR_ENABLED) ||
	    (!v->steal_update && now == v->last_steal))
		return;
	v->steal_update = false;
	/* As KVM: a record outside guest memory is the guest's problem. */
	if (kvmlite_read_guest(vm, gpa, &st, sizeof(st)))
		return;
	st.preempted = 0;
	/* An odd version is junk of a first write: made even first. */
	st.version = (st.version + 1) | 1;
	if (kvmlite_write_guest(vm, gpa, &st, sizeof(st)))
		return;
	/* The odd version before the count: the guest retries its read. */
	smp_wmb();
	st.steal += now - v->last_steal;
	v->last_steal = now;
	kvmlite_write_guest(vm, gpa + offsetof(struct kvm_steal_time, steal),
			    &st.steal, sizeof(st.steal));
	/* The count before the even version that makes it valid. */
	smp_wmb();
	st.version++;
	kvmlite_write_guest(vm, gpa + offsetof(struct kvm_steal_time, version),
			    &st.version, sizeof(st.version));
}

/*
 * KVM_HC_SEND_IPI (KVM's kvm_pv_send_ipi()): the interrupt of @icr to the
 * APIC IDs @min + each bit of @lo, then @min + @cluster + each bit of @hi;
 * the number of LAPICs that took it.
 */
static u64 kl_pv_send_ipi(struct kl_vcpu *v, u64 lo, u64 hi, u32 min,
			  u64 icr, unsigned int cluster)
{
	unsigned long map[2] = { lo, hi };
	u32 dm = icr & APIC_MODE_MASK;
	unsigned int i, half;
	u64 count = 0;

	/* As KVM: no APIC map without an in-kernel LAPIC. */
	if (!v->lapic)
		return -KVM_EOPNOTSUPP;
	if (icr & (APIC_DEST_LOGICAL | APIC_DEST_ALLBUT))
		return -KVM_EINVAL;
	for (half = 0; half < 2; half++, min += cluster) {
		for_each_set_bit(i, &map[half], cluster) {
			if ((u64)min + i > 0xff)
				break;
			count += kl_lapic_deliver(v->vcpu->vm, min + i, false,
						  dm, icr & APIC_VECTOR_MASK,
						  icr & APIC_INT_LEVELTRIG);
		}
	}
	return count;
}

/*
 * KVM_HC_SCHED_YIELD (KVM's kvm_sched_yield()): the rest of the time slice
 * to the vCPU of APIC ID @dest, when another task could run here and that
 * vCPU's thread waits for a CPU. A hint: 0 either way.
 */
static void kl_pv_sched_yield(struct kl_vcpu *v, u64 dest)
{
	struct kvmlite_vm *vm = v->vcpu->vm;
	struct kvmlite_vcpu *target;
	unsigned long i;

	if (single_task_running() || !v->lapic || dest > 0xff)
		return;
	xa_for_each(&vm->vcpus, i, target) {
		if (target != v->vcpu && kl_vcpu(target)->lapic &&
		    kl_lapic_match(kl_vcpu(target), dest, false)) {
			kvmlite_vcpu_yield_to(target);
			return;
		}
	}
}

/* A VMCALL (KVM's kvm_emulate_hypercall()): the value for RAX. */
u64 kl_pv_hypercall(struct kl_vcpu *v)
{
	u64 nr = v->gpr[KL_RAX], a0 = v->gpr[KL_RBX], a1 = v->gpr[KL_RCX];
	u64 a2 = v->gpr[KL_RDX], a3 = v->gpr[KL_RSI];
	bool op64 = kl_long64(v);

	if (!op64) {
		nr = (u32)nr;
		a0 = (u32)a0;
		a1 = (u32)a1;
		a2 = (u32)a2;
		a3 = (u32)a3;
	}
	/* The CPL is the DPL of SS (VMX keeps it there). */
	if (VMX_AR_DPL(kl_vmcs_get(v, GUEST_SS_AR_BYTES)))
		return -KVM_EPERM;
	switch (nr) {
	case KVM_HC_VAPIC_POLL_IRQ:
		return 0;
	case KVM_HC_SEND_IPI:
		if (!kl_pv_has(v, KVM_FEATURE_PV_SEND_IPI))
			break;
		return kl_pv_send_ipi(v, a0, a1, a2, a3, op64 ? 64 : 32);
	case KVM_HC_SCHED_YIELD:
		if (!kl_pv_has(v, KVM_FEATURE_PV_SCHED_YIELD))
			break;
		kl_pv_sched_yield(v, a0);
		return 0;
	}
	return -KVM_ENOSYS;
}

/* KVM_{HAS,GET,SET}_DEVICE_ATTR on a vCPU: KVM_VCPU_TSC_CTRL only. */
long kl_pv_vcpu_attr(struct kl_vcpu *v, unsigned int ioctl, void __user *argp)
{
	struct kvm_device_attr attr;
	u64 __user *uaddr;
	u64 offset;

	if (copy_from_user(&attr, argp, sizeof(attr)))
		return -EFAULT;
	if (attr.group != KVM_VCPU_TSC_CTRL || attr.attr != KVM_VCPU_TSC_OFFSET)
		return -ENXIO;
	uaddr = u64_to_user_ptr(attr.addr);
	switch (ioctl) {
	case KVM_HAS_DEVICE_ATTR:
		return 0;
	case KVM_GET_DEVICE_ATTR:
		return put_user(kl_vmcs_get(v, TSC_OFFSET), uaddr);
	}
	if (get_user(offset, uaddr))
		return -EFAULT;
	/* As KVM: the guest's TSC is the host's plus @offset from now on. */
	kl_vmcs_set(v, TSC_OFFSET, offset);
	return 0;
}
