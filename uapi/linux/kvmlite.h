/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvmlite: what is specific to this project in its user-visible interface.
 *
 * kvmlite speaks the KVM ABI: the ioctl numbers and structures are those of
 * <linux/kvm.h>, which user programs include as usual. This header adds the
 * name of the device node, and the parts of the KVM ABI that older
 * <linux/kvm.h> lack (6.1 has no KVM_SET_USER_MEMORY_REGION2); include it
 * after <linux/kvm.h>.
 */
#ifndef _UAPI_LINUX_KVMLITE_H
#define _UAPI_LINUX_KVMLITE_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* The device node kvmlite registers (a misc device, mode 0600 on devtmpfs). */
#define KVMLITE_DEV_NAME	"kvmlite"
#define KVMLITE_DEV_PATH	"/dev/kvmlite"

/*
 * kvmlite's own VM capability (not KVM's, hence the number far from KVM's):
 * the guest's OP-TEE calls (SMC or HVC to a Trusted OS, SMCCC owners 50 to
 * 63) go to the secure world through optee_lite, which translates the
 * guest's addresses and keeps the guest in a partition of its own (see
 * README.md). KVM_CHECK_EXTENSION: 1 when optee_lite is loaded and bound to
 * a secure world that supports it. KVM_ENABLE_CAP on the VM, flags and args
 * 0, before a vCPU first ran (EBUSY after, EEXIST if already on, ENODEV
 * without the secure world).
 */
#define KVMLITE_CAP_ARM_OPTEE	0x6b6c0001

#ifndef KVM_CAP_USER_MEMORY2
#define KVM_CAP_USER_MEMORY2	231

/* As in <linux/kvm.h> of Linux 6.8 and later. */
struct kvm_userspace_memory_region2 {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
	__u64 guest_memfd_offset;
	__u32 guest_memfd;
	__u32 pad1;
	__u64 pad2[14];
};

#define KVM_SET_USER_MEMORY_REGION2 \
	_IOW(KVMIO, 0x49, struct kvm_userspace_memory_region2)
#endif

#ifndef KVM_MEM_GUEST_MEMFD
#define KVM_MEM_GUEST_MEMFD	_BITUL(2)
#endif

/* arm64: the writable masks of the feature ID registers (Linux 6.7 and later). */
#ifndef KVM_ARM_FEATURE_ID_RANGE
#define KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES	230

/* As KVM's; op0 (3) and crn (0) are fixed in this range. */
#define KVM_ARM_FEATURE_ID_RANGE_IDX(op0, op1, crn, crm, op2)		\
	({								\
		__u64 __op1 = (op1) & 3;				\
		(void)(op0);						\
		(void)(crn);						\
		__op1 -= (__op1 == 3);					\
		(__op1 << 6 | ((crm) & 7) << 3 | (op2));		\
	})

#define KVM_ARM_FEATURE_ID_RANGE	0
#define KVM_ARM_FEATURE_ID_RANGE_SIZE	(3 * 8 * 8)

struct reg_mask_range {
	__u64 addr;		/* Pointer to mask array */
	__u32 range;		/* Requested range */
	__u32 reserved[13];
};

#define KVM_ARM_GET_REG_WRITABLE_MASKS	_IOR(KVMIO, 0xb6, struct reg_mask_range)
#endif

/* KVM_PRE_FAULT_MEMORY (Linux 6.11 and later): the x86 backend offers it. */
#ifndef KVM_CAP_PRE_FAULT_MEMORY
#define KVM_CAP_PRE_FAULT_MEMORY	236

struct kvm_pre_fault_memory {
	__u64 gpa;
	__u64 size;
	__u64 flags;
	__u64 padding[5];
};

#define KVM_PRE_FAULT_MEMORY	_IOWR(KVMIO, 0xd5, struct kvm_pre_fault_memory)
#endif

/* arm64: the SMCCC filter (Linux 6.4 and later). */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL		0
#define   KVM_ARM_VM_SMCCC_FILTER	0

enum kvm_smccc_filter_action {
	KVM_SMCCC_FILTER_HANDLE = 0,
	KVM_SMCCC_FILTER_DENY,
	KVM_SMCCC_FILTER_FWD_TO_USER,
};

struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};

/* arm64-specific KVM_EXIT_HYPERCALL flags (run->hypercall.flags) */
#define KVM_HYPERCALL_EXIT_SMC		_BITUL(0)
#define KVM_HYPERCALL_EXIT_16BIT	_BITUL(1)
#endif

#endif /* _UAPI_LINUX_KVMLITE_H */
