// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: stage-2 translation (4 KiB granule, 32 to 48-bit
 * IPA), VMIDs, TLB maintenance and stage-2 fault handling.
 *
 * Guest memory is mapped lazily, one 4 KiB page per stage-2 fault, and each
 * mapped page stays pinned until its mapping goes: on memslot deletion or
 * move, on an MMU notifier invalidation of the host range, and at VM
 * destruction. Page tables change under vm->mmu_lock; a fault that raced
 * with an invalidation is retried (vm->mmu_seq), as in KVM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/barrier.h>
#include <asm/cacheflush.h>
#include <asm/esr.h>
#include <asm/kvm_arm.h>
#include <asm/sysreg.h>
#include <asm/tlbflush.h>

#include "arm64.h"

#define S2_VALID	BIT_ULL(0)
#define S2_TABLE	BIT_ULL(1)	/* table (levels 0-2) or page (level 3) */
#define S2_MEMATTR_WB	(0xfULL << 2)	/* Normal, inner and outer write-back */
#define S2_AP_R		BIT_ULL(6)
#define S2_AP_W		BIT_ULL(7)
#define S2_SH_IS	(3ULL << 8)
#define S2_AF		BIT_ULL(10)
#define S2_ADDR		GENMASK_ULL(47, 12)

#define VTCR_RES1	BIT_ULL(31)

static DEFINE_IDA(kl_vmid_ida);

/* Largest IPA size: PARange of the CPU, at most 48 bits (no LPA2 here). */
u32 kl_ipa_limit(void)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48 };
	u64 parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	return parange < ARRAY_SIZE(bits) ? bits[parange] : 48;
}

static u64 kl_vtcr_ps(void)
{
	u64 parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	return min_t(u64, parange, 5);
}

int kl_vmid_init(void)
{
	return 0;
}

void kl_vmid_exit(void)
{
	ida_destroy(&kl_vmid_ida);
}

static inline u32 kl_level_shift(u32 level)
{
	return 39 - 9 * level;
}

/* Invalidate every stage-1 and stage-2 TLB entry of the VM, all CPUs. */
static void kl_s2_flush_vmid(struct kl_vm *s2)
{
	unsigned long flags;
	u64 vttbr, hcr;

	/*
	 * The TLBI applies to the current VMID of the EL1&0 regime: with VHE
	 * it needs HCR_EL2.TGE clear, hence interrupts off (KVM does the same
	 * in __tlb_switch_to_guest()).
	 */
	local_irq_save(flags);
	vttbr = read_sysreg(vttbr_el2);
	hcr = read_sysreg(hcr_el2);
	write_sysreg(s2->vttbr, vttbr_el2);
	write_sysreg(hcr & ~HCR_TGE, hcr_el2);
	isb();
	dsb(ishst);
	__tlbi(vmalls12e1is);
	dsb(ish);
	isb();
	write_sysreg(hcr, hcr_el2);
	write_sysreg(vttbr, vttbr_el2);
	isb();
	local_irq_restore(flags);
}

int kl_stage2_init(struct kvmlite_vm *vm, u32 ipa_bits)
{
	struct kl_vm *s2 = kl_vm(vm);
	int id;

	id = ida_alloc_range(&kl_vmid_ida, 1, 254, GFP_KERNEL);
	if (id < 0)
		return id == -ENOSPC ? -EBUSY : id;
	s2->pgd = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!s2->pgd) {
		ida_free(&kl_vmid_ida, id);
		return -ENOMEM;
	}
	/*
	 * VMIDs are taken from the top of the 8-bit space, away from those
	 * the in-kernel KVM hands out first; the guest's TLB entries are
	 * flushed at each entry and exit anyway (see switch.c).
	 */
	s2->vmid = 255 - id;
	s2->ipa_bits = ipa_bits;
	s2->start_level = ipa_bits > 39 ? 0 : 1;
	s2->vttbr = virt_to_phys(s2->pgd) | ((u64)s2->vmid << 48);
	s2->vtcr = VTCR_RES1 | (kl_vtcr_ps() << 16) |
		   (3ULL << 12) |			/* SH0: inner shareable */
		   (1ULL << 10) | (1ULL << 8) |		/* ORGN0, IRGN0: WBWA */
		   ((2ULL - s2->start_level) << 6) |	/* SL0 */
		   (64 - ipa_bits);			/* T0SZ */
	return 0;
}

#define KL_UNPIN_BATCH	32

struct kl_unpin {
	struct page *pages[KL_UNPIN_BATCH];
	unsigned int n;
	unsigned int flushes;
};

static void kl_unpin_flush(struct kl_vm *s2, struct kl_unpin *u)
{
	unsigned int i;

	if (!u->n)
		return;
	/* No CPU may still reach a page through its TLB once it is released. */
	kl_s2_flush_vmid(s2);
	u->flushes++;
	for (i = 0; i < u->n; i++)
		unpin_user_page(u->pages[i]);
	u->n = 0;
}

static void kl_s2_unmap_walk(struct kl_vm *s2, u64 *table, u32 level,
			     u64 addr, u64 end, struct kl_unpin *u)
{
	u32 shift = kl_level_shift(level);
	u64 next, pte, *ptep;

	for (; addr < end; addr = next) {
		next = min((addr | (BIT_ULL(shift) - 1)) + 1, end);
		ptep = &table[(addr >> shift) & 511];
		pte = READ_ONCE(*ptep);
		if (!(pte & S2_VALID))
			continue;
		if (level < 3) {
			kl_s2_unmap_walk(s2, phys_to_virt(pte & S2_ADDR),
					 level + 1, addr, next, u);
			continue;
		}
		WRITE_ONCE(*ptep, 0);
		u->pages[u->n++] = pfn_to_page(PHYS_PFN(pte & S2_ADDR));
		if (u->n == KL_UNPIN_BATCH)
			kl_unpin_flush(s2, u);
	}
}

/* Called with vm->mmu_lock held. */
void kl_stage2_unmap_range(struct kvmlite_vm *vm, u64 gpa, u64 size)
{
	struct kl_vm *s2 = kl_vm(vm);
	struct kl_unpin u = { .n = 0 };
	u64 end = min(gpa + size, BIT_ULL(s2->ipa_bits));

	if (gpa >= end)
		return;
	kl_s2_unmap_walk(s2, s2->pgd, s2->start_level, gpa, end, &u);
	kl_unpin_flush(s2, &u);
	kvmlite_stat_add(&vm->stats[KVMLITE_VM_STAT_REMOTE_TLB_FLUSH], u.flushes);
	kvmlite_stat_add(&vm->stats[KVMLITE_VM_STAT_REMOTE_TLB_FLUSH_REQUESTS],
			 u.flushes);
}

static void kl_s2_free_tables(u64 *table, u32 level)
{
	unsigned int i;

	if (level < 3) {
		for (i = 0; i < 512; i++)
			if (table[i] & S2_VALID)
				kl_s2_free_tables(phys_to_virt(table[i] & S2_ADDR),
						  level + 1);
	}
	free_page((unsigned long)table);
}

void kl_stage2_destroy(struct kvmlite_vm *vm)
{
	struct kl_vm *s2 = kl_vm(vm);

	if (!s2->pgd)
		return;
	spin_lock(&vm->mmu_lock);
	kl_stage2_unmap_range(vm, 0, BIT_ULL(s2->ipa_bits));
	spin_unlock(&vm->mmu_lock);
	kl_s2_flush_vmid(s2);
	kl_s2_free_tables(s2->pgd, s2->start_level);
	s2->pgd = NULL;
	ida_free(&kl_vmid_ida, 255 - s2->vmid);
}

/* Map one page; -EAGAIN if it is mapped already. vm->mmu_lock held. */
static int kl_s2_map(struct kl_vm *s2, u64 ipa, phys_addr_t pa, bool writable,
		     struct kvmlite_pgcache *c)
{
	u64 *table = s2->pgd, *ptep, pte;
	void *new;
	u32 level;

	if (pa & ~S2_ADDR)
		return -EFAULT;	/* beyond what a 48-bit descriptor holds */
	for (level = s2->start_level; level < 3; level++) {
		ptep = &table[(ipa >> kl_level_shift(level)) & 511];
		pte = READ_ONCE(*ptep);
		if (!(pte & S2_VALID)) {
			new = kvmlite_pgcache_take(c);
			if (!new)
				return -ENOMEM;
			pte = virt_to_phys(new) | S2_TABLE | S2_VALID;
			/* The zeroed table is visible before it is linked. */
			dsb(ishst);
			WRITE_ONCE(*ptep, pte);
		}
		table = phys_to_virt(pte & S2_ADDR);
	}
	ptep = &table[(ipa >> PAGE_SHIFT) & 511];
	if (READ_ONCE(*ptep) & S2_VALID)
		return -EAGAIN;
	pte = pa | S2_VALID | S2_TABLE | S2_MEMATTR_WB | S2_SH_IS | S2_AF |
	      S2_AP_R | (writable ? S2_AP_W : 0);
	WRITE_ONCE(*ptep, pte);
	/* The entry is visible to the table walkers before the guest runs. */
	dsb(ishst);
	return 0;
}

/* Clean and invalidate [va, va + size) to the point of coherency. */
static void kl_dcache_clean_inval_poc(unsigned long va, size_t size)
{
	unsigned long line = 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
	unsigned long addr = va & ~(line - 1);

	for (; addr < va + size; addr += line)
		asm volatile("dc civac, %0" : : "r" (addr) : "memory");
	dsb(ish);
}

/* Resolve a stage-2 fault inside @slot. 1: re-enter the guest, < 0: error. */
static int kl_s2_fault_in(struct kvmlite_vcpu *vcpu,
			  struct kvmlite_memslot *slot, u64 ipa, bool write)
{
	struct kvmlite_pgcache *c = &vcpu->pgcache;
	struct kvmlite_vm *vm = vcpu->vm;
	unsigned long seq, va;
	struct page *page;
	bool writable;
	int r;

	r = kvmlite_pgcache_topup(c);
	if (r)
		return r;
	r = kvmlite_pin_guest_page(vm, slot, ipa, write, &writable, &page, &seq);
	if (r)
		return r;
	/* Dirty logging: read-only until written, the write is logged. */
	if (slot->dirty_bitmap && !write)
		writable = false;

	/* The guest may run with its caches off: data must be in memory. */
	va = (unsigned long)page_address(page);
	kl_dcache_clean_inval_poc(va, PAGE_SIZE);
	caches_clean_inval_pou(va, va + PAGE_SIZE);

	spin_lock(&vm->mmu_lock);
	if (kvmlite_guest_page_stale(vm, seq))
		r = -EAGAIN;
	else
		r = kl_s2_map(kl_vm(vm), ipa, page_to_phys(page), writable, c);
	if (!r && writable)
		kvmlite_mark_page_dirty(slot, ipa);
	spin_unlock(&vm->mmu_lock);
	if (r)
		unpin_user_page(page);
	if (r == -EAGAIN)
		r = 0;
	return r ?: 1;
}

/*
 * A data or instruction abort taken to EL2 from the guest. Returns 1 to
 * re-enter the guest, 0 to exit to userspace with vcpu->run filled, or a
 * negative errno for KVM_RUN.
 */
int kl_handle_abort(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	struct kvmlite_vm *vm = vcpu->vm;
	struct kvmlite_memslot *slot;
	u64 esr = v->gp.esr, ipa;
	bool iabt = ESR_ELx_EC(esr) == ESR_ELx_EC_IABT_LOW;
	u32 fsc = esr & ESR_ELx_FSC_TYPE;
	bool write;
	int r;

	if (fsc != ESR_ELx_FSC_FAULT && fsc != ESR_ELx_FSC_ACCESS &&
	    fsc != ESR_ELx_FSC_PERM)
		return -EFAULT;	/* external abort or the like */

	ipa = ((v->gp.hpfar & GENMASK_ULL(43, 4)) << 8) | (v->gp.far & 0xfff);
	write = !iabt && (esr & ESR_ELx_WNR) && !(esr & ESR_ELx_CM) &&
		!(esr & ESR_ELx_S1PTW);

	down_read(&vm->lock);
	slot = kvmlite_find_memslot(vm, ipa);
	if (!slot || (write && (slot->flags & KVM_MEM_READONLY))) {
		up_read(&vm->lock);
		/*
		 * As kvm_handle_guest_abort(): instructions or page tables
		 * where there is no memory are the guest's problem (no
		 * syndrome for userspace): it gets an external abort.
		 */
		if (iabt || (esr & ESR_ELx_S1PTW)) {
			kl_inject_abort(v, iabt, v->gp.far);
			return 1;
		}
		/* Cache maintenance outside memory: nothing to do. */
		if (!slot && (esr & ESR_ELx_CM)) {
			v->gp.pc += 4;
			return 1;
		}
		return kl_mmio_exit(vcpu, ipa);
	}
	if (fsc == ESR_ELx_FSC_PERM) {
		/* Mapped read-only because the host page was: try again. */
		spin_lock(&vm->mmu_lock);
		kl_stage2_unmap_range(vm, ipa & PAGE_MASK, PAGE_SIZE);
		spin_unlock(&vm->mmu_lock);
	}
	r = kl_s2_fault_in(vcpu, slot, ipa, write);
	up_read(&vm->lock);
	return r;
}
