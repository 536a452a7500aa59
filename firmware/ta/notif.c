// SPDX-License-Identifier: GPL-2.0
/* Test TA: notifications between secure threads (ta_ids.h, src/notif.c). */
#include "optee.h"
#include "ta_ids.h"

static u32 notif_invoke(struct ta_session *s, u32 cmd, struct ta_param *p)
{
	u64 key = p[0].a;
	bool async;
	u32 ret;

	if (key < 1 || key > TA_NOTIF_KEY_MAX)
		return TEEC_ERROR_BAD_PARAMETERS;
	switch (cmd) {
	case TA_NOTIF_CMD_WAIT:
		if (!ta_types(p, P_VIN, P_NONE, P_NONE, P_NONE) || p[0].b < 1 || p[0].b > 60000)
			return TEEC_ERROR_BAD_PARAMETERS;
		return notif_wait(key, p[0].b);
	case TA_NOTIF_CMD_SEND:
		if (!ta_types(p, P_VIN, P_VOUT, P_NONE, P_NONE))
			return TEEC_ERROR_BAD_PARAMETERS;
		ret = notif_send(key, &async);
		p[1].a = async;
		p[1].b = 0;
		p[1].c = 0;
		return ret;
	case TA_NOTIF_CMD_SEND_BH:
		if (!ta_types(p, P_VIN, P_NONE, P_NONE, P_NONE))
			return TEEC_ERROR_BAD_PARAMETERS;
		return notif_defer(key) ? TEEC_SUCCESS : TEEC_ERROR_BAD_STATE;
	default:
		return TEEC_ERROR_NOT_SUPPORTED;
	}
}

const struct ta ta_notif = {
	.uuid = TA_NOTIF_UUID,
	.name = "notif",
	.invoke = notif_invoke,
};
