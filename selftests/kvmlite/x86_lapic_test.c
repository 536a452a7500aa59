// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel local APIC with KVM's split irqchip (KVM_CAP_SPLIT_IRQCHIP):
 * the capability and its errnos, the APIC's reset state in KVM_GET_LAPIC and
 * MSR_IA32_APICBASE, KVM_SET_LAPIC, a 64-bit guest using the xAPIC page at
 * 0xfee00000 (ID, version, SVR, IPIs of each destination kind, TPR, NMI),
 * the APIC timer (one-shot, periodic, TSC deadline) waking a guest halted in
 * the kernel, MSIs from KVM_SIGNAL_MSI and from an irqfd on an MSI route,
 * KVM_IRQ_LINE on MSI routes and KVM_EXIT_IOAPIC_EOI for level-triggered
 * vectors of the reserved IOAPIC GSIs, KVM_INTERRUPT as ExtINT, INIT/SIPI
 * start of an application processor, and bad inputs. Then the full in-kernel
 * irqchip (KVM_CREATE_IRQCHIP): its errnos and KVM_GET/SET_IRQCHIP, the PICs
 * delivering an ExtINT, the IOAPIC's level and edge pins with Remote IRR and
 * EOI, a resampling irqfd. The LVT CMCI with MCG_CMCI_P and a UCNA error of
 * KVM_X86_SET_MCE raising it; KVM_CAP_X86_APIC_BUS_CYCLES_NS, its errnos
 * and the timer counting in those cycles. The same tests run on the in-kernel KVM
 * (KVMLITE_DEV=/dev/kvm) as the oracle.
 */
#include <linux/kvm.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>

#include "kselftest_harness.h"

#ifdef __x86_64__
#include "kvmlite_proc.h"
#include "kvmlite_x86.h"

/* xAPIC registers */
#define APIC_ID		0x20
#define APIC_LVR	0x30
#define APIC_TPR	0x80
#define APIC_PPR	0xa0
#define APIC_LDR	0xd0
#define APIC_DFR	0xe0
#define APIC_SVR	0xf0
#define APIC_ISR	0x100
#define APIC_TMR	0x180
#define APIC_IRR	0x200
#define APIC_LVTCMCI	0x2f0
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define APIC_LVTT	0x320
#define APIC_LVT0	0x350
#define APIC_LVT1	0x360
#define APIC_LVTERR	0x370
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0
#define LVT_MASKED	0x10000

#define MSR_TSC_DEADLINE	0x6e0
#define APICBASE_BSP	0x100ULL
#define APICBASE_ENABLE	0x800ULL

/*
 * Guest memory of the tests: the interrupt log the handlers keep (a count,
 * a flag asking the handler to stop in service with OUT 0x80, a parameter
 * from the host, then one byte per interrupt taken) and the handlers.
 */
#define XLOG		0x16000ULL
#define XLOG_PAUSE	(XLOG + 4)
#define XLOG_PARAM	(XLOG + 8)
#define XLOG_VECS	(XLOG + 0x10)
#define XRT		0x17000ULL
#define XAP		0x20000ULL	/* the AP's SIPI page, vector 0x20 */
#define SIPI_VECTOR	0x20
#define PORT_FAULT	0xfe
#define PORT_PAUSE	0x80

/*
 * Interrupt handlers: stub v (16 bytes at XRT + 16 * v) puts v in AL. Vector
 * 2 (NMI) and 0x20 and up are logged; the others are exceptions, reported
 * on PORT_FAULT. Interrupts 0x20 and up are EOIed but for 0x70-0x7f, the
 * ExtINT test's (an ExtINT is the PIC's, never in the LAPIC's ISR: with the
 * APIC disabled an EOI write would be plain MMIO); with the pause flag set
 * the handler first stops in service with OUT PORT_PAUSE (AL = vector).
 */
X86_CODE64(g_rt,
	   "lrt_vec = 0\n"
	   ".rept 256\n"
	   ".balign 16, 0xcc\n"
	   "push %rax\n mov $lrt_vec, %al\n jmp lrt_common\n"
	   "lrt_vec = lrt_vec + 1\n"
	   ".endr\n"
	   "lrt_common:\n"
	   "push %rcx\n push %rdx\n movzbl %al, %eax\n"
	   "cmp $2, %eax\n je lrt_log\n"
	   "cmp $0x20, %eax\n jb lrt_fault\n"
	   "lrt_log:\n"
	   "mov 0x16000, %ecx\n mov %al, 0x16010(%rcx)\n inc %ecx\n mov %ecx, 0x16000\n"
	   "cmp $2, %eax\n je lrt_ret\n"
	   "cmpl $0, 0x16004\n je 1f\n out %al, $0x80\n movl $0, 0x16004\n"
	   "1: mov %al, %dl\n and $0xf0, %dl\n cmp $0x70, %dl\n je lrt_ret\n"
	   "mov $0xfee000b0, %edx\n movl $0, (%rdx)\n"
	   "lrt_ret:\n pop %rdx\n pop %rcx\n pop %rax\n iretq\n"
	   "lrt_fault:\n out %al, $0xfe\n 2: hlt\n jmp 2b\n");

FIXTURE(lapic) {
	struct xvm vm;
};

/* A VM with the split irqchip (24 IOAPIC routes reserved), then vCPU 0. */
FIXTURE_SETUP(lapic)
{
	int r = xvm_create_novcpu(&self->vm);

	ASSERT_EQ(0, r) TH_LOG("VM on %s: %s", kvm_dev(), strerror(-r));
	ASSERT_EQ(0, xvm_split_irqchip(self->vm.fd, 24));
	ASSERT_EQ(0, xvm_add_vcpu(&self->vm, 0));
}

FIXTURE_TEARDOWN(lapic)
{
	xvm_destroy(&self->vm);
}

/* 64-bit guest @start..@end at XCODE with the APIC page mapped and the IDT. */
static int lapic_guest(struct xvm *vm, const unsigned char *start,
		       const unsigned char *end)
{
	int r = xvm_long_mode(vm, start, end), v;

	if (r)
		return r;
	xvm_map_apic(vm);
	memcpy(vm->ram + XRT, g_rt, g_rt_end - g_rt);
	for (v = 0; v < 256; v++)
		xvm_idt64_gate(vm, v, XRT + 16 * v);
	memset(vm->ram + XLOG, 0, 0x200);
	return xvcpu_load_idt64(vm->vcpu);
}

static __u32 log_count(struct xvm *vm)
{
	return *(__u32 *)(vm->ram + XLOG);
}

static int log_vec(struct xvm *vm, int i)
{
	return vm->ram[XLOG_VECS + i];
}

/* Run; the exit must be an OUT to @port; its value. */
static __u64 run_out(struct __test_metadata *_metadata, struct xvm *vm, int port)
{
	EXPECT_EQ(0, xvm_run(vm));
	EXPECT_EQ(KVM_EXIT_IO, vm->run->exit_reason) TH_LOG("exit %u", vm->run->exit_reason);
	EXPECT_EQ(KVM_EXIT_IO_OUT, vm->run->io.direction);
	EXPECT_EQ(port, vm->run->io.port)
		TH_LOG("port %#x (value %#llx)", vm->run->io.port,
		       (unsigned long long)xio_value(vm->run));
	return xio_value(vm->run);
}

#define RUN_OUT(port) run_out(_metadata, &self->vm, port)

static int get_lapic(struct xvm *vm, struct kvm_lapic_state *s)
{
	memset(s, 0, sizeof(*s));
	return kioctlp(vm->vcpu, KVM_GET_LAPIC, s);
}

static __u32 guest_cpuid_ecx1(struct xvm *vm)
{
	static struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[100];
	} t;
	__u32 i;

	memset(&t, 0, sizeof(t));
	t.c.nent = 100;
	if (kioctlp(vm->vcpu, KVM_GET_CPUID2, &t))
		return 0;
	for (i = 0; i < t.c.nent; i++)
		if (t.e[i].function == 1)
			return t.e[i].ecx;
	return 0;
}

/*
 * KVM's version register: 0x14, 6 LVT entries (no CMCI without MCG_CMCI_P)
 * and, with x2APIC in the guest's CPUID and no in-kernel IOAPIC (split
 * irqchip), directed EOI.
 */
static __u32 expected_lvr(struct xvm *vm)
{
	return 0x50014 | (guest_cpuid_ecx1(vm) & (1u << 21) ? 1u << 24 : 0);
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* Wait up to @ms for thread @tid to sleep; whether it did. */
static int wait_sleeping(pid_t tid, int ms)
{
	int i;

	for (i = 0; i < ms / 5; i++) {
		if (thread_state(tid) == 'S')
			return 1;
		usleep(5000);
	}
	return 0;
}

/* ---- the capability, reset state, KVM_GET/SET_LAPIC ---- */

/*
 * KVM_CAP_SPLIT_IRQCHIP: offered; flags or more reserved routes than KVM has
 * GSIs (KVM_MAX_IRQ_ROUTES, 4096) are EINVAL; once enabled, again or with
 * KVM_CREATE_IRQCHIP is EEXIST, and so is enabling it after a vCPU exists.
 * Without an irqchip the APIC and MSI ioctls fail as KVM fails them.
 */
TEST(split_irqchip_cap)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_SPLIT_IRQCHIP };
	struct kvm_msi msi = { .address_lo = XAPIC_BASE, .data = 0x40 };
	struct kvm_irq_level line = { .irq = 5, .level = 1 };
	struct kvm_irq_routing routing = { 0 };
	struct kvm_lapic_state *s;
	struct kvm_irqfd irqfd = { .gsi = 5 };
	struct xvm vm;
	int r;

	r = xvm_create_novcpu(&vm);
	ASSERT_EQ(0, r) TH_LOG("VM on %s: %s", kvm_dev(), strerror(-r));
	EXPECT_EQ(1, ioctl(vm.sys, KVM_CHECK_EXTENSION, KVM_CAP_SPLIT_IRQCHIP));
	EXPECT_EQ(1, ioctl(vm.fd, KVM_CHECK_EXTENSION, KVM_CAP_SPLIT_IRQCHIP));
	cap.flags = 1;
	cap.args[0] = 24;
	EXPECT_EQ(-EINVAL, kioctlp(vm.fd, KVM_ENABLE_CAP, &cap));
	EXPECT_EQ(-EINVAL, xvm_split_irqchip(vm.fd, 4097));
	EXPECT_EQ(0, xvm_split_irqchip(vm.fd, 24));
	EXPECT_EQ(-EEXIST, xvm_split_irqchip(vm.fd, 24));
	EXPECT_EQ(-EEXIST, kioctl(vm.fd, KVM_CREATE_IRQCHIP, 0));
	xvm_destroy(&vm);

	/* All of KVM's GSIs may be reserved. */
	ASSERT_EQ(0, xvm_create_novcpu(&vm));
	EXPECT_EQ(0, xvm_split_irqchip(vm.fd, 4096));
	xvm_destroy(&vm);

	/* A vCPU first: no irqchip any more, and none of the APIC ioctls. */
	ASSERT_EQ(0, xvm_create(&vm));
	EXPECT_EQ(-EEXIST, xvm_split_irqchip(vm.fd, 24));
	s = calloc(1, sizeof(*s));
	ASSERT_NE(NULL, s);
	EXPECT_EQ(-EINVAL, kioctlp(vm.vcpu, KVM_GET_LAPIC, s));
	EXPECT_EQ(-EINVAL, kioctlp(vm.vcpu, KVM_SET_LAPIC, s));
	free(s);
	EXPECT_EQ(-EINVAL, kioctlp(vm.fd, KVM_SIGNAL_MSI, &msi));
	EXPECT_EQ(-EINVAL, kioctlp(vm.fd, KVM_SET_GSI_ROUTING, &routing));
	EXPECT_EQ(-ENXIO, kioctlp(vm.fd, KVM_IRQ_LINE, &line));
	irqfd.fd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, irqfd.fd);
	EXPECT_EQ(-EINVAL, kioctlp(vm.fd, KVM_IRQFD, &irqfd));
	close(irqfd.fd);
	xvm_destroy(&vm);
}

/* Registers KVM sets at RESET; all others 0. */
static void expected_reset(struct kvm_lapic_state *e, int id, __u32 lvr, int bsp)
{
	int i;

	memset(e, 0, sizeof(*e));
	xlapic_set_reg(e, APIC_ID, id << 24);
	xlapic_set_reg(e, APIC_LVR, lvr);
	xlapic_set_reg(e, APIC_DFR, 0xffffffff);
	xlapic_set_reg(e, APIC_SVR, 0xff);
	for (i = 0; i < 6; i++)
		xlapic_set_reg(e, APIC_LVTT + 0x10 * i, LVT_MASKED);
	/* KVM_X86_QUIRK_LINT0_REENABLED: the BSP's LINT0 is ExtINT, unmasked. */
	if (bsp)
		xlapic_set_reg(e, APIC_LVT0, 0x700);
}

static void expect_regs(struct __test_metadata *_metadata,
			const struct kvm_lapic_state *want,
			const struct kvm_lapic_state *got)
{
	unsigned int off;

	for (off = 0; off < sizeof(got->regs); off += 4)
		EXPECT_EQ(xlapic_reg(want, off), xlapic_reg(got, off))
			TH_LOG("APIC register %#x", off);
}

/*
 * Reset state: ID = vCPU id << 24, KVM's version, DFR all ones, SVR 0xff
 * (software-disabled), LVTs masked but the BSP's LINT0 (ExtINT), the rest 0;
 * APICBASE 0xfee00000 | enable (| BSP on vCPU 0), also in KVM_GET_SREGS.
 * The AP waits for INIT (UNINITIALIZED). KVM_SET_LAPIC keeps what it is
 * given but the version (KVM's) and PPR (from TPR and ISR). Host writes of
 * APICBASE with reserved bits or x2APIC without enable fail.
 */
TEST_F(lapic, reset_state)
{
	struct kvm_lapic_state *s, *e;
	struct kvm_mp_state mp;
	struct kvm_sregs sr;
	struct xvm ap = self->vm;
	__u32 lvr = expected_lvr(&self->vm);
	__u64 base;

	s = calloc(2, sizeof(*s));
	ASSERT_NE(NULL, s);
	e = s + 1;
	ASSERT_EQ(0, get_lapic(&self->vm, s));
	expected_reset(e, 0, lvr, 1);
	expect_regs(_metadata, e, s);
	ASSERT_EQ(1, xvcpu_get_msr(self->vm.vcpu, MSR_IA32_APICBASE, &base));
	EXPECT_EQ(XAPIC_BASE | APICBASE_ENABLE | APICBASE_BSP, base);
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_SREGS, &sr));
	EXPECT_EQ(XAPIC_BASE | APICBASE_ENABLE | APICBASE_BSP, sr.apic_base);
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, mp.mp_state);

	ASSERT_EQ(0, xvm_add_vcpu(&ap, 1));
	ASSERT_EQ(0, get_lapic(&ap, s));
	expected_reset(e, 1, expected_lvr(&ap), 0);
	expect_regs(_metadata, e, s);
	ASSERT_EQ(1, xvcpu_get_msr(ap.vcpu, MSR_IA32_APICBASE, &base));
	EXPECT_EQ(XAPIC_BASE | APICBASE_ENABLE, base);
	ASSERT_EQ(0, kioctlp(ap.vcpu, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ(KVM_MP_STATE_UNINITIALIZED, mp.mp_state);
	munmap(ap.run, ap.run_size);
	close(ap.vcpu);

	/* KVM_SET_LAPIC round trip. */
	ASSERT_EQ(0, get_lapic(&self->vm, e));
	xlapic_set_reg(e, APIC_ID, 0x05000000);
	xlapic_set_reg(e, APIC_LVR, 0x12345678);
	xlapic_set_reg(e, APIC_TPR, 0x30);
	xlapic_set_reg(e, APIC_PPR, 0xee);
	xlapic_set_reg(e, APIC_LDR, 0x02000000);
	xlapic_set_reg(e, APIC_SVR, 0x1f0);
	xlapic_set_reg(e, APIC_LVT1, 0x400);
	xlapic_set_reg(e, APIC_LVTERR, 0xfe);
	xlapic_set_reg(e, APIC_ICR2, 0x03000000);
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_SET_LAPIC, e));
	ASSERT_EQ(0, get_lapic(&self->vm, s));
	xlapic_set_reg(e, APIC_LVR, lvr);
	xlapic_set_reg(e, APIC_PPR, 0x30);
	expect_regs(_metadata, e, s);
	EXPECT_EQ(-EFAULT, kioctl(self->vm.vcpu, KVM_GET_LAPIC, 8));
	EXPECT_EQ(-EFAULT, kioctl(self->vm.vcpu, KVM_SET_LAPIC, 8));
	free(s);

	/* APICBASE from the host: reserved bits, x2APIC without enable. */
	EXPECT_EQ(0, xvcpu_set_msr(self->vm.vcpu, MSR_IA32_APICBASE,
				   XAPIC_BASE | APICBASE_ENABLE | APICBASE_BSP | 1));
	EXPECT_EQ(0, xvcpu_set_msr(self->vm.vcpu, MSR_IA32_APICBASE,
				   XAPIC_BASE | 0x400 | APICBASE_BSP));
	ASSERT_EQ(1, xvcpu_get_msr(self->vm.vcpu, MSR_IA32_APICBASE, &base));
	EXPECT_EQ(XAPIC_BASE | APICBASE_ENABLE | APICBASE_BSP, base);
}

/* KVM_SET_MP_STATE with an in-kernel APIC: the x86 states, nothing else. */
TEST_F(lapic, mp_state)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_HALTED };

	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_SET_MP_STATE, &mp));
	mp.mp_state = 99;
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ(KVM_MP_STATE_HALTED, mp.mp_state);
	mp.mp_state = KVM_MP_STATE_STOPPED;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_SET_MP_STATE, &mp));
	mp.mp_state = 1000;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.vcpu, KVM_SET_MP_STATE, &mp));
	mp.mp_state = KVM_MP_STATE_UNINITIALIZED;
	EXPECT_EQ(0, kioctlp(self->vm.vcpu, KVM_SET_MP_STATE, &mp));
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ(KVM_MP_STATE_UNINITIALIZED, mp.mp_state);
	mp.mp_state = KVM_MP_STATE_RUNNABLE;
	EXPECT_EQ(0, kioctlp(self->vm.vcpu, KVM_SET_MP_STATE, &mp));
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, mp.mp_state);
}

/* ---- a guest on its xAPIC: IPIs ---- */

X86_CODE64(g_ipi,
	   "mov $0xfee00000, %ebx\n"
	   "mov 0x20(%rbx), %eax\n out %eax, $0x60\n"		/* ID */
	   "mov 0x30(%rbx), %eax\n out %eax, $0x61\n"		/* version */
	   "mov 0xf0(%rbx), %eax\n out %eax, $0x62\n"		/* SVR */
	   "movl $0x1ff, 0xf0(%rbx)\n"				/* enable, spurious 0xff */
	   "mov 0xf0(%rbx), %eax\n out %eax, $0x63\n"
	   "movl $0x40040, 0x300(%rbx)\n"			/* self IPI 0x40, IF = 0 */
	   "mov 0x220(%rbx), %eax\n out %eax, $0x64\n"		/* IRR 0x40-0x5f */
	   "movl $1, 0x16004\n sti\n nop\n nop\n"		/* taken: stops in service */
	   "mov 0x16000, %eax\n out %eax, $0x65\n"
	   "movl $0, 0x310(%rbx)\n movl $0x41, 0x300(%rbx)\n"	/* physical, APIC 0 */
	   "movl $0x01000000, 0xd0(%rbx)\n"			/* LDR: logical 1 (flat) */
	   "movl $0x01000000, 0x310(%rbx)\n movl $0x842, 0x300(%rbx)\n"	/* logical 1 */
	   "movl $0x02000000, 0x310(%rbx)\n movl $0x843, 0x300(%rbx)\n"	/* logical 2: none */
	   "movl $0x80044, 0x300(%rbx)\n"			/* all including self */
	   "movl $0xc0045, 0x300(%rbx)\n"			/* all excluding self */
	   "movl $0x40400, 0x300(%rbx)\n"			/* NMI to self */
	   "mov 0x300(%rbx), %eax\n out %eax, $0x66\n"		/* ICR */
	   "movl $0x50, 0x80(%rbx)\n movl $0x40046, 0x300(%rbx)\n nop\n"	/* under TPR */
	   "mov 0xa0(%rbx), %eax\n out %eax, $0x67\n"		/* PPR */
	   "movl $0, 0x80(%rbx)\n nop\n"			/* TPR 0: taken */
	   "mov 0x16000, %eax\n out %eax, $0x68\n"
	   "out %al, $0xff\n");

/*
 * The guest reads its ID and version from the xAPIC page, enables the APIC
 * through SVR and sends itself a fixed IPI with interrupts off: pending in
 * IRR (guest and KVM_GET_LAPIC), then in service in its handler (ISR, PPR),
 * then gone after its EOI. Then IPIs by physical and logical (flat)
 * destination, the "all including self" shorthand, and not the logical
 * destination it does not have or "all excluding self"; an NMI to itself;
 * ICR reads back without the busy bit; a vector under TPR waits in IRR
 * until TPR drops.
 */
TEST_F(lapic, ipi)
{
	static const int want[] = { 0x40, 0x41, 0x42, 0x44, 2, 0x46 };
	struct kvm_lapic_state *s;
	unsigned int i;

	s = calloc(1, sizeof(*s));
	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, lapic_guest(&self->vm, g_ipi, g_ipi_end));
	EXPECT_EQ(0, RUN_OUT(0x60));
	EXPECT_EQ(expected_lvr(&self->vm), RUN_OUT(0x61));
	EXPECT_EQ(0xff, RUN_OUT(0x62));
	EXPECT_EQ(0x1ff, RUN_OUT(0x63));
	EXPECT_EQ(1, RUN_OUT(0x64) & 1);
	ASSERT_EQ(0, get_lapic(&self->vm, s));
	EXPECT_EQ(1, xlapic_vec(s, APIC_IRR, 0x40));
	EXPECT_EQ(0, xlapic_vec(s, APIC_ISR, 0x40));
	EXPECT_EQ(0, xlapic_vec(s, APIC_TMR, 0x40));
	EXPECT_EQ(0x1ff, xlapic_reg(s, APIC_SVR));

	EXPECT_EQ(0x40, RUN_OUT(PORT_PAUSE) & 0xff);
	ASSERT_EQ(0, get_lapic(&self->vm, s));
	EXPECT_EQ(0, xlapic_vec(s, APIC_IRR, 0x40));
	EXPECT_EQ(1, xlapic_vec(s, APIC_ISR, 0x40));
	EXPECT_EQ(0x40, xlapic_reg(s, APIC_PPR));
	EXPECT_EQ(1, RUN_OUT(0x65));
	ASSERT_EQ(0, get_lapic(&self->vm, s));
	EXPECT_EQ(0, xlapic_vec(s, APIC_ISR, 0x40));
	EXPECT_EQ(0, xlapic_reg(s, APIC_PPR));

	EXPECT_EQ(0x40400, RUN_OUT(0x66));
	EXPECT_EQ(0x50, RUN_OUT(0x67));
	EXPECT_EQ(5, log_count(&self->vm));
	ASSERT_EQ(0, get_lapic(&self->vm, s));
	EXPECT_EQ(1, xlapic_vec(s, APIC_IRR, 0x46));
	EXPECT_EQ(0x01000000, xlapic_reg(s, APIC_LDR));
	EXPECT_EQ(0x50, xlapic_reg(s, APIC_TPR));
	EXPECT_EQ(ARRAY_SIZE(want), RUN_OUT(0x68));
	for (i = 0; i < ARRAY_SIZE(want) && i < log_count(&self->vm); i++)
		EXPECT_EQ(want[i], log_vec(&self->vm, i)) TH_LOG("interrupt %u", i);
	RUN_OUT(XPORT_DONE);
	ASSERT_EQ(0, get_lapic(&self->vm, s));
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(0, xlapic_reg(s, APIC_ISR + 0x10 * i));
		EXPECT_EQ(0, xlapic_reg(s, APIC_IRR + 0x10 * i));
	}
	free(s);
}

/* ---- the APIC timer ---- */

X86_CODE64(g_timer,
	   "mov $0xfee00000, %ebx\n"
	   "movl $0x1ff, 0xf0(%rbx)\n"
	   "movl $0xb, 0x3e0(%rbx)\n"				/* divide by 1 */
	   "movl $0x50, 0x320(%rbx)\n"				/* one-shot, 0x50 */
	   "movl $0x1000000, 0x380(%rbx)\n"			/* TMICT */
	   "mov 0x390(%rbx), %eax\n out %eax, $0x70\n"		/* TMCCT running */
	   "sti\n"
	   "1: hlt\n cmpl $1, 0x16000\n jb 1b\n"
	   "mov 0x390(%rbx), %eax\n out %eax, $0x71\n"		/* TMCCT expired */
	   "movl $0x20051, 0x320(%rbx)\n"			/* periodic, 0x51 */
	   "movl $0x200000, 0x380(%rbx)\n"
	   "2: hlt\n cmpl $4, 0x16000\n jb 2b\n"
	   "movl $0x30051, 0x320(%rbx)\n movl $0, 0x380(%rbx)\n"	/* masked, stopped */
	   "mov 0x16000, %eax\n out %eax, $0x72\n"
	   "mov 0x16008, %rsi\n test %rsi, %rsi\n jz 9f\n"
	   "movl $0x40052, 0x320(%rbx)\n"			/* TSC deadline, 0x52 */
	   "mov 0x320(%rbx), %eax\n out %eax, $0x73\n"
	   "mov $0x6e0, %ecx\n rdmsr\n out %eax, $0x74\n"	/* not armed: 0 */
	   "mov 0x16000, %r12d\n"
	   "rdtsc\n shl $32, %rdx\n or %rdx, %rax\n add %rsi, %rax\n"
	   "mov %rax, %rdx\n shr $32, %rdx\n mov $0x6e0, %ecx\n wrmsr\n"
	   "3: hlt\n cmp %r12d, 0x16000\n jbe 3b\n"
	   "mov $0x6e0, %ecx\n rdmsr\n out %eax, $0x75\n"	/* fired: 0 */
	   "9: mov 0x16000, %eax\n out %eax, $0xff\n");

/*
 * The timer wakes a guest halted in the kernel (no KVM_EXIT_HLT): one-shot
 * (TMCCT counts down from TMICT, 0 once expired), periodic (at least three
 * interrupts), and TSC deadline through MSR 0x6e0 when KVM offers it
 * (KVM_CAP_TSC_DEADLINE_TIMER or the CPUID bit; set in the guest's CPUID):
 * the MSR reads 0 unarmed and again once the deadline passed.
 */
TEST_F(lapic, timer)
{
	static struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[100];
	} t;
	int tscdl = ioctl(self->vm.sys, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	long khz = ioctl(self->vm.vcpu, KVM_GET_TSC_KHZ, 0);
	__u64 v, n;
	__u32 i;

	memset(&t, 0, sizeof(t));
	t.c.nent = 100;
	ASSERT_EQ(0, kioctlp(self->vm.sys, KVM_GET_SUPPORTED_CPUID, &t));
	for (i = 0; i < t.c.nent; i++) {
		if (t.e[i].function != 1)
			continue;
		tscdl |= !!(t.e[i].ecx & (1u << 24));
		if (tscdl)
			t.e[i].ecx |= 1u << 24;
	}
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_SET_CPUID2, &t));
	ASSERT_EQ(0, lapic_guest(&self->vm, g_timer, g_timer_end));
	if (tscdl && khz > 0)
		*(__u64 *)(self->vm.ram + XLOG_PARAM) = (__u64)khz * 5;	/* 5 ms */

	v = RUN_OUT(0x70);
	EXPECT_LT(0, v);
	EXPECT_GE(0x1000000, v);
	EXPECT_EQ(0, RUN_OUT(0x71));
	EXPECT_EQ(1, log_count(&self->vm));
	EXPECT_EQ(0x50, log_vec(&self->vm, 0));
	/* The periodic timer may tick again before the guest masks it. */
	n = RUN_OUT(0x72);
	EXPECT_LE(4, n);
	for (i = 1; i < n; i++)
		EXPECT_EQ(0x51, log_vec(&self->vm, i));
	if (!tscdl || khz <= 0) {
		RUN_OUT(XPORT_DONE);
		SKIP(return, "no TSC-deadline timer on %s", kvm_dev());
	}
	EXPECT_EQ(0x40052, RUN_OUT(0x73));
	EXPECT_EQ(0, RUN_OUT(0x74));
	EXPECT_EQ(0, RUN_OUT(0x75));
	EXPECT_EQ(n + 1, RUN_OUT(XPORT_DONE));
	EXPECT_EQ(0x52, log_vec(&self->vm, n));
}

/* ---- MSIs, irqfd, KVM_IRQ_LINE, EOI exits ---- */

X86_CODE64(g_wait,
	   "mov $0xfee00000, %ebx\n"
	   "movl $0x1ff, 0xf0(%rbx)\n"
	   "out %al, $0x51\n"
	   "sti\n"
	   "1: hlt\n mov 0x16000, %eax\n out %eax, $0x52\n jmp 1b\n");

/* An interrupt source fired from another thread once the vCPU sleeps. */
struct inject {
	struct xvm *vm;
	pid_t vcpu_tid;
	long (*fire)(struct inject *in);
	__u32 gsi;
	__u32 data;
	int efd;
	long ret;
	int slept;
};

static void *inject_thread(void *p)
{
	struct inject *in = p;

	in->slept = wait_sleeping(in->vcpu_tid, 5000);
	in->ret = in->fire(in);
	return NULL;
}

static long fire_msi(struct inject *in)
{
	struct kvm_msi msi = { .address_lo = XAPIC_BASE, .data = in->data };

	return kioctlp(in->vm->fd, KVM_SIGNAL_MSI, &msi);
}

static long fire_line(struct inject *in)
{
	struct kvm_irq_level line = { .irq = in->gsi, .level = 1 };
	long r = kioctlp(in->vm->fd, KVM_IRQ_LINE_STATUS, &line);

	return r ? r : line.status;
}

static long fire_eventfd(struct inject *in)
{
	__u64 one = 1;

	return write(in->efd, &one, 8) == 8 ? 0 : -errno;
}

/* KVM_RUN while another thread fires @in once the vCPU halted in the kernel. */
static int run_fired(struct __test_metadata *_metadata, struct xvm *vm,
		     struct inject *in)
{
	pthread_t th;
	int r;

	in->vm = vm;
	in->vcpu_tid = gettid_();
	in->ret = -1000;
	EXPECT_EQ(0, pthread_create(&th, NULL, inject_thread, in));
	r = xvm_run(vm);
	pthread_join(th, NULL);
	EXPECT_TRUE(in->slept) TH_LOG("the halted vCPU never slept");
	return r;
}

/* Run, fire @in, expect the wake-up report with @count interrupts taken. */
static void wake_by(struct __test_metadata *_metadata, struct xvm *vm,
		    struct inject *in, long ret, __u32 count)
{
	ASSERT_EQ(0, run_fired(_metadata, vm, in));
	EXPECT_EQ(ret, in->ret);
	ASSERT_EQ(KVM_EXIT_IO, vm->run->exit_reason) TH_LOG("exit %u", vm->run->exit_reason);
	EXPECT_EQ(0x52, vm->run->io.port);
	EXPECT_EQ(count, xio_value(vm->run));
}

struct routes {
	struct kvm_irq_routing r;
	struct kvm_irq_routing_entry e[8];
};

static void msi_route(struct routes *rt, __u32 gsi, __u32 dest, __u32 data)
{
	struct kvm_irq_routing_entry *e = &rt->e[rt->r.nr++];

	memset(e, 0, sizeof(*e));
	e->gsi = gsi;
	e->type = KVM_IRQ_ROUTING_MSI;
	e->u.msi.address_lo = XAPIC_BASE | dest << 12;
	e->u.msi.data = data;
}

/*
 * KVM_SIGNAL_MSI: dropped (0) while the guest's APIC is software-disabled
 * and for an absent destination, delivered (1) once enabled; the guest
 * halted in the kernel wakes into its handler. Then the same through an
 * irqfd on a GSI with an MSI route; deassigning it.
 */
TEST_F(lapic, msi)
{
	struct kvm_msi msi = { .address_lo = XAPIC_BASE, .data = 0x53 };
	struct kvm_irqfd irqfd = { .gsi = 10 };
	struct inject in = { .fire = fire_msi, .data = 0x53 };
	struct routes rt = { 0 };

	ASSERT_EQ(0, lapic_guest(&self->vm, g_wait, g_wait_end));
	EXPECT_EQ(0, kioctlp(self->vm.fd, KVM_SIGNAL_MSI, &msi));
	RUN_OUT(0x51);
	msi.address_lo = XAPIC_BASE | 5 << 12;
	EXPECT_EQ(0, kioctlp(self->vm.fd, KVM_SIGNAL_MSI, &msi));
	wake_by(_metadata, &self->vm, &in, 1, 1);
	EXPECT_EQ(0x53, log_vec(&self->vm, 0));

	msi_route(&rt, 10, 0, 0x54);
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_SET_GSI_ROUTING, &rt));
	irqfd.fd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, irqfd.fd);
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_IRQFD, &irqfd));
	in.fire = fire_eventfd;
	in.efd = irqfd.fd;
	wake_by(_metadata, &self->vm, &in, 0, 2);
	EXPECT_EQ(0x54, log_vec(&self->vm, 1));
	irqfd.flags = KVM_IRQFD_FLAG_DEASSIGN;
	EXPECT_EQ(0, kioctlp(self->vm.fd, KVM_IRQFD, &irqfd));
	close(irqfd.fd);
}

/*
 * KVM_IRQ_LINE on MSI routes, and the EOI exit: the guest's EOI of a vector
 * that a level-triggered MSI route of a reserved GSI (below args[0] = 24)
 * targets at this vCPU ends KVM_RUN with KVM_EXIT_IOAPIC_EOI and that
 * vector; level routes above the reserved GSIs and edge routes do not.
 * KVM decides by vector: an edge MSI with the same vector exits too.
 */
TEST_F(lapic, eoi_exit)
{
	struct kvm_irq_level line = { .irq = 40, .level = 1 };
	struct inject in = { .fire = fire_line, .gsi = 5 };
	struct kvm_lapic_state *s;
	struct routes rt = { 0 };

	s = calloc(1, sizeof(*s));
	ASSERT_NE(NULL, s);
	msi_route(&rt, 5, 0, 0xc055);		/* level, assert, 0x55 */
	msi_route(&rt, 30, 0, 0xc056);		/* not reserved */
	msi_route(&rt, 6, 0, 0x57);		/* edge */
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_SET_GSI_ROUTING, &rt));
	ASSERT_EQ(0, lapic_guest(&self->vm, g_wait, g_wait_end));
	RUN_OUT(0x51);

	/* No route: status -1; a deassert of an MSI route does nothing. */
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_IRQ_LINE_STATUS, &line));
	EXPECT_EQ(-1, line.status);
	line.irq = 5;
	line.level = 0;
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_IRQ_LINE_STATUS, &line));
	EXPECT_EQ(-1, line.status);

	ASSERT_EQ(0, run_fired(_metadata, &self->vm, &in));
	EXPECT_EQ(1, in.ret);
	ASSERT_EQ(KVM_EXIT_IOAPIC_EOI, self->vm.run->exit_reason)
		TH_LOG("exit %u", self->vm.run->exit_reason);
	EXPECT_EQ(0x55, self->vm.run->eoi.vector);
	EXPECT_EQ(1, log_count(&self->vm));
	EXPECT_EQ(0x55, log_vec(&self->vm, 0));
	ASSERT_EQ(0, get_lapic(&self->vm, s));
	EXPECT_EQ(0, xlapic_vec(s, APIC_ISR, 0x55));
	EXPECT_EQ(0, xlapic_vec(s, APIC_IRR, 0x55));
	EXPECT_EQ(1, xlapic_vec(s, APIC_TMR, 0x55));
	EXPECT_EQ(1, RUN_OUT(0x52));

	in.gsi = 30;
	wake_by(_metadata, &self->vm, &in, 1, 2);
	EXPECT_EQ(0x56, log_vec(&self->vm, 1));
	in.gsi = 6;
	wake_by(_metadata, &self->vm, &in, 1, 3);
	EXPECT_EQ(0x57, log_vec(&self->vm, 2));

	in.fire = fire_msi;
	in.data = 0x55;				/* edge, same vector */
	ASSERT_EQ(0, run_fired(_metadata, &self->vm, &in));
	EXPECT_EQ(1, in.ret);
	ASSERT_EQ(KVM_EXIT_IOAPIC_EOI, self->vm.run->exit_reason)
		TH_LOG("exit %u", self->vm.run->exit_reason);
	EXPECT_EQ(0x55, self->vm.run->eoi.vector);
	EXPECT_EQ(4, RUN_OUT(0x52));
	free(s);
}

/* ---- KVM_INTERRUPT: ExtINT ---- */

X86_CODE64(g_extint,
	   "out %al, $0x51\n"
	   "sti\n nop\n out %al, $0x52\n"
	   "nop\n out %al, $0x53\n"
	   "nop\n out %al, $0x54\n"
	   "nop\n out %al, $0x55\n"
	   "out %al, $0xff\n");

static int set_lvt0(struct xvm *vm, __u32 v)
{
	struct kvm_lapic_state s;
	int r = get_lapic(vm, &s);

	if (r)
		return r;
	xlapic_set_reg(&s, APIC_LVT0, v);
	return kioctlp(vm->vcpu, KVM_SET_LAPIC, &s);
}

/*
 * With the split irqchip KVM_INTERRUPT queues one ExtINT (a second before it
 * is taken: EEXIST), taken while LINT0 is unmasked ExtINT (the BSP's reset
 * value) or the APIC is disabled in APICBASE, held while LINT0 is masked
 * (ready_for_interrupt_injection 0 then).
 */
TEST_F(lapic, extint)
{
	struct kvm_interrupt irq = { .irq = 0x70 };
	struct xvm *vm = &self->vm;
	__u64 base;

	ASSERT_EQ(0, lapic_guest(vm, g_extint, g_extint_end));
	RUN_OUT(0x51);
	EXPECT_EQ(0, vm->run->if_flag);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_INTERRUPT, &irq));
	irq.irq = 0x71;
	EXPECT_EQ(-EEXIST, kioctlp(vm->vcpu, KVM_INTERRUPT, &irq));
	irq.irq = 256;
	EXPECT_EQ(-EINVAL, kioctlp(vm->vcpu, KVM_INTERRUPT, &irq));
	RUN_OUT(0x52);
	EXPECT_EQ(1, log_count(vm));
	EXPECT_EQ(0x70, log_vec(vm, 0));
	EXPECT_EQ(1, vm->run->if_flag);
	EXPECT_EQ(1, vm->run->ready_for_interrupt_injection);

	ASSERT_EQ(0, set_lvt0(vm, LVT_MASKED | 0x700));
	irq.irq = 0x72;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_INTERRUPT, &irq));
	RUN_OUT(0x53);
	EXPECT_EQ(1, log_count(vm));
	EXPECT_EQ(0, vm->run->ready_for_interrupt_injection);
	ASSERT_EQ(0, set_lvt0(vm, 0x700));
	RUN_OUT(0x54);
	EXPECT_EQ(2, log_count(vm));
	EXPECT_EQ(0x72, log_vec(vm, 1));

	ASSERT_EQ(0, set_lvt0(vm, LVT_MASKED | 0x700));
	ASSERT_EQ(1, xvcpu_set_msr(vm->vcpu, MSR_IA32_APICBASE, XAPIC_BASE | APICBASE_BSP));
	irq.irq = 0x73;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_INTERRUPT, &irq));
	RUN_OUT(0x55);
	EXPECT_EQ(3, log_count(vm));
	EXPECT_EQ(0x73, log_vec(vm, 2));
	ASSERT_EQ(1, xvcpu_get_msr(vm->vcpu, MSR_IA32_APICBASE, &base));
	EXPECT_EQ(XAPIC_BASE | APICBASE_BSP, base);
	RUN_OUT(XPORT_DONE);
}

/* ---- INIT/SIPI ---- */

X86_CODE64(g_sipi,
	   "mov $0xfee00000, %ebx\n"
	   "movl $0x1ff, 0xf0(%rbx)\n"
	   "movl $0x01000000, 0x310(%rbx)\n movl $0x4500, 0x300(%rbx)\n"	/* INIT */
	   "out %al, $0x70\n"
	   "movl $0x01000000, 0x310(%rbx)\n movl $0x4620, 0x300(%rbx)\n"	/* SIPI 0x20 */
	   "out %al, $0x71\n"
	   "out %al, $0xff\n");

X86_CODE16(g_ap, "mov %cs, %ax\n out %ax, $0x72\n 1: hlt\n jmp 1b\n");

struct ap_run {
	struct xvm *vm;
	pid_t tid;
	int ret;
	int done;
	pthread_t th;
};

static void *ap_thread(void *p)
{
	struct ap_run *a = p;

	__atomic_store_n(&a->tid, gettid_(), __ATOMIC_SEQ_CST);
	a->ret = xvm_run(a->vm);
	__atomic_store_n(&a->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void ap_start(struct ap_run *a)
{
	a->tid = 0;
	a->done = 0;
	pthread_create(&a->th, NULL, ap_thread, a);
	while (!__atomic_load_n(&a->tid, __ATOMIC_SEQ_CST))
		usleep(1000);
}

/* Join the AP's thread if it ends within 5 s; whether it did. */
static int ap_join(struct ap_run *a)
{
	int i;

	for (i = 0; i < 1000 && !__atomic_load_n(&a->done, __ATOMIC_SEQ_CST); i++)
		usleep(5000);
	if (!a->done)
		return 0;
	pthread_join(a->th, NULL);
	return 1;
}

/*
 * An AP (vCPU 1, UNINITIALIZED; KVM_RUN with immediate_exit returns EINTR
 * at once) sleeps in KVM_RUN until the BSP's INIT,
 * which ends that KVM_RUN with EAGAIN (as KVM does) and leaves it
 * INIT_RECEIVED; its next KVM_RUN sleeps until the SIPI, then it runs in
 * real mode at vector << 12 with CS = vector << 8, IP 0.
 */
TEST_F(lapic, init_sipi)
{
	struct xvm ap = self->vm;
	struct ap_run a = { .vm = &ap };
	struct kvm_mp_state mp;
	struct kvm_sregs sr;
	struct kvm_regs regs;

	ASSERT_EQ(0, xvm_add_vcpu(&ap, 1));
	ASSERT_EQ(0, lapic_guest(&self->vm, g_sipi, g_sipi_end));
	memcpy(ap.ram + XAP, g_ap, g_ap_end - g_ap);
	ASSERT_EQ(0, kioctlp(ap.vcpu, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ(KVM_MP_STATE_UNINITIALIZED, mp.mp_state);
	/* With immediate_exit its KVM_RUN does not wait for the INIT. */
	ap.run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, xvm_run(&ap));
	ap.run->immediate_exit = 0;

	ap_start(&a);
	EXPECT_TRUE(wait_sleeping(a.tid, 5000));
	EXPECT_FALSE(__atomic_load_n(&a.done, __ATOMIC_SEQ_CST));
	RUN_OUT(0x70);
	ASSERT_TRUE(ap_join(&a)) TH_LOG("INIT did not end the AP's KVM_RUN");
	EXPECT_EQ(-EAGAIN, a.ret);
	ASSERT_EQ(0, kioctlp(ap.vcpu, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ(KVM_MP_STATE_INIT_RECEIVED, mp.mp_state);

	ap_start(&a);
	EXPECT_TRUE(wait_sleeping(a.tid, 5000));
	EXPECT_FALSE(__atomic_load_n(&a.done, __ATOMIC_SEQ_CST));
	RUN_OUT(0x71);
	ASSERT_TRUE(ap_join(&a)) TH_LOG("the SIPI did not start the AP");
	EXPECT_EQ(0, a.ret);
	ASSERT_EQ(KVM_EXIT_IO, ap.run->exit_reason) TH_LOG("exit %u", ap.run->exit_reason);
	EXPECT_EQ(0x72, ap.run->io.port);
	EXPECT_EQ(SIPI_VECTOR << 8, xio_value(ap.run));
	ASSERT_EQ(0, kioctlp(ap.vcpu, KVM_GET_SREGS, &sr));
	EXPECT_EQ(SIPI_VECTOR << 8, sr.cs.selector);
	EXPECT_EQ(XAP, sr.cs.base);
	EXPECT_EQ(0, sr.cr0 & 1);
	ASSERT_EQ(0, kioctlp(ap.vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(2, regs.rip);		/* mov %cs, %ax; the OUT completes on re-entry */
	ASSERT_EQ(0, kioctlp(ap.vcpu, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, mp.mp_state);
	RUN_OUT(XPORT_DONE);
	munmap(ap.run, ap.run_size);
	close(ap.vcpu);
}

/*
 * KVM_SET_VCPU_EVENTS' sipi_vector (KVM_VCPUEVENT_VALID_SIPI_VECTOR) is
 * where a SIPI set by KVM_SET_MP_STATE starts the AP, as a VMM restoring a
 * vCPU caught between SIPI and its start does (QEMU: events, then MP
 * state); GET never reports the flag.
 */
TEST_F(lapic, sipi_vector_event)
{
	struct xvm ap = self->vm;
	struct kvm_vcpu_events ev;
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_SIPI_RECEIVED };
	struct kvm_sregs sr;

	ASSERT_EQ(0, xvm_add_vcpu(&ap, 1));
	memcpy(ap.ram + XAP, g_ap, g_ap_end - g_ap);
	ASSERT_EQ(0, kioctlp(ap.vcpu, KVM_GET_VCPU_EVENTS, &ev));
	EXPECT_EQ(0, ev.flags & KVM_VCPUEVENT_VALID_SIPI_VECTOR);
	ev.flags |= KVM_VCPUEVENT_VALID_SIPI_VECTOR;
	ev.sipi_vector = SIPI_VECTOR;
	ASSERT_EQ(0, kioctlp(ap.vcpu, KVM_SET_VCPU_EVENTS, &ev));
	ASSERT_EQ(0, kioctlp(ap.vcpu, KVM_GET_VCPU_EVENTS, &ev));
	EXPECT_EQ(0, ev.flags & KVM_VCPUEVENT_VALID_SIPI_VECTOR);
	ASSERT_EQ(0, kioctlp(ap.vcpu, KVM_SET_MP_STATE, &mp));

	ASSERT_EQ(0, xvm_run(&ap));
	ASSERT_EQ(KVM_EXIT_IO, ap.run->exit_reason) TH_LOG("exit %u", ap.run->exit_reason);
	EXPECT_EQ(0x72, ap.run->io.port);
	EXPECT_EQ(SIPI_VECTOR << 8, xio_value(ap.run));
	ASSERT_EQ(0, kioctlp(ap.vcpu, KVM_GET_SREGS, &sr));
	EXPECT_EQ(XAP, sr.cs.base);
	ASSERT_EQ(0, kioctlp(ap.vcpu, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, mp.mp_state);
	munmap(ap.run, ap.run_size);
	close(ap.vcpu);
}

/* ---- bad inputs ---- */

/*
 * KVM_SET_GSI_ROUTING: flags, too many entries, a GSI past KVM's, unknown
 * types, IOAPIC/PIC routes (userspace has them in split mode), two routes on
 * one GSI and MSI flags other than KVM_MSI_VALID_DEVID are EINVAL.
 * KVM_SIGNAL_MSI with flags is EINVAL; a resampling irqfd needs the full
 * in-kernel irqchip (EINVAL).
 */
TEST_F(lapic, bad_inputs)
{
	struct kvm_msi msi = { .address_lo = XAPIC_BASE, .data = 0x40, .flags = 2 };
	struct kvm_irqfd irqfd = { .gsi = 5, .flags = KVM_IRQFD_FLAG_RESAMPLE };
	struct routes rt = { 0 };

	EXPECT_EQ(0, kioctlp(self->vm.fd, KVM_SET_GSI_ROUTING, &rt));
	rt.r.flags = 1;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_SET_GSI_ROUTING, &rt));
	rt.r.flags = 0;
	rt.r.nr = 4097;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_SET_GSI_ROUTING, &rt));
	rt.r.nr = 0;
	msi_route(&rt, 4096, 0, 0x40);
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_SET_GSI_ROUTING, &rt));
	rt.e[0].gsi = 4095;
	EXPECT_EQ(0, kioctlp(self->vm.fd, KVM_SET_GSI_ROUTING, &rt));
	rt.e[0].flags = 2;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_SET_GSI_ROUTING, &rt));
	rt.e[0].flags = 0;
	rt.e[0].type = 99;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_SET_GSI_ROUTING, &rt));
	rt.e[0].type = KVM_IRQ_ROUTING_IRQCHIP;
	rt.e[0].u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
	rt.e[0].u.irqchip.pin = 4;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_SET_GSI_ROUTING, &rt));
	rt.r.nr = 0;
	msi_route(&rt, 7, 0, 0x40);
	msi_route(&rt, 7, 0, 0x41);
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_SET_GSI_ROUTING, &rt));

	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_SIGNAL_MSI, &msi));
	EXPECT_EQ(-EFAULT, kioctl(self->vm.fd, KVM_SIGNAL_MSI, 8));
	irqfd.fd = eventfd(0, EFD_CLOEXEC);
	irqfd.resamplefd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, irqfd.fd);
	ASSERT_LE(0, irqfd.resamplefd);
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_IRQFD, &irqfd));
	close(irqfd.fd);
	close(irqfd.resamplefd);
}

/* ---- machine check: the LVT CMCI ---- */

#define MSR_MC0_CTL2		0x280
#define MSR_MC0_STATUS		0x401
#define MCG_CMCI_P		0x400ull
#define MCI_CTL2_CMCI_EN	0x40000000ull
#define CMCI_VECTOR		0xa9

/* A UCNA error (VAL, UC, no PCC/S/AR, MCG_STATUS 0) in @bank. */
static long inject_ucna(struct xvm *vm, __u8 bank, __u64 addr)
{
	struct kvm_x86_mce m = {
		.status = (1ull << 63) | (1ull << 61) | (1ull << 60) | 0x10090,
		.addr = addr,
		.bank = bank,
	};

	return kioctlp(vm->vcpu, KVM_X86_SET_MCE, &m);
}

static int irr_has(struct __test_metadata *_metadata, struct xvm *vm, int vec)
{
	struct kvm_lapic_state s;

	EXPECT_EQ(0, get_lapic(vm, &s));
	return xlapic_vec(&s, APIC_IRR, vec);
}

/*
 * Without MCG_CMCI_P six LVTs and no LVT CMCI; KVM_X86_SETUP_MCE with it
 * makes seven (version register), the new one masked; KVM_X86_SET_MCE's
 * UCNA error raises its interrupt only with CMCI_EN in the bank's MCi_CTL2
 * and the entry unmasked (the error is logged either way). Without
 * MCG_CMCI_P again: six LVTs.
 */
TEST_F(lapic, cmci)
{
	struct kvm_lapic_state s;
	__u64 cap = 0, v;
	__u32 lvr = expected_lvr(&self->vm);

	ASSERT_EQ(0, get_lapic(&self->vm, &s));
	EXPECT_EQ(lvr, xlapic_reg(&s, APIC_LVR));
	EXPECT_EQ(0, xlapic_reg(&s, APIC_LVTCMCI));
	ASSERT_EQ(0, kioctlp(self->vm.sys, KVM_X86_GET_MCE_CAP_SUPPORTED, &cap));
	if (!(cap & MCG_CMCI_P))
		SKIP(return, "no MCG_CMCI_P on %s", kvm_dev());
	v = 10 | MCG_CMCI_P;
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SETUP_MCE, &v));
	ASSERT_EQ(0, get_lapic(&self->vm, &s));
	EXPECT_EQ(lvr + 0x10000, xlapic_reg(&s, APIC_LVR));
	EXPECT_EQ(LVT_MASKED, xlapic_reg(&s, APIC_LVTCMCI));

	/* APIC on, LVT CMCI masked: nothing raised, the error logged. */
	xlapic_set_reg(&s, APIC_SVR, 0x1ff);
	xlapic_set_reg(&s, APIC_LVTCMCI, LVT_MASKED | CMCI_VECTOR);
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_SET_LAPIC, &s));
	EXPECT_EQ(1, xvcpu_set_msr(self->vm.vcpu, MSR_MC0_CTL2 + 7, MCI_CTL2_CMCI_EN));
	EXPECT_EQ(0, inject_ucna(&self->vm, 7, 0x1000));
	EXPECT_FALSE(irr_has(_metadata, &self->vm, CMCI_VECTOR));
	EXPECT_EQ(1, xvcpu_get_msr(self->vm.vcpu, MSR_MC0_STATUS + 4 * 7, &v));
	EXPECT_EQ(0xb000000000010090ull, v);

	/* Unmasked but CMCI_EN clear: nothing. */
	xlapic_set_reg(&s, APIC_LVTCMCI, CMCI_VECTOR);
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_SET_LAPIC, &s));
	EXPECT_EQ(1, xvcpu_set_msr(self->vm.vcpu, MSR_MC0_CTL2 + 7, 0));
	EXPECT_EQ(0, inject_ucna(&self->vm, 7, 0x2000));
	EXPECT_FALSE(irr_has(_metadata, &self->vm, CMCI_VECTOR));

	/* Both: the interrupt is pending. */
	EXPECT_EQ(1, xvcpu_set_msr(self->vm.vcpu, MSR_MC0_CTL2 + 7, MCI_CTL2_CMCI_EN));
	EXPECT_EQ(0, inject_ucna(&self->vm, 7, 0x3000));
	EXPECT_TRUE(irr_has(_metadata, &self->vm, CMCI_VECTOR));
	EXPECT_EQ(-EINVAL, inject_ucna(&self->vm, 10, 0x3000));

	/* MCG_CMCI_P off again: six LVTs. */
	v = 10;
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_X86_SETUP_MCE, &v));
	ASSERT_EQ(0, get_lapic(&self->vm, &s));
	EXPECT_EQ(lvr, xlapic_reg(&s, APIC_LVR));
}

/* ---- KVM_CAP_X86_APIC_BUS_CYCLES_NS ---- */

static long set_bus_cycle(int vm, __u64 ns)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_X86_APIC_BUS_CYCLES_NS };

	cap.args[0] = ns;
	return kioctlp(vm, KVM_ENABLE_CAP, &cap);
}

static __u64 mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ull + t.tv_nsec;
}

/*
 * KVM's default cycle is 1 ns; KVM_ENABLE_CAP: 0 or a cycle that would
 * overflow TMICT * 128 is EINVAL, without an in-kernel LAPIC ENXIO, again
 * before a vCPU fine, after one EINVAL. With a 40-ns cycle the one-shot
 * timer (divide by 1) counts down one per 40 ns.
 */
TEST(apic_bus_cycles)
{
	const __u32 tmict = 0xffffffff;
	struct kvm_lapic_state s;
	__u64 t0, t1, done;
	struct xvm vm;
	int r;

	r = xvm_create_novcpu(&vm);
	ASSERT_EQ(0, r) TH_LOG("VM on %s: %s", kvm_dev(), strerror(-r));
	EXPECT_EQ(1, ioctl(vm.sys, KVM_CHECK_EXTENSION, KVM_CAP_X86_APIC_BUS_CYCLES_NS));
	EXPECT_EQ(1, ioctl(vm.fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_APIC_BUS_CYCLES_NS));
	EXPECT_EQ(-EINVAL, set_bus_cycle(vm.fd, 0));
	EXPECT_EQ(-EINVAL, set_bus_cycle(vm.fd, 1ull << 40));
	EXPECT_EQ(-ENXIO, set_bus_cycle(vm.fd, 40));
	ASSERT_EQ(0, xvm_split_irqchip(vm.fd, 24));
	EXPECT_EQ(-EINVAL, set_bus_cycle(vm.fd, 0));
	EXPECT_EQ(0, set_bus_cycle(vm.fd, 10));
	EXPECT_EQ(0, set_bus_cycle(vm.fd, 40));
	ASSERT_EQ(0, xvm_add_vcpu(&vm, 0));
	EXPECT_EQ(-EINVAL, set_bus_cycle(vm.fd, 40));
	EXPECT_EQ(-EINVAL, set_bus_cycle(vm.fd, 0));

	/* One-shot, masked, divide by 1, TMICT 2^32 - 1 (TMCCT the same). */
	ASSERT_EQ(0, get_lapic(&vm, &s));
	xlapic_set_reg(&s, APIC_SVR, 0x1ff);
	xlapic_set_reg(&s, APIC_TDCR, 0xb);
	xlapic_set_reg(&s, APIC_LVTT, LVT_MASKED | 0x50);
	xlapic_set_reg(&s, APIC_TMICT, tmict);
	xlapic_set_reg(&s, APIC_TMCCT, tmict);
	t0 = mono_ns();
	ASSERT_EQ(0, kioctlp(vm.vcpu, KVM_SET_LAPIC, &s));
	usleep(100000);
	ASSERT_EQ(0, get_lapic(&vm, &s));
	t1 = mono_ns();
	done = tmict - xlapic_reg(&s, APIC_TMCCT);
	EXPECT_LE(100000000ull / 40, done);
	EXPECT_GE((t1 - t0) / 40 + 1, done);
	xvm_destroy(&vm);
}

/* ---- the full in-kernel irqchip: KVM_CREATE_IRQCHIP ---- */

#define IOAPIC_BASE	0xfec00000ULL
#define RTE_MASKED	0x10000ULL
#define RTE_REMOTE_IRR	0x4000ULL

static int get_chip(int vm, __u32 id, struct kvm_irqchip *c)
{
	memset(c, 0, sizeof(*c));
	c->chip_id = id;
	return kioctlp(vm, KVM_GET_IRQCHIP, c);
}

/*
 * KVM_CREATE_IRQCHIP: before any vCPU (EINVAL after), once (EEXIST), not
 * with the split irqchip (EEXIST both ways); KVM_GET/SET_IRQCHIP need it
 * (ENXIO) and a valid chip (EINVAL); the reset state (IOAPIC at 0xfec00000
 * with every pin masked, the PIIX ELCR masks); irqchip routes to PIC inputs
 * 0-7 and IOAPIC pins 0-23 only; KVM_INTERRUPT is ENXIO with the in-kernel
 * PIC; resampling irqfds are allowed.
 */
TEST(irqchip_create)
{
	struct kvm_enable_cap split = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args = { 24 } };
	struct kvm_irqfd irqfd = { .gsi = 5, .flags = KVM_IRQFD_FLAG_RESAMPLE };
	struct kvm_interrupt irq = { .irq = 0x30 };
	struct routes rt = { 0 };
	struct kvm_irqchip *c;
	struct xvm vm;
	int i;

	c = calloc(1, sizeof(*c));
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, xvm_create_novcpu(&vm));
	EXPECT_EQ(1, kioctl(vm.fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP));
	EXPECT_EQ(-ENXIO, get_chip(vm.fd, KVM_IRQCHIP_IOAPIC, c));
	EXPECT_EQ(-ENXIO, kioctlp(vm.fd, KVM_SET_IRQCHIP, c));
	ASSERT_EQ(0, kioctl(vm.fd, KVM_CREATE_IRQCHIP, 0));
	EXPECT_EQ(-EEXIST, kioctl(vm.fd, KVM_CREATE_IRQCHIP, 0));
	EXPECT_EQ(-EEXIST, kioctlp(vm.fd, KVM_ENABLE_CAP, &split));

	ASSERT_EQ(0, get_chip(vm.fd, KVM_IRQCHIP_IOAPIC, c));
	EXPECT_EQ(IOAPIC_BASE, c->chip.ioapic.base_address);
	EXPECT_EQ(0, c->chip.ioapic.id);
	for (i = 0; i < KVM_IOAPIC_NUM_PINS; i++)
		EXPECT_EQ(RTE_MASKED, c->chip.ioapic.redirtbl[i].bits) TH_LOG("pin %d", i);
	c->chip.ioapic.id = 2;
	c->chip.ioapic.redirtbl[3].bits = 0x0300000000010041ULL;
	EXPECT_EQ(0, kioctlp(vm.fd, KVM_SET_IRQCHIP, c));
	ASSERT_EQ(0, get_chip(vm.fd, KVM_IRQCHIP_IOAPIC, c));
	EXPECT_EQ(2, c->chip.ioapic.id);
	EXPECT_EQ(0x0300000000010041ULL, c->chip.ioapic.redirtbl[3].bits);
	ASSERT_EQ(0, get_chip(vm.fd, KVM_IRQCHIP_PIC_MASTER, c));
	EXPECT_EQ(0xf8, c->chip.pic.elcr_mask);
	EXPECT_EQ(0, c->chip.pic.imr);
	ASSERT_EQ(0, get_chip(vm.fd, KVM_IRQCHIP_PIC_SLAVE, c));
	EXPECT_EQ(0xde, c->chip.pic.elcr_mask);
	EXPECT_EQ(-EINVAL, get_chip(vm.fd, 3, c));
	c->chip_id = 3;
	EXPECT_EQ(-EINVAL, kioctlp(vm.fd, KVM_SET_IRQCHIP, c));
	EXPECT_EQ(-EFAULT, kioctl(vm.fd, KVM_GET_IRQCHIP, 8));

	rt.e[0].gsi = 30;
	rt.e[0].type = KVM_IRQ_ROUTING_IRQCHIP;
	rt.e[0].u.irqchip.irqchip = KVM_IRQCHIP_PIC_SLAVE;
	rt.e[0].u.irqchip.pin = 7;
	rt.r.nr = 1;
	EXPECT_EQ(0, kioctlp(vm.fd, KVM_SET_GSI_ROUTING, &rt));
	rt.e[0].u.irqchip.pin = 8;
	EXPECT_EQ(-EINVAL, kioctlp(vm.fd, KVM_SET_GSI_ROUTING, &rt));
	rt.e[0].u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
	rt.e[0].u.irqchip.pin = 23;
	EXPECT_EQ(0, kioctlp(vm.fd, KVM_SET_GSI_ROUTING, &rt));
	rt.e[0].u.irqchip.pin = 24;
	EXPECT_EQ(-EINVAL, kioctlp(vm.fd, KVM_SET_GSI_ROUTING, &rt));
	rt.e[0].u.irqchip.irqchip = 3;
	rt.e[0].u.irqchip.pin = 0;
	EXPECT_EQ(-EINVAL, kioctlp(vm.fd, KVM_SET_GSI_ROUTING, &rt));

	irqfd.fd = eventfd(0, EFD_CLOEXEC);
	irqfd.resamplefd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, irqfd.fd);
	ASSERT_LE(0, irqfd.resamplefd);
	EXPECT_EQ(0, kioctlp(vm.fd, KVM_IRQFD, &irqfd));
	irqfd.flags = KVM_IRQFD_FLAG_DEASSIGN;
	EXPECT_EQ(0, kioctlp(vm.fd, KVM_IRQFD, &irqfd));
	close(irqfd.fd);
	close(irqfd.resamplefd);

	ASSERT_EQ(0, xvm_add_vcpu(&vm, 0));
	EXPECT_EQ(-ENXIO, kioctlp(vm.vcpu, KVM_INTERRUPT, &irq));
	xvm_destroy(&vm);

	/* After a vCPU: EINVAL; after the split irqchip: EEXIST. */
	ASSERT_EQ(0, xvm_create(&vm));
	EXPECT_EQ(-EINVAL, kioctl(vm.fd, KVM_CREATE_IRQCHIP, 0));
	xvm_destroy(&vm);
	ASSERT_EQ(0, xvm_create_novcpu(&vm));
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_ENABLE_CAP, &split));
	EXPECT_EQ(-EEXIST, kioctl(vm.fd, KVM_CREATE_IRQCHIP, 0));
	EXPECT_EQ(-ENXIO, get_chip(vm.fd, KVM_IRQCHIP_IOAPIC, c));
	xvm_destroy(&vm);
	free(c);
}

FIXTURE(irqchip) {
	struct xvm vm;
};

/* A VM with the full in-kernel irqchip, then vCPU 0. */
FIXTURE_SETUP(irqchip)
{
	int r = xvm_create_novcpu(&self->vm);

	ASSERT_EQ(0, r) TH_LOG("VM on %s: %s", kvm_dev(), strerror(-r));
	ASSERT_EQ(0, kioctl(self->vm.fd, KVM_CREATE_IRQCHIP, 0));
	ASSERT_EQ(0, xvm_add_vcpu(&self->vm, 0));
}

FIXTURE_TEARDOWN(irqchip)
{
	xvm_destroy(&self->vm);
}

/*
 * The guest programs the PICs (vectors 0x70 and 0x78, only IRQ 3 unmasked),
 * reads the mask back, then halts; KVM_IRQ_LINE(3) wakes it into the
 * handler of vector 0x73 (an ExtINT through the BSP's LINT0); it reads the
 * ISR (IRQ 3 in service), sends the EOI and reads it again (empty).
 */
X86_CODE64(g_pic,
	   "mov $0x11, %al\n out %al, $0x20\n mov $0x70, %al\n out %al, $0x21\n"
	   "mov $4, %al\n out %al, $0x21\n mov $1, %al\n out %al, $0x21\n"
	   "mov $0xf7, %al\n out %al, $0x21\n"
	   "mov $0x11, %al\n out %al, $0xa0\n mov $0x78, %al\n out %al, $0xa1\n"
	   "mov $2, %al\n out %al, $0xa1\n mov $1, %al\n out %al, $0xa1\n"
	   "mov $0xff, %al\n out %al, $0xa1\n"
	   "in $0x21, %al\n out %al, $0x53\n"
	   "out %al, $0x51\n"
	   "sti\n"
	   "1: hlt\n"
	   "mov $0x0b, %al\n out %al, $0x20\n in $0x20, %al\n out %al, $0x54\n"
	   "mov $0x20, %al\n out %al, $0x20\n"
	   "mov $0x0b, %al\n out %al, $0x20\n in $0x20, %al\n out %al, $0x55\n"
	   "mov 0x16000, %eax\n out %eax, $0x52\n jmp 1b\n");

TEST_F(irqchip, pic)
{
	struct inject in = { .fire = fire_line, .gsi = 3 };
	struct kvm_irq_level line = { .irq = 3 };
	struct kvm_irqchip c;
	struct xvm *vm = &self->vm;

	ASSERT_EQ(0, lapic_guest(vm, g_pic, g_pic_end));
	EXPECT_EQ(0xf7, RUN_OUT(0x53));
	RUN_OUT(0x51);
	ASSERT_EQ(0, get_chip(vm->fd, KVM_IRQCHIP_PIC_MASTER, &c));
	EXPECT_EQ(0x70, c.chip.pic.irq_base);
	EXPECT_EQ(0xf7, c.chip.pic.imr);
	EXPECT_EQ(0, c.chip.pic.init_state);
	ASSERT_EQ(0, get_chip(vm->fd, KVM_IRQCHIP_PIC_SLAVE, &c));
	EXPECT_EQ(0x78, c.chip.pic.irq_base);
	EXPECT_EQ(0xff, c.chip.pic.imr);

	/* The IOAPIC's pin 3 is masked (-1), the PIC takes it (1). */
	ASSERT_EQ(0, run_fired(_metadata, vm, &in));
	EXPECT_EQ(1, in.ret);
	ASSERT_EQ(KVM_EXIT_IO, vm->run->exit_reason);
	EXPECT_EQ(0x54, vm->run->io.port);
	EXPECT_EQ(0x08, xio_value(vm->run) & 0xff);
	EXPECT_EQ(0, kioctlp(vm->fd, KVM_IRQ_LINE, &line));
	EXPECT_EQ(0, RUN_OUT(0x55) & 0xff);
	EXPECT_EQ(1, RUN_OUT(0x52));
	EXPECT_EQ(0x73, log_vec(vm, 0));
}

/*
 * The guest masks the PICs, reads the IOAPIC's version, routes pin 5
 * level-triggered to vector 0x55 and pin 6 edge-triggered to 0x56 at
 * APIC 0, and halts. Pin 5: delivered with Remote IRR set until the
 * guest's EOI (the handler first stops in service), which does not
 * deliver again once the line is low. Pin 6: one interrupt per rising
 * edge. Then pin 5 from a resampling irqfd: the EOI lowers the line and
 * signals the resamplefd.
 */
X86_CODE64(g_ioapic,
	   "mov $0xfee00000, %ebx\n movl $0x1ff, 0xf0(%rbx)\n"
	   "mov $0xff, %al\n out %al, $0x21\n out %al, $0xa1\n"
	   "mov $0xfec00000, %ebx\n"
	   "movl $1, (%rbx)\n mov 0x10(%rbx), %eax\n out %eax, $0x53\n"
	   "movl $0x1a, (%rbx)\n movl $0x8055, 0x10(%rbx)\n"
	   "movl $0x1b, (%rbx)\n movl $0, 0x10(%rbx)\n"
	   "movl $0x1c, (%rbx)\n movl $0x56, 0x10(%rbx)\n"
	   "movl $0x1d, (%rbx)\n movl $0, 0x10(%rbx)\n"
	   "movl $0x1a, (%rbx)\n mov 0x10(%rbx), %eax\n out %eax, $0x54\n"
	   "out %al, $0x51\n"
	   "sti\n"
	   "1: hlt\n mov 0x16000, %eax\n out %eax, $0x52\n jmp 1b\n");

static __u64 ioapic_rte(struct __test_metadata *_metadata, struct xvm *vm,
			int pin, __u32 *irr)
{
	struct kvm_irqchip c;

	EXPECT_EQ(0, get_chip(vm->fd, KVM_IRQCHIP_IOAPIC, &c));
	*irr = c.chip.ioapic.irr;
	return c.chip.ioapic.redirtbl[pin].bits;
}

TEST_F(irqchip, ioapic)
{
	struct inject in = { .fire = fire_line, .gsi = 5 };
	struct kvm_irqfd irqfd = { .gsi = 5, .flags = KVM_IRQFD_FLAG_RESAMPLE };
	struct kvm_irq_level line = { .irq = 5 };
	struct xvm *vm = &self->vm;
	__u32 *pause = (__u32 *)(vm->ram + XLOG_PAUSE);
	__u64 *pd = (__u64 *)(vm->ram + XAPIC_PD);
	__u64 cnt;
	__u32 irr;

	ASSERT_EQ(0, lapic_guest(vm, g_ioapic, g_ioapic_end));
	/* The IOAPIC's 2 MiB page, uncached, beside the xAPIC's. */
	pd[(IOAPIC_BASE >> 21) & 511] = (IOAPIC_BASE & ~0x1fffffULL) | 0x9b;
	EXPECT_EQ(0x170011, RUN_OUT(0x53));
	EXPECT_EQ(0x8055, RUN_OUT(0x54));
	RUN_OUT(0x51);
	EXPECT_EQ(0x8055, ioapic_rte(_metadata, vm, 5, &irr));

	/* Level: in service at the pause, Remote IRR set, the input high. */
	*pause = 1;
	ASSERT_EQ(0, run_fired(_metadata, vm, &in));
	EXPECT_EQ(1, in.ret);
	ASSERT_EQ(KVM_EXIT_IO, vm->run->exit_reason);
	EXPECT_EQ(PORT_PAUSE, vm->run->io.port);
	EXPECT_EQ(0x55, xio_value(vm->run) & 0xff);
	EXPECT_EQ(0x8055 | RTE_REMOTE_IRR, ioapic_rte(_metadata, vm, 5, &irr));
	EXPECT_EQ(1U << 5, irr);
	/* Held while Remote IRR is set (KVM's ioapic_service(): -1). */
	line.level = 1;
	ASSERT_EQ(0, kioctlp(vm->fd, KVM_IRQ_LINE_STATUS, &line));
	EXPECT_EQ(-1, line.status);
	line.irq = 5;		/* the status overwrote it */
	line.level = 0;
	ASSERT_EQ(0, kioctlp(vm->fd, KVM_IRQ_LINE, &line));
	EXPECT_EQ(1, RUN_OUT(0x52));
	EXPECT_EQ(0x8055, ioapic_rte(_metadata, vm, 5, &irr));
	EXPECT_EQ(0, irr);
	EXPECT_EQ(0x55, log_vec(vm, 0));

	/* Edge: one interrupt per rising edge. */
	in.gsi = 6;
	wake_by(_metadata, vm, &in, 1, 2);
	EXPECT_EQ(0x56, log_vec(vm, 1));
	line.irq = 6;
	line.level = 1;
	ASSERT_EQ(0, kioctlp(vm->fd, KVM_IRQ_LINE_STATUS, &line));
	EXPECT_EQ(0, line.status);	/* no rising edge */
	line.irq = 6;
	line.level = 0;
	ASSERT_EQ(0, kioctlp(vm->fd, KVM_IRQ_LINE, &line));

	/* A resampling irqfd on pin 5: the guest's EOI lowers it. */
	irqfd.fd = eventfd(0, EFD_CLOEXEC);
	irqfd.resamplefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, irqfd.fd);
	ASSERT_LE(0, irqfd.resamplefd);
	ASSERT_EQ(0, kioctlp(vm->fd, KVM_IRQFD, &irqfd));
	in.fire = fire_eventfd;
	in.efd = irqfd.fd;
	*pause = 1;
	ASSERT_EQ(0, run_fired(_metadata, vm, &in));
	ASSERT_EQ(KVM_EXIT_IO, vm->run->exit_reason);
	EXPECT_EQ(PORT_PAUSE, vm->run->io.port);
	EXPECT_EQ(1U << 5, (ioapic_rte(_metadata, vm, 5, &irr), irr));
	EXPECT_EQ(-1, read(irqfd.resamplefd, &cnt, 8));
	EXPECT_EQ(3, RUN_OUT(0x52));
	EXPECT_EQ(0x55, log_vec(vm, 2));
	EXPECT_EQ(8, read(irqfd.resamplefd, &cnt, 8));
	EXPECT_EQ(0x8055, ioapic_rte(_metadata, vm, 5, &irr));
	EXPECT_EQ(0, irr);
	irqfd.flags = KVM_IRQFD_FLAG_DEASSIGN;
	EXPECT_EQ(0, kioctlp(vm->fd, KVM_IRQFD, &irqfd));
	close(irqfd.fd);
	close(irqfd.resamplefd);
}

#else /* !__x86_64__ */

TEST(x86_lapic)
{
	SKIP(return, "these tests drive an x86 VM");
}

#endif

TEST_HARNESS_MAIN
