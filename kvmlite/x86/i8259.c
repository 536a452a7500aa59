// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86: the in-kernel pair of 8259A PICs of KVM_CREATE_IRQCHIP, after
 * KVM's arch/x86/kvm/i8259.c (itself after QEMU's): master at ports
 * 0x20-0x21, slave at 0xa0-0xa1 cascaded on the master's input 2, and the
 * PIIX ELCR (edge/level control) at 0x4d0-0x4d1.
 *
 * The state of each chip is KVM_GET_IRQCHIP's struct kvm_pic_state itself.
 * The master's output is the ExtINT line of the LAPICs that accept it
 * (LINT0 in ExtINT mode, or the LAPIC off: kl_lapic_accept_extint()); the
 * vCPU that injects the interrupt reads the vector (the INTA cycle,
 * kl_pic_read_irq()).
 *
 * Locking: @lock (irqsave: inputs change from irqfd wake-ups with
 * interrupts off) guards both chips; it is dropped around the
 * acknowledgment notifications (resampling irqfds lower the input again).
 */
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "x86.h"

/**
 * struct kl_pic - the two PICs of a VM
 * @lock:	see the top of this file
 * @chip:	master and slave (KVM_IRQCHIP_PIC_MASTER, _SLAVE)
 * @output:	the master's INT line
 * @wakeup:	@output rose: a vCPU that takes ExtINTs must be kicked
 * @vm:		the VM
 */
struct kl_pic {
	spinlock_t lock;	/* see the top of this file */
	struct kvm_pic_state chip[2];
	bool output;
	bool wakeup;
	struct kvmlite_vm *vm;
};

static bool kl_is_slave(struct kl_pic *p, struct kvm_pic_state *s)
{
	return s == &p->chip[1];
}

/* Drop the lock, kicking a vCPU if the output rose (KVM's pic_unlock()). */
static void kl_pic_unlock(struct kl_pic *p, unsigned long flags)
	__releases(&p->lock)
{
	struct kvmlite_vm *vm = p->vm;
	bool wakeup = p->wakeup;
	unsigned int i, n;

	p->wakeup = false;
	spin_unlock_irqrestore(&p->lock, flags);
	if (!wakeup)
		return;
	/* Pairs with the release in kvmlite_create_vcpu(). */
	n = smp_load_acquire(&vm->nr_vcpus);
	for (i = 0; i < n; i++) {
		struct kvmlite_vcpu *vcpu = kvmlite_vm_vcpu(vm, i);

		if (vcpu && kl_lapic_accept_extint(kl_vcpu(vcpu))) {
			kvmlite_vcpu_kick(vcpu);
			return;
		}
	}
}

/* The end of interrupt @irq of @s; tells resampling irqfds (unlocked). */
static void kl_pic_clear_isr(struct kl_pic *p, struct kvm_pic_state *s,
			     int irq, unsigned long *flags)
{
	s->isr &= ~BIT(irq);
	spin_unlock_irqrestore(&p->lock, *flags);
	kl_irq_acked(p->vm, kl_is_slave(p, s) ? KVM_IRQCHIP_PIC_SLAVE :
		     KVM_IRQCHIP_PIC_MASTER, irq);
	spin_lock_irqsave(&p->lock, *flags);
}

/* Input @irq of @s to @level; -1 if masked, 0 coalesced, 1 taken. */
static int kl_pic_set_irq1(struct kvm_pic_state *s, int irq, bool level)
{
	u8 mask = BIT(irq);
	int ret = 1;

	if (s->elcr & mask) {
		/* Level triggered. */
		if (level) {
			ret = !(s->irr & mask);
			s->irr |= mask;
			s->last_irr |= mask;
		} else {
			s->irr &= ~mask;
			s->last_irr &= ~mask;
		}
	} else if (level) {
		/* Edge triggered: a rising edge sets the request. */
		if (!(s->last_irr & mask)) {
			ret = !(s->irr & mask);
			s->irr |= mask;
		}
		s->last_irr |= mask;
	} else {
		s->last_irr &= ~mask;
	}
	return (s->imr & mask) ? -1 : ret;
}

/* The highest priority in @mask (0 highest), 8 for none. */
static int kl_pic_priority(struct kvm_pic_state *s, u8 mask)
{
	int prio = 0;

	if (!mask)
		return 8;
	while (!(mask & BIT((prio + s->priority_add) & 7)))
		prio++;
	return prio;
}

/* The input @s requests the CPU for, or -1. */
static int kl_pic_get_irq(struct kl_pic *p, struct kvm_pic_state *s)
{
	int prio = kl_pic_priority(s, s->irr & ~s->imr);
	u8 mask = s->isr;

	if (prio == 8)
		return -1;
	/* Special fully nested mode: the slave's in-service input counts not. */
	if (s->special_fully_nested_mode && !kl_is_slave(p, s))
		mask &= ~BIT(2);
	if (prio < kl_pic_priority(s, mask))
		return (prio + s->priority_add) & 7;
	return -1;
}

/* Recompute the cascade and the output (KVM's pic_update_irq()). */
static void kl_pic_update(struct kl_pic *p)
{
	bool out;

	if (kl_pic_get_irq(p, &p->chip[1]) >= 0) {
		kl_pic_set_irq1(&p->chip[0], 2, true);
		kl_pic_set_irq1(&p->chip[0], 2, false);
	}
	out = kl_pic_get_irq(p, &p->chip[0]) >= 0;
	if (out && !p->output)
		p->wakeup = true;
	p->output = out;
}

/* irqchip route to a PIC input; @pin 0-7 of @chip. */
int kl_pic_set_irq(struct kl_pic *p, u32 chip, u32 pin, bool level)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&p->lock, flags);
	ret = kl_pic_set_irq1(&p->chip[chip], pin, level);
	kl_pic_update(p);
	kl_pic_unlock(p, flags);
	return ret;
}

/* The INTA of @irq: in service, and the end at once in auto-EOI mode. */
static void kl_pic_intack(struct kl_pic *p, struct kvm_pic_state *s, int irq,
			  unsigned long *flags)
{
	s->isr |= BIT(irq);
	/* A level-triggered request stays until its input falls. */
	if (!(s->elcr & BIT(irq)))
		s->irr &= ~BIT(irq);
	if (s->auto_eoi) {
		if (s->rotate_on_auto_eoi)
			s->priority_add = (irq + 1) & 7;
		kl_pic_clear_isr(p, s, irq, flags);
	}
}

bool kl_pic_output(struct kl_pic *p)
{
	return p && READ_ONCE(p->output);
}

/* The vector of the interrupt the vCPU takes (KVM's kvm_pic_read_irq()). */
int kl_pic_read_irq(struct kl_pic *p)
{
	unsigned long flags;
	int irq, irq2, vec;

	spin_lock_irqsave(&p->lock, flags);
	p->output = false;
	irq = kl_pic_get_irq(p, &p->chip[0]);
	if (irq < 0) {
		/* Spurious: IRQ 7 of the master. */
		vec = p->chip[0].irq_base + 7;
	} else {
		kl_pic_intack(p, &p->chip[0], irq, &flags);
		if (irq == 2) {
			irq2 = kl_pic_get_irq(p, &p->chip[1]);
			if (irq2 >= 0)
				kl_pic_intack(p, &p->chip[1], irq2, &flags);
			else
				irq2 = 7;	/* spurious on the slave */
			vec = p->chip[1].irq_base + irq2;
		} else {
			vec = p->chip[0].irq_base + irq;
		}
	}
	kl_pic_update(p);
	kl_pic_unlock(p, flags);
	return vec;
}

/* ICW1 (KVM's kvm_pic_reset()). */
static void kl_pic_reset(struct kl_pic *p, struct kvm_pic_state *s,
			 unsigned long *flags)
{
	u8 edge_irr = s->irr & ~s->elcr;
	unsigned int i, n;
	bool found = false;
	int irq;

	s->last_irr = 0;
	s->irr &= s->elcr;
	s->imr = 0;
	s->priority_add = 0;
	s->special_mask = 0;
	s->read_reg_select = 0;
	if (!s->init4) {
		s->special_fully_nested_mode = 0;
		s->auto_eoi = 0;
	}
	s->init_state = 1;

	/* Pairs with the release in kvmlite_create_vcpu(). */
	n = smp_load_acquire(&p->vm->nr_vcpus);
	for (i = 0; i < n && !found; i++) {
		struct kvmlite_vcpu *vcpu = kvmlite_vm_vcpu(p->vm, i);

		found = vcpu && kl_lapic_accept_extint(kl_vcpu(vcpu));
	}
	if (!found)
		return;
	for (irq = 0; irq < 8; irq++)
		if (edge_irr & BIT(irq))
			kl_pic_clear_isr(p, s, irq, flags);
}

/* OCW2: the EOI commands and the rotations. */
static void kl_pic_ocw2(struct kl_pic *p, struct kvm_pic_state *s, u8 val,
			unsigned long *flags)
{
	int cmd = val >> 5, prio, irq;

	switch (cmd) {
	case 0:		/* rotate in auto-EOI mode: clear */
	case 4:		/* ... set */
		s->rotate_on_auto_eoi = cmd >> 2;
		break;
	case 1:		/* non-specific EOI */
	case 5:		/* ... and rotate */
		prio = kl_pic_priority(s, s->isr);
		if (prio == 8)
			break;
		irq = (prio + s->priority_add) & 7;
		if (cmd == 5)
			s->priority_add = (irq + 1) & 7;
		kl_pic_clear_isr(p, s, irq, flags);
		kl_pic_update(p);
		break;
	case 3:		/* specific EOI */
		kl_pic_clear_isr(p, s, val & 7, flags);
		kl_pic_update(p);
		break;
	case 6:		/* set priority */
		s->priority_add = (val + 1) & 7;
		kl_pic_update(p);
		break;
	case 7:		/* specific EOI and rotate */
		irq = val & 7;
		s->priority_add = (irq + 1) & 7;
		kl_pic_clear_isr(p, s, irq, flags);
		kl_pic_update(p);
		break;
	default:	/* no operation */
		break;
	}
}

/*
 * OCW1: the mask, and the changes told (KVM's pic_ioport_write(); as KVM,
 * the slave's inputs are told as pins 8-15, which no route maps).
 */
static void kl_pic_ocw1(struct kl_pic *p, struct kvm_pic_state *s, u8 val)
{
	u8 diff = s->imr ^ val;
	int irq, off = kl_is_slave(p, s) ? 8 : 0;

	s->imr = val;
	for (irq = 0; irq < 8; irq++)
		if (diff & BIT(irq))
			kl_irq_mask(p->vm, off ? KVM_IRQCHIP_PIC_SLAVE :
				    KVM_IRQCHIP_PIC_MASTER, irq + off,
				    val & BIT(irq));
	kl_pic_update(p);
}

static void kl_pic_write(struct kl_pic *p, struct kvm_pic_state *s, u16 port,
			 u8 val, unsigned long *flags)
{
	if (!(port & 1)) {
		if (val & 0x10) {		/* ICW1 */
			s->init4 = val & 1;
			kl_pic_reset(p, s, flags);
		} else if (val & 0x08) {	/* OCW3 */
			if (val & 0x04)
				s->poll = 1;
			if (val & 0x02)
				s->read_reg_select = val & 1;
			if (val & 0x40)
				s->special_mask = (val >> 5) & 1;
		} else {			/* OCW2 */
			kl_pic_ocw2(p, s, val, flags);
		}
		return;
	}
	switch (s->init_state) {
	case 0:		/* OCW1: the mask */
		kl_pic_ocw1(p, s, val);
		break;
	case 1:		/* ICW2: the vector base */
		s->irq_base = val & 0xf8;
		s->init_state = 2;
		break;
	case 2:		/* ICW3: the cascade (fixed) */
		s->init_state = s->init4 ? 3 : 0;
		break;
	case 3:		/* ICW4 */
		s->special_fully_nested_mode = (val >> 4) & 1;
		s->auto_eoi = (val >> 1) & 1;
		s->init_state = 0;
		break;
	}
}

/* A poll command's read: the request, acknowledged (KVM's pic_poll_read()). */
static u8 kl_pic_poll(struct kl_pic *p, struct kvm_pic_state *s,
		      unsigned long *flags)
{
	int irq = kl_pic_get_irq(p, s);

	if (irq < 0) {
		kl_pic_update(p);
		return 0x07;
	}
	if (kl_is_slave(p, s)) {
		p->chip[0].isr &= ~BIT(2);
		p->chip[0].irr &= ~BIT(2);
	}
	s->irr &= ~BIT(irq);
	kl_pic_clear_isr(p, s, irq, flags);
	if (kl_is_slave(p, s) || irq != 2)
		kl_pic_update(p);
	return irq | 0x80;
}

static u8 kl_pic_read(struct kl_pic *p, struct kvm_pic_state *s, u16 port,
		      unsigned long *flags)
{
	u8 ret;

	if (s->poll) {
		ret = kl_pic_poll(p, s, flags);
		s->poll = 0;
	} else if (port & 1) {
		ret = s->imr;
	} else {
		ret = s->read_reg_select ? s->isr : s->irr;
	}
	return ret;
}

/*
 * A guest IN or OUT: true if @port is the PICs' or the ELCR's (then done,
 * *@val read). As KVM, only byte accesses do anything; others read 0.
 */
bool kl_pic_pio(struct kl_pic *p, u16 port, u32 len, bool in, u32 *val)
{
	struct kvm_pic_state *s;
	unsigned long flags;

	switch (port) {
	case 0x20:
	case 0x21:
	case 0xa0:
	case 0xa1:
	case 0x4d0:
	case 0x4d1:
		break;
	default:
		return false;
	}
	if (in)
		*val = 0;
	if (len != 1)
		return true;
	if (port >= 0x4d0)
		s = &p->chip[port & 1];
	else
		s = &p->chip[port >> 7];

	spin_lock_irqsave(&p->lock, flags);
	if (port >= 0x4d0) {
		if (in)
			*val = s->elcr;
		else
			s->elcr = *val & s->elcr_mask;
	} else if (in) {
		*val = kl_pic_read(p, s, port, &flags);
	} else {
		kl_pic_write(p, s, port, *val, &flags);
	}
	kl_pic_unlock(p, flags);
	return true;
}

void kl_pic_get_state(struct kl_pic *p, u32 chip, struct kvm_pic_state *st)
{
	unsigned long flags;

	spin_lock_irqsave(&p->lock, flags);
	*st = p->chip[chip];
	spin_unlock_irqrestore(&p->lock, flags);
}

void kl_pic_set_state(struct kl_pic *p, u32 chip,
		      const struct kvm_pic_state *st)
{
	unsigned long flags;

	spin_lock_irqsave(&p->lock, flags);
	p->chip[chip] = *st;
	kl_pic_update(p);
	kl_pic_unlock(p, flags);
}

struct kl_pic *kl_pic_create(struct kvmlite_vm *vm)
{
	struct kl_pic *p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);

	if (!p)
		return NULL;
	spin_lock_init(&p->lock);
	p->vm = vm;
	/* The inputs whose trigger mode the ELCR may change (PIIX). */
	p->chip[0].elcr_mask = 0xf8;
	p->chip[1].elcr_mask = 0xde;
	return p;
}
