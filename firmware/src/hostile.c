// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile secure world (firmware option "hostile" or "hostile=SEED"), for
 * the fuzzers: the OP-TEE ABI still works, but replies come bent at random,
 * well-formed-looking but wrong: message headers and parameters with random
 * results, counts, types, sizes, offsets and cookies; yielding calls ending
 * with random return codes (busy, bad address, a resume token out of
 * nowhere, an RPC code with the thread gone); RPCs at any time with random
 * registers (FREE and CMD of unknown cookies, ALLOC of any size, unknown
 * functions, ALLOCs freed twice) and RPC commands with random argument
 * headers and parameters;
 * the shm cache given back with random cookies; a random RPC parameter count;
 * asynchronous notification values nobody posted, out of range, or "more
 * pending" for ever.
 * The firmware itself stays safe: every normal-world access still goes
 * through the checked helpers. RPC commands that would wait on someone
 * (tee-supplicant, a notification) are left out: a secure world that waits
 * forever is allowed to.
 *
 * The sequence is reproducible from the seed printed at boot as far as the
 * normal world calls in the same order.
 */
#include "optee.h"

static u64 state;
bool hostile;

void hostile_init(u64 seed)
{
	hostile = true;
	state = seed ? seed : read_sysreg(cntpct_el0);
	printf("fw: hostile secure world, seed %lx (option hostile=%lx replays)\n",
	       state, state);
}

/* splitmix64: one atomic step, so CPUs may draw at once. */
u64 hostile_rand(void)
{
	u64 z = __atomic_add_fetch(&state, 0x9e3779b97f4a7c15ULL, __ATOMIC_RELAXED);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* True once in @n draws, in hostile mode only. */
bool hostile_roll(u32 n)
{
	return hostile && hostile_rand() % n == 0;
}

/* A value of a kind drivers check: small, near a limit, or anything. */
static u64 any_value(u64 good)
{
	switch (hostile_rand() % 6) {
	case 0:
		return 0;
	case 1:
		return good + 1 + hostile_rand() % 8;
	case 2:
		return good ^ (1ULL << (hostile_rand() % 64));
	case 3:
		return ~0ULL - hostile_rand() % 4;
	case 4:
		return hostile_rand() % 0x10000;
	default:
		return hostile_rand();
	}
}

/* Bend a reply about to be written back (@n parameters are written). */
void hostile_reply(struct optee_msg_arg *a, struct optee_msg_param *mp, u32 n)
{
	u32 k = 1 + hostile_rand() % 3;

	while (k--) {
		struct optee_msg_param *p = n ? &mp[hostile_rand() % n] : NULL;

		switch (hostile_rand() % 8) {
		case 0:
			a->ret = (u32)any_value(a->ret);
			break;
		case 1:
			a->ret_origin = (u32)any_value(a->ret_origin);
			break;
		case 2:
			a->num_params = (u32)any_value(a->num_params);
			break;
		case 3:
			a->session = (u32)any_value(a->session);
			break;
		case 4:
			if (p)
				p->attr = hostile_rand() % 2 ? hostile_rand() % 16 :
					  any_value(p->attr);
			break;
		default:
			/* sizes, offsets, cookies, values: one of the three words */
			if (p) {
				u64 *w = &p->u.value.a + hostile_rand() % 3;

				*w = any_value(*w);
			}
			break;
		}
	}
}

/* The end of a yielding call: its return code and registers. */
void hostile_call_end(u64 out[4])
{
	static const u32 codes[] = {
		OPTEE_SMC_RETURN_ETHREAD_LIMIT, OPTEE_SMC_RETURN_EBUSY,
		OPTEE_SMC_RETURN_ERESUME, OPTEE_SMC_RETURN_EBADADDR,
		OPTEE_SMC_RETURN_EBADCMD, OPTEE_SMC_RETURN_ENOMEM,
		OPTEE_SMC_RETURN_ENOTAVAIL, OPTEE_SMC_RETURN_UNKNOWN,
		OPTEE_SMC_RPC_FREE, OPTEE_SMC_RPC_CMD, OPTEE_SMC_RPC_ALLOC,
		OPTEE_SMC_RPC_FOREIGN_INTR, OPTEE_SMC_RPC(0x42),
	};

	out[0] = hostile_rand() % 4 ? codes[hostile_rand() % ARRAY_SIZE(codes)] :
				      (u32)hostile_rand();
	out[1] = (u32)hostile_rand();
	out[2] = (u32)hostile_rand();
	out[3] = (u32)any_value(out[3]);
}

/* RPCs nobody asked for, from inside a call. */
void hostile_rpcs(void)
{
	static const u32 cmds[] = {
		OPTEE_RPC_CMD_GET_TIME, 4 /* NOTIFICATION */, 5 /* SUSPEND */,
		OPTEE_RPC_CMD_SHM_ALLOC, OPTEE_RPC_CMD_SHM_FREE,
	};
	u32 k = 1 + hostile_rand() % 3;

	while (k--) {
		struct optee_msg_arg h = { 0 };
		struct optee_msg_param p[RPC_MAX_PARAMS];
		u64 cookie;
		u32 i;

		switch (hostile_rand() % 5) {
		case 4:
			/* asynchronous notifications nobody posted */
			notif_hostile_post();
			break;
		case 0:
			/* register level: any function, any registers */
			rpc_raw(OPTEE_SMC_RPC(hostile_rand() % 3 ? hostile_rand() % 8 :
					      (u32)hostile_rand()),
				(u32)hostile_rand(), (u32)hostile_rand());
			break;
		case 1:
			/*
			 * ALLOC of an odd size, freed once or twice (kept, they
			 * would only fill the normal world's memory).
			 */
			if (rpc_alloc(any_value(4096) % (1 << 20), &cookie)) {
				rpc_free(cookie);
				if (hostile_rand() % 2)
					rpc_free(cookie);
			}
			break;
		default:
			/* a command with a random header and parameters */
			h.cmd = cmds[hostile_rand() % ARRAY_SIZE(cmds)];
			h.num_params = hostile_rand() % 4 ? hostile_rand() % (RPC_MAX_PARAMS + 1) :
							    (u32)any_value(RPC_MAX_PARAMS);
			for (i = 0; i < RPC_MAX_PARAMS; i++) {
				p[i].attr = hostile_rand() % 3 ? hostile_rand() % 12 :
					    any_value(0);
				p[i].u.value.a = any_value(0);
				p[i].u.value.b = any_value(0);
				p[i].u.value.c = any_value(0);
			}
			/* Nothing that waits: a SEND, a short SUSPEND, kernel shm. */
			if (h.cmd == 4)
				p[0].u.value.a = 1;
			if (h.cmd == 5)
				p[0].u.value.a %= 10;
			if ((h.cmd == OPTEE_RPC_CMD_SHM_ALLOC ||
			     h.cmd == OPTEE_RPC_CMD_SHM_FREE) &&
			    p[0].u.value.a == OPTEE_RPC_SHM_TYPE_APPL)
				p[0].u.value.a = OPTEE_RPC_SHM_TYPE_KERNEL;
			rpc_cmd_raw(&h, p);
			break;
		}
	}
}

/*
 * GET_ASYNC_NOTIF_VALUE: any value with any flags; now and then "valid, more
 * pending" for the next few hundred fetches, which a driver that loops until
 * nothing is pending never leaves.
 */
void hostile_notif_value(struct regs *r)
{
	static u32 stuck;	/* racy between CPUs: only a count */

	if (!stuck && hostile_rand() % 8)
		return;
	if (!stuck && hostile_rand() % 4 == 0)
		stuck = 300;
	r->x[1] = (u32)any_value(r->x[1]);
	r->x[2] = hostile_rand() % 4;
	if (stuck) {
		stuck--;
		r->x[2] = OPTEE_SMC_ASYNC_NOTIF_VALID | OPTEE_SMC_ASYNC_NOTIF_PENDING;
	}
}
