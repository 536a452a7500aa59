/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmlite arm64 backend: private definitions shared by its files.
 */
#ifndef KVMLITE_ARM64_H
#define KVMLITE_ARM64_H

#include <linux/hrtimer.h>
#include <linux/kvm.h>
#include <linux/maple_tree.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <asm/fpsimd.h>
#include <asm/sysreg.h>

#include "../kvmlite.h"
#include "vgic.h"

/*
 * Guest EL1 registers, reached from EL2 through their _EL12/_EL02 aliases
 * while HCR_EL2.E2H is set (encodings of the Arm ARM, op1 = 5).
 */
#define KL_SCTLR_EL12		sys_reg(3, 5, 1, 0, 0)
#define KL_CPACR_EL12		sys_reg(3, 5, 1, 0, 2)
#define KL_TTBR0_EL12		sys_reg(3, 5, 2, 0, 0)
#define KL_TTBR1_EL12		sys_reg(3, 5, 2, 0, 1)
#define KL_TCR_EL12		sys_reg(3, 5, 2, 0, 2)
#define KL_SPSR_EL12		sys_reg(3, 5, 4, 0, 0)
#define KL_ELR_EL12		sys_reg(3, 5, 4, 0, 1)
#define KL_AFSR0_EL12		sys_reg(3, 5, 5, 1, 0)
#define KL_AFSR1_EL12		sys_reg(3, 5, 5, 1, 1)
#define KL_ESR_EL12		sys_reg(3, 5, 5, 2, 0)
#define KL_FAR_EL12		sys_reg(3, 5, 6, 0, 0)
#define KL_MAIR_EL12		sys_reg(3, 5, 10, 2, 0)
#define KL_AMAIR_EL12		sys_reg(3, 5, 10, 3, 0)
#define KL_VBAR_EL12		sys_reg(3, 5, 12, 0, 0)
#define KL_CONTEXTIDR_EL12	sys_reg(3, 5, 13, 0, 1)
#define KL_CNTKCTL_EL12		sys_reg(3, 5, 14, 1, 0)
#define KL_CNTV_CTL_EL02	sys_reg(3, 5, 14, 3, 1)
#define KL_CNTV_CVAL_EL02	sys_reg(3, 5, 14, 3, 2)

/* The fields of a sys_reg() encoding. */
#define KL_ENC_OP0(enc)		(((enc) >> 19) & 3)
#define KL_ENC_OP1(enc)		(((enc) >> 16) & 7)
#define KL_ENC_CRN(enc)		(((enc) >> 12) & 0xf)
#define KL_ENC_CRM(enc)		(((enc) >> 8) & 0xf)
#define KL_ENC_OP2(enc)		(((enc) >> 5) & 7)

/* Guest EL1 system registers kept per vCPU (index into ->sys[]). */
enum kl_sysreg {
	KL_SCTLR, KL_CPACR, KL_TTBR0, KL_TTBR1, KL_TCR, KL_SPSR, KL_ELR,
	KL_AFSR0, KL_AFSR1, KL_ESR, KL_FAR, KL_MAIR, KL_AMAIR, KL_VBAR,
	KL_CONTEXTIDR, KL_CNTKCTL, KL_CNTV_CTL, KL_CNTV_CVAL,
	KL_SP_EL1, KL_TPIDR_EL1, KL_TPIDR_EL0, KL_TPIDRRO_EL0, KL_PAR,
	KL_MDSCR, KL_CSSELR, KL_MPIDR,
	/* Kept for userspace and trapped guest accesses only. */
	KL_ACTLR, KL_DISR, KL_MDCCINT, KL_OSLSR, KL_DBGVCR32, KL_DACR32,
	KL_IFSR32, KL_FPEXC32, KL_CLIDR, KL_CNTP_CTL, KL_CNTP_CVAL,
	KL_DBGBVR0, KL_DBGBCR0 = KL_DBGBVR0 + 16, KL_DBGWVR0 = KL_DBGBCR0 + 16,
	KL_DBGWCR0 = KL_DBGWVR0 + 16,
	KL_NR_SYSREGS = KL_DBGWCR0 + 16
};

/* The backend's vCPU statistics (KVM's arm64 names, arch.c). */
enum {
	KL_STAT_MMIO_EXIT_USER = KVMLITE_STAT_ARCH,
	KL_STAT_MMIO_EXIT_KERNEL,
	KL_STAT_HVC_EXITS,
	KL_STAT_WFE_EXITS,
	KL_STAT_WFI_EXITS,
	KL_STAT_END
};

/* Firmware pseudo-registers of the VM (KVM_REG_ARM_FW_FEAT_BMAP_REG). */
#define KL_STD_BMAP		BIT(KVM_REG_ARM_STD_BIT_TRNG_V1_0)
#define KL_STD_HYP_BMAP		BIT(KVM_REG_ARM_STD_HYP_BIT_PV_TIME)
#define KL_VENDOR_HYP_BMAP	(BIT(KVM_REG_ARM_VENDOR_HYP_BIT_FUNC_FEAT) | \
				 BIT(KVM_REG_ARM_VENDOR_HYP_BIT_PTP))

/* No guest-physical address (KVM's INVALID_GPA). */
#define KL_INVALID_GPA		(~0ULL)

/* Feature ID registers (op0=3, op1=0, CRn=0, CRm=1..7) of a VM. */
#define KL_NR_IDREGS		(7 * 8)

/*
 * Registers the entry code saves and loads: its offsets are fixed (see
 * entry.S and the static_asserts in switch.c).
 */
struct kl_gp_regs {
	u64 regs[31];		/*   0 */
	u64 sp_el0;		/* 248 */
	u64 pc;			/* 256 */
	u64 pstate;		/* 264 */
	u64 esr;		/* 272 */
	u64 far;		/* 280 */
	u64 hpfar;		/* 288 */
};

/* Ways the guest exits, as returned by kvmlite_guest_enter(). */
#define KL_EXIT_SYNC		0
#define KL_EXIT_IRQ		1
#define KL_EXIT_FIQ		2
#define KL_EXIT_SERROR		3
#define KL_EXIT_AARCH32		4

struct kl_vm {
	u64 *pgd;		/* stage-2 root table */
	u64 vttbr;
	u64 vtcr;
	u32 ipa_bits;
	u32 start_level;
	u16 vmid;
	u64 cntvoff;		/* CNTVOFF_EL2: the virtual counter starts near 0 */
	/* The guest CPU model and firmware features (idregs.c, psci.c). */
	struct mutex config_lock;	/* serialises changes of what follows */
	bool has_run;			/* final once a vCPU ran */
	u64 hcr_cache;			/* HCR_EL2.TID2 or TID4, set then */
	u64 idregs[KL_NR_IDREGS];
	u64 ctr;
	unsigned long std_bmap, std_hyp_bmap, vendor_hyp_bmap;
	bool system_suspend;		/* KVM_CAP_ARM_SYSTEM_SUSPEND enabled */
	bool features_set;		/* a vCPU was initialised: */
	bool pauth;			/* its vCPUs have PAuth */
	bool smccc_filter_set;		/* @smccc_filter holds ranges */
	struct maple_tree smccc_filter;	/* function id -> filter action */
	struct kl_vgic *vgic;		/* the in-kernel vGICv3, if created */
	/* KVMLITE_CAP_ARM_OPTEE (tee.c): the guest's OP-TEE partition */
	struct optee_lite_guest *tee;
	const struct optee_lite_mediator *tee_ops;
};

/*
 * Pointer authentication keys (APIA, APIB, APDA, APDB, APGA; low, high):
 * the guest's, then the host's while the guest's are loaded. entry.S knows
 * this layout.
 */
#define KL_NR_PAUTH_KEYS	10
struct kl_pauth_keys {
	u64 guest[KL_NR_PAUTH_KEYS];
	u64 host[KL_NR_PAUTH_KEYS];
};

/* Breakpoint and watchpoint registers, as KVM_SET_GUEST_DEBUG has them. */
struct kl_debug_regs {
	u64 bvr[16], bcr[16], wvr[16], wcr[16];
};

/* The host's, while the guest's are loaded (debug.c). */
struct kl_debug_host {
	bool switched;
	struct kl_debug_regs regs;
};

struct kl_vcpu {
	struct kl_gp_regs gp;
	u64 sys[KL_NR_SYSREGS];
	struct user_fpsimd_state fp;
	struct kvmlite_vcpu *vcpu;
	bool initialized;
	bool has_run;
	u32 psci_version;
	u64 features;
	u64 cntvoff;
	u64 cntpoff;		/* the EL1 physical timer's counter offset */
	u64 spsr32[4];		/* AArch32 banked SPSRs: kept, never used */
	/* Power state, pending CPU_ON and interrupt lines: under ->lock. */
	spinlock_t lock;
	bool power_off;
	bool suspended;		/* KVM_MP_STATE_SUSPENDED */
	bool reset_pending;
	u64 reset_pc;
	u64 reset_x0;
	unsigned long irq_lines;	/* bit 0: IRQ, bit 1: FIQ */
	/* The virtual timer while the guest runs (timer.c). */
	struct hrtimer timer;
	bool timer_active;
	/* An MMIO load or store waiting for userspace. */
	bool mmio_needed;
	bool mmio_write;
	bool mmio_sse;
	bool mmio_sf;
	u8 mmio_rt;
	u8 mmio_len;
	/* KVM_ARM_VCPU_PTRAUTH_ADDRESS/GENERIC: keys switched with the guest. */
	bool has_pauth;
	struct kl_pauth_keys keys;
	/* KVM_SET_GUEST_DEBUG (debug.c): control, USE_HW registers, step. */
	u32 guest_debug;
	bool ss_pending;
	struct kl_debug_regs ext_debug;
	/* Halt polling window of WFI (switch.c), ns. */
	u32 halt_poll_ns;
	/* PV stolen time (pvtime.c): the record's IPA, run_delay counted. */
	u64 steal_base;
	u64 last_steal;
	/* The vGICv3's private interrupts and CPU interface (vgic*.c). */
	struct kl_vgic_cpu vgic;
};

static inline struct kl_vcpu *kl_vcpu(struct kvmlite_vcpu *vcpu)
{
	return vcpu->arch;
}

static inline struct kl_vm *kl_vm(struct kvmlite_vm *vm)
{
	return vm->arch;
}

/* entry.S */
u64 kvmlite_guest_enter(struct kl_gp_regs *gp, struct kl_pauth_keys *keys);
void kvmlite_fp_save(struct user_fpsimd_state *st);
void kvmlite_fp_load(struct user_fpsimd_state *st);
extern char kvmlite_vectors[];

/* arch.c */
void kl_vcpu_reset(struct kl_vcpu *v);
struct kvmlite_vcpu *kl_vcpu_by_id(struct kvmlite_vm *vm, u32 id);

/* coreregs.c */
int kl_get_core_reg(struct kl_vcpu *v, const struct kvm_one_reg *reg);
int kl_set_core_reg(struct kl_vcpu *v, const struct kvm_one_reg *reg);
unsigned int kl_core_reg_ids(u64 *out);

/* sysregs.c */
int kl_sysregs_init(void);
void kl_sysregs_reset(struct kl_vcpu *v);
int kl_get_one_reg(struct kl_vcpu *v, const struct kvm_one_reg *reg);
int kl_set_one_reg(struct kl_vcpu *v, const struct kvm_one_reg *reg);
int kl_get_reg_list(struct kl_vcpu *v, struct kvm_reg_list __user *ulist);
int kl_handle_sysreg(struct kl_vcpu *v);
u64 kl_read_cntvct(struct kl_vcpu *v);
u64 kl_read_cntpct(struct kl_vcpu *v);

/* idregs.c */
void kl_idregs_init(struct kl_vm *s2);
bool kl_idreg_read(struct kl_vm *s2, u32 enc, u64 *val);
int kl_idreg_set(struct kl_vm *s2, u32 enc, u64 val);
void kl_idregs_freeze(struct kl_vm *s2);
void kl_idregs_set_pauth(struct kl_vm *s2, bool pauth);
void kl_idregs_set_gic(struct kl_vm *s2);
int kl_get_reg_writable_masks(void __user *argp);
u64 kl_fabricate_clidr(u64 ctr);

/* inject.c */
void kl_inject_undef(struct kl_vcpu *v);
void kl_inject_abort(struct kl_vcpu *v, bool iabt, u64 addr);

/* stage2.c */
int kl_stage2_init(struct kvmlite_vm *vm, u32 ipa_bits);
void kl_stage2_destroy(struct kvmlite_vm *vm);
void kl_stage2_unmap_range(struct kvmlite_vm *vm, u64 gpa, u64 size);
int kl_handle_abort(struct kvmlite_vcpu *vcpu);
u32 kl_ipa_limit(void);
int kl_vmid_init(void);
void kl_vmid_exit(void);

/* timer.c */
void kl_timer_init(void);
u64 kl_timer_wait_ns(struct kl_vcpu *v);
u64 kl_ptimer_ctl(struct kl_vcpu *v);
bool kl_timer_notify(struct kvmlite_vcpu *vcpu);
bool kl_vtimer_level(struct kl_vcpu *v);
bool kl_ptimer_level(struct kl_vcpu *v);
void kl_timer_update_run(struct kvmlite_vcpu *vcpu);
void kl_timer_vcpu_init(struct kl_vcpu *v);
void kl_timer_vcpu_destroy(struct kl_vcpu *v);
void kl_timer_guest_enter(struct kl_vcpu *v);
void kl_timer_guest_exit(struct kl_vcpu *v);

/* mmio.c */
int kl_mmio_exit(struct kvmlite_vcpu *vcpu, u64 ipa);
void kl_mmio_complete(struct kvmlite_vcpu *vcpu);

/* psci.c */
int kl_psci_call(struct kvmlite_vcpu *vcpu);

/* debug.c */
u64 kl_debug_enter(struct kl_vcpu *v, struct kl_debug_host *host);
void kl_debug_exit(struct kl_vcpu *v, struct kl_debug_host *host);
void kl_debug_skipped(struct kl_vcpu *v);
int kl_debug_exit_to_user(struct kvmlite_vcpu *vcpu);
int kl_set_guest_debug(struct kl_vcpu *v, const void __user *argp);
long kl_debug_nr_hw(bool watchpoints);

/* pvtime.c */
bool kl_pvtime_supported(void);
int kl_pvtime_attr(struct kl_vcpu *v, unsigned int ioctl,
		   const struct kvm_device_attr *attr);
u64 kl_pvtime_features(struct kl_vcpu *v, u32 feature);
u64 kl_pvtime_st(struct kl_vcpu *v);
void kl_pvtime_update(struct kl_vcpu *v);

/* attr.c */
int kl_vcpu_attr(struct kvmlite_vcpu *vcpu, unsigned int ioctl,
		 void __user *argp);
int kl_vm_attr(struct kvmlite_vm *vm, unsigned int ioctl, void __user *argp);
u8 kl_smccc_filter_action(struct kl_vm *s2, u32 fn);
void kl_smccc_filter_destroy(struct kl_vm *s2);

/* hypercalls.c */
int kl_handle_smccc(struct kvmlite_vcpu *vcpu);
void kl_fw_regs_init(struct kl_vm *s2);
int kl_fw_reg_get(struct kl_vcpu *v, u64 id, u64 *val);
int kl_fw_reg_set(struct kl_vcpu *v, u64 id, u64 val);
unsigned int kl_fw_reg_ids(u64 *out);

/* vgic.c */
bool kl_vgic_supported(void);
u64 kl_vgic_vtr(void);
u32 kl_vgic_pri_bits(void);
void kl_vgic_hw_init(void);
void kl_vgic_hw_exit(void);
struct kl_irq *kl_vgic_irq(struct kl_vgic *d, struct kl_vcpu *v, u32 intid);
bool kl_irq_pending(const struct kl_irq *irq);
void kl_irq_update(struct kl_vgic *d, struct kl_irq *irq);
int kl_vgic_inject(struct kvmlite_vm *vm, struct kl_vcpu *v, u32 intid,
		   bool level);
int kl_vgic_set_irq(struct kvmlite_vm *vm, u32 irqchip, u32 pin, bool level);
bool kl_vgic_ready(struct kvmlite_vm *vm);
bool kl_vgic_pending(struct kl_vcpu *v);
void kl_vgic_flush(struct kl_vcpu *v);
void kl_vgic_trap_all(bool on);
void kl_vgic_load(struct kl_vcpu *v, u64 *host_sre);
void kl_vgic_save(struct kl_vcpu *v, u64 host_sre);
void kl_vgic_fold(struct kl_vcpu *v);
struct kl_vcpu *kl_vgic_mpidr_to_vcpu(struct kvmlite_vm *vm, u64 aff);
void kl_vgic_sgi(struct kl_vcpu *v, u64 val, bool g1);
void kl_vgic_vcpu_init(struct kl_vcpu *v);

/* vgic-mmio.c */
bool kl_vgic_mmio(struct kvmlite_vcpu *vcpu, u64 ipa, u32 len, bool write,
		  u64 *val);
int kl_vgic_uaccess(struct kvmlite_vm *vm, struct kl_vcpu *v, u32 off,
		    bool write, u32 *val);
int kl_vgic_has_reg(struct kl_vgic *d, bool redist, u32 off);
u32 kl_vgic_default_iidr_rev(void);
void kl_reg64(u64 *reg, u32 off, u32 len, bool write, u64 *val);

/* vgic-dev.c */
const struct kvmlite_device_ops *kl_device_ops(u32 type);
void kl_vgic_kick_all(struct kvmlite_vm *vm);
bool kl_lock_all_vcpus(struct kvmlite_vm *vm);
void kl_unlock_all_vcpus(struct kvmlite_vm *vm);
int kl_vgic_map_resources(struct kvmlite_vm *vm);
int kl_vgic_vcpu_precreate(struct kvmlite_vm *vm);
int kl_vgic_timer_attr(struct kvmlite_vm *vm, unsigned int ioctl,
		       const struct kvm_device_attr *attr);
int kl_vgic_timer_check(struct kvmlite_vm *vm);

/* vgic-its.c */
extern const struct kvmlite_device_ops kl_its_ops;
int kl_its_inject_msi(struct kvmlite_vm *vm, const struct kvm_msi *msi);
bool kl_its_mmio(struct kvmlite_vm *vm, u64 ipa, u32 len, bool write,
		 u64 *val);
void kl_its_sync_pending(struct kl_vcpu *v);
void kl_its_attach(struct kl_vgic *d, struct kvmlite_device *dev);
void kl_its_detach_all(struct kl_vgic *d);

/* vgic-sys.c */
int kl_vgic_has_sysreg(const struct kvm_device_attr *attr);
int kl_vgic_sysreg_uaccess(struct kl_vcpu *v,
			   const struct kvm_device_attr *attr, bool write);

static inline bool kl_has_vgic(struct kvmlite_vm *vm)
{
	return READ_ONCE(kl_vm(vm)->vgic);
}

/* switch.c */
int kl_vcpu_run(struct kvmlite_vcpu *vcpu);
bool kl_apply_pending_reset(struct kl_vcpu *v);

static inline void kl_stat_inc(struct kl_vcpu *v, unsigned int stat)
{
	kvmlite_stat_add(&v->vcpu->stats[stat], 1);
}

static inline u64 kl_get_reg(struct kl_vcpu *v, unsigned int rt)
{
	return rt == 31 ? 0 : v->gp.regs[rt];
}

static inline void kl_set_reg(struct kl_vcpu *v, unsigned int rt, u64 val)
{
	if (rt != 31)
		v->gp.regs[rt] = val;
}

/* tee.c */
struct kvm_enable_cap;
int kl_tee_available(void);
int kl_tee_enable(struct kvmlite_vm *vm, const struct kvm_enable_cap *cap);
bool kl_tee_call(struct kvmlite_vcpu *vcpu, u32 fn);
void kl_tee_destroy(struct kvmlite_vm *vm);

#endif /* KVMLITE_ARM64_H */
