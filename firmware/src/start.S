/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reset entry, EL3 exception vectors, the secondary-CPU pen and the
 * context switch used by the secure "threads".
 */
#define MAX_CPUS	4
#define CPU_STACK_SIZE	16384
#define FRAME		(34 * 8)

	.section .text.boot, "ax"
	.global _start
_start:
	mrs	x0, mpidr_el1
	ubfx	x19, x0, #0, #8		/* Aff0 = CPU index */
	ubfx	x1, x0, #8, #16		/* Aff1/Aff2 must be 0 */
	cbnz	x1, park
	cmp	x19, #MAX_CPUS
	b.hs	park
	adr	x1, vectors
	msr	vbar_el3, x1
	isb
	mov	x0, x19
	bl	cpu_stack_top
	mov	sp, x0
	cbnz	x19, secondary

	/* Primary: copy .data to SRAM, clear .bss. */
	ldr	x0, =__data_start
	ldr	x1, =__data_end
	ldr	x2, =__data_load
1:	cmp	x0, x1
	b.hs	2f
	ldr	x3, [x2], #8
	str	x3, [x0], #8
	b	1b
2:	ldr	x0, =__bss_start
	ldr	x1, =__bss_end
3:	cmp	x0, x1
	b.hs	4f
	str	xzr, [x0], #8
	b	3b
4:	bl	fw_main
	b	park

secondary:
	mov	x0, x19
	b	pen_wait

park:
	wfe
	b	park

/* u64 cpu_stack_top(u64 idx) */
	.global cpu_stack_top
cpu_stack_top:
	ldr	x1, =cpu_stacks
	add	x0, x0, #1
	mov	x2, #CPU_STACK_SIZE
	madd	x0, x0, x2, x1
	ret

/* u64 cpu_index(void) */
	.global cpu_index
cpu_index:
	mrs	x0, mpidr_el1
	and	x0, x0, #0xff
	ret

/* void cpu_off_wait(u64 idx): reset the stack and wait in the pen. */
	.global cpu_off_wait
cpu_off_wait:
	mov	x19, x0
	bl	cpu_stack_top
	mov	sp, x0
	mov	x0, x19
	/* fall through */
/* Wait for pens[idx].go, then enter the normal world (C does the rest). */
pen_wait:
	mov	x19, x0
	ldr	x1, =pens
	add	x20, x1, x19, lsl #5
5:	ldr	x2, [x20]
	cbnz	x2, 6f
	wfe
	b	5b
6:	dmb	sy
	mov	x0, x19
	bl	cpu_enter_ns
	b	park

/* void el3_enter_ns(u64 entry, u64 arg, u64 sp_top) */
	.global el3_enter_ns
el3_enter_ns:
	mov	sp, x2
	msr	elr_el3, x0
	mov	x2, #0x3c9		/* EL2h, DAIF masked */
	msr	spsr_el3, x2
	mov	x0, x1
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	mov	x4, xzr
	mov	x5, xzr
	mov	x6, xzr
	mov	x7, xzr
	mov	x8, xzr
	mov	x9, xzr
	mov	x10, xzr
	mov	x11, xzr
	mov	x12, xzr
	mov	x13, xzr
	mov	x14, xzr
	mov	x15, xzr
	mov	x16, xzr
	mov	x17, xzr
	mov	x18, xzr
	mov	x19, xzr
	mov	x20, xzr
	mov	x21, xzr
	mov	x22, xzr
	mov	x23, xzr
	mov	x24, xzr
	mov	x25, xzr
	mov	x26, xzr
	mov	x27, xzr
	mov	x28, xzr
	mov	x29, xzr
	mov	x30, xzr
	isb
	eret

/* void ctx_switch(struct ctx *save, struct ctx *load) */
	.global ctx_switch
ctx_switch:
	stp	x19, x20, [x0, #0]
	stp	x21, x22, [x0, #16]
	stp	x23, x24, [x0, #32]
	stp	x25, x26, [x0, #48]
	stp	x27, x28, [x0, #64]
	stp	x29, x30, [x0, #80]
	mov	x2, sp
	str	x2, [x0, #96]
	ldp	x19, x20, [x1, #0]
	ldp	x21, x22, [x1, #16]
	ldp	x23, x24, [x1, #32]
	ldp	x25, x26, [x1, #48]
	ldp	x27, x28, [x1, #64]
	ldp	x29, x30, [x1, #80]
	ldr	x2, [x1, #96]
	mov	sp, x2
	ret

/* First run of a thread: x19 = function, x20 = argument. */
	.global ctx_trampoline
ctx_trampoline:
	mov	x0, x20
	blr	x19
	b	park

/* void spin_lock(spinlock_t *l) / spin_unlock */
	.global spin_lock
spin_lock:
	mov	w2, #1
7:	ldaxr	w1, [x0]
	cbnz	w1, 7b
	stxr	w1, w2, [x0]
	cbnz	w1, 7b
	ret
	.global spin_unlock
spin_unlock:
	stlr	wzr, [x0]
	sev
	ret

/* ---- exception vectors ---- */
.macro	save_regs
	sub	sp, sp, #FRAME
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x0, elr_el3
	stp	x30, x0, [sp, #240]
	mrs	x0, spsr_el3
	mrs	x1, esr_el3
	stp	x0, x1, [sp, #256]
	mov	x0, sp
.endm

.macro	ventry target
	.balign	0x80
	b	\target
.endm

	.text
	.balign	0x800
vectors:
	ventry	bad_exception		/* current EL, SP0 */
	ventry	bad_exception
	ventry	bad_exception
	ventry	bad_exception
	ventry	bad_exception		/* current EL, SPx */
	ventry	bad_exception
	ventry	bad_exception
	ventry	bad_exception
	ventry	lower_sync		/* lower EL, AArch64 */
	ventry	bad_exception
	ventry	bad_exception
	ventry	bad_exception
	ventry	bad_exception		/* lower EL, AArch32 */
	ventry	bad_exception
	ventry	bad_exception
	ventry	bad_exception

bad_exception:
	save_regs
	bl	el3_bad_exception
	b	park

lower_sync:
	save_regs
	bl	smc_handler
	ldp	x0, x1, [sp, #256]
	msr	spsr_el3, x0
	ldp	x30, x0, [sp, #240]
	msr	elr_el3, x0
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	add	sp, sp, #FRAME
	eret

	.section .noinit.stacks, "aw", %nobits
	.balign	16
cpu_stacks:
	.space	MAX_CPUS * CPU_STACK_SIZE

	.section .pen, "aw", %nobits
	.balign	32
	.global pens
pens:
	.space	MAX_CPUS * 32
