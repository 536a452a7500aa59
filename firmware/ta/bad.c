// SPDX-License-Identifier: GPL-2.0
/*
 * Test TA: deliberately malformed replies. The TA only answers; the message
 * layer bends the reply as asked (ta_set_malformed()) when writing it back.
 */
#include "optee.h"
#include "ta_ids.h"

static u32 bad_invoke(struct ta_session *s, u32 cmd, struct ta_param *p)
{
	if (!ta_types(p, P_MOUT, P_VOUT, P_NONE, P_NONE))
		return TEEC_ERROR_BAD_PARAMETERS;
	p[1].a = 1;
	p[1].b = 2;
	p[1].c = 3;
	switch (cmd) {
	case TA_BAD_CMD_SIZE_OVER:
	case TA_BAD_CMD_BAD_ATTR:
	case TA_BAD_CMD_NUM_PARAMS:
	case TA_BAD_CMD_BAD_SHM_REF:
	case TA_BAD_CMD_BAD_ORIGIN:
	case TA_BAD_CMD_BAD_OFFSET:
		ta_set_malformed(cmd);
		return TEEC_SUCCESS;
	case TA_BAD_CMD_BAD_RPC:
		ta_bad_rpc(0x42);
		return TEEC_SUCCESS;
	default:
		return TEEC_ERROR_NOT_SUPPORTED;
	}
}

const struct ta ta_bad = {
	.uuid = TA_BAD_UUID,
	.name = "bad",
	.invoke = bad_invoke,
};
