// SPDX-License-Identifier: GPL-2.0
/* Printing over the PL011 by polling, and the default exception handlers. */
#include "lib.h"

void putc_uart(char c)
{
	while (mmio_read32(UART_BASE + UART_FR) & UART_FR_TXFF)
		;
	mmio_write32(UART_BASE + UART_DR, (uint8_t)c);
}

void puts_uart(const char *s)
{
	while (*s)
		putc_uart(*s++);
}

void print_dec(uint64_t v)
{
	char buf[21];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	puts_uart(&buf[i]);
}

void print_hex(uint64_t v)
{
	int i;

	puts_uart("0x");
	for (i = 60; i >= 0; i -= 4)
		putc_uart("0123456789abcdef"[(v >> i) & 0xf]);
}

/* The IRQ handler of guests that define none (start.S: weak irq_handler). */
void unexpected_irq(void)
{
	puts_uart("unexpected IRQ\n");
	psci_system_off();
}

void bad_exception(uint64_t vec, uint64_t esr, uint64_t elr)
{
	puts_uart("unexpected exception, vector ");
	print_dec(vec);
	puts_uart(" ESR ");
	print_hex(esr);
	puts_uart(" ELR ");
	print_hex(elr);
	puts_uart("\n");
	psci_system_off();
}
