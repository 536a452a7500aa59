// SPDX-License-Identifier: GPL-2.0
/*
 * optee_lite asynchronous notifications (OPTEE_SMC_SEC_CAP_ASYNC_NOTIF), as
 * the upstream driver does them: the secure world posts values and raises
 * the interrupt of its device tree node; the hard handler fetches the values
 * with OPTEE_SMC_GET_ASYNC_NOTIF_VALUE and wakes the secure threads waiting
 * for them (rpc.c), and the threaded handler makes the
 * OPTEE_MSG_CMD_DO_BOTTOM_HALF call that value 0 asks for.
 *
 * Unlike upstream: a secure world that says "more pending" for ever cannot
 * keep a CPU in the hard handler, a value out of range is dropped, and a
 * secure world that offers notifications without an interrupt (or with a
 * per-CPU one) is used without them instead of being refused.
 */
#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/platform_device.h>

#include "optee_lite.h"
#include "optee_smc.h"

static irqreturn_t notif_irq(int irq, void *data)
{
	struct optee_lite *ol = data;
	struct arm_smccc_res res;
	bool bottom_half = false;
	u32 n;

	/* Each value once and the bottom half: more is a secure-world bug. */
	for (n = 0; n <= ol->notif.max_key + 1; n++) {
		ol->invoke_fn(OPTEE_SMC_GET_ASYNC_NOTIF_VALUE, 0, 0, 0, 0, 0, 0, 0,
			      &res);
		if (res.a0 != OPTEE_SMC_RETURN_OK ||
		    !(res.a2 & OPTEE_SMC_ASYNC_NOTIF_VALUE_VALID))
			break;
		if (res.a1 == OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF)
			bottom_half = true;
		else if (res.a1 <= ol->notif.max_key)
			optee_lite_notif_send(ol, res.a1);
		else
			dev_err_ratelimited(ol->dev, "notification value %lu out of range\n",
					    res.a1);
		if (!(res.a2 & OPTEE_SMC_ASYNC_NOTIF_VALUE_PENDING))
			break;
	}
	if (n > ol->notif.max_key + 1)
		dev_err_ratelimited(ol->dev, "the secure world never stops saying more notifications are pending\n");
	return bottom_half ? IRQ_WAKE_THREAD : IRQ_HANDLED;
}

static irqreturn_t notif_irq_thread(int irq, void *data)
{
	struct optee_lite *ol = data;

	if (optee_lite_simple_call(ol, OPTEE_MSG_CMD_DO_BOTTOM_HALF))
		dev_err_ratelimited(ol->dev, "the bottom half call failed\n");
	return IRQ_HANDLED;
}

/**
 * optee_lite_notif_start() - use asynchronous notifications if offered
 * @ol:		the instance, with its own context open
 * @pdev:	the platform device, whose first interrupt is the notification's
 *
 * Return: 0 (with or without notifications), or -EPROBE_DEFER.
 */
int optee_lite_notif_start(struct optee_lite *ol, struct platform_device *pdev)
{
	struct arm_smccc_res res;
	int irq, ret;

	if (!(ol->sec_caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF))
		return 0;
	irq = platform_get_irq_optional(pdev, 0);
	if (irq == -EPROBE_DEFER)
		return irq;
	if (irq <= 0) {
		dev_warn(ol->dev, "asynchronous notifications offered without an interrupt: not used\n");
		return 0;
	}
	if (irq_is_percpu_devid(irq)) {
		dev_warn(ol->dev, "per-CPU notification interrupt: not supported, not used\n");
		return 0;
	}
	ret = request_threaded_irq(irq, notif_irq, notif_irq_thread, 0,
				   "optee_notification", ol);
	if (ret) {
		dev_warn(ol->dev, "notification interrupt %d: %d, not used\n", irq, ret);
		return 0;
	}
	ol->invoke_fn(OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0, 0, 0, 0, 0, 0, 0, &res);
	if (res.a0 != OPTEE_SMC_RETURN_OK) {
		free_irq(irq, ol);
		dev_warn(ol->dev, "the secure world did not enable asynchronous notifications (%#lx)\n",
			 res.a0);
		return 0;
	}
	ol->notif_irq = irq;
	return 0;
}

/* Unload: the secure world stops posting, then the interrupt goes. */
void optee_lite_notif_stop(struct optee_lite *ol)
{
	if (!ol->notif_irq)
		return;
	if (optee_lite_simple_call(ol, OPTEE_MSG_CMD_STOP_ASYNC_NOTIF))
		dev_err(ol->dev, "stopping asynchronous notifications failed\n");
	free_irq(ol->notif_irq, ol);
	irq_dispose_mapping(ol->notif_irq);
	ol->notif_irq = 0;
}
