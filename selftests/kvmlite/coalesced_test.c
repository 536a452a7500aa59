// SPDX-License-Identifier: GPL-2.0
/*
 * Coalesced MMIO and port I/O (KVM_REGISTER_COALESCED_MMIO), as KVM's:
 * guest writes inside a zone go to the ring page after kvm_run without an
 * exit, reads and writes outside every zone exit as usual, a full ring (or
 * one whose indices userspace broke) falls back to an exit, unregistering
 * drops every zone that holds the range, and the errnos of bad requests.
 * Run against the in-kernel KVM too.
 */
#include <linux/kvm.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"

#if defined(__aarch64__)
#include "kvmlite_util.h"
#elif defined(__x86_64__)
#include "kvmlite_x86.h"
#endif

#if defined(__aarch64__) || defined(__x86_64__)

#define RING_MAX							\
	((getpagesize() - sizeof(struct kvm_coalesced_mmio_ring)) /	\
	 sizeof(struct kvm_coalesced_mmio))

static struct kvm_coalesced_mmio_ring *ring_of(void *run)
{
	return (void *)((char *)run +
			KVM_COALESCED_MMIO_PAGE_OFFSET * getpagesize());
}

static int zone(int vm, unsigned long req, __u64 addr, __u32 size, __u32 pio)
{
	struct kvm_coalesced_mmio_zone z = {
		.addr = addr, .size = size, .pio = pio,
	};

	return kioctlp(vm, req, &z);
}

#define REG(vm, a, s)	zone(vm, KVM_REGISTER_COALESCED_MMIO, a, s, 0)
#define UNREG(vm, a, s)	zone(vm, KVM_UNREGISTER_COALESCED_MMIO, a, s, 0)

/* Entry @i of @r is a write of @len bytes of @val to @addr. */
static void expect_entry(struct __test_metadata *_metadata,
			 struct kvm_coalesced_mmio_ring *r, unsigned int i,
			 __u64 addr, __u32 len, __u64 val, __u32 pio)
{
	__u64 got = 0;

	ASSERT_LT(i, RING_MAX);
	EXPECT_EQ(addr, r->coalesced_mmio[i].phys_addr);
	EXPECT_EQ(len, r->coalesced_mmio[i].len);
	EXPECT_EQ(pio, r->coalesced_mmio[i].pio);
	memcpy(&got, r->coalesced_mmio[i].data, len);
	EXPECT_EQ(val, got);
}

#define EXPECT_ENTRY(r, i, addr, len, val, pio) \
	expect_entry(_metadata, r, i, addr, len, val, pio)

TEST(caps_and_bad_zones)
{
	int sys = open(kvm_dev(), O_RDWR | O_CLOEXEC), vm;

	ASSERT_LE(0, sys);
	EXPECT_EQ(KVM_COALESCED_MMIO_PAGE_OFFSET,
		  ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO));
	EXPECT_EQ(1, ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_PIO));
	/* The ring is the last page of the vCPU mapping. */
	EXPECT_EQ((KVM_COALESCED_MMIO_PAGE_OFFSET + 1) * getpagesize(),
		  ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0));
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	EXPECT_EQ(-EINVAL, zone(vm, KVM_REGISTER_COALESCED_MMIO, 0x1000, 8, 2));
	EXPECT_EQ(-EINVAL, zone(vm, KVM_UNREGISTER_COALESCED_MMIO, 0x1000, 8, 2));
	EXPECT_EQ(-EFAULT, kioctl(vm, KVM_REGISTER_COALESCED_MMIO, 8));
	/* A range no zone holds is not an error. */
	EXPECT_EQ(0, UNREG(vm, 0x1000, 8));
	EXPECT_EQ(0, REG(vm, 0x1000, 8));
	EXPECT_EQ(0, UNREG(vm, 0x1000, 8));
	close(vm);
	close(sys);
}

#endif

#ifdef __aarch64__

#define ZONE_GPA	GUEST_MMIO_GPA
#define OTHER_GPA	(GUEST_MMIO_GPA + 0x1000)

/* Three stores into the zone, a load from it, a store outside it. */
GUEST_CODE(guest_coalesced,
	   "1: str w25, [x19]\n"
	   "strb w26, [x19, #5]\n"
	   "str x27, [x19, #8]\n"
	   "ldr x28, [x19]\n"
	   "str xzr, [x20]\n"
	   "b 1b\n");

FIXTURE(coalesced) {
	struct kvm_vm vm;
	struct kvm_coalesced_mmio_ring *ring;
};

FIXTURE_SETUP(coalesced)
{
	int c, r = vm_create(&self->vm, 1, 0);

	ASSERT_EQ(0, r) TH_LOG("vm_create: %s", strerror(-r));
	c = self->vm.vcpu[0];
	ASSERT_EQ(0, vm_load_code(&self->vm, 0, GUEST_RAM_GPA, guest_coalesced,
				  guest_coalesced_end));
	ASSERT_EQ(0, kset_reg64(c, REG_X(19), ZONE_GPA));
	ASSERT_EQ(0, kset_reg64(c, REG_X(20), OTHER_GPA));
	ASSERT_EQ(0, kset_reg64(c, REG_X(25), 0x11223344));
	ASSERT_EQ(0, kset_reg64(c, REG_X(26), 0x55));
	ASSERT_EQ(0, kset_reg64(c, REG_X(27), 0x8877665544332211ULL));
	self->ring = ring_of(self->vm.run[0]);
}

FIXTURE_TEARDOWN(coalesced)
{
	vm_destroy(&self->vm);
}

static void run_to(struct __test_metadata *_metadata, struct kvm_vm *vm,
		   __u64 gpa, int write)
{
	ASSERT_EQ(0, vcpu_run(vm, 0));
	ASSERT_EQ(KVM_EXIT_MMIO, vm->run[0]->exit_reason);
	EXPECT_EQ(gpa, vm->run[0]->mmio.phys_addr);
	EXPECT_EQ(write, vm->run[0]->mmio.is_write);
}

#define RUN_TO(gpa, write)	run_to(_metadata, &self->vm, gpa, write)

TEST_F(coalesced, writes_go_to_the_ring)
{
	ASSERT_EQ(0, REG(self->vm.fd, ZONE_GPA, 0x100));
	RUN_TO(ZONE_GPA, 0);			/* the load still exits */
	EXPECT_EQ(0, self->ring->first);
	ASSERT_EQ(3, self->ring->last);
	EXPECT_ENTRY(self->ring, 0, ZONE_GPA, 4, 0x11223344, 0);
	EXPECT_ENTRY(self->ring, 1, ZONE_GPA + 5, 1, 0x55, 0);
	EXPECT_ENTRY(self->ring, 2, ZONE_GPA + 8, 8, 0x8877665544332211ULL, 0);
	mmio_set_data(self->vm.run[0], 0x1234);
	RUN_TO(OTHER_GPA, 1);			/* outside the zone */
	/* Userspace consumed the entries: the kernel goes on from last. */
	self->ring->first = 3;
	RUN_TO(ZONE_GPA, 0);
	EXPECT_EQ(6, self->ring->last);
	EXPECT_ENTRY(self->ring, 5, ZONE_GPA + 8, 8, 0x8877665544332211ULL, 0);
}

/* A write must lie wholly in one zone; [ZONE+4, ZONE+8) holds only strb. */
TEST_F(coalesced, partial_overlap_exits)
{
	ASSERT_EQ(0, REG(self->vm.fd, ZONE_GPA + 2, 6));
	RUN_TO(ZONE_GPA, 1);			/* str w25 straddles the start */
	RUN_TO(ZONE_GPA + 8, 1);		/* strb went to the ring */
	EXPECT_EQ(1, self->ring->last);
	EXPECT_ENTRY(self->ring, 0, ZONE_GPA + 5, 1, 0x55, 0);
}

TEST_F(coalesced, full_ring_exits)
{
	ASSERT_EQ(0, REG(self->vm.fd, ZONE_GPA, 0x100));
	/* One free entry is always left: last + 1 == first is full. */
	self->ring->first = 2;
	self->ring->last = 0;
	RUN_TO(ZONE_GPA + 5, 1);
	EXPECT_EQ(1, self->ring->last);
	EXPECT_ENTRY(self->ring, 0, ZONE_GPA, 4, 0x11223344, 0);
}

TEST_F(coalesced, broken_indices_exit)
{
	ASSERT_EQ(0, REG(self->vm.fd, ZONE_GPA, 0x100));
	self->ring->last = RING_MAX + 5;
	RUN_TO(ZONE_GPA, 1);
	EXPECT_EQ(RING_MAX + 5, self->ring->last);
}

TEST_F(coalesced, unregister)
{
	ASSERT_EQ(0, REG(self->vm.fd, ZONE_GPA, 4));
	ASSERT_EQ(0, REG(self->vm.fd, ZONE_GPA + 4, 4));
	/* Only zones that hold the whole range go: the first stays. */
	ASSERT_EQ(0, UNREG(self->vm.fd, ZONE_GPA + 4, 2));
	RUN_TO(ZONE_GPA + 5, 1);
	EXPECT_EQ(1, self->ring->last);
	ASSERT_EQ(0, UNREG(self->vm.fd, ZONE_GPA, 4));
	RUN_TO(ZONE_GPA + 8, 1);
	RUN_TO(ZONE_GPA, 0);
	RUN_TO(OTHER_GPA, 1);
	RUN_TO(ZONE_GPA, 1);			/* str w25 again: no zone now */
	EXPECT_EQ(1, self->ring->last);
}

#elif defined(__x86_64__)

/* MMIO stores into the zone, OUT to a coalesced port, a load, OUT 0xff. */
X86_CODE64(g_coalesced,
	   "mov $0x10000000, %rbx\n"
	   "movl $0x11223344, (%rbx)\n"
	   "mov $0x8877665544332211, %rax\n mov %rax, 8(%rbx)\n"
	   "mov $0x77, %al\n out %al, $0x80\n"
	   "mov 16(%rbx), %rcx\n"
	   "mov $0x1234, %ax\n out %ax, $0xff\n"
	   "hlt\n");

FIXTURE(coalesced) {
	struct xvm vm;
};

FIXTURE_SETUP(coalesced)
{
	int r = xvm_create(&self->vm);

	ASSERT_EQ(0, r) TH_LOG("VM on %s: %s", kvm_dev(), strerror(-r));
	ASSERT_EQ(0, xvm_long_mode(&self->vm, g_coalesced, g_coalesced_end));
}

FIXTURE_TEARDOWN(coalesced)
{
	xvm_destroy(&self->vm);
}

TEST_F(coalesced, writes_go_to_the_ring)
{
	struct kvm_coalesced_mmio_ring *ring = ring_of(self->vm.run);

	ASSERT_EQ(0, REG(self->vm.fd, XMMIO, 0x10));
	ASSERT_EQ(0, zone(self->vm.fd, KVM_REGISTER_COALESCED_MMIO, 0x80, 1, 1));
	ASSERT_EQ(0, xvm_run(&self->vm));
	ASSERT_EQ(KVM_EXIT_MMIO, self->vm.run->exit_reason);
	EXPECT_EQ(XMMIO + 16, self->vm.run->mmio.phys_addr);
	EXPECT_EQ(0, self->vm.run->mmio.is_write);
	ASSERT_EQ(3, ring->last);
	EXPECT_ENTRY(ring, 0, XMMIO, 4, 0x11223344, 0);
	EXPECT_ENTRY(ring, 1, XMMIO + 8, 8, 0x8877665544332211ULL, 0);
	EXPECT_ENTRY(ring, 2, 0x80, 1, 0x77, 1);
	ASSERT_EQ(0, xvm_run(&self->vm));
	ASSERT_EQ(KVM_EXIT_IO, self->vm.run->exit_reason);
	EXPECT_EQ(0xff, self->vm.run->io.port);
	EXPECT_EQ(3, ring->last);
}

#else

TEST(arch_only)
{
	SKIP(return, "these tests drive an arm64 or x86 guest");
}

#endif

TEST_HARNESS_MAIN
