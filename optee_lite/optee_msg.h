/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OP-TEE message protocol: the structures normal and secure world exchange in
 * shared memory, as defined by OP-TEE's optee_msg.h (message API revision 2.0).
 * Same layout and numbers; written for this driver.
 */
#ifndef OPTEE_LITE_MSG_H
#define OPTEE_LITE_MSG_H

#include <linux/bits.h>
#include <linux/types.h>

/* Parameter types, in the low byte of optee_msg_param.attr. */
#define OPTEE_MSG_ATTR_TYPE_NONE		0x0
#define OPTEE_MSG_ATTR_TYPE_VALUE_INPUT		0x1
#define OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT	0x2
#define OPTEE_MSG_ATTR_TYPE_VALUE_INOUT		0x3
#define OPTEE_MSG_ATTR_TYPE_RMEM_INPUT		0x5
#define OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT		0x6
#define OPTEE_MSG_ATTR_TYPE_RMEM_INOUT		0x7
#define OPTEE_MSG_ATTR_TYPE_TMEM_INPUT		0x9
#define OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT		0xa
#define OPTEE_MSG_ATTR_TYPE_TMEM_INOUT		0xb
#define OPTEE_MSG_ATTR_TYPE_MASK		GENMASK(7, 0)

/* A meta parameter carries information for the OS, not for the TA. */
#define OPTEE_MSG_ATTR_META			BIT(8)
/* The buffer is a list of pages (struct optee_lite_pages_list), not contiguous. */
#define OPTEE_MSG_ATTR_NONCONTIG		BIT(9)

#define OPTEE_MSG_ATTR_CACHE_SHIFT		16
#define OPTEE_MSG_ATTR_CACHE_PREDEFINED		0

/* Login methods, as TEE_IOCTL_LOGIN_*. */
#define OPTEE_MSG_LOGIN_PUBLIC			0x00000000
#define OPTEE_MSG_LOGIN_REE_KERNEL		0x80000000

/* Page size of the non-contiguous page lists, whatever the kernel's is. */
#define OPTEE_MSG_NONCONTIG_PAGE_SIZE		4096

struct optee_msg_param_tmem {
	u64 buf_ptr;	/* physical address */
	u64 size;
	u64 shm_ref;	/* cookie of the struct tee_shm */
};

struct optee_msg_param_rmem {
	u64 offs;
	u64 size;
	u64 shm_ref;	/* cookie given at OPTEE_MSG_CMD_REGISTER_SHM */
};

struct optee_msg_param_value {
	u64 a;
	u64 b;
	u64 c;
};

struct optee_msg_param {
	u64 attr;
	union {
		struct optee_msg_param_tmem tmem;
		struct optee_msg_param_rmem rmem;
		struct optee_msg_param_value value;
		u8 octets[24];
	} u;
};

/**
 * struct optee_msg_arg - the argument of every call and of every RPC
 * @cmd:	OPTEE_MSG_CMD_* (calls) or OPTEE_RPC_CMD_* (RPCs)
 * @func:	TA function, for OPTEE_MSG_CMD_INVOKE_COMMAND
 * @session:	session id (output of OPTEE_MSG_CMD_OPEN_SESSION)
 * @cancel_id:	identifies the request for OPTEE_MSG_CMD_CANCEL
 * @pad:	must be zero
 * @ret:	TEEC_* return code
 * @ret_origin:	TEEC_ORIGIN_*
 * @num_params:	number of entries of @params
 * @params:	parameters, meta parameters first
 */
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

#define OPTEE_MSG_GET_ARG_SIZE(num_params) \
	(sizeof(struct optee_msg_arg) + \
	 sizeof(struct optee_msg_param) * (num_params))

/* Calls UID 384fb3e0-e7f8-11e3-af63-0002a5d5c51b: "this is OP-TEE's ABI". */
#define OPTEE_MSG_UID_0				0x384fb3e0
#define OPTEE_MSG_UID_1				0xe7f811e3
#define OPTEE_MSG_UID_2				0xaf630002
#define OPTEE_MSG_UID_3				0xa5d5c51b
#define OPTEE_MSG_REVISION_MAJOR		2
#define OPTEE_MSG_REVISION_MINOR		0

/* Commands of struct optee_msg_arg for calls into the secure world. */
#define OPTEE_MSG_CMD_OPEN_SESSION		0
#define OPTEE_MSG_CMD_INVOKE_COMMAND		1
#define OPTEE_MSG_CMD_CLOSE_SESSION		2
#define OPTEE_MSG_CMD_CANCEL			3
#define OPTEE_MSG_CMD_REGISTER_SHM		4
#define OPTEE_MSG_CMD_UNREGISTER_SHM		5
#define OPTEE_MSG_CMD_DO_BOTTOM_HALF		6
#define OPTEE_MSG_CMD_STOP_ASYNC_NOTIF		7

/* Commands of struct optee_msg_arg for RPCs (optee_rpc_cmd.h upstream). */
#define OPTEE_RPC_CMD_LOAD_TA			0
#define OPTEE_RPC_CMD_GET_TIME			3
#define OPTEE_RPC_CMD_NOTIFICATION		4
#define OPTEE_RPC_NOTIFICATION_WAIT		0
#define OPTEE_RPC_NOTIFICATION_SEND		1
#define OPTEE_RPC_CMD_SUSPEND			5
#define OPTEE_RPC_CMD_SHM_ALLOC			6
#define OPTEE_RPC_CMD_SHM_FREE			7
#define OPTEE_RPC_SHM_TYPE_APPL			0
#define OPTEE_RPC_SHM_TYPE_KERNEL		1

#endif /* OPTEE_LITE_MSG_H */
