// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: hosts whose kernel runs at EL2 with VHE.
 *
 * With VHE (ARMv8.1) the host kernel itself runs at EL2 with HCR_EL2.E2H and
 * HCR_EL2.TGE set; a guest is entered by clearing TGE and programming the
 * stage-2 translation, with no separate hypervisor image.
 *
 * This file holds the ops table, the VM and vCPU set-up and their ioctls.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/kvm_arm.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#include "arm64.h"
#include "arm64_trace.h"

#define KL_PSCI_1_1		0x10001

/* vCPU features kvmlite implements (POWER_OFF is per KVM_ARM_VCPU_INIT). */
#define KL_VCPU_FEATURES	(BIT(KVM_ARM_VCPU_POWER_OFF) | \
				 BIT(KVM_ARM_VCPU_PSCI_0_2))
/* Feature bits KVM knows of; others are -ENOENT, as in KVM. */
#define KL_VCPU_KNOWN_FEATURES	GENMASK(7, 0)
/* Pointer authentication: both or neither, where the system has both. */
#define KL_VCPU_PTRAUTH		(BIT(KVM_ARM_VCPU_PTRAUTH_ADDRESS) | \
				 BIT(KVM_ARM_VCPU_PTRAUTH_GENERIC))

/* KVM's KVM_CAP_ARM_PTRAUTH_*: address and generic authentication. */
static bool kl_has_pauth(void)
{
	return system_has_full_ptr_auth();
}

static u64 kl_vcpu_features_offered(void)
{
	return KL_VCPU_FEATURES | (kl_has_pauth() ? KL_VCPU_PTRAUTH : 0);
}

static int kvmlite_arm64_init(void)
{
	u64 hcr;
	int r;

	if (!is_kernel_in_hyp_mode()) {
		pr_err("the host kernel does not run at EL2: VHE is required\n");
		return -ENODEV;
	}
	hcr = read_sysreg(hcr_el2);
	if (!(hcr & HCR_E2H) || !(hcr & HCR_TGE)) {
		pr_err("HCR_EL2=%#llx: E2H and TGE must be set (VHE host)\n", hcr);
		return -ENODEV;
	}

	r = kl_sysregs_init();
	if (r)
		return r;
	pr_info("host kernel at EL2 with VHE (HCR_EL2.E2H=1 TGE=1), IPA up to %u bits\n",
		kl_ipa_limit());
	kl_timer_init();
	kl_vgic_hw_init();
	r = kl_vmid_init();
	if (r)
		kl_vgic_hw_exit();
	return r;
}

static void kvmlite_arm64_exit(void)
{
	kl_vgic_hw_exit();
	kl_vmid_exit();
}

static long kvmlite_arm64_check_extension(struct kvmlite_vm *vm, long ext)
{
	switch (ext) {
	case KVM_CAP_ONE_REG:
	case KVM_CAP_READONLY_MEM:
	case KVM_CAP_MP_STATE:
	case KVM_CAP_ARM_SYSTEM_SUSPEND:
	case KVM_CAP_ARM_PSCI:
	case KVM_CAP_ARM_PSCI_0_2:
		return 1;
	case KVM_CAP_ARM_USER_IRQ:
		/*
		 * As KVM (1): kvm_run->s.regs.device_irq_level reports the
		 * virtual timer's level. The EL1 physical timer and the PMU
		 * are not emulated (their registers read as zero), so their
		 * bits stay clear.
		 */
		return 1;
	case KVM_CAP_ARM_VM_IPA_SIZE:
		return kl_ipa_limit();
	case KVM_CAP_IRQCHIP:
		/* An in-kernel vGICv3 (KVM_CREATE_DEVICE). */
		return kl_vgic_supported();
	case KVM_CAP_DEVICE_CTRL:
	case KVM_CAP_ARM_IRQ_LINE_LAYOUT_2:
	case KVM_CAP_MSI_DEVID:		/* the ITS's device IDs */
		return 1;
	case KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES:
		return BIT(KVM_ARM_FEATURE_ID_RANGE);
	case KVM_CAP_STEAL_TIME:
		return kl_pvtime_supported();
	case KVM_CAP_SET_GUEST_DEBUG:
		return 1;
	case KVM_CAP_ARM_PTRAUTH_ADDRESS:
	case KVM_CAP_ARM_PTRAUTH_GENERIC:
		return kl_has_pauth();
	case KVM_CAP_GUEST_DEBUG_HW_BPS:
		return kl_debug_nr_hw(false);
	case KVM_CAP_GUEST_DEBUG_HW_WPS:
		return kl_debug_nr_hw(true);
	case KVMLITE_CAP_ARM_OPTEE:
		return kl_tee_available();
	default:
		return 0;
	}
}

static int kvmlite_arm64_vm_init(struct kvmlite_vm *vm, unsigned long type)
{
	struct kl_vm *s2;
	u32 ipa_bits;
	int r;

	/* As kvm_init_ipa_range(): only the IPA size may be encoded. */
	if (type & ~KVM_VM_TYPE_ARM_IPA_SIZE_MASK)
		return -EINVAL;
	ipa_bits = KVM_VM_TYPE_ARM_IPA_SIZE(type);
	if (!ipa_bits)
		ipa_bits = 40;	/* KVM_PHYS_SHIFT, the default of KVM */
	else if (ipa_bits < 32)
		return -EINVAL;
	if (ipa_bits > kl_ipa_limit())
		return -EINVAL;

	s2 = kzalloc(sizeof(*s2), GFP_KERNEL_ACCOUNT);
	if (!s2)
		return -ENOMEM;
	vm->arch = s2;
	r = kl_stage2_init(vm, ipa_bits);
	if (r) {
		kfree(vm->arch);
		vm->arch = NULL;
		return r;
	}
	kl_vm(vm)->cntvoff = read_sysreg(cntpct_el0);
	mutex_init(&s2->config_lock);
	mt_init(&s2->smccc_filter);
	kl_idregs_init(s2);
	kl_fw_regs_init(s2);
	return 0;
}

static void kvmlite_arm64_vm_destroy(struct kvmlite_vm *vm)
{
	if (!vm->arch)
		return;
	kl_tee_destroy(vm);
	kl_smccc_filter_destroy(kl_vm(vm));
	kl_stage2_destroy(vm);
	kfree(vm->arch);
	vm->arch = NULL;
}

static int kvmlite_arm64_memslot_check(struct kvmlite_vm *vm, u64 gpa, u64 size)
{
	/* As kvm_arch_prepare_memory_region(): beyond the IPA space. */
	if (gpa + size > BIT_ULL(kl_vm(vm)->ipa_bits))
		return -EFAULT;
	return 0;
}

struct kvmlite_vcpu *kl_vcpu_by_id(struct kvmlite_vm *vm, u32 id)
{
	struct kvmlite_vcpu *vcpu;
	unsigned long i;

	xa_for_each(&vm->vcpus, i, vcpu) {
		if (vcpu->id == id)
			return vcpu;
	}
	return NULL;
}

static int kl_irq_line(struct kvmlite_vm *vm, void __user *argp)
{
	struct kvm_irq_level irq_level;
	struct kvmlite_vcpu *vcpu;
	unsigned int type, id, num;
	struct kl_vcpu *v;
	bool changed;
	u32 irq;

	if (copy_from_user(&irq_level, argp, sizeof(irq_level)))
		return -EFAULT;
	irq = irq_level.irq;
	type = (irq >> KVM_ARM_IRQ_TYPE_SHIFT) & KVM_ARM_IRQ_TYPE_MASK;
	id = (irq >> KVM_ARM_IRQ_VCPU_SHIFT) & KVM_ARM_IRQ_VCPU_MASK;
	id += ((irq >> KVM_ARM_IRQ_VCPU2_SHIFT) & KVM_ARM_IRQ_VCPU2_MASK) *
	      (KVM_ARM_IRQ_VCPU_MASK + 1);
	num = (irq >> KVM_ARM_IRQ_NUM_SHIFT) & KVM_ARM_IRQ_NUM_MASK;
	trace_kvm_irq_line(type, id, num, irq_level.level);

	switch (type) {
	case KVM_ARM_IRQ_TYPE_CPU:
		/* The vGIC's CPU lines are not userspace's to drive. */
		if (kl_has_vgic(vm))
			return -ENXIO;
		vcpu = kl_vcpu_by_id(vm, id);
		if (!vcpu || num > KVM_ARM_IRQ_CPU_FIQ)
			return -EINVAL;
		v = kl_vcpu(vcpu);
		spin_lock(&v->lock);
		if (irq_level.level)
			changed = !__test_and_set_bit(num, &v->irq_lines);
		else
			changed = __test_and_clear_bit(num, &v->irq_lines);
		spin_unlock(&v->lock);
		if (changed)
			kvmlite_vcpu_kick(vcpu);
		return 0;
	case KVM_ARM_IRQ_TYPE_PPI:
		if (!kl_has_vgic(vm))
			return -ENXIO;
		vcpu = kl_vcpu_by_id(vm, id);
		if (!vcpu || num < KL_VGIC_NR_SGIS || num >= KL_VGIC_NR_PRIVATE)
			return -EINVAL;
		return kl_vgic_inject(vm, kl_vcpu(vcpu), num, irq_level.level);
	case KVM_ARM_IRQ_TYPE_SPI:
		if (!kl_has_vgic(vm))
			return -ENXIO;
		if (num < KL_VGIC_NR_PRIVATE)
			return -EINVAL;
		return kl_vgic_inject(vm, NULL, num, irq_level.level);
	default:
		return -EINVAL;
	}
}

static long kvmlite_arm64_vm_ioctl(struct kvmlite_vm *vm, unsigned int ioctl,
				   unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (ioctl) {
	case KVM_ARM_PREFERRED_TARGET: {
		struct kvm_vcpu_init init = {
			.target = KVM_ARM_TARGET_GENERIC_V8,
		};

		if (copy_to_user(argp, &init, sizeof(init)))
			return -EFAULT;
		return 0;
	}
	case KVM_IRQ_LINE:
		return kl_irq_line(vm, argp);
	case KVM_ARM_GET_REG_WRITABLE_MASKS:
		return kl_get_reg_writable_masks(argp);
	case KVM_HAS_DEVICE_ATTR:
	case KVM_SET_DEVICE_ATTR:
		return kl_vm_attr(vm, ioctl, argp);
	default:
		return -ENOTTY;
	}
}

static int kvmlite_arm64_vm_enable_cap(struct kvmlite_vm *vm,
				       const struct kvm_enable_cap *cap)
{
	if (cap->flags)
		return -EINVAL;
	switch (cap->cap) {
	case KVM_CAP_ARM_SYSTEM_SUSPEND:
		WRITE_ONCE(kl_vm(vm)->system_suspend, true);
		return 0;
	case KVMLITE_CAP_ARM_OPTEE:
		return kl_tee_enable(vm, cap);
	default:
		return -EINVAL;
	}
}

/* KVM_GET_MP_STATE / KVM_SET_MP_STATE, as KVM's arm64 ones. */
static int kl_get_mp_state(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

	spin_lock(&v->lock);
	if (v->power_off)
		mp.mp_state = KVM_MP_STATE_STOPPED;
	else if (v->suspended)
		mp.mp_state = KVM_MP_STATE_SUSPENDED;
	spin_unlock(&v->lock);
	return copy_to_user(argp, &mp, sizeof(mp)) ? -EFAULT : 0;
}

static int kl_set_mp_state(struct kl_vcpu *v, void __user *argp)
{
	struct kvm_mp_state mp;

	if (copy_from_user(&mp, argp, sizeof(mp)))
		return -EFAULT;
	spin_lock(&v->lock);
	switch (mp.mp_state) {
	case KVM_MP_STATE_RUNNABLE:
		v->power_off = false;
		v->suspended = false;
		break;
	case KVM_MP_STATE_STOPPED:
		v->power_off = true;
		v->suspended = false;
		break;
	case KVM_MP_STATE_SUSPENDED:
		v->power_off = false;
		v->suspended = true;
		break;
	default:
		spin_unlock(&v->lock);
		return -EINVAL;
	}
	spin_unlock(&v->lock);
	return 0;
}

static int kvmlite_arm64_vcpu_create(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v;
	int r;

	/* As KVM: no vCPU joins an initialised vGIC. */
	r = kl_vgic_vcpu_precreate(vcpu->vm);
	if (r)
		return r;
	v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return -ENOMEM;
	v->vcpu = vcpu;
	v->steal_base = KL_INVALID_GPA;
	spin_lock_init(&v->lock);
	kl_timer_vcpu_init(v);
	kl_vgic_vcpu_init(v);
	vcpu->arch = v;
	return 0;
}

static void kvmlite_arm64_vcpu_destroy(struct kvmlite_vcpu *vcpu)
{
	kl_timer_vcpu_destroy(kl_vcpu(vcpu));
	kfree(vcpu->arch);
	vcpu->arch = NULL;
}

/* The architectural reset state KVM gives a vCPU (kvm_reset_vcpu()). */
void kl_vcpu_reset(struct kl_vcpu *v)
{
	u32 id = v->vcpu->id;

	memset(&v->gp, 0, sizeof(v->gp));
	memset(v->sys, 0, sizeof(v->sys));
	memset(&v->fp, 0, sizeof(v->fp));
	memset(&v->keys, 0, sizeof(v->keys));
	v->gp.pstate = PSR_MODE_EL1h | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT |
		       PSR_D_BIT;
	v->sys[KL_SCTLR] = 0x00c50078;
	/* As reset_mpidr(): Aff0 from the low 4 bits, Aff1 and Aff2 above. */
	v->sys[KL_MPIDR] = BIT(31) | (id & 0xf) | (((id >> 4) & 0xff) << 8) |
			   (((id >> 12) & 0xff) << 16);
	v->cntvoff = kl_vm(v->vcpu->vm)->cntvoff;
	v->cntpoff = 0;
	kl_sysregs_reset(v);
	v->mmio_needed = false;
}

static int kl_vcpu_init(struct kvmlite_vcpu *vcpu, void __user *argp)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	struct kl_vm *s2 = kl_vm(vcpu->vm);
	struct kvm_vcpu_init init;
	bool power_off;
	u64 features, pauth;
	int i, r = 0;

	if (copy_from_user(&init, argp, sizeof(init)))
		return -EFAULT;
	power_off = init.features[0] & BIT(KVM_ARM_VCPU_POWER_OFF);
	features = init.features[0] & ~BIT(KVM_ARM_VCPU_POWER_OFF);

	/* The checks and errnos of kvm_vcpu_set_target(). */
	if (init.target != KVM_ARM_TARGET_GENERIC_V8)
		return -EINVAL;
	if (features & ~KL_VCPU_KNOWN_FEATURES)
		return -ENOENT;
	for (i = 1; i < ARRAY_SIZE(init.features); i++)
		if (init.features[i])
			return -ENOENT;
	if (features & ~kl_vcpu_features_offered())
		return -EINVAL;
	pauth = features & KL_VCPU_PTRAUTH;
	if (pauth && pauth != KL_VCPU_PTRAUTH)
		return -EINVAL;
	if (v->initialized && features != v->features)
		return -EINVAL;
	/* As KVM: the vCPUs of a VM have the same features (PAuth here). */
	mutex_lock(&s2->config_lock);
	if (!s2->features_set) {
		s2->features_set = true;
		s2->pauth = pauth;
		kl_idregs_set_pauth(s2, pauth);
	} else if (s2->pauth != !!pauth) {
		r = -EINVAL;
	}
	mutex_unlock(&s2->config_lock);
	if (r)
		return r;

	kl_vcpu_reset(v);
	v->features = features;
	v->has_pauth = pauth;
	v->psci_version = KL_PSCI_1_1;
	spin_lock(&v->lock);
	v->power_off = power_off;
	v->suspended = false;
	v->reset_pending = false;
	spin_unlock(&v->lock);
	v->initialized = true;
	return 0;
}

static long kvmlite_arm64_vcpu_ioctl(struct kvmlite_vcpu *vcpu,
				     unsigned int ioctl, unsigned long arg)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	void __user *argp = (void __user *)arg;
	struct kvm_one_reg reg;

	switch (ioctl) {
	case KVM_ARM_VCPU_INIT:
		return kl_vcpu_init(vcpu, argp);
	case KVM_GET_ONE_REG:
	case KVM_SET_ONE_REG:
		if (!v->initialized)
			return -ENOEXEC;
		if (copy_from_user(&reg, argp, sizeof(reg)))
			return -EFAULT;
		/* As KVM: accesses come after a reset owed to PSCI CPU_ON. */
		kl_apply_pending_reset(v);
		if (ioctl == KVM_GET_ONE_REG)
			return kl_get_one_reg(v, &reg);
		return kl_set_one_reg(v, &reg);
	case KVM_GET_REG_LIST:
		if (!v->initialized)
			return -ENOEXEC;
		return kl_get_reg_list(v, argp);
	case KVM_HAS_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_SET_DEVICE_ATTR:
		return kl_vcpu_attr(vcpu, ioctl, argp);
	case KVM_GET_MP_STATE:
		return kl_get_mp_state(v, argp);
	case KVM_SET_MP_STATE:
		return kl_set_mp_state(v, argp);
	case KVM_SET_GUEST_DEBUG:
		return kl_set_guest_debug(v, argp);
	default:
		return -ENOTTY;
	}
}

static int kvmlite_arm64_vcpu_run(struct kvmlite_vcpu *vcpu)
{
	struct kl_vcpu *v = kl_vcpu(vcpu);
	int r;

	if (!v->initialized)
		return -ENOEXEC;
	/* As kvm_arch_vcpu_run_pid_change(): the vGIC must be complete. */
	if (!v->has_run) {
		r = kl_vgic_map_resources(vcpu->vm);
		if (!r)
			r = kl_vgic_timer_check(vcpu->vm);
		if (r)
			return r;
	}
	/* As KVM: the CPU model is final once a vCPU runs. */
	kl_idregs_freeze(kl_vm(vcpu->vm));
	return kl_vcpu_run(vcpu);
}

static const struct kvmlite_stats_desc kl_vcpu_stats[] = {
	KVMLITE_COUNTER("mmio_exit_user", KL_STAT_MMIO_EXIT_USER),
	KVMLITE_COUNTER("mmio_exit_kernel", KL_STAT_MMIO_EXIT_KERNEL),
	KVMLITE_COUNTER("hvc_exit_stat", KL_STAT_HVC_EXITS),
	KVMLITE_COUNTER("wfe_exit_stat", KL_STAT_WFE_EXITS),
	KVMLITE_COUNTER("wfi_exit_stat", KL_STAT_WFI_EXITS),
};

static_assert(ARRAY_SIZE(kl_vcpu_stats) == KL_STAT_END - KVMLITE_STAT_ARCH);

const struct kvmlite_arch_ops kvmlite_arch_ops = {
	.name		= "arm64-vhe",
	.init		= kvmlite_arm64_init,
	.exit		= kvmlite_arm64_exit,
	.check_extension = kvmlite_arm64_check_extension,
	.vm_init	= kvmlite_arm64_vm_init,
	.vm_destroy	= kvmlite_arm64_vm_destroy,
	.vm_ioctl	= kvmlite_arm64_vm_ioctl,
	.memslot_check	= kvmlite_arm64_memslot_check,
	.unmap_range	= kl_stage2_unmap_range,
	.vcpu_create	= kvmlite_arm64_vcpu_create,
	.vcpu_destroy	= kvmlite_arm64_vcpu_destroy,
	.vcpu_ioctl	= kvmlite_arm64_vcpu_ioctl,
	.vcpu_run	= kvmlite_arm64_vcpu_run,
	.vm_enable_cap	= kvmlite_arm64_vm_enable_cap,
	.device_ops	= kl_device_ops,
	.irqchip_ready	= kl_vgic_ready,
	.set_irq	= kl_vgic_set_irq,
	.set_msi	= kl_its_inject_msi,
	.nr_irqchips	= 1,
	.irqchip_pins	= KL_VGIC_MAX_SPIS,
	.dirty_log	= true,
	.vcpu_stats	= kl_vcpu_stats,
	.nr_vcpu_stats	= ARRAY_SIZE(kl_vcpu_stats),
};
