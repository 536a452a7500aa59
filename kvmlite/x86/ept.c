// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86: EPT, filled lazily from the memslots.
 *
 * A 4-level EPT of 4 KiB pages. A guest access to an unmapped GPA exits
 * with an EPT violation; if a memslot covers it, the host page is pinned
 * (pin_user_pages_unlocked, from the VMM's mm) and mapped, read-only when
 * the slot or the host mapping is. The MMU notifier of the generic core
 * calls kl_ept_unmap_range() under vm->mmu_lock when the host mapping
 * changes: leaves are cleared, pages unpinned, and INVEPT runs on every CPU
 * before the notifier returns, so the guest never reaches a freed page.
 * The invalidation sequence (vm->mmu_seq/mmu_inval) closes the race between
 * pinning a page and mapping it.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "x86.h"

#define EPT_ADDR	GENMASK_ULL(51, 12)
#define EPT_RWX		(VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK | \
			 VMX_EPT_EXECUTABLE_MASK)
#define EPT_PRESENT	EPT_RWX

int kl_ept_init(struct kvmlite_vm *vm)
{
	struct kl_vm *kvm = kl_vm(vm);

	kvm->ept_root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!kvm->ept_root)
		return -ENOMEM;
	kvm->eptp = __pa(kvm->ept_root) | VMX_EPTP_MT_WB | VMX_EPTP_PWL_4;
	return 0;
}

/* Clear leaves of [gpa, end) under @table at @level (3: PML4); true if any. */
static bool kl_ept_zap(u64 *table, int level, u64 base, u64 gpa, u64 end,
		       bool free_tables)
{
	int shift = 12 + 9 * level, i;
	bool zapped = false;

	for (i = 0; i < 512; i++) {
		u64 start = base + ((u64)i << shift), pte = table[i];

		if (start >= end || start + (1ULL << shift) <= gpa)
			continue;
		if (!(pte & EPT_PRESENT))
			continue;
		if (level == 0) {
			struct page *page = pfn_to_page((pte & EPT_ADDR) >> PAGE_SHIFT);

			WRITE_ONCE(table[i], 0);
			unpin_user_page(page);
			zapped = true;
			continue;
		}
		zapped |= kl_ept_zap(phys_to_virt(pte & EPT_ADDR), level - 1,
				     start, gpa, end, free_tables);
		if (free_tables) {
			free_page((unsigned long)phys_to_virt(pte & EPT_ADDR));
			table[i] = 0;
		}
	}
	return zapped;
}

/* vm->mmu_lock held. */
void kl_ept_unmap_range(struct kvmlite_vm *vm, u64 gpa, u64 size)
{
	struct kl_vm *kvm = kl_vm(vm);

	if (kl_ept_zap(kvm->ept_root, 3, 0, gpa, gpa + size, false))
		kl_invept_all(kvm->eptp);
}

void kl_ept_destroy(struct kvmlite_vm *vm)
{
	struct kl_vm *kvm = kl_vm(vm);

	if (!kvm->ept_root)
		return;
	kl_ept_zap(kvm->ept_root, 3, 0, 0, ~0ULL, true);
	/* No translation tagged with this EPTP may outlive its tables. */
	kl_invept_all(kvm->eptp);
	free_page((unsigned long)kvm->ept_root);
	kvm->ept_root = NULL;
}

/* Map one page. -EAGAIN if already mapped. vm->mmu_lock held. */
static int kl_ept_map(struct kl_vm *kvm, u64 gpa, phys_addr_t pa,
		      bool writable, struct kvmlite_pgcache *c)
{
	u64 *table = kvm->ept_root, *ptep, pte;
	void *new;
	int level;

	for (level = 3; level > 0; level--) {
		ptep = &table[(gpa >> (12 + 9 * level)) & 511];
		pte = READ_ONCE(*ptep);
		if (!(pte & EPT_PRESENT)) {
			new = kvmlite_pgcache_take(c);
			if (!new)
				return -ENOMEM;
			pte = __pa(new) | EPT_RWX;
			WRITE_ONCE(*ptep, pte);
		}
		table = phys_to_virt(pte & EPT_ADDR);
	}
	ptep = &table[(gpa >> 12) & 511];
	if (READ_ONCE(*ptep) & EPT_PRESENT)
		return -EAGAIN;
	pte = pa | VMX_EPT_READABLE_MASK | VMX_EPT_EXECUTABLE_MASK |
	      (writable ? VMX_EPT_WRITABLE_MASK : 0) |
	      ((u64)X86_MEMTYPE_WB << VMX_EPT_MT_EPTE_SHIFT);
	WRITE_ONCE(*ptep, pte);
	return 0;
}

/*
 * An EPT violation at @gpa. 1: mapped (re-enter), 0: not guest RAM or a
 * write to a read-only slot (MMIO), < 0: error for KVM_RUN.
 */
int kl_ept_fault(struct kl_vcpu *v, u64 gpa, u64 qual)
{
	struct kvmlite_pgcache *c = &v->vcpu->pgcache;
	struct kvmlite_vm *vm = v->vcpu->vm;
	bool write = qual & EPT_VIOLATION_ACC_WRITE, writable;
	struct kvmlite_memslot *slot;
	struct page *page;
	unsigned long seq;
	int r;

	down_read(&vm->lock);
	slot = kvmlite_find_memslot(vm, gpa);
	if (!slot || (write && (slot->flags & KVM_MEM_READONLY))) {
		up_read(&vm->lock);
		return 0;
	}
	if (qual & EPT_VIOLATION_RWX_MASK) {
		/* Present but read-only because the host page was: redo it. */
		spin_lock(&vm->mmu_lock);
		kl_ept_unmap_range(vm, gpa & PAGE_MASK, PAGE_SIZE);
		spin_unlock(&vm->mmu_lock);
	}

	r = kvmlite_pgcache_topup(c);
	if (r)
		goto out;
	r = kvmlite_pin_guest_page(vm, slot, gpa, write, &writable, &page, &seq);
	if (r)
		goto out;
	/* Dirty logging: read-only until written, the write is logged. */
	if (slot->dirty_bitmap && !write)
		writable = false;

	spin_lock(&vm->mmu_lock);
	if (kvmlite_guest_page_stale(vm, seq))
		r = -EAGAIN;
	else
		r = kl_ept_map(kl_vm(vm), gpa & PAGE_MASK, page_to_phys(page),
			       writable, c);
	if (!r && writable)
		kvmlite_mark_page_dirty(slot, gpa & PAGE_MASK);
	spin_unlock(&vm->mmu_lock);
	if (r)
		unpin_user_page(page);
	if (r == -EAGAIN || !r)
		r = 1;
out:
	up_read(&vm->lock);
	return r;
}

/*
 * KVM_PRE_FAULT_MEMORY: the page at @gpa mapped as a guest read would map
 * it (KVM's kvm_arch_vcpu_pre_fault_memory(), 4 KiB at a time here).
 */
long kl_ept_pre_fault(struct kvmlite_vcpu *vcpu, u64 gpa, u64 size)
{
	int r = kl_ept_fault(kl_vcpu(vcpu), gpa, EPT_VIOLATION_ACC_READ);

	if (r < 0)
		return r;
	return r ? PAGE_SIZE : -ENOENT;
}

/* What the kernel wrote into a logging slot (pvclock, INS, MMIO) is dirty. */
static void kl_mark_dirty_range(struct kvmlite_vm *vm,
				struct kvmlite_memslot *slot, u64 gpa,
				unsigned int n)
{
	u64 p;

	spin_lock(&vm->mmu_lock);
	for (p = gpa & PAGE_MASK; p < gpa + n; p += PAGE_SIZE)
		kvmlite_mark_page_dirty(slot, p);
	spin_unlock(&vm->mmu_lock);
}

/*
 * Copy guest memory through the VMM's mapping (the caller is a VM thread);
 * a write marks its pages dirty for dirty logging.
 */
static int kl_guest_access(struct kvmlite_vm *vm, u64 gpa, void *buf,
			   unsigned int len, bool write)
{
	struct kvmlite_memslot *slot;
	unsigned long hva;
	unsigned int n;
	int r = 0;

	down_read(&vm->lock);
	while (len) {
		slot = kvmlite_find_memslot(vm, gpa);
		if (!slot || (write && (slot->flags & KVM_MEM_READONLY))) {
			r = -EFAULT;
			break;
		}
		n = min_t(u64, len, slot->gpa + slot->size - gpa);
		hva = slot->hva + gpa - slot->gpa;
		if (write ? copy_to_user((void __user *)hva, buf, n) :
			    copy_from_user(buf, (void __user *)hva, n)) {
			r = -EFAULT;
			break;
		}
		if (write && slot->dirty_bitmap)
			kl_mark_dirty_range(vm, slot, gpa, n);
		gpa += n;
		buf += n;
		len -= n;
	}
	up_read(&vm->lock);
	return r;
}

int kl_read_guest(struct kvmlite_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	return kl_guest_access(vm, gpa, buf, len, false);
}

int kl_write_guest(struct kvmlite_vm *vm, u64 gpa, const void *buf,
		   unsigned int len)
{
	return kl_guest_access(vm, gpa, (void *)buf, len, true);
}
