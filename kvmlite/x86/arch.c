// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86 backend: Intel VT-x (VMX) with EPT and unrestricted guest.
 *
 * The backend's ops table, its capabilities and VM ioctls. See vmx.c for
 * VMX itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/tsc.h>

#include "x86.h"

/*
 * KVM_CAP_X86_DISABLE_EXITS: HLT stays in the guest; so does PAUSE, which
 * kvmlite never intercepts (no pause-loop exiting).
 */
#define KL_DISABLE_EXITS	(KVM_X86_DISABLE_EXITS_HLT | \
				 KVM_X86_DISABLE_EXITS_PAUSE)

/* KVM's KL_X2APIC_API_FLAGS (x86.c). */
#define KL_X2APIC_API_FLAGS	(KVM_X2APIC_API_USE_32BIT_IDS | \
				 KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK)

static int kvmlite_x86_init(void)
{
	u64 ctl, ctl2, feat;

	/* The kernel clears the VMX feature when FEAT_CTL locked it off. */
	if (!boot_cpu_has(X86_FEATURE_VMX) ||
	    rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat) ||
	    !(feat & FEAT_CTL_LOCKED) ||
	    !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("VMX is not available or is disabled by firmware\n");
		return -ENODEV;
	}
	if (rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS, &ctl) ||
	    !((ctl >> 32) & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) ||
	    rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &ctl2) ||
	    !((ctl2 >> 32) & SECONDARY_EXEC_ENABLE_EPT) ||
	    !((ctl2 >> 32) & SECONDARY_EXEC_UNRESTRICTED_GUEST)) {
		pr_err("VMX lacks EPT or unrestricted guest\n");
		return -ENODEV;
	}
	return kl_vmx_init();
}

static void kvmlite_x86_exit(void)
{
	kl_vmx_exit();
}

static long kvmlite_x86_check_extension(struct kvmlite_vm *vm, long ext)
{
	switch (ext) {
	case KVM_CAP_READONLY_MEM:
	case KVM_CAP_EXT_CPUID:
	case KVM_CAP_SET_TSS_ADDR:
	case KVM_CAP_MMU_SHADOW_CACHE_CONTROL:
	case KVM_CAP_SET_BOOT_CPU_ID:
	case KVM_CAP_MSR_PLATFORM_INFO:
	case KVM_CAP_GET_MSR_FEATURES:
	case KVM_CAP_SET_IDENTITY_MAP_ADDR:
	case KVM_CAP_GET_TSC_KHZ:
	case KVM_CAP_USER_NMI:
	case KVM_CAP_MP_STATE:
	case KVM_CAP_DEBUGREGS:
	case KVM_CAP_VCPU_EVENTS:
	case KVM_CAP_SPLIT_IRQCHIP:
	case KVM_CAP_TSC_DEADLINE_TIMER:
	case KVM_CAP_IRQ_INJECT_STATUS:
	case KVM_CAP_IRQCHIP:
	case KVM_CAP_SET_GUEST_DEBUG:
	case KVM_CAP_X86_USER_SPACE_MSR:
	case KVM_CAP_X86_MSR_FILTER:
	case KVM_CAP_VCPU_ATTRIBUTES:
	case KVM_CAP_ENFORCE_PV_FEATURE_CPUID:
	case KVM_CAP_EXIT_ON_EMULATION_FAILURE:
	case KVM_CAP_DISABLE_QUIRKS:
	case KVM_CAP_PIT:
	case KVM_CAP_PIT2:
	case KVM_CAP_PIT_STATE2:
	case KVM_CAP_REINJECT_CONTROL:
		return 1;
	case KVM_CAP_DISABLE_QUIRKS2:
		return KL_VALID_QUIRKS;
	case KVM_CAP_X86_DISABLE_EXITS:
		return KL_DISABLE_EXITS;
	case KVM_CAP_SET_GUEST_DEBUG2:
		return KL_GUESTDBG_VALID_MASK;
	case KVM_CAP_XSAVE:
	case KVM_CAP_XCRS:
		return !!kl_caps.supported_xcr0;
	case KVM_CAP_XSAVE2:
		/* fpu_guest's uabi_size: kvm_xsave's 4096 bytes (KVM's floor). */
		if (!kl_caps.supported_xcr0)
			return 0;
		return max_t(u32, sizeof(struct kvm_xsave),
			     kl_xstate_size(kl_caps.supported_xcr0));
	case KVM_CAP_MCE:
		return KL_MAX_MCE_BANKS;
	case KVM_CAP_X2APIC_API:
		return KL_X2APIC_API_FLAGS;
	case KVM_CAP_SYNC_REGS:
		return KVM_SYNC_X86_VALID_FIELDS;
	case KVM_CAP_ADJUST_CLOCK:
		return KL_CLOCK_FLAGS;
	case KVM_CAP_X86_APIC_BUS_CYCLES_NS:
		return KL_APIC_BUS_CYCLE_NS_DEFAULT;
	default:
		return 0;
	}
}

static int kvmlite_x86_vm_init(struct kvmlite_vm *vm, unsigned long type)
{
	struct kl_vm *kvm;
	int r;

	/* Only KVM_X86_DEFAULT_VM. */
	if (type)
		return -EINVAL;
	kvm = kzalloc(sizeof(*kvm), GFP_KERNEL_ACCOUNT);
	if (!kvm)
		return -ENOMEM;
	vm->arch = kvm;
	kvm->tsc_offset = -rdtsc();
	kvm->apic_bus_cycle_ns = KL_APIC_BUS_CYCLE_NS_DEFAULT;
	r = kl_ept_init(vm);
	if (r)
		goto err;
	r = kl_vmx_get();
	if (r)
		goto err_ept;
	return 0;

err_ept:
	free_page((unsigned long)kvm->ept_root);
err:
	kfree(kvm);
	vm->arch = NULL;
	return r;
}

/* KVM's kvm_arch_destroy_vm() frees the PIT before the routes go. */
static void kvmlite_x86_vm_pre_destroy(struct kvmlite_vm *vm)
{
	if (vm->arch)
		kl_pit_destroy(vm);
}

static void kvmlite_x86_vm_destroy(struct kvmlite_vm *vm)
{
	if (!vm->arch)
		return;
	kl_pit_destroy(vm);
	kl_irqchip_destroy(vm);
	kl_msr_filter_destroy(vm);
	kl_ept_destroy(vm);
	kl_vmx_put();
	kfree(vm->arch);
	vm->arch = NULL;
}

/*
 * KVM_ENABLE_CAP(KVM_CAP_MAX_VCPU_ID), as KVM: within what the cap reports,
 * once (the same value again is fine), also after vCPUs exist.
 */
static int kvmlite_x86_max_vcpu_id(struct kvmlite_vm *vm, u64 max)
{
	int r = -EINVAL;

	if (max > KVMLITE_MAX_VCPUS)
		return -EINVAL;
	down_write(&vm->lock);
	if (kl_vm(vm)->bsp_vcpu_id > max) {
		;
	} else if (vm->max_vcpu_ids == max) {
		r = 0;
	} else if (!vm->max_vcpu_ids) {
		vm->max_vcpu_ids = max;
		r = 0;
	}
	up_write(&vm->lock);
	return r;
}

/*
 * KVM_ENABLE_CAP(KVM_CAP_X86_APIC_BUS_CYCLES_NS), as kvm_vm_ioctl_enable_cap():
 * no overflow of the timer's TMICT * 128 * cycle in ns, an in-kernel LAPIC
 * (ENXIO), before the first vCPU (EINVAL).
 */
static int kvmlite_x86_apic_bus_cycles(struct kvmlite_vm *vm, u64 ns)
{
	u64 unused;
	int r = 0;

	if (!ns || check_mul_overflow((u64)U32_MAX * 128, ns, &unused))
		return -EINVAL;
	down_write(&vm->lock);
	if (kl_vm(vm)->irqchip == KL_IRQCHIP_NONE)
		r = -ENXIO;
	else if (vm->nr_vcpus)
		r = -EINVAL;
	else
		kl_vm(vm)->apic_bus_cycle_ns = ns;
	up_write(&vm->lock);
	return r;
}

/*
 * KVM_ENABLE_CAP: KVM_CAP_MAX_VCPU_ID, KVM_CAP_MSR_PLATFORM_INFO,
 * KVM_CAP_X86_APIC_BUS_CYCLES_NS, KVM_CAP_X2APIC_API,
 * KVM_CAP_X86_USER_SPACE_MSR, KVM_CAP_X86_DISABLE_EXITS,
 * KVM_CAP_EXIT_ON_EMULATION_FAILURE, KVM_CAP_DISABLE_QUIRKS(2);
 * KVM_CAP_SPLIT_IRQCHIP, as KVM: before any vCPU, once.
 */
static int kvmlite_x86_vm_enable_cap(struct kvmlite_vm *vm,
				     const struct kvm_enable_cap *cap)
{
	struct kl_vm *kvm = kl_vm(vm);
	int r;

	if (cap->flags)
		return -EINVAL;
	if (cap->cap == KVM_CAP_MAX_VCPU_ID)
		return kvmlite_x86_max_vcpu_id(vm, cap->args[0]);
	if (cap->cap == KVM_CAP_X86_APIC_BUS_CYCLES_NS)
		return kvmlite_x86_apic_bus_cycles(vm, cap->args[0]);
	if (cap->cap == KVM_CAP_X2APIC_API) {
		/* As KVM: 32-bit IDs in KVM_GET/SET_LAPIC and MSIs. */
		if (cap->args[0] & ~KL_X2APIC_API_FLAGS)
			return -EINVAL;
		/* Once set, they stay (KVM). */
		if (cap->args[0] & KVM_X2APIC_API_USE_32BIT_IDS)
			WRITE_ONCE(kvm->x2apic_format, true);
		if (cap->args[0] & KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK)
			WRITE_ONCE(kvm->x2apic_no_bcast_quirk, true);
		return 0;
	}
	if (cap->cap == KVM_CAP_X86_USER_SPACE_MSR) {
		/* As KVM: which failed RDMSR/WRMSR exit to the VMM. */
		if (cap->args[0] & ~KVM_MSR_EXIT_REASON_VALID_MASK)
			return -EINVAL;
		WRITE_ONCE(kvm->user_space_msr_mask, cap->args[0]);
		return 0;
	}
	if (cap->cap == KVM_CAP_X86_DISABLE_EXITS) {
		/*
		 * As KVM: any valid bits, kept for vCPUs created from now
		 * on; those kvmlite cannot honour (MWAIT, C-states) ignored.
		 */
		if (cap->args[0] & ~KVM_X86_DISABLE_VALID_EXITS)
			return -EINVAL;
		if (cap->args[0] & KVM_X86_DISABLE_EXITS_HLT)
			WRITE_ONCE(kvm->hlt_in_guest, true);
		return 0;
	}
	if (cap->cap == KVM_CAP_DISABLE_QUIRKS2 ||
	    cap->cap == KVM_CAP_DISABLE_QUIRKS) {
		/* As KVM: the second form checks the bits, the first not. */
		if (cap->cap == KVM_CAP_DISABLE_QUIRKS2 &&
		    (cap->args[0] & ~KL_VALID_QUIRKS))
			return -EINVAL;
		WRITE_ONCE(kvm->disabled_quirks, cap->args[0]);
		return 0;
	}
	if (cap->cap == KVM_CAP_EXIT_ON_EMULATION_FAILURE) {
		if (cap->args[0] & ~1ULL)
			return -EINVAL;
		WRITE_ONCE(kvm->exit_on_emulation_error, cap->args[0]);
		return 0;
	}
	if (cap->cap == KVM_CAP_MSR_PLATFORM_INFO) {
		/* As KVM: whether the guest may read MSR_PLATFORM_INFO. */
		WRITE_ONCE(kvm->no_platform_info, !cap->args[0]);
		return 0;
	}
	if (cap->cap != KVM_CAP_SPLIT_IRQCHIP)
		return -EINVAL;
	/* KVM's MAX_NR_RESERVED_IOAPIC_PINS: KVM_MAX_IRQ_ROUTES. */
	if (cap->args[0] > 4096)
		return -EINVAL;
	down_write(&vm->lock);
	r = -EEXIST;
	if (kvm->irqchip != KL_IRQCHIP_NONE || vm->nr_vcpus)
		goto out;
	kvm->nr_ioapic_pins = cap->args[0];
	/* Pairs with the acquire in kl_irqchip_mode(). */
	smp_store_release(&kvm->irqchip, KL_IRQCHIP_SPLIT);
	r = 0;
out:
	up_write(&vm->lock);
	return r;
}

static bool kvmlite_x86_irqchip_ready(struct kvmlite_vm *vm)
{
	return kl_irqchip_mode(vm) != KL_IRQCHIP_NONE;
}

static long kvmlite_x86_vm_ioctl(struct kvmlite_vm *vm, unsigned int ioctl,
				 unsigned long arg)
{
	struct kl_vm *kvm = kl_vm(vm);
	u64 addr;
	long r;

	switch (ioctl) {
	case KVM_CREATE_IRQCHIP:
	case KVM_GET_IRQCHIP:
	case KVM_SET_IRQCHIP:
		return kl_irqchip_vm_ioctl(vm, ioctl, (void __user *)arg);
	case KVM_CREATE_PIT:
	case KVM_CREATE_PIT2:
	case KVM_GET_PIT:
	case KVM_SET_PIT:
	case KVM_GET_PIT2:
	case KVM_SET_PIT2:
	case KVM_REINJECT_CONTROL:
		return kl_pit_vm_ioctl(vm, ioctl, (void __user *)arg);
	case KVM_IRQ_LINE:
	case KVM_IRQ_LINE_STATUS:
		/* As KVM: through the GSI routes of an in-kernel irqchip. */
		if (!kvmlite_x86_irqchip_ready(vm))
			return -ENXIO;
		return kvmlite_irq_line(vm, ioctl == KVM_IRQ_LINE_STATUS,
					(void __user *)arg);
	case KVM_GET_TSC_KHZ:
		/* As KVM: the rate of new vCPUs, the host's (no TSC scaling). */
		return tsc_khz ? tsc_khz : -EIO;
	case KVM_SET_TSC_KHZ:
		/* As KVM: before any vCPU; only the host's rate (no scaling). */
		down_write(&vm->lock);
		r = vm->nr_vcpus || !kl_tsc_khz_ok(arg) ? -EINVAL : 0;
		up_write(&vm->lock);
		return r;
	case KVM_SET_BOOT_CPU_ID:
		/* As KVM: before any vCPU, an id vCPUs may have. */
		down_write(&vm->lock);
		if (vm->nr_vcpus)
			r = -EBUSY;
		else if (arg >= KVMLITE_MAX_VCPUS ||
			 (vm->max_vcpu_ids && arg >= vm->max_vcpu_ids))
			r = -EINVAL;
		else
			kvm->bsp_vcpu_id = arg;
		up_write(&vm->lock);
		return r;
	case KVM_SET_NR_MMU_PAGES:
		/*
		 * As KVM (KVM_MIN_ALLOC_MMU_PAGES 64): a bound on shadow page
		 * tables, which EPT never uses (KVM's TDP MMU ignores it too).
		 */
		if (arg < 64)
			return -EINVAL;
		WRITE_ONCE(kvm->nr_mmu_pages, arg);
		return 0;
	case KVM_GET_NR_MMU_PAGES:
		/* Before a request KVM sizes it from the memslots: min 64. */
		return READ_ONCE(kvm->nr_mmu_pages) ?: 64;
	case KVM_SET_TSS_ADDR:
		/* As KVM: three pages below 4 GiB. */
		if (arg > (unsigned int)(-3 * PAGE_SIZE))
			return -EINVAL;
		kvm->tss_addr = arg;
		return 0;
	case KVM_SET_IDENTITY_MAP_ADDR:
		down_write(&vm->lock);
		/* As KVM: only before the first vCPU. */
		r = -EINVAL;
		if (!vm->nr_vcpus) {
			r = -EFAULT;
			if (!copy_from_user(&addr, (void __user *)arg,
					    sizeof(addr))) {
				kvm->identity_map_addr = addr;
				r = 0;
			}
		}
		up_write(&vm->lock);
		return r;
	case KVM_X86_SET_MSR_FILTER:
		return kl_set_msr_filter(vm, (void __user *)arg);
	default:
		return kl_state_vm_ioctl(vm, ioctl, (void __user *)arg);
	}
}

static int kvmlite_x86_memslot_check(struct kvmlite_vm *vm, u64 gpa, u64 size)
{
	unsigned int bits = min_t(unsigned int, boot_cpu_data.x86_phys_bits, 48);

	/* As kvm_arch_prepare_memory_region(): beyond the largest GFN. */
	if (gpa + size > BIT_ULL(bits))
		return -EINVAL;
	return 0;
}

/*
 * KVM's module parameters the upstream KVM selftests read, as kvmlite is:
 * no forced-emulation prefix, no vPMU, none of the TDP MMU's page
 * splitting; EPT and unrestricted guest always.
 */
static struct kvmlite_kvm_param kvmlite_x86_kvm_params[] = {
	KVMLITE_KVM_PARAM("kvm", force_emulation_prefix, "0"),
	KVMLITE_KVM_PARAM("kvm", enable_pmu, "N"),
	KVMLITE_KVM_PARAM("kvm", tdp_mmu, "N"),
	KVMLITE_KVM_PARAM("kvm", eager_page_split, "N"),
	KVMLITE_KVM_PARAM("kvm_intel", ept, "Y"),
	KVMLITE_KVM_PARAM("kvm_intel", unrestricted_guest, "Y"),
	{ }
};

const struct kvmlite_arch_ops kvmlite_arch_ops = {
	.name		= "x86-vmx",
	.init		= kvmlite_x86_init,
	.exit		= kvmlite_x86_exit,
	.check_extension = kvmlite_x86_check_extension,
	.vm_init	= kvmlite_x86_vm_init,
	.vm_pre_destroy	= kvmlite_x86_vm_pre_destroy,
	.vm_destroy	= kvmlite_x86_vm_destroy,
	.vm_ioctl	= kvmlite_x86_vm_ioctl,
	.memslot_check	= kvmlite_x86_memslot_check,
	.unmap_range	= kl_ept_unmap_range,
	.dirty_log	= true,
	.pre_fault	= kl_ept_pre_fault,
	.vcpu_create	= kl_vcpu_init,
	.vcpu_destroy	= kl_vcpu_uninit,
	.vcpu_ioctl	= kl_vcpu_ioctl,
	.vcpu_run	= kl_vcpu_run,
	.dev_ioctl	= kl_dev_ioctl,
	.vm_enable_cap	= kvmlite_x86_vm_enable_cap,
	.irqchip_ready	= kvmlite_x86_irqchip_ready,
	.set_irq	= kl_irqchip_set_irq,
	.set_msi	= kl_lapic_set_msi,
	.route_check	= kl_irqchip_route_check,
	.nr_irqchips	= KVM_NR_IRQCHIPS,
	.irqchip_pins	= KVM_IOAPIC_NUM_PINS,
	.irqchip_per_vm	= true,
	.kvm_params	= kvmlite_x86_kvm_params,
};
