// SPDX-License-Identifier: GPL-2.0
/* Test TA: memref copy and transforms, short-buffer replies (see ta_ids.h). */
#include "optee.h"
#include "ta_ids.h"

#define CHUNK	512

static u32 memref_copy(struct ta_param *p)
{
	u8 buf[CHUNK];
	u64 off, n;

	if (!ta_types(p, P_MIN, P_MOUT, P_NONE, P_NONE))
		return TEEC_ERROR_BAD_PARAMETERS;
	if (p[1].mem.size < p[0].mem.size) {
		p[1].size = p[0].mem.size;
		return TEEC_ERROR_SHORT_BUFFER;
	}
	for (off = 0; off < p[0].mem.size; off += n) {
		n = min_u64(CHUNK, p[0].mem.size - off);
		if (!nsbuf_read(&p[0].mem, off, buf, n) || !nsbuf_write(&p[1].mem, off, buf, n))
			return TEEC_ERROR_BAD_PARAMETERS;
	}
	p[1].size = p[0].mem.size;
	return TEEC_SUCCESS;
}

static u32 memref_xor(struct ta_param *p)
{
	u8 buf[CHUNK];
	u64 off, n, i;

	if (!ta_types(p, P_MINOUT, P_VIN, P_NONE, P_NONE))
		return TEEC_ERROR_BAD_PARAMETERS;
	for (off = 0; off < p[0].mem.size; off += n) {
		n = min_u64(CHUNK, p[0].mem.size - off);
		if (!nsbuf_read(&p[0].mem, off, buf, n))
			return TEEC_ERROR_BAD_PARAMETERS;
		for (i = 0; i < n; i++)
			buf[i] ^= (u8)(p[1].a + off + i);
		if (!nsbuf_write(&p[0].mem, off, buf, n))
			return TEEC_ERROR_BAD_PARAMETERS;
	}
	return TEEC_SUCCESS;
}

static u32 memref_fill(struct ta_param *p)
{
	u8 buf[CHUNK];
	u64 off, n, len = p[1].b;

	if (!ta_types(p, P_MOUT, P_VIN, P_NONE, P_NONE))
		return TEEC_ERROR_BAD_PARAMETERS;
	if (p[0].mem.size < len) {
		p[0].size = len;
		return TEEC_ERROR_SHORT_BUFFER;
	}
	memset(buf, (u8)p[1].a, sizeof(buf));
	for (off = 0; off < len; off += n) {
		n = min_u64(CHUNK, len - off);
		if (!nsbuf_write(&p[0].mem, off, buf, n))
			return TEEC_ERROR_BAD_PARAMETERS;
	}
	p[0].size = len;
	return TEEC_SUCCESS;
}

static u32 memref_sum(struct ta_param *p)
{
	u8 buf[CHUNK];
	u64 off, n, i, sum = 0;

	if (!ta_types(p, P_MIN, P_VOUT, P_NONE, P_NONE))
		return TEEC_ERROR_BAD_PARAMETERS;
	for (off = 0; off < p[0].mem.size; off += n) {
		n = min_u64(CHUNK, p[0].mem.size - off);
		if (!nsbuf_read(&p[0].mem, off, buf, n))
			return TEEC_ERROR_BAD_PARAMETERS;
		for (i = 0; i < n; i++)
			sum += buf[i];
	}
	p[1].a = sum;
	p[1].b = p[0].mem.size;
	p[1].c = 0;
	return TEEC_SUCCESS;
}

static u32 memref_invoke(struct ta_session *s, u32 cmd, struct ta_param *p)
{
	switch (cmd) {
	case TA_MEMREF_CMD_COPY:
		return memref_copy(p);
	case TA_MEMREF_CMD_XOR:
		return memref_xor(p);
	case TA_MEMREF_CMD_FILL:
		return memref_fill(p);
	case TA_MEMREF_CMD_SUM:
		return memref_sum(p);
	default:
		return TEEC_ERROR_NOT_SUPPORTED;
	}
}

const struct ta ta_memref = {
	.uuid = TA_MEMREF_UUID,
	.name = "memref",
	.invoke = memref_invoke,
};
