// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite-bench: the costs `make bench` compares between a KVM-ABI device
 * (--dev, default /dev/kvmlite) and another (usually the in-kernel KVM's
 * /dev/kvm), measured with the virtual counter (CNTVCT_EL0). Under QEMU
 * -icount the counter follows the number of instructions the emulated CPUs
 * execute, so the numbers are deterministic enough to compare.
 *
 *   kvmlite-bench [--dev PATH] [--label NAME] [--div N] [--rows KEY,...]
 *
 * Each result is one line: "BENCH <label> <key> <value> <unit>"; --div
 * divides the iteration counts (a quicker, noisier run); --rows runs only
 * the rows named (keys below, e.g. --rows ipi,irqfd).
 *   mmio     one MMIO exit round trip to userspace (guest store, KVM_RUN
 *            returns, KVM_RUN again)
 *   psci     one PSCI call handled in the kernel (HVC PSCI_VERSION)
 *   wfi      one WFI wake-up by KVM_IRQ_LINE from another thread (raise the
 *            line, the guest leaves WFI and stores to MMIO, the vCPU thread
 *            lowers the line and tells the raiser through an eventfd)
 *   create   create a VM, a 1 GiB slot and a vCPU, and run a guest that
 *            touches 64 MiB of it once (one store per 4 KiB page)
 *   memory   kernel memory one idle VM with one initialised vCPU costs
 *            (MemFree drop around creating 100 of them, per VM)
 * With an in-kernel vGICv3 (QEMU virt's addresses, guest code below):
 *   irqfd    from the write of an irqfd (default routing: GSI 8, the edge
 *            SPI INTID 40) to KVM_RUN returning with the MMIO store the
 *            guest's IRQ handler makes after it acknowledged and EOIed the
 *            SPI; the vCPU sleeps in WFI when the eventfd is written
 *   ioeventfd one doorbell round trip: the guest stores to an ioeventfd
 *            (datamatch), a host thread blocked in read() on it writes an
 *            irqfd back, the guest takes that SPI and rings again; the
 *            guest rings n times within one KVM_RUN
 *   ipi      one SGI round trip between two vCPUs: vCPU 0 sends SGI 1
 *            (ICC_SGI1R_EL1) to vCPU 1 sleeping in WFI, whose handler
 *            acknowledges, EOIs and sends SGI 1 back; vCPU 0 waits in WFI
 *            for it; n round trips within one KVM_RUN of vCPU 0
 *
 * The loops (mmio, psci, wfi, irqfd, ioeventfd, ipi) run in BATCHES
 * batches; "NOISE <label> <key> <min> <max>" gives the cheapest and dearest
 * batch (per iteration), or for create the cheapest and dearest round. Each
 * row starts with a "# <label>: <key>" progress line on stderr and must end
 * within ROW_TIMEOUT seconds, or the program names the row and fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <signal.h>
#include <unistd.h>

#include "guest_code.h"

#define RAM_GPA		0x40000000ULL
#define MMIO_GPA	0x10000000ULL
#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(x))
#define REG_X(n)	CORE_REG(regs.regs[n])
#define REG_VBAR	ARM64_SYS_REG(3, 0, 12, 0, 0)
#define MAX_VCPUS	2

/* A store to MMIO x22, again and again. */
GUEST(g_mmio, "1: str x20, [x22]\n b 1b\n");
/* x21 times PSCI_VERSION, then a store to MMIO x22. */
GUEST(g_psci, "1: movz w0, #0\n movk w0, #0x8400, lsl #16\n hvc #0\n"
	      "sub x21, x21, #1\n cbnz x21, 1b\n str x20, [x22]\n b .\n");
/* Interrupts masked: WFI, then a store to MMIO x22, again and again. */
GUEST(g_wfi, "1: wfi\n str x20, [x22]\n b 1b\n");
/* One store per page of x21 pages from x19, then a store to MMIO x22. */
GUEST(g_touch, "1: str x20, [x19]\n add x19, x19, #4096\n"
	       "sub x21, x21, #1\n cbnz x21, 1b\n str x20, [x22]\n b .\n");

/*
 * The vGIC guests (irqfd, ioeventfd, ipi): QEMU virt's distributor and
 * redistributors (GIC_SETUP has their addresses too), vCPU 1's code, the
 * vector table, a flag; MMIO reports.
 */
#define GIC_DIST_GPA	0x08000000ULL
#define GIC_REDIST_GPA	0x080a0000ULL
#define GIC_NR_IRQS	64
#define CODE1_GPA	(RAM_GPA + 0x1000)
#define VECTORS_GPA	(RAM_GPA + 0x2000)
#define FLAG_GPA	(RAM_GPA + 0x4000)
#define REPORT_GPA	(MMIO_GPA + 0x100)	/* the IRQ handler's store */
#define BAD_EXC_GPA	(MMIO_GPA + 0x8)	/* ESR_EL1 of any other exception */
#define DOORBELL_GPA	(MMIO_GPA + 0x1000)	/* the ioeventfd */
#define BENCH_GSI	8			/* default routing: SPI INTID 40 */
#define BENCH_INTID	(32 + BENCH_GSI)
#define BENCH_SGI	1
/* ICC_SGI1R_EL1: SGI 1 to the vCPU with Aff0 @aff0 (target list) */
#define SGI1R_TO(aff0)	((uint64_t)BENCH_SGI << 24 | 1U << (aff0))

/* GICv3 CPU interface registers, as the assembler spells them */
#define ICC_PMR_EL1	"s3_0_c4_c6_0"
#define ICC_SGI1R_EL1	"s3_0_c12_c11_5"
#define ICC_IAR1_EL1	"s3_0_c12_c12_0"
#define ICC_EOIR1_EL1	"s3_0_c12_c12_1"
#define ICC_SRE_EL1	"s3_0_c12_c12_5"
#define ICC_IGRPEN1_EL1	"s3_0_c12_c12_7"

/*
 * Guest GIC set-up (as selftests/include/kvmlite_gic.h's): the CPU
 * interface on (SRE, PMR 0xff, group 1), this vCPU's redistributor awake
 * (GICR_WAKER), SGI 1 in group 1 at priority 0xa0 and enabled, group 1 on
 * in the distributor (GICD_CTLR ARE_NS | EnableGrp1A). Clobbers x9, x10.
 */
#define GIC_SETUP							\
	"mrs x9, " ICC_SRE_EL1 "\n orr x9, x9, #1\n"			\
	"msr " ICC_SRE_EL1 ", x9\n isb\n"				\
	"mov x9, #0xff\n msr " ICC_PMR_EL1 ", x9\n"			\
	"mov x9, #1\n msr " ICC_IGRPEN1_EL1 ", x9\n isb\n"		\
	"mrs x9, mpidr_el1\n and x9, x9, #0xff\n"			\
	"movz x10, #0x080a, lsl #16\n add x10, x10, x9, lsl #17\n"	\
	"ldr w9, [x10, #0x14]\n bic w9, w9, #2\n str w9, [x10, #0x14]\n" \
	"90: ldr w9, [x10, #0x14]\n tbnz w9, #2, 90b\n"			\
	"add x10, x10, #0x10000\n"					\
	"ldr w9, [x10, #0x80]\n orr w9, w9, #2\n str w9, [x10, #0x80]\n" \
	"mov w9, #0xa000\n str w9, [x10, #0x400]\n"			\
	"mov w9, #2\n str w9, [x10, #0x100]\n"			\
	"movz x10, #0x0800, lsl #16\n mov w9, #0x12\n str w9, [x10]\n"

/* SPI INTID 40: group 1 (IGROUPR1), edge (ICFGR2), priority 0xa0, enabled. */
#define GIC_SPI_SETUP							\
	"movz x10, #0x0800, lsl #16\n"					\
	"ldr w9, [x10, #0x84]\n orr w9, w9, #0x100\n str w9, [x10, #0x84]\n" \
	"ldr w9, [x10, #0xc08]\n orr w9, w9, #0x20000\n"		\
	"str w9, [x10, #0xc08]\n"					\
	"mov w9, #0xa0\n str w9, [x10, #0x428]\n"			\
	"mov w9, #0x100\n str w9, [x10, #0x104]\n"

/*
 * With IRQs masked (as at reset): until the handler's count x24 reaches
 * x25, WFI and take what woke it with IRQs unmasked for a moment (an
 * interrupt that comes between the check and the WFI ends the WFI).
 */
#define GUEST_WAIT							\
	"80: cmp x24, x25\n b.hs 81f\n wfi\n"				\
	"msr daifclr, #2\n isb\n msr daifset, #2\n b 80b\n 81:\n"

#define BAD_VECTOR(off)	".org " #off "\n b 9f\n"

/*
 * The vector table (at VECTORS_GPA, VBAR_EL1): the IRQ handler (current EL,
 * SPx) acknowledges (ICC_IAR1_EL1), EOIs (ICC_EOIR1_EL1, EOImode 0), counts
 * in x24, sends the SGI x26 if it is not 0, stores the INTID to x27 if it
 * is not 0. Any other exception stores ESR_EL1 to x22 + 8, forever. It
 * clobbers x0 and x1.
 */
GUEST(g_vectors, BAD_VECTOR(0x000) BAD_VECTOR(0x080) BAD_VECTOR(0x100)
	BAD_VECTOR(0x180) BAD_VECTOR(0x200) ".org 0x280\n b 8f\n"
	BAD_VECTOR(0x300) BAD_VECTOR(0x380)
	BAD_VECTOR(0x400) BAD_VECTOR(0x480) BAD_VECTOR(0x500) BAD_VECTOR(0x580)
	BAD_VECTOR(0x600) BAD_VECTOR(0x680) BAD_VECTOR(0x700) BAD_VECTOR(0x780)
	".org 0x800\n"
	"8: mrs x0, " ICC_IAR1_EL1 "\n and x1, x0, #0xffffff\n"
	"cmp x1, #1020\n b.hs 2f\n"
	"msr " ICC_EOIR1_EL1 ", x0\n isb\n add x24, x24, #1\n"
	"cbz x26, 1f\n msr " ICC_SGI1R_EL1 ", x26\n isb\n"
	"1: cbz x27, 2f\n str w1, [x27]\n"
	"2: eret\n"
	"9: mrs x0, esr_el1\n str x0, [x22, #8]\n b 9b\n");

/* SPI ready, one store to x22, then WFI (the handler reports to x27). */
GUEST(g_irqfd, GIC_SETUP GIC_SPI_SETUP
	"str x20, [x22]\n 1: wfi\n msr daifclr, #2\n isb\n"
	"msr daifset, #2\n b 1b\n");
/*
 * SPI ready, one store to x22; then x21 times: ring the doorbell (store w20
 * to x23), wait for the SPI; then a store to x22; again and again.
 */
GUEST(g_doorbell, GIC_SETUP GIC_SPI_SETUP
	"str x20, [x22]\n"
	"1: mov x19, x21\n"
	"2: add x25, x24, #1\n str w20, [x23]\n" GUEST_WAIT
	"sub x19, x19, #1\n cbnz x19, 2b\n str x20, [x22]\n b 1b\n");
/*
 * vCPU 0: once vCPU 1 set the flag at x28, a store to x22; then x21 times:
 * send the SGI x23 to vCPU 1, wait for its answer; then a store to x22;
 * again and again.
 */
GUEST(g_ipi0, GIC_SETUP
	"1: ldr x9, [x28]\n cbz x9, 1b\n str x20, [x22]\n"
	"3: mov x19, x21\n"
	"2: add x25, x24, #1\n msr " ICC_SGI1R_EL1 ", x23\n isb\n" GUEST_WAIT
	"sub x19, x19, #1\n cbnz x19, 2b\n str x20, [x22]\n b 3b\n");
/* vCPU 1: set the flag at x28, then WFI; its handler answers (x26). */
GUEST(g_ipi1, GIC_SETUP
	"mov x9, #1\n str x9, [x28]\n"
	"1: wfi\n msr daifclr, #2\n isb\n msr daifset, #2\n b 1b\n");

#define BENCH_PROG	"kvmlite-bench"
#define ROW_TIMEOUT	240
#define BENCH_NS(t)	ns(t)

static uint64_t freq;

static uint64_t ticks(void)
{
	uint64_t v;

	__asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r" (v) : : "memory");
	return v;
}

/* Ticks of the virtual counter in ns. */
static double ns(uint64_t t)
{
	return (double)t * 1e9 / freq;
}

#include "bench_common.h"

/*
 * Pin the calling thread to @cpu (best effort: a one-CPU machine keeps its
 * CPU). Unpinned, the WFI row moved between runs (kvmlite 670k then 535k
 * ns, KVM 667k then 769k), with where the scheduler put the two threads.
 */
static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void die(const char *what)
{
	fprintf(stderr, "kvmlite-bench: %s: %s: %s\n", dev, what, strerror(errno));
	exit(1);
}

struct vm {
	int sys, fd, gic, nr;
	int vcpu[MAX_VCPUS];
	struct kvm_run *run[MAX_VCPUS];
	long run_size;
	void *ram;
	size_t ram_size;
};

static void set_reg_on(struct vm *v, int i, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	if (ioctl(v->vcpu[i], KVM_SET_ONE_REG, &reg))
		die("KVM_SET_ONE_REG");
}

static void set_reg(struct vm *v, uint64_t id, uint64_t val)
{
	set_reg_on(v, 0, id, val);
}

/* One more vCPU (id v->nr), initialised, with its kvm_run if @map. */
static int vm_add_vcpu(struct vm *v, int map)
{
	struct kvm_vcpu_init init;
	int i = v->nr;

	v->vcpu[i] = ioctl(v->fd, KVM_CREATE_VCPU, i);
	if (v->vcpu[i] < 0)
		die("KVM_CREATE_VCPU");
	v->nr++;
	memset(&init, 0, sizeof(init));
	if (ioctl(v->fd, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET");
	init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(v->vcpu[i], KVM_ARM_VCPU_INIT, &init))
		die("KVM_ARM_VCPU_INIT");
	if (!map)
		return i;
	v->run_size = ioctl(v->sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	v->run[i] = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 v->vcpu[i], 0);
	if (v->run[i] == MAP_FAILED)
		die("mmap kvm_run");
	set_reg_on(v, i, REG_X(22), MMIO_GPA);
	return i;
}

/* A VM with @ram_size bytes at RAM_GPA and one vCPU at @code, or idle. */
static void vm_create(struct vm *v, int sys, size_t ram_size,
		      const unsigned char *code, const unsigned char *end)
{
	struct kvm_userspace_memory_region mem;

	memset(v, 0, sizeof(*v));
	v->sys = sys;
	v->gic = -1;
	v->fd = ioctl(sys, KVM_CREATE_VM, 0);
	if (v->fd < 0)
		die("KVM_CREATE_VM");
	if (ram_size) {
		v->ram_size = ram_size;
		v->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (v->ram == MAP_FAILED)
			die("mmap");
		mem = (struct kvm_userspace_memory_region) {
			.slot = 0, .guest_phys_addr = RAM_GPA,
			.memory_size = ram_size, .userspace_addr = (uintptr_t)v->ram,
		};
		if (ioctl(v->fd, KVM_SET_USER_MEMORY_REGION, &mem))
			die("KVM_SET_USER_MEMORY_REGION");
	}
	vm_add_vcpu(v, !!code);
	if (!code)
		return;
	memcpy(v->ram, code, end - code);
	set_reg(v, CORE_REG(regs.pc), RAM_GPA);
}

static void vm_destroy(struct vm *v)
{
	int i;

	for (i = 0; i < v->nr; i++) {
		if (v->run[i])
			munmap(v->run[i], v->run_size);
		close(v->vcpu[i]);
	}
	if (v->gic >= 0)
		close(v->gic);
	close(v->fd);
	if (v->ram)
		munmap(v->ram, v->ram_size);
}

static void run_to_mmio(struct vm *v)
{
	if (ioctl(v->vcpu[0], KVM_RUN, 0))
		die("KVM_RUN");
	if (v->run[0]->exit_reason != KVM_EXIT_MMIO) {
		errno = EPROTO;
		fprintf(stderr, "exit reason %u\n", v->run[0]->exit_reason);
		die("KVM_RUN exit");
	}
}

/* Why vCPU @i's exit is not the store to @gpa the row waits for. */
static void bad_exit(struct vm *v, int i, uint64_t gpa)
{
	struct kvm_run *r = v->run[i];
	uint64_t data = 0;

	errno = EPROTO;
	if (r->exit_reason != KVM_EXIT_MMIO) {
		fprintf(stderr, "vCPU %d: exit reason %u\n", i, r->exit_reason);
		die("KVM_RUN exit");
	}
	memcpy(&data, r->mmio.data, r->mmio.len <= 8 ? r->mmio.len : 8);
	if (r->mmio.phys_addr == BAD_EXC_GPA)
		fprintf(stderr, "vCPU %d: guest exception, ESR_EL1 %#llx\n", i,
			(unsigned long long)data);
	else
		fprintf(stderr, "vCPU %d: MMIO at %#llx (data %#llx), not %#llx\n",
			i, (unsigned long long)r->mmio.phys_addr,
			(unsigned long long)data, (unsigned long long)gpa);
	die("KVM_RUN exit");
}

/* Run vCPU @i to its next exit, which must be a store to @gpa. */
static void run_to(struct vm *v, int i, uint64_t gpa)
{
	if (ioctl(v->vcpu[i], KVM_RUN, 0))
		die("KVM_RUN");
	if (v->run[i]->exit_reason != KVM_EXIT_MMIO ||
	    v->run[i]->mmio.phys_addr != gpa || !v->run[i]->mmio.is_write)
		bad_exit(v, i, gpa);
}

/*
 * Finish the pending MMIO exit without running the guest (immediate_exit):
 * KVM completes an MMIO access, advancing the PC past the instruction, on
 * the next KVM_RUN, so registers written before that would be overwritten
 * or skipped (Documentation/virt/kvm/api.rst, KVM_RUN: the state is
 * consistent only after userspace re-enters the kernel).
 */
static void complete_exit(struct vm *v)
{
	v->run[0]->immediate_exit = 1;
	if (ioctl(v->vcpu[0], KVM_RUN, 0) != -1 || errno != EINTR)
		die("KVM_RUN with immediate_exit");
	v->run[0]->immediate_exit = 0;
}

static void bench_mmio(int sys, int n)
{
	uint64_t t[BATCHES];
	struct vm v;
	int b, i;

	start_row("mmio");
	vm_create(&v, sys, 1 << 20, g_mmio, g_mmio_end);
	run_to_mmio(&v);	/* warm: the code page is mapped */
	for (b = 0; b < BATCHES; b++) {
		t[b] = ticks();
		for (i = 0; i < n / BATCHES; i++)
			run_to_mmio(&v);
		t[b] = ticks() - t[b];
	}
	report("mmio", t, n);
	vm_destroy(&v);
}

static void bench_psci(int sys, int n)
{
	uint64_t t[BATCHES];
	struct vm v;
	int b;

	start_row("psci");
	vm_create(&v, sys, 1 << 20, g_psci, g_psci_end);
	set_reg(&v, CORE_REG(regs.regs[21]), 10);
	run_to_mmio(&v);	/* warm */
	for (b = 0; b < BATCHES; b++) {
		/*
		 * Restart the loop at its first instruction. Without the
		 * completion KVM would skip it (the pending MMIO's PC step),
		 * leaving w0 = 0x8400_0000 | PSCI version: 0x84000001 is
		 * CPU_SUSPEND, which KVM emulates as WFI; no interrupt ever
		 * comes, so the row hung.
		 */
		complete_exit(&v);
		set_reg(&v, CORE_REG(regs.pc), RAM_GPA);
		set_reg(&v, CORE_REG(regs.regs[21]), n / BATCHES);
		t[b] = ticks();
		run_to_mmio(&v);
		t[b] = ticks() - t[b];
	}
	report("psci", t, n);
	vm_destroy(&v);
}

struct wfi_ctx {
	struct vm *v;
	int efd, n;
};

static int irq_line(struct vm *v, int level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT) |
		       (KVM_ARM_IRQ_CPU_IRQ << KVM_ARM_IRQ_NUM_SHIFT),
		.level = level,
	};

	return ioctl(v->fd, KVM_IRQ_LINE, &irq);
}

static void *wfi_vcpu(void *arg)
{
	struct wfi_ctx *c = arg;
	uint64_t one = 1;
	int i;

	pin(1);
	for (i = 0; i < c->n; i++) {
		run_to_mmio(c->v);
		if (irq_line(c->v, 0))
			die("KVM_IRQ_LINE");
		if (write(c->efd, &one, 8) != 8)
			die("eventfd");
	}
	return NULL;
}

static void bench_wfi(int sys, int n)
{
	int b, i, per = n / BATCHES;
	uint64_t t[BATCHES], val;
	struct wfi_ctx c;
	pthread_t thr;
	struct vm v;

	start_row("wfi");
	vm_create(&v, sys, 1 << 20, g_wfi, g_wfi_end);
	c = (struct wfi_ctx) { .v = &v, .efd = eventfd(0, 0), .n = per * BATCHES + 1 };
	if (c.efd < 0)
		die("eventfd");
	/* The raiser on CPU 0, the vCPU thread on CPU 1: a cross-CPU wake-up. */
	pin(0);
	pthread_create(&thr, NULL, wfi_vcpu, &c);
	/* The first one warms up (and lets the vCPU thread reach WFI). */
	for (b = -1; b < BATCHES; b++) {
		if (b >= 0)
			t[b] = ticks();
		for (i = 0; i < (b < 0 ? 1 : per); i++) {
			usleep(b < 0 ? 100000 : 0);
			if (irq_line(&v, 1))
				die("KVM_IRQ_LINE");
			if (read(c.efd, &val, 8) != 8)
				die("eventfd");
		}
		if (b >= 0)
			t[b] = ticks() - t[b];
	}
	report("wfi", t, n);
	pthread_join(thr, NULL);
	pin(1);
	close(c.efd);
	vm_destroy(&v);
}

static void gic_attr(struct vm *v, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (uintptr_t)val,
	};

	if (ioctl(v->gic, KVM_SET_DEVICE_ATTR, &a))
		die("vGICv3 KVM_SET_DEVICE_ATTR");
}

/*
 * A VM with a vGICv3 and @nr vCPUs: vCPU 0 at @code (RAM_GPA), vCPU 1 at
 * @code1 (CODE1_GPA); the vector table; x24 (the handler's count), x26
 * and x27 (its SGI and report, none) 0.
 */
static void gic_vm(struct vm *v, int sys, int nr, const unsigned char *code,
		   const unsigned char *end, const unsigned char *code1,
		   const unsigned char *end1)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t addr;
	uint32_t nr_irqs = GIC_NR_IRQS;
	int i;

	vm_create(v, sys, 1 << 20, code, end);
	if (nr > 1) {
		vm_add_vcpu(v, 1);
		memcpy((char *)v->ram + (CODE1_GPA - RAM_GPA), code1, end1 - code1);
		set_reg_on(v, 1, CORE_REG(regs.pc), CODE1_GPA);
	}
	memcpy((char *)v->ram + (VECTORS_GPA - RAM_GPA), g_vectors,
	       g_vectors_end - g_vectors);
	for (i = 0; i < v->nr; i++) {
		set_reg_on(v, i, REG_VBAR, VECTORS_GPA);
		set_reg_on(v, i, REG_X(24), 0);
		set_reg_on(v, i, REG_X(26), 0);
		set_reg_on(v, i, REG_X(27), 0);
		set_reg_on(v, i, REG_X(28), FLAG_GPA);
	}
	if (ioctl(v->fd, KVM_CREATE_DEVICE, &cd))
		die("KVM_CREATE_DEVICE vGICv3");
	v->gic = cd.fd;
	addr = GIC_DIST_GPA;
	gic_attr(v, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &addr);
	addr = GIC_REDIST_GPA;
	gic_attr(v, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &addr);
	gic_attr(v, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);
	gic_attr(v, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
}

static void irqfd_assign(struct vm *v, int efd)
{
	struct kvm_irqfd irqfd = { .fd = efd, .gsi = BENCH_GSI };

	if (ioctl(v->fd, KVM_IRQFD, &irqfd))
		die("KVM_IRQFD");
}

static void efd_signal(int efd)
{
	uint64_t one = 1;

	if (write(efd, &one, 8) != 8)
		die("eventfd write");
}

static uint64_t efd_wait(int efd)
{
	uint64_t val;

	if (read(efd, &val, 8) != 8)
		die("eventfd read");
	return val;
}

/* The state letter of our thread @tid (/proc/self/task/TID/stat), or 0. */
static char thread_state(pid_t tid)
{
	char path[64], buf[256], *p;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/*
 * irqfd: the vCPU thread (CPU 1) runs KVM_RUN in a loop and stamps each
 * return with the report exit (@t1); the writer (the main thread, CPU 0)
 * waits until that thread sleeps in the kernel (state S: the guest's WFI;
 * the thread sleeps nowhere else between two KVM_RUNs), stamps @t0 and
 * writes the eventfd. A design where the writer writes right after the
 * previous exit would race the vCPU's re-entry (the SPI pending before the
 * WFI, or caught by KVM's halt polling) and time a mix of paths; this one
 * times the wake-up of a sleeping vCPU through the irqfd, each time, and
 * leaves the re-entry and the /proc polling out of the time.
 */
struct irqfd_ctx {
	struct vm *v;
	int done, n;
	pid_t tid;
	uint64_t t1;
};

static void *irqfd_vcpu(void *arg)
{
	struct irqfd_ctx *c = arg;
	uint32_t intid;
	int i;

	pin(1);
	__atomic_store_n(&c->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	for (i = 0; i < c->n; i++) {
		run_to(c->v, 0, REPORT_GPA);
		__atomic_store_n(&c->t1, ticks(), __ATOMIC_SEQ_CST);
		memcpy(&intid, c->v->run[0]->mmio.data, sizeof(intid));
		if (intid != BENCH_INTID) {
			errno = EPROTO;
			die("irqfd: the handler reported another INTID");
		}
		efd_signal(c->done);
	}
	return NULL;
}

static void bench_irqfd(int sys, int n)
{
	int b, i, efd, per = n / BATCHES;
	uint64_t t[BATCHES], t0;
	struct irqfd_ctx c;
	pthread_t thr;
	struct vm v;

	start_row("irqfd");
	gic_vm(&v, sys, 1, g_irqfd, g_irqfd_end, NULL, NULL);
	set_reg(&v, REG_X(27), REPORT_GPA);
	efd = eventfd(0, EFD_CLOEXEC);
	c = (struct irqfd_ctx) { .v = &v, .done = eventfd(0, EFD_CLOEXEC),
				 .n = per * BATCHES + 1 };
	if (efd < 0 || c.done < 0)
		die("eventfd");
	irqfd_assign(&v, efd);
	run_to(&v, 0, MMIO_GPA);	/* the guest's GIC is set up */
	pin(0);
	pthread_create(&thr, NULL, irqfd_vcpu, &c);
	/* The first one warms up. */
	for (b = -1; b < BATCHES; b++) {
		if (b >= 0)
			t[b] = 0;
		for (i = 0; i < (b < 0 ? 1 : per); i++) {
			while (!__atomic_load_n(&c.tid, __ATOMIC_SEQ_CST) ||
			       thread_state(c.tid) != 'S')
				usleep(20);
			t0 = ticks();
			efd_signal(efd);
			efd_wait(c.done);
			if (b >= 0)
				t[b] += __atomic_load_n(&c.t1, __ATOMIC_SEQ_CST) - t0;
		}
	}
	report("irqfd", t, n);
	pthread_join(thr, NULL);
	pin(1);
	close(c.done);
	vm_destroy(&v);
	close(efd);
}

/*
 * ioeventfd: a doorbell worker (CPU 0) blocked in read() on the ioeventfd
 * the guest rings writes an irqfd back; the vCPU (the main thread, CPU 1)
 * takes that SPI and rings again, per round trips within one KVM_RUN (one
 * return to userspace per batch, included: about 1/per of an MMIO row).
 */
struct doorbell_ctx {
	int ioefd, irqefd, stop;
};

static void *doorbell_worker(void *arg)
{
	struct doorbell_ctx *c = arg;

	pin(0);
	for (;;) {
		efd_wait(c->ioefd);
		if (__atomic_load_n(&c->stop, __ATOMIC_SEQ_CST))
			return NULL;
		efd_signal(c->irqefd);
	}
}

static void bench_ioeventfd(int sys, int n)
{
	struct doorbell_ctx c = { .stop = 0 };
	struct kvm_ioeventfd io;
	int b, per = n / BATCHES;
	uint64_t t[BATCHES], t0;
	pthread_t thr;
	struct vm v;

	start_row("ioeventfd");
	gic_vm(&v, sys, 1, g_doorbell, g_doorbell_end, NULL, NULL);
	set_reg(&v, REG_X(20), 1);
	set_reg(&v, REG_X(21), per);
	set_reg(&v, REG_X(23), DOORBELL_GPA);
	c.ioefd = eventfd(0, EFD_CLOEXEC);
	c.irqefd = eventfd(0, EFD_CLOEXEC);
	if (c.ioefd < 0 || c.irqefd < 0)
		die("eventfd");
	io = (struct kvm_ioeventfd) {
		.datamatch = 1, .addr = DOORBELL_GPA, .len = 4, .fd = c.ioefd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};
	if (ioctl(v.fd, KVM_IOEVENTFD, &io))
		die("KVM_IOEVENTFD");
	irqfd_assign(&v, c.irqefd);
	run_to(&v, 0, MMIO_GPA);	/* the guest's GIC is set up */
	pthread_create(&thr, NULL, doorbell_worker, &c);
	/* A first batch warms up. */
	for (b = -1; b < BATCHES; b++) {
		t0 = ticks();
		run_to(&v, 0, MMIO_GPA);
		if (b >= 0)
			t[b] = ticks() - t0;
	}
	report("ioeventfd", t, n);
	__atomic_store_n(&c.stop, 1, __ATOMIC_SEQ_CST);
	efd_signal(c.ioefd);
	pthread_join(thr, NULL);
	vm_destroy(&v);
	close(c.ioefd);
	close(c.irqefd);
}

/*
 * ipi: vCPU 1 on its own thread (CPU 0) in one KVM_RUN until stopped (a
 * signal with immediate_exit); vCPU 0 on the main thread (CPU 1), per
 * round trips within each KVM_RUN, timed from the host (one return to
 * userspace per batch included).
 */
struct ipi_ctx {
	struct vm *v;
	int stop;
};

static void on_kick(int sig)
{
	(void)sig;
}

static void *ipi_vcpu1(void *arg)
{
	struct ipi_ctx *c = arg;

	pin(0);
	while (ioctl(c->v->vcpu[1], KVM_RUN, 0)) {
		if (errno != EINTR)
			die("KVM_RUN of vCPU 1");
		if (__atomic_load_n(&c->stop, __ATOMIC_SEQ_CST))
			return NULL;
	}
	bad_exit(c->v, 1, 0);
	return NULL;
}

static void bench_ipi(int sys, int n)
{
	struct sigaction sa = { .sa_handler = on_kick };
	int b, per = n / BATCHES;
	uint64_t t[BATCHES], t0;
	struct ipi_ctx c;
	pthread_t thr;
	struct vm v;

	start_row("ipi");
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: KVM_RUN returns */
	gic_vm(&v, sys, 2, g_ipi0, g_ipi0_end, g_ipi1, g_ipi1_end);
	set_reg(&v, REG_X(21), per);
	set_reg(&v, REG_X(23), SGI1R_TO(1));
	set_reg_on(&v, 1, REG_X(26), SGI1R_TO(0));
	c = (struct ipi_ctx) { .v = &v };
	pthread_create(&thr, NULL, ipi_vcpu1, &c);
	run_to(&v, 0, MMIO_GPA);	/* both GICs set up, vCPU 1 in WFI */
	/* A first batch warms up. */
	for (b = -1; b < BATCHES; b++) {
		t0 = ticks();
		run_to(&v, 0, MMIO_GPA);
		if (b >= 0)
			t[b] = ticks() - t0;
	}
	report("ipi", t, n);
	__atomic_store_n(&c.stop, 1, __ATOMIC_SEQ_CST);
	v.run[1]->immediate_exit = 1;
	pthread_kill(thr, SIGUSR1);
	pthread_join(thr, NULL);
	vm_destroy(&v);
}

/* The best of @rounds (--div lowers them to 1). */
static void bench_create(int sys, int rounds)
{
	uint64_t t0, best = ~0ULL, worst = 0;
	struct vm v;
	int i;

	start_row("create");
	for (i = 0; i < rounds; i++) {
		t0 = ticks();
		vm_create(&v, sys, 1ULL << 30, g_touch, g_touch_end);
		set_reg(&v, CORE_REG(regs.regs[19]), RAM_GPA + (1 << 20));
		set_reg(&v, CORE_REG(regs.regs[21]), (64 << 20) / 4096);
		run_to_mmio(&v);
		t0 = ticks() - t0;
		if (t0 < best)
			best = t0;
		if (t0 > worst)
			worst = t0;
		vm_destroy(&v);
	}
	printf("BENCH %s create %.0f ns\n", label, ns(best));
	printf("NOISE %s create %.0f %.0f\n", label, ns(best), ns(worst));
}

static long meminfo_kb(const char *key)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			v = strtol(line + strlen(key) + 1, NULL, 10);
	fclose(f);
	return v;
}

static void bench_memory(int sys, int n)
{
	struct vm *vms = calloc(n, sizeof(*vms));
	long free0, free1, slab0, slab1;
	int i;

	start_row("memory");
	sync();
	free0 = meminfo_kb("MemFree");
	slab0 = meminfo_kb("Slab");
	for (i = 0; i < n; i++)
		vm_create(&vms[i], sys, 0, NULL, NULL);
	free1 = meminfo_kb("MemFree");
	slab1 = meminfo_kb("Slab");
	printf("BENCH %s memory %.1f KiB\n", label, (double)(free0 - free1) / n);
	printf("BENCH %s memory-slab %.1f KiB\n", label, (double)(slab1 - slab0) / n);
	for (i = 0; i < n; i++)
		vm_destroy(&vms[i]);
	free(vms);
}

/* At least one iteration per batch. */
static int max_div(int n, int div)
{
	return n / div > 0 ? n / div : 1;
}

int main(int argc, char **argv)
{
	int sys, div = bench_args(argc, argv);

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r" (freq));
	sys = open(dev, O_RDWR | O_CLOEXEC);
	if (sys < 0)
		die("open");
	pin(1);
	/*
	 * Counts for QEMU -icount on the KASAN/lockdep test kernel: the
	 * loops cost about a second of guest time each at most (the vGIC
	 * rows together add about 35 s to make bench); creating a VM and
	 * touching 64 MiB costs about 3 s of guest time per round.
	 */
	if (want("mmio"))
		bench_mmio(sys, loops(1000, div));
	if (want("psci"))
		bench_psci(sys, loops(10000, div));
	if (want("wfi"))
		bench_wfi(sys, loops(500, div));
	if (want("irqfd"))
		bench_irqfd(sys, loops(1000, div));
	if (want("ioeventfd"))
		bench_ioeventfd(sys, loops(1000, div));
	if (want("ipi"))
		bench_ipi(sys, loops(1000, div));
	if (want("create"))
		bench_create(sys, max_div(3, div));
	if (want("memory"))
		bench_memory(sys, 100);
	alarm(0);
	close(sys);
	return 0;
}
