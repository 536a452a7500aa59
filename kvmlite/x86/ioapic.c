// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86: the in-kernel IOAPIC of KVM_CREATE_IRQCHIP, after KVM's
 * arch/x86/kvm/ioapic.c: 24 pins, version 0x11 (no EOI register), MMIO at
 * 0xfec00000 (IOREGSEL at +0x00, IOWIN at +0x10).
 *
 * The state is KVM_GET_IRQCHIP's struct kvm_ioapic_state. A pin's
 * redirection entry becomes an interrupt for the LAPICs (kl_lapic_deliver());
 * a level-triggered one sets Remote IRR until the LAPIC's EOI of its vector
 * (kl_ioapic_eoi()), which delivers it again while the input is still high.
 *
 * Locking: @lock (irqsave: inputs change from irqfd wake-ups with
 * interrupts off) guards the state; the LAPICs' locks are taken under it.
 * It is dropped around the acknowledgment notifications (resampling irqfds
 * lower the input again).
 *
 * Not done: KVM's RTC (GSI 8) coalescing status and its delayed re-injection
 * on an EOI storm.
 */
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <asm/apicdef.h>

#include "x86.h"

#define KL_IOAPIC_PINS		KVM_IOAPIC_NUM_PINS
#define KL_IOAPIC_VERSION	0x11
#define KL_IOAPIC_BASE		0xfec00000ULL
#define KL_IOAPIC_SIZE		0x100

/* The fields of a redirection entry (struct kvm_ioapic_state's). */
#define KL_RTE_VECTOR		GENMASK_ULL(7, 0)
#define KL_RTE_DM		GENMASK_ULL(10, 8)
#define KL_RTE_LOGICAL		BIT_ULL(11)
#define KL_RTE_STATUS		BIT_ULL(12)
#define KL_RTE_REMOTE_IRR	BIT_ULL(14)
#define KL_RTE_LEVEL		BIT_ULL(15)
#define KL_RTE_MASK		BIT_ULL(16)
#define KL_RTE_DEST_SHIFT	56

/**
 * struct kl_ioapic - a VM's IOAPIC
 * @lock:	see the top of this file
 * @s:		the registers; @s.irr holds the raised inputs
 * @irr_delivered: edge inputs delivered since they rose (KVM_GET_IRQCHIP
 *		does not show them pending)
 * @vm:		the VM
 */
struct kl_ioapic {
	spinlock_t lock;	/* see the top of this file */
	struct kvm_ioapic_state s;
	u32 irr_delivered;
	struct kvmlite_vm *vm;
};

static u64 *kl_rte(struct kl_ioapic *io, unsigned int pin)
{
	return &io->s.redirtbl[pin].bits;
}

/* Deliver pin @pin's interrupt (KVM's ioapic_service()); -1 if held. */
static int kl_ioapic_service(struct kl_ioapic *io, unsigned int pin)
{
	u64 *e = kl_rte(io, pin), rte = *e;
	bool level = rte & KL_RTE_LEVEL;
	int ret;

	if ((rte & KL_RTE_MASK) || (level && (rte & KL_RTE_REMOTE_IRR)))
		return -1;
	if (!level)
		io->irr_delivered |= BIT(pin);
	ret = kl_lapic_deliver(io->vm, rte >> KL_RTE_DEST_SHIFT,
			       rte & KL_RTE_LOGICAL, rte & KL_RTE_DM,
			       rte & KL_RTE_VECTOR, level);
	if (ret && level)
		*e |= KL_RTE_REMOTE_IRR;
	return ret;
}

/* Input @pin to @level (KVM's ioapic_set_irq()); 0: coalesced. */
static int kl_ioapic_set_irq_locked(struct kl_ioapic *io, unsigned int pin,
				    bool level)
{
	bool edge = !(*kl_rte(io, pin) & KL_RTE_LEVEL);
	u32 old = io->s.irr;

	if (!level) {
		io->s.irr &= ~BIT(pin);
		return 1;
	}
	io->s.irr |= BIT(pin);
	if (edge) {
		io->irr_delivered &= ~BIT(pin);
		/* An edge not delivered yet (masked) is coalesced. */
		if (old == io->s.irr)
			return 0;
	}
	return kl_ioapic_service(io, pin);
}

/* irqchip route to IOAPIC input @pin. */
int kl_ioapic_set_irq(struct kl_ioapic *io, u32 pin, bool level)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&io->lock, flags);
	ret = kl_ioapic_set_irq_locked(io, pin, level);
	spin_unlock_irqrestore(&io->lock, flags);
	return ret;
}

static u32 kl_ioapic_read_indirect(struct kl_ioapic *io)
{
	u32 sel = io->s.ioregsel, pin;
	u64 rte = ~0ULL;

	switch (sel) {
	case 0x00:	/* ID */
	case 0x02:	/* arbitration ID */
		return (io->s.id & 0xf) << 24;
	case 0x01:	/* version */
		return (KL_IOAPIC_PINS - 1) << 16 | KL_IOAPIC_VERSION;
	}
	pin = (sel - 0x10) >> 1;
	if (sel >= 0x10 && pin < KL_IOAPIC_PINS)
		rte = *kl_rte(io, array_index_nospec(pin, KL_IOAPIC_PINS));
	return (sel & 1) ? rte >> 32 : (u32)rte;
}

static void kl_ioapic_write_indirect(struct kl_ioapic *io, u32 val)
{
	u32 sel = io->s.ioregsel, pin;
	u64 *e, keep;
	bool masked;

	switch (sel) {
	case 0x00:
		io->s.id = (val >> 24) & 0xf;
		return;
	case 0x01:	/* read-only */
	case 0x02:
		return;
	}
	pin = (sel - 0x10) >> 1;
	if (sel < 0x10 || pin >= KL_IOAPIC_PINS)
		return;
	pin = array_index_nospec(pin, KL_IOAPIC_PINS);
	e = kl_rte(io, pin);
	keep = *e & (KL_RTE_REMOTE_IRR | KL_RTE_STATUS);
	masked = *e & KL_RTE_MASK;
	if (sel & 1)
		*e = (u32)*e | (u64)val << 32;
	else
		*e = (*e & ~0xffffffffULL) | val;
	*e = (*e & ~(KL_RTE_REMOTE_IRR | KL_RTE_STATUS)) | keep;
	/* KVM's kvm_fire_mask_notifiers() (the PIT's reinjection). */
	if (masked != !!(*e & KL_RTE_MASK))
		kl_irq_mask(io->vm, KVM_IRQCHIP_IOAPIC, pin, !masked);
	/*
	 * As KVM: an entry made edge-triggered drops its Remote IRR (Linux
	 * and Xen use that as an EOI), and a pending level input whose entry
	 * becomes deliverable is delivered.
	 */
	if (!(*e & KL_RTE_LEVEL))
		*e &= ~KL_RTE_REMOTE_IRR;
	if ((*e & KL_RTE_LEVEL) && (io->s.irr & BIT(pin)) &&
	    !(*e & (KL_RTE_MASK | KL_RTE_REMOTE_IRR)))
		kl_ioapic_service(io, pin);
}

/*
 * A guest MMIO access: true if @gpa is the IOAPIC's (then done, *@data
 * read). As KVM, the registers are at 16-byte boundaries; any size works.
 */
bool kl_ioapic_mmio(struct kl_ioapic *io, u64 gpa, u32 len, bool write,
		    u64 *data)
{
	unsigned long flags;
	u64 base, val = 0;

	if (!io)
		return false;
	base = READ_ONCE(io->s.base_address);
	if (gpa < base || gpa >= base + KL_IOAPIC_SIZE)
		return false;
	spin_lock_irqsave(&io->lock, flags);
	switch (gpa & 0xff) {
	case 0x00:
		if (write)
			io->s.ioregsel = *data & 0xff;
		else
			val = io->s.ioregsel;
		break;
	case 0x10:
		if (write)
			kl_ioapic_write_indirect(io, len >= 4 ? (u32)*data :
						 *data & (BIT(len * 8) - 1));
		else
			val = kl_ioapic_read_indirect(io);
		break;
	}
	spin_unlock_irqrestore(&io->lock, flags);
	if (!write)
		*data = len >= 8 ? val : val & (BIT_ULL(len * 8) - 1);
	return true;
}

/*
 * The EOI of @vec by @lapic_vcpu's LAPIC (KVM's kvm_ioapic_update_eoi()),
 * @level: the LAPIC had it level-triggered (TMR). Every pin of that vector
 * is acknowledged; a level one clears Remote IRR and is delivered again
 * while its input is high. Only vectors a level-triggered entry, or an edge
 * one with an ack notifier (the PIT's GSI 0 with reinjection), sends to
 * this vCPU concern the IOAPIC (KVM's ioapic_handled_vectors).
 */
void kl_ioapic_eoi(struct kl_ioapic *io, struct kl_vcpu *v, u8 vec,
		   bool level)
{
	unsigned long flags;
	bool handled = false;
	unsigned int pin;
	u64 rte;

	spin_lock_irqsave(&io->lock, flags);
	for (pin = 0; pin < KL_IOAPIC_PINS && !handled; pin++) {
		rte = *kl_rte(io, pin);
		handled = (rte & KL_RTE_VECTOR) == vec &&
			  ((rte & KL_RTE_LEVEL) ||
			   kl_pit_has_notifier(io->vm, KVM_IRQCHIP_IOAPIC, pin)) &&
			  kl_lapic_match(v, rte >> KL_RTE_DEST_SHIFT,
					 rte & KL_RTE_LOGICAL);
	}
	for (pin = 0; handled && pin < KL_IOAPIC_PINS; pin++) {
		u64 *e = kl_rte(io, pin);

		if ((*e & KL_RTE_VECTOR) != vec)
			continue;
		spin_unlock_irqrestore(&io->lock, flags);
		kl_irq_acked(io->vm, KVM_IRQCHIP_IOAPIC, pin);
		spin_lock_irqsave(&io->lock, flags);
		if (!level || !(*e & KL_RTE_LEVEL) ||
		    (kl_lapic_directed_eoi(v)))
			continue;
		*e &= ~KL_RTE_REMOTE_IRR;
		if (!(*e & KL_RTE_MASK) && (io->s.irr & BIT(pin)))
			kl_ioapic_service(io, pin);
	}
	spin_unlock_irqrestore(&io->lock, flags);
}

void kl_ioapic_get_state(struct kl_ioapic *io, struct kvm_ioapic_state *st)
{
	unsigned long flags;

	spin_lock_irqsave(&io->lock, flags);
	*st = io->s;
	st->irr &= ~io->irr_delivered;
	spin_unlock_irqrestore(&io->lock, flags);
}

/* KVM's kvm_set_ioapic(): the registers, then the raised inputs again. */
void kl_ioapic_set_state(struct kl_ioapic *io,
			 const struct kvm_ioapic_state *st)
{
	unsigned long flags, irr;
	unsigned int pin;

	spin_lock_irqsave(&io->lock, flags);
	io->s = *st;
	io->s.irr = 0;
	io->irr_delivered = 0;
	irr = st->irr;
	for_each_set_bit(pin, &irr, KL_IOAPIC_PINS)
		kl_ioapic_set_irq_locked(io, pin, true);
	spin_unlock_irqrestore(&io->lock, flags);
}

struct kl_ioapic *kl_ioapic_create(struct kvmlite_vm *vm)
{
	struct kl_ioapic *io = kzalloc(sizeof(*io), GFP_KERNEL_ACCOUNT);
	unsigned int pin;

	if (!io)
		return NULL;
	spin_lock_init(&io->lock);
	io->vm = vm;
	/* KVM's kvm_ioapic_reset(). */
	for (pin = 0; pin < KL_IOAPIC_PINS; pin++)
		*kl_rte(io, pin) = KL_RTE_MASK;
	io->s.base_address = KL_IOAPIC_BASE;
	return io;
}
