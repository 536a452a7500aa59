// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86: vCPU state ioctls (REGS, SREGS, FPU, MSRS, CPUID2, NMI,
 * INTERRUPT, GET_TSC_KHZ) and the x86 system-fd ioctls
 * (GET_SUPPORTED_CPUID, GET_MSR_INDEX_LIST), with KVM's structures and
 * errnos.
 */
#include <linux/sched/stat.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/kvm_para.h>
#include <asm/processor.h>
#include <asm/tsc.h>

#include "x86.h"

#define KL_MAX_IO_MSRS	256

/* --- REGS ------------------------------------------------------------------ */

void kl_regs_get(struct kl_vcpu *v, struct kvm_regs *r)
{
	*r = (struct kvm_regs){
		.rax = v->gpr[KL_RAX], .rbx = v->gpr[KL_RBX],
		.rcx = v->gpr[KL_RCX], .rdx = v->gpr[KL_RDX],
		.rsi = v->gpr[KL_RSI], .rdi = v->gpr[KL_RDI],
		.rsp = v->gpr[KL_RSP], .rbp = v->gpr[KL_RBP],
		.r8 = v->gpr[KL_R8], .r9 = v->gpr[KL_R9],
		.r10 = v->gpr[KL_R10], .r11 = v->gpr[KL_R11],
		.r12 = v->gpr[KL_R12], .r13 = v->gpr[KL_R13],
		.r14 = v->gpr[KL_R14], .r15 = v->gpr[KL_R15],
		.rip = v->rip, .rflags = kl_get_rflags(v),
	};
}

void kl_regs_set(struct kl_vcpu *v, const struct kvm_regs *rp)
{
	struct kvm_regs r = *rp;

	v->gpr[KL_RAX] = r.rax;
	v->gpr[KL_RBX] = r.rbx;
	v->gpr[KL_RCX] = r.rcx;
	v->gpr[KL_RDX] = r.rdx;
	v->gpr[KL_RSI] = r.rsi;
	v->gpr[KL_RDI] = r.rdi;
	v->gpr[KL_RSP] = r.rsp;
	v->gpr[KL_RBP] = r.rbp;
	v->gpr[KL_R8] = r.r8;
	v->gpr[KL_R9] = r.r9;
	v->gpr[KL_R10] = r.r10;
	v->gpr[KL_R11] = r.r11;
	v->gpr[KL_R12] = r.r12;
	v->gpr[KL_R13] = r.r13;
	v->gpr[KL_R14] = r.r14;
	v->gpr[KL_R15] = r.r15;
	v->rip = r.rip;
	/* As KVM: reserved bit 1 always set, TF kept while single-stepping. */
	kl_set_rflags(v, r.rflags);
	v->step_trap = false;
}

static long kl_get_regs(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_regs r;

	kl_regs_get(v, &r);
	return copy_to_user(argp, &r, sizeof(r)) ? -EFAULT : 0;
}

static long kl_set_regs(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_regs r;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;
	kl_regs_set(v, &r);
	return 0;
}

/* --- SREGS ------------------------------------------------------------------ */

static void kl_get_seg(int idx, struct kvm_segment *s)
{
	u32 ar = vmcs_read(GUEST_ES_AR_BYTES + idx * 2);

	memset(s, 0, sizeof(*s));
	s->selector = vmcs_read(GUEST_ES_SELECTOR + idx * 2);
	s->base = vmcs_read(GUEST_ES_BASE + idx * 2);
	s->limit = vmcs_read(GUEST_ES_LIMIT + idx * 2);
	s->unusable = (ar >> 16) & 1;
	s->type = ar & 15;
	s->s = (ar >> 4) & 1;
	s->dpl = (ar >> 5) & 3;
	s->present = !s->unusable && ((ar >> 7) & 1);
	s->avl = (ar >> 12) & 1;
	s->l = (ar >> 13) & 1;
	s->db = (ar >> 14) & 1;
	s->g = (ar >> 15) & 1;
}

static void kl_put_seg(int idx, const struct kvm_segment *s)
{
	u32 ar;

	if (s->unusable || !s->present)
		ar = VMX_AR_UNUSABLE_MASK;
	else
		ar = (s->type & 15) | ((s->s & 1) << 4) | ((s->dpl & 3) << 5) |
		     ((s->present & 1) << 7) | ((s->avl & 1) << 12) |
		     ((s->l & 1) << 13) | ((s->db & 1) << 14) |
		     ((s->g & 1) << 15);
	vmcs_write(GUEST_ES_SELECTOR + idx * 2, s->selector);
	vmcs_write(GUEST_ES_BASE + idx * 2, s->base);
	vmcs_write(GUEST_ES_LIMIT + idx * 2, s->limit);
	vmcs_write(GUEST_ES_AR_BYTES + idx * 2, ar);
}

void kl_sregs_get(struct kl_vcpu *v, struct kvm_sregs *sp)
{
	struct kvm_sregs s;

	memset(&s, 0, sizeof(s));
	kl_vcpu_get(v);
	kl_get_seg(0, &s.es);
	kl_get_seg(1, &s.cs);
	kl_get_seg(2, &s.ss);
	kl_get_seg(3, &s.ds);
	kl_get_seg(4, &s.fs);
	kl_get_seg(5, &s.gs);
	kl_get_seg(6, &s.ldt);
	kl_get_seg(7, &s.tr);
	s.gdt.base = vmcs_read(GUEST_GDTR_BASE);
	s.gdt.limit = vmcs_read(GUEST_GDTR_LIMIT);
	s.idt.base = vmcs_read(GUEST_IDTR_BASE);
	s.idt.limit = vmcs_read(GUEST_IDTR_LIMIT);
	s.cr3 = vmcs_read(GUEST_CR3);
	kl_vcpu_put(v);
	s.cr0 = v->cr0;
	s.cr2 = v->cr2;
	s.cr4 = v->cr4;
	s.cr8 = v->lapic ? kl_lapic_get_cr8(v) : v->cr8;
	s.efer = v->efer;
	s.apic_base = v->apic_base;
	if (v->pending_irq >= 0)
		set_bit(v->pending_irq, (unsigned long *)s.interrupt_bitmap);
	*sp = s;
}

static long kl_get_sregs(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_sregs s;

	kl_sregs_get(v, &s);
	return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
}

/* kvm_is_valid_sregs() of arch/x86/kvm/x86.c, for what kvmlite offers. */
static bool kl_sregs_valid(const struct kvm_sregs *s)
{
	if ((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG)) {
		if (!(s->cr4 & X86_CR4_PAE) || !(s->efer & EFER_LMA))
			return false;
		if (s->cr3 >> boot_cpu_data.x86_phys_bits)
			return false;
	} else if ((s->efer & EFER_LMA) || s->cs.l) {
		return false;
	}
	return true;
}

/* KVM's __set_sregs(): 0, or -EINVAL with nothing changed. */
int kl_sregs_set(struct kl_vcpu *v, const struct kvm_sregs *sp)
{
	struct kvm_sregs s = *sp;
	u64 old_cr4 = v->cr4;
	int i, irq = -1;

	if (!kl_sregs_valid(&s))
		return -EINVAL;
	/* As KVM's __set_sregs_common(): the APIC base first, host-initiated. */
	if (kl_lapic_set_base(v, s.apic_base, true))
		return -EINVAL;
	for (i = 0; i < 256; i++) {
		if (test_bit(i, (unsigned long *)s.interrupt_bitmap)) {
			irq = i;
			break;
		}
	}
	if (s.efer & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX))
		return -EINVAL;
	if (kl_set_cr4(v, s.cr4))
		return -EINVAL;
	if (kl_set_cr0(v, s.cr0)) {
		kl_set_cr4(v, old_cr4);
		return -EINVAL;
	}
	v->efer = s.efer;
	kl_update_ia32e(v);

	kl_vcpu_get(v);
	kl_put_seg(0, &s.es);
	kl_put_seg(1, &s.cs);
	kl_put_seg(2, &s.ss);
	kl_put_seg(3, &s.ds);
	kl_put_seg(4, &s.fs);
	kl_put_seg(5, &s.gs);
	kl_put_seg(6, &s.ldt);
	kl_put_seg(7, &s.tr);
	vmcs_write(GUEST_GDTR_BASE, s.gdt.base);
	vmcs_write(GUEST_GDTR_LIMIT, s.gdt.limit);
	vmcs_write(GUEST_IDTR_BASE, s.idt.base);
	vmcs_write(GUEST_IDTR_LIMIT, s.idt.limit);
	vmcs_write(GUEST_CR3, s.cr3);
	kl_vcpu_put(v);
	v->cr2 = s.cr2;
	v->cr8 = s.cr8 & 0xf;
	if (v->lapic)
		kl_lapic_set_cr8(v, v->cr8);
	if (irq >= 0)
		v->pending_irq = irq;
	if (kl_paging_pae_legacy(v))
		kl_load_pdptrs(v);
	/* The guest's translations may have changed under its VPID. */
	v->flush_vpid = true;
	return 0;
}

static long kl_set_sregs(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_sregs *s;
	long r;

	s = memdup_user(argp, sizeof(*s));
	if (IS_ERR(s))
		return PTR_ERR(s);
	r = kl_sregs_set(v, s);
	kfree(s);
	return r;
}

/* --- FPU --------------------------------------------------------------------- */

static long kl_get_fpu(struct kl_vcpu *v, void __user *argp)
{
	struct fxregs_state *fx = &v->fpu.fpstate->regs.fxsave;
	struct kvm_fpu f;

	memset(&f, 0, sizeof(f));
	memcpy(f.fpr, fx->st_space, sizeof(f.fpr));
	f.fcw = fx->cwd;
	f.fsw = fx->swd;
	f.ftwx = fx->twd;
	f.last_opcode = fx->fop;
	f.last_ip = fx->rip;
	f.last_dp = fx->rdp;
	memcpy(f.xmm, fx->xmm_space, sizeof(f.xmm));
	f.mxcsr = fx->mxcsr;
	return copy_to_user(argp, &f, sizeof(f)) ? -EFAULT : 0;
}

static long kl_set_fpu(struct kl_vcpu *v, void __user *argp)
{
	struct fxregs_state *fx = &v->fpu.fpstate->regs.fxsave;
	struct kvm_fpu f;

	if (copy_from_user(&f, argp, sizeof(f)))
		return -EFAULT;
	memcpy(fx->st_space, f.fpr, sizeof(f.fpr));
	fx->cwd = f.fcw;
	fx->swd = f.fsw;
	fx->twd = f.ftwx;
	fx->fop = f.last_opcode;
	fx->rip = f.last_ip;
	fx->rdp = f.last_dp;
	memcpy(fx->xmm_space, f.xmm, sizeof(f.xmm));
	/* Reserved MXCSR bits would make the FXRSTOR of this state fault. */
	fx->mxcsr = f.mxcsr & 0xffff;
	/* The legacy area is now valid in the XSAVE image. */
	if (v->fpu.fpstate->xfeatures)
		v->fpu.fpstate->regs.xsave.header.xfeatures |= XFEATURE_MASK_FPSSE;
	return 0;
}

/* --- MSRS --------------------------------------------------------------------- */

/*
 * KVM_GET_MSR_FEATURE_INDEX_LIST: the MSRs that describe the host to the
 * VMM (KVM_GET_MSRS on the system fd), of KVM's list those kvmlite has.
 */
static const u32 kl_feature_msrs[] = { MSR_IA32_UCODE_REV };

static int kl_feature_msr_get(u32 index, u64 *data)
{
	if (index != MSR_IA32_UCODE_REV)
		return 1;
	/* As KVM: the host's revision (0 where it cannot be read). */
	*data = 0;
	rdmsrl_safe(index, data);
	return 0;
}

static long kl_msrs(struct kl_vcpu *v, void __user *argp, bool set)
{
	struct kvm_msrs __user *um = argp;
	struct kvm_msr_entry *e;
	struct kvm_msrs m;
	u32 i;
	long r;

	if (copy_from_user(&m, um, sizeof(m)))
		return -EFAULT;
	if (m.nmsrs >= KL_MAX_IO_MSRS)
		return -E2BIG;
	e = memdup_user(um->entries, array_size(m.nmsrs, sizeof(*e)));
	if (IS_ERR(e))
		return PTR_ERR(e);
	/* As KVM: the number of MSRs done, stopping at the first failure. */
	for (i = 0; i < m.nmsrs; i++) {
		if (!v ? kl_feature_msr_get(e[i].index, &e[i].data) :
		    set ? kl_msr_set(v, e[i].index, e[i].data, true) :
			  kl_msr_get(v, e[i].index, &e[i].data, true))
			break;
	}
	r = i;
	if (!set && copy_to_user(um->entries, e, array_size(i, sizeof(*e))))
		r = -EFAULT;
	kfree(e);
	return r;
}

/* --- CPUID ------------------------------------------------------------------- */

/* KVM's kvm_cpuid_check_equal(). */
static bool kl_cpuid_same(struct kl_vcpu *v, struct kvm_cpuid_entry2 *e,
			  u32 nent)
{
	struct kvm_cpuid_entry2 a, b;
	u32 i;

	if (nent != v->cpuid_nent)
		return false;
	for (i = 0; i < nent; i++) {
		a = e[i];
		b = v->cpuid[i];
		kl_cpuid_runtime(v, &a);
		kl_cpuid_runtime(v, &b);
		if (a.function != b.function || a.index != b.index ||
		    a.flags != b.flags || a.eax != b.eax || a.ebx != b.ebx ||
		    a.ecx != b.ecx || a.edx != b.edx)
			return false;
	}
	return true;
}

static long kl_set_cpuid2(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_cpuid2 __user *uc = argp;
	struct kvm_cpuid_entry2 *e;
	struct kvm_cpuid2 c;

	if (copy_from_user(&c, uc, sizeof(c)))
		return -EFAULT;
	if (c.nent > KL_MAX_CPUID)
		return -E2BIG;
	e = NULL;
	if (c.nent) {
		e = memdup_user(uc->entries, array_size(c.nent, sizeof(*e)));
		if (IS_ERR(e))
			return PTR_ERR(e);
	}
	/*
	 * As KVM: once the vCPU has run, only the same model again (the bits
	 * that follow the vCPU's state compared as they are now).
	 */
	if (v->has_run && !kl_cpuid_same(v, e, c.nent)) {
		kfree(e);
		return -EINVAL;
	}
	kfree(v->cpuid);
	v->cpuid = e;
	v->cpuid_nent = c.nent;
	kl_lapic_update_version(v);
	kl_pv_cpuid_update(v);
	return 0;
}

static long kl_get_cpuid2(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_cpuid2 __user *uc = argp;
	struct kvm_cpuid_entry2 e;
	struct kvm_cpuid2 c;
	u32 i;

	if (copy_from_user(&c, uc, sizeof(c)))
		return -EFAULT;
	if (c.nent < v->cpuid_nent)
		return -E2BIG;
	/* As KVM: with the bits that follow the vCPU's state. */
	for (i = 0; i < v->cpuid_nent; i++) {
		e = v->cpuid[i];
		kl_cpuid_runtime(v, &e);
		if (copy_to_user(&uc->entries[i], &e, sizeof(e)))
			return -EFAULT;
	}
	c.nent = v->cpuid_nent;
	return copy_to_user(uc, &c, sizeof(c)) ? -EFAULT : 0;
}

/* Host CPUID filtered to what a kvmlite guest can use. */
static void kl_cpuid_fill(struct kvm_cpuid_entry2 *e, u32 fn, u32 idx)
{
	memset(e, 0, sizeof(*e));
	e->function = fn;
	e->index = idx;
	cpuid_count(fn, idx, &e->eax, &e->ebx, &e->ecx, &e->edx);
}

/*
 * Leaf 0xD as KVM gives it for the components kvmlite offers: sub-leaf 0
 * with their mask and the area size (EBX is the current XCR0's at run
 * time), sub-leaf 1 with XSAVEOPT only (no XSAVES/XSAVEC, no XSS), then
 * each component's size and offset.
 */
static int kl_supported_xsave(struct kvm_cpuid_entry2 *e)
{
	u64 xcr0 = kl_caps.supported_xcr0;
	int n = 0, i;

	kl_cpuid_fill(&e[n], 0xd, 0);
	e[n].eax &= xcr0;
	e[n].edx &= xcr0 >> 32;
	e[n].ebx = kl_xstate_size(xcr0);
	e[n].ecx = e[n].ebx;
	e[n++].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	kl_cpuid_fill(&e[n], 0xd, 1);
	e[n].eax &= BIT(0);
	e[n].ebx = 0;
	e[n].ecx = 0;
	e[n].edx = 0;
	e[n++].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	for (i = 2; i < 64; i++) {
		if (!(xcr0 & BIT_ULL(i)))
			continue;
		kl_cpuid_fill(&e[n], 0xd, i);
		e[n].ecx &= BIT(1);	/* aligned; never supervisor */
		e[n].edx = 0;
		e[n++].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	}
	return n;
}

static int kl_supported_cpuid(struct kvm_cpuid_entry2 *e)
{
	bool avx = (kl_caps.supported_xcr0 & XFEATURE_MASK_YMM) &&
		   boot_cpu_has(X86_FEATURE_AVX);
	u32 max, xmax, fn, raw;
	int n = 0;

	kl_cpuid_fill(&e[n], 0, 0);
	max = min_t(u32, e[n].eax, kl_caps.supported_xcr0 ? 0xd : 7);
	e[n++].eax = max;
	for (fn = 1; fn <= max; fn++) {
		if (fn == 0xd) {
			n += kl_supported_xsave(&e[n]);
			continue;
		}
		/* Caches, topology, power: left to the VMM. */
		if (fn != 1 && fn != 7)
			continue;
		kl_cpuid_fill(&e[n], fn, 0);
		if (fn == 1) {
			e[n].ebx &= 0xffff;	/* APIC id and count: the VMM's */
			raw = e[n].ecx;
			e[n].ecx &= BIT(0) | BIT(1) | BIT(9) | BIT(13) |
				    BIT(19) | BIT(20) | BIT(22) | BIT(23) |
				    BIT(25) | BIT(30);
			/* XSAVE; FMA, AVX, F16C with the YMM state */
			if (kl_caps.supported_xcr0)
				e[n].ecx |= BIT(26);
			if (avx)
				e[n].ecx |= raw & (BIT(12) | BIT(28) | BIT(29));
			e[n].ecx |= BIT(31);	/* hypervisor */
			e[n].ecx |= BIT(21);	/* x2APIC, emulated (as KVM) */
			/*
			 * KVM's mask: no PSN, DS, ACPI, HTT, TM, PBE (HTT is
			 * the VMM's, with the logical processor count).
			 */
			e[n].edx &= GENMASK(9, 0) | GENMASK(17, 11) | BIT(19) |
				    GENMASK(27, 23);
		} else {
			e[n].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
			e[n].eax = 0;
			e[n].ebx &= BIT(0) | BIT(3) | BIT(8) | BIT(9) | BIT(18) |
				    BIT(19) | BIT(23) | BIT(29) | (avx ? BIT(5) : 0);
			e[n].ebx |= BIT(1);	/* TSC_ADJUST, emulated */
			e[n].ecx = 0;
			e[n].edx = 0;
		}
		n++;
	}
	/*
	 * KVM's paravirtual leaves: its signature, kvmclock, no-op I/O delay,
	 * stolen time, PV IPIs and directed yield (pv.c).
	 */
	memset(&e[n], 0, 2 * sizeof(*e));
	e[n].function = KVM_CPUID_SIGNATURE;
	e[n].eax = KVM_CPUID_FEATURES;
	e[n].ebx = 0x4b4d564b;		/* "KVMKVMKVM\0\0\0" */
	e[n].ecx = 0x564b4d56;
	e[n++].edx = 0x4d;
	e[n].function = KVM_CPUID_FEATURES;
	e[n++].eax = BIT(KVM_FEATURE_CLOCKSOURCE) | BIT(KVM_FEATURE_NOP_IO_DELAY) |
		     BIT(KVM_FEATURE_CLOCKSOURCE2) |
		     BIT(KVM_FEATURE_CLOCKSOURCE_STABLE_BIT) |
		     (sched_info_on() ? BIT(KVM_FEATURE_STEAL_TIME) : 0) |
		     BIT(KVM_FEATURE_PV_SEND_IPI) |
		     BIT(KVM_FEATURE_PV_SCHED_YIELD);
	kl_cpuid_fill(&e[n], 0x80000000, 0);
	xmax = min_t(u32, e[n].eax, 0x80000008);
	e[n++].eax = xmax;
	for (fn = 0x80000001; fn <= xmax; fn++) {
		if (fn == 0x80000005 || fn == 0x80000006 || fn == 0x80000007)
			continue;
		kl_cpuid_fill(&e[n], fn, 0);
		if (fn == 0x80000001) {
			e[n].ecx &= BIT(0) | BIT(5) | BIT(8);
			e[n].edx &= BIT(11) | BIT(20) | BIT(26) | BIT(29);
		}
		n++;
	}
	return n;
}

/*
 * KVM's __cr4_reserved_bits(): the CR4 bits of features CPUID leaves 1 and 7
 * (@l1, @l7; NULL for none) do not have.
 */
static u64 kl_cr4_rsvd_bits(const struct kvm_cpuid_entry2 *l1,
			    const struct kvm_cpuid_entry2 *l7)
{
	static const struct { u8 leaf, reg, bit; u64 cr4; } map[] = {
		{ 1, 2, 26, X86_CR4_OSXSAVE }, { 1, 2, 5, X86_CR4_VMXE },
		{ 1, 2, 6, X86_CR4_SMXE }, { 1, 2, 17, X86_CR4_PCIDE },
		{ 7, 1, 7, X86_CR4_SMEP }, { 7, 1, 20, X86_CR4_SMAP },
		{ 7, 1, 0, X86_CR4_FSGSBASE }, { 7, 2, 3, X86_CR4_PKE },
		{ 7, 2, 16, X86_CR4_LA57 }, { 7, 2, 2, X86_CR4_UMIP },
		{ 7, 2, 7, X86_CR4_CET },
	};
	const struct kvm_cpuid_entry2 *e;
	u64 rsvd = 0;
	u32 reg;
	int i;

	for (i = 0; i < ARRAY_SIZE(map); i++) {
		e = map[i].leaf == 1 ? l1 : l7;
		reg = !e ? 0 : map[i].reg == 1 ? e->ebx : e->ecx;
		if (!(reg & BIT(map[i].bit)))
			rsvd |= map[i].cr4;
	}
	return rsvd;
}

/* The CR4 bits of what KVM_GET_SUPPORTED_CPUID does not offer (at load). */
int kl_cpuid_init(void)
{
	struct kvm_cpuid_entry2 *e, *l1 = NULL, *l7 = NULL;
	int i, n;

	e = kcalloc(KL_MAX_CPUID, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	n = kl_supported_cpuid(e);
	for (i = 0; i < n; i++) {
		if (e[i].function == 1)
			l1 = &e[i];
		if (e[i].function == 7 && !e[i].index)
			l7 = &e[i];
	}
	kl_caps.cr4_rsvd = kl_cr4_rsvd_bits(l1, l7);
	kfree(e);
	return 0;
}

/*
 * KVM's kvm_is_valid_cr4() reserved bits: what kvmlite does not offer, and
 * once KVM_SET_CPUID2 gave the vCPU a model, what its model lacks.
 */
u64 kl_cr4_reserved(struct kl_vcpu *v)
{
	u64 rsvd = kl_caps.cr4_rsvd;

	if (v->cpuid)
		rsvd |= kl_cr4_rsvd_bits(kl_find_cpuid(v, 1, 0),
					 kl_find_cpuid(v, 7, 0));
	return rsvd;
}

static long kl_get_supported_cpuid(void __user *argp)
{
	struct kvm_cpuid2 __user *uc = argp;
	struct kvm_cpuid_entry2 *e;
	struct kvm_cpuid2 c;
	long r = 0;
	int n;

	if (copy_from_user(&c, uc, sizeof(c)))
		return -EFAULT;
	if (c.nent < 1)
		return -E2BIG;
	e = kcalloc(32, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	n = kl_supported_cpuid(e);
	if (c.nent < n) {
		r = -E2BIG;
		goto out;
	}
	c.nent = n;
	if (copy_to_user(uc, &c, sizeof(c)) ||
	    copy_to_user(uc->entries, e, array_size(n, sizeof(*e))))
		r = -EFAULT;
out:
	kfree(e);
	return r;
}

static long kl_get_msr_index_list(void __user *argp, const u32 *list,
				  u32 len)
{
	struct kvm_msr_list __user *ul = argp;
	struct kvm_msr_list l;
	u32 n;

	if (copy_from_user(&l, ul, sizeof(l)))
		return -EFAULT;
	n = l.nmsrs;
	l.nmsrs = len;
	if (copy_to_user(ul, &l, sizeof(l)))
		return -EFAULT;
	if (n < len)
		return -E2BIG;
	if (copy_to_user(ul->indices, list, len * sizeof(u32)))
		return -EFAULT;
	return 0;
}

long kl_dev_ioctl(unsigned int ioctl, unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_SUPPORTED_CPUID:
		return kl_get_supported_cpuid((void __user *)arg);
	case KVM_GET_MSR_INDEX_LIST:
		return kl_get_msr_index_list((void __user *)arg, kl_msr_list,
					     kl_msr_list_len);
	case KVM_GET_MSR_FEATURE_INDEX_LIST:
		return kl_get_msr_index_list((void __user *)arg,
					     kl_feature_msrs,
					     ARRAY_SIZE(kl_feature_msrs));
	case KVM_GET_MSRS:
		return kl_msrs(NULL, (void __user *)arg, false);
	case KVM_X86_GET_MCE_CAP_SUPPORTED:
		return kl_mce_cap_supported((void __user *)arg);
	}
	return -ENOTTY;
}

/* --- events, run ---------------------------------------------------------------- */

/*
 * A TSC rate for KVM_SET_TSC_KHZ (0: the host's): without TSC scaling
 * (KVM_CAP_TSC_CONTROL 0) only the host's, within KVM's tolerance (250 ppm).
 */
bool kl_tsc_khz_ok(unsigned long khz)
{
	u64 host = tsc_khz;

	if (!khz)
		return true;
	return khz <= U32_MAX && abs_diff((u64)khz, host) <= div_u64(host * 250, 1000000);
}

/*
 * KVM_CAP_SYNC_REGS, as KVM's sync_regs(): at KVM_RUN, the state userspace
 * marked dirty in kvm_run->s.regs is set (each part's dirty bit cleared once
 * taken); -EINVAL for unknown bits or state the ioctl would refuse.
 */
int kl_sync_regs_in(struct kl_vcpu *v)
{
	struct kvm_run *run = v->vcpu->run;
	struct kvm_sync_regs *s;
	u64 dirty = READ_ONCE(run->kvm_dirty_regs);
	int r = 0;

	if ((READ_ONCE(run->kvm_valid_regs) | dirty) &
	    ~(u64)KVM_SYNC_X86_VALID_FIELDS)
		return -EINVAL;
	if (!dirty)
		return 0;
	/* A copy: userspace may change the page meanwhile. */
	s = kmemdup(&run->s.regs, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	if (dirty & KVM_SYNC_X86_REGS) {
		kl_regs_set(v, &s->regs);
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_REGS;
	}
	if (dirty & KVM_SYNC_X86_SREGS) {
		r = kl_sregs_set(v, &s->sregs) ? -EINVAL : 0;
		if (r)
			goto out;
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_SREGS;
	}
	if (dirty & KVM_SYNC_X86_EVENTS) {
		r = kl_events_set(v, &s->events) ? -EINVAL : 0;
		if (r)
			goto out;
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_EVENTS;
	}
out:
	kfree(s);
	return r;
}

/* KVM's store_regs(): at KVM_RUN's return, the state asked for. */
void kl_sync_regs_out(struct kl_vcpu *v)
{
	struct kvm_run *run = v->vcpu->run;
	u64 valid = READ_ONCE(run->kvm_valid_regs);

	if (valid & KVM_SYNC_X86_REGS)
		kl_regs_get(v, &run->s.regs.regs);
	if (valid & KVM_SYNC_X86_SREGS)
		kl_sregs_get(v, &run->s.regs.sregs);
	if (valid & KVM_SYNC_X86_EVENTS)
		kl_events_get(v, &run->s.regs.events);
}

void kl_sync_run(struct kl_vcpu *v)
{
	struct kvm_run *run = v->vcpu->run;

	run->if_flag = !!(v->rflags & X86_EFLAGS_IF);
	/* KVM's kvm_vcpu_ready_for_interrupt_injection(). */
	run->ready_for_interrupt_injection =
		!kl_extint_pending(v) && kl_lapic_accept_extint(v) &&
		(v->rflags & X86_EFLAGS_IF) &&
		!(v->interruptibility & (GUEST_INTR_STATE_STI |
					 GUEST_INTR_STATE_MOV_SS)) &&
		!(v->idt_vectoring & VECTORING_INFO_VALID_MASK);
	run->cr8 = v->lapic ? kl_lapic_get_cr8(v) : v->cr8;
	run->apic_base = v->apic_base;
}

/* KVM_INTERRUPT: the vector a userspace interrupt controller raises. */
static long kl_interrupt(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_interrupt irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (irq.irq >= 256)
		return -EINVAL;
	/*
	 * As KVM: with a userspace irqchip a new vector replaces one not
	 * taken yet; with the split irqchip it is the PIC's ExtINT, one at a
	 * time; the in-kernel PIC has its own.
	 */
	if (kl_vm(v->vcpu->vm)->pic)
		return -ENXIO;
	if (v->lapic) {
		if (cmpxchg(&v->pending_irq, -1, (int)irq.irq) != -1)
			return -EEXIST;
		kvmlite_vcpu_kick(v->vcpu);
		return 0;
	}
	WRITE_ONCE(v->pending_irq, (int)irq.irq);
	return 0;
}

long kl_vcpu_ioctl(struct kvmlite_vcpu *vcpu, unsigned int ioctl,
		   unsigned long arg)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	void __user *argp = (void __user *)arg;

	switch (ioctl) {
	case KVM_GET_REGS:
		return kl_get_regs(v, argp);
	case KVM_SET_REGS:
		return kl_set_regs(v, argp);
	case KVM_GET_SREGS:
		return kl_get_sregs(v, argp);
	case KVM_SET_SREGS:
		return kl_set_sregs(v, argp);
	case KVM_GET_FPU:
		return kl_get_fpu(v, argp);
	case KVM_SET_FPU:
		return kl_set_fpu(v, argp);
	case KVM_GET_MSRS:
		return kl_msrs(v, argp, false);
	case KVM_SET_MSRS:
		return kl_msrs(v, argp, true);
	case KVM_SET_CPUID2:
		return kl_set_cpuid2(v, argp);
	case KVM_GET_CPUID2:
		return kl_get_cpuid2(v, argp);
	case KVM_INTERRUPT:
		return kl_interrupt(v, argp);
	case KVM_NMI:
		WRITE_ONCE(v->pending_nmi, true);
		kvmlite_vcpu_kick(vcpu);
		return 0;
	case KVM_GET_TSC_KHZ:
		return tsc_khz ? tsc_khz : -EIO;
	case KVM_SET_TSC_KHZ:
		return kl_tsc_khz_ok(arg) ? 0 : -EINVAL;
	case KVM_GET_LAPIC:
		return kl_lapic_get_state(v, argp);
	case KVM_SET_LAPIC:
		return kl_lapic_set_state(v, argp);
	case KVM_SET_VAPIC_ADDR:
		return kl_lapic_set_vapic_addr(v, argp);
	case KVM_SET_GUEST_DEBUG:
		return kl_set_guest_debug(v, argp);
	case KVM_ENABLE_CAP:
		return kl_pv_vcpu_enable_cap(v, argp);
	case KVM_HAS_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_SET_DEVICE_ATTR:
		return kl_pv_vcpu_attr(v, ioctl, argp);
	}
	return kl_state_vcpu_ioctl(v, ioctl, argp);
}
