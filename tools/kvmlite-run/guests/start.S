/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the kvmlite-run guests: EL1, MMU off, loaded at the start of RAM.
 * x0 holds the RAM size (from kvmlite-run). Sets the stack, clears .bss,
 * installs the vectors, calls main(ram_size) and powers off through PSCI
 * SYSTEM_OFF with its return value in x19 (for a debugger's eyes only).
 */
	.section .text.start, "ax"
	.global _start
_start:
	mov	x19, x0
	ldr	x1, =__stack_top
	mov	sp, x1
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	adr	x1, vectors
	msr	vbar_el1, x1
	isb
	mov	x0, x19
	bl	main
	mov	x19, x0
	.global psci_system_off
psci_system_off:
	movz	w0, #0x0008
	movk	w0, #0x8400, lsl #16
	hvc	#0
3:	wfi
	b	3b

/* IRQ at EL1h: save the caller-saved registers, call irq_handler(). */
	.macro	vec_irq
	.align	7
	sub	sp, sp, #192
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	b	irq_entry
	.endm

	.macro	vec_bad, n
	.align	7
	mov	x0, #\n
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	b	bad_exception
	.endm

	.text
	.align	11
vectors:
	vec_bad	0
	vec_bad	1
	vec_bad	2
	vec_bad	3
	vec_bad	4		/* EL1h synchronous */
	vec_irq			/* EL1h IRQ */
	vec_bad	6
	vec_bad	7
	vec_bad	8
	vec_bad	9
	vec_bad	10
	vec_bad	11
	vec_bad	12
	vec_bad	13
	vec_bad	14
	vec_bad	15

	.weak	irq_handler
irq_handler:
	b	unexpected_irq

irq_entry:
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x30, [sp, #144]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x0, x1, [sp, #160]
	bl	irq_handler
	ldp	x0, x1, [sp, #160]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x30, [sp, #144]
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	add	sp, sp, #192
	eret
