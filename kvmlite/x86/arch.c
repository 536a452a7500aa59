// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite x86 backend: Intel VT-x (VMX) with EPT and unrestricted guest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>

#include "../kvmlite.h"

/* Allowed-1 bits (high half) of the VMX capability MSRs, SDM Vol. 3 A.3. */
#define CPU_BASED_ACTIVATE_SECONDARY	BIT(31)
#define SECONDARY_ENABLE_EPT		BIT(1)
#define SECONDARY_UNRESTRICTED_GUEST	BIT(7)

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
	    !((ctl >> 32) & CPU_BASED_ACTIVATE_SECONDARY) ||
	    rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &ctl2) ||
	    !((ctl2 >> 32) & SECONDARY_ENABLE_EPT) ||
	    !((ctl2 >> 32) & SECONDARY_UNRESTRICTED_GUEST)) {
		pr_err("VMX lacks EPT or unrestricted guest\n");
		return -ENODEV;
	}

	pr_info("VMX with EPT and unrestricted guest (FEAT_CTL=%#llx)\n", feat);
	return 0;
}

static void kvmlite_x86_exit(void)
{
}

const struct kvmlite_arch_ops kvmlite_arch_ops = {
	.name	= "x86-vmx",
	.init	= kvmlite_x86_init,
	.exit	= kvmlite_x86_exit,
};
