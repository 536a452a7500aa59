// SPDX-License-Identifier: GPL-2.0
/*
 * optee_lite supplicant queue: RPCs the kernel cannot serve (loading TAs,
 * secure storage files, ...) wait here for tee-supplicant, which picks them up
 * with TEE_IOC_SUPPL_RECV and answers with TEE_IOC_SUPPL_SEND. The first
 * parameter of both is a meta value carrying the request id.
 *
 * A request fails with TEEC_ERROR_COMMUNICATION when the supplicant goes
 * away or the calling thread is killed. Request ids are allocated cyclically
 * and a request withdrawn while being served keeps its id until answered, so
 * a late answer never reaches another request.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "optee_lite.h"

struct supp_req {
	struct list_head link;
	u32 id;
	bool in_queue;		/* in supp->reqs, not picked up yet */
	bool processed;		/* answered by the supplicant */
	u32 func;
	u32 ret;
	size_t num_params;
	struct tee_param *param;
	struct completion done;
};

/* Holds the id of a request whose caller gave up while it was being served. */
#define WITHDRAWN_REQ	((struct supp_req *)ERR_PTR(-EBADF))

void optee_lite_supp_init(struct optee_lite_supp *supp)
{
	mutex_init(&supp->mutex);
	supp->ctx = NULL;
	supp->req_id = -1;
	INIT_LIST_HEAD(&supp->reqs);
	xa_init_flags(&supp->ids, XA_FLAGS_ALLOC1);
	supp->next_id = 0;
	init_completion(&supp->reqs_c);
}

void optee_lite_supp_uninit(struct optee_lite_supp *supp)
{
	xa_destroy(&supp->ids);
	mutex_destroy(&supp->mutex);
}

/* The supplicant's context is going away: fail everything not answered. */
void optee_lite_supp_release(struct optee_lite_supp *supp)
{
	struct supp_req *req;
	unsigned long id;

	mutex_lock(&supp->mutex);
	xa_for_each(&supp->ids, id, req) {
		xa_erase(&supp->ids, id);
		if (IS_ERR(req))
			continue;
		if (req->in_queue) {
			list_del(&req->link);
			req->in_queue = false;
		}
		req->processed = true;
		req->ret = TEEC_ERROR_COMMUNICATION;
		complete(&req->done);
	}
	supp->ctx = NULL;
	supp->req_id = -1;
	mutex_unlock(&supp->mutex);
}

/**
 * optee_lite_supp_thrd_req() - have tee-supplicant serve a request
 * @ctx:	the calling context
 * @func:	OPTEE_RPC_CMD_*
 * @num_params:	number of parameters
 * @param:	parameters, outputs updated on success
 *
 * As upstream, a request waits for a supplicant to pick it up and answer it;
 * it fails with TEEC_ERROR_COMMUNICATION when the supplicant goes away, and
 * when the caller is killed. A kernel context that cannot wait
 * (supp_nowait) fails at once when there is no supplicant.
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

	if (!READ_ONCE(supp->ctx) && ctx->supp_nowait)
		return TEEC_ERROR_COMMUNICATION;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return TEEC_ERROR_OUT_OF_MEMORY;
	init_completion(&req->done);
	req->func = func;
	req->num_params = num_params;
	req->param = param;

	mutex_lock(&supp->mutex);
	if (xa_alloc_cyclic(&supp->ids, &req->id, req, XA_LIMIT(1, INT_MAX),
			    &supp->next_id, GFP_KERNEL) < 0) {
		mutex_unlock(&supp->mutex);
		kfree(req);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	list_add_tail(&req->link, &supp->reqs);
	req->in_queue = true;
	mutex_unlock(&supp->mutex);
	complete(&supp->reqs_c);

	if (!wait_for_completion_killable(&req->done)) {
		ret = req->ret;
		goto out;
	}
	mutex_lock(&supp->mutex);
	if (req->in_queue) {
		/* Not picked up yet: withdraw it. */
		xa_erase(&supp->ids, req->id);
		list_del(&req->link);
		ret = TEEC_ERROR_COMMUNICATION;
	} else if (req->processed) {
		ret = req->ret;
	} else {
		/*
		 * Being served: keep the id taken, so that the supplicant's
		 * answer finds a withdrawn request, not someone else's.
		 */
		xa_store(&supp->ids, req->id, WITHDRAWN_REQ, GFP_KERNEL);
		ret = TEEC_ERROR_COMMUNICATION;
	}
	mutex_unlock(&supp->mutex);
out:
	kfree(req);
	return ret;
}

/*
 * The receive buffer holds parameters of type NONE, the first one possibly
 * with the META flag: then the supplicant takes requests asynchronously, each
 * with its id in a meta value parameter first. The TEE core took a reference
 * on each memref; those are not used.
 */
static int check_recv_params(size_t num, struct tee_param *param,
			     size_t *num_meta)
{
	size_t n;

	if (!num)
		return -EINVAL;
	for (n = 0; n < num; n++)
		if (tee_param_is_memref(param + n) && param[n].u.memref.shm)
			tee_shm_put(param[n].u.memref.shm);
	for (n = 0; n < num; n++)
		if (param[n].attr && param[n].attr != TEE_IOCTL_PARAM_ATTR_META)
			return -EINVAL;
	*num_meta = param[0].attr == TEE_IOCTL_PARAM_ATTR_META;
	return 0;
}

/* Under supp->mutex: the next request, NULL if none, or an error. */
static struct supp_req *pop_req(struct optee_lite_supp *supp, size_t room)
{
	struct supp_req *req;

	/* A synchronous supplicant answers before it asks again. */
	if (supp->req_id != -1)
		return ERR_PTR(-EINVAL);
	req = list_first_entry_or_null(&supp->reqs, struct supp_req, link);
	if (!req)
		return NULL;
	if (room < req->num_params) {
		/*
		 * More parameters than the supplicant takes: fail the request
		 * (upstream leaves it at the head of the queue, where it
		 * blocks every later one and its caller for good).
		 */
		list_del(&req->link);
		req->in_queue = false;
		xa_erase(&supp->ids, req->id);
		req->processed = true;
		req->ret = TEEC_ERROR_BAD_PARAMETERS;
		complete(&req->done);
		return ERR_PTR(-EINVAL);
	}
	list_del(&req->link);
	req->in_queue = false;
	return req;
}

int optee_lite_supp_recv(struct tee_context *ctx, u32 *func, u32 *num_params,
			 struct tee_param *param)
{
	struct optee_lite *ol = tee_get_drvdata(ctx->teedev);
	struct optee_lite_supp *supp = &ol->supp;
	struct supp_req *req;
	size_t num_meta;
	int ret;

	ret = check_recv_params(*num_params, param, &num_meta);
	if (ret)
		return ret;

	for (;;) {
		mutex_lock(&supp->mutex);
		req = pop_req(supp, *num_params - num_meta);
		if (req)
			break;	/* with the mutex held */
		mutex_unlock(&supp->mutex);
		if (wait_for_completion_interruptible(&supp->reqs_c))
			return -ERESTARTSYS;
	}
	if (IS_ERR(req)) {
		mutex_unlock(&supp->mutex);
		return PTR_ERR(req);
	}

	if (num_meta) {
		param[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT |
				TEE_IOCTL_PARAM_ATTR_META;
		param[0].u.value.a = req->id;
		param[0].u.value.b = 0;
		param[0].u.value.c = 0;
	} else {
		supp->req_id = req->id;
	}
	*func = req->func;
	*num_params = req->num_params + num_meta;
	memcpy(param + num_meta, req->param,
	       req->num_params * sizeof(*param));
	mutex_unlock(&supp->mutex);
	return 0;
}

/* Under supp->mutex: the request the answer is for, removed from @ids. */
static struct supp_req *answered_req(struct optee_lite_supp *supp,
				     size_t num_params, struct tee_param *param,
				     size_t *num_meta)
{
	const u64 meta = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT |
			 TEE_IOCTL_PARAM_ATTR_META;
	struct supp_req *req;
	u64 id;

	if (!num_params)
		return ERR_PTR(-EINVAL);
	if (supp->req_id == -1) {
		if (param[0].attr != meta)
			return ERR_PTR(-EINVAL);
		id = param[0].u.value.a;
		*num_meta = 1;
	} else {
		id = supp->req_id;
		*num_meta = 0;
	}
	if (!id || id > INT_MAX)
		return ERR_PTR(-ENOENT);
	req = xa_load(&supp->ids, id);
	if (!req)
		return ERR_PTR(-ENOENT);
	if (!IS_ERR(req) && num_params - *num_meta != req->num_params)
		return ERR_PTR(-EINVAL);
	xa_erase(&supp->ids, id);
	supp->req_id = -1;
	return req;
}

int optee_lite_supp_send(struct tee_context *ctx, u32 ret, u32 num_params,
			 struct tee_param *param)
{
	struct optee_lite *ol = tee_get_drvdata(ctx->teedev);
	struct optee_lite_supp *supp = &ol->supp;
	struct supp_req *req;
	size_t n, num_meta;

	mutex_lock(&supp->mutex);
	req = answered_req(supp, num_params, param, &num_meta);
	if (IS_ERR(req)) {
		mutex_unlock(&supp->mutex);
		/* The caller gave up (WITHDRAWN_REQ: -EBADF), or a bad answer. */
		return PTR_ERR(req);
	}

	for (n = 0; n < req->num_params; n++) {
		struct tee_param *p = req->param + n;
		struct tee_param *s = param + num_meta + n;

		switch (p->attr & TEE_IOCTL_PARAM_ATTR_TYPE_MASK) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT:
			p->u.value.a = s->u.value.a;
			p->u.value.b = s->u.value.b;
			p->u.value.c = s->u.value.c;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			/*
			 * As given, even beyond the buffer: the size a NULL
			 * or short buffer needs (only the secure world reads it).
			 */
			p->u.memref.size = s->u.memref.size;
			break;
		default:
			break;
		}
	}
	req->ret = ret;
	req->processed = true;
	complete(&req->done);
	mutex_unlock(&supp->mutex);
	return 0;
}
