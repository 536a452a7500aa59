// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite-bench-x86: the x86 costs `make bench ARCH=x86_64` compares between
 * a KVM-ABI device (--dev, default /dev/kvmlite) and another (the in-kernel
 * KVM's /dev/kvm, kvm_intel), timed with CLOCK_MONOTONIC. In the x86 bench
 * machine (Bochs, `clock: sync=none`, ips=50000000) the machine's clocks
 * follow the number of instructions Bochs executes (1 s = 50 million
 * instructions), not the wall clock.
 *
 *   kvmlite-bench-x86 [--dev PATH] [--label NAME] [--div N] [--rows KEY,...]
 *
 * Each result is one line: "BENCH <label> <key> <value> <unit>"; --div
 * divides the iteration counts (a quicker, noisier run); --rows runs only
 * the rows named (keys below). One vCPU in real mode (CS = DS = 0, code at
 * 0x1000, 64 KiB of RAM at GPA 0, no in-kernel irqchip, the CPUID table of
 * KVM_GET_SUPPORTED_CPUID set with KVM_SET_CPUID2, as a VMM does):
 *   io       one port-I/O exit round trip to userspace: the guest's
 *            `out %al, $0x80` in a loop, KVM_RUN returns KVM_EXIT_IO,
 *            KVM_RUN again
 *   mmio     one MMIO exit round trip to userspace: the guest's byte store
 *            to GPA 0x20000 (no memslot) in a loop, KVM_RUN returns
 *            KVM_EXIT_MMIO (the device decodes the instruction), KVM_RUN
 *            again
 *   cpuid    one CPUID (leaf 0) handled in the kernel: the guest executes
 *            n of them, then an `out` that ends KVM_RUN
 *
 * The loops run in BATCHES batches; "NOISE <label> <key> <min> <max>" gives
 * the cheapest and dearest batch (per iteration). Each row starts with a
 * "# <label>: <key>" progress line on stderr and must end within
 * ROW_TIMEOUT seconds of the machine's time, or the program names the row
 * and fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../guest_code.h"

#define RAM_SIZE	0x10000UL
#define CODE_GPA	0x1000UL
#define STACK_GPA	0x9000UL
#define COUNT_GPA	0x800UL		/* the cpuid row's count (32 bits) */
#define MMIO_SEG	0x2000		/* DS for the store: GPA 0x20000 */
#define MMIO_GPA	0x20000UL
#define PORT_LOOP	0x80
#define PORT_DONE	0x81
#define MAX_CPUID	256

#define BENCH_PROG	"kvmlite-bench-x86"
#define ROW_TIMEOUT	600
#define BENCH_NS(t)	((double)(t))	/* CLOCK_MONOTONIC: ns already */

/* A real-mode guest blob (as the selftests' X86_CODE16). */
#define GUEST16(name, body) GUEST(name, ".code16\n" body "\n.code64\n")

GUEST16(g_io, "1: out %al, $0x80\n jmp 1b\n");
GUEST16(g_mmio, "mov $0x2000, %bx\n mov %bx, %ds\n"
		"1: movb %al, 0\n jmp 1b\n");
/* The count from COUNT_GPA, that many CPUIDs, an OUT; again and again. */
GUEST16(g_cpuid, "2: mov 0x800, %esi\n"
		 "1: xor %eax, %eax\n cpuid\n dec %esi\n jnz 1b\n"
		 "out %al, $0x81\n jmp 2b\n");

#include "../bench_common.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "kvmlite-bench-x86: %s: %s: %s\n", dev, what, strerror(errno));
	exit(1);
}

struct vm {
	int sys, fd, vcpu;
	struct kvm_run *run;
	long run_size;
	unsigned char *ram;
};

/* The device's supported CPUID table on the vCPU, as a VMM sets it. */
static void vm_set_cpuid(struct vm *v)
{
	struct kvm_cpuid2 *c;

	c = calloc(1, sizeof(*c) + MAX_CPUID * sizeof(c->entries[0]));
	if (!c)
		die("calloc");
	c->nent = MAX_CPUID;
	if (ioctl(v->sys, KVM_GET_SUPPORTED_CPUID, c))
		die("KVM_GET_SUPPORTED_CPUID");
	if (ioctl(v->vcpu, KVM_SET_CPUID2, c))
		die("KVM_SET_CPUID2");
	free(c);
}

/* A VM with RAM_SIZE bytes at GPA 0 and one vCPU in real mode at @code. */
static void vm_create(struct vm *v, int sys, const unsigned char *code,
		      const unsigned char *end)
{
	struct kvm_userspace_memory_region mem;
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	memset(v, 0, sizeof(*v));
	v->sys = sys;
	v->fd = ioctl(sys, KVM_CREATE_VM, 0);
	if (v->fd < 0)
		die("KVM_CREATE_VM");
	v->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->ram == MAP_FAILED)
		die("mmap");
	mem = (struct kvm_userspace_memory_region) {
		.slot = 0, .guest_phys_addr = 0, .memory_size = RAM_SIZE,
		.userspace_addr = (uintptr_t)v->ram,
	};
	if (ioctl(v->fd, KVM_SET_USER_MEMORY_REGION, &mem))
		die("KVM_SET_USER_MEMORY_REGION");
	v->vcpu = ioctl(v->fd, KVM_CREATE_VCPU, 0);
	if (v->vcpu < 0)
		die("KVM_CREATE_VCPU");
	v->run_size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu, 0);
	if (v->run == MAP_FAILED)
		die("mmap kvm_run");
	vm_set_cpuid(v);
	memcpy(v->ram + CODE_GPA, code, end - code);
	if (ioctl(v->vcpu, KVM_GET_SREGS, &sregs))
		die("KVM_GET_SREGS");
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	if (ioctl(v->vcpu, KVM_SET_SREGS, &sregs))
		die("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rsp = STACK_GPA;
	regs.rflags = 2;
	if (ioctl(v->vcpu, KVM_SET_REGS, &regs))
		die("KVM_SET_REGS");
}

static void vm_destroy(struct vm *v)
{
	munmap(v->run, v->run_size);
	close(v->vcpu);
	close(v->fd);
	munmap(v->ram, RAM_SIZE);
}

/* Why the exit is not the one the row waits for. */
static void bad_exit(struct vm *v, const char *want)
{
	struct kvm_run *r = v->run;

	errno = EPROTO;
	if (r->exit_reason == KVM_EXIT_IO)
		fprintf(stderr, "exit: port I/O %s port %#x, not %s\n",
			r->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
			r->io.port, want);
	else if (r->exit_reason == KVM_EXIT_MMIO)
		fprintf(stderr, "exit: MMIO at %#llx, not %s\n",
			(unsigned long long)r->mmio.phys_addr, want);
	else
		fprintf(stderr, "exit reason %u, not %s\n", r->exit_reason, want);
	die("KVM_RUN exit");
}

/* Run to the next exit, which must be an OUT to @port. */
static void run_to_out(struct vm *v, unsigned int port)
{
	if (ioctl(v->vcpu, KVM_RUN, 0))
		die("KVM_RUN");
	if (v->run->exit_reason != KVM_EXIT_IO ||
	    v->run->io.direction != KVM_EXIT_IO_OUT || v->run->io.port != port)
		bad_exit(v, port == PORT_LOOP ? "out to 0x80" : "out to 0x81");
}

/* Run to the next exit, which must be a store to MMIO_GPA. */
static void run_to_mmio(struct vm *v)
{
	if (ioctl(v->vcpu, KVM_RUN, 0))
		die("KVM_RUN");
	if (v->run->exit_reason != KVM_EXIT_MMIO ||
	    v->run->mmio.phys_addr != MMIO_GPA || !v->run->mmio.is_write)
		bad_exit(v, "a store to 0x20000");
}

static void bench_io(int sys, int n)
{
	uint64_t t[BATCHES];
	struct vm v;
	int b, i;

	start_row("io");
	vm_create(&v, sys, g_io, g_io_end);
	run_to_out(&v, PORT_LOOP);	/* warm: the code page is mapped */
	for (b = 0; b < BATCHES; b++) {
		t[b] = now_ns();
		for (i = 0; i < n / BATCHES; i++)
			run_to_out(&v, PORT_LOOP);
		t[b] = now_ns() - t[b];
	}
	report("io", t, n);
	vm_destroy(&v);
}

static void bench_mmio(int sys, int n)
{
	uint64_t t[BATCHES];
	struct vm v;
	int b, i;

	start_row("mmio");
	vm_create(&v, sys, g_mmio, g_mmio_end);
	run_to_mmio(&v);	/* warm */
	for (b = 0; b < BATCHES; b++) {
		t[b] = now_ns();
		for (i = 0; i < n / BATCHES; i++)
			run_to_mmio(&v);
		t[b] = now_ns() - t[b];
	}
	report("mmio", t, n);
	vm_destroy(&v);
}

static void bench_cpuid(int sys, int n)
{
	uint32_t count = 10;
	uint64_t t[BATCHES];
	struct vm v;
	int b;

	start_row("cpuid");
	vm_create(&v, sys, g_cpuid, g_cpuid_end);
	memcpy(v.ram + COUNT_GPA, &count, sizeof(count));
	run_to_out(&v, PORT_DONE);	/* warm */
	/* The guest reads the count again after each OUT. */
	count = n / BATCHES;
	memcpy(v.ram + COUNT_GPA, &count, sizeof(count));
	for (b = 0; b < BATCHES; b++) {
		t[b] = now_ns();
		run_to_out(&v, PORT_DONE);
		t[b] = now_ns() - t[b];
	}
	report("cpuid", t, n);
	vm_destroy(&v);
}

int main(int argc, char **argv)
{
	int sys, div = bench_args(argc, argv);

	sys = open(dev, O_RDWR | O_CLOEXEC);
	if (sys < 0)
		die("open");
	/*
	 * Counts for the Bochs machine (about 50 million instructions per
	 * second of its time, a few times slower than the wall clock).
	 */
	if (want("io"))
		bench_io(sys, loops(5000, div));
	if (want("mmio"))
		bench_mmio(sys, loops(5000, div));
	if (want("cpuid"))
		bench_cpuid(sys, loops(20000, div));
	alarm(0);
	close(sys);
	return 0;
}
