/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OP-TEE SMC ABI: function IDs and return codes of the calls into the secure
 * world, as defined by OP-TEE's optee_smc.h on top of the SMC Calling
 * Convention (Arm DEN 0028). Same numbers; written for this driver.
 */
#ifndef OPTEE_LITE_SMC_H
#define OPTEE_LITE_SMC_H

#include <linux/arm-smccc.h>
#include <linux/bits.h>

#define OPTEE_SMC_FAST_CALL_VAL(func) \
	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_SMC_32, \
			   ARM_SMCCC_OWNER_TRUSTED_OS, (func))
#define OPTEE_SMC_STD_CALL_VAL(func) \
	ARM_SMCCC_CALL_VAL(ARM_SMCCC_STD_CALL, ARM_SMCCC_SMC_32, \
			   ARM_SMCCC_OWNER_TRUSTED_OS, (func))

/* General queries of the Trusted OS service range (SMCCC). */
#define OPTEE_SMC_CALLS_UID \
	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_SMC_32, \
			   ARM_SMCCC_OWNER_TRUSTED_OS_END, 0xff01)
#define OPTEE_SMC_CALLS_REVISION \
	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_SMC_32, \
			   ARM_SMCCC_OWNER_TRUSTED_OS_END, 0xff03)

/* Fast calls. */
#define OPTEE_SMC_CALL_GET_OS_UUID		OPTEE_SMC_FAST_CALL_VAL(0)
#define OPTEE_SMC_CALL_GET_OS_REVISION		OPTEE_SMC_FAST_CALL_VAL(1)
#define OPTEE_SMC_GET_SHM_CONFIG		OPTEE_SMC_FAST_CALL_VAL(7)
#define OPTEE_SMC_EXCHANGE_CAPABILITIES		OPTEE_SMC_FAST_CALL_VAL(9)
/* a0 OK with a1:a2 the cookie of one cached buffer; ENOTAVAIL: none left. */
#define OPTEE_SMC_DISABLE_SHM_CACHE		OPTEE_SMC_FAST_CALL_VAL(10)
#define OPTEE_SMC_ENABLE_SHM_CACHE		OPTEE_SMC_FAST_CALL_VAL(11)
/* From the hypervisor (a7 = 0) only: a1 the guest's client id. */
#define OPTEE_SMC_VM_CREATED			OPTEE_SMC_FAST_CALL_VAL(13)
#define OPTEE_SMC_VM_DESTROYED			OPTEE_SMC_FAST_CALL_VAL(14)
#define OPTEE_SMC_GET_THREAD_COUNT		OPTEE_SMC_FAST_CALL_VAL(15)
#define OPTEE_SMC_ENABLE_ASYNC_NOTIF		OPTEE_SMC_FAST_CALL_VAL(16)
/*
 * a0 OK, a1 the value, a2 VALID if a1 holds one, PENDING if there are more;
 * value 0 asks for an OPTEE_MSG_CMD_DO_BOTTOM_HALF call.
 */
#define OPTEE_SMC_GET_ASYNC_NOTIF_VALUE		OPTEE_SMC_FAST_CALL_VAL(17)
#define OPTEE_SMC_ASYNC_NOTIF_VALUE_VALID	BIT(0)
#define OPTEE_SMC_ASYNC_NOTIF_VALUE_PENDING	BIT(1)
#define OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF	0

/* Yielding calls: a1/a2 carry the physical address of a struct optee_msg_arg. */
#define OPTEE_SMC_CALL_WITH_ARG			OPTEE_SMC_STD_CALL_VAL(4)
#define OPTEE_SMC_CALL_RETURN_FROM_RPC		OPTEE_SMC_STD_CALL_VAL(3)
/* With the RPC argument after the message (OPTEE_SMC_SEC_CAP_RPC_ARG). */
#define OPTEE_SMC_CALL_WITH_RPC_ARG		OPTEE_SMC_STD_CALL_VAL(18)
/* a1:a2 the cookie of registered memory, a3 the message's offset in it. */
#define OPTEE_SMC_CALL_WITH_REGD_ARG		OPTEE_SMC_STD_CALL_VAL(19)

/* OS UUID 486178e0-e7f8-11e3-bc5e-0002a5d5c51b: OP-TEE. */
#define OPTEE_MSG_OS_OPTEE_UUID_0		0x486178e0
#define OPTEE_MSG_OS_OPTEE_UUID_1		0xe7f811e3
#define OPTEE_MSG_OS_OPTEE_UUID_2		0xbc5e0002
#define OPTEE_MSG_OS_OPTEE_UUID_3		0xa5d5c51b

/* Capabilities of EXCHANGE_CAPABILITIES: a1 from normal world... */
#define OPTEE_SMC_NSEC_CAP_UNIPROCESSOR		BIT(0)
/* ...and a1 from secure world. */
#define OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM	BIT(0)
#define OPTEE_SMC_SEC_CAP_UNREGISTERED_SHM	BIT(1)
#define OPTEE_SMC_SEC_CAP_DYNAMIC_SHM		BIT(2)
#define OPTEE_SMC_SEC_CAP_VIRTUALIZATION	BIT(3)
#define OPTEE_SMC_SEC_CAP_MEMREF_NULL		BIT(4)
#define OPTEE_SMC_SEC_CAP_ASYNC_NOTIF		BIT(5)
#define OPTEE_SMC_SEC_CAP_RPC_ARG		BIT(6)

#define OPTEE_SMC_SHM_CACHED			1

/* Return codes in a0. */
#define OPTEE_SMC_RETURN_OK			0x0
#define OPTEE_SMC_RETURN_ETHREAD_LIMIT		0x1
#define OPTEE_SMC_RETURN_EBUSY			0x2
#define OPTEE_SMC_RETURN_ERESUME		0x3
#define OPTEE_SMC_RETURN_EBADADDR		0x4
#define OPTEE_SMC_RETURN_EBADCMD		0x5
#define OPTEE_SMC_RETURN_ENOMEM			0x6
#define OPTEE_SMC_RETURN_ENOTAVAIL		0x7
#define OPTEE_SMC_RETURN_UNKNOWN_FUNCTION	0xffffffff

/*
 * RPC requests: a0 = 0xffff0000 | function, with the call's resume state in
 * a1-a7; normal world answers with OPTEE_SMC_CALL_RETURN_FROM_RPC.
 */
#define OPTEE_SMC_RETURN_RPC_PREFIX_MASK	0xffff0000
#define OPTEE_SMC_RETURN_RPC_PREFIX		0xffff0000
#define OPTEE_SMC_RETURN_RPC_FUNC_MASK		0x0000ffff
#define OPTEE_SMC_RPC_FUNC_ALLOC		0	/* a1: size */
#define OPTEE_SMC_RPC_FUNC_FREE			2	/* a1:a2: cookie */
#define OPTEE_SMC_RPC_FUNC_FOREIGN_INTR		4
#define OPTEE_SMC_RPC_FUNC_CMD			5	/* a1:a2: cookie of the arg */

static inline bool optee_smc_return_is_rpc(u32 ret)
{
	return ret != OPTEE_SMC_RETURN_UNKNOWN_FUNCTION &&
	       (ret & OPTEE_SMC_RETURN_RPC_PREFIX_MASK) == OPTEE_SMC_RETURN_RPC_PREFIX;
}

#endif /* OPTEE_LITE_SMC_H */
