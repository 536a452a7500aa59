// SPDX-License-Identifier: GPL-2.0
/* SMC dispatch: SMCCC architecture calls, PSCI 1.0 and the OP-TEE ABI. */
#include "fw.h"

#define SMCCC_VERSION		0x80000000
#define SMCCC_ARCH_FEATURES	0x80000001
#define PSCI_VERSION		0x84000000
#define PSCI_CPU_SUSPEND	0x84000001
#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON		0x84000003
#define PSCI_AFFINITY_INFO	0x84000004
#define PSCI_MIGRATE		0x84000005
#define PSCI_MIGRATE_INFO_TYPE	0x84000006
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_SYSTEM_RESET	0x84000009
#define PSCI_FEATURES		0x8400000a
#define PSCI_64			0x40000000

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	-1
#define PSCI_INVALID_PARAMS	-2
#define PSCI_ALREADY_ON		-4
#define PSCI_ON_PENDING		-5
#define PSCI_INVALID_ADDRESS	-9

enum { CPU_OFF, CPU_ON_PENDING, CPU_ON };
static u32 cpu_state[MAX_CPUS] = { [0] = CPU_ON };	/* READ_ONCE/WRITE_ONCE */
static struct spinlock psci_lock;

/* Secure PL061 GPIO: pin 0 powers the machine off, pin 1 resets it. */
void gpio_pulse(unsigned int pin)
{
	wr32(SGPIO_BASE + 0x400, rd32(SGPIO_BASE + 0x400) | (1u << pin));
	wr32(SGPIO_BASE + ((1u << pin) << 2), 0);
	wr32(SGPIO_BASE + ((1u << pin) << 2), 1u << pin);
}

void psci_system_off(void)
{
	optee_print_stats();
	printf("fw: SYSTEM_OFF\n");
	gpio_pulse(0);
	/* QEMU handles the request asynchronously: wait for it. */
	for (;;)
		__asm__ volatile("wfi");
}

[[gnu::noreturn]] static void psci_system_reset(void)
{
	int i;

	printf("fw: SYSTEM_RESET\n");
	for (i = 0; i < MAX_CPUS; i++)
		WRITE_ONCE(pens[i].go, 0);
	dsb_sy();
	gpio_pulse(1);
	for (;;)
		__asm__ volatile("wfi");
}

static int mpidr_to_idx(u64 mpidr)
{
	if (mpidr & 0xff00ffff00ULL)
		return -1;
	if ((mpidr & 0xff) >= MAX_CPUS)
		return -1;
	return mpidr & 0xff;
}

static s64 psci_cpu_on(u64 mpidr, u64 entry, u64 ctx)
{
	int idx = mpidr_to_idx(mpidr);
	s64 ret = PSCI_SUCCESS;

	if (idx < 0)
		return PSCI_INVALID_PARAMS;
	if (!ns_range_ok(entry, 4))
		return PSCI_INVALID_ADDRESS;
	spin_lock(&psci_lock);
	if (READ_ONCE(cpu_state[idx]) == CPU_ON) {
		ret = PSCI_ALREADY_ON;
	} else if (READ_ONCE(cpu_state[idx]) == CPU_ON_PENDING) {
		ret = PSCI_ON_PENDING;
	} else {
		WRITE_ONCE(cpu_state[idx], CPU_ON_PENDING);
		WRITE_ONCE(pens[idx].entry, entry);
		WRITE_ONCE(pens[idx].ctx, ctx);
		dsb_sy();
		WRITE_ONCE(pens[idx].go, 1);
		dsb_sy();
		sev();
	}
	spin_unlock(&psci_lock);
	return ret;
}

/* Called from the pen (start.S) once pens[idx].go is set. */
void cpu_enter_ns(u64 idx)
{
	u64 entry = READ_ONCE(pens[idx].entry), ctx = READ_ONCE(pens[idx].ctx);

	WRITE_ONCE(pens[idx].go, 0);
	gic_cpu_init();
	el3_regs_init();
	WRITE_ONCE(cpu_state[idx], CPU_ON);
	dsb_sy();
	el3_enter_ns(entry, ctx, cpu_stack_top(idx));
}

static s64 psci_features(u32 fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_CPU_ON | PSCI_64:
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO | PSCI_64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		return PSCI_SUCCESS;
	default:
		return PSCI_NOT_SUPPORTED;
	}
}

static s64 psci_call(u32 fid, struct regs *r)
{
	bool smc64 = fid & PSCI_64;
	u64 a1 = r->x[1], a2 = r->x[2], a3 = r->x[3];
	int idx;

	if (!smc64) {
		a1 = (u32)a1;
		a2 = (u32)a2;
		a3 = (u32)a3;
	}
	switch (fid & ~PSCI_64) {
	case PSCI_VERSION:
		return smc64 ? PSCI_NOT_SUPPORTED : 0x10000;
	case PSCI_CPU_OFF:
		idx = cpu_index();
		WRITE_ONCE(cpu_state[idx], CPU_OFF);
		dsb_sy();
		cpu_off_wait(idx);
	case PSCI_CPU_ON:
		return psci_cpu_on(a1, a2, a3);
	case PSCI_AFFINITY_INFO:
		idx = mpidr_to_idx(a1);
		if (idx < 0 || a2 != 0)
			return PSCI_INVALID_PARAMS;
		switch (READ_ONCE(cpu_state[idx])) {
		case CPU_ON:
			return 0;
		case CPU_OFF:
			return 1;
		default:
			return 2;	/* ON_PENDING */
		}
	case PSCI_MIGRATE_INFO_TYPE:
		return 2;	/* Trusted OS needs no migration */
	case PSCI_SYSTEM_OFF:
		psci_system_off();
	case PSCI_SYSTEM_RESET:
		psci_system_reset();
	case PSCI_FEATURES:
		return psci_features((u32)a1);
	default:
		return PSCI_NOT_SUPPORTED;
	}
}

void smc_handler(struct regs *r)
{
	u32 ec = r->esr >> 26;
	u32 fid = r->x[0];

	if (ec != 0x17) {
		printf("fw: unexpected trap from NS: esr=%lx elr=%lx\n", r->esr, r->elr);
		panic("unhandled trap");
	}
	switch ((fid >> 24) & 0x3f) {
	case 0:		/* Arm architecture calls */
		if (fid == SMCCC_VERSION)
			r->x[0] = 0x10001;
		else
			r->x[0] = (u64)-1;
		return;
	case 4:		/* standard secure services: PSCI */
		if ((fid & 0xffff) <= 0x1f) {
			r->x[0] = psci_call(fid, r);
			return;
		}
		break;
	case 50 ... 63:	/* trusted OS */
		if (optee_smc(r))
			return;
		break;
	}
	r->x[0] = (u64)-1;
}
