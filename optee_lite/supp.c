// SPDX-License-Identifier: GPL-2.0
/*
 * optee_lite supplicant queue: RPCs the kernel cannot serve (loading TAs,
 * secure storage files, ...) wait here for tee-supplicant, which picks them up
 * with TEE_IOC_SUPPL_RECV and answers with TEE_IOC_SUPPL_SEND. The first
 * parameter of both is a meta value carrying the request id.
 *
 * A request fails with TEEC_ERROR_COMMUNICATION when there is no supplicant,
 * when the supplicant goes away, or when the calling thread is interrupted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "optee_lite.h"

struct supp_req {
	struct list_head link;
	u32 func;
	u32 ret;
	size_t num_params;
	struct tee_param *param;
	struct completion done;
};

void optee_lite_supp_init(struct optee_lite_supp *supp)
{
	mutex_init(&supp->mutex);
	INIT_LIST_HEAD(&supp->queue);
	xa_init_flags(&supp->pending, XA_FLAGS_ALLOC1);
	init_completion(&supp->new_req);
}

void optee_lite_supp_uninit(struct optee_lite_supp *supp)
{
	xa_destroy(&supp->pending);
	mutex_destroy(&supp->mutex);
}

/* The supplicant's context is going away: fail everything it had. */
void optee_lite_supp_release(struct optee_lite_supp *supp)
{
	struct supp_req *req, *tmp;
	unsigned long id;

	mutex_lock(&supp->mutex);
	xa_for_each(&supp->pending, id, req) {
		xa_erase(&supp->pending, id);
		req->ret = TEEC_ERROR_COMMUNICATION;
		complete(&req->done);
	}
	list_for_each_entry_safe(req, tmp, &supp->queue, link) {
		list_del_init(&req->link);
		req->ret = TEEC_ERROR_COMMUNICATION;
		complete(&req->done);
	}
	supp->ctx = NULL;
	reinit_completion(&supp->new_req);
	mutex_unlock(&supp->mutex);
}

/**
 * optee_lite_supp_thrd_req() - have tee-supplicant serve a request
 * @ctx:	the calling context
 * @func:	OPTEE_RPC_CMD_*
 * @num_params:	number of parameters
 * @param:	parameters, outputs updated on success
 *
 * Return: the supplicant's TEEC_* result.
 */
u32 optee_lite_supp_thrd_req(struct tee_context *ctx, u32 func,
			     size_t num_params, struct tee_param *param)
{
	struct optee_lite *ol = tee_get_drvdata(ctx->teedev);
	struct optee_lite_supp *supp = &ol->supp;
	struct supp_req *req;
	u32 ret;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return TEEC_ERROR_OUT_OF_MEMORY;
	init_completion(&req->done);
	req->func = func;
	req->num_params = num_params;
	req->param = param;

	mutex_lock(&supp->mutex);
	if (!supp->ctx) {
		mutex_unlock(&supp->mutex);
		kfree(req);
		return TEEC_ERROR_COMMUNICATION;
	}
	list_add_tail(&req->link, &supp->queue);
	complete(&supp->new_req);
	mutex_unlock(&supp->mutex);

	if (wait_for_completion_interruptible(&req->done)) {
		/* Interrupted: withdraw the request unless it was just answered. */
		mutex_lock(&supp->mutex);
		if (!completion_done(&req->done)) {
			unsigned long id;
			struct supp_req *r;

			list_del_init(&req->link);
			xa_for_each(&supp->pending, id, r)
				if (r == req)
					xa_erase(&supp->pending, id);
			req->ret = TEEC_ERROR_COMMUNICATION;
		}
		mutex_unlock(&supp->mutex);
	}
	ret = req->ret;
	kfree(req);
	return ret;
}

/*
 * The TEE core took a reference on each memref of the supplicant's receive
 * buffer; those are not used (the buffer only says how much room there is).
 */
static int check_recv_params(size_t num, struct tee_param *param)
{
	size_t n;

	for (n = 0; n < num; n++)
		if (tee_param_is_memref(param + n) && param[n].u.memref.shm)
			tee_shm_put(param[n].u.memref.shm);
	if (!num || param[0].attr != (TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT |
				      TEE_IOCTL_PARAM_ATTR_META))
		return -EINVAL;
	for (n = 1; n < num; n++)
		if (param[n].attr != TEE_IOCTL_PARAM_ATTR_TYPE_NONE)
			return -EINVAL;
	return 0;
}

int optee_lite_supp_recv(struct tee_context *ctx, u32 *func, u32 *num_params,
			 struct tee_param *param)
{
	struct optee_lite *ol = tee_get_drvdata(ctx->teedev);
	struct optee_lite_supp *supp = &ol->supp;
	struct supp_req *req;
	u32 id;
	int ret;

	ret = check_recv_params(*num_params, param);
	if (ret)
		return ret;

	for (;;) {
		mutex_lock(&supp->mutex);
		req = list_first_entry_or_null(&supp->queue, struct supp_req, link);
		if (req)
			break;
		mutex_unlock(&supp->mutex);
		if (wait_for_completion_interruptible(&supp->new_req))
			return -ERESTARTSYS;
	}

	/* Under the mutex: the caller may withdraw @req the moment it is dropped. */
	if (req->num_params + 1 > *num_params) {
		ret = -EINVAL;
		goto out;
	}
	ret = xa_alloc(&supp->pending, &id, req, xa_limit_32b, GFP_KERNEL);
	if (ret)
		goto out;
	list_del_init(&req->link);
	param[0].u.value.a = id;
	param[0].u.value.b = 0;
	param[0].u.value.c = 0;
	memcpy(param + 1, req->param, req->num_params * sizeof(*param));
	*func = req->func;
	*num_params = req->num_params + 1;
out:
	mutex_unlock(&supp->mutex);
	return ret;
}

int optee_lite_supp_send(struct tee_context *ctx, u32 ret, u32 num_params,
			 struct tee_param *param)
{
	struct optee_lite *ol = tee_get_drvdata(ctx->teedev);
	struct optee_lite_supp *supp = &ol->supp;
	struct supp_req *req;
	size_t n;

	if (!num_params || !(param[0].attr & TEE_IOCTL_PARAM_ATTR_META) ||
	    param[0].u.value.a > U32_MAX)
		return -EINVAL;

	mutex_lock(&supp->mutex);
	req = xa_load(&supp->pending, param[0].u.value.a);
	if (!req || num_params != req->num_params + 1) {
		mutex_unlock(&supp->mutex);
		return -EINVAL;
	}
	xa_erase(&supp->pending, param[0].u.value.a);

	for (n = 0; n < req->num_params; n++) {
		struct tee_param *p = req->param + n;
		struct tee_param *s = param + 1 + n;

		switch (p->attr) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT:
			p->u.value = s->u.value;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			p->u.memref.size = s->u.memref.size;
			break;
		}
	}
	req->ret = ret;
	complete(&req->done);
	mutex_unlock(&supp->mutex);
	return 0;
}
