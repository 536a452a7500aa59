// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel 8254 PIT (KVM_CREATE_PIT2): its capabilities, the errnos of
 * KVM_CREATE_PIT2, KVM_GET/SET_PIT(2) and KVM_REINJECT_CONTROL, the reset
 * state and a round trip of the state; a real-mode guest that programs the
 * PICs and channel 0 in mode 2 and takes IRQ 0 several times (IVT handler,
 * EOI), then reads the counter with a latch command and the status with a
 * read-back command; port 0x61 with KVM_PIT_SPEAKER_DUMMY (channel 2's gate,
 * the speaker data bit, channel 2's output) and without it (userspace's).
 * The same tests run on the in-kernel KVM (KVMLITE_DEV=/dev/kvm) as the
 * oracle.
 */
#include <linux/kvm.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <time.h>

#include "kselftest_harness.h"

#ifdef __x86_64__
#include "kvmlite_x86.h"

#define PORT_TICKS	0x50	/* the guest took its ticks */
#define PORT_LATCH	0x52	/* channel 0's latched count */
#define PORT_STATUS	0x53	/* channel 0's read-back status */
#define PORT_CTRL_RD	0x54	/* a read of port 0x43 */
#define PORT_BAD	0x5f	/* an unexpected vector */
#define TICKS_ADDR	0x500	/* the handler's count */
#define NR_TICKS	5
#define PIT_COUNT	11932	/* 10 ms at 1193181 Hz */

/* Run until an OUT to userspace; its port and value (*@val). */
static int run_out(struct __test_metadata *_metadata, struct xvm *vm,
		   __u64 *val)
{
	int r = xvm_run(vm);

	EXPECT_EQ(0, r) TH_LOG("KVM_RUN: %s", strerror(-r));
	if (r)
		return -1;
	EXPECT_EQ(KVM_EXIT_IO, vm->run->exit_reason);
	if (vm->run->exit_reason != KVM_EXIT_IO)
		return -1;
	*val = xio_value(vm->run);
	return vm->run->io.port;
}

/* A VM with RAM, the in-kernel irqchip and a PIT with @flags, no vCPU. */
static int pit_vm(struct xvm *vm, __u32 flags)
{
	struct kvm_pit_config cfg = { .flags = flags };
	int r = xvm_create_novcpu(vm);

	if (r)
		return r;
	r = kioctl(vm->fd, KVM_CREATE_IRQCHIP, 0);
	if (r)
		return r;
	return kioctlp(vm->fd, KVM_CREATE_PIT2, &cfg);
}

TEST(caps)
{
	int sys = open(kvm_dev(), O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, sys) TH_LOG("%s: %s", kvm_dev(), strerror(errno));
	EXPECT_EQ(1, kioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_PIT));
	EXPECT_EQ(1, kioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_PIT2));
	EXPECT_EQ(1, kioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_PIT_STATE2));
	EXPECT_EQ(1, kioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_REINJECT_CONTROL));
	close(sys);
}

/*
 * KVM_CREATE_PIT2 needs the in-kernel PIC (ENOENT), also the split
 * irqchip's LAPICs are not enough; once (EEXIST); its argument is read
 * first (EFAULT); flags besides KVM_PIT_SPEAKER_DUMMY are ignored (KVM
 * does not check them). Without a PIT the state ioctls are ENXIO, after
 * reading their argument where KVM reads it first.
 */
TEST(create)
{
	struct kvm_enable_cap split = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args = { 24 } };
	struct kvm_pit_config cfg = { 0 };
	struct kvm_reinject_control rc = { .pit_reinject = 0 };
	struct kvm_pit_state2 ps2;
	struct kvm_pit_state ps;
	struct xvm vm;

	memset(&ps2, 0, sizeof(ps2));
	memset(&ps, 0, sizeof(ps));
	ASSERT_EQ(0, xvm_create_novcpu(&vm));
	EXPECT_EQ(-ENOENT, kioctlp(vm.fd, KVM_CREATE_PIT2, &cfg));
	EXPECT_EQ(-ENOENT, kioctl(vm.fd, KVM_CREATE_PIT, 0));
	EXPECT_EQ(-EFAULT, kioctl(vm.fd, KVM_CREATE_PIT2, 8));
	EXPECT_EQ(-ENXIO, kioctlp(vm.fd, KVM_GET_PIT2, &ps2));
	EXPECT_EQ(-ENXIO, kioctlp(vm.fd, KVM_SET_PIT2, &ps2));
	EXPECT_EQ(-ENXIO, kioctlp(vm.fd, KVM_GET_PIT, &ps));
	EXPECT_EQ(-ENXIO, kioctlp(vm.fd, KVM_SET_PIT, &ps));
	EXPECT_EQ(-ENXIO, kioctlp(vm.fd, KVM_REINJECT_CONTROL, &rc));
	EXPECT_EQ(-EFAULT, kioctl(vm.fd, KVM_SET_PIT2, 8));
	EXPECT_EQ(-EFAULT, kioctl(vm.fd, KVM_GET_PIT, 8));
	EXPECT_EQ(-EFAULT, kioctl(vm.fd, KVM_REINJECT_CONTROL, 8));
	EXPECT_EQ(-ENXIO, kioctl(vm.fd, KVM_GET_PIT2, 8));

	ASSERT_EQ(0, kioctl(vm.fd, KVM_CREATE_IRQCHIP, 0));
	EXPECT_EQ(0, kioctlp(vm.fd, KVM_CREATE_PIT2, &cfg));
	EXPECT_EQ(-EEXIST, kioctlp(vm.fd, KVM_CREATE_PIT2, &cfg));
	EXPECT_EQ(-EEXIST, kioctl(vm.fd, KVM_CREATE_PIT, 0));
	EXPECT_EQ(-EFAULT, kioctl(vm.fd, KVM_GET_PIT2, 8));
	EXPECT_EQ(0, kioctlp(vm.fd, KVM_REINJECT_CONTROL, &rc));
	rc.pit_reinject = 1;
	EXPECT_EQ(0, kioctlp(vm.fd, KVM_REINJECT_CONTROL, &rc));
	/* A PIT and vCPUs: the VM goes with its timer. */
	ASSERT_EQ(0, xvm_add_vcpu(&vm, 0));
	xvm_destroy(&vm);

	/* The split irqchip has no PIC. */
	ASSERT_EQ(0, xvm_create_novcpu(&vm));
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_ENABLE_CAP, &split));
	EXPECT_EQ(-ENOENT, kioctlp(vm.fd, KVM_CREATE_PIT2, &cfg));
	xvm_destroy(&vm);

	/* Unknown flags: accepted, as KVM. */
	ASSERT_EQ(0, pit_vm(&vm, 0xfffffffe));
	xvm_destroy(&vm);
	/* The old KVM_CREATE_PIT (with the speaker). */
	ASSERT_EQ(0, xvm_create_novcpu(&vm));
	ASSERT_EQ(0, kioctl(vm.fd, KVM_CREATE_IRQCHIP, 0));
	EXPECT_EQ(0, kioctl(vm.fd, KVM_CREATE_PIT, 0));
	xvm_destroy(&vm);
}

/*
 * The reset state (every channel in mode 0xff with the count 0x10000, gates
 * 1, 1, 0; no flags); KVM_SET_PIT2 keeps the channels and flags as given
 * (any flags, reserved words ignored, read back as 0), the load time of
 * channels 1 and 2 restarted; KVM_GET/SET_PIT the same without flags.
 */
TEST(state)
{
	struct kvm_pit_state2 ps2, out;
	struct kvm_pit_state ps;
	struct xvm vm;
	int i;

	ASSERT_EQ(0, pit_vm(&vm, 0));
	memset(&ps2, 0xaa, sizeof(ps2));
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_GET_PIT2, &ps2));
	EXPECT_EQ(0, ps2.flags);
	for (i = 0; i < 9; i++)
		EXPECT_EQ(0, ps2.reserved[i]);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0x10000, ps2.channels[i].count) TH_LOG("channel %d", i);
		EXPECT_EQ(0xff, ps2.channels[i].mode);
		EXPECT_EQ(i != 2, ps2.channels[i].gate);
		EXPECT_EQ(0, ps2.channels[i].rw_mode);
		EXPECT_EQ(0, ps2.channels[i].count_latched);
		EXPECT_EQ(0, ps2.channels[i].status_latched);
	}

	/* Channel 0 one-shot far away, 1 periodic, 2 square wave. */
	ps2.channels[0].mode = 0;
	ps2.channels[0].count = 0x1234;
	ps2.channels[0].rw_mode = 3;
	ps2.channels[0].read_state = 3;
	ps2.channels[0].write_state = 4;
	ps2.channels[0].write_latch = 0x56;
	ps2.channels[0].count_load_time = 12345;
	ps2.channels[1].mode = 2;
	ps2.channels[1].count = 0;	/* is 0x10000 */
	ps2.channels[1].latched_count = 0x4321;
	ps2.channels[1].count_latched = 3;
	ps2.channels[2].mode = 3;
	ps2.channels[2].count = 100;
	ps2.channels[2].status = 0x36;
	ps2.channels[2].status_latched = 1;
	ps2.channels[2].bcd = 1;
	ps2.channels[2].gate = 1;
	ps2.flags = KVM_PIT_FLAGS_SPEAKER_DATA_ON | 0xf00;
	memset(ps2.reserved, 0x55, sizeof(ps2.reserved));
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_SET_PIT2, &ps2));
	memset(&out, 0xaa, sizeof(out));
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_GET_PIT2, &out));
	EXPECT_EQ(ps2.flags, out.flags);
	for (i = 0; i < 9; i++)
		EXPECT_EQ(0, out.reserved[i]);
	EXPECT_EQ(0, memcmp(&ps2.channels[0], &out.channels[0],
			    sizeof(out.channels[0])));
	EXPECT_EQ(0x10000, out.channels[1].count);
	EXPECT_EQ(0x4321, out.channels[1].latched_count);
	EXPECT_EQ(3, out.channels[1].count_latched);
	EXPECT_EQ(2, out.channels[1].mode);
	EXPECT_EQ(100, out.channels[2].count);
	EXPECT_EQ(0x36, out.channels[2].status);
	EXPECT_EQ(1, out.channels[2].status_latched);
	EXPECT_EQ(1, out.channels[2].bcd);
	EXPECT_NE(0, out.channels[2].count_load_time);

	/* Any flags, the HPET legacy one too (channel 0's timer stops). */
	ps2.flags = 0xffffffff;
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_SET_PIT2, &ps2));
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_GET_PIT2, &out));
	EXPECT_EQ(0xffffffff, out.flags);
	/* Garbage modes and states are kept and harmless. */
	memset(&ps2, 0xff, sizeof(ps2));
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_SET_PIT2, &ps2));
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_GET_PIT2, &out));
	EXPECT_EQ(0xffffffff, out.channels[0].count);
	EXPECT_EQ(0xff, out.channels[1].mode);

	/* KVM_SET_PIT: the channels only, the flags stay. */
	memset(&ps, 0, sizeof(ps));
	ps.channels[0].mode = 2;
	ps.channels[0].count = 5000;
	ps.channels[1].mode = 0xff;
	ps.channels[2].mode = 0xff;
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_SET_PIT, &ps));
	memset(&ps, 0xaa, sizeof(ps));
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_GET_PIT, &ps));
	EXPECT_EQ(2, ps.channels[0].mode);
	EXPECT_EQ(5000, ps.channels[0].count);
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_GET_PIT2, &out));
	EXPECT_EQ(0xffffffff, out.flags);
	xvm_destroy(&vm);
}

/*
 * Real mode: the master PIC at vectors 8-15 with only IRQ 0 unmasked, the
 * slave masked, channel 0 in mode 2 (rate generator, LSB then MSB) at
 * 10 ms; the IRQ 0 handler counts and sends a non-specific EOI; the guest
 * halts until NR_TICKS ticks, then latches channel 0's count and reads it,
 * reads channel 0's status with a read-back command, and reads port 0x43.
 */
X86_SYMBOL(g_pit_irq0);
X86_SYMBOL(g_pit_bad);
X86_CODE16(g_pit,
	   "cli\n"
	   "movw $0, 0x500\n"
	   "mov $0x11, %al\n out %al, $0x20\n mov $0x08, %al\n out %al, $0x21\n"
	   "mov $0x04, %al\n out %al, $0x21\n mov $0x01, %al\n out %al, $0x21\n"
	   "mov $0xfe, %al\n out %al, $0x21\n"
	   "mov $0x11, %al\n out %al, $0xa0\n mov $0x70, %al\n out %al, $0xa1\n"
	   "mov $0x02, %al\n out %al, $0xa1\n mov $0x01, %al\n out %al, $0xa1\n"
	   "mov $0xff, %al\n out %al, $0xa1\n"
	   "mov $0x34, %al\n out %al, $0x43\n"
	   "mov $0x9c, %al\n out %al, $0x40\n mov $0x2e, %al\n out %al, $0x40\n"
	   "sti\n"
	   "1: hlt\n cmpw $5, 0x500\n jb 1b\n"
	   "cli\n"
	   "mov 0x500, %ax\n out %ax, $0x50\n"
	   "mov $0x00, %al\n out %al, $0x43\n"
	   "in $0x40, %al\n mov %al, %bl\n in $0x40, %al\n mov %al, %bh\n"
	   "mov %bx, %ax\n out %ax, $0x52\n"
	   "mov $0xe2, %al\n out %al, $0x43\n in $0x40, %al\n out %al, $0x53\n"
	   "mov $0x5a, %al\n in $0x43, %al\n out %al, $0x54\n"
	   "out %al, $0xff\n"
	   "2: hlt\n jmp 2b\n"
	   ".global g_pit_irq0\n g_pit_irq0:\n"
	   "push %ax\n incw 0x500\n mov $0x20, %al\n out %al, $0x20\n pop %ax\n iret\n"
	   ".global g_pit_bad\n g_pit_bad:\n"
	   "out %al, $0x5f\n iret\n");

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

TEST(irq0)
{
	struct kvm_pit_state2 ps2;
	struct xvm vm;
	__u64 val;
	double t0;
	int port, vec;

	ASSERT_EQ(0, pit_vm(&vm, 0));
	ASSERT_EQ(0, xvm_add_vcpu(&vm, 0));
	ASSERT_EQ(0, xvm_real_mode(&vm, g_pit, g_pit_end));
	for (vec = 8; vec < 16; vec++)
		xvm_ivt(&vm, vec, XCODE + (g_pit_bad - g_pit));
	xvm_ivt(&vm, 8, XCODE + (g_pit_irq0 - g_pit));

	t0 = now_ms();
	port = run_out(_metadata, &vm, &val);
	ASSERT_EQ(PORT_TICKS, port) TH_LOG("value %llx", (unsigned long long)val);
	EXPECT_EQ(NR_TICKS, val);
	/* The first tick after a period, then one a period. */
	EXPECT_LE(NR_TICKS * 10 - 5, now_ms() - t0);

	ASSERT_EQ(0, kioctlp(vm.fd, KVM_GET_PIT2, &ps2));
	EXPECT_EQ(2, ps2.channels[0].mode);
	EXPECT_EQ(3, ps2.channels[0].rw_mode);
	EXPECT_EQ(PIT_COUNT, ps2.channels[0].count);
	EXPECT_EQ(0, ps2.channels[0].bcd);

	ASSERT_EQ(PORT_LATCH, run_out(_metadata, &vm, &val));
	EXPECT_GE(PIT_COUNT, val);
	EXPECT_LT(0, val);
	ASSERT_EQ(PORT_STATUS, run_out(_metadata, &vm, &val));
	/* OUT (bit 7) aside: LSB then MSB, mode 2, binary. */
	EXPECT_EQ(0x34, val & 0x7f);
	ASSERT_EQ(PORT_CTRL_RD, run_out(_metadata, &vm, &val));
	/* The control word is not readable: AL is left as it was (KVM). */
	EXPECT_EQ(0x5a, val & 0xff);
	ASSERT_EQ(XPORT_DONE, run_out(_metadata, &vm, &val));
	xvm_destroy(&vm);
}

/*
 * Port 0x61 with KVM_PIT_SPEAKER_DUMMY: at reset channel 2's gate and the
 * speaker data are off; both set by an OUT; channel 2 in mode 0 with a
 * long count keeps its output (bit 5) low, with a count of 1 it rises soon;
 * both cleared again. Channel 2 counts without a timer or an interrupt.
 */
X86_CODE16(g_speaker,
	   "in $0x61, %al\n out %al, $0x54\n"
	   "mov $0xb0, %al\n out %al, $0x43\n"
	   "mov $0xff, %al\n out %al, $0x42\n out %al, $0x42\n"
	   "mov $0x03, %al\n out %al, $0x61\n"
	   "in $0x61, %al\n out %al, $0x55\n"
	   "mov $0x01, %al\n out %al, $0x42\n mov $0x00, %al\n out %al, $0x42\n"
	   "mov $10000, %cx\n"
	   "1: in $0x61, %al\n test $0x20, %al\n loopz 1b\n out %al, $0x56\n"
	   "mov $0x00, %al\n out %al, $0x61\n in $0x61, %al\n out %al, $0x57\n"
	   "mov $0x80, %al\n out %al, $0x43\n in $0x42, %al\n out %al, $0x58\n"
	   "out %al, $0xff\n");

TEST(speaker)
{
	struct kvm_pit_state2 ps2;
	struct xvm vm;
	__u64 val;

	ASSERT_EQ(0, pit_vm(&vm, KVM_PIT_SPEAKER_DUMMY));
	ASSERT_EQ(0, xvm_add_vcpu(&vm, 0));
	ASSERT_EQ(0, xvm_real_mode(&vm, g_speaker, g_speaker_end));
	ASSERT_EQ(0x54, run_out(_metadata, &vm, &val));
	EXPECT_EQ(0, val & 3);
	ASSERT_EQ(0x55, run_out(_metadata, &vm, &val));
	EXPECT_EQ(3, val & 3);
	EXPECT_EQ(0, val & 0x20);
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_GET_PIT2, &ps2));
	EXPECT_EQ(KVM_PIT_FLAGS_SPEAKER_DATA_ON, ps2.flags);
	EXPECT_EQ(1, ps2.channels[2].gate);
	EXPECT_EQ(0, ps2.channels[2].mode);
	EXPECT_EQ(0xffff, ps2.channels[2].count);
	ASSERT_EQ(0x56, run_out(_metadata, &vm, &val));
	EXPECT_EQ(0x23, val & 0x23);
	ASSERT_EQ(0x57, run_out(_metadata, &vm, &val));
	EXPECT_EQ(0x20, val & 0x23);
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_GET_PIT2, &ps2));
	EXPECT_EQ(0, ps2.flags);
	EXPECT_EQ(0, ps2.channels[2].gate);
	/* Channel 2's latched count: wrapped around below the count 1. */
	ASSERT_EQ(0x58, run_out(_metadata, &vm, &val));
	ASSERT_EQ(XPORT_DONE, run_out(_metadata, &vm, &val));
	xvm_destroy(&vm);

	/* Without the flag port 0x61 is userspace's. */
	ASSERT_EQ(0, pit_vm(&vm, 0));
	ASSERT_EQ(0, xvm_add_vcpu(&vm, 0));
	ASSERT_EQ(0, xvm_real_mode(&vm, g_speaker, g_speaker_end));
	ASSERT_EQ(0, xvm_run(&vm));
	ASSERT_EQ(KVM_EXIT_IO, vm.run->exit_reason);
	EXPECT_EQ(0x61, vm.run->io.port);
	EXPECT_EQ(KVM_EXIT_IO_IN, vm.run->io.direction);
	xvm_destroy(&vm);
}

#else /* !__x86_64__ */

TEST(x86_pit)
{
	SKIP(return, "these tests drive an x86 VM");
}

#endif

TEST_HARNESS_MAIN
