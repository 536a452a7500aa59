// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite-run: a small VMM for the KVM ABI, as spoken by /dev/kvmlite and by
 * the in-kernel KVM (/dev/kvm). It loads a flat arm64 binary at the start of
 * guest RAM, starts one vCPU there and emulates two devices through MMIO
 * exits:
 *
 *   0x09000000  PL011 UART: output only (DR, FR, IMSC, RIS, MIS, ICR, IDs);
 *               its TX interrupt is a source of the guest's IRQ line
 *   0x09010000  a tiny interrupt controller: +0 reads the pending sources
 *               (bit 0: virtual timer, bit 1: UART), a write to +8 is an
 *               end-of-interrupt (the lines are re-evaluated)
 *
 * There is no in-kernel interrupt controller: as a VMM with a userspace
 * irqchip on KVM, kvmlite-run reads the virtual timer's level from
 * kvm_run->s.regs.device_irq_level after each KVM_RUN and drives the vCPU's
 * IRQ line (KVM_IRQ_LINE, KVM_ARM_IRQ_TYPE_CPU) with timer OR UART. The run
 * ends on PSCI SYSTEM_OFF (status 0), SYSTEM_RESET (status 2), an error
 * (status 1) or the timeout (status 124); exit statistics go to stderr.
 *
 *   kvmlite-run [--dev PATH] [--mem MIB] [--timeout SEC] [--quiet] IMAGE
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RAM_GPA		0x40000000ULL
#define UART_GPA	0x09000000ULL
#define INTC_GPA	0x09010000ULL
#define DEV_SIZE	0x1000ULL

#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(x))

/* PL011 registers and bits. */
#define UART_DR		0x000
#define UART_FR		0x018
#define UART_IMSC	0x038
#define UART_RIS	0x03c
#define UART_MIS	0x040
#define UART_ICR	0x044
#define UART_FR_TXFE	0x80
#define UART_FR_RXFE	0x10
#define UART_INT_TX	0x20

#define INTC_PENDING	0x0
#define INTC_EOI	0x8
#define SRC_TIMER	1
#define SRC_UART	2

struct stats {
	unsigned long runs, mmio, mmio_uart, mmio_intc, mmio_other;
	unsigned long intr, intr_timer, irq_raise, irq_lower, uart_bytes;
};

struct vmm {
	const char *dev;
	int sys, vm, vcpu;
	struct kvm_run *run;
	uint8_t *ram;
	uint64_t ram_size;
	uint32_t uart_imsc, uart_ris;
	int irq_level;
	int quiet;
	struct stats st;
};

static int timed_out;	/* set by SIGALRM */

static void on_alarm(int sig)
{
	(void)sig;
	__atomic_store_n(&timed_out, 1, __ATOMIC_RELAXED);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "kvmlite-run: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void set_reg(struct vmm *m, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	if (ioctl(m->vcpu, KVM_SET_ONE_REG, &reg))
		die("KVM_SET_ONE_REG %#llx: %s", (unsigned long long)id,
		    strerror(errno));
}

static uint64_t get_reg(struct vmm *m, uint64_t id)
{
	uint64_t val = 0;
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	ioctl(m->vcpu, KVM_GET_ONE_REG, &reg);
	return val;
}

static void load_image(struct vmm *m, const char *path)
{
	struct stat sb;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0 || fstat(fd, &sb))
		die("%s: %s", path, strerror(errno));
	if ((uint64_t)sb.st_size > m->ram_size / 2)
		die("%s: too big for %llu MiB of RAM", path,
		    (unsigned long long)(m->ram_size >> 20));
	n = read(fd, m->ram, sb.st_size);
	if (n != sb.st_size)
		die("%s: short read", path);
	close(fd);
}

static void create_vm(struct vmm *m)
{
	struct kvm_userspace_memory_region mem;
	struct kvm_vcpu_init init;
	long sz;

	m->sys = open(m->dev, O_RDWR | O_CLOEXEC);
	if (m->sys < 0)
		die("%s: %s", m->dev, strerror(errno));
	if (ioctl(m->sys, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		die("%s: not KVM API %d", m->dev, KVM_API_VERSION);
	if (ioctl(m->sys, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PSCI_0_2) <= 0)
		die("%s: no PSCI 0.2", m->dev);
	m->vm = ioctl(m->sys, KVM_CREATE_VM, 0);
	if (m->vm < 0)
		die("KVM_CREATE_VM: %s", strerror(errno));

	m->ram = mmap(NULL, m->ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->ram == MAP_FAILED)
		die("guest RAM: %s", strerror(errno));
	mem = (struct kvm_userspace_memory_region) {
		.slot = 0, .guest_phys_addr = RAM_GPA,
		.memory_size = m->ram_size, .userspace_addr = (uintptr_t)m->ram,
	};
	if (ioctl(m->vm, KVM_SET_USER_MEMORY_REGION, &mem))
		die("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));

	m->vcpu = ioctl(m->vm, KVM_CREATE_VCPU, 0);
	if (m->vcpu < 0)
		die("KVM_CREATE_VCPU: %s", strerror(errno));
	sz = ioctl(m->sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz < (long)sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	m->run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, m->vcpu, 0);
	if (m->run == MAP_FAILED)
		die("mmap kvm_run: %s", strerror(errno));
	memset(&init, 0, sizeof(init));
	if (ioctl(m->vm, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
	init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(m->vcpu, KVM_ARM_VCPU_INIT, &init))
		die("KVM_ARM_VCPU_INIT: %s", strerror(errno));
}

/* Timer level (from KVM_RUN) OR the UART's interrupt: the vCPU's IRQ line. */
static unsigned int pending_sources(struct vmm *m)
{
	unsigned int src = 0;

	if (m->run->s.regs.device_irq_level & KVM_ARM_DEV_EL1_VTIMER)
		src |= SRC_TIMER;
	if (m->uart_ris & m->uart_imsc)
		src |= SRC_UART;
	return src;
}

static void update_irq(struct vmm *m)
{
	int level = pending_sources(m) != 0;
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT) |
		       (KVM_ARM_IRQ_CPU_IRQ << KVM_ARM_IRQ_NUM_SHIFT),
		.level = level,
	};

	if (level == m->irq_level)
		return;
	if (ioctl(m->vm, KVM_IRQ_LINE, &irq))
		die("KVM_IRQ_LINE: %s", strerror(errno));
	m->irq_level = level;
	if (level)
		m->st.irq_raise++;
	else
		m->st.irq_lower++;
}

static uint64_t uart_access(struct vmm *m, uint64_t off, int write, uint64_t val)
{
	static const uint8_t id[] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

	if (write) {
		switch (off) {
		case UART_DR:
			putchar((int)(val & 0xff));
			if ((val & 0xff) == '\n')
				fflush(stdout);
			m->st.uart_bytes++;
			/* Sent at once: the TX FIFO is empty again. */
			m->uart_ris |= UART_INT_TX;
			break;
		case UART_IMSC:
			m->uart_imsc = val & 0x7ff;
			break;
		case UART_ICR:
			m->uart_ris &= ~val;
			break;
		}
		return 0;
	}
	switch (off) {
	case UART_FR:
		return UART_FR_TXFE | UART_FR_RXFE;
	case UART_IMSC:
		return m->uart_imsc;
	case UART_RIS:
		return m->uart_ris;
	case UART_MIS:
		return m->uart_ris & m->uart_imsc;
	}
	if (off >= 0xfe0 && off < 0x1000)
		return id[(off - 0xfe0) / 4];
	return 0;
}

static void handle_mmio(struct vmm *m)
{
	struct kvm_run *run = m->run;
	uint64_t addr = run->mmio.phys_addr, val = 0;
	static int warned;

	memcpy(&val, run->mmio.data, run->mmio.len);
	m->st.mmio++;
	if (addr >= UART_GPA && addr < UART_GPA + DEV_SIZE) {
		m->st.mmio_uart++;
		val = uart_access(m, addr - UART_GPA, run->mmio.is_write, val);
	} else if (addr >= INTC_GPA && addr < INTC_GPA + DEV_SIZE) {
		m->st.mmio_intc++;
		val = addr - INTC_GPA == INTC_PENDING && !run->mmio.is_write ?
		      pending_sources(m) : 0;
	} else {
		m->st.mmio_other++;
		if (!warned++)
			fprintf(stderr, "kvmlite-run: MMIO %s at %#llx: no device\n",
				run->mmio.is_write ? "write" : "read",
				(unsigned long long)addr);
		val = 0;
	}
	if (!run->mmio.is_write)
		memcpy(run->mmio.data, &val, sizeof(val));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_stats(struct vmm *m, const char *how, double secs)
{
	struct stats *s = &m->st;

	if (m->quiet)
		return;
	fprintf(stderr,
		"kvmlite-run: %s: guest %s after %.3f s\n"
		"  KVM_RUN calls      %lu\n"
		"  MMIO exits         %lu (UART %lu, irqchip %lu, other %lu)\n"
		"  KVM_EXIT_INTR      %lu (virtual timer level changes %lu)\n"
		"  IRQ line           raised %lu, lowered %lu\n"
		"  UART bytes out     %lu\n",
		m->dev, how, secs, s->runs, s->mmio, s->mmio_uart, s->mmio_intc,
		s->mmio_other, s->intr, s->intr_timer, s->irq_raise, s->irq_lower,
		s->uart_bytes);
}

static int run_vcpu(struct vmm *m)
{
	struct kvm_run *run = m->run;
	double t0 = now_s();
	uint64_t before;
	int r;

	for (;;) {
		before = run->s.regs.device_irq_level;
		m->st.runs++;
		r = ioctl(m->vcpu, KVM_RUN, 0);
		if (r < 0 && errno == EINTR) {
			m->st.intr++;
			if ((before ^ run->s.regs.device_irq_level) &
			    KVM_ARM_DEV_EL1_VTIMER)
				m->st.intr_timer++;
			if (__atomic_load_n(&timed_out, __ATOMIC_RELAXED)) {
				fflush(stdout);
				print_stats(m, "timed out", now_s() - t0);
				return 124;
			}
			update_irq(m);
			continue;
		}
		if (r < 0)
			die("KVM_RUN: %s (pc %#llx)", strerror(errno),
			    (unsigned long long)get_reg(m, CORE_REG(regs.pc)));
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			handle_mmio(m);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			fflush(stdout);
			if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN) {
				print_stats(m, "powered off (PSCI SYSTEM_OFF)",
					    now_s() - t0);
				return 0;
			}
			print_stats(m, "asked for a reset", now_s() - t0);
			return 2;
		case KVM_EXIT_INTERNAL_ERROR:
			die("internal error, suberror %u, data %#llx %#llx",
			    run->internal.suberror,
			    (unsigned long long)run->internal.data[0],
			    (unsigned long long)run->internal.data[1]);
			break;
		default:
			die("unexpected exit reason %u at pc %#llx",
			    run->exit_reason,
			    (unsigned long long)get_reg(m, CORE_REG(regs.pc)));
		}
		update_irq(m);
	}
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: kvmlite-run [--dev PATH] [--mem MIB] [--timeout SEC] [--quiet] IMAGE\n"
		"  --dev      KVM device (default /dev/kvmlite; /dev/kvm works too)\n"
		"  --mem      guest RAM at %#llx in MiB (default 64)\n"
		"  --timeout  stop the guest after SEC seconds (status 124; default 60)\n"
		"  --quiet    no exit statistics\n", RAM_GPA);
	exit(1);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "mem", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vmm m = { .dev = "/dev/kvmlite", .ram_size = 64ULL << 20 };
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned int timeout = 60;
	int c;

	while ((c = getopt_long(argc, argv, "d:m:t:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			m.dev = optarg;
			break;
		case 'm':
			m.ram_size = strtoull(optarg, NULL, 0) << 20;
			if (!m.ram_size || m.ram_size > (1ULL << 30))
				die("--mem: 1 to 1024 MiB");
			break;
		case 't':
			timeout = strtoul(optarg, NULL, 0);
			break;
		case 'q':
			m.quiet = 1;
			break;
		default:
			print_usage();
		}
	}
	if (optind != argc - 1)
		print_usage();

	create_vm(&m);
	load_image(&m, argv[optind]);
	set_reg(&m, CORE_REG(regs.pc), RAM_GPA);
	/* x0: the size of RAM, for guests that want to know. */
	set_reg(&m, CORE_REG(regs.regs[0]), m.ram_size);

	sigaction(SIGALRM, &sa, NULL);
	alarm(timeout);
	return run_vcpu(&m);
}
