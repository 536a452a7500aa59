/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmlite arm64 backend: private definitions shared by its files.
 */
#ifndef KVMLITE_ARM64_H
#define KVMLITE_ARM64_H

#include <linux/hrtimer.h>
#include <linux/kvm.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <asm/fpsimd.h>
#include <asm/sysreg.h>

#include "../kvmlite.h"

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

/* Guest EL1 system registers kept per vCPU (index into ->sys[]). */
enum kl_sysreg {
	KL_SCTLR, KL_CPACR, KL_TTBR0, KL_TTBR1, KL_TCR, KL_SPSR, KL_ELR,
	KL_AFSR0, KL_AFSR1, KL_ESR, KL_FAR, KL_MAIR, KL_AMAIR, KL_VBAR,
	KL_CONTEXTIDR, KL_CNTKCTL, KL_CNTV_CTL, KL_CNTV_CVAL,
	KL_SP_EL1, KL_TPIDR_EL1, KL_TPIDR_EL0, KL_TPIDRRO_EL0, KL_PAR,
	KL_MDSCR, KL_CSSELR, KL_MPIDR,
	KL_NR_SYSREGS
};

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
	u64 spsr32[4];		/* AArch32 banked SPSRs: kept, never used */
	/* Power state, pending CPU_ON and interrupt lines: under ->lock. */
	spinlock_t lock;
	bool power_off;
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
u64 kvmlite_guest_enter(struct kl_gp_regs *gp);
void kvmlite_fp_save(struct user_fpsimd_state *st);
void kvmlite_fp_load(struct user_fpsimd_state *st);
extern char kvmlite_vectors[];

/* arch.c */
void kl_vcpu_reset(struct kl_vcpu *v);

/* sysregs.c */
int kl_get_one_reg(struct kl_vcpu *v, const struct kvm_one_reg *reg);
int kl_set_one_reg(struct kl_vcpu *v, const struct kvm_one_reg *reg);
int kl_get_reg_list(struct kl_vcpu *v, struct kvm_reg_list __user *ulist);
u64 kl_read_cntvct(struct kl_vcpu *v);

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
u64 kl_timer_ns_left(struct kl_vcpu *v);
bool kl_timer_armed(struct kl_vcpu *v);
bool kl_timer_notify(struct kvmlite_vcpu *vcpu);
void kl_timer_update_run(struct kvmlite_vcpu *vcpu);
void kl_timer_vcpu_init(struct kl_vcpu *v);
void kl_timer_vcpu_destroy(struct kl_vcpu *v);
void kl_timer_guest_enter(struct kl_vcpu *v);
void kl_timer_guest_exit(struct kl_vcpu *v);

/* mmio.c */
int kl_mmio_exit(struct kvmlite_vcpu *vcpu, u64 ipa);
void kl_mmio_complete(struct kvmlite_vcpu *vcpu);

/* psci.c */
int kl_handle_smccc(struct kvmlite_vcpu *vcpu);

/* switch.c */
int kl_vcpu_run(struct kvmlite_vcpu *vcpu);

static inline u64 kl_get_reg(struct kl_vcpu *v, unsigned int rt)
{
	return rt == 31 ? 0 : v->gp.regs[rt];
}

static inline void kl_set_reg(struct kl_vcpu *v, unsigned int rt, u64 val)
{
	if (rt != 31)
		v->gp.regs[rt] = val;
}

#endif /* KVMLITE_ARM64_H */
