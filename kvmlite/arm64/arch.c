// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite arm64 backend: hosts whose kernel runs at EL2 with VHE.
 *
 * With VHE (ARMv8.1) the host kernel itself runs at EL2 with HCR_EL2.E2H and
 * HCR_EL2.TGE set; a guest is entered by clearing TGE and programming the
 * stage-2 translation, with no separate hypervisor image.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <asm/kvm_arm.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#include "../kvmlite.h"

static int kvmlite_arm64_init(void)
{
	u64 hcr;

	if (!is_kernel_in_hyp_mode()) {
		pr_err("the host kernel does not run at EL2: VHE is required\n");
		return -ENODEV;
	}
	hcr = read_sysreg(hcr_el2);
	if (!(hcr & HCR_E2H) || !(hcr & HCR_TGE)) {
		pr_err("HCR_EL2=%#llx: E2H and TGE must be set (VHE host)\n", hcr);
		return -ENODEV;
	}

	pr_info("host kernel at EL2 with VHE (HCR_EL2.E2H=1 TGE=1)\n");
	return 0;
}

static void kvmlite_arm64_exit(void)
{
}

const struct kvmlite_arch_ops kvmlite_arch_ops = {
	.name	= "arm64-vhe",
	.init	= kvmlite_arm64_init,
	.exit	= kvmlite_arm64_exit,
};
