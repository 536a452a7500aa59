/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GUEST(name, "insn\n" ...): a position-independent guest code blob in the
 * program, from name[] to name_end[] (as the selftests' GUEST_CODE).
 */
#ifndef KVMLITE_GUEST_CODE_H
#define KVMLITE_GUEST_CODE_H

#define GUEST(name, body)						\
	extern const unsigned char name[], name##_end[];		\
	__asm__(".pushsection .rodata." #name ", \"a\"\n"		\
		".balign 4\n .global " #name "\n" #name ":\n"		\
		body "\n .global " #name "_end\n" #name "_end:\n"	\
		".popsection\n")

#endif
