// SPDX-License-Identifier: GPL-2.0
/*
 * teec_demo: a user application calling Trusted Applications through
 * Debian's unmodified libteec, as `make demo` shows it: the SHA-256 of its
 * arguments from the digest TA, and a value kept by the key/value TA.
 */
#include <linux/types.h>
#include <stdio.h>
#include <string.h>
#include <tee_client_api.h>

#include "ta_ids.h"

static TEEC_UUID teec_uuid(const unsigned char o[16])
{
	TEEC_UUID u = {
		.timeLow = (__u32)o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3],
		.timeMid = o[4] << 8 | o[5],
		.timeHiAndVersion = o[6] << 8 | o[7],
	};

	memcpy(u.clockSeqAndNode, o + 8, 8);
	return u;
}

static int fail(const char *what, TEEC_Result res, __u32 origin)
{
	fprintf(stderr, "teec_demo: %s: result %#x, origin %u\n", what, res, origin);
	return 1;
}

int main(int argc, char **argv)
{
	static const unsigned char sha_o[16] = TA_SHA256_UUID, kv_o[16] = TA_KV_UUID;
	const char *text = argc > 1 ? argv[1] : "hello from libteec";
	TEEC_UUID sha = teec_uuid(sha_o), kv = teec_uuid(kv_o);
	TEEC_Operation op = { 0 };
	unsigned char digest[32];
	char value[64] = "";
	TEEC_Session sess;
	TEEC_Context ctx;
	TEEC_Result res;
	__u32 origin = 0;
	int i;

	res = TEEC_InitializeContext(NULL, &ctx);
	if (res)
		return fail("TEEC_InitializeContext", res, origin);

	res = TEEC_OpenSession(&ctx, &sess, &sha, TEEC_LOGIN_PUBLIC, NULL, NULL,
			       &origin);
	if (res)
		return fail("open the digest TA", res, origin);
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)text;
	op.params[0].tmpref.size = strlen(text);
	op.params[1].tmpref.buffer = digest;
	op.params[1].tmpref.size = sizeof(digest);
	res = TEEC_InvokeCommand(&sess, TA_SHA256_CMD_DIGEST, &op, &origin);
	if (res)
		return fail("digest", res, origin);
	TEEC_CloseSession(&sess);
	printf("SHA-256(\"%s\") by the digest TA: ", text);
	for (i = 0; i < 32; i++)
		printf("%02x", digest[i]);
	printf("\n");

	res = TEEC_OpenSession(&ctx, &sess, &kv, TEEC_LOGIN_PUBLIC, NULL, NULL,
			       &origin);
	if (res)
		return fail("open the key/value TA", res, origin);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_INPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = "demo";
	op.params[0].tmpref.size = 4;
	op.params[1].tmpref.buffer = (void *)text;
	op.params[1].tmpref.size = strlen(text);
	res = TEEC_InvokeCommand(&sess, TA_KV_CMD_PUT, &op, &origin);
	if (res)
		return fail("put", res, origin);
	TEEC_CloseSession(&sess);

	res = TEEC_OpenSession(&ctx, &sess, &kv, TEEC_LOGIN_PUBLIC, NULL, NULL,
			       &origin);
	if (res)
		return fail("open the key/value TA again", res, origin);
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[1].tmpref.buffer = value;
	op.params[1].tmpref.size = sizeof(value) - 1;
	res = TEEC_InvokeCommand(&sess, TA_KV_CMD_GET, &op, &origin);
	if (res)
		return fail("get", res, origin);
	TEEC_CloseSession(&sess);
	printf("key/value TA, next session: \"demo\" = \"%.*s\"\n",
	       (int)op.params[1].tmpref.size, value);

	TEEC_FinalizeContext(&ctx);
	return 0;
}
