/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 helpers for the kvmlite selftests: a VM with RAM at GPA 0 and one
 * vCPU, put in real mode or 64-bit long mode by the test through
 * KVM_SET_SREGS/KVM_SET_REGS, running small guest blobs assembled into the
 * test binary (X86_CODE16 / X86_CODE64). Works on /dev/kvmlite and on the
 * in-kernel KVM's /dev/kvm (KVMLITE_DEV=/dev/kvm).
 *
 * Guest layout: RAM 0..XRAM_SIZE (640 KiB, as a PC below the VGA hole);
 * GPAs above it have no slot (MMIO). Code at XCODE, stack below XSTACK,
 * long-mode page tables at XPML4 (identity map of the first 1 GiB with 2 MiB
 * pages), GDT at XGDT. Real-mode code runs with CS = DS = ES = SS = 0.
 */
#ifndef KVMLITE_X86_H
#define KVMLITE_X86_H

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/kvmlite.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench_util.h"

#define XRAM_SIZE	0xa0000ULL
#define XCODE		0x1000ULL
#define XSTACK		0x9000ULL
#define XPML4		0x10000ULL
#define XGDT		0x13000ULL
#define XMMIO		0x10000000ULL
#define XPORT_DONE	0xff

/* Guest blobs: position-independent except through NAME-relative labels. */
#define X86_CODE(name, mode, body)					\
	extern const unsigned char name[], name##_end[];		\
	__asm__(".pushsection .rodata." #name ", \"a\"\n"		\
		mode "\n"						\
		".global " #name "\n" #name ":\n"			\
		body "\n"						\
		".global " #name "_end\n" #name "_end:\n"		\
		".code64\n"						\
		".popsection\n")
/* A global label inside a blob (a handler), for its offset. */
#define X86_SYMBOL(sym)	extern const unsigned char sym[]
#define X86_CODE16(name, body)	X86_CODE(name, ".code16", body)
#define X86_CODE64(name, body)	X86_CODE(name, ".code64", body)

static inline const char *kvm_dev(void)
{
	return env_or("KVMLITE_DEV", KVMLITE_DEV_PATH);
}

static inline int is_kvmlite(void)
{
	return !strcmp(kvm_dev(), KVMLITE_DEV_PATH);
}

static inline long kioctl(int fd, unsigned long req, unsigned long arg)
{
	long r = ioctl(fd, req, arg);

	return r < 0 ? -errno : r;
}

static inline long kioctlp(int fd, unsigned long req, const void *arg)
{
	return kioctl(fd, req, (unsigned long)arg);
}

struct xvm {
	int sys;
	int fd;
	int vcpu;
	struct kvm_run *run;
	long run_size;
	unsigned char *ram;
};

static inline int xset_mem(int vm, __u32 slot, __u32 flags, __u64 gpa,
			   __u64 size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (unsigned long)hva,
	};

	return kioctlp(vm, KVM_SET_USER_MEMORY_REGION, &r);
}

/*
 * Give @vcpu the CPUID table the hypervisor supports, as a VMM does before
 * it sets long mode: KVM checks EFER.LME and CR4 bits against guest CPUID.
 */
static inline int xvcpu_supported_cpuid(int sys, int vcpu)
{
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[100];
	} t;
	long r;

	memset(&t, 0, sizeof(t));
	t.c.nent = 100;
	r = kioctlp(sys, KVM_GET_SUPPORTED_CPUID, &t);
	if (r)
		return r;
	return kioctlp(vcpu, KVM_SET_CPUID2, &t);
}

/* Create vCPU @id of @vm->fd with the supported CPUID and map its kvm_run. */
static inline int xvm_add_vcpu(struct xvm *vm, int id)
{
	int r;

	vm->vcpu = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (vm->vcpu < 0)
		return -errno;
	r = xvcpu_supported_cpuid(vm->sys, vm->vcpu);
	if (r)
		return r;
	vm->run_size = ioctl(vm->sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size <= 0)
		return -errno;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	if (vm->run == MAP_FAILED)
		return -errno;
	return 0;
}

static inline void xvm_destroy(struct xvm *vm)
{
	if (vm->run && vm->run != MAP_FAILED)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu > 0)
		close(vm->vcpu);
	if (vm->ram && vm->ram != MAP_FAILED)
		munmap(vm->ram, XRAM_SIZE);
	if (vm->fd > 0)
		close(vm->fd);
	if (vm->sys > 0)
		close(vm->sys);
}

static inline int xvcpu_set_pc(int vcpu, __u64 rip, __u64 rsp)
{
	struct kvm_regs regs;
	int r = kioctlp(vcpu, KVM_GET_REGS, &regs);

	if (r)
		return r;
	regs.rip = rip;
	regs.rsp = rsp;
	regs.rflags = 2;
	return kioctlp(vcpu, KVM_SET_REGS, &regs);
}

/* Real mode, CS = DS = ES = SS = 0, at @at with the blob copied there. */
static inline int xvcpu_real_mode(struct xvm *vm, int vcpu, __u64 at,
				  const unsigned char *start,
				  const unsigned char *end)
{
	struct kvm_sregs s;
	int r;

	memcpy(vm->ram + at, start, end - start);
	r = kioctlp(vcpu, KVM_GET_SREGS, &s);
	if (r)
		return r;
	s.cs.selector = 0;
	s.cs.base = 0;
	r = kioctlp(vcpu, KVM_SET_SREGS, &s);
	if (r)
		return r;
	return xvcpu_set_pc(vcpu, at, XSTACK);
}

static inline int xvm_real_mode(struct xvm *vm, const unsigned char *start,
				const unsigned char *end)
{
	return xvcpu_real_mode(vm, vm->vcpu, XCODE, start, end);
}

static inline void xseg(struct kvm_segment *s, __u16 sel, __u8 type, int code)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code;
	s->db = !code;
}

/* 64-bit long mode, identity-mapped first GiB, at XCODE with the blob. */
static inline int xvm_long_mode(struct xvm *vm, const unsigned char *start,
				const unsigned char *end)
{
	__u64 *pml4 = (__u64 *)(vm->ram + XPML4);
	__u64 *pdpt = (__u64 *)(vm->ram + XPML4 + 0x1000);
	__u64 *pd = (__u64 *)(vm->ram + XPML4 + 0x2000);
	__u64 *gdt = (__u64 *)(vm->ram + XGDT);
	struct kvm_sregs s;
	int i, r;

	memcpy(vm->ram + XCODE, start, end - start);
	pml4[0] = (XPML4 + 0x1000) | 3;
	pdpt[0] = (XPML4 + 0x2000) | 3;
	for (i = 0; i < 512; i++)
		pd[i] = ((__u64)i << 21) | 0x83;
	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffULL;	/* 0x08: 64-bit code */
	gdt[2] = 0x00cf93000000ffffULL;	/* 0x10: data */
	gdt[3] = 0x00008b0000000067ULL;	/* 0x18: 64-bit TSS at 0 */
	gdt[4] = 0;

	r = kioctlp(vm->vcpu, KVM_GET_SREGS, &s);
	if (r)
		return r;
	xseg(&s.cs, 0x08, 11, 1);
	xseg(&s.ds, 0x10, 3, 0);
	s.es = s.ds;
	s.fs = s.ds;
	s.gs = s.ds;
	s.ss = s.ds;
	memset(&s.tr, 0, sizeof(s.tr));
	s.tr.selector = 0x18;
	s.tr.limit = 0x67;
	s.tr.type = 11;
	s.tr.present = 1;
	s.gdt.base = XGDT;
	s.gdt.limit = 5 * 8 - 1;
	s.idt.base = 0;
	s.idt.limit = 0;
	s.cr3 = XPML4;
	s.cr4 = 0x20;			/* PAE */
	s.cr0 = 0x80050033;		/* PG WP NE ET MP PE */
	s.efer = 0x500;			/* LMA LME */
	r = kioctlp(vm->vcpu, KVM_SET_SREGS, &s);
	if (r)
		return r;
	return xvcpu_set_pc(vm->vcpu, XCODE, XSTACK);
}

static inline int xvm_run(struct xvm *vm)
{
	return kioctl(vm->vcpu, KVM_RUN, 0);
}

/*
 * Finish the last exit without running the guest: KVM completes port I/O
 * and MMIO (the register write of an IN, RIP past the instruction) on the
 * next KVM_RUN, which with immediate_exit returns -EINTR right after.
 * Call it before reading registers that the exiting instruction changes.
 */
static inline int xvm_complete(struct xvm *vm)
{
	long r;

	vm->run->immediate_exit = 1;
	r = kioctl(vm->vcpu, KVM_RUN, 0);
	vm->run->immediate_exit = 0;
	return r == -EINTR ? 0 : (r ? r : -EIO);
}

static inline void *xio_data(struct kvm_run *run)
{
	return (char *)run + run->io.data_offset;
}

static inline __u64 xio_value(struct kvm_run *run)
{
	__u64 v = 0;

	memcpy(&v, xio_data(run), run->io.size);
	return v;
}

static inline __u64 xmmio_value(struct kvm_run *run)
{
	__u64 v = 0;

	memcpy(&v, run->mmio.data, run->mmio.len <= 8 ? run->mmio.len : 8);
	return v;
}

/* Real-mode IVT entry @vec -> CS:IP 0:@ip. */
static inline void xvm_ivt(struct xvm *vm, int vec, __u16 ip)
{
	__u16 *ivt = (__u16 *)vm->ram;

	ivt[vec * 2] = ip;
	ivt[vec * 2 + 1] = 0;
}

/*
 * In-kernel local APIC (KVM's split irqchip). XAPIC_PD maps the xAPIC page
 * (XAPIC_BASE, no memslot: the in-kernel APIC emulates it) uncached in
 * xvm_long_mode's page tables; XIDT holds a 64-bit IDT.
 */
#define XAPIC_BASE	0xfee00000ULL
#define XAPIC_PD	0x14000ULL
#define XIDT		0x15000ULL
#define MSR_IA32_APICBASE	0x1b

/* A VM with RAM at 0 and no vCPU yet (xvm_add_vcpu adds them); 0 or -errno. */
static inline int xvm_create_novcpu(struct xvm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->vcpu = -1;
	vm->sys = open(kvm_dev(), O_RDWR | O_CLOEXEC);
	if (vm->sys < 0)
		return -errno;
	vm->fd = ioctl(vm->sys, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return -errno;
	vm->ram = mmap(NULL, XRAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->ram == MAP_FAILED)
		return -errno;
	return xset_mem(vm->fd, 0, 0, 0, XRAM_SIZE, vm->ram);
}

/* A VM with RAM at 0 and vCPU 0; 0 or -errno. */
static inline int xvm_create(struct xvm *vm)
{
	int r = xvm_create_novcpu(vm);

	return r ? r : xvm_add_vcpu(vm, 0);
}

/* KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP) reserving @routes IOAPIC GSIs. */
static inline int xvm_split_irqchip(int vm, __u64 routes)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_SPLIT_IRQCHIP, .args = { routes },
	};

	return kioctlp(vm, KVM_ENABLE_CAP, &cap);
}

/* Map the 2 MiB page holding XAPIC_BASE (PCD, PWT) in xvm_long_mode's tables. */
static inline void xvm_map_apic(struct xvm *vm)
{
	__u64 *pdpt = (__u64 *)(vm->ram + XPML4 + 0x1000);
	__u64 *pd = (__u64 *)(vm->ram + XAPIC_PD);

	pdpt[XAPIC_BASE >> 30] = XAPIC_PD | 3;
	pd[(XAPIC_BASE >> 21) & 511] = (XAPIC_BASE & ~0x1fffffULL) | 0x9b;
}

/* 64-bit interrupt gate @vec of the IDT at XIDT -> @rip (code selector 0x08). */
static inline void xvm_idt64_gate(struct xvm *vm, int vec, __u64 rip)
{
	__u64 *g = (__u64 *)(vm->ram + XIDT + 16 * vec);

	g[0] = (rip & 0xffff) | (0x08ULL << 16) | (0x8eULL << 40) |
	       ((rip >> 16 & 0xffff) << 48);
	g[1] = rip >> 32;
}

/* Load IDTR = XIDT, 256 gates, into @vcpu. */
static inline int xvcpu_load_idt64(int vcpu)
{
	struct kvm_sregs s;
	int r = kioctlp(vcpu, KVM_GET_SREGS, &s);

	if (r)
		return r;
	s.idt.base = XIDT;
	s.idt.limit = 256 * 16 - 1;
	return kioctlp(vcpu, KVM_SET_SREGS, &s);
}

/* KVM_GET_MSRS / KVM_SET_MSRS of one MSR: the number done (1 or 0), or -errno. */
static inline long xvcpu_get_msr(int vcpu, __u32 index, __u64 *data)
{
	struct {
		struct kvm_msrs m;
		struct kvm_msr_entry e;
	} t = { .m.nmsrs = 1, .e.index = index };
	long r = kioctlp(vcpu, KVM_GET_MSRS, &t);

	*data = t.e.data;
	return r;
}

static inline long xvcpu_set_msr(int vcpu, __u32 index, __u64 data)
{
	struct {
		struct kvm_msrs m;
		struct kvm_msr_entry e;
	} t = { .m.nmsrs = 1, .e.index = index, .e.data = data };

	return kioctlp(vcpu, KVM_SET_MSRS, &t);
}

/* A 32-bit register of a struct kvm_lapic_state at offset @reg. */
static inline __u32 xlapic_reg(const struct kvm_lapic_state *s, unsigned int reg)
{
	__u32 v;

	memcpy(&v, s->regs + reg, 4);
	return v;
}

static inline void xlapic_set_reg(struct kvm_lapic_state *s, unsigned int reg,
				  __u32 v)
{
	memcpy(s->regs + reg, &v, 4);
}

/* Bit @vec of the 256-bit register (IRR, ISR, TMR) at @reg. */
static inline int xlapic_vec(const struct kvm_lapic_state *s, unsigned int reg,
			     int vec)
{
	return xlapic_reg(s, reg + 0x10 * (vec / 32)) >> (vec % 32) & 1;
}

#endif /* KVMLITE_X86_H */
