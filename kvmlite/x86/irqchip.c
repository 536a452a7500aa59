// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86: the VM's interrupt controllers, as KVM's x86.c, irq.c and
 * irq_comm.c.
 *
 *  - KVM_CREATE_IRQCHIP: the PICs (i8259.c), the IOAPIC (ioapic.c) and a
 *    LAPIC for each vCPU created after it (lapic.c), with KVM's default
 *    GSI routes: GSI 0-15 to the IOAPIC pin and the PIC input of the same
 *    number, 16-23 to the IOAPIC only
 *  - KVM_GET_IRQCHIP / KVM_SET_IRQCHIP of the three chips
 *  - irqchip routes (KVM_SET_GSI_ROUTING, KVM_IRQ_LINE, irqfds) to their
 *    inputs, their acknowledgments and mask changes back (resamplefds,
 *    the PIT), and the ExtINT a vCPU takes: the PIC's output, or with
 *    the split irqchip the vector of KVM_INTERRUPT
 *
 * The mode (KL_IRQCHIP_*) is set once, before any vCPU, with release
 * semantics after the chips and routes exist; lock-free readers acquire it.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "x86.h"

#define KL_PIC_PINS	8	/* inputs per PIC */

u8 kl_irqchip_mode(struct kvmlite_vm *vm)
{
	/* Pairs with the release in kl_irqchip_create() and enable_cap. */
	return smp_load_acquire(&kl_vm(vm)->irqchip);
}

/* KVM's default_routing[] (kvm_setup_default_irq_routing()). */
static int kl_irqchip_default_routes(struct kvmlite_vm *vm)
{
	struct kvm_irq_routing_entry *ue, *e;
	u32 gsi;
	int r;

	ue = kcalloc(KVM_IOAPIC_NUM_PINS + 16, sizeof(*ue), GFP_KERNEL_ACCOUNT);
	if (!ue)
		return -ENOMEM;
	e = ue;
	for (gsi = 0; gsi < KVM_IOAPIC_NUM_PINS; gsi++) {
		e->gsi = gsi;
		e->type = KVM_IRQ_ROUTING_IRQCHIP;
		e->u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
		e->u.irqchip.pin = gsi;
		e++;
		if (gsi >= 16)
			continue;
		e->gsi = gsi;
		e->type = KVM_IRQ_ROUTING_IRQCHIP;
		e->u.irqchip.irqchip = gsi < KL_PIC_PINS ?
				       KVM_IRQCHIP_PIC_MASTER :
				       KVM_IRQCHIP_PIC_SLAVE;
		e->u.irqchip.pin = gsi % KL_PIC_PINS;
		e++;
	}
	r = kvmlite_irq_routing_set(vm, ue, e - ue);
	kfree(ue);
	return r;
}

/* KVM_CREATE_IRQCHIP (KVM's kvm_arch_vm_ioctl()). */
static long kl_irqchip_create(struct kvmlite_vm *vm)
{
	struct kl_vm *kvm = kl_vm(vm);
	long r;

	down_write(&vm->lock);
	r = -EEXIST;
	if (kvm->irqchip != KL_IRQCHIP_NONE)
		goto out;
	r = -EINVAL;
	if (vm->nr_vcpus)
		goto out;
	r = -ENOMEM;
	kvm->pic = kl_pic_create(vm);
	if (!kvm->pic)
		goto err;
	WRITE_ONCE(kvm->ioapic, kl_ioapic_create(vm));
	if (!kvm->ioapic)
		goto err;
	r = kl_irqchip_default_routes(vm);
	if (r)
		goto err;
	/* Pairs with the acquire in kl_irqchip_mode(). */
	smp_store_release(&kvm->irqchip, KL_IRQCHIP_KERNEL);
	goto out;
err:
	kl_irqchip_destroy(vm);
out:
	up_write(&vm->lock);
	return r;
}

/* KVM_GET_IRQCHIP and KVM_SET_IRQCHIP. */
static long kl_irqchip_state(struct kvmlite_vm *vm, bool set,
			     struct kvm_irqchip __user *argp)
{
	struct kl_vm *kvm = kl_vm(vm);
	struct kvm_irqchip *chip;
	long r;

	chip = memdup_user(argp, sizeof(*chip));
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	r = -ENXIO;
	if (kl_irqchip_mode(vm) != KL_IRQCHIP_KERNEL)
		goto out;
	r = 0;
	switch (chip->chip_id) {
	case KVM_IRQCHIP_PIC_MASTER:
	case KVM_IRQCHIP_PIC_SLAVE:
		if (set)
			kl_pic_set_state(kvm->pic, chip->chip_id,
					 &chip->chip.pic);
		else
			kl_pic_get_state(kvm->pic, chip->chip_id,
					 &chip->chip.pic);
		break;
	case KVM_IRQCHIP_IOAPIC:
		if (set)
			kl_ioapic_set_state(kvm->ioapic, &chip->chip.ioapic);
		else
			kl_ioapic_get_state(kvm->ioapic, &chip->chip.ioapic);
		break;
	default:
		r = -EINVAL;
		break;
	}
	if (!r && !set && copy_to_user(argp, chip, sizeof(*chip)))
		r = -EFAULT;
out:
	kfree(chip);
	return r;
}

long kl_irqchip_vm_ioctl(struct kvmlite_vm *vm, unsigned int ioctl,
			 void __user *argp)
{
	switch (ioctl) {
	case KVM_CREATE_IRQCHIP:
		return kl_irqchip_create(vm);
	case KVM_GET_IRQCHIP:
		return kl_irqchip_state(vm, false, argp);
	case KVM_SET_IRQCHIP:
		return kl_irqchip_state(vm, true, argp);
	}
	return -ENOTTY;
}

/* VM teardown (or a failed create): no vCPU and no route reaches them. */
void kl_irqchip_destroy(struct kvmlite_vm *vm)
{
	struct kl_vm *kvm = kl_vm(vm);

	kfree(kvm->pic);
	kvm->pic = NULL;
	kfree(kvm->ioapic);
	WRITE_ONCE(kvm->ioapic, NULL);
}

/*
 * arch_ops.route_check: an irqchip route needs KVM_CREATE_IRQCHIP's chips
 * (KVM's kvm_set_routing_entry()): PIC inputs 0-7, IOAPIC pins 0-23.
 */
int kl_irqchip_route_check(struct kvmlite_vm *vm, u32 irqchip, u32 pin)
{
	/*
	 * The chips exist (the default routes are set before the mode; a
	 * route that outlives a failed KVM_CREATE_IRQCHIP reaches nothing:
	 * kl_irqchip_set_irq() checks the mode).
	 */
	if (!READ_ONCE(kl_vm(vm)->ioapic))
		return -EINVAL;
	switch (irqchip) {
	case KVM_IRQCHIP_PIC_MASTER:
	case KVM_IRQCHIP_PIC_SLAVE:
		return pin < KL_PIC_PINS ? 0 : -EINVAL;
	case KVM_IRQCHIP_IOAPIC:
		return pin < KVM_IOAPIC_NUM_PINS ? 0 : -EINVAL;
	}
	return -EINVAL;
}

/* arch_ops.set_irq: an irqchip route (any context). */
int kl_irqchip_set_irq(struct kvmlite_vm *vm, u32 irqchip, u32 pin,
		       bool level)
{
	struct kl_vm *kvm = kl_vm(vm);

	if (kl_irqchip_mode(vm) != KL_IRQCHIP_KERNEL)
		return -1;
	if (irqchip == KVM_IRQCHIP_IOAPIC)
		return kl_ioapic_set_irq(kvm->ioapic, pin, level);
	return kl_pic_set_irq(kvm->pic, irqchip, pin, level);
}

/*
 * The guest acknowledged irqchip input @pin (KVM's kvm_notify_acked_irq()):
 * resampling irqfds and the PIT's reinjection (any context, no chip lock).
 */
void kl_irq_acked(struct kvmlite_vm *vm, u32 irqchip, u32 pin)
{
	kvmlite_irq_acked(vm, irqchip, pin);
	kl_pit_acked(vm, irqchip, pin);
}

/* The input was masked or unmasked (KVM's kvm_fire_mask_notifiers()). */
void kl_irq_mask(struct kvmlite_vm *vm, u32 irqchip, u32 pin, bool masked)
{
	kl_pit_mask(vm, irqchip, pin, masked);
}

/* An ExtINT the vCPU can take now (KVM's kvm_cpu_has_extint()). */
bool kl_extint_pending(struct kl_vcpu *v)
{
	if (READ_ONCE(v->pending_irq) < 0 &&
	    !kl_pic_output(kl_vm(v->vcpu->vm)->pic))
		return false;
	return kl_lapic_accept_extint(v);
}

/* Take it: its vector (KVM's kvm_cpu_get_extint()). */
int kl_extint_ack(struct kl_vcpu *v)
{
	struct kl_pic *pic = kl_vm(v->vcpu->vm)->pic;

	/* One that KVM_SET_VCPU_EVENTS left first. */
	if (READ_ONCE(v->pending_irq) >= 0 || !pic)
		return (u8)xchg(&v->pending_irq, -1);
	return kl_pic_read_irq(pic);
}
