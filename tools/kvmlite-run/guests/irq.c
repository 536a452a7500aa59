// SPDX-License-Identifier: GPL-2.0
/*
 * irq: interrupt driven. The virtual timer ticks at 100 Hz and the guest
 * sleeps in WFI between ticks; then a line goes out over the UART one byte
 * per TX interrupt. Each interrupt is found through kvmlite-run's interrupt
 * controller (pending sources) and acknowledged with an end-of-interrupt
 * write, after which kvmlite-run lowers the IRQ line if nothing is pending.
 */
#include "lib.h"

#define TICKS	20

/* Shared with the handler: accessed through load64()/store64(). */
static uint64_t ticks, uart_irqs;
static const char *tx_msg;
static uint64_t period;

void irq_handler(void)
{
	uint32_t src = mmio_read32(INTC_BASE + INTC_PENDING);

	if (src & SRC_TIMER) {
		store64(&ticks, ticks + 1);
		if (ticks < TICKS)
			sysreg_write(cntv_cval_el0,
				     sysreg_read(cntv_cval_el0) + period);
		else
			sysreg_write(cntv_ctl_el0, 0);
	}
	if (src & SRC_UART) {
		store64(&uart_irqs, uart_irqs + 1);
		if (*tx_msg)
			mmio_write32(UART_BASE + UART_DR, *tx_msg++);
		else
			mmio_write32(UART_BASE + UART_IMSC, 0);
	}
	mmio_write32(INTC_BASE + INTC_EOI, src);
}

int main(uint64_t ram_size)
{
	static const char msg[] = "This line was sent one byte per UART TX interrupt.\n";
	uint64_t t0, t1, wfis = 0;

	(void)ram_size;
	period = sysreg_read(cntfrq_el0) / 100;
	puts_uart("irq: virtual timer at 100 Hz, WFI between ticks\n");
	t0 = sysreg_read(cntvct_el0);
	sysreg_write(cntv_cval_el0, t0 + period);
	sysreg_write(cntv_ctl_el0, 1);
	irq_enable();
	while (load64(&ticks) < TICKS) {
		wfi();
		wfis++;
	}
	t1 = sysreg_read(cntvct_el0);
	puts_uart("irq: ");
	print_dec(load64(&ticks));
	puts_uart(" timer interrupts in ");
	print_dec((t1 - t0) * 1000 / sysreg_read(cntfrq_el0));
	puts_uart(" ms of guest time, ");
	print_dec(wfis);
	puts_uart(" WFIs\n");

	tx_msg = msg;
	mmio_write32(UART_BASE + UART_IMSC, UART_INT_TX);
	while (mmio_read32(UART_BASE + UART_IMSC))
		wfi();
	irq_disable();
	puts_uart("irq: ");
	print_dec(load64(&uart_irqs));
	puts_uart(" UART interrupts\n");
	return load64(&ticks) == TICKS ? 0 : 1;
}
