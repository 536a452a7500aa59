// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: the KVM_DEV_TYPE_ARM_VGIC_V3 device and its
 * attributes (Documentation/virt/kvm/devices/arm-vgic-v3.rst), with KVM's
 * ordering rules and errnos (vgic-init.c, vgic-kvm-device.c):
 *  - ADDR: the distributor and the redistributor regions (legacy single
 *    region or counted ones); a vCPU gets the next free redistributor in
 *    creation order;
 *  - NR_IRQS before init; CTRL INIT (no vCPU may be created after it);
 *  - DIST_REGS, REDIST_REGS, CPU_SYSREGS, LEVEL_INFO: the state, for save
 *    and restore, with every vCPU stopped (-EBUSY otherwise).
 * The first KVM_RUN checks that every frame is placed (KVM's
 * vgic_v3_map_resources()).
 */
#include <linux/bitfield.h>
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "arm64.h"

/* KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION: index, flags, base, count. */
#define KL_RDIST_INDEX_MASK	GENMASK_ULL(11, 0)
#define KL_RDIST_FLAGS_MASK	GENMASK_ULL(15, 12)
#define KL_RDIST_BASE_MASK	GENMASK_ULL(51, 16)
#define KL_RDIST_COUNT_SHIFT	52
#define KL_RDIST_COUNT_MASK	GENMASK_ULL(63, 52)

static struct kl_vgic *kl_dev_vgic(struct kvmlite_device *dev)
{
	return dev->private;
}

/* Stop every vCPU's ioctls (KVM's lock_all_vcpus()); false if one runs. */
bool kl_lock_all_vcpus(struct kvmlite_vm *vm)
{
	struct kvmlite_vcpu *vcpu, *u;
	unsigned long i, j;

	xa_for_each(&vm->vcpus, i, vcpu) {
		if (!mutex_trylock(&vcpu->mutex)) {
			xa_for_each(&vm->vcpus, j, u) {
				if (j == i)
					break;
				mutex_unlock(&u->mutex);
			}
			return false;
		}
	}
	return true;
}

void kl_unlock_all_vcpus(struct kvmlite_vm *vm)
{
	struct kvmlite_vcpu *vcpu;
	unsigned long i;

	xa_for_each(&vm->vcpus, i, vcpu)
		mutex_unlock(&vcpu->mutex);
}

void kl_vgic_kick_all(struct kvmlite_vm *vm)
{
	struct kvmlite_vcpu *vcpu;
	unsigned long i;

	xa_for_each(&vm->vcpus, i, vcpu)
		kvmlite_vcpu_kick(vcpu);
}

static int kl_vgic_create(struct kvmlite_device *dev)
{
	struct kl_vm *s2 = kl_vm(dev->vm);
	struct kvmlite_device *its_dev;
	struct kvmlite_vcpu *vcpu;
	struct kl_vgic *d;
	unsigned long i;
	int r = 0;

	if (!kl_lock_all_vcpus(dev->vm))
		return -EBUSY;
	mutex_lock(&s2->config_lock);
	if (s2->vgic) {
		r = -EEXIST;
		goto out;
	}
	xa_for_each(&dev->vm->vcpus, i, vcpu) {
		if (kl_vcpu(vcpu)->has_run) {
			r = -EBUSY;
			goto out;
		}
	}
	d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);
	if (!d) {
		r = -ENOMEM;
		goto out;
	}
	spin_lock_init(&d->lock);
	INIT_LIST_HEAD(&d->rd_regions);
	INIT_LIST_HEAD(&d->lpis);
	INIT_LIST_HEAD(&d->its_list);
	mutex_init(&d->its_lock);
	d->dist_base = KL_INVALID_GPA;
	d->timer_ppi[0] = KL_VGIC_VTIMER_PPI;
	d->timer_ppi[1] = KL_VGIC_PTIMER_PPI;
	d->timer_ppi[2] = 28;
	d->timer_ppi[3] = 26;
	dev->private = d;
	/* ITSes created before the vGIC (KVM allows that) hang off it now. */
	list_for_each_entry(its_dev, &dev->vm->devices, node)
		if (its_dev->type == KVM_DEV_TYPE_ARM_VGIC_ITS)
			kl_its_attach(d, its_dev);
	WRITE_ONCE(s2->vgic, d);
	kl_idregs_set_gic(s2);
out:
	mutex_unlock(&s2->config_lock);
	kl_unlock_all_vcpus(dev->vm);
	return r;
}

static void kl_vgic_destroy(struct kvmlite_device *dev)
{
	struct kl_vgic *d = kl_dev_vgic(dev);
	struct kl_rdreg *rd, *tmp;

	/* An ITS older than the vGIC outlives it: detach it first. */
	kl_its_detach_all(d);
	kl_vm(dev->vm)->vgic = NULL;
	list_for_each_entry_safe(rd, tmp, &d->rd_regions, list)
		kfree(rd);
	WARN_ON_ONCE(!list_empty(&d->lpis));
	bitmap_free(d->pending);
	kfree(d->spis);
	kfree(d);
}

/* Give each vCPU without one the next free redistributor, in creation order. */
static void kl_vgic_place_redists(struct kvmlite_vm *vm, struct kl_vgic *d)
{
	struct kvmlite_vcpu *vcpu;
	struct kl_rdreg *rd;
	struct kl_vcpu *v;
	unsigned long i;

	lockdep_assert_held(&kl_vm(vm)->config_lock);
	xa_for_each(&vm->vcpus, i, vcpu) {
		v = kl_vcpu(vcpu);
		if (v->vgic.rdreg)
			continue;
		list_for_each_entry(rd, &d->rd_regions, list) {
			if (rd->count && rd->free_index >= rd->count)
				continue;
			v->vgic.rdreg = rd;
			v->vgic.rdreg_index = rd->free_index++;
			WRITE_ONCE(v->vgic.rd_base, rd->base +
				   v->vgic.rdreg_index * KL_VGIC_REDIST_SIZE);
			break;
		}
	}
}

/* Take back the redistributors of region @rd from their vCPUs. */
static void kl_unplace_redists(struct kvmlite_vm *vm, struct kl_rdreg *rd)
{
	struct kvmlite_vcpu *vcpu;
	struct kl_vcpu *v;
	unsigned long i;

	xa_for_each(&vm->vcpus, i, vcpu) {
		v = kl_vcpu(vcpu);
		if (v->vgic.rdreg != rd)
			continue;
		v->vgic.rdreg = NULL;
		WRITE_ONCE(v->vgic.rd_base, KL_INVALID_GPA);
	}
}

/* As vgic_check_iorange(). */
static int kl_check_iorange(struct kvmlite_vm *vm, u64 cur, u64 addr,
			    u64 align, u64 size)
{
	u64 limit = BIT_ULL(kl_vm(vm)->ipa_bits);

	if (cur != KL_INVALID_GPA)
		return -EEXIST;
	if (!IS_ALIGNED(addr, align) || !IS_ALIGNED(size, align))
		return -EINVAL;
	if (addr + size < addr)
		return -EINVAL;
	if (addr >= limit || addr + size > limit)
		return -E2BIG;
	return 0;
}

static bool kl_overlap(u64 a, u64 asize, u64 b, u64 bsize)
{
	return a < b + bsize && b < a + asize;
}

static u64 kl_rdreg_size(struct kvmlite_vm *vm, struct kl_rdreg *rd)
{
	u32 n = rd->count ? rd->count : max(vm->nr_vcpus, 1U);

	return (u64)n * KL_VGIC_REDIST_SIZE;
}

static bool kl_rdist_overlap(struct kvmlite_vm *vm, struct kl_vgic *d,
			     u64 base, u64 size)
{
	struct kl_rdreg *rd;

	list_for_each_entry(rd, &d->rd_regions, list) {
		if (kl_overlap(base, size, rd->base, kl_rdreg_size(vm, rd)))
			return true;
	}
	return false;
}

/* As vgic_v3_alloc_redist_region(). Config lock held. */
static int kl_add_rdreg(struct kvmlite_vm *vm, struct kl_vgic *d, u32 index,
			u64 base, u32 count)
{
	u64 size = (u64)(count ? count : max(vm->nr_vcpus, 1U)) *
		   KL_VGIC_REDIST_SIZE;
	struct kl_rdreg *rd;
	int r;

	if (base + size < base)
		return -EINVAL;
	if (list_empty(&d->rd_regions)) {
		if (index)
			return -EINVAL;
	} else {
		rd = list_last_entry(&d->rd_regions, struct kl_rdreg, list);
		if (!count && rd->count)
			return -EINVAL;
		if (!count)
			return -EEXIST;
		if (index != rd->index + 1)
			return -EINVAL;
	}
	if (!count && d->dist_base != KL_INVALID_GPA &&
	    kl_overlap(base, size, d->dist_base, KL_VGIC_DIST_SIZE))
		return -EINVAL;
	if (kl_rdist_overlap(vm, d, base, size))
		return -EINVAL;
	r = kl_check_iorange(vm, KL_INVALID_GPA, base, SZ_64K, size);
	if (r)
		return r;
	rd = kzalloc(sizeof(*rd), GFP_KERNEL_ACCOUNT);
	if (!rd)
		return -ENOMEM;
	rd->base = base;
	rd->count = count;
	rd->index = index;
	list_add_tail(&rd->list, &d->rd_regions);
	kl_vgic_place_redists(vm, d);
	/*
	 * As vgic_register_redist_iodev(): a region that now holds a vCPU's
	 * redistributor may not overlap the distributor.
	 */
	if (rd->free_index && d->dist_base != KL_INVALID_GPA &&
	    kl_overlap(base, kl_rdreg_size(vm, rd), d->dist_base,
		       KL_VGIC_DIST_SIZE)) {
		kl_unplace_redists(vm, rd);
		list_del(&rd->list);
		kfree(rd);
		return -EINVAL;
	}
	return 0;
}

static struct kl_rdreg *kl_rdreg_by_index(struct kl_vgic *d, u32 index)
{
	struct kl_rdreg *rd;

	list_for_each_entry(rd, &d->rd_regions, list) {
		if (rd->index == index)
			return rd;
	}
	return NULL;
}

/* KVM_DEV_ARM_VGIC_GRP_ADDR, as kvm_vgic_addr(). */
static int kl_vgic_addr(struct kvmlite_device *dev,
			const struct kvm_device_attr *attr, bool write)
{
	u64 __user *uaddr = u64_to_user_ptr(attr->addr);
	struct kl_vm *s2 = kl_vm(dev->vm);
	struct kl_vgic *d = kl_dev_vgic(dev);
	struct kl_rdreg *rd;
	u64 addr = 0, base;
	u32 count, index;
	int r = 0;

	if (write || attr->attr == KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION)
		if (get_user(addr, uaddr))
			return -EFAULT;
	mutex_lock(&s2->config_lock);
	switch (attr->attr) {
	case KVM_VGIC_V3_ADDR_TYPE_DIST:
		if (!write) {
			addr = d->dist_base;
			break;
		}
		r = kl_check_iorange(dev->vm, d->dist_base, addr, SZ_64K,
				     KL_VGIC_DIST_SIZE);
		if (!r)
			d->dist_base = addr;
		break;
	case KVM_VGIC_V3_ADDR_TYPE_REDIST:
		if (write) {
			r = kl_add_rdreg(dev->vm, d, 0, addr, 0);
			break;
		}
		rd = list_first_entry_or_null(&d->rd_regions, struct kl_rdreg,
					      list);
		addr = rd ? rd->base : KL_INVALID_GPA;
		break;
	case KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION:
		index = addr & KL_RDIST_INDEX_MASK;
		if (write) {
			base = addr & KL_RDIST_BASE_MASK;
			count = FIELD_GET(KL_RDIST_COUNT_MASK, addr);
			if (!count || FIELD_GET(KL_RDIST_FLAGS_MASK, addr))
				r = -EINVAL;
			else
				r = kl_add_rdreg(dev->vm, d, index, base, count);
			break;
		}
		rd = kl_rdreg_by_index(d, index);
		if (!rd) {
			r = -ENOENT;
			break;
		}
		addr = index | rd->base |
		       ((u64)rd->count << KL_RDIST_COUNT_SHIFT);
		break;
	default:
		r = -ENODEV;
	}
	mutex_unlock(&s2->config_lock);
	if (!r && !write)
		r = put_user(addr, uaddr);
	return r;
}

/* KVM_DEV_ARM_VGIC_CTRL_INIT, as vgic_init(). Config lock held. */
static int kl_vgic_init(struct kvmlite_vm *vm, struct kl_vgic *d)
{
	struct kvmlite_vcpu *vcpu;
	struct kl_irq *irq;
	struct kl_vcpu *v0;
	unsigned long i;
	int r;

	if (d->initialized)
		return 0;
	if (!d->nr_spis)
		d->nr_spis = KL_VGIC_DEFAULT_IRQS - KL_VGIC_NR_PRIVATE;
	d->spis = kcalloc(d->nr_spis, sizeof(*d->spis), GFP_KERNEL_ACCOUNT);
	d->pending = bitmap_zalloc(d->nr_spis, GFP_KERNEL_ACCOUNT);
	if (!d->spis || !d->pending) {
		kfree(d->spis);
		bitmap_free(d->pending);
		d->spis = NULL;
		d->pending = NULL;
		return -ENOMEM;
	}
	vcpu = kvmlite_vm_vcpu(vm, 0);
	v0 = vcpu ? kl_vcpu(vcpu) : NULL;
	for (i = 0; i < d->nr_spis; i++) {
		irq = &d->spis[i];
		irq->intid = i + KL_VGIC_NR_PRIVATE;
		irq->target = v0;
		irq->group = true;
	}
	r = kvmlite_irq_routing_default(vm, d->nr_spis);
	if (r)
		return r;
	if (!d->iidr_rev)
		d->iidr_rev = kl_vgic_default_iidr_rev();
	kl_vgic_place_redists(vm, d);
	spin_lock_irq(&d->lock);
	/* vm->lock held: no vCPU is being created. */
	xa_for_each(&vm->vcpus, i, vcpu)
		d->vcpus[d->nr_vcpus++] = kl_vcpu(vcpu);
	/* Release: see kl_vgic_mmio(). */
	smp_store_release(&d->initialized, true);
	spin_unlock_irq(&d->lock);
	return 0;
}

/*
 * The first KVM_RUN of a VM with a vGIC (KVM's vgic_v3_map_resources()):
 * every frame placed, nothing overlapping, and initialised.
 */
int kl_vgic_map_resources(struct kvmlite_vm *vm)
{
	struct kl_vm *s2 = kl_vm(vm);
	struct kl_vgic *d = s2->vgic;
	struct kvmlite_vcpu *vcpu;
	struct kl_rdreg *rd;
	unsigned long i;
	int r = 0;

	if (!d)
		return 0;
	mutex_lock(&s2->config_lock);
	kl_vgic_place_redists(vm, d);
	xa_for_each(&vm->vcpus, i, vcpu) {
		if (kl_vcpu(vcpu)->vgic.rd_base == KL_INVALID_GPA) {
			r = -ENXIO;
			goto out;
		}
	}
	if (d->dist_base == KL_INVALID_GPA) {
		r = -ENXIO;
		goto out;
	}
	list_for_each_entry(rd, &d->rd_regions, list) {
		if (kl_overlap(rd->base, kl_rdreg_size(vm, rd), d->dist_base,
			       KL_VGIC_DIST_SIZE) ||
		    rd->base + kl_rdreg_size(vm, rd) > BIT_ULL(s2->ipa_bits)) {
			r = -EINVAL;
			goto out;
		}
	}
	if (!d->initialized)
		r = -EBUSY;
out:
	mutex_unlock(&s2->config_lock);
	/* As kvm_vgic_map_resources(): the VM cannot go on. */
	if (r)
		kvmlite_vm_dead(vm);
	return r;
}

/* A vCPU is being created (vm->lock held): not after INIT, as KVM. */
int kl_vgic_vcpu_precreate(struct kvmlite_vm *vm)
{
	struct kl_vgic *d = kl_vm(vm)->vgic;

	return d && READ_ONCE(d->initialized) ? -EBUSY : 0;
}

/* The vCPU named by the MPIDR field of a register attribute. */
static struct kl_vcpu *kl_attr_vcpu(struct kvmlite_device *dev,
				    const struct kvm_device_attr *attr)
{
	struct kvmlite_vcpu *vcpu;
	u64 m;

	if (attr->group == KVM_DEV_ARM_VGIC_GRP_DIST_REGS) {
		vcpu = kvmlite_vm_vcpu(dev->vm, 0);
		return vcpu ? kl_vcpu(vcpu) : NULL;
	}
	m = (attr->attr & KVM_DEV_ARM_VGIC_V3_MPIDR_MASK) >>
	    KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
	/* VGIC_TO_MPIDR(): Aff3 moves to bits 39:32. */
	m = (m & 0xffffff) | ((m & 0xff000000) << 8);
	return kl_vgic_mpidr_to_vcpu(dev->vm, m);
}

/* LEVEL_INFO: the line levels of 32 level-sensitive interrupts. */
static int kl_level_info(struct kl_vgic *d, struct kl_vcpu *v, u32 intid,
			 bool write, u32 *val)
{
	struct kl_irq *irq;
	u32 i;

	if (intid % 32)
		return -EINVAL;
	spin_lock_irq(&d->lock);
	if (!write)
		*val = 0;
	for (i = 0; i < 32; i++) {
		irq = kl_vgic_irq(d, v, intid + i);
		if (!irq || !irq->level_cfg)
			continue;
		if (write) {
			irq->line_level = *val & BIT(i);
			kl_irq_update(d, irq);
		} else if (irq->line_level) {
			*val |= BIT(i);
		}
	}
	spin_unlock_irq(&d->lock);
	return 0;
}

/* The register groups, as vgic_v3_attr_regs_access(). */
static int kl_vgic_regs(struct kvmlite_device *dev,
			const struct kvm_device_attr *attr, bool write)
{
	u32 __user *uaddr = u64_to_user_ptr(attr->addr);
	struct kl_vgic *d = kl_dev_vgic(dev);
	struct kl_vm *s2 = kl_vm(dev->vm);
	bool sys = attr->group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
	u32 off = attr->attr & KVM_DEV_ARM_VGIC_OFFSET_MASK, val = 0;
	struct kl_vcpu *v;
	bool lpis;
	int r;

	v = kl_attr_vcpu(dev, attr);
	if (!v)
		return -EINVAL;
	if (!sys && write && get_user(val, uaddr))
		return -EFAULT;
	if (!kl_lock_all_vcpus(dev->vm))
		return -EBUSY;
	lpis = v->vgic.lpis_enabled;
	mutex_lock(&s2->config_lock);
	if (!d->initialized) {
		r = -EBUSY;
		goto out;
	}
	kl_vgic_place_redists(dev->vm, d);
	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
		r = kl_vgic_uaccess(dev->vm, NULL, off, write, &val);
		break;
	case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
		r = kl_vgic_uaccess(dev->vm, v, off, write, &val);
		break;
	case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
		r = kl_vgic_sysreg_uaccess(v, attr, write);
		break;
	default:
		if (FIELD_GET(KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK,
			      attr->attr) != VGIC_LEVEL_INFO_LINE_LEVEL) {
			r = -EINVAL;
			break;
		}
		r = kl_level_info(d, v, attr->attr &
				  KVM_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK,
				  write, &val);
	}
out:
	mutex_unlock(&s2->config_lock);
	/* GICR_CTLR.EnableLPIs restored: its pending table (not under config_lock). */
	if (!lpis && v->vgic.lpis_enabled)
		kl_its_sync_pending(v);
	kl_unlock_all_vcpus(dev->vm);
	if (!r && !sys && !write)
		r = put_user(val, uaddr);
	return r;
}

static int kl_vgic_set_attr(struct kvmlite_device *dev,
			    const struct kvm_device_attr *attr)
{
	struct kl_vgic *d = kl_dev_vgic(dev);
	struct kl_vm *s2 = kl_vm(dev->vm);
	u32 __user *uaddr = u64_to_user_ptr(attr->addr);
	u32 val;
	int r = 0;

	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		/* As vgic_set_common_attr(): an unknown type is -ENXIO. */
		r = kl_vgic_addr(dev, attr, true);
		return r == -ENODEV ? -ENXIO : r;
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		if (get_user(val, uaddr))
			return -EFAULT;
		/* 32 SPIs at least, 1024 interrupts at most, by 32s. */
		if (val < KL_VGIC_NR_PRIVATE + 32 || val > 1023 || (val & 31))
			return -EINVAL;
		mutex_lock(&s2->config_lock);
		if (d->initialized || d->nr_spis)
			r = -EBUSY;
		else
			d->nr_spis = val - KL_VGIC_NR_PRIVATE;
		mutex_unlock(&s2->config_lock);
		return r;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		switch (attr->attr) {
		case KVM_DEV_ARM_VGIC_CTRL_INIT:
			down_read(&dev->vm->lock);
			mutex_lock(&s2->config_lock);
			r = kl_vgic_init(dev->vm, d);
			mutex_unlock(&s2->config_lock);
			up_read(&dev->vm->lock);
			return r;
		case KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES:
			/* No LPIs: nothing to write into guest memory. */
			if (!kl_lock_all_vcpus(dev->vm))
				return -EBUSY;
			kl_unlock_all_vcpus(dev->vm);
			return 0;
		}
		return -ENXIO;
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
	case KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO:
		return kl_vgic_regs(dev, attr, true);
	}
	return -ENXIO;
}

static int kl_vgic_get_attr(struct kvmlite_device *dev,
			    const struct kvm_device_attr *attr)
{
	struct kl_vgic *d = kl_dev_vgic(dev);
	u32 __user *uaddr = u64_to_user_ptr(attr->addr);

	int r;

	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		r = kl_vgic_addr(dev, attr, false);
		return r == -ENODEV ? -ENXIO : r;
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		return put_user(READ_ONCE(d->nr_spis) + KL_VGIC_NR_PRIVATE,
				uaddr);
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
	case KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO:
		return kl_vgic_regs(dev, attr, false);
	}
	return -ENXIO;
}

static int kl_vgic_has_attr(struct kvmlite_device *dev,
			    const struct kvm_device_attr *attr)
{
	struct kl_vcpu *v;

	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		switch (attr->attr) {
		case KVM_VGIC_V3_ADDR_TYPE_DIST:
		case KVM_VGIC_V3_ADDR_TYPE_REDIST:
		case KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION:
			return 0;
		}
		break;
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
		v = kl_attr_vcpu(dev, attr);
		if (!v)
			return -EINVAL;
		if (attr->group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS)
			return kl_vgic_has_sysreg(attr);
		return kl_vgic_has_reg(kl_dev_vgic(dev), attr->group ==
				       KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
				       attr->attr &
				       KVM_DEV_ARM_VGIC_OFFSET_MASK);
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		return 0;
	case KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO:
		if (FIELD_GET(KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK,
			      attr->attr) == VGIC_LEVEL_INFO_LINE_LEVEL)
			return 0;
		break;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		switch (attr->attr) {
		case KVM_DEV_ARM_VGIC_CTRL_INIT:
		case KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES:
			return 0;
		}
	}
	return -ENXIO;
}

static const struct kvmlite_device_ops kl_vgic_v3_ops = {
	.name		= "kvm-arm-vgic-v3",
	.create		= kl_vgic_create,
	.destroy	= kl_vgic_destroy,
	.set_attr	= kl_vgic_set_attr,
	.get_attr	= kl_vgic_get_attr,
	.has_attr	= kl_vgic_has_attr,
};

const struct kvmlite_device_ops *kl_device_ops(u32 type)
{
	if (!kl_vgic_supported())
		return NULL;
	switch (type) {
	case KVM_DEV_TYPE_ARM_VGIC_V3:
		return &kl_vgic_v3_ops;
	case KVM_DEV_TYPE_ARM_VGIC_ITS:
		return &kl_its_ops;
	}
	return NULL;
}

/* KVM_ARM_VCPU_TIMER_CTRL with a vGIC: the timers' PPIs, before any run. */
int kl_vgic_timer_attr(struct kvmlite_vm *vm, unsigned int ioctl,
		       const struct kvm_device_attr *attr)
{
	u32 __user *uaddr = u64_to_user_ptr(attr->addr);
	struct kl_vm *s2 = kl_vm(vm);
	struct kl_vgic *d = s2->vgic;
	u32 irq;
	int r = 0;

	if (ioctl == KVM_GET_DEVICE_ATTR)
		return put_user(d->timer_ppi[attr->attr], uaddr);
	if (get_user(irq, uaddr))
		return -EFAULT;
	if (irq < KL_VGIC_NR_SGIS || irq >= KL_VGIC_NR_PRIVATE)
		return -EINVAL;
	mutex_lock(&s2->config_lock);
	if (s2->has_run)
		r = -EBUSY;
	else
		d->timer_ppi[attr->attr] = irq;
	mutex_unlock(&s2->config_lock);
	return r;
}

/* At the first run: the two EL1 timers need distinct PPIs (KVM's check). */
int kl_vgic_timer_check(struct kvmlite_vm *vm)
{
	struct kl_vgic *d = kl_vm(vm)->vgic;

	return d && d->timer_ppi[0] == d->timer_ppi[1] ? -EINVAL : 0;
}
