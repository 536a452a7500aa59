// SPDX-License-Identifier: GPL-2.0
/*
 * optee_lite RPCs: requests the secure world makes in the middle of a call
 * (OPTEE_SMC_RETURN_RPC_*), served here or passed on to tee-supplicant.
 *
 * Nothing the secure world sends is trusted: shared memory is named by
 * cookies that index @rpc_shm (never by pointers), message sizes are checked
 * against the buffer that holds them, and every parameter is checked for type
 * before use.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "optee_lite.h"
#include "optee_smc.h"

/* Largest shared memory the secure world may ask for in one RPC. */
#define OPTEE_LITE_RPC_SHM_MAX	SZ_16M
/* Most buffers a secure world may give back from its shm cache. */
#define OPTEE_LITE_SHM_CACHE_MAX	1024

static u64 reg_pair_to_64(unsigned long hi, unsigned long lo)
{
	return (u64)(u32)hi << 32 | (u32)lo;
}

static void reg_pair_from_64(unsigned long *hi, unsigned long *lo, u64 v)
{
	*hi = upper_32_bits(v);
	*lo = lower_32_bits(v);
}

/* Hand @shm to the secure world: returns its cookie, 0 on failure. */
static u32 rpc_shm_add(struct optee_lite *ol, struct tee_shm *shm)
{
	u32 cookie;

	/* Cyclic: a stale cookie of a buggy secure world names nothing. */
	if (xa_alloc_cyclic(&ol->rpc_shm, &cookie, shm, xa_limit_32b,
			    &ol->rpc_next, GFP_KERNEL) < 0)
		return 0;
	return cookie;
}

/*
 * The shm of @cookie with a reference for the caller (tee_shm_put() it): the
 * secure world may free the cookie from another thread meanwhile.
 */
static struct tee_shm *rpc_shm_get(struct optee_lite *ol, u64 cookie)
{
	struct tee_shm *shm;

	if (!cookie || cookie > U32_MAX)
		return NULL;
	xa_lock(&ol->rpc_shm);
	shm = xa_load(&ol->rpc_shm, cookie);
	if (shm && !refcount_inc_not_zero(&shm->refcount))
		shm = NULL;
	xa_unlock(&ol->rpc_shm);
	return shm;
}

static struct tee_shm *rpc_shm_take(struct optee_lite *ol, u64 cookie)
{
	if (!cookie || cookie > U32_MAX)
		return NULL;
	return xa_erase(&ol->rpc_shm, cookie);
}

/* Supplicant-owned shared memory (OPTEE_RPC_SHM_TYPE_APPL). */
static struct tee_shm *alloc_suppl(struct tee_context *ctx, struct optee_lite *ol,
				   size_t size)
{
	struct tee_param p = {
		.attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT,
		.u.value = { .a = OPTEE_RPC_SHM_TYPE_APPL, .b = size },
	};
	struct tee_shm *shm;

	if (optee_lite_supp_thrd_req(ctx, OPTEE_RPC_CMD_SHM_ALLOC, 1, &p))
		return ERR_PTR(-ENOMEM);
	if (p.u.value.c > INT_MAX)
		return ERR_PTR(-EINVAL);
	/* A reference of our own: the supplicant may close its id any time. */
	mutex_lock(&ol->supp.mutex);
	shm = ol->supp.ctx ? tee_shm_get_from_id(ol->supp.ctx, p.u.value.c) :
			     ERR_PTR(-ENOENT);
	mutex_unlock(&ol->supp.mutex);
	if (!IS_ERR(shm) && shm->size < size) {
		tee_shm_put(shm);
		return ERR_PTR(-ENOMEM);
	}
	return shm;
}

/* Give back shared memory the secure world no longer holds. */
static void free_shm(struct tee_context *ctx, struct tee_shm *shm, bool tell)
{
	struct tee_param p = {
		.attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT,
		.u.value = { .a = OPTEE_RPC_SHM_TYPE_APPL },
	};

	if (shm->flags & TEE_SHM_PRIV) {
		tee_shm_free(shm);
		return;
	}
	/* Drop our reference first, then tell the supplicant (as upstream). */
	p.u.value.b = tee_shm_get_id(shm);
	tee_shm_put(shm);
	if (tell)
		optee_lite_supp_thrd_req(ctx, OPTEE_RPC_CMD_SHM_FREE, 1, &p);
}

static bool one_param(struct optee_msg_arg *arg, u32 num, u64 type)
{
	return num == 1 &&
	       (READ_ONCE(arg->params[0].attr) & OPTEE_MSG_ATTR_TYPE_MASK) == type;
}

static void cmd_get_time(struct optee_msg_arg *arg, u32 num)
{
	struct timespec64 ts;

	if (!one_param(arg, num, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT)) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	ktime_get_real_ts64(&ts);
	arg->params[0].u.value.a = ts.tv_sec;
	arg->params[0].u.value.b = ts.tv_nsec;
	arg->ret = TEEC_SUCCESS;
}

/* The secure thread sleeps; a signal ends the sleep early, as upstream. */
static void cmd_suspend(struct optee_msg_arg *arg, u32 num)
{
	if (!one_param(arg, num, OPTEE_MSG_ATTR_TYPE_VALUE_INPUT)) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	msleep_interruptible(min_t(u64, arg->params[0].u.value.a, 60000));
	arg->ret = TEEC_SUCCESS;
}

static void cmd_shm_alloc(struct tee_context *ctx, struct optee_lite *ol,
			  struct optee_lite_call_ctx *call,
			  struct optee_msg_arg *arg, u32 num)
{
	struct optee_msg_param *mp = arg->params;
	struct tee_shm *shm;
	phys_addr_t pa;
	u64 size, type;
	u32 cookie, n;

	arg->ret_origin = TEEC_ORIGIN_COMMS;
	/* One value input, then nothing (as upstream checks). */
	if (!num || READ_ONCE(mp[0].attr) != OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	for (n = 1; n < num; n++) {
		if (READ_ONCE(mp[n].attr) != OPTEE_MSG_ATTR_TYPE_NONE) {
			arg->ret = TEEC_ERROR_BAD_PARAMETERS;
			return;
		}
	}
	type = READ_ONCE(mp->u.value.a);
	size = READ_ONCE(mp->u.value.b);
	if (!size || size > OPTEE_LITE_RPC_SHM_MAX) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	switch (type) {
	case OPTEE_RPC_SHM_TYPE_APPL:
		shm = alloc_suppl(ctx, ol, size);
		break;
	case OPTEE_RPC_SHM_TYPE_KERNEL:
		shm = tee_shm_alloc_priv_buf(ol->ctx, size);
		break;
	default:
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	if (IS_ERR(shm)) {
		arg->ret = TEEC_ERROR_OUT_OF_MEMORY;
		return;
	}

	memset(mp, 0, sizeof(*mp));
	optee_lite_call_ctx_free(call);
	if (shm->pages) {
		/* As upstream: described as a page list, valid for this RPC. */
		call->pages_list = optee_lite_pages_list(shm->pages,
							 shm->num_pages,
							 shm->offset,
							 &call->list_bytes);
		if (!call->pages_list)
			goto nomem;
		mp->attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			   OPTEE_MSG_ATTR_NONCONTIG;
		mp->u.tmem.buf_ptr = virt_to_phys(call->pages_list) |
			(shm->offset & (OPTEE_MSG_NONCONTIG_PAGE_SIZE - 1));
	} else {
		if (tee_shm_get_pa(shm, 0, &pa))
			goto nomem;
		mp->attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
		mp->u.tmem.buf_ptr = pa;
	}
	cookie = rpc_shm_add(ol, shm);
	if (!cookie)
		goto nomem;
	mp->u.tmem.size = shm->size;
	mp->u.tmem.shm_ref = cookie;
	arg->ret = TEEC_SUCCESS;
	return;
nomem:
	memset(mp, 0, sizeof(*mp));
	optee_lite_call_ctx_free(call);
	free_shm(ctx, shm, true);
	arg->ret = TEEC_ERROR_OUT_OF_MEMORY;
}

static void cmd_shm_free(struct tee_context *ctx, struct optee_lite *ol,
			 struct optee_msg_arg *arg, u32 num)
{
	struct tee_shm *shm;

	arg->ret_origin = TEEC_ORIGIN_COMMS;
	if (num != 1 ||
	    READ_ONCE(arg->params[0].attr) != OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	shm = rpc_shm_take(ol, READ_ONCE(arg->params[0].u.value.b));
	if (!shm) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	free_shm(ctx, shm, true);
	arg->ret = TEEC_SUCCESS;
}

/*
 * Notifications: a secure thread waits for a key that another one sends, by
 * RPC or through the notification interrupt (notif.c, hard interrupt
 * context: the lock is taken with interrupts off); a key sent while nobody
 * waits is remembered, so the wait returns at once.
 */
struct notif_waiter {
	struct list_head link;
	u32 key;
	struct completion c;
};

static struct notif_waiter *find_waiter(struct optee_lite_notif *nf, u32 key)
{
	struct notif_waiter *w;

	list_for_each_entry(w, &nf->waiters, link)
		if (w->key == key)
			return w;
	return NULL;
}

static u32 notif_wait(struct optee_lite_notif *nf, u32 key, u64 timeout_ms)
{
	struct notif_waiter w = { .key = key };
	u32 ret = TEEC_SUCCESS;
	long left;

	init_completion(&w.c);
	spin_lock_irq(&nf->lock);
	if (test_and_clear_bit(key, nf->posted)) {
		spin_unlock_irq(&nf->lock);
		return TEEC_SUCCESS;
	}
	if (find_waiter(nf, key)) {	/* one waiter per key */
		spin_unlock_irq(&nf->lock);
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	list_add_tail(&w.link, &nf->waiters);
	spin_unlock_irq(&nf->lock);

	if (timeout_ms) {
		timeout_ms = min_t(u64, timeout_ms, 3600000);
		left = wait_for_completion_killable_timeout(&w.c,
							    msecs_to_jiffies(timeout_ms));
		if (!left)
			ret = TEEC_ERROR_TIMEOUT;
	} else {
		left = wait_for_completion_killable(&w.c);
	}
	if (left < 0)
		ret = TEEC_ERROR_COMMUNICATION;

	spin_lock_irq(&nf->lock);
	list_del(&w.link);
	spin_unlock_irq(&nf->lock);
	return ret;
}

/* Wake the waiter of @key (at most the secure world's highest key). */
void optee_lite_notif_send(struct optee_lite *ol, u32 key)
{
	struct optee_lite_notif *nf = &ol->notif;
	struct notif_waiter *w;
	unsigned long flags;

	spin_lock_irqsave(&nf->lock, flags);
	w = find_waiter(nf, key);
	if (w)
		complete(&w->c);
	else
		set_bit(key, nf->posted);
	spin_unlock_irqrestore(&nf->lock, flags);
}

static void cmd_notification(struct optee_lite *ol, struct optee_msg_arg *arg,
			     u32 num)
{
	struct optee_lite_notif *nf = &ol->notif;
	u64 key;

	if (!one_param(arg, num, OPTEE_MSG_ATTR_TYPE_VALUE_INPUT)) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	key = READ_ONCE(arg->params[0].u.value.b);
	if (key > nf->max_key) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	switch (READ_ONCE(arg->params[0].u.value.a)) {
	case OPTEE_RPC_NOTIFICATION_WAIT:
		arg->ret = notif_wait(nf, key,
				      READ_ONCE(arg->params[0].u.value.c));
		break;
	case OPTEE_RPC_NOTIFICATION_SEND:
		optee_lite_notif_send(ol, key);
		arg->ret = TEEC_SUCCESS;
		break;
	default:
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
	}
}

/*
 * A memref of an RPC for the supplicant must lie in shared memory we handed
 * out through OPTEE_RPC_CMD_SHM_ALLOC: by cookie and offset (RMEM), or by
 * cookie and physical address (TMEM), the address inside that memory; or be
 * a NULL TMEM (cookie and address 0), which passes a size only.
 */
static int rpc_memref(struct optee_lite *ol, const struct optee_msg_param *mp,
		      u64 type, struct tee_param *p)
{
	u64 ref = READ_ONCE(mp->u.tmem.shm_ref);
	u64 size = READ_ONCE(mp->u.tmem.size);
	struct tee_shm *shm;
	u64 offs;
	size_t i;

	if (!ref) {
		/* A NULL memref (a size query): only the size travels. */
		if (type < OPTEE_MSG_ATTR_TYPE_TMEM_INPUT ||
		    READ_ONCE(mp->u.tmem.buf_ptr))
			return -EINVAL;
		p->attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT + type -
			  OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
		p->u.memref.size = size;
		return 0;
	}
	shm = rpc_shm_get(ol, ref);
	if (!shm)
		return -EINVAL;
	if (type >= OPTEE_MSG_ATTR_TYPE_RMEM_INPUT &&
	    type <= OPTEE_MSG_ATTR_TYPE_RMEM_INOUT) {
		offs = READ_ONCE(mp->u.rmem.offs);
		p->attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT + type -
			  OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	} else {
		u64 pa = READ_ONCE(mp->u.tmem.buf_ptr);

		p->attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT + type -
			  OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
		if (!shm->pages) {
			offs = pa - shm->paddr;
		} else {
			/* Find the page: offset from the buffer's start. */
			offs = U64_MAX;
			for (i = 0; i < shm->num_pages; i++) {
				if (page_to_phys(shm->pages[i]) ==
				    (pa & PAGE_MASK)) {
					offs = i * PAGE_SIZE +
					       (pa & ~PAGE_MASK) - shm->offset;
					break;
				}
			}
		}
	}
	if (offs > shm->size || size > shm->size - offs) {
		tee_shm_put(shm);
		return -EINVAL;
	}
	p->u.memref.shm = shm;	/* with the reference */
	p->u.memref.shm_offs = offs;
	p->u.memref.size = size;
	return 0;
}

static void put_params(struct tee_param *params, u32 num)
{
	u32 n;

	for (n = 0; n < num; n++)
		if (tee_param_is_memref(params + n) && params[n].u.memref.shm)
			tee_shm_put(params[n].u.memref.shm);
	kfree(params);
}

/* Anything else is the supplicant's job. */
static void cmd_supplicant(struct tee_context *ctx, struct optee_lite *ol,
			   struct optee_msg_arg *arg, u32 cmd, u32 num)
{
	struct tee_param *params;
	u32 n;

	arg->ret_origin = TEEC_ORIGIN_COMMS;
	params = kcalloc(num, sizeof(*params), GFP_KERNEL);
	if (num && !params) {
		arg->ret = TEEC_ERROR_OUT_OF_MEMORY;
		return;
	}
	for (n = 0; n < num; n++) {
		struct optee_msg_param *mp = arg->params + n;
		u64 type = READ_ONCE(mp->attr) & OPTEE_MSG_ATTR_TYPE_MASK;
		struct tee_param *p = params + n;

		switch (type) {
		case OPTEE_MSG_ATTR_TYPE_NONE:
			p->attr = TEE_IOCTL_PARAM_ATTR_TYPE_NONE;
			break;
		case OPTEE_MSG_ATTR_TYPE_VALUE_INPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_INOUT:
			p->attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT + type -
				  OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
			p->u.value.a = mp->u.value.a;
			p->u.value.b = mp->u.value.b;
			p->u.value.c = mp->u.value.c;
			break;
		case OPTEE_MSG_ATTR_TYPE_RMEM_INPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_INOUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INOUT:
			if (rpc_memref(ol, mp, type, p))
				goto bad;
			break;
		default:
			goto bad;
		}
	}

	arg->ret = optee_lite_supp_thrd_req(ctx, cmd, num, params);

	for (n = 0; n < num; n++) {
		struct optee_msg_param *mp = arg->params + n;
		struct tee_param *p = params + n;

		switch (p->attr) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT:
			mp->u.value.a = p->u.value.a;
			mp->u.value.b = p->u.value.b;
			mp->u.value.c = p->u.value.c;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			/* tmem.size and rmem.size share their place. */
			mp->u.tmem.size = p->u.memref.size;
			break;
		}
	}
	put_params(params, num);
	return;
bad:
	put_params(params, num);
	arg->ret = TEEC_ERROR_BAD_PARAMETERS;
}

static void handle_cmd(struct tee_context *ctx, struct optee_lite *ol,
		       struct optee_lite_call_ctx *call, u64 cookie)
{
	struct tee_shm *shm = NULL;
	struct optee_msg_arg *arg;
	size_t size;
	u32 num, cmd;

	if (call->rpc_arg) {
		/* In the call's buffer, room for rpc_param_count parameters. */
		arg = call->rpc_arg;
		size = OPTEE_MSG_GET_ARG_SIZE(ol->rpc_param_count);
	} else {
		shm = rpc_shm_get(ol, cookie);
		if (!shm) {
			dev_err_ratelimited(ol->dev, "RPC with an unknown argument cookie %#llx\n",
					    cookie);
			return;
		}
		arg = tee_shm_get_va(shm, 0);
		size = shm->size;
		if (IS_ERR(arg) || size < sizeof(*arg))
			goto out;
	}
	/* Read once: the memory is shared, the checks must hold for what we use. */
	num = READ_ONCE(arg->num_params);
	cmd = READ_ONCE(arg->cmd);
	if (OPTEE_MSG_GET_ARG_SIZE((u64)num) > size) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		goto out;
	}

	switch (cmd) {
	case OPTEE_RPC_CMD_GET_TIME:
		cmd_get_time(arg, num);
		break;
	case OPTEE_RPC_CMD_SUSPEND:
		cmd_suspend(arg, num);
		break;
	case OPTEE_RPC_CMD_SHM_ALLOC:
		cmd_shm_alloc(ctx, ol, call, arg, num);
		break;
	case OPTEE_RPC_CMD_SHM_FREE:
		cmd_shm_free(ctx, ol, arg, num);
		break;
	case OPTEE_RPC_CMD_NOTIFICATION:
		cmd_notification(ol, arg, num);
		break;
	default:
		cmd_supplicant(ctx, ol, arg, cmd, num);
	}
out:
	if (shm)
		tee_shm_put(shm);
}

void optee_lite_call_ctx_free(struct optee_lite_call_ctx *call)
{
	if (call->pages_list)
		free_pages_exact(call->pages_list, call->list_bytes);
	call->pages_list = NULL;
	call->list_bytes = 0;
}

/**
 * optee_lite_handle_rpc() - serve one RPC and prepare the return to secure world
 * @ctx:	the caller's context
 * @call:	state of the call across its RPCs
 * @res:	registers the secure world returned (a0 is the RPC function)
 * @a:		the eight registers of the next call, set to RETURN_FROM_RPC
 *		with a1-a3 as the secure world returned them
 */
void optee_lite_handle_rpc(struct tee_context *ctx,
			   struct optee_lite_call_ctx *call,
			   struct arm_smccc_res *res, unsigned long *a)
{
	struct optee_lite *ol = tee_get_drvdata(ctx->teedev);
	struct tee_shm *shm;
	phys_addr_t pa;
	u32 cookie;

	a[0] = OPTEE_SMC_CALL_RETURN_FROM_RPC;
	a[1] = res->a1;
	a[2] = res->a2;
	a[3] = res->a3;
	a[4] = 0;
	a[5] = 0;
	a[6] = 0;
	a[7] = 0;

	switch (res->a0 & OPTEE_SMC_RETURN_RPC_FUNC_MASK) {
	case OPTEE_SMC_RPC_FUNC_ALLOC:
		shm = res->a1 && res->a1 <= OPTEE_LITE_RPC_SHM_MAX ?
		      tee_shm_alloc_priv_buf(ol->ctx, res->a1) : ERR_PTR(-EINVAL);
		cookie = IS_ERR(shm) ? 0 : rpc_shm_add(ol, shm);
		if (cookie && !tee_shm_get_pa(shm, 0, &pa)) {
			reg_pair_from_64(&a[1], &a[2], pa);
			reg_pair_from_64(&a[4], &a[5], cookie);
		} else {
			if (cookie)
				rpc_shm_take(ol, cookie);
			if (!IS_ERR(shm))
				tee_shm_free(shm);
			a[1] = 0;
			a[2] = 0;
		}
		break;
	case OPTEE_SMC_RPC_FUNC_FREE:
		shm = rpc_shm_take(ol, reg_pair_to_64(res->a1, res->a2));
		if (shm)
			free_shm(ctx, shm, true);
		else
			dev_err_ratelimited(ol->dev, "RPC free of an unknown cookie\n");
		break;
	case OPTEE_SMC_RPC_FUNC_FOREIGN_INTR:
		/* The interrupt was taken as soon as the SMC returned. */
		break;
	case OPTEE_SMC_RPC_FUNC_CMD:
		handle_cmd(ctx, ol, call, reg_pair_to_64(res->a1, res->a2));
		break;
	default:
		dev_err_ratelimited(ol->dev, "unknown RPC function %#lx\n", res->a0);
		break;
	}
}

int optee_lite_rpc_init(struct optee_lite *ol, u32 max_notif_key)
{
	struct optee_lite_notif *nf = &ol->notif;

	nf->posted = bitmap_zalloc(max_notif_key + 1, GFP_KERNEL);
	if (!nf->posted)
		return -ENOMEM;
	nf->max_key = max_notif_key;
	spin_lock_init(&nf->lock);
	INIT_LIST_HEAD(&nf->waiters);
	xa_init_flags(&ol->rpc_shm, XA_FLAGS_ALLOC1);
	return 0;
}

/* The secure world is going away: free the memory it never gave back. */
void optee_lite_rpc_free_all(struct optee_lite *ol)
{
	struct tee_shm *shm;
	unsigned long cookie;

	xa_for_each(&ol->rpc_shm, cookie, shm) {
		xa_erase(&ol->rpc_shm, cookie);
		free_shm(NULL, shm, false);
	}
}

/*
 * Unload: the secure world gives back the RPC argument buffers it kept
 * (ENABLE_SHM_CACHE), one cookie per call until it has none; busy while
 * calls are running. Bounded, against a secure world that never says done.
 */
void optee_lite_disable_shm_cache(struct optee_lite *ol)
{
	struct optee_lite_callq *q = &ol->callq;
	unsigned long deadline = jiffies + 10 * HZ;
	unsigned int given = 0;
	struct arm_smccc_res res;
	struct tee_shm *shm;

	if (!ol->shm_cache)
		return;
	ol->shm_cache = false;
	while (given < OPTEE_LITE_SHM_CACHE_MAX && time_before(jiffies, deadline)) {
		unsigned int seen = atomic_read(&q->ended);

		ol->invoke_fn(OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, 0, 0, 0, 0,
			      &res);
		if (res.a0 == OPTEE_SMC_RETURN_ENOTAVAIL)
			return;
		if (res.a0 == OPTEE_SMC_RETURN_OK) {
			given++;
			shm = rpc_shm_take(ol, reg_pair_to_64(res.a1, res.a2));
			if (shm)
				free_shm(NULL, shm, false);
			else
				dev_err_ratelimited(ol->dev, "shm cache: unknown cookie\n");
		} else if (res.a0 == OPTEE_SMC_RETURN_EBUSY) {
			wait_event_timeout(q->wait,
					   atomic_read(&q->ended) != seen, HZ / 10);
		} else {
			break;
		}
	}
	dev_err(ol->dev, "the secure world did not empty its shm cache (%#lx)\n",
		res.a0);
}

void optee_lite_rpc_uninit(struct optee_lite *ol)
{
	optee_lite_rpc_free_all(ol);
	xa_destroy(&ol->rpc_shm);
	bitmap_free(ol->notif.posted);
}
