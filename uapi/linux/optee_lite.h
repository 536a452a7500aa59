/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * optee_lite: what is specific to this project in its user-visible interface.
 *
 * optee_lite registers with the kernel's TEE subsystem, so user programs talk to
 * it through <linux/tee.h> on the nodes the TEE core creates: /dev/teeN for
 * clients and /dev/teeprivN for tee-supplicant. The version reply identifies it
 * exactly as the upstream OP-TEE driver does (TEE_IMPL_ID_OPTEE, TEE_OPTEE_CAP_TZ).
 */
#ifndef _UAPI_LINUX_OPTEE_LITE_H
#define _UAPI_LINUX_OPTEE_LITE_H

/* The name the driver gives its devices in the TEE core (and in the kernel log). */
#define OPTEE_LITE_DRV_NAME	"optee_lite"

#endif /* _UAPI_LINUX_OPTEE_LITE_H */
