/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tee_fuzz's guests: kvmlite VMs with KVMLITE_CAP_ARM_OPTEE whose vCPU is an
 * SMC trampoline ("1: smc #0; str x0, [MMIO]; b 1b", as guest_test.c's), so
 * every OP-TEE SMC the fuzzer makes is a guest's, met by optee_lite's
 * mediator with the guest's RAM, memslots and registers.
 *
 * One operation per call of tee_guest_op(): a VM created (with the
 * capability) or destroyed, possibly in the middle of an RPC; or one SMC from
 * a VM: a CALL_WITH_ARG of a random message (random command, session,
 * parameter count, attributes among the valid ones and not, values, buffers
 * and page lists in guest RAM, across its end or outside it, messages at
 * random places including across a page and outside RAM), now and then a
 * well-formed OPEN_SESSION to a firmware TA so that calls reach TAs and their
 * RPCs; a RETURN_FROM_RPC with the last or a random token; a fast call of the
 * OP-TEE ABI with random arguments; a random function id of the Trusted OS
 * owners. RPCs are answered like a driver would (an argument page, GET_TIME),
 * with random registers or random RPC results, or left suspended.
 *
 * Needs /dev/kvmlite (kvmlite.ko is loaded from TEE_MODULE_DIR, default
 * /lib/modules, if absent); without it or without the capability the
 * operation records the errno and does nothing else.
 */
#ifndef TEE_GUEST_H
#define TEE_GUEST_H

#include <limits.h>
#include <linux/kvm.h>

#include "kvmlite_util.h"

#define TG_MAX		2		/* VMs at once */
#define TG_RPC_STEPS	16		/* RPCs answered per call at most */
#define TG_PAGE		4096ull
#define TG_PAGES	(GUEST_RAM_SIZE / TG_PAGE)
#define TG_MSG_PAGE	1		/* the message page used most */
#define TG_RPC_PAGE	2		/* RPC argument buffers: pages 2..5 */

#define TG_SMC_FAST(n)	(0xb2000000u | (n))
#define TG_SMC_STD(n)	(0x32000000u | (n))
#define TG_RET_RPC(a0)	(((a0) & 0xffff0000u) == 0xffff0000u)

GUEST_CODE(tg_smc_loop,
	   "1: smc #0\n"
	   "str x0, [x19]\n"
	   "b 1b\n");

struct tg_vm {
	struct kvm_vm vm;
	int live;
	__u64 token[3];		/* a1..a3 of the last RPC return */
	__u32 session[4];	/* sessions opened (maybe closed since) */
};

static struct tg_vm tg[TG_MAX];

/* A guest-physical address: in RAM mostly, at its edges or outside. */
static __u64 tg_gpa(void)
{
	switch (below(8)) {
	case 0:
		return rnd();
	case 1:
		return GUEST_RAM_GPA + GUEST_RAM_SIZE - below(64);
	case 2:
		return GUEST_RAM_GPA - TG_PAGE + below(2 * TG_PAGE);
	default:
		return GUEST_RAM_GPA + below(TG_PAGES) * TG_PAGE +
		       (chance(70) ? 0 : below(TG_PAGE));
	}
}

/* The vCPU's SMC: x0-x7 = a[0..7]; a[0..3] = x0-x3 after. 0 or -errno. */
static int tg_smc(struct tg_vm *g, __u64 *a)
{
	struct kvm_run *run = g->vm.run[0];
	int i, r;

	for (i = 0; i < 8; i++) {
		r = kset_reg64(g->vm.vcpu[0], REG_X(i), a[i]);
		if (r)
			return r;
	}
	/* The kicker's signals: KVM_RUN ends with EINTR, maybe before the SMC. */
	for (i = 0; i < 100; i++) {
		r = vcpu_run(&g->vm, 0);
		if (r != -EINTR)
			break;
	}
	if (r)
		return r;
	if (run->exit_reason != KVM_EXIT_MMIO || run->mmio.phys_addr != GUEST_MMIO_GPA)
		return -EPROTO;
	for (i = 0; i < 4; i++)
		a[i] = kget_reg64(g->vm.vcpu[0], REG_X(i));
	return 0;
}

static int tg_create(struct tg_vm *g)
{
	struct kvm_enable_cap cap = { .cap = KVMLITE_CAP_ARM_OPTEE };
	int r;

	r = vm_create_on(&g->vm, KVMLITE_DEV_PATH, 1, 0);
	if (!r && ioctl(g->vm.fd, KVM_ENABLE_CAP, &cap))
		r = -errno;
	if (!r)
		r = vm_load_code(&g->vm, 0, GUEST_RAM_GPA, tg_smc_loop, tg_smc_loop_end);
	if (!r)
		r = kset_reg64(g->vm.vcpu[0], REG_X(19), GUEST_MMIO_GPA);
	if (r) {
		vm_destroy(&g->vm);
		return r;
	}
	memset(g->token, 0, sizeof(g->token));
	memset(g->session, 0, sizeof(g->session));
	g->live = 1;
	return 0;
}

/* Random bytes over a guest page (not the code page). */
static void tg_scribble(struct tg_vm *g, unsigned int page)
{
	__u64 *p = vm_gpa(&g->vm, GUEST_RAM_GPA + page * TG_PAGE);
	unsigned int i;

	for (i = 0; i < TG_PAGE / 8; i++)
		p[i] = chance(50) ? tg_gpa() : rnd();
}

static const __u64 tg_attrs[] = {
	0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 0x101, 0x209, 0x20a, 0x20b, 0x100 | 9,
};

/* A random message (struct optee_msg_arg) at @m, at most @room bytes. */
static void tg_message(struct tg_vm *g, __u64 *m, size_t room)
{
	unsigned int n = chance(90) ? below(7) : (unsigned int)rnd(), i, max;
	static const __u8 uuids[][16] = { TA_ARITH_UUID, TA_MEMREF_UUID, TA_RPC_UUID,
					  TA_LONG_UUID, TA_NONE_UUID };

	if (room < 32 + 2 * 32) {
		memset(m, 0xa5, room);	/* too little room for a message */
		return;
	}
	max = (room - 32) / 32;
	memset(m, 0, room < 32 + 6 * 32 ? room : 32 + 6 * 32);
	if (chance(25)) {
		/* OPEN_SESSION to a TA, well formed: RPCs and real sessions. */
		const __u8 *u = uuids[below(ARRAY_SIZE(uuids))];

		m[0] = 0;			/* cmd OPEN, func 0 */
		m[3] = 2ull << 32;		/* num_params 2 */
		m[4] = 0x101;			/* VALUE_IN | META */
		memcpy(&m[5], u, 16);
		m[8] = 0x101;
		return;
	}
	/*
	 * Words: cmd | func << 32, session | cancel_id << 32, pad | ret << 32,
	 * ret_origin | num_params << 32, then 4 words per parameter.
	 */
	m[0] = (chance(80) ? below(6) : (__u32)rnd()) | (below(8) << 32);
	m[1] = chance(70) ? g->session[below(4)] : (__u32)rnd();
	m[3] = (__u64)n << 32;
	for (i = 0; i < n && i < max && i < 6; i++) {
		__u64 *p = m + 4 + 4 * i;

		p[0] = chance(85) ? tg_attrs[below(ARRAY_SIZE(tg_attrs))] : rnd();
		p[1] = chance(60) ? tg_gpa() : rnd();
		p[2] = chance(60) ? below(3 * TG_PAGE) : rnd();
		p[3] = chance(50) ? below(16) : rnd();
	}
}

/* Answer an RPC as a driver would, at random, or not at all (1: left). */
static int tg_answer(struct tg_vm *g, __u64 *a)
{
	__u32 fn = a[0];
	__u64 gpa, *arg;
	int i;

	g->token[0] = a[1];
	g->token[1] = a[2];
	g->token[2] = a[3];
	if (chance(5))
		return 1;
	if (chance(10)) {
		for (i = 1; i < 8; i++)
			a[i] = rnd();
	} else if (fn == 0xffff0000u) {		/* ALLOC: a page of the guest */
		gpa = chance(80) ? GUEST_RAM_GPA + (TG_RPC_PAGE + below(4)) * TG_PAGE : tg_gpa();
		a[1] = gpa >> 32;
		a[2] = (__u32)gpa;
		a[4] = 0;
		a[5] = below(16);
	} else if (fn == 0xffff0005u) {		/* CMD: in an argument page */
		arg = vm_gpa(&g->vm, GUEST_RAM_GPA + (TG_RPC_PAGE + below(4)) * TG_PAGE);
		arg[3] = chance(70) ? 0 : rnd();	/* ret */
		if (chance(30))
			arg[4] = rnd();
		if (chance(30))
			arg[5] = chance(50) ? tg_gpa() : rnd();
	}
	a[0] = TG_SMC_STD(3);				/* RETURN_FROM_RPC */
	a[1] = g->token[0];
	a[2] = g->token[1];
	a[3] = g->token[2];
	return 0;
}

static const __u32 tg_fast[] = {
	0xbf00ff01, 0xbf00ff03, 0xbf000000, TG_SMC_FAST(1), TG_SMC_FAST(7), TG_SMC_FAST(9),
	TG_SMC_FAST(10), TG_SMC_FAST(11), TG_SMC_FAST(13), TG_SMC_FAST(14), TG_SMC_FAST(15),
	TG_SMC_FAST(16), TG_SMC_FAST(17), TG_SMC_FAST(19), TG_SMC_STD(18), TG_SMC_STD(19),
};

/* One SMC sequence from @g: a call and the RPCs it makes. 0 or -errno. */
static int tg_call(struct tg_vm *g)
{
	__u64 a[8] = { 0 }, gpa, *m;
	unsigned int i, kind = below(10), page;
	int r;

	for (i = 1; i < 8; i++)
		a[i] = chance(50) ? rnd() : below(4);
	if (kind < 5) {
		page = chance(70) ? TG_MSG_PAGE : 1 + below(TG_PAGES - 1);
		gpa = GUEST_RAM_GPA + page * TG_PAGE + (chance(80) ? 0 : below(TG_PAGE) & ~7ull);
		if (chance(5))
			gpa = tg_gpa();
		if (gpa >= GUEST_RAM_GPA + TG_PAGE && gpa + 8 <= GUEST_RAM_GPA + GUEST_RAM_SIZE) {
			m = vm_gpa(&g->vm, gpa);
			tg_message(g, m, GUEST_RAM_GPA + GUEST_RAM_SIZE - gpa);
		}
		if (chance(30))
			tg_scribble(g, 2 + below(TG_PAGES - 2));
		a[0] = TG_SMC_STD(4);			/* CALL_WITH_ARG */
		a[1] = gpa >> 32;
		a[2] = (__u32)gpa;
	} else if (kind < 7) {
		a[0] = TG_SMC_STD(3);			/* RETURN_FROM_RPC */
		if (chance(60))
			memcpy(&a[1], g->token, sizeof(g->token));
	} else if (kind < 9) {
		a[0] = tg_fast[below(ARRAY_SIZE(tg_fast))];
	} else {
		a[0] = (below(2) << 31) | (below(2) << 30) | ((50 + below(14)) << 24) |
		       below(0x10000);
	}
	for (i = 0; i < TG_RPC_STEPS; i++) {
		r = tg_smc(g, a);
		if (r)
			return r;
		if (!TG_RET_RPC(a[0]))
			break;
		if (tg_answer(g, a))
			break;
	}
	/* A session the message says was opened: keep it for later calls. */
	if (kind < 5 && !a[0] && gpa >= GUEST_RAM_GPA + TG_PAGE &&
	    gpa + 32 <= GUEST_RAM_GPA + GUEST_RAM_SIZE) {
		m = vm_gpa(&g->vm, gpa);
		if (!(__u32)m[0] && !(m[2] >> 32))
			g->session[below(4)] = (__u32)m[1];
	}
	return 0;
}

/* One guest operation: 0 or -errno. */
static int tee_guest_op(void)
{
	struct tg_vm *g = &tg[below(TG_MAX)];
	char path[PATH_MAX];
	int r;

	if (access(KVMLITE_DEV_PATH, F_OK)) {
		snprintf(path, sizeof(path), "%s/kvmlite.ko",
			 getenv("TEE_MODULE_DIR") ?: "/lib/modules");
		module_load(path);
	}
	if (!g->live) {
		r = tg_create(g);
	} else if (chance(8)) {
		vm_destroy(&g->vm);	/* maybe in the middle of an RPC */
		g->live = 0;
		r = 0;
	} else {
		r = tg_call(g);
	}
	return r;
}

static void tee_guest_end(void)
{
	int i;

	for (i = 0; i < TG_MAX; i++) {
		if (tg[i].live)
			vm_destroy(&tg[i].vm);
		tg[i].live = 0;
	}
}

#endif /* TEE_GUEST_H */
