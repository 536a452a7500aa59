// SPDX-License-Identifier: GPL-2.0
/*
 * Notifications between secure threads, as OP-TEE OS does them.
 *
 * A thread waits for a key with the RPC OPTEE_RPC_CMD_NOTIFICATION (WAIT);
 * another one wakes it with the same RPC (SEND), or, once the normal world
 * started asynchronous notifications (OPTEE_SMC_SEC_CAP_ASYNC_NOTIF, then
 * OPTEE_SMC_ENABLE_ASYNC_NOTIF), without an RPC: the key is posted and an
 * edge-triggered SPI (in the device tree's optee node) tells the normal world
 * to fetch it with OPTEE_SMC_GET_ASYNC_NOTIF_VALUE. Value 0 asks for a
 * bottom half: a yielding call with OPTEE_MSG_CMD_DO_BOTTOM_HALF, in which
 * the firmware posts the keys deferred to it (notif_defer()).
 * OPTEE_MSG_CMD_STOP_ASYNC_NOTIF (driver unload) goes back to RPCs.
 */
#include "optee.h"

#define NOTIF_SPI		187	/* INTID 219, as OP-TEE's QEMU platform */
#define GICD_ISPENDR		0x0200

static struct spinlock notif_lock;
static bool offered;		/* the capability is announced */
static bool started;		/* between ENABLE_ASYNC_NOTIF and STOP */
static u64 pending;		/* posted, not fetched: bit = value */
static u64 deferred;		/* to post from the next bottom half */

static struct {
	u64 posted, sync_sent, bottom_halves, enables, stops, fetches;
} nstats;

#define count(f)	__atomic_add_fetch(&nstats.f, 1, __ATOMIC_RELAXED)

void notif_init(bool offer)
{
	offered = offer;
}

u32 notif_spi(void)
{
	return offered ? NOTIF_SPI : 0;
}

/* Set the SPI pending (secure access: any group). */
static void raise_spi(void)
{
	u32 intid = NOTIF_SPI + 32;

	wr32(GICD_BASE + GICD_ISPENDR + intid / 32 * 4, 1u << (intid % 32));
}

/* Post @value for the normal world; false when it does not listen. */
static bool post(u32 value)
{
	bool ok;

	spin_lock(&notif_lock);
	ok = started;
	if (ok)
		pending |= BIT(value);
	spin_unlock(&notif_lock);
	if (ok) {
		count(posted);
		dsb_sy();
		raise_spi();
	}
	return ok;
}

u32 notif_wait(u32 key, u32 timeout_ms)
{
	struct optee_msg_param mp[1] = { { .attr = OPTEE_MSG_ATTR_VALUE_INPUT } };

	mp[0].u.value.a = OPTEE_RPC_NOTIFICATION_WAIT;
	mp[0].u.value.b = key;
	mp[0].u.value.c = timeout_ms;
	return rpc_cmd(OPTEE_RPC_CMD_NOTIFICATION, 1, mp);
}

u32 notif_send(u32 key, bool *async)
{
	struct optee_msg_param mp[1] = { { .attr = OPTEE_MSG_ATTR_VALUE_INPUT } };

	*async = post(key);
	if (*async)
		return TEEC_SUCCESS;
	count(sync_sent);
	mp[0].u.value.a = OPTEE_RPC_NOTIFICATION_SEND;
	mp[0].u.value.b = key;
	return rpc_cmd(OPTEE_RPC_CMD_NOTIFICATION, 1, mp);
}

bool notif_defer(u32 key)
{
	spin_lock(&notif_lock);
	if (!started) {
		spin_unlock(&notif_lock);
		return false;
	}
	deferred |= BIT(key);
	spin_unlock(&notif_lock);
	return post(NOTIF_VALUE_DO_BOTTOM_HALF);
}

/* OPTEE_MSG_CMD_DO_BOTTOM_HALF: post what was deferred. */
void notif_bottom_half(void)
{
	u64 keys;
	u32 v;

	count(bottom_halves);
	spin_lock(&notif_lock);
	keys = deferred;
	deferred = 0;
	spin_unlock(&notif_lock);
	for (v = 1; v <= NOTIF_VALUE_MAX; v++)
		if (keys & BIT(v))
			post(v);
}

/* OPTEE_MSG_CMD_STOP_ASYNC_NOTIF */
void notif_stop(void)
{
	count(stops);
	spin_lock(&notif_lock);
	started = false;
	pending = 0;
	deferred = 0;
	spin_unlock(&notif_lock);
}

/* Fast calls: ENABLE_ASYNC_NOTIF and GET_ASYNC_NOTIF_VALUE. */
bool notif_smc(struct regs *r)
{
	u32 fid = (u32)r->x[0];
	u32 v;

	if (fid != OPTEE_SMC_ENABLE_ASYNC_NOTIF && fid != OPTEE_SMC_GET_ASYNC_NOTIF_VALUE)
		return false;
	if (!offered) {
		r->x[0] = OPTEE_SMC_RETURN_UNKNOWN;
		return true;
	}
	r->x[0] = OPTEE_SMC_RETURN_OK;
	if (fid == OPTEE_SMC_ENABLE_ASYNC_NOTIF) {
		count(enables);
		spin_lock(&notif_lock);
		started = true;
		spin_unlock(&notif_lock);
		return true;
	}
	count(fetches);
	r->x[1] = 0;
	r->x[2] = 0;
	spin_lock(&notif_lock);
	if (pending) {
		v = __builtin_ctzll(pending);
		pending &= ~BIT(v);
		r->x[1] = v;
		r->x[2] = OPTEE_SMC_ASYNC_NOTIF_VALID |
			  (pending ? OPTEE_SMC_ASYNC_NOTIF_PENDING : 0);
	}
	spin_unlock(&notif_lock);
	if (hostile)
		hostile_notif_value(r);
	return true;
}

/* Hostile mode: random values posted, the interrupt raised. */
void notif_hostile_post(void)
{
	bool ok;

	spin_lock(&notif_lock);
	ok = started;
	if (ok)
		pending |= hostile_rand();
	spin_unlock(&notif_lock);
	if (ok)
		raise_spi();
}

void notif_get_stats(u64 out[6])
{
	out[0] = __atomic_load_n(&nstats.posted, __ATOMIC_RELAXED);
	out[1] = __atomic_load_n(&nstats.sync_sent, __ATOMIC_RELAXED);
	out[2] = __atomic_load_n(&nstats.bottom_halves, __ATOMIC_RELAXED);
	out[3] = __atomic_load_n(&nstats.enables, __ATOMIC_RELAXED);
	out[4] = __atomic_load_n(&nstats.stops, __ATOMIC_RELAXED);
	out[5] = __atomic_load_n(&nstats.fetches, __ATOMIC_RELAXED);
}
