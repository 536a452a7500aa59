// SPDX-License-Identifier: GPL-2.0
/*
 * x86 vCPU and VM state that VMMs such as QEMU need beyond registers:
 * KVM_CAP_MP_STATE and KVM_GET/SET_MP_STATE, KVM_GET/SET_CLOCK, machine
 * check (KVM_X86_GET_MCE_CAP_SUPPORTED, KVM_X86_SETUP_MCE, the MCG and MCi
 * MSRs, MCi_CTL2 with MCG_CMCI_P, KVM_X86_SET_MCE: errors logged, #MC
 * delivered to the guest, shutdown), the MTRRs, kvmclock (the pvclock page, the wall clock) and the
 * microcode-revision MSR, from the VMM and from the guest; XCR0
 * (XSETBV/XGETBV, KVM_GET/SET_XCRS) and the guest's AVX state
 * (KVM_GET/SET_XSAVE). The same tests run on the in-kernel KVM
 * (KVMLITE_DEV=/dev/kvm) as the oracle.
 */
#include <linux/kvm.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>

#include "kselftest_harness.h"

#ifdef __x86_64__
#include <cpuid.h>

#include "kvmlite_x86.h"

#define MSR_MTRR_CAP		0xfe
#define MSR_MCG_CAP		0x179
#define MSR_MCG_STATUS		0x17a
#define MSR_MCG_CTL		0x17b
#define MSR_MTRR_BASE0		0x200
#define MSR_MTRR_MASK0		0x201
#define MSR_MTRR_FIX64K		0x250
#define MSR_MTRR_FIX4K_F8000	0x26f
#define MSR_MTRR_DEF_TYPE		0x2ff
#define MSR_MC0_CTL		0x400
#define MSR_MC0_CTL2		0x280
#define MSR_UCODE_REV		0x8b
#define MSR_KVM_WALL_CLOCK	0x11
#define MSR_KVM_SYSTEM_TIME	0x12
#define MCG_CTL_P		0x100ull
#define MCG_SER_P		0x1000000ull
#define MCG_CMCI_P		0x400ull
#define MCG_STATUS_RIPV		0x1ull
#define MCG_STATUS_EIPV		0x2ull
#define MCG_STATUS_MCIP		0x4ull
#define MCI_STATUS_VAL		0x8000000000000000ull
#define MCI_STATUS_OVER		0x4000000000000000ull
#define MCI_STATUS_UC		0x2000000000000000ull
#define MCI_STATUS_EN		0x1000000000000000ull
#define MCI_STATUS_PCC		0x0200000000000000ull
#define MCI_CTL2_CMCI_EN	0x40000000ull
#define CR4_MCE			0x40ull

struct msrs {
	struct kvm_msrs m;
	struct kvm_msr_entry e[4];
};

FIXTURE(state) {
	struct xvm vm;
};

FIXTURE_SETUP(state)
{
	int r = xvm_create(&self->vm);

	ASSERT_EQ(0, r) TH_LOG("VM on %s: %s", kvm_dev(), strerror(-r));
}

FIXTURE_TEARDOWN(state)
{
	xvm_destroy(&self->vm);
}

/* KVM_SET_MSRS / KVM_GET_MSRS of one MSR: the count done (1 or 0). */
static long set_msr(int vcpu, __u32 index, __u64 data)
{
	struct msrs t = { .m.nmsrs = 1 };

	t.e[0].index = index;
	t.e[0].data = data;
	return ioctl(vcpu, KVM_SET_MSRS, &t);
}

static long get_msr(int vcpu, __u32 index, __u64 *data)
{
	struct msrs t = { .m.nmsrs = 1 };
	long r;

	t.e[0].index = index;
	r = ioctl(vcpu, KVM_GET_MSRS, &t);
	*data = t.e[0].data;
	return r;
}

static __u64 msr(struct __test_metadata *_metadata, int vcpu, __u32 index)
{
	__u64 v = 0;

	EXPECT_EQ(1, get_msr(vcpu, index, &v)) TH_LOG("MSR %#x", index);
	return v;
}

#define MSR(index) msr(_metadata, self->vm.vcpu, index)

TEST_F(state, caps)
{
	EXPECT_EQ(1, ioctl(self->vm.fd, KVM_CHECK_EXTENSION, KVM_CAP_MP_STATE));
	EXPECT_LT(0, ioctl(self->vm.fd, KVM_CHECK_EXTENSION, KVM_CAP_ADJUST_CLOCK));
	EXPECT_EQ(32, ioctl(self->vm.fd, KVM_CHECK_EXTENSION, KVM_CAP_MCE));
}

/* Without an in-kernel local APIC: RUNNABLE, and only RUNNABLE is taken. */
TEST_F(state, mp_state)
{
	struct kvm_mp_state s = { .mp_state = 99 };
	static const __u32 bad[] = {
		KVM_MP_STATE_UNINITIALIZED, KVM_MP_STATE_INIT_RECEIVED, KVM_MP_STATE_HALTED,
		KVM_MP_STATE_SIPI_RECEIVED, KVM_MP_STATE_STOPPED, 1000,
	};
	unsigned int i;

	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_MP_STATE, &s));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, s.mp_state);
	EXPECT_EQ(0, kioctlp(self->vm.vcpu, KVM_SET_MP_STATE, &s));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		s.mp_state = bad[i];
		EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_SET_MP_STATE, &s))
			TH_LOG("mp_state %u", bad[i]);
	}
	EXPECT_EQ(-EFAULT, kioctl(self->vm.vcpu, KVM_GET_MP_STATE, 8));
	EXPECT_EQ(-EFAULT, kioctl(self->vm.vcpu, KVM_SET_MP_STATE, 8));
}

static __u64 now_ns(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return t.tv_sec * 1000000000ull + t.tv_nsec;
}

/* The VM's clock: set, read back moving on; REALTIME on input; bad flags. */
TEST_F(state, clock)
{
	struct kvm_clock_data d = { 0 }, e = { 0 };
	__u64 valid = KVM_CLOCK_TSC_STABLE | KVM_CLOCK_REALTIME | KVM_CLOCK_HOST_TSC;
	__u64 t0;

	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_GET_CLOCK, &d));
	EXPECT_EQ(0, d.flags & ~valid);
	d.clock = 1000000000000ull;		/* 1000 s */
	d.flags = 0;
	t0 = now_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_SET_CLOCK, &d));
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_GET_CLOCK, &e));
	EXPECT_LE(d.clock, e.clock);
	EXPECT_GE(d.clock + (now_ns(CLOCK_MONOTONIC) - t0) + 50000000ull, e.clock);
	if (e.flags & KVM_CLOCK_REALTIME)
		EXPECT_GE(5000000000ull, now_ns(CLOCK_REALTIME) - e.realtime);

	/* REALTIME: the time since @realtime is added (here 2 s). */
	d.clock = 5000000000000ull;
	d.realtime = now_ns(CLOCK_REALTIME) - 2000000000ull;
	d.flags = KVM_CLOCK_REALTIME;
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_SET_CLOCK, &d));
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_GET_CLOCK, &e));
	EXPECT_LE(d.clock + 2000000000ull, e.clock);
	EXPECT_GE(d.clock + 3000000000ull, e.clock);

	/* What GET_CLOCK gave goes back as it is. */
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_GET_CLOCK, &d));
	EXPECT_EQ(0, kioctlp(self->vm.fd, KVM_SET_CLOCK, &d));
	d.flags = valid;
	EXPECT_EQ(0, kioctlp(self->vm.fd, KVM_SET_CLOCK, &d));
	d.flags = 1u << 5;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_SET_CLOCK, &d));
	EXPECT_EQ(-EFAULT, kioctl(self->vm.fd, KVM_GET_CLOCK, 8));
	EXPECT_EQ(-EFAULT, kioctl(self->vm.fd, KVM_SET_CLOCK, 8));
}

/* Machine check: every bank by default, KVM_X86_SETUP_MCE's checks, the MSRs. */
TEST_F(state, mce)
{
	__u64 cap = 0, v;

	ASSERT_EQ(0, kioctlp(self->vm.sys, KVM_X86_GET_MCE_CAP_SUPPORTED, &cap));
	EXPECT_EQ(MCG_CTL_P | MCG_SER_P, cap & (MCG_CTL_P | MCG_SER_P));
	EXPECT_EQ(32, MSR(MSR_MCG_CAP));
	EXPECT_EQ(1, get_msr(self->vm.vcpu, MSR_MC0_CTL + 4 * 31 + 3, &v));
	/* MCG_CTL only with MCG_CTL_P (the VMM may write 0). */
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MCG_CTL, ~0ull));
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_MCG_CTL, 0));

	v = 0;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_X86_SETUP_MCE, &v));
	v = 33;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_X86_SETUP_MCE, &v));
	v = 10 | (1ull << 11);		/* MCG_TES_P: not offered */
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_X86_SETUP_MCE, &v));
	EXPECT_EQ(-EFAULT, kioctl(self->vm.vcpu, KVM_X86_SETUP_MCE, 8));
	v = 10 | MCG_CTL_P | MCG_SER_P;
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SETUP_MCE, &v));
	EXPECT_EQ(v, MSR(MSR_MCG_CAP));
	EXPECT_EQ(~0ull, MSR(MSR_MCG_CTL));
	EXPECT_EQ(~0ull, MSR(MSR_MC0_CTL + 4 * 9));
	EXPECT_EQ(0, get_msr(self->vm.vcpu, MSR_MC0_CTL + 4 * 10, &v));
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MCG_CAP, 10));
	/* MCi_CTL: 0 or all ones (bits 10 and 0 may be clear); STATUS any from the VMM. */
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MC0_CTL + 12, 0x1234));
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_MC0_CTL + 12, ~0ull & ~(1ull << 10)));
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_MC0_CTL + 12, 0));
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_MC0_CTL + 13, 0xbad));
	EXPECT_EQ(0xbad, MSR(MSR_MC0_CTL + 13));
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_MCG_STATUS, 5));
	EXPECT_EQ(5, MSR(MSR_MCG_STATUS));
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MCG_CTL, 7));
}

/* KVM_X86_SETUP_MCE with MCG_CMCI_P when offered; SKIP without. */
static int setup_cmci(struct __test_metadata *_metadata, struct xvm *vm, __u64 banks)
{
	__u64 cap = 0;

	EXPECT_EQ(0, kioctlp(vm->sys, KVM_X86_GET_MCE_CAP_SUPPORTED, &cap));
	if (!(cap & MCG_CMCI_P))
		return 0;
	cap = banks | MCG_CTL_P | MCG_SER_P | MCG_CMCI_P;
	EXPECT_EQ(0, kioctlp(vm->vcpu, KVM_X86_SETUP_MCE, &cap));
	return 1;
}

/*
 * MCi_CTL2: only the banks the vCPU has; with MCG_CMCI_P 0 after
 * KVM_X86_SETUP_MCE, CMCI_EN and the threshold kept, other bits refused;
 * without it the VMM may read it and write 0 only.
 */
TEST_F(state, mci_ctl2)
{
	__u64 v;

	if (!setup_cmci(_metadata, &self->vm, 10))
		SKIP(return, "no MCG_CMCI_P on %s", kvm_dev());
	EXPECT_EQ(0, MSR(MSR_MC0_CTL2 + 9));
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_MC0_CTL2 + 9, MCI_CTL2_CMCI_EN | 0x7fff));
	EXPECT_EQ(MCI_CTL2_CMCI_EN | 0x7fff, MSR(MSR_MC0_CTL2 + 9));
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MC0_CTL2 + 9, 1ull << 29));
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MC0_CTL2 + 9, 1ull << 32));
	EXPECT_EQ(MCI_CTL2_CMCI_EN | 0x7fff, MSR(MSR_MC0_CTL2 + 9));
	EXPECT_EQ(0, get_msr(self->vm.vcpu, MSR_MC0_CTL2 + 10, &v));
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MC0_CTL2 + 10, 0));
	EXPECT_EQ(0, get_msr(self->vm.vcpu, MSR_MC0_CTL2 + 31, &v));

	/* KVM_X86_SETUP_MCE clears them. */
	ASSERT_EQ(1, setup_cmci(_metadata, &self->vm, 10));
	EXPECT_EQ(0, MSR(MSR_MC0_CTL2 + 9));

	/* Without MCG_CMCI_P: the VMM reads it and may write 0. */
	v = 10 | MCG_CTL_P;
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SETUP_MCE, &v));
	EXPECT_EQ(0, MSR(MSR_MC0_CTL2 + 3));
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_MC0_CTL2 + 3, 0));
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MC0_CTL2 + 3, MCI_CTL2_CMCI_EN));
}

static void set_mce(struct kvm_x86_mce *m, __u8 bank, __u64 status, __u64 mcg_status,
		    __u64 addr)
{
	memset(m, 0, sizeof(*m));
	m->bank = bank;
	m->status = status;
	m->mcg_status = mcg_status;
	m->addr = addr;
	m->misc = 0x8c;
}

/*
 * KVM_X86_SET_MCE without running the guest: a bank the vCPU lacks or a
 * status without VAL is EINVAL; a corrected error is logged (OVER on a
 * second one); a UCNA error is logged with its MCG_STATUS (no LAPIC: no
 * interrupt); uncorrected errors are dropped when MCG_CTL or the bank's
 * MCi_CTL turn them off.
 */
TEST_F(state, set_mce)
{
	__u64 ce = MCI_STATUS_VAL | MCI_STATUS_EN | 0x1234;
	__u64 ucna = MCI_STATUS_VAL | MCI_STATUS_UC | MCI_STATUS_EN | 0x10090;
	__u64 uc = ucna | MCI_STATUS_PCC;
	__u64 mcip = MCG_STATUS_MCIP | MCG_STATUS_EIPV;
	struct kvm_x86_mce m;
	__u64 v;

	v = 10 | MCG_CTL_P | MCG_SER_P;
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SETUP_MCE, &v));
	set_mce(&m, 10, ce, 0, 0x1000);
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_X86_SET_MCE, &m));
	set_mce(&m, 255, ce, 0, 0x1000);
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_X86_SET_MCE, &m));
	set_mce(&m, 2, ce & ~MCI_STATUS_VAL, 0, 0x1000);
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_X86_SET_MCE, &m));
	EXPECT_EQ(-EFAULT, kioctl(self->vm.vcpu, KVM_X86_SET_MCE, 8));
	EXPECT_EQ(0, MSR(MSR_MC0_CTL + 4 * 2 + 1));

	/* Corrected: logged, then logged again with OVER. */
	set_mce(&m, 2, ce, 0, 0x1000);
	EXPECT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SET_MCE, &m));
	EXPECT_EQ(ce, MSR(MSR_MC0_CTL + 4 * 2 + 1));
	EXPECT_EQ(0x1000, MSR(MSR_MC0_CTL + 4 * 2 + 2));
	EXPECT_EQ(0x8c, MSR(MSR_MC0_CTL + 4 * 2 + 3));
	set_mce(&m, 2, ce, 0, 0x2000);
	EXPECT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SET_MCE, &m));
	EXPECT_EQ(ce | MCI_STATUS_OVER, MSR(MSR_MC0_CTL + 4 * 2 + 1));
	EXPECT_EQ(0x2000, MSR(MSR_MC0_CTL + 4 * 2 + 2));
	EXPECT_EQ(0, MSR(MSR_MCG_STATUS));

	/* UCNA: logged as given, MCG_STATUS too; no #MC. */
	set_mce(&m, 3, ucna, 0, 0xdeadbeef);
	EXPECT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SET_MCE, &m));
	EXPECT_EQ(ucna, MSR(MSR_MC0_CTL + 4 * 3 + 1));
	EXPECT_EQ(0xdeadbeef, MSR(MSR_MC0_CTL + 4 * 3 + 2));

	/* Uncorrected with MCi_CTL 0, then with MCG_CTL 0: dropped. */
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_MC0_CTL + 4 * 4, 0));
	set_mce(&m, 4, uc, mcip, 0x3000);
	EXPECT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SET_MCE, &m));
	EXPECT_EQ(0, MSR(MSR_MC0_CTL + 4 * 4 + 1));
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_MCG_CTL, 0));
	set_mce(&m, 5, uc, mcip, 0x3000);
	EXPECT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SET_MCE, &m));
	EXPECT_EQ(0, MSR(MSR_MC0_CTL + 4 * 5 + 1));
	EXPECT_EQ(0, MSR(MSR_MCG_STATUS));
}

X86_SYMBOL(g_mc_handler);
X86_CODE16(g_mc,
	   "out %al, $0x10\n"
	   "out %al, $0x11\n"			/* not reached: #MC first */
	   "out %al, $0xff\n"
	   ".global g_mc_handler\n g_mc_handler:\n"
	   "out %al, $0x12\n"
	   "out %al, $0x13\n"
	   "out %al, $0xff\n");

static void set_cr4(struct __test_metadata *_metadata, struct xvm *vm, __u64 set)
{
	struct kvm_sregs s;

	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_SREGS, &s));
	s.cr4 |= set;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_SREGS, &s));
}

static int run_port(struct xvm *vm)
{
	if (xvm_run(vm))
		return -1;
	if (vm->run->exit_reason != KVM_EXIT_IO)
		return -(int)vm->run->exit_reason - 100;
	return vm->run->io.port;
}

/*
 * An uncorrected error with CR4.MCE set: logged, MCG_STATUS as given, #MC
 * taken by the guest before its next instruction; another one while MCIP is
 * set shuts the vCPU down (KVM_EXIT_SHUTDOWN at the next KVM_RUN).
 */
TEST_F(state, mce_inject)
{
	__u64 uc = MCI_STATUS_VAL | MCI_STATUS_UC | MCI_STATUS_EN | MCI_STATUS_PCC | 0x10090;
	__u64 mcip = MCG_STATUS_MCIP | MCG_STATUS_EIPV;
	struct kvm_x86_mce m;
	__u64 v;

	v = 10 | MCG_CTL_P | MCG_SER_P;
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SETUP_MCE, &v));
	ASSERT_EQ(0, xvm_real_mode(&self->vm, g_mc, g_mc_end));
	xvm_ivt(&self->vm, 18, XCODE + (g_mc_handler - g_mc));
	set_cr4(_metadata, &self->vm, CR4_MCE);
	ASSERT_EQ(0x10, run_port(&self->vm));

	set_mce(&m, 6, uc, mcip, 0x4000);
	EXPECT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SET_MCE, &m));
	EXPECT_EQ(uc, MSR(MSR_MC0_CTL + 4 * 6 + 1));
	EXPECT_EQ(0x4000, MSR(MSR_MC0_CTL + 4 * 6 + 2));
	EXPECT_EQ(mcip, MSR(MSR_MCG_STATUS));
	EXPECT_EQ(0x12, run_port(&self->vm));
	EXPECT_EQ(0x13, run_port(&self->vm));

	/* MCIP still set: shutdown, nothing logged. */
	set_mce(&m, 7, uc, mcip, 0x5000);
	EXPECT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SET_MCE, &m));
	EXPECT_EQ(0, MSR(MSR_MC0_CTL + 4 * 7 + 1));
	EXPECT_EQ(0, xvm_run(&self->vm));
	EXPECT_EQ(KVM_EXIT_SHUTDOWN, self->vm.run->exit_reason);
}

/* An uncorrected error with CR4.MCE clear: shutdown, nothing logged. */
TEST_F(state, mce_shutdown)
{
	__u64 uc = MCI_STATUS_VAL | MCI_STATUS_UC | MCI_STATUS_EN | MCI_STATUS_PCC | 0x10090;
	struct kvm_x86_mce m;
	__u64 v = 10 | MCG_SER_P;

	/* A new vCPU's MCi_CTL are 0 (errors off) until KVM_X86_SETUP_MCE. */
	ASSERT_EQ(0, xvm_real_mode(&self->vm, g_mc, g_mc_end));
	set_mce(&m, 1, uc, MCG_STATUS_MCIP | MCG_STATUS_EIPV, 0x4000);
	EXPECT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SET_MCE, &m));
	ASSERT_EQ(0x10, run_port(&self->vm));
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SETUP_MCE, &v));
	set_mce(&m, 1, uc, MCG_STATUS_MCIP | MCG_STATUS_EIPV, 0x4000);
	EXPECT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SET_MCE, &m));
	EXPECT_EQ(0, MSR(MSR_MC0_CTL + 4 * 1 + 1));
	EXPECT_EQ(0, MSR(MSR_MCG_STATUS));
	EXPECT_EQ(0, xvm_run(&self->vm));
	EXPECT_EQ(KVM_EXIT_SHUTDOWN, self->vm.run->exit_reason);
}

/* MTRRs: the capability, KVM's validity checks, values kept. */
TEST_F(state, mtrr)
{
	EXPECT_EQ(0x508, MSR(MSR_MTRR_CAP));
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MTRR_CAP, 0x508));
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_MTRR_DEF_TYPE, 0xc06));
	EXPECT_EQ(0xc06, MSR(MSR_MTRR_DEF_TYPE));
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MTRR_DEF_TYPE, 2));	/* type 2 */
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MTRR_DEF_TYPE, 0x1006));
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_MTRR_FIX64K, 0x0606060605040100ull));
	EXPECT_EQ(0x0606060605040100ull, MSR(MSR_MTRR_FIX64K));
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MTRR_FIX4K_F8000, 0x0700000000000000ull));
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_MTRR_BASE0, 0x80000006));
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_MTRR_MASK0, 0xf80000800ull));
	EXPECT_EQ(0x80000006, MSR(MSR_MTRR_BASE0));
	EXPECT_EQ(0xf80000800ull, MSR(MSR_MTRR_MASK0));
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MTRR_BASE0, 0x80000106));
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MTRR_MASK0, 0xf80000801ull));
	EXPECT_EQ(0, set_msr(self->vm.vcpu, MSR_MTRR_MASK0, 1ull << 63));
}

/* kvmclock MSRs and the microcode revision, kept for the VMM. */
TEST_F(state, kvm_msrs)
{
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_KVM_SYSTEM_TIME, 0));
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_KVM_WALL_CLOCK, 0x8000));
	EXPECT_EQ(0, MSR(MSR_KVM_SYSTEM_TIME));
	EXPECT_EQ(0x8000, MSR(MSR_KVM_WALL_CLOCK));
	EXPECT_EQ(1, set_msr(self->vm.vcpu, MSR_UCODE_REV, 0x4200000000ull));
	EXPECT_EQ(0x4200000000ull, MSR(MSR_UCODE_REV));
}

X86_SYMBOL(g_state_gp);
X86_CODE16(g_state,
	   "mov $0xfe, %ecx\n rdmsr\n mov %eax, %esi\n"			/* MTRRcap */
	   "mov $0x8b, %ecx\n xor %eax, %eax\n xor %edx, %edx\n wrmsr\n"	/* UCODE_REV */
	   "mov $0x2ff, %ecx\n mov $0xc06, %eax\n wrmsr\n"		/* MTRRdefType */
	   "mov $0x179, %ecx\n rdmsr\n mov %eax, %edi\n"		/* MCG_CAP */
	   "mov $0x17b, %ecx\n rdmsr\n"					/* MCG_CTL: #GP */
	   "out %al, $0xff\n"
	   "1: jmp 1b\n"
	   ".global g_state_gp\n g_state_gp:\n push %bp\n mov %sp, %bp\n addw $2, 2(%bp)\n"
	   "pop %bp\n out %al, $0x13\n iret\n");

/* The same MSRs from the guest: MTRRs, microcode revision written, MCG. */
TEST_F(state, guest_msrs)
{
	struct kvm_regs regs;

	ASSERT_EQ(0, xvm_real_mode(&self->vm, g_state, g_state_end));
	xvm_ivt(&self->vm, 13, XCODE + (g_state_gp - g_state));
	ASSERT_EQ(0, xvm_run(&self->vm));
	ASSERT_EQ(KVM_EXIT_IO, self->vm.run->exit_reason);
	ASSERT_EQ(0x13, self->vm.run->io.port);		/* MCG_CTL without MCG_CTL_P */
	ASSERT_EQ(0, xvm_run(&self->vm));
	ASSERT_EQ(KVM_EXIT_IO, self->vm.run->exit_reason);
	ASSERT_EQ(XPORT_DONE, self->vm.run->io.port);
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(0x508, regs.rsi);
	EXPECT_EQ(32, regs.rdi);
	EXPECT_EQ(0xc06, MSR(MSR_MTRR_DEF_TYPE));
}

/* ---- XSAVE ---- */

/* Run; the exit must be an OUT to @port; its value. */
static __u64 run_out(struct __test_metadata *_metadata, struct xvm *vm, int port)
{
	EXPECT_EQ(0, xvm_run(vm));
	EXPECT_EQ(KVM_EXIT_IO, vm->run->exit_reason) TH_LOG("exit %u", vm->run->exit_reason);
	EXPECT_EQ(port, vm->run->io.port) TH_LOG("port %#x", vm->run->io.port);
	return xio_value(vm->run);
}

#define RUN_OUT(port) run_out(_metadata, &self->vm, port)

struct cpuid_table {
	struct kvm_cpuid2 c;
	struct kvm_cpuid_entry2 e[256];
};

/*
 * KVM_GET_SUPPORTED_CPUID as the vCPU's CPUID, without XSAVE unless @xsave;
 * the XCR0 bits it offers (leaf 0xD), 0 without XSAVE, -1 on error.
 */
static long long supported_as_guest_cpuid(struct xvm *vm, int xsave_on)
{
	static struct cpuid_table t;
	long long xcr0 = 0;
	int xsave = 0;
	__u32 i;

	memset(&t, 0, sizeof(t));
	t.c.nent = 256;
	if (kioctlp(vm->sys, KVM_GET_SUPPORTED_CPUID, &t))
		return -1;
	for (i = 0; i < t.c.nent; i++) {
		if (t.e[i].function == 1) {
			xsave = !!(t.e[i].ecx & (1u << 26));
			if (!xsave_on)
				t.e[i].ecx &= ~(1u << 26);
		}
		if (t.e[i].function == 0xd && t.e[i].index == 0)
			xcr0 = (__u64)t.e[i].edx << 32 | t.e[i].eax;
	}
	if (kioctlp(vm->vcpu, KVM_SET_CPUID2, &t))
		return -1;
	return xsave ? xcr0 : 0;
}

static int set_cr4_osxsave(struct xvm *vm)
{
	struct kvm_sregs s;
	int r = kioctlp(vm->vcpu, KVM_GET_SREGS, &s);

	if (r)
		return r;
	s.cr4 |= 1u << 18;
	return kioctlp(vm->vcpu, KVM_SET_SREGS, &s);
}

X86_SYMBOL(g_xcr_gp);
X86_CODE16(g_xcr,
	   "mov $1, %eax\n cpuid\n mov %ecx, %eax\n out %eax, $0x61\n"
	   "xor %ecx, %ecx\n xor %edx, %edx\n mov $3, %eax\n xsetbv\n"
	   "xor %ecx, %ecx\n xgetbv\n out %eax, $0x62\n"
	   "mov $0xd, %eax\n xor %ecx, %ecx\n cpuid\n mov %ebx, %eax\n out %eax, $0x63\n"
	   "xor %ecx, %ecx\n xor %edx, %edx\n mov $5, %eax\n xsetbv\n"
	   "out %al, $0x64\n"
	   ".global g_xcr_gp\n g_xcr_gp:\n out %al, $0x6d\n 1: jmp 1b\n");

/*
 * XCR0: CR4.OSXSAVE only with XSAVE in the guest's CPUID; with it the guest sees
 * OSXSAVE in CPUID, sets XCR0 with XSETBV and reads it back with XGETBV,
 * leaf 0xD gives the size for its XCR0, and AVX without SSE is a #GP.
 * KVM_GET/SET_XCRS with KVM's checks.
 */
TEST_F(state, xcr0)
{
	struct kvm_sregs sr;
	struct kvm_xcrs x;
	long long xcr0;

	ASSERT_EQ(0, xvm_real_mode(&self->vm, g_xcr, g_xcr_end));
	xvm_ivt(&self->vm, 13, XCODE + (g_xcr_gp - g_xcr));
	ASSERT_LE(0, supported_as_guest_cpuid(&self->vm, 0));
	EXPECT_EQ(-EINVAL, set_cr4_osxsave(&self->vm)) TH_LOG("OSXSAVE without XSAVE");
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_SREGS, &sr));
	EXPECT_EQ(0, sr.cr4 & (1u << 18));
	xcr0 = supported_as_guest_cpuid(&self->vm, 1);
	ASSERT_LE(0, xcr0);
	if (!xcr0)
		SKIP(return, "no XSAVE on %s", kvm_dev());
	EXPECT_LT(0, ioctl(self->vm.fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE));
	EXPECT_LT(0, ioctl(self->vm.fd, KVM_CHECK_EXTENSION, KVM_CAP_XCRS));
	EXPECT_LE(4096, ioctl(self->vm.fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE2));
	memset(&x, 0, sizeof(x));
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_XCRS, &x));
	EXPECT_EQ(1, x.nr_xcrs);
	EXPECT_EQ(0, x.xcrs[0].xcr);
	EXPECT_EQ(1, x.xcrs[0].value);
	ASSERT_EQ(0, set_cr4_osxsave(&self->vm));

	EXPECT_EQ(3u << 26, RUN_OUT(0x61) & (3u << 26));	/* XSAVE, OSXSAVE */
	EXPECT_EQ(3, RUN_OUT(0x62));
	EXPECT_EQ(576, RUN_OUT(0x63));
	RUN_OUT(0x6d);

	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_XCRS, &x));
	EXPECT_EQ(3, x.xcrs[0].value);
	x.flags = 1;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_SET_XCRS, &x));
	x.flags = 0;
	x.nr_xcrs = 17;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_SET_XCRS, &x));
	x.nr_xcrs = 1;
	x.xcrs[0].value = 0;			/* no x87 */
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_SET_XCRS, &x));
	x.xcrs[0].value = 5;			/* AVX without SSE */
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_SET_XCRS, &x));
	x.xcrs[0].value = 1ull << 62;		/* nobody has it */
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_SET_XCRS, &x));
	x.xcrs[0].value = xcr0 & 7;
	EXPECT_EQ(0, kioctlp(self->vm.vcpu, KVM_SET_XCRS, &x));
	memset(&x, 0, sizeof(x));
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_XCRS, &x));
	EXPECT_EQ(xcr0 & 7, x.xcrs[0].value);
}

#define YMM_IN	0x4000
#define YMM_OUT	0x4100

X86_CODE64(g_ymm,
	   "mov $7, %eax\n xor %edx, %edx\n xor %ecx, %ecx\n xsetbv\n"
	   "vmovdqu 0x4000, %ymm0\n out %al, $0x70\n"
	   "vmovdqu %ymm0, 0x4100\n out %al, $0x71\n 1: jmp 1b\n");

/*
 * AVX state of a 64-bit guest: loaded by the guest, it survives the exit and
 * the host thread using its own YMM registers and yielding the CPU; the VMM
 * sees it in KVM_GET_XSAVE (the high half at leaf 0xD's offset), changes it
 * with KVM_SET_XSAVE, and the guest stores what the VMM wrote.
 */
TEST_F(state, xsave_ymm)
{
	static struct kvm_xsave xs;
	unsigned char *ram = self->vm.ram;
	unsigned int a, b, c, d, off;
	long long xcr0;
	int i;

	if (!__builtin_cpu_supports("avx"))
		SKIP(return, "the host has no AVX");
	ASSERT_EQ(0, xvm_long_mode(&self->vm, g_ymm, g_ymm_end));
	xcr0 = supported_as_guest_cpuid(&self->vm, 1);
	ASSERT_LE(0, xcr0);
	if ((xcr0 & 7) != 7)
		SKIP(return, "no AVX state for guests on %s", kvm_dev());
	ASSERT_EQ(0, set_cr4_osxsave(&self->vm));
	__cpuid_count(0xd, 2, a, b, c, d);
	off = b;
	ASSERT_LE(576, off);
	for (i = 0; i < 32; i++)
		ram[YMM_IN + i] = 0x10 + i;

	RUN_OUT(0x70);
	/* The host's own YMM0, then another task on this CPU maybe. */
	__asm__ volatile("vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n vzeroupper" ::: "xmm0");
	sched_yield();
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_XSAVE, &xs));
	EXPECT_EQ(6, ((unsigned char *)xs.region)[512] & 6) TH_LOG("XSTATE_BV");
	EXPECT_EQ(0, memcmp((char *)xs.region + 160, ram + YMM_IN, 16)) TH_LOG("XMM0");
	EXPECT_EQ(0, memcmp((char *)xs.region + off, ram + YMM_IN + 16, 16)) TH_LOG("YMM0 high");
	memset((char *)xs.region + off, 0xaa, 16);
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_SET_XSAVE, &xs));

	RUN_OUT(0x71);
	EXPECT_EQ(0, memcmp(ram + YMM_OUT, ram + YMM_IN, 16));
	for (i = 16; i < 32; i++)
		EXPECT_EQ(0xaa, ram[YMM_OUT + i]) TH_LOG("byte %d", i);

	/* Components nobody offers: EINVAL. */
	((unsigned char *)xs.region)[512 + 7] |= 0x40;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_SET_XSAVE, &xs));
}

/* ---- kvmclock ---- */

struct pvclock {			/* struct pvclock_vcpu_time_info */
	__u32 version;
	__u32 pad0;
	__u64 tsc_timestamp;
	__u64 system_time;
	__u32 mul;
	__s8 shift;
	__u8 flags;
	__u8 pad[2];
};

struct wallclock {			/* struct pvclock_wall_clock */
	__u32 version;
	__u32 sec;
	__u32 nsec;
};

#define PVCLOCK_GPA	0x5000
#define WALLCLOCK_GPA	0x5100

/* The VM's clock at guest TSC @tsc, as the guest reads its pvclock page. */
static __u64 pvclock_ns(const struct pvclock *p, __u64 tsc)
{
	__u64 d = tsc - p->tsc_timestamp;

	d = p->shift < 0 ? d >> -p->shift : d << p->shift;
	return p->system_time + (__u64)(((__uint128_t)d * p->mul) >> 32);
}

X86_CODE16(g_kvmclock,
	   "mov $0x4b564d01, %ecx\n mov $0x5001, %eax\n xor %edx, %edx\n wrmsr\n"
	   "out %al, $0x70\n"
	   "mov $0x4b564d00, %ecx\n mov $0x5100, %eax\n xor %edx, %edx\n wrmsr\n"
	   "out %al, $0x71\n"
	   "1: out %al, $0x72\n jmp 1b\n");

/*
 * kvmclock: KVM_GET_SUPPORTED_CPUID offers it (KVM_FEATURE_CLOCKSOURCE2);
 * the guest enables its pvclock page with MSR_KVM_SYSTEM_TIME_NEW and reads
 * the VM's clock from it (KVM_GET_CLOCK's, within 100 ms), gets the wall
 * clock with MSR_KVM_WALL_CLOCK_NEW, and KVM_SET_CLOCK moves the page's time;
 * a page outside guest memory or across a page boundary is left alone.
 */
TEST_F(state, kvmclock)
{
	struct { struct kvm_cpuid2 c; struct kvm_cpuid_entry2 e[256]; } *t;
	struct pvclock *p = (void *)(self->vm.ram + PVCLOCK_GPA);
	struct wallclock *w = (void *)(self->vm.ram + WALLCLOCK_GPA);
	struct kvm_clock_data d;
	__u64 now, before;
	long long wall;
	__u32 i, feat = 0;

	t = calloc(1, sizeof(*t));
	ASSERT_NE(NULL, t);
	t->c.nent = 256;
	ASSERT_EQ(0, kioctlp(self->vm.sys, KVM_GET_SUPPORTED_CPUID, t));
	for (i = 0; i < t->c.nent; i++)
		if (t->e[i].function == 0x40000001)
			feat = t->e[i].eax;
	free(t);
	EXPECT_TRUE(feat & (1u << 3)) TH_LOG("KVM_FEATURE_CLOCKSOURCE2: %#x", feat);

	ASSERT_EQ(0, xvm_real_mode(&self->vm, g_kvmclock, g_kvmclock_end));
	RUN_OUT(0x70);
	EXPECT_EQ(0x5001, MSR(0x4b564d01));
	RUN_OUT(0x71);
	EXPECT_EQ(0, p->version & 1);
	EXPECT_NE(0, p->version);
	EXPECT_NE(0, p->mul);
	memset(&d, 0, sizeof(d));
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_GET_CLOCK, &d));
	now = pvclock_ns(p, MSR(0x10));		/* the guest's TSC now */
	EXPECT_GT(100000000LL, llabs((long long)(now - d.clock)))
		TH_LOG("pvclock %llu, KVM_GET_CLOCK %llu", (unsigned long long)now,
		       (unsigned long long)d.clock);

	EXPECT_EQ(0, w->version & 1);
	EXPECT_NE(0, w->version);
	ASSERT_TRUE(d.flags & KVM_CLOCK_REALTIME);
	wall = (long long)(d.realtime - d.clock) / 1000000000LL;
	EXPECT_GE(2, llabs(wall - (long long)w->sec))
		TH_LOG("wall clock %u s, expected %lld s", w->sec, wall);

	before = pvclock_ns(p, MSR(0x10));
	d.clock += 1000000000000ULL;		/* 1000 s later */
	d.flags = 0;
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_SET_CLOCK, &d));
	RUN_OUT(0x72);
	now = pvclock_ns(p, MSR(0x10));
	EXPECT_LT(before + 999000000000ULL, now)
		TH_LOG("pvclock %llu, before %llu", (unsigned long long)now,
		       (unsigned long long)before);

	/* A page outside guest memory, one across a page: ignored. */
	EXPECT_EQ(1, set_msr(self->vm.vcpu, 0x4b564d01, (XRAM_SIZE + 0x1000) | 1));
	RUN_OUT(0x72);
	EXPECT_EQ(1, set_msr(self->vm.vcpu, 0x4b564d01, 0x5ff1));
	RUN_OUT(0x72);
	for (i = 0; i < 16; i++)
		EXPECT_EQ(0, self->vm.ram[0x5ff0 + i]) TH_LOG("byte %#x", 0x5ff0 + i);
}

#else /* !__x86_64__ */

TEST(x86_state)
{
	SKIP(return, "these tests drive an x86 VM");
}

#endif

TEST_HARNESS_MAIN
