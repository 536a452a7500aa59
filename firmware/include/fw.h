/* SPDX-License-Identifier: GPL-2.0 */
/* Common definitions for the test secure-world firmware. */
#ifndef FW_H
#define FW_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT32_TYPE__ s32;
typedef __INT64_TYPE__ s64;

#define MAX_CPUS	4
#define CPU_STACK_SIZE	16384

#define BIT(n)		(1UL << (n))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static inline u64 align_up(u64 x, u64 a)
{
	return (x + a - 1) & ~(a - 1);
}

static inline u64 min_u64(u64 a, u64 b)
{
	return a < b ? a : b;
}

/* Single-copy accesses to shared variables (other CPUs, other worlds). */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* MMIO (MMU off: Device memory). One access instruction each. */
static inline u32 rd32(u64 a)
{
	u32 v;

	asm volatile("ldr %w0, [%1]" : "=r" (v) : "r" (a) : "memory");
	return v;
}

static inline void wr32(u64 a, u32 v)
{
	asm volatile("str %w0, [%1]" : : "r" (v), "r" (a) : "memory");
}

static inline u64 rd64(u64 a)
{
	u64 v;

	asm volatile("ldr %0, [%1]" : "=r" (v) : "r" (a) : "memory");
	return v;
}

static inline void wr64(u64 a, u64 v)
{
	asm volatile("str %0, [%1]" : : "r" (v), "r" (a) : "memory");
}

static inline void wr16(u64 a, u16 v)
{
	asm volatile("strh %w0, [%1]" : : "r" (v), "r" (a) : "memory");
}

static inline u8 rd8(u64 a)
{
	u8 v;

	asm volatile("ldrb %w0, [%1]" : "=r" (v) : "r" (a) : "memory");
	return v;
}

static inline void wr8(u64 a, u8 v)
{
	asm volatile("strb %w0, [%1]" : : "r" (v), "r" (a) : "memory");
}

#define read_sysreg(r) ({					\
	u64 __val;						\
	asm volatile("mrs %0, " #r : "=r" (__val));		\
	__val;							\
})

#define write_sysreg(r, v) do {					\
	u64 __val = (u64)(v);					\
	asm volatile("msr " #r ", %0" : : "r" (__val));		\
} while (0)

static inline void isb(void)
{
	asm volatile("isb" : : : "memory");
}

static inline void dsb_sy(void)
{
	asm volatile("dsb sy" : : : "memory");
}

static inline void sev(void)
{
	asm volatile("sev" : : : "memory");
}

static inline u32 bswap32(u32 v)
{
	return __builtin_bswap32(v);
}

static inline u64 bswap64(u64 v)
{
	return __builtin_bswap64(v);
}

/* Spin lock (exclusives work on any RAM in QEMU, even with the MMU off). */
struct spinlock {
	u32 v;
};

void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);

/* lib.c */
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
void uart_putc(char c);
[[gnu::format(printf, 1, 2)]] void printf(const char *fmt, ...);
[[gnu::noreturn]] void panic(const char *msg);

/* start.S */
[[gnu::noreturn]] void el3_enter_ns(u64 entry, u64 arg, u64 sp_top);
[[gnu::noreturn]] void cpu_off_wait(u64 idx);
u64 cpu_index(void);
u64 cpu_stack_top(u64 idx);

struct ctx {
	u64 x19_x29[11];
	u64 lr;
	u64 sp;
};

void ctx_switch(struct ctx *save, struct ctx *load);
void ctx_trampoline(void);

/* Saved registers of a lower-EL exception. */
struct regs {
	u64 x[31];
	u64 elr;
	u64 spsr;
	u64 esr;
};

/* Pen: one mailbox per CPU, outside .bss. */
struct pen {
	u64 go;		/* READ_ONCE/WRITE_ONCE */
	u64 entry;
	u64 ctx;
	u64 pad;
};

extern struct pen pens[MAX_CPUS];

/* Platform */
#define UART_BASE	0x09000000UL
#define FWCFG_BASE	0x09020000UL
#define SGPIO_BASE	0x090b0000UL
#define GICD_BASE	0x08000000UL
#define GICR_BASE	0x080a0000UL
#define DTB_ADDR	0x40000000UL
#define DTB_MAX		0x00100000UL

/* Normal-world RAM bounds, from the DTB. */
extern u64 ns_ram_base, ns_ram_end;
bool ns_range_ok(u64 pa, u64 len);

/* gic.c */
void gic_dist_init(void);
void gic_cpu_init(void);

/* fwcfg.c */
bool fwcfg_present(void);
u32 fwcfg_size(u16 key);
void fwcfg_read(u16 key, u64 dst, u32 len);
bool fwcfg_find(const char *name, u16 *key, u32 *size);

/* fdt.c */
int fdt_check(void);
int fdt_path(const char *path);
int fdt_add_node(int parent, const char *name);
int fdt_setprop(int node, const char *name, const void *val, u32 len);
int fdt_setprop_str(int node, const char *name, const char *s);
int fdt_setprop_u64(int node, const char *name, u64 v);
const void *fdt_getprop(int node, const char *name, u32 *len);
u32 fdt_totalsize(void);

/* psci.c / smc.c */
void smc_handler(struct regs *r);
[[gnu::noreturn]] void psci_system_off(void);
[[gnu::noreturn]] void cpu_enter_ns(u64 idx);
void el3_regs_init(void);
void gpio_pulse(unsigned int pin);

/* optee.c */
bool optee_smc(struct regs *r);
void optee_init(void);
void optee_print_stats(void);
extern u64 optee_shm_base, optee_shm_size;
/* notif.c: the SPI of asynchronous notifications, 0 when not offered */
u32 notif_spi(void);

#endif
