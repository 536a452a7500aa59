// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86: VMX on and off, VMCSs, guest entry and the KVM_RUN loop.
 *
 * VMX is on (CR4.VMXE set, VMXON done) on every online CPU while at least
 * one kvmlite VM exists, and off otherwise, as the in-kernel KVM does with
 * enable_virt_at_load=0. FEAT_CTL is only read: firmware (or the kernel's
 * FEAT_CTL code) must have locked it with VMX enabled outside SMX. CR4 is
 * changed through cr4_set_bits()/cr4_clear_bits() so the kernel's shadow
 * stays right. A CPU going offline VMCLEARs the VMCSs active on it and
 * leaves VMX; one coming online enters it. On reboot every CPU leaves VMX
 * (reboot notifier), and the kernel's emergency path (kexec, panic, NMI
 * shootdown) calls our callback, which does the same on the CPU it runs on.
 *
 * A vCPU's VMCS is active on at most one CPU. When the vCPU thread runs on
 * another CPU than last time, the VMCS is VMCLEARed on the old CPU (by IPI)
 * and VMPTRLDed on the new one, and the host fields that differ per CPU
 * (TR, GDT and IDT bases, SYSENTER_ESP) are rewritten.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/reboot.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <asm/asm.h>
#include <asm/cpu_entry_area.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/gsseg.h>
#include <asm/kvm_para.h>
#include <asm/msr.h>
#include <asm/reboot.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/tsc.h>

#include "x86.h"

#define CREATE_TRACE_POINTS
#include "x86_trace.h"

struct kl_vmx_caps kl_caps;

struct kl_cpu {
	void *vmxon_region;
	struct kl_vcpu *current_vcpu;	/* whose VMCS is current */
	struct list_head loaded;	/* vCPUs whose VMCS is active here */
	bool on;
};

static DEFINE_PER_CPU(struct kl_cpu, kl_cpu);
static DEFINE_MUTEX(kl_vmx_lock);
static unsigned int kl_vmx_users;
static int kl_cpuhp_state;
static DEFINE_IDA(kl_vpid_ida);

/* --- VMX instructions -------------------------------------------------- */

static bool kl_vmclear(void *vmcs)
{
	u64 pa = __pa(vmcs);
	bool fail;

	asm volatile("vmclear %[pa]; setna %[fail]"
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return !fail;
}

static bool kl_vmptrld(void *vmcs)
{
	u64 pa = __pa(vmcs);
	bool fail;

	asm volatile("vmptrld %[pa]; setna %[fail]"
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return !fail;
}

static void kl_invvpid(unsigned long type, u16 vpid)
{
	struct { u64 vpid, gva; } d = { vpid, 0 };

	asm volatile("invvpid %[d], %[type]"
		     : : [d] "m" (d), [type] "r" (type) : "cc", "memory");
}

static void kl_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, gpa; } d = { eptp, 0 };

	asm volatile("invept %[d], %[type]"
		     : : [d] "m" (d), [type] "r" (type) : "cc", "memory");
}

static void kl_invept_ipi(void *info)
{
	u64 eptp = *(u64 *)info;

	if (!this_cpu_read(kl_cpu.on))
		return;
	if (eptp && (kl_caps.ept_vpid & VMX_EPT_EXTENT_CONTEXT_BIT))
		kl_invept(VMX_EPT_EXTENT_CONTEXT, eptp);
	else
		kl_invept(VMX_EPT_EXTENT_GLOBAL, 0);
}

/* Drop the cached translations of @eptp (0: of every EPTP) on every CPU. */
void kl_invept_all(u64 eptp)
{
	on_each_cpu(kl_invept_ipi, &eptp, 1);
}

/* --- VMX on and off per CPU ----------------------------------------------- */

static void kl_vmclear_local(struct kl_vcpu *v)
{
	struct kl_cpu *c = this_cpu_ptr(&kl_cpu);

	kl_vmclear(v->vmcs);
	list_del_init(&v->loaded);
	if (c->current_vcpu == v)
		c->current_vcpu = NULL;
	v->launched = false;
	/* Orders the VMCLEAR before the new CPU sees the VMCS free. */
	smp_store_release(&v->vmcs_cpu, -1);
}

static void kl_vmclear_ipi(void *info)
{
	struct kl_vcpu *v = info;

	if (v->vmcs_cpu == smp_processor_id())
		kl_vmclear_local(v);
}

static void kl_vmclear_all_local(void)
{
	struct kl_cpu *c = this_cpu_ptr(&kl_cpu);
	struct kl_vcpu *v, *tmp;

	list_for_each_entry_safe(v, tmp, &c->loaded, loaded)
		kl_vmclear_local(v);
}

static int kl_vmxon_local(void)
{
	struct kl_cpu *c = this_cpu_ptr(&kl_cpu);
	u64 feat, pa = __pa(c->vmxon_region);
	bool fail = true;

	if (cr4_read_shadow() & X86_CR4_VMXE) {
		pr_err("CPU%d: VMX is already in use by another hypervisor (kvm_intel?)\n",
		       smp_processor_id());
		return -EBUSY;
	}
	/* Never written: a locked FEAT_CTL cannot be changed anyway. */
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat) ||
	    !(feat & FEAT_CTL_LOCKED) ||
	    !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX))
		return -ENODEV;

	cr4_set_bits(X86_CR4_VMXE);
	asm volatile("1: vmxon %[pa]\n\t"
		     "setna %[fail]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [fail] "+qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	if (fail) {
		cr4_clear_bits(X86_CR4_VMXE);
		pr_err("CPU%d: VMXON failed\n", smp_processor_id());
		return -EIO;
	}
	INIT_LIST_HEAD(&c->loaded);
	c->current_vcpu = NULL;
	c->on = true;
	/* Nothing of an earlier owner of the VPIDs and EPTPs survives. */
	kl_invept(VMX_EPT_EXTENT_GLOBAL, 0);
	if (kl_caps.vpid)
		kl_invvpid(VMX_VPID_EXTENT_ALL_CONTEXT, 0);
	return 0;
}

static void kl_vmxoff_local(void)
{
	struct kl_cpu *c = this_cpu_ptr(&kl_cpu);

	if (!c->on)
		return;
	kl_vmclear_all_local();
	asm volatile("1: vmxoff\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b) : : : "cc", "memory");
	cr4_clear_bits(X86_CR4_VMXE);
	c->on = false;
}

static int kl_cpu_online(unsigned int cpu)
{
	unsigned long flags;
	int r;

	local_irq_save(flags);
	r = kl_vmxon_local();
	local_irq_restore(flags);
	return r;
}

static int kl_cpu_offline(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	kl_vmxoff_local();
	local_irq_restore(flags);
	return 0;
}

/* From the kernel's emergency reboot/crash path, maybe in NMI context. */
static void kl_emergency_disable(void)
{
	struct kl_cpu *c = this_cpu_ptr(&kl_cpu);

	if (!c->on || !(__read_cr4() & X86_CR4_VMXE))
		return;
	asm volatile("1: vmxoff\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b) : : : "cc", "memory");
	cr4_clear_bits(X86_CR4_VMXE);
	c->on = false;
}

static void kl_vmxoff_ipi(void *unused)
{
	kl_vmxoff_local();
}

static int kl_reboot_notify(struct notifier_block *nb, unsigned long code,
			    void *unused)
{
	on_each_cpu(kl_vmxoff_ipi, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block kl_reboot_nb = {
	.notifier_call = kl_reboot_notify,
};

/* Turn VMX on everywhere for a new VM; -EBUSY if someone else has it. */
int kl_vmx_get(void)
{
	int r = 0;

	mutex_lock(&kl_vmx_lock);
	if (kl_vmx_users++)
		goto out;
	/*
	 * A hypervisor that owns VMX (kvm_intel) has also registered the
	 * one emergency callback: fail before taking it over.
	 */
	if (cr4_read_shadow() & X86_CR4_VMXE) {
		pr_err("VMX is already in use by another hypervisor (kvm_intel?)\n");
		r = -EBUSY;
		goto fail;
	}
	cpu_emergency_register_virt_callback(kl_emergency_disable);
	r = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "kvmlite/x86:online",
			      kl_cpu_online, kl_cpu_offline);
	if (r < 0) {
		cpu_emergency_unregister_virt_callback(kl_emergency_disable);
		goto fail;
	}
	kl_cpuhp_state = r;
	r = 0;
	goto out;
fail:
	kl_vmx_users--;
out:
	mutex_unlock(&kl_vmx_lock);
	return r;
}

void kl_vmx_put(void)
{
	mutex_lock(&kl_vmx_lock);
	if (!--kl_vmx_users) {
		cpuhp_remove_state(kl_cpuhp_state);
		cpu_emergency_unregister_virt_callback(kl_emergency_disable);
	}
	mutex_unlock(&kl_vmx_lock);
}

static u32 kl_adjust(u32 want, u32 must, u64 msr_index)
{
	u64 msr;

	rdmsrl(msr_index, msr);
	if ((want & must) != must)
		return 0;
	want |= (u32)msr;		/* allowed-0 settings: must be 1 */
	if (want & ~(u32)(msr >> 32))	/* allowed-1 settings */
		return 0;
	return want;
}

static void kl_check_busy(void *info)
{
	if (cr4_read_shadow() & X86_CR4_VMXE)
		atomic_inc(info);
}

int kl_vmx_init(void)
{
	u64 basic, misc, cpu_msr, pin_msr, exit_msr, entry_msr;
	atomic_t busy = ATOMIC_INIT(0);
	int cpu;

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	rdmsrl(MSR_IA32_VMX_MISC, misc);
	if (((basic >> 50) & 0xf) != X86_MEMTYPE_WB ||
	    ((basic >> 32) & 0x1fff) > PAGE_SIZE) {
		pr_err("unsupported VMCS (VMX_BASIC=%#llx)\n", basic);
		return -ENODEV;
	}
	kl_caps.revision = basic & 0x7fffffff;
	kl_caps.inout = basic & VMX_BASIC_INOUT;
	if (basic & VMX_BASIC_TRUE_CTLS) {
		pin_msr = MSR_IA32_VMX_TRUE_PINBASED_CTLS;
		cpu_msr = MSR_IA32_VMX_TRUE_PROCBASED_CTLS;
		exit_msr = MSR_IA32_VMX_TRUE_EXIT_CTLS;
		entry_msr = MSR_IA32_VMX_TRUE_ENTRY_CTLS;
	} else {
		pin_msr = MSR_IA32_VMX_PINBASED_CTLS;
		cpu_msr = MSR_IA32_VMX_PROCBASED_CTLS;
		exit_msr = MSR_IA32_VMX_EXIT_CTLS;
		entry_msr = MSR_IA32_VMX_ENTRY_CTLS;
	}
	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, kl_caps.ept_vpid);
	if (!(kl_caps.ept_vpid & VMX_EPT_PAGE_WALK_4_BIT) ||
	    !(kl_caps.ept_vpid & VMX_EPTP_WB_BIT) ||
	    !(kl_caps.ept_vpid & VMX_EPT_INVEPT_BIT) ||
	    !(kl_caps.ept_vpid & VMX_EPT_EXTENT_GLOBAL_BIT)) {
		pr_err("EPT lacks 4-level walks, WB or INVEPT\n");
		return -ENODEV;
	}

	kl_caps.pin = kl_adjust(PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING |
				PIN_BASED_VIRTUAL_NMIS,
				PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING |
				PIN_BASED_VIRTUAL_NMIS, pin_msr);
	/*
	 * The preemption timer bounds each stay in the guest even if an
	 * external interrupt failed to make it exit (seen with Bochs and a
	 * TSC offset: the host's TSC-deadline timer never fired in the guest).
	 */
	if (kl_caps.pin &&
	    kl_adjust(kl_caps.pin | PIN_BASED_VMX_PREEMPTION_TIMER, 0, pin_msr)) {
		kl_caps.pin |= PIN_BASED_VMX_PREEMPTION_TIMER;
		kl_caps.preempt_timer = true;
		kl_caps.preempt_ticks = min_t(u64, U32_MAX,
					      ((u64)(tsc_khz ?: 1000000) * 10) >>
					      (misc & 0x1f));
	}
	/* CR3 exits only where the CPU forces them (no TRUE controls). */
	kl_caps.cpu = CPU_BASED_HLT_EXITING | CPU_BASED_UNCOND_IO_EXITING |
		      CPU_BASED_MOV_DR_EXITING | CPU_BASED_USE_TSC_OFFSETTING |
		      CPU_BASED_CR8_LOAD_EXITING | CPU_BASED_CR8_STORE_EXITING |
		      CPU_BASED_MWAIT_EXITING | CPU_BASED_MONITOR_EXITING |
		      CPU_BASED_RDPMC_EXITING |
		      CPU_BASED_ACTIVATE_SECONDARY_CONTROLS;
	kl_caps.cpu = kl_adjust(kl_caps.cpu, kl_caps.cpu, cpu_msr);
	kl_caps.cpu2 = SECONDARY_EXEC_ENABLE_EPT |
		       SECONDARY_EXEC_UNRESTRICTED_GUEST;
	kl_caps.vpid = kl_adjust(kl_caps.cpu2 | SECONDARY_EXEC_ENABLE_VPID,
				 0, MSR_IA32_VMX_PROCBASED_CTLS2) &&
		       (kl_caps.ept_vpid & VMX_VPID_INVVPID_BIT) &&
		       (kl_caps.ept_vpid & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT) &&
		       (kl_caps.ept_vpid & VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT);
	if (kl_caps.vpid)
		kl_caps.cpu2 |= SECONDARY_EXEC_ENABLE_VPID;
	kl_caps.cpu2 = kl_adjust(kl_caps.cpu2, kl_caps.cpu2,
				 MSR_IA32_VMX_PROCBASED_CTLS2);
	kl_caps.exit = kl_adjust(VM_EXIT_HOST_ADDR_SPACE_SIZE |
				 VM_EXIT_SAVE_DEBUG_CONTROLS |
				 VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_IA32_EFER |
				 VM_EXIT_LOAD_IA32_PAT | VM_EXIT_SAVE_IA32_PAT,
				 VM_EXIT_HOST_ADDR_SPACE_SIZE |
				 VM_EXIT_SAVE_DEBUG_CONTROLS |
				 VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_IA32_EFER |
				 VM_EXIT_LOAD_IA32_PAT | VM_EXIT_SAVE_IA32_PAT,
				 exit_msr);
	kl_caps.entry = kl_adjust(VM_ENTRY_LOAD_DEBUG_CONTROLS |
				  VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT,
				  VM_ENTRY_LOAD_DEBUG_CONTROLS |
				  VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT,
				  entry_msr);
	if (!kl_caps.pin || !kl_caps.cpu || !kl_caps.cpu2 || !kl_caps.exit ||
	    !kl_caps.entry) {
		pr_err("VMX lacks controls kvmlite needs (pin %#x cpu %#x/%#x exit %#x entry %#x)\n",
		       kl_caps.pin, kl_caps.cpu, kl_caps.cpu2, kl_caps.exit,
		       kl_caps.entry);
		return -ENODEV;
	}
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, kl_caps.cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, kl_caps.cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, kl_caps.cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, kl_caps.cr4_fixed1);
	rdmsrl(MSR_STAR, kl_caps.host_star);
	rdmsrl(MSR_LSTAR, kl_caps.host_lstar);
	rdmsrl(MSR_CSTAR, kl_caps.host_cstar);
	rdmsrl(MSR_SYSCALL_MASK, kl_caps.host_fmask);
	rdmsrl(MSR_IA32_CR_PAT, kl_caps.host_pat);
	rdmsrl(MSR_EFER, kl_caps.host_efer);
	if (boot_cpu_has(X86_FEATURE_XSAVE)) {
		kl_caps.host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
		kl_caps.supported_xcr0 = kl_caps.host_xcr0 & KL_XCR0;
	}
	if (kl_cpuid_init())
		return -ENOMEM;

	on_each_cpu(kl_check_busy, &busy, 1);
	if (atomic_read(&busy)) {
		pr_err("VMX is already in use by another hypervisor (kvm_intel?)\n");
		return -EBUSY;
	}

	for_each_possible_cpu(cpu) {
		struct kl_cpu *c = per_cpu_ptr(&kl_cpu, cpu);
		struct page *p = alloc_pages_node(cpu_to_node(cpu),
						  GFP_KERNEL | __GFP_ZERO, 0);

		if (!p) {
			kl_vmx_exit();
			return -ENOMEM;
		}
		c->vmxon_region = page_address(p);
		*(u32 *)c->vmxon_region = kl_caps.revision;
		INIT_LIST_HEAD(&c->loaded);
	}
	register_reboot_notifier(&kl_reboot_nb);
	pr_info("VMX: EPT, unrestricted guest%s (FEAT_CTL locked, VMX on while VMs exist)\n",
		kl_caps.vpid ? ", VPID" : "");
	return 0;
}

void kl_vmx_exit(void)
{
	int cpu;

	unregister_reboot_notifier(&kl_reboot_nb);
	/* No VM is left (each holds the module): VMX is already off. */
	for_each_possible_cpu(cpu) {
		struct kl_cpu *c = per_cpu_ptr(&kl_cpu, cpu);

		if (c->vmxon_region)
			free_page((unsigned long)c->vmxon_region);
		c->vmxon_region = NULL;
	}
	ida_destroy(&kl_vpid_ida);
}

/* --- VMCS ---------------------------------------------------------------- */

static void kl_set_seg(unsigned int idx, u16 sel, u64 base, u32 limit, u32 ar)
{
	vmcs_write(GUEST_ES_SELECTOR + idx * 2, sel);
	vmcs_write(GUEST_ES_BASE + idx * 2, base);
	vmcs_write(GUEST_ES_LIMIT + idx * 2, limit);
	vmcs_write(GUEST_ES_AR_BYTES + idx * 2, ar);
}

/* Architectural reset state, as KVM's vmx_vcpu_reset() sets it. */
void kl_vcpu_reset(struct kl_vcpu *v)
{
	int i;

	memset(v->gpr, 0, sizeof(v->gpr));
	v->gpr[KL_RDX] = 0x600;	/* family 6, as KVM without CPUID */
	v->rip = 0xfff0;
	v->rflags = X86_EFLAGS_FIXED;
	v->cr0 = X86_CR0_ET | X86_CR0_CD | X86_CR0_NW;
	v->cr2 = 0;
	v->cr4 = 0;
	v->cr8 = 0;
	v->efer = 0;
	v->apic_base = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
		       (kl_is_bsp(v) ? MSR_IA32_APICBASE_BSP : 0);
	v->pending_irq = -1;
	v->pending_nmi = false;
	v->pending = KL_PENDING_NONE;
	v->misc_enable = MSR_IA32_MISC_ENABLE_FAST_STRING;
	memset(v->dr, 0, sizeof(v->dr));
	v->dr6 = DR6_RESERVED;
	v->xcr0 = XFEATURE_MASK_FP;

	/* ES, CS, SS, DS, FS, GS in VMCS encoding order. */
	for (i = 0; i < 6; i++)
		kl_set_seg(i, 0, 0, 0xffff, 0x93);
	kl_set_seg(1, 0xf000, 0xffff0000, 0xffff, 0x9b);
	kl_set_seg(6, 0, 0, 0xffff, 0x82);		/* LDTR */
	kl_set_seg(7, 0, 0, 0xffff, 0x8b);		/* TR */
	vmcs_write(GUEST_GDTR_BASE, 0);
	vmcs_write(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_IDTR_BASE, 0);
	vmcs_write(GUEST_IDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_RSP, 0);
	vmcs_write(GUEST_RIP, v->rip);
	vmcs_write(GUEST_RFLAGS, v->rflags);
	vmcs_write(GUEST_CR3, 0);
	v->dr7 = DR7_FIXED_1;
	vmcs_write(GUEST_DR7, kl_hw_dr7(v));
	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_IA32_PAT, 0x0007040600070406ULL);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	v->idt_vectoring = 0;
	kl_set_cr0(v, v->cr0);
	kl_set_cr4(v, 0);
	vmcs_write(GUEST_IA32_EFER, 0);
	kl_update_ia32e(v);
}

/*
 * The reset of an INIT (KVM's kvm_vcpu_reset(init_event)): the registers as
 * at power-on but the MSRs, the APIC base and CR0.CD/NW kept; the LAPIC's
 * registers reset.
 */
void kl_vcpu_init_reset(struct kl_vcpu *v)
{
	u64 apic_base = v->apic_base, misc = v->misc_enable, pat;
	u64 cd_nw = v->cr0 & (X86_CR0_CD | X86_CR0_NW);

	kl_vcpu_get(v);
	pat = vmcs_read(GUEST_IA32_PAT);
	kl_vcpu_reset(v);
	vmcs_write(GUEST_IA32_PAT, pat);
	kl_vcpu_put(v);
	v->apic_base = apic_base;
	v->misc_enable = misc;
	kl_set_cr0(v, X86_CR0_ET | cd_nw);
	kl_lapic_reset(v, true);
}

/* SIPI: a vCPU waiting after INIT starts in real mode at @vector << 12. */
void kl_vcpu_sipi(struct kl_vcpu *v, u8 vector)
{
	kl_vcpu_get(v);
	vmcs_write(GUEST_CS_SELECTOR, (u16)vector << 8);
	vmcs_write(GUEST_CS_BASE, (u32)vector << 12);
	kl_vcpu_put(v);
	v->rip = 0;
}

static void kl_vmcs_setup(struct kl_vcpu *v)
{
	struct kl_vm *kvm = kl_vm(v->vcpu->vm);
	u64 eip;
	u32 low, high;

	vmcs_write(PIN_BASED_VM_EXEC_CONTROL, kl_caps.pin);
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, v->cpu_ctl);
	vmcs_write(SECONDARY_VM_EXEC_CONTROL, kl_caps.cpu2);
	vmcs_write(VM_EXIT_CONTROLS, kl_caps.exit);
	vmcs_write(VM_ENTRY_CONTROLS, kl_caps.entry);
	vmcs_write(EXCEPTION_BITMAP, KL_EXCEPTION_BITMAP);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_LINK_POINTER, -1ULL);
	vmcs_write(EPT_POINTER, kvm->eptp);
	if (kl_caps.vpid)
		vmcs_write(VIRTUAL_PROCESSOR_ID, v->vpid);

	/*
	 * The guest owns the CR0/CR4 bits it may change freely (read back
	 * at every exit); writes to the others exit (x86.h).
	 */
	vmcs_write(CR0_GUEST_HOST_MASK, KL_CR0_HOST_OWNED);
	vmcs_write(CR4_GUEST_HOST_MASK, KL_CR4_HOST_OWNED);

	/* Host state that never changes. */
	vmcs_write(HOST_CR0, read_cr0());
	vmcs_write(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write(HOST_DS_SELECTOR, 0);
	vmcs_write(HOST_ES_SELECTOR, 0);
	vmcs_write(HOST_FS_SELECTOR, 0);
	vmcs_write(HOST_GS_SELECTOR, 0);
	vmcs_write(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_write(HOST_RIP, (unsigned long)kl_vmx_exit_landing);
	vmcs_write(HOST_IA32_PAT, kl_caps.host_pat);
	vmcs_write(HOST_IA32_EFER, kl_caps.host_efer);
	rdmsr(MSR_IA32_SYSENTER_CS, low, high);
	vmcs_write(HOST_IA32_SYSENTER_CS, low);
	rdmsrl(MSR_IA32_SYSENTER_EIP, eip);
	vmcs_write(HOST_IA32_SYSENTER_EIP, eip);

	kl_vcpu_reset(v);
	/*
	 * As KVM's kvm_synchronize_tsc() at creation: every vCPU of the VM
	 * counts from 0 at the VM's creation (INIT keeps the TSC).
	 */
	vmcs_write(TSC_OFFSET, kl_vm(v->vcpu->vm)->tsc_offset);
	v->setup_done = true;
}

/* Host fields that depend on the CPU. IRQs off. */
static void kl_vmcs_set_host_cpu(int cpu)
{
	struct desc_ptr idt;
	u64 esp;

	vmcs_write(HOST_TR_BASE,
		   (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_write(HOST_GDTR_BASE, (unsigned long)get_cpu_gdt_ro(cpu));
	store_idt(&idt);
	vmcs_write(HOST_IDTR_BASE, idt.address);
	rdmsrl(MSR_IA32_SYSENTER_ESP, esp);
	vmcs_write(HOST_IA32_SYSENTER_ESP, esp);
	rdmsrl(MSR_GS_BASE, esp);
	vmcs_write(HOST_GS_BASE, esp);
}

/* Make @v's VMCS current on this CPU. Preemption disabled. */
static void kl_vmcs_load(struct kl_vcpu *v)
{
	struct kl_cpu *c = this_cpu_ptr(&kl_cpu);
	int cpu = smp_processor_id();
	unsigned long flags;
	int old = READ_ONCE(v->vmcs_cpu);

	if (old == cpu) {
		if (c->current_vcpu != v) {
			kl_vmptrld(v->vmcs);
			c->current_vcpu = v;
		}
		return;
	}
	/* Active on another CPU: VMCLEAR it there first. */
	if (old >= 0)
		smp_call_function_single(old, kl_vmclear_ipi, v, 1);

	local_irq_save(flags);
	kl_vmclear(v->vmcs);
	kl_vmptrld(v->vmcs);
	c->current_vcpu = v;
	list_add(&v->loaded, &c->loaded);
	v->vmcs_cpu = cpu;
	v->launched = false;
	v->flush_vpid = true;
	kl_vmcs_set_host_cpu(cpu);
	if (!v->setup_done)
		kl_vmcs_setup(v);
	local_irq_restore(flags);
}

void kl_vcpu_get(struct kl_vcpu *v)
{
	preempt_disable();
	kl_vmcs_load(v);
}

void kl_vcpu_put(struct kl_vcpu *v)
{
	preempt_enable();
}

u64 kl_vmcs_get(struct kl_vcpu *v, unsigned long field)
{
	u64 val;

	kl_vcpu_get(v);
	val = vmcs_read(field);
	kl_vcpu_put(v);
	return val;
}

void kl_vmcs_set(struct kl_vcpu *v, unsigned long field, u64 value)
{
	kl_vcpu_get(v);
	vmcs_write(field, value);
	kl_vcpu_put(v);
}

int kl_vcpu_init(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v;
	struct page *p;
	int r;

	v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return -ENOMEM;
	v->vcpu = vcpu;
	v->vmcs_cpu = -1;
	INIT_LIST_HEAD(&v->loaded);
	/* As KVM's vmx_exec_control(): HLT exits unless it runs in the guest. */
	v->cpu_ctl = kl_caps.cpu;
	if (READ_ONCE(kl_vm(vcpu->vm)->hlt_in_guest))
		v->cpu_ctl &= ~CPU_BASED_HLT_EXITING;
	kl_state_init(v);
	p = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!p) {
		r = -ENOMEM;
		goto err;
	}
	v->vmcs = page_address(p);
	*(u32 *)v->vmcs = kl_caps.revision;
	if (kl_caps.vpid) {
		r = ida_alloc_range(&kl_vpid_ida, 1, VMX_NR_VPIDS - 1,
				    GFP_KERNEL);
		if (r < 0)
			goto err_vmcs;
		v->vpid = r;
	}
	if (!fpu_alloc_guest_fpstate(&v->fpu)) {
		r = -ENOMEM;
		goto err_vpid;
	}
	vcpu->arch = v;
	/*
	 * As KVM: with an in-kernel LAPIC only the BSP (id 0, or the one of
	 * KVM_SET_BOOT_CPU_ID) runs; the others wait for INIT and SIPI.
	 */
	v->mp_state = KVM_MP_STATE_RUNNABLE;
	if (kl_irqchip_mode(vcpu->vm) != KL_IRQCHIP_NONE) {
		r = kl_lapic_create(v);
		if (r)
			goto err_fpu;
		if (vcpu->id != kl_vm(vcpu->vm)->bsp_vcpu_id)
			v->mp_state = KVM_MP_STATE_UNINITIALIZED;
	}
	/* VMCS fields and the reset state, on this CPU. */
	kl_vcpu_get(v);
	kl_vcpu_put(v);
	return 0;

err_fpu:
	vcpu->arch = NULL;
	fpu_free_guest_fpstate(&v->fpu);
err_vpid:
	if (v->vpid)
		ida_free(&kl_vpid_ida, v->vpid);
err_vmcs:
	free_page((unsigned long)v->vmcs);
err:
	kfree(v);
	return r;
}

void kl_vcpu_uninit(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	int cpu;

	if (!v)
		return;
	cpu = READ_ONCE(v->vmcs_cpu);
	if (cpu >= 0)
		smp_call_function_single(cpu, kl_vmclear_ipi, v, 1);
	if (v->vpid) {
		if (kl_caps.vpid) {
			preempt_disable();
			if (this_cpu_read(kl_cpu.on))
				kl_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, v->vpid);
			preempt_enable();
		}
		ida_free(&kl_vpid_ida, v->vpid);
	}
	kl_lapic_destroy(v);
	fpu_free_guest_fpstate(&v->fpu);
	kfree(v->cpuid);
	free_page((unsigned long)v->vmcs);
	kfree(v);
	vcpu->arch = NULL;
}

/* --- events ---------------------------------------------------------------- */

void kl_inject_exception(struct kl_vcpu *v, u8 vector, bool has_err, u32 err)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	/* No error code in real mode (a VM-entry check). */
	if (has_err && (v->cr0 & X86_CR0_PE)) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		kl_vmcs_set(v, VM_ENTRY_EXCEPTION_ERROR_CODE, err);
	}
	kl_vmcs_set(v, VM_ENTRY_INTR_INFO_FIELD, info);
}

static bool kl_irq_window_open(struct kl_vcpu *v, u32 intr_state)
{
	return (v->rflags & X86_EFLAGS_IF) &&
	       !(intr_state & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

/*
 * As KVM's vmx_clear_hlt(): a guest halted in VMX non-root (HLT does not
 * exit) wakes to the event injected at this entry, RIP already past HLT.
 */
static void kl_clear_hlt(struct kl_vcpu *v)
{
	if (!(v->cpu_ctl & CPU_BASED_HLT_EXITING) &&
	    (vmcs_read(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK) &&
	    vmcs_read(GUEST_ACTIVITY_STATE) == GUEST_ACTIVITY_HLT)
		vmcs_write(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
}

/* Choose the event to inject at this entry. VMCS current, IRQs off. */
static void kl_inject_events(struct kl_vcpu *v)
{
	u32 cpu_ctl = v->cpu_ctl, intr_state, info;
	struct kvm_run *run = v->vcpu->run;

	info = vmcs_read(VM_ENTRY_INTR_INFO_FIELD);
	if (!(info & INTR_INFO_VALID_MASK) &&
	    (v->idt_vectoring & VECTORING_INFO_VALID_MASK)) {
		/* An event whose delivery the last exit interrupted. */
		info = v->idt_vectoring & ~INTR_INFO_UNBLOCK_NMI;
		if (info & VECTORING_INFO_DELIVER_CODE_MASK)
			vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE,
				   v->idt_vectoring_err);
		if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_SOFT_INTR ||
		    (info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_SOFT_EXCEPTION ||
		    (info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_PRIV_SW_EXCEPTION)
			vmcs_write(VM_ENTRY_INSTRUCTION_LEN, v->exit_insn_len);
		vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info);
	}
	v->idt_vectoring = 0;

	intr_state = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);
	if (READ_ONCE(v->pending_nmi)) {
		if (!(info & INTR_INFO_VALID_MASK) &&
		    !(intr_state & (GUEST_INTR_STATE_NMI | GUEST_INTR_STATE_STI |
				    GUEST_INTR_STATE_MOV_SS))) {
			info = NMI_VECTOR | INTR_TYPE_NMI_INTR |
			       INTR_INFO_VALID_MASK;
			vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info);
			WRITE_ONCE(v->pending_nmi, false);
		} else {
			cpu_ctl |= CPU_BASED_NMI_WINDOW_EXITING;
		}
	}
	/* As KVM: no interrupt while the VMM asks for none (BLOCKIRQ). */
	if (unlikely(v->guest_debug & KVM_GUESTDBG_BLOCKIRQ)) {
		vmcs_write(CPU_BASED_VM_EXEC_CONTROL, cpu_ctl);
		kl_clear_hlt(v);
		return;
	}
	/* An ExtINT first (KVM's kvm_cpu_get_interrupt()), then the LAPIC's. */
	if (kl_extint_pending(v)) {
		if (!(info & INTR_INFO_VALID_MASK) &&
		    kl_irq_window_open(v, intr_state)) {
			info = (u8)kl_extint_ack(v) |
			       INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK;
			vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info);
			trace_kvm_inj_virq(v->vcpu->id, (u8)info);
		} else {
			cpu_ctl |= CPU_BASED_INTR_WINDOW_EXITING;
		}
	} else if (v->lapic) {
		if (!(info & INTR_INFO_VALID_MASK) &&
		    kl_irq_window_open(v, intr_state)) {
			int vec = kl_lapic_ack(v);

			if (vec >= 0) {
				info = vec | INTR_TYPE_EXT_INTR |
				       INTR_INFO_VALID_MASK;
				vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info);
				trace_kvm_inj_virq(v->vcpu->id, vec);
			}
		} else if (kl_lapic_has_interrupt(v)) {
			cpu_ctl |= CPU_BASED_INTR_WINDOW_EXITING;
		}
	}
	if (READ_ONCE(run->request_interrupt_window) &&
	    !kl_vm(v->vcpu->vm)->pic && !kl_irq_window_open(v, intr_state))
		cpu_ctl |= CPU_BASED_INTR_WINDOW_EXITING;
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, cpu_ctl);
	kl_clear_hlt(v);
}

/* --- entry ------------------------------------------------------------------- */

static void kl_read_exit_info(struct kl_vcpu *v)
{
	v->rip = vmcs_read(GUEST_RIP);
	v->rflags = vmcs_read(GUEST_RFLAGS);
	v->gpr[KL_RSP] = vmcs_read(GUEST_RSP);
	v->exit_reason = vmcs_read(VM_EXIT_REASON);
	v->exit_qual = vmcs_read(EXIT_QUALIFICATION);
	v->exit_gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
	v->exit_insn_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	v->exit_insn_info = vmcs_read(VMX_INSTRUCTION_INFO);
	v->exit_intr_info = vmcs_read(VM_EXIT_INTR_INFO);
	/* Only the kvm_exit tracepoint uses it: no VMREAD unless it is on. */
	v->exit_intr_err = trace_kvm_exit_enabled() &&
			   (v->exit_intr_info & INTR_INFO_DELIVER_CODE_MASK) ?
			   vmcs_read(VM_EXIT_INTR_ERROR_CODE) : 0;
	v->idt_vectoring = vmcs_read(IDT_VECTORING_INFO_FIELD);
	v->idt_vectoring_err = vmcs_read(IDT_VECTORING_ERROR_CODE);
	v->interruptibility = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);
	/* The bits the guest owns changed without an exit (KVM decaches them). */
	v->cr0 = (v->cr0 & KL_CR0_HOST_OWNED) |
		 (vmcs_read(GUEST_CR0) & ~KL_CR0_HOST_OWNED);
	v->cr4 = (v->cr4 & KL_CR4_HOST_OWNED) |
		 (vmcs_read(GUEST_CR4) & ~KL_CR4_HOST_OWNED);
}

/*
 * Whether the guest's debug registers must be in the hardware while it runs:
 * a breakpoint enabled in its DR7, or single-stepping (RFLAGS.TF).
 */
static bool kl_debugregs_armed(struct kl_vcpu *v)
{
	return (kl_hw_dr7(v) & (DR_LOCAL_ENABLE_MASK | DR_GLOBAL_ENABLE_MASK)) ||
	       (v->rflags & X86_EFLAGS_TF);
}

/* One guest entry and exit. 1: go on, -EINTR-like <0: leave the loop. */
static int kl_enter_guest(struct kl_vcpu *v)
{
	struct kvmlite_vcpu *vcpu = v->vcpu;
	u16 fs_sel, gs_sel, ds_sel, es_sel;
	unsigned long dr7, debugctl;
	struct desc_ptr idt;
	u64 host_kgs;
	int cpu, fail;
	bool armed, xcr;

	preempt_disable();
	kl_vmcs_load(v);
	local_irq_disable();
	cpu = smp_processor_id();
	WRITE_ONCE(vcpu->cpu, cpu);
	/* Pairs with the barrier in kvmlite_vcpu_kick(). */
	smp_store_mb(vcpu->mode, KVMLITE_IN_GUEST);
	if (signal_pending(current) || need_resched()) {
		/* Nothing was done in guest mode: the release is for symmetry. */
		smp_store_release(&vcpu->mode, KVMLITE_OUTSIDE_GUEST);
		local_irq_enable();
		preempt_enable();
		return 0;
	}
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();

	kl_inject_events(v);
	if (v->flush_vpid && kl_caps.vpid)
		kl_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, v->vpid);
	v->flush_vpid = false;

	trace_kvm_entry(vcpu->id, v->rip);
	vmcs_write(GUEST_RIP, v->rip);
	vmcs_write(GUEST_RSP, v->gpr[KL_RSP]);
	vmcs_write(GUEST_RFLAGS, v->rflags);
	if (kl_caps.preempt_timer)
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE, kl_caps.preempt_ticks);
	vmcs_write(HOST_CR3, __read_cr3());
	vmcs_write(HOST_CR4, cr4_read_shadow());

	/* Host state the VM exit does not restore as Linux wants it. */
	savesegment(fs, fs_sel);
	savesegment(gs, gs_sel);
	savesegment(ds, ds_sel);
	savesegment(es, es_sel);
	vmcs_write(HOST_FS_BASE, x86_fsbase_read_cpu());
	rdmsrl(MSR_KERNEL_GS_BASE, host_kgs);
	get_debugreg(dr7, 7);
	debugctl = get_debugctlmsr();
	armed = kl_debugregs_armed(v);
	if (armed) {
		/* The guest's (or VMM's) breakpoints, the host's off meanwhile. */
		const u64 *db = kl_hw_db(v);

		set_debugreg(DR7_FIXED_1, 7);
		set_debugreg(db[0], 0);
		set_debugreg(db[1], 1);
		set_debugreg(db[2], 2);
		set_debugreg(db[3], 3);
		set_debugreg(v->dr6, 6);
	}
	store_idt(&idt);
	/* The guest's XCR0 while it runs (XGETBV and XSAVE do not exit). */
	xcr = (v->cr4 & X86_CR4_OSXSAVE) && v->xcr0 != kl_caps.host_xcr0;
	if (xcr)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, v->xcr0);

	wrmsrl(MSR_KERNEL_GS_BASE, v->kernel_gs_base);
	wrmsrl(MSR_STAR, v->star);
	wrmsrl(MSR_LSTAR, v->lstar);
	wrmsrl(MSR_CSTAR, v->cstar);
	wrmsrl(MSR_SYSCALL_MASK, v->fmask);
	if (native_read_cr2() != v->cr2)
		native_write_cr2(v->cr2);

	fail = kl_vmx_enter(v->gpr, v->launched);

	if (xcr)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, kl_caps.host_xcr0);
	v->cr2 = native_read_cr2();
	/* The exit set the GDT and IDT limits to 0xffff, TR's to 0x67. */
	load_fixmap_gdt(cpu);
	load_idt(&idt);
	invalidate_tss_limit();
	if (ds_sel | es_sel) {
		loadsegment(ds, ds_sel);
		loadsegment(es, es_sel);
	}
	if (fs_sel) {
		unsigned long fsbase = x86_fsbase_read_cpu();

		loadsegment(fs, fs_sel);
		x86_fsbase_write_cpu(fsbase);
	}
	rdmsrl(MSR_KERNEL_GS_BASE, v->kernel_gs_base);
	if (gs_sel)
		load_gs_index(gs_sel);
	wrmsrl(MSR_KERNEL_GS_BASE, host_kgs);
	wrmsrl(MSR_STAR, kl_caps.host_star);
	wrmsrl(MSR_LSTAR, kl_caps.host_lstar);
	wrmsrl(MSR_CSTAR, kl_caps.host_cstar);
	wrmsrl(MSR_SYSCALL_MASK, kl_caps.host_fmask);
	if (armed) {
		/* A #DB the guest took updated DR6 (the exit leaves it). */
		get_debugreg(v->dr6, 6);
		if ((dr7 & ~DR7_FIXED_1) || hw_breakpoint_active())
			hw_breakpoint_restore();
		else
			set_debugreg(DR6_RESERVED, 6);
	} else if (dr7 & ~DR7_FIXED_1) {
		set_debugreg(dr7, 7);
	}
	if (debugctl)
		update_debugctlmsr(debugctl);

	v->entry_failed = fail;
	if (!fail) {
		kl_read_exit_info(v);
		/*
		 * As KVM: an entry that failed on the guest state (an exit with
		 * bit 31) leaves the VMCS clear; the next entry is VMLAUNCH again.
		 */
		if (!(v->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
			v->launched = true;
		v->has_run = true;
		/* A host NMI made the guest exit: run the host's handler. */
		if ((u16)v->exit_reason == EXIT_REASON_EXCEPTION_NMI &&
		    (v->exit_intr_info & INTR_INFO_INTR_TYPE_MASK) ==
		    INTR_TYPE_NMI_INTR)
			asm volatile("int $2");
	} else {
		v->exit_reason = vmcs_read(VM_INSTRUCTION_ERROR);
	}
	/* Orders the guest state saved above before OUTSIDE_GUEST is seen. */
	smp_store_release(&vcpu->mode, KVMLITE_OUTSIDE_GUEST);
	/* A pending host interrupt that made the guest exit is taken here. */
	local_irq_enable();
	preempt_enable();
	if (!fail)
		trace_kvm_exit(vcpu->id, v->exit_reason, v->rip, v->exit_qual,
			       v->idt_vectoring, v->exit_intr_info,
			       v->exit_intr_err);
	return 1;
}

/*
 * What ends a halted vCPU's wait, or an AP's before SIPI (KVM's
 * kvm_arch_vcpu_runnable()): INIT or SIPI; when halted, an NMI, or an
 * interrupt the guest takes (IF set).
 */
static bool kl_vcpu_wakes(struct kl_vcpu *v)
{
	if (kl_lapic_pending_init_sipi(v))
		return true;
	if (v->mp_state != KVM_MP_STATE_HALTED)
		return false;
	if (READ_ONCE(v->pending_nmi))
		return true;
	if (!(v->rflags & X86_EFLAGS_IF))
		return false;
	return kl_extint_pending(v) || kl_lapic_has_interrupt(v);
}

/*
 * Sleep until kl_vcpu_wakes() or a signal (KVM's vcpu_block()); a halted
 * vCPU is runnable again after it, as in KVM. The core's halt statistics.
 */
static void kl_vcpu_block(struct kl_vcpu *v)
{
	struct kvmlite_vcpu *vcpu = v->vcpu;
	ktime_t start = ktime_get();
	bool woken;

	kvmlite_stat_add(&vcpu->stats[KVMLITE_STAT_BLOCKING], 1);
	woken = !wait_event_interruptible(vcpu->wq, kl_vcpu_wakes(v));
	kvmlite_stat_add(&vcpu->stats[KVMLITE_STAT_HALT_WAIT_NS],
			 ktime_to_ns(ktime_sub(ktime_get(), start)));
	if (woken)
		kvmlite_stat_add(&vcpu->stats[KVMLITE_STAT_HALT_WAKEUP], 1);
	kl_lapic_accept_events(v);
	if (v->mp_state == KVM_MP_STATE_HALTED)
		v->mp_state = KVM_MP_STATE_RUNNABLE;
}

int kl_vcpu_run(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	struct kvm_run *run = vcpu->run;
	int r;

	/* KVM_CAP_SYNC_REGS: the state the VMM wrote into kvm_run. */
	r = kl_sync_regs_in(v);
	if (r)
		goto out;
	/* As KVM without an in-kernel APIC: the VMM may have changed CR8. */
	if (!v->lapic && READ_ONCE(run->cr8) > 15) {
		r = -EINVAL;
		goto out;
	}
	if (!v->lapic)
		v->cr8 = READ_ONCE(run->cr8);
	/*
	 * As KVM: an AP that never had INIT waits for one, then returns
	 * (-EAGAIN; -EINTR with KVM_EXIT_INTR on a signal; at once with
	 * immediate_exit).
	 */
	if (v->mp_state == KVM_MP_STATE_UNINITIALIZED) {
		r = -EINTR;
		if (kvmlite_run_immediate_exit(run))
			goto out;
		kl_vcpu_block(v);
		r = -EAGAIN;
		if (signal_pending(current)) {
			r = -EINTR;
			run->exit_reason = KVM_EXIT_INTR;
			kvmlite_stat_add(&vcpu->stats[KVMLITE_STAT_SIGNAL_EXITS], 1);
		}
		goto out;
	}
	/* As KVM: an I/O or MMIO read is completed even with immediate_exit. */
	kl_complete_userspace(v);
	/* A single-step trap due after the instruction userspace completed. */
	if (unlikely(v->step_trap)) {
		r = 0;
		if (!kl_step_trap(v, 1))
			goto out;
	}
	/*
	 * As KVM: -EINTR, exit_reason left as it was, the run fields updated
	 * (an interrupt from KVM_INTERRUPT just before is pending: no longer
	 * ready for injection, or the VMM's next vector would replace it).
	 */
	if (kvmlite_run_immediate_exit(run)) {
		r = -EINTR;
		goto out;
	}

	run->exit_reason = KVM_EXIT_UNKNOWN;
	run->flags = 0;
	fpu_swap_kvm_fpstate(&v->fpu, true);
	for (;;) {
		r = kvmlite_vcpu_check_exit(vcpu);
		if (r)
			break;
		/* vcpu_enter_guest()'s KVM_REQ_TRIPLE_FAULT (KVM_X86_SET_MCE). */
		if (unlikely(v->triple_fault)) {
			v->triple_fault = false;
			run->exit_reason = KVM_EXIT_SHUTDOWN;
			break;
		}
		if (v->lapic) {
			kl_lapic_accept_events(v);
			if (v->mp_state != KVM_MP_STATE_RUNNABLE) {
				kl_vcpu_block(v);
				continue;
			}
		}
		if ((v->kvm_system_time & 1) &&
		    v->kvmclock_gen != READ_ONCE(kl_vm(vcpu->vm)->clock_gen))
			kl_kvmclock_update(v);
		if (v->steal_msr & KVM_MSR_ENABLED)
			kl_pv_steal_update(v);
		kl_lapic_sync_to_vapic(v);
		if (!kl_enter_guest(v))
			continue;
		kl_lapic_sync_from_vapic(v);
		r = kl_handle_exit(v);
		if (unlikely(v->step_trap))
			r = kl_step_trap(v, r);
		if (r <= 0)
			break;
		/*
		 * As KVM: a requested interrupt window exits once it is open
		 * (not with the in-kernel PIC: nothing to inject from there).
		 */
		if (READ_ONCE(run->request_interrupt_window) &&
		    !kl_vm(vcpu->vm)->pic && !kl_extint_pending(v) &&
		    kl_lapic_accept_extint(v) &&
		    kl_irq_window_open(v, v->interruptibility) &&
		    !(v->idt_vectoring & VECTORING_INFO_VALID_MASK)) {
			run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
			r = 0;
			break;
		}
	}
	fpu_swap_kvm_fpstate(&v->fpu, false);
out:
	kl_sync_run(v);
	kl_sync_regs_out(v);
	return r;
}
