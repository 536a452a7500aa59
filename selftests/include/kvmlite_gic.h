/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel vGICv3 for the kvmlite selftests: creating and initialising
 * the KVM_DEV_TYPE_ARM_VGIC_V3 device, its attribute groups, KVM_IRQ_LINE
 * for SPIs and PPIs, and guest code fragments that drive the GIC.
 *
 * Guest memory map: QEMU virt's, with the distributor at GIC_DIST_GPA and
 * the redistributors (RD_base + SGI_base, 128 KiB each, vCPU i at
 * GIC_REDIST_GPA + i * 128 KiB) after it; RAM as in kvmlite_util.h. The
 * tests' vCPU i has MPIDR_EL1.Aff0 = i (ids below 16), which is how the
 * guest finds its own redistributor and how the device attributes name it.
 *
 * Guest side, with the register conventions of kvmlite_util.h (state in x19
 * and above):
 *  - GIC_GUEST_SETUP: CPU interface on (ICC_SRE_EL1.SRE, ICC_PMR_EL1 0xff,
 *    ICC_IGRPEN1_EL1), this vCPU's redistributor awake, then the
 *    configuration table at x20 (if x20 is not 0) applied: entries
 *    { u64 addr; u32 clear; u32 set }, each a 32-bit read-modify-write
 *    (*addr = (*addr & ~clear) | set), up to an entry with addr 0. The host
 *    fills the table with the gic_cfg_*() helpers. Clobbers x9-x14.
 *  - GIC_GUEST_VECTORS: a vector table (VBAR_EL1, 2 KiB aligned) whose IRQ
 *    handler (current EL, SPx) acknowledges with ICC_IAR1_EL1, logs the
 *    INTID at x25 (u64 count, u64 spurious count, then u64 INTIDs), writes
 *    the INTID to the MMIO address in x26 if x26 is not 0 (before the EOI:
 *    the host sees the interrupt active), calls the hook at x27 if it is not
 *    0 (x3 = INTID; it may use x0-x2 and x5-x7 and returns with ret), then
 *    ends it with ICC_EOIR1_EL1 (priority drop and deactivation,
 *    EOImode 0). Any other exception writes ESR_EL1 and its vector offset
 *    to GUEST_MMIO_GPA + GIC_GUEST_BAD_EXC (+ 8), forever. It clobbers
 *    x0-x7.
 *  - GIC_GUEST_WAIT_LOG(reg): wait in WFI until the log count at x25 is at
 *    least register @reg, taking interrupts in between; IRQs unmasked at
 *    the end. The count is checked with IRQs masked, so an interrupt that
 *    comes between the check and the WFI ends the WFI (checking it with
 *    IRQs unmasked would let the guest sleep after the last one). Clobbers
 *    x9.
 */
#ifndef KVMLITE_GIC_H
#define KVMLITE_GIC_H

#include "kvmlite_util.h"

#define GIC_DIST_GPA		0x08000000ULL
#define GIC_DIST_SIZE		0x10000ULL
#define GIC_REDIST_GPA		0x080a0000ULL
#define GIC_REDIST_SIZE		0x20000ULL
#define GIC_SGI_BASE		0x10000ULL

/* Distributor and redistributor registers (include/linux/irqchip/arm-gic-v3.h). */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IIDR		0x0008
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IROUTER		0x6000
#define GICD_CTLR_ENABLE_G1A	0x2U
#define GICD_CTLR_ARE_NS	0x10U

#define GICR_CTLR		0x0000
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
/* SGI_base frame, as offsets from RD_base */
#define GICR_IGROUPR0		(GIC_SGI_BASE + GICD_IGROUPR)
#define GICR_ISENABLER0		(GIC_SGI_BASE + GICD_ISENABLER)
#define GICR_ICENABLER0		(GIC_SGI_BASE + GICD_ICENABLER)
#define GICR_ISPENDR0		(GIC_SGI_BASE + GICD_ISPENDR)
#define GICR_ICPENDR0		(GIC_SGI_BASE + GICD_ICPENDR)
#define GICR_ISACTIVER0		(GIC_SGI_BASE + GICD_ISACTIVER)
#define GICR_ICACTIVER0		(GIC_SGI_BASE + GICD_ICACTIVER)
#define GICR_IPRIORITYR0	(GIC_SGI_BASE + GICD_IPRIORITYR)
#define GICR_ICFGR0		(GIC_SGI_BASE + GICD_ICFGR)

/* INTIDs: KVM's timer PPIs, and SPI n */
#define GIC_PPI_VTIMER		27
#define GIC_PPI_PTIMER		30
#define GIC_SPI(n)		(32 + (n))

/* GICv3 CPU interface registers, as the assembler spells any system register. */
#define ICC_PMR_EL1		"s3_0_c4_c6_0"
#define ICC_AP1R0_EL1		"s3_0_c12_c9_0"
#define ICC_DIR_EL1		"s3_0_c12_c11_1"
#define ICC_RPR_EL1		"s3_0_c12_c11_3"
#define ICC_SGI1R_EL1		"s3_0_c12_c11_5"
#define ICC_IAR1_EL1		"s3_0_c12_c12_0"
#define ICC_EOIR1_EL1		"s3_0_c12_c12_1"
#define ICC_HPPIR1_EL1		"s3_0_c12_c12_2"
#define ICC_BPR1_EL1		"s3_0_c12_c12_3"
#define ICC_CTLR_EL1		"s3_0_c12_c12_4"
#define ICC_SRE_EL1		"s3_0_c12_c12_5"
#define ICC_IGRPEN1_EL1		"s3_0_c12_c12_7"

/* KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS: the instr field of the attribute. */
#define ICC_ATTR(op0, op1, crn, crm, op2)				\
	(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))
#define ICC_ATTR_PMR		ICC_ATTR(3, 0, 4, 6, 0)
#define ICC_ATTR_BPR0		ICC_ATTR(3, 0, 12, 8, 3)
#define ICC_ATTR_AP0R0		ICC_ATTR(3, 0, 12, 8, 4)
#define ICC_ATTR_AP1R0		ICC_ATTR(3, 0, 12, 9, 0)
#define ICC_ATTR_BPR1		ICC_ATTR(3, 0, 12, 12, 3)
#define ICC_ATTR_CTLR		ICC_ATTR(3, 0, 12, 12, 4)
#define ICC_ATTR_SRE		ICC_ATTR(3, 0, 12, 12, 5)
#define ICC_ATTR_IGRPEN0	ICC_ATTR(3, 0, 12, 12, 6)
#define ICC_ATTR_IGRPEN1	ICC_ATTR(3, 0, 12, 12, 7)

/* The mpidr field of the REDIST_REGS, CPU_SYSREGS and LEVEL_INFO attributes. */
#define GIC_ATTR_VCPU(i)	((__u64)(i) << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT)

/* Where GIC_GUEST_VECTORS reports an unexpected exception (ESR, then offset). */
#define GIC_GUEST_BAD_EXC	0xff0

#define GIC_GUEST_SETUP							\
	"mrs x9, " ICC_SRE_EL1 "\n orr x9, x9, #1\n"			\
	"msr " ICC_SRE_EL1 ", x9\n isb\n"				\
	"mov x9, #0xff\n msr " ICC_PMR_EL1 ", x9\n"			\
	"mov x9, #1\n msr " ICC_IGRPEN1_EL1 ", x9\n isb\n"		\
	"mrs x9, mpidr_el1\n and x9, x9, #0xff\n"			\
	"movz x10, #0x080a, lsl #16\n add x10, x10, x9, lsl #17\n"	\
	"ldr w9, [x10, #0x14]\n bic w9, w9, #2\n str w9, [x10, #0x14]\n" \
	"90: ldr w9, [x10, #0x14]\n tbnz w9, #2, 90b\n"			\
	"cbz x20, 92f\n mov x11, x20\n"					\
	"91: ldp x12, x13, [x11], #16\n cbz x12, 92f\n"			\
	"ldr w14, [x12]\n bic w14, w14, w13\n lsr x13, x13, #32\n"	\
	"orr w14, w14, w13\n str w14, [x12]\n b 91b\n"			\
	"92:\n"

#define GIC_GUEST_WAIT_LOG(reg)						\
	"95: msr daifset, #2\n ldr x9, [x25]\n cmp x9, " reg "\n b.hs 96f\n" \
	"wfi\n msr daifclr, #2\n isb\n b 95b\n"			\
	"96: msr daifclr, #2\n isb\n"

#define GIC_GUEST_BAD_VECTOR(off)					\
	".org " #off "\n mov x0, #" #off "\n b 79f\n"

#define GIC_GUEST_VECTORS						\
	GIC_GUEST_BAD_VECTOR(0x000) GIC_GUEST_BAD_VECTOR(0x080)		\
	GIC_GUEST_BAD_VECTOR(0x100) GIC_GUEST_BAD_VECTOR(0x180)		\
	GIC_GUEST_BAD_VECTOR(0x200)					\
	".org 0x280\n b 70f\n"						\
	GIC_GUEST_BAD_VECTOR(0x300) GIC_GUEST_BAD_VECTOR(0x380)		\
	GIC_GUEST_BAD_VECTOR(0x400) GIC_GUEST_BAD_VECTOR(0x480)		\
	GIC_GUEST_BAD_VECTOR(0x500) GIC_GUEST_BAD_VECTOR(0x580)		\
	GIC_GUEST_BAD_VECTOR(0x600) GIC_GUEST_BAD_VECTOR(0x680)		\
	GIC_GUEST_BAD_VECTOR(0x700) GIC_GUEST_BAD_VECTOR(0x780)		\
	".org 0x800\n"							\
	"70: mrs x0, " ICC_IAR1_EL1 "\n and x3, x0, #0xffffff\n"	\
	"cmp x3, #1020\n b.hs 75f\n"					\
	"ldr x1, [x25]\n cmp x1, #1000\n b.hs 71f\n"			\
	"add x2, x25, #16\n str x3, [x2, x1, lsl #3]\n"			\
	"71: add x1, x1, #1\n str x1, [x25]\n"				\
	"cbz x26, 72f\n str x3, [x26]\n"				\
	"72: cbz x27, 73f\n mov x4, x30\n blr x27\n mov x30, x4\n"	\
	"73: msr " ICC_EOIR1_EL1 ", x3\n isb\n eret\n"			\
	"75: ldr x1, [x25, #8]\n add x1, x1, #1\n str x1, [x25, #8]\n eret\n" \
	"79: movz x1, #0x1000, lsl #16\n mrs x2, esr_el1\n"		\
	"str x2, [x1, #0xff0]\n str x0, [x1, #0xff8]\n b 79b\n"

/*
 * GIC_GUEST_VECTORS for LPIs as well: only INTIDs 1020-1023 count as
 * spurious, everything else is logged, reported and EOIed alike.
 */
#define GIC_GUEST_LPI_VECTORS						\
	GIC_GUEST_BAD_VECTOR(0x000) GIC_GUEST_BAD_VECTOR(0x080)		\
	GIC_GUEST_BAD_VECTOR(0x100) GIC_GUEST_BAD_VECTOR(0x180)		\
	GIC_GUEST_BAD_VECTOR(0x200)					\
	".org 0x280\n b 70f\n"						\
	GIC_GUEST_BAD_VECTOR(0x300) GIC_GUEST_BAD_VECTOR(0x380)		\
	GIC_GUEST_BAD_VECTOR(0x400) GIC_GUEST_BAD_VECTOR(0x480)		\
	GIC_GUEST_BAD_VECTOR(0x500) GIC_GUEST_BAD_VECTOR(0x580)		\
	GIC_GUEST_BAD_VECTOR(0x600) GIC_GUEST_BAD_VECTOR(0x680)		\
	GIC_GUEST_BAD_VECTOR(0x700) GIC_GUEST_BAD_VECTOR(0x780)		\
	".org 0x800\n"							\
	"70: mrs x0, " ICC_IAR1_EL1 "\n and x3, x0, #0xffffff\n"	\
	"sub x1, x3, #1020\n cmp x1, #4\n b.lo 75f\n"			\
	"ldr x1, [x25]\n cmp x1, #1000\n b.hs 71f\n"			\
	"add x2, x25, #16\n str x3, [x2, x1, lsl #3]\n"			\
	"71: add x1, x1, #1\n str x1, [x25]\n"				\
	"cbz x26, 72f\n str x3, [x26]\n"				\
	"72: cbz x27, 73f\n mov x4, x30\n blr x27\n mov x30, x4\n"	\
	"73: msr " ICC_EOIR1_EL1 ", x3\n isb\n eret\n"			\
	"75: ldr x1, [x25, #8]\n add x1, x1, #1\n str x1, [x25, #8]\n eret\n" \
	"79: movz x1, #0x1000, lsl #16\n mrs x2, esr_el1\n"		\
	"str x2, [x1, #0xff0]\n str x0, [x1, #0xff8]\n b 79b\n"

/* ---- host side ---- */

/* KVM_CREATE_DEVICE of a vGICv3 (@flags: KVM_CREATE_DEVICE_TEST): fd, 0 or -errno. */
static inline int gic_create(int vm, __u32 flags)
{
	struct kvm_create_device cd = {
		.type = KVM_DEV_TYPE_ARM_VGIC_V3, .flags = flags, .fd = -1,
	};
	long r = kioctlp(vm, KVM_CREATE_DEVICE, &cd);

	if (r < 0)
		return r;
	return flags & KVM_CREATE_DEVICE_TEST ? 0 : (int)cd.fd;
}

static inline int gic_attr(int dev, unsigned long req, __u32 group,
			   __u64 attr, void *val)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (unsigned long)val,
	};

	return kioctlp(dev, req, &a);
}

static inline int gic_set(int dev, __u32 group, __u64 attr, void *val)
{
	return gic_attr(dev, KVM_SET_DEVICE_ATTR, group, attr, val);
}

static inline int gic_get(int dev, __u32 group, __u64 attr, void *val)
{
	return gic_attr(dev, KVM_GET_DEVICE_ATTR, group, attr, val);
}

static inline int gic_has(int dev, __u32 group, __u64 attr)
{
	return gic_attr(dev, KVM_HAS_DEVICE_ATTR, group, attr, NULL);
}

static inline int gic_set_addr(int dev, __u64 type, __u64 addr)
{
	return gic_set(dev, KVM_DEV_ARM_VGIC_GRP_ADDR, type, &addr);
}

/* A KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION value. */
static inline __u64 gic_redist_region(__u64 base, __u32 count, __u32 index)
{
	return ((__u64)count << 52) | base | index;
}

static inline int gic_set_nr_irqs(int dev, __u32 nr)
{
	return gic_set(dev, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr);
}

static inline int gic_init(int dev)
{
	return gic_set(dev, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT,
		       NULL);
}

/* 32-bit distributor register at @off: get (@write 0) or set. */
static inline int gic_dist(int dev, __u32 off, __u32 *val, int write)
{
	return gic_attr(dev, write ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR,
			KVM_DEV_ARM_VGIC_GRP_DIST_REGS, off, val);
}

/* 32-bit register at @off of vCPU @i's redistributor (RD_base relative). */
static inline int gic_redist(int dev, int i, __u32 off, __u32 *val, int write)
{
	return gic_attr(dev, write ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR,
			KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
			GIC_ATTR_VCPU(i) | off, val);
}

/* ICC_* register @instr (ICC_ATTR_*) of vCPU @i. */
static inline int gic_icc(int dev, int i, __u32 instr, __u64 *val, int write)
{
	return gic_attr(dev, write ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR,
			KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
			GIC_ATTR_VCPU(i) | instr, val);
}

/* Line levels of INTIDs @intid..@intid+31 (PPIs: vCPU @i's). */
static inline int gic_level(int dev, int i, __u32 intid, __u32 *val, int write)
{
	return gic_attr(dev, write ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR,
			KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO,
			GIC_ATTR_VCPU(i) |
			((__u64)VGIC_LEVEL_INFO_LINE_LEVEL <<
			 KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT) | intid, val);
}

/*
 * The usual set-up, after the vCPUs are created: the vGIC, distributor and
 * redistributors at QEMU virt's addresses, @nr_irqs interrupts (0: KVM's
 * default), initialised. The device fd, or -errno.
 */
static inline int gic_setup(struct kvm_vm *vm, __u32 nr_irqs)
{
	int dev = gic_create(vm->fd, 0), r;

	if (dev < 0)
		return dev;
	r = gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_DIST, GIC_DIST_GPA);
	if (!r)
		r = gic_set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST, GIC_REDIST_GPA);
	if (!r && nr_irqs)
		r = gic_set_nr_irqs(dev, nr_irqs);
	if (!r)
		r = gic_init(dev);
	if (r) {
		close(dev);
		return r;
	}
	return dev;
}

/* KVM_IRQ_LINE of @type (KVM_ARM_IRQ_TYPE_*), vCPU id @vcpu, @intid. */
static inline int gic_irq_line(struct kvm_vm *vm, __u32 type, __u32 vcpu,
			       __u32 intid, int level)
{
	struct kvm_irq_level irq = {
		.irq = (type << KVM_ARM_IRQ_TYPE_SHIFT) |
		       ((vcpu & KVM_ARM_IRQ_VCPU_MASK) << KVM_ARM_IRQ_VCPU_SHIFT) |
		       ((vcpu >> 8) << KVM_ARM_IRQ_VCPU2_SHIFT) |
		       (intid << KVM_ARM_IRQ_NUM_SHIFT),
		.level = level,
	};

	return kioctlp(vm->fd, KVM_IRQ_LINE, &irq);
}

static inline int gic_spi(struct kvm_vm *vm, __u32 intid, int level)
{
	return gic_irq_line(vm, KVM_ARM_IRQ_TYPE_SPI, 0, intid, level);
}

static inline int gic_ppi(struct kvm_vm *vm, __u32 vcpu, __u32 intid, int level)
{
	return gic_irq_line(vm, KVM_ARM_IRQ_TYPE_PPI, vcpu, intid, level);
}

/* ---- guest configuration tables (GIC_GUEST_SETUP) ---- */

struct gic_cfg_op {
	__u64 addr;
	__u32 clear;
	__u32 set;
};

struct gic_cfg {
	struct gic_cfg_op *op;
	int n;
};

/* An empty table in guest memory at @gpa (x20 of the guest). */
static inline void gic_cfg_init(struct gic_cfg *c, struct kvm_vm *vm, __u64 gpa)
{
	c->op = vm_gpa(vm, gpa);
	c->n = 0;
	memset(c->op, 0, sizeof(*c->op));
}

static inline void gic_cfg_rmw(struct gic_cfg *c, __u64 addr, __u32 clear,
			       __u32 set)
{
	c->op[c->n].addr = addr;
	c->op[c->n].clear = clear;
	c->op[c->n].set = set;
	c->n++;
	memset(&c->op[c->n], 0, sizeof(*c->op));
}

/* Guest address of register @off for @intid: vCPU @i's redistributor or the distributor. */
static inline __u64 gic_reg_gpa(int i, __u32 intid, __u32 off)
{
	if (intid < 32)
		return GIC_REDIST_GPA + i * GIC_REDIST_SIZE + GIC_SGI_BASE + off;
	return GIC_DIST_GPA + off;
}

static inline void gic_cfg_dist_enable(struct gic_cfg *c)
{
	gic_cfg_rmw(c, GIC_DIST_GPA + GICD_CTLR, 0,
		    GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A);
}

/* One bit per INTID at @off (IGROUPR, ISENABLER, ...): set, or write @bit alone. */
static inline void gic_cfg_bit(struct gic_cfg *c, int i, __u32 intid, __u32 off,
			       int write_only)
{
	__u32 bit = 1U << (intid % 32);

	gic_cfg_rmw(c, gic_reg_gpa(i, intid, off + 4 * (intid / 32)),
		    write_only ? 0xffffffffU : 0, bit);
}

static inline void gic_cfg_priority(struct gic_cfg *c, int i, __u32 intid,
				    __u8 prio)
{
	int shift = 8 * (intid % 4);

	gic_cfg_rmw(c, gic_reg_gpa(i, intid, GICD_IPRIORITYR + (intid & ~3U)),
		    0xffU << shift, (__u32)prio << shift);
}

/* ICFGR: edge-triggered (Int_config[1] set) or level-sensitive. */
static inline void gic_cfg_edge(struct gic_cfg *c, int i, __u32 intid, int edge)
{
	__u32 bit = 2U << (2 * (intid % 16));

	gic_cfg_rmw(c, gic_reg_gpa(i, intid, GICD_ICFGR + 4 * (intid / 16)),
		    bit, edge ? bit : 0);
}

/* GICD_IROUTER of SPI @intid: to the vCPU with Aff0 @aff0. */
static inline void gic_cfg_route(struct gic_cfg *c, __u32 intid, __u32 aff0)
{
	gic_cfg_rmw(c, GIC_DIST_GPA + GICD_IROUTER + 8 * intid, 0xffffffffU, aff0);
}

/*
 * Interrupt @intid (of vCPU @i's redistributor if private) in group 1,
 * priority @prio, edge or level (SGIs: always edge), enabled.
 */
static inline void gic_cfg_irq(struct gic_cfg *c, int i, __u32 intid, __u8 prio,
			       int edge)
{
	gic_cfg_bit(c, i, intid, GICD_IGROUPR, 0);
	gic_cfg_priority(c, i, intid, prio);
	if (intid >= 16)
		gic_cfg_edge(c, i, intid, edge);
	gic_cfg_bit(c, i, intid, GICD_ISENABLER, 1);
}

/* ---- the ITS (KVM_DEV_TYPE_ARM_VGIC_ITS) ---- */

/* QEMU virt's ITS: its control frame, then the translation frame. */
#define GIC_ITS_GPA		0x08080000ULL
#define GIC_ITS_SIZE		0x20000ULL

/* ITS registers (include/linux/irqchip/arm-gic-v3.h) */
#define GITS_CTLR		0x0000
#define GITS_IIDR		0x0004
#define GITS_TYPER		0x0008
#define GITS_CBASER		0x0080
#define GITS_CWRITER		0x0088
#define GITS_CREADR		0x0090
#define GITS_BASER		0x0100
#define GITS_PIDR4		0xffd0
#define GITS_PIDR2		0xffe8
#define GITS_TRANSLATER		0x10040
#define GITS_CTLR_ENABLE	0x1U
#define GITS_CTLR_QUIESCENT	0x80000000U
#define GITS_VALID		0x8000000000000000ULL	/* CBASER, BASER<n> */

/* Redistributor LPI registers (RD_base) */
#define GICR_PROPBASER		0x0070
#define GICR_PENDBASER		0x0078
#define GICR_CTLR_ENABLE_LPIS	0x1U

/* The first LPI */
#define GIC_LPI(n)		(8192 + (n))

/* KVM_CREATE_DEVICE of an ITS (@flags: KVM_CREATE_DEVICE_TEST): fd, 0 or -errno. */
static inline int its_create(int vm, __u32 flags)
{
	struct kvm_create_device cd = {
		.type = KVM_DEV_TYPE_ARM_VGIC_ITS, .flags = flags, .fd = -1,
	};
	long r = kioctlp(vm, KVM_CREATE_DEVICE, &cd);

	if (r < 0)
		return r;
	return flags & KVM_CREATE_DEVICE_TEST ? 0 : (int)cd.fd;
}

/* ITS register at @off (KVM_DEV_ARM_VGIC_GRP_ITS_REGS, always a __u64): get or set. */
static inline int its_reg(int dev, __u32 off, __u64 *val, int write)
{
	return gic_attr(dev, write ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR,
			KVM_DEV_ARM_VGIC_GRP_ITS_REGS, off, val);
}

static inline int its_ctrl(int dev, __u64 attr)
{
	return gic_set(dev, KVM_DEV_ARM_VGIC_GRP_CTRL, attr, NULL);
}

/* KVM_SIGNAL_MSI to the ITS at @its_gpa: 1 delivered, 0 blocked, or -errno. */
static inline int its_msi(int vm, __u64 its_gpa, __u32 flags, __u32 devid,
			  __u32 event)
{
	__u64 db = its_gpa + GITS_TRANSLATER;
	struct kvm_msi msi = {
		.address_lo = (__u32)db, .address_hi = (__u32)(db >> 32),
		.data = event, .flags = flags, .devid = devid,
	};

	return kioctlp(vm, KVM_SIGNAL_MSI, &msi);
}

#endif /* KVMLITE_GIC_H */
