/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmlite arm64 backend: the in-kernel virtual GICv3 (vgic*.c).
 */
#ifndef KVMLITE_ARM64_VGIC_H
#define KVMLITE_ARM64_VGIC_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#define KL_VGIC_NR_SGIS		16
#define KL_VGIC_NR_PRIVATE	32
/* SPIs: INTIDs 32..1019 (KVM's VGIC_MAX_SPI). */
#define KL_VGIC_MAX_IRQS	1020
#define KL_VGIC_MAX_SPIS	(KL_VGIC_MAX_IRQS - KL_VGIC_NR_PRIVATE)
/* The default of KVM when userspace sets no NR_IRQS (VGIC_NR_IRQS_LEGACY). */
#define KL_VGIC_DEFAULT_IRQS	256
#define KL_VGIC_MAX_LRS		16
#define KL_VGIC_MAX_APRS	4

/* The frames of KVM's vGICv3 (KVM_VGIC_V3_DIST_SIZE, _REDIST_SIZE). */
#define KL_VGIC_DIST_SIZE	0x10000ULL
#define KL_VGIC_REDIST_SIZE	0x20000ULL

/* Default timer PPIs (KVM's), settable with KVM_ARM_VCPU_TIMER_CTRL. */
#define KL_VGIC_VTIMER_PPI	27
#define KL_VGIC_PTIMER_PPI	30

/**
 * struct kl_irq - one virtual interrupt (KVM's struct vgic_irq)
 * @lr_vcpu:	the vCPU whose list registers hold it while that vCPU runs
 * @target:	where it is delivered: its owner (SGI, PPI) or the vCPU whose
 *		affinity @mpidr names (SPI; NULL: none)
 * @mpidr:	GICD_IROUTER<n> (SPIs)
 * @intid:	its INTID
 * @priority:	GICD_IPRIORITYR / GICR_IPRIORITYR (all 8 bits kept)
 * @group:	1: Group 1, 0: Group 0
 * @enabled, @active: state bits
 * @pending_latch: pending by an edge, a write to ISPENDR or an SGI
 * @line_level: input level (level-sensitive: pending while high)
 * @level_cfg:	level-sensitive (GICD_ICFGR 0b00) rather than edge
 * @lpi_list:	LPIs: in kl_vgic.lpis
 * @lpi_refs:	LPIs: the translation entries naming it
 * @lpi_orphan:	LPIs: unmapped while in a list register; freed at the fold
 *
 * Every field is under the VM's kl_vgic.lock.
 */
struct kl_irq {
	struct kl_vcpu *lr_vcpu;
	struct kl_vcpu *target;
	u64 mpidr;
	u32 intid;
	u8 priority;
	bool group;
	bool enabled;
	bool active;
	bool pending_latch;
	bool line_level;
	bool level_cfg;
	struct list_head lpi_list;
	u32 lpi_refs;
	bool lpi_orphan;
};

/* The first LPI. */
#define KL_LPI_BASE		8192

/**
 * struct kl_rdreg - a redistributor region (KVM's vgic_redist_region)
 * @list:	in kl_vgic.rd_regions, by index
 * @base:	guest-physical base
 * @count:	redistributors it holds; 0: the legacy single region (as many
 *		as there are vCPUs)
 * @free_index: the next one a new vCPU gets
 * @index:	region number
 */
struct kl_rdreg {
	struct list_head list;
	u64 base;
	u32 count;
	u32 free_index;
	u32 index;
};

/**
 * struct kl_vgic - a VM's virtual GICv3 (the distributor)
 * @lock:	the state of every interrupt of the VM, the distributor's
 *		registers and each vCPU's list-register shadow
 * @initialized: KVM_DEV_ARM_VGIC_CTRL_INIT done; the SPIs exist
 * @nr_spis:	SPIs (from NR_IRQS, else KVM's default)
 * @dist_base:	GICD frame, KL_INVALID_GPA until set
 * @rd_regions:	redistributor regions (under the VM's config_lock)
 * @ctlr:	GICD_CTLR.EnableGrp0 and EnableGrp1A
 * @iidr_rev:	GICD_IIDR.Revision (KVM's implementation revision)
 * @spis:	the SPIs (INTID 32 on)
 * @pending:	the SPIs that are pending or active
 * @lpis:	the LPIs (vgic-its.c)
 * @its_list:	the ITSes
 * @its_lock:	serialises their registers and commands (vgic-its.c)
 * @has_its:	an ITS was created (LPIs in GICD_TYPER and GICR_TYPER)
 * @propbaser:	GICR_PROPBASER, one for all redistributors (as KVM)
 * @timer_ppi:	the timers' PPIs (KVM_ARM_VCPU_TIMER_CTRL: virtual,
 *		physical, EL2 virtual, EL2 physical)
 * @vcpus:	the vCPUs, by index, once initialised (none is created
 *		after): cheaper on the interrupt paths than vm->vcpus
 * @nr_vcpus:	how many; 0 before initialisation
 */
struct kl_vgic {
	spinlock_t lock;		/* see above */
	bool initialized;
	u32 nr_spis;
	u64 dist_base;
	struct list_head rd_regions;
	u32 ctlr;
	u32 iidr_rev;
	struct kl_irq *spis;
	unsigned long *pending;
	struct list_head lpis;
	struct list_head its_list;
	struct mutex its_lock;		/* see above */
	bool has_its;
	u64 propbaser;
	u32 timer_ppi[4];
	struct kl_vcpu *vcpus[KVMLITE_MAX_VCPUS];
	u32 nr_vcpus;
};

/**
 * struct kl_vgic_cpu - a vCPU's part of the vGIC (redistributor and CPU
 * interface)
 * @priv:	its SGIs and PPIs
 * @pending:	the private interrupts that are pending or active
 * @rd_base:	its redistributor frames, KL_INVALID_GPA until placed
 * @rdreg:	the region they are in, and their slot there
 * @rdreg_index: see @rdreg
 * @vmcr:	ICH_VMCR_EL2: the guest's ICC_PMR/BPR/IGRPEN/CTLR fields
 * @ap0r, @ap1r: ICH_AP0R<n>_EL2, ICH_AP1R<n>_EL2
 * @lr:		list registers at guest entry and as the guest left them
 * @lr_irq:	the interrupt in each
 * @nr_lr:	how many are in use
 * @hcr:	ICH_HCR_EL2 for the next entry (UIE when some did not fit)
 * @lpis_enabled: GICR_CTLR.EnableLPIs
 * @pendbaser:	GICR_PENDBASER
 * @kick_seq:	bumped when an interrupt becomes deliverable to this vCPU
 */
struct kl_vgic_cpu {
	struct kl_irq priv[KL_VGIC_NR_PRIVATE];
	u32 pending;
	u64 rd_base;
	struct kl_rdreg *rdreg;
	u32 rdreg_index;
	u64 vmcr;
	u64 ap0r[KL_VGIC_MAX_APRS];
	u64 ap1r[KL_VGIC_MAX_APRS];
	u64 lr[KL_VGIC_MAX_LRS];
	struct kl_irq *lr_irq[KL_VGIC_MAX_LRS];
	u32 nr_lr;
	u64 hcr;
	bool lpis_enabled;
	u64 pendbaser;
	u32 kick_seq;
};

#endif /* KVMLITE_ARM64_VGIC_H */
