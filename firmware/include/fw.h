/* SPDX-License-Identifier: GPL-2.0 */
/* Common definitions for the test secure-world firmware. */
#ifndef FW_H
#define FW_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef signed int s32;
typedef signed long s64;
typedef unsigned long size_t;
typedef unsigned long uintptr_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

#define MAX_CPUS	4
#define CPU_STACK_SIZE	16384

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	(((x) + (a) - 1) & ~((u64)(a) - 1))
#define MIN(a, b)	((a) < (b) ? (a) : (b))

/* MMIO and system registers (MMU off: everything is Device memory). */
static inline u32 rd32(u64 a) { return *(volatile u32 *)(uintptr_t)a; }
static inline void wr32(u64 a, u32 v) { *(volatile u32 *)(uintptr_t)a = v; }
static inline u64 rd64(u64 a) { return *(volatile u64 *)(uintptr_t)a; }
static inline void wr64(u64 a, u64 v) { *(volatile u64 *)(uintptr_t)a = v; }
static inline u16 rd16(u64 a) { return *(volatile u16 *)(uintptr_t)a; }
static inline void wr16(u64 a, u16 v) { *(volatile u16 *)(uintptr_t)a = v; }
static inline u8 rd8(u64 a) { return *(volatile u8 *)(uintptr_t)a; }
static inline void wr8(u64 a, u8 v) { *(volatile u8 *)(uintptr_t)a = v; }

#define read_sysreg(r) ({ u64 __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((u64)(v)))
#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb() __asm__ volatile("dsb sy" ::: "memory")
#define sev() __asm__ volatile("sev" ::: "memory")
#define barrier() __asm__ volatile("" ::: "memory")

static inline u32 bswap32(u32 v) { return __builtin_bswap32(v); }
static inline u64 bswap64(u64 v) { return __builtin_bswap64(v); }

/* Spin lock (exclusives work on any RAM in QEMU, even with the MMU off). */
typedef struct { volatile u32 v; } spinlock_t;
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);

/* lib.c */
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
void uart_putc(char c);
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *msg) __attribute__((noreturn));

/* start.S */
void el3_enter_ns(u64 entry, u64 arg, u64 sp_top) __attribute__((noreturn));
void cpu_off_wait(u64 idx) __attribute__((noreturn));
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
	volatile u64 go;
	volatile u64 entry;
	volatile u64 ctx;
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
void psci_system_off(void) __attribute__((noreturn));
void cpu_enter_ns(u64 idx) __attribute__((noreturn));
void el3_regs_init(void);
void gpio_pulse(unsigned int pin);

/* optee.c */
bool optee_smc(struct regs *r);
void optee_init(void);
extern u64 optee_shm_base, optee_shm_size;

#endif
