// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: the virtual ITS (KVM_DEV_TYPE_ARM_VGIC_ITS) and
 * LPIs, as KVM's vgic-its.c (Documentation/virt/kvm/devices/arm-vgic-its.rst).
 *
 * The guest's command queue (GITS_CBASER) is read from guest memory and run
 * when GITS_CWRITER moves; the translations it sets up (devices, their
 * interrupt translation entries, collections) live in the kernel, as KVM
 * keeps them: the tables of GITS_BASER<n> are only checked for the ids the
 * guest uses and written by KVM_DEV_ARM_ITS_SAVE_TABLES. An LPI's priority
 * and enable come from the property table (GICR_PROPBASER) when the guest
 * maps it or sends INV/INVALL; MSIs (KVM_SIGNAL_MSI, MSI routes) name a
 * device id and an event, and make the LPI pending at the vCPU its
 * collection targets, once that vCPU's redistributor has LPIs enabled.
 *
 * Translations and LPIs are under the VM's kl_vgic.lock (MSIs arrive in
 * atomic context); kl_vgic.its_lock serialises the ITS registers and
 * commands (the only writers of the LPI list), and guest memory is only
 * read outside the spinlock.
 */
#include <linux/bitfield.h>
#include <linux/kvm.h>
#include <linux/irqchip/arm-gic-v3.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "arm64.h"

#define KL_ITS_SIZE		(2 * SZ_64K)
#define KL_ITS_DEVBITS		16
#define KL_ITS_IDBITS		16
#define KL_ITS_ESZ		8
#define KL_ITS_MAX_EVENT_BITS	16
/* KVM's GITS_IIDR: product 'K', ARM, ITS ABI revision 0. */
#define KL_ITS_IIDR		((0x4bU << 24) | 0x43b)
#define KL_BASER_TYPE_DEVICE	1ULL
#define KL_BASER_TYPE_COLL	4ULL
#define KL_BASER_RO		(GENMASK_ULL(58, 56) | GENMASK_ULL(52, 48))
/* KVM's reset value: RaWb, inner shareable, 64 KiB pages, 8-byte entries. */
#define KL_BASER_INIT		0x1807000000000600ULL

struct kl_its_ite {
	struct list_head list;
	u32 event;
	u16 icid;
	struct kl_irq *irq;
};

struct kl_its_dev {
	struct list_head list;
	struct list_head ites;
	u32 devid;
	u32 nbits;
	u64 itt;
};

struct kl_its_coll {
	struct list_head list;
	u16 icid;
	u32 target;		/* vCPU id (GITS_TYPER.PTA is 0) */
};

/**
 * struct kl_its - a virtual ITS
 * @vm:		its VM
 * @base:	its frames, KL_INVALID_GPA until set
 * @enabled:	GITS_CTLR.Enabled
 * @cbaser:	GITS_CBASER: the command queue
 * @creadr:	GITS_CREADR: where the ITS reads next
 * @cwriter:	GITS_CWRITER: where the guest writes next
 * @baser:	GITS_BASER0 (devices) and GITS_BASER1 (collections)
 * @devices:	the mapped devices (under the vGIC's lock)
 * @colls:	the mapped collections (likewise)
 * @list:	in kl_vgic.its_list
 */
struct kl_its {
	struct kvmlite_vm *vm;
	u64 base;
	bool enabled;
	u64 cbaser, creadr, cwriter;
	u64 baser[2];
	struct list_head devices;
	struct list_head colls;
	struct list_head list;
};

/*
 * The VM's ITS mutex (kl_vgic.its_lock): registers and commands of every
 * ITS, so that only one changes the LPIs at a time.
 */
static struct mutex *kl_its_mutex(struct kl_its *its)
{
	return &kl_vm(its->vm)->vgic->its_lock;
}

static struct kl_its_dev *kl_find_dev(struct kl_its *its, u32 devid)
{
	struct kl_its_dev *dev;

	list_for_each_entry(dev, &its->devices, list)
		if (dev->devid == devid)
			return dev;
	return NULL;
}

static struct kl_its_ite *kl_find_ite(struct kl_its_dev *dev, u32 event)
{
	struct kl_its_ite *ite;

	list_for_each_entry(ite, &dev->ites, list)
		if (ite->event == event)
			return ite;
	return NULL;
}

static struct kl_its_coll *kl_find_coll(struct kl_its *its, u32 icid)
{
	struct kl_its_coll *c;

	list_for_each_entry(c, &its->colls, list)
		if (c->icid == icid)
			return c;
	return NULL;
}

/* The vCPU of id @id (a collection's target: GITS_TYPER.PTA is 0). */
static struct kl_vcpu *kl_vcpu_by_vid(struct kvmlite_vm *vm, u32 id)
{
	struct kvmlite_vcpu *vcpu = kl_vcpu_by_id(vm, id);

	return vcpu ? kl_vcpu(vcpu) : NULL;
}

/* An LPI's reference dropped; the last frees it (lock held). */
static void kl_lpi_put(struct kl_vgic *d, struct kl_irq *irq)
{
	if (--irq->lpi_refs)
		return;
	list_del(&irq->lpi_list);
	/* A vCPU still holding it in a list register lets go at its exit. */
	if (irq->lr_vcpu)
		irq->lpi_orphan = true;
	else
		kfree(irq);
}

static void kl_ite_free(struct kl_vgic *d, struct kl_its_ite *ite)
{
	list_del(&ite->list);
	kl_lpi_put(d, ite->irq);
	kfree(ite);
}

static void kl_dev_free(struct kl_vgic *d, struct kl_its_dev *dev)
{
	struct kl_its_ite *ite, *t;

	list_for_each_entry_safe(ite, t, &dev->ites, list)
		kl_ite_free(d, ite);
	list_del(&dev->list);
	kfree(dev);
}

static void kl_its_free_all(struct kl_vgic *d, struct kl_its *its)
{
	struct kl_its_dev *dev, *t;
	struct kl_its_coll *c, *tc;

	list_for_each_entry_safe(dev, t, &its->devices, list)
		kl_dev_free(d, dev);
	list_for_each_entry_safe(c, tc, &its->colls, list) {
		list_del(&c->list);
		kfree(c);
	}
}

/* The LPI's property byte from the table GICR_PROPBASER names. */
static int kl_lpi_prop(struct kvmlite_vm *vm, u32 intid, u8 *prop)
{
	struct kl_vgic *d = kl_vm(vm)->vgic;
	u64 base = READ_ONCE(d->propbaser) & GENMASK_ULL(51, 12);
	u32 idbits = (READ_ONCE(d->propbaser) & 0x1f) + 1;

	if (intid >= BIT(min_t(u32, idbits, KL_ITS_IDBITS)))
		return -EINVAL;
	return kvmlite_read_guest(vm, base + intid - KL_LPI_BASE, prop, 1);
}

/* Whether @id is inside the guest's table of GITS_BASER @baser (KVM's check). */
static bool kl_its_check_id(struct kvmlite_vm *vm, u64 baser, u32 id)
{
	static const u32 psz[] = { SZ_4K, SZ_16K, SZ_64K, SZ_64K };
	u32 page = psz[(baser >> 8) & 3];
	u64 size = (u64)((baser & 0xff) + 1) * page;
	u64 base = baser & GENMASK_ULL(47, 12);
	u32 per_page = page / KL_ITS_ESZ;
	__le64 l1;

	if (!(baser & GITS_BASER_VALID))
		return false;
	if (!(baser & GITS_BASER_INDIRECT))
		return (u64)id * KL_ITS_ESZ < size;
	if ((u64)(id / per_page) * 8 >= size)
		return false;
	if (kvmlite_read_guest(vm, base + (id / per_page) * 8, &l1, 8))
		return false;
	return le64_to_cpu(l1) & BIT_ULL(63);
}

/* MSI (@devid, @event) of @its to its LPI: 1 made pending, 0 not. */
static int kl_its_trigger(struct kl_vgic *d, struct kl_its *its, u32 devid,
			  u32 event, bool clear)
{
	struct kl_its_dev *dev;
	struct kl_its_ite *ite;
	struct kl_its_coll *c;
	struct kl_irq *irq;

	if (!its->enabled)
		return -EBUSY;
	dev = kl_find_dev(its, devid);
	ite = dev ? kl_find_ite(dev, event) : NULL;
	c = ite ? kl_find_coll(its, ite->icid) : NULL;
	if (!c)
		return 0;
	irq = ite->irq;
	if (!irq->target || !irq->target->vgic.lpis_enabled)
		return -EBUSY;
	irq->pending_latch = !clear;
	kl_irq_update(d, irq);
	return 1;
}

/* arch_ops.set_msi: KVM_SIGNAL_MSI and MSI routes (KVM's vgic_its_inject_msi()). */
int kl_its_inject_msi(struct kvmlite_vm *vm, const struct kvm_msi *msi)
{
	struct kl_vgic *d = kl_vm(vm)->vgic;
	u64 addr = ((u64)msi->address_hi << 32) | msi->address_lo;
	struct kl_its *its;
	unsigned long flags;
	int r = -EINVAL;

	if (!d || list_empty(&d->its_list))
		return -ENODEV;
	/* The ITS requires a device id. */
	if (!(msi->flags & KVM_MSI_VALID_DEVID))
		return -EINVAL;
	spin_lock_irqsave(&d->lock, flags);
	list_for_each_entry(its, &d->its_list, list) {
		if (its->base == KL_INVALID_GPA ||
		    addr != its->base + GITS_TRANSLATER)
			continue;
		r = kl_its_trigger(d, its, msi->devid, msi->data, false);
		break;
	}
	spin_unlock_irqrestore(&d->lock, flags);
	return r == -EBUSY ? -EBUSY : r < 0 ? -EINVAL : r;
}

/* Re-read the property bytes of @irq (INV) or of a collection's (INVALL). */
static void kl_lpi_reconfig(struct kvmlite_vm *vm, struct kl_irq *irq)
{
	struct kl_vgic *d = kl_vm(vm)->vgic;
	u8 prop;

	if (kl_lpi_prop(vm, irq->intid, &prop))
		return;
	spin_lock_irq(&d->lock);
	irq->priority = prop & 0xfc;
	irq->enabled = prop & 1;
	kl_irq_update(d, irq);
	spin_unlock_irq(&d->lock);
}

/* Commands (Arm IHI 0069, 6.3). */
#define KL_CMD_MOVI		0x01
#define KL_CMD_INT		0x03
#define KL_CMD_CLEAR		0x04
#define KL_CMD_SYNC		0x05
#define KL_CMD_MAPD		0x08
#define KL_CMD_MAPC		0x09
#define KL_CMD_MAPTI		0x0a
#define KL_CMD_MAPI		0x0b
#define KL_CMD_INV		0x0c
#define KL_CMD_INVALL		0x0d
#define KL_CMD_MOVALL		0x0e
#define KL_CMD_DISCARD		0x0f

#define CMD_DEVID(c)		((u32)((c)[0] >> 32))
#define CMD_EVENT(c)		((u32)(c)[1])
#define CMD_PINTID(c)		((u32)((c)[1] >> 32))
#define CMD_SIZE(c)		((u32)((c)[1] & 0x1f))
#define CMD_ICID(c)		((u16)(c)[2])
#define CMD_ITT(c)		((c)[2] & GENMASK_ULL(51, 8))
#define CMD_VALID(c)		((c)[2] >> 63)
#define CMD_RDBASE(c)		((u32)(((c)[2] >> 16) & 0xffff))
#define CMD_RDBASE2(c)		((u32)(((c)[3] >> 16) & 0xffff))

static struct kl_vcpu *kl_coll_vcpu(struct kvmlite_vm *vm, struct kl_its_coll *c)
{
	return c ? kl_vcpu_by_vid(vm, c->target) : NULL;
}

/* MAPTI/MAPI: a new ITE and, unless it exists, its LPI. */
static void kl_cmd_mapti(struct kl_its *its, const u64 *cmd, u32 intid)
{
	struct kvmlite_vm *vm = its->vm;
	struct kl_vgic *d = kl_vm(vm)->vgic;
	u32 devid = CMD_DEVID(cmd), event = CMD_EVENT(cmd);
	struct kl_its_ite *ite, *newite;
	struct kl_irq *irq, *newirq;
	struct kl_its_dev *dev;
	u8 prop = 0;

	if (intid < KL_LPI_BASE || intid >= BIT(KL_ITS_IDBITS) ||
	    !kl_its_check_id(vm, its->baser[1], CMD_ICID(cmd)))
		return;
	kl_lpi_prop(vm, intid, &prop);
	newite = kzalloc(sizeof(*newite), GFP_KERNEL_ACCOUNT);
	newirq = kzalloc(sizeof(*newirq), GFP_KERNEL_ACCOUNT);
	if (!newite || !newirq)
		goto out;
	spin_lock_irq(&d->lock);
	dev = kl_find_dev(its, devid);
	if (!dev || event >= BIT(dev->nbits) || kl_find_ite(dev, event)) {
		spin_unlock_irq(&d->lock);
		goto out;
	}
	irq = NULL;
	list_for_each_entry(irq, &d->lpis, lpi_list)
		if (irq->intid == intid)
			break;
	if (list_entry_is_head(irq, &d->lpis, lpi_list)) {
		irq = newirq;
		newirq = NULL;
		irq->intid = intid;
		irq->group = true;
		irq->priority = prop & 0xfc;
		irq->enabled = prop & 1;
		list_add_tail(&irq->lpi_list, &d->lpis);
	}
	irq->lpi_refs++;
	irq->target = kl_coll_vcpu(vm, kl_find_coll(its, CMD_ICID(cmd)));
	ite = newite;
	newite = NULL;
	ite->event = event;
	ite->icid = CMD_ICID(cmd);
	ite->irq = irq;
	list_add_tail(&ite->list, &dev->ites);
	kl_irq_update(d, irq);
	spin_unlock_irq(&d->lock);
out:
	kfree(newite);
	kfree(newirq);
}

static void kl_cmd_mapd(struct kl_its *its, const u64 *cmd)
{
	struct kl_vgic *d = kl_vm(its->vm)->vgic;
	u32 devid = CMD_DEVID(cmd);
	struct kl_its_dev *dev, *newdev = NULL;

	if (CMD_SIZE(cmd) + 1 > KL_ITS_MAX_EVENT_BITS ||
	    !kl_its_check_id(its->vm, its->baser[0], devid))
		return;
	if (CMD_VALID(cmd)) {
		newdev = kzalloc(sizeof(*newdev), GFP_KERNEL_ACCOUNT);
		if (!newdev)
			return;
		INIT_LIST_HEAD(&newdev->ites);
		newdev->devid = devid;
		newdev->nbits = CMD_SIZE(cmd) + 1;
		newdev->itt = CMD_ITT(cmd);
	}
	spin_lock_irq(&d->lock);
	/* A remap drops the old translations, as KVM does. */
	dev = kl_find_dev(its, devid);
	if (dev)
		kl_dev_free(d, dev);
	if (newdev)
		list_add_tail(&newdev->list, &its->devices);
	spin_unlock_irq(&d->lock);
}

/* Point the LPIs of collection @icid at its (new) target. Lock held. */
static void kl_coll_retarget(struct kl_its *its, u16 icid, struct kl_vcpu *t)
{
	struct kl_vgic *d = kl_vm(its->vm)->vgic;
	struct kl_its_dev *dev;
	struct kl_its_ite *ite;

	list_for_each_entry(dev, &its->devices, list)
		list_for_each_entry(ite, &dev->ites, list)
			if (ite->icid == icid) {
				ite->irq->target = t;
				kl_irq_update(d, ite->irq);
			}
}

static void kl_cmd_mapc(struct kl_its *its, const u64 *cmd)
{
	struct kvmlite_vm *vm = its->vm;
	struct kl_vgic *d = kl_vm(vm)->vgic;
	struct kl_its_coll *c, *newc = NULL;
	u16 icid = CMD_ICID(cmd);

	if (!kl_its_check_id(vm, its->baser[1], icid))
		return;
	if (CMD_VALID(cmd)) {
		if (!kl_vcpu_by_vid(vm, CMD_RDBASE(cmd)))
			return;
		newc = kzalloc(sizeof(*newc), GFP_KERNEL_ACCOUNT);
		if (!newc)
			return;
	}
	spin_lock_irq(&d->lock);
	c = kl_find_coll(its, icid);
	if (!newc) {
		if (c) {
			list_del(&c->list);
			kfree(c);
			kl_coll_retarget(its, icid, NULL);
		}
	} else if (c) {
		c->target = CMD_RDBASE(cmd);
		kl_coll_retarget(its, icid, kl_coll_vcpu(vm, c));
	} else {
		newc->icid = icid;
		newc->target = CMD_RDBASE(cmd);
		list_add_tail(&newc->list, &its->colls);
		kl_coll_retarget(its, icid, kl_coll_vcpu(vm, newc));
		newc = NULL;
	}
	spin_unlock_irq(&d->lock);
	kfree(newc);
}

static void kl_its_cmd(struct kl_its *its, const u64 *cmd)
{
	struct kvmlite_vm *vm = its->vm;
	struct kl_vgic *d = kl_vm(vm)->vgic;
	struct kl_irq *irq = NULL, *it;
	struct kl_its_dev *dev;
	struct kl_its_ite *ite;
	struct kl_its_coll *c;
	struct kl_vcpu *from, *to;

	switch (cmd[0] & 0xff) {
	case KL_CMD_MAPD:
		kl_cmd_mapd(its, cmd);
		return;
	case KL_CMD_MAPC:
		kl_cmd_mapc(its, cmd);
		return;
	case KL_CMD_MAPTI:
		kl_cmd_mapti(its, cmd, CMD_PINTID(cmd));
		return;
	case KL_CMD_MAPI:
		kl_cmd_mapti(its, cmd, CMD_EVENT(cmd));
		return;
	case KL_CMD_SYNC:
		return;
	case KL_CMD_INVALL:
		/* Every LPI: the property table is the same for all. */
		spin_lock_irq(&d->lock);
		list_for_each_entry(it, &d->lpis, lpi_list)
			it->lpi_refs++;
		spin_unlock_irq(&d->lock);
		list_for_each_entry(it, &d->lpis, lpi_list)
			kl_lpi_reconfig(vm, it);
		spin_lock_irq(&d->lock);
		list_for_each_entry_safe(it, irq, &d->lpis, lpi_list)
			kl_lpi_put(d, it);
		spin_unlock_irq(&d->lock);
		return;
	case KL_CMD_MOVALL:
		from = kl_vcpu_by_vid(vm, CMD_RDBASE(cmd));
		to = kl_vcpu_by_vid(vm, CMD_RDBASE2(cmd));
		if (!from || !to)
			return;
		spin_lock_irq(&d->lock);
		list_for_each_entry(it, &d->lpis, lpi_list)
			if (it->target == from) {
				it->target = to;
				kl_irq_update(d, it);
			}
		spin_unlock_irq(&d->lock);
		return;
	}

	spin_lock_irq(&d->lock);
	dev = kl_find_dev(its, CMD_DEVID(cmd));
	ite = dev ? kl_find_ite(dev, CMD_EVENT(cmd)) : NULL;
	if (!ite) {
		spin_unlock_irq(&d->lock);
		return;
	}
	switch (cmd[0] & 0xff) {
	case KL_CMD_INT:
	case KL_CMD_CLEAR:
		kl_its_trigger(d, its, CMD_DEVID(cmd), CMD_EVENT(cmd),
			       (cmd[0] & 0xff) == KL_CMD_CLEAR);
		break;
	case KL_CMD_DISCARD:
		kl_ite_free(d, ite);
		break;
	case KL_CMD_MOVI:
		c = kl_find_coll(its, CMD_ICID(cmd));
		if (!c)
			break;
		ite->icid = c->icid;
		ite->irq->target = kl_coll_vcpu(vm, c);
		kl_irq_update(d, ite->irq);
		break;
	case KL_CMD_INV:
		irq = ite->irq;
		irq->lpi_refs++;
		break;
	}
	spin_unlock_irq(&d->lock);
	if (irq) {
		kl_lpi_reconfig(vm, irq);
		spin_lock_irq(&d->lock);
		kl_lpi_put(d, irq);
		spin_unlock_irq(&d->lock);
	}
}

/* Run the queue from GITS_CREADR to GITS_CWRITER (its_lock held). */
static void kl_its_process(struct kl_its *its)
{
	u64 base = its->cbaser & GENMASK_ULL(51, 12);
	u64 size = ((its->cbaser & 0xff) + 1) * SZ_4K;
	__le64 raw[4];
	u64 cmd[4];
	int i;

	if (!its->enabled || !(its->cbaser & GITS_CBASER_VALID))
		return;
	while (its->creadr != its->cwriter) {
		/* A queue outside memory stalls, as KVM's. */
		if (kvmlite_read_guest(its->vm, base + its->creadr, raw,
				       sizeof(raw)))
			return;
		for (i = 0; i < 4; i++)
			cmd[i] = le64_to_cpu(raw[i]);
		kl_its_cmd(its, cmd);
		its->creadr = (its->creadr + sizeof(cmd)) % size;
	}
}

static u64 kl_its_typer(void)
{
	return GITS_TYPER_PLPIS |
	       ((u64)(KL_ITS_IDBITS - 1) << GITS_TYPER_IDBITS_SHIFT) |
	       ((u64)(KL_ITS_DEVBITS - 1) << GITS_TYPER_DEVBITS_SHIFT) |
	       ((u64)(KL_ITS_ESZ - 1) << GITS_TYPER_ITT_ENTRY_SIZE_SHIFT);
}

/*
 * An ITS register (its_lock held); false where there is none. Userspace
 * (@user) may set CREADR and CWRITER without running commands.
 */
static bool kl_its_access(struct kl_its *its, u32 off, u32 len, bool write,
			  u64 *val, bool user)
{
	struct kl_vgic *d = kl_vm(its->vm)->vgic;
	u32 reg = off & ~7U;
	u64 r, size;

	if (len != 4 && len != 8)
		return false;
	if (len == 8 && (off & 7))
		return false;
	if (len == 4 && off == GITS_CTLR) {
		if (!write) {
			*val = (its->enabled ? GITS_CTLR_ENABLE : 0) |
			       (its->creadr == its->cwriter ?
				GITS_CTLR_QUIESCENT : 0);
			return true;
		}
		/* Enabled only with its queue and tables in place. */
		if (!its->enabled && (*val & GITS_CTLR_ENABLE) &&
		    (!(its->baser[0] & GITS_BASER_VALID) ||
		     !(its->baser[1] & GITS_BASER_VALID) ||
		     !(its->cbaser & GITS_CBASER_VALID)))
			return true;
		spin_lock_irq(&d->lock);
		its->enabled = *val & GITS_CTLR_ENABLE;
		spin_unlock_irq(&d->lock);
		if (!user)
			kl_its_process(its);
		return true;
	}
	if (len == 4 && off == GITS_IIDR) {
		/* ABI revision 0 is the only one. */
		if (!write)
			*val = KL_ITS_IIDR;
		return !(write && user && GITS_IIDR_REV(*val));
	}
	switch (reg) {
	case GITS_TYPER:
		r = kl_its_typer();
		if (!write)
			kl_reg64(&r, off, len, false, val);
		return true;
	case GITS_CBASER:
		if (write && its->enabled)
			return true;
		kl_reg64(&its->cbaser, off, len, write, val);
		if (write) {
			its->creadr = 0;
			its->cwriter = 0;
		}
		return true;
	case GITS_CWRITER:
	case GITS_CREADR:
		r = reg == GITS_CWRITER ? its->cwriter : its->creadr;
		kl_reg64(&r, off, len, write, val);
		if (!write)
			return true;
		size = ((its->cbaser & 0xff) + 1) * SZ_4K;
		r &= GENMASK_ULL(19, 5);
		if (r >= size || (reg == GITS_CREADR && !user))
			return true;
		if (reg == GITS_CREADR) {
			its->creadr = r;
			return true;
		}
		its->cwriter = r;
		if (!user)
			kl_its_process(its);
		return true;
	case GITS_BASER:
	case GITS_BASER + 8:
		r = its->baser[(reg - GITS_BASER) / 8];
		if (write) {
			if (its->enabled)
				return true;
			/* Cacheability and shareability stick as written. */
			kl_reg64(&r, off, len, true, val);
			r &= ~KL_BASER_RO;
			r |= (reg == GITS_BASER ? KL_BASER_TYPE_DEVICE :
			      KL_BASER_TYPE_COLL) << 56;
			r |= (u64)(KL_ITS_ESZ - 1) << 48;
			its->baser[(reg - GITS_BASER) / 8] = r;
			if (!(r & GITS_BASER_VALID)) {
				spin_lock_irq(&d->lock);
				kl_its_free_all(d, its);
				spin_unlock_irq(&d->lock);
			}
		} else {
			kl_reg64(&r, off, len, false, val);
		}
		return true;
	}
	if (reg > GITS_BASER + 8 && reg < GITS_BASER + 8 * GITS_BASER_NR_REGS) {
		if (!write)
			*val = 0;
		return true;
	}
	if (len != 4)
		return false;
	if (off >= GITS_IDREGS_BASE && off < SZ_64K) {
		if (!write)
			*val = off == GITS_PIDR2 ? 0x3b : 0;
		return true;
	}
	return false;
}

/* A guest access to an ITS frame; true if @ipa is one's. */
bool kl_its_mmio(struct kvmlite_vm *vm, u64 ipa, u32 len, bool write,
		 u64 *val)
{
	struct kl_vgic *d = kl_vm(vm)->vgic;
	struct kl_its *its, *found = NULL;

	spin_lock_irq(&d->lock);
	list_for_each_entry(its, &d->its_list, list) {
		if (its->base != KL_INVALID_GPA && ipa >= its->base &&
		    ipa < its->base + KL_ITS_SIZE) {
			found = its;
			break;
		}
	}
	spin_unlock_irq(&d->lock);
	/* An ITS lives as long as the VM. */
	its = found;
	if (its) {
		mutex_lock(kl_its_mutex(its));
		/* GITS_TRANSLATER from a CPU carries no device id: ignored. */
		if (!kl_its_access(its, ipa - its->base, len, write, val,
				   false) && !write)
			*val = 0;
		mutex_unlock(kl_its_mutex(its));
	}
	return its;
}

/* GICR_CTLR.EnableLPIs turned on: pending bits from GICR_PENDBASER. */
static void __kl_its_sync_pending(struct kl_vcpu *v)
{
	struct kvmlite_vm *vm = v->vcpu->vm;
	struct kl_vgic *d = kl_vm(vm)->vgic;
	u64 base = v->vgic.pendbaser & GENMASK_ULL(51, 16);
	struct kl_irq *irq;
	u32 intid;
	u8 byte;

	lockdep_assert_held(&d->its_lock);
	spin_lock_irq(&d->lock);
	list_for_each_entry(irq, &d->lpis, lpi_list) {
		if (irq->target != v)
			continue;
		intid = irq->intid;
		spin_unlock_irq(&d->lock);
		if (kvmlite_read_guest(vm, base + intid / 8, &byte, 1))
			byte = 0;
		spin_lock_irq(&d->lock);
		if (byte & BIT(intid % 8)) {
			irq->pending_latch = true;
			kl_irq_update(d, irq);
		}
	}
	spin_unlock_irq(&d->lock);
}

void kl_its_sync_pending(struct kl_vcpu *v)
{
	struct kl_vgic *d = kl_vm(v->vcpu->vm)->vgic;

	mutex_lock(&d->its_lock);
	__kl_its_sync_pending(v);
	mutex_unlock(&d->its_lock);
}

static struct kl_its *kl_dev_its(struct kvmlite_device *dev)
{
	return dev->private;
}

static int kl_its_create(struct kvmlite_device *dev)
{
	struct kl_vgic *d = kl_vm(dev->vm)->vgic;
	struct kl_its *its;

	its = kzalloc(sizeof(*its), GFP_KERNEL_ACCOUNT);
	if (!its)
		return -ENOMEM;
	its->vm = dev->vm;
	its->base = KL_INVALID_GPA;
	INIT_LIST_HEAD(&its->devices);
	INIT_LIST_HEAD(&its->colls);
	its->baser[0] = KL_BASER_INIT | (KL_BASER_TYPE_DEVICE << 56);
	its->baser[1] = KL_BASER_INIT | (KL_BASER_TYPE_COLL << 56);
	INIT_LIST_HEAD(&its->list);
	dev->private = its;
	/* Without a vGIC yet, the vGIC takes it when created (vgic-dev.c). */
	if (d)
		kl_its_attach(d, dev);
	return 0;
}

void kl_its_attach(struct kl_vgic *d, struct kvmlite_device *dev)
{
	struct kl_its *its = dev->private;

	spin_lock_irq(&d->lock);
	list_add_tail(&its->list, &d->its_list);
	d->has_its = true;
	spin_unlock_irq(&d->lock);
}

/* The vGIC goes before an ITS created before it: the ITS keeps nothing. */
void kl_its_detach_all(struct kl_vgic *d)
{
	struct kl_its *its, *t;

	spin_lock_irq(&d->lock);
	list_for_each_entry_safe(its, t, &d->its_list, list) {
		kl_its_free_all(d, its);
		list_del_init(&its->list);
	}
	spin_unlock_irq(&d->lock);
}

static void kl_its_destroy(struct kvmlite_device *dev)
{
	struct kl_its *its = kl_dev_its(dev);
	struct kl_vgic *d = kl_vm(dev->vm)->vgic;

	/* The vGIC goes with the VM too; whichever goes first unlinks. */
	if (d && !list_empty(&its->list)) {
		spin_lock_irq(&d->lock);
		kl_its_free_all(d, its);
		list_del(&its->list);
		spin_unlock_irq(&d->lock);
	}
	kfree(its);
}

static int kl_its_tables(struct kl_its *its, bool save);
static int kl_its_uaccess(struct kl_its *its,
			  const struct kvm_device_attr *attr, bool write);

static int kl_its_set_attr(struct kvmlite_device *dev,
			   const struct kvm_device_attr *attr)
{
	struct kl_its *its = kl_dev_its(dev);
	u64 __user *uaddr = u64_to_user_ptr(attr->addr);
	struct kl_vm *s2 = kl_vm(dev->vm);
	struct kl_vgic *d = s2->vgic;
	u64 addr, limit = BIT_ULL(s2->ipa_bits);
	int r = 0;

	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		if (attr->attr != KVM_VGIC_ITS_ADDR_TYPE)
			return -ENODEV;
		if (get_user(addr, uaddr))
			return -EFAULT;
		mutex_lock(&s2->config_lock);
		if (its->base != KL_INVALID_GPA)
			r = -EEXIST;
		else if (!IS_ALIGNED(addr, SZ_64K))
			r = -EINVAL;
		else if (addr >= limit || addr + KL_ITS_SIZE > limit)
			r = -E2BIG;
		else
			its->base = addr;
		mutex_unlock(&s2->config_lock);
		return r;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		/* The rest needs the vGIC the ITS belongs to. */
		if (attr->attr != KVM_DEV_ARM_VGIC_CTRL_INIT && !d)
			return -ENXIO;
		switch (attr->attr) {
		case KVM_DEV_ARM_VGIC_CTRL_INIT:
			return 0;
		case KVM_DEV_ARM_ITS_CTRL_RESET:
			mutex_lock(kl_its_mutex(its));
			spin_lock_irq(&d->lock);
			its->enabled = false;
			kl_its_free_all(d, its);
			spin_unlock_irq(&d->lock);
			its->cbaser = 0;
			its->creadr = 0;
			its->cwriter = 0;
			its->baser[0] &= ~GITS_BASER_VALID;
			its->baser[1] &= ~GITS_BASER_VALID;
			mutex_unlock(kl_its_mutex(its));
			return 0;
		case KVM_DEV_ARM_ITS_SAVE_TABLES:
		case KVM_DEV_ARM_ITS_RESTORE_TABLES:
			return kl_its_tables(its, attr->attr ==
					     KVM_DEV_ARM_ITS_SAVE_TABLES);
		}
		/* KVM's switch has no default: unknown controls are 0. */
		return 0;
	case KVM_DEV_ARM_VGIC_GRP_ITS_REGS:
		return kl_its_uaccess(its, attr, true);
	}
	return -ENXIO;
}

/* The guest address of entry @id of the table of GITS_BASER @baser; 0 if none. */
static u64 kl_its_entry(struct kvmlite_vm *vm, u64 baser, u32 id)
{
	static const u32 psz[] = { SZ_4K, SZ_16K, SZ_64K, SZ_64K };
	u32 page = psz[(baser >> 8) & 3], per_page = page / KL_ITS_ESZ;
	u64 base = baser & GENMASK_ULL(47, 12);
	__le64 l1;

	if (!kl_its_check_id(vm, baser, id))
		return 0;
	if (!(baser & GITS_BASER_INDIRECT))
		return base + (u64)id * KL_ITS_ESZ;
	if (kvmlite_read_guest(vm, base + (id / per_page) * 8, &l1, 8))
		return 0;
	return (le64_to_cpu(l1) & GENMASK_ULL(51, 12)) +
	       (u64)(id % per_page) * KL_ITS_ESZ;
}

static int kl_write_entry(struct kvmlite_vm *vm, u64 gpa, u64 val)
{
	__le64 e = cpu_to_le64(val);

	return gpa ? kvmlite_write_guest(vm, gpa, &e, sizeof(e)) : -EINVAL;
}

static int kl_read_entry(struct kvmlite_vm *vm, u64 gpa, u64 *val)
{
	__le64 e;
	int r;

	r = kvmlite_read_guest(vm, gpa, &e, sizeof(e));
	*val = le64_to_cpu(e);
	return r;
}

/* The smallest id above @cur in a sorted walk; ~0 if none. */
#define KL_NO_ID	(~0U)

/*
 * KVM_DEV_ARM_ITS_SAVE_TABLES (KVM's ABI revision 0): device table entries
 * (V, next, ITT address, size), interrupt translation entries (next,
 * pINTID, ICID) and collection entries (V, RDbase, ICID) into the guest's
 * tables. Every vCPU is stopped.
 */
static int kl_its_save(struct kl_its *its)
{
	struct kvmlite_vm *vm = its->vm;
	u64 cbase = its->baser[1] & GENMASK_ULL(47, 12);
	u64 csize = (u64)((its->baser[1] & 0xff) + 1) * SZ_4K;
	struct kl_its_dev *dev, *it;
	struct kl_its_ite *ite, *i2;
	struct kl_its_coll *c;
	u32 next, n = 0;
	int r;

	/* A table the guest has not given (or a reset took) is not written. */
	if (!(its->baser[0] & GITS_BASER_VALID))
		goto colls;
	list_for_each_entry(dev, &its->devices, list) {
		next = KL_NO_ID;
		list_for_each_entry(it, &its->devices, list)
			if (it->devid > dev->devid && it->devid < next)
				next = it->devid;
		next = next == KL_NO_ID ? 0 : min(next - dev->devid, 0x3fffU);
		r = kl_write_entry(vm, kl_its_entry(vm, its->baser[0],
						    dev->devid),
				   BIT_ULL(63) | ((u64)next << 49) |
				   ((dev->itt >> 8) << 5) | (dev->nbits - 1));
		if (r)
			return r;
		list_for_each_entry(ite, &dev->ites, list) {
			next = KL_NO_ID;
			list_for_each_entry(i2, &dev->ites, list)
				if (i2->event > ite->event && i2->event < next)
					next = i2->event;
			next = next == KL_NO_ID ? 0 :
			       min(next - ite->event, 0xffffU);
			r = kl_write_entry(vm, dev->itt + ite->event * 8ULL,
					   ((u64)next << 48) |
					   ((u64)ite->irq->intid << 16) |
					   ite->icid);
			if (r)
				return r;
		}
	}
colls:
	if (!(its->baser[1] & GITS_BASER_VALID))
		return 0;
	list_for_each_entry(c, &its->colls, list) {
		if ((u64)(n + 1) * 8 > csize)
			return -ENOSPC;
		r = kl_write_entry(vm, cbase + n++ * 8ULL, BIT_ULL(63) |
				   ((u64)c->target << 16) | c->icid);
		if (r)
			return r;
	}
	/* An invalid entry ends the collection table. */
	if ((u64)(n + 1) * 8 <= csize)
		return kl_write_entry(vm, cbase + n * 8ULL, 0);
	return 0;
}

/* One interrupt translation table, from event 0 following the next fields. */
static int kl_its_restore_itt(struct kl_its *its, u32 devid, u64 itt,
			      u32 nbits)
{
	u64 cmd[4] = { (u64)devid << 32 }, e;
	u32 event = 0, next;
	int r;

	while (event < BIT(nbits)) {
		r = kl_read_entry(its->vm, itt + event * 8ULL, &e);
		if (r)
			return r;
		next = e >> 48;
		if ((e >> 16) & 0xffffffff) {
			cmd[1] = event;
			cmd[2] = (u16)e;
			kl_cmd_mapti(its, cmd, (e >> 16) & 0xffffffff);
			if (!next)
				break;
		} else {
			next = 1;
		}
		event += next;
	}
	return 0;
}

/* KVM_DEV_ARM_ITS_RESTORE_TABLES: collections, then devices and their ITTs. */
static int kl_its_restore(struct kl_its *its)
{
	struct kvmlite_vm *vm = its->vm;
	u64 cbase = its->baser[1] & GENMASK_ULL(47, 12);
	u64 csize = (u64)((its->baser[1] & 0xff) + 1) * SZ_4K;
	u64 cmd[4] = { 0 }, e, gpa, n;
	u32 devid = 0, next;
	int r;

	if (its->baser[1] & GITS_BASER_VALID) {
		for (n = 0; (n + 1) * 8 <= csize; n++) {
			r = kl_read_entry(vm, cbase + n * 8, &e);
			if (r)
				return r;
			if (!(e & BIT_ULL(63)))
				break;
			cmd[2] = BIT_ULL(63) | (e & GENMASK_ULL(51, 0));
			kl_cmd_mapc(its, cmd);
		}
	}
	if (!(its->baser[0] & GITS_BASER_VALID))
		return 0;
	while (devid < BIT(KL_ITS_DEVBITS)) {
		gpa = kl_its_entry(vm, its->baser[0], devid);
		if (!gpa) {
			/* Past the table, or an unallocated level-2 page. */
			if (!kl_its_check_id(vm, its->baser[0] & ~GITS_BASER_INDIRECT,
					     devid) &&
			    !(its->baser[0] & GITS_BASER_INDIRECT))
				break;
			devid++;
			continue;
		}
		r = kl_read_entry(vm, gpa, &e);
		if (r)
			return r;
		if (!(e & BIT_ULL(63))) {
			devid++;
			continue;
		}
		cmd[0] = (u64)devid << 32;
		cmd[1] = e & 0x1f;
		cmd[2] = BIT_ULL(63) | (((e >> 5) & GENMASK_ULL(43, 0)) << 8);
		kl_cmd_mapd(its, cmd);
		r = kl_its_restore_itt(its, devid, cmd[2] & GENMASK_ULL(51, 8),
				       (e & 0x1f) + 1);
		if (r)
			return r;
		next = (e >> 49) & 0x3fff;
		if (!next)
			break;
		devid += next;
	}
	return 0;
}

static int kl_its_tables(struct kl_its *its, bool save)
{
	struct kvmlite_vcpu *vcpu;
	unsigned long i;
	int r;

	if (!kl_lock_all_vcpus(its->vm))
		return -EBUSY;
	mutex_lock(kl_its_mutex(its));
	r = save ? kl_its_save(its) : kl_its_restore(its);
	mutex_unlock(kl_its_mutex(its));
	if (!r && !save) {
		xa_for_each(&its->vm->vcpus, i, vcpu)
			if (kl_vcpu(vcpu)->vgic.lpis_enabled)
				kl_its_sync_pending(kl_vcpu(vcpu));
	}
	kl_unlock_all_vcpus(its->vm);
	return r;
}

/* KVM_DEV_ARM_VGIC_GRP_ITS_REGS: a 64-bit register at an 8-byte offset. */
static int kl_its_uaccess(struct kl_its *its,
			  const struct kvm_device_attr *attr, bool write)
{
	u64 __user *uaddr = u64_to_user_ptr(attr->addr);
	u64 off = attr->attr, val = 0;
	bool narrow = off < GITS_TYPER || off >= GITS_IDREGS_BASE;
	bool ok = false;
	int r = 0;

	/* 64-bit registers whole; CTLR, IIDR and the ID registers 32-bit. */
	if (off & (narrow ? 3 : 7))
		return -EINVAL;
	if (write && get_user(val, uaddr))
		return -EFAULT;
	if (!kl_vm(its->vm)->vgic)
		return -ENXIO;
	if (!kl_lock_all_vcpus(its->vm))
		return -EBUSY;
	mutex_lock(kl_its_mutex(its));
	if (its->base == KL_INVALID_GPA)
		r = -ENXIO;
	else if (off < SZ_64K)
		ok = kl_its_access(its, off, narrow ? 4 : 8, write, &val, true);
	mutex_unlock(kl_its_mutex(its));
	kl_unlock_all_vcpus(its->vm);
	if (r)
		return r;
	if (!ok)
		return write && off == GITS_IIDR ? -EINVAL : -ENXIO;
	return write ? 0 : put_user(val, uaddr);
}

static int kl_its_get_attr(struct kvmlite_device *dev,
			   const struct kvm_device_attr *attr)
{
	struct kl_its *its = kl_dev_its(dev);
	u64 __user *uaddr = u64_to_user_ptr(attr->addr);

	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		if (attr->attr != KVM_VGIC_ITS_ADDR_TYPE)
			return -ENODEV;
		return put_user(its->base, uaddr);
	case KVM_DEV_ARM_VGIC_GRP_ITS_REGS:
		return kl_its_uaccess(its, attr, false);
	}
	return -ENXIO;
}

static int kl_its_has_attr(struct kvmlite_device *dev,
			   const struct kvm_device_attr *attr)
{
	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		return attr->attr == KVM_VGIC_ITS_ADDR_TYPE ? 0 : -ENXIO;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		switch (attr->attr) {
		case KVM_DEV_ARM_VGIC_CTRL_INIT:
		case KVM_DEV_ARM_ITS_CTRL_RESET:
		case KVM_DEV_ARM_ITS_SAVE_TABLES:
		case KVM_DEV_ARM_ITS_RESTORE_TABLES:
			return 0;
		}
		break;
	case KVM_DEV_ARM_VGIC_GRP_ITS_REGS:
		/* 32-bit registers 4-aligned, 64-bit ones 8-aligned. */
		if (attr->attr & (attr->attr < GITS_TYPER ||
				  attr->attr >= GITS_IDREGS_BASE ? 3 : 7))
			return -EINVAL;
		if (attr->attr >= GITS_IDREGS_BASE && attr->attr < SZ_64K)
			return 0;
		switch (attr->attr) {
		case GITS_CTLR: case GITS_IIDR: case GITS_TYPER:
		case GITS_CBASER: case GITS_CWRITER: case GITS_CREADR:
			return 0;
		}
		if (attr->attr >= GITS_BASER &&
		    attr->attr < GITS_BASER + 8 * GITS_BASER_NR_REGS &&
		    !(attr->attr & 7))
			return 0;
		break;
	}
	return -ENXIO;
}

const struct kvmlite_device_ops kl_its_ops = {
	.name		= "kvm-arm-vgic-its",
	.create		= kl_its_create,
	.destroy	= kl_its_destroy,
	.set_attr	= kl_its_set_attr,
	.get_attr	= kl_its_get_attr,
	.has_attr	= kl_its_has_attr,
};
