// SPDX-License-Identifier: GPL-2.0
/*
 * optee_lite core: registration with the TEE subsystem.
 *
 * The TEE core creates /dev/teeN (clients) and /dev/teeprivN (tee-supplicant)
 * and implements the <linux/tee.h> uapi; the driver supplies the version reply,
 * context open/release and a shared memory pool.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/tee.h>

#include "optee_lite.h"
#include "../uapi/linux/optee_lite.h"

static struct platform_device *optee_lite_pdev;

static void optee_lite_get_version(struct tee_device *teedev,
				   struct tee_ioctl_version_data *vers)
{
	struct optee_lite *ol = tee_get_drvdata(teedev);
	struct tee_ioctl_version_data v = {
		.impl_id = TEE_IMPL_ID_OPTEE,
		.impl_caps = TEE_OPTEE_CAP_TZ,
		.gen_caps = TEE_GEN_CAP_GP | TEE_GEN_CAP_REG_MEM,
	};

	if (teedev == ol->supp_teedev)
		v.gen_caps |= TEE_GEN_CAP_PRIVILEGED;
	*vers = v;
}

static int optee_lite_open(struct tee_context *ctx)
{
	return 0;
}

static void optee_lite_release(struct tee_context *ctx)
{
}

static const struct tee_driver_ops optee_lite_ops = {
	.get_version = optee_lite_get_version,
	.open = optee_lite_open,
	.release = optee_lite_release,
};

static const struct tee_desc optee_lite_clnt_desc = {
	.name = OPTEE_LITE_DRV_NAME "-clnt",
	.ops = &optee_lite_ops,
	.owner = THIS_MODULE,
};

static const struct tee_desc optee_lite_supp_desc = {
	.name = OPTEE_LITE_DRV_NAME "-supp",
	.ops = &optee_lite_ops,
	.owner = THIS_MODULE,
	.flags = TEE_DESC_PRIVILEGED,
};

/* Shared memory from the page allocator: physically contiguous, zeroed. */
static int optee_lite_pool_alloc(struct tee_shm_pool *pool, struct tee_shm *shm,
				 size_t size, size_t align)
{
	unsigned int order = get_order(size);
	struct page *page;

	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	if (!page)
		return -ENOMEM;

	shm->kaddr = page_address(page);
	shm->paddr = page_to_phys(page);
	shm->size = PAGE_SIZE << order;
	return 0;
}

static void optee_lite_pool_free(struct tee_shm_pool *pool, struct tee_shm *shm)
{
	free_pages((unsigned long)shm->kaddr, get_order(shm->size));
	shm->kaddr = NULL;
}

static void optee_lite_pool_destroy(struct tee_shm_pool *pool)
{
}

static const struct tee_shm_pool_ops optee_lite_pool_ops = {
	.alloc = optee_lite_pool_alloc,
	.free = optee_lite_pool_free,
	.destroy_pool = optee_lite_pool_destroy,
};

static void optee_lite_unregister(struct optee_lite *ol)
{
	/* tee_device_unregister() waits for the last user of the device. */
	tee_device_unregister(ol->supp_teedev);
	tee_device_unregister(ol->teedev);
	kfree(ol);
}

static struct optee_lite *optee_lite_register(struct device *dev)
{
	struct tee_device *teedev;
	struct optee_lite *ol;
	int ret;

	ol = kzalloc(sizeof(*ol), GFP_KERNEL);
	if (!ol)
		return ERR_PTR(-ENOMEM);
	ol->pool.ops = &optee_lite_pool_ops;

	teedev = tee_device_alloc(&optee_lite_clnt_desc, dev, &ol->pool, ol);
	if (IS_ERR(teedev)) {
		ret = PTR_ERR(teedev);
		goto err_free;
	}
	ol->teedev = teedev;

	teedev = tee_device_alloc(&optee_lite_supp_desc, dev, &ol->pool, ol);
	if (IS_ERR(teedev)) {
		ret = PTR_ERR(teedev);
		goto err_unreg;
	}
	ol->supp_teedev = teedev;

	ret = tee_device_register(ol->teedev);
	if (ret)
		goto err_unreg;
	ret = tee_device_register(ol->supp_teedev);
	if (ret)
		goto err_unreg;
	return ol;

err_unreg:
	/* Safe on NULL and on allocated-but-unregistered devices. */
	tee_device_unregister(ol->supp_teedev);
	tee_device_unregister(ol->teedev);
err_free:
	kfree(ol);
	return ERR_PTR(ret);
}

static int __init optee_lite_init(void)
{
	struct optee_lite *ol;

	optee_lite_pdev = platform_device_register_simple(OPTEE_LITE_DRV_NAME,
							  PLATFORM_DEVID_NONE,
							  NULL, 0);
	if (IS_ERR(optee_lite_pdev))
		return PTR_ERR(optee_lite_pdev);

	ol = optee_lite_register(&optee_lite_pdev->dev);
	if (IS_ERR(ol)) {
		platform_device_unregister(optee_lite_pdev);
		return PTR_ERR(ol);
	}
	platform_set_drvdata(optee_lite_pdev, ol);
	pr_info("registered TEE devices\n");
	return 0;
}
module_init(optee_lite_init);

static void __exit optee_lite_exit(void)
{
	optee_lite_unregister(platform_get_drvdata(optee_lite_pdev));
	platform_device_unregister(optee_lite_pdev);
}
module_exit(optee_lite_exit);

MODULE_DESCRIPTION("optee_lite: an OP-TEE driver");
MODULE_LICENSE("GPL");
