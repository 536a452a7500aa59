// SPDX-License-Identifier: GPL-2.0
/* Test TA: arithmetic on value parameters (see ta_ids.h). */
#include "optee.h"
#include "ta_ids.h"

static u32 arith_open(struct ta_session *s, struct ta_param *p)
{
	if (p[0].type == P_VIN && p[0].a == TA_ARITH_DENY)
		return TEEC_ERROR_ACCESS_DENIED;
	return TEEC_SUCCESS;
}

static u32 arith_params(struct ta_param *p)
{
	u64 types = 0, sizes = 0, sum = 0;
	int i;

	if (p[0].type != P_VOUT && p[0].type != P_VINOUT)
		return TEEC_ERROR_BAD_PARAMETERS;
	for (i = 0; i < TA_NUM_PARAMS; i++) {
		types |= (u64)p[i].type << (4 * i);
		if (p[i].type >= P_MIN)
			sizes += p[i].mem.size;
		else if (i && p[i].type != P_NONE)
			sum += p[i].a;
	}
	p[0].a = types;
	p[0].b = sizes;
	p[0].c = sum;
	return TEEC_SUCCESS;
}

static u32 arith_invoke(struct ta_session *s, u32 cmd, struct ta_param *p)
{
	u64 a, b;

	switch (cmd) {
	case TA_ARITH_CMD_ADD:
		if (!ta_types(p, P_VIN, P_VOUT, P_NONE, P_NONE))
			return TEEC_ERROR_BAD_PARAMETERS;
		a = p[0].a;
		b = p[0].b;
		p[1].a = a + b;
		p[1].b = a - b;
		p[1].c = a * b;
		return TEEC_SUCCESS;
	case TA_ARITH_CMD_DIV:
		if (!ta_types(p, P_VINOUT, P_NONE, P_NONE, P_NONE) || !p[0].b)
			return TEEC_ERROR_BAD_PARAMETERS;
		a = p[0].a;
		b = p[0].b;
		p[0].a = a / b;
		p[0].b = a % b;
		return TEEC_SUCCESS;
	case TA_ARITH_CMD_PARAMS:
		return arith_params(p);
	case TA_ARITH_CMD_INC:
		if (!ta_types(p, P_VINOUT, P_NONE, P_NONE, P_NONE))
			return TEEC_ERROR_BAD_PARAMETERS;
		p[0].a++;
		p[0].b++;
		p[0].c++;
		return TEEC_SUCCESS;
	default:
		return TEEC_ERROR_NOT_SUPPORTED;
	}
}

const struct ta ta_arith = {
	.uuid = TA_ARITH_UUID,
	.name = "arith",
	.open = arith_open,
	.invoke = arith_invoke,
};
