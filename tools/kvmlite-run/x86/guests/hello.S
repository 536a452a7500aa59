/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hello: a real-mode guest for kvmlite-run-x86. Prints a line on the
 * port-I/O UART (COM1, 0x3f8), waiting for THR empty in LSR like a driver,
 * then asks the VMM to power off (port 0x501).
 */
	.code16
	.text
	.global _start
_start:
	mov	$msg, %si
1:	lodsb
	test	%al, %al
	jz	2f
	mov	%al, %bl
3:	mov	$0x3fd, %dx		/* LSR: wait for THR empty */
	in	%dx, %al
	test	$0x20, %al
	jz	3b
	mov	$0x3f8, %dx
	mov	%bl, %al
	out	%al, %dx
	jmp	1b
2:	mov	$0x501, %dx		/* power off, status 0 */
	xor	%al, %al
	out	%al, %dx
	hlt
	jmp	2b

msg:	.asciz	"Hello from a kvmlite-run x86 guest!\n"
