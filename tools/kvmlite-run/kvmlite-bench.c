// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite-bench: the costs `make bench` compares between a KVM-ABI device
 * (--dev, default /dev/kvmlite) and another (usually the in-kernel KVM's
 * /dev/kvm), measured with the virtual counter (CNTVCT_EL0). Under QEMU
 * -icount the counter follows the number of instructions the emulated CPUs
 * execute, so the numbers are deterministic enough to compare.
 *
 *   kvmlite-bench [--dev PATH] [--label NAME] [--div N]
 *
 * Each result is one line: "BENCH <label> <key> <value> <unit>"; --div
 * divides the iteration counts (a quicker, noisier run).
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
 *
 * The loops (mmio, psci, wfi) run in BATCHES batches; "NOISE <label> <key>
 * <min> <max>" gives the cheapest and dearest batch (per iteration), or for
 * create the cheapest and dearest round. Each
 * row starts with a "# <label>: <key>" progress line on stderr and must end
 * within ROW_TIMEOUT seconds, or the program names the row and fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <signal.h>
#include <unistd.h>

#include "guest_code.h"

#define RAM_GPA		0x40000000ULL
#define MMIO_GPA	0x10000000ULL
#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(x))

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

#define BATCHES		5
#define ROW_TIMEOUT	240

static const char *dev = "/dev/kvmlite";
static const char *row = "";
static const char *label = "";
static uint64_t freq;

static uint64_t ticks(void)
{
	uint64_t v;

	__asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r" (v) : : "memory");
	return v;
}

static double ns(uint64_t t)
{
	return (double)t * 1e9 / freq;
}

static void on_alarm(int sig)
{
	static const char msg[] = "kvmlite-bench: a row did not finish in time\n";

	(void)sig;
	/* Only async-signal-safe calls here. */
	if (write(2, msg, sizeof(msg) - 1) < 0 || write(2, row, strlen(row)) < 0)
		_exit(2);
	_exit(2);
}

static void start_row(const char *key)
{
	row = key;
	fprintf(stderr, "# %s: %s\n", label, key);
	alarm(ROW_TIMEOUT);
}

/* Per-iteration cost of each batch in @t[BATCHES] (ticks), @n iterations. */
static void report(const char *key, const uint64_t *t, int n)
{
	uint64_t sum = 0, lo = ~0ULL, hi = 0;
	int b, per = n / BATCHES;

	for (b = 0; b < BATCHES; b++) {
		sum += t[b];
		lo = t[b] < lo ? t[b] : lo;
		hi = t[b] > hi ? t[b] : hi;
	}
	printf("BENCH %s %s %.0f ns\n", label, key, ns(sum) / (per * BATCHES));
	printf("NOISE %s %s %.0f %.0f\n", label, key, ns(lo) / per, ns(hi) / per);
}

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
	int sys, fd, vcpu;
	struct kvm_run *run;
	long run_size;
	void *ram;
	size_t ram_size;
};

static void set_reg(struct vm *v, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	if (ioctl(v->vcpu, KVM_SET_ONE_REG, &reg))
		die("KVM_SET_ONE_REG");
}

/* A VM with @ram_size bytes at RAM_GPA and one vCPU at @code, or idle. */
static void vm_create(struct vm *v, int sys, size_t ram_size,
		      const unsigned char *code, const unsigned char *end)
{
	struct kvm_userspace_memory_region mem;
	struct kvm_vcpu_init init;

	memset(v, 0, sizeof(*v));
	v->sys = sys;
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
	v->vcpu = ioctl(v->fd, KVM_CREATE_VCPU, 0);
	if (v->vcpu < 0)
		die("KVM_CREATE_VCPU");
	memset(&init, 0, sizeof(init));
	if (ioctl(v->fd, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET");
	init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(v->vcpu, KVM_ARM_VCPU_INIT, &init))
		die("KVM_ARM_VCPU_INIT");
	if (!code)
		return;
	v->run_size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu, 0);
	if (v->run == MAP_FAILED)
		die("mmap kvm_run");
	memcpy(v->ram, code, end - code);
	set_reg(v, CORE_REG(regs.pc), RAM_GPA);
	set_reg(v, CORE_REG(regs.regs[22]), MMIO_GPA);
}

static void vm_destroy(struct vm *v)
{
	if (v->run)
		munmap(v->run, v->run_size);
	close(v->vcpu);
	close(v->fd);
	if (v->ram)
		munmap(v->ram, v->ram_size);
}

static void run_to_mmio(struct vm *v)
{
	if (ioctl(v->vcpu, KVM_RUN, 0))
		die("KVM_RUN");
	if (v->run->exit_reason != KVM_EXIT_MMIO) {
		errno = EPROTO;
		fprintf(stderr, "exit reason %u\n", v->run->exit_reason);
		die("KVM_RUN exit");
	}
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
	v->run->immediate_exit = 1;
	if (ioctl(v->vcpu, KVM_RUN, 0) != -1 || errno != EINTR)
		die("KVM_RUN with immediate_exit");
	v->run->immediate_exit = 0;
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

/* A loop's iterations: a whole number of batches, at least one each. */
static int loops(int n, int div)
{
	n = max_div(n, div);
	return n > BATCHES ? n / BATCHES * BATCHES : BATCHES;
}

int main(int argc, char **argv)
{
	int sys;

	int i, div = 1;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--dev"))
			dev = argv[i + 1];
		else if (!strcmp(argv[i], "--label"))
			label = argv[i + 1];
		else if (!strcmp(argv[i], "--div"))
			div = atoi(argv[i + 1]) > 0 ? atoi(argv[i + 1]) : 1;
	}
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r" (freq));
	sys = open(dev, O_RDWR | O_CLOEXEC);
	if (sys < 0)
		die("open");
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, on_alarm);
	pin(1);
	/*
	 * Counts for QEMU -icount on the KASAN/lockdep test kernel: the
	 * loops cost well under a second of guest time each; creating a VM
	 * and touching 64 MiB costs about 3 s of guest time per round.
	 */
	bench_mmio(sys, loops(1000, div));
	bench_psci(sys, loops(10000, div));
	bench_wfi(sys, loops(500, div));
	bench_create(sys, max_div(3, div));
	bench_memory(sys, 100);
	alarm(0);
	close(sys);
	return 0;
}
