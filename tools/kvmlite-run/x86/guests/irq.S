/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irq: an interrupt-driven real-mode guest for kvmlite-run-x86. Installs a
 * handler for vector 0x20 (the VMM's timer, injected with KVM_INTERRUPT),
 * sleeps in HLT until 20 ticks have arrived, prints the count and powers
 * off.
 */
	.code16
	.text
	.global _start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x9000, %sp
	movw	$tick, 0x20 * 4
	movw	$0, 0x20 * 4 + 2
	movw	$0, count
1:	sti			/* the STI shadow covers HLT: no lost wakeup */
	hlt
	cli
	cmpw	$20, count
	jb	1b
	mov	$msg, %si
	call	puts
	mov	count, %ax		/* two decimal digits */
	mov	$10, %bl
	div	%bl
	add	$'0', %al
	add	$'0', %ah
	mov	%ah, %bh
	call	putc
	mov	%bh, %al
	call	putc
	mov	$msg2, %si
	call	puts
	mov	$0x501, %dx
	xor	%al, %al
	out	%al, %dx
2:	hlt
	jmp	2b

tick:	incw	%cs:count
	iret

puts:	lodsb
	test	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

putc:	mov	$0x3f8, %dx
	out	%al, %dx
	ret

count:	.word	0
msg:	.asciz	"irq: "
msg2:	.asciz	" timer interrupts\n"
