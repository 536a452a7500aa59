// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel ITS (KVM_DEV_TYPE_ARM_VGIC_ITS) next to the vGICv3:
 *
 *  - the device: creation, the ADDR, CTRL and ITS_REGS groups and their
 *    errnos, the ID registers' values, CTRL_RESET;
 *  - delivery: a guest programs the redistributor's LPI tables, the ITS's
 *    device and collection tables and command queue (MAPD, MAPC, MAPTI,
 *    INVALL, SYNC), and takes the LPIs of KVM_SIGNAL_MSI and of an MSI
 *    route behind KVM_IRQFD while waiting in WFI; MSIs the ITS cannot
 *    translate are blocked;
 *  - state: KVM_DEV_ARM_ITS_SAVE_TABLES writes the tables in ABI rev 0,
 *    a second VM restores memory, vGIC and ITS in the documented order,
 *    RESTORE_TABLES, and takes an MSI of the same device and event;
 *  - teardown with an LPI pending and an MSI irqfd registered.
 *
 * The expected values and errnos are those of the in-kernel KVM
 * (arch/arm64/kvm/vgic/vgic-its.c); run against it with
 * KVMLITE_DEV=/dev/kvm. Guest code: see kvmlite_gic.h.
 */
#include <linux/kvm.h>
#include <linux/kvmlite.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

#include "bench_util.h"
#include "kselftest_harness.h"

#ifdef __aarch64__
#include "kvmlite_thread.h"
#include "kvmlite_gic.h"

/* Guest memory: code, vectors, the GIC set-up table, the IRQ log. */
#define CODE_GPA	GUEST_RAM_GPA
#define VECTORS_GPA	(GUEST_RAM_GPA + 0x10000)
#define CFG_GPA		(GUEST_RAM_GPA + 0x20000)
#define LOG_GPA		(GUEST_RAM_GPA + 0x30000)
/* A second slot for the LPI and ITS tables and the command queue. */
#define TBL_GPA		0x80100000ULL
#define TBL_SIZE	0x60000ULL
#define PROP_GPA	(TBL_GPA + 0x00000)	/* 8 KiB: 14 ID bits */
#define PEND_GPA	(TBL_GPA + 0x10000)
#define DT_GPA		(TBL_GPA + 0x20000)	/* one 64 KiB page each */
#define CT_GPA		(TBL_GPA + 0x30000)
#define ITT_GPA		(TBL_GPA + 0x40000)
#define CQ_GPA		(TBL_GPA + 0x50000)	/* one 4 KiB page */
/* MMIO: the guest's main code reports at +0, +8; the IRQ handler at +0x100. */
#define IRQ_REPORT	0x100

#define NR_IRQS		64
#define WAIT_S		15.0
#define LPI_IDBITS	13		/* GICR_PROPBASER.IDbits: 14 bits */
#define LPI_PRIO	0xa0
#define DEVID		3
#define EV_BITS		4
#define ICID		2
#define NR_EVENTS	2		/* events 0..n-1 mapped to LPI 8192 + n */
#define MSI_GSI		5

/* Memory attributes the vITS keeps: inner RaWaWb, inner shareable. */
#define BASER_RAWAWB		(7ULL << 59)
#define BASER_INNER_SH		0x400ULL
#define BASER_PAGE_64K		(2ULL << 8)
#define RBASER_RAWAWB		(7ULL << 7)	/* PROPBASER, PENDBASER */

/* KVM's answers (vgic-its.c, ABI rev 0) */
#define KVM_GITS_TYPER		0x1ef71ULL	/* PLPIS, ITT 8 B, 16 ID and 16 device bits */
#define KVM_GITS_IIDR		0x4b00043bULL	/* 'K', ARM, revision 0 */

GUEST_CODE(gic_vectors, GIC_GUEST_LPI_VECTORS);

/*
 * x21: the ITS, x23: the CREADR to wait for. The set-up table, then wait
 * until the ITS has read the commands, report CREADR at +0; then, round
 * after round, wait for one more interrupt and report the count at +8.
 */
GUEST_CODE(guest_its,
	   GIC_GUEST_SETUP
	   "1: ldr w9, [x21, #0x90]\n cmp x9, x23\n b.ne 1b\n"
	   "str x9, [x22]\n"
	   "mov x19, #0\n"
	   "2: add x19, x19, #1\n"
	   GIC_GUEST_WAIT_LOG("x19")
	   "str x9, [x22, #8]\n b 2b\n");

/* ---- running vCPUs on threads, with a watchdog (as vgic_test) ---- */

struct vrunner {
	struct runner r;
	int stop;
};

static int run_retry(struct runner *r)
{
	int *stop = r->data;
	int ret;

	do {
		ret = vcpu_run(r->vm, r->idx);
	} while (ret == -EINTR && !__atomic_load_n(stop, __ATOMIC_SEQ_CST));
	return ret;
}

static int vr_start(struct vrunner *v, struct kvm_vm *vm, int i)
{
	install_kick_signal();
	v->stop = 0;
	return runner_start_fn(&v->r, vm, i, run_retry, &v->stop);
}

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

static int vrun(struct kvm_vm *vm, int i)
{
	struct vrunner v;

	if (vr_start(&v, vm, i))
		return -EAGAIN;
	return vr_wait(&v, WAIT_S);
}

static __u64 *glog(struct kvm_vm *vm)
{
	return vm_gpa(vm, LOG_GPA);
}

static void expect_mmio(struct __test_metadata *_metadata, struct kvm_vm *vm,
			__u64 off, __u64 val)
{
	struct kvm_run *run = vm->run[0];

	ASSERT_EQ(KVM_EXIT_MMIO, run->exit_reason)
		TH_LOG("exit %u, expected an MMIO write at +%#llx",
		       run->exit_reason, (unsigned long long)off);
	if (run->mmio.phys_addr == GUEST_MMIO_GPA + GIC_GUEST_BAD_EXC)
		TH_LOG("unexpected exception, ESR_EL1 %#llx",
		       (unsigned long long)mmio_data(run));
	ASSERT_EQ(GUEST_MMIO_GPA + off, run->mmio.phys_addr)
		TH_LOG("data %#llx, log count %llu",
		       (unsigned long long)mmio_data(run),
		       (unsigned long long)glog(vm)[0]);
	ASSERT_TRUE(run->mmio.is_write);
	EXPECT_EQ(val, mmio_data(run));
}

static void run_expect(struct __test_metadata *_metadata, int line,
		       struct kvm_vm *vm, __u64 off, __u64 val)
{
	int r = vrun(vm, 0);

	ASSERT_EQ(0, r) TH_LOG("line %d: KVM_RUN %s, log count %llu", line,
			       strerror(-r), (unsigned long long)glog(vm)[0]);
	expect_mmio(_metadata, vm, off, val);
}

#define RUN_EXPECT(vm, off, val)	run_expect(_metadata, __LINE__, vm, off, val)

/* ---- the ITS guest ---- */

struct its_vm {
	struct kvm_vm vm;
	void *tbl;
	int gic;
	int its;
	struct gic_cfg cfg;
};

static void *tbl(struct its_vm *t, __u64 gpa)
{
	return (char *)t->tbl + (gpa - TBL_GPA);
}

static __u64 tbl_word(struct its_vm *t, __u64 gpa)
{
	__u64 v;

	memcpy(&v, tbl(t, gpa), 8);
	return v;
}

/* A 64-bit register as two 32-bit writes, low half first. */
static void cfg_write64(struct gic_cfg *c, __u64 addr, __u64 val)
{
	gic_cfg_rmw(c, addr, 0xffffffffU, (__u32)val);
	gic_cfg_rmw(c, addr + 4, 0xffffffffU, (__u32)(val >> 32));
}

static void its_cmd(struct its_vm *t, int n, __u64 d0, __u64 d1, __u64 d2)
{
	__u64 cmd[4] = { d0, d1, d2, 0 };

	memcpy(tbl(t, CQ_GPA + 32 * n), cmd, sizeof(cmd));
}

static __u64 propbaser(void)
{
	return PROP_GPA | BASER_INNER_SH | RBASER_RAWAWB | LPI_IDBITS;
}

static __u64 pendbaser(void)
{
	return PEND_GPA | BASER_INNER_SH | RBASER_RAWAWB;
}

static __u64 baser(__u64 gpa)
{
	return GITS_VALID | BASER_RAWAWB | gpa | BASER_INNER_SH | BASER_PAGE_64K;
}

static __u64 cbaser(void)
{
	return GITS_VALID | BASER_RAWAWB | CQ_GPA | BASER_INNER_SH;
}

/*
 * A 1-vCPU VM with the vGICv3, the ITS at GIC_ITS_GPA and the table slot;
 * the guest loaded with the registers of kvmlite_gic.h, x21 the ITS.
 */
static void its_vm_create(struct __test_metadata *_metadata, struct its_vm *t)
{
	int fd, r;

	r = vm_create(&t->vm, 1, 0);
	ASSERT_EQ(0, r) TH_LOG("vm_create: %s", strerror(-r));
	t->tbl = mmap(NULL, TBL_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, t->tbl);
	ASSERT_EQ(0, kset_mem(t->vm.fd, 1, 0, TBL_GPA, TBL_SIZE, t->tbl));
	t->gic = gic_setup(&t->vm, NR_IRQS);
	ASSERT_LE(0, t->gic) TH_LOG("vGICv3 set-up: %s", strerror(-t->gic));
	t->its = its_create(t->vm.fd, 0);
	ASSERT_LE(0, t->its) TH_LOG("ITS: %s", strerror(-t->its));
	ASSERT_EQ(0, gic_set_addr(t->its, KVM_VGIC_ITS_ADDR_TYPE, GIC_ITS_GPA));
	ASSERT_EQ(0, its_ctrl(t->its, KVM_DEV_ARM_VGIC_CTRL_INIT));

	fd = t->vm.vcpu[0];
	ASSERT_EQ(0, vm_load_code(&t->vm, 0, CODE_GPA, guest_its, guest_its_end));
	memcpy(vm_gpa(&t->vm, VECTORS_GPA), gic_vectors,
	       gic_vectors_end - gic_vectors);
	ASSERT_EQ(0, kset_reg64(fd, REG_VBAR, VECTORS_GPA));
	ASSERT_EQ(0, kset_reg64(fd, REG_X(20), CFG_GPA));
	ASSERT_EQ(0, kset_reg64(fd, REG_X(21), GIC_ITS_GPA));
	ASSERT_EQ(0, kset_reg64(fd, REG_X(22), GUEST_MMIO_GPA));
	ASSERT_EQ(0, kset_reg64(fd, REG_X(23), 0));
	ASSERT_EQ(0, kset_reg64(fd, REG_X(25), LOG_GPA));
	ASSERT_EQ(0, kset_reg64(fd, REG_X(26), GUEST_MMIO_GPA + IRQ_REPORT));
	ASSERT_EQ(0, kset_reg64(fd, REG_X(27), 0));
	memset(glog(&t->vm), 0, 16);
	gic_cfg_init(&t->cfg, &t->vm, CFG_GPA);
	gic_cfg_dist_enable(&t->cfg);
}

static void its_vm_destroy(struct its_vm *t)
{
	close(t->its);
	close(t->gic);
	vm_destroy(&t->vm);
	munmap(t->tbl, TBL_SIZE);
}

static __u64 its_get(struct __test_metadata *_metadata, int dev, __u32 off)
{
	__u64 v = 0xdeadbeefdeadbeefULL;

	EXPECT_EQ(0, its_reg(dev, off, &v, 0)) TH_LOG("GITS +%#x", off);
	return v;
}

static void its_put(struct __test_metadata *_metadata, int dev, __u32 off,
		    __u64 v)
{
	EXPECT_EQ(0, its_reg(dev, off, &v, 1)) TH_LOG("GITS +%#x", off);
}

/*
 * The guest's set-up of the LPIs and the ITS, with the host's commands
 * in the queue: MAPD DEVID (EV_BITS event bits, its ITT), MAPC ICID to
 * vCPU 0, MAPTI of events 0..NR_EVENTS-1 to LPIs 8192 + n, INVALL, SYNC.
 * Runs the guest to its report of CREADR.
 */
static void its_guest_map(struct __test_metadata *_metadata, struct its_vm *t)
{
	__u64 rd = GIC_REDIST_GPA;
	int n, i;

	for (i = 0; i < NR_EVENTS; i++)
		((__u8 *)tbl(t, PROP_GPA))[i] = LPI_PRIO | 1;
	n = 0;
	its_cmd(t, n++, 0x08 | ((__u64)DEVID << 32), EV_BITS - 1,
		GITS_VALID | ITT_GPA);
	its_cmd(t, n++, 0x09, 0, GITS_VALID | (0ULL << 16) | ICID);
	for (i = 0; i < NR_EVENTS; i++)
		its_cmd(t, n++, 0x0a | ((__u64)DEVID << 32),
			i | ((__u64)GIC_LPI(i) << 32), ICID);
	its_cmd(t, n++, 0x0d, 0, ICID);
	its_cmd(t, n++, 0x05, 0, 0ULL << 16);

	cfg_write64(&t->cfg, rd + GICR_PROPBASER, propbaser());
	cfg_write64(&t->cfg, rd + GICR_PENDBASER, pendbaser());
	gic_cfg_rmw(&t->cfg, rd + GICR_CTLR, 0, GICR_CTLR_ENABLE_LPIS);
	cfg_write64(&t->cfg, GIC_ITS_GPA + GITS_BASER, baser(DT_GPA));
	cfg_write64(&t->cfg, GIC_ITS_GPA + GITS_BASER + 8, baser(CT_GPA));
	cfg_write64(&t->cfg, GIC_ITS_GPA + GITS_CBASER, cbaser());
	gic_cfg_rmw(&t->cfg, GIC_ITS_GPA + GITS_CTLR, 0xffffffffU,
		    GITS_CTLR_ENABLE);
	gic_cfg_rmw(&t->cfg, GIC_ITS_GPA + GITS_CWRITER, 0xffffffffU, 32 * n);
	ASSERT_EQ(0, kset_reg64(t->vm.vcpu[0], REG_X(23), 32 * n));
	if (vrun(&t->vm, 0))
		TH_LOG("pc %#llx CREADR %#llx CWRITER %#llx CTLR %#llx BASER0 %#llx",
		       (unsigned long long)kget_reg64(t->vm.vcpu[0], REG_PC),
		       (unsigned long long)its_get(_metadata, t->its, GITS_CREADR),
		       (unsigned long long)its_get(_metadata, t->its, GITS_CWRITER),
		       (unsigned long long)its_get(_metadata, t->its, GITS_CTLR),
		       (unsigned long long)its_get(_metadata, t->its, GITS_BASER));
	expect_mmio(_metadata, &t->vm, 0, 32 * n);
}

/* A 64-bit redistributor register of vCPU 0 through REDIST_REGS, in halves. */
static __u64 redist_get64(struct __test_metadata *_metadata, int dev, __u32 off)
{
	__u32 lo = 0xdeadbeef, hi = 0xdeadbeef;

	EXPECT_EQ(0, gic_redist(dev, 0, off, &lo, 0)) TH_LOG("GICR +%#x", off);
	EXPECT_EQ(0, gic_redist(dev, 0, off + 4, &hi, 0)) TH_LOG("GICR +%#x", off + 4);
	return ((__u64)hi << 32) | lo;
}

static void redist_put64(struct __test_metadata *_metadata, int dev, __u32 off,
			 __u64 v)
{
	__u32 lo = (__u32)v, hi = (__u32)(v >> 32);

	EXPECT_EQ(0, gic_redist(dev, 0, off, &lo, 1)) TH_LOG("GICR +%#x", off);
	EXPECT_EQ(0, gic_redist(dev, 0, off + 4, &hi, 1)) TH_LOG("GICR +%#x", off + 4);
}

/*
 * One round: the guest waits in WFI, @deliver (an MSI or an eventfd write)
 * wakes it with @intid, which it reports, then its count @k.
 */
static void lpi_round(struct __test_metadata *_metadata, struct kvm_vm *vm,
		      int k, __u32 intid, int (*deliver)(void *), void *arg)
{
	struct vrunner v;
	int ret;

	ASSERT_EQ(0, vr_start(&v, vm, 0));
	EXPECT_TRUE(runner_blocks(&v.r)) TH_LOG("round %d: no WFI sleep", k);
	ret = deliver(arg);
	EXPECT_EQ(1, ret) TH_LOG("round %d: delivery %d", k, ret);
	ret = vr_wait(&v, WAIT_S);
	ASSERT_EQ(0, ret) TH_LOG("round %d: %s, log count %llu", k,
				 strerror(-ret), (unsigned long long)glog(vm)[0]);
	expect_mmio(_metadata, vm, IRQ_REPORT, intid);
	RUN_EXPECT(vm, 8, k);
}

struct msi_arg {
	int vm;
	__u32 event;
};

static int deliver_msi(void *p)
{
	struct msi_arg *a = p;

	return its_msi(a->vm, GIC_ITS_GPA, KVM_MSI_VALID_DEVID, DEVID, a->event);
}

static int deliver_efd(void *p)
{
	__u64 one = 1;

	return write(*(int *)p, &one, 8) == 8;
}

/* KVM_SET_GSI_ROUTING: one MSI entry, GSI @gsi to DEVID's event @event. */
static int msi_route(int vm, __u32 gsi, __u32 event)
{
	struct {
		struct kvm_irq_routing r;
		struct kvm_irq_routing_entry e[1];
	} rt;
	__u64 db = GIC_ITS_GPA + GITS_TRANSLATER;

	memset(&rt, 0, sizeof(rt));
	rt.r.nr = 1;
	rt.e[0].gsi = gsi;
	rt.e[0].type = KVM_IRQ_ROUTING_MSI;
	rt.e[0].flags = KVM_MSI_VALID_DEVID;
	rt.e[0].u.msi.address_lo = (__u32)db;
	rt.e[0].u.msi.address_hi = (__u32)(db >> 32);
	rt.e[0].u.msi.data = event;
	rt.e[0].u.msi.devid = DEVID;
	return kioctlp(vm, KVM_SET_GSI_ROUTING, &rt);
}

static int msi_irqfd(struct __test_metadata *_metadata, int vm, __u32 gsi)
{
	struct kvm_irqfd irqfd;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	EXPECT_LE(0, efd);
	memset(&irqfd, 0, sizeof(irqfd));
	irqfd.fd = efd;
	irqfd.gsi = gsi;
	EXPECT_EQ(0, kioctlp(vm, KVM_IRQFD, &irqfd));
	return efd;
}

/* ==== the device ==== */

/*
 * KVM_CREATE_DEVICE of an ITS with and without a vGICv3; KVM_HAS_DEVICE_ATTR
 * of its groups; the ADDR group's errnos; ITS_REGS before the address
 * (ENXIO) and misaligned (EINVAL); the ID registers; CTRL_RESET.
 */
TEST(its_device_rules)
{
	__u64 ipa_top = 1ULL << 40;	/* KVM_CREATE_VM type 0: 40-bit IPA */
	struct kvm_vm vm;
	int gic, its, its2;
	__u64 v;

	ASSERT_EQ(0, vm_create(&vm, 1, 0));
	EXPECT_EQ(0, its_create(vm.fd, KVM_CREATE_DEVICE_TEST));
	/* KVM does not ask for a vGICv3 first. */
	its2 = its_create(vm.fd, 0);
	EXPECT_LE(0, its2) TH_LOG("ITS without a vGICv3: %s", strerror(-its2));
	gic = gic_create(vm.fd, 0);
	ASSERT_LE(0, gic);
	its = its_create(vm.fd, 0);
	ASSERT_LE(0, its) TH_LOG("ITS: %s", strerror(-its));

	/* has_attr */
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE));
	EXPECT_EQ(-ENXIO, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ADDR,
				  KVM_VGIC_V3_ADDR_TYPE_DIST));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_ITS_CTRL_RESET));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_ITS_SAVE_TABLES));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_CTRL,
			     KVM_DEV_ARM_ITS_RESTORE_TABLES));
	EXPECT_EQ(-ENXIO, gic_has(its, KVM_DEV_ARM_VGIC_GRP_CTRL, 3));
	EXPECT_EQ(-ENXIO, gic_has(its, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0));
	EXPECT_EQ(-ENXIO, gic_has(its, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0));
	EXPECT_EQ(-ENXIO, gic_has(its, 99, 0));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_CTLR));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_IIDR));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_TYPER));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_CBASER));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_CWRITER));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_CREADR));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_BASER));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_BASER + 0x38));
	EXPECT_EQ(-ENXIO, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_BASER + 0x40));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_PIDR2));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_PIDR4));
	EXPECT_EQ(-ENXIO, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, 0x10));
	EXPECT_EQ(-ENXIO, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_TRANSLATER));
	/* 32-bit registers at 4-byte, 64-bit ones at 8-byte offsets */
	EXPECT_EQ(-EINVAL, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_CTLR + 2));
	EXPECT_EQ(-EINVAL, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_TYPER + 4));
	EXPECT_EQ(-EINVAL, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_CBASER + 4));
	EXPECT_EQ(0, gic_has(its, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, GITS_PIDR2 + 4));

	/* ITS_REGS before the address: ENXIO, after the alignment check. */
	EXPECT_EQ(-ENXIO, its_reg(its, GITS_TYPER, &v, 0));
	EXPECT_EQ(-ENXIO, its_reg(its, GITS_CTLR, &v, 0));
	v = 0;
	EXPECT_EQ(-ENXIO, its_reg(its, GITS_CBASER, &v, 1));
	EXPECT_EQ(-EINVAL, its_reg(its, GITS_TYPER + 4, &v, 0));

	/* ADDR */
	v = 0;
	EXPECT_EQ(0, gic_get(its, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, &v));
	EXPECT_EQ(~0ULL, v);
	EXPECT_EQ(-ENODEV, gic_get(its, KVM_DEV_ARM_VGIC_GRP_ADDR,
				   KVM_VGIC_V3_ADDR_TYPE_DIST, &v));
	EXPECT_EQ(-ENODEV, gic_set_addr(its, KVM_VGIC_V3_ADDR_TYPE_DIST, GIC_ITS_GPA));
	EXPECT_EQ(-EINVAL, gic_set_addr(its, KVM_VGIC_ITS_ADDR_TYPE, GIC_ITS_GPA + 0x1000));
	EXPECT_EQ(-E2BIG, gic_set_addr(its, KVM_VGIC_ITS_ADDR_TYPE, ipa_top));
	EXPECT_EQ(-E2BIG, gic_set_addr(its, KVM_VGIC_ITS_ADDR_TYPE, ipa_top - 0x10000));
	EXPECT_EQ(0, gic_set_addr(its, KVM_VGIC_ITS_ADDR_TYPE, GIC_ITS_GPA));
	EXPECT_EQ(-EEXIST, gic_set_addr(its, KVM_VGIC_ITS_ADDR_TYPE, GIC_ITS_GPA));
	EXPECT_EQ(-EEXIST, gic_set_addr(its, KVM_VGIC_ITS_ADDR_TYPE, 0x09000000));
	EXPECT_EQ(-EEXIST, gic_set_addr(its, KVM_VGIC_ITS_ADDR_TYPE, 0x09001000));
	EXPECT_EQ(0, gic_get(its, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, &v));
	EXPECT_EQ(GIC_ITS_GPA, v);

	/* The registers: KVM's ITS, ABI revision 0, disabled and quiescent. */
	EXPECT_EQ(KVM_GITS_TYPER, its_get(_metadata, its, GITS_TYPER));
	EXPECT_EQ(KVM_GITS_IIDR, its_get(_metadata, its, GITS_IIDR));
	EXPECT_EQ(GITS_CTLR_QUIESCENT, its_get(_metadata, its, GITS_CTLR));
	EXPECT_EQ(0, its_get(_metadata, its, GITS_CBASER));
	EXPECT_EQ(0, its_get(_metadata, its, GITS_CWRITER));
	EXPECT_EQ(0, its_get(_metadata, its, GITS_CREADR));
	EXPECT_EQ(0x3b, its_get(_metadata, its, GITS_PIDR2));
	/* The tables: 64 KiB pages, 8-byte entries, RaWb, inner shareable. */
	EXPECT_EQ(0x1907000000000600ULL, its_get(_metadata, its, GITS_BASER));
	EXPECT_EQ(0x1c07000000000600ULL, its_get(_metadata, its, GITS_BASER + 8));
	EXPECT_EQ(0, its_get(_metadata, its, GITS_BASER + 16));
	/* IIDR: only the revision is writable, and only to a known ABI. */
	v = KVM_GITS_IIDR | (1ULL << 12);
	EXPECT_EQ(-EINVAL, its_reg(its, GITS_IIDR, &v, 1));
	its_put(_metadata, its, GITS_IIDR, 0);
	EXPECT_EQ(KVM_GITS_IIDR, its_get(_metadata, its, GITS_IIDR));
	/* TYPER is read-only. */
	its_put(_metadata, its, GITS_TYPER, 0);
	EXPECT_EQ(KVM_GITS_TYPER, its_get(_metadata, its, GITS_TYPER));

	/* Tables and queue set, then CTRL_RESET. */
	its_put(_metadata, its, GITS_BASER, baser(DT_GPA));
	its_put(_metadata, its, GITS_BASER + 8, baser(CT_GPA));
	its_put(_metadata, its, GITS_CBASER, cbaser());
	EXPECT_EQ(baser(DT_GPA) | 0x0107000000000000ULL,
		  its_get(_metadata, its, GITS_BASER));
	EXPECT_EQ(baser(CT_GPA) | 0x0407000000000000ULL,
		  its_get(_metadata, its, GITS_BASER + 8));
	EXPECT_EQ(cbaser(), its_get(_metadata, its, GITS_CBASER));
	EXPECT_EQ(0, its_ctrl(its, KVM_DEV_ARM_VGIC_CTRL_INIT));
	EXPECT_EQ(0, its_ctrl(its, KVM_DEV_ARM_ITS_CTRL_RESET));
	EXPECT_EQ(0, its_get(_metadata, its, GITS_CBASER));
	EXPECT_EQ(0, its_get(_metadata, its, GITS_BASER) & GITS_VALID);
	EXPECT_EQ(0, its_get(_metadata, its, GITS_BASER + 8) & GITS_VALID);
	EXPECT_EQ(GITS_CTLR_QUIESCENT, its_get(_metadata, its, GITS_CTLR));
	/* Nothing valid: saving and restoring have nothing to do. */
	EXPECT_EQ(0, its_ctrl(its, KVM_DEV_ARM_ITS_SAVE_TABLES));
	EXPECT_EQ(0, its_ctrl(its, KVM_DEV_ARM_ITS_RESTORE_TABLES));
	/* An unknown CTRL attribute: KVM's set_attr does nothing and says 0. */
	EXPECT_EQ(0, its_ctrl(its, 3));
	EXPECT_EQ(-ENXIO, gic_set(its, 99, 0, &v));
	EXPECT_EQ(-ENXIO, gic_get(its, KVM_DEV_ARM_VGIC_GRP_CTRL, 0, &v));

	if (its2 >= 0)
		close(its2);
	close(its);
	close(gic);
	vm_destroy(&vm);
}

/* ==== delivery ==== */

/*
 * The guest maps DEVID's events to LPIs and waits; KVM_SIGNAL_MSI wakes it
 * with each; untranslatable MSIs are blocked (0); an MSI route behind an
 * irqfd delivers the same LPI.
 */
TEST(msi_to_lpi)
{
	struct msi_arg a;
	struct vrunner v;
	struct its_vm t;
	int k, efd, i;
	__u32 ctlr;

	its_vm_create(_metadata, &t);
	its_guest_map(_metadata, &t);
	EXPECT_EQ(GITS_CTLR_ENABLE | GITS_CTLR_QUIESCENT,
		  its_get(_metadata, t.its, GITS_CTLR));
	EXPECT_EQ(32 * (NR_EVENTS + 4), its_get(_metadata, t.its, GITS_CREADR));
	ctlr = 0;
	EXPECT_EQ(0, gic_redist(t.gic, 0, GICR_CTLR, &ctlr, 0));
	EXPECT_EQ(GICR_CTLR_ENABLE_LPIS, ctlr & GICR_CTLR_ENABLE_LPIS);

	/* No devid flag: KVM's ITS needs one (EINVAL). */
	EXPECT_EQ(-EINVAL, its_msi(t.vm.fd, GIC_ITS_GPA, 0, DEVID, 0));
	/* Not the ITS's doorbell frame */
	EXPECT_EQ(-EINVAL, its_msi(t.vm.fd, 0x09000000ULL - GITS_TRANSLATER,
				   KVM_MSI_VALID_DEVID, DEVID, 0));
	/* Untranslatable: blocked. */
	EXPECT_EQ(0, its_msi(t.vm.fd, GIC_ITS_GPA, KVM_MSI_VALID_DEVID, DEVID, 5));
	EXPECT_EQ(0, its_msi(t.vm.fd, GIC_ITS_GPA, KVM_MSI_VALID_DEVID, DEVID + 1, 0));
	EXPECT_EQ(0, its_msi(t.vm.fd, GIC_ITS_GPA, KVM_MSI_VALID_DEVID, DEVID,
			     1U << EV_BITS));

	a.vm = t.vm.fd;
	k = 0;
	for (i = 0; i < NR_EVENTS; i++) {
		a.event = i;
		lpi_round(_metadata, &t.vm, ++k, GIC_LPI(i), deliver_msi, &a);
	}
	/* Again, through the translation cache */
	a.event = 0;
	lpi_round(_metadata, &t.vm, ++k, GIC_LPI(0), deliver_msi, &a);

	/* An MSI route behind an irqfd */
	ASSERT_EQ(0, msi_route(t.vm.fd, MSI_GSI, 1));
	efd = msi_irqfd(_metadata, t.vm.fd, MSI_GSI);
	for (i = 0; i < 2; i++)
		lpi_round(_metadata, &t.vm, ++k, GIC_LPI(1), deliver_efd, &efd);

	/* An untranslatable MSI does not wake the guest. */
	ASSERT_EQ(0, vr_start(&v, &t.vm, 0));
	EXPECT_TRUE(runner_blocks(&v.r));
	EXPECT_EQ(0, its_msi(t.vm.fd, GIC_ITS_GPA, KVM_MSI_VALID_DEVID, DEVID, 7));
	EXPECT_EQ(-ETIMEDOUT, vr_wait(&v, 0.3));
	EXPECT_EQ(k, glog(&t.vm)[0]);
	EXPECT_EQ(0, glog(&t.vm)[1]);
	close(efd);
	its_vm_destroy(&t);
}

/* ==== state ==== */

/*
 * SAVE_TABLES after the mapping: the DTE, the ITEs and the CTE in ABI rev
 * 0; then a second VM with the same memory, the redistributor's LPI
 * registers, the ITS registers in the documented order and RESTORE_TABLES
 * takes an MSI of the same device and event.
 */
TEST(its_save_restore)
{
	__u64 regs[5], prop, pend, creadr, dte, ite, cte;
	static const __u32 reg_off[4] = {
		GITS_BASER, GITS_BASER + 8, GITS_IIDR, GITS_CWRITER,
	};
	struct its_vm t, u;
	struct msi_arg a;
	__u32 ctlr, dctlr;
	int i;

	its_vm_create(_metadata, &t);
	its_guest_map(_metadata, &t);
	a.vm = t.vm.fd;
	a.event = 1;
	lpi_round(_metadata, &t.vm, 1, GIC_LPI(1), deliver_msi, &a);

	ASSERT_EQ(0, its_ctrl(t.its, KVM_DEV_ARM_ITS_SAVE_TABLES));
	dte = tbl_word(&t, DT_GPA + 8 * DEVID);
	EXPECT_EQ(GITS_VALID | ((ITT_GPA >> 8) << 5) | (EV_BITS - 1), dte)
		TH_LOG("DTE %#llx", (unsigned long long)dte);
	for (i = 0; i < NR_EVENTS; i++) {
		ite = tbl_word(&t, ITT_GPA + 8 * i);
		EXPECT_EQ(((__u64)(i + 1 < NR_EVENTS) << 48) |
			  ((__u64)GIC_LPI(i) << 16) | ICID, ite)
			TH_LOG("ITE %d: %#llx", i, (unsigned long long)ite);
	}
	EXPECT_EQ(0, tbl_word(&t, ITT_GPA + 8 * NR_EVENTS));
	cte = tbl_word(&t, CT_GPA);
	EXPECT_EQ(GITS_VALID | (0ULL << 16) | ICID, cte)
		TH_LOG("CTE %#llx", (unsigned long long)cte);
	EXPECT_EQ(0, tbl_word(&t, CT_GPA + 8));
	EXPECT_EQ(0, tbl_word(&t, DT_GPA + 8 * (DEVID + 1)));

	/* The state to move */
	prop = redist_get64(_metadata, t.gic, GICR_PROPBASER);
	pend = redist_get64(_metadata, t.gic, GICR_PENDBASER);
	EXPECT_EQ(propbaser(), prop);
	EXPECT_EQ(pendbaser(), pend);
	ctlr = 0xdeadbeef;
	EXPECT_EQ(0, gic_redist(t.gic, 0, GICR_CTLR, &ctlr, 0));
	EXPECT_EQ(GICR_CTLR_ENABLE_LPIS, ctlr & GICR_CTLR_ENABLE_LPIS);
	dctlr = 0xdeadbeef;
	EXPECT_EQ(0, gic_dist(t.gic, GICD_CTLR, &dctlr, 0));
	regs[0] = its_get(_metadata, t.its, GITS_CBASER);
	EXPECT_EQ(cbaser(), regs[0]);
	creadr = its_get(_metadata, t.its, GITS_CREADR);
	EXPECT_EQ(baser(DT_GPA), its_get(_metadata, t.its, GITS_BASER) &
		  ~(0x1fULL << 48) & ~(7ULL << 56));

	its_vm_create(_metadata, &u);
	memcpy(u.tbl, t.tbl, TBL_SIZE);
	memcpy(u.vm.ram, t.vm.ram, u.vm.ram_size);
	/* The guest starts again: no set-up table, nothing to wait for. */
	memset(vm_gpa(&u.vm, CFG_GPA), 0, 16);
	ASSERT_EQ(0, kset_reg64(u.vm.vcpu[0], REG_X(23), creadr));
	memset(glog(&u.vm), 0, 16);

	/* The vGIC: distributor, then the redistributor's LPI state. */
	EXPECT_EQ(0, gic_dist(u.gic, GICD_CTLR, &dctlr, 1));
	redist_put64(_metadata, u.gic, GICR_PROPBASER, prop);
	redist_put64(_metadata, u.gic, GICR_PENDBASER, pend);
	EXPECT_EQ(0, gic_redist(u.gic, 0, GICR_CTLR, &ctlr, 1));
	/* The ITS: CBASER, the others but CTLR, the tables, CTLR. */
	its_put(_metadata, u.its, GITS_CBASER, regs[0]);
	for (i = 0; i < 4; i++)
		regs[i + 1] = its_get(_metadata, t.its, reg_off[i]);
	for (i = 0; i < 4; i++)
		its_put(_metadata, u.its, reg_off[i], regs[i + 1]);
	its_put(_metadata, u.its, GITS_CREADR, creadr);
	ASSERT_EQ(0, its_ctrl(u.its, KVM_DEV_ARM_ITS_RESTORE_TABLES));
	its_put(_metadata, u.its, GITS_CTLR, its_get(_metadata, t.its, GITS_CTLR));
	its_vm_destroy(&t);

	for (i = 0; i < 4; i++)
		EXPECT_EQ(regs[i + 1], its_get(_metadata, u.its, reg_off[i]))
			TH_LOG("GITS +%#x", reg_off[i]);
	EXPECT_EQ(creadr, its_get(_metadata, u.its, GITS_CREADR));
	EXPECT_EQ(GITS_CTLR_ENABLE | GITS_CTLR_QUIESCENT,
		  its_get(_metadata, u.its, GITS_CTLR));
	EXPECT_EQ(prop, redist_get64(_metadata, u.gic, GICR_PROPBASER));

	RUN_EXPECT(&u.vm, 0, creadr);
	a.vm = u.vm.fd;
	for (i = 0; i < NR_EVENTS; i++) {
		a.event = i;
		lpi_round(_metadata, &u.vm, i + 1, GIC_LPI(i), deliver_msi, &a);
	}
	EXPECT_EQ(0, its_msi(u.vm.fd, GIC_ITS_GPA, KVM_MSI_VALID_DEVID, DEVID, 5));
	its_vm_destroy(&u);
}

/* ==== teardown ==== */

/*
 * Close everything with an LPI pending (the vCPU out of the guest) and an
 * MSI irqfd registered; the eventfd is written once more after the VM is
 * gone.
 */
TEST(teardown_with_lpis)
{
	struct its_vm t;
	__u64 one = 1;
	int efd;

	its_vm_create(_metadata, &t);
	its_guest_map(_metadata, &t);
	ASSERT_EQ(0, msi_route(t.vm.fd, MSI_GSI, 1));
	efd = msi_irqfd(_metadata, t.vm.fd, MSI_GSI);
	EXPECT_EQ(1, its_msi(t.vm.fd, GIC_ITS_GPA, KVM_MSI_VALID_DEVID, DEVID, 0));
	EXPECT_EQ(8, write(efd, &one, 8));
	usleep(100000);
	its_vm_destroy(&t);
	EXPECT_EQ(8, write(efd, &one, 8));
	close(efd);
}

/*
 * The same, but the process exits with its vCPU thread in KVM_RUN (in WFI,
 * after a blocked MSI).
 */
TEST(exit_with_lpis)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct vrunner v;
		struct its_vm t;
		int efd;

		its_vm_create(_metadata, &t);
		its_guest_map(_metadata, &t);
		if (msi_route(t.vm.fd, MSI_GSI, 1))
			_exit(2);
		efd = msi_irqfd(_metadata, t.vm.fd, MSI_GSI);
		if (its_msi(t.vm.fd, GIC_ITS_GPA, KVM_MSI_VALID_DEVID, DEVID, 7))
			_exit(3);
		if (vr_start(&v, &t.vm, 0) || !runner_blocks(&v.r))
			_exit(4);
		_exit(efd >= 0 ? 0 : 6);
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
