// SPDX-License-Identifier: GPL-2.0
/*
 * optee_lite core: the platform driver bound to the device tree node
 * compatible "linaro,optee-tz", and its registration with the TEE subsystem.
 *
 * The TEE core creates /dev/teeN (clients) and /dev/teeprivN (tee-supplicant)
 * and implements the <linux/tee.h> uapi; this driver supplies the operations.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/tee.h>

#include "optee_lite.h"
#include "optee_smc.h"
#include "../uapi/linux/optee_lite.h"

static void optee_lite_get_version(struct tee_device *teedev,
				   struct tee_ioctl_version_data *vers)
{
	struct optee_lite *ol = tee_get_drvdata(teedev);
	struct tee_ioctl_version_data v = {
		.impl_id = TEE_IMPL_ID_OPTEE,
		.impl_caps = TEE_OPTEE_CAP_TZ,
		.gen_caps = TEE_GEN_CAP_GP,
	};

	if (ol->sec_caps & OPTEE_SMC_SEC_CAP_DYNAMIC_SHM)
		v.gen_caps |= TEE_GEN_CAP_REG_MEM;
	if (ol->sec_caps & OPTEE_SMC_SEC_CAP_MEMREF_NULL)
		v.gen_caps |= TEE_GEN_CAP_MEMREF_NULL;
	if (teedev == ol->supp_teedev)
		v.gen_caps |= TEE_GEN_CAP_PRIVILEGED;
	*vers = v;
}

static int optee_lite_open(struct tee_context *ctx)
{
	struct optee_lite *ol = tee_get_drvdata(ctx->teedev);
	struct optee_lite_ctx *octx;

	octx = kzalloc(sizeof(*octx), GFP_KERNEL);
	if (!octx)
		return -ENOMEM;
	mutex_init(&octx->mutex);
	INIT_LIST_HEAD(&octx->sessions);

	if (ctx->teedev == ol->supp_teedev) {
		/* One supplicant at a time, as with the upstream driver. */
		mutex_lock(&ol->supp.mutex);
		if (ol->supp.ctx) {
			mutex_unlock(&ol->supp.mutex);
			kfree(octx);
			return -EBUSY;
		}
		ol->supp.ctx = ctx;
		mutex_unlock(&ol->supp.mutex);
		optee_lite_bus_supp_opened(ol);
	}
	ctx->cap_memref_null = !!(ol->sec_caps & OPTEE_SMC_SEC_CAP_MEMREF_NULL);
	ctx->data = octx;
	return 0;
}

static void optee_lite_release(struct tee_context *ctx)
{
	struct optee_lite *ol = tee_get_drvdata(ctx->teedev);
	struct optee_lite_ctx *octx = ctx->data;

	if (ctx->teedev == ol->supp_teedev)
		optee_lite_supp_release(&ol->supp);
	else
		optee_lite_close_all_sessions(ctx);
	mutex_destroy(&octx->mutex);
	kfree(octx);
	ctx->data = NULL;
}

static const struct tee_driver_ops optee_lite_clnt_ops = {
	.get_version = optee_lite_get_version,
	.open = optee_lite_open,
	.release = optee_lite_release,
	.open_session = optee_lite_open_session,
	.close_session = optee_lite_close_session,
	.invoke_func = optee_lite_invoke_func,
	.cancel_req = optee_lite_cancel_req,
	.shm_register = optee_lite_shm_register,
	.shm_unregister = optee_lite_shm_unregister,
};

static const struct tee_desc optee_lite_clnt_desc = {
	.name = OPTEE_LITE_DRV_NAME "-clnt",
	.ops = &optee_lite_clnt_ops,
	.owner = THIS_MODULE,
};

static const struct tee_driver_ops optee_lite_supp_ops = {
	.get_version = optee_lite_get_version,
	.open = optee_lite_open,
	.release = optee_lite_release,
	.supp_recv = optee_lite_supp_recv,
	.supp_send = optee_lite_supp_send,
	.shm_register = optee_lite_shm_register_supp,
	.shm_unregister = optee_lite_shm_unregister_supp,
};

static const struct tee_desc optee_lite_supp_desc = {
	.name = OPTEE_LITE_DRV_NAME "-supp",
	.ops = &optee_lite_supp_ops,
	.owner = THIS_MODULE,
	.flags = TEE_DESC_PRIVILEGED,
};

static int optee_lite_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct tee_device *teedev;
	struct tee_context *ctx;
	struct optee_lite *ol;
	phys_addr_t rsv_start = 0;
	size_t rsv_size;
	u32 max_notif;
	int ret;

	ol = devm_kzalloc(dev, sizeof(*ol), GFP_KERNEL);
	if (!ol)
		return -ENOMEM;
	ol->dev = dev;

	ret = optee_lite_smc_probe(ol, dev, &rsv_start, &rsv_size, &max_notif);
	if (ret)
		return ret;
	ol->pool = rsv_size ? optee_lite_pool_reserved(dev, rsv_start, rsv_size) :
			      optee_lite_pool_dynamic();
	if (IS_ERR(ol->pool))
		return PTR_ERR(ol->pool);

	spin_lock_init(&ol->arg_cache.lock);
	spin_lock_init(&ol->unreg_cache.lock);
	init_waitqueue_head(&ol->callq.wait);
	atomic_set(&ol->callq.ended, 0);
	optee_lite_supp_init(&ol->supp);
	optee_lite_bus_init(ol);
	ret = optee_lite_rpc_init(ol, max_notif);
	if (ret)
		goto err_pool;

	teedev = tee_device_alloc(&optee_lite_clnt_desc, NULL, ol->pool, ol);
	if (IS_ERR(teedev)) {
		ret = PTR_ERR(teedev);
		goto err_rpc;
	}
	ol->teedev = teedev;
	teedev = tee_device_alloc(&optee_lite_supp_desc, NULL, ol->pool, ol);
	if (IS_ERR(teedev)) {
		ret = PTR_ERR(teedev);
		goto err_dev;
	}
	ol->supp_teedev = teedev;

	/*
	 * Our own context: the kernel memory RPCs allocate, the message
	 * buffers (registered in its name) and the bottom-half calls. The
	 * probe, the notification thread and the unload must not wait for a
	 * tee-supplicant that is not there: an RPC for it fails at once.
	 */
	ctx = teedev_open(ol->teedev);
	if (IS_ERR(ctx)) {
		ret = PTR_ERR(ctx);
		goto err_dev;
	}
	ctx->supp_nowait = true;
	ol->ctx = ctx;
	optee_lite_enable_shm_cache(ol);
	ret = optee_lite_notif_start(ol, pdev);
	if (ret)
		goto err_ctx;

	ret = tee_device_register(ol->teedev);
	if (ret)
		goto err_ctx;
	ret = tee_device_register(ol->supp_teedev);
	if (ret)
		goto err_ctx;

	platform_set_drvdata(pdev, ol);
	optee_lite_bus_scan(ol);
	optee_lite_guest_attach(ol);
	dev_info(dev, "initialized driver (%s shared memory, %u threads, caps %#x, %s%s)\n",
		 rsv_size ? "reserved" : "dynamic", ol->thread_count,
		 ol->sec_caps, ol->regd_args ? "registered arguments" :
		 ol->rpc_param_count ? "RPC arguments in the call's" :
		 ol->shm_cache ? "shm cache" : "no shm cache",
		 ol->notif_irq ? ", asynchronous notifications" : "");
	return 0;

err_ctx:
	optee_lite_notif_stop(ol);
	optee_lite_disable_shm_cache(ol);
	optee_lite_rpc_free_all(ol);
	optee_lite_arg_cache_free(ol);
	teedev_close_context(ol->ctx);
err_dev:
	/* Safe on NULL and on allocated-but-unregistered devices. */
	tee_device_unregister(ol->supp_teedev);
	tee_device_unregister(ol->teedev);
err_rpc:
	optee_lite_rpc_uninit(ol);
err_pool:
	optee_lite_supp_uninit(&ol->supp);
	tee_shm_pool_free(ol->pool);
	return ret;
}

/*
 * Unbind or unload. The module cannot go while a device is open (the TEE core
 * holds a module reference per open file); an unbind waits in
 * tee_device_unregister() for the last file to close, each closing context
 * closing its sessions in the secure world first.
 */
static void optee_lite_remove(struct platform_device *pdev)
{
	struct optee_lite *ol = platform_get_drvdata(pdev);

	optee_lite_guest_detach(ol);
	optee_lite_bus_uninit(ol);
	optee_lite_notif_stop(ol);
	optee_lite_disable_shm_cache(ol);
	/* Memory the secure world still holds keeps our context: give it back. */
	optee_lite_rpc_free_all(ol);
	optee_lite_arg_cache_free(ol);
	teedev_close_context(ol->ctx);
	tee_device_unregister(ol->supp_teedev);
	tee_device_unregister(ol->teedev);
	optee_lite_rpc_uninit(ol);
	optee_lite_supp_uninit(&ol->supp);
	tee_shm_pool_free(ol->pool);
}

static const struct of_device_id optee_lite_of_match[] = {
	{ .compatible = "linaro,optee-tz" },
	{ }
};
MODULE_DEVICE_TABLE(of, optee_lite_of_match);

static struct platform_driver optee_lite_driver = {
	.probe = optee_lite_probe,
	.remove_new = optee_lite_remove,
	.driver = {
		.name = OPTEE_LITE_DRV_NAME,
		.of_match_table = optee_lite_of_match,
	},
};
module_platform_driver(optee_lite_driver);

MODULE_DESCRIPTION("optee_lite: an OP-TEE driver on the SMC ABI");
MODULE_LICENSE("GPL");
