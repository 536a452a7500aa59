// SPDX-License-Identifier: GPL-2.0
/* Test TA: what the message layer saw (see ta_ids.h). */
#include "optee.h"
#include "ta_ids.h"

static u32 stats_invoke(struct ta_session *s, u32 cmd, struct ta_param *p)
{
	u64 calls[3], alloc, free, n[6];
	bool cache;

	if (!ta_types(p, P_VOUT, P_VOUT, P_NONE, P_NONE))
		return TEEC_ERROR_BAD_PARAMETERS;
	if (cmd == TA_STATS_CMD_NOTIF) {
		notif_get_stats(n);
		p[0].a = n[0];
		p[0].b = n[1];
		p[0].c = n[2];
		p[1].a = n[3];
		p[1].b = n[4];
		p[1].c = n[5];
		return TEEC_SUCCESS;
	}
	if (cmd != TA_STATS_CMD_GET)
		return TEEC_ERROR_NOT_SUPPORTED;
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
