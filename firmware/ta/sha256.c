// SPDX-License-Identifier: GPL-2.0
/* SHA-256 (FIPS 180-4) and the digest TA (see ta_ids.h). */
#include "optee.h"
#include "ta_ids.h"

static const u32 k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static u32 ror(u32 x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void block(struct sha256 *c, const u8 *p)
{
	u32 w[64], a, b, cc, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (u32)p[4 * i] << 24 | (u32)p[4 * i + 1] << 16 |
		       (u32)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 64; i++)
		w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       w[i - 7] + (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3];
	e = c->h[4]; f = c->h[5]; g = c->h[6]; h = c->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
		h = g; g = f; f = e; e = d + t1;
		d = cc; cc = b; b = a; a = t1 + t2;
	}
	c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d;
	c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

void sha256_init(struct sha256 *c)
{
	static const u32 iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
	c->fill = 0;
}

void sha256_update(struct sha256 *c, const void *data, u64 len)
{
	const u8 *p = data;

	c->len += len;
	while (len) {
		u32 n = min_u64(64 - c->fill, len);

		memcpy(c->buf + c->fill, p, n);
		c->fill += n;
		p += n;
		len -= n;
		if (c->fill == 64) {
			block(c, c->buf);
			c->fill = 0;
		}
	}
}

void sha256_final(struct sha256 *c, u8 out[32])
{
	u64 bits = c->len * 8;
	u8 pad = 0x80, zero = 0, lenb[8];
	int i;

	sha256_update(c, &pad, 1);
	while (c->fill != 56)
		sha256_update(c, &zero, 1);
	for (i = 0; i < 8; i++)
		lenb[i] = bits >> (56 - 8 * i);
	sha256_update(c, lenb, 8);
	for (i = 0; i < 32; i++)
		out[i] = c->h[i / 4] >> (24 - 8 * (i % 4));
}

static u32 sha256_invoke(struct ta_session *s, u32 cmd, struct ta_param *p)
{
	struct sha256 c;
	u8 buf[512], digest[32];
	u64 off, n;

	if (cmd != TA_SHA256_CMD_DIGEST)
		return TEEC_ERROR_NOT_SUPPORTED;
	if (!ta_types(p, P_MIN, P_MOUT, P_NONE, P_NONE))
		return TEEC_ERROR_BAD_PARAMETERS;
	if (p[1].mem.size < 32) {
		p[1].size = 32;
		return TEEC_ERROR_SHORT_BUFFER;
	}
	sha256_init(&c);
	for (off = 0; off < p[0].mem.size; off += n) {
		n = min_u64(sizeof(buf), p[0].mem.size - off);
		if (!nsbuf_read(&p[0].mem, off, buf, n))
			return TEEC_ERROR_BAD_PARAMETERS;
		sha256_update(&c, buf, n);
	}
	sha256_final(&c, digest);
	if (!nsbuf_write(&p[1].mem, 0, digest, 32))
		return TEEC_ERROR_BAD_PARAMETERS;
	p[1].size = 32;
	return TEEC_SUCCESS;
}

const struct ta ta_sha256 = {
	.uuid = TA_SHA256_UUID,
	.name = "sha256",
	.invoke = sha256_invoke,
};
