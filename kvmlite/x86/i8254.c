// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86: the in-kernel 8254 PIT of KVM_CREATE_PIT2, after KVM's
 * arch/x86/kvm/i8254.c (itself after QEMU's and Xen's): three channels at
 * ports 0x40-0x43 (modes 0-5, counter latch, read-back, status; BCD kept
 * but counted in binary, as KVM), and with KVM_PIT_SPEAKER_DUMMY port 0x61
 * (channel 2's gate, the speaker data bit, channel 2's output).
 *
 * Channel 0 drives GSI 0 from an hrtimer: its callback (hard interrupt
 * context) only counts the tick and queues a kthread work that raises and
 * lowers the GSI through the VM's routes (KVM's pit_timer_fn() and
 * pit_do_work()). With KVM_REINJECT_CONTROL's reinjection (the default) a
 * tick is injected only once the previous one was acknowledged (EOI at the
 * PIC, or at the IOAPIC for an edge-triggered pin: kl_pit_acked()), the
 * ticks missed meanwhile one by one after it; unmasking the input forgets
 * them (kl_pit_mask()).
 *
 * The state of a channel is KVM_GET_PIT2's struct kvm_pit_channel_state
 * itself (KVM's kvm_kpit_channel_state has the same layout).
 *
 * Locking: @lock (a mutex: restarting the timer waits for the work) guards
 * the channels, @flags and the timer's period; @reinject, @pending and
 * @irq_ack are atomics shared with the timer, the work and the
 * acknowledgments. The PIT lives from KVM_CREATE_PIT2 to the VM's teardown
 * (kl_pit_destroy(), before the routes go), published with release
 * semantics once complete.
 */
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "x86.h"

#define KL_PIT_BASE	0x40	/* KVM_PIT_BASE_ADDRESS */
#define KL_PIT_LEN	4	/* KVM_PIT_MEM_LENGTH */
#define KL_SPEAKER_PORT	0x61	/* KVM_SPEAKER_BASE_ADDRESS */
#define KL_SPEAKER_LEN	4
#define KL_PIT_FREQ	1193181	/* KVM_PIT_FREQ */
/* KVM's min_timer_period_us (x86.c): the shortest periodic tick. */
#define KL_PIT_MIN_PERIOD_NS	(200 * NSEC_PER_USEC)

#define RW_STATE_LSB	1
#define RW_STATE_MSB	2
#define RW_STATE_WORD0	3
#define RW_STATE_WORD1	4

/**
 * struct kl_pit - the PIT of a VM (KVM's struct kvm_pit)
 * @lock:	see the top of this file
 * @ch:		the three channels
 * @flags:	KVM_PIT_FLAGS_HPET_LEGACY, KVM_PIT_FLAGS_SPEAKER_DATA_ON
 * @periodic:	channel 0 in mode 2 or 3: the timer re-arms
 * @period:	channel 0's period in ns (0: never started)
 * @timer:	channel 0's ticks
 * @reinject:	KVM_REINJECT_CONTROL's pit_reinject
 * @pending:	ticks not injected yet (with @reinject)
 * @irq_ack:	the last tick injected was acknowledged
 * @speaker:	KVM_PIT_SPEAKER_DUMMY: port 0x61 is the PIT's
 * @vm:		the VM
 * @worker:	runs @expired
 * @expired:	raise and lower GSI 0 (kl_pit_do_work())
 */
struct kl_pit {
	struct mutex lock;	/* see the top of this file */
	struct kvm_pit_channel_state ch[3];
	u32 flags;
	bool periodic;
	s64 period;
	struct hrtimer timer;
	atomic_t reinject;
	atomic_t pending;
	atomic_t irq_ack;
	bool speaker;
	struct kvmlite_vm *vm;
	struct kthread_worker *worker;
	struct kthread_work expired;
};

static struct kl_pit *kl_pit_get(struct kvmlite_vm *vm)
{
	/* Pairs with the release in kl_pit_create(). */
	return smp_load_acquire(&kl_vm(vm)->pit);
}

/* KVM's pit_set_gate(). */
static void kl_pit_set_gate(struct kl_pit *pit, int channel, u32 val)
{
	struct kvm_pit_channel_state *c = &pit->ch[channel];

	switch (c->mode) {
	default:
	case 0:
	case 4:
		/* As KVM: counting is neither stopped nor started. */
		break;
	case 1:
	case 2:
	case 3:
	case 5:
		/* Restart counting on a rising edge. */
		if (c->gate < val)
			c->count_load_time = ktime_get();
		break;
	}
	c->gate = val;
}

/* KVM's kpit_elapsed(): ns since the count was loaded. */
static s64 kl_pit_elapsed(struct kl_pit *pit, int channel)
{
	struct kvm_pit_channel_state *c = &pit->ch[channel];
	ktime_t remaining;

	if (channel)
		return ktime_to_ns(ktime_sub(ktime_get(), c->count_load_time));
	/*
	 * Channel 0 counts from the timer (KVM's __kpit_elapsed()); in modes
	 * 0, 1, 4 and 5 the counter wraps around past zero.
	 */
	if (!pit->period)
		return 0;
	remaining = hrtimer_get_remaining(&pit->timer);
	return pit->period - ktime_to_ns(remaining);
}

/* KVM's pit_get_count(). */
static int kl_pit_get_count(struct kl_pit *pit, int channel)
{
	struct kvm_pit_channel_state *c = &pit->ch[channel];
	s64 d, t;

	t = kl_pit_elapsed(pit, channel);
	d = mul_u64_u32_div(t, KL_PIT_FREQ, NSEC_PER_SEC);

	switch (c->mode) {
	case 0:
	case 1:
	case 4:
	case 5:
		return (c->count - d) & 0xffff;
	case 3:
		/* As KVM: may be off for odd counts. */
		return c->count - ((2 * d) % c->count);
	default:
		return c->count - (d % c->count);
	}
}

/* KVM's pit_get_out(). */
static int kl_pit_get_out(struct kl_pit *pit, int channel)
{
	struct kvm_pit_channel_state *c = &pit->ch[channel];
	s64 d, t;

	t = kl_pit_elapsed(pit, channel);
	d = mul_u64_u32_div(t, KL_PIT_FREQ, NSEC_PER_SEC);

	switch (c->mode) {
	default:
	case 0:
		return d >= c->count;
	case 1:
		return d < c->count;
	case 2:
		return (d % c->count) == 0 && d != 0;
	case 3:
		return (d % c->count) < ((c->count + 1) >> 1);
	case 4:
	case 5:
		return d == c->count;
	}
}

/* KVM's pit_latch_count(). */
static void kl_pit_latch_count(struct kl_pit *pit, int channel)
{
	struct kvm_pit_channel_state *c = &pit->ch[channel];

	if (!c->count_latched) {
		c->latched_count = kl_pit_get_count(pit, channel);
		c->count_latched = c->rw_mode;
	}
}

/* KVM's pit_latch_status(): as KVM, NULL COUNT (bit 6) is never set. */
static void kl_pit_latch_status(struct kl_pit *pit, int channel)
{
	struct kvm_pit_channel_state *c = &pit->ch[channel];

	if (!c->status_latched) {
		c->status = (kl_pit_get_out(pit, channel) << 7) |
			    (c->rw_mode << 4) | (c->mode << 1) | c->bcd;
		c->status_latched = 1;
	}
}

/* KVM's kvm_pit_reset_reinject(). */
static void kl_pit_reset_reinject(struct kl_pit *pit)
{
	atomic_set(&pit->pending, 0);
	atomic_set(&pit->irq_ack, 1);
}

/* KVM's pit_do_work(): a tick on GSI 0 (the kthread worker). */
static void kl_pit_do_work(struct kthread_work *work)
{
	struct kl_pit *pit = container_of(work, struct kl_pit, expired);

	if (atomic_read(&pit->reinject) && !atomic_xchg(&pit->irq_ack, 0))
		return;
	kvmlite_irq_set_gsi(pit->vm, 0, true);
	kvmlite_irq_set_gsi(pit->vm, 0, false);
}

/* KVM's pit_timer_fn() (hard interrupt context). */
static enum hrtimer_restart kl_pit_timer_fn(struct hrtimer *timer)
{
	struct kl_pit *pit = container_of(timer, struct kl_pit, timer);

	if (atomic_read(&pit->reinject))
		atomic_inc(&pit->pending);
	kthread_queue_work(pit->worker, &pit->expired);
	if (!pit->periodic)
		return HRTIMER_NORESTART;
	hrtimer_add_expires_ns(&pit->timer, pit->period);
	return HRTIMER_RESTART;
}

/* KVM's destroy_pit_timer(). */
static void kl_pit_stop_timer(struct kl_pit *pit)
{
	hrtimer_cancel(&pit->timer);
	kthread_flush_work(&pit->expired);
}

/* KVM's create_pit_timer(): channel 0 loaded with @val ticks. */
static void kl_pit_start_timer(struct kl_pit *pit, u32 val, bool periodic)
{
	s64 interval;

	if (pit->flags & KVM_PIT_FLAGS_HPET_LEGACY)
		return;
	interval = mul_u64_u32_div(val, NSEC_PER_SEC, KL_PIT_FREQ);
	kl_pit_stop_timer(pit);
	pit->period = interval;
	pit->periodic = periodic;
	kl_pit_reset_reinject(pit);
	/* As KVM: no periodic tick shorter than min_timer_period_us. */
	if (periodic && pit->period < KL_PIT_MIN_PERIOD_NS) {
		pr_info_ratelimited("kvmlite: i8254 timer period %lld ns limited to %lld ns\n",
				    pit->period, (s64)KL_PIT_MIN_PERIOD_NS);
		pit->period = KL_PIT_MIN_PERIOD_NS;
	}
	hrtimer_start(&pit->timer, ktime_add_ns(ktime_get(), interval),
		      HRTIMER_MODE_ABS);
}

/* KVM's pit_load_count(); 0 is 0x10000. */
static void kl_pit_load_count(struct kl_pit *pit, int channel, u32 val)
{
	if (!val)
		val = 0x10000;
	pit->ch[channel].count = val;
	if (channel) {
		pit->ch[channel].count_load_time = ktime_get();
		return;
	}
	switch (pit->ch[0].mode) {
	case 0:
	case 1:
	case 4:
		kl_pit_start_timer(pit, val, false);
		break;
	case 2:
	case 3:
		kl_pit_start_timer(pit, val, true);
		break;
	default:
		kl_pit_stop_timer(pit);
	}
}

/* KVM's kvm_pit_load_count(): @hpet_start stops channel 0's timer. */
static void kl_pit_load(struct kl_pit *pit, int channel, u32 val,
			bool hpet_start)
{
	u8 mode = pit->ch[0].mode;

	lockdep_assert_held(&pit->lock);
	if (!hpet_start) {
		kl_pit_load_count(pit, channel, val);
		return;
	}
	pit->ch[0].mode = 0xff;
	kl_pit_load_count(pit, channel, val);
	pit->ch[0].mode = mode;
}

/* KVM's pit_ioport_write(): the low byte of @val to port 0x40 + @addr. */
static void kl_pit_write(struct kl_pit *pit, u32 addr, u32 val)
{
	struct kvm_pit_channel_state *c;
	int channel, access;

	val &= 0xff;
	if (addr == 3) {
		channel = val >> 6;
		if (channel == 3) {
			/* Read-back command. */
			for (channel = 0; channel < 3; channel++) {
				if (!(val & (2 << channel)))
					continue;
				if (!(val & 0x20))
					kl_pit_latch_count(pit, channel);
				if (!(val & 0x10))
					kl_pit_latch_status(pit, channel);
			}
			return;
		}
		c = &pit->ch[channel];
		access = (val >> 4) & 3;
		if (!access) {
			kl_pit_latch_count(pit, channel);
			return;
		}
		c->rw_mode = access;
		c->read_state = access;
		c->write_state = access;
		c->mode = (val >> 1) & 7;
		if (c->mode > 5)
			c->mode -= 4;
		c->bcd = val & 1;
		return;
	}
	c = &pit->ch[addr];
	switch (c->write_state) {
	default:
	case RW_STATE_LSB:
		kl_pit_load_count(pit, addr, val);
		break;
	case RW_STATE_MSB:
		kl_pit_load_count(pit, addr, val << 8);
		break;
	case RW_STATE_WORD0:
		c->write_latch = val;
		c->write_state = RW_STATE_WORD1;
		break;
	case RW_STATE_WORD1:
		kl_pit_load_count(pit, addr, c->write_latch | (val << 8));
		c->write_state = RW_STATE_WORD0;
		break;
	}
}

/* KVM's pit_ioport_read() of channel @addr's port. */
static u32 kl_pit_read(struct kl_pit *pit, u32 addr)
{
	struct kvm_pit_channel_state *c = &pit->ch[addr];
	int count;
	u32 ret;

	if (c->status_latched) {
		c->status_latched = 0;
		return c->status;
	}
	if (c->count_latched) {
		switch (c->count_latched) {
		default:
		case RW_STATE_LSB:
			ret = c->latched_count & 0xff;
			c->count_latched = 0;
			break;
		case RW_STATE_MSB:
			ret = c->latched_count >> 8;
			c->count_latched = 0;
			break;
		case RW_STATE_WORD0:
			ret = c->latched_count & 0xff;
			c->count_latched = RW_STATE_MSB;
			break;
		}
		return ret;
	}
	count = kl_pit_get_count(pit, addr);
	switch (c->read_state) {
	default:
	case RW_STATE_LSB:
		return count & 0xff;
	case RW_STATE_MSB:
		return (count >> 8) & 0xff;
	case RW_STATE_WORD0:
		c->read_state = RW_STATE_WORD1;
		return count & 0xff;
	case RW_STATE_WORD1:
		c->read_state = RW_STATE_WORD0;
		return (count >> 8) & 0xff;
	}
}

/* KVM's speaker_ioport_read(): the refresh clock toggles every 2^14 ns. */
static u32 kl_speaker_read(struct kl_pit *pit)
{
	u32 refresh = ((unsigned int)ktime_to_ns(ktime_get()) >> 14) & 1;

	return (!!(pit->flags & KVM_PIT_FLAGS_SPEAKER_DATA_ON) << 1) |
	       pit->ch[2].gate | (kl_pit_get_out(pit, 2) << 5) |
	       (refresh << 4);
}

/*
 * A guest IN or OUT (not a string one): true if @port is the PIT's (then
 * done, *@val read: it holds RAX on entry). As KVM's PIO bus, the access
 * must lie within 0x40-0x43 or, with the speaker, 0x61-0x64, of which only
 * 0x61 is the speaker's; a read of 0x43 leaves the bytes of RAX (KVM's
 * kvm_fast_pio_in() merges below 4 bytes), a 4-byte one reads 0.
 */
bool kl_pit_pio(struct kvmlite_vm *vm, u16 port, u32 len, bool in, u32 *val)
{
	struct kl_pit *pit = kl_pit_get(vm);
	u32 addr;

	if (!pit)
		return false;
	if (pit->speaker && port == KL_SPEAKER_PORT) {
		mutex_lock(&pit->lock);
		if (in) {
			*val = kl_speaker_read(pit);
		} else {
			/* KVM's speaker_ioport_write(). */
			if (*val & BIT(1))
				pit->flags |= KVM_PIT_FLAGS_SPEAKER_DATA_ON;
			else
				pit->flags &= ~KVM_PIT_FLAGS_SPEAKER_DATA_ON;
			kl_pit_set_gate(pit, 2, *val & 1);
		}
		mutex_unlock(&pit->lock);
		return true;
	}
	if (port < KL_PIT_BASE || port + len > KL_PIT_BASE + KL_PIT_LEN)
		return false;
	addr = port - KL_PIT_BASE;
	if (in && addr == 3) {
		if (len == 4)
			*val = 0;
		return true;
	}
	mutex_lock(&pit->lock);
	if (in)
		*val = kl_pit_read(pit, addr);
	else
		kl_pit_write(pit, addr, *val);
	mutex_unlock(&pit->lock);
	return true;
}

/* KVM's kvm_pit_set_reinject() (the ack and mask notifiers: @reinject). */
static void kl_pit_set_reinject(struct kl_pit *pit, bool reinject)
{
	if (atomic_read(&pit->reinject) == reinject)
		return;
	/* The initial state is kept while reinjection is off. */
	if (reinject)
		kl_pit_reset_reinject(pit);
	atomic_set(&pit->reinject, reinject);
}

/* Whether @irqchip input @pin is GSI 0 with reinjection (its ack notifier). */
bool kl_pit_has_notifier(struct kvmlite_vm *vm, u32 irqchip, u32 pin)
{
	struct kl_pit *pit = kl_pit_get(vm);

	return pit && atomic_read(&pit->reinject) &&
	       kvmlite_irq_chip_gsi(vm, irqchip, pin) == 0;
}

/* The input was acknowledged (KVM's kvm_pit_ack_irq()); any context. */
void kl_pit_acked(struct kvmlite_vm *vm, u32 irqchip, u32 pin)
{
	struct kl_pit *pit = kl_pit_get(vm);

	if (!kl_pit_has_notifier(vm, irqchip, pin))
		return;
	atomic_set(&pit->irq_ack, 1);
	/*
	 * irq_ack before pending is read; pairs with the increment in the
	 * timer and the exchange in the work.
	 */
	smp_mb();
	if (atomic_dec_if_positive(&pit->pending) > 0)
		kthread_queue_work(pit->worker, &pit->expired);
}

/* The input was masked or unmasked (KVM's pit_mask_notifer()). */
void kl_pit_mask(struct kvmlite_vm *vm, u32 irqchip, u32 pin, bool masked)
{
	struct kl_pit *pit = kl_pit_get(vm);

	if (!masked && kl_pit_has_notifier(vm, irqchip, pin))
		kl_pit_reset_reinject(pit);
}

/* KVM's kvm_pit_reset(). */
static void kl_pit_reset(struct kl_pit *pit)
{
	int i;

	pit->flags = 0;
	for (i = 0; i < 3; i++) {
		pit->ch[i].mode = 0xff;
		pit->ch[i].gate = i != 2;
		kl_pit_load_count(pit, i, 0);
	}
	kl_pit_reset_reinject(pit);
}

/* KVM's kvm_create_pit(). */
static struct kl_pit *kl_pit_alloc(struct kvmlite_vm *vm, u32 flags)
{
	struct kl_pit *pit = kzalloc(sizeof(*pit), GFP_KERNEL_ACCOUNT);

	if (!pit)
		return NULL;
	mutex_init(&pit->lock);
	pit->worker = kthread_create_worker(0, "kvmlite-pit/%d",
					    task_tgid_vnr(current));
	if (IS_ERR(pit->worker)) {
		kfree(pit);
		return NULL;
	}
	kthread_init_work(&pit->expired, kl_pit_do_work);
	pit->vm = vm;
	hrtimer_init(&pit->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	pit->timer.function = kl_pit_timer_fn;
	pit->speaker = flags & KVM_PIT_SPEAKER_DUMMY;
	mutex_lock(&pit->lock);
	kl_pit_reset(pit);
	kl_pit_set_reinject(pit, true);
	mutex_unlock(&pit->lock);
	return pit;
}

/*
 * KVM_CREATE_PIT2 (and KVM_CREATE_PIT, with the speaker), as
 * kvm_arch_vm_ioctl(): once (EEXIST), with the in-kernel PIC (ENOENT);
 * flags other than KVM_PIT_SPEAKER_DUMMY are ignored, as KVM does.
 */
static long kl_pit_create(struct kvmlite_vm *vm, u32 flags)
{
	struct kl_vm *kvm = kl_vm(vm);
	struct kl_pit *pit;
	long r;

	down_write(&vm->lock);
	r = -EEXIST;
	if (kvm->pit)
		goto out;
	r = -ENOENT;
	if (kl_irqchip_mode(vm) != KL_IRQCHIP_KERNEL)
		goto out;
	r = -ENOMEM;
	pit = kl_pit_alloc(vm, flags);
	if (!pit)
		goto out;
	/* Pairs with the acquire in kl_pit_get(). */
	smp_store_release(&kvm->pit, pit);
	r = 0;
out:
	up_write(&vm->lock);
	return r;
}

/* KVM's kvm_vm_ioctl_set_pit2() (and _set_pit(): @flags NULL). */
static void kl_pit_set_state(struct kl_pit *pit,
			     const struct kvm_pit_channel_state *ch,
			     const u32 *flags)
{
	bool start = false;
	int i;

	mutex_lock(&pit->lock);
	if (flags) {
		start = !(pit->flags & KVM_PIT_FLAGS_HPET_LEGACY) &&
			(*flags & KVM_PIT_FLAGS_HPET_LEGACY);
		pit->flags = *flags;
	}
	memcpy(pit->ch, ch, sizeof(pit->ch));
	for (i = 0; i < 3; i++)
		kl_pit_load(pit, i, pit->ch[i].count, start && !i);
	mutex_unlock(&pit->lock);
}

/*
 * KVM_GET_PIT, KVM_SET_PIT, KVM_GET_PIT2, KVM_SET_PIT2 and
 * KVM_REINJECT_CONTROL with KVM's order of checks: the argument is read
 * first (EFAULT) where KVM reads it first, then the PIT must exist (ENXIO).
 * As KVM, no field is checked: any state is accepted and kept.
 */
static long kl_pit_state(struct kvmlite_vm *vm, unsigned int ioctl,
			 void __user *argp)
{
	struct kvm_reinject_control ctl;
	struct kvm_pit_state2 ps2;
	struct kvm_pit_state ps;
	struct kl_pit *pit;
	long r = 0;

	BUILD_BUG_ON(sizeof(ps) != sizeof(pit->ch));
	switch (ioctl) {
	case KVM_GET_PIT:
		if (copy_from_user(&ps, argp, sizeof(ps)))
			return -EFAULT;
		pit = kl_pit_get(vm);
		if (!pit)
			return -ENXIO;
		mutex_lock(&pit->lock);
		memcpy(&ps, pit->ch, sizeof(ps));
		mutex_unlock(&pit->lock);
		return copy_to_user(argp, &ps, sizeof(ps)) ? -EFAULT : 0;
	case KVM_GET_PIT2:
		pit = kl_pit_get(vm);
		if (!pit)
			return -ENXIO;
		memset(&ps2, 0, sizeof(ps2));
		mutex_lock(&pit->lock);
		memcpy(ps2.channels, pit->ch, sizeof(ps2.channels));
		ps2.flags = pit->flags;
		mutex_unlock(&pit->lock);
		return copy_to_user(argp, &ps2, sizeof(ps2)) ? -EFAULT : 0;
	case KVM_SET_PIT:
		if (copy_from_user(&ps, argp, sizeof(ps)))
			return -EFAULT;
		break;
	case KVM_SET_PIT2:
		if (copy_from_user(&ps2, argp, sizeof(ps2)))
			return -EFAULT;
		break;
	case KVM_REINJECT_CONTROL:
		if (copy_from_user(&ctl, argp, sizeof(ctl)))
			return -EFAULT;
		pit = kl_pit_get(vm);
		if (!pit)
			return -ENXIO;
		mutex_lock(&pit->lock);
		kl_pit_set_reinject(pit, ctl.pit_reinject);
		mutex_unlock(&pit->lock);
		return 0;
	}
	/* The two sets, under the VM's lock as KVM's under kvm->lock. */
	down_write(&vm->lock);
	pit = kl_pit_get(vm);
	if (!pit)
		r = -ENXIO;
	else if (ioctl == KVM_SET_PIT)
		kl_pit_set_state(pit, ps.channels, NULL);
	else
		kl_pit_set_state(pit, ps2.channels, &ps2.flags);
	up_write(&vm->lock);
	return r;
}

long kl_pit_vm_ioctl(struct kvmlite_vm *vm, unsigned int ioctl,
		     void __user *argp)
{
	struct kvm_pit_config cfg;

	switch (ioctl) {
	case KVM_CREATE_PIT:
		return kl_pit_create(vm, KVM_PIT_SPEAKER_DUMMY);
	case KVM_CREATE_PIT2:
		if (copy_from_user(&cfg, argp, sizeof(cfg)))
			return -EFAULT;
		return kl_pit_create(vm, cfg.flags);
	case KVM_GET_PIT:
	case KVM_SET_PIT:
	case KVM_GET_PIT2:
	case KVM_SET_PIT2:
	case KVM_REINJECT_CONTROL:
		return kl_pit_state(vm, ioctl, argp);
	}
	return -ENOTTY;
}

/*
 * VM teardown (KVM's kvm_free_pit()), before the routes and irqfds go: no
 * vCPU or ioctl is left, so nothing restarts the timer; the work queued
 * last runs before the worker ends.
 */
void kl_pit_destroy(struct kvmlite_vm *vm)
{
	struct kl_pit *pit = kl_vm(vm)->pit;

	if (!pit)
		return;
	atomic_set(&pit->reinject, 0);
	hrtimer_cancel(&pit->timer);
	kthread_destroy_worker(pit->worker);
	kfree(pit);
	kl_vm(vm)->pit = NULL;
}
