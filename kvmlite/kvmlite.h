/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmlite: interface between the generic core and an architecture backend.
 *
 * The core (kvmlite/) owns the device node, the file descriptors, the VMs,
 * their vCPUs and memslots, and the ioctl switches; each backend
 * (kvmlite/arm64/, kvmlite/x86/) supplies one ops table and never includes the
 * other's headers. The core never names an architecture.
 */
#ifndef KVMLITE_H
#define KVMLITE_H

#include <linux/kobject.h>
#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "../uapi/linux/kvmlite.h"

/* 6.12 renamed run->immediate_exit for the kernel; 6.1 has the plain name. */
#ifdef HINT_UNSAFE_IN_KVM
#define kvmlite_run_immediate_exit(run)	READ_ONCE((run)->immediate_exit__unsafe)
#else
#define kvmlite_run_immediate_exit(run)	READ_ONCE((run)->immediate_exit)
#endif

/*
 * Binary statistics (stats.c): the VM's, and the vCPU's of the core
 * followed by the backend's from KVMLITE_STAT_ARCH on.
 */
enum {
	KVMLITE_VM_STAT_REMOTE_TLB_FLUSH,
	KVMLITE_VM_STAT_REMOTE_TLB_FLUSH_REQUESTS,
	KVMLITE_VM_NR_STATS
};

enum {
	KVMLITE_STAT_HALT_SUCCESSFUL_POLL,
	KVMLITE_STAT_HALT_ATTEMPTED_POLL,
	KVMLITE_STAT_HALT_POLL_INVALID,
	KVMLITE_STAT_HALT_WAKEUP,
	KVMLITE_STAT_HALT_POLL_SUCCESS_NS,
	KVMLITE_STAT_HALT_POLL_FAIL_NS,
	KVMLITE_STAT_HALT_WAIT_NS,
	KVMLITE_STAT_BLOCKING,
	KVMLITE_STAT_EXITS,
	KVMLITE_STAT_SIGNAL_EXITS,
	KVMLITE_STAT_ARCH
};

#define KVMLITE_MAX_ARCH_STATS	11
#define KVMLITE_VCPU_MAX_STATS	(KVMLITE_STAT_ARCH + KVMLITE_MAX_ARCH_STATS)

/* KVM_STATS_NAME_SIZE of <linux/kvm_host.h>: every name and id string. */
#define KVMLITE_STATS_NAME_SIZE	48

/*
 * struct kvm_stats_desc as userspace reads it, with its name (the uapi
 * struct's name is a flexible array in 6.1, a fixed one in later kernels).
 */
struct kvmlite_stats_desc {
	u32 flags;
	s16 exponent;
	u16 size;
	u32 offset;
	u32 bucket_size;
	char name[KVMLITE_STATS_NAME_SIZE];
};

#define KVMLITE_STAT(n, idx, type, unit, base, exp)			\
	{ .flags = KVM_STATS_TYPE_##type | KVM_STATS_UNIT_##unit |	\
		   KVM_STATS_BASE_##base,				\
	  .exponent = (exp), .size = 1, .offset = (idx) * sizeof(u64),	\
	  .name = n }
#define KVMLITE_COUNTER(n, idx)	KVMLITE_STAT(n, idx, CUMULATIVE, NONE, POW10, 0)

static inline void kvmlite_stat_add(u64 *stat, u64 n)
{
	WRITE_ONCE(*stat, *stat + n);
}

/* The time the current thread waited for a CPU, in ns (stolen time). */
static inline u64 kvmlite_run_delay(void)
{
#ifdef CONFIG_SCHED_INFO
	return READ_ONCE(current->sched_info.run_delay);
#else
	return 0;
#endif
}

/* Memslots: ids 0..KVMLITE_MAX_MEMSLOTS-1, one address space. */
#define KVMLITE_MAX_MEMSLOTS	512
/*
 * vCPUs per VM, and the bound of their ids: on x86 KVM's KVM_MAX_VCPUS
 * (1024 without MAXSMP); on arm64 8, the size of the vGIC's tables.
 */
#ifdef CONFIG_X86_64
#define KVMLITE_MAX_VCPUS	1024
#else
#define KVMLITE_MAX_VCPUS	8
#endif

/*
 * Page-table pages a guest fault may need below the root: three (arm64
 * stage-2 from level 0, x86 4-level EPT).
 */
#define KVMLITE_PGCACHE_PAGES	3

/**
 * struct kvmlite_pgcache - zeroed pages for guest page tables
 * @n:		number of pages held
 * @pages:	the pages (kernel addresses)
 *
 * Filled before vm->mmu_lock is taken, used under it (as KVM's
 * kvm_mmu_memory_cache). Each vCPU keeps one, so a fault that links no new
 * table allocates nothing.
 */
struct kvmlite_pgcache {
	unsigned int n;
	void *pages[KVMLITE_PGCACHE_PAGES];
};

/**
 * struct kvmlite_memslot - one guest-physical to host-virtual mapping
 * @id:		slot number given by userspace
 * @flags:	KVM_MEM_* flags (KVM_MEM_READONLY, KVM_MEM_LOG_DIRTY_PAGES)
 * @gpa:	guest-physical base, page aligned
 * @size:	size in bytes, page aligned, non-zero
 * @hva:	host-virtual base in the VM's mm, page aligned
 * @dirty_bitmap: one bit per page while KVM_MEM_LOG_DIRTY_PAGES is on (set
 *		under vm->mmu_lock, dirty.c), else NULL
 */
struct kvmlite_memslot {
	u32 id;
	u32 flags;
	u64 gpa;
	u64 size;
	unsigned long hva;
	unsigned long *dirty_bitmap;
	struct rcu_head rcu;
};

struct kvmlite_eventfds;

/**
 * struct kvmlite_vm - a virtual machine
 * @users:	references: the VM fd and one per vCPU fd
 * @mm:		address space of the creator; memslots point into it
 * @lock:	serialises memslot changes and vCPU creation; held for reading
 *		while a vCPU resolves a fault
 * @slots:	memslots by id
 * @vcpus:	vCPUs by index of creation
 * @nr_vcpus:	number of vCPUs created
 * @max_vcpu_ids: vCPU ids must be below it if not 0 (x86's
 *		KVM_CAP_MAX_VCPU_ID), under @lock
 * @mmu_lock:	protects the guest page tables and the invalidation state
 * @mmu_seq:	bumped by each host mm invalidation
 * @mmu_inval:	number of invalidations in progress
 * @mn:		MMU notifier on @mm
 * @type:	machine type given to KVM_CREATE_VM
 * @stats_id:	"kvm-PID", the id of its statistics
 * @stats:	its statistics (KVMLITE_VM_STAT_*)
 * @manual_dirty_log_protect: KVM_DIRTY_LOG_* flags of
 *		KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 (under @lock)
 * @coalesced_ring: the coalesced MMIO ring page (coalesced.c)
 * @coalesced_lock: protects @coalesced_zones and the kernel's side of the ring
 * @coalesced_zones: registered zones
 * @nr_coalesced_zones: how many
 * @dead:	a fatal error happened (KVM's vm_dead): every ioctl is -EIO
 * @devices:	in-kernel devices of KVM_CREATE_DEVICE (device.c), under @lock
 * @eventfds:	irqfds, ioeventfds and the GSI routing table (eventfd.c)
 * @max_halt_poll_ns: KVM_CAP_HALT_POLL's bound on halt polling (ns)
 * @override_halt_poll_ns: KVM_CAP_HALT_POLL was enabled: @max_halt_poll_ns
 *		replaces the backend's module parameter
 * @arch:	backend data
 */
struct kvmlite_vm {
	refcount_t users;
	bool dead;
	struct list_head devices;
	struct mm_struct *mm;
	struct rw_semaphore lock;
	struct xarray slots;
	struct xarray vcpus;
	unsigned int nr_vcpus;
	u32 max_vcpu_ids;
	spinlock_t mmu_lock;		/* see @mmu_lock above */
	unsigned long mmu_seq;
	unsigned long mmu_inval;
	struct mmu_notifier mn;
	unsigned long type;
	char stats_id[KVMLITE_STATS_NAME_SIZE];
	u64 stats[KVMLITE_VM_NR_STATS];
	u64 manual_dirty_log_protect;
	struct kvm_coalesced_mmio_ring *coalesced_ring;
	spinlock_t coalesced_lock;	/* see @coalesced_lock above */
	struct list_head coalesced_zones;
	unsigned int nr_coalesced_zones;
	struct kvmlite_eventfds *eventfds;
	unsigned int max_halt_poll_ns;
	bool override_halt_poll_ns;
	void *arch;
};

enum kvmlite_vcpu_mode {
	KVMLITE_OUTSIDE_GUEST,
	KVMLITE_IN_GUEST,
};

/**
 * struct kvmlite_vcpu - a virtual CPU
 * @vm:		owning VM (holds a reference on it)
 * @id:		vCPU id given to KVM_CREATE_VCPU
 * @idx:	index of creation in the VM
 * @run:	the shared struct kvm_run page
 * @pio_data:	x86: the port I/O data page (KVM_PIO_PAGE_OFFSET of the vCPU's
 *		mapping, as KVM), NULL elsewhere
 * @mutex:	serialises the vCPU ioctls
 * @wq:		where a halted vCPU sleeps
 * @kick_csd:	the IPI of kvmlite_vcpu_kick()
 * @mode:	whether the vCPU is between guest entry and exit
 * @cpu:	host CPU the vCPU last ran on
 * @sigset_active: whether @sigset applies during KVM_RUN
 * @sigset:	signal mask during KVM_RUN (KVM_SET_SIGNAL_MASK)
 * @pgcache:	page-table pages for this vCPU's guest faults (under @mutex)
 * @stats_id:	"kvm-PID/vcpu-ID", the id of its statistics
 * @stats:	its statistics (KVMLITE_STAT_*, then the backend's), written
 *		by the vCPU thread only
 * @arch:	backend data
 */
struct kvmlite_vcpu {
	struct kvmlite_vm *vm;
	u32 id;
	u32 idx;
	struct kvm_run *run;
	void *pio_data;
	struct mutex mutex;		/* see @mutex above */
	wait_queue_head_t wq;
	call_single_data_t kick_csd;
	int mode;
	int cpu;
	bool sigset_active;
	sigset_t sigset;
	struct pid __rcu *pid;		/* the thread of the last KVM_RUN */
	struct kvmlite_pgcache pgcache;
	char stats_id[KVMLITE_STATS_NAME_SIZE];
	u64 stats[KVMLITE_VCPU_MAX_STATS];
	void *arch;
};

struct kvmlite_device;

/**
 * struct kvmlite_device_ops - an in-kernel device type (KVM_CREATE_DEVICE)
 * @name:	its name, the name of its fd (KVM's: "kvm-arm-vgic-v3")
 * @create:	set up @dev->private; called with vm->lock held for writing.
 *		0 or a negative errno (-EEXIST: one of this type exists)
 * @destroy:	free @dev->private; called when the VM goes (the device fd
 *		holds a VM reference, so never while the fd is open)
 * @set_attr, @get_attr, @has_attr: KVM_{SET,GET,HAS}_DEVICE_ATTR on the
 *		device fd; -ENXIO for an unknown group or attribute
 */
struct kvmlite_device_ops {
	const char *name;
	int (*create)(struct kvmlite_device *dev);
	void (*destroy)(struct kvmlite_device *dev);
	int (*set_attr)(struct kvmlite_device *dev,
			const struct kvm_device_attr *attr);
	int (*get_attr)(struct kvmlite_device *dev,
			const struct kvm_device_attr *attr);
	int (*has_attr)(struct kvmlite_device *dev,
			const struct kvm_device_attr *attr);
};

/**
 * struct kvmlite_device - an in-kernel device of a VM
 * @vm:		the VM
 * @ops:	its type
 * @type:	KVM_DEV_TYPE_*
 * @node:	in vm->devices
 * @private:	the backend's state
 */
struct kvmlite_device {
	struct kvmlite_vm *vm;
	const struct kvmlite_device_ops *ops;
	u32 type;
	struct list_head node;
	void *private;
};

/**
 * struct kvmlite_arch_ops - what an architecture backend provides
 * @name:	short name of the backend, for the kernel log
 * @init:	check that this host can run guests and prepare the backend;
 *		return 0 or a negative errno (-ENODEV: the hardware feature the
 *		backend needs is missing, -EBUSY: another hypervisor owns it)
 * @exit:	undo @init
 * @check_extension: value of a KVM_CAP_* for the system fd (@vm NULL) or a
 *		VM fd; 0 for what the backend does not do
 * @vm_init:	set up @vm->arch for machine @type; -EINVAL for a bad type
 * @vm_destroy:	free @vm->arch, unmapping and releasing all guest memory
 * @vm_ioctl:	backend VM ioctls; -ENOTTY if unknown
 * @memslot_check: whether [@gpa, @gpa + @size) can hold guest memory; 0 or a
 *		negative errno
 * @unmap_range: drop the guest mappings of [@gpa, @gpa + @size); called with
 *		@vm->mmu_lock held
 * @vcpu_create: set up @vcpu->arch
 * @vcpu_destroy: free @vcpu->arch
 * @vcpu_ioctl:	backend vCPU ioctls (called with @vcpu->mutex); -ENOTTY if
 *		unknown
 * @vcpu_run:	KVM_RUN; return 0 with @vcpu->run filled or a negative errno
 * @dev_ioctl:	optional: backend system-fd ioctls; -ENOTTY if unknown
 * @pre_fault:	optional: map the guest memory at @gpa ahead of the guest
 *		(KVM_PRE_FAULT_MEMORY, with @vcpu->mutex): bytes mapped from
 *		@gpa (> 0, at most @size), -ENOENT where there is no memory, or
 *		another negative errno
 * @vcpu_async_ioctl: optional: vCPU ioctls run without @vcpu->mutex (as
 *		KVM's kvm_arch_vcpu_async_ioctl()); -ENOIOCTLCMD if not one
 * @vm_enable_cap: optional: KVM_ENABLE_CAP of the backend's VM caps;
 *		-EINVAL for an unknown one
 * @device_ops: optional: the in-kernel device type @type, NULL if none
 * @irqchip_ready: optional: whether the VM's in-kernel irqchip is initialised
 *		(KVM_IRQFD and KVM_SIGNAL_MSI need it: -EAGAIN / -ENXIO before)
 * @set_irq:	optional: drive input @pin of in-kernel irqchip @irqchip to
 *		@level (an irqchip route of KVM_SET_GSI_ROUTING); may be called
 *		in atomic context; 0 or a negative errno
 * @set_msi:	optional: deliver an MSI (KVM_SIGNAL_MSI, MSI routes); may be
 *		called in atomic context; 1 delivered, 0 blocked, < 0 errno
 * @route_check: optional: whether the VM takes an irqchip route to input
 *		@pin of @irqchip (0 or -EINVAL), in place of the bounds below;
 *		also asked (for input 0 of irqchip 0) whether the VM's irqchip
 *		has inputs at all, which resampling irqfds need
 * @nr_irqchips: irqchip numbers valid in routes (KVM_NR_IRQCHIPS)
 * @irqchip_pins: pins per irqchip valid in routes (KVM_IRQCHIP_NUM_PINS)
 * @irqchip_per_vm: GSI routes and irqfds need the VM's own irqchip (x86's
 *		KVM_CREATE_IRQCHIP or KVM_CAP_SPLIT_IRQCHIP); without it any
 *		VM may set routes (arm64)
 * @dirty_log:	the backend maps pages of logging slots read-only until
 *		written and calls kvmlite_mark_page_dirty() (dirty.c)
 * @vcpu_stats:	the backend's vCPU statistics, indices from KVMLITE_STAT_ARCH
 * @nr_vcpu_stats: how many (at most KVMLITE_MAX_ARCH_STATS)
 * @kvm_params: optional: the in-kernel KVM's module parameters answered with
 *		as_kvm=1, ended by an entry without module
 */
/**
 * struct kvmlite_kvm_param - a parameter of the in-kernel KVM's modules,
 *	shown with as_kvm=1 (kvm_params.c)
 * @module:	its module ("kvm", "kvm_intel"); NULL ends a table
 * @attr:	/sys/module/@module/parameters/<name>, read-only
 * @value:	kvmlite's answer, as the parameter would print it
 */
struct kvmlite_kvm_param {
	const char *module;
	struct kobj_attribute attr;
	const char *value;
};

ssize_t kvmlite_kvm_param_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf);

#define KVMLITE_KVM_PARAM(_mod, _name, _value) {			\
	.module = _mod,							\
	.attr = __ATTR(_name, 0444, kvmlite_kvm_param_show, NULL),	\
	.value = _value,						\
}

struct kvmlite_arch_ops {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
	long (*check_extension)(struct kvmlite_vm *vm, long ext);
	int (*vm_init)(struct kvmlite_vm *vm, unsigned long type);
	/* First of the teardown, routes and irqfds still there (optional). */
	void (*vm_pre_destroy)(struct kvmlite_vm *vm);
	void (*vm_destroy)(struct kvmlite_vm *vm);
	long (*vm_ioctl)(struct kvmlite_vm *vm, unsigned int ioctl,
			 unsigned long arg);
	int (*memslot_check)(struct kvmlite_vm *vm, u64 gpa, u64 size);
	void (*unmap_range)(struct kvmlite_vm *vm, u64 gpa, u64 size);
	int (*vcpu_create)(struct kvmlite_vcpu *vcpu);
	void (*vcpu_destroy)(struct kvmlite_vcpu *vcpu);
	long (*vcpu_ioctl)(struct kvmlite_vcpu *vcpu, unsigned int ioctl,
			   unsigned long arg);
	int (*vcpu_run)(struct kvmlite_vcpu *vcpu);
	long (*dev_ioctl)(unsigned int ioctl, unsigned long arg);
	long (*pre_fault)(struct kvmlite_vcpu *vcpu, u64 gpa, u64 size);
	long (*vcpu_async_ioctl)(struct kvmlite_vcpu *vcpu, unsigned int ioctl,
				 unsigned long arg);
	int (*vm_enable_cap)(struct kvmlite_vm *vm,
			     const struct kvm_enable_cap *cap);
	const struct kvmlite_device_ops *(*device_ops)(u32 type);
	bool (*irqchip_ready)(struct kvmlite_vm *vm);
	int (*set_irq)(struct kvmlite_vm *vm, u32 irqchip, u32 pin, bool level);
	int (*set_msi)(struct kvmlite_vm *vm, const struct kvm_msi *msi);
	int (*route_check)(struct kvmlite_vm *vm, u32 irqchip, u32 pin);
	u32 nr_irqchips;
	u32 irqchip_pins;
	bool irqchip_per_vm;
	bool dirty_log;
	const struct kvmlite_stats_desc *vcpu_stats;
	unsigned int nr_vcpu_stats;
	struct kvmlite_kvm_param *kvm_params;
};

/* kvm_params.c: with as_kvm=1. */
void kvmlite_kvm_params_add(void);
void kvmlite_kvm_params_remove(void);

extern const struct kvmlite_arch_ops kvmlite_arch_ops;

/* main.c */
long kvmlite_check_extension(struct kvmlite_vm *vm, long ext);

/* vm.c */
int kvmlite_create_vm(unsigned long type);
void kvmlite_vm_put(struct kvmlite_vm *vm);
void kvmlite_vm_dead(struct kvmlite_vm *vm);
struct kvmlite_vcpu *kvmlite_vm_vcpu(struct kvmlite_vm *vm, unsigned long idx);

/* memslot.c */
int kvmlite_set_memory_region(struct kvmlite_vm *vm,
			      const struct kvm_userspace_memory_region2 *mem);
struct kvmlite_memslot *kvmlite_find_memslot(struct kvmlite_vm *vm, u64 gpa);
void kvmlite_free_memslots(struct kvmlite_vm *vm);
int kvmlite_pin_guest_page(struct kvmlite_vm *vm, struct kvmlite_memslot *slot,
			   u64 gpa, bool write, bool *writable,
			   struct page **page, unsigned long *seq);
int kvmlite_read_guest(struct kvmlite_vm *vm, u64 gpa, void *data,
		       unsigned int len);
int kvmlite_write_guest(struct kvmlite_vm *vm, u64 gpa, const void *data,
			unsigned int len);
bool kvmlite_gpa_is_memory(struct kvmlite_vm *vm, u64 gpa);
bool kvmlite_guest_page_stale(struct kvmlite_vm *vm, unsigned long seq);
int kvmlite_pgcache_topup(struct kvmlite_pgcache *c);
void *kvmlite_pgcache_take(struct kvmlite_pgcache *c);
void kvmlite_pgcache_free(struct kvmlite_pgcache *c);
int kvmlite_mmu_notifier_register(struct kvmlite_vm *vm);
void kvmlite_mmu_notifier_unregister(struct kvmlite_vm *vm);

/* dirty.c */
int kvmlite_dirty_bitmap_alloc(struct kvmlite_vm *vm,
			       struct kvmlite_memslot *slot);
bool kvmlite_dirty_log_protect_at_start(struct kvmlite_vm *vm);
void kvmlite_mark_page_dirty(struct kvmlite_memslot *slot, u64 gpa);
long kvmlite_dirty_log_ioctl(struct kvmlite_vm *vm, unsigned int ioctl,
			     void __user *argp);
unsigned int kvmlite_max_halt_poll_ns(struct kvmlite_vm *vm,
				      unsigned int dflt);
int kvmlite_enable_manual_dirty_log(struct kvmlite_vm *vm,
				    const struct kvm_enable_cap *cap);
long kvmlite_dirty_log_caps(void);

/* coalesced.c */
int kvmlite_coalesced_init(struct kvmlite_vm *vm);
void kvmlite_coalesced_free(struct kvmlite_vm *vm);
bool kvmlite_coalesced_write(struct kvmlite_vm *vm, u64 addr, u32 len,
			     const void *data, bool pio);
long kvmlite_coalesced_ioctl(struct kvmlite_vm *vm, unsigned int ioctl,
			     void __user *argp);

/* device.c */
int kvmlite_create_device(struct kvmlite_vm *vm, void __user *argp);
void kvmlite_devices_destroy(struct kvmlite_vm *vm);

/*
 * eventfd.c: KVM_IRQFD, KVM_IOEVENTFD, KVM_SET_GSI_ROUTING, KVM_SIGNAL_MSI.
 * kvmlite_irq_routing_default(): GSI i -> irqchip 0 pin i for i < @nr_pins
 * (the backend calls it when its irqchip is initialised, as KVM's
 * kvm_vgic_setup_default_irq_routing()). kvmlite_irq_acked(): the guest
 * deactivated level input @pin (resamplefds; process context, no backend
 * lock held). kvmlite_irq_chip_gsi(): the GSI routed to an irqchip input, or
 * -1 (KVM's kvm_irq_map_chip_pin()). kvmlite_irq_set_gsi(): KVM's
 * kvm_set_irq() for an in-kernel device (any context).
 * kvmlite_ioeventfd_write(): a guest write the backend offers before
 * exiting to userspace; true if an ioeventfd took it.
 */
long kvmlite_eventfd_ioctl(struct kvmlite_vm *vm, unsigned int ioctl,
			   void __user *argp);
long kvmlite_eventfd_caps(long ext);
int kvmlite_eventfd_init(struct kvmlite_vm *vm);
void kvmlite_eventfd_release(struct kvmlite_vm *vm);
int kvmlite_irq_routing_default(struct kvmlite_vm *vm, u32 nr_pins);
int kvmlite_irq_routing_set(struct kvmlite_vm *vm,
			    const struct kvm_irq_routing_entry *ue, u32 nr);
void kvmlite_irq_acked(struct kvmlite_vm *vm, u32 irqchip, u32 pin);
int kvmlite_irq_chip_gsi(struct kvmlite_vm *vm, u32 irqchip, u32 pin);
int kvmlite_irq_set_gsi(struct kvmlite_vm *vm, u32 gsi, bool level);
bool kvmlite_ioeventfd_write(struct kvmlite_vm *vm, bool pio, u64 addr,
			     u32 len, const void *val);
long kvmlite_irq_line(struct kvmlite_vm *vm, bool status,
		      struct kvm_irq_level __user *argp);
bool kvmlite_irq_route_msi(struct kvmlite_vm *vm, u32 gsi, struct kvm_msi *msi);

/* stats.c */
int kvmlite_stats_init(void);
int kvmlite_vm_stats_fd(struct kvmlite_vm *vm);
int kvmlite_vcpu_stats_fd(struct kvmlite_vcpu *vcpu);

/* vcpu.c */
int kvmlite_create_vcpu(struct kvmlite_vm *vm, unsigned long id);
void kvmlite_vcpu_free(struct kvmlite_vcpu *vcpu);
int kvmlite_vcpu_check_exit(struct kvmlite_vcpu *vcpu);
void kvmlite_vcpu_kick(struct kvmlite_vcpu *vcpu);
int kvmlite_vcpu_yield_to(struct kvmlite_vcpu *target);

#endif /* KVMLITE_H */
