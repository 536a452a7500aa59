// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: data aborts outside guest memory become
 * KVM_EXIT_MMIO, decoded from the ESR_EL2 instruction syndrome, and are
 * completed on the next KVM_RUN (as kvm_handle_mmio_return() does): a load
 * writes its register, zero- or sign-extended as ESR.SSE and ESR.SF say, and
 * the PC moves past the instruction.
 * Writes that an ioeventfd matches signal it (eventfd.c), writes to a
 * coalesced zone (coalesced.c) go to the ring: neither exits.
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
	if (v->mmio_write) {
		/* Little-endian guest: the low bytes of the register. */
		data = kl_get_reg(v, v->mmio_rt);
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
	v->mmio_sse = esr & ESR_ELx_SSE;
	v->mmio_sf = esr & ESR_ELx_SF;
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
	unsigned int bits = v->mmio_len * 8;
	u64 data = 0;

	v->mmio_needed = false;
	if (!v->mmio_write) {
		memcpy(&data, run->mmio.data, v->mmio_len);
		if (bits < 64) {
			data &= GENMASK_ULL(bits - 1, 0);
			if (v->mmio_sse && (data & BIT_ULL(bits - 1)))
				data |= GENMASK_ULL(63, bits);
		}
		if (!v->mmio_sf)
			data &= GENMASK_ULL(31, 0);
		trace_kvm_mmio(KVMLITE_TRACE_MMIO_READ, v->mmio_len,
			       run->mmio.phys_addr, &data);
		kl_set_reg(v, v->mmio_rt, data);
	}
	/* The access is done: do not execute the instruction again. */
	v->gp.pc += 4;
	kl_debug_skipped(v);
}
