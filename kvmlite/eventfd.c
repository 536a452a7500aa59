// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite core: irqfd, ioeventfd, GSI routing and KVM_SIGNAL_MSI, as KVM's
 * virt/kvm/eventfd.c and virt/kvm/irqchip.c.
 *
 * GSI routing: KVM_SET_GSI_ROUTING builds a new table (GSI -> irqchip input
 * or MSI, and irqchip input -> GSI for acknowledgments) and replaces the
 * old one under RCU; readers (injection, acknowledgment) only take
 * rcu_read_lock(). Without a table every GSI has no route.
 *
 * irqfd: a wait-queue entry on the eventfd whose callback (called with the
 * eventfd's wait-queue lock held, interrupts off) reads the counter and
 * raises the GSI's single route through the backend's set_irq()/set_msi(),
 * which may be called in atomic context. A GSI with no route or with more
 * than one, and an irqfd being torn down, go through a work item instead
 * (a pulse for a plain irqfd, a raise for a resampling one), as KVM's
 * irqfd_inject(). EPOLLHUP (the eventfd's last file closed), deassign and
 * VM teardown deactivate the irqfd under irqfds_lock and queue its shutdown
 * on the VM's cleanup workqueue; deassign and teardown wait for it.
 * Resampling irqfds share one resampler per GSI: when the guest deactivates
 * the input (kvmlite_irq_acked()) the line is lowered once and every
 * resamplefd of the GSI is signalled.
 *
 * ioeventfd: an RCU list per VM searched by the backends on guest MMIO and
 * port writes; the first entry that matches (address exact; length exact
 * unless registered with length 0; data unless a wildcard) is signalled and
 * the write does not exit. Registration rules and errnos are KVM's.
 */
#include <linux/errno.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/workqueue.h>

#include "kvmlite.h"

/* KVM_MAX_IRQ_ROUTES of <linux/kvm_host.h>: GSIs and entries per table. */
#define KVMLITE_MAX_IRQ_ROUTES	4096

/* Linux 6.8 dropped the count argument of eventfd_signal(). */
#if KERNEL_VERSION(6, 8, 0) > LINUX_VERSION_CODE
#define kvmlite_signal(ctx)	eventfd_signal(ctx, 1)
#else
#define kvmlite_signal(ctx)	eventfd_signal(ctx)
#endif

/* Buses of KVM_IOEVENTFD (KVM's enum kvm_bus, without the fast MMIO one). */
enum {
	KVMLITE_BUS_MMIO,
	KVMLITE_BUS_PIO,
	/* s390's: registrations are kept, no guest write reaches them (KVM) */
	KVMLITE_BUS_CCW,
};

/**
 * struct kvmlite_irq_target - where a GSI goes
 * @type:	KVM_IRQ_ROUTING_IRQCHIP or KVM_IRQ_ROUTING_MSI; 0 none
 * @irqchip:	irqchip number (IRQCHIP)
 * @pin:	input of @irqchip (IRQCHIP)
 * @msi:	the message (MSI), flags KVM_MSI_VALID_DEVID or 0
 */
struct kvmlite_irq_target {
	u32 type;
	u32 irqchip;
	u32 pin;
	struct kvm_msi msi;
};

/**
 * struct kvmlite_irq_route - one entry of a routing table
 * @link:	in the table's map[@gsi]
 * @gsi:	its GSI
 * @t:		its target
 */
struct kvmlite_irq_route {
	struct hlist_node link;
	u32 gsi;
	struct kvmlite_irq_target t;
};

/**
 * struct kvmlite_irq_routing - a routing table, immutable once published
 * @nr_gsis:	size of @map (highest GSI + 1)
 * @chip:	GSI of each irqchip input (irqchip * irqchip_pins + pin), -1
 *		for none
 * @routes:	the entries
 * @map:	entries by GSI
 */
struct kvmlite_irq_routing {
	u32 nr_gsis;
	int *chip;
	struct kvmlite_irq_route *routes;
	struct hlist_head map[];
};

/**
 * struct kvmlite_eventfds - a VM's irqfds, ioeventfds and routing table
 * @vm:		the VM
 * @lock:	serialises routing changes, ioeventfd changes and the creation
 *		of @cleanup_wq
 * @routing:	the routing table (RCU), NULL for none
 * @ioeventfds:	registered ioeventfds (RCU readers, writers under @lock)
 * @irqfds_lock: protects @irqfds and each irqfd's cached route
 * @irqfds:	active irqfds
 * @resampler_lock: serialises changes of @resamplers and their irqfds
 * @resamplers:	one per GSI with resampling irqfds (RCU readers)
 * @cleanup_wq:	where irqfds are shut down; created by the first KVM_IRQFD
 *		assign (as KVM's irqfd_cleanup_wq, but per VM)
 */
struct kvmlite_eventfds {
	struct kvmlite_vm *vm;
	struct mutex lock;		/* see @lock above */
	struct kvmlite_irq_routing __rcu *routing;
	struct list_head ioeventfds;
	spinlock_t irqfds_lock;		/* see @irqfds_lock above */
	struct list_head irqfds;
	struct mutex resampler_lock;	/* see @resampler_lock above */
	struct list_head resamplers;
	struct workqueue_struct *cleanup_wq;
};

/**
 * struct kvmlite_resampler - the resampling irqfds of one GSI
 * @efd:	the VM's eventfd state
 * @gsi:	the GSI
 * @link:	in efd->resamplers
 * @irqfds:	its irqfds (RCU readers)
 */
struct kvmlite_resampler {
	struct kvmlite_eventfds *efd;
	u32 gsi;
	struct list_head link;
	struct list_head irqfds;
};

/**
 * struct kvmlite_irqfd - an eventfd that injects a GSI
 * @efd:	the VM's eventfd state
 * @eventfd:	the eventfd (a reference)
 * @gsi:	the GSI it raises
 * @wait:	its entry on the eventfd's wait queue
 * @pt:		poll table that adds @wait
 * @list:	in efd->irqfds while active, empty once deactivated
 * @route_sc:	guards @route (writers hold efd->irqfds_lock)
 * @route:	the GSI's route when it has exactly one, else type 0
 * @resampler:	its resampler (resampling irqfds), else NULL
 * @resamplefd:	signalled when the guest deactivates the input (a reference)
 * @resampler_link: in resampler->irqfds
 * @inject:	injection from process context
 * @shutdown:	teardown, on efd->cleanup_wq
 */
struct kvmlite_irqfd {
	struct kvmlite_eventfds *efd;
	struct eventfd_ctx *eventfd;
	u32 gsi;
	wait_queue_entry_t wait;
	poll_table pt;
	struct list_head list;
	seqcount_spinlock_t route_sc;
	struct kvmlite_irq_target route;
	struct kvmlite_resampler *resampler;
	struct eventfd_ctx *resamplefd;
	struct list_head resampler_link;
	struct work_struct inject;
	struct work_struct shutdown;
};

/**
 * struct kvmlite_ioeventfd - a guest write that signals an eventfd
 * @list:	in efd->ioeventfds
 * @addr:	guest-physical address or port
 * @len:	access size 1, 2, 4 or 8; 0 for any
 * @bus:	KVMLITE_BUS_*
 * @wildcard:	any value matches (no KVM_IOEVENTFD_FLAG_DATAMATCH)
 * @datamatch:	else the value that does
 * @eventfd:	the eventfd (a reference)
 */
struct kvmlite_ioeventfd {
	struct list_head list;
	u64 addr;
	u32 len;
	u8 bus;
	bool wildcard;
	u64 datamatch;
	struct eventfd_ctx *eventfd;
};

/* --- routing ------------------------------------------------------------- */

/*
 * A backend with neither set_irq nor set_msi has no in-kernel irqchip at all
 * (x86's split irqchip has only LAPICs: MSIs, no irqchip pins).
 */
static bool kvmlite_has_irqchip(void)
{
	return kvmlite_arch_ops.set_irq || kvmlite_arch_ops.set_msi;
}

/*
 * KVM's kvm_arch_irqchip_in_kernel(): the VM's irqchip exists (it may not be
 * initialised yet: then it is an in-kernel device of the VM).
 */
static bool kvmlite_irqchip_in_kernel(struct kvmlite_vm *vm)
{
	if (!kvmlite_has_irqchip())
		return false;
	if (!kvmlite_arch_ops.irqchip_ready)
		return true;
	return kvmlite_arch_ops.irqchip_ready(vm) || !list_empty(&vm->devices);
}

/* One route: what the backend returns (< 0: not delivered). */
static int kvmlite_irq_deliver(struct kvmlite_vm *vm,
			       const struct kvmlite_irq_target *t, bool level)
{
	switch (t->type) {
	case KVM_IRQ_ROUTING_IRQCHIP:
		if (kvmlite_arch_ops.set_irq)
			return kvmlite_arch_ops.set_irq(vm, t->irqchip, t->pin,
							level);
		break;
	case KVM_IRQ_ROUTING_MSI:
		/* As KVM's kvm_set_msi(): an MSI has no level to lower. */
		if (level && kvmlite_arch_ops.set_msi)
			return kvmlite_arch_ops.set_msi(vm, &t->msi);
		break;
	}
	return -1;
}

/*
 * KVM's kvm_set_irq(): drive every route of @gsi to @level. The sum of what
 * the routes took, -1 if none did (KVM_IRQ_LINE_STATUS's status).
 */
static int kvmlite_set_gsi(struct kvmlite_eventfds *efd, u32 gsi, bool level)
{
	struct kvmlite_irq_routing *rt;
	struct kvmlite_irq_route *r;
	int ret = -1, n;

	rcu_read_lock();
	rt = rcu_dereference(efd->routing);
	if (rt && gsi < rt->nr_gsis) {
		hlist_for_each_entry(r, &rt->map[gsi], link) {
			n = kvmlite_irq_deliver(efd->vm, &r->t, level);
			if (n >= 0)
				ret = n + max(ret, 0);
		}
	}
	rcu_read_unlock();
	return ret;
}

/* KVM_IRQ_LINE and KVM_IRQ_LINE_STATUS through the routes (x86's). */
long kvmlite_irq_line(struct kvmlite_vm *vm, bool status,
		      struct kvm_irq_level __user *argp)
{
	struct kvm_irq_level irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	irq.status = kvmlite_set_gsi(vm->eventfds, irq.irq, irq.level);
	if (status && copy_to_user(argp, &irq, sizeof(irq)))
		return -EFAULT;
	return 0;
}

int kvmlite_irq_set_gsi(struct kvmlite_vm *vm, u32 gsi, bool level)
{
	return kvmlite_set_gsi(vm->eventfds, gsi, level);
}

/* Whether @gsi's route is an MSI, and which (*@msi). Any context. */
bool kvmlite_irq_route_msi(struct kvmlite_vm *vm, u32 gsi, struct kvm_msi *msi)
{
	struct kvmlite_irq_routing *rt;
	struct kvmlite_irq_route *r;
	bool found = false;

	rcu_read_lock();
	rt = rcu_dereference(vm->eventfds->routing);
	if (rt && gsi < rt->nr_gsis) {
		hlist_for_each_entry_rcu(r, &rt->map[gsi], link) {
			if (r->t.type == KVM_IRQ_ROUTING_MSI) {
				*msi = r->t.msi;
				found = true;
				break;
			}
		}
	}
	rcu_read_unlock();
	return found;
}

static void kvmlite_routing_free(struct kvmlite_irq_routing *rt)
{
	if (!rt)
		return;
	kvfree(rt->chip);
	kvfree(rt->routes);
	kfree(rt);
}

/* KVM's setup_routing_entry() with the arch's kvm_set_routing_entry(). */
static int kvmlite_route_setup(struct kvmlite_vm *vm,
			       struct kvmlite_irq_routing *rt,
			       struct kvmlite_irq_route *e,
			       const struct kvm_irq_routing_entry *ue)
{
	u32 chips = kvmlite_arch_ops.nr_irqchips;
	u32 pins = kvmlite_arch_ops.irqchip_pins;
	struct kvmlite_irq_route *ei;
	u32 gsi;

	switch (ue->type) {
	case KVM_IRQ_ROUTING_MSI:
		if (ue->flags & ~KVM_MSI_VALID_DEVID)
			return -EINVAL;
		break;
	default:
		if (ue->flags)
			return -EINVAL;
		break;
	}
	gsi = array_index_nospec(ue->gsi, rt->nr_gsis);
	/*
	 * A GSI goes to each irqchip at most once, and a non-irqchip route
	 * is the GSI's only one.
	 */
	hlist_for_each_entry(ei, &rt->map[gsi], link)
		if (ei->t.type != KVM_IRQ_ROUTING_IRQCHIP ||
		    ue->type != KVM_IRQ_ROUTING_IRQCHIP ||
		    ue->u.irqchip.irqchip == ei->t.irqchip)
			return -EINVAL;

	e->gsi = gsi;
	e->t.type = ue->type;
	switch (ue->type) {
	case KVM_IRQ_ROUTING_IRQCHIP:
		if (ue->u.irqchip.irqchip >= chips ||
		    ue->u.irqchip.pin >= pins)
			return -EINVAL;
		if (kvmlite_arch_ops.route_check &&
		    kvmlite_arch_ops.route_check(vm, ue->u.irqchip.irqchip,
						 ue->u.irqchip.pin))
			return -EINVAL;
		e->t.irqchip = ue->u.irqchip.irqchip;
		e->t.pin = ue->u.irqchip.pin;
		rt->chip[e->t.irqchip * pins + e->t.pin] = gsi;
		break;
	case KVM_IRQ_ROUTING_MSI:
		e->t.msi.address_lo = ue->u.msi.address_lo;
		e->t.msi.address_hi = ue->u.msi.address_hi;
		e->t.msi.data = ue->u.msi.data;
		e->t.msi.flags = ue->flags;
		e->t.msi.devid = ue->u.msi.devid;
		break;
	default:
		return -EINVAL;
	}
	hlist_add_head(&e->link, &rt->map[gsi]);
	return 0;
}

/*
 * Cache the route of @irqfd's GSI in @rt (KVM's irqfd_update()): one route
 * is injected from the wake-up callback, none or several from the work item.
 * Called with efd->irqfds_lock held.
 */
static void kvmlite_irqfd_update(struct kvmlite_irqfd *irqfd,
				 struct kvmlite_irq_routing *rt)
{
	struct kvmlite_irq_route *r, *one = NULL;
	unsigned int n = 0;

	if (rt && irqfd->gsi < rt->nr_gsis) {
		hlist_for_each_entry(r, &rt->map[irqfd->gsi], link) {
			one = r;
			n++;
		}
	}
	write_seqcount_begin(&irqfd->route_sc);
	if (n == 1)
		irqfd->route = one->t;
	else
		irqfd->route.type = 0;
	write_seqcount_end(&irqfd->route_sc);
}

/* KVM's kvm_set_irq_routing(): build, check, publish, free the old table. */
int kvmlite_irq_routing_set(struct kvmlite_vm *vm,
			    const struct kvm_irq_routing_entry *ue, u32 nr)
{
	u32 pins = kvmlite_arch_ops.nr_irqchips * kvmlite_arch_ops.irqchip_pins;
	struct kvmlite_eventfds *efd = vm->eventfds;
	struct kvmlite_irq_routing *rt, *old;
	struct kvmlite_irqfd *irqfd;
	u32 i, nr_gsis = 0;
	int r;

	for (i = 0; i < nr; i++) {
		if (ue[i].gsi >= KVMLITE_MAX_IRQ_ROUTES)
			return -EINVAL;
		nr_gsis = max(nr_gsis, ue[i].gsi);
	}
	nr_gsis++;

	rt = kzalloc(struct_size(rt, map, nr_gsis), GFP_KERNEL_ACCOUNT);
	if (!rt)
		return -ENOMEM;
	rt->nr_gsis = nr_gsis;
	r = -ENOMEM;
	if (pins) {
		rt->chip = kvmalloc_array(pins, sizeof(*rt->chip),
					  GFP_KERNEL_ACCOUNT);
		if (!rt->chip)
			goto out;
		memset(rt->chip, 0xff, pins * sizeof(*rt->chip));
	}
	if (nr) {
		rt->routes = kvcalloc(nr, sizeof(*rt->routes),
				      GFP_KERNEL_ACCOUNT);
		if (!rt->routes)
			goto out;
	}
	for (i = 0; i < nr; i++) {
		r = kvmlite_route_setup(vm, rt, &rt->routes[i], &ue[i]);
		if (r)
			goto out;
	}

	mutex_lock(&efd->lock);
	old = rcu_dereference_protected(efd->routing,
					lockdep_is_held(&efd->lock));
	rcu_assign_pointer(efd->routing, rt);
	/* KVM's kvm_irq_routing_update(). */
	spin_lock_irq(&efd->irqfds_lock);
	list_for_each_entry(irqfd, &efd->irqfds, list)
		kvmlite_irqfd_update(irqfd, rt);
	spin_unlock_irq(&efd->irqfds_lock);
	mutex_unlock(&efd->lock);

	synchronize_rcu_expedited();
	rt = old;
	r = 0;
out:
	kvmlite_routing_free(rt);
	return r;
}

int kvmlite_irq_routing_default(struct kvmlite_vm *vm, u32 nr_pins)
{
	struct kvm_irq_routing_entry *ue;
	u32 i;
	int r;

	ue = kvcalloc(nr_pins, sizeof(*ue), GFP_KERNEL_ACCOUNT);
	if (!ue && nr_pins)
		return -ENOMEM;
	for (i = 0; i < nr_pins; i++) {
		ue[i].gsi = i;
		ue[i].type = KVM_IRQ_ROUTING_IRQCHIP;
		ue[i].u.irqchip.irqchip = 0;
		ue[i].u.irqchip.pin = i;
	}
	r = kvmlite_irq_routing_set(vm, ue, nr_pins);
	kvfree(ue);
	return r;
}

static long kvmlite_gsi_routing_ioctl(struct kvmlite_vm *vm,
				      struct kvm_irq_routing __user *argp)
{
	struct kvm_irq_routing_entry *entries = NULL;
	struct kvm_irq_routing routing;
	long r;

	if (copy_from_user(&routing, argp, sizeof(routing)))
		return -EFAULT;
	/* KVM's kvm_arch_can_set_irq_routing() (x86: the VM's irqchip). */
	if (kvmlite_arch_ops.irqchip_per_vm ? !kvmlite_irqchip_in_kernel(vm) :
	    !kvmlite_has_irqchip())
		return -EINVAL;
	if (routing.nr > KVMLITE_MAX_IRQ_ROUTES || routing.flags)
		return -EINVAL;
	if (routing.nr) {
		entries = vmemdup_user(argp->entries,
				       array_size(sizeof(*entries),
						  routing.nr));
		if (IS_ERR(entries))
			return PTR_ERR(entries);
	}
	r = kvmlite_irq_routing_set(vm, entries, routing.nr);
	kvfree(entries);
	return r;
}

/* KVM's kvm_send_userspace_msi(). */
static long kvmlite_signal_msi(struct kvmlite_vm *vm, void __user *argp)
{
	struct kvm_msi msi;

	if (copy_from_user(&msi, argp, sizeof(msi)))
		return -EFAULT;
	if (!kvmlite_irqchip_in_kernel(vm) ||
	    (msi.flags & ~KVM_MSI_VALID_DEVID))
		return -EINVAL;
	/* As arm64's kvm_set_msi() without an ITS. */
	if (!kvmlite_arch_ops.set_msi)
		return -ENODEV;
	return kvmlite_arch_ops.set_msi(vm, &msi);
}

/* --- irqfd --------------------------------------------------------------- */

static bool kvmlite_irqfd_active(struct kvmlite_irqfd *irqfd)
{
	return !list_empty(&irqfd->list);
}

/* KVM's irqfd_inject(): a pulse, or a raise for a resampling irqfd. */
static void kvmlite_irqfd_inject(struct work_struct *work)
{
	struct kvmlite_irqfd *irqfd =
		container_of(work, struct kvmlite_irqfd, inject);

	if (!irqfd->resampler) {
		kvmlite_set_gsi(irqfd->efd, irqfd->gsi, true);
		kvmlite_set_gsi(irqfd->efd, irqfd->gsi, false);
	} else {
		kvmlite_set_gsi(irqfd->efd, irqfd->gsi, true);
	}
}

/*
 * KVM's irqfd_resampler_ack(): the guest deactivated the input; lower the
 * line once and tell every resamplefd of the GSI. Under rcu_read_lock().
 */
static void kvmlite_resampler_ack(struct kvmlite_resampler *res)
{
	struct kvmlite_irqfd *irqfd;

	kvmlite_set_gsi(res->efd, res->gsi, false);
	list_for_each_entry_rcu(irqfd, &res->irqfds, resampler_link)
		kvmlite_signal(irqfd->resamplefd);
}

void kvmlite_irq_acked(struct kvmlite_vm *vm, u32 irqchip, u32 pin)
{
	u32 pins = kvmlite_arch_ops.irqchip_pins;
	struct kvmlite_eventfds *efd = vm->eventfds;
	struct kvmlite_irq_routing *rt;
	struct kvmlite_resampler *res;
	int gsi = -1;

	if (irqchip >= kvmlite_arch_ops.nr_irqchips || pin >= pins ||
	    list_empty(&efd->resamplers))
		return;
	rcu_read_lock();
	rt = rcu_dereference(efd->routing);
	if (rt)
		gsi = rt->chip[irqchip * pins + pin];
	if (gsi >= 0) {
		list_for_each_entry_rcu(res, &efd->resamplers, link) {
			if (res->gsi == gsi) {
				kvmlite_resampler_ack(res);
				break;
			}
		}
	}
	rcu_read_unlock();
}

int kvmlite_irq_chip_gsi(struct kvmlite_vm *vm, u32 irqchip, u32 pin)
{
	u32 pins = kvmlite_arch_ops.irqchip_pins;
	struct kvmlite_irq_routing *rt;
	int gsi = -1;

	if (irqchip >= kvmlite_arch_ops.nr_irqchips || pin >= pins)
		return -1;
	rcu_read_lock();
	rt = rcu_dereference(vm->eventfds->routing);
	if (rt)
		gsi = rt->chip[irqchip * pins + pin];
	rcu_read_unlock();
	return gsi;
}

/* KVM's irqfd_resampler_shutdown(). */
static void kvmlite_resampler_shutdown(struct kvmlite_irqfd *irqfd)
{
	struct kvmlite_resampler *res = irqfd->resampler;
	struct kvmlite_eventfds *efd = res->efd;

	mutex_lock(&efd->resampler_lock);
	list_del_rcu(&irqfd->resampler_link);
	if (list_empty(&res->irqfds)) {
		list_del_rcu(&res->link);
		synchronize_rcu_expedited();
		kvmlite_set_gsi(efd, res->gsi, false);
		kfree(res);
	} else {
		synchronize_rcu_expedited();
	}
	mutex_unlock(&efd->resampler_lock);
}

/* KVM's irqfd_shutdown(): the irqfd is inactive; unhook it and free it. */
static void kvmlite_irqfd_shutdown(struct work_struct *work)
{
	struct kvmlite_irqfd *irqfd =
		container_of(work, struct kvmlite_irqfd, shutdown);
	u64 cnt;

	/* The assign path is done with it (it holds rcu_read_lock()). */
	synchronize_rcu_expedited();
	/* No wake-up runs or comes after this. */
	eventfd_ctx_remove_wait_queue(irqfd->eventfd, &irqfd->wait, &cnt);
	flush_work(&irqfd->inject);
	if (irqfd->resampler) {
		kvmlite_resampler_shutdown(irqfd);
		eventfd_ctx_put(irqfd->resamplefd);
	}
	eventfd_ctx_put(irqfd->eventfd);
	kfree(irqfd);
}

/* Called with efd->irqfds_lock held. */
static void kvmlite_irqfd_deactivate(struct kvmlite_irqfd *irqfd)
{
	list_del_init(&irqfd->list);
	queue_work(irqfd->efd->cleanup_wq, &irqfd->shutdown);
}

/*
 * The eventfd was signalled (EPOLLIN) or its last file is closing
 * (EPOLLHUP). Called with the eventfd's wait-queue lock held, interrupts
 * off: the backend's set_irq()/set_msi() may be called here.
 */
static int kvmlite_irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
				int sync, void *key)
{
	struct kvmlite_irqfd *irqfd =
		container_of(wait, struct kvmlite_irqfd, wait);
	struct kvmlite_eventfds *efd = irqfd->efd;
	__poll_t flags = key_to_poll(key);
	struct kvmlite_irq_target t;
	unsigned long iflags;
	unsigned int seq;
	int ret = 0;
	u64 cnt;

	if (flags & EPOLLIN) {
		eventfd_ctx_do_read(irqfd->eventfd, &cnt);
		do {
			seq = read_seqcount_begin(&irqfd->route_sc);
			t = irqfd->route;
		} while (read_seqcount_retry(&irqfd->route_sc, seq));
		/*
		 * As KVM's kvm_arch_set_irq_inatomic() on arm64: the single
		 * route is raised here; anything else, and an irqfd on its
		 * way out (its route may be stale), from the work item.
		 */
		if (unlikely(!kvmlite_irqfd_active(irqfd)) || !t.type)
			schedule_work(&irqfd->inject);
		else
			kvmlite_irq_deliver(efd->vm, &t, true);
		ret = 1;
	}
	if (flags & EPOLLHUP) {
		/*
		 * The eventfd is going. Whoever deactivated the irqfd first
		 * (deassign, teardown) shuts it down; that side must take
		 * the wait-queue lock we hold, so the irqfd cannot go away.
		 */
		spin_lock_irqsave(&efd->irqfds_lock, iflags);
		if (kvmlite_irqfd_active(irqfd))
			kvmlite_irqfd_deactivate(irqfd);
		spin_unlock_irqrestore(&efd->irqfds_lock, iflags);
	}
	return ret;
}

static void kvmlite_irqfd_queue_proc(struct file *file,
				     wait_queue_head_t *wqh, poll_table *pt)
{
	struct kvmlite_irqfd *irqfd =
		container_of(pt, struct kvmlite_irqfd, pt);

	add_wait_queue_priority(wqh, &irqfd->wait);
}

/* The cleanup workqueue, created at the VM's first irqfd. */
static int kvmlite_irqfd_wq(struct kvmlite_eventfds *efd)
{
	struct workqueue_struct *wq;
	int r = 0;

	mutex_lock(&efd->lock);
	if (!efd->cleanup_wq) {
		wq = alloc_workqueue("kvmlite-irqfd", 0, 0);
		if (wq)
			efd->cleanup_wq = wq;
		else
			r = -ENOMEM;
	}
	mutex_unlock(&efd->lock);
	return r;
}

/* Attach @irqfd to the resampler of its GSI, making one if needed. */
static int kvmlite_resampler_attach(struct kvmlite_irqfd *irqfd)
{
	struct kvmlite_eventfds *efd = irqfd->efd;
	struct kvmlite_resampler *res;

	mutex_lock(&efd->resampler_lock);
	list_for_each_entry(res, &efd->resamplers, link) {
		if (res->gsi == irqfd->gsi) {
			irqfd->resampler = res;
			break;
		}
	}
	if (!irqfd->resampler) {
		res = kzalloc(sizeof(*res), GFP_KERNEL_ACCOUNT);
		if (!res) {
			mutex_unlock(&efd->resampler_lock);
			return -ENOMEM;
		}
		res->efd = efd;
		res->gsi = irqfd->gsi;
		INIT_LIST_HEAD(&res->irqfds);
		list_add_rcu(&res->link, &efd->resamplers);
		irqfd->resampler = res;
	}
	list_add_rcu(&irqfd->resampler_link, &irqfd->resampler->irqfds);
	mutex_unlock(&efd->resampler_lock);
	return 0;
}

/* KVM's kvm_irqfd_assign(). */
static int kvmlite_irqfd_assign(struct kvmlite_vm *vm,
				const struct kvm_irqfd *args)
{
	struct kvmlite_eventfds *efd = vm->eventfds;
	struct eventfd_ctx *eventfd = NULL, *resamplefd = NULL;
	struct kvmlite_irqfd *irqfd, *tmp;
	struct file *file;
	__poll_t events;
	int r;

	if (kvmlite_arch_ops.irqchip_per_vm) {
		/*
		 * x86's kvm_arch_irqfd_allowed(): the VM's irqchip, and one
		 * with pins (KVM_CREATE_IRQCHIP's) for a resampling irqfd.
		 */
		if (!kvmlite_irqchip_in_kernel(vm) ||
		    ((args->flags & KVM_IRQFD_FLAG_RESAMPLE) &&
		     (!kvmlite_arch_ops.route_check ||
		      kvmlite_arch_ops.route_check(vm, 0, 0))))
			return -EINVAL;
	} else {
		/* KVM's kvm_arch_intc_initialized() (arm64: the vGIC). */
		if (kvmlite_arch_ops.irqchip_ready &&
		    !kvmlite_arch_ops.irqchip_ready(vm))
			return -EAGAIN;
		if (!kvmlite_has_irqchip())
			return -EINVAL;
	}
	r = kvmlite_irqfd_wq(efd);
	if (r)
		return r;

	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd)
		return -ENOMEM;
	irqfd->efd = efd;
	irqfd->gsi = args->gsi;
	INIT_LIST_HEAD(&irqfd->list);
	INIT_WORK(&irqfd->inject, kvmlite_irqfd_inject);
	INIT_WORK(&irqfd->shutdown, kvmlite_irqfd_shutdown);
	seqcount_spinlock_init(&irqfd->route_sc, &efd->irqfds_lock);

	file = fget(args->fd);
	if (!file) {
		r = -EBADF;
		goto out;
	}
	eventfd = eventfd_ctx_fileget(file);
	if (IS_ERR(eventfd)) {
		r = PTR_ERR(eventfd);
		eventfd = NULL;
		goto fail;
	}
	irqfd->eventfd = eventfd;

	if (args->flags & KVM_IRQFD_FLAG_RESAMPLE) {
		resamplefd = eventfd_ctx_fdget(args->resamplefd);
		if (IS_ERR(resamplefd)) {
			r = PTR_ERR(resamplefd);
			resamplefd = NULL;
			goto fail;
		}
		irqfd->resamplefd = resamplefd;
		INIT_LIST_HEAD(&irqfd->resampler_link);
		r = kvmlite_resampler_attach(irqfd);
		if (r)
			goto fail;
	}

	init_waitqueue_func_entry(&irqfd->wait, kvmlite_irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, kvmlite_irqfd_queue_proc);

	spin_lock_irq(&efd->irqfds_lock);
	list_for_each_entry(tmp, &efd->irqfds, list) {
		if (tmp->eventfd == eventfd) {
			/* This eventfd already injects a GSI. */
			spin_unlock_irq(&efd->irqfds_lock);
			r = -EBUSY;
			goto fail;
		}
	}
	/*
	 * Held until the irqfd is on the wait queue: a shutdown (deassign
	 * from another thread) waits for it with synchronize_rcu().
	 */
	rcu_read_lock();
	kvmlite_irqfd_update(irqfd, rcu_dereference(efd->routing));
	list_add_tail(&irqfd->list, &efd->irqfds);
	spin_unlock_irq(&efd->irqfds_lock);

	/* An event signalled before we were on the wait queue. */
	events = vfs_poll(file, &irqfd->pt);
	if (events & EPOLLIN)
		schedule_work(&irqfd->inject);
	rcu_read_unlock();
	/* Held until here so that EPOLLHUP cannot come before. */
	fput(file);
	return 0;

fail:
	if (irqfd->resampler)
		kvmlite_resampler_shutdown(irqfd);
	if (resamplefd)
		eventfd_ctx_put(resamplefd);
	if (eventfd)
		eventfd_ctx_put(eventfd);
	fput(file);
out:
	kfree(irqfd);
	return r;
}

/* KVM's kvm_irqfd_deassign(): every irqfd of this eventfd and GSI goes. */
static int kvmlite_irqfd_deassign(struct kvmlite_vm *vm,
				  const struct kvm_irqfd *args)
{
	struct kvmlite_eventfds *efd = vm->eventfds;
	struct kvmlite_irqfd *irqfd, *tmp;
	struct eventfd_ctx *eventfd;
	struct workqueue_struct *wq;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	spin_lock_irq(&efd->irqfds_lock);
	list_for_each_entry_safe(irqfd, tmp, &efd->irqfds, list)
		if (irqfd->eventfd == eventfd && irqfd->gsi == args->gsi)
			kvmlite_irqfd_deactivate(irqfd);
	spin_unlock_irq(&efd->irqfds_lock);
	eventfd_ctx_put(eventfd);

	/* No interrupt comes from it once we return. */
	mutex_lock(&efd->lock);
	wq = efd->cleanup_wq;
	mutex_unlock(&efd->lock);
	if (wq)
		flush_workqueue(wq);
	return 0;
}

static long kvmlite_irqfd(struct kvmlite_vm *vm, void __user *argp)
{
	struct kvm_irqfd args;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~(KVM_IRQFD_FLAG_DEASSIGN | KVM_IRQFD_FLAG_RESAMPLE))
		return -EINVAL;
	if (args.flags & KVM_IRQFD_FLAG_DEASSIGN)
		return kvmlite_irqfd_deassign(vm, &args);
	return kvmlite_irqfd_assign(vm, &args);
}

/* --- ioeventfd ----------------------------------------------------------- */

static u8 kvmlite_ioeventfd_bus(u32 flags)
{
	if (flags & KVM_IOEVENTFD_FLAG_PIO)
		return KVMLITE_BUS_PIO;
	if (flags & KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY)
		return KVMLITE_BUS_CCW;
	return KVMLITE_BUS_MMIO;
}

/* KVM's ioeventfd_in_range(). */
static bool kvmlite_ioeventfd_hit(const struct kvmlite_ioeventfd *p,
				  u64 addr, u32 len, const void *val)
{
	u64 v;

	if (addr != p->addr)
		return false;
	if (!p->len)
		return true;
	if (len != p->len)
		return false;
	if (p->wildcard)
		return true;
	switch (len) {
	case 1: {
		u8 b;

		memcpy(&b, val, 1);
		v = b;
		break;
	}
	case 2: {
		u16 h;

		memcpy(&h, val, 2);
		v = h;
		break;
	}
	case 4: {
		u32 w;

		memcpy(&w, val, 4);
		v = w;
		break;
	}
	case 8:
		memcpy(&v, val, 8);
		break;
	default:
		return false;
	}
	return v == p->datamatch;
}

bool kvmlite_ioeventfd_write(struct kvmlite_vm *vm, bool pio, u64 addr,
			     u32 len, const void *val)
{
	struct kvmlite_eventfds *efd = vm->eventfds;
	u8 bus = pio ? KVMLITE_BUS_PIO : KVMLITE_BUS_MMIO;
	struct kvmlite_ioeventfd *p;
	bool hit = false;

	if (list_empty(&efd->ioeventfds))
		return false;
	rcu_read_lock();
	list_for_each_entry_rcu(p, &efd->ioeventfds, list) {
		if (p->bus == bus && kvmlite_ioeventfd_hit(p, addr, len, val)) {
			kvmlite_signal(p->eventfd);
			hit = true;
			break;
		}
	}
	rcu_read_unlock();
	return hit;
}

/* KVM's ioeventfd_check_collision(). Called with efd->lock held. */
static bool kvmlite_ioeventfd_collides(struct kvmlite_eventfds *efd,
				       const struct kvmlite_ioeventfd *p)
{
	struct kvmlite_ioeventfd *q;

	list_for_each_entry(q, &efd->ioeventfds, list)
		if (q->bus == p->bus && q->addr == p->addr &&
		    (!q->len || !p->len ||
		     (q->len == p->len &&
		      (q->wildcard || p->wildcard ||
		       q->datamatch == p->datamatch))))
			return true;
	return false;
}

/* KVM's kvm_assign_ioeventfd(). */
static int kvmlite_ioeventfd_assign(struct kvmlite_vm *vm,
				    const struct kvm_ioeventfd *args)
{
	struct kvmlite_eventfds *efd = vm->eventfds;
	struct eventfd_ctx *eventfd;
	struct kvmlite_ioeventfd *p;
	int r = 0;

	switch (args->len) {
	case 0:
	case 1:
	case 2:
	case 4:
	case 8:
		break;
	default:
		return -EINVAL;
	}
	if (args->addr + args->len < args->addr)
		return -EINVAL;
	if (args->flags & ~KVM_IOEVENTFD_VALID_FLAG_MASK)
		return -EINVAL;
	/* No length, no data to match. */
	if (!args->len && (args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH))
		return -EINVAL;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		eventfd_ctx_put(eventfd);
		return -ENOMEM;
	}
	p->addr = args->addr;
	p->len = args->len;
	p->bus = kvmlite_ioeventfd_bus(args->flags);
	p->eventfd = eventfd;
	if (args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH)
		p->datamatch = args->datamatch;
	else
		p->wildcard = true;

	mutex_lock(&efd->lock);
	if (kvmlite_ioeventfd_collides(efd, p))
		r = -EEXIST;
	else
		list_add_tail_rcu(&p->list, &efd->ioeventfds);
	mutex_unlock(&efd->lock);
	if (r) {
		eventfd_ctx_put(eventfd);
		kfree(p);
	}
	return r;
}

/* KVM's kvm_deassign_ioeventfd(): the one registered with these values. */
static int kvmlite_ioeventfd_deassign(struct kvmlite_vm *vm,
				      const struct kvm_ioeventfd *args)
{
	bool wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	u8 bus = kvmlite_ioeventfd_bus(args->flags);
	struct kvmlite_eventfds *efd = vm->eventfds;
	struct kvmlite_ioeventfd *p, *found = NULL;
	struct eventfd_ctx *eventfd;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	mutex_lock(&efd->lock);
	list_for_each_entry(p, &efd->ioeventfds, list) {
		if (p->bus != bus || p->eventfd != eventfd ||
		    p->addr != args->addr || p->len != args->len ||
		    p->wildcard != wildcard)
			continue;
		if (!p->wildcard && p->datamatch != args->datamatch)
			continue;
		list_del_rcu(&p->list);
		found = p;
		break;
	}
	mutex_unlock(&efd->lock);
	eventfd_ctx_put(eventfd);
	if (!found)
		return -ENOENT;
	/* No vCPU signals it once we return. */
	synchronize_rcu_expedited();
	eventfd_ctx_put(found->eventfd);
	kfree(found);
	return 0;
}

static long kvmlite_ioeventfd(struct kvmlite_vm *vm, void __user *argp)
{
	struct kvm_ioeventfd args;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags & KVM_IOEVENTFD_FLAG_DEASSIGN)
		return kvmlite_ioeventfd_deassign(vm, &args);
	return kvmlite_ioeventfd_assign(vm, &args);
}

/* --- the core's entry points --------------------------------------------- */

long kvmlite_eventfd_ioctl(struct kvmlite_vm *vm, unsigned int ioctl,
			   void __user *argp)
{
	switch (ioctl) {
	case KVM_IRQFD:
		return kvmlite_irqfd(vm, argp);
	case KVM_IOEVENTFD:
		return kvmlite_ioeventfd(vm, argp);
	case KVM_SET_GSI_ROUTING:
		return kvmlite_gsi_routing_ioctl(vm, argp);
	case KVM_SIGNAL_MSI:
		return kvmlite_signal_msi(vm, argp);
	}
	return -EINVAL;
}

/*
 * The caps of this file. As KVM, which reports those of the irqchip from
 * CONFIG_HAVE_KVM_IRQCHIP and friends (arm64 and x86 both select them), they
 * do not depend on the VM having an irqchip: on x86 without one the ioctls
 * answer EINVAL (QEMU requires KVM_CAP_IRQ_ROUTING even with its userspace
 * irqchip). KVM_CAP_MSI_DEVID is the backend's (arm64's ITS).
 */
long kvmlite_eventfd_caps(long ext)
{
	switch (ext) {
	case KVM_CAP_IOEVENTFD:
	case KVM_CAP_IOEVENTFD_ANY_LENGTH:
	case KVM_CAP_IRQFD:
	case KVM_CAP_IRQFD_RESAMPLE:
	case KVM_CAP_SIGNAL_MSI:
		return 1;
	case KVM_CAP_IRQ_ROUTING:
		return KVMLITE_MAX_IRQ_ROUTES;
	}
	return 0;
}

int kvmlite_eventfd_init(struct kvmlite_vm *vm)
{
	struct kvmlite_eventfds *efd;

	efd = kzalloc(sizeof(*efd), GFP_KERNEL_ACCOUNT);
	if (!efd)
		return -ENOMEM;
	efd->vm = vm;
	mutex_init(&efd->lock);
	INIT_LIST_HEAD(&efd->ioeventfds);
	spin_lock_init(&efd->irqfds_lock);
	INIT_LIST_HEAD(&efd->irqfds);
	mutex_init(&efd->resampler_lock);
	INIT_LIST_HEAD(&efd->resamplers);
	vm->eventfds = efd;
	return 0;
}

/*
 * VM teardown (no fd of the VM is left, so no ioctl and no vCPU runs): shut
 * every irqfd down and wait for it (KVM's kvm_irqfd_release()), drop the
 * ioeventfds and the routing table.
 */
void kvmlite_eventfd_release(struct kvmlite_vm *vm)
{
	struct kvmlite_eventfds *efd = vm->eventfds;
	struct kvmlite_irqfd *irqfd, *tmp;
	struct kvmlite_ioeventfd *p, *q;

	if (!efd)
		return;
	spin_lock_irq(&efd->irqfds_lock);
	list_for_each_entry_safe(irqfd, tmp, &efd->irqfds, list)
		kvmlite_irqfd_deactivate(irqfd);
	spin_unlock_irq(&efd->irqfds_lock);
	/* Drains it: every shutdown has run (and freed its irqfd). */
	if (efd->cleanup_wq)
		destroy_workqueue(efd->cleanup_wq);

	list_for_each_entry_safe(p, q, &efd->ioeventfds, list) {
		eventfd_ctx_put(p->eventfd);
		kfree(p);
	}
	kvmlite_routing_free(rcu_dereference_protected(efd->routing, 1));
	kfree(efd);
	vm->eventfds = NULL;
}
