// SPDX-License-Identifier: GPL-2.0
/*
 * Test TA: RPCs to the normal world: GET_TIME, kernel shm through
 * OPTEE_RPC_CMD_SHM_ALLOC/FREE and through the register-level RPC
 * ALLOC/FREE, and a supplicant LOAD_TA whose reply it checks (ta_ids.h).
 */
#include "optee.h"
#include "ta_ids.h"

#define SHM_TEST_MAX	(64 * PAGE_SZ)
#define LOAD_TA_PAGES	(TA_RPC_MAX_TA_SIZE / PAGE_SZ + 1)

static u32 rpc_get_time(struct ta_param *p)
{
	struct optee_msg_param mp[1] = { { .attr = OPTEE_MSG_ATTR_VALUE_OUTPUT } };
	u32 ret;

	if (!ta_types(p, P_VOUT, P_NONE, P_NONE, P_NONE))
		return TEEC_ERROR_BAD_PARAMETERS;
	ret = rpc_cmd(OPTEE_RPC_CMD_GET_TIME, 1, mp);
	if (ret)
		return ret;
	p[0].a = mp[0].u.value.a;
	p[0].b = mp[0].u.value.b;
	p[0].c = 0;
	return TEEC_SUCCESS;
}

/* Write a pattern over the whole buffer and read it back. */
static bool pattern_ok(const struct nsbuf *b, u64 size, u8 seed)
{
	u8 buf[256];
	u64 off, n, i;

	for (off = 0; off < size; off += n) {
		n = min_u64(sizeof(buf), size - off);
		for (i = 0; i < n; i++)
			buf[i] = (u8)(seed + off + i);
		if (!nsbuf_write(b, off, buf, n))
			return false;
	}
	for (off = 0; off < size; off += n) {
		n = min_u64(sizeof(buf), size - off);
		if (!nsbuf_read(b, off, buf, n))
			return false;
		for (i = 0; i < n; i++)
			if (buf[i] != (u8)(seed + off + i))
				return false;
	}
	return true;
}

static u32 rpc_shm(struct ta_param *p)
{
	u64 pages[SHM_TEST_MAX / PAGE_SZ + 1], size = p[0].a, cookie, pa;
	struct optee_msg_param mp[1];
	struct nsbuf b;
	u32 checks = 0;

	if (!ta_types(p, P_VIN, P_VOUT, P_NONE, P_NONE) || !size || size > SHM_TEST_MAX)
		return TEEC_ERROR_BAD_PARAMETERS;

	/* 1. OPTEE_RPC_CMD_SHM_ALLOC, type kernel */
	mp[0] = (struct optee_msg_param){ .attr = OPTEE_MSG_ATTR_VALUE_INPUT };
	mp[0].u.value.a = OPTEE_RPC_SHM_TYPE_KERNEL;
	mp[0].u.value.b = size;
	if (rpc_cmd(OPTEE_RPC_CMD_SHM_ALLOC, 1, mp) == TEEC_SUCCESS) {
		cookie = mp[0].u.tmem.shm_ref;
		if (mp[0].u.tmem.size >= size &&
		    rpc_param_to_nsbuf(&mp[0], &b, pages, ARRAY_SIZE(pages))) {
			checks++;
			checks += pattern_ok(&b, size, 0x11);
		}
		mp[0] = (struct optee_msg_param){ .attr = OPTEE_MSG_ATTR_VALUE_INPUT };
		mp[0].u.value.a = OPTEE_RPC_SHM_TYPE_KERNEL;
		mp[0].u.value.b = cookie;
		checks += rpc_cmd(OPTEE_RPC_CMD_SHM_FREE, 1, mp) == TEEC_SUCCESS;
	}

	/* 2. register-level RPC ALLOC/FREE (physically contiguous) */
	pa = rpc_alloc(size, &cookie);
	if (pa) {
		b = (struct nsbuf){ .pa = pa, .size = size };
		checks += pattern_ok(&b, size, 0x77);
		rpc_free(cookie);
	}
	p[1].a = checks;
	p[1].b = 0;
	p[1].c = 0;
	return TEEC_SUCCESS;
}

static u32 rpc_load_ta(struct ta_param *p)
{
	static const u8 zero[32];
	u64 pages[LOAD_TA_PAGES], size, cookie, off, n;
	struct optee_msg_param mp[2];
	struct sha256 c;
	u8 buf[256], digest[32];
	struct nsbuf b;
	u32 ret;

	if (!ta_types(p, P_VIN, P_MOUT, P_VOUT, P_NONE))
		return TEEC_ERROR_BAD_PARAMETERS;
	if (p[1].mem.size < 32) {
		p[1].size = 32;
		return TEEC_ERROR_SHORT_BUFFER;
	}

	/* Ask for the size with a NULL buffer. */
	memset(mp, 0, sizeof(mp));
	mp[0].attr = OPTEE_MSG_ATTR_VALUE_INPUT;
	mp[0].u.value.a = p[0].a;
	mp[0].u.value.b = p[0].b;
	mp[1].attr = OPTEE_MSG_ATTR_TMEM_OUTPUT;
	ret = rpc_cmd(OPTEE_RPC_CMD_LOAD_TA, 2, mp);
	if (ret)
		return ret;
	size = mp[1].u.tmem.size;
	if (!size || size > TA_RPC_MAX_TA_SIZE)
		return TEEC_ERROR_BAD_FORMAT;

	/* A buffer of the supplicant's. */
	memset(mp, 0, sizeof(mp));
	mp[0].attr = OPTEE_MSG_ATTR_VALUE_INPUT;
	mp[0].u.value.a = OPTEE_RPC_SHM_TYPE_APPL;
	mp[0].u.value.b = size;
	ret = rpc_cmd(OPTEE_RPC_CMD_SHM_ALLOC, 1, mp);
	if (ret)
		return ret;
	cookie = mp[0].u.tmem.shm_ref;
	if (mp[0].u.tmem.size < size || !rpc_param_to_nsbuf(&mp[0], &b, pages, LOAD_TA_PAGES)) {
		ret = TEEC_ERROR_BAD_FORMAT;
		goto out;
	}

	/* Load, and check that the reply is consistent. */
	memset(mp, 0, sizeof(mp));
	mp[0].attr = OPTEE_MSG_ATTR_VALUE_INPUT;
	mp[0].u.value.a = p[0].a;
	mp[0].u.value.b = p[0].b;
	mp[1].attr = OPTEE_MSG_ATTR_RMEM_OUTPUT;
	mp[1].u.rmem.size = size;
	mp[1].u.rmem.shm_ref = cookie;
	ret = rpc_cmd(OPTEE_RPC_CMD_LOAD_TA, 2, mp);
	if (ret)
		goto out;
	if (mp[1].u.rmem.size != size) {
		ret = TEEC_ERROR_BAD_FORMAT;
		goto out;
	}
	sha256_init(&c);
	for (off = 0; off < size; off += n) {
		n = min_u64(sizeof(buf), size - off);
		if (!nsbuf_read(&b, off, buf, n)) {
			ret = TEEC_ERROR_BAD_FORMAT;
			goto out;
		}
		sha256_update(&c, buf, n);
	}
	sha256_final(&c, digest);
	if (!memcmp(digest, zero, 32) || !nsbuf_write(&p[1].mem, 0, digest, 32)) {
		ret = TEEC_ERROR_BAD_PARAMETERS;
		goto out;
	}
	p[1].size = 32;
	p[2].a = size;
	p[2].b = 0;
	p[2].c = 0;
out:
	memset(mp, 0, sizeof(mp));
	mp[0].attr = OPTEE_MSG_ATTR_VALUE_INPUT;
	mp[0].u.value.a = OPTEE_RPC_SHM_TYPE_APPL;
	mp[0].u.value.b = cookie;
	rpc_cmd(OPTEE_RPC_CMD_SHM_FREE, 1, mp);
	return ret;
}

static u32 rpc_invoke(struct ta_session *s, u32 cmd, struct ta_param *p)
{
	switch (cmd) {
	case TA_RPC_CMD_GET_TIME:
		return rpc_get_time(p);
	case TA_RPC_CMD_SHM:
		return rpc_shm(p);
	case TA_RPC_CMD_LOAD_TA:
		return rpc_load_ta(p);
	default:
		return TEEC_ERROR_NOT_SUPPORTED;
	}
}

const struct ta ta_rpc = {
	.uuid = TA_RPC_UUID,
	.name = "rpc",
	.invoke = rpc_invoke,
};
