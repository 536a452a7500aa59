// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel vGICv3 (KVM_DEV_TYPE_ARM_VGIC_V3): what the upstream KVM
 * selftests (vgic_init, vgic_irq, arch_timer) leave out, and the device's
 * errno rules.
 *
 *  - the device: creation, the ADDR, NR_IRQS and CTRL groups and their
 *    errnos, what needs KVM_DEV_ARM_VGIC_CTRL_INIT first, KVM_IRQ_LINE of
 *    SPIs and PPIs before and after it;
 *  - delivery: SGIs from one vCPU (ICC_SGI1R_EL1) to another waiting in
 *    WFI; more pending SPIs than list registers, taken once each and in
 *    priority order; a level SPI taken again after each EOI until its line
 *    drops; the virtual and physical timers (PPIs 27, 30) waking a guest in
 *    WFI without a return to userspace; KVM_IRQFD, edge and level with a
 *    resample eventfd;
 *  - state: a guest's GIC state (DIST_REGS, REDIST_REGS, CPU_SYSREGS,
 *    LEVEL_INFO) with interrupts pending, saved, restored into a second VM
 *    in the documented order, which then takes them;
 *  - teardown with interrupts pending and active and irqfds registered (the
 *    bench's kmemleak and KASAN see what is left).
 *
 * The expected errnos are those of the in-kernel KVM (arch/arm64/kvm/vgic/,
 * arch/arm64/kvm/arm.c); run against it with KVMLITE_DEV=/dev/kvm. Guest
 * code: see kvmlite_gic.h.
 */
#include <linux/kvm.h>
#include <linux/kvmlite.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

#include "bench_util.h"
#include "kselftest_harness.h"

#ifdef __aarch64__
#include "kvmlite_thread.h"
#include "kvmlite_gic.h"
#include "kvmlite_stats.h"

#define SYSTEM_OFF_ASM	"movz w0, #0x0008\n movk w0, #0x8400, lsl #16\n hvc #0\n"

/* Guest memory: code of vCPU i, vectors, GIC tables, flags, IRQ logs. */
#define CODE_GPA(i)	(GUEST_RAM_GPA + 0x2000ULL * (i))
#define VECTORS_GPA	(GUEST_RAM_GPA + 0x10000)
#define CFG_GPA(i)	(GUEST_RAM_GPA + 0x20000 + 0x2000ULL * (i))
#define FLAGS_GPA	(GUEST_RAM_GPA + 0x2c000)
#define LOG_GPA(i)	(GUEST_RAM_GPA + 0x30000 + 0x4000ULL * (i))
/* MMIO: the guest's main code reports at +0, +8; the IRQ handler at +0x100. */
#define IRQ_REPORT	0x100

#define NR_IRQS		64
#define WAIT_S		15.0

GUEST_CODE(gic_vectors, GIC_GUEST_VECTORS);

/* ---- running vCPUs on threads, with a watchdog ---- */

struct vrunner {
	struct runner r;
	int stop;
};

/* KVM_RUN until an exit other than a signal's, unless told to stop. */
static int run_retry(struct runner *r)
{
	int *stop = r->data;
	int ret;

	do {
		ret = vcpu_run(r->vm, r->idx);
	} while (ret == -EINTR && !__atomic_load_n(stop, __ATOMIC_SEQ_CST));
	return ret;
}

/* One KVM_RUN: for the tests where any return to userspace is wrong. */
static int run_once(struct runner *r)
{
	return vcpu_run(r->vm, r->idx);
}

static int vr_start(struct vrunner *v, struct kvm_vm *vm, int i, int retry)
{
	install_kick_signal();
	v->stop = 0;
	return runner_start_fn(&v->r, vm, i, retry ? run_retry : run_once, &v->stop);
}

/*
 * Wait up to @secs for the runner; past that, stop it with signals. The
 * KVM_RUN result, or -ETIMEDOUT when it had to be stopped.
 */
static int vr_wait(struct vrunner *v, double secs)
{
	double end = now_s() + secs;

	while (!runner_done(&v->r) && now_s() < end)
		usleep(2000);
	if (!runner_done(&v->r)) {
		__atomic_store_n(&v->stop, 1, __ATOMIC_SEQ_CST);
		while (!runner_done(&v->r)) {
			pthread_kill(v->r.thread, SIGUSR1);
			usleep(10000);
		}
		pthread_join(v->r.thread, NULL);
		return -ETIMEDOUT;
	}
	pthread_join(v->r.thread, NULL);
	return v->r.ret;
}

/* Run vCPU @i (on a thread, with the watchdog) to its next exit. */
static int vrun(struct kvm_vm *vm, int i)
{
	struct vrunner v;

	if (vr_start(&v, vm, i, 1))
		return -EAGAIN;
	return vr_wait(&v, WAIT_S);
}

static __u64 *glog(struct kvm_vm *vm, int i)
{
	return vm_gpa(vm, LOG_GPA(i));
}

static void expect_mmio(struct __test_metadata *_metadata, struct kvm_vm *vm,
			int i, __u64 off, __u64 val)
{
	struct kvm_run *run = vm->run[i];

	ASSERT_EQ(KVM_EXIT_MMIO, run->exit_reason)
		TH_LOG("vCPU %d: exit %u, expected an MMIO write at +%#llx", i,
		       run->exit_reason, (unsigned long long)off);
	if (run->mmio.phys_addr == GUEST_MMIO_GPA + GIC_GUEST_BAD_EXC)
		TH_LOG("vCPU %d: unexpected exception, ESR_EL1 %#llx", i,
		       (unsigned long long)mmio_data(run));
	ASSERT_EQ(GUEST_MMIO_GPA + off, run->mmio.phys_addr)
		TH_LOG("vCPU %d: data %#llx, log count %llu", i,
		       (unsigned long long)mmio_data(run),
		       (unsigned long long)glog(vm, i)[0]);
	ASSERT_TRUE(run->mmio.is_write);
	EXPECT_EQ(val, mmio_data(run));
}

/*
 * Run vCPU @i to its next exit, which must be an MMIO write of @val at
 * +@off (RUN_EXPECT: with the caller's line).
 */
static void run_expect(struct __test_metadata *_metadata, int line,
		       struct kvm_vm *vm, int i, __u64 off, __u64 val)
{
	int r = vrun(vm, i);

	ASSERT_EQ(0, r) TH_LOG("line %d: vCPU %d: KVM_RUN %s, log count %llu", line,
			       i, strerror(-r), (unsigned long long)glog(vm, i)[0]);
	expect_mmio(_metadata, vm, i, off, val);
}

#define RUN_EXPECT(vm, i, off, val)	run_expect(_metadata, __LINE__, vm, i, off, val)

/*
 * Load @code for vCPU @i with the vectors, and the guest registers of
 * kvmlite_gic.h: x20 its GIC table (empty), x22 MMIO, x25 its log; no IRQ
 * report (x26), no hook (x27).
 */
static void guest_prep(struct __test_metadata *_metadata, struct kvm_vm *vm,
		       int i, const unsigned char *code, const unsigned char *end,
		       struct gic_cfg *cfg)
{
	int fd = vm->vcpu[i];

	ASSERT_EQ(0, vm_load_code(vm, i, CODE_GPA(i), code, end));
	memcpy(vm_gpa(vm, VECTORS_GPA), gic_vectors, gic_vectors_end - gic_vectors);
	ASSERT_EQ(0, kset_reg64(fd, REG_VBAR, VECTORS_GPA));
	ASSERT_EQ(0, kset_reg64(fd, REG_X(20), CFG_GPA(i)));
	ASSERT_EQ(0, kset_reg64(fd, REG_X(22), GUEST_MMIO_GPA));
	ASSERT_EQ(0, kset_reg64(fd, REG_X(25), LOG_GPA(i)));
	ASSERT_EQ(0, kset_reg64(fd, REG_X(26), 0));
	ASSERT_EQ(0, kset_reg64(fd, REG_X(27), 0));
	memset(glog(vm, i), 0, 16);
	gic_cfg_init(cfg, vm, CFG_GPA(i));
}

static void setx(struct __test_metadata *_metadata, struct kvm_vm *vm, int i,
		 int n, __u64 v)
{
	ASSERT_EQ(0, kset_reg64(vm->vcpu[i], REG_X(n), v));
}

/* A VM with @n vCPUs and an initialised vGIC of NR_IRQS interrupts. */
static int vgic_vm(struct __test_metadata *_metadata, struct kvm_vm *vm, int n)
{
	int r = vm_create(vm, n, 0), dev;

	if (r)
		TH_LOG("vm_create: %s", strerror(-r));
	if (r)
		return r;
	dev = gic_setup(vm, NR_IRQS);
	if (dev < 0)
		TH_LOG("vGICv3 set-up: %s", strerror(-dev));
	return dev;
}

static __u64 cntfrq(void)
{
	__u64 f;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r" (f));
	return f;
}

static __u32 dist_reg(struct __test_metadata *_metadata, int dev, __u32 off)
{
	__u32 v = 0xdeadbeef;

	EXPECT_EQ(0, gic_dist(dev, off, &v, 0)) TH_LOG("GICD +%#x", off);
	return v;
}

static __u32 redist_reg(struct __test_metadata *_metadata, int dev, int i,
			__u32 off)
{
	__u32 v = 0xdeadbeef;

	EXPECT_EQ(0, gic_redist(dev, i, off, &v, 0))
		TH_LOG("GICR%d +%#x", i, off);
	return v;
}

static __u32 level_info(struct __test_metadata *_metadata, int dev, int i,
			__u32 intid)
{
	__u32 v = 0xdeadbeef;

	EXPECT_EQ(0, gic_level(dev, i, intid, &v, 0)) TH_LOG("LEVEL_INFO %u", intid);
	return v;
}

/* ==== the device ==== */

GUEST_CODE(guest_mmio_loop, "1: str xzr, [x22]\n b 1b\n");

/*
 * KVM_CAP_IRQCHIP, KVM_CREATE_DEVICE (and its test flag), one vGICv3 per
 * VM, which attributes it has, and the userspace IRQ lines gone with it.
 */
TEST(create_device)
{
	struct kvm_irqfd irqfd = { .gsi = 0 };
	struct kvm_vm vm;
	int dev;

	ASSERT_EQ(0, vm_create(&vm, 2, 0));
	EXPECT_EQ(1, ioctl(vm.sys, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP));
	EXPECT_EQ(1, ioctl(vm.fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP));
	EXPECT_EQ(1, ioctl(vm.fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD_RESAMPLE));
	/* Before the vGIC: KVM_IRQ_LINE of SPIs and PPIs has nothing to reach. */
	EXPECT_EQ(-ENXIO, gic_spi(&vm, 32, 1));
	EXPECT_EQ(-ENXIO, gic_ppi(&vm, 0, 16, 1));
	/* ... and no irqfd (KVM: the irqchip is not initialised). */
	irqfd.fd = eventfd(0, EFD_CLOEXEC);
	EXPECT_EQ(-EAGAIN, kioctlp(vm.fd, KVM_IRQFD, &irqfd));
	close(irqfd.fd);

	EXPECT_EQ(0, gic_create(vm.fd, KVM_CREATE_DEVICE_TEST));
	dev = gic_create(vm.fd, 0);
	ASSERT_LE(0, dev) TH_LOG("KVM_CREATE_DEVICE: %s", strerror(-dev));
	EXPECT_EQ(-EEXIST, gic_create(vm.fd, 0));
	/* The test flag does not look at the VM, only at the type. */
	EXPECT_EQ(0, gic_create(vm.fd, KVM_CREATE_DEVICE_TEST));

	EXPECT_EQ(0, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST));
	EXPECT_EQ(0, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST));
	EXPECT_EQ(0, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_ADDR,
			     KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION));
	EXPECT_EQ(-ENXIO, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST));
	EXPECT_EQ(0, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0));
	EXPECT_EQ(0, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT));
	EXPECT_EQ(-ENXIO, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_CTRL, 1));
	EXPECT_EQ(-ENXIO, gic_has(dev, 99, 0));
	EXPECT_EQ(0, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_CTLR));
	/* The SPIs' registers exist once their number is known. */
	EXPECT_EQ(-ENXIO, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_IROUTER + 8 * 40));
	EXPECT_EQ(0, gic_set_nr_irqs(dev, NR_IRQS));
	EXPECT_EQ(0, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_IROUTER + 8 * 40));
	EXPECT_EQ(-ENXIO, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
				  GICD_IROUTER + 8 * NR_IRQS));
	/* No register there; and only aligned 32-bit words. */
	EXPECT_EQ(-ENXIO, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x5000));
	EXPECT_EQ(-ENXIO, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_CTLR + 2));
	EXPECT_EQ(0, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
			     GIC_ATTR_VCPU(1) | GICR_ISENABLER0));
	EXPECT_EQ(0, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
			     GIC_ATTR_VCPU(1) | ICC_ATTR_PMR));
	/* MIDR_EL1 is no CPU interface register. */
	EXPECT_EQ(-ENXIO, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
				  ICC_ATTR(3, 0, 0, 0, 0)));
	/* A vCPU that does not exist (Aff0 5). */
	EXPECT_EQ(-EINVAL, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
				   GIC_ATTR_VCPU(5) | GICR_ISENABLER0));
	EXPECT_EQ(-EINVAL, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
				   GIC_ATTR_VCPU(5) | ICC_ATTR_PMR));
	EXPECT_EQ(0, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, 32));
	EXPECT_EQ(-ENXIO, gic_has(dev, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO,
				  (1ULL << KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT) | 32));

	/* With an in-kernel irqchip the vCPU IRQ/FIQ lines are not userspace's. */
	EXPECT_EQ(-ENXIO, irq_line(&vm, 0, 0, 1));
	close(dev);
	vm_destroy(&vm);
}

/* No vGIC once a vCPU has run (KVM: EBUSY); the test flag still says yes. */
TEST(create_after_run)
{
	struct kvm_vm vm;

	ASSERT_EQ(0, vm_create(&vm, 1, 0));
	ASSERT_EQ(0, vm_load_code(&vm, 0, GUEST_RAM_GPA, guest_mmio_loop,
				  guest_mmio_loop_end));
	ASSERT_EQ(0, kset_reg64(vm.vcpu[0], REG_X(22), GUEST_MMIO_GPA));
	ASSERT_EQ(0, vcpu_run(&vm, 0));
	ASSERT_EQ(KVM_EXIT_MMIO, vm.run[0]->exit_reason);
	EXPECT_EQ(-EBUSY, gic_create(vm.fd, 0));
	EXPECT_EQ(0, gic_create(vm.fd, KVM_CREATE_DEVICE_TEST));
	vm_destroy(&vm);
}

/*
 * KVM_DEV_ARM_VGIC_GRP_ADDR: 64 KiB alignment (EINVAL), the IPA size
 * (E2BIG), each address once (EEXIST), no overlap of the legacy
 * redistributor range with the distributor (EINVAL), reads, unknown types
 * (ENXIO).
 */
TEST(addr_rules)
{
	__u64 ipa_top = 1ULL << 40;	/* KVM_CREATE_VM type 0: 40-bit IPA */
	struct kvm_vm vm;
	__u64 v;
	int dev;

	ASSERT_EQ(0, vm_create(&vm, 2, 0));
	dev = gic_create(vm.fd, 0);
	ASSERT_LE(0, dev) TH_LOG("KVM_CREATE_DEVICE: %s", strerror(-dev));

	/* Nothing set yet: the legacy redistributor base reads as undefined. */
	v = 0;
	EXPECT_EQ(0, gic_get(dev, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &v));
	EXPECT_EQ(~0ULL, v);

	EXPECT_EQ(-EINVAL, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_DIST, GIC_DIST_GPA + 0x1000));
	EXPECT_EQ(-EINVAL, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST,
					GIC_REDIST_GPA + 0x8000));
	EXPECT_EQ(-E2BIG, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_DIST, ipa_top));
	/* The end counts: 2 vCPUs' redistributors (256 KiB) from 64 KiB below the top. */
	EXPECT_EQ(-E2BIG, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST, ipa_top - 0x10000));
	/* The very last 64 KiB are fine for the distributor, but not set here. */

	EXPECT_EQ(0, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_DIST, GIC_DIST_GPA));
	EXPECT_EQ(-EEXIST, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_DIST, GIC_DIST_GPA));
	EXPECT_EQ(-EEXIST, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_DIST, 0x09000000));
	v = 0;
	EXPECT_EQ(0, gic_get(dev, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &v));
	EXPECT_EQ(GIC_DIST_GPA, v);

	/* Redistributors over the distributor. */
	EXPECT_EQ(-EINVAL, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST, GIC_DIST_GPA - 0x10000));
	EXPECT_EQ(0, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST, GIC_REDIST_GPA));
	EXPECT_EQ(-EEXIST, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST, GIC_REDIST_GPA));
	EXPECT_EQ(-EEXIST, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST, 0x0a000000));
	v = 0;
	EXPECT_EQ(0, gic_get(dev, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &v));
	EXPECT_EQ(GIC_REDIST_GPA, v);

	/*
	 * A region after the legacy base: index 0 is taken (EINVAL); index
	 * 1 KVM accepts, although the documentation calls mixing the two
	 * attributes invalid (vgic_v3_alloc_redist_region() only refuses a
	 * legacy base after regions).
	 */
	EXPECT_EQ(-EINVAL, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
					gic_redist_region(0x08100000, 1, 0)));
	EXPECT_EQ(0, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
				  gic_redist_region(0x08100000, 1, 1)));

	/* Unknown address types, and GICv2's. */
	EXPECT_EQ(-ENXIO, gic_set_addr(dev, 7, 0x0a000000));
	EXPECT_EQ(-ENXIO, gic_set_addr(dev, KVM_VGIC_V2_ADDR_TYPE_DIST, 0x0a000000));
	EXPECT_EQ(-ENXIO, gic_set_addr(dev, KVM_VGIC_V2_ADDR_TYPE_CPU, 0x0a000000));
	EXPECT_EQ(-EFAULT, gic_set(dev, KVM_DEV_ARM_VGIC_GRP_ADDR,
				   KVM_VGIC_V3_ADDR_TYPE_DIST, (void *)8));
	close(dev);
	vm_destroy(&vm);
}

/* Redistributor regions: then no legacy base, their own index/count/flags rules. */
TEST(redist_region_rules)
{
	struct kvm_vm vm;
	__u64 v;
	int dev;

	ASSERT_EQ(0, vm_create(&vm, 2, 0));
	dev = gic_create(vm.fd, 0);
	ASSERT_LE(0, dev);
	/* The first region must be index 0. */
	EXPECT_EQ(-EINVAL, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
					gic_redist_region(GIC_REDIST_GPA, 2, 1)));
	EXPECT_EQ(0, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
				  gic_redist_region(GIC_REDIST_GPA, 1, 0)));
	/* Mixed: a legacy base after a region. */
	EXPECT_EQ(-EINVAL, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST, 0x09000000));
	/* Index again, count 0, flags, overlap, a gap in the indices. */
	EXPECT_EQ(-EINVAL, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
					gic_redist_region(0x09000000, 1, 0)));
	EXPECT_EQ(-EINVAL, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
					gic_redist_region(0x09000000, 0, 1)));
	EXPECT_EQ(-EINVAL, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
					gic_redist_region(0x09000000, 1, 1) | 0x1000));
	EXPECT_EQ(-EINVAL, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
					gic_redist_region(GIC_REDIST_GPA + 0x10000, 1, 1)));
	EXPECT_EQ(-EINVAL, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
					gic_redist_region(0x09000000, 1, 2)));
	EXPECT_EQ(-E2BIG, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
				       gic_redist_region((1ULL << 40) - 0x10000, 1, 1)));
	EXPECT_EQ(0, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
				  gic_redist_region(0x09000000, 1, 1)));
	/* Read back by index; an index that does not exist: ENOENT. */
	v = 1;
	EXPECT_EQ(0, gic_get(dev, KVM_DEV_ARM_VGIC_GRP_ADDR,
			     KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, &v));
	EXPECT_EQ(gic_redist_region(0x09000000, 1, 1), v);
	v = 2;
	EXPECT_EQ(-ENOENT, gic_get(dev, KVM_DEV_ARM_VGIC_GRP_ADDR,
				   KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, &v));
	/*
	 * The distributor over a region is accepted here (KVM checks that
	 * overlap when the first vCPU runs: EINVAL then).
	 */
	EXPECT_EQ(0, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_DIST, GIC_REDIST_GPA));
	EXPECT_EQ(0, gic_init(dev));
	ASSERT_EQ(0, vm_load_code(&vm, 0, GUEST_RAM_GPA, guest_mmio_loop,
				  guest_mmio_loop_end));
	EXPECT_EQ(-EINVAL, vcpu_run(&vm, 0));
	close(dev);
	vm_destroy(&vm);
}

/*
 * KVM_DEV_ARM_VGIC_GRP_NR_IRQS: 64..1023 in steps of 32 (so at most 992:
 * KVM refuses 1024, which the documentation allows), once, and not after
 * the initialisation fixed the default of 256.
 */
TEST(nr_irqs_rules)
{
	static const __u32 bad[] = { 0, 32, 48, 63, 65, 100, 1024, 1056, 0x10000 };
	struct kvm_vm vm;
	unsigned int i;
	__u32 n;
	int dev;

	ASSERT_EQ(0, vm_create(&vm, 1, 0));
	dev = gic_create(vm.fd, 0);
	ASSERT_LE(0, dev);
	n = 0;
	EXPECT_EQ(0, gic_get(dev, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &n));
	EXPECT_EQ(32, n);	/* no SPIs yet */
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, gic_set_nr_irqs(dev, bad[i])) TH_LOG("%u", bad[i]);
	EXPECT_EQ(-EFAULT, gic_set(dev, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, (void *)8));
	EXPECT_EQ(0, gic_set_nr_irqs(dev, 992));
	EXPECT_EQ(-EBUSY, gic_set_nr_irqs(dev, 992));
	EXPECT_EQ(-EBUSY, gic_set_nr_irqs(dev, 64));
	EXPECT_EQ(0, gic_get(dev, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &n));
	EXPECT_EQ(992, n);
	close(dev);
	vm_destroy(&vm);

	ASSERT_EQ(0, vm_create(&vm, 1, 0));
	dev = gic_create(vm.fd, 0);
	ASSERT_LE(0, dev);
	EXPECT_EQ(0, gic_init(dev));
	EXPECT_EQ(0, gic_get(dev, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &n));
	EXPECT_EQ(256, n);
	EXPECT_EQ(-EBUSY, gic_set_nr_irqs(dev, 128));
	/* GICD_TYPER.ITLinesNumber follows: 256 / 32 - 1. */
	EXPECT_EQ(7, dist_reg(_metadata, dev, GICD_TYPER) & 0x1f);
	close(dev);
	vm_destroy(&vm);
}

/*
 * KVM_DEV_ARM_VGIC_CTRL_INIT: may come twice, closes vCPU creation
 * (EBUSY); without addresses the first KVM_RUN fails (ENXIO); without it,
 * too (EBUSY); the register groups and KVM_IRQ_LINE wait for it (EBUSY).
 */
TEST(init_rules)
{
	struct kvm_irqfd irqfd = { .gsi = 0 };
	struct kvm_vm vm;
	__u64 v64;
	__u32 v;
	int dev, r;

	/* Initialised before any address was set. */
	ASSERT_EQ(0, vm_create(&vm, 1, 0));
	dev = gic_create(vm.fd, 0);
	ASSERT_LE(0, dev);
	EXPECT_EQ(-EBUSY, gic_dist(dev, GICD_CTLR, &v, 0));
	EXPECT_EQ(-EBUSY, gic_redist(dev, 0, GICR_TYPER, &v, 0));
	EXPECT_EQ(-EBUSY, gic_icc(dev, 0, ICC_ATTR_PMR, &v64, 0));
	EXPECT_EQ(-EBUSY, gic_level(dev, 0, 0, &v, 0));
	EXPECT_EQ(-EBUSY, gic_spi(&vm, 32, 1));
	EXPECT_EQ(-EBUSY, gic_ppi(&vm, 0, 16, 1));
	EXPECT_EQ(-EINVAL, gic_ppi(&vm, 1, 16, 1));	/* no vCPU 1 */
	irqfd.fd = eventfd(0, EFD_CLOEXEC);
	EXPECT_EQ(-EAGAIN, kioctlp(vm.fd, KVM_IRQFD, &irqfd));
	close(irqfd.fd);
	EXPECT_EQ(0, gic_init(dev));
	EXPECT_EQ(0, gic_init(dev));
	r = ioctl(vm.fd, KVM_CREATE_VCPU, 1);
	EXPECT_EQ(-1, r);
	EXPECT_EQ(EBUSY, errno);
	if (r >= 0)
		close(r);
	ASSERT_EQ(0, vm_load_code(&vm, 0, GUEST_RAM_GPA, guest_mmio_loop,
				  guest_mmio_loop_end));
	EXPECT_EQ(-ENXIO, vcpu_run(&vm, 0));
	/* ... and marks the VM dead (kvm_vgic_map_resources(): EIO from then on). */
	EXPECT_EQ(-EIO, vcpu_run(&vm, 0));
	EXPECT_EQ(-EIO, kioctl(vm.fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP));
	close(dev);
	vm_destroy(&vm);

	/* Addresses, no initialisation. */
	ASSERT_EQ(0, vm_create(&vm, 1, 0));
	dev = gic_create(vm.fd, 0);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_DIST, GIC_DIST_GPA));
	ASSERT_EQ(0, gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST, GIC_REDIST_GPA));
	ASSERT_EQ(0, vm_load_code(&vm, 0, GUEST_RAM_GPA, guest_mmio_loop,
				  guest_mmio_loop_end));
	EXPECT_EQ(-EBUSY, vcpu_run(&vm, 0));
	close(dev);
	vm_destroy(&vm);
}

/* The register groups and KVM_IRQ_LINE of an initialised vGIC: ranges and errnos. */
TEST(regs_and_lines)
{
	struct kvm_vm vm;
	__u64 v64;
	__u32 v;
	int dev;

	dev = vgic_vm(_metadata, &vm, 2);
	ASSERT_LE(0, dev);

	/* SPIs 32..NR_IRQS-1; PPIs 16..31 of an existing vCPU. */
	EXPECT_EQ(-EINVAL, gic_spi(&vm, 31, 1));
	EXPECT_EQ(-EINVAL, gic_spi(&vm, 0, 1));
	EXPECT_EQ(-EINVAL, gic_spi(&vm, NR_IRQS, 1));
	EXPECT_EQ(-EINVAL, gic_spi(&vm, 1020, 1));
	EXPECT_EQ(0, gic_spi(&vm, NR_IRQS - 1, 1));
	EXPECT_EQ(0, gic_spi(&vm, NR_IRQS - 1, 0));
	EXPECT_EQ(-EINVAL, gic_ppi(&vm, 0, 15, 1));
	EXPECT_EQ(-EINVAL, gic_ppi(&vm, 0, 32, 1));
	EXPECT_EQ(-EINVAL, gic_ppi(&vm, 2, 16, 1));
	EXPECT_EQ(0, gic_ppi(&vm, 1, 16, 1));
	EXPECT_EQ(0, gic_ppi(&vm, 1, 16, 0));
	EXPECT_EQ(-EINVAL, gic_irq_line(&vm, 3, 0, 40, 1));	/* no such type */
	EXPECT_EQ(-ENXIO, gic_irq_line(&vm, KVM_ARM_IRQ_TYPE_CPU, 0, 0, 1));

	/*
	 * Line levels are kept for level-sensitive interrupts only (PPIs at
	 * reset; SPIs start edge-triggered): an edge SPI raised is a latched
	 * pending bit (ISPENDR through DIST_REGS), no level. SPIs for any
	 * vCPU, PPIs per vCPU.
	 */
	EXPECT_EQ(0, gic_spi(&vm, 40, 1));
	EXPECT_EQ(0, gic_ppi(&vm, 1, 20, 1));
	EXPECT_EQ(0, level_info(_metadata, dev, 0, 32));
	/* SPI 63 too: raising and lowering an edge SPI leaves it latched. */
	EXPECT_EQ((1U << 31) | (1U << 8), dist_reg(_metadata, dev, GICD_ISPENDR + 4));
	EXPECT_EQ(0, level_info(_metadata, dev, 0, 0));
	EXPECT_EQ(1U << 20, level_info(_metadata, dev, 1, 0));
	EXPECT_EQ(0, redist_reg(_metadata, dev, 1, GICR_ISPENDR0));
	EXPECT_EQ(0, gic_spi(&vm, 40, 0));
	v = 0;
	EXPECT_EQ(0, gic_dist(dev, GICD_ISPENDR + 4, &v, 1));
	EXPECT_EQ(0, dist_reg(_metadata, dev, GICD_ISPENDR + 4));
	/* SPIs 32..47 level-sensitive (ICFGR2 through DIST_REGS). */
	v = 0;
	EXPECT_EQ(0, gic_dist(dev, GICD_ICFGR + 8, &v, 1));
	EXPECT_EQ(0, dist_reg(_metadata, dev, GICD_ICFGR + 8));
	EXPECT_EQ(0, gic_spi(&vm, 40, 1));
	EXPECT_EQ(1U << 8, level_info(_metadata, dev, 0, 32));
	EXPECT_EQ(1U << 8, level_info(_metadata, dev, 1, 32));
	EXPECT_EQ(0, dist_reg(_metadata, dev, GICD_ISPENDR + 4));
	EXPECT_EQ(0, gic_spi(&vm, 40, 0));
	EXPECT_EQ(0, level_info(_metadata, dev, 0, 32));
	/* LEVEL_INFO: multiples of 32, the one info kind. */
	EXPECT_EQ(-EINVAL, gic_level(dev, 0, 33, &v, 0));
	EXPECT_EQ(-EINVAL, gic_get(dev, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO,
				   (1ULL << KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT) | 32, &v));
	EXPECT_EQ(-EINVAL, gic_level(dev, 5, 0, &v, 0));

	/* Distributor: IIDR of KVM's, TYPER with 2 x 32 lines. */
	EXPECT_EQ(1, dist_reg(_metadata, dev, GICD_TYPER) & 0x1f);
	v = dist_reg(_metadata, dev, GICD_IIDR);
	EXPECT_EQ(0x43b, v & 0xfff) TH_LOG("GICD_IIDR %#x: implementer ARM", v);
	/* A write of another product id: EINVAL. */
	v ^= 0x1000000;
	EXPECT_EQ(-EINVAL, gic_dist(dev, GICD_IIDR, &v, 1));
	/* Offsets without a register: reads as 0, writes ignored (no error). */
	v = 0x1234;
	EXPECT_EQ(0, gic_dist(dev, 0x5000, &v, 0));
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, gic_dist(dev, 0x5000, &v, 1));
	/* Redistributors: GICR_TYPER names the vCPU and the last one. */
	EXPECT_EQ(0, redist_reg(_metadata, dev, 0, GICR_TYPER) & 0xffff10);
	EXPECT_EQ(0x110, redist_reg(_metadata, dev, 1, GICR_TYPER) & 0xffff10);
	EXPECT_EQ(1, redist_reg(_metadata, dev, 1, GICR_TYPER + 4));
	EXPECT_EQ(-EINVAL, gic_redist(dev, 2, GICR_TYPER, &v, 0));
	/* SGIs are enabled at reset in KVM's vGIC; PPIs are not. */
	EXPECT_EQ(0xffff, redist_reg(_metadata, dev, 1, GICR_ISENABLER0));
	/* CPU interface: the system register interface is always on. */
	v64 = 0;
	EXPECT_EQ(0, gic_icc(dev, 1, ICC_ATTR_SRE, &v64, 0));
	EXPECT_EQ(7, v64 & 7);
	v64 = 0xf0;
	EXPECT_EQ(0, gic_icc(dev, 1, ICC_ATTR_PMR, &v64, 1));
	v64 = 0;
	EXPECT_EQ(0, gic_icc(dev, 1, ICC_ATTR_PMR, &v64, 0));
	EXPECT_EQ(0xf0, v64);
	v64 = 0;
	EXPECT_EQ(0, gic_icc(dev, 0, ICC_ATTR_PMR, &v64, 0));
	EXPECT_EQ(0, v64);
	/* SRE cannot be turned off. */
	v64 = 0;
	EXPECT_EQ(-EINVAL, gic_icc(dev, 1, ICC_ATTR_SRE, &v64, 1));
	/* Not a CPU interface register (sys_regs: ENOENT); a vCPU that is not there. */
	EXPECT_EQ(-ENOENT, gic_icc(dev, 0, ICC_ATTR(3, 0, 0, 0, 0), &v64, 0));
	EXPECT_EQ(-EINVAL, gic_icc(dev, 5, ICC_ATTR_PMR, &v64, 0));
	close(dev);
	vm_destroy(&vm);
}

/* ==== delivery ==== */

/* vCPU 1: SGIs on, ready flag at x21, WFI until 16 came, report the count. */
GUEST_CODE(guest_sgi_receiver,
	   GIC_GUEST_SETUP
	   "mov x9, #1\n str x9, [x21]\n"
	   "mov x19, #16\n"
	   GIC_GUEST_WAIT_LOG("x19")
	   "str x9, [x22]\n b .\n");

/*
 * vCPU 0: once vCPU 1 is ready, SGIs 0..14 to it by target list, SGI 15
 * to all but itself (IRM), each after the previous was taken (vCPU 1's
 * log count at x23); report 16.
 */
GUEST_CODE(guest_sgi_sender,
	   GIC_GUEST_SETUP
	   "1: ldr x9, [x21]\n cbz x9, 1b\n"
	   "mov x19, #0\n"
	   "2: lsl x9, x19, #24\n orr x9, x9, #2\n"
	   "cmp x19, #15\n b.ne 3f\n"
	   "movz x9, #0x0f00, lsl #16\n orr x9, x9, #0x10000000000\n"
	   "3: msr " ICC_SGI1R_EL1 ", x9\n isb\n"
	   "add x19, x19, #1\n"
	   "4: ldr x9, [x23]\n cmp x9, x19\n b.lo 4b\n"
	   "cmp x19, #16\n b.lo 2b\n"
	   "str x19, [x22]\n b .\n");

/*
 * SGIs from vCPU 0 (ICC_SGI1R_EL1) wake vCPU 1, which sleeps in WFI in its
 * KVM_RUN, one by one; each is taken once, with its INTID; the broadcast
 * one does not reach the sender.
 */
TEST(sgi_to_waiting_vcpu)
{
	struct vrunner r0, r1;
	struct gic_cfg cfg;
	struct kvm_vm vm;
	__u64 *flag, *log1;
	int dev, i, ret;

	install_kick_signal();
	dev = vgic_vm(_metadata, &vm, 2);
	ASSERT_LE(0, dev);
	guest_prep(_metadata, &vm, 0, guest_sgi_sender, guest_sgi_sender_end, &cfg);
	guest_prep(_metadata, &vm, 1, guest_sgi_receiver, guest_sgi_receiver_end, &cfg);
	gic_cfg_dist_enable(&cfg);
	for (i = 0; i < 16; i++)
		gic_cfg_irq(&cfg, 1, i, 0x80, 1);
	flag = vm_gpa(&vm, FLAGS_GPA);
	*flag = 0;
	for (i = 0; i < 2; i++)
		setx(_metadata, &vm, i, 21, FLAGS_GPA);
	setx(_metadata, &vm, 0, 23, LOG_GPA(1));
	setx(_metadata, &vm, 0, 20, 0);

	ASSERT_EQ(0, vr_start(&r1, &vm, 1, 1));
	for (i = 0; i < 5000 && !__atomic_load_n(flag, __ATOMIC_SEQ_CST); i++)
		usleep(2000);
	EXPECT_EQ(1, *flag) TH_LOG("vCPU 1 did not get ready");
	EXPECT_TRUE(runner_blocks(&r1.r)) TH_LOG("vCPU 1 does not sleep in WFI");
	ASSERT_EQ(0, vr_start(&r0, &vm, 0, 1));
	ret = vr_wait(&r0, WAIT_S);
	EXPECT_EQ(0, ret) TH_LOG("vCPU 0: %s, vCPU 1 took %llu", strerror(-ret),
				 (unsigned long long)glog(&vm, 1)[0]);
	ret = vr_wait(&r1, WAIT_S);
	ASSERT_EQ(0, ret) TH_LOG("vCPU 1: %s", strerror(-ret));
	expect_mmio(_metadata, &vm, 0, 0, 16);
	expect_mmio(_metadata, &vm, 1, 0, 16);
	log1 = glog(&vm, 1);
	EXPECT_EQ(16, log1[0]);
	for (i = 0; i < 16; i++)
		EXPECT_EQ(i, log1[2 + i]);
	EXPECT_EQ(0, glog(&vm, 0)[0]);
	/* Nothing left pending: SGI 15 went to vCPU 1 only. */
	EXPECT_EQ(0, redist_reg(_metadata, dev, 0, GICR_ISPENDR0));
	EXPECT_EQ(0, redist_reg(_metadata, dev, 1, GICR_ISPENDR0));
	EXPECT_EQ(0, redist_reg(_metadata, dev, 1, GICR_ISACTIVER0));
	close(dev);
	vm_destroy(&vm);
}

/*
 * Configured (report +0, IRQs masked), then unmasked: WFI until x21
 * interrupts came, a while longer for any extra, report the count at +8.
 */
GUEST_CODE(guest_take_n,
	   GIC_GUEST_SETUP
	   "str xzr, [x22]\n"
	   GIC_GUEST_WAIT_LOG("x21")
	   "mov x9, #0x8000\n 2: subs x9, x9, #1\n b.ne 2b\n"
	   "ldr x9, [x25]\n str x9, [x22, #8]\n b .\n");

#define BURST	16

/*
 * BURST edge SPIs raised by KVM_IRQ_LINE while the guest has IRQs masked
 * (more than any list registers: QEMU's GICv3 has 4): each taken exactly
 * once; with distinct priorities, highest first (the highest INTID has the
 * highest priority here, so neither INTID nor raising order gives it).
 */
static void spi_burst(struct __test_metadata *_metadata, int distinct)
{
	struct gic_cfg cfg;
	struct kvm_vm vm;
	__u64 *log;
	int dev, i, seen[BURST] = { 0 };

	dev = vgic_vm(_metadata, &vm, 1);
	ASSERT_LE(0, dev);
	guest_prep(_metadata, &vm, 0, guest_take_n, guest_take_n_end, &cfg);
	setx(_metadata, &vm, 0, 21, BURST);
	gic_cfg_dist_enable(&cfg);
	for (i = 0; i < BURST; i++)
		gic_cfg_irq(&cfg, 0, GIC_SPI(i), distinct ? 0x80 - 8 * i : 0xa0, 1);
	RUN_EXPECT(&vm, 0, 0, 0);
	for (i = 0; i < BURST; i++) {
		ASSERT_EQ(0, gic_spi(&vm, GIC_SPI(i), 1));
		ASSERT_EQ(0, gic_spi(&vm, GIC_SPI(i), 0));
	}
	/* Latched, as DIST_REGS shows ISPENDR. */
	EXPECT_EQ((1U << BURST) - 1, dist_reg(_metadata, dev, GICD_ISPENDR + 4));
	RUN_EXPECT(&vm, 0, 8, BURST);
	log = glog(&vm, 0);
	for (i = 0; i < BURST; i++) {
		__u64 id = log[2 + i];

		if (distinct)
			EXPECT_EQ(GIC_SPI(BURST - 1 - i), id) TH_LOG("interrupt %d", i);
		ASSERT_TRUE(id >= GIC_SPI(0) && id < GIC_SPI(BURST))
			TH_LOG("INTID %llu", (unsigned long long)id);
		seen[id - GIC_SPI(0)]++;
	}
	for (i = 0; i < BURST; i++) {
		int n = seen[i];

		EXPECT_EQ(1, n) TH_LOG("SPI %d taken %d times", GIC_SPI(i), n);
	}
	EXPECT_EQ(0, dist_reg(_metadata, dev, GICD_ISPENDR + 4));
	EXPECT_EQ(0, dist_reg(_metadata, dev, GICD_ISACTIVER + 4));
	close(dev);
	vm_destroy(&vm);
}

TEST(spi_burst_priority_order)
{
	spi_burst(_metadata, 1);
}

TEST(spi_burst_same_priority)
{
	spi_burst(_metadata, 0);
}

/*
 * A level-sensitive SPI held high by KVM_IRQ_LINE is taken again after
 * each EOI; lowered while the guest handles it (active, as ISACTIVER
 * shows), it is not taken again.
 */
TEST(level_spi_until_lowered)
{
	const __u32 spi = GIC_SPI(8);
	struct gic_cfg cfg;
	struct kvm_vm vm;
	int dev, k;

	dev = vgic_vm(_metadata, &vm, 1);
	ASSERT_LE(0, dev);
	guest_prep(_metadata, &vm, 0, guest_take_n, guest_take_n_end, &cfg);
	setx(_metadata, &vm, 0, 21, 3);
	setx(_metadata, &vm, 0, 26, GUEST_MMIO_GPA + IRQ_REPORT);
	gic_cfg_dist_enable(&cfg);
	gic_cfg_irq(&cfg, 0, spi, 0xa0, 0);
	RUN_EXPECT(&vm, 0, 0, 0);
	/* Level-sensitive, as the guest configured. */
	EXPECT_EQ(0, dist_reg(_metadata, dev, GICD_ICFGR + 8) & (2U << 16));
	ASSERT_EQ(0, gic_spi(&vm, spi, 1));
	EXPECT_EQ(1U << 8, level_info(_metadata, dev, 0, 32));
	for (k = 1; k <= 3; k++) {
		RUN_EXPECT(&vm, 0, IRQ_REPORT, spi);
		EXPECT_EQ(1U << 8, dist_reg(_metadata, dev, GICD_ISACTIVER + 4))
			TH_LOG("delivery %d", k);
	}
	ASSERT_EQ(0, gic_spi(&vm, spi, 0));
	EXPECT_EQ(0, level_info(_metadata, dev, 0, 32));
	RUN_EXPECT(&vm, 0, 8, 3);
	EXPECT_EQ(0, dist_reg(_metadata, dev, GICD_ISACTIVER + 4));
	EXPECT_EQ(0, dist_reg(_metadata, dev, GICD_ISPENDR + 4));
	close(dev);
	vm_destroy(&vm);
}

/*
 * The virtual (x24 0) or physical timer (x24 1) every x21 ticks, x23
 * times: the hook (80:) re-arms it until the last, then turns it off. WFI
 * in between; report the count.
 */
GUEST_CODE(guest_timer,
	   GIC_GUEST_SETUP
	   "adr x27, 80f\n"
	   "cbnz x24, 1f\n"
	   "mrs x9, cntvct_el0\n add x9, x9, x21\n msr cntv_cval_el0, x9\n"
	   "mov x9, #1\n msr cntv_ctl_el0, x9\n b 2f\n"
	   "1: mrs x9, cntpct_el0\n add x9, x9, x21\n msr cntp_cval_el0, x9\n"
	   "mov x9, #1\n msr cntp_ctl_el0, x9\n"
	   "2: isb\n"
	   GIC_GUEST_WAIT_LOG("x23")
	   "str x9, [x22]\n b .\n"
	   "80: ldr x5, [x25]\n cmp x5, x23\n b.hs 82f\n"
	   "cbnz x24, 81f\n"
	   "mrs x5, cntv_cval_el0\n add x5, x5, x21\n msr cntv_cval_el0, x5\n isb\n ret\n"
	   "81: mrs x5, cntp_cval_el0\n add x5, x5, x21\n msr cntp_cval_el0, x5\n isb\n ret\n"
	   "82: msr cntv_ctl_el0, xzr\n msr cntp_ctl_el0, xzr\n isb\n ret\n");

#define TICKS	3

/*
 * The guest's timer interrupts reach it through the vGIC while its vCPU
 * sleeps in WFI in the kernel: one KVM_RUN, no return to userspace (no
 * KVM_EXIT_INTR as with a userspace irqchip) until the guest reports.
 */
static void timer_wakes_wfi(struct __test_metadata *_metadata, int phys)
{
	__u32 ppi = phys ? GIC_PPI_PTIMER : GIC_PPI_VTIMER;
	__u64 period = cntfrq() / 5;	/* 200 ms */
	struct gic_cfg cfg;
	struct vrunner v;
	struct kvm_vm vm;
	double t0, dt;
	int dev, ret, i;

	ASSERT_NE(0, period);
	install_kick_signal();
	dev = vgic_vm(_metadata, &vm, 1);
	ASSERT_LE(0, dev);
	guest_prep(_metadata, &vm, 0, guest_timer, guest_timer_end, &cfg);
	setx(_metadata, &vm, 0, 24, phys);
	setx(_metadata, &vm, 0, 21, period);
	setx(_metadata, &vm, 0, 23, TICKS);
	gic_cfg_dist_enable(&cfg);
	gic_cfg_irq(&cfg, 0, ppi, 0x80, 0);
	t0 = now_s();
	ASSERT_EQ(0, vr_start(&v, &vm, 0, 0));
	EXPECT_TRUE(runner_blocks(&v.r)) TH_LOG("the vCPU does not sleep in WFI");
	ret = vr_wait(&v, WAIT_S);
	dt = v.r.t_end - t0;
	ASSERT_EQ(0, ret) TH_LOG("KVM_RUN: %s (exit %u), %llu ticks", strerror(-ret),
				 vm.run[0]->exit_reason,
				 (unsigned long long)glog(&vm, 0)[0]);
	expect_mmio(_metadata, &vm, 0, 0, TICKS);
	for (i = 0; i < TICKS; i++)
		EXPECT_EQ(ppi, glog(&vm, 0)[2 + i]);
	/* Emulated clocks differ a little: some slack. */
	EXPECT_GT(dt, 0.8 * TICKS * 0.2) TH_LOG("%.3f s", dt);
	EXPECT_EQ(0, redist_reg(_metadata, dev, 0, GICR_ISACTIVER0));
	close(dev);
	vm_destroy(&vm);
}

TEST(vtimer_wakes_wfi)
{
	timer_wakes_wfi(_metadata, 0);
}

TEST(ptimer_wakes_wfi)
{
	timer_wakes_wfi(_metadata, 1);
}

/* vCPU 1: ready flag at x21, WFI until x24 SGIs came, report the count. */
GUEST_CODE(guest_sgi_count,
	   GIC_GUEST_SETUP
	   "mov x9, #1\n str x9, [x21]\n"
	   GIC_GUEST_WAIT_LOG("x24")
	   "str x9, [x22]\n b .\n");

/*
 * vCPU 0: once vCPU 1 is ready, x28 times: x24 counter ticks after vCPU 1
 * took the previous one (its log count at x23), SGI 0 to it; report.
 */
GUEST_CODE(guest_sgi_paced,
	   GIC_GUEST_SETUP
	   "1: ldr x9, [x21]\n cbz x9, 1b\n"
	   "mov x19, #0\n"
	   "2: mrs x10, cntvct_el0\n add x10, x10, x24\n"
	   "3: isb\n mrs x9, cntvct_el0\n cmp x9, x10\n b.lo 3b\n"
	   "mov x9, #2\n msr " ICC_SGI1R_EL1 ", x9\n isb\n"
	   "add x19, x19, #1\n"
	   "4: ldr x9, [x23]\n cmp x9, x19\n b.lo 4b\n"
	   "cmp x19, x28\n b.lo 2b\n"
	   "str x19, [x22]\n b .\n");

#define GAPS	200

/*
 * Halt polling: vCPU 0 sends vCPU 1 an SGI 100 us (guest counter) after
 * vCPU 1 took the previous one, so that each of vCPU 1's WFIs is short;
 * with the VM's bound raised to 50 ms by KVM_CAP_HALT_POLL (the default,
 * 500 us, is less than such a halt lasts on a loaded emulator), vCPU 1's
 * polling window grows until the SGI comes while it polls, and halts end
 * without sleeping. vCPU 1's halt_*poll* statistics (KVM's names) say so
 * and agree with each other. The cap's bad inputs: EINVAL.
 */
TEST(halt_polling)
{
	long long attempted, successful, invalid, ok_ns, fail_ns;
	struct kvm_enable_cap cap;
	struct vrunner r0, r1;
	struct gic_cfg cfg;
	struct kvm_vm vm;
	struct stats st;
	int dev, ret, fd, i;
	__u64 *flag;

	install_kick_signal();
	dev = vgic_vm(_metadata, &vm, 2);
	ASSERT_LE(0, dev);
	guest_prep(_metadata, &vm, 0, guest_sgi_paced, guest_sgi_paced_end, &cfg);
	guest_prep(_metadata, &vm, 1, guest_sgi_count, guest_sgi_count_end, &cfg);
	gic_cfg_dist_enable(&cfg);
	gic_cfg_irq(&cfg, 1, 0, 0x80, 1);
	flag = vm_gpa(&vm, FLAGS_GPA);
	*flag = 0;
	for (i = 0; i < 2; i++)
		setx(_metadata, &vm, i, 21, FLAGS_GPA);
	setx(_metadata, &vm, 0, 20, 0);		/* the table is vCPU 1's */
	setx(_metadata, &vm, 0, 23, LOG_GPA(1));
	setx(_metadata, &vm, 0, 24, cntfrq() / 10000);
	setx(_metadata, &vm, 0, 28, GAPS);
	setx(_metadata, &vm, 1, 24, GAPS);
	fd = ioctl(vm.vcpu[1], KVM_GET_STATS_FD, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, stats_read(fd, &st));
	ASSERT_EQ(1, kioctl(vm.fd, KVM_CHECK_EXTENSION, KVM_CAP_HALT_POLL));
	memset(&cap, 0, sizeof(cap));
	cap.cap = KVM_CAP_HALT_POLL;
	cap.args[0] = 1ULL << 32;
	EXPECT_EQ(-EINVAL, kioctlp(vm.fd, KVM_ENABLE_CAP, &cap));
	cap.args[0] = 50000000;
	cap.flags = 1;
	EXPECT_EQ(-EINVAL, kioctlp(vm.fd, KVM_ENABLE_CAP, &cap));
	cap.flags = 0;
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_ENABLE_CAP, &cap));

	ASSERT_EQ(0, vr_start(&r1, &vm, 1, 1));
	ASSERT_EQ(0, vr_start(&r0, &vm, 0, 1));
	ret = vr_wait(&r0, WAIT_S);
	EXPECT_EQ(0, ret) TH_LOG("vCPU 0: %s, vCPU 1 took %llu", strerror(-ret),
				 (unsigned long long)glog(&vm, 1)[0]);
	ret = vr_wait(&r1, WAIT_S);
	ASSERT_EQ(0, ret) TH_LOG("vCPU 1: %s", strerror(-ret));
	expect_mmio(_metadata, &vm, 1, 0, GAPS);
	attempted = stat_value(fd, &st, "halt_attempted_poll");
	successful = stat_value(fd, &st, "halt_successful_poll");
	invalid = stat_value(fd, &st, "halt_poll_invalid");
	ok_ns = stat_value(fd, &st, "halt_poll_success_ns");
	fail_ns = stat_value(fd, &st, "halt_poll_fail_ns");
	TH_LOG("vCPU 1: %lld WFI exits; %lld halts polled, %lld ended by polling",
	       stat_value(fd, &st, "wfi_exit_stat"), attempted, successful);
	TH_LOG("(%lld ns polled), the others slept (%lld ns polled)", ok_ns,
	       fail_ns);
	EXPECT_LT(0, successful);
	EXPECT_LE(successful, attempted);
	EXPECT_LE(0, invalid);
	EXPECT_LE(invalid, successful);
	EXPECT_LT(0, ok_ns);
	EXPECT_LE(0, fail_ns);
	free(st.desc);
	close(fd);
	close(dev);
	vm_destroy(&vm);
}

/*
 * Configured (report +0), then IRQs unmasked and, round after round, WFI
 * until one more interrupt came, report the count at +8.
 */
GUEST_CODE(guest_rounds,
	   GIC_GUEST_SETUP
	   "str xzr, [x22]\n"
	   "mov x19, #0\n"
	   "1: add x19, x19, #1\n"
	   GIC_GUEST_WAIT_LOG("x19")
	   "str x9, [x22, #8]\n b 1b\n");

static int readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static void efd_write(struct __test_metadata *_metadata, int fd)
{
	__u64 one = 1;

	ASSERT_EQ(8, write(fd, &one, 8));
}

/*
 * KVM_IRQFD with KVM_IRQFD_FLAG_RESAMPLE on a level SPI: a write raises
 * the line; the guest, woken in WFI, takes the interrupt; only its EOI
 * signals the resample eventfd, and the line is low again.
 */
TEST(irqfd_level_resample)
{
	const __u32 spi = GIC_SPI(8);
	struct kvm_irqfd irqfd;
	struct gic_cfg cfg;
	struct vrunner v;
	struct kvm_vm vm;
	int dev, efd, rfd, k, ret;
	__u64 cnt;

	install_kick_signal();
	dev = vgic_vm(_metadata, &vm, 1);
	ASSERT_LE(0, dev);
	guest_prep(_metadata, &vm, 0, guest_rounds, guest_rounds_end, &cfg);
	setx(_metadata, &vm, 0, 26, GUEST_MMIO_GPA + IRQ_REPORT);
	gic_cfg_dist_enable(&cfg);
	gic_cfg_irq(&cfg, 0, spi, 0xa0, 0);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	rfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ASSERT_LE(0, rfd);
	memset(&irqfd, 0, sizeof(irqfd));
	irqfd.fd = efd;
	irqfd.gsi = spi - 32;
	irqfd.flags = KVM_IRQFD_FLAG_RESAMPLE;
	irqfd.resamplefd = rfd;
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_IRQFD, &irqfd));
	/* The same eventfd twice: EBUSY. */
	EXPECT_EQ(-EBUSY, kioctlp(vm.fd, KVM_IRQFD, &irqfd));

	RUN_EXPECT(&vm, 0, 0, 0);
	for (k = 1; k <= 2; k++) {
		ASSERT_EQ(0, vr_start(&v, &vm, 0, 1));
		EXPECT_TRUE(runner_blocks(&v.r)) TH_LOG("round %d: no WFI sleep", k);
		efd_write(_metadata, efd);
		ret = vr_wait(&v, WAIT_S);
		ASSERT_EQ(0, ret) TH_LOG("round %d: %s", k, strerror(-ret));
		expect_mmio(_metadata, &vm, 0, IRQ_REPORT, spi);
		/* Taken, not yet EOIed: no resample, the line still high. */
		EXPECT_FALSE(readable(rfd, 0)) TH_LOG("round %d", k);
		EXPECT_EQ(1U << 8, level_info(_metadata, dev, 0, 32));
		RUN_EXPECT(&vm, 0, 8, k);
		EXPECT_TRUE(readable(rfd, 1000)) TH_LOG("round %d: no resample", k);
		cnt = 0;
		EXPECT_EQ(8, read(rfd, &cnt, 8));
		EXPECT_EQ(1, cnt);
		EXPECT_EQ(0, level_info(_metadata, dev, 0, 32));
	}
	/* Deassigned: a write does nothing. */
	irqfd.flags = KVM_IRQFD_FLAG_DEASSIGN;
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_IRQFD, &irqfd));
	ASSERT_EQ(0, vr_start(&v, &vm, 0, 1));
	efd_write(_metadata, efd);
	EXPECT_TRUE(runner_blocks(&v.r));
	EXPECT_EQ(-ETIMEDOUT, vr_wait(&v, 0.3));
	EXPECT_EQ(2, glog(&vm, 0)[0]);
	EXPECT_EQ(0, level_info(_metadata, dev, 0, 32));
	close(efd);
	close(rfd);
	close(dev);
	vm_destroy(&vm);
}

/*
 * KVM_IRQFD on an edge SPI: each write, one interrupt to the guest waiting
 * in WFI; two writes while the vCPU is out of the guest, one interrupt.
 */
TEST(irqfd_edge)
{
	const __u32 spi = GIC_SPI(9);
	struct kvm_irqfd irqfd;
	struct gic_cfg cfg;
	struct vrunner v;
	struct kvm_vm vm;
	int dev, efd, k, ret;

	install_kick_signal();
	dev = vgic_vm(_metadata, &vm, 1);
	ASSERT_LE(0, dev);
	guest_prep(_metadata, &vm, 0, guest_rounds, guest_rounds_end, &cfg);
	setx(_metadata, &vm, 0, 26, GUEST_MMIO_GPA + IRQ_REPORT);
	gic_cfg_dist_enable(&cfg);
	gic_cfg_irq(&cfg, 0, spi, 0xa0, 1);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	memset(&irqfd, 0, sizeof(irqfd));
	irqfd.fd = efd;
	irqfd.gsi = spi - 32;
	ASSERT_EQ(0, kioctlp(vm.fd, KVM_IRQFD, &irqfd));

	RUN_EXPECT(&vm, 0, 0, 0);
	for (k = 1; k <= 3; k++) {
		ASSERT_EQ(0, vr_start(&v, &vm, 0, 1));
		EXPECT_TRUE(runner_blocks(&v.r)) TH_LOG("round %d: no WFI sleep", k);
		efd_write(_metadata, efd);
		ret = vr_wait(&v, WAIT_S);
		ASSERT_EQ(0, ret) TH_LOG("round %d: %s", k, strerror(-ret));
		expect_mmio(_metadata, &vm, 0, IRQ_REPORT, spi);
		RUN_EXPECT(&vm, 0, 8, k);
	}
	/* Two writes while the vCPU is in userspace: one edge latched. */
	efd_write(_metadata, efd);
	efd_write(_metadata, efd);
	usleep(100000);
	RUN_EXPECT(&vm, 0, IRQ_REPORT, spi);
	RUN_EXPECT(&vm, 0, 8, 4);
	ASSERT_EQ(0, vr_start(&v, &vm, 0, 1));
	EXPECT_TRUE(runner_blocks(&v.r)) TH_LOG("a second interrupt came");
	EXPECT_EQ(-ETIMEDOUT, vr_wait(&v, 0.1));
	EXPECT_EQ(4, glog(&vm, 0)[0]);
	irqfd.flags = KVM_IRQFD_FLAG_DEASSIGN;
	EXPECT_EQ(0, kioctlp(vm.fd, KVM_IRQFD, &irqfd));
	/* Not assigned (any more). */
	EXPECT_EQ(0, kioctlp(vm.fd, KVM_IRQFD, &irqfd));
	close(efd);
	close(dev);
	vm_destroy(&vm);
}

/* ==== state ==== */

/*
 * Configure (table), PMR 0xe0, BPR1 3, report +0 with IRQs masked; then
 * unmasked, WFI until 3 interrupts came, report the count at +8.
 */
GUEST_CODE(guest_state,
	   GIC_GUEST_SETUP
	   "mov x9, #0xe0\n msr " ICC_PMR_EL1 ", x9\n"
	   "mov x9, #3\n msr " ICC_BPR1_EL1 ", x9\n isb\n"
	   "str xzr, [x22]\n"
	   "mov x19, #3\n"
	   GIC_GUEST_WAIT_LOG("x19")
	   "str x9, [x22, #8]\n b .\n");

#define NR_SPI_WORDS	((NR_IRQS - 32) / 32)

/* The vGIC state of a 2-vCPU VM with NR_IRQS interrupts, as userspace sees it. */
struct gic_state {
	__u32 iidr, ctlr;
	__u32 igroupr[NR_SPI_WORDS], isenabler[NR_SPI_WORDS];
	__u32 ispendr[NR_SPI_WORDS], isactiver[NR_SPI_WORDS];
	__u32 ipriorityr[(NR_IRQS - 32) / 4], icfgr[(NR_IRQS - 32) / 16];
	__u32 irouter[(NR_IRQS - 32) * 2];
	__u32 level_spi[NR_SPI_WORDS];
	struct {
		__u32 ctlr, igroupr0, isenabler0, ispendr0, isactiver0;
		__u32 ipriorityr[8], icfgr[2];
		__u32 level;
		__u64 icc[9];
	} cpu[2];
};

static const __u32 icc_regs[9] = {
	ICC_ATTR_SRE, ICC_ATTR_CTLR, ICC_ATTR_PMR, ICC_ATTR_BPR0, ICC_ATTR_BPR1,
	ICC_ATTR_AP0R0, ICC_ATTR_AP1R0, ICC_ATTR_IGRPEN0, ICC_ATTR_IGRPEN1,
};

/* Get (@write 0) or set one 32-bit distributor/redistributor register. */
static void sreg(struct __test_metadata *_metadata, int dev, int cpu,
		 __u32 off, __u32 *v, int write)
{
	int r = cpu < 0 ? gic_dist(dev, off, v, write) : gic_redist(dev, cpu, off, v, write);

	EXPECT_EQ(0, r) TH_LOG("%s %s +%#x: %s", write ? "set" : "get",
			       cpu < 0 ? "GICD" : cpu ? "GICR1" : "GICR0", off,
			       strerror(-r));
}

/*
 * Save (@write 0) or restore the state, in the order of the documentation
 * (Documentation/virt/kvm/devices/arm-vgic-v3.rst and arm-vgic-its.rst):
 * vCPUs and memory exist, GICD_IIDR first, GICD_CTLR, the
 * redistributors, the distributor; line levels before pending latches,
 * enables last; then the CPU interfaces.
 */
static void gic_state_xfer(struct __test_metadata *_metadata, int dev,
			   struct gic_state *s, int write)
{
	__u32 all = 0xffffffff;
	int c, i, r;

	sreg(_metadata, dev, -1, GICD_IIDR, &s->iidr, write);
	sreg(_metadata, dev, -1, GICD_CTLR, &s->ctlr, write);
	for (c = 0; c < 2; c++) {
		sreg(_metadata, dev, c, GICR_CTLR, &s->cpu[c].ctlr, write);
		sreg(_metadata, dev, c, GICR_IGROUPR0, &s->cpu[c].igroupr0, write);
		for (i = 0; i < 8; i++)
			sreg(_metadata, dev, c, GICR_IPRIORITYR0 + 4 * i,
			     &s->cpu[c].ipriorityr[i], write);
		for (i = 0; i < 2; i++)
			sreg(_metadata, dev, c, GICR_ICFGR0 + 4 * i, &s->cpu[c].icfgr[i], write);
		r = gic_level(dev, c, 0, &s->cpu[c].level, write);
		EXPECT_EQ(0, r) TH_LOG("LEVEL_INFO vCPU %d: %s", c, strerror(-r));
		sreg(_metadata, dev, c, GICR_ISPENDR0, &s->cpu[c].ispendr0, write);
		if (write)
			sreg(_metadata, dev, c, GICR_ICACTIVER0, &all, 1);
		sreg(_metadata, dev, c, GICR_ISACTIVER0, &s->cpu[c].isactiver0, write);
		if (write)
			sreg(_metadata, dev, c, GICR_ICENABLER0, &all, 1);
		sreg(_metadata, dev, c, GICR_ISENABLER0, &s->cpu[c].isenabler0, write);
	}
	for (i = 0; i < NR_SPI_WORDS; i++)
		sreg(_metadata, dev, -1, GICD_IGROUPR + 4 + 4 * i, &s->igroupr[i], write);
	for (i = 0; i < (NR_IRQS - 32) / 4; i++)
		sreg(_metadata, dev, -1, GICD_IPRIORITYR + 32 + 4 * i, &s->ipriorityr[i], write);
	for (i = 0; i < (NR_IRQS - 32) * 2; i++)
		sreg(_metadata, dev, -1, GICD_IROUTER + 8 * 32 + 4 * i, &s->irouter[i], write);
	for (i = 0; i < (NR_IRQS - 32) / 16; i++)
		sreg(_metadata, dev, -1, GICD_ICFGR + 8 + 4 * i, &s->icfgr[i], write);
	for (i = 0; i < NR_SPI_WORDS; i++) {
		r = gic_level(dev, 0, 32 + 32 * i, &s->level_spi[i], write);
		EXPECT_EQ(0, r) TH_LOG("LEVEL_INFO %d: %s", 32 + 32 * i, strerror(-r));
	}
	for (i = 0; i < NR_SPI_WORDS; i++)
		sreg(_metadata, dev, -1, GICD_ISPENDR + 4 + 4 * i, &s->ispendr[i], write);
	for (i = 0; i < NR_SPI_WORDS; i++) {
		if (write)
			sreg(_metadata, dev, -1, GICD_ICACTIVER + 4 + 4 * i, &all, 1);
		sreg(_metadata, dev, -1, GICD_ISACTIVER + 4 + 4 * i, &s->isactiver[i], write);
	}
	for (i = 0; i < NR_SPI_WORDS; i++) {
		if (write)
			sreg(_metadata, dev, -1, GICD_ICENABLER + 4 + 4 * i, &all, 1);
		sreg(_metadata, dev, -1, GICD_ISENABLER + 4 + 4 * i, &s->isenabler[i], write);
	}
	for (c = 0; c < 2; c++) {
		for (i = 0; i < (int)ARRAY_SIZE(icc_regs); i++) {
			r = gic_icc(dev, c, icc_regs[i], &s->cpu[c].icc[i], write);
			EXPECT_EQ(0, r) TH_LOG("%s ICC %#x of vCPU %d: %s",
					       write ? "set" : "get", icc_regs[i], c,
					       strerror(-r));
		}
	}
}

/* Every register of KVM_GET_REG_LIST from vCPU fd @from to vCPU fd @to. */
static void copy_vcpu_regs(struct __test_metadata *_metadata, int from, int to)
{
	struct kvm_reg_list probe = { .n = 0 }, *list;
	__u64 buf[32];
	__u64 i;

	ASSERT_EQ(-E2BIG, kioctlp(from, KVM_GET_REG_LIST, &probe));
	list = calloc(1, sizeof(*list) + probe.n * sizeof(__u64));
	ASSERT_NE(NULL, list);
	list->n = probe.n;
	ASSERT_EQ(0, kioctlp(from, KVM_GET_REG_LIST, list));
	for (i = 0; i < list->n; i++) {
		__u64 id = list->reg[i];
		size_t size = 1UL << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
		int r;

		if (size > sizeof(buf))
			continue;
		r = kget_reg(from, id, buf);
		EXPECT_EQ(0, r) TH_LOG("get %#llx: %s", (unsigned long long)id, strerror(-r));
		r = kset_reg(to, id, buf);
		EXPECT_EQ(0, r) TH_LOG("set %#llx: %s", (unsigned long long)id, strerror(-r));
	}
	free(list);
}

/*
 * A guest configures its GIC (SPIs level and edge with priorities, one
 * routed to vCPU 1, its PPI, vCPU 1's PPI, PMR and BPR1) and stops with
 * IRQs masked; SPI 40 (level, held high), SPI 41 (edge) and PPI 20 (level,
 * held high) become pending. Its vGIC state, vCPU registers and memory go
 * to a second VM, which reads back the same and, running on, takes the
 * three interrupts in priority order (40, 20, 41).
 */
TEST(save_restore)
{
	struct gic_state *a, *b;
	struct kvm_vm vma, vmb;
	struct gic_cfg cfg;
	int deva, devb, i;
	__u64 *log;

	a = calloc(1, sizeof(*a));
	b = calloc(1, sizeof(*b));
	ASSERT_TRUE(a && b);
	deva = vgic_vm(_metadata, &vma, 2);
	ASSERT_LE(0, deva);
	guest_prep(_metadata, &vma, 0, guest_state, guest_state_end, &cfg);
	setx(_metadata, &vma, 0, 26, GUEST_MMIO_GPA + IRQ_REPORT);
	gic_cfg_dist_enable(&cfg);
	gic_cfg_irq(&cfg, 0, GIC_SPI(8), 0x40, 0);
	gic_cfg_irq(&cfg, 0, GIC_SPI(9), 0x60, 1);
	gic_cfg_route(&cfg, GIC_SPI(10), 1);
	gic_cfg_irq(&cfg, 0, GIC_SPI(10), 0x20, 1);
	gic_cfg_irq(&cfg, 0, 20, 0x50, 0);
	gic_cfg_irq(&cfg, 1, 21, 0x70, 0);
	RUN_EXPECT(&vma, 0, 0, 0);
	ASSERT_EQ(0, gic_spi(&vma, GIC_SPI(8), 1));
	ASSERT_EQ(0, gic_spi(&vma, GIC_SPI(9), 1));
	ASSERT_EQ(0, gic_spi(&vma, GIC_SPI(9), 0));
	ASSERT_EQ(0, gic_ppi(&vma, 0, 20, 1));
	/* Complete the MMIO exit without entering the guest (as before a migration). */
	vma.run[0]->immediate_exit = 1;
	EXPECT_EQ(-EINTR, vcpu_run(&vma, 0));
	vma.run[0]->immediate_exit = 0;

	gic_state_xfer(_metadata, deva, a, 0);
	/* What the guest and the host did shows. */
	EXPECT_EQ(GICD_CTLR_ENABLE_G1A, a->ctlr & (GICD_CTLR_ENABLE_G1A | 1));
	EXPECT_EQ(7U << 8, a->isenabler[0]);
	EXPECT_EQ(1U << 9, a->ispendr[0]);	/* the edge latch only */
	EXPECT_EQ(1U << 8, a->level_spi[0]);
	EXPECT_EQ(0, a->icfgr[0] & (2U << 16));
	EXPECT_EQ(2U << 18, a->icfgr[0] & (2U << 18));
	EXPECT_EQ(0x40U, a->ipriorityr[2] & 0xff);
	EXPECT_EQ(0x60U, (a->ipriorityr[2] >> 8) & 0xff);
	EXPECT_EQ(1, a->irouter[2 * 10]);
	EXPECT_EQ(1U << 20, a->cpu[0].level);
	EXPECT_EQ(0, a->cpu[0].ispendr0);
	EXPECT_EQ(0xffffU | (1U << 20), a->cpu[0].isenabler0);
	EXPECT_EQ(0xffffU | (1U << 21), a->cpu[1].isenabler0);
	EXPECT_EQ(0x50U, a->cpu[0].ipriorityr[5] & 0xff);
	EXPECT_EQ(0x70U, (a->cpu[1].ipriorityr[5] >> 8) & 0xff);
	EXPECT_EQ(0xe0, a->cpu[0].icc[2]);
	EXPECT_EQ(3, a->cpu[0].icc[4]);
	EXPECT_EQ(1, a->cpu[0].icc[8]);
	EXPECT_EQ(0, a->cpu[1].icc[8]);

	devb = vgic_vm(_metadata, &vmb, 2);
	ASSERT_LE(0, devb);
	memcpy(vmb.ram, vma.ram, vma.ram_size);
	gic_state_xfer(_metadata, devb, a, 1);
	for (i = 0; i < 2; i++)
		copy_vcpu_regs(_metadata, vma.vcpu[i], vmb.vcpu[i]);
	gic_state_xfer(_metadata, devb, b, 0);
	EXPECT_EQ(0, memcmp(a, b, sizeof(*a))) {
		__u32 *x = (__u32 *)a, *y = (__u32 *)b;

		for (i = 0; i < (int)(sizeof(*a) / 4); i++)
			if (x[i] != y[i])
				TH_LOG("word %d of struct gic_state: %#x, restored %#x",
				       i, x[i], y[i]);
	}
	close(deva);
	vm_destroy(&vma);

	RUN_EXPECT(&vmb, 0, IRQ_REPORT, GIC_SPI(8));
	ASSERT_EQ(0, gic_spi(&vmb, GIC_SPI(8), 0));
	RUN_EXPECT(&vmb, 0, IRQ_REPORT, 20);
	ASSERT_EQ(0, gic_ppi(&vmb, 0, 20, 0));
	RUN_EXPECT(&vmb, 0, IRQ_REPORT, GIC_SPI(9));
	RUN_EXPECT(&vmb, 0, 8, 3);
	log = glog(&vmb, 0);
	EXPECT_EQ(GIC_SPI(8), log[2]);
	EXPECT_EQ(20, log[3]);
	EXPECT_EQ(GIC_SPI(9), log[4]);
	close(devb);
	vm_destroy(&vmb);
	free(a);
	free(b);
}

/* ==== teardown ==== */

/* Configured, unmasked; the first interrupt's handler never ends (hook). */
GUEST_CODE(guest_stuck_in_handler,
	   GIC_GUEST_SETUP
	   "adr x27, 80f\n"
	   "msr daifclr, #2\n"
	   "1: wfi\n b 1b\n"
	   "80: wfi\n b 80b\n");

GUEST_CODE(guest_wfi_forever, "1: wfi\n b 1b\n");

struct teardown {
	struct kvm_vm vm;
	int dev, efd[2], rfd;
	struct vrunner v[2];
};

/*
 * Two vCPUs in KVM_RUN: vCPU 0 inside its handler of the highest of 16
 * SPIs (one active, the others pending, more than the list registers),
 * vCPU 1 in WFI with its PPI held high; a level irqfd with resample and
 * an edge irqfd, both written.
 */
static void teardown_setup(struct __test_metadata *_metadata, struct teardown *t)
{
	struct kvm_irqfd irqfd;
	struct gic_cfg cfg;
	int i;

	install_kick_signal();
	t->dev = vgic_vm(_metadata, &t->vm, 2);
	ASSERT_LE(0, t->dev);
	guest_prep(_metadata, &t->vm, 0, guest_stuck_in_handler,
		   guest_stuck_in_handler_end, &cfg);
	gic_cfg_dist_enable(&cfg);
	for (i = 0; i < 16; i++)
		gic_cfg_irq(&cfg, 0, GIC_SPI(i), 0x80 - 8 * i, i < 8);
	ASSERT_EQ(0, vm_load_code(&t->vm, 1, CODE_GPA(1), guest_wfi_forever,
				  guest_wfi_forever_end));
	for (i = 0; i < 2; i++) {
		t->efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		ASSERT_LE(0, t->efd[i]);
	}
	t->rfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, t->rfd);
	memset(&irqfd, 0, sizeof(irqfd));
	irqfd.fd = t->efd[0];
	irqfd.gsi = 8;			/* SPI 40, level */
	irqfd.flags = KVM_IRQFD_FLAG_RESAMPLE;
	irqfd.resamplefd = t->rfd;
	ASSERT_EQ(0, kioctlp(t->vm.fd, KVM_IRQFD, &irqfd));
	memset(&irqfd, 0, sizeof(irqfd));
	irqfd.fd = t->efd[1];
	irqfd.gsi = 2;			/* SPI 34, edge */
	ASSERT_EQ(0, kioctlp(t->vm.fd, KVM_IRQFD, &irqfd));
	for (i = 0; i < 16; i++)
		if (i != 2 && i != 8)
			ASSERT_EQ(0, gic_spi(&t->vm, GIC_SPI(i), 1));
	ASSERT_EQ(0, gic_ppi(&t->vm, 1, 21, 1));
	for (i = 0; i < 2; i++)
		efd_write(_metadata, t->efd[i]);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, vr_start(&t->v[i], &t->vm, i, 1));
	for (i = 0; i < 500 && !glog(&t->vm, 0)[0]; i++)
		usleep(10000);
	EXPECT_EQ(1, glog(&t->vm, 0)[0]);
	EXPECT_EQ(GIC_SPI(15), glog(&t->vm, 0)[2]);
}

/*
 * Stop the vCPUs, then close the vCPUs, the VM and the device with all
 * that still there, the irqfds' eventfds last (written once more after the
 * VM is gone).
 */
TEST(close_with_pending_and_irqfds)
{
	struct teardown t;
	int i;

	teardown_setup(_metadata, &t);
	for (i = 0; i < 2; i++)
		EXPECT_EQ(-ETIMEDOUT, vr_wait(&t.v[i], 0.2));
	EXPECT_EQ(1U << 15, dist_reg(_metadata, t.dev, GICD_ISACTIVER + 4));
	vm_destroy(&t.vm);
	close(t.dev);
	for (i = 0; i < 2; i++)
		efd_write(_metadata, t.efd[i]);
	for (i = 0; i < 2; i++)
		close(t.efd[i]);
	close(t.rfd);
}

/* The same, but the process exits with its vCPU threads in KVM_RUN. */
TEST(exit_with_pending_and_irqfds)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct teardown t;

		teardown_setup(_metadata, &t);
		_exit(glog(&t.vm, 0)[0] == 1 ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

#else /* !__aarch64__ */

TEST(arm64_only)
{
	SKIP(return, "these tests drive an arm64 guest");
}

#endif

TEST_HARNESS_MAIN
