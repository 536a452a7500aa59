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

#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "optee_lite.h"
#include "optee_smc.h"

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

	if (xa_alloc(&ol->rpc_shm, &cookie, shm, xa_limit_32b, GFP_KERNEL))
		return 0;
	return cookie;
}

static struct tee_shm *rpc_shm_find(struct optee_lite *ol, u64 cookie)
{
	if (!cookie || cookie > U32_MAX)
		return NULL;
	return xa_load(&ol->rpc_shm, cookie);
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

static void free_shm(struct tee_context *ctx, struct tee_shm *shm)
{
	struct tee_param p = {
		.attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT,
		.u.value = { .a = OPTEE_RPC_SHM_TYPE_APPL },
	};

	if (shm->flags & TEE_SHM_PRIV) {
		tee_shm_free(shm);
		return;
	}
	/* Drop the secure world's reference, then tell the supplicant. */
	p.u.value.b = tee_shm_get_id(shm);
	tee_shm_put(shm);
	optee_lite_supp_thrd_req(ctx, OPTEE_RPC_CMD_SHM_FREE, 1, &p);
}

static void cmd_get_time(struct optee_msg_arg *arg, u32 num)
{
	struct timespec64 ts;

	if (num != 1 || (arg->params[0].attr & OPTEE_MSG_ATTR_TYPE_MASK) !=
			OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	ktime_get_real_ts64(&ts);
	arg->params[0].u.value.a = ts.tv_sec;
	arg->params[0].u.value.b = ts.tv_nsec;
	arg->ret = TEEC_SUCCESS;
}

static void cmd_suspend(struct optee_msg_arg *arg, u32 num)
{
	if (num != 1 || (arg->params[0].attr & OPTEE_MSG_ATTR_TYPE_MASK) !=
			OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	msleep_interruptible(min_t(u64, arg->params[0].u.value.a, 60000));
	arg->ret = TEEC_SUCCESS;
}

static void cmd_shm_alloc(struct tee_context *ctx, struct optee_lite *ol,
			  struct optee_msg_arg *arg, u32 num)
{
	struct optee_msg_param *mp = arg->params;
	struct tee_shm *shm;
	phys_addr_t pa;
	u64 size;
	u32 cookie;

	if (num != 1 || (mp->attr & OPTEE_MSG_ATTR_TYPE_MASK) !=
			OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	size = mp->u.value.b;
	if (!size || size > SZ_16M) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	switch (mp->u.value.a) {
	case OPTEE_RPC_SHM_TYPE_APPL:
		shm = alloc_suppl(ctx, ol, size);
		break;
	case OPTEE_RPC_SHM_TYPE_KERNEL:
		shm = tee_shm_alloc_priv_buf(ctx, size);
		break;
	default:
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	if (IS_ERR(shm)) {
		arg->ret = TEEC_ERROR_OUT_OF_MEMORY;
		return;
	}
	cookie = rpc_shm_add(ol, shm);
	if (!cookie || tee_shm_get_pa(shm, 0, &pa)) {
		if (cookie)
			rpc_shm_take(ol, cookie);
		free_shm(ctx, shm);
		arg->ret = TEEC_ERROR_OUT_OF_MEMORY;
		return;
	}
	memset(mp, 0, sizeof(*mp));
	mp->attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
	mp->u.tmem.buf_ptr = pa;
	mp->u.tmem.size = size;
	mp->u.tmem.shm_ref = cookie;
	arg->ret = TEEC_SUCCESS;
}

static void cmd_shm_free(struct tee_context *ctx, struct optee_lite *ol,
			 struct optee_msg_arg *arg, u32 num)
{
	struct tee_shm *shm;

	if (num != 1 || (arg->params[0].attr & OPTEE_MSG_ATTR_TYPE_MASK) !=
			OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	shm = rpc_shm_take(ol, arg->params[0].u.value.b);
	if (!shm) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	free_shm(ctx, shm);
	arg->ret = TEEC_SUCCESS;
}

/* Notifications: a secure thread waits for a key another one sends. */
static void cmd_notification(struct optee_lite *ol, struct optee_msg_arg *arg,
			     u32 num)
{
	struct completion *c, *old;
	u64 key;

	if (num != 1 || (arg->params[0].attr & OPTEE_MSG_ATTR_TYPE_MASK) !=
			OPTEE_MSG_ATTR_TYPE_VALUE_INPUT ||
	    arg->params[0].u.value.b > U32_MAX) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	key = arg->params[0].u.value.b;
	switch (arg->params[0].u.value.a) {
	case OPTEE_RPC_NOTIFICATION_WAIT:
		c = kmalloc(sizeof(*c), GFP_KERNEL);
		if (!c) {
			arg->ret = TEEC_ERROR_OUT_OF_MEMORY;
			return;
		}
		init_completion(c);
		mutex_lock(&ol->notif_lock);
		old = xa_cmpxchg(&ol->notif, key, NULL, c, GFP_KERNEL);
		mutex_unlock(&ol->notif_lock);
		if (old) {		/* someone already waits on this key */
			kfree(c);
			arg->ret = TEEC_ERROR_BAD_PARAMETERS;
			return;
		}
		/* Bounded: a secure world that never sends cannot pin us. */
		arg->ret = wait_for_completion_timeout(c, 10 * HZ) ?
			   TEEC_SUCCESS : TEEC_ERROR_COMMUNICATION;
		mutex_lock(&ol->notif_lock);
		xa_erase(&ol->notif, key);
		mutex_unlock(&ol->notif_lock);
		kfree(c);
		break;
	case OPTEE_RPC_NOTIFICATION_SEND:
		mutex_lock(&ol->notif_lock);
		c = xa_load(&ol->notif, key);
		if (c)
			complete(c);
		mutex_unlock(&ol->notif_lock);
		arg->ret = TEEC_SUCCESS;
		break;
	default:
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
	}
}

/* Anything else is the supplicant's job; memrefs must name shm we handed out. */
static void cmd_supplicant(struct tee_context *ctx, struct optee_lite *ol,
			   struct optee_msg_arg *arg, u32 num)
{
	struct tee_param *params;
	u32 n;

	params = kcalloc(num, sizeof(*params), GFP_KERNEL);
	if (num && !params) {
		arg->ret = TEEC_ERROR_OUT_OF_MEMORY;
		return;
	}
	for (n = 0; n < num; n++) {
		struct optee_msg_param *mp = arg->params + n;
		u64 type = mp->attr & OPTEE_MSG_ATTR_TYPE_MASK;
		struct tee_param *p = params + n;
		struct tee_shm *shm;

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
		case OPTEE_MSG_ATTR_TYPE_TMEM_INPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INOUT:
			shm = rpc_shm_find(ol, mp->u.tmem.shm_ref);
			if (!shm || mp->u.tmem.size > shm->size)
				goto bad;
			p->attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT + type -
				  OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
			p->u.memref.shm = shm;
			p->u.memref.shm_offs = 0;
			p->u.memref.size = mp->u.tmem.size;
			break;
		default:
			goto bad;
		}
	}

	arg->ret = optee_lite_supp_thrd_req(ctx, arg->cmd, num, params);

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
			mp->u.tmem.size = p->u.memref.size;
			break;
		}
	}
	kfree(params);
	return;
bad:
	kfree(params);
	arg->ret = TEEC_ERROR_BAD_PARAMETERS;
}

static void handle_cmd(struct tee_context *ctx, struct optee_lite *ol, u64 cookie)
{
	struct optee_msg_arg *arg;
	struct tee_shm *shm;
	u32 num;

	shm = rpc_shm_find(ol, cookie);
	if (!shm || shm->size < sizeof(*arg)) {
		dev_err(ol->dev, "RPC with an unknown argument cookie %#llx\n", cookie);
		return;
	}
	arg = tee_shm_get_va(shm, 0);
	if (IS_ERR(arg))
		return;
	num = READ_ONCE(arg->num_params);
	if (OPTEE_MSG_GET_ARG_SIZE((u64)num) > shm->size) {
		arg->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}

	switch (READ_ONCE(arg->cmd)) {
	case OPTEE_RPC_CMD_GET_TIME:
		cmd_get_time(arg, num);
		break;
	case OPTEE_RPC_CMD_SUSPEND:
		cmd_suspend(arg, num);
		break;
	case OPTEE_RPC_CMD_SHM_ALLOC:
		cmd_shm_alloc(ctx, ol, arg, num);
		break;
	case OPTEE_RPC_CMD_SHM_FREE:
		cmd_shm_free(ctx, ol, arg, num);
		break;
	case OPTEE_RPC_CMD_NOTIFICATION:
		cmd_notification(ol, arg, num);
		break;
	default:
		cmd_supplicant(ctx, ol, arg, num);
	}
}

/**
 * optee_lite_handle_rpc() - serve one RPC and prepare the return to secure world
 * @ctx:	the caller's context
 * @res:	registers the secure world returned (a0 is the RPC function)
 * @a:		the eight registers of the next call, set to RETURN_FROM_RPC
 *		with the resume state the secure world asked to be preserved
 */
void optee_lite_handle_rpc(struct tee_context *ctx, struct arm_smccc_res *res,
			   unsigned long *a)
{
	struct optee_lite *ol = tee_get_drvdata(ctx->teedev);
	struct tee_shm *shm;
	phys_addr_t pa;
	u32 cookie;

	a[0] = OPTEE_SMC_CALL_RETURN_FROM_RPC;
	a[1] = res->a1;
	a[2] = res->a2;
	a[3] = res->a3;
	/* a4-a7 stay as they were: the secure world's resume state. */

	switch (res->a0 & OPTEE_SMC_RETURN_RPC_FUNC_MASK) {
	case OPTEE_SMC_RPC_FUNC_ALLOC:
		shm = res->a1 && res->a1 <= SZ_16M ?
		      tee_shm_alloc_priv_buf(ctx, res->a1) : ERR_PTR(-EINVAL);
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
			a[4] = 0;
			a[5] = 0;
		}
		break;
	case OPTEE_SMC_RPC_FUNC_FREE:
		shm = rpc_shm_take(ol, reg_pair_to_64(res->a1, res->a2));
		if (shm)
			tee_shm_free(shm);
		else
			dev_err(ol->dev, "RPC free of an unknown cookie\n");
		break;
	case OPTEE_SMC_RPC_FUNC_FOREIGN_INTR:
		/* The interrupt is taken as soon as the SMC returned. */
		break;
	case OPTEE_SMC_RPC_FUNC_CMD:
		handle_cmd(ctx, ol, reg_pair_to_64(res->a1, res->a2));
		break;
	default:
		dev_err(ol->dev, "unknown RPC function %#lx\n", res->a0);
		break;
	}
}

void optee_lite_rpc_init(struct optee_lite *ol)
{
	xa_init_flags(&ol->rpc_shm, XA_FLAGS_ALLOC1);
	xa_init(&ol->notif);
	mutex_init(&ol->notif_lock);
}

/* The secure world is gone: free what it never gave back. */
void optee_lite_rpc_uninit(struct optee_lite *ol)
{
	struct tee_shm *shm;
	unsigned long cookie;

	xa_for_each(&ol->rpc_shm, cookie, shm) {
		xa_erase(&ol->rpc_shm, cookie);
		if (shm->flags & TEE_SHM_PRIV)
			tee_shm_free(shm);
		else
			tee_shm_put(shm);
	}
	xa_destroy(&ol->rpc_shm);
	xa_destroy(&ol->notif);
	mutex_destroy(&ol->notif_lock);
}
