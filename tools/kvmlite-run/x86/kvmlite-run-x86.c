// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite-run-x86: the x86 side of the sample VMM. Loads a flat real-mode
 * binary at 0x1000 (CS = DS = SS = 0) into 1 MiB of guest RAM, runs one
 * vCPU and emulates, through port-I/O exits:
 *
 *   0x3f8-0x3ff  COM1 (8250): output through THR, LSR says "THR empty"
 *   0x501        power off: the byte written is the exit status
 *
 * and a 100 Hz timer injected as vector 0x20 with KVM_INTERRUPT, as a VMM
 * with a userspace irqchip does it on KVM: an interrupt is injected when
 * kvm_run says ready_for_interrupt_injection, otherwise the VMM asks for an
 * interrupt window. The timer is a SIGALRM that ends KVM_RUN with EINTR.
 * HLT exits with KVM_EXIT_HLT (no in-kernel local APIC) and the VMM waits
 * for the next tick. Works on /dev/kvmlite and on the in-kernel KVM's
 * /dev/kvm.
 *
 *   kvmlite-run-x86 [--dev PATH] [--timeout SEC] IMAGE
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define RAM_SIZE	0x100000UL
#define LOAD_GPA	0x1000UL
#define COM1		0x3f8
#define PORT_POWEROFF	0x501
#define TIMER_VECTOR	0x20

/* Timer ticks not yet injected; set by the SIGALRM handler. */
static int ticks;

static void on_alarm(int sig)
{
	(void)sig;
	__atomic_store_n(&ticks, 1, __ATOMIC_RELAXED);
}

static void die(const char *what)
{
	fprintf(stderr, "kvmlite-run-x86: %s: %s\n", what, strerror(errno));
	exit(1);
}

struct stats {
	unsigned long io, intr, hlt, window, injected;
};

int main(int argc, char **argv)
{
	const char *dev = "/dev/kvmlite";
	struct itimerval it = { { 0, 10000 }, { 0, 10000 } };
	struct sigaction sa;
	struct kvm_userspace_memory_region mem;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct stats st = { 0 };
	struct kvm_run *run;
	struct timespec t0, t1;
	int sys, vm, vcpu, fd, opt, timeout = 60, pending = 0, status = -1;
	unsigned char *ram;
	long size;
	struct stat sb;

	while ((opt = getopt_long(argc, argv, "d:t:", (struct option[]){
			{ "dev", required_argument, NULL, 'd' },
			{ "timeout", required_argument, NULL, 't' },
			{ NULL, 0, NULL, 0 } }, NULL)) != -1) {
		if (opt == 'd')
			dev = optarg;
		else if (opt == 't')
			timeout = atoi(optarg);
		else
			return 1;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: kvmlite-run-x86 [--dev PATH] [--timeout SEC] IMAGE\n");
		return 1;
	}

	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		die("mmap");
	fd = open(argv[optind], O_RDONLY);
	if (fd < 0 || fstat(fd, &sb))
		die(argv[optind]);
	if (sb.st_size > (off_t)(RAM_SIZE - LOAD_GPA) ||
	    read(fd, ram + LOAD_GPA, sb.st_size) != sb.st_size)
		die("read image");
	close(fd);

	sys = open(dev, O_RDWR | O_CLOEXEC);
	if (sys < 0)
		die(dev);
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	mem = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = RAM_SIZE,
		.userspace_addr = (unsigned long)ram,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mem))
		die("KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");

	/* Real mode at 0:LOAD_GPA. */
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs))
		die("KVM_GET_SREGS");
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs))
		die("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = LOAD_GPA;
	regs.rsp = 0x9000;
	regs.rflags = 2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs))
		die("KVM_SET_REGS");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	/*
	 * Restart interrupted writes of the console output (KVM_RUN still
	 * returns EINTR: KVM and kvmlite do not restart it).
	 */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);

	while (status < 0) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec > timeout) {
			fprintf(stderr, "kvmlite-run-x86: timeout\n");
			return 124;
		}
		if (__atomic_exchange_n(&ticks, 0, __ATOMIC_RELAXED))
			pending = 1;
		if (pending && run->ready_for_interrupt_injection) {
			struct kvm_interrupt irq = { .irq = TIMER_VECTOR };

			if (!ioctl(vcpu, KVM_INTERRUPT, &irq)) {
				pending = 0;
				st.injected++;
			}
		}
		run->request_interrupt_window = pending;

		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno != EINTR)
				die("KVM_RUN");
			st.intr++;
			continue;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			unsigned char *data = (unsigned char *)run + run->io.data_offset;
			unsigned int i;

			st.io++;
			if (run->io.port == COM1 + 5 &&
			    run->io.direction == KVM_EXIT_IO_IN) {
				*data = 0x60;	/* THR and transmitter empty */
			} else if (run->io.port == COM1 &&
				   run->io.direction == KVM_EXIT_IO_OUT) {
				for (i = 0; i < run->io.count; i++)
					putchar(data[i * run->io.size]);
				fflush(stdout);
			} else if (run->io.port == PORT_POWEROFF &&
				   run->io.direction == KVM_EXIT_IO_OUT) {
				status = *data;
			} else if (run->io.direction == KVM_EXIT_IO_IN) {
				memset(data, 0xff, run->io.size * run->io.count);
			}
			break;
		}
		case KVM_EXIT_HLT:
			/* KVM with a userspace irqchip: wait for the next tick. */
			st.hlt++;
			while (!__atomic_load_n(&ticks, __ATOMIC_RELAXED))
				pause();
			break;
		case KVM_EXIT_IRQ_WINDOW_OPEN:
			st.window++;
			break;
		case KVM_EXIT_SHUTDOWN:
			fprintf(stderr, "kvmlite-run-x86: guest shut down (triple fault)\n");
			return 1;
		default:
			fprintf(stderr, "kvmlite-run-x86: unexpected exit %u\n",
				run->exit_reason);
			return 1;
		}
	}
	fprintf(stderr,
		"kvmlite-run-x86: powered off (status %d); exits: io %lu, hlt %lu, irq-window %lu, signal %lu; interrupts injected %lu\n",
		status, st.io, st.hlt, st.window, st.intr, st.injected);
	return status;
}
