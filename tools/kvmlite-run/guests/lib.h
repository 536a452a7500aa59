/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kvmlite-run guests share: kvmlite-run's devices (PL011 UART at
 * 0x09000000, its tiny interrupt controller at 0x09010000), printing, and
 * system register access.
 */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdint.h>

#define UART_BASE	0x09000000UL
#define UART_DR		0x000
#define UART_FR		0x018
#define UART_IMSC	0x038
#define UART_MIS	0x040
#define UART_ICR	0x044
#define UART_FR_TXFF	0x20
#define UART_INT_TX	0x20

#define INTC_BASE	0x09010000UL
#define INTC_PENDING	0x0
#define INTC_EOI	0x8
#define SRC_TIMER	1
#define SRC_UART	2

#define sysreg_read(r) ({					\
	uint64_t __v;						\
	__asm__ volatile("mrs %0, " #r : "=r" (__v));		\
	__v;							\
})
#define sysreg_write(r, v)					\
	do {							\
		uint64_t __w = (v);				\
		__asm__ volatile("msr " #r ", %0\n isb"		\
				 : : "r" (__w) : "memory");	\
	} while (0)

/* Accesses the compiler must not merge or drop (shared with handlers). */
static inline uint64_t load64(const uint64_t *p)
{
	uint64_t v;

	__asm__ volatile("ldr %0, [%1]" : "=r" (v) : "r" (p) : "memory");
	return v;
}

static inline void store64(uint64_t *p, uint64_t v)
{
	__asm__ volatile("str %0, [%1]" : : "r" (v), "r" (p) : "memory");
}

static inline uint32_t mmio_read32(unsigned long addr)
{
	uint32_t v;

	/* A plain ldr: it has an instruction syndrome for the MMIO exit. */
	__asm__ volatile("ldr %w0, [%1]" : "=r" (v) : "r" (addr) : "memory");
	return v;
}

static inline void mmio_write32(unsigned long addr, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "r" (v), "r" (addr) : "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" : : : "memory");
}

static inline void wfi(void)
{
	__asm__ volatile("wfi" : : : "memory");
}

void putc_uart(char c);
void puts_uart(const char *s);
void print_dec(uint64_t v);
void print_hex(uint64_t v);
void irq_handler(void);
void unexpected_irq(void);
void bad_exception(uint64_t vec, uint64_t esr, uint64_t elr);
void psci_system_off(void);

#endif
