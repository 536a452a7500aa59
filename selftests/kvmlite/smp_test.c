// SPDX-License-Identifier: GPL-2.0
/*
 * Several vCPUs, each on a thread of its own: guests running at the same
 * time and sharing memory, PSCI CPU_ON/CPU_OFF/AFFINITY_INFO between them,
 * and fds closed (or the whole process gone) while vCPU threads are inside
 * KVM_RUN. Run against the in-kernel KVM too (KVMLITE_DEV=/dev/kvm).
 */
#include <linux/kvm.h>
#include <linux/kvmlite.h>
#include <sys/wait.h>

#include "bench_util.h"
#include "kselftest_harness.h"

#ifdef __aarch64__
#include "kvmlite_thread.h"

#define SYSTEM_OFF_ASM	"movz w0, #0x0008\n movk w0, #0x8400, lsl #16\n hvc #0\n"
/* w0 = PSCI function 0x840000<fn> or 0xc40000<fn> */
#define PSCI32(fn)	"movz w0, #" #fn "\n movk w0, #0x8400, lsl #16\n"
#define PSCI64(fn)	"movz w0, #" #fn "\n movk w0, #0xc400, lsl #16\n"

#define FLAGS_GPA	(GUEST_RAM_GPA + 0x20000)
#define ENTRY_GPA	(GUEST_RAM_GPA + 0x1000)

/*
 * Ping-pong through RAM: x19 = flags, x20 = this vCPU's flag offset, x21 =
 * the other's. Set ours, wait for theirs, report x23 to MMIO x22, power
 * off. Only completes if both vCPUs run at once.
 */
GUEST_CODE(guest_pingpong,
	   "mov x10, #1\n str x10, [x19, x20]\n"
	   "1: ldr x10, [x19, x21]\n cbz x10, 1b\n"
	   "str x23, [x22]\n"
	   "b .\n");

/*
 * vCPU 0: PSCI on vCPU 1 (MPIDR x19), reporting each result to MMIO at x22:
 * AFFINITY_INFO (+0), CPU_ON at x20 with context x21 (+8), CPU_ON again
 * (+16), CPU_ON of a vCPU that does not exist (+24), AFFINITY_INFO with a
 * bad level (+32), of vCPU 1's cluster (level 1: +48), of a cluster with
 * no vCPU (+56); then AFFINITY_INFO until vCPU 1 is off again (+40).
 */
GUEST_CODE(guest_cpu_on,
	   PSCI64(0x0004) "mov x1, x19\n mov x2, #0\n hvc #0\n str x0, [x22]\n"
	   PSCI64(0x0003) "mov x1, x19\n mov x2, x20\n mov x3, x21\n hvc #0\n"
	   "str x0, [x22, #8]\n"
	   PSCI64(0x0003) "mov x1, x19\n mov x2, x20\n mov x3, x21\n hvc #0\n"
	   "str x0, [x22, #16]\n"
	   PSCI64(0x0003) "mov x1, #7\n mov x2, x20\n mov x3, x21\n hvc #0\n"
	   "str x0, [x22, #24]\n"
	   PSCI64(0x0004) "mov x1, x19\n mov x2, #4\n hvc #0\n str x0, [x22, #32]\n"
	   PSCI64(0x0004) "mov x1, x19\n mov x2, #1\n hvc #0\n str x0, [x22, #48]\n"
	   PSCI64(0x0004) "mov x1, #0x100\n mov x2, #0\n hvc #0\n str x0, [x22, #56]\n"
	   "1: " PSCI64(0x0004) "mov x1, x19\n mov x2, #0\n hvc #0\n"
	   "cmp x0, #1\n b.ne 1b\n"
	   "str x0, [x22, #40]\n"
	   SYSTEM_OFF_ASM
	   "b .\n");

/*
 * vCPU 1 after CPU_ON (its registers reset): report x0 (the context) and
 * the MPIDR to MMIO +0x100/+0x108, then CPU_OFF.
 */
GUEST_CODE(guest_secondary,
	   "movz x22, #0x1000, lsl #16\n"
	   "str x0, [x22, #0x100]\n"
	   "mrs x10, mpidr_el1\n str x10, [x22, #0x108]\n"
	   PSCI32(0x0002) "hvc #0\n"
	   "b .\n");

GUEST_CODE(guest_spin, "b .\n");

GUEST_CODE(guest_wfi_forever, "1: wfi\n b 1b\n");

/* Report x23 to MMIO x22, forever. */
GUEST_CODE(guest_report, "1: str x23, [x22]\n b 1b\n");

static int run_expect_mmio(struct runner *r)
{
	int ret = vcpu_run(r->vm, r->idx);

	if (ret)
		return ret;
	return r->vm->run[r->idx]->exit_reason == KVM_EXIT_MMIO ? 0 : -1;
}

/* Two vCPUs run at the same time and see each other's stores. */
TEST(two_vcpus_pingpong)
{
	struct runner r[2];
	struct kvm_vm vm;
	int i;

	install_kick_signal();
	ASSERT_EQ(0, vm_create(&vm, 2, 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, vm_load_code(&vm, i, GUEST_RAM_GPA, guest_pingpong,
					  guest_pingpong_end));
		ASSERT_EQ(0, kset_reg64(vm.vcpu[i], REG_X(19), FLAGS_GPA));
		ASSERT_EQ(0, kset_reg64(vm.vcpu[i], REG_X(20), 8 * i));
		ASSERT_EQ(0, kset_reg64(vm.vcpu[i], REG_X(21), 8 * (1 - i)));
		ASSERT_EQ(0, kset_reg64(vm.vcpu[i], REG_X(22), GUEST_MMIO_GPA + 8 * i));
		ASSERT_EQ(0, kset_reg64(vm.vcpu[i], REG_X(23), 0x100 + i));
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, runner_start_fn(&r[i], &vm, i, run_expect_mmio, NULL));
	for (i = 0; i < 2; i++) {
		pthread_join(r[i].thread, NULL);
		EXPECT_EQ(0, r[i].ret)
			TH_LOG("vCPU %d: %d, exit %d", i, r[i].ret,
			       vm.run[i]->exit_reason);
		EXPECT_EQ(GUEST_MMIO_GPA + 8 * i, vm.run[i]->mmio.phys_addr);
		EXPECT_EQ(0x100 + i, mmio_data(vm.run[i]));
	}
	EXPECT_EQ(1, *(__u64 *)vm_gpa(&vm, FLAGS_GPA));
	EXPECT_EQ(1, *(__u64 *)vm_gpa(&vm, FLAGS_GPA + 8));
	vm_destroy(&vm);
}

struct secondary {
	__u64 ctx, mpidr;
	int first, second;
	int intr;		/* KVM_EXIT_INTR returns retried */
	int may_go_off;		/* vCPU 0 did its second CPU_ON */
	pthread_t waiter;	/* the thread running vCPU 0 */
};

/*
 * One KVM_RUN that should end in an MMIO exit. KVM_RUN may also return
 * -EINTR with KVM_EXIT_INTR for reasons of its own (KVM does when the
 * timers' levels change with a userspace irqchip): a VMM runs again.
 */
static int secondary_run(struct runner *r, struct secondary *s)
{
	struct kvm_run *run = r->vm->run[r->idx];
	int ret, i;

	for (i = 0; i < 100; i++) {
		ret = vcpu_run(r->vm, r->idx);
		if (ret != -EINTR || run->exit_reason != KVM_EXIT_INTR)
			break;
		s->intr++;
	}
	if (ret)
		return ret;
	return run->exit_reason == KVM_EXIT_MMIO ? 0 : -1000 - run->exit_reason;
}

/*
 * vCPU 1's thread: wait powered off, report, CPU_OFF, wait for a kick. If
 * it fails, vCPU 0 (waiting in the guest for vCPU 1's CPU_OFF) would spin
 * for ever: kick its thread out of KVM_RUN so that the test fails at once.
 */
static int secondary_fn(struct runner *r)
{
	struct kvm_run *run = r->vm->run[r->idx];
	struct secondary *s = r->data;
	int i, ret;

	s->first = secondary_run(r, s);
	if (s->first)
		goto fail;
	s->ctx = mmio_data(run);
	s->second = secondary_run(r, s);
	if (s->second)
		goto fail;
	s->mpidr = mmio_data(run);
	/*
	 * Not off before vCPU 0's second CPU_ON, which must find vCPU 1 on
	 * (had it already done CPU_OFF, that CPU_ON would rightly succeed
	 * and start it again).
	 */
	for (i = 0; i < 10000 && !__atomic_load_n(&s->may_go_off, __ATOMIC_SEQ_CST); i++)
		usleep(1000);
	/* CPU_OFF: KVM_RUN sleeps until the test's signal. */
	ret = vcpu_run(r->vm, r->idx);
	if (ret == -EINTR)
		return ret;
fail:
	pthread_kill(s->waiter, SIGUSR1);
	return -1;
}

TEST(psci_cpu_on_off)
{
	struct secondary s = { .waiter = pthread_self() };
	struct kvm_run *run;
	struct kvm_vm vm;
	struct runner r;
	__s64 on_again;

	install_kick_signal();
	ASSERT_EQ(0, vm_create(&vm, 1, 0));
	/* vCPU 1 starts powered off. */
	vm.vcpu[1] = ioctl(vm.fd, KVM_CREATE_VCPU, 1);
	ASSERT_LE(0, vm.vcpu[1]);
	vm.run[1] = vcpu_map_run(vm.sys, vm.vcpu[1], NULL);
	ASSERT_NE(NULL, vm.run[1]);
	vm.nr_vcpus = 2;
	ASSERT_EQ(0, kvcpu_init(vm.fd, vm.vcpu[1],
				(1U << KVM_ARM_VCPU_PSCI_0_2) |
				(1U << KVM_ARM_VCPU_POWER_OFF)));
	memcpy(vm_gpa(&vm, ENTRY_GPA), guest_secondary,
	       guest_secondary_end - guest_secondary);
	ASSERT_EQ(0, vm_load_code(&vm, 0, GUEST_RAM_GPA, guest_cpu_on,
				  guest_cpu_on_end));
	ASSERT_EQ(0, kset_reg64(vm.vcpu[0], REG_X(19), 1));
	ASSERT_EQ(0, kset_reg64(vm.vcpu[0], REG_X(20), ENTRY_GPA));
	ASSERT_EQ(0, kset_reg64(vm.vcpu[0], REG_X(21), 0x1234abcd));
	ASSERT_EQ(0, kset_reg64(vm.vcpu[0], REG_X(22), GUEST_MMIO_GPA));

	/* A powered-off vCPU sleeps in KVM_RUN. */
	ASSERT_EQ(0, runner_start_fn(&r, &vm, 1, secondary_fn, &s));
	EXPECT_TRUE(runner_blocks(&r));

	run = vm.run[0];
	ASSERT_EQ(0, vcpu_run(&vm, 0));
	ASSERT_EQ(KVM_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(PSCI_0_2_AFFINITY_LEVEL_OFF, mmio_data(run));
	ASSERT_EQ(0, vcpu_run(&vm, 0));
	ASSERT_EQ(GUEST_MMIO_GPA + 8, run->mmio.phys_addr);
	EXPECT_EQ(PSCI_RET_SUCCESS, (__s64)mmio_data(run));
	ASSERT_EQ(0, vcpu_run(&vm, 0));
	ASSERT_EQ(GUEST_MMIO_GPA + 16, run->mmio.phys_addr);
	/* Pending or already on, depending on how far vCPU 1 got. */
	on_again = mmio_data(run);
	EXPECT_TRUE(on_again == PSCI_RET_ALREADY_ON || on_again == PSCI_RET_ON_PENDING)
		TH_LOG("CPU_ON again: %lld", (long long)on_again);
	__atomic_store_n(&s.may_go_off, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, vcpu_run(&vm, 0));
	ASSERT_EQ(GUEST_MMIO_GPA + 24, run->mmio.phys_addr);
	EXPECT_EQ(PSCI_RET_INVALID_PARAMS, (__s64)mmio_data(run));
	ASSERT_EQ(0, vcpu_run(&vm, 0));
	ASSERT_EQ(GUEST_MMIO_GPA + 32, run->mmio.phys_addr);
	EXPECT_EQ(PSCI_RET_INVALID_PARAMS, (__s64)mmio_data(run));
	/* Level 1: vCPU 0, in the same cluster, is on. */
	ASSERT_EQ(0, vcpu_run(&vm, 0));
	ASSERT_EQ(GUEST_MMIO_GPA + 48, run->mmio.phys_addr);
	EXPECT_EQ(PSCI_0_2_AFFINITY_LEVEL_ON, mmio_data(run));
	ASSERT_EQ(0, vcpu_run(&vm, 0));
	ASSERT_EQ(GUEST_MMIO_GPA + 56, run->mmio.phys_addr);
	EXPECT_EQ(PSCI_RET_INVALID_PARAMS, (__s64)mmio_data(run));
	/* vCPU 0 now waits until vCPU 1 did CPU_OFF. */
	ASSERT_EQ(0, vcpu_run(&vm, 0))
		TH_LOG("vCPU 1: first %d, second %d, exit %u, %d KVM_EXIT_INTR",
		       s.first, s.second, vm.run[1]->exit_reason, s.intr);
	ASSERT_EQ(GUEST_MMIO_GPA + 40, run->mmio.phys_addr);
	EXPECT_EQ(PSCI_0_2_AFFINITY_LEVEL_OFF, mmio_data(run));
	ASSERT_EQ(0, vcpu_run(&vm, 0));
	ASSERT_EQ(KVM_EXIT_SYSTEM_EVENT, run->exit_reason);

	/* vCPU 1 ran from the entry point with the context in x0. */
	EXPECT_EQ(0, s.first);
	EXPECT_EQ(0x1234abcd, s.ctx);
	EXPECT_EQ(0, s.second);
	EXPECT_EQ(0x80000001ULL, s.mpidr);
	/* ... and sleeps in KVM_RUN after CPU_OFF, until a signal. */
	EXPECT_TRUE(runner_blocks(&r));
	pthread_kill(r.thread, SIGUSR1);
	pthread_join(r.thread, NULL);
	EXPECT_EQ(-EINTR, r.ret);
	EXPECT_EQ(KVM_EXIT_INTR, vm.run[1]->exit_reason);
	vm_destroy(&vm);
}

/*
 * The VM fd is closed while a vCPU thread is inside KVM_RUN: the vCPU fd
 * keeps the VM alive, the guest keeps running and can be run again.
 */
static void close_vm_fd_while_running(struct __test_metadata *_metadata,
				      const unsigned char *code,
				      const unsigned char *end)
{
	struct kvm_vm vm;
	struct runner r;
	int i;

	install_kick_signal();
	ASSERT_EQ(0, vm_create(&vm, 2, 0));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, vm_load_code(&vm, i, GUEST_RAM_GPA, code, end));
	ASSERT_EQ(0, runner_start(&r, &vm, 0));
	usleep(200000);
	ASSERT_EQ(0, close(vm.fd));
	vm.fd = -1;
	usleep(200000);
	EXPECT_FALSE(runner_done(&r));
	pthread_kill(r.thread, SIGUSR1);
	pthread_join(r.thread, NULL);
	EXPECT_EQ(-EINTR, r.ret);
	EXPECT_EQ(KVM_EXIT_INTR, vm.run[0]->exit_reason);

	/* Both vCPUs still run guest code that reaches RAM and MMIO. */
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, vm_load_code(&vm, i, GUEST_RAM_GPA + 0x2000,
					  guest_report, guest_report_end));
		ASSERT_EQ(0, kset_reg64(vm.vcpu[i], REG_X(22), GUEST_MMIO_GPA));
		ASSERT_EQ(0, kset_reg64(vm.vcpu[i], REG_X(23), 0x55 + i));
		ASSERT_EQ(0, vcpu_run(&vm, i));
		ASSERT_EQ(KVM_EXIT_MMIO, vm.run[i]->exit_reason);
		EXPECT_EQ(0x55 + i, mmio_data(vm.run[i]));
	}
	/* The last vCPU fd closed frees the VM (vm_destroy). */
	vm_destroy(&vm);
}

TEST(close_vm_fd_while_spinning)
{
	close_vm_fd_while_running(_metadata, guest_spin, guest_spin_end);
}

TEST(close_vm_fd_while_in_wfi)
{
	close_vm_fd_while_running(_metadata, guest_wfi_forever,
				  guest_wfi_forever_end);
}

/*
 * A process exits (here: a child calling _exit()) while its vCPU threads
 * spin or wait inside KVM_RUN: everything goes with it, cleanly.
 */
TEST(exit_with_vcpus_in_run)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct runner r[3];
		struct kvm_vm vm;
		int i;

		if (vm_create(&vm, 3, 0))
			_exit(1);
		for (i = 0; i < 3; i++)
			if (vm_load_code(&vm, i, GUEST_RAM_GPA,
					 i == 2 ? guest_wfi_forever : guest_spin,
					 i == 2 ? guest_wfi_forever_end : guest_spin_end))
				_exit(2);
		for (i = 0; i < 3; i++)
			if (runner_start(&r[i], &vm, i))
				_exit(3);
		usleep(300000);
		for (i = 0; i < 3; i++)
			if (runner_done(&r[i]))
				_exit(4);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* A signal (SIGKILL) kills a process whose vCPU thread spins in a guest. */
TEST(sigkill_spinning_vcpu)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct kvm_vm vm;

		if (vm_create(&vm, 1, 0) ||
		    vm_load_code(&vm, 0, GUEST_RAM_GPA, guest_spin, guest_spin_end))
			_exit(1);
		vcpu_run(&vm, 0);
		_exit(2);
	}
	usleep(300000);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGKILL, WTERMSIG(status));
}

/* Count in RAM at x19 and report each count to MMIO x22, forever. */
GUEST_CODE(guest_count,
	   "1: ldr x10, [x19]\n add x10, x10, #1\n str x10, [x19]\n"
	   "str x10, [x22]\n b 1b\n");

#define COUNT_RUNS	300

static int count_fn(struct runner *r)
{
	struct kvm_run *run = r->vm->run[r->idx];
	int i, ret;

	for (i = 1; i <= COUNT_RUNS; i++) {
		ret = vcpu_run(r->vm, r->idx);
		if (ret)
			return ret;
		if (run->exit_reason != KVM_EXIT_MMIO || mmio_data(run) != (__u64)i)
			return -1000 - i;
	}
	return 0;
}

/*
 * A kvmlite guest and an in-kernel KVM guest run one after the other and at
 * the same time (on different CPUs), neither disturbing the other: each
 * counts in its own RAM and reports every count.
 */
TEST(kvm_and_kvmlite_at_once)
{
	const char *devs[2] = { KVMLITE_DEV_PATH, "/dev/kvm" };
	struct kvm_vm vm[2];
	struct runner r[2];
	int i, round;

	if (access(devs[0], F_OK) || access(devs[1], F_OK) ||
	    !access("/sys/class/misc/kvm/kvmlite", F_OK))
		SKIP(return, "needs both kvmlite and the in-kernel KVM");
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 2; i++) {
			ASSERT_EQ(0, vm_create_on(&vm[i], devs[i], 1, 0));
			ASSERT_EQ(0, vm_load_code(&vm[i], 0, GUEST_RAM_GPA, guest_count,
						  guest_count_end));
			ASSERT_EQ(0, kset_reg64(vm[i].vcpu[0], REG_X(19),
						GUEST_RAM_GPA + 0x8000));
			ASSERT_EQ(0, kset_reg64(vm[i].vcpu[0], REG_X(22), GUEST_MMIO_GPA));
		}
		if (round == 0) {
			/* One after the other. */
			for (i = 0; i < 2; i++) {
				ASSERT_EQ(0, runner_start_fn(&r[i], &vm[i], 0, count_fn, NULL));
				pthread_join(r[i].thread, NULL);
			}
		} else {
			/* At the same time. */
			for (i = 0; i < 2; i++)
				ASSERT_EQ(0, runner_start_fn(&r[i], &vm[i], 0, count_fn, NULL));
			for (i = 0; i < 2; i++)
				pthread_join(r[i].thread, NULL);
		}
		for (i = 0; i < 2; i++) {
			EXPECT_EQ(0, r[i].ret) TH_LOG("%s, round %d", devs[i], round);
			EXPECT_EQ(COUNT_RUNS,
				  *(__u64 *)vm_gpa(&vm[i], GUEST_RAM_GPA + 0x8000));
			vm_destroy(&vm[i]);
		}
	}
}

#else /* !__aarch64__ */

TEST(arm64_only)
{
	SKIP(return, "these tests drive an arm64 guest");
}

#endif

TEST_HARNESS_MAIN
