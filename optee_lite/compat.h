/* SPDX-License-Identifier: GPL-2.0 */
/*
 * optee_lite: differences of the TEE-core API between the kernels we support
 * (6.1 and 6.12), kept here so the driver reads the same on both.
 */
#ifndef OPTEE_LITE_COMPAT_H
#define OPTEE_LITE_COMPAT_H

#include <linux/version.h>

/*
 * Linux 6.9 moved the interface for TEE drivers out of tee_drv.h into
 * tee_core.h (which includes tee_drv.h).
 */
#if KERNEL_VERSION(6, 9, 0) <= LINUX_VERSION_CODE
#include <linux/tee_core.h>
#else
#include <linux/tee_drv.h>
#endif

#endif /* OPTEE_LITE_COMPAT_H */
