/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small kvm_util for the kvmlite selftests: open the device under test
 * ($KVMLITE_DEV, default /dev/kvmlite), create a VM with memory, create and
 * initialise vCPUs, load guest code, run and look at the exits.
 *
 * Helpers that cannot go on abort the test through the harness' assertions,
 * so they take the harness' _metadata; the k*() wrappers return -errno.
 *
 * Guest code: GUEST_CODE(name, "insn\n" ...) assembles a position-independent
 * blob into the test binary, vm_load_code() copies it into guest memory.
 * Guest code keeps its state in x19 and above (an HVC handled by the host
 * overwrites x0-x3).
 */
#ifndef KVMLITE_UTIL_H
#define KVMLITE_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/kvmlite.h>
#include <linux/psci.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench_util.h"

/* Guest-physical layout used by the tests. */
#define GUEST_RAM_GPA	0x80000000ULL
#define GUEST_RAM_SIZE	0x40000ULL
#define GUEST_MMIO_GPA	0x10000000ULL

/* PSCI ids and return values come from <linux/psci.h>; SMCCC's: */
#define SMCCC_VERSION_FN	0x80000000U

#define GUEST_CODE(name, body)						\
	extern const unsigned char name[], name##_end[];		\
	__asm__(".pushsection .rodata." #name ", \"a\"\n"		\
		".balign 4\n"						\
		".global " #name "\n" #name ":\n"			\
		body "\n"						\
		".global " #name "_end\n" #name "_end:\n"		\
		".popsection\n")

#define CORE_REG(name)	(KVM_REG_ARM64 | KVM_REG_ARM_CORE |		\
			 KVM_REG_ARM_CORE_REG(name))
#define CORE_REG64(name)	(CORE_REG(name) | KVM_REG_SIZE_U64)
#define REG_X(n)	CORE_REG64(regs.regs[n])
#define REG_PC		CORE_REG64(regs.pc)
#define REG_SP		CORE_REG64(regs.sp)
#define REG_PSTATE	CORE_REG64(regs.pstate)
#define REG_V(n)	(CORE_REG(fp_regs.vregs[n]) | KVM_REG_SIZE_U128)
#define REG_FPSR	(CORE_REG(fp_regs.fpsr) | KVM_REG_SIZE_U32)
#define REG_FPCR	(CORE_REG(fp_regs.fpcr) | KVM_REG_SIZE_U32)
#define SYSREG(op0, op1, crn, crm, op2)	ARM64_SYS_REG(op0, op1, crn, crm, op2)
#define REG_MPIDR	SYSREG(3, 0, 0, 0, 5)
#define REG_SCTLR	SYSREG(3, 0, 1, 0, 0)
#define REG_VBAR	SYSREG(3, 0, 12, 0, 0)
#define REG_TPIDR_EL1	SYSREG(3, 0, 13, 0, 4)
#define REG_ID_AA64PFR0	SYSREG(3, 0, 0, 4, 0)
#define REG_ID_AA64MMFR0 SYSREG(3, 0, 0, 7, 0)

static inline const char *kvm_dev(void)
{
	return env_or("KVMLITE_DEV", KVMLITE_DEV_PATH);
}

/*
 * Whether the device under test is kvmlite's: /dev/kvmlite, or /dev/kvm
 * registered by kvmlite (as_kvm=1), which has a "kvmlite" sysfs attribute.
 */
static inline int is_kvmlite(void)
{
	const char *dev = kvm_dev(), *name = strrchr(dev, '/');
	char path[256];

	if (!strcmp(dev, KVMLITE_DEV_PATH))
		return 1;
	snprintf(path, sizeof(path), "/sys/class/misc/%s/kvmlite",
		 name ? name + 1 : dev);
	return access(path, F_OK) == 0;
}

/*
 * Whether the running kernel is older than @major.@minor: the in-kernel KVM
 * changed some answers over time, and the tests hold it to its own version.
 */
static inline int kernel_before(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma < major || (ma == major && mi < minor);
}

/* ioctl returning its value, or -errno. */
static inline long kioctl(int fd, unsigned long req, unsigned long arg)
{
	long r = ioctl(fd, req, arg);

	return r < 0 ? -errno : r;
}

static inline long kioctlp(int fd, unsigned long req, const void *arg)
{
	return kioctl(fd, req, (unsigned long)arg);
}

static inline int kset_mem(int vm, __u32 slot, __u32 flags, __u64 gpa,
			   __u64 size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (unsigned long)hva,
	};

	return kioctlp(vm, KVM_SET_USER_MEMORY_REGION, &r);
}

static inline int kget_reg(int vcpu, __u64 id, void *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (unsigned long)val };

	return kioctlp(vcpu, KVM_GET_ONE_REG, &r);
}

static inline int kset_reg(int vcpu, __u64 id, const void *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (unsigned long)val };

	return kioctlp(vcpu, KVM_SET_ONE_REG, &r);
}

static inline __u64 kget_reg64(int vcpu, __u64 id)
{
	__u64 v = 0xdeadbeefdeadbeefULL;

	if (kget_reg(vcpu, id, &v))
		return 0xbadbadbadbadbadULL;
	return v;
}

static inline int kset_reg64(int vcpu, __u64 id, __u64 v)
{
	return kset_reg(vcpu, id, &v);
}

static inline int kvcpu_init(int vm, int vcpu, __u32 features)
{
	struct kvm_vcpu_init init;
	long r;

	memset(&init, 0, sizeof(init));
	r = kioctlp(vm, KVM_ARM_PREFERRED_TARGET, &init);
	if (r)
		return r;
	init.features[0] = features;
	return kioctlp(vcpu, KVM_ARM_VCPU_INIT, &init);
}

/* A VM with one RAM slot and its vCPUs: what most run tests need. */
struct kvm_vm {
	int sys;
	int fd;
	void *ram;
	__u64 ram_size;
	int nr_vcpus;
	int vcpu[8];
	struct kvm_run *run[8];
	long mmap_size;
};

static inline int kvm_open(void)
{
	return open(kvm_dev(), O_RDWR | O_CLOEXEC);
}

/* Map the kvm_run of a vCPU fd; NULL on failure. */
static inline struct kvm_run *vcpu_map_run(int sys, int vcpu, long *size)
{
	long sz = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	void *p;

	if (sz <= 0)
		return NULL;
	p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (size)
		*size = sz;
	return p;
}

/*
 * Create a VM with GUEST_RAM_SIZE bytes of RAM at GUEST_RAM_GPA and
 * @nr_vcpus vCPUs (ids 0..n-1, features PSCI_0_2 | @features). 0 or -errno.
 */
static inline int vm_create(struct kvm_vm *vm, int nr_vcpus, __u32 features)
{
	int i, r;

	memset(vm, 0, sizeof(*vm));
	vm->sys = kvm_open();
	if (vm->sys < 0)
		return -errno;
	vm->fd = ioctl(vm->sys, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return -errno;
	vm->ram_size = GUEST_RAM_SIZE;
	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->ram == MAP_FAILED)
		return -errno;
	r = kset_mem(vm->fd, 0, 0, GUEST_RAM_GPA, vm->ram_size, vm->ram);
	if (r)
		return r;
	for (i = 0; i < nr_vcpus; i++) {
		vm->vcpu[i] = ioctl(vm->fd, KVM_CREATE_VCPU, i);
		if (vm->vcpu[i] < 0)
			return -errno;
		vm->run[i] = vcpu_map_run(vm->sys, vm->vcpu[i], &vm->mmap_size);
		if (!vm->run[i])
			return -errno;
		r = kvcpu_init(vm->fd, vm->vcpu[i],
			       (1U << KVM_ARM_VCPU_PSCI_0_2) | features);
		if (r)
			return r;
		vm->nr_vcpus++;
	}
	return 0;
}

static inline void vm_destroy(struct kvm_vm *vm)
{
	int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		munmap(vm->run[i], vm->mmap_size);
		close(vm->vcpu[i]);
	}
	if (vm->ram && vm->ram != MAP_FAILED)
		munmap(vm->ram, vm->ram_size);
	if (vm->fd > 0)
		close(vm->fd);
	if (vm->sys > 0)
		close(vm->sys);
}

/* Host address of guest-physical @gpa in the RAM slot. */
static inline void *vm_gpa(struct kvm_vm *vm, __u64 gpa)
{
	return (char *)vm->ram + (gpa - GUEST_RAM_GPA);
}

/* Copy code to @gpa and point vCPU @i at it. 0 or -errno. */
static inline int vm_load_code(struct kvm_vm *vm, int i, __u64 gpa,
			       const unsigned char *start,
			       const unsigned char *end)
{
	memcpy(vm_gpa(vm, gpa), start, end - start);
	return kset_reg64(vm->vcpu[i], REG_PC, gpa);
}

/* KVM_RUN on vCPU @i: 0 or -errno; the exit is in vm->run[i]. */
static inline int vcpu_run(struct kvm_vm *vm, int i)
{
	return kioctl(vm->vcpu[i], KVM_RUN, 0);
}

static inline __u64 mmio_data(struct kvm_run *run)
{
	__u64 v = 0;

	memcpy(&v, run->mmio.data, run->mmio.len <= 8 ? run->mmio.len : 8);
	return v;
}

static inline void mmio_set_data(struct kvm_run *run, __u64 v)
{
	memcpy(run->mmio.data, &v, 8);
}

#endif /* KVMLITE_UTIL_H */
