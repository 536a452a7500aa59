// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite core: coalesced MMIO and port I/O (KVM_REGISTER_COALESCED_MMIO).
 *
 * Guest writes that land in a zone userspace registered do not exit: they
 * are appended to a ring page shared with userspace (mapped by every vCPU fd
 * at page KVM_COALESCED_MMIO_PAGE_OFFSET) and the guest goes on, as in KVM's
 * virt/kvm/coalesced_mmio.c. Reads and writes that find the ring full exit
 * as usual. Userspace owns ring->first, the kernel ring->last; one entry is
 * always left free so that a full ring differs from an empty one.
 */
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kvmlite.h"

#define KVMLITE_COALESCED_MAX						\
	((PAGE_SIZE - sizeof(struct kvm_coalesced_mmio_ring)) /		\
	 sizeof(struct kvm_coalesced_mmio))

/* As KVM's NR_IOBUS_DEVS: zones beyond this many are -ENOSPC. */
#define KVMLITE_COALESCED_ZONES	1000

struct kvmlite_coalesced_zone {
	struct list_head list;
	struct kvm_coalesced_mmio_zone zone;
};

int kvmlite_coalesced_init(struct kvmlite_vm *vm)
{
	vm->coalesced_ring = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vm->coalesced_ring)
		return -ENOMEM;
	spin_lock_init(&vm->coalesced_lock);
	INIT_LIST_HEAD(&vm->coalesced_zones);
	return 0;
}

void kvmlite_coalesced_free(struct kvmlite_vm *vm)
{
	struct kvmlite_coalesced_zone *z, *tmp;

	list_for_each_entry_safe(z, tmp, &vm->coalesced_zones, list)
		kfree(z);
	free_page((unsigned long)vm->coalesced_ring);
}

/* Whether [@addr, @addr + @len) lies wholly in @z (coalesced_mmio_in_range). */
static bool kvmlite_zone_holds(const struct kvm_coalesced_mmio_zone *z,
			       u64 addr, u64 len)
{
	return addr + len >= addr && addr >= z->addr &&
	       addr + len <= z->addr + z->size;
}

/*
 * A guest write of @len bytes (@data) to @addr, port I/O if @pio: true if a
 * zone took it into the ring (the access is complete), false if it must go
 * to userspace as an exit.
 */
bool kvmlite_coalesced_write(struct kvmlite_vm *vm, u64 addr, u32 len,
			     const void *data, bool pio)
{
	struct kvm_coalesced_mmio_ring *ring = vm->coalesced_ring;
	struct kvm_coalesced_mmio *e;
	struct kvmlite_coalesced_zone *z;
	bool done = false;
	u32 insert;

	if (len > sizeof(e->data) || !READ_ONCE(vm->nr_coalesced_zones))
		return false;
	spin_lock(&vm->coalesced_lock);
	list_for_each_entry(z, &vm->coalesced_zones, list) {
		if (z->zone.pio != pio ||
		    !kvmlite_zone_holds(&z->zone, addr, len))
			continue;
		/* Userspace may have written anything to the ring indices. */
		insert = READ_ONCE(ring->last);
		if (insert >= KVMLITE_COALESCED_MAX ||
		    (insert + 1) % KVMLITE_COALESCED_MAX ==
		    READ_ONCE(ring->first))
			break;
		e = &ring->coalesced_mmio[insert];
		e->phys_addr = addr;
		e->len = len;
		e->pio = pio;
		memcpy(e->data, data, len);
		/* The entry is complete before userspace can see it. */
		smp_wmb();
		WRITE_ONCE(ring->last, (insert + 1) % KVMLITE_COALESCED_MAX);
		done = true;
		break;
	}
	spin_unlock(&vm->coalesced_lock);
	return done;
}

static int kvmlite_coalesced_register(struct kvmlite_vm *vm,
				      const struct kvm_coalesced_mmio_zone *zone)
{
	struct kvmlite_coalesced_zone *z;
	int r = 0;

	z = kzalloc(sizeof(*z), GFP_KERNEL_ACCOUNT);
	if (!z)
		return -ENOMEM;
	z->zone = *zone;
	spin_lock(&vm->coalesced_lock);
	if (vm->nr_coalesced_zones >= KVMLITE_COALESCED_ZONES) {
		r = -ENOSPC;
	} else {
		list_add_tail(&z->list, &vm->coalesced_zones);
		WRITE_ONCE(vm->nr_coalesced_zones, vm->nr_coalesced_zones + 1);
	}
	spin_unlock(&vm->coalesced_lock);
	if (r)
		kfree(z);
	return r;
}

/*
 * As KVM: every zone of the same kind that holds the given range goes; a
 * range no zone holds is not an error.
 */
static void kvmlite_coalesced_unregister(struct kvmlite_vm *vm,
					 const struct kvm_coalesced_mmio_zone *zone)
{
	struct kvmlite_coalesced_zone *z, *tmp;
	LIST_HEAD(gone);

	spin_lock(&vm->coalesced_lock);
	list_for_each_entry_safe(z, tmp, &vm->coalesced_zones, list) {
		if (z->zone.pio == zone->pio &&
		    kvmlite_zone_holds(&z->zone, zone->addr, zone->size)) {
			list_move(&z->list, &gone);
			WRITE_ONCE(vm->nr_coalesced_zones,
				   vm->nr_coalesced_zones - 1);
		}
	}
	spin_unlock(&vm->coalesced_lock);
	list_for_each_entry_safe(z, tmp, &gone, list)
		kfree(z);
}

long kvmlite_coalesced_ioctl(struct kvmlite_vm *vm, unsigned int ioctl,
			     void __user *argp)
{
	struct kvm_coalesced_mmio_zone zone;

	if (copy_from_user(&zone, argp, sizeof(zone)))
		return -EFAULT;
	if (zone.pio != 0 && zone.pio != 1)
		return -EINVAL;
	if (ioctl == KVM_REGISTER_COALESCED_MMIO)
		return kvmlite_coalesced_register(vm, &zone);
	kvmlite_coalesced_unregister(vm, &zone);
	return 0;
}
