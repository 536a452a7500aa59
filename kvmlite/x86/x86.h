/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmlite x86 backend (Intel VT-x): private interfaces.
 *
 * vmx.c	VMX on/off per CPU, VMCS life cycle, guest entry and event
 *		injection, the KVM_RUN loop
 * exits.c	VM-exit handlers (port I/O, MMIO decoding, CPUID, MSRs, CRs)
 * ept.c	EPT tables filled lazily from the memslots
 * regs.c	KVM_{GET,SET}_{REGS,SREGS,FPU,MSRS,CPUID2} and friends
 * state.c	MP_STATE, the VM's clock, machine check, MTRR and kvmclock MSRs
 * lapic.c	the in-kernel local APIC (split and full irqchip)
 * i8259.c	the in-kernel PICs of KVM_CREATE_IRQCHIP
 * ioapic.c	the in-kernel IOAPIC of KVM_CREATE_IRQCHIP
 * irqchip.c	KVM_CREATE_IRQCHIP, KVM_GET/SET_IRQCHIP, the irqchip routes
 * i8254.c	the in-kernel PIT of KVM_CREATE_PIT2
 * entry.S	VMLAUNCH/VMRESUME and the VM-exit landing point
 */
#ifndef KVMLITE_X86_H
#define KVMLITE_X86_H

#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/types.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/vmx.h>

#include "../kvmlite.h"

/* General-purpose registers in the order of their x86 encoding. */
enum kl_reg {
	KL_RAX, KL_RCX, KL_RDX, KL_RBX, KL_RSP, KL_RBP, KL_RSI, KL_RDI,
	KL_R8, KL_R9, KL_R10, KL_R11, KL_R12, KL_R13, KL_R14, KL_R15,
	KL_NR_REGS
};

/* What KVM_RUN must finish with the data userspace put in kvm_run. */
enum kl_pending {
	KL_PENDING_NONE,
	KL_PENDING_PIO_IN,	/* in: data to AL/AX/EAX, then past the IN */
	KL_PENDING_PIO_OUT,	/* out: past the OUT */
	KL_PENDING_PIO_INS,	/* ins: data to ES:rDI */
	KL_PENDING_MMIO_READ,	/* mov reg, [mmio]: data to a register */
	KL_PENDING_MSR_READ,	/* rdmsr: run->msr.data to EDX:EAX, or #GP */
	KL_PENDING_MSR_WRITE,	/* wrmsr: past it, or #GP */
};

/* kl_msr_get/set and the guest's RDMSR/WRMSR: why an access failed. */
#define KL_MSR_INVALID		(-1)	/* the MSR or value refused (KVM: 1) */
#define KL_MSR_UNSUPPORTED	(-2)	/* no such MSR (KVM_MSR_RET_UNSUPPORTED) */
#define KL_MSR_FILTERED		(-3)	/* the VMM's filter denies it */

/* An MMIO access decoded from the faulting instruction. */
struct kl_mmio {
	u8 len;			/* bytes accessed */
	u8 reg;			/* register operand (read destination) */
	u8 dst_size;		/* bytes written to @reg on a read */
	bool high_byte;		/* @reg is AH/CH/DH/BH */
	bool sign_extend;	/* movsx */
	bool write;
	u64 data;		/* value written */
	u8 insn_len;
};

#define KL_MAX_CPUID	256
#define KL_MAX_MCE_BANKS	32	/* as KVM_MAX_MCE_BANKS */
#define KL_NR_VAR_MTRR		8	/* as KVM_NR_VAR_MTRR */
#define KL_APIC_BUS_CYCLE_NS_DEFAULT	1	/* as APIC_BUS_CYCLE_NS_DEFAULT */
/* KVM_GET_CLOCK's flags (no master clock: never TSC_STABLE); KVM_CAP_ADJUST_CLOCK */
#define KL_CLOCK_FLAGS		(KVM_CLOCK_REALTIME | KVM_CLOCK_HOST_TSC)

/*
 * CR0/CR4 bits whose writes exit (the rest the guest changes freely): NE and
 * VMXE are forced on, CD/NW kept off, PG changes switch IA-32e mode, PAE
 * reloads the PDPTEs, and CR4 features kvmlite does not offer are refused.
 */
#define KL_CR0_HOST_OWNED	(X86_CR0_PG | X86_CR0_NE | X86_CR0_CD | X86_CR0_NW)
#define KL_CR4_HOST_OWNED	(X86_CR4_VMXE | X86_CR4_SMXE | X86_CR4_OSXSAVE | \
				 X86_CR4_LA57 | X86_CR4_PKE | X86_CR4_CET | \
				 X86_CR4_PCIDE | X86_CR4_PAE | X86_CR4_FSGSBASE | \
				 X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_UMIP)

/**
 * struct kl_vcpu - x86 state of a vCPU
 * @gpr:	guest GPRs while outside the guest (RSP mirrors GUEST_RSP);
 *		first member: entry.S addresses it
 * @rip, @rflags: canonical copies, written to the VMCS before each entry
 * @vcpu:	the generic vCPU
 * @vmcs:	the VMCS region; @vmcs_cpu: host CPU where it is active (-1: none)
 * @loaded:	entry in the per-CPU list of active VMCSs
 * @launched:	VMLAUNCH done since the last VMCLEAR
 * @fpu:	guest FPU state (swapped in for the whole of KVM_RUN)
 */
struct kl_vcpu {
	u64 gpr[KL_NR_REGS];
	u64 rip;
	u64 rflags;
	struct kvmlite_vcpu *vcpu;
	void *vmcs;
	int vmcs_cpu;
	struct list_head loaded;
	bool launched;
	bool has_run;		/* entered the guest once (KVM's kvm_vcpu_has_run()) */
	bool setup_done;
	bool flush_vpid;
	u16 vpid;

	/* Guest state not held by the VMCS. */
	u64 cr0;		/* as the guest sees it */
	u64 cr2;
	u64 cr4;		/* as the guest sees it */
	u64 cr8;
	u64 efer;
	u64 apic_base;
	u64 star, lstar, cstar, fmask, kernel_gs_base;
	u64 misc_enable;
	u64 dr[4], dr6;
	u64 dr7;		/* the guest's; GUEST_DR7 is the VMM's with USE_HW_BP */

	/* debug.c: KVM_SET_GUEST_DEBUG. */
	u32 guest_debug;	/* KVM_GUESTDBG_*, 0 unless ENABLE */
	u64 dbg_db[4], dbg_dr7;	/* the VMM's breakpoints (USE_HW_BP) */
	u64 singlestep_rip;	/* linear RIP where single-stepping was set */
	u32 bp_insn_len;	/* INT3's length at the last #BP exit */
	bool step_trap;		/* an emulated instruction retired with TF set */
	u64 xcr0;		/* in the hardware while the guest runs with CR4.OSXSAVE */
	struct fpu_guest fpu;

	/* Events. */
	int pending_irq;	/* vector from KVM_INTERRUPT, or -1 */
	bool pending_nmi;
	struct kl_lapic *lapic;	/* in-kernel local APIC (split irqchip), or NULL */
	u32 mp_state;		/* KVM_MP_STATE_*; RUNNABLE without a LAPIC */

	/* Last exit. */
	u32 exit_reason;
	u64 exit_qual;
	u64 exit_gpa;
	u32 exit_insn_len;
	u32 exit_insn_info;
	u32 exit_intr_info;
	u32 exit_intr_err;	/* when exit_intr_info says there is one */
	u32 idt_vectoring;
	u32 idt_vectoring_err;
	u32 interruptibility;
	bool entry_failed;	/* VMLAUNCH/VMRESUME failed (VMfail) */

	/* Userspace completion. */
	enum kl_pending pending;
	struct kl_mmio mmio;
	u32 pio_count;
	u8 pio_size;
	bool pio_rep;
	u8 pio_insn_len;
	u64 pio_amask;
	u64 pio_rip;		/* where the IN/OUT is */
	u8 msr_insn_len;	/* the RDMSR/WRMSR given to the VMM */

	/* CPUID table from KVM_SET_CPUID2. */
	struct kvm_cpuid_entry2 *cpuid;
	u32 cpuid_nent;

	/* state.c: kept for the guest and the VMM. */
	u64 mcg_cap, mcg_status, mcg_ctl;
	u64 mce_banks[KL_MAX_MCE_BANKS * 4];	/* CTL, STATUS, ADDR, MISC */
	u64 mci_ctl2_banks[KL_MAX_MCE_BANKS];	/* MCi_CTL2 (MCG_CMCI_P) */
	bool triple_fault;	/* KVM_REQ_TRIPLE_FAULT: KVM_RUN shuts down */
	u64 mtrr_deftype;
	u64 mtrr_fixed[11];
	u64 mtrr_var[KL_NR_VAR_MTRR][2];	/* PHYSBASE, PHYSMASK */
	u64 kvm_system_time, kvm_wall_clock;
	u32 kvmclock_gen;	/* the VM's clock_gen its pvclock page has */
	u32 pvclock_version;
	u64 ucode_rev;
	u64 msr_hwcr;		/* MSR_K7_HWCR */
	u64 tsc_adjust;		/* MSR_IA32_TSC_ADJUST */
	u64 msr_platform_info;	/* MSR_PLATFORM_INFO, the VMM's */
	u64 msr_power_ctl;	/* MSR_IA32_POWER_CTL, kept (KVM) */

	/* pv.c: KVM's paravirtual interface. */
	bool pv_enforce;	/* KVM_CAP_ENFORCE_PV_FEATURE_CPUID */
	u32 pv_features;	/* KVM_CPUID_FEATURES.EAX of the vCPU's model */
	u64 steal_msr;		/* MSR_KVM_STEAL_TIME */
	u64 last_steal;		/* run_delay at the last record update */
	bool steal_update;	/* the record is due before the next entry */
	u32 cpu_ctl;		/* primary exec controls (HLT exits or not) */
};

/**
 * struct kl_vm - x86 state of a VM
 * @ept_root:	the EPT PML4 page
 * @eptp:	EPT pointer for the VMCS
 * @tss_addr, @identity_map_addr: accepted and kept (unrestricted guest
 *		needs neither)
 * @clock_offset: the VM's clock (KVM_GET/SET_CLOCK) minus boot time
 */
struct kl_vm {
	u64 *ept_root;
	u64 eptp;
	u64 tss_addr;
	u64 identity_map_addr;
	s64 clock_offset;	/* KVM_GET/SET_CLOCK: ns added to boot time */
	u64 tsc_offset;		/* new vCPUs' TSC offset: their TSC starts at 0 */
	unsigned long nr_mmu_pages;	/* KVM_SET_NR_MMU_PAGES, kept */
	u32 bsp_vcpu_id;	/* KVM_SET_BOOT_CPU_ID */
	u64 apic_bus_cycle_ns;	/* KVM_CAP_X86_APIC_BUS_CYCLES_NS */
	bool no_platform_info;	/* KVM_CAP_MSR_PLATFORM_INFO disabled */
	bool x2apic_format;	/* KVM_X2APIC_API_USE_32BIT_IDS */
	bool x2apic_no_bcast_quirk; /* KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK */
	u32 clock_gen;		/* bumped by KVM_SET_CLOCK: pvclock pages rewritten */
	u8 irqchip;		/* KL_IRQCHIP_*: set once (release/acquire) */
	u32 nr_ioapic_pins;	/* split: GSIs of the userspace IOAPIC */
	struct kl_pic *pic;		/* KVM_CREATE_IRQCHIP's, or NULL */
	struct kl_ioapic *ioapic;	/* KVM_CREATE_IRQCHIP's, or NULL */
	struct kl_pit *pit;		/* KVM_CREATE_PIT2's, or NULL */
	u32 user_space_msr_mask;	/* KVM_CAP_X86_USER_SPACE_MSR */
	bool hlt_in_guest;	/* KVM_CAP_X86_DISABLE_EXITS: HLT */
	bool exit_on_emulation_error;	/* KVM_CAP_EXIT_ON_EMULATION_FAILURE */
	u64 disabled_quirks;	/* KVM_CAP_DISABLE_QUIRKS(2) */
	struct kl_msr_filter __rcu *msr_filter;	/* KVM_X86_SET_MSR_FILTER */
};

/* The VM's interrupt controllers (KVM's irqchip_mode). */
enum {
	KL_IRQCHIP_NONE,	/* all in userspace */
	KL_IRQCHIP_KERNEL,	/* KVM_CREATE_IRQCHIP: PIC, IOAPIC, LAPICs */
	KL_IRQCHIP_SPLIT,	/* KVM_CAP_SPLIT_IRQCHIP: LAPICs only */
};

static inline struct kl_vcpu *kl_vcpu(struct kvmlite_vcpu *vcpu)
{
	return vcpu->arch;
}

static inline struct kl_vm *kl_vm(struct kvmlite_vm *vm)
{
	return vm->arch;
}

/* The bootstrap processor (KVM's kvm_vcpu_is_reset_bsp()). */
static inline bool kl_is_bsp(struct kl_vcpu *v)
{
	return v->vcpu->id == kl_vm(v->vcpu->vm)->bsp_vcpu_id;
}

/* VMX capabilities read at load. */
struct kl_vmx_caps {
	u32 revision;
	u32 pin, cpu, cpu2, exit, entry;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 ept_vpid;
	bool vpid;
	bool inout;		/* VM-exit instruction info for INS/OUTS */
	bool preempt_timer;	/* VMX preemption timer as a backstop */
	u32 preempt_ticks;	/* its value at each entry (about 10 ms) */
	u64 host_star, host_lstar, host_cstar, host_fmask, host_pat, host_efer;
	u64 host_xcr0;		/* 0 without XSAVE */
	u64 supported_xcr0;	/* what guests may enable: host_xcr0 & KL_XCR0 */
	u64 cr4_rsvd;		/* CR4 bits of features kvmlite does not offer */
};

/* XSAVE components kvmlite offers guests (as the host has them). */
#define KL_XCR0			(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | XFEATURE_MASK_YMM)

extern struct kl_vmx_caps kl_caps;

/* VMCS access; the vCPU's VMCS must be current on this CPU. */
static __always_inline unsigned long vmcs_read(unsigned long field)
{
	unsigned long value;

	asm volatile("vmread %[field], %[value]"
		     : [value] "=r" (value) : [field] "r" (field) : "cc");
	return value;
}

static __always_inline void vmcs_write(unsigned long field, unsigned long value)
{
	asm volatile("vmwrite %[value], %[field]"
		     : : [field] "r" (field), [value] "rm" (value) : "cc");
}

/* vmx.c */
int kl_vmx_init(void);
void kl_vmx_exit(void);
int kl_vmx_get(void);
void kl_vmx_put(void);
void kl_vcpu_get(struct kl_vcpu *v);
void kl_vcpu_put(struct kl_vcpu *v);
u64 kl_vmcs_get(struct kl_vcpu *v, unsigned long field);
void kl_vmcs_set(struct kl_vcpu *v, unsigned long field, u64 value);
int kl_vcpu_init(struct kvmlite_vcpu *vcpu);
void kl_vcpu_uninit(struct kvmlite_vcpu *vcpu);
int kl_vcpu_run(struct kvmlite_vcpu *vcpu);
void kl_vcpu_reset(struct kl_vcpu *v);
void kl_vcpu_init_reset(struct kl_vcpu *v);
void kl_vcpu_sipi(struct kl_vcpu *v, u8 vector);
void kl_inject_exception(struct kl_vcpu *v, u8 vector, bool has_err, u32 err);
void kl_invept_all(u64 eptp);

/* exits.c */
int kl_handle_exit(struct kl_vcpu *v);
void kl_complete_userspace(struct kl_vcpu *v);
void kl_internal_error(struct kl_vcpu *v, u32 suberror, u32 ndata,
		       u64 d0, u64 d1);
bool kl_long64(struct kl_vcpu *v);
void kl_skip_shadow(struct kl_vcpu *v);
int kl_set_cr0(struct kl_vcpu *v, u64 val);
int kl_set_xcr0(struct kl_vcpu *v, u64 xcr0);
u32 kl_xstate_size(u64 xcr0);
void kl_cpuid_runtime(struct kl_vcpu *v, struct kvm_cpuid_entry2 *e);
struct kvm_cpuid_entry2 *kl_find_cpuid(struct kl_vcpu *v, u32 fn, u32 idx);
int kl_set_cr4(struct kl_vcpu *v, u64 val);
void kl_update_ia32e(struct kl_vcpu *v);
int kl_load_pdptrs(struct kl_vcpu *v);
bool kl_paging_pae_legacy(struct kl_vcpu *v);
int kl_msr_get(struct kl_vcpu *v, u32 index, u64 *data, bool host);
int kl_msr_set(struct kl_vcpu *v, u32 index, u64 data, bool host);
extern const u32 kl_msr_list[];
extern const unsigned int kl_msr_list_len;

/* debug.c */
#define KL_GUESTDBG_VALID_MASK	(KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP | \
				 KVM_GUESTDBG_USE_HW_BP | KVM_GUESTDBG_USE_SW_BP | \
				 KVM_GUESTDBG_INJECT_BP | KVM_GUESTDBG_INJECT_DB | \
				 KVM_GUESTDBG_BLOCKIRQ)
u64 kl_linear_rip(struct kl_vcpu *v);
u64 kl_get_rflags(struct kl_vcpu *v);
void kl_set_rflags(struct kl_vcpu *v, u64 rflags);
void kl_update_dr7(struct kl_vcpu *v);

/* DR7 in the hardware: the VMM's with USE_HW_BP, else the guest's. */
static inline u64 kl_hw_dr7(struct kl_vcpu *v)
{
	return (v->guest_debug & KVM_GUESTDBG_USE_HW_BP) ? v->dbg_dr7 : v->dr7;
}

void kl_set_dr7(struct kl_vcpu *v, u64 dr7);
const u64 *kl_hw_db(struct kl_vcpu *v);
void kl_queue_db(struct kl_vcpu *v, u64 dr6);
int kl_step_trap(struct kl_vcpu *v, int r);
int kl_dr_general_detect(struct kl_vcpu *v);
int kl_handle_exception(struct kl_vcpu *v);
long kl_set_guest_debug(struct kl_vcpu *v, const void __user *argp);

/* msr_filter.c */
bool kl_msr_allowed(struct kl_vcpu *v, u32 index, bool write);
long kl_set_msr_filter(struct kvmlite_vm *vm, const void __user *argp);
void kl_msr_filter_destroy(struct kvmlite_vm *vm);
int kl_msr_failed(struct kl_vcpu *v, u32 index, bool write, u64 data, int err);

/* ept.c */
int kl_ept_init(struct kvmlite_vm *vm);
void kl_ept_destroy(struct kvmlite_vm *vm);
void kl_ept_unmap_range(struct kvmlite_vm *vm, u64 gpa, u64 size);
int kl_ept_fault(struct kl_vcpu *v, u64 gpa, u64 qual);
long kl_ept_pre_fault(struct kvmlite_vcpu *vcpu, u64 gpa, u64 size);
int kl_read_guest(struct kvmlite_vm *vm, u64 gpa, void *buf, unsigned int len);
int kl_write_guest(struct kvmlite_vm *vm, u64 gpa, const void *buf,
		   unsigned int len);

/* regs.c */
long kl_vcpu_ioctl(struct kvmlite_vcpu *vcpu, unsigned int ioctl,
		   unsigned long arg);
long kl_dev_ioctl(unsigned int ioctl, unsigned long arg);
void kl_sync_run(struct kl_vcpu *v);
void kl_regs_get(struct kl_vcpu *v, struct kvm_regs *r);
void kl_regs_set(struct kl_vcpu *v, const struct kvm_regs *r);
void kl_sregs_get(struct kl_vcpu *v, struct kvm_sregs *s);
int kl_sregs_set(struct kl_vcpu *v, const struct kvm_sregs *s);
int kl_sync_regs_in(struct kl_vcpu *v);
void kl_sync_regs_out(struct kl_vcpu *v);
bool kl_tsc_khz_ok(unsigned long khz);
int kl_cpuid_init(void);
u64 kl_cr4_reserved(struct kl_vcpu *v);

/* state.c */
u32 kl_event_to_save(struct kl_vcpu *v, u32 *err);
void kl_state_init(struct kl_vcpu *v);
void kl_kvmclock_update(struct kl_vcpu *v);
long kl_state_vcpu_ioctl(struct kl_vcpu *v, unsigned int ioctl, void __user *argp);

/* The exceptions that always exit: #UD (kl_handle_ud()). */
#define KL_EXCEPTION_BITMAP	BIT(UD_VECTOR)

/* The quirks of KVM_CAP_DISABLE_QUIRKS2 kvmlite has. */
#define KL_VALID_QUIRKS		KVM_X86_QUIRK_FIX_HYPERCALL_INSN

int kl_handle_ud(struct kl_vcpu *v);

/* pv.c */
bool kl_pv_has(struct kl_vcpu *v, unsigned int feature);
void kl_pv_cpuid_update(struct kl_vcpu *v);
long kl_pv_vcpu_enable_cap(struct kl_vcpu *v, void __user *argp);
int kl_pv_msr_get(struct kl_vcpu *v, u32 index, u64 *data);
int kl_pv_msr_set(struct kl_vcpu *v, u32 index, u64 data);
void kl_pv_steal_update(struct kl_vcpu *v);
u64 kl_pv_hypercall(struct kl_vcpu *v);
long kl_pv_vcpu_attr(struct kl_vcpu *v, unsigned int ioctl, void __user *argp);
void kl_events_get(struct kl_vcpu *v, struct kvm_vcpu_events *e);
int kl_events_set(struct kl_vcpu *v, const struct kvm_vcpu_events *e);
long kl_state_vm_ioctl(struct kvmlite_vm *vm, unsigned int ioctl, void __user *argp);
long kl_mce_cap_supported(void __user *argp);
int kl_state_msr_get(struct kl_vcpu *v, u32 index, u64 *data, bool host);
int kl_state_msr_set(struct kl_vcpu *v, u32 index, u64 data, bool host);

/* lapic.c */
struct kl_lapic;
int kl_lapic_create(struct kl_vcpu *v);
void kl_lapic_destroy(struct kl_vcpu *v);
void kl_lapic_reset(struct kl_vcpu *v, bool init);
bool kl_lapic_mmio(struct kl_vcpu *v, u64 gpa, u32 len, bool write, u64 *data,
		   int *eoi);
int kl_lapic_set_msi(struct kvmlite_vm *vm, const struct kvm_msi *msi);
bool kl_lapic_accept_extint(struct kl_vcpu *v);
bool kl_lapic_has_interrupt(struct kl_vcpu *v);
int kl_lapic_ack(struct kl_vcpu *v);
bool kl_lapic_pending_init_sipi(struct kl_vcpu *v);
void kl_lapic_accept_events(struct kl_vcpu *v);
void kl_lapic_sipi_pending(struct kl_vcpu *v);
void kl_lapic_set_sipi_vector(struct kl_vcpu *v, u8 vec);
void kl_lapic_set_cr8(struct kl_vcpu *v, u64 cr8);
u64 kl_lapic_get_cr8(struct kl_vcpu *v);
u64 kl_lapic_get_tscdeadline(struct kl_vcpu *v);
void kl_lapic_set_tscdeadline(struct kl_vcpu *v, u64 data);
int kl_lapic_set_base(struct kl_vcpu *v, u64 data, bool host);
long kl_lapic_get_state(struct kl_vcpu *v, void __user *argp);
long kl_lapic_set_state(struct kl_vcpu *v, void __user *argp);
long kl_lapic_set_vapic_addr(struct kl_vcpu *v, void __user *argp);
void kl_lapic_sync_to_vapic(struct kl_vcpu *v);
void kl_lapic_sync_from_vapic(struct kl_vcpu *v);

void kl_lapic_update_version(struct kl_vcpu *v);
void kl_lapic_after_set_mcg_cap(struct kl_vcpu *v);
void kl_lapic_deliver_cmci(struct kl_vcpu *v);
int kl_lapic_x2apic_msr(struct kl_vcpu *v, u32 msr, u64 *data, bool write,
			int *eoi);
int kl_lapic_deliver(struct kvmlite_vm *vm, u8 dest, bool logical, u32 dm,
		     u8 vec, bool trig);
bool kl_lapic_match(struct kl_vcpu *v, u8 dest, bool logical);
bool kl_lapic_directed_eoi(struct kl_vcpu *v);

/* i8259.c */
struct kl_pic;
struct kl_pic *kl_pic_create(struct kvmlite_vm *vm);
int kl_pic_set_irq(struct kl_pic *p, u32 chip, u32 pin, bool level);
bool kl_pic_output(struct kl_pic *p);
int kl_pic_read_irq(struct kl_pic *p);
bool kl_pic_pio(struct kl_pic *p, u16 port, u32 len, bool in, u32 *val);
void kl_pic_get_state(struct kl_pic *p, u32 chip, struct kvm_pic_state *st);
void kl_pic_set_state(struct kl_pic *p, u32 chip,
		      const struct kvm_pic_state *st);

/* ioapic.c */
struct kl_ioapic;
struct kl_ioapic *kl_ioapic_create(struct kvmlite_vm *vm);
int kl_ioapic_set_irq(struct kl_ioapic *io, u32 pin, bool level);
bool kl_ioapic_mmio(struct kl_ioapic *io, u64 gpa, u32 len, bool write,
		    u64 *data);
void kl_ioapic_eoi(struct kl_ioapic *io, struct kl_vcpu *v, u8 vec,
		   bool level);
void kl_ioapic_get_state(struct kl_ioapic *io, struct kvm_ioapic_state *st);
void kl_ioapic_set_state(struct kl_ioapic *io,
			 const struct kvm_ioapic_state *st);

/* irqchip.c */
u8 kl_irqchip_mode(struct kvmlite_vm *vm);
long kl_irqchip_vm_ioctl(struct kvmlite_vm *vm, unsigned int ioctl,
			 void __user *argp);
void kl_irqchip_destroy(struct kvmlite_vm *vm);
int kl_irqchip_set_irq(struct kvmlite_vm *vm, u32 irqchip, u32 pin,
		       bool level);
int kl_irqchip_route_check(struct kvmlite_vm *vm, u32 irqchip, u32 pin);
bool kl_extint_pending(struct kl_vcpu *v);
int kl_extint_ack(struct kl_vcpu *v);
void kl_irq_acked(struct kvmlite_vm *vm, u32 irqchip, u32 pin);
void kl_irq_mask(struct kvmlite_vm *vm, u32 irqchip, u32 pin, bool masked);

/* i8254.c */
struct kl_pit;
long kl_pit_vm_ioctl(struct kvmlite_vm *vm, unsigned int ioctl,
		     void __user *argp);
bool kl_pit_pio(struct kvmlite_vm *vm, u16 port, u32 len, bool in, u32 *val);
bool kl_pit_has_notifier(struct kvmlite_vm *vm, u32 irqchip, u32 pin);
void kl_pit_acked(struct kvmlite_vm *vm, u32 irqchip, u32 pin);
void kl_pit_mask(struct kvmlite_vm *vm, u32 irqchip, u32 pin, bool masked);
void kl_pit_destroy(struct kvmlite_vm *vm);

/* entry.S */
int kl_vmx_enter(u64 *gpr, int launched);
extern const char kl_vmx_exit_landing[];

#endif /* KVMLITE_X86_H */
