// SPDX-License-Identifier: GPL-2.0
/*
 * optee-cap.so: give an unmodified VMM's VMs kvmlite's guest TEE. Preloaded
 * into Debian's QEMU by nested-qemu --tee (ld.so --preload): after each
 * successful KVM_CREATE_VM it enables KVMLITE_CAP_ARM_OPTEE on the new VM, the
 * opt-in a VMM that knows the capability makes itself, right after creating
 * the VM (the capability must come before the first KVM_RUN). QEMU knows
 * nothing of it; everything else it does goes to the kernel unchanged.
 *
 * When the device refuses the capability (the in-kernel KVM, a kvmlite
 * without optee_lite) the VMM is stopped: a run meant to have a TEE must not
 * go on without one. Every enable is reported on stderr:
 *   optee-cap: KVMLITE_CAP_ARM_OPTEE enabled on VM fd N
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "linux/kvmlite.h"

typedef int (*ioctl_fn)(int fd, unsigned long req, ...);

int ioctl(int fd, unsigned long req, ...)
{
	static ioctl_fn real;
	struct kvm_enable_cap cap = { .cap = KVMLITE_CAP_ARM_OPTEE };
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (ioctl_fn)dlsym(RTLD_NEXT, "ioctl");
	ret = real(fd, req, arg);
	if (req != KVM_CREATE_VM || ret < 0)
		return ret;
	if (real(ret, KVM_ENABLE_CAP, &cap)) {
		fprintf(stderr, "optee-cap: enabling KVMLITE_CAP_ARM_OPTEE on VM fd %d: %s\n",
			ret, strerror(errno));
		_exit(1);
	}
	fprintf(stderr, "optee-cap: KVMLITE_CAP_ARM_OPTEE enabled on VM fd %d\n", ret);
	return ret;
}
