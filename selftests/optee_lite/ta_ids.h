/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test Trusted Applications of the bench's secure-world firmware
 * (firmware/ta/): UUIDs, commands and parameter conventions. Shared by the
 * firmware and the selftests; no includes, plain C.
 *
 * UUIDs are given as the 16 octets of the RFC 4122 big-endian form, exactly
 * as struct tee_ioctl_open_session_arg::uuid carries them. All share the
 * prefix 4f50544c ("OPTL"):
 *   4f50544c-00NN-4b4c-8e00-000000000000
 *
 * Parameter notation: pN is TEE parameter N; vin/vout/vinout are value
 * parameters (a, b, c are 64-bit at the SMC ABI), min/mout/minout memrefs.
 * A TA checks the parameter types of every command and fails with
 * TEEC_ERROR_BAD_PARAMETERS on any mismatch; unknown commands fail with
 * TEEC_ERROR_NOT_SUPPORTED. Errors from a TA have origin
 * TEEC_ORIGIN_TRUSTED_APP; errors of the firmware's message layer (unknown
 * TA, bad session, bad memref) have origin TEEC_ORIGIN_TEE.
 */
#ifndef OPTEE_LITE_TA_IDS_H
#define OPTEE_LITE_TA_IDS_H

#define TA_UUID(n) { 0x4f, 0x50, 0x54, 0x4c, 0x00, (n), 0x4b, 0x4c, \
		     0x8e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }

/* A UUID no TA has: OPEN_SESSION fails with TEEC_ERROR_ITEM_NOT_FOUND. */
#define TA_NONE_UUID		TA_UUID(0x7f)

/*
 * Arithmetic on values. OPEN_SESSION: if p0 is vin with a == TA_ARITH_DENY,
 * the open fails with TEEC_ERROR_ACCESS_DENIED (origin TA).
 */
#define TA_ARITH_UUID		TA_UUID(0x01)
#define TA_ARITH_DENY		0xdead
/* p0 vin {a, b}, p1 vout {a + b, a - b, a * b} (64-bit, wrapping) */
#define TA_ARITH_CMD_ADD	0
/* p0 vinout {a, b} -> {a / b, a % b}; b == 0: TEEC_ERROR_BAD_PARAMETERS */
#define TA_ARITH_CMD_DIV	1
/*
 * Any parameters; p0 must be vout or vinout: p0.a = the four parameter types
 * as 4-bit fields (TEE_IOCTL_PARAM_ATTR_TYPE_*, p0 in bits 3:0), p0.b = the
 * sum of the sizes of the memrefs, p0.c = the sum of the a fields of the
 * other value parameters.
 */
#define TA_ARITH_CMD_PARAMS	2
/* p0 vinout: {a, b, c} -> {a + 1, b + 1, c + 1} */
#define TA_ARITH_CMD_INC	3

/* Memref copy/transform. */
#define TA_MEMREF_UUID		TA_UUID(0x02)
/*
 * p0 min, p1 mout: copy p0 into p1, p1.size = p0.size; when p1 is smaller,
 * TEEC_ERROR_SHORT_BUFFER with p1.size = p0.size (p1 may be a NULL memref).
 */
#define TA_MEMREF_CMD_COPY	0
/* p0 minout, p1 vin {key}: byte i becomes byte i ^ (key + i) (8-bit) */
#define TA_MEMREF_CMD_XOR	1
/* p0 mout, p1 vin {byte, len}: fill len bytes, p0.size = len; short buffer */
#define TA_MEMREF_CMD_FILL	2
/* p0 min, p1 vout {sum of bytes, size} */
#define TA_MEMREF_CMD_SUM	3

/* SHA-256 of a memref. */
#define TA_SHA256_UUID		TA_UUID(0x03)
/* p0 min, p1 mout (>= 32 bytes, else short buffer with size 32) */
#define TA_SHA256_CMD_DIGEST	0

/*
 * Key/value store in secure RAM, shared by all sessions and kept until the
 * machine resets. Keys 1..TA_KV_MAX_KEY bytes, values 0..TA_KV_MAX_VALUE
 * bytes, TA_KV_MAX_ENTRIES entries (TEEC_ERROR_STORAGE_NO_SPACE when full).
 */
#define TA_KV_UUID		TA_UUID(0x04)
#define TA_KV_MAX_KEY		64
#define TA_KV_MAX_VALUE		1024
#define TA_KV_MAX_ENTRIES	32
/* p0 min key, p1 min value: insert or replace */
#define TA_KV_CMD_PUT		0
/* p0 min key, p1 mout value (short buffer); TEEC_ERROR_ITEM_NOT_FOUND */
#define TA_KV_CMD_GET		1
/* p0 min key; TEEC_ERROR_ITEM_NOT_FOUND */
#define TA_KV_CMD_DEL		2
/* p0 vout {number of entries} */
#define TA_KV_CMD_COUNT		3

/* RPCs to the normal world. */
#define TA_RPC_UUID		TA_UUID(0x05)
/* p0 vout {seconds, nanoseconds} from OPTEE_RPC_CMD_GET_TIME */
#define TA_RPC_CMD_GET_TIME	0
/*
 * p0 vin {size}, p1 vout {checks passed}: allocates kernel shm of that size
 * with OPTEE_RPC_CMD_SHM_ALLOC (type kernel), writes and reads back a
 * pattern, frees it with OPTEE_RPC_CMD_SHM_FREE; then the same with the
 * register-level OPTEE_SMC_RETURN_RPC_ALLOC/FREE. 4 checks when all is well.
 */
#define TA_RPC_CMD_SHM		1
/*
 * Supplicant LOAD_TA: p0 vin {a, b} = the 16 UUID octets of the TA to load
 * (memcpy order, as OPTEE_RPC_CMD_LOAD_TA's value parameter), p1 mout
 * (>= 32 bytes). The TA asks the supplicant for the size (NULL memref), gets
 * a buffer with OPTEE_RPC_CMD_SHM_ALLOC (type application, served by the
 * supplicant), asks again, checks that the reply is consistent (same size,
 * at most TA_RPC_MAX_TA_SIZE), returns the SHA-256 of the image in p1 and
 * its size in p2 (vout {size}), and frees the buffer. An RPC failure is
 * returned as is (e.g. TEEC_ERROR_COMMUNICATION without a supplicant,
 * TEEC_ERROR_ITEM_NOT_FOUND when the supplicant has no such TA).
 */
#define TA_RPC_CMD_LOAD_TA	2
#define TA_RPC_MAX_TA_SIZE	(1024 * 1024)

/* Long-running command. */
#define TA_LONG_UUID		TA_UUID(0x06)
/*
 * p0 vin {duration ms, foreign-interrupt period ms (0: 10)}, p1 vout
 * {number of OPTEE_SMC_RETURN_RPC_FOREIGN_INTR returns, elapsed ms}: spins,
 * returning to the normal world every period; a CANCEL of this invocation
 * ends it early with TEEC_ERROR_CANCEL (p1 still filled in).
 */
#define TA_LONG_CMD_RUN		0

/*
 * Deliberately malformed replies, for the drivers' validation tests. Every
 * command takes p0 mout (a memref of the caller) and p1 vout, and answers
 * TEEC_SUCCESS with:
 */
#define TA_BAD_UUID		TA_UUID(0x07)
/* p0.size = real size + 4096 (larger than the buffer) */
#define TA_BAD_CMD_SIZE_OVER	0
/* the parameter type of p1 changed to an invalid one (0x42) */
#define TA_BAD_CMD_BAD_ATTR	1
/* num_params of the reply set to 200 */
#define TA_BAD_CMD_NUM_PARAMS	2
/* p0 changed into a memref with an unknown shm_ref cookie */
#define TA_BAD_CMD_BAD_SHM_REF	3
/* an RPC with an unknown function (0xffff0042) before the reply */
#define TA_BAD_CMD_BAD_RPC	4
/* ret_origin set to 0x42 (ret TEEC_SUCCESS) */
#define TA_BAD_CMD_BAD_ORIGIN	5
/* p0 memref offset moved past the end of its shm (rmem offs = size + 8) */
#define TA_BAD_CMD_BAD_OFFSET	7

/*
 * What the firmware's message layer saw, for checking how a driver calls.
 * Counters since reset, shared by all sessions.
 */
#define TA_STATS_UUID		TA_UUID(0x08)
/*
 * p0 vout {yielding calls by CALL_WITH_ARG, by CALL_WITH_RPC_ARG, by
 * CALL_WITH_REGD_ARG}, p1 vout {RPC ALLOCs, RPC FREEs, 1 if the shared
 * memory cache is enabled}
 */
#define TA_STATS_CMD_GET	0
/*
 * Notifications: p0 vout {keys posted asynchronously (with the interrupt),
 * keys sent by RPC (OPTEE_RPC_NOTIFICATION_SEND), DO_BOTTOM_HALF calls},
 * p1 vout {ENABLE_ASYNC_NOTIF calls, STOP_ASYNC_NOTIF calls,
 * GET_ASYNC_NOTIF_VALUE calls}
 */
#define TA_STATS_CMD_NOTIF	1

/*
 * Notifications between secure threads (keys 1 to TA_NOTIF_KEY_MAX), by
 * OPTEE_RPC_CMD_NOTIFICATION or, once the driver started asynchronous
 * notifications, by the notification interrupt.
 */
#define TA_NOTIF_UUID		TA_UUID(0x09)
#define TA_NOTIF_KEY_MAX	63
/*
 * p0 vin {key, timeout ms (1 to 60000)}: wait for the key (RPC
 * NOTIFICATION WAIT); the RPC's result is the command's (TEEC_ERROR_TIMEOUT
 * from drivers that time the wait out).
 */
#define TA_NOTIF_CMD_WAIT	0
/* p0 vin {key}, p1 vout {1 if posted asynchronously, 0 if sent by RPC} */
#define TA_NOTIF_CMD_SEND	1
/*
 * p0 vin {key}: post the key from the next bottom half (the firmware asks
 * for one with value 0, the driver makes a DO_BOTTOM_HALF call);
 * TEEC_ERROR_BAD_STATE when asynchronous notifications are not started.
 */
#define TA_NOTIF_CMD_SEND_BH	2

/*
 * Pseudo-TAs of OP-TEE OS that the firmware also has, with OP-TEE's UUIDs and
 * commands, for the kernel's TEE-bus clients.
 *
 * Device enumeration (7011a688-ddde-4053-a5a9-7b3c4ddf13b8): p0 mout, filled
 * with the 16-octet UUIDs of the TAs kernel drivers bind to; a buffer too
 * small (or NULL) gets TEEC_ERROR_SHORT_BUFFER with p0.size the size needed.
 * GET_DEVICES lists the RNG pseudo-TA, GET_DEVICES_SUPP (the TAs that need
 * tee-supplicant) the RPC TA above.
 */
#define PTA_DEVICE_UUID		{ 0x70, 0x11, 0xa6, 0x88, 0xdd, 0xde, 0x40, 0x53, \
				  0xa5, 0xa9, 0x7b, 0x3c, 0x4d, 0xdf, 0x13, 0xb8 }
#define PTA_CMD_GET_DEVICES		0
#define PTA_CMD_GET_DEVICES_SUPP	1

/*
 * Random numbers (ab7a617c-b8e7-4d8f-8301-d09b61036b64), the kernel's
 * optee-rng driver binds to it. GET_ENTROPY: p0 minout, filled with random
 * bytes (at most PTA_RNG_MAX_REQ, else TEEC_ERROR_NOT_SUPPORTED); GET_RNG_INFO:
 * p0 vout {data rate in bytes per second, entropy per 1024 bits}. The bytes
 * come from the CPU's RNDR (FEAT_RNG); without it, from a SHA-256 generator
 * seeded with the counter, announced as quality 0.
 */
#define PTA_RNG_UUID		{ 0xab, 0x7a, 0x61, 0x7c, 0xb8, 0xe7, 0x4d, 0x8f, \
				  0x83, 0x01, 0xd0, 0x9b, 0x61, 0x03, 0x6b, 0x64 }
#define PTA_RNG_CMD_GET_ENTROPY		0
#define PTA_RNG_CMD_GET_RNG_INFO	1
#define PTA_RNG_MAX_REQ			4096

#endif
