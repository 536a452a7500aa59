// SPDX-License-Identifier: GPL-2.0
/*
 * optee_lite: devices on the TEE bus.
 *
 * The secure world lists, through its device-enumeration pseudo-TA, the TAs
 * that kernel drivers bind to (optee-rng, tpm_ftpm_tee, rtc-optee, ...). As
 * the upstream driver does, each becomes a struct tee_client_device named
 * optee-ta-<uuid> on the TEE bus: the ones that work without tee-supplicant
 * at probe, the ones that need it (with the need_supplicant attribute) once
 * the supplicant first opens its device. A secure world without the
 * pseudo-TA simply has no devices. The secure world's list is not trusted:
 * a size that is not whole UUIDs, larger than asked or than a page fails the
 * scan, and a UUID already on the bus is not registered twice.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/slab.h>
#include <linux/tee.h>
#include <linux/uuid.h>

#include "optee_lite.h"

#define PTA_CMD_GET_DEVICES		0x0
#define PTA_CMD_GET_DEVICES_SUPP	0x1

static const uuid_t pta_device_uuid =
	UUID_INIT(0x7011a688, 0xddde, 0x4053,
		  0xa5, 0xa9, 0x7b, 0x3c, 0x4d, 0xdf, 0x13, 0xb8);

struct optee_lite_bus_dev {
	struct list_head link;		/* in optee_lite::bus.devs */
	struct tee_client_device tcd;
};

static ssize_t need_supplicant_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return 0;
}
static DEVICE_ATTR_RO(need_supplicant);

static struct attribute *supp_dev_attrs[] = {
	&dev_attr_need_supplicant.attr,
	NULL
};
ATTRIBUTE_GROUPS(supp_dev);

static void optee_lite_bus_dev_release(struct device *dev)
{
	kfree(container_of(to_tee_client_device(dev),
			   struct optee_lite_bus_dev, tcd));
}

/* Under bus.mutex. */
static int optee_lite_bus_add(struct optee_lite *ol, const uuid_t *uuid,
			      bool supp)
{
	struct optee_lite_bus_dev *d;
	int ret;

	list_for_each_entry(d, &ol->bus.devs, link)
		if (uuid_equal(&d->tcd.id.uuid, uuid))
			return 0;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	uuid_copy(&d->tcd.id.uuid, uuid);
	d->tcd.dev.bus = &tee_bus_type;
	d->tcd.dev.parent = ol->dev;
	d->tcd.dev.release = optee_lite_bus_dev_release;
	if (supp)
		d->tcd.dev.groups = supp_dev_groups;
	ret = dev_set_name(&d->tcd.dev, "optee-ta-%pUb", uuid);
	if (ret) {
		kfree(d);
		return ret;
	}
	ret = device_register(&d->tcd.dev);
	if (ret) {
		put_device(&d->tcd.dev);
		return ret;
	}
	list_add_tail(&d->link, &ol->bus.devs);
	return 0;
}

/* PTA_CMD_GET_DEVICES*: @shm NULL asks for the size. */
static int optee_lite_get_devices(struct tee_context *ctx, u32 session,
				  u32 func, struct tee_shm *shm, size_t *size)
{
	struct tee_ioctl_invoke_arg arg = {
		.func = func,
		.session = session,
		.num_params = 4,
	};
	struct tee_param param[4] = { };
	int ret;

	param[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT;
	param[0].u.memref.shm = shm;
	param[0].u.memref.size = *size;
	ret = optee_lite_invoke_func(ctx, &arg, param);
	if (ret)
		return ret;
	if (arg.ret != TEEC_SUCCESS && arg.ret != TEEC_ERROR_SHORT_BUFFER)
		return -EIO;
	if (arg.ret == TEEC_ERROR_SHORT_BUFFER && shm)
		return -EIO;	/* the list changed between the two calls */
	if (param[0].u.memref.size > PAGE_SIZE ||
	    param[0].u.memref.size % sizeof(uuid_t) ||
	    (shm && param[0].u.memref.size > *size))
		return -EPROTO;
	*size = param[0].u.memref.size;
	return 0;
}

static int optee_lite_scan(struct optee_lite *ol, u32 func)
{
	struct tee_ioctl_open_session_arg sarg = {
		.clnt_login = TEE_IOCTL_LOGIN_PUBLIC,
	};
	struct tee_shm *shm = NULL;
	struct tee_context *ctx;
	const uuid_t *uuids;
	size_t size = 0, i;
	int ret;

	ctx = teedev_open(ol->teedev);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	/*
	 * A kernel client, as tee_client_open_context() makes them: an RPC
	 * for tee-supplicant fails at once when there is none, instead of
	 * holding the probe (and insmod) until one starts.
	 */
	ctx->supp_nowait = true;
	export_uuid(sarg.uuid, &pta_device_uuid);
	ret = optee_lite_open_session(ctx, &sarg, NULL);
	if (ret || sarg.ret != TEEC_SUCCESS) {
		/* No device-enumeration pseudo-TA: no devices. */
		ret = 0;
		goto out_ctx;
	}
	ret = optee_lite_get_devices(ctx, sarg.session, func, NULL, &size);
	if (ret || !size)
		goto out_sess;
	shm = tee_shm_alloc_kernel_buf(ctx, size);
	if (IS_ERR(shm)) {
		ret = PTR_ERR(shm);
		goto out_sess;
	}
	ret = optee_lite_get_devices(ctx, sarg.session, func, shm, &size);
	if (ret)
		goto out_shm;
	uuids = tee_shm_get_va(shm, 0);
	if (IS_ERR(uuids)) {
		ret = PTR_ERR(uuids);
		goto out_shm;
	}
	mutex_lock(&ol->bus.mutex);
	for (i = 0; !ret && i < size / sizeof(uuid_t); i++)
		ret = optee_lite_bus_add(ol, &uuids[i],
					 func == PTA_CMD_GET_DEVICES_SUPP);
	mutex_unlock(&ol->bus.mutex);
out_shm:
	tee_shm_free(shm);
out_sess:
	optee_lite_close_session(ctx, sarg.session);
out_ctx:
	teedev_close_context(ctx);
	return ret;
}

static void optee_lite_scan_supp(struct work_struct *work)
{
	struct optee_lite *ol = container_of(work, struct optee_lite,
					     bus.supp_work);
	int ret = optee_lite_scan(ol, PTA_CMD_GET_DEVICES_SUPP);

	if (ret)
		dev_err(ol->dev, "TEE bus scan (supplicant) failed: %d\n", ret);
}

/* At probe, before the TEE devices are registered. */
void optee_lite_bus_init(struct optee_lite *ol)
{
	mutex_init(&ol->bus.mutex);
	INIT_LIST_HEAD(&ol->bus.devs);
	INIT_WORK(&ol->bus.supp_work, optee_lite_scan_supp);
}

/*
 * At probe, once the client device is registered. A failed scan leaves the
 * devices found so far and the driver working, with an error in the log.
 */
void optee_lite_bus_scan(struct optee_lite *ol)
{
	int ret = optee_lite_scan(ol, PTA_CMD_GET_DEVICES);

	if (ret)
		dev_err(ol->dev, "TEE bus scan failed: %d\n", ret);
}

/* When tee-supplicant opens its device: the devices that need it, once. */
void optee_lite_bus_supp_opened(struct optee_lite *ol)
{
	mutex_lock(&ol->bus.mutex);
	if (!ol->bus.supp_scanned && !ol->bus.dead) {
		ol->bus.supp_scanned = true;
		schedule_work(&ol->bus.supp_work);
	}
	mutex_unlock(&ol->bus.mutex);
}

/*
 * Unbind or unload, before the TEE devices go: no more scans, and the
 * drivers bound to our devices close their sessions and contexts as the
 * devices are removed.
 */
void optee_lite_bus_uninit(struct optee_lite *ol)
{
	struct optee_lite_bus_dev *d, *n;

	mutex_lock(&ol->bus.mutex);
	ol->bus.dead = true;
	mutex_unlock(&ol->bus.mutex);
	cancel_work_sync(&ol->bus.supp_work);
	mutex_lock(&ol->bus.mutex);
	list_for_each_entry_safe(d, n, &ol->bus.devs, link) {
		list_del(&d->link);
		device_unregister(&d->tcd.dev);
	}
	mutex_unlock(&ol->bus.mutex);
	mutex_destroy(&ol->bus.mutex);
}
