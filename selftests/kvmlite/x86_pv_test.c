// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's paravirtual interface on x86: the KVM leaves of
 * KVM_GET_SUPPORTED_CPUID; KVM_CAP_ENFORCE_PV_FEATURE_CPUID (PV MSRs #GP and
 * hypercalls -KVM_ENOSYS once their feature bit is gone); hypercalls
 * (VAPIC_POLL_IRQ, SEND_IPI to the in-kernel LAPIC, SCHED_YIELD, KVM's
 * errors, AMD's VMMCALL rewritten into VMCALL as KVM's quirk); stolen
 * time (MSR_KVM_STEAL_TIME and its record growing with the vCPU thread's
 * run delay); the vCPU attribute KVM_VCPU_TSC_CTRL/KVM_VCPU_TSC_OFFSET;
 * KVM_CAP_X86_DISABLE_EXITS with HLT in the guest. The same tests run on
 * the in-kernel KVM (KVMLITE_DEV=/dev/kvm).
 */
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/time.h>

#include "kselftest_harness.h"

#ifdef __x86_64__
#include <asm/kvm_para.h>
#include <x86intrin.h>

#include "kvmlite_x86.h"

#define KVM_ENOSYS_U32	((__u32)-1000)
#define KVM_EINVAL_U32	((__u32)-22)

FIXTURE(pv) {
	struct xvm vm;
};

FIXTURE_SETUP(pv)
{
	int r = xvm_create(&self->vm);

	ASSERT_EQ(0, r) TH_LOG("VM on %s: %s", kvm_dev(), strerror(-r));
}

FIXTURE_TEARDOWN(pv)
{
	xvm_destroy(&self->vm);
}

static void run_out(struct __test_metadata *_metadata, struct xvm *vm,
		    int port)
{
	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_IO, vm->run->exit_reason)
		TH_LOG("exit %u", vm->run->exit_reason);
	ASSERT_EQ(port, vm->run->io.port);
}

#define RUN_OUT(vm, port) run_out(_metadata, vm, port)

/* The vCPU's CPUID table, read back (KVM_GET_CPUID2). */
struct cpuid_table {
	struct kvm_cpuid2 c;
	struct kvm_cpuid_entry2 e[100];
};

static struct kvm_cpuid_entry2 *cpuid_entry(struct cpuid_table *t, __u32 fn)
{
	__u32 i;

	for (i = 0; i < t->c.nent; i++)
		if (t->e[i].function == fn)
			return &t->e[i];
	return NULL;
}

static long get_cpuid(int fd, unsigned long req, struct cpuid_table *t)
{
	memset(t, 0, sizeof(*t));
	t->c.nent = 100;
	return kioctlp(fd, req, t);
}

/* The KVM leaves: the signature, kvmclock, stolen time, PV IPIs. */
TEST_F(pv, supported_cpuid)
{
	struct cpuid_table t;
	struct kvm_cpuid_entry2 *e;

	ASSERT_EQ(0, get_cpuid(self->vm.sys, KVM_GET_SUPPORTED_CPUID, &t));
	e = cpuid_entry(&t, KVM_CPUID_SIGNATURE);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0x4b4d564b, e->ebx);
	EXPECT_EQ(KVM_CPUID_FEATURES, e->eax);
	e = cpuid_entry(&t, KVM_CPUID_FEATURES);
	ASSERT_NE(NULL, e);
	EXPECT_TRUE(e->eax & (1 << KVM_FEATURE_CLOCKSOURCE2));
	EXPECT_TRUE(e->eax & (1 << KVM_FEATURE_STEAL_TIME));
	EXPECT_TRUE(e->eax & (1 << KVM_FEATURE_PV_SEND_IPI));
	EXPECT_EQ(1, kioctl(self->vm.sys, KVM_CHECK_EXTENSION,
			    KVM_CAP_ENFORCE_PV_FEATURE_CPUID));
	EXPECT_EQ(1, kioctl(self->vm.sys, KVM_CHECK_EXTENSION,
			    KVM_CAP_VCPU_ATTRIBUTES));
	EXPECT_TRUE(kioctl(self->vm.sys, KVM_CHECK_EXTENSION,
			   KVM_CAP_X86_DISABLE_EXITS) & KVM_X86_DISABLE_EXITS_HLT);
}

X86_SYMBOL(g_enf_gp);
X86_CODE16(g_enf,
	   "mov $0x4b564d01, %ecx\n rdmsr\n out %al, $0x20\n"	/* SYSTEM_TIME_NEW */
	   "mov $0x4b564d03, %ecx\n xor %eax, %eax\n xor %edx, %edx\n wrmsr\n"
	   "out %al, $0x21\n"					/* STEAL_TIME */
	   "mov $10, %eax\n xor %ebx, %ebx\n xor %ecx, %ecx\n xor %edx, %edx\n"
	   "xor %esi, %esi\n vmcall\n out %eax, $0x22\n"	/* SEND_IPI */
	   "mov $1, %eax\n vmcall\n out %eax, $0x23\n"		/* VAPIC_POLL_IRQ */
	   "mov $5, %eax\n vmcall\n out %eax, $0x24\n"		/* KICK_CPU */
	   "mov $11, %eax\n vmcall\n out %eax, $0x25\n"		/* SCHED_YIELD */
	   "out %al, $0xff\n"
	   "1: jmp 1b\n"
	   ".global g_enf_gp\n g_enf_gp:\n push %bp\n mov %sp, %bp\n addw $2, 2(%bp)\n pop %bp\n"
	   "out %al, $0x13\n iret\n");

/*
 * KVM_CAP_ENFORCE_PV_FEATURE_CPUID: KVM's checks; with the KVM features
 * leaf cleared, the PV MSRs #GP and PV hypercalls fail with -KVM_ENOSYS;
 * VAPIC_POLL_IRQ has no feature and returns 0.
 */
TEST_F(pv, enforce_pv_cpuid)
{
	struct xvm *vm = &self->vm;
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ENFORCE_PV_FEATURE_CPUID };
	struct kvm_cpuid_entry2 *e;
	struct cpuid_table t;

	cap.flags = 1;
	EXPECT_EQ(-EINVAL, kioctlp(vm->vcpu, KVM_ENABLE_CAP, &cap));
	cap.flags = 0;
	cap.cap = KVM_CAP_X86_USER_SPACE_MSR;		/* a VM cap */
	EXPECT_EQ(-EINVAL, kioctlp(vm->vcpu, KVM_ENABLE_CAP, &cap));
	cap.cap = KVM_CAP_ENFORCE_PV_FEATURE_CPUID;
	cap.args[0] = 1;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_ENABLE_CAP, &cap));
	ASSERT_EQ(0, get_cpuid(vm->vcpu, KVM_GET_CPUID2, &t));
	e = cpuid_entry(&t, KVM_CPUID_FEATURES);
	ASSERT_NE(NULL, e);
	e->eax = 0;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_CPUID2, &t));

	ASSERT_EQ(0, xvm_real_mode(vm, g_enf, g_enf_end));
	xvm_ivt(vm, 13, XCODE + (g_enf_gp - g_enf));
	RUN_OUT(vm, 0x13);
	RUN_OUT(vm, 0x20);
	RUN_OUT(vm, 0x13);
	RUN_OUT(vm, 0x21);
	RUN_OUT(vm, 0x22);
	EXPECT_EQ(KVM_ENOSYS_U32, xio_value(vm->run));
	RUN_OUT(vm, 0x23);
	EXPECT_EQ(0, xio_value(vm->run));
	RUN_OUT(vm, 0x24);
	EXPECT_EQ(KVM_ENOSYS_U32, xio_value(vm->run));
	RUN_OUT(vm, 0x25);
	EXPECT_EQ(KVM_ENOSYS_U32, xio_value(vm->run));
	RUN_OUT(vm, XPORT_DONE);
}

X86_SYMBOL(g_ipi_h);
X86_CODE16(g_ipi,
	   "mov $0x1b, %ecx\n rdmsr\n or $0xc00, %eax\n wrmsr\n"	/* x2APIC */
	   "mov $0x80f, %ecx\n mov $0x1ff, %eax\n xor %edx, %edx\n wrmsr\n"
	   "sti\n"
	   "mov $10, %eax\n mov $1, %ebx\n xor %ecx, %ecx\n xor %edx, %edx\n"
	   "mov $0x40, %esi\n vmcall\n out %eax, $0x32\n"
	   "mov $10, %eax\n mov $0x840, %esi\n vmcall\n out %eax, $0x33\n"
	   "mov $11, %eax\n xor %ebx, %ebx\n vmcall\n out %eax, $0x34\n"
	   "out %al, $0xff\n"
	   "1: jmp 1b\n"
	   ".global g_ipi_h\n g_ipi_h:\n out %al, $0x30\n iret\n");

/*
 * KVM_HC_SEND_IPI with an in-kernel LAPIC: a fixed interrupt to the vCPU's
 * own APIC ID (bit 0 from 0) is taken by one LAPIC and runs the guest's
 * handler; a logical destination in the ICR is -KVM_EINVAL.
 * KVM_HC_SCHED_YIELD to itself is a hint without a yield: 0.
 */
TEST(pv_send_ipi)
{
	struct xvm vm;

	ASSERT_EQ(0, xvm_create_novcpu(&vm));
	ASSERT_EQ(0, xvm_split_irqchip(vm.fd, 24));
	ASSERT_EQ(0, xvm_add_vcpu(&vm, 0));
	ASSERT_EQ(0, xvm_real_mode(&vm, g_ipi, g_ipi_end));
	xvm_ivt(&vm, 0x40, XCODE + (g_ipi_h - g_ipi));
	RUN_OUT(&vm, 0x30);
	RUN_OUT(&vm, 0x32);
	EXPECT_EQ(1, xio_value(vm.run));
	RUN_OUT(&vm, 0x33);
	EXPECT_EQ(KVM_EINVAL_U32, xio_value(vm.run));
	RUN_OUT(&vm, 0x34);
	EXPECT_EQ(0, xio_value(vm.run));
	RUN_OUT(&vm, XPORT_DONE);
	xvm_destroy(&vm);
}

X86_SYMBOL(g_fix_call);
X86_SYMBOL(g_fix_ud);
X86_CODE64(g_fix,
	   "mov $1, %eax\n"
	   ".global g_fix_call\n g_fix_call:\n vmmcall\n out %eax, $0x60\n"
	   "out %al, $0xff\n"
	   "1: jmp 1b\n"
	   ".global g_fix_ud\n g_fix_ud:\n out %al, $0x61\n 2: jmp 2b\n");

X86_SYMBOL(g_fix16_ud);
X86_CODE16(g_fix16,
	   "mov $1, %eax\n vmmcall\n out %eax, $0x60\n"
	   "1: jmp 1b\n"
	   ".global g_fix16_ud\n g_fix16_ud:\n out %al, $0x61\n 2: jmp 2b\n");

/*
 * KVM_X86_QUIRK_FIX_HYPERCALL_INSN, as KVM: AMD's VMMCALL on this Intel
 * host in 64-bit mode is rewritten into VMCALL in guest memory and runs as
 * the hypercall; with the quirk disabled (KVM_CAP_DISABLE_QUIRKS2, unknown
 * quirks EINVAL) it is a #UD for the guest and stays as it was. In real
 * mode it is a #UD either way (KVM's emulator takes it in protected mode
 * only).
 */
TEST(fix_hypercall_quirk)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_DISABLE_QUIRKS2 };
	static const unsigned char vmcall[3] = { 0x0f, 0x01, 0xc1 };
	static const unsigned char vmmcall[3] = { 0x0f, 0x01, 0xd9 };
	__u64 at = XCODE + (g_fix_call - g_fix);
	struct xvm vm;
	int quirk;

	for (quirk = 1; quirk >= 0; quirk--) {
		ASSERT_EQ(0, xvm_create(&vm));
		ASSERT_TRUE(kioctl(vm.sys, KVM_CHECK_EXTENSION, KVM_CAP_DISABLE_QUIRKS2) &
			    KVM_X86_QUIRK_FIX_HYPERCALL_INSN);
		if (!quirk) {
			cap.args[0] = 1ULL << 63;
			EXPECT_EQ(-EINVAL, kioctlp(vm.fd, KVM_ENABLE_CAP, &cap));
			cap.args[0] = KVM_X86_QUIRK_FIX_HYPERCALL_INSN;
			ASSERT_EQ(0, kioctlp(vm.fd, KVM_ENABLE_CAP, &cap));
		}
		ASSERT_EQ(0, xvm_long_mode(&vm, g_fix, g_fix_end));
		xvm_idt64_gate(&vm, 6, XCODE + (g_fix_ud - g_fix));
		ASSERT_EQ(0, xvcpu_load_idt64(vm.vcpu));
		if (quirk) {
			RUN_OUT(&vm, 0x60);
			EXPECT_EQ(0, xio_value(vm.run));	/* VAPIC_POLL_IRQ */
			EXPECT_EQ(0, memcmp(vm.ram + at, vmcall, 3));
		} else {
			RUN_OUT(&vm, 0x61);
			EXPECT_EQ(0, memcmp(vm.ram + at, vmmcall, 3));
		}
		xvm_destroy(&vm);
	}

	ASSERT_EQ(0, xvm_create(&vm));
	ASSERT_EQ(0, xvm_real_mode(&vm, g_fix16, g_fix16_end));
	xvm_ivt(&vm, 6, XCODE + (g_fix16_ud - g_fix16));
	RUN_OUT(&vm, 0x61);
	xvm_destroy(&vm);
}

/* The vCPU thread's run delay (ns) from /proc/thread-self/schedstat. */
static long long run_delay(void)
{
	unsigned long long run, delay;
	FILE *f = fopen("/proc/thread-self/schedstat", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%llu %llu", &run, &delay);
	fclose(f);
	return n == 2 ? (long long)delay : -1;
}

static void *spin(void *p)
{
	int *stop = p;

	while (!__atomic_load_n(stop, __ATOMIC_RELAXED))
		;
	return NULL;
}

X86_CODE16(g_st, "1: out %al, $0x40\n jmp 1b\n");

#define ST_GPA	0x8000

/*
 * MSR_KVM_STEAL_TIME: KVM's checks (reserved bits), the MSR round trip, a
 * record with an even version written before the guest runs, and its steal
 * count growing by at least the thread's run delay while a busy thread
 * shares its CPU.
 */
TEST_F(pv, steal_time)
{
	struct xvm *vm = &self->vm;
	struct kvm_steal_time *st = (void *)(vm->ram + ST_GPA);
	long long delay0, delay1;
	__u64 data, steal0;
	__u32 version0;
	int stop = 0;
	pthread_t busy;
	cpu_set_t cpus;

	if (run_delay() < 0)
		SKIP(return, "no schedstat: the kernel lacks CONFIG_SCHED_INFO");
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpus), &cpus));
	EXPECT_EQ(0, xvcpu_set_msr(vm->vcpu, MSR_KVM_STEAL_TIME,
				   ST_GPA | KVM_MSR_ENABLED | 2));
	ASSERT_EQ(1, xvcpu_set_msr(vm->vcpu, MSR_KVM_STEAL_TIME,
				   ST_GPA | KVM_MSR_ENABLED));
	ASSERT_EQ(1, xvcpu_get_msr(vm->vcpu, MSR_KVM_STEAL_TIME, &data));
	EXPECT_EQ(ST_GPA | KVM_MSR_ENABLED, data);
	memset(st, 0, sizeof(*st));
	st->version = 7;		/* junk of a first write */

	ASSERT_EQ(0, xvm_real_mode(vm, g_st, g_st_end));
	RUN_OUT(vm, 0x40);
	version0 = st->version;
	steal0 = st->steal;
	EXPECT_EQ(0, version0 & 1) TH_LOG("version %u", version0);
	EXPECT_EQ(0, st->preempted);

	delay0 = run_delay();
	ASSERT_EQ(0, pthread_create(&busy, NULL, spin, &stop));
	ASSERT_EQ(0, pthread_setaffinity_np(busy, sizeof(cpus), &cpus));
	do
		sched_yield();
	while (run_delay() - delay0 < 10000000);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(busy, NULL);
	delay1 = run_delay();
	RUN_OUT(vm, 0x40);
	EXPECT_EQ(0, st->version & 1);
	EXPECT_LT(version0, st->version);
	EXPECT_GE((long long)(st->steal - steal0), delay1 - delay0)
		TH_LOG("steal %llu -> %llu, run delay %lld -> %lld",
		       (unsigned long long)steal0, (unsigned long long)st->steal,
		       delay0, delay1);

	/* Disabled: the record no longer changes. */
	ASSERT_EQ(1, xvcpu_set_msr(vm->vcpu, MSR_KVM_STEAL_TIME, ST_GPA));
	version0 = st->version;
	RUN_OUT(vm, 0x40);
	EXPECT_EQ(version0, st->version);
}

X86_CODE16(g_tsc, "1: rdtsc\n out %eax, $0x50\n mov %edx, %eax\n out %eax, $0x51\n jmp 1b\n");

/* The guest's TSC, read in two exits. */
static __u64 guest_tsc(struct __test_metadata *_metadata, struct xvm *vm)
{
	__u64 lo, hi;

	run_out(_metadata, vm, 0x50);
	lo = xio_value(vm->run);
	run_out(_metadata, vm, 0x51);
	hi = xio_value(vm->run);
	return hi << 32 | lo;
}

/*
 * KVM_VCPU_TSC_CTRL/KVM_VCPU_TSC_OFFSET, as KVM: HAS for it only (ENXIO
 * otherwise), EFAULT on a bad address; the offset set is read back and the
 * guest's RDTSC is the host's plus it.
 */
TEST_F(pv, tsc_offset_attr)
{
	struct xvm *vm = &self->vm;
	__u64 offset = 1ULL << 50, got = 0, start, end, tsc;
	struct kvm_device_attr attr = {
		.group = KVM_VCPU_TSC_CTRL, .attr = KVM_VCPU_TSC_OFFSET,
		.addr = (unsigned long)&offset,
	};

	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_HAS_DEVICE_ATTR, &attr));
	attr.attr = 1;
	EXPECT_EQ(-ENXIO, kioctlp(vm->vcpu, KVM_HAS_DEVICE_ATTR, &attr));
	EXPECT_EQ(-ENXIO, kioctlp(vm->vcpu, KVM_SET_DEVICE_ATTR, &attr));
	attr.attr = KVM_VCPU_TSC_OFFSET;
	attr.group = 7;
	EXPECT_EQ(-ENXIO, kioctlp(vm->vcpu, KVM_GET_DEVICE_ATTR, &attr));
	attr.group = KVM_VCPU_TSC_CTRL;
	EXPECT_EQ(-EFAULT, kioctl(vm->vcpu, KVM_SET_DEVICE_ATTR, 8));
	attr.addr = 8;
	EXPECT_EQ(-EFAULT, kioctlp(vm->vcpu, KVM_SET_DEVICE_ATTR, &attr));
	EXPECT_EQ(-EFAULT, kioctlp(vm->vcpu, KVM_GET_DEVICE_ATTR, &attr));
	attr.addr = (unsigned long)&offset;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_DEVICE_ATTR, &attr));
	attr.addr = (unsigned long)&got;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_DEVICE_ATTR, &attr));
	EXPECT_EQ(offset, got);

	ASSERT_EQ(0, xvm_real_mode(vm, g_tsc, g_tsc_end));
	start = __rdtsc() + offset;
	tsc = guest_tsc(_metadata, vm);
	end = __rdtsc() + offset;
	EXPECT_LE(start, tsc);
	EXPECT_GE(end, tsc);
}

static void on_alarm(int sig)
{
}

X86_SYMBOL(g_hig_h);
X86_CODE16(g_hig,
	   "sti\n hlt\n"
	   "out %al, $0x31\n"
	   "1: jmp 1b\n"
	   ".global g_hig_h\n g_hig_h:\n mov $0x42, %al\n out %al, $0x30\n iret\n");

/*
 * KVM_CAP_X86_DISABLE_EXITS, as KVM: unknown bits EINVAL; with HLT the
 * vCPUs created afterwards halt in the guest: no KVM_EXIT_HLT, a signal
 * ends KVM_RUN with RIP past the HLT, and the interrupt the VMM injects
 * wakes the guest into its handler. KVM_FEATURE_PV_UNHALT is cleared from
 * their CPUID. Bochs wakes a guest halted in VMX non-root at any VM exit
 * (it saves the activity state as active): there the guest may go on past
 * its HLT before the signal, which the test logs.
 */
TEST(hlt_in_guest)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_X86_DISABLE_EXITS };
	struct itimerval it = { .it_value = { .tv_usec = 100000 } };
	struct sigaction sa = { .sa_handler = on_alarm };
	struct kvm_interrupt irq = { .irq = 0x20 };
	struct kvm_cpuid_entry2 *e;
	const char *freezes = getenv("X86_SPIN_FREEZES");
	struct cpuid_table t;
	struct kvm_regs regs;
	struct xvm vm;
	int r;

	ASSERT_EQ(0, xvm_create_novcpu(&vm));
	cap.args[0] = 1 << 7;
	EXPECT_EQ(-EINVAL, kioctlp(vm.fd, KVM_ENABLE_CAP, &cap));
	cap.args[0] = KVM_X86_DISABLE_EXITS_HLT;
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_ENABLE_CAP, &cap));
	ASSERT_EQ(0, xvm_add_vcpu(&vm, 0));
	ASSERT_EQ(0, get_cpuid(vm.vcpu, KVM_GET_CPUID2, &t));
	e = cpuid_entry(&t, KVM_CPUID_FEATURES);
	ASSERT_NE(NULL, e);
	e->eax |= 1 << KVM_FEATURE_PV_UNHALT;
	ASSERT_EQ(0, kioctlp(vm.vcpu, KVM_SET_CPUID2, &t));
	ASSERT_EQ(0, get_cpuid(vm.vcpu, KVM_GET_CPUID2, &t));
	e = cpuid_entry(&t, KVM_CPUID_FEATURES);
	ASSERT_NE(NULL, e);
	EXPECT_FALSE(e->eax & (1 << KVM_FEATURE_PV_UNHALT));

	if (freezes && *freezes && !is_kvmlite()) {
		xvm_destroy(&vm);
		SKIP(return, "%s: %s", kvm_dev(), freezes);
	}
	ASSERT_EQ(0, xvm_real_mode(&vm, g_hig, g_hig_end));
	xvm_ivt(&vm, 0x20, XCODE + (g_hig_h - g_hig));
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	r = xvm_run(&vm);
	signal(SIGALRM, SIG_DFL);
	EXPECT_NE(KVM_EXIT_HLT, vm.run->exit_reason);
	if (!r && vm.run->exit_reason == KVM_EXIT_IO && vm.run->io.port == 0x31) {
		TH_LOG("%s: the guest left HLT at a VM exit (Bochs)", kvm_dev());
		xvm_destroy(&vm);
		return;
	}
	EXPECT_EQ(-EINTR, r);
	EXPECT_EQ(KVM_EXIT_INTR, vm.run->exit_reason);
	ASSERT_EQ(0, kioctlp(vm.vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(XCODE + 2, regs.rip);		/* sti, hlt */
	ASSERT_EQ(0, kioctlp(vm.vcpu, KVM_INTERRUPT, &irq));
	RUN_OUT(&vm, 0x30);
	EXPECT_EQ(0x42, xio_value(vm.run));
	RUN_OUT(&vm, 0x31);
	xvm_destroy(&vm);
}

#else
TEST(x86_only)
{
	SKIP(return, "x86 only");
}
#endif

TEST_HARNESS_MAIN
