/* SPDX-License-Identifier: GPL-2.0 */
/*
 * optee_lite: private interfaces between the files of the driver.
 *
 *   core.c	platform driver, TEE device registration, contexts
 *   smc.c	the SMC/HVC conduit: probe queries and the call loop
 *   call.c	sessions and parameter marshalling (struct optee_msg_arg)
 *   rpc.c	RPCs from the secure world
 *   supp.c	the request queue served by tee-supplicant
 *   shm.c	shared memory pools and registration with the secure world
 *   device.c	devices on the TEE bus, from the secure world's list
 *   notif.c	asynchronous notifications (the notification interrupt)
 *   guest.c	the mediator for hypervisor guests (mediator.h)
 */
#ifndef OPTEE_LITE_H
#define OPTEE_LITE_H

#include <linux/arm-smccc.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "compat.h"
#include "optee_msg.h"

typedef void (optee_lite_invoke_fn)(unsigned long, unsigned long,
				    unsigned long, unsigned long,
				    unsigned long, unsigned long,
				    unsigned long, unsigned long,
				    struct arm_smccc_res *);

/* Callers waiting for a free secure-world thread (ETHREAD_LIMIT). */
struct optee_lite_callq {
	wait_queue_head_t wait;
	atomic_t ended;		/* calls that returned a thread to the pool */
};

/**
 * struct optee_lite_supp - requests for tee-supplicant
 * @mutex:	protects everything below
 * @ctx:	the supplicant's context, or NULL
 * @req_id:	request being served in synchronous mode (no meta parameter),
 *		or -1
 * @reqs:	queued requests the supplicant has not picked up yet
 * @ids:	every request not yet answered, by id; a request withdrawn by
 *		its caller while the supplicant serves it keeps its id (as an
 *		error pointer) until the supplicant answers
 * @next_id:	for cyclic id allocation
 * @reqs_c:	signalled when a request is queued
 */
struct optee_lite_supp {
	struct mutex mutex;		/* protects the members below */
	struct tee_context *ctx;
	int req_id;
	struct list_head reqs;
	struct xarray ids;
	u32 next_id;
	struct completion reqs_c;
};

/* Keys of OPTEE_RPC_CMD_NOTIFICATION: a secure thread waits, another sends. */
struct optee_lite_notif {
	spinlock_t lock;		/* protects the members below */
	struct list_head waiters;
	unsigned long *posted;	/* sent while nobody waited */
	u32 max_key;
};

/* Most parameters of a message: 4 for a TA, 2 meta ones (as upstream). */
#define OPTEE_LITE_MAX_ARG_PARAMS	6

/*
 * Most parameters of an RPC argument in the call's own buffer
 * (OPTEE_SMC_SEC_CAP_RPC_ARG): with the largest message, it fits in a page.
 */
#define OPTEE_LITE_MAX_RPC_PARAMS	32

/* Page-sized message buffers kept for reuse (see optee_lite_get_msg_arg()). */
struct optee_lite_arg_cache {
	spinlock_t lock;		/* protects the members below */
	unsigned int n;
	struct tee_shm *shm[8];
};

/**
 * struct optee_lite_bus - our devices on the TEE bus (device.c)
 * @mutex:	protects the members below
 * @devs:	struct optee_lite_bus_dev, registered
 * @supp_scanned: the scan for the TAs that need tee-supplicant was started
 * @dead:	the driver is going: no more scans
 * @supp_work:	that scan, run when the supplicant first opens its device
 */
struct optee_lite_bus {
	struct mutex mutex;		/* protects the members below */
	struct list_head devs;
	bool supp_scanned;
	bool dead;
	struct work_struct supp_work;
};

/* State of one yielding call across its RPCs. */
struct optee_lite_call_ctx {
	u64 *pages_list;	/* of the last OPTEE_RPC_CMD_SHM_ALLOC */
	size_t list_bytes;
	struct optee_msg_arg *rpc_arg;	/* in the call's buffer, or NULL */
};

/**
 * struct optee_lite - one OP-TEE instance
 * @dev:	the platform device
 * @teedev:	the client device (/dev/teeN)
 * @supp_teedev: the supplicant device (/dev/teeprivN)
 * @ctx:	the driver's own context, owner of the kernel shared memory the
 *		secure world allocates through RPCs
 * @pool:	shared memory pool (dynamic pages or the reserved region)
 * @invoke_fn:	the conduit, SMC or HVC
 * @sec_caps:	OPTEE_SMC_SEC_CAP_* the secure world announced
 * @thread_count: secure threads (0 when the secure world does not say)
 * @rpc_param_count: parameters of the RPC argument that follows each call's
 *		message in its buffer (OPTEE_SMC_SEC_CAP_RPC_ARG), 0 without
 * @regd_args:	message buffers are registered with the secure world and
 *		passed by cookie (CALL_WITH_REGD_ARG)
 * @shm_cache:	the secure world keeps its RPC argument buffers across calls
 *		(ENABLE_SHM_CACHE; given back with DISABLE_SHM_CACHE)
 * @callq:	callers waiting for a secure-world thread
 * @supp:	tee-supplicant request queue
 * @rpc_shm:	shared memory the secure world holds through RPCs, by cookie
 *		(the secure world only ever sees these cookies, never pointers)
 * @notif:	notification keys
 * @arg_cache:	message buffers for reuse
 * @unreg_cache: unregistered message buffers for registering memory, when
 *		@arg_cache holds registered ones
 * @bus:	devices on the TEE bus
 * @notif_irq:	the asynchronous notification interrupt, 0 when not in use
 */
struct optee_lite {
	struct device *dev;
	struct tee_device *teedev;
	struct tee_device *supp_teedev;
	struct tee_context *ctx;
	struct tee_shm_pool *pool;
	optee_lite_invoke_fn *invoke_fn;
	u32 sec_caps;
	u32 thread_count;
	u32 rpc_param_count;
	bool regd_args;
	bool shm_cache;
	struct optee_lite_callq callq;
	struct optee_lite_supp supp;
	struct xarray rpc_shm;
	u32 rpc_next;
	struct optee_lite_notif notif;
	struct optee_lite_arg_cache arg_cache;
	struct optee_lite_arg_cache unreg_cache;
	struct optee_lite_bus bus;
	int notif_irq;
};

/* Per open file of /dev/teeN: the sessions it opened. */
struct optee_lite_ctx {
	struct mutex mutex;		/* protects @sessions */
	struct list_head sessions;
};

struct optee_lite_session {
	struct list_head link;
	u32 id;
};

/* smc.c */
int optee_lite_smc_probe(struct optee_lite *ol, struct device *dev,
			 phys_addr_t *rsv_start, size_t *rsv_size,
			 u32 *max_notif);
int optee_lite_do_call(struct tee_context *ctx, struct tee_shm *arg_shm);
void optee_lite_enable_shm_cache(struct optee_lite *ol);

/* call.c */
struct tee_shm *optee_lite_get_msg_arg(struct tee_context *ctx,
				       size_t num_params,
				       struct optee_msg_arg **msg_arg);
struct tee_shm *optee_lite_get_unreg_msg_arg(struct tee_context *ctx,
					     size_t num_params,
					     struct optee_msg_arg **msg_arg);
void optee_lite_put_msg_arg(struct tee_context *ctx, struct tee_shm *shm);
void optee_lite_arg_cache_free(struct optee_lite *ol);
int optee_lite_simple_call(struct optee_lite *ol, u32 cmd);
int optee_lite_open_session(struct tee_context *ctx,
			    struct tee_ioctl_open_session_arg *arg,
			    struct tee_param *param);
int optee_lite_close_session(struct tee_context *ctx, u32 session);
int optee_lite_invoke_func(struct tee_context *ctx,
			   struct tee_ioctl_invoke_arg *arg,
			   struct tee_param *param);
int optee_lite_cancel_req(struct tee_context *ctx, u32 cancel_id, u32 session);
void optee_lite_close_all_sessions(struct tee_context *ctx);
int optee_lite_to_msg_params(struct optee_msg_param *mp, size_t num,
			     const struct tee_param *params);
int optee_lite_from_msg_params(struct tee_param *params, size_t num,
			       const struct optee_msg_param *mp,
			       const struct optee_msg_param *sent, u32 res);

/* rpc.c */
void optee_lite_handle_rpc(struct tee_context *ctx,
			   struct optee_lite_call_ctx *call,
			   struct arm_smccc_res *res, unsigned long *a);
void optee_lite_call_ctx_free(struct optee_lite_call_ctx *call);
int optee_lite_rpc_init(struct optee_lite *ol, u32 max_notif_key);
void optee_lite_rpc_free_all(struct optee_lite *ol);
void optee_lite_disable_shm_cache(struct optee_lite *ol);
void optee_lite_rpc_uninit(struct optee_lite *ol);
void optee_lite_notif_send(struct optee_lite *ol, u32 key);

/* supp.c */
void optee_lite_supp_init(struct optee_lite_supp *supp);
void optee_lite_supp_uninit(struct optee_lite_supp *supp);
void optee_lite_supp_release(struct optee_lite_supp *supp);
u32 optee_lite_supp_thrd_req(struct tee_context *ctx, u32 func,
			     size_t num_params, struct tee_param *param);
int optee_lite_supp_recv(struct tee_context *ctx, u32 *func, u32 *num_params,
			 struct tee_param *param);
int optee_lite_supp_send(struct tee_context *ctx, u32 ret, u32 num_params,
			 struct tee_param *param);

/* shm.c */
struct tee_shm_pool *optee_lite_pool_dynamic(void);
struct tee_shm_pool *optee_lite_pool_reserved(struct device *dev,
					      phys_addr_t start, size_t size);
int optee_lite_shm_register(struct tee_context *ctx, struct tee_shm *shm,
			    struct page **pages, size_t num_pages,
			    unsigned long start);
int optee_lite_shm_unregister(struct tee_context *ctx, struct tee_shm *shm);
int optee_lite_shm_register_supp(struct tee_context *ctx, struct tee_shm *shm,
				 struct page **pages, size_t num_pages,
				 unsigned long start);
int optee_lite_shm_unregister_supp(struct tee_context *ctx,
				   struct tee_shm *shm);
u64 *optee_lite_pages_list(struct page **pages, size_t num_pages,
			   size_t page_offset, size_t *list_bytes);

/* device.c */
void optee_lite_bus_init(struct optee_lite *ol);
void optee_lite_bus_scan(struct optee_lite *ol);
void optee_lite_bus_supp_opened(struct optee_lite *ol);
void optee_lite_bus_uninit(struct optee_lite *ol);

/* guest.c: the instance hypervisor guests use (mediator.h) */
void optee_lite_guest_attach(struct optee_lite *ol);
void optee_lite_guest_detach(struct optee_lite *ol);

/* notif.c */
struct platform_device;
int optee_lite_notif_start(struct optee_lite *ol, struct platform_device *pdev);
void optee_lite_notif_stop(struct optee_lite *ol);

/* TEE client API return codes and origins the driver produces itself. */
#define TEEC_SUCCESS			0x00000000
#define TEEC_ERROR_BAD_PARAMETERS	0xffff0006
#define TEEC_ERROR_NOT_SUPPORTED	0xffff000a
#define TEEC_ERROR_COMMUNICATION	0xffff000e
#define TEEC_ERROR_OUT_OF_MEMORY	0xffff000c
#define TEEC_ERROR_BAD_STATE		0xffff0007
#define TEEC_ERROR_SHORT_BUFFER		0xffff0010
#define TEEC_ERROR_TIMEOUT		0xffff3001
#define TEEC_ORIGIN_COMMS		0x00000002

#endif /* OPTEE_LITE_H */
