/* SPDX-License-Identifier: GPL-2.0 */
/*
 * optee_lite's mediator for hypervisor guests (guest.c), the interface
 * kvmlite finds with symbol_get(): a guest's OP-TEE SMCs run against the
 * secure world in a partition of their own, with every guest-physical
 * address translated through the hypervisor's callbacks and every buffer the
 * secure world reads shadowed in host memory.
 */
#ifndef OPTEE_LITE_MEDIATOR_H
#define OPTEE_LITE_MEDIATOR_H

#include <linux/types.h>

struct page;
struct optee_lite_guest;

/**
 * struct optee_lite_guest_mem - the guest's memory, as the hypervisor sees it
 * @pin:	pin the page holding guest-physical @gpa (writable if @write);
 *		NULL when no memory of the guest is there. Called from the
 *		guest's vCPU thread only.
 * @read:	copy @len bytes from guest-physical @gpa, within one page: 0 or
 *		-errno
 * @write:	the same, to the guest
 */
struct optee_lite_guest_mem {
	struct page *(*pin)(void *priv, u64 gpa, bool write);
	int (*read)(void *priv, u64 gpa, void *buf, unsigned int len);
	int (*write)(void *priv, u64 gpa, const void *buf, unsigned int len);
};

/**
 * struct optee_lite_mediator - what kvmlite calls
 * @available:	whether a secure world that can serve guests is bound
 * @create:	a guest; ERR_PTR(-ENODEV) without a usable secure world
 * @smc:	one SMC of the guest, in its vCPU thread: a[0..7] are x0-x7 at
 *		the call, a[0..3] the results
 * @destroy:	the guest is gone: its calls are finished, its sessions
 *		closed, its memory unpinned. Never touches guest memory.
 */
struct optee_lite_mediator {
	bool (*available)(void);
	struct optee_lite_guest *(*create)(const struct optee_lite_guest_mem *mem,
					   void *priv);
	void (*smc)(struct optee_lite_guest *g, unsigned long *a);
	void (*destroy)(struct optee_lite_guest *g);
};

extern const struct optee_lite_mediator optee_lite_mediator;

#endif /* OPTEE_LITE_MEDIATOR_H */
