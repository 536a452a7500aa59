// SPDX-License-Identifier: GPL-2.0
/*
 * x86 guests: reset state, port I/O of each size and string I/O, MMIO
 * through MOV forms, read-only slots, CPUID from KVM_SET_CPUID2, the CR bits
 * a guest changes without an exit in KVM_GET/SET_SREGS, MSRs from
 * the VMM and from the guest, HLT exiting with KVM_EXIT_HLT then KVM_INTERRUPT, the
 * interrupt window, immediate_exit and signals, triple fault, bad inputs,
 * two VMs and two vCPUs, guest memory unmapped between runs, and the VM fd
 * closed during KVM_RUN, debug registers (KVM_GET/SET_DEBUGREGS, a breakpoint
 * firing in the guest, the host's own breakpoint surviving it), the VMM's
 * debugging (KVM_SET_GUEST_DEBUG), the guest's TF over emulation, MSR
 * filters and MSR exits to the VMM, events
 * (KVM_GET/SET_VCPU_EVENTS: exceptions, interrupts, NMIs), an MMIO
 * instruction that cannot be emulated (KVM_CAP_EXIT_ON_EMULATION_FAILURE). Guests run in
 * real mode or in 64-bit long mode set up with KVM_SET_SREGS. The same tests
 * run on the in-kernel KVM (KVMLITE_DEV=/dev/kvm); where the two legitimately
 * differ the test says so.
 */
#include <linux/hw_breakpoint.h>
#include <linux/kvm.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "kselftest_harness.h"

#ifdef __x86_64__
#include "kvmlite_x86.h"

#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_KERNEL_GS_BASE	0xc0000102

FIXTURE(x86) {
	struct xvm vm;
};

FIXTURE_SETUP(x86)
{
	int r = xvm_create(&self->vm);

	ASSERT_EQ(0, r) TH_LOG("VM on %s: %s", kvm_dev(), strerror(-r));
}

FIXTURE_TEARDOWN(x86)
{
	xvm_destroy(&self->vm);
}

/* Run; the exit must be port I/O of @dir, @sz bytes, @port. */
static void run_io(struct __test_metadata *_metadata, struct xvm *vm, int dir,
		   int sz, int port)
{
	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_IO, vm->run->exit_reason)
		TH_LOG("exit %u", vm->run->exit_reason);
	EXPECT_EQ(dir, vm->run->io.direction);
	EXPECT_EQ(sz, vm->run->io.size);
	ASSERT_EQ(port, vm->run->io.port);
}

#define RUN_IO(vm, dir, sz, port) run_io(_metadata, vm, dir, sz, port)

/* The architectural reset state: real mode at F000:FFF0, as KVM sets it. */
TEST_F(x86, reset_state)
{
	struct kvm_regs regs;
	struct kvm_sregs s;

	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(0xfff0, regs.rip);
	EXPECT_EQ(2, regs.rflags);
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_SREGS, &s));
	EXPECT_EQ(0xf000, s.cs.selector);
	EXPECT_EQ(0xffff0000, s.cs.base);
	EXPECT_EQ(0xffff, s.cs.limit);
	EXPECT_EQ(0x60000010, s.cr0);
	EXPECT_EQ(0, s.cr4);
	EXPECT_EQ(0, s.efer);
	EXPECT_EQ(0xffff, s.idt.limit);
	EXPECT_EQ(11, s.tr.type);
}

X86_CODE16(g_pio,
	   "mov $0x12, %al\n out %al, $0x10\n"
	   "mov $0x1234, %ax\n out %ax, $0x11\n"
	   "mov $0x12345678, %eax\n out %eax, $0x12\n"
	   "in $0x20, %al\n mov %al, %bl\n"
	   "in $0x21, %ax\n mov %ax, %cx\n"
	   "in $0x22, %eax\n mov %eax, %esi\n"
	   "mov $0x300, %dx\n mov $0x77, %al\n out %al, (%dx)\n"
	   "out %al, $0xff\n"
	   "1: jmp 1b\n");

/* OUT and IN of 1, 2 and 4 bytes, immediate and DX ports. */
TEST_F(x86, pio_sizes)
{
	struct kvm_run *run = self->vm.run;
	struct kvm_regs regs;
	__u32 v;

	ASSERT_EQ(0, xvm_real_mode(&self->vm, g_pio, g_pio_end));
	RUN_IO(&self->vm, KVM_EXIT_IO_OUT, 1, 0x10);
	EXPECT_EQ(1, run->io.count);
	EXPECT_EQ(0x12, xio_value(run));
	RUN_IO(&self->vm, KVM_EXIT_IO_OUT, 2, 0x11);
	EXPECT_EQ(0x1234, xio_value(run));
	RUN_IO(&self->vm, KVM_EXIT_IO_OUT, 4, 0x12);
	EXPECT_EQ(0x12345678, xio_value(run));
	RUN_IO(&self->vm, KVM_EXIT_IO_IN, 1, 0x20);
	v = 0xab;
	memcpy(xio_data(run), &v, 1);
	RUN_IO(&self->vm, KVM_EXIT_IO_IN, 2, 0x21);
	v = 0xbeef;
	memcpy(xio_data(run), &v, 2);
	RUN_IO(&self->vm, KVM_EXIT_IO_IN, 4, 0x22);
	v = 0xdeadbeef;
	memcpy(xio_data(run), &v, 4);
	RUN_IO(&self->vm, KVM_EXIT_IO_OUT, 1, 0x300);
	EXPECT_EQ(0x77, xio_value(run));
	RUN_IO(&self->vm, KVM_EXIT_IO_OUT, 1, XPORT_DONE);
	ASSERT_EQ(0, xvm_complete(&self->vm));
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(0xab, regs.rbx & 0xff);
	EXPECT_EQ(0xbeef, regs.rcx & 0xffff);
	EXPECT_EQ(0xdeadbeef, regs.rsi);
	EXPECT_EQ(XCODE + (g_pio_end - g_pio) - 2, regs.rip);
}

X86_CODE16(g_string,
	   "cld\n"
	   "mov $0x2000, %si\n mov $4, %cx\n mov $0x80, %dx\n rep outsb\n"
	   "mov $0x3000, %di\n mov $3, %cx\n mov $0x82, %dx\n rep insw\n"
	   "mov $0x2004, %si\n mov $0x84, %dx\n outsw\n"
	   "out %al, $0xff\n"
	   "1: jmp 1b\n");

/*
 * rep outsb / rep insw / outsw: the data of count elements at data_offset.
 * How many elements one exit carries is up to the hypervisor: collect them.
 */
TEST_F(x86, pio_string)
{
	struct kvm_run *run = self->vm.run;
	unsigned char out[8] = { 0 }, in[6] = { 1, 2, 3, 4, 5, 6 };
	unsigned int nout = 0, nin = 0, n;
	struct kvm_regs regs;

	memcpy(self->vm.ram + 0x2000, "ABCDxy", 6);
	ASSERT_EQ(0, xvm_real_mode(&self->vm, g_string, g_string_end));
	for (;;) {
		ASSERT_EQ(0, xvm_run(&self->vm));
		ASSERT_EQ(KVM_EXIT_IO, run->exit_reason);
		if (run->io.port == XPORT_DONE)
			break;
		n = run->io.count * run->io.size;
		if (run->io.port == 0x80) {
			EXPECT_EQ(KVM_EXIT_IO_OUT, run->io.direction);
			EXPECT_EQ(1, run->io.size);
			ASSERT_LE(nout + n, 4);
			memcpy(out + nout, xio_data(run), n);
			nout += n;
		} else if (run->io.port == 0x82) {
			EXPECT_EQ(KVM_EXIT_IO_IN, run->io.direction);
			EXPECT_EQ(2, run->io.size);
			ASSERT_LE(nin + n, 6);
			memcpy(xio_data(run), in + nin, n);
			nin += n;
		} else {
			ASSERT_EQ(0x84, run->io.port);
			EXPECT_EQ(1, run->io.count);
			EXPECT_EQ(2, run->io.size);
			EXPECT_EQ(0, memcmp(xio_data(run), "xy", 2));
		}
	}
	EXPECT_EQ(4, nout);
	EXPECT_EQ(0, memcmp(out, "ABCD", 4));
	EXPECT_EQ(6, nin);
	EXPECT_EQ(0, memcmp(self->vm.ram + 0x3000, in, 6));
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(0, regs.rcx & 0xffff);
	EXPECT_EQ(0x3006, regs.rdi & 0xffff);
	EXPECT_EQ(0x2006, regs.rsi & 0xffff);
}

X86_CODE16(g_mmio16,
	   "mov $0xa000, %ax\n mov %ax, %ds\n"
	   "movb $0x5a, (0x10)\n"
	   "movw $0x1234, (0x20)\n"
	   "mov $0x89abcdef, %ebx\n mov %ebx, (0x30)\n"
	   "mov (0x40), %cl\n"
	   "movsbw (0x50), %dx\n"
	   "movzwl (0x60), %esi\n"
	   "mov (0x70), %eax\n"
	   "mov %bh, (0x80)\n"
	   "out %al, $0xff\n"
	   "1: jmp 1b\n");

static void mmio_expect(struct __test_metadata *_metadata, struct xvm *vm,
			__u64 gpa, int len, int write, __u64 val)
{
	struct kvm_run *run = vm->run;

	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_MMIO, run->exit_reason)
		TH_LOG("exit %u at %#llx", run->exit_reason, (unsigned long long)gpa);
	EXPECT_EQ(gpa, run->mmio.phys_addr);
	EXPECT_EQ(len, run->mmio.len);
	EXPECT_EQ(write, run->mmio.is_write);
	if (!write) {
		memcpy(run->mmio.data, &val, 8);
		return;
	}
	EXPECT_EQ(val, xmmio_value(run));
}

/* Real-mode MOV forms to a GPA without a slot: writes, loads, movzx/movsx. */
TEST_F(x86, mmio_real_mode)
{
	struct xvm *vm = &self->vm;
	struct kvm_regs regs;

	ASSERT_EQ(0, xvm_real_mode(vm, g_mmio16, g_mmio16_end));
	mmio_expect(_metadata, vm, 0xa0010, 1, 1, 0x5a);
	mmio_expect(_metadata, vm, 0xa0020, 2, 1, 0x1234);
	mmio_expect(_metadata, vm, 0xa0030, 4, 1, 0x89abcdef);
	mmio_expect(_metadata, vm, 0xa0040, 1, 0, 0x81);
	mmio_expect(_metadata, vm, 0xa0050, 1, 0, 0x81);
	mmio_expect(_metadata, vm, 0xa0060, 2, 0, 0x8001);
	mmio_expect(_metadata, vm, 0xa0070, 4, 0, 0xcafef00d);
	mmio_expect(_metadata, vm, 0xa0080, 1, 1, 0xcd);
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, XPORT_DONE);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(0x81, regs.rcx & 0xff);
	EXPECT_EQ(0xff81, regs.rdx & 0xffff);
	EXPECT_EQ(0x8001, regs.rsi);
	EXPECT_EQ(0xcafef00d, regs.rax);
}

X86_SYMBOL(g_emu_flds);
X86_SYMBOL(g_emu_ud);
X86_CODE16(g_emu,
	   "mov $0xa000, %ax\n mov %ax, %ds\n"
	   ".global g_emu_flds\n g_emu_flds:\n flds (0x10)\n"
	   "out %al, $0x70\n"
	   "1: jmp 1b\n"
	   ".global g_emu_ud\n g_emu_ud:\n out %al, $0x71\n 2: jmp 2b\n");

static void expect_emulation_failure(struct __test_metadata *_metadata,
				     struct xvm *vm)
{
	struct kvm_run *run = vm->run;

	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_INTERNAL_ERROR, run->exit_reason)
		TH_LOG("exit %u", run->exit_reason);
	EXPECT_EQ(KVM_INTERNAL_ERROR_EMULATION, run->emulation_failure.suberror);
	EXPECT_TRUE(run->emulation_failure.flags &
		    KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES);
	ASSERT_LE(2, run->emulation_failure.insn_size);
	EXPECT_EQ(0xd9, run->emulation_failure.insn_bytes[0]);
	EXPECT_EQ(0x06, run->emulation_failure.insn_bytes[1]);
}

/*
 * An instruction on MMIO that cannot be emulated (FLDS), as KVM's
 * handle_emulation_failure(): at CPL 0 the VMM gets the failure with the
 * instruction's bytes and the guest a #UD on the next run; with
 * KVM_CAP_EXIT_ON_EMULATION_FAILURE (KVM's checks) the VMM alone, which
 * then skips the instruction.
 */
TEST_F(x86, emulation_failure)
{
	struct xvm *vm = &self->vm;
	struct kvm_enable_cap cap = { .cap = KVM_CAP_EXIT_ON_EMULATION_FAILURE };
	struct kvm_regs regs;

	ASSERT_EQ(1, kioctl(vm->sys, KVM_CHECK_EXTENSION,
			    KVM_CAP_EXIT_ON_EMULATION_FAILURE));
	ASSERT_EQ(0, xvm_real_mode(vm, g_emu, g_emu_end));
	xvm_ivt(vm, 6, XCODE + (g_emu_ud - g_emu));
	expect_emulation_failure(_metadata, vm);
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x71);

	cap.args[0] = 2;
	EXPECT_EQ(-EINVAL, kioctlp(vm->fd, KVM_ENABLE_CAP, &cap));
	cap.args[0] = 1;
	ASSERT_EQ(0, kioctlp(vm->fd, KVM_ENABLE_CAP, &cap));
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_REGS, &regs));
	regs.rip = XCODE + (g_emu_flds - g_emu);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_REGS, &regs));
	expect_emulation_failure(_metadata, vm);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(XCODE + (g_emu_flds - g_emu), regs.rip);
	regs.rip += 4;		/* d9 06 10 00 */
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_REGS, &regs));
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x70);
}

X86_CODE64(g_long,
	   "mov $0x10000000, %rbx\n"
	   "mov $0x1122334455667788, %rax\n mov %rax, (%rbx)\n"
	   "mov 8(%rbx), %rcx\n mov %rcx, %r10\n"
	   "movl $0x7fffffff, 16(%rbx)\n"
	   "mov 24(%rbx), %r9b\n"
	   "movq $-2, 32(%rbx)\n"
	   "xor %eax, %eax\n cpuid\n"
	   "mov $0x5678, %ax\n out %ax, $0xff\n"
	   "1: jmp 1b\n");

/* 64-bit long mode from SREGS: 8-byte MMIO, REX forms, imm32 sign extension. */
TEST_F(x86, long_mode_mmio)
{
	struct xvm *vm = &self->vm;
	struct kvm_regs regs;
	struct kvm_sregs s;

	ASSERT_EQ(0, xvm_long_mode(vm, g_long, g_long_end));
	mmio_expect(_metadata, vm, XMMIO, 8, 1, 0x1122334455667788ULL);
	mmio_expect(_metadata, vm, XMMIO + 8, 8, 0, 0x8877665544332211ULL);
	mmio_expect(_metadata, vm, XMMIO + 16, 4, 1, 0x7fffffff);
	mmio_expect(_metadata, vm, XMMIO + 24, 1, 0, 0xa5);
	mmio_expect(_metadata, vm, XMMIO + 32, 8, 1, (__u64)-2);
	RUN_IO(vm, KVM_EXIT_IO_OUT, 2, XPORT_DONE);
	EXPECT_EQ(0x5678, xio_value(vm->run));
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(0x8877665544332211ULL, regs.r10);
	EXPECT_EQ(0xa5, regs.r9 & 0xff);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_SREGS, &s));
	EXPECT_EQ(0x500, s.efer & 0x500);
	EXPECT_EQ(1, s.cs.l);
}

X86_CODE16(g_ro,
	   "mov $0xc000, %ax\n mov %ax, %ds\n"
	   "mov (0), %bl\n"
	   "movb $0x77, (4)\n"
	   "out %al, $0xff\n"
	   "1: jmp 1b\n");

/* A read-only slot: reads come from memory, writes exit as MMIO. */
TEST_F(x86, readonly_slot)
{
	struct xvm *vm = &self->vm;
	unsigned char *ro;
	struct kvm_regs regs;

	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ro[0] = 0x55;
	ASSERT_EQ(0, xset_mem(vm->fd, 1, KVM_MEM_READONLY, 0xc0000, 4096, ro));
	ASSERT_EQ(0, xvm_real_mode(vm, g_ro, g_ro_end));
	mmio_expect(_metadata, vm, 0xc0004, 1, 1, 0x77);
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, XPORT_DONE);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(0x55, regs.rbx & 0xff);
	EXPECT_EQ(0, ro[4]);
	munmap(ro, 4096);
}

X86_CODE16(g_cpuid,
	   "xor %eax, %eax\n xor %ecx, %ecx\n cpuid\n mov %ebx, %esi\n mov %ecx, %edi\n"
	   "mov $2, %eax\n cpuid\n"
	   "out %al, $0xff\n"
	   "1: jmp 1b\n");

/* CPUID answers from the KVM_SET_CPUID2 table; GET_CPUID2 returns it. */
TEST_F(x86, cpuid)
{
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[4];
	} t, g;
	struct kvm_regs regs;

	memset(&t, 0, sizeof(t));
	t.c.nent = 2;
	t.e[0].function = 0;
	t.e[0].eax = 2;
	t.e[0].ebx = 0x6c6d766b;
	t.e[0].ecx = 0x74657469;
	t.e[0].edx = 0x21747365;
	t.e[1].function = 2;
	t.e[1].eax = 0x11111101;
	t.e[1].ebx = 0x22222222;
	t.e[1].ecx = 0x33333333;
	t.e[1].edx = 0x44444444;
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_SET_CPUID2, &t));
	memset(&g, 0, sizeof(g));
	g.c.nent = 1;
	EXPECT_EQ(-E2BIG, kioctlp(self->vm.vcpu, KVM_GET_CPUID2, &g));
	g.c.nent = 4;
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_CPUID2, &g));
	EXPECT_EQ(2, g.c.nent);
	EXPECT_EQ(0x22222222, g.e[1].ebx);

	ASSERT_EQ(0, xvm_real_mode(&self->vm, g_cpuid, g_cpuid_end));
	RUN_IO(&self->vm, KVM_EXIT_IO_OUT, 1, XPORT_DONE);
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(0x6c6d766b, regs.rsi);
	EXPECT_EQ(0x74657469, regs.rdi);
	EXPECT_EQ(0x11111101, regs.rax);
	EXPECT_EQ(0x22222222, regs.rbx);
	EXPECT_EQ(0x33333333, regs.rcx);
	EXPECT_EQ(0x44444444, regs.rdx);
}

/* KVM_GET_SUPPORTED_CPUID: E2BIG when too small, leaf 0 and 1 present. */
TEST_F(x86, supported_cpuid)
{
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[100];
	} t;
	int i, found = 0;

	memset(&t, 0, sizeof(t));
	EXPECT_EQ(-E2BIG, kioctlp(self->vm.sys, KVM_GET_SUPPORTED_CPUID, &t));
	t.c.nent = 1;
	EXPECT_EQ(-E2BIG, kioctlp(self->vm.sys, KVM_GET_SUPPORTED_CPUID, &t));
	t.c.nent = 100;
	ASSERT_EQ(0, kioctlp(self->vm.sys, KVM_GET_SUPPORTED_CPUID, &t));
	ASSERT_LT(1, t.c.nent);
	for (i = 0; i < t.c.nent; i++) {
		if (t.e[i].function == 0 || t.e[i].function == 1)
			found++;
		/* VMX is never offered to a guest of either hypervisor here. */
		if (t.e[i].function == 1 && is_kvmlite())
			EXPECT_EQ(0, t.e[i].ecx & (1 << 5));
		/*
		 * As KVM: no PSN (18), DS (21), ACPI (22), HTT (28), TM (29)
		 * or PBE (31) in leaf 1 EDX. HTT with the VMM's logical
		 * processor count of 0 breaks a Linux guest's topology.
		 */
		if (t.e[i].function == 1)
			EXPECT_EQ(0, t.e[i].edx & 0xb0640000)
				TH_LOG("leaf 1 edx %08x", t.e[i].edx);
	}
	EXPECT_EQ(2, found);
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_SET_CPUID2, &t));
}

X86_CODE16(g_owned_crs,
	   "mov %cr0, %eax\n or $0x8, %eax\n mov %eax, %cr0\n"	/* TS */
	   "mov %cr4, %eax\n or $0x4, %eax\n mov %eax, %cr4\n"	/* TSD */
	   "out %al, $0x40\n"
	   "mov %cr0, %eax\n mov %eax, %esi\n mov %cr4, %eax\n mov %eax, %edi\n"
	   "out %al, $0x41\n"
	   "clts\n mov %cr0, %eax\n mov %eax, %esi\n"
	   "out %al, $0x42\n"
	   "1: jmp 1b\n");

/*
 * CR0/CR4 bits that the guest changes without an exit (TS, TSD: the
 * hypervisor need not intercept them) are what KVM_GET_SREGS returns, and a
 * KVM_GET_SREGS/KVM_SET_SREGS round trip, as QEMU makes around every exit it
 * handles, keeps the guest's values.
 */
TEST_F(x86, guest_owned_crs)
{
	struct xvm *vm = &self->vm;
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	ASSERT_EQ(0, xvm_real_mode(vm, g_owned_crs, g_owned_crs_end));
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x40);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_SREGS, &sregs));
	EXPECT_EQ(8, sregs.cr0 & 8);
	EXPECT_EQ(0, sregs.cr0 & 1);
	EXPECT_EQ(4, sregs.cr4 & 4);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_SREGS, &sregs));
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x41);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(8, regs.rsi & 8);
	EXPECT_EQ(0, regs.rsi & 1);
	EXPECT_EQ(4, regs.rdi & 4);
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x42);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(0, regs.rsi & 8);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_SREGS, &sregs));
	EXPECT_EQ(0, sregs.cr0 & 8);
}

X86_SYMBOL(g_msr_gp);
X86_CODE16(g_msr,
	   "mov $0xc0000082, %ecx\n rdmsr\n mov %eax, %esi\n mov %edx, %edi\n"
	   "mov $0xc0000102, %ecx\n mov $0xabcd, %eax\n xor %edx, %edx\n wrmsr\n"
	   "mov $0x12345, %ecx\n rdmsr\n"
	   "out %al, $0xff\n"
	   "1: jmp 1b\n"
	   ".global g_msr_gp\n g_msr_gp:\n push %bp\n mov %sp, %bp\n addw $2, 2(%bp)\n pop %bp\n"
	   "out %al, $0x13\n iret\n");

/* MSRs from the VMM (SET/GET_MSRS) and from the guest; #GP for unknown ones. */
TEST_F(x86, msrs)
{
	struct {
		struct kvm_msrs m;
		struct kvm_msr_entry e[8];
	} t;
	struct kvm_regs regs;

	memset(&t, 0, sizeof(t));
	t.m.nmsrs = 4;
	t.e[0].index = MSR_LSTAR;
	t.e[0].data = 0xffffffff81000000ULL;
	t.e[1].index = MSR_STAR;
	t.e[1].data = 0x0023001000000000ULL;
	t.e[2].index = MSR_IA32_SYSENTER_CS;
	t.e[2].data = 0x10;
	t.e[3].index = MSR_KERNEL_GS_BASE;
	t.e[3].data = 0x1234000;
	ASSERT_EQ(4, kioctlp(self->vm.vcpu, KVM_SET_MSRS, &t));
	memset(t.e, 0, sizeof(t.e));
	t.e[0].index = MSR_LSTAR;
	t.e[1].index = MSR_STAR;
	t.e[2].index = MSR_IA32_SYSENTER_CS;
	t.e[3].index = MSR_KERNEL_GS_BASE;
	ASSERT_EQ(4, kioctlp(self->vm.vcpu, KVM_GET_MSRS, &t));
	EXPECT_EQ(0xffffffff81000000ULL, t.e[0].data);
	EXPECT_EQ(0x0023001000000000ULL, t.e[1].data);
	EXPECT_EQ(0x10, t.e[2].data);
	EXPECT_EQ(0x1234000, t.e[3].data);
	/* As KVM: the count done, stopping at an MSR it does not know. */
	t.m.nmsrs = 2;
	t.e[1].index = 0x12345;
	EXPECT_EQ(1, kioctlp(self->vm.vcpu, KVM_GET_MSRS, &t));
	t.m.nmsrs = 300;
	EXPECT_EQ(-E2BIG, kioctlp(self->vm.vcpu, KVM_GET_MSRS, &t));

	ASSERT_EQ(0, xvm_real_mode(&self->vm, g_msr, g_msr_end));
	xvm_ivt(&self->vm, 13, XCODE + (g_msr_gp - g_msr));
	RUN_IO(&self->vm, KVM_EXIT_IO_OUT, 1, 0x13);
	RUN_IO(&self->vm, KVM_EXIT_IO_OUT, 1, XPORT_DONE);
	ASSERT_EQ(0, kioctlp(self->vm.vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(0x81000000, regs.rsi);
	EXPECT_EQ(0xffffffff, regs.rdi);
	t.m.nmsrs = 1;
	t.e[0].index = MSR_KERNEL_GS_BASE;
	t.e[0].data = 0;
	ASSERT_EQ(1, kioctlp(self->vm.vcpu, KVM_GET_MSRS, &t));
	EXPECT_EQ(0xabcd, t.e[0].data);
}

/* KVM_GET_MSR_INDEX_LIST: E2BIG with the needed count, then the list. */
TEST_F(x86, msr_index_list)
{
	struct {
		struct kvm_msr_list l;
		__u32 idx[512];
	} t;
	int i, lstar = 0;

	t.l.nmsrs = 0;
	EXPECT_EQ(-E2BIG, kioctlp(self->vm.sys, KVM_GET_MSR_INDEX_LIST, &t));
	ASSERT_LT(0, t.l.nmsrs);
	ASSERT_GE(512, t.l.nmsrs);
	ASSERT_EQ(0, kioctlp(self->vm.sys, KVM_GET_MSR_INDEX_LIST, &t));
	for (i = 0; i < t.l.nmsrs; i++)
		lstar |= t.idx[i] == MSR_LSTAR;
	EXPECT_TRUE(lstar);
}

X86_SYMBOL(g_hlt_h);
X86_CODE16(g_hlt,
	   "sti\n hlt\n"
	   "out %al, $0x31\n"
	   "1: jmp 1b\n"
	   ".global g_hlt_h\n g_hlt_h:\n mov $0x42, %al\n out %al, $0x30\n iret\n");

/*
 * HLT with a userspace irqchip (no in-kernel local APIC): KVM_RUN returns
 * KVM_EXIT_HLT with RIP past the HLT, the vCPU stays RUNNABLE, and the
 * interrupt the VMM then injects with KVM_INTERRUPT runs the guest's IVT
 * handler on the next KVM_RUN. Bad vectors fail with EINVAL.
 */
TEST_F(x86, hlt_interrupt)
{
	struct xvm *vm = &self->vm;
	struct kvm_interrupt irq = { .irq = 256 };
	struct kvm_mp_state mp = { .mp_state = 99 };
	struct kvm_regs regs;

	ASSERT_EQ(0, xvm_real_mode(vm, g_hlt, g_hlt_end));
	xvm_ivt(vm, 0x20, XCODE + (g_hlt_h - g_hlt));
	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_HLT, vm->run->exit_reason)
		TH_LOG("exit %u", vm->run->exit_reason);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_REGS, &regs));
	/* sti (1 byte), hlt (1 byte) */
	EXPECT_EQ(XCODE + 2, regs.rip);
	EXPECT_EQ(1, vm->run->if_flag);
	EXPECT_EQ(1, vm->run->ready_for_interrupt_injection);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, mp.mp_state);
	EXPECT_EQ(-EINVAL, kioctlp(vm->vcpu, KVM_INTERRUPT, &irq));
	irq.irq = 0x20;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_INTERRUPT, &irq));
	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_IO, vm->run->exit_reason)
		TH_LOG("exit %u", vm->run->exit_reason);
	EXPECT_EQ(0x30, vm->run->io.port);
	EXPECT_EQ(0x42, xio_value(vm->run));
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x31);
}

X86_SYMBOL(g_dbg_t);
X86_SYMBOL(g_dbg_h);
X86_CODE16(g_dbg,
	   "nop\n nop\n"
	   ".global g_dbg_t\n g_dbg_t:\n out %al, $0x50\n 1: jmp 1b\n"
	   ".global g_dbg_h\n g_dbg_h:\n mov %dr6, %eax\n out %eax, $0x51\n"
	   "2: jmp 2b\n");

/*
 * KVM_GET/SET_DEBUGREGS: reset values, KVM's checks, a round trip; then an
 * instruction breakpoint set by the VMM fires in the guest: the guest's #DB
 * handler runs before the instruction, and DR6 (read by the guest with MOV
 * and by the VMM) has B0.
 */
TEST_F(x86, debugregs)
{
	struct xvm *vm = &self->vm;
	struct kvm_debugregs d, e;

	ASSERT_LT(0, kioctl(vm->sys, KVM_CHECK_EXTENSION, KVM_CAP_DEBUGREGS));
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_DEBUGREGS, &d));
	EXPECT_EQ(0, d.db[0] | d.db[1] | d.db[2] | d.db[3]);
	EXPECT_EQ(0xffff0ff0, d.dr6);
	EXPECT_EQ(0x400, d.dr7);
	EXPECT_EQ(0, d.flags);
	EXPECT_EQ(-EFAULT, kioctl(vm->vcpu, KVM_GET_DEBUGREGS, 8));
	EXPECT_EQ(-EFAULT, kioctl(vm->vcpu, KVM_SET_DEBUGREGS, 8));
	memset(&e, 0, sizeof(e));
	e.dr6 = 0xffff0ff0;
	e.dr7 = 0x400;
	e.flags = 1;
	EXPECT_EQ(-EINVAL, kioctlp(vm->vcpu, KVM_SET_DEBUGREGS, &e));
	e.flags = 0;
	e.dr6 = 1ULL << 32;
	EXPECT_EQ(-EINVAL, kioctlp(vm->vcpu, KVM_SET_DEBUGREGS, &e));
	e.dr6 = 0xffff0ff0;
	e.dr7 = 1ULL << 32;
	EXPECT_EQ(-EINVAL, kioctlp(vm->vcpu, KVM_SET_DEBUGREGS, &e));
	e.db[0] = 0x1234;
	e.db[1] = 0xffffffff00000000ULL;
	e.db[2] = 3;
	e.db[3] = 4;
	e.dr7 = 0x400;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_DEBUGREGS, &e));
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_DEBUGREGS, &d));
	EXPECT_EQ(0, memcmp(d.db, e.db, sizeof(d.db)));
	EXPECT_EQ(e.dr6, d.dr6);
	EXPECT_EQ(e.dr7, d.dr7);

	ASSERT_EQ(0, xvm_real_mode(vm, g_dbg, g_dbg_end));
	xvm_ivt(vm, 1, XCODE + (g_dbg_h - g_dbg));
	memset(&e, 0, sizeof(e));
	e.db[0] = XCODE + (g_dbg_t - g_dbg);
	e.dr6 = 0xffff0ff0;
	e.dr7 = 0x401;		/* L0: execution of the byte at DR0 */
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_DEBUGREGS, &e));
	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_IO, vm->run->exit_reason)
		TH_LOG("exit %u", vm->run->exit_reason);
	ASSERT_EQ(0x51, vm->run->io.port)
		TH_LOG("the breakpoint did not fire (port %#x)", vm->run->io.port);
	EXPECT_EQ(1, xio_value(vm->run) & 0xf)
		TH_LOG("guest DR6 %#llx", (unsigned long long)xio_value(vm->run));
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_DEBUGREGS, &d));
	EXPECT_EQ(1, d.dr6 & 0xf) TH_LOG("DR6 %#llx", (unsigned long long)d.dr6);
	EXPECT_EQ(e.db[0], d.db[0]);
}

/* How many times the host breakpoint counter @fd fired. */
static long long bp_count(int fd)
{
	long long n;

	return read(fd, &n, sizeof(n)) == sizeof(n) ? n : -1;
}

/*
 * The host's own hardware breakpoint (perf, on a variable of this thread)
 * survives a guest that ran with its breakpoints in the debug registers: it
 * fires before and after, as on KVM.
 */
TEST_F(x86, debugregs_host_breakpoint)
{
	static int watched;
	struct xvm *vm = &self->vm;
	struct perf_event_attr a;
	struct kvm_debugregs e;
	int fd;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_BREAKPOINT;
	a.size = sizeof(a);
	a.bp_type = HW_BREAKPOINT_W;
	a.bp_addr = (unsigned long)&watched;
	a.bp_len = HW_BREAKPOINT_LEN_4;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd < 0)
		SKIP(return, "no hardware breakpoint for this thread: %s", strerror(errno));
	__atomic_store_n(&watched, 1, __ATOMIC_RELAXED);
	ASSERT_EQ(1, bp_count(fd));

	ASSERT_EQ(0, xvm_real_mode(vm, g_dbg, g_dbg_end));
	xvm_ivt(vm, 1, XCODE + (g_dbg_h - g_dbg));
	memset(&e, 0, sizeof(e));
	e.db[0] = XCODE + (g_dbg_t - g_dbg);
	e.dr6 = 0xffff0ff0;
	e.dr7 = 0x401;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_DEBUGREGS, &e));
	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_IO, vm->run->exit_reason);
	EXPECT_EQ(0x51, vm->run->io.port);

	__atomic_store_n(&watched, 2, __ATOMIC_RELAXED);
	EXPECT_EQ(2, bp_count(fd)) TH_LOG("the host breakpoint is lost after the guest ran");
	sched_yield();
	__atomic_store_n(&watched, 3, __ATOMIC_RELAXED);
	EXPECT_EQ(3, bp_count(fd));
	close(fd);
}

X86_SYMBOL(g_gd_hw);
X86_SYMBOL(g_gd_wd);
X86_SYMBOL(g_gd_ss);
X86_SYMBOL(g_gd_bd);
X86_SYMBOL(g_gd_bp);
X86_SYMBOL(g_gd_db);
X86_CODE16(g_gd,
	   "int3\n"
	   ".global g_gd_hw\n g_gd_hw:\n nop\n"
	   "movw $0x1234, (0x800)\n"
	   ".global g_gd_wd\n g_gd_wd:\n"
	   ".global g_gd_ss\n g_gd_ss:\n sti\n xor %eax, %eax\n cpuid\n"
	   "out %al, $0x52\n cli\n"
	   ".global g_gd_bd\n g_gd_bd:\n mov %dr0, %eax\n"
	   "out %al, $0x53\n 1: jmp 1b\n"
	   ".global g_gd_bp\n g_gd_bp:\n out %al, $0x56\n iret\n"
	   ".global g_gd_db\n g_gd_db:\n mov %dr6, %eax\n out %eax, $0x51\n"
	   "2: jmp 2b\n");

#define GD_OFF(sym)	(XCODE + ((sym) - g_gd))

/* Set the VMM's debugging: @ctl, one hardware breakpoint register @dr, DR7. */
static long guest_debug(struct xvm *vm, __u32 ctl, int dr, __u64 addr, __u64 dr7)
{
	struct kvm_guest_debug d;

	memset(&d, 0, sizeof(d));
	d.control = ctl;
	if (dr >= 0)
		d.arch.debugreg[dr] = addr;
	d.arch.debugreg[7] = dr7;
	return kioctlp(vm->vcpu, KVM_SET_GUEST_DEBUG, &d);
}

/* Run; the exit must be KVM_EXIT_DEBUG for @exc at @pc (and @dr6 for #DB). */
static void run_debug(struct __test_metadata *_metadata, struct xvm *vm,
		      int exc, __u64 pc, __u64 dr6)
{
	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_DEBUG, vm->run->exit_reason)
		TH_LOG("exit %u port %#x", vm->run->exit_reason, vm->run->io.port);
	EXPECT_EQ(exc, vm->run->debug.arch.exception);
	EXPECT_EQ(pc, vm->run->debug.arch.pc)
		TH_LOG("pc %#llx, want %#llx", vm->run->debug.arch.pc, pc);
	if (exc == 1)
		EXPECT_EQ(dr6, vm->run->debug.arch.dr6)
			TH_LOG("dr6 %#llx, want %#llx", vm->run->debug.arch.dr6, dr6);
}

/*
 * One single step from @from to @to. Bochs leaves DR6.BS pending in the
 * VMCS after an instruction that exits under TF (CPUID, OUT); kvm_intel
 * keeps it and steps that instruction twice, kvmlite drops it
 * (kl_step_trap()). Real hardware leaves nothing pending.
 */
static void run_step(struct __test_metadata *_metadata, struct xvm *vm,
		     __u64 from, __u64 to)
{
	if (!is_kvmlite()) {
		ASSERT_EQ(0, xvm_run(vm));
		ASSERT_EQ(KVM_EXIT_DEBUG, vm->run->exit_reason);
		if (vm->run->debug.arch.pc != from)
			goto check;
		TH_LOG("kvm_intel under Bochs: stepped twice at %#llx", from);
	}
	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_DEBUG, vm->run->exit_reason)
		TH_LOG("exit %u port %#x", vm->run->exit_reason, vm->run->io.port);
check:
	EXPECT_EQ(1, vm->run->debug.arch.exception);
	EXPECT_EQ(to, vm->run->debug.arch.pc)
		TH_LOG("pc %#llx, want %#llx", vm->run->debug.arch.pc, to);
	EXPECT_EQ(0xffff4ff0, vm->run->debug.arch.dr6);
}

/*
 * KVM_SET_GUEST_DEBUG, as the VMM's debugger uses it (QEMU's gdbstub):
 * KVM's checks; INT3 exits with USE_SW_BP and goes back to the guest's own
 * handler with INJECT_BP; the VMM's hardware breakpoints (an instruction,
 * a data write) exit with DR6 while the guest's DR7 stays its own; single
 * steps over native and emulated instructions (CPUID, an OUT completed by
 * userspace) with DR6.BS and TF hidden from KVM_GET_REGS; DR7.GD on MOV DR; INJECT_DB reaching the
 * guest, EBUSY while it is pending. The same on KVM (debug_regs.c's
 * sequence, in real mode).
 */
TEST_F(x86, guest_debug)
{
	struct xvm *vm = &self->vm;
	struct kvm_debugregs dregs;
	struct kvm_regs regs;
	__u64 pc;
	int i;

	ASSERT_EQ(1, kioctl(vm->sys, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG));
	EXPECT_EQ(0x1f0003, kioctl(vm->fd, KVM_CHECK_EXTENSION,
				   KVM_CAP_SET_GUEST_DEBUG2));
	EXPECT_EQ(-EFAULT, kioctl(vm->vcpu, KVM_SET_GUEST_DEBUG, 8));
	/* kvmlite refuses what KVM_CAP_SET_GUEST_DEBUG2 does not offer; KVM 6.12 ignores it. */
	if (is_kvmlite()) {
		EXPECT_EQ(-EINVAL, guest_debug(vm, KVM_GUESTDBG_ENABLE | 4, -1, 0, 0));
		EXPECT_EQ(-EINVAL, guest_debug(vm, 1U << 21, -1, 0, 0));
	}

	ASSERT_EQ(0, xvm_real_mode(vm, g_gd, g_gd_end));
	xvm_ivt(vm, 1, GD_OFF(g_gd_db));
	xvm_ivt(vm, 3, GD_OFF(g_gd_bp));

	/* INT3 exits, then is the guest's own. */
	ASSERT_EQ(0, guest_debug(vm, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP,
				 -1, 0, 0));
	run_debug(_metadata, vm, 3, XCODE, 0);
	ASSERT_EQ(0, guest_debug(vm, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP |
				 KVM_GUESTDBG_INJECT_BP, -1, 0, 0));
	run_io(_metadata, vm, KVM_EXIT_IO_OUT, 1, 0x56);

	/* The VMM's instruction breakpoint, in each of DR0-3 (after the IRET). */
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, guest_debug(vm, KVM_GUESTDBG_ENABLE |
					 KVM_GUESTDBG_USE_HW_BP, i,
					 GD_OFF(g_gd_hw), 0x400 | 2 << (2 * i)));
		run_debug(_metadata, vm, 1, GD_OFF(g_gd_hw), 0xffff0ff0 | 1 << i);
	}
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_DEBUGREGS, &dregs));
	EXPECT_EQ(0x400, dregs.dr7) TH_LOG("the guest's DR7 is its own");
	EXPECT_EQ(0, dregs.db[0]);

	/* A data write breakpoint: a trap, after the MOV. */
	ASSERT_EQ(0, guest_debug(vm, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP,
				 1, 0x800, 0x400 | 2 << 2 | 0x1 << 20));
	run_debug(_metadata, vm, 1, GD_OFF(g_gd_wd), 0xffff0ff2);
	EXPECT_EQ(0x1234, *(__u16 *)(vm->ram + 0x800));

	/* Single steps (BLOCKIRQ: upstream debug_regs, with a LAPIC). */
	ASSERT_EQ(0, guest_debug(vm, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP |
				 KVM_GUESTDBG_BLOCKIRQ, -1, 0, 0));
	pc = GD_OFF(g_gd_ss);
	run_step(_metadata, vm, pc, pc + 1);			/* STI */
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(0x202, regs.rflags) TH_LOG("TF shown to the VMM");
	run_step(_metadata, vm, pc + 1, pc + 4);		/* XOR (0x66) */
	run_step(_metadata, vm, pc + 4, pc + 6);		/* CPUID, emulated */
	ASSERT_EQ(0, xvm_run(vm));
	if (!is_kvmlite() && vm->run->exit_reason == KVM_EXIT_DEBUG &&
	    vm->run->debug.arch.pc == pc + 6) {
		TH_LOG("kvm_intel under Bochs: stepped twice at %#llx", pc + 6);
		ASSERT_EQ(0, xvm_run(vm));
	}
	ASSERT_EQ(KVM_EXIT_IO, vm->run->exit_reason)
		TH_LOG("exit %u pc %#llx dr6 %#llx", vm->run->exit_reason,
		       vm->run->debug.arch.pc, vm->run->debug.arch.dr6);
	EXPECT_EQ(0x52, vm->run->io.port);
	run_step(_metadata, vm, pc + 6, pc + 8);		/* the OUT, completed */
	run_step(_metadata, vm, pc + 8, pc + 9);		/* CLI */
	EXPECT_EQ(pc + 9, GD_OFF(g_gd_bd));

	/* General detection: MOV DR exits before it runs. */
	ASSERT_EQ(0, guest_debug(vm, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP,
				 -1, 0, 0x2400));
	run_debug(_metadata, vm, 1, GD_OFF(g_gd_bd), 0xffff2ff0);

	/* Debugging off: the guest runs on. */
	ASSERT_EQ(0, guest_debug(vm, 0, -1, 0, 0));
	run_io(_metadata, vm, KVM_EXIT_IO_OUT, 1, 0x53);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_REGS, &regs));
	EXPECT_EQ(0, regs.rflags & 0x100);

	/* INJECT_DB: the guest's #DB handler; a second one while pending: EBUSY. */
	ASSERT_EQ(0, guest_debug(vm, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_INJECT_DB,
				 -1, 0, 0));
	EXPECT_EQ(-EBUSY, guest_debug(vm, KVM_GUESTDBG_ENABLE |
				      KVM_GUESTDBG_INJECT_DB, -1, 0, 0));
	ASSERT_EQ(0, guest_debug(vm, 0, -1, 0, 0));
	run_io(_metadata, vm, KVM_EXIT_IO_OUT, 4, 0x51);
}

X86_SYMBOL(g_tf_cpuid);
X86_SYMBOL(g_tf_h);
X86_CODE16(g_tf,
	   "pushf\n pop %ax\n or $0x100, %ax\n push %ax\n popf\n"
	   "cpuid\n"
	   ".global g_tf_cpuid\n g_tf_cpuid:\n out %al, $0x50\n 1: jmp 1b\n"
	   ".global g_tf_h\n g_tf_h:\n mov %dr6, %eax\n out %eax, $0x51\n"
	   "2: jmp 2b\n");

/*
 * The guest's own RFLAGS.TF over an instruction the hypervisor emulates
 * (CPUID): its #DB comes right after it, with DR6.BS, as on hardware.
 */
TEST_F(x86, guest_tf_emulated)
{
	struct xvm *vm = &self->vm;
	struct kvm_regs regs;
	__u16 *frame;

	ASSERT_EQ(0, xvm_real_mode(vm, g_tf, g_tf_end));
	xvm_ivt(vm, 1, XCODE + (g_tf_h - g_tf));
	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_IO, vm->run->exit_reason);
	ASSERT_EQ(0x51, vm->run->io.port)
		TH_LOG("no #DB after the emulated CPUID (port %#x)", vm->run->io.port);
	EXPECT_EQ(0x4000, xio_value(vm->run) & 0x4000)
		TH_LOG("DR6 %#llx", (unsigned long long)xio_value(vm->run));
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_REGS, &regs));
	frame = (__u16 *)(vm->ram + (regs.rsp & 0xffff));
	EXPECT_EQ(XCODE + (g_tf_cpuid - g_tf), frame[0])
		TH_LOG("#DB at IP %#x", frame[0]);
	EXPECT_EQ(0x100, frame[2] & 0x100);
}

X86_SYMBOL(g_mf_gp);
X86_CODE16(g_mf,
	   "mov $0xc0000084, %ecx\n rdmsr\n"
	   "out %eax, $0x60\n mov %edx, %eax\n out %eax, $0x61\n"
	   "xor %eax, %eax\n xor %edx, %edx\n wrmsr\n"
	   "mov $0x474f4f00, %ecx\n rdmsr\n"
	   "mov $0xc0000080, %ecx\n mov $2, %eax\n xor %edx, %edx\n wrmsr\n"
	   "out %al, $0x62\n"
	   "mov $0x174, %ecx\n mov $0x10, %eax\n wrmsr\n"
	   "mov $0xc0000084, %ecx\n rdmsr\n out %eax, $0x63\n"
	   "1: jmp 1b\n"
	   ".global g_mf_gp\n g_mf_gp:\n out %al, $0x6d\n"
	   "push %bp\n mov %sp, %bp\n addw $2, 2(%bp)\n pop %bp\n iret\n");

/* Run; the exit must be KVM_EXIT_X86_RDMSR/WRMSR for @index, @reason. */
static void run_msr(struct __test_metadata *_metadata, struct xvm *vm,
		    __u32 exit, __u32 index, __u32 reason)
{
	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(exit, vm->run->exit_reason)
		TH_LOG("exit %u port %#x", vm->run->exit_reason, vm->run->io.port);
	EXPECT_EQ(index, vm->run->msr.index);
	EXPECT_EQ(reason, vm->run->msr.reason);
	EXPECT_EQ(0, vm->run->msr.error);
}

/*
 * KVM_X86_SET_MSR_FILTER and KVM_CAP_X86_USER_SPACE_MSR, as KVM: the
 * ioctls' checks; a read denied by a read-only range exits with reason
 * FILTER and the VMM's data reaches EDX:EAX, while the write to the same
 * MSR stays in the kernel and the VMM's KVM_GET_MSRS is not filtered; an
 * unknown MSR exits with UNKNOWN and the VMM's error is the guest's #GP;
 * a refused value (INVAL, not asked for) is a #GP without an exit; then a
 * default-deny filter: a write outside its range exits with the data,
 * one inside runs in the kernel.
 */
TEST_F(x86, msr_filter)
{
	struct xvm *vm = &self->vm;
	struct kvm_enable_cap cap = { .cap = KVM_CAP_X86_USER_SPACE_MSR };
	struct kvm_msr_filter f;
	__u64 deny = 0, allow = ~0ULL, data;

	ASSERT_EQ(1, kioctl(vm->sys, KVM_CHECK_EXTENSION, KVM_CAP_X86_USER_SPACE_MSR));
	ASSERT_EQ(1, kioctl(vm->sys, KVM_CHECK_EXTENSION, KVM_CAP_X86_MSR_FILTER));
	cap.args[0] = 8;
	EXPECT_EQ(-EINVAL, kioctlp(vm->fd, KVM_ENABLE_CAP, &cap));
	cap.args[0] = KVM_MSR_EXIT_REASON_FILTER | KVM_MSR_EXIT_REASON_UNKNOWN;
	ASSERT_EQ(0, kioctlp(vm->fd, KVM_ENABLE_CAP, &cap));

	memset(&f, 0, sizeof(f));
	EXPECT_EQ(-EFAULT, kioctl(vm->fd, KVM_X86_SET_MSR_FILTER, 8));
	f.flags = 2;
	EXPECT_EQ(-EINVAL, kioctlp(vm->fd, KVM_X86_SET_MSR_FILTER, &f));
	f.flags = KVM_MSR_FILTER_DEFAULT_DENY;		/* denies everything */
	EXPECT_EQ(-EINVAL, kioctlp(vm->fd, KVM_X86_SET_MSR_FILTER, &f));
	f.flags = 0;
	f.ranges[3].nmsrs = 1;
	f.ranges[3].base = 0xc0000084;
	f.ranges[3].bitmap = (__u8 *)&deny;
	EXPECT_EQ(-EINVAL, kioctlp(vm->fd, KVM_X86_SET_MSR_FILTER, &f));	/* no flags */
	f.ranges[3].flags = 4;
	EXPECT_EQ(-EINVAL, kioctlp(vm->fd, KVM_X86_SET_MSR_FILTER, &f));
	f.ranges[3].flags = KVM_MSR_FILTER_READ;
	f.ranges[3].nmsrs = KVM_MSR_FILTER_MAX_BITMAP_SIZE * 8 + 64;
	EXPECT_EQ(-EINVAL, kioctlp(vm->fd, KVM_X86_SET_MSR_FILTER, &f));
	f.ranges[3].nmsrs = 1;
	f.ranges[3].bitmap = (__u8 *)8;
	EXPECT_EQ(-EFAULT, kioctlp(vm->fd, KVM_X86_SET_MSR_FILTER, &f));
	f.ranges[3].bitmap = (__u8 *)&deny;
	ASSERT_EQ(0, kioctlp(vm->fd, KVM_X86_SET_MSR_FILTER, &f));

	ASSERT_EQ(0, xvm_real_mode(vm, g_mf, g_mf_end));
	xvm_ivt(vm, 13, XCODE + (g_mf_gp - g_mf));
	run_msr(_metadata, vm, KVM_EXIT_X86_RDMSR, 0xc0000084, KVM_MSR_EXIT_REASON_FILTER);
	vm->run->msr.data = 0x1122334455667788ULL;
	run_io(_metadata, vm, KVM_EXIT_IO_OUT, 4, 0x60);
	EXPECT_EQ(0x55667788, xio_value(vm->run));
	run_io(_metadata, vm, KVM_EXIT_IO_OUT, 4, 0x61);
	EXPECT_EQ(0x11223344, xio_value(vm->run));
	run_msr(_metadata, vm, KVM_EXIT_X86_RDMSR, 0x474f4f00, KVM_MSR_EXIT_REASON_UNKNOWN);
	vm->run->msr.error = 1;
	run_io(_metadata, vm, KVM_EXIT_IO_OUT, 1, 0x6d);	/* the VMM's #GP */
	run_io(_metadata, vm, KVM_EXIT_IO_OUT, 1, 0x6d);	/* EFER bit 1: #GP */
	run_io(_metadata, vm, KVM_EXIT_IO_OUT, 1, 0x62);
	ASSERT_EQ(1, xvcpu_get_msr(vm->vcpu, 0xc0000084, &data));	/* not filtered */
	EXPECT_EQ(0, data);

	memset(&f, 0, sizeof(f));
	f.flags = KVM_MSR_FILTER_DEFAULT_DENY;
	f.ranges[0].flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE;
	f.ranges[0].base = 0xc0000080;
	f.ranges[0].nmsrs = 8;
	f.ranges[0].bitmap = (__u8 *)&allow;
	ASSERT_EQ(0, kioctlp(vm->fd, KVM_X86_SET_MSR_FILTER, &f));
	run_msr(_metadata, vm, KVM_EXIT_X86_WRMSR, 0x174, KVM_MSR_EXIT_REASON_FILTER);
	EXPECT_EQ(0x10, vm->run->msr.data);
	run_io(_metadata, vm, KVM_EXIT_IO_OUT, 4, 0x63);
	EXPECT_EQ(0, xio_value(vm->run));
	ASSERT_EQ(1, xvcpu_get_msr(vm->vcpu, 0x174, &data));
	EXPECT_EQ(0, data) TH_LOG("the VMM took the write, the kernel kept nothing");
}

X86_SYMBOL(g_ev_ud);
X86_SYMBOL(g_ev_irq);
X86_SYMBOL(g_ev_nmi);
X86_CODE16(g_ev,
	   "sti\n"
	   "1: out %al, $0x50\n jmp 1b\n"
	   ".global g_ev_ud\n g_ev_ud:\n out %al, $0x56\n iret\n"
	   ".global g_ev_irq\n g_ev_irq:\n out %al, $0x57\n iret\n"
	   ".global g_ev_nmi\n g_ev_nmi:\n out %al, $0x52\n iret\n");

#define EV_FLAGS (KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW | \
		  KVM_VCPUEVENT_VALID_SMM)

/*
 * KVM_GET/SET_VCPU_EVENTS: reset state and flags, KVM's checks, and each
 * kind of event set by the VMM reaching the guest's handler: an injected
 * exception (#UD), an injected interrupt, a pending NMI; NMI blocking
 * reported while the NMI handler runs, cleared by its IRET, and a masked
 * NMI held until the VMM unmasks it; the STI shadow round trip.
 */
TEST_F(x86, vcpu_events)
{
	struct xvm *vm = &self->vm;
	struct kvm_vcpu_events e, z;

	ASSERT_LT(0, kioctl(vm->sys, KVM_CHECK_EXTENSION, KVM_CAP_VCPU_EVENTS));
	memset(&z, 0, sizeof(z));
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_VCPU_EVENTS, &e));
	EXPECT_EQ(EV_FLAGS, e.flags);
	z.flags = e.flags;
	EXPECT_EQ(0, memcmp(&z, &e, sizeof(e)));
	EXPECT_EQ(-EFAULT, kioctl(vm->vcpu, KVM_GET_VCPU_EVENTS, 8));
	EXPECT_EQ(-EFAULT, kioctl(vm->vcpu, KVM_SET_VCPU_EVENTS, 8));
	memset(&e, 0, sizeof(e));
	e.flags = 0x40;
	EXPECT_EQ(-EINVAL, kioctlp(vm->vcpu, KVM_SET_VCPU_EVENTS, &e));
	e.flags = KVM_VCPUEVENT_VALID_PAYLOAD;		/* the cap is off */
	EXPECT_EQ(-EINVAL, kioctlp(vm->vcpu, KVM_SET_VCPU_EVENTS, &e));
	e.flags = KVM_VCPUEVENT_VALID_TRIPLE_FAULT;	/* likewise */
	EXPECT_EQ(-EINVAL, kioctlp(vm->vcpu, KVM_SET_VCPU_EVENTS, &e));
	e.flags = 0;
	e.exception.injected = 1;
	e.exception.nr = 2;
	EXPECT_EQ(-EINVAL, kioctlp(vm->vcpu, KVM_SET_VCPU_EVENTS, &e));
	e.exception.nr = 32;
	EXPECT_EQ(-EINVAL, kioctlp(vm->vcpu, KVM_SET_VCPU_EVENTS, &e));

	ASSERT_EQ(0, xvm_real_mode(vm, g_ev, g_ev_end));
	xvm_ivt(vm, 6, XCODE + (g_ev_ud - g_ev));
	xvm_ivt(vm, 0x40, XCODE + (g_ev_irq - g_ev));
	xvm_ivt(vm, 2, XCODE + (g_ev_nmi - g_ev));
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x50);

	/* An exception... */
	memset(&e, 0, sizeof(e));
	e.exception.injected = 1;
	e.exception.nr = 6;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_VCPU_EVENTS, &e));
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_VCPU_EVENTS, &e));
	EXPECT_EQ(1, e.exception.injected);
	EXPECT_EQ(6, e.exception.nr);
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x56);
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x50);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_VCPU_EVENTS, &e));
	EXPECT_EQ(0, e.exception.injected);

	/* ...an interrupt... */
	memset(&e, 0, sizeof(e));
	e.interrupt.injected = 1;
	e.interrupt.nr = 0x40;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_VCPU_EVENTS, &e));
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x57);
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x50);

	/* ...an NMI, blocking NMIs until its handler's IRET... */
	memset(&e, 0, sizeof(e));
	e.flags = KVM_VCPUEVENT_VALID_NMI_PENDING;
	e.nmi.pending = 1;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_VCPU_EVENTS, &e));
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_VCPU_EVENTS, &e));
	EXPECT_EQ(1, e.nmi.pending);
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x52);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_VCPU_EVENTS, &e));
	EXPECT_EQ(0, e.nmi.pending);
	EXPECT_EQ(1, e.nmi.masked);
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x50);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_VCPU_EVENTS, &e));
	EXPECT_EQ(0, e.nmi.masked);

	/* ...one set masked waits for the VMM to unmask it. */
	memset(&e, 0, sizeof(e));
	e.flags = KVM_VCPUEVENT_VALID_NMI_PENDING;
	e.nmi.pending = 1;
	e.nmi.masked = 1;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_VCPU_EVENTS, &e));
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x50);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_VCPU_EVENTS, &e));
	EXPECT_EQ(1, e.nmi.pending);
	EXPECT_EQ(1, e.nmi.masked);
	e.flags = 0;
	e.nmi.masked = 0;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_VCPU_EVENTS, &e));
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x52);
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x50);

	/* The interrupt shadow (IF is set: STI blocking is valid). */
	memset(&e, 0, sizeof(e));
	e.flags = KVM_VCPUEVENT_VALID_SHADOW;
	e.interrupt.shadow = KVM_X86_SHADOW_INT_STI;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_VCPU_EVENTS, &e));
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_VCPU_EVENTS, &e));
	EXPECT_EQ(KVM_X86_SHADOW_INT_STI, e.interrupt.shadow);
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x50);
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_VCPU_EVENTS, &e));
	EXPECT_EQ(0, e.interrupt.shadow);
}

X86_SYMBOL(g_window_h);
X86_CODE16(g_window,
	   "cli\n out %al, $0x40\n"
	   "sti\n"
	   "1: jmp 1b\n"
	   ".global g_window_h\n g_window_h:\n out %al, $0x41\n 2: jmp 2b\n");

/* request_interrupt_window, ready_for_interrupt_injection and if_flag. */
TEST_F(x86, interrupt_window)
{
	struct xvm *vm = &self->vm;
	struct kvm_interrupt irq = { .irq = 0x21 };

	ASSERT_EQ(0, xvm_real_mode(vm, g_window, g_window_end));
	xvm_ivt(vm, 0x21, XCODE + (g_window_h - g_window));
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x40);
	EXPECT_EQ(0, vm->run->if_flag);
	EXPECT_EQ(0, vm->run->ready_for_interrupt_injection);
	vm->run->request_interrupt_window = 1;
	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_IRQ_WINDOW_OPEN, vm->run->exit_reason)
		TH_LOG("exit %u", vm->run->exit_reason);
	EXPECT_EQ(1, vm->run->if_flag);
	EXPECT_EQ(1, vm->run->ready_for_interrupt_injection);
	vm->run->request_interrupt_window = 0;
	/*
	 * As KVM with a userspace irqchip: one pending interrupt, which a
	 * second KVM_INTERRUPT replaces (vector 0x22 has no handler). While
	 * one is pending the vCPU is not ready for another, and KVM_RUN says
	 * so even when immediate_exit ends it at once: QEMU injects whenever
	 * the flag is set, and a stale one made it replace a vector its own
	 * APIC already had in service (a Linux guest then waited forever).
	 */
	irq.irq = 0x22;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_INTERRUPT, &irq));
	irq.irq = 0x21;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_INTERRUPT, &irq));
	vm->run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, xvm_run(vm));
	vm->run->immediate_exit = 0;
	EXPECT_EQ(0, vm->run->ready_for_interrupt_injection);
	EXPECT_EQ(1, vm->run->if_flag);
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x41);
}

X86_CODE16(g_spin, "1: jmp 1b\n");

/*
 * Tests whose guest spins until a host signal ends KVM_RUN. The bench sets
 * X86_SPIN_FREEZES (the reason) when the in-kernel KVM runs under an
 * emulator whose CPU never leaves such a guest (kvm_intel on Bochs 2.7).
 */
static const char *spin_freezes(void)
{
	const char *why = getenv("X86_SPIN_FREEZES");

	return why && *why && !is_kvmlite() ? why : NULL;
}

static void on_alarm(int sig)
{
}

/* immediate_exit returns -EINTR at once; a signal ends a spinning guest. */
TEST_F(x86, signals)
{
	struct xvm *vm = &self->vm;
	struct itimerval it = { .it_value = { .tv_usec = 100000 } };
	struct sigaction sa = { .sa_handler = on_alarm };

	if (spin_freezes())
		SKIP(return, "%s: %s", kvm_dev(), spin_freezes());
	ASSERT_EQ(0, xvm_real_mode(vm, g_spin, g_spin_end));
	vm->run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, xvm_run(vm));
	vm->run->immediate_exit = 0;
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	EXPECT_EQ(-EINTR, xvm_run(vm));
	EXPECT_EQ(KVM_EXIT_INTR, vm->run->exit_reason);
	signal(SIGALRM, SIG_DFL);
}

X86_CODE64(g_ud2, "ud2\n");

/* An exception with no IDT: triple fault, KVM_EXIT_SHUTDOWN. */
TEST_F(x86, triple_fault)
{
	ASSERT_EQ(0, xvm_long_mode(&self->vm, g_ud2, g_ud2_end));
	ASSERT_EQ(0, xvm_run(&self->vm));
	EXPECT_EQ(KVM_EXIT_SHUTDOWN, self->vm.run->exit_reason);
}

/*
 * A guest state the CPU refuses at VM entry (a real-mode CR3 with bits above
 * any physical-address width, which KVM_SET_SREGS takes as KVM does):
 * KVM_EXIT_FAIL_ENTRY with the exit reason, and once the state is fixed the
 * vCPU runs again. The failed entry leaves the VMCS unlaunched: kvmlite used
 * VMRESUME next, which failed for ever (found by kvm_fuzz on x86).
 */
TEST_F(x86, failed_entry_recovers)
{
	struct xvm *vm = &self->vm;
	struct kvm_sregs sregs;
	__u64 cr3;

	ASSERT_EQ(0, xvm_real_mode(vm, g_pio, g_pio_end));
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_SREGS, &sregs));
	cr3 = sregs.cr3;
	sregs.cr3 = 1ULL << 62;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_SREGS, &sregs));
	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_FAIL_ENTRY, vm->run->exit_reason)
		TH_LOG("exit %u", vm->run->exit_reason);
	/* VMX_EXIT_REASONS_FAILED_VMENTRY | EXIT_REASON_INVALID_STATE */
	EXPECT_EQ(0x80000021, vm->run->fail_entry.hardware_entry_failure_reason);
	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_FAIL_ENTRY, vm->run->exit_reason);
	sregs.cr3 = cr3;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_SREGS, &sregs));
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x10);
}

/* Bad inputs and their errnos, as the in-kernel KVM gives them. */
TEST_F(x86, bad_inputs)
{
	struct xvm *vm = &self->vm;
	struct kvm_interrupt irq = { .irq = 256 };
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[1];
	} cp;
	struct kvm_sregs s;
	__u64 addr = 0xfffbc000;

	EXPECT_EQ(-EINVAL, kioctl(vm->sys, KVM_CREATE_VM, 0x100));
	EXPECT_EQ(-EINVAL, kioctlp(vm->vcpu, KVM_INTERRUPT, &irq));
	memset(&cp, 0, sizeof(cp));
	cp.c.nent = 100000;
	EXPECT_EQ(-E2BIG, kioctlp(vm->vcpu, KVM_SET_CPUID2, &cp));
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_SREGS, &s));
	s.efer = 0x500;		/* LMA without paging */
	EXPECT_EQ(-EINVAL, kioctlp(vm->vcpu, KVM_SET_SREGS, &s));
	EXPECT_EQ(-EINVAL, kioctl(vm->fd, KVM_SET_TSS_ADDR, 0xfffff000));
	EXPECT_EQ(0, kioctl(vm->fd, KVM_SET_TSS_ADDR, 0xfffbd000));
	/* Only before the first vCPU. */
	EXPECT_EQ(-EINVAL, kioctlp(vm->fd, KVM_SET_IDENTITY_MAP_ADDR, &addr));
	EXPECT_EQ(-EINVAL, kioctl(vm->vcpu, KVM_RUN, 1));
	EXPECT_EQ(-EINVAL, xset_mem(vm->fd, 2, 0, 1ULL << 52, 4096, vm->ram));
	EXPECT_LT(0, kioctl(vm->vcpu, KVM_GET_TSC_KHZ, 0));
	EXPECT_EQ(1, kioctl(vm->sys, KVM_CHECK_EXTENSION, KVM_CAP_SET_TSS_ADDR));
	EXPECT_EQ(1, kioctl(vm->sys, KVM_CHECK_EXTENSION, KVM_CAP_EXT_CPUID));
}

/* KVM_SET_IDENTITY_MAP_ADDR and KVM_NMI are accepted. */
TEST(identity_map_and_nmi)
{
	int sys = open(kvm_dev(), O_RDWR | O_CLOEXEC), vm, vcpu;
	__u64 addr = 0xfffbc000;

	ASSERT_LE(0, sys);
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	EXPECT_EQ(0, kioctlp(vm, KVM_SET_IDENTITY_MAP_ADDR, &addr));
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	ASSERT_LE(0, vcpu);
	EXPECT_EQ(0, kioctl(vcpu, KVM_NMI, 0));
	close(vcpu);
	close(vm);
	close(sys);
}

X86_SYMBOL(g_nmi_h);
X86_CODE16(g_nmi,
	   "out %al, $0x50\n"
	   "1: jmp 1b\n"
	   ".global g_nmi_h\n g_nmi_h:\n out %al, $0x51\n 2: jmp 2b\n");

/* KVM_NMI runs the guest's NMI handler (vector 2). */
TEST_F(x86, nmi)
{
	struct xvm *vm = &self->vm;

	ASSERT_EQ(0, xvm_real_mode(vm, g_nmi, g_nmi_end));
	xvm_ivt(vm, 2, XCODE + (g_nmi_h - g_nmi));
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x50);
	ASSERT_EQ(0, kioctl(vm->vcpu, KVM_NMI, 0));
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x51);
}

X86_CODE16(g_read, "1: mov (0x2000), %al\n out %al, $0x10\n jmp 1b\n");

/*
 * Guest memory dropped (MADV_DONTNEED), rewritten and unmapped by the VMM
 * between runs: the guest sees the new page, never the freed one, and a
 * run on a hole fails with EFAULT.
 */
TEST_F(x86, munmap_between_runs)
{
	struct xvm *vm = &self->vm;

	ASSERT_EQ(0, xvm_real_mode(vm, g_read, g_read_end));
	vm->ram[0x2000] = 0x11;
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x10);
	EXPECT_EQ(0x11, xio_value(vm->run));
	ASSERT_EQ(0, madvise(vm->ram + 0x2000, 4096, MADV_DONTNEED));
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x10);
	EXPECT_EQ(0, xio_value(vm->run));
	vm->ram[0x2000] = 0x22;
	RUN_IO(vm, KVM_EXIT_IO_OUT, 1, 0x10);
	EXPECT_EQ(0x22, xio_value(vm->run));
	ASSERT_EQ(0, munmap(vm->ram + 0x2000, 4096));
	EXPECT_EQ(-EFAULT, xvm_run(vm));
}

/* KVM_PRE_FAULT_MEMORY on @vm's vCPU: the ioctl's result, @r the range back. */
static long pre_fault(struct xvm *vm, __u64 gpa, __u64 size, __u64 flags,
		      struct kvm_pre_fault_memory *r)
{
	memset(r, 0, sizeof(*r));
	r->gpa = gpa;
	r->size = size;
	r->flags = flags;
	return kioctlp(vm->vcpu, KVM_PRE_FAULT_MEMORY, r);
}

/*
 * KVM_PRE_FAULT_MEMORY, as KVM: flags, alignment, empty and wrapping ranges
 * refused; a range in RAM mapped whole (0, size 0 back); one that runs past
 * the end of RAM mapped up to there (0, the rest back), then -ENOENT with
 * the range unchanged; the guest runs on the mapped memory.
 */
TEST_F(x86, pre_fault_memory)
{
	struct xvm *vm = &self->vm;
	struct kvm_pre_fault_memory r;

	ASSERT_EQ(1, kioctl(vm->sys, KVM_CHECK_EXTENSION, KVM_CAP_PRE_FAULT_MEMORY));
	EXPECT_EQ(-EFAULT, kioctl(vm->vcpu, KVM_PRE_FAULT_MEMORY, 8));
	EXPECT_EQ(-EINVAL, pre_fault(vm, 0, 4096, 1, &r));
	EXPECT_EQ(-EINVAL, pre_fault(vm, 0x800, 4096, 0, &r));
	EXPECT_EQ(-EINVAL, pre_fault(vm, 0, 0x800, 0, &r));
	EXPECT_EQ(-EINVAL, pre_fault(vm, 0x1000, 0, 0, &r));
	EXPECT_EQ(-EINVAL, pre_fault(vm, -4096ULL, 8192, 0, &r));

	ASSERT_EQ(0, pre_fault(vm, 0, 0x10000, 0, &r));
	EXPECT_EQ(0, r.size);
	EXPECT_EQ(0x10000, r.gpa);
	ASSERT_EQ(0, pre_fault(vm, XRAM_SIZE - 4096, 8192, 0, &r));
	EXPECT_EQ(4096, r.size);
	EXPECT_EQ(XRAM_SIZE, r.gpa);
	EXPECT_EQ(-ENOENT, pre_fault(vm, r.gpa, r.size, 0, &r));
	EXPECT_EQ(4096, r.size);
	EXPECT_EQ(XRAM_SIZE, r.gpa);
	EXPECT_EQ(-ENOENT, pre_fault(vm, XMMIO, 4096, 0, &r));

	ASSERT_EQ(0, xvm_real_mode(vm, g_read, g_read_end));
	run_io(_metadata, vm, KVM_EXIT_IO_OUT, 1, 0x10);
}

X86_CODE16(g_id, "1: out %al, $0x60\n jmp 1b\n");

struct run_arg {
	struct xvm *vm;
	int n;
	int ok;
};

static void *run_thread(void *p)
{
	struct run_arg *a = p;
	int i;

	for (i = 0; i < a->n; i++) {
		if (xvm_run(a->vm) || a->vm->run->exit_reason != KVM_EXIT_IO ||
		    a->vm->run->io.port != 0x60)
			return NULL;
	}
	a->ok = 1;
	return NULL;
}

/* Two vCPUs of one VM run at once on their own threads. */
TEST_F(x86, two_vcpus)
{
	struct xvm v1 = self->vm;
	struct run_arg a0 = { &self->vm, 50, 0 }, a1 = { &v1, 50, 0 };
	pthread_t t0, t1;

	ASSERT_EQ(0, xvm_add_vcpu(&v1, 1));
	ASSERT_EQ(0, xvcpu_real_mode(&self->vm, self->vm.vcpu, XCODE, g_id, g_id_end));
	ASSERT_EQ(0, xvcpu_real_mode(&v1, v1.vcpu, XCODE, g_id, g_id_end));
	ASSERT_EQ(0, pthread_create(&t0, NULL, run_thread, &a0));
	ASSERT_EQ(0, pthread_create(&t1, NULL, run_thread, &a1));
	pthread_join(t0, NULL);
	pthread_join(t1, NULL);
	EXPECT_TRUE(a0.ok);
	EXPECT_TRUE(a1.ok);
	munmap(v1.run, v1.run_size);
	close(v1.vcpu);
}

X86_CODE16(g_count, "xor %bx, %bx\n 1: inc %bx\n mov %bx, %ax\n out %ax, $0x61\n jmp 1b\n");

/*
 * The vCPU thread moves between host CPUs between runs: its VMCS is
 * VMCLEARed on the old CPU and loaded on the new one, state intact.
 */
TEST_F(x86, vcpu_migration)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;
	int i;

	if (ncpu < 2)
		SKIP(return, "one host CPU: nowhere to migrate");
	ASSERT_EQ(0, xvm_real_mode(&self->vm, g_count, g_count_end));
	for (i = 0; i < 20; i++) {
		CPU_ZERO(&set);
		CPU_SET(i % 2, &set);
		ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
		RUN_IO(&self->vm, KVM_EXIT_IO_OUT, 2, 0x61);
		ASSERT_EQ(i + 1, xio_value(self->vm.run));
	}
}

static int set_cpu_online(int cpu, int on)
{
	char path[64];
	int fd, r;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	r = write(fd, on ? "1" : "0", 1) == 1 ? 0 : -errno;
	close(fd);
	return r;
}

static int pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/*
 * A host CPU goes offline while a VM exists and the vCPU's VMCS is active
 * on it (VMCLEAR, VMXOFF there), and comes back (VMXON): the vCPU runs on.
 */
TEST_F(x86, cpu_hotplug)
{
	int i;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "one host CPU: nothing to take offline");
	if (access("/sys/devices/system/cpu/cpu1/online", W_OK))
		SKIP(return, "CPU 1 cannot go offline here");
	ASSERT_EQ(0, xvm_real_mode(&self->vm, g_count, g_count_end));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, pin_to(1));
		RUN_IO(&self->vm, KVM_EXIT_IO_OUT, 2, 0x61);
		ASSERT_EQ(2 * i + 1, xio_value(self->vm.run));
		ASSERT_EQ(0, pin_to(0));
		ASSERT_EQ(0, set_cpu_online(1, 0));
		RUN_IO(&self->vm, KVM_EXIT_IO_OUT, 2, 0x61);
		ASSERT_EQ(2 * i + 2, xio_value(self->vm.run));
		ASSERT_EQ(0, set_cpu_online(1, 1));
	}
}

/* Two VMs at once, each running its guest. */
TEST_F(x86, two_vms)
{
	struct xvm vm2;

	ASSERT_EQ(0, xvm_create(&vm2));
	ASSERT_EQ(0, xvm_real_mode(&self->vm, g_id, g_id_end));
	ASSERT_EQ(0, xvm_real_mode(&vm2, g_pio, g_pio_end));
	RUN_IO(&self->vm, KVM_EXIT_IO_OUT, 1, 0x60);
	RUN_IO(&vm2, KVM_EXIT_IO_OUT, 1, 0x10);
	RUN_IO(&self->vm, KVM_EXIT_IO_OUT, 1, 0x60);
	RUN_IO(&vm2, KVM_EXIT_IO_OUT, 2, 0x11);
	xvm_destroy(&vm2);
}

static void *spin_thread(void *p)
{
	struct xvm *vm = p;

	return (void *)(long)xvm_run(vm);
}

/* The VM fd closed while a vCPU is inside KVM_RUN: the vCPU keeps the VM. */
TEST_F(x86, close_vm_during_run)
{
	struct xvm *vm = &self->vm;
	struct sigaction sa = { .sa_handler = on_alarm };
	pthread_t t;
	void *ret;

	if (spin_freezes())
		SKIP(return, "%s: %s", kvm_dev(), spin_freezes());
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, xvm_real_mode(vm, g_spin, g_spin_end));
	ASSERT_EQ(0, pthread_create(&t, NULL, spin_thread, vm));
	usleep(100 * 1000);
	ASSERT_EQ(0, close(vm->fd));
	vm->fd = -1;
	munmap(vm->ram, XRAM_SIZE);
	vm->ram = NULL;
	usleep(100 * 1000);
	pthread_kill(t, SIGUSR1);
	pthread_join(t, &ret);
	/* The guest either got the signal or lost its memory to munmap. */
	EXPECT_TRUE((long)ret == -EINTR || (long)ret == -EFAULT)
		TH_LOG("KVM_RUN: %ld", (long)ret);
	signal(SIGUSR1, SIG_DFL);
}

#else /* !__x86_64__ */

TEST(x86_guests)
{
	SKIP(return, "these tests drive an x86 guest");
}

#endif

TEST_HARNESS_MAIN
