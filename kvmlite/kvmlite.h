/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmlite: interface between the generic core and an architecture backend.
 *
 * The core (kvmlite/) owns the device node, the file descriptors and the ioctl
 * switch; each backend (kvmlite/arm64/, kvmlite/x86/) supplies one ops table
 * and never includes the other's headers.
 */
#ifndef KVMLITE_H
#define KVMLITE_H

/**
 * struct kvmlite_arch_ops - what an architecture backend provides
 * @name:	short name of the backend, for the kernel log
 * @init:	check that this host can run guests and prepare the backend;
 *		return 0 or a negative errno (-ENODEV: the hardware feature the
 *		backend needs is missing, -EBUSY: another hypervisor owns it)
 * @exit:	undo @init
 */
struct kvmlite_arch_ops {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
};

extern const struct kvmlite_arch_ops kvmlite_arch_ops;

#endif /* KVMLITE_H */
