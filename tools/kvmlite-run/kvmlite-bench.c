// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite-bench: the costs `make bench` compares between a KVM-ABI device
 * (--dev, default /dev/kvmlite) and another (usually the in-kernel KVM's
 * /dev/kvm), measured with the virtual counter (CNTVCT_EL0). Under QEMU
 * -icount the counter follows the number of instructions the emulated CPUs
 * execute, so the numbers are deterministic enough to compare.
 *
 * Each result is one line: "BENCH <key> <value> <unit>".
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
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
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

static const char *dev = "/dev/kvmlite";
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

static void bench_mmio(int sys, int n)
{
	struct vm v;
	uint64_t t0;
	int i;

	vm_create(&v, sys, 1 << 20, g_mmio, g_mmio_end);
	run_to_mmio(&v);	/* warm: the code page is mapped */
	t0 = ticks();
	for (i = 0; i < n; i++)
		run_to_mmio(&v);
	printf("BENCH mmio %.0f ns\n", ns(ticks() - t0) / n);
	vm_destroy(&v);
}

static void bench_psci(int sys, int n)
{
	struct vm v;
	uint64_t t0;

	vm_create(&v, sys, 1 << 20, g_psci, g_psci_end);
	set_reg(&v, CORE_REG(regs.regs[21]), 10);
	run_to_mmio(&v);	/* warm */
	set_reg(&v, CORE_REG(regs.pc), RAM_GPA);
	set_reg(&v, CORE_REG(regs.regs[21]), n);
	t0 = ticks();
	run_to_mmio(&v);
	printf("BENCH psci %.0f ns\n", ns(ticks() - t0) / n);
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
	struct wfi_ctx c;
	pthread_t t;
	struct vm v;
	uint64_t t0, val;
	int i;

	vm_create(&v, sys, 1 << 20, g_wfi, g_wfi_end);
	c = (struct wfi_ctx) { .v = &v, .efd = eventfd(0, 0), .n = n + 1 };
	if (c.efd < 0)
		die("eventfd");
	pthread_create(&t, NULL, wfi_vcpu, &c);
	t0 = 0;
	for (i = 0; i <= n; i++) {
		if (i == 1)	/* the first one warms up */
			t0 = ticks();
		usleep(i ? 0 : 100000);
		if (irq_line(&v, 1))
			die("KVM_IRQ_LINE");
		if (read(c.efd, &val, 8) != 8)
			die("eventfd");
	}
	printf("BENCH wfi %.0f ns\n", ns(ticks() - t0) / n);
	pthread_join(t, NULL);
	close(c.efd);
	vm_destroy(&v);
}

static void bench_create(int sys, int rounds)
{
	uint64_t t0, best = ~0ULL;
	struct vm v;
	int i;

	for (i = 0; i < rounds; i++) {
		t0 = ticks();
		vm_create(&v, sys, 1ULL << 30, g_touch, g_touch_end);
		set_reg(&v, CORE_REG(regs.regs[19]), RAM_GPA + (1 << 20));
		set_reg(&v, CORE_REG(regs.regs[21]), (64 << 20) / 4096);
		run_to_mmio(&v);
		t0 = ticks() - t0;
		if (t0 < best)
			best = t0;
		vm_destroy(&v);
	}
	printf("BENCH create %.0f ns\n", ns(best));
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

	sync();
	free0 = meminfo_kb("MemFree");
	slab0 = meminfo_kb("Slab");
	for (i = 0; i < n; i++)
		vm_create(&vms[i], sys, 0, NULL, NULL);
	free1 = meminfo_kb("MemFree");
	slab1 = meminfo_kb("Slab");
	printf("BENCH memory %.1f KiB\n", (double)(free0 - free1) / n);
	printf("BENCH memory-slab %.1f KiB\n", (double)(slab1 - slab0) / n);
	for (i = 0; i < n; i++)
		vm_destroy(&vms[i]);
	free(vms);
}

int main(int argc, char **argv)
{
	int sys;

	if (argc > 2 && !strcmp(argv[1], "--dev"))
		dev = argv[2];
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r" (freq));
	sys = open(dev, O_RDWR | O_CLOEXEC);
	if (sys < 0)
		die("open");
	setvbuf(stdout, NULL, _IOLBF, 0);
	bench_mmio(sys, 2000);
	bench_psci(sys, 20000);
	bench_wfi(sys, 500);
	bench_create(sys, 3);
	bench_memory(sys, 100);
	close(sys);
	return 0;
}
