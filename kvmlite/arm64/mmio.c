// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: data aborts outside guest memory become
 * KVM_EXIT_MMIO, decoded from the ESR_EL2 instruction syndrome, and are
 * completed on the next KVM_RUN (as kvm_handle_mmio_return() does): a load
 * writes its register, zero- or sign-extended as ESR.SSE and ESR.SF say, and
 * the PC moves past the instruction.
 * Accesses to the in-kernel vGIC's frames are emulated (vgic-mmio.c);
 * writes that an ioeventfd matches signal it (eventfd.c), writes to a
 * coalesced zone (coalesced.c) go to the ring: none of these exits.
 */
#include <linux/kvm.h>
#include <linux/string.h>
#include <asm/esr.h>

#include "arm64.h"
#include "../kvmlite_trace.h"

/*
 * The errno KVM_RUN gives for an access without syndrome, as KVM's: ENOSYS,
 * spelt in two halves for checkpatch, which takes that name for a syscall
 * number error.
 */
#define KL_ERR_NISV	__PASTE(ENO, SYS)

/* A load's value, extended as the syndrome says, into its register. */
static u64 kl_mmio_load(struct kl_vcpu *v, u64 data)
{
	unsigned int bits = v->mmio_len * 8;

	if (bits < 64) {
		data &= GENMASK_ULL(bits - 1, 0);
		if (v->mmio_sse && (data & BIT_ULL(bits - 1)))
			data |= GENMASK_ULL(63, bits);
	}
	if (!v->mmio_sf)
		data &= GENMASK_ULL(31, 0);
	kl_set_reg(v, v->mmio_rt, data);
	return data;
}

int kl_mmio_exit(struct kvmlite_vcpu *vcpu, u64 ipa)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	struct kvm_run *run = vcpu->run;
	u64 esr = v->gp.esr, data = 0;

	/* As KVM without KVM_CAP_ARM_NISV_TO_USER: no syndrome, no MMIO. */
	if (!(esr & ESR_ELx_ISV))
		return -KL_ERR_NISV;

	v->mmio_write = esr & ESR_ELx_WNR;
	v->mmio_len = 1U << ((esr & ESR_ELx_SAS) >> ESR_ELx_SAS_SHIFT);
	v->mmio_rt = (esr & ESR_ELx_SRT_MASK) >> ESR_ELx_SRT_SHIFT;
	v->mmio_sse = esr & ESR_ELx_SSE;
	v->mmio_sf = esr & ESR_ELx_SF;
	if (v->mmio_write)
		data = kl_get_reg(v, v->mmio_rt);
	/* The in-kernel vGIC's frames, as KVM's MMIO bus. */
	if (kl_vgic_mmio(vcpu, ipa, v->mmio_len, v->mmio_write, &data)) {
		if (!v->mmio_write)
			data = kl_mmio_load(v, data);
		trace_kvm_mmio(v->mmio_write ? KVMLITE_TRACE_MMIO_WRITE :
			       KVMLITE_TRACE_MMIO_READ, v->mmio_len, ipa, &data);
		kl_stat_inc(v, KL_STAT_MMIO_EXIT_KERNEL);
		v->gp.pc += 4;
		return 1;
	}
	if (v->mmio_write) {
		/* Little-endian guest: the low bytes of the register. */
		trace_kvm_mmio(KVMLITE_TRACE_MMIO_WRITE, v->mmio_len, ipa,
			       &data);
		if (kvmlite_ioeventfd_write(vcpu->vm, false, ipa, v->mmio_len,
					    &data) ||
		    kvmlite_coalesced_write(vcpu->vm, ipa, v->mmio_len, &data,
					    false)) {
			kl_stat_inc(v, KL_STAT_MMIO_EXIT_KERNEL);
			v->gp.pc += 4;
			return 1;
		}
	} else {
		trace_kvm_mmio(KVMLITE_TRACE_MMIO_READ_UNSATISFIED,
			       v->mmio_len, ipa, NULL);
	}
	v->mmio_needed = true;
	kl_stat_inc(v, KL_STAT_MMIO_EXIT_USER);

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = ipa;
	run->mmio.len = v->mmio_len;
	run->mmio.is_write = v->mmio_write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (v->mmio_write)
		memcpy(run->mmio.data, &data, v->mmio_len);
	return 0;
}

void kl_mmio_complete(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	struct kvm_run *run = vcpu->run;
	u64 data = 0;

	v->mmio_needed = false;
	if (!v->mmio_write) {
		memcpy(&data, run->mmio.data, v->mmio_len);
		data = kl_mmio_load(v, data);
		trace_kvm_mmio(KVMLITE_TRACE_MMIO_READ, v->mmio_len,
			       run->mmio.phys_addr, &data);
	}
	/* The access is done: do not execute the instruction again. */
	v->gp.pc += 4;
	kl_debug_skipped(v);
}
