/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvmlite: what is specific to this project in its user-visible interface.
 *
 * kvmlite speaks the KVM ABI: the ioctl numbers and structures are those of
 * <linux/kvm.h>, which user programs include as usual. This header only adds
 * the name of the device node.
 */
#ifndef _UAPI_LINUX_KVMLITE_H
#define _UAPI_LINUX_KVMLITE_H

/* The device node kvmlite registers (a misc device, mode 0600 on devtmpfs). */
#define KVMLITE_DEV_NAME	"kvmlite"
#define KVMLITE_DEV_PATH	"/dev/kvmlite"

#endif /* _UAPI_LINUX_KVMLITE_H */
