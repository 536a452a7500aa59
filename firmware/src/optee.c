// SPDX-License-Identifier: GPL-2.0
/*
 * A small OP-TEE compatible trusted OS: the OP-TEE SMC ABI (fast calls,
 * yielding calls on a fixed number of secure threads, RPCs), the message
 * layer (sessions, registered shared memory, cancel) and the dispatch to the
 * built-in test TAs.
 *
 * Secure threads: a yielding call (CALL_WITH_ARG, CALL_WITH_RPC_ARG,
 * CALL_WITH_REGD_ARG) takes a free thread or fails with ETHREAD_LIMIT. The
 * thread runs on its own stack in secure SRAM; an RPC switches back to the
 * SMC handler, which returns to the normal world with the RPC in a0-a2 and
 * the thread's resume token in a3. RETURN_FROM_RPC (on any CPU) switches to
 * the thread again. Nothing runs concurrently on one thread; the shared
 * tables are protected by tee_lock.
 *
 * Every normal-world address is checked against the normal-world DRAM and
 * every size against its buffer before use; the message is copied into
 * secure memory before it is parsed.
 *
 * Virtualization (OPTEE_SMC_SEC_CAP_VIRTUALIZATION): every call carries the
 * hypervisor's client id in a7. Client 0 is the host kernel (which is also
 * the hypervisor: it alone may call VM_CREATED and VM_DESTROYED); each guest
 * the hypervisor announced with VM_CREATED has its own partition: its
 * sessions, registered shared memory and suspended threads are invisible to
 * every other client, and VM_DESTROYED closes and frees what it left.
 */
#include "optee.h"

#define NUM_THREADS		2
#define THREAD_STACK_SIZE	32768
#define THREAD_TOKEN		0x7ead0000u
#define MAX_MSG_PARAMS		(TA_NUM_PARAMS + 2)
#define RPC_ARG_PARAMS		RPC_MAX_PARAMS
#define THREAD_PAGES		1024	/* page-list entries for temporary memrefs */
#define MAX_SHM			256
#define SHM_POOL_PAGES		32768	/* registered pages, all shm together */
#define MAX_SESSIONS		64
#define MAX_SHM_REFS		(TA_NUM_PARAMS + 1)
#define MAX_CLIENTS		8	/* guests, besides the host (client 0) */

/* Reserved shared memory (GET_SHM_CONFIG), at the top of normal DRAM. */
#define RESERVED_SHM_SIZE	0x200000UL

enum { T_FREE, T_RUNNING, T_SUSPENDED };
enum { Y_DONE, Y_RPC };

struct shm {
	u64 cookie;
	u64 offset;		/* of the first byte in the first page */
	u64 size;
	u32 first;		/* index in shm_pages */
	u32 npages;
	u32 refs;		/* registration + calls using it */
	u16 client;
	bool used, dead;
};

struct session {
	struct ta_session s;
	u32 refs;
	u16 client;
	bool used, open;
};

struct sthread {
	u32 state;
	u32 yield;
	u16 client;		/* of the call (a7) */
	struct ctx ctx;
	struct ctx *caller;
	u64 in[8];		/* a0-a7 of the call / RETURN_FROM_RPC */
	u64 out[4];		/* a0-a3 to return */
	/* The current call. */
	struct nsbuf argbuf;	/* where the message lives */
	u64 argoff;
	bool have_rpc_arg;
	u64 rpc_off;		/* RPC arg in argbuf (CAP_RPC_ARG) */
	u64 rpcbuf_pa, rpcbuf_cookie;	/* RPC arg from RPC_ALLOC otherwise */
	u64 host_rpcbuf_pa, host_rpcbuf_cookie;	/* the host's, set aside */
	struct session *sess;
	u32 cancel_id;
	bool cancelled;		/* READ_ONCE/WRITE_ONCE: set by CANCEL */
	u32 malformed;
	struct shm *shm_refs[MAX_SHM_REFS];
	u32 nshm_refs;
	u64 pages[THREAD_PAGES];
	u32 npages_used;
	u8 stack[THREAD_STACK_SIZE];	/* sp starts 16-byte aligned below the end */
};

static struct spinlock tee_lock;
static struct sthread threads[NUM_THREADS];
static struct sthread *cur_thread[MAX_CPUS];
static struct shm shms[MAX_SHM];
static u64 shm_pages[SHM_POOL_PAGES];
static u8 shm_page_used[SHM_POOL_PAGES];
static struct session sessions[MAX_SESSIONS];
static u32 next_session_id = 1;
static u32 sec_caps;
static bool shm_cache_enabled;
static u16 clients[MAX_CLIENTS];	/* guests announced by VM_CREATED */

/* What happened, printed at power-off (evidence for the bench's log). */
static struct {
	u64 calls, thread_limit, rpc[6], resume_bad;
	u64 by_fid[3];		/* CALL_WITH_ARG, _RPC_ARG, _REGD_ARG */
} stats;

u64 optee_shm_base, optee_shm_size;

static const struct ta *const tas[] = {
	&ta_arith, &ta_memref, &ta_sha256, &ta_kv, &ta_rpc, &ta_long, &ta_bad,
	&ta_device, &ta_rng, &ta_stats, &ta_notif,
};

/*
 * Options from the fw_cfg file "opt/kvmlite/optee" (scripts/vm-run --fw-cfg),
 * words separated by '+', ' ' or ',', to test the drivers' other paths:
 *   no-rpc-arg       no OPTEE_SMC_SEC_CAP_RPC_ARG: RPC args come from RPC ALLOC
 *   no-dynamic-shm   no OPTEE_SMC_SEC_CAP_DYNAMIC_SHM: the reserved pool only
 *   no-memref-null   no OPTEE_SMC_SEC_CAP_MEMREF_NULL
 *   no-thread-count  GET_THREAD_COUNT unknown: callers meet ETHREAD_LIMIT
 *   no-async-notif   no OPTEE_SMC_SEC_CAP_ASYNC_NOTIF: notifications by RPC
 *   no-virtualization no OPTEE_SMC_SEC_CAP_VIRTUALIZATION: a7 ignored, one
 *                    partition for everyone
 *   hostile[=SEED]   random bent replies (hostile.c), SEED in hex
 *   supp-rpc-in-register  every REGISTER_SHM first sends tee-supplicant a
 *                    request (command SUPP_RPC_PROBE_CMD, which it does not
 *                    know) and ignores the answer: a driver must not wait for
 *                    a supplicant that is not running when it registers its
 *                    own buffers (at probe, before anyone could start one)
 */
#define SUPP_RPC_PROBE_CMD	0x7e
static bool no_thread_count, supp_rpc_in_register;

static void read_options(void)
{
	static const struct { const char *word; u32 cap; } opts[] = {
		{ "no-rpc-arg", OPTEE_SMC_SEC_CAP_RPC_ARG },
		{ "no-dynamic-shm", OPTEE_SMC_SEC_CAP_DYNAMIC_SHM },
		{ "no-memref-null", OPTEE_SMC_SEC_CAP_MEMREF_NULL },
		{ "no-async-notif", OPTEE_SMC_SEC_CAP_ASYNC_NOTIF },
		{ "no-virtualization", OPTEE_SMC_SEC_CAP_VIRTUALIZATION },
		{ "no-thread-count", 0 },
	};
	char buf[128], *w, *p;
	u16 key;
	u32 size, i;

	if (!fwcfg_find("opt/kvmlite/optee", &key, &size))
		return;
	size = min_u64(size, sizeof(buf) - 1);
	fwcfg_read(key, (unsigned long)buf, size);
	buf[size] = 0;
	for (p = buf; *p; ) {
		while (*p == '+' || *p == ' ' || *p == ',' || *p == '\n')
			p++;
		w = p;
		while (*p && *p != '+' && *p != ' ' && *p != ',' && *p != '\n')
			p++;
		if (*p)
			*p++ = 0;
		if (!*w)
			continue;
		if (!strcmp(w, "supp-rpc-in-register")) {
			supp_rpc_in_register = true;
			continue;
		}
		if (!strncmp(w, "hostile", 7) && (!w[7] || w[7] == '=')) {
			u64 seed = 0;

			for (w += 7 + !!w[7]; *w; w++)
				seed = seed * 16 + (*w <= '9' ? *w - '0' : (*w | 0x20) - 'a' + 10);
			hostile_init(seed);
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(opts); i++) {
			if (!strcmp(w, opts[i].word)) {
				sec_caps &= ~opts[i].cap;
				if (!opts[i].cap)
					no_thread_count = true;
				break;
			}
		}
		if (i == ARRAY_SIZE(opts))
			printf("fw: unknown option '%s'\n", w);
	}
}

void optee_init(void)
{
	optee_shm_size = RESERVED_SHM_SIZE;
	optee_shm_base = ns_ram_end - RESERVED_SHM_SIZE;
	sec_caps = OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM | OPTEE_SMC_SEC_CAP_DYNAMIC_SHM |
		   OPTEE_SMC_SEC_CAP_MEMREF_NULL | OPTEE_SMC_SEC_CAP_RPC_ARG |
		   OPTEE_SMC_SEC_CAP_ASYNC_NOTIF | OPTEE_SMC_SEC_CAP_VIRTUALIZATION;
	read_options();
	notif_init(sec_caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF);
	printf("fw: OP-TEE ABI: %d threads%s, caps %x, reserved shm %lx+%lx\n",
	       NUM_THREADS, no_thread_count ? " (count not told)" : "", sec_caps,
	       optee_shm_base, optee_shm_size);
}

static struct sthread *self(void)
{
	return cur_thread[cpu_index()];
}

u64 now_ms(void)
{
	u64 f = read_sysreg(cntfrq_el0);

	return f ? read_sysreg(cntpct_el0) / (f / 1000) : 0;
}

/* ---- normal-world buffers ---- */

static bool add_ok(u64 a, u64 b, u64 limit)
{
	return a <= limit && b <= limit - a;
}

static bool nsbuf_copy(const struct nsbuf *b, u64 off, void *sec, u64 len, bool write)
{
	u8 *p = sec;

	if (!add_ok(off, len, b->size))
		return false;
	if (!b->pages) {
		if (write)
			memcpy((void *)(unsigned long)(b->pa + off), sec, len);
		else
			memcpy(sec, (const void *)(unsigned long)(b->pa + off), len);
		return true;
	}
	off += b->pa;
	while (len) {
		u64 chunk = min_u64(len, PAGE_SZ - (off & (PAGE_SZ - 1)));
		u64 pa = b->pages[off / PAGE_SZ] + (off & (PAGE_SZ - 1));

		if (write)
			memcpy((void *)(unsigned long)pa, p, chunk);
		else
			memcpy(p, (const void *)(unsigned long)pa, chunk);
		p += chunk;
		off += chunk;
		len -= chunk;
	}
	return true;
}

bool nsbuf_read(const struct nsbuf *b, u64 off, void *dst, u64 len)
{
	return nsbuf_copy(b, off, dst, len, false);
}

bool nsbuf_write(const struct nsbuf *b, u64 off, const void *src, u64 len)
{
	return nsbuf_copy(b, off, (void *)src, len, true);
}

/*
 * Read a non-contiguous page list (OPTEE_MSG_ATTR_NONCONTIG) at @list_pa
 * (low 12 bits: offset of the data in the first page) describing @size
 * bytes into @dst (at most @max entries). Every page is checked.
 */
static bool read_page_list(u64 list_pa, u64 size, u64 *dst, u32 max, u32 *npages)
{
	u64 offset = list_pa & (PAGE_SZ - 1), list = list_pa & ~(u64)(PAGE_SZ - 1);
	u64 n, i, slot = 0;

	if (!size || size > (u64)max * PAGE_SZ)
		return false;
	n = (offset + size + PAGE_SZ - 1) / PAGE_SZ;
	if (n > max || !ns_range_ok(list, PAGE_SZ))
		return false;
	for (i = 0; i < n; i++) {
		u64 page;

		if (slot == PAGELIST_ENTRIES) {
			/* last entry of a list page: the next list page */
			list = rd64(list + PAGELIST_ENTRIES * 8);
			if ((list & (PAGE_SZ - 1)) || !ns_range_ok(list, PAGE_SZ))
				return false;
			slot = 0;
		}
		page = rd64(list + slot++ * 8);
		if ((page & (PAGE_SZ - 1)) || !ns_range_ok(page, PAGE_SZ))
			return false;
		dst[i] = page;
	}
	*npages = n;
	return true;
}

/* ---- registered shared memory ---- */

static struct shm *shm_find(u16 client, u64 cookie)
{
	int i;

	for (i = 0; i < MAX_SHM; i++)
		if (shms[i].used && !shms[i].dead && shms[i].client == client &&
		    shms[i].cookie == cookie)
			return &shms[i];
	return NULL;
}

static void shm_put_locked(struct shm *s)
{
	u32 i;

	if (--s->refs)
		return;
	for (i = 0; i < s->npages; i++)
		shm_page_used[s->first + i] = 0;
	s->used = false;
}

static u32 shm_register(u64 cookie, u64 list_pa, u64 size)
{
	struct sthread *t = self();
	struct shm *s = NULL;
	u32 n, i, run = 0, first = 0;

	if (!read_page_list(list_pa, size, t->pages, THREAD_PAGES, &n))
		return TEEC_ERROR_BAD_PARAMETERS;
	spin_lock(&tee_lock);
	if (shm_find(t->client, cookie))
		goto bad;
	for (i = 0; i < MAX_SHM; i++) {
		if (!shms[i].used) {
			s = &shms[i];
			break;
		}
	}
	for (i = 0; s && i < SHM_POOL_PAGES && run < n; i++) {
		if (shm_page_used[i])
			run = 0;
		else if (run++ == 0)
			first = i;
	}
	if (!s || run < n) {
		spin_unlock(&tee_lock);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	for (i = 0; i < n; i++) {
		shm_page_used[first + i] = 1;
		shm_pages[first + i] = t->pages[i];
	}
	*s = (struct shm){ .cookie = cookie, .offset = list_pa & (PAGE_SZ - 1),
			   .size = size, .first = first, .npages = n, .refs = 1,
			   .client = t->client, .used = true };
	spin_unlock(&tee_lock);
	return TEEC_SUCCESS;
bad:
	spin_unlock(&tee_lock);
	return TEEC_ERROR_BAD_PARAMETERS;
}

static u32 shm_unregister(u16 client, u64 cookie)
{
	struct shm *s;
	u32 ret = TEEC_SUCCESS;

	spin_lock(&tee_lock);
	s = shm_find(client, cookie);
	if (!s)
		ret = TEEC_ERROR_ITEM_NOT_FOUND;
	else if (s->refs > 1)
		ret = TEEC_ERROR_BUSY;	/* a call is using it */
	else
		shm_put_locked(s);
	spin_unlock(&tee_lock);
	return ret;
}

/* Take a reference on a registered shm for the current call. */
static struct shm *shm_get(struct sthread *t, u64 cookie)
{
	struct shm *s;

	if (t->nshm_refs == MAX_SHM_REFS)
		return NULL;
	spin_lock(&tee_lock);
	s = shm_find(t->client, cookie);
	if (s) {
		s->refs++;
		t->shm_refs[t->nshm_refs++] = s;
	}
	spin_unlock(&tee_lock);
	return s;
}

static void shm_put_all(struct sthread *t)
{
	spin_lock(&tee_lock);
	while (t->nshm_refs)
		shm_put_locked(t->shm_refs[--t->nshm_refs]);
	spin_unlock(&tee_lock);
}

static void shm_nsbuf(const struct shm *s, u64 offs, u64 size, struct nsbuf *b)
{
	b->pages = &shm_pages[s->first];
	b->pa = s->offset + offs;
	b->size = size;
}

/* ---- sessions ---- */

static struct session *session_get(u16 client, u32 id)
{
	struct session *s = NULL;
	int i;

	spin_lock(&tee_lock);
	for (i = 0; i < MAX_SESSIONS; i++) {
		if (sessions[i].used && sessions[i].open && sessions[i].s.id == id &&
		    sessions[i].client == client) {
			s = &sessions[i];
			s->refs++;
			break;
		}
	}
	spin_unlock(&tee_lock);
	return s;
}

static void session_put(struct session *s)
{
	bool last;

	spin_lock(&tee_lock);
	last = --s->refs == 0;
	spin_unlock(&tee_lock);
	if (!last)
		return;
	if (s->s.ta->close)
		s->s.ta->close(&s->s);
	spin_lock(&tee_lock);
	s->used = false;
	spin_unlock(&tee_lock);
}

/* ---- threads and RPCs ---- */

/* Give the CPU back to the SMC handler with out[] as the result. */
static void thread_yield(struct sthread *t, u32 kind)
{
	t->yield = kind;
	ctx_switch(&t->ctx, t->caller);
}

static void rpc(struct sthread *t, u64 a0, u64 a1, u64 a2)
{
	u32 f = a0 & 0xffff;

	/* rpc[1] (unused by the ABI) counts unknown functions */
	__atomic_add_fetch(&stats.rpc[f <= 5 && f != 3 ? f : 1], 1, __ATOMIC_RELAXED);
	t->out[0] = a0;
	t->out[1] = a1;
	t->out[2] = a2;
	t->out[3] = THREAD_TOKEN | (t - threads);
	thread_yield(t, Y_RPC);
}

void rpc_foreign_intr(void)
{
	struct sthread *t = self();

	rpc(t, OPTEE_SMC_RPC_FOREIGN_INTR, 0, 0);
}

u64 rpc_alloc(u64 size, u64 *cookie)
{
	struct sthread *t = self();
	u64 pa;

	rpc(t, OPTEE_SMC_RPC_ALLOC, size, 0);
	pa = (t->in[1] << 32) | (u32)t->in[2];
	*cookie = (t->in[4] << 32) | (u32)t->in[5];
	if (!pa)
		return 0;
	if (!ns_range_ok(pa, size)) {
		printf("fw: RPC_ALLOC returned a bad address %lx\n", pa);
		rpc_free(*cookie);
		return 0;
	}
	return pa;
}

void rpc_free(u64 cookie)
{
	rpc(self(), OPTEE_SMC_RPC_FREE, cookie >> 32, (u32)cookie);
}

/*
 * An RPC command: header @h, then RPC_MAX_PARAMS parameters at most (@num
 * written, read back). h->num_params is sent as it is.
 */
static u32 rpc_cmd_send(const struct optee_msg_arg *h, struct optee_msg_param *params,
			u32 num)
{
	struct sthread *t = self();
	struct {
		struct optee_msg_arg a;
		struct optee_msg_param p[RPC_MAX_PARAMS];
	} m;
	struct nsbuf b;
	u64 off, cookie = 0;

	if (num > RPC_MAX_PARAMS)
		return TEEC_ERROR_BAD_PARAMETERS;
	if (t->have_rpc_arg) {
		b = t->argbuf;
		off = t->rpc_off;
	} else {
		if (!t->rpcbuf_pa) {
			t->rpcbuf_pa = rpc_alloc(MSG_ARG_SIZE(RPC_MAX_PARAMS), &t->rpcbuf_cookie);
			if (!t->rpcbuf_pa)
				return TEEC_ERROR_OUT_OF_MEMORY;
		}
		b = (struct nsbuf){ .pa = t->rpcbuf_pa, .size = MSG_ARG_SIZE(RPC_MAX_PARAMS) };
		off = 0;
		cookie = t->rpcbuf_cookie;
	}
	memset(&m, 0, sizeof(m));
	m.a = *h;
	memcpy(m.p, params, num * sizeof(*params));
	if (!nsbuf_write(&b, off, &m, MSG_ARG_SIZE(num)))
		return TEEC_ERROR_COMMUNICATION;
	rpc(t, OPTEE_SMC_RPC_CMD, cookie >> 32, (u32)cookie);
	if (!nsbuf_read(&b, off, &m, MSG_ARG_SIZE(num)))
		return TEEC_ERROR_COMMUNICATION;
	memcpy(params, m.p, num * sizeof(*params));
	return m.a.ret;
}

u32 rpc_cmd(u32 cmd, u32 num, struct optee_msg_param *params)
{
	struct optee_msg_arg h = { .cmd = cmd, .num_params = num };

	return rpc_cmd_send(&h, params, num);
}

u32 rpc_cmd_raw(const struct optee_msg_arg *h, struct optee_msg_param *p)
{
	return rpc_cmd_send(h, p, RPC_MAX_PARAMS);
}

void rpc_raw(u64 a0, u64 a1, u64 a2)
{
	rpc(self(), a0, a1, a2);
}

bool rpc_param_to_nsbuf(const struct optee_msg_param *mp, struct nsbuf *b, u64 *pages, u32 max)
{
	u32 type = mp->attr & OPTEE_MSG_ATTR_TYPE_MASK, n;

	if (type < OPTEE_MSG_ATTR_TMEM_INPUT || type > OPTEE_MSG_ATTR_TMEM_INOUT)
		return false;
	if (mp->attr & OPTEE_MSG_ATTR_NONCONTIG) {
		if (!read_page_list(mp->u.tmem.buf_ptr, mp->u.tmem.size, pages, max, &n))
			return false;
		b->pages = pages;
		b->pa = mp->u.tmem.buf_ptr & (PAGE_SZ - 1);
	} else {
		if (!mp->u.tmem.size || !ns_range_ok(mp->u.tmem.buf_ptr, mp->u.tmem.size))
			return false;
		b->pages = NULL;
		b->pa = mp->u.tmem.buf_ptr;
	}
	b->size = mp->u.tmem.size;
	return true;
}

bool ta_cancelled(void)
{
	return READ_ONCE(self()->cancelled);
}

void ta_set_malformed(u32 mode)
{
	self()->malformed = mode + 1;
}

void ta_bad_rpc(u32 func)
{
	rpc(self(), OPTEE_SMC_RPC(func), 0, 0);
}

bool ta_types(const struct ta_param *p, u32 t0, u32 t1, u32 t2, u32 t3)
{
	return p[0].type == t0 && p[1].type == t1 && p[2].type == t2 && p[3].type == t3;
}

/* ---- the message layer ---- */

/* Message params (after the meta ones) to TA params; TEEC result. */
static u32 params_in(struct sthread *t, const struct optee_msg_param *mp, u32 n,
		     struct ta_param *p)
{
	u32 i;

	memset(p, 0, TA_NUM_PARAMS * sizeof(*p));
	if (n > TA_NUM_PARAMS)
		return TEEC_ERROR_BAD_PARAMETERS;
	for (i = 0; i < n; i++, mp++, p++) {
		u32 type = mp->attr & OPTEE_MSG_ATTR_TYPE_MASK;
		struct shm *s;
		u32 np;

		if (mp->attr & ~(u64)(OPTEE_MSG_ATTR_TYPE_MASK | OPTEE_MSG_ATTR_NONCONTIG |
				      (7u << 16)))
			return TEEC_ERROR_BAD_PARAMETERS;
		switch (type) {
		case OPTEE_MSG_ATTR_NONE:
			break;
		case OPTEE_MSG_ATTR_VALUE_INPUT ... OPTEE_MSG_ATTR_VALUE_INOUT:
			p->type = type;
			p->a = mp->u.value.a;
			p->b = mp->u.value.b;
			p->c = mp->u.value.c;
			break;
		case OPTEE_MSG_ATTR_TMEM_INPUT ... OPTEE_MSG_ATTR_TMEM_INOUT:
			p->type = type - OPTEE_MSG_ATTR_TMEM_INPUT + P_MIN;
			p->mem.size = mp->u.tmem.size;
			p->size = mp->u.tmem.size;
			if (mp->attr & OPTEE_MSG_ATTR_NONCONTIG) {
				if (!read_page_list(mp->u.tmem.buf_ptr, mp->u.tmem.size,
						    t->pages + t->npages_used,
						    THREAD_PAGES - t->npages_used, &np))
					return TEEC_ERROR_BAD_PARAMETERS;
				p->mem.pages = t->pages + t->npages_used;
				p->mem.pa = mp->u.tmem.buf_ptr & (PAGE_SZ - 1);
				t->npages_used += np;
			} else if (!mp->u.tmem.buf_ptr) {
				p->null = true;	/* OPTEE_SMC_SEC_CAP_MEMREF_NULL */
				p->mem.size = 0;
			} else {
				if (!ns_range_ok(mp->u.tmem.buf_ptr, mp->u.tmem.size))
					return TEEC_ERROR_BAD_PARAMETERS;
				p->mem.pa = mp->u.tmem.buf_ptr;
			}
			break;
		case OPTEE_MSG_ATTR_RMEM_INPUT ... OPTEE_MSG_ATTR_RMEM_INOUT:
			p->type = type - OPTEE_MSG_ATTR_RMEM_INPUT + P_MIN;
			s = shm_get(t, mp->u.rmem.shm_ref);
			if (!s || !add_ok(mp->u.rmem.offs, mp->u.rmem.size, s->size))
				return TEEC_ERROR_BAD_PARAMETERS;
			shm_nsbuf(s, mp->u.rmem.offs, mp->u.rmem.size, &p->mem);
			p->size = mp->u.rmem.size;
			break;
		default:
			return TEEC_ERROR_BAD_PARAMETERS;
		}
	}
	return TEEC_SUCCESS;
}

/* Results back into the message params: output values and memref sizes. */
static void params_out(struct optee_msg_param *mp, u32 n, const struct ta_param *p)
{
	u32 i;

	for (i = 0; i < n && i < TA_NUM_PARAMS; i++, mp++, p++) {
		switch (p->type) {
		case P_VOUT:
		case P_VINOUT:
			mp->u.value.a = p->a;
			mp->u.value.b = p->b;
			mp->u.value.c = p->c;
			break;
		case P_MOUT:
		case P_MINOUT:
			/* tmem.size and rmem.size are the same field */
			mp->u.tmem.size = p->size;
			break;
		}
	}
}

static const struct ta *find_ta(const void *uuid)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(tas); i++)
		if (!memcmp(tas[i]->uuid, uuid, 16))
			return tas[i];
	return NULL;
}

#define META_VALUE_IN	(OPTEE_MSG_ATTR_VALUE_INPUT | OPTEE_MSG_ATTR_META)

static void msg_open(struct sthread *t, struct optee_msg_arg *a, struct optee_msg_param *mp)
{
	struct ta_param p[TA_NUM_PARAMS];
	const struct ta *ta;
	struct session *s = NULL;
	u32 i, ret;

	a->ret_origin = TEEC_ORIGIN_TEE;
	if (a->num_params < 2 || mp[0].attr != META_VALUE_IN || mp[1].attr != META_VALUE_IN) {
		a->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	ta = find_ta(&mp[0].u.value);
	if (!ta) {
		a->ret = TEEC_ERROR_ITEM_NOT_FOUND;
		return;
	}
	ret = params_in(t, mp + 2, a->num_params - 2, p);
	if (ret) {
		a->ret = ret;
		return;
	}
	spin_lock(&tee_lock);
	for (i = 0; i < MAX_SESSIONS; i++) {
		if (!sessions[i].used) {
			s = &sessions[i];
			*s = (struct session){ .used = true, .refs = 1, .client = t->client };
			s->s.id = next_session_id++;
			if (!next_session_id)
				next_session_id = 1;
			break;
		}
	}
	spin_unlock(&tee_lock);
	if (!s) {
		a->ret = TEEC_ERROR_OUT_OF_MEMORY;
		return;
	}
	s->s.ta = ta;
	s->s.login = mp[1].u.value.c;
	memcpy(s->s.client, &mp[1].u.value, 16);
	t->sess = s;
	ret = ta->open ? ta->open(&s->s, p) : TEEC_SUCCESS;
	t->sess = NULL;
	a->ret_origin = TEEC_ORIGIN_TRUSTED_APP;
	a->ret = ret;
	params_out(mp + 2, a->num_params - 2, p);
	if (ret) {
		spin_lock(&tee_lock);
		s->used = false;
		spin_unlock(&tee_lock);
		return;
	}
	spin_lock(&tee_lock);
	s->open = true;
	spin_unlock(&tee_lock);
	a->session = s->s.id;
}

static void msg_invoke(struct sthread *t, struct optee_msg_arg *a, struct optee_msg_param *mp)
{
	struct ta_param p[TA_NUM_PARAMS];
	struct session *s;
	u32 ret;

	a->ret_origin = TEEC_ORIGIN_TEE;
	s = session_get(t->client, a->session);
	if (!s) {
		a->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	ret = params_in(t, mp, a->num_params, p);
	if (ret) {
		a->ret = ret;
		session_put(s);
		return;
	}
	t->sess = s;
	t->cancel_id = a->cancel_id;
	ret = s->s.ta->invoke(&s->s, a->func, p);
	t->sess = NULL;
	a->ret = ret;
	a->ret_origin = TEEC_ORIGIN_TRUSTED_APP;
	params_out(mp, a->num_params, p);
	session_put(s);
}

/* The table's reference to an open session goes (under tee_lock). */
static void session_close_locked(struct session *s)
{
	s->open = false;
	s->refs--;
}

static void msg_close(struct sthread *t, struct optee_msg_arg *a)
{
	struct session *s = session_get(t->client, a->session);

	a->ret_origin = TEEC_ORIGIN_TEE;
	if (!s) {
		a->ret = TEEC_ERROR_BAD_PARAMETERS;
		return;
	}
	spin_lock(&tee_lock);
	session_close_locked(s);	/* ours remains */
	spin_unlock(&tee_lock);
	session_put(s);
	a->ret = TEEC_SUCCESS;
}

static void msg_cancel(struct sthread *t, struct optee_msg_arg *a)
{
	int i;

	spin_lock(&tee_lock);
	for (i = 0; i < NUM_THREADS; i++) {
		struct sthread *o = &threads[i];

		if (o->state != T_FREE && o->client == t->client && o->sess &&
		    o->sess->s.id == a->session &&
		    o->cancel_id == a->cancel_id)
			WRITE_ONCE(o->cancelled, true);
	}
	spin_unlock(&tee_lock);
	a->ret = TEEC_SUCCESS;
	a->ret_origin = TEEC_ORIGIN_TEE;
}

/* Malformed replies for the drivers' validation tests (TA "bad"). */
static void apply_malformed(struct sthread *t, struct optee_msg_arg *a,
			    struct optee_msg_param *mp)
{
	u32 mode = t->malformed - 1;

	t->malformed = 0;
	if (a->num_params < 2)
		return;
	switch (mode) {
	case 0:		/* TA_BAD_CMD_SIZE_OVER */
		mp[0].u.tmem.size += 4096;
		break;
	case 1:		/* TA_BAD_CMD_BAD_ATTR */
		mp[1].attr = 0x42;
		break;
	case 2:		/* TA_BAD_CMD_NUM_PARAMS */
		a->num_params = 200;
		break;
	case 3:		/* TA_BAD_CMD_BAD_SHM_REF */
		mp[0].u.rmem.shm_ref ^= 0x5a5a000000000000ULL;
		break;
	case 5:		/* TA_BAD_CMD_BAD_ORIGIN */
		a->ret_origin = 0x42;
		break;
	case 7:		/* TA_BAD_CMD_BAD_OFFSET */
		mp[0].u.rmem.offs += mp[0].u.rmem.size + 8;
		break;
	}
}

/* REGISTER_SHM; with supp-rpc-in-register, after a request for tee-supplicant. */
static u32 register_msg(const struct optee_msg_param *mp)
{
	struct optee_msg_param p = {
		.attr = OPTEE_MSG_ATTR_VALUE_INPUT,
		.u.value = { .a = mp->u.tmem.shm_ref },
	};

	if (supp_rpc_in_register)
		rpc_cmd(SUPP_RPC_PROBE_CMD, 1, &p);	/* any answer will do */
	return shm_register(mp->u.tmem.shm_ref, mp->u.tmem.buf_ptr, mp->u.tmem.size);
}

/* One yielding call: find, copy in, run and write back the message. */
static u32 handle_call(struct sthread *t)
{
	struct {
		struct optee_msg_arg a;
		struct optee_msg_param p[MAX_MSG_PARAMS];
	} m;
	u32 fid = (u32)t->in[0], n;
	u64 ptr = (t->in[1] << 32) | (u32)t->in[2];
	struct shm *s;

	t->have_rpc_arg = false;
	if (fid == OPTEE_SMC_CALL_WITH_REGD_ARG) {
		s = shm_get(t, ptr);
		if (!s)
			return OPTEE_SMC_RETURN_EBADADDR;
		shm_nsbuf(s, 0, s->size, &t->argbuf);
		t->argoff = (u32)t->in[3];
	} else {
		if (!ns_range_ok(ptr, sizeof(m.a)))
			return OPTEE_SMC_RETURN_EBADADDR;
		t->argbuf = (struct nsbuf){ .pa = ptr, .size = ns_ram_end - ptr };
		t->argoff = 0;
	}
	if (!nsbuf_read(&t->argbuf, t->argoff, &m.a, sizeof(m.a)))
		return OPTEE_SMC_RETURN_EBADADDR;
	n = m.a.num_params;
	if (n > MAX_MSG_PARAMS) {
		/* Too many parameters: answer in the header only. */
		m.a.ret = TEEC_ERROR_BAD_PARAMETERS;
		m.a.ret_origin = TEEC_ORIGIN_TEE;
		nsbuf_write(&t->argbuf, t->argoff, &m.a, sizeof(m.a));
		return OPTEE_SMC_RETURN_OK;
	}
	if (!nsbuf_read(&t->argbuf, t->argoff, &m, MSG_ARG_SIZE(n)))
		return OPTEE_SMC_RETURN_EBADADDR;
	if (fid != OPTEE_SMC_CALL_WITH_ARG) {
		if (!(sec_caps & OPTEE_SMC_SEC_CAP_RPC_ARG))
			return OPTEE_SMC_RETURN_EBADCMD;
		t->rpc_off = t->argoff + MSG_ARG_SIZE(n);
		if (!add_ok(t->rpc_off, MSG_ARG_SIZE(RPC_ARG_PARAMS), t->argbuf.size))
			return OPTEE_SMC_RETURN_EBADADDR;
		t->have_rpc_arg = true;
	}

	m.a.ret = TEEC_SUCCESS;
	m.a.ret_origin = TEEC_ORIGIN_TEE;
	if (hostile_roll(8))
		hostile_rpcs();
	switch (m.a.cmd) {
	case OPTEE_MSG_CMD_OPEN_SESSION:
		msg_open(t, &m.a, m.p);
		break;
	case OPTEE_MSG_CMD_INVOKE_COMMAND:
		msg_invoke(t, &m.a, m.p);
		break;
	case OPTEE_MSG_CMD_CLOSE_SESSION:
		msg_close(t, &m.a);
		break;
	case OPTEE_MSG_CMD_CANCEL:
		msg_cancel(t, &m.a);
		break;
	case OPTEE_MSG_CMD_REGISTER_SHM:
		/* as OP-TEE built without dynamic shm: not offered, not done */
		if (!(sec_caps & OPTEE_SMC_SEC_CAP_DYNAMIC_SHM))
			m.a.ret = TEEC_ERROR_NOT_SUPPORTED;
		else if (n != 1 ||
			 m.p[0].attr != (OPTEE_MSG_ATTR_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG))
			m.a.ret = TEEC_ERROR_BAD_PARAMETERS;
		else
			m.a.ret = register_msg(&m.p[0]);
		break;
	case OPTEE_MSG_CMD_UNREGISTER_SHM:
		if (n != 1 || m.p[0].attr != OPTEE_MSG_ATTR_RMEM_INPUT)
			m.a.ret = TEEC_ERROR_BAD_PARAMETERS;
		else
			m.a.ret = shm_unregister(t->client, m.p[0].u.rmem.shm_ref);
		break;
	case OPTEE_MSG_CMD_DO_BOTTOM_HALF:
	case OPTEE_MSG_CMD_STOP_ASYNC_NOTIF:
		if (!(sec_caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF))
			return OPTEE_SMC_RETURN_EBADCMD;
		if (m.a.cmd == OPTEE_MSG_CMD_DO_BOTTOM_HALF)
			notif_bottom_half();
		else
			notif_stop();
		break;
	default:
		return OPTEE_SMC_RETURN_EBADCMD;
	}
	if (t->malformed)
		apply_malformed(t, &m.a, m.p);
	if (hostile_roll(4))
		hostile_reply(&m.a, m.p, n);
	if (!nsbuf_write(&t->argbuf, t->argoff, &m, MSG_ARG_SIZE(n)))
		return OPTEE_SMC_RETURN_EBADADDR;
	return OPTEE_SMC_RETURN_OK;
}

[[gnu::noreturn]] static void thread_main(struct sthread *t)
{
	u32 res;

	t->nshm_refs = 0;
	t->npages_used = 0;
	t->malformed = 0;
	/* A guest's RPC arguments never go to a buffer of the host's. */
	if (t->client) {
		t->host_rpcbuf_pa = t->rpcbuf_pa;
		t->host_rpcbuf_cookie = t->rpcbuf_cookie;
		t->rpcbuf_pa = 0;
	}
	res = handle_call(t);
	shm_put_all(t);
	/* The RPC argument buffer is cached for the next call if enabled. */
	if (t->rpcbuf_pa && (!shm_cache_enabled || t->client)) {
		rpc_free(t->rpcbuf_cookie);
		t->rpcbuf_pa = 0;
	}
	if (t->client) {
		t->rpcbuf_pa = t->host_rpcbuf_pa;
		t->rpcbuf_cookie = t->host_rpcbuf_cookie;
	}
	t->out[0] = res;
	t->out[1] = 0;
	t->out[2] = 0;
	t->out[3] = 0;
	if (hostile_roll(16))
		hostile_call_end(t->out);
	thread_yield(t, Y_DONE);
	panic("finished thread resumed");
}

/* Run (or resume) @t on this CPU until it finishes or makes an RPC. */
static void run_thread(struct sthread *t, struct regs *r)
{
	struct ctx here;
	u64 idx = cpu_index();
	int i;

	t->caller = &here;
	cur_thread[idx] = t;
	ctx_switch(&here, &t->ctx);
	cur_thread[idx] = NULL;
	for (i = 0; i < 4; i++)
		r->x[i] = t->out[i];
	spin_lock(&tee_lock);
	t->state = t->yield == Y_DONE ? T_FREE : T_SUSPENDED;
	spin_unlock(&tee_lock);
}

/* The caller's client id: a7 with virtualization, else the host's. */
static u16 caller(const struct regs *r)
{
	return sec_caps & OPTEE_SMC_SEC_CAP_VIRTUALIZATION ? (u16)r->x[7] : 0;
}

/* Under tee_lock: is @id the host or a guest announced by VM_CREATED? */
static bool client_known_locked(u16 id)
{
	int i;

	for (i = 0; id && i < MAX_CLIENTS; i++)
		if (clients[i] == id)
			return true;
	return !id;
}

static void std_call(struct regs *r)
{
	struct sthread *t = NULL;
	u16 client = caller(r);
	int i;

	spin_lock(&tee_lock);
	if (!client_known_locked(client)) {
		spin_unlock(&tee_lock);
		r->x[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
		return;
	}
	for (i = 0; i < NUM_THREADS; i++) {
		if (threads[i].state == T_FREE) {
			t = &threads[i];
			t->state = T_RUNNING;
			t->client = client;
			break;
		}
	}
	spin_unlock(&tee_lock);
	if (!t) {
		__atomic_add_fetch(&stats.thread_limit, 1, __ATOMIC_RELAXED);
		r->x[0] = OPTEE_SMC_RETURN_ETHREAD_LIMIT;
		return;
	}
	__atomic_add_fetch(&stats.calls, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&stats.by_fid[(u32)r->x[0] == OPTEE_SMC_CALL_WITH_ARG ? 0 :
					 (u32)r->x[0] == OPTEE_SMC_CALL_WITH_RPC_ARG ? 1 : 2],
			   1, __ATOMIC_RELAXED);
	for (i = 0; i < 8; i++)
		t->in[i] = (u32)r->x[i];
	WRITE_ONCE(t->cancelled, false);
	t->sess = NULL;
	memset(&t->ctx, 0, sizeof(t->ctx));
	t->ctx.x19_x29[0] = (unsigned long)thread_main;
	t->ctx.x19_x29[1] = (unsigned long)t;
	t->ctx.lr = (unsigned long)ctx_trampoline;
	t->ctx.sp = (unsigned long)(t->stack + THREAD_STACK_SIZE) & ~15UL;
	run_thread(t, r);
}

static void return_from_rpc(struct regs *r)
{
	u32 token = (u32)r->x[3];
	struct sthread *t = NULL;
	int i;

	spin_lock(&tee_lock);
	if ((token & ~0xffu) == THREAD_TOKEN && (token & 0xff) < NUM_THREADS &&
	    threads[token & 0xff].state == T_SUSPENDED &&
	    threads[token & 0xff].client == caller(r)) {
		t = &threads[token & 0xff];
		t->state = T_RUNNING;
	}
	spin_unlock(&tee_lock);
	if (!t) {
		__atomic_add_fetch(&stats.resume_bad, 1, __ATOMIC_RELAXED);
		r->x[0] = OPTEE_SMC_RETURN_ERESUME;
		return;
	}
	for (i = 0; i < 8; i++)
		t->in[i] = (u32)r->x[i];
	run_thread(t, r);
}

/* OPTEE_SMC_VM_CREATED: a partition for guest a1 (from the host only). */
static void vm_created(struct regs *r)
{
	u16 id = (u16)r->x[1];
	int i, free = -1;

	r->x[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
	if (caller(r) || !id || id != r->x[1])
		return;
	spin_lock(&tee_lock);
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i] == id)
			free = -2;
		else if (!clients[i] && free == -1)
			free = i;
	}
	if (free >= 0) {
		clients[free] = id;
		r->x[0] = OPTEE_SMC_RETURN_OK;
	}
	spin_unlock(&tee_lock);
}

/*
 * OPTEE_SMC_VM_DESTROYED: close the guest's sessions and free its shared
 * memory. Busy while one of its calls is still in a thread: the hypervisor
 * finishes those first.
 */
static void vm_destroyed(struct regs *r)
{
	u16 id = (u16)r->x[1];
	struct session *gone[MAX_SESSIONS];
	int i, n = 0;

	r->x[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
	if (caller(r) || !id || id != r->x[1])
		return;
	spin_lock(&tee_lock);
	for (i = 0; i < MAX_CLIENTS && clients[i] != id; i++)
		;
	if (i == MAX_CLIENTS)
		goto out;
	r->x[0] = OPTEE_SMC_RETURN_EBUSY;
	for (i = 0; i < NUM_THREADS; i++)
		if (threads[i].state != T_FREE && threads[i].client == id)
			goto out;
	for (i = 0; i < MAX_SESSIONS; i++) {
		if (sessions[i].used && sessions[i].open && sessions[i].client == id) {
			session_close_locked(&sessions[i]);
			sessions[i].refs++;
			gone[n++] = &sessions[i];
		}
	}
	for (i = 0; i < MAX_SHM; i++)
		if (shms[i].used && shms[i].client == id)
			shm_put_locked(&shms[i]);
	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i] == id)
			clients[i] = 0;
	r->x[0] = OPTEE_SMC_RETURN_OK;
out:
	spin_unlock(&tee_lock);
	while (n)
		session_put(gone[--n]);
}

static void disable_shm_cache(struct regs *r)
{
	int i;

	if (hostile_roll(2)) {
		/* a buffer nobody gave us */
		r->x[0] = OPTEE_SMC_RETURN_OK;
		r->x[1] = (u32)hostile_rand();
		r->x[2] = (u32)hostile_rand();
		return;
	}
	spin_lock(&tee_lock);
	shm_cache_enabled = false;
	r->x[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
	for (i = 0; i < NUM_THREADS; i++) {
		if (threads[i].state != T_FREE) {
			r->x[0] = OPTEE_SMC_RETURN_EBUSY;
			break;
		}
		if (threads[i].rpcbuf_pa) {
			r->x[0] = OPTEE_SMC_RETURN_OK;
			r->x[1] = threads[i].rpcbuf_cookie >> 32;
			r->x[2] = (u32)threads[i].rpcbuf_cookie;
			threads[i].rpcbuf_pa = 0;
			break;
		}
	}
	spin_unlock(&tee_lock);
}

/* For the stats TA (ta_ids.h). */
void optee_get_stats(u64 calls[3], u64 *rpc_alloc, u64 *rpc_free, bool *shm_cache)
{
	int i;

	for (i = 0; i < 3; i++)
		calls[i] = __atomic_load_n(&stats.by_fid[i], __ATOMIC_RELAXED);
	*rpc_alloc = __atomic_load_n(&stats.rpc[0], __ATOMIC_RELAXED);
	*rpc_free = __atomic_load_n(&stats.rpc[2], __ATOMIC_RELAXED);
	*shm_cache = READ_ONCE(shm_cache_enabled);
}

void optee_print_stats(void)
{
	printf("fw: OP-TEE: %lu yielding calls, %lu ETHREAD_LIMIT, %lu bad resumes; RPCs: ",
	       stats.calls, stats.thread_limit, stats.resume_bad);
	printf("%lu ALLOC, %lu FREE, %lu FOREIGN_INTR, %lu CMD, %lu unknown; ",
	       stats.rpc[0], stats.rpc[2], stats.rpc[4], stats.rpc[5], stats.rpc[1]);
	printf("calls by ARG %lu, RPC_ARG %lu, REGD_ARG %lu\n",
	       stats.by_fid[0], stats.by_fid[1], stats.by_fid[2]);
}

/* Trusted OS SMCs (owner 50-63); false if the function is not ours. */
bool optee_smc(struct regs *r)
{
	u32 fid = (u32)r->x[0];
	int i;

	if (notif_smc(r))
		return true;
	switch (fid) {
	case OPTEE_SMC_CALLS_UID:
		r->x[0] = 0x384fb3e0;
		r->x[1] = 0xe7f811e3;
		r->x[2] = 0xaf630002;
		r->x[3] = 0xa5d5c51b;
		return true;
	case OPTEE_SMC_CALLS_REVISION:
		r->x[0] = 2;
		r->x[1] = 0;
		return true;
	case OPTEE_SMC_GET_OS_UUID:
		r->x[0] = 0x486178e0;
		r->x[1] = 0xe7f811e3;
		r->x[2] = 0xbc5e0002;
		r->x[3] = 0xa5d5c51b;
		return true;
	case OPTEE_SMC_GET_OS_REVISION:
		r->x[0] = 4;
		r->x[1] = 0;
		r->x[2] = 0x6b766d6c;	/* "kvml": build id */
		return true;
	case OPTEE_SMC_EXCHANGE_CAPABILITIES:
		r->x[0] = OPTEE_SMC_RETURN_OK;
		r->x[1] = sec_caps;
		r->x[2] = sec_caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF ? NOTIF_VALUE_MAX : 0;
		r->x[3] = sec_caps & OPTEE_SMC_SEC_CAP_RPC_ARG ? RPC_ARG_PARAMS : 0;
		if (hostile && r->x[3])
			r->x[3] = hostile_rand() % 64;
		return true;
	case OPTEE_SMC_GET_SHM_CONFIG:
		if (!(sec_caps & OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM)) {
			r->x[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
			return true;
		}
		r->x[0] = OPTEE_SMC_RETURN_OK;
		r->x[1] = optee_shm_base;
		r->x[2] = optee_shm_size;
		r->x[3] = OPTEE_SMC_SHM_CACHED;
		return true;
	case OPTEE_SMC_GET_THREAD_COUNT:
		if (no_thread_count) {
			r->x[0] = OPTEE_SMC_RETURN_UNKNOWN;
			return true;
		}
		r->x[0] = OPTEE_SMC_RETURN_OK;
		r->x[1] = NUM_THREADS;
		return true;
	case OPTEE_SMC_ENABLE_SHM_CACHE:
		if (caller(r)) {	/* the host's only */
			r->x[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
			return true;
		}
		spin_lock(&tee_lock);
		r->x[0] = OPTEE_SMC_RETURN_OK;
		for (i = 0; i < NUM_THREADS; i++)
			if (threads[i].state != T_FREE)
				r->x[0] = OPTEE_SMC_RETURN_EBUSY;
		if (r->x[0] == OPTEE_SMC_RETURN_OK)
			shm_cache_enabled = true;
		spin_unlock(&tee_lock);
		return true;
	case OPTEE_SMC_DISABLE_SHM_CACHE:
		if (caller(r))
			r->x[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
		else
			disable_shm_cache(r);
		return true;
	case OPTEE_SMC_VM_CREATED:
	case OPTEE_SMC_VM_DESTROYED:
		if (!(sec_caps & OPTEE_SMC_SEC_CAP_VIRTUALIZATION))
			r->x[0] = OPTEE_SMC_RETURN_UNKNOWN;
		else if (fid == OPTEE_SMC_VM_CREATED)
			vm_created(r);
		else
			vm_destroyed(r);
		return true;
	case OPTEE_SMC_CALL_WITH_ARG:
	case OPTEE_SMC_CALL_WITH_RPC_ARG:
	case OPTEE_SMC_CALL_WITH_REGD_ARG:
		std_call(r);
		return true;
	case OPTEE_SMC_RETURN_FROM_RPC:
		return_from_rpc(r);
		return true;
	default:
		r->x[0] = OPTEE_SMC_RETURN_UNKNOWN;
		return true;
	}
}
