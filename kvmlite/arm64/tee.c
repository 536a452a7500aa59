// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: the guest's OP-TEE calls, forwarded to the secure
 * world through optee_lite's mediator when the VMM enabled
 * KVMLITE_CAP_ARM_OPTEE (uapi/linux/kvmlite.h). optee_lite is optional: it is
 * found at run time (symbol_get()) and kept loaded while a VM uses it.
 *
 * The mediator reaches guest memory only through the callbacks below, that
 * is through the VM's memslots: pages pinned long-term for the secure world
 * (pin_user_pages_fast(FOLL_LONGTERM) of the VMM's mapping, from the vCPU
 * thread) and copies within a page.
 */
#include <linux/arm-smccc.h>
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/module.h>

#include "arm64.h"
#include "../../optee_lite/mediator.h"

static struct page *kl_tee_pin(void *priv, u64 gpa, bool write)
{
	struct kvmlite_vm *vm = priv;
	struct kvmlite_memslot *slot;
	struct page *page = NULL;
	unsigned long hva;

	down_read(&vm->lock);
	slot = kvmlite_find_memslot(vm, gpa);
	if (slot && !(write && (slot->flags & KVM_MEM_READONLY))) {
		hva = slot->hva + (gpa & PAGE_MASK) - slot->gpa;
		/* (6.1's pin_user_pages_unlocked() refuses FOLL_LONGTERM) */
		if (pin_user_pages_fast(hva, 1, FOLL_LONGTERM | (write ? FOLL_WRITE : 0),
					&page) != 1)
			page = NULL;
	}
	up_read(&vm->lock);
	return page;
}

static int kl_tee_read(void *priv, u64 gpa, void *buf, unsigned int len)
{
	return kvmlite_read_guest(priv, gpa, buf, len);
}

static int kl_tee_write(void *priv, u64 gpa, const void *buf, unsigned int len)
{
	return kvmlite_write_guest(priv, gpa, buf, len);
}

static const struct optee_lite_guest_mem kl_tee_mem = {
	.pin = kl_tee_pin,
	.read = kl_tee_read,
	.write = kl_tee_write,
};

/* KVM_CHECK_EXTENSION(KVMLITE_CAP_ARM_OPTEE) */
int kl_tee_available(void)
{
	const struct optee_lite_mediator *m = symbol_get(optee_lite_mediator);
	int r;

	if (!m)
		return 0;
	r = m->available();
	symbol_put(optee_lite_mediator);
	return r;
}

/* KVM_ENABLE_CAP(KVMLITE_CAP_ARM_OPTEE) on @vm. */
int kl_tee_enable(struct kvmlite_vm *vm, const struct kvm_enable_cap *cap)
{
	struct kl_vm *s2 = kl_vm(vm);
	const struct optee_lite_mediator *m;
	struct optee_lite_guest *g;
	int r = 0;

	if (memchr_inv(cap->args, 0, sizeof(cap->args)))
		return -EINVAL;
	mutex_lock(&s2->config_lock);
	if (s2->has_run) {
		r = -EBUSY;
		goto out;
	}
	if (s2->tee) {
		r = -EEXIST;
		goto out;
	}
	m = symbol_get(optee_lite_mediator);
	if (!m) {
		r = -ENODEV;
		goto out;
	}
	g = m->create(&kl_tee_mem, vm);
	if (IS_ERR(g)) {
		symbol_put(optee_lite_mediator);
		r = PTR_ERR(g);
		goto out;
	}
	s2->tee_ops = m;
	/* Pairs with READ_ONCE() in kl_tee_call(): set before a vCPU runs. */
	WRITE_ONCE(s2->tee, g);
out:
	mutex_unlock(&s2->config_lock);
	return r;
}

/*
 * An SMC or HVC of the guest: true when it was an OP-TEE call the mediator
 * served (x0-x3 hold its results).
 */
bool kl_tee_call(struct kvmlite_vcpu *vcpu, u32 fn)
{
	struct kl_vm *s2 = kl_vm(vcpu->vm);
	struct optee_lite_guest *g = READ_ONCE(s2->tee);
	struct kl_vcpu *v = kl_vcpu(vcpu);
	unsigned long a[8];
	int i;

	if (!g || ARM_SMCCC_OWNER_NUM(fn) < ARM_SMCCC_OWNER_TRUSTED_OS ||
	    ARM_SMCCC_OWNER_NUM(fn) > ARM_SMCCC_OWNER_TRUSTED_OS_END)
		return false;
	for (i = 0; i < 8; i++)
		a[i] = v->gp.regs[i];
	s2->tee_ops->smc(g, a);
	for (i = 0; i < 4; i++)
		v->gp.regs[i] = a[i];
	return true;
}

/* The VM is going: its sessions and memory in the secure world too. */
void kl_tee_destroy(struct kvmlite_vm *vm)
{
	struct kl_vm *s2 = kl_vm(vm);

	if (!s2->tee)
		return;
	s2->tee_ops->destroy(s2->tee);
	s2->tee = NULL;
	symbol_put(optee_lite_mediator);
}
