// SPDX-License-Identifier: GPL-2.0
/* Minimal C library: memory/string helpers and a small printf on the PL011. */
#include <stdarg.h>
#include "fw.h"

void *memcpy(void *d, const void *s, size_t n)
{
	u8 *dp = d;
	const u8 *sp = s;

	if ((((unsigned long)dp | (unsigned long)sp) & 7) == 0) {
		for (; n >= 8; n -= 8, dp += 8, sp += 8)
			*(u64 *)dp = *(const u64 *)sp;
	}
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	u8 *dp = d;
	const u8 *sp = s;

	if (dp <= sp || dp >= sp + n)
		return memcpy(d, s, n);
	if ((((unsigned long)dp | (unsigned long)sp | n) & 7) == 0) {
		while (n) {
			n -= 8;
			*(u64 *)(dp + n) = *(const u64 *)(sp + n);
		}
		return d;
	}
	while (n--)
		dp[n] = sp[n];
	return d;
}

void *memset(void *d, int c, size_t n)
{
	u8 *dp = d;

	if (((unsigned long)dp & 7) == 0) {
		u64 v = (u8)c * 0x0101010101010101ULL;

		for (; n >= 8; n -= 8, dp += 8)
			*(u64 *)dp = v;
	}
	while (n--)
		*dp++ = (u8)c;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (u8)*a - (u8)*b;
		if (!*a)
			break;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

static struct spinlock uart_lock;

void uart_putc(char c)
{
	while (rd32(UART_BASE + 0x18) & (1 << 5))
		;
	wr32(UART_BASE, (u8)c);
}

static void put_num(u64 v, unsigned int base, int width, char pad, bool neg)
{
	char buf[24];
	int i = 0;

	do {
		buf[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		buf[i++] = '-';
	while (i < width--)
		uart_putc(pad);
	while (i)
		uart_putc(buf[--i]);
}

void printf(const char *fmt, ...)
{
	va_list ap;

	spin_lock(&uart_lock);
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0, lng = 0;
		char pad = ' ';

		if (*fmt != '%') {
			if (*fmt == '\n')
				uart_putc('\r');
			uart_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			while (*s)
				uart_putc(*s++);
			break;
		}
		case 'c':
			uart_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			s64 v = lng ? va_arg(ap, s64) : va_arg(ap, int);

			put_num(v < 0 ? -(u64)v : (u64)v, 10, width, pad, v < 0);
			break;
		}
		case 'u':
			put_num(lng ? va_arg(ap, u64) : va_arg(ap, u32), 10, width, pad, false);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, u64) : va_arg(ap, u32), 16, width, pad, false);
			break;
		case 'p':
			put_num((unsigned long)va_arg(ap, void *), 16, width, pad, false);
			break;
		default:
			uart_putc('%');
			uart_putc(*fmt);
			break;
		}
	}
	va_end(ap);
	spin_unlock(&uart_lock);
}

void panic(const char *msg)
{
	printf("fw: PANIC: %s\n", msg);
	/* Reset: QEMU runs with -no-reboot, so this ends the run. */
	gpio_pulse(1);
	for (;;)
		__asm__ volatile("wfe");
}

void el3_bad_exception(struct regs *r);
void el3_bad_exception(struct regs *r)
{
	printf("fw: unexpected exception cpu%lu esr=%lx elr=%lx far=%lx spsr=%lx lr=%lx\n",
	       cpu_index(), r->esr, r->elr, read_sysreg(far_el3), r->spsr, r->x[30]);
	panic("halted");
}
