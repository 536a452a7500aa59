/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The OP-TEE SMC and message ABI as the firmware implements it (values from
 * the OP-TEE documentation and Linux's drivers/tee/optee/optee_{smc,msg}.h),
 * and the interface between the message layer and the test TAs.
 */
#ifndef FW_OPTEE_H
#define FW_OPTEE_H

#include "fw.h"

/* SMC function IDs (SMC32; fast = bit 31). */
#define OPTEE_SMC_FAST(n)		(0xb2000000u | (n))
#define OPTEE_SMC_STD(n)		(0x32000000u | (n))
#define OPTEE_SMC_CALLS_UID		0xbf00ff01u
#define OPTEE_SMC_CALLS_REVISION	0xbf00ff03u
#define OPTEE_SMC_GET_OS_UUID		OPTEE_SMC_FAST(0)
#define OPTEE_SMC_GET_OS_REVISION	OPTEE_SMC_FAST(1)
#define OPTEE_SMC_CALL_WITH_ARG		OPTEE_SMC_STD(4)
#define OPTEE_SMC_RETURN_FROM_RPC	OPTEE_SMC_STD(3)
#define OPTEE_SMC_GET_SHM_CONFIG	OPTEE_SMC_FAST(7)
#define OPTEE_SMC_L2CC_MUTEX		OPTEE_SMC_FAST(8)
#define OPTEE_SMC_EXCHANGE_CAPABILITIES	OPTEE_SMC_FAST(9)
#define OPTEE_SMC_DISABLE_SHM_CACHE	OPTEE_SMC_FAST(10)
#define OPTEE_SMC_ENABLE_SHM_CACHE	OPTEE_SMC_FAST(11)
#define OPTEE_SMC_VM_CREATED		OPTEE_SMC_FAST(13)
#define OPTEE_SMC_VM_DESTROYED		OPTEE_SMC_FAST(14)
#define OPTEE_SMC_GET_THREAD_COUNT	OPTEE_SMC_FAST(15)
#define OPTEE_SMC_ENABLE_ASYNC_NOTIF	OPTEE_SMC_FAST(16)
#define OPTEE_SMC_GET_ASYNC_NOTIF_VALUE	OPTEE_SMC_FAST(17)
#define OPTEE_SMC_CALL_WITH_RPC_ARG	OPTEE_SMC_STD(18)
#define OPTEE_SMC_CALL_WITH_REGD_ARG	OPTEE_SMC_STD(19)

#define OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM	BIT(0)
#define OPTEE_SMC_SEC_CAP_DYNAMIC_SHM		BIT(2)
#define OPTEE_SMC_SEC_CAP_VIRTUALIZATION	BIT(3)
#define OPTEE_SMC_SEC_CAP_MEMREF_NULL		BIT(4)
#define OPTEE_SMC_SEC_CAP_ASYNC_NOTIF		BIT(5)
#define OPTEE_SMC_SEC_CAP_RPC_ARG		BIT(6)
#define OPTEE_SMC_SHM_CACHED			1
#define OPTEE_SMC_ASYNC_NOTIF_VALID		BIT(0)
#define OPTEE_SMC_ASYNC_NOTIF_PENDING		BIT(1)
#define NOTIF_VALUE_DO_BOTTOM_HALF		0
#define NOTIF_VALUE_MAX				63

#define OPTEE_SMC_RETURN_OK		0x0
#define OPTEE_SMC_RETURN_ETHREAD_LIMIT	0x1
#define OPTEE_SMC_RETURN_EBUSY		0x2
#define OPTEE_SMC_RETURN_ERESUME	0x3
#define OPTEE_SMC_RETURN_EBADADDR	0x4
#define OPTEE_SMC_RETURN_EBADCMD	0x5
#define OPTEE_SMC_RETURN_ENOMEM		0x6
#define OPTEE_SMC_RETURN_ENOTAVAIL	0x7
#define OPTEE_SMC_RETURN_UNKNOWN	0xffffffffu
#define OPTEE_SMC_RPC(f)		(0xffff0000u | (f))
#define OPTEE_SMC_RPC_ALLOC		OPTEE_SMC_RPC(0)
#define OPTEE_SMC_RPC_FREE		OPTEE_SMC_RPC(2)
#define OPTEE_SMC_RPC_FOREIGN_INTR	OPTEE_SMC_RPC(4)
#define OPTEE_SMC_RPC_CMD		OPTEE_SMC_RPC(5)

/* Messages. */
#define OPTEE_MSG_ATTR_NONE		0x0
#define OPTEE_MSG_ATTR_VALUE_INPUT	0x1
#define OPTEE_MSG_ATTR_VALUE_OUTPUT	0x2
#define OPTEE_MSG_ATTR_VALUE_INOUT	0x3
#define OPTEE_MSG_ATTR_RMEM_INPUT	0x5
#define OPTEE_MSG_ATTR_RMEM_OUTPUT	0x6
#define OPTEE_MSG_ATTR_RMEM_INOUT	0x7
#define OPTEE_MSG_ATTR_TMEM_INPUT	0x9
#define OPTEE_MSG_ATTR_TMEM_OUTPUT	0xa
#define OPTEE_MSG_ATTR_TMEM_INOUT	0xb
#define OPTEE_MSG_ATTR_TYPE_MASK	0xff
#define OPTEE_MSG_ATTR_META		BIT(8)
#define OPTEE_MSG_ATTR_NONCONTIG	BIT(9)

#define OPTEE_MSG_CMD_OPEN_SESSION	0
#define OPTEE_MSG_CMD_INVOKE_COMMAND	1
#define OPTEE_MSG_CMD_CLOSE_SESSION	2
#define OPTEE_MSG_CMD_CANCEL		3
#define OPTEE_MSG_CMD_REGISTER_SHM	4
#define OPTEE_MSG_CMD_UNREGISTER_SHM	5
#define OPTEE_MSG_CMD_DO_BOTTOM_HALF	6
#define OPTEE_MSG_CMD_STOP_ASYNC_NOTIF	7

#define OPTEE_RPC_CMD_LOAD_TA		0
#define OPTEE_RPC_CMD_GET_TIME		3
#define OPTEE_RPC_CMD_NOTIFICATION	4
#define OPTEE_RPC_NOTIFICATION_WAIT	0
#define OPTEE_RPC_NOTIFICATION_SEND	1
#define OPTEE_RPC_CMD_SHM_ALLOC		6
#define OPTEE_RPC_CMD_SHM_FREE		7
#define OPTEE_RPC_SHM_TYPE_APPL		0
#define OPTEE_RPC_SHM_TYPE_KERNEL	1

#define PAGE_SZ				4096
#define PAGELIST_ENTRIES		(PAGE_SZ / 8 - 1)

struct optee_msg_param {
	u64 attr;
	union {
		struct { u64 buf_ptr, size, shm_ref; } tmem;
		struct { u64 offs, size, shm_ref; } rmem;
		struct { u64 a, b, c; } value;
		u8 octets[24];
	} u;
};

struct optee_msg_arg {
	u32 cmd;
	u32 func;
	u32 session;
	u32 cancel_id;
	u32 pad;
	u32 ret;
	u32 ret_origin;
	u32 num_params;
	struct optee_msg_param params[];
};

#define MSG_ARG_SIZE(n)	(sizeof(struct optee_msg_arg) + (n) * sizeof(struct optee_msg_param))

/* GlobalPlatform results and origins. */
#define TEEC_SUCCESS			0x00000000u
#define TEEC_ERROR_GENERIC		0xffff0000u
#define TEEC_ERROR_ACCESS_DENIED	0xffff0001u
#define TEEC_ERROR_CANCEL		0xffff0002u
#define TEEC_ERROR_BAD_FORMAT		0xffff0005u
#define TEEC_ERROR_BAD_PARAMETERS	0xffff0006u
#define TEEC_ERROR_BAD_STATE		0xffff0007u
#define TEEC_ERROR_ITEM_NOT_FOUND	0xffff0008u
#define TEEC_ERROR_NOT_SUPPORTED	0xffff000au
#define TEEC_ERROR_OUT_OF_MEMORY	0xffff000cu
#define TEEC_ERROR_BUSY			0xffff000du
#define TEEC_ERROR_COMMUNICATION	0xffff000eu
#define TEEC_ERROR_SHORT_BUFFER		0xffff0010u
#define TEEC_ERROR_STORAGE_NO_SPACE	0xffff3041u
#define TEEC_ORIGIN_COMMS		2
#define TEEC_ORIGIN_TEE			3
#define TEEC_ORIGIN_TRUSTED_APP		4

/* ---- what a TA sees ---- */

/* Parameter types as the TEE uapi numbers them (TEE_IOCTL_PARAM_ATTR_TYPE_*). */
enum {
	P_NONE = 0, P_VIN = 1, P_VOUT = 2, P_VINOUT = 3,
	P_MIN = 5, P_MOUT = 6, P_MINOUT = 7,
};

/*
 * A normal-world buffer: either physically contiguous (pages == NULL,
 * starting at pa) or a list of 4 KiB pages (first byte at offset @pa within
 * pages[0]). Sizes and addresses are validated when it is built.
 */
struct nsbuf {
	const u64 *pages;
	u64 pa;
	u64 size;
};

struct ta_param {
	u32 type;
	u64 a, b, c;		/* values */
	struct nsbuf mem;	/* memrefs: mem.size is the size the caller gave */
	u64 size;		/* memrefs: size to report back (starts as mem.size) */
	bool null;		/* NULL memref (no buffer) */
};

#define TA_NUM_PARAMS	4

struct ta_session;

struct ta {
	u8 uuid[16];
	const char *name;
	u32 (*open)(struct ta_session *s, struct ta_param *p);
	void (*close)(struct ta_session *s);
	u32 (*invoke)(struct ta_session *s, u32 cmd, struct ta_param *p);
};

struct ta_session {
	u32 id;
	const struct ta *ta;
	u32 login;
	u8 client[16];
	void *priv;
};

/* Check the four parameter types; true when they match. */
bool ta_types(const struct ta_param *p, u32 t0, u32 t1, u32 t2, u32 t3);

/* Copy between a memref and secure memory; false if out of range. */
bool nsbuf_read(const struct nsbuf *b, u64 off, void *dst, u64 len);
bool nsbuf_write(const struct nsbuf *b, u64 off, const void *src, u64 len);

/* ---- services a TA may call from its (secure) thread ---- */

/* Is the current invocation cancelled? */
bool ta_cancelled(void);
/* Return to the normal world with OPTEE_SMC_RETURN_RPC_FOREIGN_INTR. */
void rpc_foreign_intr(void);
/* Register-level ALLOC (returns the PA, 0 on failure) and FREE. */
u64 rpc_alloc(u64 size, u64 *cookie);
void rpc_free(u64 cookie);
/*
 * An RPC CMD with up to 4 parameters (OPTEE message params, in and out).
 * Returns the arg's ret, or TEEC_ERROR_COMMUNICATION if the reply is
 * unusable.
 */
#define RPC_MAX_PARAMS	4
u32 rpc_cmd(u32 cmd, u32 num, struct optee_msg_param *params);
/*
 * Turn the memref parameter of an RPC reply (TMEM, maybe NONCONTIG, or
 * RMEM) into an nsbuf; the page list is copied into @pages (max entries).
 */
bool rpc_param_to_nsbuf(const struct optee_msg_param *mp, struct nsbuf *b,
			u64 *pages, u32 max);
/* Uptime in ms (CNTPCT). */
u64 now_ms(void);

/* Malformed replies: set by the "bad" TA, applied by the message layer. */
void ta_set_malformed(u32 mode);
void ta_bad_rpc(u32 func);

/* sha256.c */
struct sha256 {
	u32 h[8];
	u64 len;
	u8 buf[64];
	u32 fill;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, u64 len);
void sha256_final(struct sha256 *c, u8 out[32]);

/* The TAs (firmware/ta/). */
extern const struct ta ta_arith, ta_memref, ta_sha256, ta_kv, ta_rpc, ta_long, ta_bad,
		       ta_device, ta_rng, ta_stats, ta_notif;
void optee_get_stats(u64 calls[3], u64 *rpc_alloc, u64 *rpc_free, bool *shm_cache);

/* Raw RPCs: any registers; a command with its header as given. */
void rpc_raw(u64 a0, u64 a1, u64 a2);
u32 rpc_cmd_raw(const struct optee_msg_arg *h, struct optee_msg_param *p);

/* hostile.c: the option "hostile" (see there). */
extern bool hostile;
void hostile_init(u64 seed);
u64 hostile_rand(void);
bool hostile_roll(u32 n);
void hostile_reply(struct optee_msg_arg *a, struct optee_msg_param *mp, u32 n);
void hostile_call_end(u64 out[4]);
void hostile_rpcs(void);
void hostile_notif_value(struct regs *r);

/*
 * notif.c: notifications between secure threads (see there). Keys 1 to
 * NOTIF_VALUE_MAX. notif_send() says whether the key went asynchronously;
 * notif_defer() posts it from the next bottom half (false when the normal
 * world has not started asynchronous notifications).
 */
void notif_init(bool offer);
u32 notif_wait(u32 key, u32 timeout_ms);
u32 notif_send(u32 key, bool *async);
bool notif_defer(u32 key);
void notif_bottom_half(void);
void notif_stop(void);
bool notif_smc(struct regs *r);
void notif_get_stats(u64 out[6]);
void notif_hostile_post(void);

#endif
