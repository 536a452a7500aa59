// SPDX-License-Identifier: GPL-2.0
/*
 * OP-TEE's random-number pseudo-TA (see ta_ids.h), for the kernel's
 * optee-rng: RNDR when the CPU has FEAT_RNG, else a SHA-256 generator.
 */
#include "optee.h"
#include "ta_ids.h"

#define CHUNK	256

static bool have_rndr(void)
{
	return (read_sysreg(id_aa64isar0_el1) >> 60) & 0xf;
}

/* RNDR: false (Z set) when the hardware could not deliver in time. */
static bool rndr(u64 *v)
{
	u64 x, nzcv;

	asm volatile("mrs %0, s3_3_c2_c4_0\n mrs %1, nzcv"
		     : "=r" (x), "=r" (nzcv));
	*v = x;
	return !(nzcv & BIT(30));
}

/* The fallback: SHA-256 of a counter and the time, never reseeded. */
static void sha_block(u8 out[32])
{
	static u64 counter;
	struct sha256 c;
	u64 in[2] = { ++counter, read_sysreg(cntpct_el0) };

	sha256_init(&c);
	sha256_update(&c, in, sizeof(in));
	sha256_final(&c, out);
}

/* Eight random bytes: RNDR (a few tries), else the SHA-256 generator. */
static bool next64(u64 *v)
{
	u8 blk[32];
	int tries;

	if (!have_rndr()) {
		sha_block(blk);
		memcpy(v, blk, sizeof(*v));
		return true;
	}
	for (tries = 0; tries < 10; tries++)
		if (rndr(v))
			return true;
	return false;
}

static bool fill(u8 *buf, u64 n)
{
	u64 i, v;

	for (i = 0; i < n; i += 8) {
		if (!next64(&v))
			return false;
		memcpy(buf + i, &v, min_u64(8, n - i));
	}
	return true;
}

static u32 rng_entropy(struct ta_param *p)
{
	u8 buf[CHUNK];
	u64 off, n;

	if (!ta_types(p, P_MINOUT, P_NONE, P_NONE, P_NONE) || p[0].null)
		return TEEC_ERROR_BAD_PARAMETERS;
	if (p[0].mem.size > PTA_RNG_MAX_REQ)
		return TEEC_ERROR_NOT_SUPPORTED;
	for (off = 0; off < p[0].mem.size; off += n) {
		n = min_u64(CHUNK, p[0].mem.size - off);
		if (!fill(buf, n))
			return TEEC_ERROR_BUSY;
		if (!nsbuf_write(&p[0].mem, off, buf, n))
			return TEEC_ERROR_BAD_PARAMETERS;
	}
	return TEEC_SUCCESS;
}

static u32 rng_invoke(struct ta_session *s, u32 cmd, struct ta_param *p)
{
	switch (cmd) {
	case PTA_RNG_CMD_GET_ENTROPY:
		return rng_entropy(p);
	case PTA_RNG_CMD_GET_RNG_INFO:
		if (!ta_types(p, P_VOUT, P_NONE, P_NONE, P_NONE))
			return TEEC_ERROR_BAD_PARAMETERS;
		p[0].a = 1024 * 1024;
		p[0].b = have_rndr() ? 1024 : 0;
		return TEEC_SUCCESS;
	default:
		return TEEC_ERROR_NOT_SUPPORTED;
	}
}

const struct ta ta_rng = {
	.uuid = PTA_RNG_UUID,
	.name = "rng.pta",
	.invoke = rng_invoke,
};
