/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_fuzz on arm64: the operations and guest code of the VHE backend
 * (vCPU init, ONE_REG, the vGIC and ITS devices, IRQ_LINE), included by
 * kvm_fuzz.c after its shared state and helpers.
 */
#ifndef KVM_FUZZ_ARM64_H
#define KVM_FUZZ_ARM64_H

#define MSI_ADDR	(0x08080000 + 0x10040)	/* GITS_TRANSLATER */
#define FORK_VCPU_REQ	KVM_GET_ONE_REG

enum op {
	OP_CREATE_VM, OP_CREATE_VCPU, OP_VCPU_INIT, OP_SET_MEM, OP_RUN,
	OP_ONE_REG, OP_REG_LIST, OP_CREATE_DEV, OP_DEV_ATTR, OP_IRQ_LINE,
	OP_IRQFD, OP_IOEVENTFD, OP_ROUTING, OP_SIGNAL_MSI, OP_DIRTY_LOG,
	OP_CHECK_EXT, OP_ENABLE_CAP, OP_STATS, OP_MMAP_RUN, OP_RAND_IOCTL,
	OP_CLOSE, OP_REMAP, OP_FORK, OP_MISC_VCPU, OP_GUEST_CODE, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"create_vm", "create_vcpu", "vcpu_init", "set_mem", "run",
	"one_reg", "reg_list", "create_dev", "dev_attr", "irq_line",
	"irqfd", "ioeventfd", "gsi_routing", "signal_msi", "dirty_log",
	"check_ext", "enable_cap", "stats_fd", "mmap_run", "random_ioctl",
	"close", "remap", "fork", "vcpu_misc", "guest_code",
};

/* Guest physical addresses of memslots: RAM, the GIC frames, the top. */
static const __u64 slot_gpas[] = {
	0x80000000, 0x80040000, 0x0, 0x40000000, 0x08000000,
	0xfffffffff000ULL,
};

static const unsigned long misc_vcpu_reqs[] = {
	KVM_GET_MP_STATE, KVM_SET_MP_STATE, KVM_SET_GUEST_DEBUG,
	KVM_SET_SIGNAL_MASK, KVM_GET_VCPU_EVENTS, KVM_SET_VCPU_EVENTS,
	KVM_ARM_VCPU_FINALIZE, KVM_HAS_DEVICE_ATTR, KVM_SET_DEVICE_ATTR,
	KVM_KVMCLOCK_CTRL,
};

/* An address in the GIC distributor, redistributors, ITS, RAM or elsewhere. */
static __u64 mmio_addr(void)
{
	static const __u64 bases[] = {
		0x08000000, 0x080a0000, 0x080c0000, 0x08080000, 0x80000000,
		0x10000000, 0,
	};

	return bases[below(ARRAY_SIZE(bases))] +
	       (chance(70) ? below(0x20000) & ~3ULL : rnd());
}

/* ==== guest code ==== */

static __u32 insn(void)
{
	static const __u32 fixed[] = {
		0xb9000001,	/* str w1, [x0] */
		0xb9400001,	/* ldr w1, [x0] */
		0xf9000001,	/* str x1, [x0] */
		0xf9400001,	/* ldr x1, [x0] */
		0x39000001,	/* strb w1, [x0] */
		0x79400001,	/* ldrh w1, [x0] */
		0x91001000,	/* add x0, x0, #4 */
		0xd4000002,	/* hvc #0 */
		0xd4000003,	/* smc #0 */
		0xd503207f,	/* wfi */
		0xd503205f,	/* wfe */
		0xd518cba1,	/* msr ICC_SGI1R_EL1, x1 */
		0xd538cc01,	/* mrs x1, ICC_IAR1_EL1 */
		0xd5033fdf,	/* isb */
		0x17fffff0,	/* b .-64 */
		0xd63f0000,	/* blr x0 */
	};

	switch (below(4)) {
	case 0:
		return (__u32)rnd();
	case 1:		/* MSR/MRS of a random system register */
		return 0xd5100000 | (below(2) << 21) | (__u32)below(1 << 20);
	default:
		return fixed[below(ARRAY_SIZE(fixed))];
	}
}

/* 256 guest instructions at @p. */
static void guest_code(unsigned char *p)
{
	__u32 w;
	int i;

	for (i = 0; i < 256; i++) {
		w = insn();
		memcpy(p + 4 * i, &w, 4);
	}
}

static __u64 core_reg(int n)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
	       (n * 2);	/* regs.regs[n], in units of u32 */
}

/* Registers for the targeted instructions: x0 an address, x1 a value. */
static void run_regs(int vcpu)
{
	__u64 v;

	v = chance(30) ? (0x84000000 | below(0x20)) | (below(2) << 30) : mmio_addr();
	ioctl(vcpu, KVM_SET_ONE_REG, &(struct kvm_one_reg) {
		.id = core_reg(0), .addr = (unsigned long)&v });
	v = rnd();
	ioctl(vcpu, KVM_SET_ONE_REG, &(struct kvm_one_reg) {
		.id = core_reg(1), .addr = (unsigned long)&v });
	if (chance(60)) {
		v = 0x80000000 + below(REGION_SIZE / 4) * 4;
		ioctl(vcpu, KVM_SET_ONE_REG, &(struct kvm_one_reg) {
			.id = core_reg(32), .addr = (unsigned long)&v });	/* pc */
	}
	/*
	 * Exception vectors in the guest code too: else every exception of a
	 * random instruction ends in an abort loop at VBAR_EL1 0, outside RAM.
	 */
	if (chance(50)) {
		v = 0x80000000 + below(REGION_SIZE / 2048) * 2048;
		ioctl(vcpu, KVM_SET_ONE_REG, &(struct kvm_one_reg) {
			.id = ARM64_SYS_REG(3, 0, 12, 0, 0), .addr = (unsigned long)&v });
	}
}

/* MMIO only on arm64. */
static void ioeventfd_arch(struct kvm_ioeventfd *io)
{
	(void)io;
}

/* Nothing to shape in arm64's miscellaneous vCPU requests. */
static void misc_vcpu_arch(unsigned long req, void *p)
{
	(void)req;
	(void)p;
}

/* ==== the arm64 operations ==== */

static void op_vcpu_init(void)
{
	struct kvm_vcpu_init init;
	int vm = fd_of(K_VM);
	long r;

	memset(&init, 0, sizeof(init));
	ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init);
	if (chance(30))
		init.target = (__u32)rnd();
	init.features[0] = chance(60) ? 1U << KVM_ARM_VCPU_PSCI_0_2 :
			   chance(50) ? (__u32)below(256) : (__u32)rnd();
	if (chance(10))
		init.features[1 + below(6)] = (__u32)rnd();
	r = xioctl(fd_of(K_VCPU), KVM_ARM_VCPU_INIT,
		   chance(90) ? (unsigned long)&init : (unsigned long)ptr());
	note(OP_VCPU_INIT, r);
}

static void op_one_reg(void)
{
	static const __u64 sysregs[] = {
		ARM64_SYS_REG(3, 0, 0, 0, 5),	/* MPIDR_EL1 */
		ARM64_SYS_REG(3, 0, 1, 0, 0),	/* SCTLR_EL1 */
		ARM64_SYS_REG(3, 0, 12, 0, 0),	/* VBAR_EL1 */
		ARM64_SYS_REG(3, 0, 0, 4, 0),	/* ID_AA64PFR0_EL1 */
		ARM64_SYS_REG(3, 0, 0, 7, 0),	/* ID_AA64MMFR0_EL1 */
		ARM64_SYS_REG(3, 3, 14, 3, 1),	/* CNTV_CTL_EL0 */
		ARM64_SYS_REG(3, 3, 14, 3, 2),	/* CNTV_CVAL_EL0 */
		ARM64_SYS_REG(3, 3, 14, 0, 2),	/* CNTVCT_EL0 */
		ARM64_SYS_REG(3, 0, 2, 0, 0),	/* TTBR0_EL1 */
	};
	struct kvm_one_reg reg;
	long r;

	switch (below(4)) {
	case 0:
		reg.id = core_reg(below(40));
		break;
	case 1:
		reg.id = sysregs[below(ARRAY_SIZE(sysregs))];
		break;
	case 2:
		reg.id = KVM_REG_ARM64 | KVM_REG_ARM_FW | KVM_REG_SIZE_U64 | below(4);
		break;
	default:
		reg.id = rnd();
		break;
	}
	reg.addr = (unsigned long)arg(256);
	r = xioctl(fd_of(K_VCPU), chance(50) ? KVM_GET_ONE_REG : KVM_SET_ONE_REG,
		   (unsigned long)&reg);
	note(OP_ONE_REG, r);
}

static void op_reg_list(void)
{
	struct kvm_reg_list *l = fill(4096);
	long r;

	l->n = chance(50) ? below(600) : (__u64)rnd();
	r = xioctl(fd_of(K_VCPU), KVM_GET_REG_LIST,
		   chance(90) ? (unsigned long)l : (unsigned long)ptr());
	note(OP_REG_LIST, r);
}

static void op_create_dev(void)
{
	struct kvm_create_device cd;
	long r;

	memset(&cd, 0, sizeof(cd));
	cd.type = chance(45) ? KVM_DEV_TYPE_ARM_VGIC_V3 :
		  chance(70) ? KVM_DEV_TYPE_ARM_VGIC_ITS : (__u32)below(16);
	cd.flags = chance(85) ? 0 : chance(50) ? KVM_CREATE_DEVICE_TEST : (__u32)rnd();
	r = xioctl(fd_of(K_VM), KVM_CREATE_DEVICE, (unsigned long)&cd);
	note(OP_CREATE_DEV, r);
	if (!r && !(cd.flags & KVM_CREATE_DEVICE_TEST))
		add(cd.fd, K_DEV);
}

static void op_dev_attr(void)
{
	static const unsigned long reqs[] = {
		KVM_SET_DEVICE_ATTR, KVM_GET_DEVICE_ATTR, KVM_HAS_DEVICE_ATTR,
	};
	struct kvm_device_attr a;
	__u64 *val = fill(64);
	int fd = chance(80) ? fd_of(K_DEV) : chance(50) ? fd_of(K_VCPU) : fd_of(K_VM);
	long r;

	memset(&a, 0, sizeof(a));
	a.group = chance(90) ? below(10) : (__u32)rnd();
	switch (below(4)) {
	case 0:
		a.attr = below(8);	/* ADDR types, CTRL commands */
		break;
	case 1:			/* register offsets, with a vCPU's MPIDR */
		a.attr = (below(2) << 32) | (below(0x10000) & ~3ULL);
		break;
	case 2:			/* CPU_SYSREGS encodings */
		a.attr = (below(2) << 32) | (3ULL << 14) | below(1 << 14);
		break;
	default:
		a.attr = rnd();
		break;
	}
	if (chance(50))
		*val = chance(50) ? mmio_addr() & ~0xffffULL : below(1024);
	a.addr = chance(90) ? (unsigned long)val : (unsigned long)ptr();
	if (chance(3))
		a.flags = (__u32)rnd();
	r = xioctl(fd, reqs[below(3)], (unsigned long)&a);
	note(OP_DEV_ATTR, r);
}

static void op_irq_line(void)
{
	struct kvm_irq_level l;
	long r;

	l.irq = chance(80) ? (__u32)((below(4) << 24) | (below(3) << 16) | below(1100)) :
		(__u32)rnd();
	l.level = chance(90) ? below(2) : (__u32)rnd();
	r = xioctl(fd_of(K_VM), KVM_IRQ_LINE, (unsigned long)&l);
	note(OP_IRQ_LINE, r);
}

/* Nothing to set up at VM creation (the vGIC is a device of its own). */
static void vm_created_arch(int vm)
{
	(void)vm;
}

#define ARCH_OPS \
	[OP_VCPU_INIT] = op_vcpu_init,	\
	[OP_ONE_REG] = op_one_reg,	\
	[OP_REG_LIST] = op_reg_list,	\
	[OP_CREATE_DEV] = op_create_dev,	\
	[OP_DEV_ATTR] = op_dev_attr,	\
	[OP_IRQ_LINE] = op_irq_line

#endif
