// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_RUN: guests that do MMIO, HVC/SMC (PSCI and other SMCCC calls), use
 * their RAM and FP/SIMD registers, and the ways KVM_RUN returns early
 * (immediate_exit, signals). Each guest is a small position-independent
 * blob; it keeps its state in x19 and up. Run against the in-kernel KVM too
 * (KVMLITE_DEV=/dev/kvm).
 */
#include <linux/kvm.h>
#include <linux/kvmlite.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>

#include "bench_util.h"
#include "kselftest_harness.h"

#ifdef __aarch64__
#include "kvmlite_util.h"

/* w0 = PSCI SYSTEM_OFF; hvc */
#define SYSTEM_OFF_ASM	"movz w0, #0x0008\n movk w0, #0x8400, lsl #16\n hvc #0\n"

/* MMIO of every size, loads completed by the test: x19 = MMIO base. */
GUEST_CODE(guest_mmio,
	   "str x20, [x19]\n"
	   "ldr x21, [x19, #8]\n"
	   "str w21, [x19, #16]\n"
	   "strh w20, [x19, #24]\n"
	   "strb w20, [x19, #32]\n"
	   "ldrb w22, [x19, #40]\n"
	   "ldr w23, [x19, #48]\n"
	   "ldrh w24, [x19, #56]\n"
	   "str xzr, [x19, #64]\n"
	   SYSTEM_OFF_ASM
	   "b .\n");

/* SMCCC calls; results in x20-x25. */
GUEST_CODE(guest_psci,
	   "movz w0, #0x0000\n movk w0, #0x8400, lsl #16\n hvc #0\n mov x20, x0\n"
	   "movz w0, #0x000a\n movk w0, #0x8400, lsl #16\n"
	   "movz w1, #0x0008\n movk w1, #0x8400, lsl #16\n hvc #0\n mov x21, x0\n"
	   "movz w0, #0x000a\n movk w0, #0x8400, lsl #16\n"
	   "movz w1, #0x1234\n movk w1, #0xc400, lsl #16\n hvc #0\n mov x22, x0\n"
	   "movz w0, #0x1234\n movk w0, #0xc200, lsl #16\n hvc #0\n mov x23, x0\n"
	   "movz w0, #0x0000\n movk w0, #0x8400, lsl #16\n smc #0\n mov x24, x0\n"
	   "movz w0, #0x0006\n movk w0, #0x8400, lsl #16\n hvc #0\n mov x25, x0\n"
	   "movz w0, #0x0000\n movk w0, #0x8000, lsl #16\n hvc #0\n mov x26, x0\n"
	   SYSTEM_OFF_ASM
	   "b .\n");

GUEST_CODE(guest_reset,
	   "movz w0, #0x0009\n movk w0, #0x8400, lsl #16\n hvc #0\n"
	   "b .\n");

/* Store x20 to RAM at x19, load x21 from x19 + 8, report x21 to MMIO x22. */
GUEST_CODE(guest_ram,
	   "str x20, [x19]\n"
	   "ldr x21, [x19, #8]\n"
	   "str x21, [x22]\n"
	   SYSTEM_OFF_ASM
	   "b .\n");

/* Forever: load x21 from x19, report it to MMIO x22. */
GUEST_CODE(guest_peek,
	   "1: ldr x21, [x19]\n"
	   "str x21, [x22]\n"
	   "b 1b\n");

/* Read-only slot at x19: read it, write it (MMIO), report to MMIO x22. */
GUEST_CODE(guest_rom,
	   "ldr x20, [x19]\n"
	   "str x23, [x19, #8]\n"
	   "str x20, [x22]\n"
	   SYSTEM_OFF_ASM
	   "b .\n");

GUEST_CODE(guest_spin, "b .\n");

/* A load pair has no instruction syndrome. */
GUEST_CODE(guest_ldp, "ldp x20, x21, [x19]\n b .\n");

/* FP/SIMD: d1 = d0 + d0 from x20, v2 from the host into x22. */
GUEST_CODE(guest_fp,
	   "fmov d0, x20\n"
	   "fadd d1, d0, d0\n"
	   "fmov x21, d1\n"
	   "fmov x22, d2\n"
	   "mov v3.d[1], x20\n"
	   SYSTEM_OFF_ASM
	   "b .\n");

FIXTURE(run) {
	struct kvm_vm vm;
};

FIXTURE_SETUP(run)
{
	int r = vm_create(&self->vm, 1, 0);

	ASSERT_EQ(0, r) TH_LOG("vm_create: %s", strerror(-r));
}

FIXTURE_TEARDOWN(run)
{
	vm_destroy(&self->vm);
}

#define LOAD(name)	ASSERT_EQ(0, vm_load_code(&self->vm, 0, GUEST_RAM_GPA, \
						   name, name##_end))
#define RUN0()		ASSERT_EQ(0, vcpu_run(&self->vm, 0))
#define X(n)		kget_reg64(self->vm.vcpu[0], REG_X(n))
#define SETX(n, v)	ASSERT_EQ(0, kset_reg64(self->vm.vcpu[0], REG_X(n), v))

static void expect_mmio(struct __test_metadata *_metadata, struct kvm_run *run,
			__u64 addr, int len, int is_write)
{
	ASSERT_EQ(KVM_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(addr, run->mmio.phys_addr);
	EXPECT_EQ(len, run->mmio.len);
	EXPECT_EQ(is_write, run->mmio.is_write);
}

TEST_F(run, mmio_sizes)
{
	struct kvm_run *run = self->vm.run[0];
	int c = self->vm.vcpu[0];

	LOAD(guest_mmio);
	SETX(19, GUEST_MMIO_GPA);
	SETX(20, 0x1122334455667788ULL);

	RUN0();
	expect_mmio(_metadata, run, GUEST_MMIO_GPA, 8, 1);
	EXPECT_EQ(0x1122334455667788ULL, mmio_data(run));
	/* The PC moves past the access only on the next KVM_RUN. */
	EXPECT_EQ(GUEST_RAM_GPA, kget_reg64(c, REG_PC));

	RUN0();
	expect_mmio(_metadata, run, GUEST_MMIO_GPA + 8, 8, 0);
	mmio_set_data(run, 0xa1a2a3a4a5a6a7a8ULL);
	RUN0();
	EXPECT_EQ(0xa1a2a3a4a5a6a7a8ULL, X(21));
	expect_mmio(_metadata, run, GUEST_MMIO_GPA + 16, 4, 1);
	EXPECT_EQ(0xa5a6a7a8, mmio_data(run));
	RUN0();
	expect_mmio(_metadata, run, GUEST_MMIO_GPA + 24, 2, 1);
	EXPECT_EQ(0x7788, mmio_data(run));
	RUN0();
	expect_mmio(_metadata, run, GUEST_MMIO_GPA + 32, 1, 1);
	EXPECT_EQ(0x88, mmio_data(run));
	/* Narrow loads are zero-extended; the rest of data[] is ignored. */
	RUN0();
	expect_mmio(_metadata, run, GUEST_MMIO_GPA + 40, 1, 0);
	mmio_set_data(run, 0xfffffffffffffff0ULL);
	RUN0();
	EXPECT_EQ(0xf0, X(22));
	expect_mmio(_metadata, run, GUEST_MMIO_GPA + 48, 4, 0);
	mmio_set_data(run, 0xffffffff80000000ULL);
	RUN0();
	EXPECT_EQ(0x80000000ULL, X(23));
	expect_mmio(_metadata, run, GUEST_MMIO_GPA + 56, 2, 0);
	mmio_set_data(run, 0x8001);
	RUN0();
	EXPECT_EQ(0x8001, X(24));
	/* A store of xzr. */
	expect_mmio(_metadata, run, GUEST_MMIO_GPA + 64, 8, 1);
	EXPECT_EQ(0, mmio_data(run));
	RUN0();
	ASSERT_EQ(KVM_EXIT_SYSTEM_EVENT, run->exit_reason);
	EXPECT_EQ(KVM_SYSTEM_EVENT_SHUTDOWN, run->system_event.type);
}

TEST_F(run, psci_and_smccc)
{
	struct kvm_run *run = self->vm.run[0];

	LOAD(guest_psci);
	RUN0();
	ASSERT_EQ(KVM_EXIT_SYSTEM_EVENT, run->exit_reason)
		TH_LOG("exit %d", run->exit_reason);
	EXPECT_EQ(KVM_SYSTEM_EVENT_SHUTDOWN, run->system_event.type);
	EXPECT_EQ(0x10001, X(20));			/* PSCI 1.1 */
	EXPECT_EQ(0, X(21));				/* SYSTEM_OFF: there */
	EXPECT_EQ((__u64)PSCI_RET_NOT_SUPPORTED, X(22)); /* 0xc4001234 */
	EXPECT_EQ(~0ULL, X(23));			/* unknown SMCCC call */
	/*
	 * Through SMC. KVM before 6.4 (6.1 here) answers every SMC with ~0
	 * (handle_smc()); kvmlite does what KVM does since, which hands SMCs
	 * to its SMCCC and PSCI handler like HVCs.
	 */
	EXPECT_EQ(!is_kvmlite() && kernel_before(6, 4) ? ~0ULL : 0x10001,
		  X(24));
	EXPECT_EQ(PSCI_0_2_TOS_MP, X(25));		/* MIGRATE_INFO_TYPE */
	EXPECT_EQ(0x10001, X(26));			/* SMCCC 1.1 */
	/* Should the guest go on, SYSTEM_OFF failed for it. */
	EXPECT_EQ((__u64)PSCI_RET_INTERNAL_FAILURE, X(0));
	EXPECT_EQ(0, X(1));
}

/* Userspace may pick PSCI 0.2: then there is no PSCI_FEATURES. */
TEST_F(run, psci_0_2)
{
	ASSERT_EQ(0, kset_reg64(self->vm.vcpu[0], KVM_REG_ARM_PSCI_VERSION, 2));
	LOAD(guest_psci);
	RUN0();
	ASSERT_EQ(KVM_EXIT_SYSTEM_EVENT, self->vm.run[0]->exit_reason);
	EXPECT_EQ(2, X(20));
	EXPECT_EQ((__u64)PSCI_RET_NOT_SUPPORTED, X(21));
}

TEST_F(run, system_reset)
{
	struct kvm_run *run = self->vm.run[0];

	LOAD(guest_reset);
	RUN0();
	ASSERT_EQ(KVM_EXIT_SYSTEM_EVENT, run->exit_reason);
	EXPECT_EQ(KVM_SYSTEM_EVENT_RESET, run->system_event.type);
	EXPECT_EQ(1, run->system_event.ndata);
	EXPECT_EQ(0, run->system_event.data[0]);
}

/* Guest and host see the same RAM, both ways. */
TEST_F(run, ram_shared)
{
	__u64 *data = vm_gpa(&self->vm, GUEST_RAM_GPA + 0x10000);
	struct kvm_run *run = self->vm.run[0];

	LOAD(guest_ram);
	data[1] = 0x5a5a5a5a12345678ULL;
	SETX(19, GUEST_RAM_GPA + 0x10000);
	SETX(20, 0xcafef00d);
	SETX(22, GUEST_MMIO_GPA);
	RUN0();
	expect_mmio(_metadata, run, GUEST_MMIO_GPA, 8, 1);
	EXPECT_EQ(0x5a5a5a5a12345678ULL, mmio_data(run));
	EXPECT_EQ(0xcafef00d, data[0]);
	RUN0();
	EXPECT_EQ(KVM_EXIT_SYSTEM_EVENT, run->exit_reason);
}

/* The host drops the page under the guest: the guest sees fresh zeroes. */
TEST_F(run, madvise_dontneed)
{
	__u64 *data = vm_gpa(&self->vm, GUEST_RAM_GPA + 0x20000);
	struct kvm_run *run = self->vm.run[0];
	int i;

	LOAD(guest_peek);
	SETX(19, GUEST_RAM_GPA + 0x20000);
	SETX(22, GUEST_MMIO_GPA);
	for (i = 0; i < 3; i++) {
		data[0] = 42 + i;
		RUN0();
		expect_mmio(_metadata, run, GUEST_MMIO_GPA, 8, 1);
		EXPECT_EQ(42 + i, mmio_data(run));
		ASSERT_EQ(0, madvise(data, 4096, MADV_DONTNEED));
		RUN0();
		expect_mmio(_metadata, run, GUEST_MMIO_GPA, 8, 1);
		EXPECT_EQ(0, mmio_data(run));
	}
}

/* A slot that goes away or moves: its old addresses become MMIO. */
TEST_F(run, memslot_delete_move)
{
	struct kvm_run *run = self->vm.run[0];
	__u64 *mem;

	mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	mem[0] = 0x77;
	ASSERT_EQ(0, kset_mem(self->vm.fd, 1, 0, 0x90000000, 4096, mem));
	LOAD(guest_peek);
	SETX(19, 0x90000000);
	SETX(22, GUEST_MMIO_GPA);
	RUN0();
	expect_mmio(_metadata, run, GUEST_MMIO_GPA, 8, 1);
	EXPECT_EQ(0x77, mmio_data(run));

	/* Moved away: 0x90000000 is MMIO now. */
	ASSERT_EQ(0, kset_mem(self->vm.fd, 1, 0, 0xa0000000, 4096, mem));
	RUN0();
	expect_mmio(_metadata, run, 0x90000000, 8, 0);
	mmio_set_data(run, 0x99);
	RUN0();
	expect_mmio(_metadata, run, GUEST_MMIO_GPA, 8, 1);
	EXPECT_EQ(0x99, mmio_data(run));

	/* At its new place. */
	SETX(19, 0xa0000000);
	RUN0();
	expect_mmio(_metadata, run, GUEST_MMIO_GPA, 8, 1);
	EXPECT_EQ(0x77, mmio_data(run));

	/* Deleted, and its memory unmapped by the host: MMIO, no harm. */
	ASSERT_EQ(0, kset_mem(self->vm.fd, 1, 0, 0xa0000000, 0, mem));
	munmap(mem, 4096);
	RUN0();
	expect_mmio(_metadata, run, 0xa0000000, 8, 0);
}

/* A read-only slot reads like RAM; its writes are MMIO exits. */
TEST_F(run, readonly_slot)
{
	struct kvm_run *run = self->vm.run[0];
	__u64 *rom;

	rom = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, rom);
	rom[0] = 0x0123456789abcdefULL;
	ASSERT_EQ(0, kset_mem(self->vm.fd, 1, KVM_MEM_READONLY, 0x90000000,
			      4096, rom));
	LOAD(guest_rom);
	SETX(19, 0x90000000);
	SETX(22, GUEST_MMIO_GPA);
	SETX(23, 0xdead);
	RUN0();
	expect_mmio(_metadata, run, 0x90000008, 8, 1);
	EXPECT_EQ(0xdead, mmio_data(run));
	RUN0();
	expect_mmio(_metadata, run, GUEST_MMIO_GPA, 8, 1);
	EXPECT_EQ(0x0123456789abcdefULL, mmio_data(run));
	EXPECT_EQ(0, rom[1]);
	RUN0();
	EXPECT_EQ(KVM_EXIT_SYSTEM_EVENT, run->exit_reason);
	munmap(rom, 4096);
}

/*
 * No instruction syndrome (a load pair) outside memory: KVM_RUN fails with
 * ENOSYS, as KVM does without KVM_CAP_ARM_NISV_TO_USER (the name is pasted
 * for checkpatch, which takes it for a syscall number error).
 */
#define ERR_NISV	PASTE(ENO, SYS)
#define PASTE(a, b)	a##b

TEST_F(run, mmio_no_syndrome)
{
	LOAD(guest_ldp);
	SETX(19, GUEST_MMIO_GPA);
	EXPECT_EQ(-ERR_NISV, vcpu_run(&self->vm, 0));
}

TEST_F(run, fp_regs)
{
	__u64 v2[2] = { 0x4010000000000000ULL, 7 }, v1[2], v3[2];
	double a = 1.5, b;

	LOAD(guest_fp);
	/* CPACR_EL1.FPEN: FP/SIMD on at EL1. */
	ASSERT_EQ(0, kset_reg64(self->vm.vcpu[0], SYSREG(3, 0, 1, 0, 2), 3 << 20));
	SETX(20, 0x3ff8000000000000ULL);	/* 1.5 */
	ASSERT_EQ(0, kset_reg(self->vm.vcpu[0], REG_V(2), v2));
	RUN0();
	ASSERT_EQ(KVM_EXIT_SYSTEM_EVENT, self->vm.run[0]->exit_reason);
	EXPECT_EQ(0x4008000000000000ULL, X(21));	/* 3.0 */
	EXPECT_EQ(0x4010000000000000ULL, X(22));
	ASSERT_EQ(0, kget_reg(self->vm.vcpu[0], REG_V(1), v1));
	EXPECT_EQ(0x4008000000000000ULL, v1[0]);
	ASSERT_EQ(0, kget_reg(self->vm.vcpu[0], REG_V(3), v3));
	EXPECT_EQ(0x3ff8000000000000ULL, v3[1]);
	/* The host's own FP state survived (a is not a constant to gcc). */
	__asm__ __volatile__("" : "+w" (a));
	b = a * 2;
	EXPECT_TRUE(b == 3.0);
}

TEST_F(run, immediate_exit)
{
	struct kvm_run *run = self->vm.run[0];

	LOAD(guest_spin);
	run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, vcpu_run(&self->vm, 0));
	/* KVM leaves exit_reason alone here (no KVM_EXIT_INTR). */
	EXPECT_EQ(KVM_EXIT_UNKNOWN, run->exit_reason);
	EXPECT_EQ(GUEST_RAM_GPA, kget_reg64(self->vm.vcpu[0], REG_PC));
	run->immediate_exit = 0;
}

/* An MMIO load is completed before immediate_exit takes effect. */
TEST_F(run, immediate_exit_completes_mmio)
{
	struct kvm_run *run = self->vm.run[0];

	LOAD(guest_mmio);
	SETX(19, GUEST_MMIO_GPA);
	RUN0();
	RUN0();
	expect_mmio(_metadata, run, GUEST_MMIO_GPA + 8, 8, 0);
	mmio_set_data(run, 0x1234);
	run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, vcpu_run(&self->vm, 0));
	EXPECT_EQ(0x1234, X(21));
	EXPECT_EQ(GUEST_RAM_GPA + 8, kget_reg64(self->vm.vcpu[0], REG_PC));
	run->immediate_exit = 0;
}

static int alarms;

static void on_alarm(int sig)
{
	__atomic_fetch_add(&alarms, 1, __ATOMIC_SEQ_CST);
}

/* A signal ends KVM_RUN of a spinning guest: EINTR and KVM_EXIT_INTR. */
TEST_F(run, signal_exit)
{
	struct itimerval it = { .it_value.tv_usec = 100000 };
	struct sigaction sa = { .sa_handler = on_alarm };
	struct kvm_run *run = self->vm.run[0];

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	LOAD(guest_spin);
	alarms = 0;
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	EXPECT_EQ(-EINTR, vcpu_run(&self->vm, 0));
	EXPECT_EQ(KVM_EXIT_INTR, run->exit_reason);
	EXPECT_EQ(1, __atomic_load_n(&alarms, __ATOMIC_SEQ_CST));
	EXPECT_EQ(GUEST_RAM_GPA, kget_reg64(self->vm.vcpu[0], REG_PC));
}

/*
 * KVM_SET_SIGNAL_MASK: SIGALRM blocked in the thread but not in the vCPU
 * mask still ends KVM_RUN; the thread's mask is back afterwards.
 */
TEST_F(run, signal_mask)
{
	struct itimerval it = { .it_value.tv_usec = 100000 };
	struct sigaction sa = { .sa_handler = on_alarm };
	struct {
		struct kvm_signal_mask m;
		__u64 set;
	} sm = { .m.len = 8, .set = 0 };
	sigset_t block, now;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	ASSERT_EQ(0, pthread_sigmask(SIG_BLOCK, &block, NULL));
	ASSERT_EQ(0, kioctlp(self->vm.vcpu[0], KVM_SET_SIGNAL_MASK, &sm));
	LOAD(guest_spin);
	alarms = 0;
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	EXPECT_EQ(-EINTR, vcpu_run(&self->vm, 0));
	EXPECT_EQ(KVM_EXIT_INTR, self->vm.run[0]->exit_reason);
	ASSERT_EQ(0, pthread_sigmask(SIG_BLOCK, NULL, &now));
	EXPECT_TRUE(sigismember(&now, SIGALRM));
	ASSERT_EQ(0, pthread_sigmask(SIG_UNBLOCK, &block, NULL));
	EXPECT_EQ(1, __atomic_load_n(&alarms, __ATOMIC_SEQ_CST));
}

/* Two VMs run one after the other and keep their own memory. */
TEST(two_vms_run)
{
	struct kvm_vm a, b;
	int i;

	ASSERT_EQ(0, vm_create(&a, 1, 0));
	ASSERT_EQ(0, vm_create(&b, 1, 0));
	ASSERT_EQ(0, vm_load_code(&a, 0, GUEST_RAM_GPA, guest_peek, guest_peek_end));
	ASSERT_EQ(0, vm_load_code(&b, 0, GUEST_RAM_GPA, guest_peek, guest_peek_end));
	*(__u64 *)vm_gpa(&a, GUEST_RAM_GPA + 0x1000) = 0xaaaa;
	*(__u64 *)vm_gpa(&b, GUEST_RAM_GPA + 0x1000) = 0xbbbb;
	ASSERT_EQ(0, kset_reg64(a.vcpu[0], REG_X(19), GUEST_RAM_GPA + 0x1000));
	ASSERT_EQ(0, kset_reg64(b.vcpu[0], REG_X(19), GUEST_RAM_GPA + 0x1000));
	ASSERT_EQ(0, kset_reg64(a.vcpu[0], REG_X(22), GUEST_MMIO_GPA));
	ASSERT_EQ(0, kset_reg64(b.vcpu[0], REG_X(22), GUEST_MMIO_GPA));
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, vcpu_run(&a, 0));
		EXPECT_EQ(0xaaaa, mmio_data(a.run[0]));
		ASSERT_EQ(0, vcpu_run(&b, 0));
		EXPECT_EQ(0xbbbb, mmio_data(b.run[0]));
	}
	vm_destroy(&a);
	vm_destroy(&b);
}

#else /* !__aarch64__ */

TEST(arm64_only)
{
	SKIP(return, "these tests drive an arm64 guest");
}

#endif

TEST_HARNESS_MAIN
