// SPDX-License-Identifier: GPL-2.0
/*
 * OP-TEE's device-enumeration pseudo-TA (see ta_ids.h): the TAs that kernel
 * drivers on the TEE bus bind to.
 */
#include "optee.h"
#include "ta_ids.h"

static const u8 devices[][16] = { PTA_RNG_UUID };
static const u8 devices_supp[][16] = { TA_RPC_UUID };

static u32 get_devices(struct ta_param *p, const u8 (*uuids)[16], u64 n)
{
	u64 need = n * 16;

	if (!ta_types(p, P_MOUT, P_NONE, P_NONE, P_NONE))
		return TEEC_ERROR_BAD_PARAMETERS;
	p[0].size = need;
	if (p[0].null || p[0].mem.size < need)
		return TEEC_ERROR_SHORT_BUFFER;
	if (!nsbuf_write(&p[0].mem, 0, uuids, need))
		return TEEC_ERROR_BAD_PARAMETERS;
	return TEEC_SUCCESS;
}

static u32 device_invoke(struct ta_session *s, u32 cmd, struct ta_param *p)
{
	switch (cmd) {
	case PTA_CMD_GET_DEVICES:
		return get_devices(p, devices, ARRAY_SIZE(devices));
	case PTA_CMD_GET_DEVICES_SUPP:
		return get_devices(p, devices_supp, ARRAY_SIZE(devices_supp));
	default:
		return TEEC_ERROR_NOT_SUPPORTED;
	}
}

const struct ta ta_device = {
	.uuid = PTA_DEVICE_UUID,
	.name = "device.pta",
	.invoke = device_invoke,
};
