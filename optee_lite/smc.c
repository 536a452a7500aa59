// SPDX-License-Identifier: GPL-2.0
/*
 * optee_lite SMC conduit: the fast calls that identify and configure the
 * secure world at probe, and the loop of a yielding call (OPTEE_SMC_CALL_WITH_ARG
 * with the RPCs the secure world makes before it returns).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/arm-smccc.h>
#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/wait.h>

#include "optee_lite.h"
#include "optee_smc.h"

static void optee_lite_smccc_smc(unsigned long a0, unsigned long a1,
				 unsigned long a2, unsigned long a3,
				 unsigned long a4, unsigned long a5,
				 unsigned long a6, unsigned long a7,
				 struct arm_smccc_res *res)
{
	arm_smccc_smc(a0, a1, a2, a3, a4, a5, a6, a7, res);
}

static void optee_lite_smccc_hvc(unsigned long a0, unsigned long a1,
				 unsigned long a2, unsigned long a3,
				 unsigned long a4, unsigned long a5,
				 unsigned long a6, unsigned long a7,
				 struct arm_smccc_res *res)
{
	arm_smccc_hvc(a0, a1, a2, a3, a4, a5, a6, a7, res);
}

static optee_lite_invoke_fn *get_invoke_fn(struct device *dev)
{
	const char *method;

	if (of_property_read_string(dev->of_node, "method", &method)) {
		dev_err(dev, "no \"method\" property in the device tree node\n");
		return NULL;
	}
	if (!strcmp(method, "smc"))
		return optee_lite_smccc_smc;
	if (!strcmp(method, "hvc"))
		return optee_lite_smccc_hvc;
	dev_err(dev, "method \"%s\" is neither \"smc\" nor \"hvc\"\n", method);
	return NULL;
}

static void fast_call(struct optee_lite *ol, unsigned long fn, unsigned long a1,
		      struct arm_smccc_res *res)
{
	ol->invoke_fn(fn, a1, 0, 0, 0, 0, 0, 0, res);
}

/* Default number of notification keys when the secure world gives none. */
#define OPTEE_LITE_NOTIF_KEYS	255

/* The reserved shared memory of GET_SHM_CONFIG, shrunk to whole pages. */
static int get_shm_config(struct optee_lite *ol, struct device *dev,
			  phys_addr_t *rsv_start, size_t *rsv_size)
{
	struct arm_smccc_res res;
	u64 start, end;

	fast_call(ol, OPTEE_SMC_GET_SHM_CONFIG, 0, &res);
	if (res.a0 != OPTEE_SMC_RETURN_OK || res.a3 != OPTEE_SMC_SHM_CACHED) {
		dev_err(dev, "no usable reserved shared memory (status %#lx, settings %#lx)\n",
			res.a0, res.a3);
		return -EINVAL;
	}
	start = round_up((u64)res.a1, PAGE_SIZE);
	end = round_down((u64)res.a1 + res.a2, PAGE_SIZE);
	if (res.a1 + res.a2 < res.a1 || end < start + 2 * PAGE_SIZE) {
		dev_err(dev, "reserved shared memory %#lx+%#lx is too small\n",
			res.a1, res.a2);
		return -EINVAL;
	}
	*rsv_start = start;
	*rsv_size = end - start;
	return 0;
}

/**
 * optee_lite_smc_probe() - identify the secure world and agree on capabilities
 * @ol:		the instance; @ol->invoke_fn, @ol->sec_caps, @ol->thread_count set
 * @dev:	the platform device, for its device tree node and messages
 * @rsv_start:	set to the reserved shared memory region, when there is one
 * @rsv_size:	set to its size, 0 when dynamic shared memory is used
 * @max_notif:	set to the highest notification key
 *
 * Return: 0, or -EINVAL with one message saying what did not match.
 */
int optee_lite_smc_probe(struct optee_lite *ol, struct device *dev,
			 phys_addr_t *rsv_start, size_t *rsv_size,
			 u32 *max_notif)
{
	struct arm_smccc_res res;
	u32 nsec_caps = 0;

	ol->invoke_fn = get_invoke_fn(dev);
	if (!ol->invoke_fn)
		return -EINVAL;

	fast_call(ol, OPTEE_SMC_CALLS_UID, 0, &res);
	if (res.a0 != OPTEE_MSG_UID_0 || res.a1 != OPTEE_MSG_UID_1 ||
	    res.a2 != OPTEE_MSG_UID_2 || res.a3 != OPTEE_MSG_UID_3) {
		dev_err(dev, "the secure world does not speak the OP-TEE ABI (calls UID %08x-%08x-%08x-%08x)\n",
			(u32)res.a0, (u32)res.a1, (u32)res.a2, (u32)res.a3);
		return -EINVAL;
	}

	fast_call(ol, OPTEE_SMC_CALLS_REVISION, 0, &res);
	if (res.a0 != OPTEE_MSG_REVISION_MAJOR ||
	    res.a1 < OPTEE_MSG_REVISION_MINOR) {
		dev_err(dev, "OP-TEE message API revision %lu.%lu, need %d.%d\n",
			res.a0, res.a1, OPTEE_MSG_REVISION_MAJOR,
			OPTEE_MSG_REVISION_MINOR);
		return -EINVAL;
	}

	fast_call(ol, OPTEE_SMC_CALL_GET_OS_UUID, 0, &res);
	dev_info(dev, "trusted OS %08x-%08x-%08x-%08x%s\n",
		 (u32)res.a0, (u32)res.a1, (u32)res.a2, (u32)res.a3,
		 res.a0 == OPTEE_MSG_OS_OPTEE_UUID_0 &&
		 res.a1 == OPTEE_MSG_OS_OPTEE_UUID_1 &&
		 res.a2 == OPTEE_MSG_OS_OPTEE_UUID_2 &&
		 res.a3 == OPTEE_MSG_OS_OPTEE_UUID_3 ? " (OP-TEE)" : "");

	fast_call(ol, OPTEE_SMC_CALL_GET_OS_REVISION, 0, &res);
	dev_info(dev, "revision %lu.%lu (%08lx)\n", res.a0, res.a1, res.a2);

	fast_call(ol, OPTEE_SMC_GET_THREAD_COUNT, 0, &res);
	ol->thread_count = res.a0 == OPTEE_SMC_RETURN_OK ? res.a1 : 0;

	if (num_possible_cpus() == 1)
		nsec_caps |= OPTEE_SMC_NSEC_CAP_UNIPROCESSOR;
	fast_call(ol, OPTEE_SMC_EXCHANGE_CAPABILITIES, nsec_caps, &res);
	if (res.a0 != OPTEE_SMC_RETURN_OK) {
		dev_err(dev, "capability exchange failed (%#lx)\n", res.a0);
		return -EINVAL;
	}
	ol->sec_caps = res.a1;
	/* As upstream, the count is the low byte of a3. */
	if (ol->sec_caps & OPTEE_SMC_SEC_CAP_RPC_ARG) {
		if ((u8)res.a3 <= OPTEE_LITE_MAX_RPC_PARAMS)
			ol->rpc_param_count = (u8)res.a3;
		else
			dev_info(dev, "RPC arguments of %u parameters: not used\n",
				 (u8)res.a3);
	}
	*max_notif = OPTEE_LITE_NOTIF_KEYS;
	if ((ol->sec_caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF) && res.a2 &&
	    res.a2 < SZ_64K)
		*max_notif = res.a2;

	*rsv_size = 0;
	if (ol->sec_caps & OPTEE_SMC_SEC_CAP_DYNAMIC_SHM) {
		ol->regd_args = ol->rpc_param_count;
		return 0;
	}
	if (!(ol->sec_caps & OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM)) {
		dev_err(dev, "the secure world offers no shared memory (caps %#x)\n",
			ol->sec_caps);
		return -EINVAL;
	}
	return get_shm_config(ol, dev, rsv_start, rsv_size);
}

/*
 * With OPTEE_SMC_SEC_CAP_RPC_ARG the secure world writes its RPC arguments
 * right after the call's message, in the same buffer.
 */
static struct optee_msg_arg *call_rpc_arg(struct optee_lite *ol,
					  struct tee_shm *arg_shm)
{
	struct optee_msg_arg *arg = tee_shm_get_va(arg_shm, 0);
	size_t off;

	BUILD_BUG_ON(OPTEE_MSG_GET_ARG_SIZE(OPTEE_LITE_MAX_ARG_PARAMS) +
		     OPTEE_MSG_GET_ARG_SIZE(OPTEE_LITE_MAX_RPC_PARAMS) > SZ_4K);
	if (!ol->rpc_param_count || IS_ERR(arg) ||
	    arg->num_params > OPTEE_LITE_MAX_ARG_PARAMS)
		return NULL;
	off = OPTEE_MSG_GET_ARG_SIZE(arg->num_params);
	if (off + OPTEE_MSG_GET_ARG_SIZE(ol->rpc_param_count) > arg_shm->size)
		return NULL;
	return (void *)arg + off;
}

/**
 * optee_lite_do_call() - run one yielding call to completion
 * @ctx:	the caller's context
 * @arg_shm:	kernel shared memory holding the struct optee_msg_arg (a page,
 *		from optee_lite_get_msg_arg())
 *
 * As the upstream driver: a registered buffer is passed by cookie
 * (CALL_WITH_REGD_ARG), others by physical address, with room for the RPC
 * argument after the message when the secure world wants it there
 * (CALL_WITH_RPC_ARG), else plainly (CALL_WITH_ARG). When the secure world is
 * out of threads (ETHREAD_LIMIT) the caller sleeps until another call ends,
 * then tries again; every other return code than OK or an RPC (EBUSY,
 * ERESUME, EBADADDR, ...) fails the call, as upstream.
 *
 * Return: 0 when the secure world completed the call (its result is in the
 * message), -EIO when it refused it (the caller reports a communication error).
 */
int optee_lite_do_call(struct tee_context *ctx, struct tee_shm *arg_shm)
{
	struct optee_lite *ol = tee_get_drvdata(ctx->teedev);
	struct optee_lite_callq *q = &ol->callq;
	struct optee_lite_call_ctx call = { };
	struct arm_smccc_res res;
	unsigned long a[8] = { };
	phys_addr_t parg;
	int ret;

	call.rpc_arg = call_rpc_arg(ol, arg_shm);
	if (call.rpc_arg && ol->regd_args && !(arg_shm->flags & TEE_SHM_PRIV)) {
		a[0] = OPTEE_SMC_CALL_WITH_REGD_ARG;
		a[1] = upper_32_bits((unsigned long)arg_shm);
		a[2] = lower_32_bits((unsigned long)arg_shm);
		a[3] = 0;	/* the message's offset in it */
	} else {
		ret = tee_shm_get_pa(arg_shm, 0, &parg);
		if (ret)
			return ret;
		a[0] = call.rpc_arg ? OPTEE_SMC_CALL_WITH_RPC_ARG :
				      OPTEE_SMC_CALL_WITH_ARG;
		a[1] = upper_32_bits(parg);
		a[2] = lower_32_bits(parg);
	}

	for (;;) {
		unsigned int seen = atomic_read(&q->ended);

		ol->invoke_fn(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], &res);
		if (res.a0 == OPTEE_SMC_RETURN_ETHREAD_LIMIT) {
			/*
			 * Out of secure threads: retry once another call
			 * ended (or after a second, should a thread have been
			 * freed by someone else); a fatal signal gives up.
			 */
			wait_event_timeout(q->wait,
					   atomic_read(&q->ended) != seen, HZ);
			if (fatal_signal_pending(current)) {
				ret = -EIO;
				break;
			}
		} else if (optee_smc_return_is_rpc(res.a0)) {
			cond_resched();
			optee_lite_handle_rpc(ctx, &call, &res, a);
		} else {
			ret = res.a0 == OPTEE_SMC_RETURN_OK ? 0 : -EIO;
			break;
		}
	}
	optee_lite_call_ctx_free(&call);
	/* This call's secure thread is free again. */
	atomic_inc(&q->ended);
	wake_up(&q->wait);
	return ret;
}

/*
 * Let the secure world keep the buffers of its RPC arguments across calls
 * (when they are not in the call's own buffer), as upstream. At probe,
 * before anyone can call.
 */
void optee_lite_enable_shm_cache(struct optee_lite *ol)
{
	struct arm_smccc_res res;

	if (ol->rpc_param_count)
		return;
	fast_call(ol, OPTEE_SMC_ENABLE_SHM_CACHE, 0, &res);
	ol->shm_cache = res.a0 == OPTEE_SMC_RETURN_OK;
}
