// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts and waiting: KVM_IRQ_LINE (KVM_ARM_IRQ_TYPE_CPU) raising and
 * lowering a vCPU's IRQ and FIQ lines from any thread, WFI blocking the vCPU
 * thread in the kernel until a line is raised, the guest's virtual timer
 * fires or a signal arrives, and guests that spin forever without stalling
 * the host.
 *
 * There is no in-kernel interrupt controller (no vGIC): as with KVM and a
 * userspace irqchip, the test is the interrupt controller. The virtual
 * timer's level comes in kvm_run->s.regs.device_irq_level with KVM_RUN
 * returning -EINTR/KVM_EXIT_INTR when it changes, and the test raises the
 * IRQ line for it. Run against the in-kernel KVM too (KVMLITE_DEV=/dev/kvm).
 */
#include <linux/kvm.h>
#include <linux/kvmlite.h>
#include <sys/ioctl.h>

#include "bench_util.h"
#include "kselftest_harness.h"

#ifdef __aarch64__
#include "kvmlite_thread.h"

#define SYSTEM_OFF_ASM	"movz w0, #0x0008\n movk w0, #0x8400, lsl #16\n hvc #0\n"

#define VECTORS_GPA	(GUEST_RAM_GPA + 0x10000)
#define REG_ELR_EL1	CORE_REG64(elr_el1)

/*
 * Exception vectors (VBAR_EL1 = VECTORS_GPA; the guest runs at EL1h). IRQ
 * and FIQ report, through MMIO writes at x22: the vector offset (+0),
 * ISR_EL1 (+8), CNTV_CTL_EL0 (+16); then they switch the timer off, say
 * they are done (+24: the test lowers the line), set x24 and return.
 * Anything else reports its offset forever.
 */
GUEST_CODE(guest_vectors,
	   ".org 0x200\n mov x10, #0x200\n b 9f\n"
	   ".org 0x280\n mov x10, #0x280\n b 8f\n"
	   ".org 0x300\n mov x10, #0x300\n b 8f\n"
	   ".org 0x380\n mov x10, #0x380\n b 9f\n"
	   ".org 0x800\n"
	   "8: str x10, [x22]\n"
	   "mrs x11, isr_el1\n str x11, [x22, #8]\n"
	   "mrs x11, cntv_ctl_el0\n str x11, [x22, #16]\n"
	   "mov x11, #2\n msr cntv_ctl_el0, x11\n isb\n"
	   "str xzr, [x22, #24]\n"
	   "mov x24, #1\n"
	   "eret\n"
	   "9: str x10, [x22]\n b 9b\n");

/* Unmask IRQ and FIQ, WFI until a handler ran, power off. */
GUEST_CODE(guest_wfi,
	   "msr daifclr, #3\n"
	   "1: wfi\n cbz x24, 1b\n"
	   SYSTEM_OFF_ASM
	   "b .\n");

/* The same, spinning instead of waiting. */
GUEST_CODE(guest_spin_irq,
	   "msr daifclr, #3\n"
	   "1: cbz x24, 1b\n"
	   SYSTEM_OFF_ASM
	   "b .\n");

/* Virtual timer x21 ticks ahead, IRQs on, then WFI until it came. */
GUEST_CODE(guest_timer_wfi,
	   "mrs x20, cntvct_el0\n add x20, x20, x21\n msr cntv_cval_el0, x20\n"
	   "mov x10, #1\n msr cntv_ctl_el0, x10\n isb\n"
	   "msr daifclr, #2\n"
	   "1: wfi\n cbz x24, 1b\n"
	   SYSTEM_OFF_ASM
	   "b .\n");

/* The same, spinning. */
GUEST_CODE(guest_timer_spin,
	   "mrs x20, cntvct_el0\n add x20, x20, x21\n msr cntv_cval_el0, x20\n"
	   "mov x10, #1\n msr cntv_ctl_el0, x10\n isb\n"
	   "msr daifclr, #2\n"
	   "1: cbz x24, 1b\n"
	   SYSTEM_OFF_ASM
	   "b .\n");

/* Interrupts masked: report ISR_EL1 to x22, WFI, again. */
GUEST_CODE(guest_isr,
	   "1: mrs x10, isr_el1\n str x10, [x22]\n wfi\n b 1b\n");

/* WFI with everything masked and nothing coming: only a signal ends it. */
GUEST_CODE(guest_wfi_forever, "1: wfi\n b 1b\n");

GUEST_CODE(guest_spin_forever, "b .\n");

static __u64 cntfrq(void)
{
	__u64 f;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r" (f));
	return f;
}

FIXTURE(irq) {
	struct kvm_vm vm;
};

FIXTURE_SETUP(irq)
{
	int r = vm_create(&self->vm, 1, 0);

	ASSERT_EQ(0, r) TH_LOG("vm_create: %s", strerror(-r));
	memcpy(vm_gpa(&self->vm, VECTORS_GPA), guest_vectors,
	       guest_vectors_end - guest_vectors);
	ASSERT_EQ(0, kset_reg64(self->vm.vcpu[0], REG_VBAR, VECTORS_GPA));
	ASSERT_EQ(0, kset_reg64(self->vm.vcpu[0], REG_X(22), GUEST_MMIO_GPA));
	install_kick_signal();
}

FIXTURE_TEARDOWN(irq)
{
	vm_destroy(&self->vm);
}

#define LOAD(name)	ASSERT_EQ(0, vm_load_code(&self->vm, 0, GUEST_RAM_GPA, \
						   name, name##_end))
#define RUN0()		ASSERT_EQ(0, vcpu_run(&self->vm, 0))
#define SETX(n, v)	ASSERT_EQ(0, kset_reg64(self->vm.vcpu[0], REG_X(n), v))

static void expect_write(struct __test_metadata *_metadata,
			 struct kvm_run *run, __u64 off, __u64 val)
{
	ASSERT_EQ(KVM_EXIT_MMIO, run->exit_reason)
		TH_LOG("exit %d, expected an MMIO write at +%llu", run->exit_reason,
		       (unsigned long long)off);
	EXPECT_EQ(GUEST_MMIO_GPA + off, run->mmio.phys_addr);
	EXPECT_EQ(1, run->mmio.is_write);
	EXPECT_EQ(val, mmio_data(run));
}

/*
 * After an interrupt was raised: the guest's handler at vector @vec reports
 * (ISR_EL1 shows @isr, CNTV_CTL_EL0 shows @ctl unless negative), the test
 * lowers the line, the guest powers off.
 */
static void expect_handler(struct __test_metadata *_metadata,
			   struct kvm_vm *vm, int fiq, __u64 vec, __u64 isr,
			   long long ctl)
{
	struct kvm_run *run = vm->run[0];
	int r;

	expect_write(_metadata, run, 0, vec);
	ASSERT_EQ(0, vcpu_run(vm, 0));
	expect_write(_metadata, run, 8, isr);
	ASSERT_EQ(0, vcpu_run(vm, 0));
	ASSERT_EQ(KVM_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(GUEST_MMIO_GPA + 16, run->mmio.phys_addr);
	if (ctl >= 0)
		EXPECT_EQ(ctl, mmio_data(run));
	/*
	 * The handler switches the timer off, then stores. Should the vCPU
	 * exit for the host in between with the timer's level having fallen,
	 * KVM_RUN returns -EINTR/KVM_EXIT_INTR there to say so (KVM does the
	 * same); the guest then goes on to its store.
	 */
	r = vcpu_run(vm, 0);
	if (r == -EINTR && run->exit_reason == KVM_EXIT_INTR) {
		EXPECT_FALSE(run->s.regs.device_irq_level &
			     KVM_ARM_DEV_EL1_VTIMER);
		r = vcpu_run(vm, 0);
	}
	ASSERT_EQ(0, r);
	expect_write(_metadata, run, 24, 0);
	EXPECT_FALSE(run->s.regs.device_irq_level & KVM_ARM_DEV_EL1_VTIMER);
	ASSERT_EQ(0, irq_line(vm, 0, fiq, 0));
	ASSERT_EQ(0, vcpu_run(vm, 0));
	ASSERT_EQ(KVM_EXIT_SYSTEM_EVENT, run->exit_reason);
	EXPECT_EQ(KVM_SYSTEM_EVENT_SHUTDOWN, run->system_event.type);
}

/* Raise @fiq's line from this thread while the vCPU's thread is in WFI. */
static void wfi_then_line(struct __test_metadata *_metadata,
			  struct kvm_vm *vm, int fiq)
{
	struct runner r;
	double t0;

	ASSERT_EQ(0, runner_start(&r, vm, 0));
	EXPECT_TRUE(runner_blocks(&r)) TH_LOG("the vCPU thread does not block in WFI");
	t0 = now_s();
	ASSERT_EQ(0, irq_line(vm, 0, fiq, 1));
	pthread_join(r.thread, NULL);
	ASSERT_EQ(0, r.ret) TH_LOG("KVM_RUN: %s", strerror(-r.ret));
	/* Woken by the line, promptly. */
	EXPECT_GE(r.t_end, t0);
	EXPECT_LT(r.t_end - t0, 2.0);
	/* The handler runs after the WFI: its ELR_EL1 is past it. */
	EXPECT_EQ(GUEST_RAM_GPA + 8, kget_reg64(vm->vcpu[0], REG_ELR_EL1));
	expect_handler(_metadata, vm, fiq, fiq ? 0x300 : 0x280,
		       fiq ? 0x40 : 0x80, -1);
}

TEST_F(irq, wfi_irq_from_thread)
{
	LOAD(guest_wfi);
	wfi_then_line(_metadata, &self->vm, 0);
}

TEST_F(irq, wfi_fiq_from_thread)
{
	LOAD(guest_wfi);
	wfi_then_line(_metadata, &self->vm, 1);
}

/* A line raised while the guest spins kicks it out of the guest at once. */
TEST_F(irq, irq_while_running)
{
	struct runner r;

	LOAD(guest_spin_irq);
	ASSERT_EQ(0, runner_start(&r, &self->vm, 0));
	usleep(200000);
	EXPECT_FALSE(runner_done(&r));
	EXPECT_EQ('R', thread_state(r.tid));
	ASSERT_EQ(0, irq_line(&self->vm, 0, 0, 1));
	pthread_join(r.thread, NULL);
	ASSERT_EQ(0, r.ret);
	expect_handler(_metadata, &self->vm, 0, 0x280, 0x80, -1);
}

/*
 * The lines are levels (HCR_EL2.VI/VF): ISR_EL1 follows them, masked
 * interrupts are not taken, and WFI does not wait while one is high.
 */
TEST_F(irq, line_levels)
{
	struct kvm_run *run = self->vm.run[0];

	LOAD(guest_isr);
	RUN0();
	expect_write(_metadata, run, 0, 0);
	ASSERT_EQ(0, irq_line(&self->vm, 0, 0, 1));
	/* Raising a raised line changes nothing. */
	ASSERT_EQ(0, irq_line(&self->vm, 0, 0, 1));
	RUN0();
	expect_write(_metadata, run, 0, 0x80);
	ASSERT_EQ(0, irq_line(&self->vm, 0, 1, 1));
	RUN0();
	expect_write(_metadata, run, 0, 0xc0);
	ASSERT_EQ(0, irq_line(&self->vm, 0, 0, 0));
	RUN0();
	expect_write(_metadata, run, 0, 0x40);
	RUN0();
	expect_write(_metadata, run, 0, 0x40);
	/* Both low: the next WFI would wait; stop here. */
	ASSERT_EQ(0, irq_line(&self->vm, 0, 1, 0));
	ASSERT_EQ(0, irq_line(&self->vm, 0, 1, 0));
}

/*
 * The timer's level is high and userspace was told: raise the IRQ line; the
 * guest's handler sees the timer's ENABLE and ISTATUS and switches it off.
 */
static void timer_irq_handled(struct __test_metadata *_metadata,
			      struct kvm_vm *vm)
{
	ASSERT_EQ(0, irq_line(vm, 0, 0, 1));
	ASSERT_EQ(0, vcpu_run(vm, 0));
	expect_handler(_metadata, vm, 0, 0x280, 0x80, 5);
}

/*
 * The virtual timer fires while the vCPU thread sleeps in WFI: KVM_RUN
 * returns -EINTR/KVM_EXIT_INTR with the timer's level in device_irq_level,
 * not before the timer is due; the test raises the IRQ line and the guest
 * takes the interrupt.
 */
TEST_F(irq, vtimer_wfi)
{
	struct kvm_run *run = self->vm.run[0];
	__u64 ticks = cntfrq() / 5;	/* 200 ms */
	double t0, dt;

	ASSERT_NE(0, ticks);
	EXPECT_EQ(1, ioctl(self->vm.sys, KVM_CHECK_EXTENSION, KVM_CAP_ARM_USER_IRQ));
	LOAD(guest_timer_wfi);
	SETX(21, ticks);
	run->s.regs.device_irq_level = 0;
	t0 = now_s();
	EXPECT_EQ(-EINTR, vcpu_run(&self->vm, 0));
	dt = now_s() - t0;
	ASSERT_EQ(KVM_EXIT_INTR, run->exit_reason);
	EXPECT_TRUE(run->s.regs.device_irq_level & KVM_ARM_DEV_EL1_VTIMER);
	/* Emulated clocks differ a little: allow some slack. */
	EXPECT_GT(dt, 0.1) TH_LOG("woke after %.3f s", dt);
	EXPECT_LT(dt, 5.0) TH_LOG("woke after %.3f s", dt);

	timer_irq_handled(_metadata, &self->vm);
}

/* The same with a guest that spins: the timer still ends KVM_RUN. */
TEST_F(irq, vtimer_spin)
{
	struct kvm_run *run = self->vm.run[0];
	__u64 ticks = cntfrq() / 10;	/* 100 ms */
	double t0, dt;

	LOAD(guest_timer_spin);
	SETX(21, ticks);
	t0 = now_s();
	EXPECT_EQ(-EINTR, vcpu_run(&self->vm, 0));
	dt = now_s() - t0;
	ASSERT_EQ(KVM_EXIT_INTR, run->exit_reason);
	EXPECT_TRUE(run->s.regs.device_irq_level & KVM_ARM_DEV_EL1_VTIMER);
	EXPECT_GT(dt, 0.05) TH_LOG("exit after %.3f s", dt);
	EXPECT_LT(dt, 5.0) TH_LOG("exit after %.3f s", dt);
	/* Told once: with the line still low, the guest just runs on. */
	timer_irq_handled(_metadata, &self->vm);
}

/* A timer that is due but masked (IMASK) does not end KVM_RUN or WFI. */
TEST_F(irq, vtimer_masked)
{
	struct kvm_run *run = self->vm.run[0];
	struct runner r;

	LOAD(guest_wfi_forever);
	/* CNTV_CTL = ENABLE | IMASK, compare value long past. */
	ASSERT_EQ(0, kset_reg64(self->vm.vcpu[0], KVM_REG_ARM_TIMER_CVAL, 0));
	ASSERT_EQ(0, kset_reg64(self->vm.vcpu[0], KVM_REG_ARM_TIMER_CTL, 3));
	ASSERT_EQ(0, runner_start(&r, &self->vm, 0));
	EXPECT_TRUE(runner_blocks(&r));
	pthread_kill(r.thread, SIGUSR1);
	pthread_join(r.thread, NULL);
	EXPECT_EQ(-EINTR, r.ret);
	EXPECT_EQ(KVM_EXIT_INTR, run->exit_reason);
	EXPECT_FALSE(run->s.regs.device_irq_level & KVM_ARM_DEV_EL1_VTIMER);
}

/* A signal ends a WFI that nothing else would end. */
TEST_F(irq, wfi_signal)
{
	struct kvm_run *run = self->vm.run[0];
	struct runner r;

	LOAD(guest_wfi_forever);
	ASSERT_EQ(0, runner_start(&r, &self->vm, 0));
	EXPECT_TRUE(runner_blocks(&r));
	pthread_kill(r.thread, SIGUSR1);
	pthread_join(r.thread, NULL);
	EXPECT_EQ(-EINTR, r.ret);
	EXPECT_EQ(KVM_EXIT_INTR, run->exit_reason);
	/* Stopped after the WFI it was waiting in. */
	EXPECT_EQ(GUEST_RAM_GPA + 4, kget_reg64(self->vm.vcpu[0], REG_PC));
}

/*
 * More vCPUs spinning than the host has CPUs: the host keeps running (this
 * thread sleeps and wakes on time) and a signal gets each out.
 */
TEST(spinning_guests_do_not_stall_host)
{
	int n = sysconf(_SC_NPROCESSORS_ONLN) + 1, i;
	struct runner r[8];
	struct kvm_vm vm;
	double t0, dt;

	if (n > 8)
		n = 8;
	install_kick_signal();
	ASSERT_EQ(0, vm_create(&vm, n, 0));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, vm_load_code(&vm, i, GUEST_RAM_GPA, guest_spin_forever,
					  guest_spin_forever_end));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, runner_start(&r[i], &vm, i));
	for (i = 0; i < 5; i++) {
		t0 = now_s();
		usleep(100000);
		dt = now_s() - t0;
		EXPECT_LT(dt, 2.0) TH_LOG("a 100 ms sleep took %.3f s", dt);
	}
	for (i = 0; i < n; i++)
		EXPECT_FALSE(runner_done(&r[i]));
	for (i = 0; i < n; i++)
		pthread_kill(r[i].thread, SIGUSR1);
	for (i = 0; i < n; i++) {
		pthread_join(r[i].thread, NULL);
		EXPECT_EQ(-EINTR, r[i].ret);
		EXPECT_EQ(KVM_EXIT_INTR, vm.run[i]->exit_reason);
	}
	vm_destroy(&vm);
}

/* Bad KVM_IRQ_LINE arguments, with a running vCPU. */
TEST_F(irq, irq_line_vcpu_ids)
{
	/* vCPU 1 does not exist. */
	EXPECT_EQ(-EINVAL, irq_line(&self->vm, 1, 0, 1));
	EXPECT_EQ(0, irq_line(&self->vm, 0, 0, 0));
}

#else /* !__aarch64__ */

TEST(arm64_only)
{
	SKIP(return, "these tests drive an arm64 guest");
}

#endif

TEST_HARNESS_MAIN
