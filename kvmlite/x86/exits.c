// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86: VM-exit handlers.
 *
 * Each handler returns 1 to re-enter the guest, 0 to return to userspace
 * with vcpu->run filled, or a negative errno for KVM_RUN. Port I/O and MMIO
 * go to userspace as KVM_EXIT_IO and KVM_EXIT_MMIO with KVM's layout; an
 * IN, INS or MMIO read is finished by the next KVM_RUN
 * (kl_complete_userspace()). An OUT (not OUTS) or MMIO write is offered
 * first to the ioeventfds (eventfd.c), then to the coalesced zones
 * (coalesced.c): if one takes it, the guest goes on without an exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <asm/debugreg.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/processor-flags.h>

#include <asm/kvm_para.h>

#include "x86.h"

/* --- helpers --------------------------------------------------------------- */

void kl_internal_error(struct kl_vcpu *v, u32 suberror, u32 ndata,
		       u64 d0, u64 d1)
{
	struct kvm_run *run = v->vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = ndata;
	run->internal.data[0] = d0;
	run->internal.data[1] = d1;
}

bool kl_long64(struct kl_vcpu *v)
{
	return (v->efer & EFER_LMA) &&
	       (kl_vmcs_get(v, GUEST_CS_AR_BYTES) & VMX_AR_L_MASK);
}

/* Default operand/address size of the code segment: 2, 4 or 8. */
static int kl_cs_size(struct kl_vcpu *v)
{
	u32 ar = kl_vmcs_get(v, GUEST_CS_AR_BYTES);

	if ((v->efer & EFER_LMA) && (ar & VMX_AR_L_MASK))
		return 8;
	return (ar & VMX_AR_DB_MASK) ? 4 : 2;
}

/* The shadow of STI or MOV SS is over. */
void kl_skip_shadow(struct kl_vcpu *v)
{
	if (v->interruptibility & (GUEST_INTR_STATE_STI |
				   GUEST_INTR_STATE_MOV_SS)) {
		v->interruptibility &= ~(GUEST_INTR_STATE_STI |
					 GUEST_INTR_STATE_MOV_SS);
		kl_vmcs_set(v, GUEST_INTERRUPTIBILITY_INFO, v->interruptibility);
	}
}

/*
 * Past an instruction kvmlite emulated. With RFLAGS.TF set before it, its
 * single-step trap is due (kl_step_trap(), after the handler).
 */
static void kl_skip(struct kl_vcpu *v, u32 len)
{
	v->rip += len;
	if (!kl_long64(v))
		v->rip &= 0xffffffff;
	/* The instruction that followed STI or MOV SS has retired. */
	kl_skip_shadow(v);
	if (unlikely(v->rflags & X86_EFLAGS_TF))
		v->step_trap = true;
}

/* Write @val of @size bytes to a GPR as an instruction would. */
static void kl_reg_write(struct kl_vcpu *v, int reg, bool high, int size,
			 u64 val)
{
	u64 *r = &v->gpr[reg];

	switch (size) {
	case 1:
		if (high)
			*r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
		else
			*r = (*r & ~0xffULL) | (val & 0xff);
		break;
	case 2:
		*r = (*r & ~0xffffULL) | (val & 0xffff);
		break;
	case 4:
		*r = (u32)val;	/* 32-bit writes zero-extend */
		break;
	default:
		*r = val;
	}
}

static void kl_reg_update_addr(struct kl_vcpu *v, int reg, u64 amask, s64 delta)
{
	u64 val = (v->gpr[reg] + delta) & amask;

	if (amask == 0xffff)
		v->gpr[reg] = (v->gpr[reg] & ~0xffffULL) | val;
	else
		v->gpr[reg] = val;
}

/* Guest-linear to guest-physical through the guest's page tables. */
static int kl_gva_to_gpa(struct kl_vcpu *v, u64 gva, u64 *gpa)
{
	const u64 amask = GENMASK_ULL(51, 12);
	struct kvmlite_vm *vm = v->vcpu->vm;
	u64 cr3, table, pte = 0;
	int shift;

	if (!(v->cr0 & X86_CR0_PG)) {
		*gpa = gva;
		return 0;
	}
	cr3 = kl_vmcs_get(v, GUEST_CR3);
	if (v->efer & EFER_LMA) {
		table = cr3 & amask;
		shift = 39;
	} else if (v->cr4 & X86_CR4_PAE) {
		if (kl_read_guest(vm, (cr3 & ~0x1fULL) + ((gva >> 30) & 3) * 8,
				  &pte, 8) || !(pte & _PAGE_PRESENT))
			return -EFAULT;
		table = pte & amask;
		shift = 21;
	} else {
		u32 pde, pte32;

		if (kl_read_guest(vm, (cr3 & 0xfffff000) + ((gva >> 22) & 0x3ff) * 4,
				  &pde, 4) || !(pde & _PAGE_PRESENT))
			return -EFAULT;
		if ((pde & _PAGE_PSE) && (v->cr4 & X86_CR4_PSE)) {
			*gpa = (pde & 0xffc00000) | (gva & 0x3fffff);
			return 0;
		}
		if (kl_read_guest(vm, (pde & 0xfffff000) + ((gva >> 12) & 0x3ff) * 4,
				  &pte32, 4) || !(pte32 & _PAGE_PRESENT))
			return -EFAULT;
		*gpa = (pte32 & 0xfffff000) | (gva & 0xfff);
		return 0;
	}
	for (; shift >= 12; shift -= 9) {
		if (kl_read_guest(vm, table + ((gva >> shift) & 511) * 8, &pte, 8) ||
		    !(pte & _PAGE_PRESENT))
			return -EFAULT;
		if (shift == 12 || ((pte & _PAGE_PSE) && shift <= 30)) {
			u64 off = (1ULL << shift) - 1;

			*gpa = (pte & amask & ~off) | (gva & off);
			return 0;
		}
		table = pte & amask;
	}
	return -EFAULT;
}

static int kl_linear_access(struct kl_vcpu *v, u64 gva, void *buf,
			    unsigned int len, bool write)
{
	u64 gpa;
	unsigned int n;
	int r;

	while (len) {
		n = min_t(unsigned int, len, PAGE_SIZE - (gva & ~PAGE_MASK));
		r = kl_gva_to_gpa(v, gva, &gpa);
		if (r)
			return r;
		if (write)
			r = kl_write_guest(v->vcpu->vm, gpa, buf, n);
		else
			r = kl_read_guest(v->vcpu->vm, gpa, buf, n);
		if (r)
			return r;
		gva += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static u64 kl_seg_base(struct kl_vcpu *v, int seg)
{
	return kl_vmcs_get(v, GUEST_ES_BASE + seg * 2);
}

/*
 * An intercepted #UD, as KVM's handle_ud() for the one instruction its
 * emulator takes on #UD here: AMD's VMMCALL in protected mode (the
 * emulator's Prot flag) is rewritten into VMCALL, which runs as the
 * hypercall when the guest resumes, unless the VMM disabled
 * KVM_X86_QUIRK_FIX_HYPERCALL_INSN. Anything else, or an instruction that
 * cannot be read or rewritten, is the guest's #UD.
 */
int kl_handle_ud(struct kl_vcpu *v)
{
	static const u8 vmmcall[3] = { 0x0f, 0x01, 0xd9 };
	u8 insn[3], vmcall[3] = { 0x0f, 0x01, 0xc1 };
	u64 lin = kl_seg_base(v, 1) + v->rip;

	if (!kl_long64(v))
		lin &= 0xffffffff;
	if ((v->cr0 & X86_CR0_PE) && !(v->rflags & X86_EFLAGS_VM) &&
	    !(READ_ONCE(kl_vm(v->vcpu->vm)->disabled_quirks) &
	      KVM_X86_QUIRK_FIX_HYPERCALL_INSN) &&
	    !kl_linear_access(v, lin, insn, sizeof(insn), false) &&
	    !memcmp(insn, vmmcall, sizeof(insn)) &&
	    !kl_linear_access(v, lin, vmcall, sizeof(vmcall), true))
		return 1;
	kl_inject_exception(v, UD_VECTOR, false, 0);
	return 1;
}

/* --- port I/O ------------------------------------------------------------- */

static u8 *kl_io_data(struct kl_vcpu *v)
{
	return v->vcpu->pio_data;
}

static int kl_handle_io(struct kl_vcpu *v)
{
	struct kvm_run *run = v->vcpu->run;
	u64 qual = v->exit_qual, amask, lin, count;
	int size = (qual & 7) + 1, asize, seg, idx, r;
	bool in = qual & BIT(3), string = qual & BIT(4), rep = qual & BIT(5);
	u32 n;

	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = size;
	run->io.port = qual >> 16;
	run->io.count = 1;
	run->io.data_offset = KVM_PIO_PAGE_OFFSET * PAGE_SIZE;

	if (!string) {
		struct kl_pic *pic = kl_vm(v->vcpu->vm)->pic;
		u32 val = v->gpr[KL_RAX];

		/* KVM_CREATE_IRQCHIP's PICs and ELCR. */
		if (pic && kl_pic_pio(pic, run->io.port, size, in, &val)) {
			if (in)
				kl_reg_write(v, KL_RAX, false, size, val);
			kl_skip(v, v->exit_insn_len);
			return 1;
		}
		/* KVM_CREATE_PIT2's PIT and speaker port. */
		if (kl_pit_pio(v->vcpu->vm, run->io.port, size, in, &val)) {
			if (in)
				kl_reg_write(v, KL_RAX, false, size, val);
			kl_skip(v, v->exit_insn_len);
			return 1;
		}
		/*
		 * As KVM: RIP stays on the IN/OUT until the next KVM_RUN
		 * completes it (and only if the VMM left RIP there).
		 */
		v->pio_rip = v->rip;
		v->pio_insn_len = v->exit_insn_len;
		if (in) {
			v->pending = KL_PENDING_PIO_IN;
			v->pio_size = size;
		} else {
			memcpy(kl_io_data(v), &v->gpr[KL_RAX], size);
			if (kvmlite_ioeventfd_write(v->vcpu->vm, true,
						    run->io.port, size,
						    &v->gpr[KL_RAX]) ||
			    kvmlite_coalesced_write(v->vcpu->vm, run->io.port,
						    size, &v->gpr[KL_RAX],
						    true)) {
				kl_skip(v, v->exit_insn_len);
				return 1;
			}
			v->pending = KL_PENDING_PIO_OUT;
		}
		return 0;
	}

	/* INS/OUTS: address size and segment from the instruction info. */
	if (kl_caps.inout) {
		asize = 2 << ((v->exit_insn_info >> 7) & 7);
		seg = in ? 0 : (v->exit_insn_info >> 15) & 7;
	} else {
		asize = kl_cs_size(v);
		seg = in ? 0 : 3;
	}
	amask = asize == 8 ? ~0ULL : (1ULL << (asize * 8)) - 1;
	count = rep ? v->gpr[KL_RCX] & amask : 1;
	if (!count) {
		kl_skip(v, v->exit_insn_len);
		return 1;
	}
	/* Downwards (DF=1) one element per exit; upwards as many as fit. */
	n = (v->rflags & X86_EFLAGS_DF) ? 1 :
	    min_t(u64, count, PAGE_SIZE / size);
	idx = in ? KL_RDI : KL_RSI;
	lin = kl_seg_base(v, seg) + (v->gpr[idx] & amask);
	if (!kl_long64(v))
		lin &= 0xffffffff;
	run->io.count = n;

	if (in) {
		v->pending = KL_PENDING_PIO_INS;
		v->pio_size = size;
		v->pio_count = n;
		v->pio_rep = rep;
		v->pio_amask = amask;
		v->pio_insn_len = v->exit_insn_len;
		return 0;
	}
	r = kl_linear_access(v, lin, kl_io_data(v), n * size, false);
	if (r) {
		kl_internal_error(v, KVM_INTERNAL_ERROR_EMULATION, 1, lin, 0);
		return 0;
	}
	kl_reg_update_addr(v, KL_RSI, amask, (v->rflags & X86_EFLAGS_DF) ?
			   -(s64)(n * size) : n * size);
	if (rep)
		kl_reg_update_addr(v, KL_RCX, amask, -(s64)n);
	if (!rep || !(v->gpr[KL_RCX] & amask))
		kl_skip(v, v->exit_insn_len);
	return 0;
}

/* --- MMIO: decoding the MOV forms compilers emit ---------------------------- */

static int kl_decode_mov(struct kl_vcpu *v, const u8 *insn, int n,
			 struct kl_mmio *m)
{
	int def = kl_cs_size(v), asize = def, opsize, i = 0, disp = 0, imm = 0;
	bool op16 = false, has_modrm = true;
	u8 rex = 0, b, modrm, mod, rm;
	u64 immv = 0;

	memset(m, 0, sizeof(*m));
	for (;; i++) {
		if (i >= n)
			return -EINVAL;
		switch (insn[i]) {
		case 0x66:
			op16 = true;
			continue;
		case 0x67:
			asize = def == 8 ? 4 : (def == 4 ? 2 : 4);
			continue;
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
			continue;
		}
		break;
	}
	if (def == 8 && (insn[i] & 0xf0) == 0x40)
		rex = insn[i++];
	if (rex & 8)
		opsize = 8;
	else if (def == 2)
		opsize = op16 ? 4 : 2;
	else
		opsize = op16 ? 2 : 4;
	if (i >= n)
		return -EINVAL;
	b = insn[i++];
	switch (b) {
	case 0x88: case 0x89:		/* mov r/m, reg */
		m->write = true;
		m->len = b == 0x88 ? 1 : opsize;
		break;
	case 0x8a: case 0x8b:		/* mov reg, r/m */
		m->len = b == 0x8a ? 1 : opsize;
		m->dst_size = m->len;
		break;
	case 0xc6: case 0xc7:		/* mov r/m, imm */
		m->write = true;
		m->len = b == 0xc6 ? 1 : opsize;
		imm = min_t(u8, m->len, 4);
		break;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:	/* mov with moffs */
		has_modrm = false;
		m->write = b >= 0xa2;
		m->len = (b & 1) ? opsize : 1;
		m->dst_size = m->write ? 0 : m->len;
		m->reg = KL_RAX;
		disp = asize;
		break;
	case 0x0f:			/* movzx/movsx */
		if (i >= n)
			return -EINVAL;
		b = insn[i++];
		if (b != 0xb6 && b != 0xb7 && b != 0xbe && b != 0xbf)
			return -EINVAL;
		m->len = (b & 1) ? 2 : 1;
		m->dst_size = opsize;
		m->sign_extend = b >= 0xbe;
		break;
	default:
		return -EINVAL;
	}

	if (has_modrm) {
		if (i >= n)
			return -EINVAL;
		modrm = insn[i++];
		mod = modrm >> 6;
		rm = modrm & 7;
		if (mod == 3)
			return -EINVAL;
		m->reg = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);
		if ((b == 0xc6 || b == 0xc7) && (modrm & 0x38))
			return -EINVAL;
		if (asize == 2) {
			if (mod == 0 && rm == 6)
				disp = 2;
			else
				disp = mod == 1 ? 1 : (mod == 2 ? 2 : 0);
		} else {
			if (rm == 4) {
				if (i >= n)
					return -EINVAL;
				if (mod == 0 && (insn[i] & 7) == 5)
					disp = 4;
				i++;
			}
			if (mod == 0 && rm == 5)
				disp = 4;
			else if (mod == 1)
				disp = 1;
			else if (mod == 2)
				disp = 4;
		}
		/* Byte registers 4-7 without REX are AH, CH, DH, BH. */
		if (m->len == 1 && !rex && m->reg >= 4 && m->reg < 8 &&
		    b != 0xb6 && b != 0xbe && b != 0xc6) {
			m->high_byte = true;
			m->reg -= 4;
		}
	}
	i += disp;
	if (i + imm > n)
		return -EINVAL;
	memcpy(&immv, insn + i, imm);
	i += imm;
	m->insn_len = i;

	if (m->write) {
		if (imm) {
			if (imm == 4)
				immv = (s64)(s32)immv;
			m->data = immv;
		} else if (m->high_byte) {
			m->data = v->gpr[m->reg] >> 8;
		} else {
			m->data = v->gpr[m->reg];
		}
		if (m->len < 8)
			m->data &= (1ULL << (m->len * 8)) - 1;
	}
	return 0;
}

/* An MMIO read's @val (v->mmio.len bytes) to its register; past the insn. */
static void kl_mmio_read_done(struct kl_vcpu *v, u64 val)
{
	if (v->mmio.sign_extend)
		val = v->mmio.len == 1 ? (u64)(s8)val : (u64)(s16)val;
	kl_reg_write(v, v->mmio.reg, v->mmio.high_byte, v->mmio.dst_size, val);
	kl_skip(v, v->mmio.insn_len);
}

static int kl_mmio_exit(struct kl_vcpu *v, u64 gpa)
{
	struct kvm_run *run = v->vcpu->run;
	u8 insn[15] = { 0 };
	u64 lin = kl_seg_base(v, 1) + v->rip;
	int n, eoi;

	if (!kl_long64(v))
		lin &= 0xffffffff;
	/* The instruction may end on a page the guest cannot reach: fewer bytes. */
	for (n = 15; n > 0; n--)
		if (!kl_linear_access(v, lin, insn, n, false))
			break;
	if (!n || kl_decode_mov(v, insn, n, &v->mmio)) {
		/*
		 * As KVM's handle_emulation_failure(): a #UD for the guest
		 * unless the VMM asked for the exit alone
		 * (KVM_CAP_EXIT_ON_EMULATION_FAILURE); above CPL 0 the #UD
		 * is all, at CPL 0 the VMM sees the failure too.
		 */
		if (!READ_ONCE(kl_vm(v->vcpu->vm)->exit_on_emulation_error)) {
			kl_inject_exception(v, UD_VECTOR, false, 0);
			if (VMX_AR_DPL(kl_vmcs_get(v, GUEST_SS_AR_BYTES)))
				return 1;
		}
		run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
		run->emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
		run->emulation_failure.ndata = 4;
		run->emulation_failure.flags =
			KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
		run->emulation_failure.insn_size = n;
		memcpy(run->emulation_failure.insn_bytes, insn, n);
		return 0;
	}
	if (kl_lapic_mmio(v, gpa, v->mmio.len, v->mmio.write, &v->mmio.data,
			  &eoi)) {
		if (!v->mmio.write)
			kl_mmio_read_done(v, v->mmio.data);
		else
			kl_skip(v, v->mmio.insn_len);
		if (eoi < 0)
			return 1;
		/* As KVM: the userspace IOAPIC learns of the EOI. */
		run->exit_reason = KVM_EXIT_IOAPIC_EOI;
		run->eoi.vector = eoi;
		return 0;
	}
	if (kl_ioapic_mmio(kl_vm(v->vcpu->vm)->ioapic, gpa, v->mmio.len,
			   v->mmio.write, &v->mmio.data)) {
		if (!v->mmio.write)
			kl_mmio_read_done(v, v->mmio.data);
		else
			kl_skip(v, v->mmio.insn_len);
		return 1;
	}
	if (v->mmio.write &&
	    (kvmlite_ioeventfd_write(v->vcpu->vm, false, gpa, v->mmio.len,
				     &v->mmio.data) ||
	     kvmlite_coalesced_write(v->vcpu->vm, gpa, v->mmio.len,
				     &v->mmio.data, false))) {
		kl_skip(v, v->mmio.insn_len);
		return 1;
	}
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = v->mmio.len;
	run->mmio.is_write = v->mmio.write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (v->mmio.write) {
		memcpy(run->mmio.data, &v->mmio.data, v->mmio.len);
		kl_skip(v, v->mmio.insn_len);
	} else {
		v->pending = KL_PENDING_MMIO_READ;
	}
	return 0;
}

static int kl_handle_ept_violation(struct kl_vcpu *v)
{
	int r = kl_ept_fault(v, v->exit_gpa, v->exit_qual);

	if (r)
		return r;
	/* Not guest RAM, or a write to a read-only slot: MMIO. */
	if (v->exit_qual & EPT_VIOLATION_ACC_INSTR) {
		kl_internal_error(v, KVM_INTERNAL_ERROR_EMULATION, 2,
				  v->exit_gpa, v->rip);
		return 0;
	}
	return kl_mmio_exit(v, v->exit_gpa);
}

void kl_complete_userspace(struct kl_vcpu *v)
{
	struct kvm_run *run = v->vcpu->run;
	u64 val = 0, lin;
	u32 bytes, n;

	switch (v->pending) {
	case KL_PENDING_NONE:
		return;
	case KL_PENDING_PIO_IN:
	case KL_PENDING_PIO_OUT:
		if (v->rip != v->pio_rip)
			break;
		if (v->pending == KL_PENDING_PIO_IN) {
			memcpy(&val, kl_io_data(v), v->pio_size);
			kl_reg_write(v, KL_RAX, false, v->pio_size, val);
		}
		kl_skip(v, v->pio_insn_len);
		break;
	case KL_PENDING_PIO_INS:
		/*
		 * As KVM, no more elements than RCX asks for now (the VMM may
		 * have changed it); the rest of the data is dropped.
		 */
		n = v->pio_count;
		if (v->pio_rep)
			n = min_t(u64, n, v->gpr[KL_RCX] & v->pio_amask);
		bytes = n * v->pio_size;
		lin = kl_seg_base(v, 0) + (v->gpr[KL_RDI] & v->pio_amask);
		if (!kl_long64(v))
			lin &= 0xffffffff;
		/* A guest page gone meanwhile: the data is dropped, as on a bus. */
		kl_linear_access(v, lin, kl_io_data(v), bytes, true);
		kl_reg_update_addr(v, KL_RDI, v->pio_amask,
				   (v->rflags & X86_EFLAGS_DF) ? -(s64)bytes : bytes);
		if (v->pio_rep)
			kl_reg_update_addr(v, KL_RCX, v->pio_amask, -(s64)n);
		if (!v->pio_rep || !(v->gpr[KL_RCX] & v->pio_amask))
			kl_skip(v, v->pio_insn_len);
		break;
	case KL_PENDING_MMIO_READ:
		memcpy(&val, run->mmio.data, v->mmio.len);
		kl_mmio_read_done(v, val);
		break;
	case KL_PENDING_MSR_READ:
	case KL_PENDING_MSR_WRITE:
		/* As KVM's complete_fast_msr_access(): the VMM's answer. */
		if (READ_ONCE(run->msr.error)) {
			kl_inject_exception(v, GP_VECTOR, true, 0);
			break;
		}
		if (v->pending == KL_PENDING_MSR_READ) {
			val = READ_ONCE(run->msr.data);
			v->gpr[KL_RAX] = (u32)val;
			v->gpr[KL_RDX] = val >> 32;
		}
		kl_skip(v, v->msr_insn_len);
		break;
	}
	v->pending = KL_PENDING_NONE;
}

/* --- CPUID, MSRs ------------------------------------------------------------ */

/* The entry of the VMM's CPUID table for @fn/@idx, or NULL. */
struct kvm_cpuid_entry2 *kl_find_cpuid(struct kl_vcpu *v, u32 fn, u32 idx)
{
	u32 i;

	for (i = 0; i < v->cpuid_nent; i++) {
		struct kvm_cpuid_entry2 *c = &v->cpuid[i];

		if (c->function == fn &&
		    (!(c->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || c->index == idx))
			return c;
	}
	return NULL;
}

/*
 * KVM's kvm_update_cpuid_runtime(): the bits of a CPUID entry that follow
 * the vCPU's state, as the guest's CPUID and KVM_GET_CPUID2 show them:
 * OSXSAVE (CR4), APIC (enabled in APIC_BASE), the XSAVE area's size (XCR0).
 */
void kl_cpuid_runtime(struct kl_vcpu *v, struct kvm_cpuid_entry2 *e)
{
	if (e->function == 1) {
		if (boot_cpu_has(X86_FEATURE_XSAVE)) {
			e->ecx &= ~BIT(27);
			if (v->cr4 & X86_CR4_OSXSAVE)
				e->ecx |= BIT(27);
		}
		e->edx &= ~BIT(9);
		if (v->apic_base & MSR_IA32_APICBASE_ENABLE)
			e->edx |= BIT(9);
	}
	if (e->function == 0xd && e->index == 0)
		e->ebx = kl_xstate_size(v->xcr0);
}

/* CPUID: from the VMM's table, with the bits that follow the vCPU's state. */
static int kl_handle_cpuid(struct kl_vcpu *v)
{
	u32 fn = v->gpr[KL_RAX], idx = v->gpr[KL_RCX];
	struct kvm_cpuid_entry2 *e = kl_find_cpuid(v, fn, idx), r = { };

	if (e) {
		r = *e;
		kl_cpuid_runtime(v, &r);
	}
	v->gpr[KL_RAX] = r.eax;
	v->gpr[KL_RBX] = r.ebx;
	v->gpr[KL_RCX] = r.ecx;
	v->gpr[KL_RDX] = r.edx;
	kl_skip(v, v->exit_insn_len);
	return 1;
}

/* The size of a standard-format XSAVE area holding the components of @xcr0. */
u32 kl_xstate_size(u64 xcr0)
{
	u32 size = 512 + 64, eax, ebx, ecx, edx;
	int i;

	for (i = 2; i < 64; i++) {
		if (!(xcr0 & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx);
		size = max(size, eax + ebx);
	}
	return size;
}

/*
 * As KVM's __kvm_set_xcr(): x87 always on, AVX only with SSE, nothing the
 * VMM's CPUID (leaf 0xD) or kvmlite does not offer. 0, or -1: #GP.
 */
int kl_set_xcr0(struct kl_vcpu *v, u64 xcr0)
{
	struct kvm_cpuid_entry2 *e = kl_find_cpuid(v, 0xd, 0);
	u64 guest = e ? ((u64)e->edx << 32 | e->eax) : 0;

	if (!(xcr0 & XFEATURE_MASK_FP))
		return -1;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return -1;
	if (xcr0 & ~((guest & kl_caps.supported_xcr0) | XFEATURE_MASK_FP))
		return -1;
	v->xcr0 = xcr0;
	return 0;
}

/* XSETBV (only with CR4.OSXSAVE at CPL 0: the CPU checks that first). */
static int kl_handle_xsetbv(struct kl_vcpu *v)
{
	u64 val = (v->gpr[KL_RDX] << 32) | (u32)v->gpr[KL_RAX];

	if ((u32)v->gpr[KL_RCX] != XCR_XFEATURE_ENABLED_MASK || kl_set_xcr0(v, val))
		kl_inject_exception(v, GP_VECTOR, true, 0);
	else
		kl_skip(v, v->exit_insn_len);
	return 1;
}

const u32 kl_msr_list[] = {
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_STAR, MSR_CSTAR, MSR_KERNEL_GS_BASE, MSR_SYSCALL_MASK, MSR_LSTAR,
	MSR_IA32_TSC, MSR_EFER, MSR_IA32_CR_PAT, MSR_IA32_MISC_ENABLE,
	MSR_IA32_APICBASE, MSR_IA32_TSC_DEADLINE, MSR_IA32_MCG_STATUS,
	MSR_IA32_MCG_CTL, MSR_IA32_UCODE_REV,
	MSR_KVM_SYSTEM_TIME, MSR_KVM_WALL_CLOCK, MSR_KVM_SYSTEM_TIME_NEW,
	MSR_KVM_WALL_CLOCK_NEW, MSR_K7_HWCR, MSR_IA32_TSC_ADJUST,
	MSR_PLATFORM_INFO, MSR_IA32_POWER_CTL, MSR_KVM_STEAL_TIME,
};

/* CPUID.7.0:EBX.TSC_ADJUST in the vCPU's model. */
static bool kl_tsc_adjust_cpuid(struct kl_vcpu *v)
{
	struct kvm_cpuid_entry2 *e = kl_find_cpuid(v, 7, 0);

	return e && (e->ebx & BIT(1));
}

const unsigned int kl_msr_list_len = ARRAY_SIZE(kl_msr_list);

static bool kl_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = pat >> (i * 8);

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

void kl_update_ia32e(struct kl_vcpu *v)
{
	u32 entry = kl_caps.entry;

	if (v->efer & EFER_LMA)
		entry |= VM_ENTRY_IA32E_MODE;
	kl_vcpu_get(v);
	vmcs_write(VM_ENTRY_CONTROLS, entry);
	vmcs_write(GUEST_IA32_EFER, v->efer);
	kl_vcpu_put(v);
}

/* 0, or why the access fails (KL_MSR_INVALID, KL_MSR_UNSUPPORTED). */
int kl_msr_get(struct kl_vcpu *v, u32 index, u64 *data, bool host)
{
	int eoi, r;

	switch (index) {
	case MSR_IA32_SYSENTER_CS:
		*data = kl_vmcs_get(v, GUEST_SYSENTER_CS);
		break;
	case MSR_IA32_SYSENTER_ESP:
		*data = kl_vmcs_get(v, GUEST_SYSENTER_ESP);
		break;
	case MSR_IA32_SYSENTER_EIP:
		*data = kl_vmcs_get(v, GUEST_SYSENTER_EIP);
		break;
	case MSR_STAR:
		*data = v->star;
		break;
	case MSR_LSTAR:
		*data = v->lstar;
		break;
	case MSR_CSTAR:
		*data = v->cstar;
		break;
	case MSR_SYSCALL_MASK:
		*data = v->fmask;
		break;
	case MSR_KERNEL_GS_BASE:
		*data = v->kernel_gs_base;
		break;
	case MSR_FS_BASE:
		*data = kl_vmcs_get(v, GUEST_FS_BASE);
		break;
	case MSR_GS_BASE:
		*data = kl_vmcs_get(v, GUEST_GS_BASE);
		break;
	case MSR_IA32_TSC:
		*data = rdtsc() + kl_vmcs_get(v, TSC_OFFSET);
		break;
	case MSR_IA32_TSC_ADJUST:
		if (!host && !kl_tsc_adjust_cpuid(v))
			return -1;
		*data = v->tsc_adjust;
		break;
	case MSR_EFER:
		*data = v->efer;
		break;
	case MSR_IA32_CR_PAT:
		*data = kl_vmcs_get(v, GUEST_IA32_PAT);
		break;
	case MSR_IA32_MISC_ENABLE:
		*data = v->misc_enable;
		break;
	case MSR_IA32_APICBASE:
		*data = v->apic_base;
		break;
	case MSR_IA32_TSC_DEADLINE:
		*data = kl_lapic_get_tscdeadline(v);
		break;
	default:
		if ((index >> 8) == (APIC_BASE_MSR >> 8))
			return kl_lapic_x2apic_msr(v, index, data, false, &eoi);
		r = kl_state_msr_get(v, index, data, host);
		return r > 0 ? KL_MSR_UNSUPPORTED : r;
	}
	return 0;
}

int kl_msr_set(struct kl_vcpu *v, u32 index, u64 data, bool host)
{
	u64 off;
	int eoi, r;

	switch (index) {
	case MSR_IA32_SYSENTER_CS:
		kl_vmcs_set(v, GUEST_SYSENTER_CS, data);
		break;
	case MSR_IA32_SYSENTER_ESP:
		kl_vmcs_set(v, GUEST_SYSENTER_ESP, data);
		break;
	case MSR_IA32_SYSENTER_EIP:
		kl_vmcs_set(v, GUEST_SYSENTER_EIP, data);
		break;
	case MSR_STAR:
		v->star = data;
		break;
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
		if (!__is_canonical_address(data, 48))
			return -1;
		if (index == MSR_LSTAR)
			v->lstar = data;
		else if (index == MSR_CSTAR)
			v->cstar = data;
		else if (index == MSR_KERNEL_GS_BASE)
			v->kernel_gs_base = data;
		else
			kl_vmcs_set(v, index == MSR_FS_BASE ? GUEST_FS_BASE :
				    GUEST_GS_BASE, data);
		break;
	case MSR_SYSCALL_MASK:
		v->fmask = data;
		break;
	case MSR_IA32_TSC:
		/*
		 * As KVM: the VMM's write sets the offset; the guest's moves
		 * TSC_ADJUST by as much.
		 */
		off = kl_vmcs_get(v, TSC_OFFSET);
		if (!host)
			v->tsc_adjust += data - rdtsc() - off;
		kl_vmcs_set(v, TSC_OFFSET, data - rdtsc());
		break;
	case MSR_IA32_TSC_ADJUST:
		/* As KVM: the guest's write moves the TSC, the VMM's not. */
		if (!host) {
			if (!kl_tsc_adjust_cpuid(v))
				return -1;
			off = kl_vmcs_get(v, TSC_OFFSET);
			kl_vmcs_set(v, TSC_OFFSET, off + data - v->tsc_adjust);
		}
		v->tsc_adjust = data;
		break;
	case MSR_EFER:
		if (data & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX))
			return -1;
		if (!host) {
			/* LMA follows CR0.PG; LME cannot change with paging on. */
			if ((v->cr0 & X86_CR0_PG) &&
			    ((data ^ v->efer) & EFER_LME))
				return -1;
			data = (data & ~EFER_LMA) | (v->efer & EFER_LMA);
		}
		v->efer = data;
		kl_update_ia32e(v);
		break;
	case MSR_IA32_CR_PAT:
		if (!kl_pat_valid(data))
			return -1;
		kl_vmcs_set(v, GUEST_IA32_PAT, data);
		break;
	case MSR_IA32_MISC_ENABLE:
		v->misc_enable = data;
		break;
	case MSR_IA32_APICBASE:
		return kl_lapic_set_base(v, data, host);
	case MSR_IA32_TSC_DEADLINE:
		/* As KVM: ignored outside the LAPIC timer's TSC-deadline mode. */
		kl_lapic_set_tscdeadline(v, data);
		break;
	default:
		if ((index >> 8) == (APIC_BASE_MSR >> 8))
			return kl_lapic_x2apic_msr(v, index, &data, true, &eoi);
		r = kl_state_msr_set(v, index, data, host);
		return r > 0 ? KL_MSR_UNSUPPORTED : r;
	}
	return 0;
}

static int kl_handle_msr(struct kl_vcpu *v, bool write)
{
	u32 index = v->gpr[KL_RCX];
	u64 data = (u32)v->gpr[KL_RAX] | (v->gpr[KL_RDX] << 32);
	int eoi, r;

	/* x2APIC registers: an EOI may have to exit to the userspace IOAPIC. */
	if ((index >> 8) == (APIC_BASE_MSR >> 8)) {
		if (kl_lapic_x2apic_msr(v, index, &data, write, &eoi))
			return kl_msr_failed(v, index, write, data, KL_MSR_INVALID);
		if (!write) {
			v->gpr[KL_RAX] = (u32)data;
			v->gpr[KL_RDX] = data >> 32;
		}
		kl_skip(v, v->exit_insn_len);
		if (eoi < 0)
			return 1;
		v->vcpu->run->exit_reason = KVM_EXIT_IOAPIC_EOI;
		v->vcpu->run->eoi.vector = eoi;
		return 0;
	}
	if (!kl_msr_allowed(v, index, write))
		r = KL_MSR_FILTERED;
	else if (write)
		r = kl_msr_set(v, index, data, false);
	else
		r = kl_msr_get(v, index, &data, false);
	if (r)
		return kl_msr_failed(v, index, write, data, r);
	if (!write) {
		v->gpr[KL_RAX] = (u32)data;
		v->gpr[KL_RDX] = data >> 32;
	}
	kl_skip(v, v->exit_insn_len);
	return 1;
}

/* --- control and debug registers ------------------------------------------- */

bool kl_paging_pae_legacy(struct kl_vcpu *v)
{
	return (v->cr0 & X86_CR0_PG) && (v->cr4 & X86_CR4_PAE) &&
	       !(v->efer & EFER_LMA);
}

/* With EPT, PAE paging outside long mode takes the PDPTEs from the VMCS. */
int kl_load_pdptrs(struct kl_vcpu *v)
{
	u64 pdpte[4];
	int i;

	if (kl_read_guest(v->vcpu->vm, kl_vmcs_get(v, GUEST_CR3) & ~0x1fULL,
			  pdpte, sizeof(pdpte)))
		return -EFAULT;
	for (i = 0; i < 4; i++)
		kl_vmcs_set(v, GUEST_PDPTR0 + i * 2, pdpte[i]);
	return 0;
}

int kl_set_cr0(struct kl_vcpu *v, u64 val)
{
	u64 hw;

	if (val >> 32)
		return -1;
	if ((val & X86_CR0_PG) && !(val & X86_CR0_PE))
		return -1;
	if ((val & X86_CR0_NW) && !(val & X86_CR0_CD))
		return -1;
	val |= X86_CR0_ET;
	/* The CPU's must-be-1 bits, except PE and PG (unrestricted guest). */
	hw = val | (kl_caps.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG));
	hw &= ~(X86_CR0_CD | X86_CR0_NW);
	kl_vcpu_get(v);
	vmcs_write(GUEST_CR0, hw);
	vmcs_write(CR0_READ_SHADOW, val);
	kl_vcpu_put(v);
	v->cr0 = val;
	return 0;
}

#define KL_CR4_UNSUPPORTED	(X86_CR4_VMXE | X86_CR4_SMXE | X86_CR4_LA57 | \
				 X86_CR4_PKE | X86_CR4_CET | X86_CR4_PCIDE)

int kl_set_cr4(struct kl_vcpu *v, u64 val)
{
	if ((val & KL_CR4_UNSUPPORTED) || (val & ~kl_caps.cr4_fixed1) ||
	    (val & kl_cr4_reserved(v)))
		return -1;
	kl_vcpu_get(v);
	vmcs_write(GUEST_CR4, val | kl_caps.cr4_fixed0);
	vmcs_write(CR4_READ_SHADOW, val);
	kl_vcpu_put(v);
	v->cr4 = val;
	return 0;
}

static int kl_handle_cr(struct kl_vcpu *v)
{
	u64 qual = v->exit_qual, val, old;
	int cr = qual & 15, type = (qual >> 4) & 3, reg = (qual >> 8) & 15;

	switch (type) {
	case 0:			/* mov to cr */
		val = v->gpr[reg];
		if (!kl_long64(v))
			val = (u32)val;
		break;
	case 1:			/* mov from cr */
		if (cr == 3)
			val = kl_vmcs_get(v, GUEST_CR3);
		else if (cr == 8)
			val = v->lapic ? kl_lapic_get_cr8(v) : v->cr8;
		else
			goto bad;
		kl_reg_write(v, reg, false, kl_long64(v) ? 8 : 4, val);
		kl_skip(v, v->exit_insn_len);
		return 1;
	case 2:			/* clts */
		cr = 0;
		val = v->cr0 & ~X86_CR0_TS;
		break;
	default:		/* lmsw: PE can be set, not cleared */
		cr = 0;
		val = (v->cr0 & ~0xeULL) | ((qual >> 16) & 0xf) |
		      (v->cr0 & X86_CR0_PE);
		break;
	}

	switch (cr) {
	case 0:
		old = v->cr0;
		if ((val ^ old) & X86_CR0_PG) {
			if ((val & X86_CR0_PG) && (v->efer & EFER_LME)) {
				if (!(v->cr4 & X86_CR4_PAE))
					goto gp;
				v->efer |= EFER_LMA;
			} else if (!(val & X86_CR0_PG)) {
				v->efer &= ~EFER_LMA;
			}
		}
		if (kl_set_cr0(v, val))
			goto gp;
		kl_update_ia32e(v);
		if (kl_paging_pae_legacy(v) && kl_load_pdptrs(v))
			goto gp;
		break;
	case 3:
		kl_vmcs_set(v, GUEST_CR3, val);
		if (kl_paging_pae_legacy(v) && kl_load_pdptrs(v))
			goto gp;
		break;
	case 4:
		if ((v->efer & EFER_LMA) && !(val & X86_CR4_PAE))
			goto gp;
		if (kl_set_cr4(v, val))
			goto gp;
		if (kl_paging_pae_legacy(v) && kl_load_pdptrs(v))
			goto gp;
		break;
	case 8:
		if (val & ~0xfULL)
			goto gp;
		v->cr8 = val;
		if (v->lapic)
			kl_lapic_set_cr8(v, val);
		break;
	default:
		goto bad;
	}
	kl_skip(v, v->exit_insn_len);
	return 1;
gp:
	kl_inject_exception(v, GP_VECTOR, true, 0);
	return 1;
bad:
	kl_internal_error(v, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON, 2,
			  v->exit_reason, qual);
	return 0;
}

/*
 * MOV DR always exits: the guest's debug registers are kept here and armed
 * in the hardware only while it runs with a breakpoint or TF (vmx.c).
 */
static int kl_handle_dr(struct kl_vcpu *v)
{
	u64 qual = v->exit_qual, val;
	int dr = qual & 7, reg = (qual >> 8) & 15;
	bool from = qual & BIT(4);

	/* The exit comes before the #DB of general detection (KVM's handle_dr()). */
	if (kl_hw_dr7(v) & BIT(13))
		return kl_dr_general_detect(v);
	if (dr == 4 || dr == 5)
		dr += 2;
	if (from) {
		if (dr < 4)
			val = v->dr[dr];
		else if (dr == 6)
			val = v->dr6;
		else
			val = v->dr7;
		kl_reg_write(v, reg, false, kl_long64(v) ? 8 : 4, val);
	} else {
		val = v->gpr[reg];
		if (dr < 4)
			v->dr[dr] = val;
		else if (dr == 6)
			v->dr6 = val | DR6_RESERVED;
		else
			kl_set_dr7(v, (u32)val | DR7_FIXED_1);
	}
	kl_skip(v, v->exit_insn_len);
	return 1;
}

/* --- dispatch ---------------------------------------------------------------- */

int kl_handle_exit(struct kl_vcpu *v)
{
	struct kvm_run *run = v->vcpu->run;
	u16 basic = v->exit_reason;

	kvmlite_stat_add(&v->vcpu->stats[KVMLITE_STAT_EXITS], 1);
	if (v->entry_failed) {
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = v->exit_reason;
		run->fail_entry.cpu = v->vcpu->cpu;
		return 0;
	}
	if (v->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = v->exit_reason;
		run->fail_entry.cpu = v->vcpu->cpu;
		return 0;
	}

	switch (basic) {
	case EXIT_REASON_EXTERNAL_INTERRUPT:
	case EXIT_REASON_PREEMPTION_TIMER:
	case EXIT_REASON_INTERRUPT_WINDOW:
	case EXIT_REASON_NMI_WINDOW:
		return 1;
	case EXIT_REASON_EXCEPTION_NMI:
		if ((v->exit_intr_info & INTR_INFO_INTR_TYPE_MASK) ==
		    INTR_TYPE_NMI_INTR)
			return 1;
		return kl_handle_exception(v);
	case EXIT_REASON_TRIPLE_FAULT:
		run->exit_reason = KVM_EXIT_SHUTDOWN;
		return 0;
	case EXIT_REASON_CPUID:
		return kl_handle_cpuid(v);
	case EXIT_REASON_HLT:
		/*
		 * As KVM: past the HLT; with an in-kernel LAPIC the vCPU waits
		 * in KVM_RUN for its next interrupt, without one userspace does.
		 */
		kl_skip(v, v->exit_insn_len);
		if (v->lapic) {
			v->mp_state = KVM_MP_STATE_HALTED;
			return 1;
		}
		run->exit_reason = KVM_EXIT_HLT;
		return 0;
	case EXIT_REASON_IO_INSTRUCTION:
		return kl_handle_io(v);
	case EXIT_REASON_MSR_READ:
		return kl_handle_msr(v, false);
	case EXIT_REASON_MSR_WRITE:
		return kl_handle_msr(v, true);
	case EXIT_REASON_CR_ACCESS:
		return kl_handle_cr(v);
	case EXIT_REASON_DR_ACCESS:
		return kl_handle_dr(v);
	case EXIT_REASON_EPT_VIOLATION:
		return kl_handle_ept_violation(v);
	case EXIT_REASON_VMCALL:
		v->gpr[KL_RAX] = kl_pv_hypercall(v);
		kl_skip(v, v->exit_insn_len);
		return 1;
	case EXIT_REASON_INVD:
		kl_skip(v, v->exit_insn_len);
		return 1;
	case EXIT_REASON_VMCLEAR: case EXIT_REASON_VMLAUNCH:
	case EXIT_REASON_VMPTRLD: case EXIT_REASON_VMPTRST:
	case EXIT_REASON_VMREAD: case EXIT_REASON_VMRESUME:
	case EXIT_REASON_VMWRITE: case EXIT_REASON_VMOFF:
	case EXIT_REASON_VMON: case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID: case EXIT_REASON_MWAIT_INSTRUCTION:
	case EXIT_REASON_MONITOR_INSTRUCTION: case 11: /* GETSEC */
		kl_inject_exception(v, UD_VECTOR, false, 0);
		return 1;
	case EXIT_REASON_XSETBV:
		return kl_handle_xsetbv(v);
	case EXIT_REASON_RDPMC:
		kl_inject_exception(v, GP_VECTOR, true, 0);
		return 1;
	}
	kl_internal_error(v, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON, 2,
			  v->exit_reason, v->vcpu->cpu);
	return 0;
}
