// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite core: memslots (KVM_SET_USER_MEMORY_REGION{,2}) and the MMU
 * notifier that keeps the guest mappings in step with the host mm.
 *
 * Validation follows __kvm_set_memory_region() of virt/kvm/kvm_main.c, errno
 * for errno. Slots are changed under vm->lock held for writing; vCPUs resolve
 * their faults under it held for reading; the MMU notifier walks the slots
 * under RCU and drops guest mappings with vm->mmu_lock held.
 */
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kvmlite.h"

/* Caller holds vm->lock (either way) or the RCU read lock. */
struct kvmlite_memslot *kvmlite_find_memslot(struct kvmlite_vm *vm, u64 gpa)
{
	struct kvmlite_memslot *slot;
	unsigned long id;

	xa_for_each(&vm->slots, id, slot) {
		if (gpa >= slot->gpa && gpa - slot->gpa < slot->size)
			return slot;
	}
	return NULL;
}

/*
 * Copy @len bytes between the kernel and guest-physical @gpa, within one
 * page (as kvm_read_guest_page() / kvm_write_guest_page()), through the
 * slot's host mapping: 0, or -EFAULT where there is no memory (or a write
 * to a read-only slot). Only from the VM's own process (a vCPU ioctl). A
 * write marks the page dirty for dirty logging.
 */
static int kvmlite_guest_copy(struct kvmlite_vm *vm, u64 gpa, void *data,
			      unsigned int len, bool write)
{
	struct kvmlite_memslot *slot;
	void __user *uaddr;
	int r = -EFAULT;

	if (!len || offset_in_page(gpa) + len > PAGE_SIZE)
		return -EINVAL;
	down_read(&vm->lock);
	slot = kvmlite_find_memslot(vm, gpa);
	if (!slot || (write && (slot->flags & KVM_MEM_READONLY)))
		goto out;
	uaddr = (void __user *)(slot->hva + (gpa - slot->gpa));
	if (write) {
		if (copy_to_user(uaddr, data, len))
			goto out;
		spin_lock(&vm->mmu_lock);
		kvmlite_mark_page_dirty(slot, gpa);
		spin_unlock(&vm->mmu_lock);
	} else if (copy_from_user(data, uaddr, len)) {
		goto out;
	}
	r = 0;
out:
	up_read(&vm->lock);
	return r;
}

int kvmlite_read_guest(struct kvmlite_vm *vm, u64 gpa, void *data,
		       unsigned int len)
{
	return kvmlite_guest_copy(vm, gpa, data, len, false);
}

int kvmlite_write_guest(struct kvmlite_vm *vm, u64 gpa, const void *data,
			unsigned int len)
{
	return kvmlite_guest_copy(vm, gpa, (void *)data, len, true);
}

/* Whether @gpa lies in a memslot (kvm_is_error_hva(gfn_to_hva()) negated). */
bool kvmlite_gpa_is_memory(struct kvmlite_vm *vm, u64 gpa)
{
	bool r;

	down_read(&vm->lock);
	r = kvmlite_find_memslot(vm, gpa);
	up_read(&vm->lock);
	return r;
}

static bool kvmlite_memslot_overlaps(struct kvmlite_vm *vm, u32 id, u64 gpa,
				     u64 size)
{
	struct kvmlite_memslot *slot;
	unsigned long i;

	xa_for_each(&vm->slots, i, slot) {
		if (i == id)
			continue;
		if (gpa < slot->gpa + slot->size && slot->gpa < gpa + size)
			return true;
	}
	return false;
}

static void kvmlite_unmap_slot(struct kvmlite_vm *vm,
			       struct kvmlite_memslot *slot)
{
	spin_lock(&vm->mmu_lock);
	kvmlite_arch_ops.unmap_range(vm, slot->gpa, slot->size);
	spin_unlock(&vm->mmu_lock);
}

static void kvmlite_memslot_free(struct kvmlite_memslot *slot)
{
	kvfree(slot->dirty_bitmap);
	kfree(slot);
}

static void kvmlite_memslot_free_rcu(struct rcu_head *head)
{
	kvmlite_memslot_free(container_of(head, struct kvmlite_memslot, rcu));
}

/*
 * The slot that replaces @old (NULL: a new one), with a new dirty bitmap when
 * logging starts or the slot moves (one kept from @old is moved over by the
 * caller once the new slot is in place).
 */
static struct kvmlite_memslot *
kvmlite_memslot_new(struct kvmlite_vm *vm, struct kvmlite_memslot *old,
		    const struct kvm_userspace_memory_region2 *mem, u32 id)
{
	struct kvmlite_memslot *new;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return NULL;
	new->id = id;
	new->flags = mem->flags;
	new->gpa = mem->guest_phys_addr;
	new->size = mem->memory_size;
	new->hva = mem->userspace_addr;
	if (!(mem->flags & KVM_MEM_LOG_DIRTY_PAGES) ||
	    (old && old->dirty_bitmap && old->gpa == new->gpa))
		return new;
	if (kvmlite_dirty_bitmap_alloc(vm, new)) {
		kfree(new);
		return NULL;
	}
	return new;
}

static int kvmlite_memslot_update(struct kvmlite_vm *vm,
				  struct kvmlite_memslot *old,
				  const struct kvm_userspace_memory_region2 *mem,
				  u32 id)
{
	struct kvmlite_memslot *new;
	bool move = false, start_log;
	int r;

	if (!mem->memory_size) {
		/* Delete: the slot must exist. */
		if (!old)
			return -EINVAL;
		xa_erase(&vm->slots, id);
		kvmlite_unmap_slot(vm, old);
		call_rcu(&old->rcu, kvmlite_memslot_free_rcu);
		return 0;
	}

	if (old) {
		/*
		 * Modify: a move (new base address) or a change of the
		 * logging flag (KVM_MR_MOVE, KVM_MR_FLAGS_ONLY).
		 */
		if (mem->userspace_addr != old->hva ||
		    mem->memory_size != old->size ||
		    ((mem->flags ^ old->flags) & KVM_MEM_READONLY))
			return -EINVAL;
		move = mem->guest_phys_addr != old->gpa;
		if (!move && mem->flags == old->flags)
			return 0;
	}

	if (!old || move) {
		if (kvmlite_memslot_overlaps(vm, id, mem->guest_phys_addr,
					     mem->memory_size))
			return -EEXIST;
		r = kvmlite_arch_ops.memslot_check(vm, mem->guest_phys_addr,
						   mem->memory_size);
		if (r)
			return r;
	}

	start_log = (mem->flags & KVM_MEM_LOG_DIRTY_PAGES) && old && !move &&
		    !(old->flags & KVM_MEM_LOG_DIRTY_PAGES);
	new = kvmlite_memslot_new(vm, old, mem, id);
	if (!new)
		return -ENOMEM;
	r = xa_err(xa_store(&vm->slots, id, new, GFP_KERNEL_ACCOUNT));
	if (r) {
		kvmlite_memslot_free(new);
		return r;
	}
	/* Logging goes on: the bits collected so far stay (vm->lock held). */
	if ((new->flags & KVM_MEM_LOG_DIRTY_PAGES) && !new->dirty_bitmap) {
		new->dirty_bitmap = old->dirty_bitmap;
		old->dirty_bitmap = NULL;
	}
	/*
	 * A moved slot has no mapping at its new place yet; a slot that
	 * starts logging is write-protected (its mappings dropped).
	 */
	if (old && (move || (start_log &&
			     kvmlite_dirty_log_protect_at_start(vm))))
		kvmlite_unmap_slot(vm, old);
	if (old)
		call_rcu(&old->rcu, kvmlite_memslot_free_rcu);
	return 0;
}

int kvmlite_set_memory_region(struct kvmlite_vm *vm,
			      const struct kvm_userspace_memory_region2 *mem)
{
	u32 as_id = mem->slot >> 16, id = (u16)mem->slot, valid;
	int r;

	/* No guest_memfd; dirty logging where the backend does it. */
	valid = KVM_MEM_READONLY;
	if (kvmlite_arch_ops.dirty_log)
		valid |= KVM_MEM_LOG_DIRTY_PAGES;
	if (mem->flags & ~valid)
		return -EINVAL;
	if (!PAGE_ALIGNED(mem->memory_size) ||
	    mem->memory_size != (unsigned long)mem->memory_size)
		return -EINVAL;
	if (!PAGE_ALIGNED(mem->guest_phys_addr))
		return -EINVAL;
	if (!PAGE_ALIGNED(mem->userspace_addr) ||
	    mem->userspace_addr != untagged_addr(mem->userspace_addr) ||
	    !access_ok((void __user *)(unsigned long)mem->userspace_addr,
		       mem->memory_size))
		return -EINVAL;
	if (as_id || id >= KVMLITE_MAX_MEMSLOTS)
		return -EINVAL;
	if (mem->guest_phys_addr + mem->memory_size < mem->guest_phys_addr)
		return -EINVAL;

	down_write(&vm->lock);
	r = kvmlite_memslot_update(vm, xa_load(&vm->slots, id), mem, id);
	up_write(&vm->lock);
	return r;
}

/* At VM destruction: the guest mappings are already gone. */
void kvmlite_free_memslots(struct kvmlite_vm *vm)
{
	struct kvmlite_memslot *slot;
	unsigned long id;

	xa_for_each(&vm->slots, id, slot)
		kvmlite_memslot_free(slot);
	xa_destroy(&vm->slots);
}

static inline struct kvmlite_vm *mn_to_vm(struct mmu_notifier *mn)
{
	return container_of(mn, struct kvmlite_vm, mn);
}

/* Drop the guest mappings of host range [start, end); vm->mmu_lock held. */
static void kvmlite_unmap_hva_range(struct kvmlite_vm *vm, unsigned long start,
				    unsigned long end)
{
	struct kvmlite_memslot *slot;
	unsigned long id, s, e;

	rcu_read_lock();
	xa_for_each(&vm->slots, id, slot) {
		s = max(start, slot->hva);
		e = min(end, slot->hva + (unsigned long)slot->size);
		if (s >= e)
			continue;
		kvmlite_arch_ops.unmap_range(vm, slot->gpa + (s - slot->hva),
					     e - s);
	}
	rcu_read_unlock();
}

static int kvmlite_mn_invalidate_range_start(struct mmu_notifier *mn,
					     const struct mmu_notifier_range *range)
{
	struct kvmlite_vm *vm = mn_to_vm(mn);

	spin_lock(&vm->mmu_lock);
	vm->mmu_inval++;
	vm->mmu_seq++;
	kvmlite_unmap_hva_range(vm, range->start, range->end);
	spin_unlock(&vm->mmu_lock);
	return 0;
}

static void kvmlite_mn_invalidate_range_end(struct mmu_notifier *mn,
					    const struct mmu_notifier_range *range)
{
	struct kvmlite_vm *vm = mn_to_vm(mn);

	spin_lock(&vm->mmu_lock);
	vm->mmu_seq++;
	vm->mmu_inval--;
	spin_unlock(&vm->mmu_lock);
}

/* The mm goes away (process exit): drop every guest mapping. */
static void kvmlite_mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct kvmlite_vm *vm = mn_to_vm(mn);

	spin_lock(&vm->mmu_lock);
	vm->mmu_seq++;
	kvmlite_unmap_hva_range(vm, 0, ULONG_MAX);
	spin_unlock(&vm->mmu_lock);
}

static const struct mmu_notifier_ops kvmlite_mmu_notifier_ops = {
	.invalidate_range_start	= kvmlite_mn_invalidate_range_start,
	.invalidate_range_end	= kvmlite_mn_invalidate_range_end,
	.release		= kvmlite_mn_release,
};

/**
 * kvmlite_pin_guest_page() - pin the host page behind a guest access
 * @vm: the VM
 * @slot: the memory slot holding @gpa
 * @gpa: the guest-physical address accessed
 * @write: the access writes
 * @writable: set to whether the page may be mapped writable
 * @page: set to the pinned page (the caller unpins it when not mapped)
 * @seq: set to the MMU-notifier sequence read before the pin: map the page
 *       only if kvmlite_guest_page_stale() says no under vm->mmu_lock
 *
 * A read of a page the VMM mapped read-only still succeeds, with @writable
 * false. Return: 0, or -EFAULT when the host address cannot be pinned.
 */
int kvmlite_pin_guest_page(struct kvmlite_vm *vm, struct kvmlite_memslot *slot,
			   u64 gpa, bool write, bool *writable,
			   struct page **page, unsigned long *seq)
{
	unsigned long hva = slot->hva + (gpa & PAGE_MASK) - slot->gpa;
	long n;

	*writable = !(slot->flags & KVM_MEM_READONLY);
	*seq = READ_ONCE(vm->mmu_seq);
	/*
	 * Read the sequence before looking the page up; pairs with the
	 * increments under vm->mmu_lock in the MMU notifier (as KVM's
	 * mmu_invalidate_seq).
	 */
	smp_rmb();
	n = pin_user_pages_unlocked(hva, 1, page, *writable ? FOLL_WRITE : 0);
	if (n != 1 && *writable && !write) {
		/* A read-only host mapping is fine for reads. */
		*writable = false;
		n = pin_user_pages_unlocked(hva, 1, page, 0);
	}
	if (n != 1)
		return -EFAULT;
	if (*writable)
		set_page_dirty_lock(*page);
	return 0;
}

/*
 * Did an MMU-notifier invalidation start or run since @seq was read by
 * kvmlite_pin_guest_page()? Then the pinned page may be stale.
 */
bool kvmlite_guest_page_stale(struct kvmlite_vm *vm, unsigned long seq)
{
	lockdep_assert_held(&vm->mmu_lock);
	return vm->mmu_inval || vm->mmu_seq != seq;
}

/* Fill @c to KVMLITE_PGCACHE_PAGES zeroed pages; may sleep. */
int kvmlite_pgcache_topup(struct kvmlite_pgcache *c)
{
	while (c->n < ARRAY_SIZE(c->pages)) {
		c->pages[c->n] = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
		if (!c->pages[c->n])
			return -ENOMEM;
		c->n++;
	}
	return 0;
}

/* A zeroed page from @c (topped up beforehand), or NULL if it ran dry. */
void *kvmlite_pgcache_take(struct kvmlite_pgcache *c)
{
	if (WARN_ON_ONCE(!c->n))
		return NULL;
	return c->pages[--c->n];
}

void kvmlite_pgcache_free(struct kvmlite_pgcache *c)
{
	while (c->n)
		free_page((unsigned long)c->pages[--c->n]);
}

int kvmlite_mmu_notifier_register(struct kvmlite_vm *vm)
{
	vm->mn.ops = &kvmlite_mmu_notifier_ops;
	return mmu_notifier_register(&vm->mn, vm->mm);
}

void kvmlite_mmu_notifier_unregister(struct kvmlite_vm *vm)
{
	mmu_notifier_unregister(&vm->mn, vm->mm);
}
