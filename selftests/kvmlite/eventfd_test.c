// SPDX-License-Identifier: GPL-2.0
/*
 * irqfd, ioeventfd, GSI routing and KVM_SIGNAL_MSI, as KVM's: the caps, the
 * errnos of every bad request (checked in KVM's order), guest stores that an
 * ioeventfd matches (1, 2, 4 and 8 bytes, data match hit and miss, length 0
 * for any size, x86 port I/O) signalling the eventfd without an exit while
 * the others exit to userspace, deassign, and VM teardown with eventfds
 * still registered (the bench's kmemleak scan finds what leaks).
 *
 * Where an in-kernel irqchip is needed: KVM on arm64 has one (the vGIC) for
 * every VM that creates it, so KVM_IRQFD there is EAGAIN until the vGIC is
 * initialised; KVM on x86 without KVM_CREATE_IRQCHIP, and kvmlite's x86
 * backend (no in-kernel irqchip), answer EINVAL (KVM x86's
 * kvm_arch_irqfd_allowed()); the caps are there all the same. The tests that need a vGIC skip
 * where KVM_CREATE_DEVICE cannot make one. Run against the in-kernel KVM
 * too (KVMLITE_DEV=/dev/kvm).
 */
#include <linux/kvm.h>
#include <stddef.h>
#include <sys/eventfd.h>
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

#define MAX_IRQ_ROUTES	4096	/* KVM_MAX_IRQ_ROUTES */
#define BAD_PTR		8UL	/* an address no process maps */

static int vm_open(int *sys)
{
	*sys = open(kvm_dev(), O_RDWR | O_CLOEXEC);
	if (*sys < 0)
		return -errno;
	return ioctl(*sys, KVM_CREATE_VM, 0);
}

static long ioeventfd(int vm, __u64 addr, __u32 len, int fd, __u32 flags,
		      __u64 datamatch)
{
	struct kvm_ioeventfd a = {
		.datamatch = datamatch, .addr = addr, .len = len, .fd = fd,
		.flags = flags,
	};

	return kioctlp(vm, KVM_IOEVENTFD, &a);
}

static long irqfd(int vm, int fd, __u32 gsi, __u32 flags, int resamplefd)
{
	struct kvm_irqfd a = {
		.fd = fd, .gsi = gsi, .flags = flags, .resamplefd = resamplefd,
	};

	return kioctlp(vm, KVM_IRQFD, &a);
}

/* The eventfd's count (read, so reset), 0 if nothing was signalled. */
static __u64 efd_count(int fd)
{
	__u64 v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static int is_arm64(void)
{
#ifdef __aarch64__
	return 1;
#else
	return 0;
#endif
}

/*
 * What KVM_IRQFD (assign) answers on a VM without an initialised irqchip:
 * arm64's KVM (and kvmlite with a vGIC) EAGAIN, x86's KVM without
 * KVM_CREATE_IRQCHIP and kvmlite's x86 backend EINVAL.
 */
static int irqfd_no_irqchip_errno(void)
{
	return is_arm64() ? -EAGAIN : -EINVAL;
}

/*
 * Whether KVM_SET_GSI_ROUTING works without KVM_CREATE_IRQCHIP: on arm64,
 * not on x86 (KVM's kvm_arch_can_set_irq_routing()).
 */
static int routing_allowed(void)
{
	return is_arm64();
}

TEST(caps)
{
	int sys, vm = vm_open(&sys), fd, devid;

	ASSERT_LE(0, vm);
	for (fd = sys; ; fd = vm) {
		EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_IOEVENTFD));
		EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION,
				   KVM_CAP_IOEVENTFD_ANY_LENGTH));
		/* As KVM: with or without an in-kernel irqchip. */
		EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD));
		EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION,
				   KVM_CAP_IRQFD_RESAMPLE));
		EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_SIGNAL_MSI));
		EXPECT_EQ(MAX_IRQ_ROUTES,
			  ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_ROUTING));
		if (fd == vm)
			break;
	}
	/*
	 * Device ids in MSIs: KVM only with an ITS (none here), kvmlite only
	 * where its backend delivers MSIs. (KVM answers EINVAL on the system
	 * fd, kvmlite the same as on a VM.)
	 */
	devid = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_MSI_DEVID);
	EXPECT_TRUE(is_kvmlite() ? devid == 0 || devid == 1 : devid == 0);
	close(vm);
	close(sys);
}

/* Guest-physical addresses with no memslot (and port numbers). */
#define ADDR_A	0x10001000ULL
#define ADDR_B	0x10002000ULL

TEST(ioeventfd_bad_input)
{
	int sys, vm = vm_open(&sys), e = eventfd(0, EFD_NONBLOCK), e2 = eventfd(0, 0);
	int null = open("/dev/null", O_RDWR);

	ASSERT_LE(0, vm);
	ASSERT_LE(0, e);
	ASSERT_LE(0, e2);
	ASSERT_LE(0, null);
	EXPECT_EQ(-EFAULT, kioctl(vm, KVM_IOEVENTFD, BAD_PTR));
	/* In KVM's order: length, range, flags, length 0 with datamatch. */
	EXPECT_EQ(-EINVAL, ioeventfd(vm, ADDR_A, 3, e, 0, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, ADDR_A, 16, e, 0, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, ADDR_A, 3, -1, 1U << 31, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, ~0ULL - 2, 4, e, 0, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, ADDR_A, 4, e, 1U << 5, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, ADDR_A, 4, -1, 1U << 5, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, ADDR_A, 0, e,
				     KVM_IOEVENTFD_FLAG_DATAMATCH, 1));
	/* Then the eventfd. */
	EXPECT_EQ(-EBADF, ioeventfd(vm, ADDR_A, 4, -1, 0, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, ADDR_A, 4, null, 0, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, ADDR_A, 4, vm, 0, 0));
	/* An end exactly at 2^64 - 1 is fine. */
	EXPECT_EQ(0, ioeventfd(vm, ~0ULL - 4, 4, e, 0, 0));

	/* Overlaps: the same bus and address, whatever the eventfd. */
	EXPECT_EQ(0, ioeventfd(vm, ADDR_A, 4, e, 0, 0));
	EXPECT_EQ(-EEXIST, ioeventfd(vm, ADDR_A, 4, e, 0, 0));
	EXPECT_EQ(-EEXIST, ioeventfd(vm, ADDR_A, 4, e2, 0, 0));
	EXPECT_EQ(-EEXIST, ioeventfd(vm, ADDR_A, 4, e2,
				     KVM_IOEVENTFD_FLAG_DATAMATCH, 5));
	EXPECT_EQ(-EEXIST, ioeventfd(vm, ADDR_A, 0, e2, 0, 0));
	EXPECT_EQ(0, ioeventfd(vm, ADDR_A, 2, e2, 0, 0));	/* another length */
	EXPECT_EQ(0, ioeventfd(vm, ADDR_A, 4, e, KVM_IOEVENTFD_FLAG_PIO, 0));
	EXPECT_EQ(-EEXIST, ioeventfd(vm, ADDR_A, 0, e, KVM_IOEVENTFD_FLAG_PIO, 0));
	EXPECT_EQ(0, ioeventfd(vm, ADDR_B, 4, e, KVM_IOEVENTFD_FLAG_DATAMATCH, 1));
	EXPECT_EQ(0, ioeventfd(vm, ADDR_B, 4, e, KVM_IOEVENTFD_FLAG_DATAMATCH, 2));
	EXPECT_EQ(-EEXIST, ioeventfd(vm, ADDR_B, 4, e2,
				     KVM_IOEVENTFD_FLAG_DATAMATCH, 1));
	EXPECT_EQ(-EEXIST, ioeventfd(vm, ADDR_B, 4, e2, 0, 0));
	EXPECT_EQ(-EEXIST, ioeventfd(vm, ADDR_B, 0, e2, 0, 0));
	EXPECT_EQ(0, ioeventfd(vm, ADDR_B + 1, 0, e2, 0, 0));
	EXPECT_EQ(-EEXIST, ioeventfd(vm, ADDR_B + 1, 1, e2,
				     KVM_IOEVENTFD_FLAG_DATAMATCH, 3));

	/*
	 * Deassign: the eventfd first, then the registration with the same
	 * bus, eventfd, address, length, kind and data (no other checks).
	 */
	EXPECT_EQ(-EBADF, ioeventfd(vm, ADDR_A, 4, -1, KVM_IOEVENTFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, ADDR_A, 4, null,
				     KVM_IOEVENTFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(-ENOENT, ioeventfd(vm, ADDR_A, 4, e2, KVM_IOEVENTFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(-ENOENT, ioeventfd(vm, ADDR_A, 8, e, KVM_IOEVENTFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(-ENOENT, ioeventfd(vm, ADDR_A, 3, e, KVM_IOEVENTFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(-ENOENT, ioeventfd(vm, ADDR_A, 4, e, KVM_IOEVENTFD_FLAG_DEASSIGN |
				     KVM_IOEVENTFD_FLAG_DATAMATCH, 0));
	EXPECT_EQ(-ENOENT, ioeventfd(vm, ADDR_B, 4, e, KVM_IOEVENTFD_FLAG_DEASSIGN |
				     KVM_IOEVENTFD_FLAG_DATAMATCH, 3));
	EXPECT_EQ(-ENOENT, ioeventfd(vm, ADDR_B, 4, e, KVM_IOEVENTFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(0, ioeventfd(vm, ADDR_B, 4, e, KVM_IOEVENTFD_FLAG_DEASSIGN |
			       KVM_IOEVENTFD_FLAG_DATAMATCH, 2));
	EXPECT_EQ(-ENOENT, ioeventfd(vm, ADDR_B, 4, e, KVM_IOEVENTFD_FLAG_DEASSIGN |
				     KVM_IOEVENTFD_FLAG_DATAMATCH, 2));
	EXPECT_EQ(0, ioeventfd(vm, ADDR_B, 4, e2, KVM_IOEVENTFD_FLAG_DATAMATCH, 2));
	EXPECT_EQ(0, ioeventfd(vm, ADDR_A, 4, e, KVM_IOEVENTFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(-ENOENT, ioeventfd(vm, ADDR_A, 4, e, KVM_IOEVENTFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(-EEXIST, ioeventfd(vm, ADDR_A, 0, e, 0, 0));
	EXPECT_EQ(0, ioeventfd(vm, ADDR_A, 2, e2, KVM_IOEVENTFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(0, ioeventfd(vm, ADDR_A, 0, e, 0, 0));
	EXPECT_EQ(-EEXIST, ioeventfd(vm, ADDR_A, 0, e, 0, 0));
	EXPECT_EQ(0, ioeventfd(vm, ADDR_A, 0, e, KVM_IOEVENTFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(0, ioeventfd(vm, ADDR_A, 4, e, KVM_IOEVENTFD_FLAG_PIO |
			       KVM_IOEVENTFD_FLAG_DEASSIGN, 0));
	/* What is left goes with the VM. */
	close(vm);
	close(sys);
	close(null);
	close(e2);
	close(e);
}

/*
 * s390's virtio-ccw notification bus: KVM has the bus on every
 * architecture, so the flag is accepted (and nothing ever writes there).
 */
TEST(ioeventfd_ccw_flag)
{
	int sys, vm = vm_open(&sys), e = eventfd(0, 0);

	ASSERT_LE(0, vm);
	ASSERT_LE(0, e);
	EXPECT_EQ(0, ioeventfd(vm, ADDR_A, 4, e,
			       KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY, 0));
	EXPECT_EQ(-EEXIST, ioeventfd(vm, ADDR_A, 4, e,
				     KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY, 0));
	EXPECT_EQ(0, ioeventfd(vm, ADDR_A, 4, e, 0, 0));	/* another bus */
	EXPECT_EQ(0, ioeventfd(vm, ADDR_A, 4, e, KVM_IOEVENTFD_FLAG_DEASSIGN |
			       KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY, 0));
	close(vm);
	close(sys);
	close(e);
}

TEST(irqfd_ioctl_checks)
{
	int sys, vm = vm_open(&sys), e = eventfd(0, 0), r = eventfd(0, 0);
	int null = open("/dev/null", O_RDWR), no;

	ASSERT_LE(0, vm);
	ASSERT_LE(0, e);
	ASSERT_LE(0, r);
	ASSERT_LE(0, null);
	no = irqfd_no_irqchip_errno();
	EXPECT_EQ(-EFAULT, kioctl(vm, KVM_IRQFD, BAD_PTR));
	/* Unknown flags first, whatever else is wrong. */
	EXPECT_EQ(-EINVAL, irqfd(vm, e, 0, 1U << 2, -1));
	EXPECT_EQ(-EINVAL, irqfd(vm, -1, 0, KVM_IRQFD_FLAG_DEASSIGN | (1U << 31), -1));
	/* Deassign needs no irqchip; one that is not there is not an error. */
	EXPECT_EQ(-EBADF, irqfd(vm, -1, 0, KVM_IRQFD_FLAG_DEASSIGN, -1));
	EXPECT_EQ(-EINVAL, irqfd(vm, null, 0, KVM_IRQFD_FLAG_DEASSIGN, -1));
	EXPECT_EQ(0, irqfd(vm, e, 0, KVM_IRQFD_FLAG_DEASSIGN, -1));
	EXPECT_EQ(0, irqfd(vm, e, 0, KVM_IRQFD_FLAG_DEASSIGN |
			   KVM_IRQFD_FLAG_RESAMPLE, r));
	/* Assign without an irqchip, before looking at the fds. */
	EXPECT_EQ(no, irqfd(vm, e, 0, 0, -1));
	EXPECT_EQ(no, irqfd(vm, -1, 0, 0, -1));
	EXPECT_EQ(no, irqfd(vm, e, 5, KVM_IRQFD_FLAG_RESAMPLE, r));
	EXPECT_EQ(no, irqfd(vm, e, 5, KVM_IRQFD_FLAG_RESAMPLE, -1));
	close(vm);
	close(sys);
	close(null);
	close(r);
	close(e);
}

static long set_routing(int vm, const struct kvm_irq_routing_entry *e,
			__u32 nr, __u32 flags)
{
	struct kvm_irq_routing *r;
	long ret;

	r = calloc(1, sizeof(*r) + (nr ? nr : 1) * sizeof(*e));
	if (!r)
		return -ENOMEM;
	r->nr = nr;
	r->flags = flags;
	if (e)
		memcpy(r->entries, e, nr * sizeof(*e));
	ret = kioctlp(vm, KVM_SET_GSI_ROUTING, r);
	free(r);
	return ret;
}

static struct kvm_irq_routing_entry chip_route(__u32 gsi, __u32 chip,
					       __u32 pin)
{
	struct kvm_irq_routing_entry e = {
		.gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { .irqchip = chip, .pin = pin },
	};

	return e;
}

static struct kvm_irq_routing_entry msi_route(__u32 gsi, __u32 flags)
{
	struct kvm_irq_routing_entry e = {
		.gsi = gsi, .type = KVM_IRQ_ROUTING_MSI, .flags = flags,
		.u.msi = { .address_lo = 0x8090040, .data = 33, .devid = 7 },
	};

	return e;
}

/* KVM_IRQCHIP_NUM_PINS of arm64: SPIs 32..1019 are inputs 0..987. */
#define ARM64_PINS	988

TEST(gsi_routing)
{
	struct kvm_irq_routing_entry e[3];
	struct kvm_irq_routing *edge;
	int sys, vm = vm_open(&sys), ok, psz = getpagesize();
	char *pages;
	long want;

	ASSERT_LE(0, vm);
	ok = routing_allowed();
	/* Without a way to route, every request that is read is EINVAL. */
#define ROUTES(r)	(ok ? (r) : -EINVAL)

	EXPECT_EQ(-EFAULT, kioctl(vm, KVM_SET_GSI_ROUTING, BAD_PTR));
	EXPECT_EQ(-EINVAL, set_routing(vm, NULL, MAX_IRQ_ROUTES + 1, 0));
	EXPECT_EQ(-EINVAL, set_routing(vm, NULL, 0, 1));
	EXPECT_EQ(ROUTES(0), set_routing(vm, NULL, 0, 0));

	/* The entries are read after the header's checks. */
	pages = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, pages);
	ASSERT_EQ(0, munmap(pages + psz, psz));
	edge = (void *)(pages + psz - sizeof(*edge));
	edge->nr = 2;
	edge->flags = 0;
	EXPECT_EQ(ROUTES(-EFAULT), kioctlp(vm, KVM_SET_GSI_ROUTING, edge));
	edge->flags = 1;
	EXPECT_EQ(-EINVAL, kioctlp(vm, KVM_SET_GSI_ROUTING, edge));
	munmap(pages, psz);

	/* Entries, each alone. */
	e[0] = chip_route(MAX_IRQ_ROUTES, 0, 0);
	EXPECT_EQ(-EINVAL, set_routing(vm, e, 1, 0));
	e[0] = chip_route(0, 1, 0);
	EXPECT_EQ(-EINVAL, set_routing(vm, e, 1, 0));
	e[0] = chip_route(0, 0, ARM64_PINS);
	EXPECT_EQ(-EINVAL, set_routing(vm, e, 1, 0));
	e[0] = chip_route(0, 0, 0);
	e[0].flags = KVM_MSI_VALID_DEVID;
	EXPECT_EQ(-EINVAL, set_routing(vm, e, 1, 0));
	e[0] = msi_route(0, 2);
	EXPECT_EQ(-EINVAL, set_routing(vm, e, 1, 0));
	e[0] = chip_route(0, 0, 0);
	e[0].type = 99;
	EXPECT_EQ(-EINVAL, set_routing(vm, e, 1, 0));
	e[0].type = 0;
	EXPECT_EQ(-EINVAL, set_routing(vm, e, 1, 0));
	e[0] = chip_route(MAX_IRQ_ROUTES - 1, 0, 31);
	EXPECT_EQ(ROUTES(0), set_routing(vm, e, 1, 0));
	e[0] = msi_route(3, 0);
	EXPECT_EQ(ROUTES(0), set_routing(vm, e, 1, 0));
	e[0] = msi_route(3, KVM_MSI_VALID_DEVID);
	EXPECT_EQ(ROUTES(0), set_routing(vm, e, 1, 0));

	/* One GSI: one route per irqchip, a non-irqchip route alone. */
	e[0] = chip_route(4, 0, 1);
	e[1] = chip_route(4, 0, 2);
	EXPECT_EQ(-EINVAL, set_routing(vm, e, 2, 0));
	e[1] = msi_route(4, 0);
	EXPECT_EQ(-EINVAL, set_routing(vm, e, 2, 0));
	e[0] = msi_route(4, KVM_MSI_VALID_DEVID);
	EXPECT_EQ(-EINVAL, set_routing(vm, e, 2, 0));
	/* Two GSIs on one input, and a bad entry after good ones. */
	e[0] = chip_route(1, 0, 9);
	e[1] = chip_route(2, 0, 9);
	e[2] = msi_route(5, KVM_MSI_VALID_DEVID);
	EXPECT_EQ(ROUTES(0), set_routing(vm, e, 3, 0));
	e[2] = chip_route(6, 0, 0);
	e[2].flags = 1;
	EXPECT_EQ(-EINVAL, set_routing(vm, e, 3, 0));

	/* As many entries as the cap says. */
	want = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_ROUTING);
	if (ok && want > 0) {
		struct kvm_irq_routing_entry *many = calloc(want, sizeof(*many));
		long i;

		ASSERT_NE(NULL, many);
		for (i = 0; i < want; i++)
			many[i] = msi_route(i, 0);
		EXPECT_EQ(0, set_routing(vm, many, want, 0));
		free(many);
	}
#undef ROUTES
	close(vm);
	close(sys);
}

TEST(signal_msi_without_irqchip)
{
	struct kvm_msi msi = { .address_lo = 0x8090040, .data = 33 };
	int sys, vm = vm_open(&sys);

	ASSERT_LE(0, vm);
	EXPECT_EQ(-EFAULT, kioctl(vm, KVM_SIGNAL_MSI, BAD_PTR));
	EXPECT_EQ(-EINVAL, kioctlp(vm, KVM_SIGNAL_MSI, &msi));
	msi.flags = KVM_MSI_VALID_DEVID;
	EXPECT_EQ(-EINVAL, kioctlp(vm, KVM_SIGNAL_MSI, &msi));
	msi.flags = 2;
	EXPECT_EQ(-EINVAL, kioctlp(vm, KVM_SIGNAL_MSI, &msi));
	close(vm);
	close(sys);
}

/*
 * A VM closed with ioeventfds registered, some of whose eventfds were
 * closed first: nothing may stay behind (kmemleak), and the eventfds that
 * are still open keep working as eventfds.
 */
TEST(teardown_with_ioeventfds)
{
	int sys, vm, e[8], i, round;

	for (round = 0; round < 3; round++) {
		vm = vm_open(&sys);
		ASSERT_LE(0, vm);
		for (i = 0; i < 8; i++) {
			e[i] = eventfd(0, EFD_NONBLOCK);
			ASSERT_LE(0, e[i]);
			ASSERT_EQ(0, ioeventfd(vm, ADDR_A + 8 * i, i & 1 ? 4 : 0, e[i],
					       i & 2 ? KVM_IOEVENTFD_FLAG_PIO : 0,
					       0));
		}
		ASSERT_EQ(0, ioeventfd(vm, ADDR_B, 8, e[0],
				       KVM_IOEVENTFD_FLAG_DATAMATCH, 42));
		for (i = 0; i < 4; i++)
			close(e[i]);
		close(vm);
		close(sys);
		for (i = 4; i < 8; i++) {
			__u64 one = 1;

			EXPECT_EQ(8, write(e[i], &one, 8));
			EXPECT_EQ(1, efd_count(e[i]));
			close(e[i]);
		}
	}
}

#endif

#ifdef __aarch64__

/* --- guest stores ------------------------------------------------------- */

#define M	GUEST_MMIO_GPA

/*
 * For each size a store that matches its ioeventfd (no exit), then one that
 * does not (an exit); two stores of other sizes to a length-0 ioeventfd; a
 * store of the wrong size to the 4-byte one; a store next to the length-0
 * one; then "done" at +0x100 forever.
 */
GUEST_CODE(guest_stores,
	   "strb w20, [x19]\n"
	   "strb w21, [x19]\n"
	   "strh w22, [x19, #0x10]\n"
	   "strh w23, [x19, #0x10]\n"
	   "str w24, [x19, #0x20]\n"
	   "str w25, [x19, #0x20]\n"
	   "str x26, [x19, #0x30]\n"
	   "str x27, [x19, #0x30]\n"
	   "strb w20, [x19, #0x40]\n"
	   "str x26, [x19, #0x40]\n"
	   "strh w22, [x19, #0x20]\n"
	   "str w20, [x19, #0x44]\n"
	   "1: str xzr, [x19, #0x100]\n"
	   "b 1b\n");

/* The 4-byte match, "done", again and again. */
GUEST_CODE(guest_store_loop,
	   "1: str w24, [x19, #0x20]\n"
	   "str xzr, [x19, #0x100]\n"
	   "b 1b\n");

#define V1	0x5aULL
#define V2	0x1234ULL
#define V4	0x89abcdefULL
#define V8	0x0123456789abcdefULL

FIXTURE(stores) {
	struct kvm_vm vm;
	int e[5];	/* 1, 2, 4, 8 bytes, length 0 */
};

FIXTURE_SETUP(stores)
{
	int i, c, r = vm_create(&self->vm, 1, 0);

	ASSERT_EQ(0, r) TH_LOG("vm_create: %s", strerror(-r));
	c = self->vm.vcpu[0];
	ASSERT_EQ(0, kset_reg64(c, REG_X(19), M));
	ASSERT_EQ(0, kset_reg64(c, REG_X(20), V1));
	ASSERT_EQ(0, kset_reg64(c, REG_X(21), V1 + 1));
	ASSERT_EQ(0, kset_reg64(c, REG_X(22), V2));
	ASSERT_EQ(0, kset_reg64(c, REG_X(23), V2 + 1));
	ASSERT_EQ(0, kset_reg64(c, REG_X(24), V4));
	ASSERT_EQ(0, kset_reg64(c, REG_X(25), V4 - 1));
	ASSERT_EQ(0, kset_reg64(c, REG_X(26), V8));
	ASSERT_EQ(0, kset_reg64(c, REG_X(27), V8 - 1));
	for (i = 0; i < 5; i++) {
		self->e[i] = eventfd(0, EFD_NONBLOCK);
		ASSERT_LE(0, self->e[i]);
	}
}

FIXTURE_TEARDOWN(stores)
{
	int i;

	vm_destroy(&self->vm);
	for (i = 0; i < 5; i++)
		close(self->e[i]);
}

static void expect_store(struct __test_metadata *_metadata, struct kvm_vm *vm,
			 __u64 gpa, __u32 len, __u64 val)
{
	struct kvm_run *run = vm->run[0];

	ASSERT_EQ(0, vcpu_run(vm, 0));
	ASSERT_EQ(KVM_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(gpa, run->mmio.phys_addr);
	EXPECT_EQ(1, run->mmio.is_write);
	EXPECT_EQ(len, run->mmio.len);
	EXPECT_EQ(val, mmio_data(run));
}

#define STORE(gpa, len, val)	expect_store(_metadata, &self->vm, gpa, len, val)
#define DM			KVM_IOEVENTFD_FLAG_DATAMATCH

TEST_F(stores, datamatch_hit_and_miss)
{
	int fd = self->vm.fd, *e = self->e;

	ASSERT_EQ(0, vm_load_code(&self->vm, 0, GUEST_RAM_GPA, guest_stores,
				  guest_stores_end));
	ASSERT_EQ(0, ioeventfd(fd, M, 1, e[0], DM, V1));
	ASSERT_EQ(0, ioeventfd(fd, M + 0x10, 2, e[1], DM, V2));
	ASSERT_EQ(0, ioeventfd(fd, M + 0x20, 4, e[2], DM, V4));
	ASSERT_EQ(0, ioeventfd(fd, M + 0x30, 8, e[3], DM, V8));
	ASSERT_EQ(0, ioeventfd(fd, M + 0x40, 0, e[4], 0, 0));

	STORE(M, 1, V1 + 1);
	EXPECT_EQ(1, efd_count(e[0]));
	STORE(M + 0x10, 2, V2 + 1);
	EXPECT_EQ(1, efd_count(e[1]));
	STORE(M + 0x20, 4, V4 - 1);
	EXPECT_EQ(1, efd_count(e[2]));
	STORE(M + 0x30, 8, V8 - 1);
	EXPECT_EQ(1, efd_count(e[3]));
	/* Length 0: a byte and a doubleword alike. */
	STORE(M + 0x20, 2, V2);		/* the wrong size for the 4-byte one */
	EXPECT_EQ(2, efd_count(e[4]));
	STORE(M + 0x44, 4, V1);
	STORE(M + 0x100, 8, 0);
	EXPECT_EQ(0, efd_count(e[0]));
	EXPECT_EQ(0, efd_count(e[2]));
}

/* Data wider than the access never matches; a wildcard matches anything. */
TEST_F(stores, wide_datamatch_and_wildcard)
{
	int fd = self->vm.fd, *e = self->e;

	ASSERT_EQ(0, vm_load_code(&self->vm, 0, GUEST_RAM_GPA, guest_stores,
				  guest_stores_end));
	ASSERT_EQ(0, ioeventfd(fd, M, 1, e[0], DM, V1 | 0x100));
	ASSERT_EQ(0, ioeventfd(fd, M + 0x10, 2, e[1], 0, 0));
	STORE(M, 1, V1);
	STORE(M, 1, V1 + 1);
	EXPECT_EQ(0, efd_count(e[0]));
	STORE(M + 0x20, 4, V4);		/* both 2-byte stores were taken */
	EXPECT_EQ(2, efd_count(e[1]));
}

TEST_F(stores, deassign)
{
	int fd = self->vm.fd, *e = self->e;

	ASSERT_EQ(0, vm_load_code(&self->vm, 0, GUEST_RAM_GPA, guest_store_loop,
				  guest_store_loop_end));
	ASSERT_EQ(0, ioeventfd(fd, M + 0x20, 4, e[2], DM, V4));
	STORE(M + 0x100, 8, 0);
	EXPECT_EQ(1, efd_count(e[2]));
	STORE(M + 0x100, 8, 0);
	EXPECT_EQ(1, efd_count(e[2]));
	ASSERT_EQ(0, ioeventfd(fd, M + 0x20, 4, e[2],
			       DM | KVM_IOEVENTFD_FLAG_DEASSIGN, V4));
	STORE(M + 0x20, 4, V4);
	STORE(M + 0x100, 8, 0);
	EXPECT_EQ(0, efd_count(e[2]));
	/* A port ioeventfd does not see MMIO. */
	ASSERT_EQ(0, ioeventfd(fd, M + 0x20, 4, e[2], KVM_IOEVENTFD_FLAG_PIO, 0));
	STORE(M + 0x20, 4, V4);
	/* Registered again, length 0 this time. */
	ASSERT_EQ(0, ioeventfd(fd, M + 0x20, 0, e[3], 0, 0));
	STORE(M + 0x100, 8, 0);
	STORE(M + 0x100, 8, 0);
	EXPECT_EQ(1, efd_count(e[3]));
	EXPECT_EQ(0, efd_count(e[2]));
}

/* The same eventfd for several ioeventfds: each store counts. */
TEST_F(stores, one_eventfd_many_addresses)
{
	int fd = self->vm.fd, *e = self->e;

	ASSERT_EQ(0, vm_load_code(&self->vm, 0, GUEST_RAM_GPA, guest_stores,
				  guest_stores_end));
	ASSERT_EQ(0, ioeventfd(fd, M, 1, e[0], 0, 0));
	ASSERT_EQ(0, ioeventfd(fd, M + 0x10, 2, e[0], DM, V2));
	ASSERT_EQ(0, ioeventfd(fd, M + 0x20, 4, e[0], DM, V4 - 1));
	STORE(M + 0x10, 2, V2 + 1);
	EXPECT_EQ(3, efd_count(e[0]));
	STORE(M + 0x20, 4, V4);
	EXPECT_EQ(0, efd_count(e[0]));
	STORE(M + 0x30, 8, V8);
	EXPECT_EQ(1, efd_count(e[0]));
}

/* --- with a vGIC ---------------------------------------------------------- */

#define GICD_GPA	0x08000000ULL
#define GICR_GPA	0x080a0000ULL

/* A GICv3 at GICD_GPA/GICR_GPA: its device fd, or -errno. */
static int vgic_v3_create(int vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	__u64 dist = GICD_GPA, redist = GICR_GPA;
	struct kvm_device_attr a = {
		.group = KVM_DEV_ARM_VGIC_GRP_ADDR,
		.attr = KVM_VGIC_V3_ADDR_TYPE_DIST,
		.addr = (unsigned long)&dist,
	};
	long r = kioctlp(vm, KVM_CREATE_DEVICE, &cd);

	if (r)
		return r;
	r = kioctlp(cd.fd, KVM_SET_DEVICE_ATTR, &a);
	if (!r) {
		a.attr = KVM_VGIC_V3_ADDR_TYPE_REDIST;
		a.addr = (unsigned long)&redist;
		r = kioctlp(cd.fd, KVM_SET_DEVICE_ATTR, &a);
	}
	if (r) {
		close(cd.fd);
		return r;
	}
	return cd.fd;
}

static long vgic_init(int dev)
{
	struct kvm_device_attr a = {
		.group = KVM_DEV_ARM_VGIC_GRP_CTRL,
		.attr = KVM_DEV_ARM_VGIC_CTRL_INIT,
	};

	return kioctlp(dev, KVM_SET_DEVICE_ATTR, &a);
}

FIXTURE(vgic) {
	struct kvm_vm vm;
	int dev;
	int e[4];
};

FIXTURE_SETUP(vgic)
{
	int i, r = vm_create(&self->vm, 1, 0);

	ASSERT_EQ(0, r) TH_LOG("vm_create: %s", strerror(-r));
	for (i = 0; i < 4; i++) {
		self->e[i] = eventfd(0, EFD_NONBLOCK);
		ASSERT_LE(0, self->e[i]);
	}
	self->dev = vgic_v3_create(self->vm.fd);
	if (self->dev < 0)
		SKIP(return, "no vGICv3 on %s: %s", kvm_dev(),
		     strerror(-self->dev));
}

FIXTURE_TEARDOWN(vgic)
{
	int i;

	if (self->dev >= 0)
		close(self->dev);
	vm_destroy(&self->vm);
	for (i = 0; i < 4; i++)
		close(self->e[i]);
}

TEST_F(vgic, irqfd_after_init)
{
	struct kvm_msi msi = { .address_lo = 0x8090040, .data = 33 };
	int fd = self->vm.fd, *e = self->e, null;
	struct kvm_irq_routing_entry r[2];
	__u64 one = 1;

	/* 6.1's harness runs the test even after a SKIP in the setup. */
	if (self->dev < 0)
		SKIP(return, "no vGICv3 on %s", kvm_dev());
	null = open("/dev/null", O_RDWR);
	ASSERT_LE(0, null);
	/* The vGIC exists but is not initialised. */
	EXPECT_EQ(-EAGAIN, irqfd(fd, e[0], 0, 0, -1));
	/* It exists, so an MSI is refused for the ITS there is not. */
	EXPECT_EQ(-ENODEV, kioctlp(fd, KVM_SIGNAL_MSI, &msi));
	ASSERT_EQ(0, vgic_init(self->dev));

	EXPECT_EQ(-EBADF, irqfd(fd, -1, 0, 0, -1));
	EXPECT_EQ(-EINVAL, irqfd(fd, null, 0, 0, -1));
	EXPECT_EQ(-EBADF, irqfd(fd, e[0], 0, KVM_IRQFD_FLAG_RESAMPLE, -1));
	EXPECT_EQ(-EINVAL, irqfd(fd, e[0], 0, KVM_IRQFD_FLAG_RESAMPLE, null));
	EXPECT_EQ(0, irqfd(fd, e[0], 0, 0, -1));
	/* An eventfd injects one GSI; a GSI may have several eventfds. */
	EXPECT_EQ(-EBUSY, irqfd(fd, e[0], 1, 0, -1));
	EXPECT_EQ(-EBUSY, irqfd(fd, e[0], 0, 0, -1));
	EXPECT_EQ(0, irqfd(fd, e[1], 0, 0, -1));
	/* Resampling: two on one GSI share its resampler. */
	EXPECT_EQ(0, irqfd(fd, e[2], 3, KVM_IRQFD_FLAG_RESAMPLE, e[3]));
	EXPECT_EQ(-EBUSY, irqfd(fd, e[2], 4, KVM_IRQFD_FLAG_RESAMPLE, e[3]));
	/* A GSI with no route, and a GSI out of every table, are fine. */
	EXPECT_EQ(0, irqfd(fd, e[3], 4095, 0, -1));
	/* Signalled: the eventfd is consumed (no reader sees the count). */
	EXPECT_EQ(8, write(e[0], &one, 8));
	EXPECT_EQ(8, write(e[2], &one, 8));
	EXPECT_EQ(8, write(e[3], &one, 8));
	EXPECT_EQ(0, efd_count(e[0]));
	EXPECT_EQ(0, efd_count(e[2]));
	EXPECT_EQ(0, efd_count(e[3]));
	/* Deassign: the GSI must match; then the eventfd is free again. */
	EXPECT_EQ(0, irqfd(fd, e[0], 1, KVM_IRQFD_FLAG_DEASSIGN, -1));
	EXPECT_EQ(-EBUSY, irqfd(fd, e[0], 1, 0, -1));
	EXPECT_EQ(0, irqfd(fd, e[0], 0, KVM_IRQFD_FLAG_DEASSIGN, -1));
	EXPECT_EQ(8, write(e[0], &one, 8));
	EXPECT_EQ(1, efd_count(e[0]));
	EXPECT_EQ(0, irqfd(fd, e[0], 1, 0, -1));
	EXPECT_EQ(0, irqfd(fd, e[2], 3, KVM_IRQFD_FLAG_DEASSIGN, -1));
	EXPECT_EQ(0, irqfd(fd, e[2], 3, KVM_IRQFD_FLAG_RESAMPLE, e[3]));
	/* Routes replaced under registered irqfds. */
	r[0] = chip_route(0, 0, 7);
	r[1] = msi_route(1, 0);
	EXPECT_EQ(0, set_routing(fd, r, 2, 0));
	EXPECT_EQ(8, write(e[0], &one, 8));
	EXPECT_EQ(8, write(e[1], &one, 8));
	EXPECT_EQ(0, set_routing(fd, NULL, 0, 0));
	EXPECT_EQ(8, write(e[1], &one, 8));
	close(null);
	/* The rest goes with the VM (fixture teardown). */
}

#define GICD_ISPENDR	0x200
#define GICD_ICPENDR	0x280

/*
 * The pending state of SPI 32 + @pin as userspace reads it (the latch of
 * an edge-triggered interrupt, KVM's default for SPIs): 1, 0, or -errno.
 */
static int spi_pending(int dev, __u32 pin)
{
	__u32 intid = 32 + pin, bits = 0;
	struct kvm_device_attr a = {
		.group = KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
		.attr = GICD_ISPENDR + 4 * (intid / 32),
		.addr = (unsigned long)&bits,
	};
	long r = kioctlp(dev, KVM_GET_DEVICE_ATTR, &a);

	if (r)
		return r;
	return (bits >> (intid % 32)) & 1;
}

/*
 * Delivery: the vGIC's default routing is GSI n -> SPI 32 + n; a signalled
 * irqfd makes its SPI pending from the eventfd's wake-up (before write()
 * returns); routes replaced move it; once deassigned it does nothing.
 */
TEST_F(vgic, irqfd_makes_spi_pending)
{
	struct kvm_irq_routing_entry r = chip_route(5, 0, 9);
	int fd = self->vm.fd, *e = self->e, p;
	__u64 one = 1;

	/* 6.1's harness runs the test even after a SKIP in the setup. */
	if (self->dev < 0)
		SKIP(return, "no vGICv3 on %s", kvm_dev());
	ASSERT_EQ(0, vgic_init(self->dev));
	p = spi_pending(self->dev, 5);
	if (p < 0)
		SKIP(return, "no GICD_ISPENDR from the vGIC: %s", strerror(-p));
	EXPECT_EQ(0, p);
	ASSERT_EQ(0, irqfd(fd, e[0], 5, 0, -1));
	ASSERT_EQ(0, irqfd(fd, e[1], 6, KVM_IRQFD_FLAG_RESAMPLE, e[2]));
	ASSERT_EQ(0, irqfd(fd, e[3], 7, 0, -1));
	EXPECT_EQ(8, write(e[0], &one, 8));
	EXPECT_EQ(1, spi_pending(self->dev, 5));
	EXPECT_EQ(0, spi_pending(self->dev, 6));
	EXPECT_EQ(8, write(e[1], &one, 8));
	EXPECT_EQ(1, spi_pending(self->dev, 6));
	EXPECT_EQ(0, efd_count(e[2]));
	/* GSI 5 -> SPI 41 now, and GSI 7 has no route. */
	ASSERT_EQ(0, set_routing(fd, &r, 1, 0));
	EXPECT_EQ(8, write(e[3], &one, 8));
	EXPECT_EQ(0, spi_pending(self->dev, 7));
	EXPECT_EQ(0, spi_pending(self->dev, 9));
	EXPECT_EQ(8, write(e[0], &one, 8));
	EXPECT_EQ(1, spi_pending(self->dev, 9));
	/* GSI 5 -> SPI 42; deassigned, its eventfd is an eventfd again. */
	r = chip_route(5, 0, 10);
	ASSERT_EQ(0, set_routing(fd, &r, 1, 0));
	ASSERT_EQ(0, irqfd(fd, e[0], 5, KVM_IRQFD_FLAG_DEASSIGN, -1));
	EXPECT_EQ(8, write(e[0], &one, 8));
	EXPECT_EQ(0, spi_pending(self->dev, 10));
	EXPECT_EQ(1, efd_count(e[0]));
}

/*
 * Teardown with irqfds registered, plain and resampling, one whose eventfd
 * was closed first (EPOLLHUP shuts it down) and one whose eventfd outlives
 * the VM.
 */
TEST_F(vgic, teardown_with_irqfds)
{
	int fd = self->vm.fd, *e = self->e;
	__u64 one = 1;

	/* 6.1's harness runs the test even after a SKIP in the setup. */
	if (self->dev < 0)
		SKIP(return, "no vGICv3 on %s", kvm_dev());
	ASSERT_EQ(0, vgic_init(self->dev));
	ASSERT_EQ(0, irqfd(fd, e[0], 1, 0, -1));
	ASSERT_EQ(0, irqfd(fd, e[1], 2, KVM_IRQFD_FLAG_RESAMPLE, e[3]));
	ASSERT_EQ(0, irqfd(fd, e[2], 2, KVM_IRQFD_FLAG_RESAMPLE, e[3]));
	ASSERT_EQ(0, ioeventfd(fd, M, 4, e[0], 0, 0));
	EXPECT_EQ(8, write(e[2], &one, 8));
	close(e[1]);
	self->e[1] = eventfd(0, 0);
	close(self->dev);
	self->dev = -1;
	vm_destroy(&self->vm);
	memset(&self->vm, 0, sizeof(self->vm));
	/* The eventfds are plain eventfds again. */
	EXPECT_EQ(8, write(e[0], &one, 8));
	EXPECT_EQ(1, efd_count(e[0]));
	EXPECT_EQ(8, write(e[2], &one, 8));
	EXPECT_EQ(1, efd_count(e[2]));
}

#elif defined(__x86_64__)

/*
 * OUT to a 1-byte port ioeventfd (match, then a miss that exits), OUT to a
 * length-0 one; a 4-byte MMIO store that matches and one that does not; an
 * 8-byte MMIO store that matches; then OUT to the done port.
 */
X86_CODE64(g_ioeventfd,
	   "mov $0x10000000, %rbx\n"
	   "mov $0x5a, %al\n out %al, $0x80\n"
	   "mov $0x5b, %al\n out %al, $0x80\n"
	   "mov $0x1234, %ax\n out %ax, $0x82\n"
	   "movl $0x89abcdef, (%rbx)\n"
	   "movl $0x89abcdee, (%rbx)\n"
	   "mov $0x0123456789abcdef, %rax\n mov %rax, 8(%rbx)\n"
	   "mov $0x1234, %ax\n out %ax, $0xff\n"
	   "hlt\n");

TEST(x86_pio_and_mmio)
{
	struct xvm vm;
	int e[4], i, r = xvm_create(&vm);

	ASSERT_EQ(0, r) TH_LOG("VM on %s: %s", kvm_dev(), strerror(-r));
	ASSERT_EQ(0, xvm_long_mode(&vm, g_ioeventfd, g_ioeventfd_end));
	for (i = 0; i < 4; i++) {
		e[i] = eventfd(0, EFD_NONBLOCK);
		ASSERT_LE(0, e[i]);
	}
	ASSERT_EQ(0, ioeventfd(vm.fd, 0x80, 1, e[0], KVM_IOEVENTFD_FLAG_PIO |
			       KVM_IOEVENTFD_FLAG_DATAMATCH, 0x5a));
	ASSERT_EQ(0, ioeventfd(vm.fd, 0x82, 0, e[1], KVM_IOEVENTFD_FLAG_PIO, 0));
	ASSERT_EQ(0, ioeventfd(vm.fd, XMMIO, 4, e[2],
			       KVM_IOEVENTFD_FLAG_DATAMATCH, 0x89abcdef));
	ASSERT_EQ(0, ioeventfd(vm.fd, XMMIO + 8, 8, e[3],
			       KVM_IOEVENTFD_FLAG_DATAMATCH,
			       0x0123456789abcdefULL));
	/* An MMIO ioeventfd at a port's number sees no port I/O. */
	ASSERT_EQ(0, ioeventfd(vm.fd, 0x80, 1, e[3], 0, 0));

	ASSERT_EQ(0, xvm_run(&vm));
	ASSERT_EQ(KVM_EXIT_IO, vm.run->exit_reason);
	EXPECT_EQ(0x80, vm.run->io.port);
	EXPECT_EQ(KVM_EXIT_IO_OUT, vm.run->io.direction);
	EXPECT_EQ(0x5b, xio_value(vm.run));
	EXPECT_EQ(1, efd_count(e[0]));

	ASSERT_EQ(0, xvm_run(&vm));
	ASSERT_EQ(KVM_EXIT_MMIO, vm.run->exit_reason);
	EXPECT_EQ(XMMIO, vm.run->mmio.phys_addr);
	EXPECT_EQ(1, vm.run->mmio.is_write);
	EXPECT_EQ(4, vm.run->mmio.len);
	EXPECT_EQ(0x89abcdee, xmmio_value(vm.run));
	EXPECT_EQ(1, efd_count(e[1]));
	EXPECT_EQ(1, efd_count(e[2]));

	ASSERT_EQ(0, xvm_run(&vm));
	ASSERT_EQ(KVM_EXIT_IO, vm.run->exit_reason);
	EXPECT_EQ(XPORT_DONE, vm.run->io.port);
	EXPECT_EQ(1, efd_count(e[3]));
	EXPECT_EQ(0, efd_count(e[0]));

	/* Deassigned: the matching OUT exits now. */
	ASSERT_EQ(0, ioeventfd(vm.fd, 0x80, 1, e[0], KVM_IOEVENTFD_FLAG_PIO |
			       KVM_IOEVENTFD_FLAG_DATAMATCH |
			       KVM_IOEVENTFD_FLAG_DEASSIGN, 0x5a));
	ASSERT_EQ(0, xvm_long_mode(&vm, g_ioeventfd, g_ioeventfd_end));
	ASSERT_EQ(0, xvm_run(&vm));
	ASSERT_EQ(KVM_EXIT_IO, vm.run->exit_reason);
	EXPECT_EQ(0x80, vm.run->io.port);
	EXPECT_EQ(0x5a, xio_value(vm.run));
	EXPECT_EQ(0, efd_count(e[0]));
	/* Teardown with the others registered. */
	xvm_destroy(&vm);
	for (i = 0; i < 4; i++)
		close(e[i]);
}

#else

TEST(arch_only)
{
	SKIP(return, "these tests drive an arm64 or x86 guest");
}

#endif

TEST_HARNESS_MAIN
