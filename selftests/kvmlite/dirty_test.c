// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty page logging, as KVM's: KVM_MEM_LOG_DIRTY_PAGES on a slot, guest
 * writes (not reads) set bits, KVM_GET_DIRTY_LOG collects and re-protects
 * them, or with KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 leaves them until
 * KVM_CLEAR_DIRTY_LOG, and the errnos of bad requests. The same tests on
 * arm64 (stage 2) and x86 (EPT), run against the in-kernel KVM too.
 */
#include <linux/kvm.h>
#include <linux/kvmlite.h>
#include <sys/ioctl.h>

#include "bench_util.h"
#include "kselftest_harness.h"

#define LOG_PAGES	128
#define PAGE		4096ULL
#define LOG_SLOT	1

#if defined(__aarch64__)
#include "kvmlite_util.h"

#define LOG_GPA		0x90000000ULL

/* Write x25 to x21, x22, x23; read x24; report by MMIO; again. */
GUEST_CODE(guest_writer,
	   "1: str x25, [x21]\n"
	   "str x25, [x22]\n"
	   "str x25, [x23]\n"
	   "ldr x26, [x24]\n"
	   "str xzr, [x19]\n"
	   "b 1b\n");

FIXTURE(dirty) {
	struct kvm_vm vm;
	void *mem;
	int c;
};

static int set_log_slot(struct kvm_vm *vm, void *mem, __u32 flags)
{
	return kset_mem(vm->fd, LOG_SLOT, flags, LOG_GPA, LOG_PAGES * PAGE, mem);
}

FIXTURE_SETUP(dirty)
{
	int r = vm_create(&self->vm, 1, 0);

	ASSERT_EQ(0, r) TH_LOG("vm_create: %s", strerror(-r));
	self->c = self->vm.vcpu[0];
	self->mem = mmap(NULL, LOG_PAGES * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	ASSERT_EQ(0, set_log_slot(&self->vm, self->mem, KVM_MEM_LOG_DIRTY_PAGES));
	ASSERT_EQ(0, vm_load_code(&self->vm, 0, GUEST_RAM_GPA, guest_writer,
				  guest_writer_end));
	ASSERT_EQ(0, kset_reg64(self->c, REG_X(19), GUEST_MMIO_GPA));
	ASSERT_EQ(0, kset_reg64(self->c, REG_X(25), 0x5a5a5a5a));
}

FIXTURE_TEARDOWN(dirty)
{
	vm_destroy(&self->vm);
	munmap(self->mem, LOG_PAGES * PAGE);
}

/* One round of the guest: write pages a, b, c of the slot, read page d. */
static void guest_round(struct __test_metadata *_metadata,
			struct kvm_vm *vm, int a, int b, int c, int d)
{
	ASSERT_EQ(0, kset_reg64(vm->vcpu[0], REG_X(21), LOG_GPA + a * PAGE));
	ASSERT_EQ(0, kset_reg64(vm->vcpu[0], REG_X(22), LOG_GPA + b * PAGE + 8));
	ASSERT_EQ(0, kset_reg64(vm->vcpu[0], REG_X(23), LOG_GPA + c * PAGE + 16));
	ASSERT_EQ(0, kset_reg64(vm->vcpu[0], REG_X(24), LOG_GPA + d * PAGE));
	ASSERT_EQ(0, vcpu_run(vm, 0));
	ASSERT_EQ(KVM_EXIT_MMIO, vm->run[0]->exit_reason);
}

#define DIRTY_TESTS
#define DVM		kvm_vm	/* the VM type of the shared tests */

#elif defined(__x86_64__)
#include "kvmlite_x86.h"

/* In xvm_long_mode's identity map (1 GiB), above the RAM slot. */
#define LOG_GPA		0x20000000ULL

/* Write R8 to RBX, RCX, RDX; read RSI; report by OUT; again. */
X86_CODE64(guest_writer,
	   "1: mov %r8, (%rbx)\n"
	   "mov %r8, (%rcx)\n"
	   "mov %r8, (%rdx)\n"
	   "mov (%rsi), %r9\n"
	   "out %al, $0x50\n"
	   "jmp 1b\n");

FIXTURE(dirty) {
	struct xvm vm;
	void *mem;
};

static int set_log_slot(struct xvm *vm, void *mem, __u32 flags)
{
	return xset_mem(vm->fd, LOG_SLOT, flags, LOG_GPA, LOG_PAGES * PAGE, mem);
}

FIXTURE_SETUP(dirty)
{
	int r = xvm_create(&self->vm);

	ASSERT_EQ(0, r) TH_LOG("VM on %s: %s", kvm_dev(), strerror(-r));
	self->mem = mmap(NULL, LOG_PAGES * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	ASSERT_EQ(0, set_log_slot(&self->vm, self->mem, KVM_MEM_LOG_DIRTY_PAGES));
	ASSERT_EQ(0, xvm_long_mode(&self->vm, guest_writer, guest_writer_end));
}

FIXTURE_TEARDOWN(dirty)
{
	xvm_destroy(&self->vm);
	munmap(self->mem, LOG_PAGES * PAGE);
}

/* One round of the guest: write pages a, b, c of the slot, read page d. */
static void guest_round(struct __test_metadata *_metadata,
			struct xvm *vm, int a, int b, int c, int d)
{
	struct kvm_regs r;

	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_GET_REGS, &r));
	r.rbx = LOG_GPA + a * PAGE;
	r.rcx = LOG_GPA + b * PAGE + 8;
	r.rdx = LOG_GPA + c * PAGE + 16;
	r.rsi = LOG_GPA + d * PAGE;
	r.r8 = 0x5a5a5a5a;
	ASSERT_EQ(0, kioctlp(vm->vcpu, KVM_SET_REGS, &r));
	ASSERT_EQ(0, xvm_run(vm));
	ASSERT_EQ(KVM_EXIT_IO, vm->run->exit_reason);
	ASSERT_EQ(0x50, vm->run->io.port);
}

#define DIRTY_TESTS
#define DVM		xvm

#endif

#ifdef DIRTY_TESTS

static int get_log(struct DVM *vm, __u64 *bitmap)
{
	struct kvm_dirty_log log = { .slot = LOG_SLOT, .dirty_bitmap = bitmap };

	memset(bitmap, 0, LOG_PAGES / 8);
	return kioctlp(vm->fd, KVM_GET_DIRTY_LOG, &log);
}

static int clear_log(struct DVM *vm, __u64 first, __u32 num, __u64 *bitmap)
{
	struct kvm_clear_dirty_log log = {
		.slot = LOG_SLOT, .first_page = first, .num_pages = num,
		.dirty_bitmap = bitmap,
	};

	return kioctlp(vm->fd, KVM_CLEAR_DIRTY_LOG, &log);
}

#define BIT64(n)	(1ULL << (n))

TEST_F(dirty, writes_are_logged)
{
	__u64 bm[LOG_PAGES / 64];

	guest_round(_metadata, &self->vm, 0, 3, 70, 5);
	ASSERT_EQ(0, get_log(&self->vm, bm));
	EXPECT_EQ(BIT64(0) | BIT64(3), bm[0]);		/* page 5 only read */
	EXPECT_EQ(BIT64(70 - 64), bm[1]);
	EXPECT_EQ(0x5a5a5a5a, *(__u64 *)((char *)self->mem + 3 * PAGE + 8));

	/* Collected bits are cleared and their pages protected again. */
	guest_round(_metadata, &self->vm, 3, 3, 3, 0);
	ASSERT_EQ(0, get_log(&self->vm, bm));
	EXPECT_EQ(BIT64(3), bm[0]);
	EXPECT_EQ(0, bm[1]);
	ASSERT_EQ(0, get_log(&self->vm, bm));
	EXPECT_EQ(0, bm[0]);
}

/* Logging turned on for a slot whose pages the guest already wrote. */
TEST_F(dirty, logging_started_later)
{
	__u64 bm[LOG_PAGES / 64];

	ASSERT_EQ(0, set_log_slot(&self->vm, self->mem, 0));
	EXPECT_EQ(-ENOENT, get_log(&self->vm, bm));
	guest_round(_metadata, &self->vm, 1, 2, 4, 8);
	ASSERT_EQ(0, set_log_slot(&self->vm, self->mem, KVM_MEM_LOG_DIRTY_PAGES));
	ASSERT_EQ(0, get_log(&self->vm, bm));
	EXPECT_EQ(0, bm[0]);
	guest_round(_metadata, &self->vm, 2, 2, 2, 1);
	ASSERT_EQ(0, get_log(&self->vm, bm));
	EXPECT_EQ(BIT64(2), bm[0]);
}

TEST_F(dirty, manual_protect)
{
	__u64 bm[LOG_PAGES / 64], clr[LOG_PAGES / 64] = { 0 };
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
		.args = { KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE },
	};

	EXPECT_EQ(KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE | KVM_DIRTY_LOG_INITIALLY_SET,
		  kioctl(self->vm.fd, KVM_CHECK_EXTENSION,
			 KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2));
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_ENABLE_CAP, &cap));

	guest_round(_metadata, &self->vm, 0, 1, 2, 3);
	ASSERT_EQ(0, get_log(&self->vm, bm));
	EXPECT_EQ(0x7, bm[0]);
	/* GET leaves the bits: only CLEAR takes them (and protects). */
	ASSERT_EQ(0, get_log(&self->vm, bm));
	EXPECT_EQ(0x7, bm[0]);
	clr[0] = BIT64(1) | BIT64(2);
	ASSERT_EQ(0, clear_log(&self->vm, 0, LOG_PAGES, clr));
	ASSERT_EQ(0, get_log(&self->vm, bm));
	EXPECT_EQ(BIT64(0), bm[0]);
	/* Page 1 was protected again: a new write is logged. */
	guest_round(_metadata, &self->vm, 1, 1, 1, 3);
	ASSERT_EQ(0, get_log(&self->vm, bm));
	EXPECT_EQ(BIT64(0) | BIT64(1), bm[0]);
}

TEST_F(dirty, initially_set)
{
	__u64 bm[LOG_PAGES / 64], clr[LOG_PAGES / 64];
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
		.args = { KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE |
			  KVM_DIRTY_LOG_INITIALLY_SET },
	};

	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_ENABLE_CAP, &cap));
	/* The bitmap of a slot that starts logging now is all set. */
	ASSERT_EQ(0, set_log_slot(&self->vm, self->mem, 0));
	ASSERT_EQ(0, set_log_slot(&self->vm, self->mem, KVM_MEM_LOG_DIRTY_PAGES));
	ASSERT_EQ(0, get_log(&self->vm, bm));
	EXPECT_EQ(~0ULL, bm[0]);
	EXPECT_EQ(~0ULL, bm[1]);
	memset(clr, 0xff, sizeof(clr));
	ASSERT_EQ(0, clear_log(&self->vm, 0, LOG_PAGES, clr));
	guest_round(_metadata, &self->vm, 64, 65, 65, 0);
	ASSERT_EQ(0, get_log(&self->vm, bm));
	EXPECT_EQ(0, bm[0]);
	EXPECT_EQ(0x3, bm[1]);
}

TEST_F(dirty, bad_requests)
{
	__u64 bm[LOG_PAGES / 64] = { 0 };
	struct kvm_dirty_log log = { .slot = 7, .dirty_bitmap = bm };
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
		.args = { KVM_DIRTY_LOG_INITIALLY_SET },
	};

	EXPECT_EQ(-ENOENT, kioctlp(self->vm.fd, KVM_GET_DIRTY_LOG, &log));
	log.slot = 0;					/* no logging */
	EXPECT_EQ(-ENOENT, kioctlp(self->vm.fd, KVM_GET_DIRTY_LOG, &log));
	log.slot = 0x10000 | LOG_SLOT;			/* address space 1 */
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_GET_DIRTY_LOG, &log));
	log.slot = LOG_SLOT;
	log.dirty_bitmap = (void *)8;
	EXPECT_EQ(-EFAULT, kioctlp(self->vm.fd, KVM_GET_DIRTY_LOG, &log));
	EXPECT_EQ(-EFAULT, kioctlp(self->vm.fd, KVM_GET_DIRTY_LOG, NULL));

	EXPECT_EQ(-EINVAL, clear_log(&self->vm, 1, 64, bm));	/* unaligned */
	EXPECT_EQ(-EINVAL, clear_log(&self->vm, 64, 65, bm));	/* beyond */
	EXPECT_EQ(-EINVAL, clear_log(&self->vm, 0, 3, bm));	/* short, odd */
	EXPECT_EQ(0, clear_log(&self->vm, 64, 64, bm));

	/* INITIALLY_SET alone, unknown bits, flags: EINVAL. */
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_ENABLE_CAP, &cap));
	cap.args[0] = 1ULL << 40;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_ENABLE_CAP, &cap));
	cap.args[0] = KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE;
	cap.flags = 1;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_ENABLE_CAP, &cap));

	/* A logging slot cannot become read-only in place. */
	EXPECT_EQ(-EINVAL, set_log_slot(&self->vm, self->mem,
					KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY));
}

#else /* no guest for this architecture */

TEST(no_guest)
{
	SKIP(return, "these tests drive an arm64 or x86_64 guest");
}

#endif

TEST_HARNESS_MAIN
