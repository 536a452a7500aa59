// SPDX-License-Identifier: GPL-2.0
/* Test TA: what the message layer saw (see ta_ids.h). */
#include "optee.h"
#include "ta_ids.h"

static u32 stats_invoke(struct ta_session *s, u32 cmd, struct ta_param *p)
{
	u64 calls[3], alloc, free;
	bool cache;

	if (cmd != TA_STATS_CMD_GET)
		return TEEC_ERROR_NOT_SUPPORTED;
	if (!ta_types(p, P_VOUT, P_VOUT, P_NONE, P_NONE))
		return TEEC_ERROR_BAD_PARAMETERS;
	optee_get_stats(calls, &alloc, &free, &cache);
	p[0].a = calls[0];
	p[0].b = calls[1];
	p[0].c = calls[2];
	p[1].a = alloc;
	p[1].b = free;
	p[1].c = cache;
	return TEEC_SUCCESS;
}

const struct ta ta_stats = {
	.uuid = TA_STATS_UUID,
	.name = "stats",
	.invoke = stats_invoke,
};
