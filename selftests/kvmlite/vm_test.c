// SPDX-License-Identifier: GPL-2.0
/*
 * System-fd and VM-fd ioctls: KVM_CREATE_VM and its IPA-size encoding,
 * KVM_CHECK_EXTENSION, KVM_GET_VCPU_MMAP_SIZE, KVM_ARM_PREFERRED_TARGET,
 * memslots (KVM_SET_USER_MEMORY_REGION{,2}) and KVM_CREATE_VCPU, with the
 * errnos of the in-kernel KVM, which runs the same tests as the reference
 * (KVMLITE_DEV=/dev/kvm).
 */
#include <linux/kvm.h>
#include <linux/kvmlite.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "bench_util.h"
#include "kselftest_harness.h"

#ifdef __aarch64__
#include "kvmlite_util.h"

#define PAGE	4096UL

FIXTURE(sys) {
	int fd;
};

FIXTURE_SETUP(sys)
{
	self->fd = kvm_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", kvm_dev(), strerror(errno));
}

FIXTURE_TEARDOWN(sys)
{
	close(self->fd);
}

TEST_F(sys, create_vm_default)
{
	int vm = ioctl(self->fd, KVM_CREATE_VM, 0);

	ASSERT_LE(0, vm) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, close(vm));
}

/* Two VMs at once, each with its own vCPU 0. */
TEST_F(sys, two_vms)
{
	int vm1 = ioctl(self->fd, KVM_CREATE_VM, 0);
	int vm2 = ioctl(self->fd, KVM_CREATE_VM, 0);
	int c1, c2;

	ASSERT_LE(0, vm1);
	ASSERT_LE(0, vm2);
	c1 = ioctl(vm1, KVM_CREATE_VCPU, 0);
	c2 = ioctl(vm2, KVM_CREATE_VCPU, 0);
	EXPECT_LE(0, c1);
	EXPECT_LE(0, c2);
	close(c1);
	close(c2);
	close(vm1);
	close(vm2);
}

/*
 * KVM_CAP_ARM_VM_IPA_SIZE is the largest IPA size a VM may ask for: that
 * size and 32 bits work, one more bit, fewer than 32 bits and other type
 * bits are EINVAL (kvm_init_ipa_range()).
 */
TEST_F(sys, create_vm_ipa_size)
{
	long max = ioctl(self->fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	int vm;

	ASSERT_GE(max, 40);
	vm = ioctl(self->fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(max));
	EXPECT_LE(0, vm);
	close(vm);
	vm = ioctl(self->fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(32));
	EXPECT_LE(0, vm);
	close(vm);
	EXPECT_EQ(-EINVAL, kioctl(self->fd, KVM_CREATE_VM,
				  KVM_VM_TYPE_ARM_IPA_SIZE(max + 1)));
	EXPECT_EQ(-EINVAL, kioctl(self->fd, KVM_CREATE_VM,
				  KVM_VM_TYPE_ARM_IPA_SIZE(31)));
	EXPECT_EQ(-EINVAL, kioctl(self->fd, KVM_CREATE_VM,
				  KVM_VM_TYPE_ARM_IPA_SIZE(0xff)));
	EXPECT_EQ(-EINVAL, kioctl(self->fd, KVM_CREATE_VM, 0x100));
}

/* What both devices announce, and what neither does. */
TEST_F(sys, check_extension)
{
	static const long yes[] = {
		KVM_CAP_USER_MEMORY, KVM_CAP_DESTROY_MEMORY_REGION_WORKS,
		KVM_CAP_JOIN_MEMORY_REGIONS_WORKS, KVM_CAP_ONE_REG,
		KVM_CAP_ARM_PSCI, KVM_CAP_ARM_PSCI_0_2, KVM_CAP_READONLY_MEM,
		KVM_CAP_IMMEDIATE_EXIT, KVM_CAP_SYNC_MMU,
		KVM_CAP_CHECK_EXTENSION_VM,
	};
	unsigned int i;
	int vm;

	for (i = 0; i < ARRAY_SIZE(yes); i++)
		EXPECT_EQ(1, ioctl(self->fd, KVM_CHECK_EXTENSION, yes[i]))
			TH_LOG("cap %ld", yes[i]);
	EXPECT_LT(0, ioctl(self->fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS));
	EXPECT_LT(0, ioctl(self->fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS));
	EXPECT_LT(0, ioctl(self->fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS));
	/* x86 and s390 capabilities, and numbers no kernel has. */
	EXPECT_EQ(0, ioctl(self->fd, KVM_CHECK_EXTENSION, KVM_CAP_PIT));
	EXPECT_EQ(0, ioctl(self->fd, KVM_CHECK_EXTENSION, KVM_CAP_S390_PSW));
	EXPECT_EQ(0, ioctl(self->fd, KVM_CHECK_EXTENSION, 100000));
	EXPECT_EQ(0, ioctl(self->fd, KVM_CHECK_EXTENSION, -1L));

	/* The VM fd answers too, the same. */
	vm = ioctl(self->fd, KVM_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	EXPECT_EQ(1, ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_ONE_REG));
	EXPECT_EQ(1, ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY));
	EXPECT_EQ(ioctl(self->fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE),
		  ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE));
	EXPECT_EQ(0, ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_PIT));
	close(vm);
}

/* At least one page holding struct kvm_run (KVM adds a coalesced-MMIO page). */
TEST_F(sys, vcpu_mmap_size)
{
	long sz = ioctl(self->fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	EXPECT_GE(sz, (long)sizeof(struct kvm_run));
	EXPECT_EQ(0, sz % PAGE);
	EXPECT_EQ(-EINVAL, kioctl(self->fd, KVM_GET_VCPU_MMAP_SIZE, 1));
}

/* A VM ioctl in KVM: the system fd says EINVAL. */
TEST_F(sys, preferred_target)
{
	struct kvm_vcpu_init init;
	int vm;

	memset(&init, 0xff, sizeof(init));
	EXPECT_EQ(-EINVAL, kioctlp(self->fd, KVM_ARM_PREFERRED_TARGET, &init));
	vm = ioctl(self->fd, KVM_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	EXPECT_EQ(0, kioctlp(vm, KVM_ARM_PREFERRED_TARGET, &init));
	EXPECT_EQ(KVM_ARM_TARGET_GENERIC_V8, init.target);
	EXPECT_EQ(0, init.features[0]);
	EXPECT_EQ(-EFAULT, kioctlp(vm, KVM_ARM_PREFERRED_TARGET, NULL));
	close(vm);
}

FIXTURE(vm) {
	int sys, vm;
	char *mem;
	size_t size;
};

FIXTURE_SETUP(vm)
{
	self->sys = kvm_open();
	ASSERT_LE(0, self->sys);
	self->vm = ioctl(self->sys, KVM_CREATE_VM, 0);
	ASSERT_LE(0, self->vm);
	self->size = 16 * PAGE;
	self->mem = mmap(NULL, self->size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
}

FIXTURE_TEARDOWN(vm)
{
	munmap(self->mem, self->size);
	close(self->vm);
	close(self->sys);
}

TEST_F(vm, memslot_add_delete)
{
	EXPECT_EQ(0, kset_mem(self->vm, 0, 0, 0x100000, self->size, self->mem));
	/* Same slot, same values: nothing to do. */
	EXPECT_EQ(0, kset_mem(self->vm, 0, 0, 0x100000, self->size, self->mem));
	/* Delete with size 0, then it is gone: deleting again is EINVAL. */
	EXPECT_EQ(0, kset_mem(self->vm, 0, 0, 0x100000, 0, self->mem));
	EXPECT_EQ(-EINVAL, kset_mem(self->vm, 0, 0, 0x100000, 0, self->mem));
	/* The slot number is free again. */
	EXPECT_EQ(0, kset_mem(self->vm, 0, 0, 0x200000, self->size, self->mem));
}

TEST_F(vm, memslot_move)
{
	ASSERT_EQ(0, kset_mem(self->vm, 1, 0, 0x100000, self->size, self->mem));
	ASSERT_EQ(0, kset_mem(self->vm, 2, 0, 0x200000, self->size, self->mem));
	/* Moving on top of another slot: EEXIST. */
	EXPECT_EQ(-EEXIST, kset_mem(self->vm, 1, 0, 0x200000 + PAGE,
				    self->size, self->mem));
	/* Moving elsewhere, or onto its own old range, works. */
	EXPECT_EQ(0, kset_mem(self->vm, 1, 0, 0x300000, self->size, self->mem));
	EXPECT_EQ(0, kset_mem(self->vm, 1, 0, 0x300000 + PAGE, self->size,
			      self->mem));
	/* A slot cannot change its size, host address or read-only flag. */
	EXPECT_EQ(-EINVAL, kset_mem(self->vm, 1, 0, 0x300000, 2 * PAGE,
				    self->mem));
	EXPECT_EQ(-EINVAL, kset_mem(self->vm, 1, 0, 0x300000, self->size,
				    self->mem + PAGE));
	EXPECT_EQ(-EINVAL, kset_mem(self->vm, 1, KVM_MEM_READONLY, 0x300000,
				    self->size, self->mem));
}

TEST_F(vm, memslot_overlap)
{
	ASSERT_EQ(0, kset_mem(self->vm, 0, 0, 0x100000, self->size, self->mem));
	EXPECT_EQ(-EEXIST, kset_mem(self->vm, 1, 0, 0x100000, PAGE, self->mem));
	EXPECT_EQ(-EEXIST, kset_mem(self->vm, 1, 0, 0x100000 - PAGE, 2 * PAGE,
				    self->mem));
	EXPECT_EQ(-EEXIST, kset_mem(self->vm, 1, 0, 0x100000 + 15 * PAGE,
				    2 * PAGE, self->mem));
	/* Adjacent is fine; the same host memory twice is fine. */
	EXPECT_EQ(0, kset_mem(self->vm, 1, 0, 0x100000 + 16 * PAGE, PAGE,
			      self->mem));
	EXPECT_EQ(0, kset_mem(self->vm, 2, 0, 0x100000 - PAGE, PAGE, self->mem));
}

TEST_F(vm, memslot_bad_args)
{
	long nslots = ioctl(self->sys, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);

	/* Unaligned size, guest address, host address. */
	EXPECT_EQ(-EINVAL, kset_mem(self->vm, 0, 0, 0x100000, PAGE + 1, self->mem));
	EXPECT_EQ(-EINVAL, kset_mem(self->vm, 0, 0, 0x100001, PAGE, self->mem));
	EXPECT_EQ(-EINVAL, kset_mem(self->vm, 0, 0, 0x100000, PAGE, self->mem + 1));
	/* Unknown flags; dirty logging is left out (kvmlite lacks it). */
	EXPECT_EQ(-EINVAL, kset_mem(self->vm, 0, 1U << 7, 0x100000, PAGE, self->mem));
	/* Guest range wrapping around, slot number too large, other space. */
	EXPECT_EQ(-EINVAL, kset_mem(self->vm, 0, 0, -PAGE, 2 * PAGE, self->mem));
	ASSERT_LT(0, nslots);
	EXPECT_EQ(-EINVAL, kset_mem(self->vm, nslots, 0, 0x100000, PAGE, self->mem));
	EXPECT_EQ(-EINVAL, kset_mem(self->vm, 1U << 16, 0, 0x100000, PAGE,
				    self->mem));
	/* A kernel address as host memory. */
	EXPECT_EQ(-EINVAL, kset_mem(self->vm, 0, 0, 0x100000, PAGE,
				    (void *)0xffff000000000000UL));
	/* Beyond the VM's IPA space (40 bits by default): EFAULT. */
	EXPECT_EQ(-EFAULT, kset_mem(self->vm, 0, 0, 1ULL << 40, PAGE, self->mem));
	EXPECT_EQ(-EFAULT, kset_mem(self->vm, 0, 0, (1ULL << 40) - PAGE,
				    2 * PAGE, self->mem));
	/* Bad pointer. */
	EXPECT_EQ(-EFAULT, kioctlp(self->vm, KVM_SET_USER_MEMORY_REGION, NULL));
}

/* REGION2: the guest_memfd flag is refused (no private memory here). */
TEST_F(vm, memslot_region2)
{
	struct kvm_userspace_memory_region2 r;

	if (ioctl(self->sys, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY2) <= 0)
		SKIP(return, "no KVM_SET_USER_MEMORY_REGION2 on %s", kvm_dev());
	memset(&r, 0, sizeof(r));
	r.slot = 3;
	r.guest_phys_addr = 0x100000;
	r.memory_size = self->size;
	r.userspace_addr = (unsigned long)self->mem;
	EXPECT_EQ(0, kioctlp(self->vm, KVM_SET_USER_MEMORY_REGION2, &r));
	r.memory_size = 0;
	EXPECT_EQ(0, kioctlp(self->vm, KVM_SET_USER_MEMORY_REGION2, &r));
	r.memory_size = self->size;
	r.flags = KVM_MEM_GUEST_MEMFD;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm, KVM_SET_USER_MEMORY_REGION2, &r));
	/* The old ioctl cannot carry that flag either. */
	EXPECT_EQ(-EINVAL, kset_mem(self->vm, 3, KVM_MEM_GUEST_MEMFD, 0x100000,
				    self->size, self->mem));
}

TEST_F(vm, readonly_slot)
{
	EXPECT_EQ(0, kset_mem(self->vm, 0, KVM_MEM_READONLY, 0x100000,
			      self->size, self->mem));
}

TEST_F(vm, create_vcpu)
{
	long max_id = ioctl(self->sys, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPU_ID);
	int c0, c1;

	c0 = ioctl(self->vm, KVM_CREATE_VCPU, 0);
	ASSERT_LE(0, c0);
	EXPECT_EQ(-EEXIST, kioctl(self->vm, KVM_CREATE_VCPU, 0));
	c1 = ioctl(self->vm, KVM_CREATE_VCPU, 1);
	EXPECT_LE(0, c1);
	ASSERT_LT(1, max_id);
	EXPECT_EQ(-EINVAL, kioctl(self->vm, KVM_CREATE_VCPU, max_id));
	EXPECT_EQ(-EINVAL, kioctl(self->vm, KVM_CREATE_VCPU, -1L));
	close(c1);
	/* A closed vCPU fd does not free its id: the vCPU lives with the VM. */
	EXPECT_EQ(-EEXIST, kioctl(self->vm, KVM_CREATE_VCPU, 1));
	close(c0);
}

/* The vCPU fd keeps the VM alive: its ioctls work after the VM fd closed. */
TEST_F(vm, vcpu_outlives_vm_fd)
{
	int c = ioctl(self->vm, KVM_CREATE_VCPU, 0);
	__u64 pc;

	ASSERT_LE(0, c);
	ASSERT_EQ(0, kvcpu_init(self->vm, c, 0));
	close(self->vm);
	self->vm = -1;
	EXPECT_EQ(0, kset_reg64(c, REG_PC, 0x1234));
	EXPECT_EQ(0, kget_reg(c, REG_PC, &pc));
	EXPECT_EQ(0x1234, pc);
	close(c);
}

TEST_F(vm, unknown_ioctls)
{
	EXPECT_EQ(-EINVAL, kioctl(self->vm, _IO(KVMIO, 0xdf), 0));
	EXPECT_EQ(-EINVAL, kioctl(self->vm, KVM_GET_API_VERSION, 0));
	/* x86-only VM ioctl. */
	EXPECT_EQ(-EINVAL, kioctl(self->vm, KVM_SET_TSS_ADDR, 0));
}

/* KVM_IRQ_LINE without an in-kernel GIC: CPU lines only. */
TEST_F(vm, irq_line_errors)
{
	struct kvm_irq_level l = { .level = 1 };
	int c = ioctl(self->vm, KVM_CREATE_VCPU, 0);

	ASSERT_LE(0, c);
	/* No vCPU 5; line 2 of vCPU 0 does not exist; SPI/PPI need a GIC. */
	l.irq = (KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT) |
		(5 << KVM_ARM_IRQ_VCPU_SHIFT);
	EXPECT_EQ(-EINVAL, kioctlp(self->vm, KVM_IRQ_LINE, &l));
	l.irq = (KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT) | 2;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm, KVM_IRQ_LINE, &l));
	l.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 40;
	EXPECT_EQ(-ENXIO, kioctlp(self->vm, KVM_IRQ_LINE, &l));
	l.irq = (KVM_ARM_IRQ_TYPE_PPI << KVM_ARM_IRQ_TYPE_SHIFT) | 20;
	EXPECT_EQ(-ENXIO, kioctlp(self->vm, KVM_IRQ_LINE, &l));
	l.irq = (7 << KVM_ARM_IRQ_TYPE_SHIFT);
	EXPECT_EQ(-EINVAL, kioctlp(self->vm, KVM_IRQ_LINE, &l));
	/* Raising and lowering vCPU 0's IRQ and FIQ lines works. */
	l.irq = (KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT) |
		KVM_ARM_IRQ_CPU_FIQ;
	EXPECT_EQ(0, kioctlp(self->vm, KVM_IRQ_LINE, &l));
	l.level = 0;
	EXPECT_EQ(0, kioctlp(self->vm, KVM_IRQ_LINE, &l));
	close(c);
}

/* A VM belongs to the process that made it: a child gets EIO. */
TEST_F(vm, other_process)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		long r = kioctl(self->vm, KVM_CREATE_VCPU, 0);

		_exit(r == -EIO ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * A VM (through its fd or a vCPU fd) holds the module: it cannot be unloaded
 * until both are closed. kvmlite only: the in-kernel KVM is built in.
 */
TEST(module_held_by_vm)
{
	int sys, vm, vcpu;

	if (!is_kvmlite() || !module_loaded("kvmlite"))
		SKIP(return, "%s is not the kvmlite module's device", kvm_dev());
	sys = kvm_open();
	ASSERT_LE(0, sys);
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	ASSERT_LE(0, vcpu);
	close(sys);
	EXPECT_EQ(-EWOULDBLOCK, module_unload("kvmlite"));
	close(vm);
	EXPECT_EQ(-EWOULDBLOCK, module_unload("kvmlite"));
	close(vcpu);
}

#else /* !__aarch64__ */

TEST(arm64_only)
{
	SKIP(return, "these tests drive an arm64 guest");
}

#endif

TEST_HARNESS_MAIN
