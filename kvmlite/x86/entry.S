/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmlite x86: enter the guest with VMLAUNCH/VMRESUME and land on VM exit.
 *
 * int kl_vmx_enter(u64 *gpr, int launched)
 *
 * Loads the guest GPRs from @gpr (RSP comes from the VMCS), enters the
 * guest, and on VM exit stores them back. Returns 0 after a VM exit and 1
 * when VMLAUNCH/VMRESUME itself failed (VMfail: the VMCS is unchanged, the
 * reason is in VM_INSTRUCTION_ERROR). Called with interrupts disabled.
 *
 * The VM exit arrives at kl_vmx_exit_landing (HOST_RIP) with the stack
 * pointer this function wrote to HOST_RSP and every other GPR holding the
 * guest's values; objtool cannot follow that, so this object is marked
 * OBJECT_FILES_NON_STANDARD in Kbuild.
 */
#include <linux/linkage.h>
#include <asm/asm.h>

#define VMCS_HOST_RSP	0x6c14

#define G_RAX	(0 * 8)
#define G_RCX	(1 * 8)
#define G_RDX	(2 * 8)
#define G_RBX	(3 * 8)
#define G_RBP	(5 * 8)
#define G_RSI	(6 * 8)
#define G_RDI	(7 * 8)
#define G_R8	(8 * 8)
#define G_R9	(9 * 8)
#define G_R10	(10 * 8)
#define G_R11	(11 * 8)
#define G_R12	(12 * 8)
#define G_R13	(13 * 8)
#define G_R14	(14 * 8)
#define G_R15	(15 * 8)

	.text
SYM_FUNC_START(kl_vmx_enter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* @gpr, found again at 0(%rsp) after the VM exit. */
	push	%rdi

	mov	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax

	/* ZF=1: not launched yet. Nothing below changes the flags. */
	test	%esi, %esi

	mov	G_RAX(%rdi), %rax
	mov	G_RCX(%rdi), %rcx
	mov	G_RDX(%rdi), %rdx
	mov	G_RBX(%rdi), %rbx
	mov	G_RBP(%rdi), %rbp
	mov	G_RSI(%rdi), %rsi
	mov	G_R8(%rdi), %r8
	mov	G_R9(%rdi), %r9
	mov	G_R10(%rdi), %r10
	mov	G_R11(%rdi), %r11
	mov	G_R12(%rdi), %r12
	mov	G_R13(%rdi), %r13
	mov	G_R14(%rdi), %r14
	mov	G_R15(%rdi), %r15
	mov	G_RDI(%rdi), %rdi

	jz	.Llaunch
	vmresume
	jmp	.Lfail
.Llaunch:
	vmlaunch
.Lfail:
	/* VMfail: still on our stack; drop @gpr and return 1. */
	add	$8, %rsp
	mov	$1, %eax
	jmp	.Lout

SYM_INNER_LABEL(kl_vmx_exit_landing, SYM_L_GLOBAL)
	push	%rdi
	mov	8(%rsp), %rdi
	mov	%rax, G_RAX(%rdi)
	mov	%rcx, G_RCX(%rdi)
	mov	%rdx, G_RDX(%rdi)
	mov	%rbx, G_RBX(%rdi)
	mov	%rbp, G_RBP(%rdi)
	mov	%rsi, G_RSI(%rdi)
	mov	%r8, G_R8(%rdi)
	mov	%r9, G_R9(%rdi)
	mov	%r10, G_R10(%rdi)
	mov	%r11, G_R11(%rdi)
	mov	%r12, G_R12(%rdi)
	mov	%r13, G_R13(%rdi)
	mov	%r14, G_R14(%rdi)
	mov	%r15, G_R15(%rdi)
	popq	G_RDI(%rdi)
	add	$8, %rsp
	xor	%eax, %eax
	/* No guest value stays in a caller-saved register. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
.Lout:
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(kl_vmx_enter)
