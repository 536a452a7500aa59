/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmlite arm64 backend: guest entry and exit, and the EL2 vectors that are
 * installed only while a guest runs (VBAR_EL2 is switched by switch.c with
 * interrupts masked).
 *
 * kvmlite_guest_enter(gp, keys) saves the host's callee-saved registers and
 * SP_EL0 (the host's `current`) on the stack, loads the guest's registers
 * from gp and ERETs. With keys (a guest with pointer authentication), the
 * host's five PAuth keys are saved to keys->host and the guest's loaded from
 * keys->guest first, and the other way round on exit: here, where no signed
 * return address is live (the host kernel signs its own with its APIA key). An exception from the guest lands in kvmlite_vectors with SP at
 * that same frame: the guest's registers and the fault syndrome go back to
 * gp, the host's come back from the frame, and kvmlite_guest_enter returns
 * the kind of exception (KL_EXIT_* in arm64.h).
 */
#include <linux/linkage.h>
#include <asm/assembler.h>
#include <asm/fpsimdmacros.h>
#include <asm/sysreg.h>

/* Offsets in struct kl_gp_regs (checked in switch.c). */
#define GP_X(n)		((n) * 8)
#define GP_SP_EL0	248
#define GP_PC		256
#define GP_PSTATE	264
#define GP_ESR		272
#define GP_FAR		280
#define GP_HPFAR	288

/* The host frame below the frame record: x18-x28, gp, SP_EL0, keys. */
#define HF_X18		0
#define HF_GP		88
#define HF_SP_EL0	96
#define HF_KEYS		104
#define HF_SIZE		112

/* struct kl_pauth_keys (arm64.h): the guest's keys, then the host's. */
#define KEYS_GUEST	0
#define KEYS_HOST	80

/* Store the five keys of this CPU at [\base, #\off]. */
.macro	kl_keys_save base, off, t1, t2
	mrs_s	\t1, SYS_APIAKEYLO_EL1
	mrs_s	\t2, SYS_APIAKEYHI_EL1
	stp	\t1, \t2, [\base, #\off + 0]
	mrs_s	\t1, SYS_APIBKEYLO_EL1
	mrs_s	\t2, SYS_APIBKEYHI_EL1
	stp	\t1, \t2, [\base, #\off + 16]
	mrs_s	\t1, SYS_APDAKEYLO_EL1
	mrs_s	\t2, SYS_APDAKEYHI_EL1
	stp	\t1, \t2, [\base, #\off + 32]
	mrs_s	\t1, SYS_APDBKEYLO_EL1
	mrs_s	\t2, SYS_APDBKEYHI_EL1
	stp	\t1, \t2, [\base, #\off + 48]
	mrs_s	\t1, SYS_APGAKEYLO_EL1
	mrs_s	\t2, SYS_APGAKEYHI_EL1
	stp	\t1, \t2, [\base, #\off + 64]
.endm

/* Load the five keys from [\base, #\off]. */
.macro	kl_keys_load base, off, t1, t2
	ldp	\t1, \t2, [\base, #\off + 0]
	msr_s	SYS_APIAKEYLO_EL1, \t1
	msr_s	SYS_APIAKEYHI_EL1, \t2
	ldp	\t1, \t2, [\base, #\off + 16]
	msr_s	SYS_APIBKEYLO_EL1, \t1
	msr_s	SYS_APIBKEYHI_EL1, \t2
	ldp	\t1, \t2, [\base, #\off + 32]
	msr_s	SYS_APDAKEYLO_EL1, \t1
	msr_s	SYS_APDAKEYHI_EL1, \t2
	ldp	\t1, \t2, [\base, #\off + 48]
	msr_s	SYS_APDBKEYLO_EL1, \t1
	msr_s	SYS_APDBKEYHI_EL1, \t2
	ldp	\t1, \t2, [\base, #\off + 64]
	msr_s	SYS_APGAKEYLO_EL1, \t1
	msr_s	SYS_APGAKEYHI_EL1, \t2
.endm

#define KL_EXIT_SYNC	0
#define KL_EXIT_IRQ	1
#define KL_EXIT_FIQ	2
#define KL_EXIT_SERROR	3
#define KL_EXIT_AARCH32	4

	.text

/* u64 kvmlite_guest_enter(struct kl_gp_regs *gp, struct kl_pauth_keys *keys) */
SYM_FUNC_START(kvmlite_guest_enter)
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	sub	sp, sp, #HF_SIZE
	stp	x18, x19, [sp, #HF_X18 + 0]
	stp	x20, x21, [sp, #HF_X18 + 16]
	stp	x22, x23, [sp, #HF_X18 + 32]
	stp	x24, x25, [sp, #HF_X18 + 48]
	stp	x26, x27, [sp, #HF_X18 + 64]
	stp	x28, x0, [sp, #HF_X18 + 80]	/* x28, then gp at HF_GP */
	str	x1, [sp, #HF_KEYS]
	cbz	x1, 1f
	kl_keys_save x1, KEYS_HOST, x2, x3
	kl_keys_load x1, KEYS_GUEST, x2, x3	/* ERET synchronises */
1:	mrs	x1, sp_el0
	str	x1, [sp, #HF_SP_EL0]

	ldr	x1, [x0, #GP_SP_EL0]
	msr	sp_el0, x1
	ldr	x1, [x0, #GP_PC]
	msr	elr_el2, x1
	ldr	x1, [x0, #GP_PSTATE]
	msr	spsr_el2, x1

	ldp	x2, x3, [x0, #GP_X(2)]
	ldp	x4, x5, [x0, #GP_X(4)]
	ldp	x6, x7, [x0, #GP_X(6)]
	ldp	x8, x9, [x0, #GP_X(8)]
	ldp	x10, x11, [x0, #GP_X(10)]
	ldp	x12, x13, [x0, #GP_X(12)]
	ldp	x14, x15, [x0, #GP_X(14)]
	ldp	x16, x17, [x0, #GP_X(16)]
	ldp	x18, x19, [x0, #GP_X(18)]
	ldp	x20, x21, [x0, #GP_X(20)]
	ldp	x22, x23, [x0, #GP_X(22)]
	ldp	x24, x25, [x0, #GP_X(24)]
	ldp	x26, x27, [x0, #GP_X(26)]
	ldp	x28, x29, [x0, #GP_X(28)]
	ldr	x30, [x0, #GP_X(30)]
	ldp	x0, x1, [x0, #GP_X(0)]
	eret
	dsb	nsh
	isb
SYM_FUNC_END(kvmlite_guest_enter)

/*
 * Common exit path: x0 holds the exit kind, the guest's x0 and x1 are on the
 * stack above the host frame.
 */
SYM_CODE_START_LOCAL(kvmlite_guest_exit)
	ldr	x1, [sp, #16 + HF_GP]
	stp	x2, x3, [x1, #GP_X(2)]
	stp	x4, x5, [x1, #GP_X(4)]
	stp	x6, x7, [x1, #GP_X(6)]
	stp	x8, x9, [x1, #GP_X(8)]
	stp	x10, x11, [x1, #GP_X(10)]
	stp	x12, x13, [x1, #GP_X(12)]
	stp	x14, x15, [x1, #GP_X(14)]
	stp	x16, x17, [x1, #GP_X(16)]
	stp	x18, x19, [x1, #GP_X(18)]
	stp	x20, x21, [x1, #GP_X(20)]
	stp	x22, x23, [x1, #GP_X(22)]
	stp	x24, x25, [x1, #GP_X(24)]
	stp	x26, x27, [x1, #GP_X(26)]
	stp	x28, x29, [x1, #GP_X(28)]
	str	x30, [x1, #GP_X(30)]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x1, #GP_X(0)]

	mrs	x2, sp_el0
	str	x2, [x1, #GP_SP_EL0]
	mrs	x2, elr_el2
	str	x2, [x1, #GP_PC]
	mrs	x2, spsr_el2
	str	x2, [x1, #GP_PSTATE]
	mrs	x2, esr_el2
	str	x2, [x1, #GP_ESR]
	mrs	x2, far_el2
	str	x2, [x1, #GP_FAR]
	mrs	x2, hpfar_el2
	str	x2, [x1, #GP_HPFAR]

	ldr	x1, [sp, #HF_KEYS]
	cbz	x1, 1f
	kl_keys_save x1, KEYS_GUEST, x2, x3
	kl_keys_load x1, KEYS_HOST, x2, x3
	isb
1:

	ldr	x2, [sp, #HF_SP_EL0]
	msr	sp_el0, x2
	ldp	x18, x19, [sp, #HF_X18 + 0]
	ldp	x20, x21, [sp, #HF_X18 + 16]
	ldp	x22, x23, [sp, #HF_X18 + 32]
	ldp	x24, x25, [sp, #HF_X18 + 48]
	ldp	x26, x27, [sp, #HF_X18 + 64]
	ldr	x28, [sp, #HF_X18 + 80]
	add	sp, sp, #HF_SIZE
	ldp	x29, x30, [sp], #16
	ret
SYM_CODE_END(kvmlite_guest_exit)

/* An exception from the guest: keep x0/x1, say which, leave. */
.macro	kl_guest_vector, code
	.align	7
	stp	x0, x1, [sp, #-16]!
	mov	x0, #\code
	b	kvmlite_guest_exit
.endm

/*
 * An exception taken at EL2 while these vectors are installed is a kvmlite
 * bug (no host code runs in that window and interrupts are masked): stop
 * this CPU rather than run on with a corrupt state.
 */
.macro	kl_el2_vector
	.align	7
1:	wfe
	b	1b
.endm

	.align	11
SYM_CODE_START(kvmlite_vectors)
	kl_el2_vector			/* EL2t: sync, IRQ, FIQ, SError */
	kl_el2_vector
	kl_el2_vector
	kl_el2_vector
	kl_el2_vector			/* EL2h: sync, IRQ, FIQ, SError */
	kl_el2_vector
	kl_el2_vector
	kl_el2_vector
	kl_guest_vector	KL_EXIT_SYNC	/* lower EL, AArch64 */
	kl_guest_vector	KL_EXIT_IRQ
	kl_guest_vector	KL_EXIT_FIQ
	kl_guest_vector	KL_EXIT_SERROR
	kl_guest_vector	KL_EXIT_AARCH32	/* lower EL, AArch32 */
	kl_guest_vector	KL_EXIT_AARCH32
	kl_guest_vector	KL_EXIT_AARCH32
	kl_guest_vector	KL_EXIT_AARCH32
SYM_CODE_END(kvmlite_vectors)

/* void kvmlite_fp_save(struct user_fpsimd_state *st) */
SYM_FUNC_START(kvmlite_fp_save)
	fpsimd_save x0, 1
	ret
SYM_FUNC_END(kvmlite_fp_save)

/* void kvmlite_fp_load(struct user_fpsimd_state *st) */
SYM_FUNC_START(kvmlite_fp_load)
	fpsimd_restore x0, 1
	ret
SYM_FUNC_END(kvmlite_fp_load)
