// SPDX-License-Identifier: GPL-2.0
/*
 * VMX ownership on x86: while the in-kernel kvm_intel holds VMX (it turns
 * VMX on at load), creating a kvmlite VM and loading kvmlite both fail with
 * EBUSY; once kvm_intel is gone kvmlite works again. kvmlite itself only
 * holds VMX while it has VMs, so kvm_intel can load next to an idle
 * kvmlite. Only meaningful on /dev/kvmlite in the bench machine, where the
 * test kernel's kvm.ko and kvm-intel.ko sit in /lib/modules.
 */
#include <linux/kvm.h>
#include <linux/kvmlite.h>
#include <sys/ioctl.h>

#include "bench_util.h"
#include "kselftest_harness.h"

#define MODDIR	"/lib/modules/"

static const char *dev(void)
{
	return env_or("KVMLITE_DEV", KVMLITE_DEV_PATH);
}

static int create_vm(void)
{
	int sys = open(KVMLITE_DEV_PATH, O_RDWR | O_CLOEXEC), vm, r;

	if (sys < 0)
		return -errno;
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	r = vm < 0 ? -errno : 0;
	if (vm >= 0)
		close(vm);
	close(sys);
	return r;
}

static int load_kvm_intel(void)
{
	int r;

	r = module_load(MODDIR "irqbypass.ko");
	if (r && r != -EEXIST)
		return r;
	r = module_load(MODDIR "kvm.ko");
	if (r && r != -EEXIST)
		return r;
	return module_load(MODDIR "kvm-intel.ko");
}

TEST(kvm_intel_owns_vmx)
{
	int was_loaded;

#ifndef __x86_64__
	SKIP(return, "VMX is x86");
#endif
	if (strcmp(dev(), KVMLITE_DEV_PATH))
		SKIP(return, "%s is not the kvmlite module's device", dev());
	if (access(MODDIR "kvm-intel.ko", R_OK) || access(MODDIR "kvmlite.ko", R_OK))
		SKIP(return, "no kvm-intel.ko/kvmlite.ko in " MODDIR);
	was_loaded = module_loaded("kvm_intel");

	/* kvmlite idle: VMX is free, kvm_intel loads. */
	if (!was_loaded) {
		ASSERT_EQ(0, create_vm());
		ASSERT_EQ(0, load_kvm_intel());
	}

	/* kvm_intel owns VMX: no kvmlite VM, and kvmlite cannot load. */
	EXPECT_EQ(-EBUSY, create_vm());
	ASSERT_EQ(0, module_unload("kvmlite"));
	EXPECT_EQ(-EBUSY, module_load(MODDIR "kvmlite.ko"));
	EXPECT_FALSE(module_loaded("kvmlite"));

	/* kvm_intel gone: kvmlite loads and runs VMs again. */
	ASSERT_EQ(0, module_unload("kvm_intel"));
	EXPECT_EQ(0, module_load(MODDIR "kvmlite.ko"));
	usleep(100 * 1000);	/* devtmpfs creates the node */
	EXPECT_EQ(0, create_vm());
	if (was_loaded)
		EXPECT_EQ(0, module_load(MODDIR "kvm-intel.ko"));
}

TEST_HARNESS_MAIN
