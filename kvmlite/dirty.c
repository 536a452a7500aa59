// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite core: dirty page logging (KVM_MEM_LOG_DIRTY_PAGES,
 * KVM_GET_DIRTY_LOG, KVM_CLEAR_DIRTY_LOG, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2),
 * with KVM's checks and errnos (virt/kvm/kvm_main.c).
 *
 * A slot with logging on has one bit per page. The backend maps its pages
 * read-only until the guest writes one; that write fault sets the page's
 * bit (kvmlite_mark_page_dirty(), under vm->mmu_lock) and maps it writable.
 * "Write-protecting" a page again, when userspace collects or clears its
 * bit, is dropping its guest mapping (arch unmap_range): its next access
 * faults, and a write sets the bit again. Without manual protection
 * KVM_GET_DIRTY_LOG collects and re-protects at once; with it, the bits stay
 * until KVM_CLEAR_DIRTY_LOG.
 */
#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kvmlite.h"

#define KVMLITE_DIRTY_LOG_MANUAL_CAPS	(KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE | \
					 KVM_DIRTY_LOG_INITIALLY_SET)

static unsigned long kvmlite_slot_npages(const struct kvmlite_memslot *slot)
{
	return slot->size >> PAGE_SHIFT;
}

/* As kvm_dirty_bitmap_bytes(). */
static unsigned long kvmlite_dirty_bitmap_bytes(const struct kvmlite_memslot *slot)
{
	return ALIGN(kvmlite_slot_npages(slot), BITS_PER_LONG) / 8;
}

/*
 * A bitmap for a slot that starts logging: all set with
 * KVM_DIRTY_LOG_INITIALLY_SET (the pages are protected as their bits are
 * cleared), else empty. 0 or -ENOMEM.
 */
int kvmlite_dirty_bitmap_alloc(struct kvmlite_vm *vm,
			       struct kvmlite_memslot *slot)
{
	slot->dirty_bitmap = kvzalloc(kvmlite_dirty_bitmap_bytes(slot),
				      GFP_KERNEL_ACCOUNT);
	if (!slot->dirty_bitmap)
		return -ENOMEM;
	if (vm->manual_dirty_log_protect & KVM_DIRTY_LOG_INITIALLY_SET)
		bitmap_set(slot->dirty_bitmap, 0, kvmlite_slot_npages(slot));
	return 0;
}

/* Whether a slot starting to log must be write-protected at once. */
bool kvmlite_dirty_log_protect_at_start(struct kvmlite_vm *vm)
{
	return !(vm->manual_dirty_log_protect & KVM_DIRTY_LOG_INITIALLY_SET);
}

/* Called by the backend with vm->mmu_lock held, when it maps @gpa writable. */
void kvmlite_mark_page_dirty(struct kvmlite_memslot *slot, u64 gpa)
{
	if (slot->dirty_bitmap)
		set_bit((gpa - slot->gpa) >> PAGE_SHIFT, slot->dirty_bitmap);
}

/* Write-protect the pages of @mask, pages @first.. of @slot. */
static void kvmlite_protect_mask(struct kvmlite_vm *vm,
				 struct kvmlite_memslot *slot,
				 unsigned long first, unsigned long mask)
{
	unsigned long bit;

	lockdep_assert_held(&vm->mmu_lock);
	for_each_set_bit(bit, &mask, BITS_PER_LONG)
		kvmlite_arch_ops.unmap_range(vm, slot->gpa +
					     ((u64)(first + bit) << PAGE_SHIFT),
					     PAGE_SIZE);
}

/* The slot of a KVM_GET/CLEAR_DIRTY_LOG id; caller holds vm->lock. */
static int kvmlite_dirty_slot(struct kvmlite_vm *vm, u32 slot_id,
			      struct kvmlite_memslot **slot)
{
	u32 as_id = slot_id >> 16, id = (u16)slot_id;

	if (as_id || id >= KVMLITE_MAX_MEMSLOTS)
		return -EINVAL;
	*slot = xa_load(&vm->slots, id);
	if (!*slot || !(*slot)->dirty_bitmap)
		return -ENOENT;
	return 0;
}

static int kvmlite_get_dirty_log(struct kvmlite_vm *vm,
				 struct kvm_dirty_log *log)
{
	struct kvmlite_memslot *slot;
	unsigned long *buf, n, i, mask;
	int r;

	down_read(&vm->lock);
	r = kvmlite_dirty_slot(vm, log->slot, &slot);
	if (r)
		goto out;
	n = kvmlite_dirty_bitmap_bytes(slot);
	if (vm->manual_dirty_log_protect) {
		/* Userspace clears and protects with KVM_CLEAR_DIRTY_LOG. */
		if (copy_to_user(log->dirty_bitmap, slot->dirty_bitmap, n))
			r = -EFAULT;
		goto out;
	}
	buf = kvzalloc(n, GFP_KERNEL_ACCOUNT);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	spin_lock(&vm->mmu_lock);
	for (i = 0; i < n / sizeof(long); i++) {
		if (!READ_ONCE(slot->dirty_bitmap[i]))
			continue;
		mask = xchg(&slot->dirty_bitmap[i], 0);
		buf[i] = mask;
		kvmlite_protect_mask(vm, slot, i * BITS_PER_LONG, mask);
	}
	spin_unlock(&vm->mmu_lock);
	if (copy_to_user(log->dirty_bitmap, buf, n))
		r = -EFAULT;
	kvfree(buf);
out:
	up_read(&vm->lock);
	return r;
}

static int kvmlite_clear_dirty_log(struct kvmlite_vm *vm,
				   struct kvm_clear_dirty_log *log)
{
	struct kvmlite_memslot *slot;
	unsigned long *buf, n, i, npages, mask, word;
	int r;

	if (log->first_page & 63)
		return -EINVAL;
	down_read(&vm->lock);
	r = kvmlite_dirty_slot(vm, log->slot, &slot);
	if (r)
		goto out;
	npages = kvmlite_slot_npages(slot);
	if (log->first_page > npages ||
	    log->num_pages > npages - log->first_page ||
	    (log->num_pages < npages - log->first_page && (log->num_pages & 63))) {
		r = -EINVAL;
		goto out;
	}
	n = ALIGN(log->num_pages, BITS_PER_LONG) / 8;
	buf = memdup_user(log->dirty_bitmap, n);
	if (IS_ERR(buf)) {
		r = PTR_ERR(buf);
		goto out;
	}
	spin_lock(&vm->mmu_lock);
	for (i = 0; i < n / sizeof(long); i++) {
		if (!buf[i])
			continue;
		word = log->first_page / BITS_PER_LONG + i;
		mask = buf[i] & atomic_long_fetch_andnot(buf[i],
				(atomic_long_t *)&slot->dirty_bitmap[word]);
		kvmlite_protect_mask(vm, slot, word * BITS_PER_LONG, mask);
	}
	spin_unlock(&vm->mmu_lock);
	kfree(buf);
out:
	up_read(&vm->lock);
	return r;
}

long kvmlite_dirty_log_ioctl(struct kvmlite_vm *vm, unsigned int ioctl,
			     void __user *argp)
{
	struct kvm_clear_dirty_log clear;
	struct kvm_dirty_log log;

	if (!kvmlite_arch_ops.dirty_log)
		return -ENOTTY;
	if (ioctl == KVM_GET_DIRTY_LOG) {
		if (copy_from_user(&log, argp, sizeof(log)))
			return -EFAULT;
		return kvmlite_get_dirty_log(vm, &log);
	}
	if (copy_from_user(&clear, argp, sizeof(clear)))
		return -EFAULT;
	return kvmlite_clear_dirty_log(vm, &clear);
}

/* KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2), as KVM checks it. */
int kvmlite_enable_manual_dirty_log(struct kvmlite_vm *vm,
				    const struct kvm_enable_cap *cap)
{
	u64 allowed = KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE;

	if (!kvmlite_arch_ops.dirty_log)
		return -EINVAL;
	if (cap->args[0] & KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE)
		allowed = KVMLITE_DIRTY_LOG_MANUAL_CAPS;
	if (cap->flags || (cap->args[0] & ~allowed))
		return -EINVAL;
	down_write(&vm->lock);
	vm->manual_dirty_log_protect = cap->args[0];
	up_write(&vm->lock);
	return 0;
}

long kvmlite_dirty_log_caps(void)
{
	return kvmlite_arch_ops.dirty_log ? KVMLITE_DIRTY_LOG_MANUAL_CAPS : 0;
}
