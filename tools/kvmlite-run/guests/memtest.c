// SPDX-License-Identifier: GPL-2.0
/*
 * memtest: fill the RAM above the image with patterns (address, inverted
 * address, walking ones) and check them back; every page is a first touch
 * for the hypervisor's stage-2.
 */
#include "lib.h"

extern char __image_end[];

static uint64_t check(uint64_t *p, uint64_t n, int pass)
{
	uint64_t i, bad = 0, v;

	for (i = 0; i < n; i++) {
		v = (uint64_t)&p[i];
		if (pass == 1)
			v = ~v;
		else if (pass == 2)
			v = 1ULL << (i & 63);
		store64(&p[i], v);
	}
	for (i = 0; i < n; i++) {
		v = (uint64_t)&p[i];
		if (pass == 1)
			v = ~v;
		else if (pass == 2)
			v = 1ULL << (i & 63);
		if (load64(&p[i]) != v) {
			if (!bad) {
				puts_uart("memtest: mismatch at ");
				print_hex((uint64_t)&p[i]);
				puts_uart("\n");
			}
			bad++;
		}
	}
	return bad;
}

int main(uint64_t ram_size)
{
	uint64_t start = ((uint64_t)__image_end + 0xfffff) & ~0xfffffULL;
	uint64_t end = 0x40000000ULL + ram_size;
	uint64_t n = (end - start) / 8, bad = 0;
	int pass;

	puts_uart("memtest: ");
	print_dec((end - start) >> 20);
	puts_uart(" MiB from ");
	print_hex(start);
	puts_uart("\n");
	for (pass = 0; pass < 3; pass++) {
		bad += check((uint64_t *)start, n, pass);
		puts_uart("memtest: pass ");
		print_dec(pass + 1);
		puts_uart(bad ? " FAILED\n" : " ok\n");
	}
	puts_uart(bad ? "memtest: FAILED\n" : "memtest: all passes ok\n");
	return bad != 0;
}
