// SPDX-License-Identifier: GPL-2.0
/* hello: a line over the PL011, a few facts about the vCPU, power off. */
#include "lib.h"

int main(uint64_t ram_size)
{
	puts_uart("Hello from a kvmlite-run guest!\n");
	puts_uart("  CurrentEL ");
	print_dec(sysreg_read(currentel) >> 2);
	puts_uart(", MPIDR_EL1 ");
	print_hex(sysreg_read(mpidr_el1));
	puts_uart(", RAM ");
	print_dec(ram_size >> 20);
	puts_uart(" MiB, counter at ");
	print_dec(sysreg_read(cntfrq_el0));
	puts_uart(" Hz\n");
	return 0;
}
