// SPDX-License-Identifier: GPL-2.0
/*
 * Test TA: a long-running command that gives the CPU back to the normal
 * world with RPC FOREIGN_INTR every period and honours CANCEL (ta_ids.h).
 */
#include "optee.h"
#include "ta_ids.h"

static u32 long_invoke(struct ta_session *s, u32 cmd, struct ta_param *p)
{
	u64 start, last, period, now, intrs = 0;
	u32 ret = TEEC_SUCCESS;

	if (cmd != TA_LONG_CMD_RUN)
		return TEEC_ERROR_NOT_SUPPORTED;
	if (!ta_types(p, P_VIN, P_VOUT, P_NONE, P_NONE))
		return TEEC_ERROR_BAD_PARAMETERS;
	period = p[0].b ? p[0].b : 10;
	start = now_ms();
	last = start;
	for (;;) {
		now = now_ms();
		if (ta_cancelled()) {
			ret = TEEC_ERROR_CANCEL;
			break;
		}
		if (now - start >= p[0].a)
			break;
		if (now - last >= period) {
			rpc_foreign_intr();
			intrs++;
			last = now_ms();
		}
	}
	p[1].a = intrs;
	p[1].b = now_ms() - start;
	p[1].c = 0;
	return ret;
}

const struct ta ta_long = {
	.uuid = TA_LONG_UUID,
	.name = "long",
	.invoke = long_invoke,
};
