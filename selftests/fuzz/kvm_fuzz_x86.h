/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_fuzz on x86_64: the operations and guest code of the VMX backend,
 * included by kvm_fuzz.c after its shared state and helpers.
 *
 * Operations: GET/SET_REGS, _SREGS (random segment state, control registers
 * and EFER: what VM entry would refuse must be refused or fail the entry
 * cleanly), _FPU, _MSRS (the MSRs a Linux guest and QEMU use, and random
 * indices; the system fd's index lists), CPUID (the supported table, mutated
 * or random, set on vCPUs that may have run), KVM_INTERRUPT/KVM_NMI/IRQ_LINE,
 * the VM's TSS and identity-map addresses, clock, irqchip, MCE calls and MSR
 * filters (with MSR exits to userspace on some VMs), and the vCPU's events,
 * debug registers, XSAVE/XCRS, LAPIC, guest debug (breakpoints near the
 * guest code, single steps, injected #DB/#BP), pre-faulting, PV feature
 * enforcement and the TSC offset attribute; some VMs have HLT in the guest,
 * exits on emulation failures or no hypercall patching.
 *
 * Hostile guests run in flat 32-bit protected mode (or real mode, or
 * whatever state the last SET_SREGS left) on memory filled with random bytes
 * and targeted instructions: loads, stores and string moves at EAX/ESI/EDI
 * (the LAPIC, IOAPIC, HPET, RAM or unbacked addresses), IN/OUT and their
 * string forms at DX, RDMSR/WRMSR of ECX (the MSRs above), CPUID, HLT, STI,
 * MOV to CR0/CR3/CR4/DR7, LGDT/LIDT, XSETBV, INVLPG, VMCALL, VMMCALL, FLDS
 * (no emulation on MMIO), INT3/INT n,
 * VMX instructions, MOV SS (an interrupt shadow).
 */
#ifndef KVM_FUZZ_X86_H
#define KVM_FUZZ_X86_H

#define MSI_ADDR	0xfee00000U
#define FORK_VCPU_REQ	KVM_GET_REGS

enum op {
	OP_CREATE_VM, OP_CREATE_VCPU, OP_SET_MEM, OP_RUN, OP_REGS,
	OP_SREGS, OP_FPU, OP_MSRS, OP_CPUID, OP_IRQ, OP_VM_MISC,
	OP_IRQFD, OP_IOEVENTFD, OP_ROUTING, OP_SIGNAL_MSI, OP_DIRTY_LOG,
	OP_CHECK_EXT, OP_ENABLE_CAP, OP_STATS, OP_MMAP_RUN, OP_RAND_IOCTL,
	OP_CLOSE, OP_REMAP, OP_FORK, OP_MISC_VCPU, OP_GUEST_CODE, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"create_vm", "create_vcpu", "set_mem", "run", "regs",
	"sregs", "fpu", "msrs", "cpuid", "irq", "vm_misc",
	"irqfd", "ioeventfd", "gsi_routing", "signal_msi", "dirty_log",
	"check_ext", "enable_cap", "stats_fd", "mmap_run", "random_ioctl",
	"close", "remap", "fork", "vcpu_misc", "guest_code",
};

/*
 * Guest physical addresses of memslots: low RAM (where the guest code runs),
 * the BIOS area, the LAPIC page, the reset vector's top of 4 GiB, the top.
 */
static const __u64 slot_gpas[] = {
	0x0, 0x40000, 0xf0000, 0xfee00000, 0xfffc0000, 0xfffffffff000ULL,
};

static const unsigned long misc_vcpu_reqs[] = {
	KVM_GET_MP_STATE, KVM_SET_MP_STATE, KVM_SET_GUEST_DEBUG,
	KVM_SET_SIGNAL_MASK, KVM_GET_VCPU_EVENTS, KVM_SET_VCPU_EVENTS,
	KVM_GET_DEBUGREGS, KVM_SET_DEBUGREGS, KVM_GET_XSAVE, KVM_SET_XSAVE,
	KVM_GET_XSAVE2, KVM_GET_XCRS, KVM_SET_XCRS, KVM_GET_LAPIC,
	KVM_SET_LAPIC, KVM_KVMCLOCK_CTRL, KVM_X86_SETUP_MCE, KVM_X86_SET_MCE,
	KVM_GET_TSC_KHZ, KVM_SET_TSC_KHZ, KVM_TPR_ACCESS_REPORTING,
	KVM_SET_VAPIC_ADDR, KVM_GET_CPUID2, KVM_PRE_FAULT_MEMORY,
	KVM_ENABLE_CAP, KVM_HAS_DEVICE_ATTR, KVM_GET_DEVICE_ATTR,
	KVM_SET_DEVICE_ATTR,
};

/* MSRs a Linux guest, QEMU or KVM's selftests use, and some nobody has. */
static const __u32 msr_list[] = {
	0x10, 0x1b, 0x3a, 0x48, 0x49, 0x8b, 0xc1, 0xe7, 0xe8, 0xfe,
	0x174, 0x175, 0x176, 0x179, 0x17a, 0x17b, 0x186, 0x1a0, 0x1d9,
	0x200, 0x201, 0x20f, 0x250, 0x258, 0x268, 0x277, 0x2ff,
	0x400, 0x401, 0x402, 0x403, 0x427, 0x480, 0x48d, 0x6e0,
	0x802, 0x808, 0x80b, 0x80d, 0x80f, 0x830, 0x838, 0x83f, 0x8ff,
	0x3b, 0xce, 0x140, 0xc0010015,
	0xc0000080, 0xc0000081, 0xc0000082, 0xc0000084, 0xc0000100,
	0xc0000101, 0xc0000102, 0xc0000103, 0x11, 0x12,
	0x4b564d00, 0x4b564d01, 0x4b564d02, 0x4b564d03, 0x4b564d04,
	0x4b564d05, 0x4b564d06, 0x4b564d07, 0x40000000, 0xffffffff,
};

static __u32 msr_index(void)
{
	return chance(85) ? msr_list[below(ARRAY_SIZE(msr_list))] : (__u32)rnd();
}

/* An address at the LAPIC, IOAPIC, HPET, in RAM, unbacked or anywhere. */
static __u64 mmio_addr(void)
{
	static const __u64 bases[] = {
		0xfee00000, 0xfec00000, 0xfed00000, 0x10000000, 0xc0000000,
		0, 0xfffff000,
	};

	return bases[below(ARRAY_SIZE(bases))] +
	       (chance(70) ? below(0x1000) & ~3ULL : rnd());
}

/* An I/O port: the serial port, PIC, PIT, CMOS, PCI config, QEMU's, any. */
static __u16 io_port(void)
{
	static const __u16 ports[] = {
		0x3f8, 0x3fd, 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x40,
		0x40, 0x42, 0x43, 0x61, 0x70, 0x71,
		0xcf8, 0xcfc, 0x510, 0x511, 0x7e, 0x80, 0x92, 0x402, 0xb004,
	};

	return chance(80) ? ports[below(ARRAY_SIZE(ports))] : (__u16)rnd();
}

/* ==== guest code ==== */

/* Targeted instructions, 1 to 4 bytes (0 ends one). */
static const unsigned char x86_insns[][4] = {
	{ 0x89, 0x18 },		/* mov [eax], ebx */
	{ 0x8b, 0x18 },		/* mov ebx, [eax] */
	{ 0x88, 0x18 },		/* mov [eax], bl */
	{ 0x66, 0x89, 0x18 },	/* mov [eax], bx */
	{ 0x0f, 0xb7, 0x18 },	/* movzx ebx, word [eax] */
	{ 0x87, 0x18 },		/* xchg [eax], ebx */
	{ 0xf0, 0x01, 0x18 },	/* lock add [eax], ebx */
	{ 0xf3, 0xa4 },		/* rep movsb */
	{ 0xab },		/* stosd */
	{ 0xa5 },		/* movsd */
	{ 0xee },		/* out dx, al */
	{ 0xef },		/* out dx, eax */
	{ 0xec },		/* in al, dx */
	{ 0x66, 0xed },		/* in ax, dx */
	{ 0xf3, 0x6e },		/* rep outsb */
	{ 0xf3, 0x6c },		/* rep insb */
	{ 0xe6, 0x80 },		/* out 0x80, al */
	{ 0xe4, 0x71 },		/* in al, 0x71 */
	{ 0xf4 },		/* hlt */
	{ 0xfb, 0xf4 },		/* sti; hlt */
	{ 0xfb },		/* sti */
	{ 0xfa },		/* cli */
	{ 0x0f, 0xa2 },		/* cpuid */
	{ 0x0f, 0x32 },		/* rdmsr */
	{ 0x0f, 0x30 },		/* wrmsr */
	{ 0x0f, 0x31 },		/* rdtsc */
	{ 0x0f, 0x01, 0xf9 },	/* rdtscp */
	{ 0x0f, 0x01, 0xc1 },	/* vmcall */
	{ 0x0f, 0x01, 0xd9 },	/* vmmcall: rewritten into vmcall (quirk) */
	{ 0xd9, 0x00 },		/* flds [eax]: no emulation on MMIO */
	{ 0x0f, 0x01, 0xd1 },	/* xsetbv */
	{ 0x0f, 0x01, 0xd0 },	/* xgetbv */
	{ 0x0f, 0x22, 0xc0 },	/* mov cr0, eax */
	{ 0x0f, 0x22, 0xd8 },	/* mov cr3, eax */
	{ 0x0f, 0x22, 0xe0 },	/* mov cr4, eax */
	{ 0x0f, 0x20, 0xc0 },	/* mov eax, cr0 */
	{ 0x0f, 0x23, 0xf8 },	/* mov dr7, eax */
	{ 0x0f, 0x21, 0xf0 },	/* mov eax, dr6 */
	{ 0x0f, 0x01, 0x10 },	/* lgdt [eax] */
	{ 0x0f, 0x01, 0x18 },	/* lidt [eax] */
	{ 0x0f, 0x01, 0x38 },	/* invlpg [eax] */
	{ 0x0f, 0x01, 0xf0 },	/* lmsw ax */
	{ 0x0f, 0x06 },		/* clts */
	{ 0x0f, 0x09 },		/* wbinvd */
	{ 0x0f, 0x01, 0xc8 },	/* monitor */
	{ 0x0f, 0x01, 0xc9 },	/* mwait */
	{ 0x0f, 0x33 },		/* rdpmc */
	{ 0x0f, 0xae, 0x20 },	/* xsave [eax] */
	{ 0x0f, 0xae, 0x00 },	/* fxsave [eax] */
	{ 0xf3, 0x0f, 0xc7, 0x30 },	/* vmxon [eax] */
	{ 0x0f, 0x78, 0xc3 },	/* vmread ebx, eax */
	{ 0x0f, 0x01, 0xc4 },	/* vmxoff */
	{ 0x8e, 0xd0 },		/* mov ss, ax */
	{ 0xcc },		/* int3 */
	{ 0xcd, 0x80 },		/* int 0x80 */
	{ 0x0f, 0x0b },		/* ud2 */
	{ 0xcf },		/* iret */
	{ 0x0f, 0x05 },		/* syscall */
	{ 0xf3, 0x90 },		/* pause */
	{ 0x83, 0xc0, 0x04 },	/* add eax, 4 */
	{ 0xeb, 0xc0 },		/* jmp .-64 */
	{ 0xff, 0xe0 },		/* jmp eax */
};

/* 1 KiB of guest code at @p: targeted instructions between random bytes. */
static void guest_code(unsigned char *p)
{
	size_t i = 0, k;
	const unsigned char *in;

	while (i < 1024) {
		if (chance(25)) {
			p[i++] = (unsigned char)rnd();
			continue;
		}
		in = x86_insns[below(ARRAY_SIZE(x86_insns))];
		for (k = 0; k < 4 && in[k] && i < 1024; k++)
			p[i++] = in[k];
	}
}

static void set_seg(struct kvm_segment *s, __u16 sel, __u8 type, int flat)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->limit = flat ? 0xffffffff : 0xffff;
	s->g = flat;
	s->db = flat;
}

/*
 * Before a run: flat 32-bit protected mode, real mode, or the state as it
 * is; EAX/ESI/EDI addresses, EBX a value, ECX an MSR, EDX a port, EIP in
 * the code (sometimes where it was).
 */
static void run_regs(int vcpu)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int mode = below(10);

	if (mode < 9 && !ioctl(vcpu, KVM_GET_SREGS, &sregs)) {
		int flat = mode < 7;

		set_seg(&sregs.cs, flat ? 0x8 : 0, 11, flat);
		set_seg(&sregs.ds, flat ? 0x10 : 0, 3, flat);
		sregs.es = sregs.ds;
		sregs.fs = sregs.ds;
		sregs.gs = sregs.ds;
		sregs.ss = sregs.ds;
		sregs.cr0 = flat ? 0x11 : 0x10;		/* ET, PE */
		sregs.cr4 = chance(20) ? 0x40000 : 0;	/* OSXSAVE */
		sregs.efer = 0;
		ioctl(vcpu, KVM_SET_SREGS, &sregs);
	}
	if (ioctl(vcpu, KVM_GET_REGS, &regs))
		return;
	regs.rax = mmio_addr();
	regs.rbx = rnd();
	regs.rcx = msr_index();
	regs.rdx = io_port();
	regs.rsi = mmio_addr();
	regs.rdi = chance(50) ? mmio_addr() : below(REGION_SIZE);
	regs.rsp = 0x1000 + below(REGION_SIZE - 0x1000);
	regs.rflags = 0x2 | (chance(40) ? 0x200 : 0) | (chance(3) ? 0x100 : 0);
	if (chance(60))
		regs.rip = below(mode < 7 ? REGION_SIZE : 0x10000);
	ioctl(vcpu, KVM_SET_REGS, &regs);
}

/* Port I/O too on x86. */
static void ioeventfd_arch(struct kvm_ioeventfd *io)
{
	if (chance(40)) {
		io->flags |= KVM_IOEVENTFD_FLAG_PIO;
		io->addr = io_port();
	}
}

/*
 * Events, XCR0 values and debug registers KVM accepts (for the latter DR6/DR7 within 32
 * bits, no flags, breakpoints mostly in the low memory the guest code runs
 * from: armed while the guest runs, they fire on its random instructions).
 */
static void misc_vcpu_arch(unsigned long req, void *p)
{
	struct kvm_vcpu_events *e = p;
	struct kvm_debugregs *d = p;
	int i;

	if (req == KVM_SET_VCPU_EVENTS && chance(70)) {
		/* Events KVM takes: any of them, into the random guest code. */
		e->flags &= KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW;
		e->exception.injected &= 1;
		e->exception.nr = below(32);
		e->interrupt.injected &= 1;
		e->interrupt.soft = chance(10);
		e->nmi.injected &= 1;
		e->nmi.pending &= 1;
		e->nmi.masked &= 1;
		memset(&e->smi, 0, sizeof(e->smi));
	}
	if (req == KVM_SET_XCRS && chance(70)) {
		static const __u64 xcr0s[] = { 1, 3, 7, 5, 0 };
		struct kvm_xcrs *x = p;

		x->nr_xcrs = 1;
		x->flags = 0;
		x->xcrs[0].xcr = 0;
		x->xcrs[0].value = chance(90) ? xcr0s[below(ARRAY_SIZE(xcr0s))] : rnd();
	}
	if (req == KVM_PRE_FAULT_MEMORY && chance(70)) {
		/* Ranges over the slots, sometimes beyond them. */
		struct kvm_pre_fault_memory *f = p;

		f->gpa = slot_gpas[below(ARRAY_SIZE(slot_gpas))] + 4096 * below(64);
		f->size = 4096 * (1 + below(64));
		f->flags = chance(95) ? 0 : f->flags;
	}
	if (req == KVM_SET_GUEST_DEBUG && chance(70)) {
		/* The VMM's debugging: breakpoints, steps, injections. */
		struct kvm_guest_debug *g = p;

		g->control &= chance(90) ? 0x1f0003 : ~0u;
		g->control |= chance(90) ? 1 : 0;	/* ENABLE */
		for (i = 0; i < 4; i++)
			g->arch.debugreg[i] = below(0x10000);
		g->arch.debugreg[7] = chance(90) ? (__u32)g->arch.debugreg[7] :
						   g->arch.debugreg[7];
	}
	if (req == KVM_ENABLE_CAP && chance(70)) {
		/* The vCPU's one cap: PV features as its CPUID says. */
		struct kvm_enable_cap *c = p;

		c->cap = KVM_CAP_ENFORCE_PV_FEATURE_CPUID;
		c->flags = chance(95) ? 0 : c->flags;
		c->args[0] &= 1;
	}
	if ((req == KVM_HAS_DEVICE_ATTR || req == KVM_GET_DEVICE_ATTR ||
	     req == KVM_SET_DEVICE_ATTR) && chance(70)) {
		/* The TSC offset, its value in the same buffer. */
		struct kvm_device_attr *a = p;

		a->group = chance(90) ? KVM_VCPU_TSC_CTRL : a->group;
		a->attr = chance(90) ? KVM_VCPU_TSC_OFFSET : a->attr;
		a->addr = chance(90) ? (unsigned long)(a + 1) : a->addr;
	}
	if (req != KVM_SET_DEBUGREGS || !chance(70))
		return;
	for (i = 0; i < 4; i++)
		if (chance(80))
			d->db[i] = below(0x10000);
	d->dr6 = chance(50) ? 0xffff0ff0 : (__u32)d->dr6;
	d->dr7 = chance(20) ? 0x400 : (__u32)d->dr7;
	d->flags = chance(95) ? 0 : d->flags;
}

/*
 * A third of the VMs get KVM's split irqchip before any vCPU (in-kernel
 * LAPICs: their MMIO page and x2APIC MSRs, IPIs, timers, MSIs, HLT in the
 * kernel, INIT/SIPI), a third the full one of KVM_CREATE_IRQCHIP (the PICs'
 * ports, the IOAPIC's page, their GSI routes; mostly with the PIT), sometimes with x2APIC's
 * 32-bit IDs.
 */
static void vm_created_arch(int vm)
{
	struct kvm_enable_cap c = { .cap = KVM_CAP_SPLIT_IRQCHIP };

	switch (below(3)) {
	case 0:
		c.args[0] = chance(80) ? 24 : below(64);
		note(OP_ENABLE_CAP, xioctl(vm, KVM_ENABLE_CAP, (unsigned long)&c));
		break;
	case 1:
		note(OP_VM_MISC, xioctl(vm, KVM_CREATE_IRQCHIP, 0));
		/* Mostly with the PIT, its timer ticking into the PICs. */
		if (chance(70)) {
			struct kvm_pit_config pit = {
				.flags = chance(50) ? KVM_PIT_SPEAKER_DUMMY : 0,
			};

			note(OP_VM_MISC, xioctl(vm, KVM_CREATE_PIT2,
						(unsigned long)&pit));
		}
		break;
	}
	if (chance(20)) {
		c.cap = KVM_CAP_X2APIC_API;
		c.args[0] = below(4);
		note(OP_ENABLE_CAP, xioctl(vm, KVM_ENABLE_CAP, (unsigned long)&c));
	}
	/* HLT in the guest, exits on emulation failures, no hypercall patching. */
	if (chance(20)) {
		static const __u32 caps[] = {
			KVM_CAP_X86_DISABLE_EXITS, KVM_CAP_EXIT_ON_EMULATION_FAILURE,
			KVM_CAP_DISABLE_QUIRKS2, KVM_CAP_DISABLE_QUIRKS,
		};

		c.cap = caps[below(ARRAY_SIZE(caps))];
		c.args[0] = chance(90) ? below(64) : rnd();
		note(OP_ENABLE_CAP, xioctl(vm, KVM_ENABLE_CAP, (unsigned long)&c));
	}
	/* Failed RDMSR/WRMSR to userspace: the runners answer at random. */
	if (chance(30)) {
		c.cap = KVM_CAP_X86_USER_SPACE_MSR;
		c.args[0] = chance(90) ? below(8) : rnd();
		note(OP_ENABLE_CAP, xioctl(vm, KVM_ENABLE_CAP, (unsigned long)&c));
	}
}

/*
 * An MSR filter over the MSRs the guest code touches: a few ranges around
 * them, random bitmaps (this op's buffer), now and then a bad one.
 */
static void msr_filter(struct kvm_msr_filter *f, __u8 *bitmaps)
{
	int i, n = below(4);

	memset(f, 0, sizeof(*f));
	f->flags = chance(90) ? below(2) : (__u32)rnd();
	for (i = 0; i < n; i++) {
		struct kvm_msr_filter_range *r = &f->ranges[below(16)];

		r->flags = chance(90) ? 1 + below(3) : below(8);
		r->base = msr_index() - below(4);
		r->nmsrs = chance(90) ? 1 + below(64) : (__u32)rnd();
		r->bitmap = chance(95) ? bitmaps + 8 * i : (__u8 *)ptr();
	}
}

/* ==== the x86 operations ==== */

static void op_regs(void)
{
	struct kvm_regs *r = fill(sizeof(*r));
	int vcpu = fd_of(K_VCPU);
	long ret;

	if (chance(50)) {
		ret = xioctl(vcpu, KVM_GET_REGS, chance(90) ? (unsigned long)r :
			     (unsigned long)ptr());
	} else {
		if (chance(50) && !ioctl(vcpu, KVM_GET_REGS, r)) {
			/* Plausible: one field bent. */
			((__u64 *)r)[below(sizeof(*r) / 8)] = rnd();
		}
		ret = xioctl(vcpu, KVM_SET_REGS, chance(90) ? (unsigned long)r :
			     (unsigned long)ptr());
	}
	note(OP_REGS, ret);
}

static void op_sregs(void)
{
	struct kvm_sregs *s = fill(sizeof(*s));
	int vcpu = fd_of(K_VCPU);
	long ret;

	if (chance(40)) {
		ret = xioctl(vcpu, KVM_GET_SREGS, chance(90) ? (unsigned long)s :
			     (unsigned long)ptr());
		note(OP_SREGS, ret);
		return;
	}
	if (chance(70) && !ioctl(vcpu, KVM_GET_SREGS, s)) {
		switch (below(6)) {
		case 0:
			s->cr0 = rnd();
			break;
		case 1:
			s->cr4 = rnd();
			break;
		case 2:
			s->efer = chance(50) ? 0x500 : rnd();	/* LME|LMA */
			break;
		case 3:
			s->cr3 = rnd();
			break;
		case 4:	/* one segment field */
			((__u8 *)&s->cs)[below(sizeof(s->cs))] = (__u8)rnd();
			break;
		default:
			s->apic_base = chance(50) ? 0xfee00900 : rnd();
			break;
		}
		if (chance(10))	/* a pending interrupt */
			s->interrupt_bitmap[below(4)] = 1ULL << below(64);
	}
	ret = xioctl(vcpu, KVM_SET_SREGS, chance(95) ? (unsigned long)s :
		     (unsigned long)ptr());
	note(OP_SREGS, ret);
}

static void op_fpu(void)
{
	struct kvm_fpu *f = fill(sizeof(*f));
	int vcpu = fd_of(K_VCPU);

	if (chance(30))
		f->mxcsr = chance(50) ? 0x1f80 : (__u32)rnd();
	note(OP_FPU, xioctl(vcpu, chance(50) ? KVM_GET_FPU : KVM_SET_FPU,
			    chance(90) ? (unsigned long)f : (unsigned long)ptr()));
}

static void op_msrs(void)
{
	struct kvm_msrs *m = fill(4096);
	__u32 i, n = chance(90) ? 1 + below(16) : (__u32)rnd();
	unsigned long req;
	int fd;

	switch (below(8)) {
	case 0:	/* the system fd's lists */
		m->nmsrs = chance(70) ? below(400) : (__u32)rnd();
		note(OP_MSRS, xioctl(sys_fd, chance(50) ? KVM_GET_MSR_INDEX_LIST :
				     KVM_GET_MSR_FEATURE_INDEX_LIST,
				     chance(90) ? (unsigned long)m : (unsigned long)ptr()));
		return;
	case 1:	/* feature MSRs on the system fd */
		fd = sys_fd;
		req = KVM_GET_MSRS;
		break;
	default:
		fd = fd_of(K_VCPU);
		req = chance(50) ? KVM_GET_MSRS : KVM_SET_MSRS;
		break;
	}
	m->nmsrs = n;
	m->pad = chance(95) ? 0 : (__u32)rnd();
	for (i = 0; i < n && i < 16; i++) {
		m->entries[i].index = msr_index();
		m->entries[i].reserved = 0;
		m->entries[i].data = chance(50) ? below(0x100) : rnd();
	}
	note(OP_MSRS, xioctl(fd, req, chance(95) ? (unsigned long)m : (unsigned long)ptr()));
}

static void op_cpuid(void)
{
	struct kvm_cpuid2 *c = fill(8192);
	int vcpu = fd_of(K_VCPU);
	__u32 n;
	long r;

	switch (below(4)) {
	case 0:
		c->nent = chance(70) ? below(120) : (__u32)rnd();
		r = xioctl(chance(90) ? sys_fd : vcpu, KVM_GET_SUPPORTED_CPUID,
			   chance(95) ? (unsigned long)c : (unsigned long)ptr());
		break;
	case 1:
		c->nent = chance(70) ? below(120) : (__u32)rnd();
		r = xioctl(vcpu, KVM_GET_CPUID2, (unsigned long)c);
		break;
	default:	/* the supported table, a field bent, or garbage */
		c->nent = 100;
		if (chance(80) && !ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, c)) {
			n = c->nent;
			if (n && chance(50))
				((__u32 *)&c->entries[below(n)])[below(7)] = (__u32)rnd();
			if (chance(10))
				c->nent = below(n + 2);
		} else {
			c->nent = chance(80) ? below(100) : (__u32)rnd();
		}
		r = xioctl(vcpu, KVM_SET_CPUID2, chance(95) ? (unsigned long)c :
			   (unsigned long)ptr());
		break;
	}
	note(OP_CPUID, r);
}

static void op_irq(void)
{
	struct kvm_interrupt irq = { .irq = chance(80) ? 32 + below(224) : (__u32)rnd() };
	struct kvm_irq_level l = {
		.irq = chance(80) ? below(24) : (__u32)rnd(),
		.level = below(2),
	};
	long r;

	switch (below(3)) {
	case 0:
		r = xioctl(fd_of(K_VCPU), KVM_INTERRUPT, chance(95) ?
			   (unsigned long)&irq : (unsigned long)ptr());
		break;
	case 1:
		r = xioctl(fd_of(K_VCPU), KVM_NMI, 0);
		break;
	default:
		r = xioctl(fd_of(K_VM), KVM_IRQ_LINE, (unsigned long)&l);
		break;
	}
	note(OP_IRQ, r);
}

static void op_vm_misc(void)
{
	static const unsigned long reqs[] = {
		KVM_SET_TSS_ADDR, KVM_SET_IDENTITY_MAP_ADDR, KVM_GET_CLOCK,
		KVM_SET_CLOCK, KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2,
		KVM_SET_BOOT_CPU_ID, KVM_GET_IRQCHIP, KVM_SET_IRQCHIP,
		KVM_SET_TSC_KHZ, KVM_GET_TSC_KHZ, KVM_REINJECT_CONTROL,
		KVM_CREATE_DEVICE, KVM_SET_PMU_EVENT_FILTER,
		KVM_X86_SET_MSR_FILTER, KVM_GET_PIT2, KVM_SET_PIT2,
	};
	unsigned long req = reqs[below(ARRAY_SIZE(reqs))];
	__u64 *p = fill(1024);
	unsigned long a;
	long r;

	if (req == KVM_SET_TSS_ADDR || req == KVM_SET_BOOT_CPU_ID ||
	    req == KVM_SET_TSC_KHZ) {
		a = chance(70) ? (req == KVM_SET_TSS_ADDR ? 0xfffbd000 : below(4)) : rnd();
	} else {
		if (req == KVM_SET_IDENTITY_MAP_ADDR && chance(70))
			p[0] = chance(50) ? 0xfeffc000 : 0xfffbc000;
		if (req == KVM_SET_CLOCK && chance(70))
			((__u32 *)p)[2] = chance(50) ? 0 : 1u << below(4);	/* flags */
		if (req == KVM_CREATE_DEVICE && chance(70))
			p[0] = below(12);	/* type, flags 0 */
		if (req == KVM_X86_SET_MSR_FILTER && chance(80))
			msr_filter((struct kvm_msr_filter *)p, (__u8 *)(p + 64));
		/* An irqchip's state as it is, a field bent, or garbage. */
		if ((req == KVM_GET_IRQCHIP || req == KVM_SET_IRQCHIP) &&
		    chance(80)) {
			p[0] = below(4);	/* chip_id, pad */
			if (req == KVM_SET_IRQCHIP && chance(70) &&
			    !ioctl(fd_of(K_VM), KVM_GET_IRQCHIP, p) && chance(60))
				((__u8 *)p)[8 + below(sizeof(struct kvm_irqchip) - 8)] =
					(__u8)rnd();
		}
		a = chance(90) ? (unsigned long)p : (unsigned long)ptr();
	}
	r = xioctl(fd_of(K_VM), req, a);
	note(OP_VM_MISC, r);
	if (req == KVM_CREATE_DEVICE && !r && a == (unsigned long)p &&
	    !(((struct kvm_create_device *)p)->flags & KVM_CREATE_DEVICE_TEST))
		add(((struct kvm_create_device *)p)->fd, K_DEV);
}

#define ARCH_OPS \
	[OP_REGS] = op_regs,		\
	[OP_SREGS] = op_sregs,		\
	[OP_FPU] = op_fpu,		\
	[OP_MSRS] = op_msrs,		\
	[OP_CPUID] = op_cpuid,		\
	[OP_IRQ] = op_irq,		\
	[OP_VM_MISC] = op_vm_misc

#endif
