// SPDX-License-Identifier: GPL-2.0
/*
 * optee_lite calls: sessions, commands and the translation between the TEE
 * core's parameters (struct tee_param) and the message protocol's
 * (struct optee_msg_param).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uuid.h>

#include "optee_lite.h"

/* Which cache a message buffer belongs to. */
static struct optee_lite_arg_cache *arg_cache_of(struct optee_lite *ol,
						 struct tee_shm *shm)
{
	if (ol->regd_args && (shm->flags & TEE_SHM_PRIV))
		return &ol->unreg_cache;
	return &ol->arg_cache;
}

static struct tee_shm *get_msg_arg(struct optee_lite *ol, size_t num_params,
				   struct optee_msg_arg **msg_arg, bool reg)
{
	struct optee_lite_arg_cache *c = reg ? &ol->arg_cache : &ol->unreg_cache;
	size_t size = OPTEE_MSG_GET_ARG_SIZE(num_params);
	struct tee_shm *shm = NULL;

	/* At most 4 parameters for a TA plus 2 meta ones, as upstream. */
	if (num_params > OPTEE_LITE_MAX_ARG_PARAMS)
		return ERR_PTR(-EINVAL);
	spin_lock(&c->lock);
	if (c->n)
		shm = c->shm[--c->n];
	spin_unlock(&c->lock);
	if (!shm) {
		/*
		 * A page: the message, then the RPC argument when the secure
		 * world writes it there (OPTEE_SMC_SEC_CAP_RPC_ARG).
		 */
		if (reg)
			shm = tee_shm_alloc_kernel_buf(ol->ctx, PAGE_SIZE);
		else
			shm = tee_shm_alloc_priv_buf(ol->ctx, PAGE_SIZE);
		if (IS_ERR(shm))
			return shm;
	}
	*msg_arg = tee_shm_get_va(shm, 0);
	memset(*msg_arg, 0, size);
	(*msg_arg)->num_params = num_params;
	return shm;
}

/**
 * optee_lite_get_msg_arg() - a zeroed message with room for parameters
 * @ctx:	the caller's context
 * @num_params:	number of parameters
 * @msg_arg:	set to the message's kernel address
 *
 * Messages live in the driver's own context (a closing client's context
 * cannot take references), in page-sized buffers kept for reuse: a call
 * allocates nothing in the common case. With dynamic shared memory and RPC
 * arguments in the call's buffer, the buffers are registered with the secure
 * world, which then finds a message by cookie (CALL_WITH_REGD_ARG) without
 * mapping it for every call. Give it back with optee_lite_put_msg_arg().
 *
 * Return: the shared memory holding the message, or an ERR_PTR.
 */
struct tee_shm *optee_lite_get_msg_arg(struct tee_context *ctx,
				       size_t num_params,
				       struct optee_msg_arg **msg_arg)
{
	struct optee_lite *ol = tee_get_drvdata(ctx->teedev);

	return get_msg_arg(ol, num_params, msg_arg, ol->regd_args);
}

/*
 * The same, never registered: for the messages that register and unregister
 * memory, registered message buffers among it.
 */
struct tee_shm *optee_lite_get_unreg_msg_arg(struct tee_context *ctx,
					     size_t num_params,
					     struct optee_msg_arg **msg_arg)
{
	struct optee_lite *ol = tee_get_drvdata(ctx->teedev);

	return get_msg_arg(ol, num_params, msg_arg, false);
}

void optee_lite_put_msg_arg(struct tee_context *ctx, struct tee_shm *shm)
{
	struct optee_lite *ol = tee_get_drvdata(ctx->teedev);
	struct optee_lite_arg_cache *c = arg_cache_of(ol, shm);

	spin_lock(&c->lock);
	if (c->n < ARRAY_SIZE(c->shm)) {
		c->shm[c->n++] = shm;
		shm = NULL;
	}
	spin_unlock(&c->lock);
	if (shm)
		tee_shm_free(shm);
}

/* Registered buffers first: unregistering them takes unregistered ones. */
void optee_lite_arg_cache_free(struct optee_lite *ol)
{
	struct optee_lite_arg_cache *caches[] = { &ol->arg_cache, &ol->unreg_cache };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(caches); i++)
		while (caches[i]->n)
			tee_shm_free(caches[i]->shm[--caches[i]->n]);
}

/*
 * A memref: registered memory (TEE_SHM_DYNAMIC, which the secure world knows
 * by its cookie) as an RMEM, anything else (the reserved pool, a NULL memref)
 * as a TMEM by physical address, as the upstream driver passes them. The TEE
 * core already checked that offset and size lie inside the buffer; checked
 * again here, it costs nothing.
 */
static int to_msg_memref(struct optee_msg_param *mp, const struct tee_param *p)
{
	struct tee_shm *shm = p->u.memref.shm;
	u32 dir = p->attr - TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT;
	phys_addr_t pa;
	int ret;

	if (shm && (p->u.memref.shm_offs > shm->size ||
		    p->u.memref.size > shm->size - p->u.memref.shm_offs))
		return -EINVAL;

	if (shm && (shm->flags & TEE_SHM_DYNAMIC)) {
		mp->attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT + dir;
		mp->u.rmem.offs = p->u.memref.shm_offs;
		mp->u.rmem.size = p->u.memref.size;
		mp->u.rmem.shm_ref = (unsigned long)shm;
		return 0;
	}

	mp->attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT + dir;
	mp->u.tmem.size = p->u.memref.size;
	if (!shm)	/* a NULL memref (MEMREF_NULL): only the size travels */
		return 0;
	ret = tee_shm_get_pa(shm, p->u.memref.shm_offs, &pa);
	if (ret)
		return ret;
	mp->attr |= OPTEE_MSG_ATTR_CACHE_PREDEFINED << OPTEE_MSG_ATTR_CACHE_SHIFT;
	mp->u.tmem.buf_ptr = pa;
	mp->u.tmem.shm_ref = (unsigned long)shm;
	return 0;
}

/**
 * optee_lite_to_msg_params() - TEE core parameters to message parameters
 * @mp:		@num message parameters to fill
 * @num:	number of parameters
 * @params:	the TEE core's parameters
 *
 * Return: 0, or -EINVAL for a parameter that cannot be passed.
 */
int optee_lite_to_msg_params(struct optee_msg_param *mp, size_t num,
			     const struct tee_param *params)
{
	size_t n;
	int ret;

	for (n = 0; n < num; n++) {
		const struct tee_param *p = params + n;

		memset(mp + n, 0, sizeof(*mp));
		switch (p->attr) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_NONE:
			mp[n].attr = OPTEE_MSG_ATTR_TYPE_NONE;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT:
			mp[n].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT + p->attr -
				     TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT;
			mp[n].u.value.a = p->u.value.a;
			mp[n].u.value.b = p->u.value.b;
			mp[n].u.value.c = p->u.value.c;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			ret = to_msg_memref(mp + n, p);
			if (ret)
				return ret;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static bool msg_is_value(u64 type)
{
	return type >= OPTEE_MSG_ATTR_TYPE_VALUE_INPUT &&
	       type <= OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
}

/**
 * optee_lite_from_msg_params() - copy the outputs of a call back
 * @params:	the TEE core's parameters, whose types stay as the caller set them
 * @num:	number of parameters
 * @mp:		the message parameters the secure world updated
 * @sent:	the same parameters as they were sent
 * @res:	the call's TEEC_* result
 *
 * Only output values and output sizes are taken from the secure world. A
 * memref must come back naming the buffer it was sent with (same kind, cookie
 * and offset or address), and with a size within it, unless the result is
 * TEEC_ERROR_SHORT_BUFFER: then the size is the one the TA needs.
 *
 * Return: 0, or -EINVAL for a malformed answer.
 */
int optee_lite_from_msg_params(struct tee_param *params, size_t num,
			       const struct optee_msg_param *mp,
			       const struct optee_msg_param *sent, u32 res)
{
	size_t n;

	for (n = 0; n < num; n++) {
		struct tee_param *p = params + n;
		u64 type = READ_ONCE(mp[n].attr) & OPTEE_MSG_ATTR_TYPE_MASK;
		u64 size;

		switch (p->attr) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT:
			if (!msg_is_value(type))
				return -EINVAL;
			p->u.value.a = mp[n].u.value.a;
			p->u.value.b = mp[n].u.value.b;
			p->u.value.c = mp[n].u.value.c;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			/* tmem and rmem: address or offset, size, cookie. */
			if (type != (sent[n].attr & OPTEE_MSG_ATTR_TYPE_MASK) ||
			    READ_ONCE(mp[n].u.tmem.buf_ptr) != sent[n].u.tmem.buf_ptr ||
			    READ_ONCE(mp[n].u.tmem.shm_ref) != sent[n].u.tmem.shm_ref)
				return -EINVAL;
			size = READ_ONCE(mp[n].u.tmem.size);
			if (size > p->u.memref.size &&
			    res != TEEC_ERROR_SHORT_BUFFER)
				return -EINVAL;
			p->u.memref.size = size;
			break;
		default:
			break;
		}
	}
	return 0;
}

static struct optee_lite_session *find_session(struct optee_lite_ctx *octx,
					       u32 id)
{
	struct optee_lite_session *sess;

	list_for_each_entry(sess, &octx->sessions, link)
		if (sess->id == id)
			return sess;
	return NULL;
}

/* Run a message whose parameters were set; on failure, a communication error. */
static void do_msg(struct tee_context *ctx, struct tee_shm *shm,
		   struct optee_msg_arg *msg)
{
	if (optee_lite_do_call(ctx, shm)) {
		msg->ret = TEEC_ERROR_COMMUNICATION;
		msg->ret_origin = TEEC_ORIGIN_COMMS;
	}
}

/**
 * optee_lite_simple_call() - a message without parameters from the driver
 * @ol:		the instance; the call runs in its own context
 * @cmd:	OPTEE_MSG_CMD_DO_BOTTOM_HALF or OPTEE_MSG_CMD_STOP_ASYNC_NOTIF
 *
 * Return: 0, -EIO when the call failed or the secure world said no.
 */
int optee_lite_simple_call(struct optee_lite *ol, u32 cmd)
{
	struct optee_msg_arg *msg;
	struct tee_shm *shm;
	int ret;

	shm = optee_lite_get_msg_arg(ol->ctx, 0, &msg);
	if (IS_ERR(shm))
		return PTR_ERR(shm);
	msg->cmd = cmd;
	ret = optee_lite_do_call(ol->ctx, shm);
	if (!ret && msg->ret)
		ret = -EIO;
	optee_lite_put_msg_arg(ol->ctx, shm);
	return ret;
}

/* Close session @id in the secure world (whatever the answer, it is gone here). */
static void close_in_secure_world(struct tee_context *ctx, u32 id)
{
	struct optee_msg_arg *msg;
	struct tee_shm *shm;

	shm = optee_lite_get_msg_arg(ctx, 0, &msg);
	if (IS_ERR(shm))
		return;
	msg->cmd = OPTEE_MSG_CMD_CLOSE_SESSION;
	msg->session = id;
	do_msg(ctx, shm, msg);
	optee_lite_put_msg_arg(ctx, shm);
}

int optee_lite_open_session(struct tee_context *ctx,
			    struct tee_ioctl_open_session_arg *arg,
			    struct tee_param *param)
{
	struct optee_lite_ctx *octx = ctx->data;
	struct optee_lite_session *sess;
	struct optee_msg_param sent[OPTEE_LITE_MAX_ARG_PARAMS];
	u32 res, origin, id;
	struct optee_msg_arg *msg;
	struct tee_shm *shm;
	uuid_t client_uuid;
	int ret;

	/* Two meta parameters first: the TA's UUID, then the client's identity. */
	shm = optee_lite_get_msg_arg(ctx, arg->num_params + 2, &msg);
	if (IS_ERR(shm))
		return PTR_ERR(shm);

	msg->cmd = OPTEE_MSG_CMD_OPEN_SESSION;
	msg->cancel_id = arg->cancel_id;
	msg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META;
	memcpy(&msg->params[0].u.value, arg->uuid, sizeof(arg->uuid));
	msg->params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META;
	msg->params[1].u.value.c = arg->clnt_login;
	ret = tee_session_calc_client_uuid(&client_uuid, arg->clnt_login,
					   arg->clnt_uuid);
	if (ret)
		goto out;
	export_uuid((u8 *)&msg->params[1].u.value, &client_uuid);

	ret = optee_lite_to_msg_params(msg->params + 2, arg->num_params, param);
	if (ret)
		goto out;
	memcpy(sent, msg->params + 2, arg->num_params * sizeof(*sent));

	sess = kzalloc(sizeof(*sess), GFP_KERNEL);
	if (!sess) {
		ret = -ENOMEM;
		goto out;
	}

	do_msg(ctx, shm, msg);
	/* Read the answer once: the secure world could still write to it. */
	res = READ_ONCE(msg->ret);
	origin = READ_ONCE(msg->ret_origin);
	id = READ_ONCE(msg->session);
	if (!res && optee_lite_from_msg_params(param, arg->num_params,
					       msg->params + 2, sent, res)) {
		/* Malformed reply: close what was opened, report the failure. */
		close_in_secure_world(ctx, id);
		res = TEEC_ERROR_COMMUNICATION;
		origin = TEEC_ORIGIN_COMMS;
	}
	if (!res) {
		sess->id = id;
		mutex_lock(&octx->mutex);
		list_add(&sess->link, &octx->sessions);
		mutex_unlock(&octx->mutex);
	} else {
		kfree(sess);
	}
	arg->session = res ? 0 : id;
	arg->ret = res;
	arg->ret_origin = origin;
out:
	optee_lite_put_msg_arg(ctx, shm);
	return ret;
}

int optee_lite_close_session(struct tee_context *ctx, u32 session)
{
	struct optee_lite_ctx *octx = ctx->data;
	struct optee_lite_session *sess;

	mutex_lock(&octx->mutex);
	sess = find_session(octx, session);
	if (sess)
		list_del(&sess->link);
	mutex_unlock(&octx->mutex);
	/* Only sessions of this context: ids are global in the secure world. */
	if (!sess)
		return -EINVAL;
	close_in_secure_world(ctx, session);
	kfree(sess);
	return 0;
}

/* When a client goes away, its sessions are closed in the secure world. */
void optee_lite_close_all_sessions(struct tee_context *ctx)
{
	struct optee_lite_ctx *octx = ctx->data;
	struct optee_lite_session *sess, *tmp;

	list_for_each_entry_safe(sess, tmp, &octx->sessions, link) {
		list_del(&sess->link);
		close_in_secure_world(ctx, sess->id);
		kfree(sess);
	}
}

int optee_lite_invoke_func(struct tee_context *ctx,
			   struct tee_ioctl_invoke_arg *arg,
			   struct tee_param *param)
{
	struct optee_msg_param sent[OPTEE_LITE_MAX_ARG_PARAMS];
	struct optee_lite_ctx *octx = ctx->data;
	struct optee_msg_arg *msg;
	struct tee_shm *shm;
	bool known;
	int ret;

	mutex_lock(&octx->mutex);
	known = find_session(octx, arg->session);
	mutex_unlock(&octx->mutex);
	if (!known)
		return -EINVAL;

	shm = optee_lite_get_msg_arg(ctx, arg->num_params, &msg);
	if (IS_ERR(shm))
		return PTR_ERR(shm);
	msg->cmd = OPTEE_MSG_CMD_INVOKE_COMMAND;
	msg->func = arg->func;
	msg->session = arg->session;
	msg->cancel_id = arg->cancel_id;

	ret = optee_lite_to_msg_params(msg->params, arg->num_params, param);
	if (ret)
		goto out;
	memcpy(sent, msg->params, arg->num_params * sizeof(*sent));

	do_msg(ctx, shm, msg);
	arg->ret = READ_ONCE(msg->ret);
	arg->ret_origin = READ_ONCE(msg->ret_origin);
	if (optee_lite_from_msg_params(param, arg->num_params, msg->params,
				       sent, arg->ret)) {
		arg->ret = TEEC_ERROR_COMMUNICATION;
		arg->ret_origin = TEEC_ORIGIN_COMMS;
	}
out:
	optee_lite_put_msg_arg(ctx, shm);
	return ret;
}

int optee_lite_cancel_req(struct tee_context *ctx, u32 cancel_id, u32 session)
{
	struct optee_lite_ctx *octx = ctx->data;
	struct optee_msg_arg *msg;
	struct tee_shm *shm;
	bool known;

	mutex_lock(&octx->mutex);
	known = find_session(octx, session);
	mutex_unlock(&octx->mutex);
	if (!known)
		return -EINVAL;

	shm = optee_lite_get_msg_arg(ctx, 0, &msg);
	if (IS_ERR(shm))
		return PTR_ERR(shm);
	msg->cmd = OPTEE_MSG_CMD_CANCEL;
	msg->session = session;
	msg->cancel_id = cancel_id;
	do_msg(ctx, shm, msg);
	optee_lite_put_msg_arg(ctx, shm);
	return 0;
}
