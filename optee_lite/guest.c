// SPDX-License-Identifier: GPL-2.0
/*
 * optee_lite mediator: the OP-TEE SMCs of hypervisor guests (kvmlite VMs that
 * opted in), run against the secure world as Xen's OP-TEE mediator runs them.
 *
 * A guest speaks the OP-TEE SMC ABI with guest-physical addresses. Nothing
 * the secure world reads is guest memory: every message and every RPC
 * argument is copied into a host page (a shadow) and checked there, every
 * buffer is pinned page by page through the hypervisor's memslots and passed
 * as a host page list, every cookie the secure world sees is the mediator's
 * own. So a guest can name only its own memory, and can change nothing the
 * secure world already checked.
 *
 * Each guest is a client of its own, as with Xen: the secure world must offer
 * virtualization (OPTEE_SMC_SEC_CAP_VIRTUALIZATION); it gets VM_CREATED and
 * the guest's client id in a7 of every call, and keeps the guest's sessions
 * and memory in a partition of their own. The mediator also keeps the
 * guest's sessions and registered memory and refuses any other. A guest sees
 * OP-TEE with dynamic shared memory only: no reserved pool, no RPC arguments
 * in the call's buffer, no shared-memory cache, no asynchronous
 * notifications.
 *
 * When the guest goes, its suspended calls are driven to their end (every
 * RPC answered with a failure), its sessions closed, its memory unregistered,
 * VM_DESTROYED told, and its pages unpinned.
 *
 * One SMC of a guest at a time (the guest's mutex is held across it).
 */
#include <linux/highmem.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "optee_lite.h"
#include "optee_smc.h"
#include "mediator.h"

#define G_MAX_PARAMS	OPTEE_LITE_MAX_ARG_PARAMS
#define G_RPC_PARAMS	8		/* parameters of an RPC argument, at most */
#define G_MAX_BUF_PAGES	4096		/* 16 MiB per buffer */
#define G_MAX_PINNED	65536		/* 256 MiB per guest */
#define G_MAX_OBJS	1024		/* registered buffers and RPC arguments */
#define G_END_TRIES	1000		/* RPCs answered to end a call */

#define MSG_PAGE	OPTEE_MSG_NONCONTIG_PAGE_SIZE

static DEFINE_MUTEX(g_inst_lock);
static struct optee_lite *g_inst;	/* the instance guests use */
static DEFINE_IDA(g_ids);
/* What a secure world that failed VM_DESTROYED may still use: kept. */
static DEFINE_XARRAY_ALLOC(g_orphans);

/* Guest pages pinned for the secure world. */
struct gbuf {
	struct page **pages;
	u32 n;
	bool write;
};

enum { OBJ_SHM, OBJ_RPC_SHM, OBJ_RPC_ARG };

/*
 * What the secure world knows by a host cookie (the object's id): guest
 * memory registered (REGISTER_SHM, or given for an RPC SHM_ALLOC), or an
 * RPC argument buffer (RPC ALLOC: the guest's buffer and the host page
 * the secure world writes).
 */
struct gobj {
	u32 kind;
	u64 guest_cookie;
	struct gbuf buf;
	u64 gpa;		/* OBJ_RPC_ARG: the guest's buffer */
	u32 size;
	struct page *shadow;	/* OBJ_RPC_ARG */
	u32 users;		/* calls using a registered buffer */
};

/* One yielding call of the guest, from CALL_WITH_ARG to its end. */
struct gcall {
	struct list_head link;
	u32 token;			/* a3 of the pending RPC */
	u64 msg_gpa;
	u32 msg_size;
	struct page *shadow;		/* the message the secure world reads */
	struct optee_msg_arg *orig;	/* the guest's, as it was checked */
	struct gbuf tmp[G_MAX_PARAMS];
	struct gobj *used[G_MAX_PARAMS];
	u32 ntmp, nused;
	struct gobj *reg;		/* REGISTER_SHM: the new buffer */
	u64 reg_cookie;
	unsigned long rpc[4];		/* the pending RPC's registers */
	u64 *lists[G_MAX_PARAMS];	/* page lists of the message */
	size_t list_bytes[G_MAX_PARAMS];
	u64 *rpc_list;			/* of an RPC SHM_ALLOC reply */
	size_t rpc_list_bytes;
};

struct optee_lite_guest {
	struct optee_lite *ol;
	struct tee_context *ctx;	/* keeps the TEE device */
	const struct optee_lite_guest_mem *mem;
	void *priv;
	u16 id;
	struct mutex lock;		/* one SMC at a time; protects all */
	struct list_head calls;		/* suspended in an RPC */
	struct xarray sessions;		/* session id -> xa_mk_value(1) */
	struct xarray objs;		/* host cookie -> struct gobj */
	u32 nobjs;
	u32 pinned;
};

/* ---- the instance (core.c) ---- */

void optee_lite_guest_attach(struct optee_lite *ol)
{
	u32 need = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_VIRTUALIZATION;

	mutex_lock(&g_inst_lock);
	if (!g_inst && (ol->sec_caps & need) == need)
		g_inst = ol;
	mutex_unlock(&g_inst_lock);
}

static void obj_destroy(struct gobj *o);

void optee_lite_guest_detach(struct optee_lite *ol)
{
	unsigned long id;
	struct gobj *o;

	mutex_lock(&g_inst_lock);
	if (g_inst == ol) {
		g_inst = NULL;
		xa_for_each(&g_orphans, id, o) {
			xa_erase(&g_orphans, id);
			obj_destroy(o);
		}
	}
	mutex_unlock(&g_inst_lock);
}

/* ---- the secure world ---- */

static void sw_call(struct optee_lite_guest *g, unsigned long *a,
		    struct arm_smccc_res *res)
{
	g->ol->invoke_fn(a[0], a[1], a[2], a[3], a[4], a[5], a[6], g->id, res);
}

/* ---- guest memory ---- */

static void gbuf_unpin(struct gbuf *b)
{
	unpin_user_pages_dirty_lock(b->pages, b->n, b->write);
	kvfree(b->pages);
	*b = (struct gbuf){ };
}

static void gbuf_release(struct optee_lite_guest *g, struct gbuf *b)
{
	if (!b->pages)
		return;
	g->pinned -= b->n;
	gbuf_unpin(b);
}

static int gbuf_add(struct optee_lite_guest *g, struct gbuf *b, u64 gpa)
{
	struct page *page;

	if (g->pinned >= G_MAX_PINNED)
		return -ENOMEM;
	page = g->mem->pin(g->priv, gpa & PAGE_MASK, b->write);
	if (!page)
		return -EINVAL;		/* not the guest's memory */
	b->pages[b->n++] = page;
	g->pinned++;
	return 0;
}

/*
 * Pin a guest buffer: @npages 4 KiB pages from a contiguous guest-physical
 * range at @gpa, or (@list) from the guest's page list at @gpa (the OP-TEE
 * format: 511 page addresses, then the address of the next list page).
 */
static int gbuf_pin(struct optee_lite_guest *g, struct gbuf *b, u64 gpa,
		    u32 npages, bool list, bool write)
{
	u64 lpa = gpa & ~(u64)(MSG_PAGE - 1), entry;
	u32 i, per = MSG_PAGE / sizeof(u64) - 1;
	int r = 0;

	if (!npages || npages > G_MAX_BUF_PAGES)
		return -EINVAL;
	b->write = write;
	b->n = 0;
	b->pages = kvcalloc(npages, sizeof(*b->pages), GFP_KERNEL);
	if (!b->pages)
		return -ENOMEM;
	for (i = 0; i < npages && !r; i++) {
		if (!list) {
			r = gbuf_add(g, b, (gpa & ~(u64)(MSG_PAGE - 1)) + (u64)i * MSG_PAGE);
			continue;
		}
		if (i && i % per == 0) {
			/* the last entry: the next page of the list */
			if (g->mem->read(g->priv, lpa + per * sizeof(u64), &lpa, sizeof(lpa)) ||
			    (lpa & (MSG_PAGE - 1))) {
				r = -EINVAL;
				break;
			}
		}
		if (g->mem->read(g->priv, lpa + (i % per) * sizeof(u64), &entry, sizeof(entry)) ||
		    (entry & (MSG_PAGE - 1)))
			r = -EINVAL;
		else
			r = gbuf_add(g, b, entry);
	}
	if (r)
		gbuf_release(g, b);
	return r;
}

/* Pages of a buffer of @size bytes starting @offs into its first page. */
static u32 pages_of(u64 offs, u64 size)
{
	return size > (u64)G_MAX_BUF_PAGES * MSG_PAGE ? G_MAX_BUF_PAGES + 1 :
	       DIV_ROUND_UP(offs + size, MSG_PAGE);
}

/*
 * A guest memref (TMEM, maybe NONCONTIG) as a host page list in @hp:
 * pinned into @b; the list itself is returned through @list/@bytes.
 */
static int tmem_to_host(struct optee_lite_guest *g, const struct optee_msg_param *gp,
			struct optee_msg_param *hp, struct gbuf *b, bool write,
			u64 **list, size_t *bytes)
{
	u64 offs = gp->u.tmem.buf_ptr & (MSG_PAGE - 1);
	int r;

	if (!gp->u.tmem.buf_ptr) {		/* a NULL memref */
		hp->attr = gp->attr & ~OPTEE_MSG_ATTR_NONCONTIG;
		hp->u.tmem = (struct optee_msg_param_tmem){ .size = gp->u.tmem.size };
		return 0;
	}
	r = gbuf_pin(g, b, gp->u.tmem.buf_ptr, pages_of(offs, gp->u.tmem.size),
		     gp->attr & OPTEE_MSG_ATTR_NONCONTIG, write);
	if (r)
		return r;
	*list = optee_lite_pages_list(b->pages, b->n, offs, bytes);
	if (!*list) {
		gbuf_release(g, b);
		return -ENOMEM;
	}
	hp->attr = gp->attr | OPTEE_MSG_ATTR_NONCONTIG;
	hp->u.tmem.buf_ptr = virt_to_phys(*list) | offs;
	hp->u.tmem.size = gp->u.tmem.size;
	hp->u.tmem.shm_ref = 0;
	return 0;
}

/* ---- objects (host cookies) ---- */

static struct gobj *obj_new(struct optee_lite_guest *g, u32 kind, u64 guest_cookie,
			    u64 *host_cookie)
{
	struct gobj *o;
	u32 id;

	if (g->nobjs >= G_MAX_OBJS)
		return NULL;
	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return NULL;
	o->kind = kind;
	o->guest_cookie = guest_cookie;
	if (xa_alloc(&g->objs, &id, o, xa_limit_31b, GFP_KERNEL)) {
		kfree(o);
		return NULL;
	}
	g->nobjs++;
	*host_cookie = id;
	return o;
}

static void obj_destroy(struct gobj *o)
{
	if (o->buf.pages)
		gbuf_unpin(&o->buf);
	if (o->shadow)
		__free_page(o->shadow);
	kfree(o);
}

static void obj_free(struct optee_lite_guest *g, u64 host_cookie)
{
	struct gobj *o = xa_erase(&g->objs, host_cookie);

	if (!o)
		return;
	g->pinned -= o->buf.n;
	g->nobjs--;
	obj_destroy(o);
}

/* The guest's registered buffer @cookie: its host cookie, or 0. */
static u64 obj_by_guest_cookie(struct optee_lite_guest *g, u32 kind, u64 cookie)
{
	unsigned long id;
	struct gobj *o;

	xa_for_each(&g->objs, id, o)
		if (o->kind == kind && o->guest_cookie == cookie)
			return id;
	return 0;
}

static struct gobj *obj_get(struct optee_lite_guest *g, u32 kind, u64 host_cookie)
{
	struct gobj *o = host_cookie <= U32_MAX ? xa_load(&g->objs, host_cookie) : NULL;

	return o && o->kind == kind ? o : NULL;
}

/* Free the object @host_cookie names if it is of @kind (the secure world said so). */
static void obj_put(struct optee_lite_guest *g, u32 kind, u64 host_cookie)
{
	if (obj_get(g, kind, host_cookie))
		obj_free(g, host_cookie);
}

/* ---- calls ---- */

static void call_free(struct optee_lite_guest *g, struct gcall *c)
{
	u32 i;

	for (i = 0; i < c->ntmp; i++)
		gbuf_release(g, &c->tmp[i]);
	for (i = 0; i < c->nused; i++)
		c->used[i]->users--;
	for (i = 0; i < G_MAX_PARAMS; i++)
		if (c->lists[i])
			free_pages_exact(c->lists[i], c->list_bytes[i]);
	if (c->rpc_list)
		free_pages_exact(c->rpc_list, c->rpc_list_bytes);
	if (c->reg)
		obj_free(g, c->reg_cookie);
	if (c->shadow)
		__free_page(c->shadow);
	kfree(c->orig);
	kfree(c);
}

/* The parameters of an OPEN_SESSION or INVOKE, guest's to host's. */
static int params_to_host(struct optee_lite_guest *g, struct gcall *c,
			  const struct optee_msg_param *gp, struct optee_msg_param *hp,
			  u32 n, u32 first)
{
	u32 i, type;
	struct gobj *o;
	u64 hc;
	int r;

	for (i = 0; i < n; i++) {
		hp[i] = gp[i];
		if (i < first)
			continue;
		type = gp[i].attr & OPTEE_MSG_ATTR_TYPE_MASK;
		if (gp[i].attr & ~(u64)(OPTEE_MSG_ATTR_TYPE_MASK | OPTEE_MSG_ATTR_NONCONTIG))
			return -EINVAL;
		switch (type) {
		case OPTEE_MSG_ATTR_TYPE_NONE:
		case OPTEE_MSG_ATTR_TYPE_VALUE_INPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_INOUT:
			if (gp[i].attr & OPTEE_MSG_ATTR_NONCONTIG)
				return -EINVAL;
			break;
		case OPTEE_MSG_ATTR_TYPE_TMEM_INPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INOUT:
			if (c->ntmp == G_MAX_PARAMS)
				return -EINVAL;
			r = tmem_to_host(g, &gp[i], &hp[i], &c->tmp[c->ntmp],
					 type != OPTEE_MSG_ATTR_TYPE_TMEM_INPUT,
					 &c->lists[c->ntmp], &c->list_bytes[c->ntmp]);
			if (r)
				return r;
			c->ntmp++;
			break;
		case OPTEE_MSG_ATTR_TYPE_RMEM_INPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_INOUT:
			if (gp[i].attr & OPTEE_MSG_ATTR_NONCONTIG)
				return -EINVAL;
			hc = obj_by_guest_cookie(g, OBJ_SHM, gp[i].u.rmem.shm_ref);
			o = hc ? obj_get(g, OBJ_SHM, hc) : NULL;
			if (!o || gp[i].u.rmem.offs > o->size ||
			    gp[i].u.rmem.size > o->size - gp[i].u.rmem.offs)
				return -EINVAL;
			o->users++;
			c->used[c->nused++] = o;
			hp[i].u.rmem.shm_ref = hc;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * The guest's message at @gpa, checked and made the secure world's: the
 * shadow. Return: 0 with the call ready, -EFAULT when the message is not in
 * the guest's memory (EBADADDR), -EINVAL when it is not acceptable (the
 * guest gets TEEC_ERROR_BAD_PARAMETERS in it).
 */
static int call_prepare(struct optee_lite_guest *g, struct gcall *c)
{
	struct optee_msg_arg hdr, *h;
	struct optee_msg_param *gp;
	void *va;
	int r;

	if (offset_in_page(c->msg_gpa) + sizeof(hdr) > MSG_PAGE ||
	    g->mem->read(g->priv, c->msg_gpa, &hdr, sizeof(hdr)))
		return -EFAULT;
	if (hdr.num_params > G_MAX_PARAMS) {
		/* answered in the header, as the secure world does */
		c->orig = kmemdup(&hdr, sizeof(hdr), GFP_KERNEL);
		return c->orig ? -EINVAL : -ENOMEM;
	}
	c->msg_size = OPTEE_MSG_GET_ARG_SIZE(hdr.num_params);
	if (offset_in_page(c->msg_gpa) + c->msg_size > MSG_PAGE)
		return -EFAULT;
	c->orig = kmalloc(c->msg_size, GFP_KERNEL);
	c->shadow = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!c->orig || !c->shadow)
		return -ENOMEM;
	if (g->mem->read(g->priv, c->msg_gpa, c->orig, c->msg_size))
		return -EFAULT;
	c->orig->num_params = hdr.num_params;	/* as first read */
	h = page_address(c->shadow);
	memcpy(h, c->orig, c->msg_size);
	gp = c->orig->params;
	va = h->params;

	switch (c->orig->cmd) {
	case OPTEE_MSG_CMD_OPEN_SESSION:
		/*
		 * Two meta values: the TA's UUID, then the client's identity,
		 * which is the VM's: REE_KERNEL login, the client id as UUID.
		 */
		if (hdr.num_params < 2 ||
		    gp[0].attr != (OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META) ||
		    gp[1].attr != (OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META))
			return -EINVAL;
		r = params_to_host(g, c, gp, va, hdr.num_params, 2);
		h->params[1].u.value.a = g->id;
		h->params[1].u.value.b = 0;
		h->params[1].u.value.c = OPTEE_MSG_LOGIN_REE_KERNEL;
		return r;
	case OPTEE_MSG_CMD_INVOKE_COMMAND:
		if (!xa_load(&g->sessions, c->orig->session))
			return -EINVAL;
		return params_to_host(g, c, gp, va, hdr.num_params, 0);
	case OPTEE_MSG_CMD_CLOSE_SESSION:
	case OPTEE_MSG_CMD_CANCEL:
		if (hdr.num_params || !xa_load(&g->sessions, c->orig->session))
			return -EINVAL;
		return 0;
	case OPTEE_MSG_CMD_REGISTER_SHM: {
		struct gobj *o;
		u64 offs, hc;

		/* gp[0] exists only with num_params 1: nothing read before. */
		if (hdr.num_params != 1 ||
		    gp[0].attr != (OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG) ||
		    !gp[0].u.tmem.size ||
		    obj_by_guest_cookie(g, OBJ_SHM, gp[0].u.tmem.shm_ref))
			return -EINVAL;
		offs = gp[0].u.tmem.buf_ptr & (MSG_PAGE - 1);
		o = obj_new(g, OBJ_SHM, gp[0].u.tmem.shm_ref, &hc);
		if (!o)
			return -ENOMEM;
		c->reg = o;
		c->reg_cookie = hc;
		o->size = gp[0].u.tmem.size;
		r = gbuf_pin(g, &o->buf, gp[0].u.tmem.buf_ptr, pages_of(offs, o->size),
			     true, true);
		if (r)
			return r;
		c->lists[0] = optee_lite_pages_list(o->buf.pages, o->buf.n, offs,
						    &c->list_bytes[0]);
		if (!c->lists[0])
			return -ENOMEM;
		h->params[0].u.tmem.buf_ptr = virt_to_phys(c->lists[0]) | offs;
		h->params[0].u.tmem.shm_ref = hc;
		return 0;
	}
	case OPTEE_MSG_CMD_UNREGISTER_SHM: {
		u64 hc;

		if (hdr.num_params != 1 || gp[0].attr != OPTEE_MSG_ATTR_TYPE_RMEM_INPUT)
			return -EINVAL;
		hc = obj_by_guest_cookie(g, OBJ_SHM, gp[0].u.rmem.shm_ref);
		if (!hc || obj_get(g, OBJ_SHM, hc)->users)
			return -EINVAL;
		h->params[0].u.rmem.shm_ref = hc;
		return 0;
	}
	default:
		return -EINVAL;
	}
}

/* A finished call: results to the guest's message. */
static void call_complete(struct optee_lite_guest *g, struct gcall *c, bool write_back)
{
	struct optee_msg_arg *h = page_address(c->shadow), *o = c->orig;
	u32 i, type;

	o->ret = h->ret;
	o->ret_origin = h->ret_origin;
	for (i = 0; i < o->num_params; i++) {
		type = o->params[i].attr & OPTEE_MSG_ATTR_TYPE_MASK;
		if (o->params[i].attr & OPTEE_MSG_ATTR_META)
			continue;
		switch (type) {
		case OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_INOUT:
			o->params[i].u.value = h->params[i].u.value;
			break;
		case OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INOUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_INOUT:
			if (o->cmd != OPTEE_MSG_CMD_REGISTER_SHM)
				o->params[i].u.tmem.size = h->params[i].u.tmem.size;
			break;
		}
	}
	switch (o->cmd) {
	case OPTEE_MSG_CMD_OPEN_SESSION:
		o->session = h->session;
		if (!h->ret && xa_insert(&g->sessions, h->session, xa_mk_value(1),
					 GFP_KERNEL))
			o->ret = TEEC_ERROR_OUT_OF_MEMORY;	/* cannot track it */
		break;
	case OPTEE_MSG_CMD_CLOSE_SESSION:
		xa_erase(&g->sessions, o->session);
		break;
	case OPTEE_MSG_CMD_REGISTER_SHM:
		if (!h->ret)
			c->reg = NULL;		/* registered: kept */
		break;
	case OPTEE_MSG_CMD_UNREGISTER_SHM:
		if (!h->ret)
			obj_free(g, h->params[0].u.rmem.shm_ref);
		break;
	}
	if (write_back)
		g->mem->write(g->priv, c->msg_gpa, o, c->msg_size);
}

/* ---- RPCs ---- */

static u64 pair(unsigned long hi, unsigned long lo)
{
	return (u64)lower_32_bits(hi) << 32 | lower_32_bits(lo);
}

static bool is_type(u64 attr, u32 first)
{
	u32 type = attr & OPTEE_MSG_ATTR_TYPE_MASK;

	return type >= first && type <= first + 2;
}

/*
 * An RPC command: the secure world's argument (in the shadow of @a) copied to
 * the guest's buffer, host cookies made the guest's. Only RMEM of memory the
 * guest gave and NULL TMEMs can be told to it.
 */
static int rpc_cmd_to_guest(struct optee_lite_guest *g, struct gobj *a)
{
	struct optee_msg_arg *h = page_address(a->shadow), *ga;
	u8 buf[OPTEE_MSG_GET_ARG_SIZE(G_RPC_PARAMS)];
	u32 n = READ_ONCE(h->num_params), i;
	struct gobj *o;

	if (n > G_RPC_PARAMS || OPTEE_MSG_GET_ARG_SIZE(n) > a->size)
		return -EINVAL;
	ga = (void *)buf;
	memcpy(ga, h, OPTEE_MSG_GET_ARG_SIZE(n));
	ga->num_params = n;
	for (i = 0; i < n; i++) {
		struct optee_msg_param *p = &ga->params[i];

		if (is_type(p->attr, OPTEE_MSG_ATTR_TYPE_RMEM_INPUT)) {
			o = obj_get(g, OBJ_RPC_SHM, p->u.rmem.shm_ref);
			if (!o)
				return -EINVAL;
			p->u.rmem.shm_ref = o->guest_cookie;
		} else if (is_type(p->attr, OPTEE_MSG_ATTR_TYPE_TMEM_INPUT)) {
			if (p->u.tmem.buf_ptr)
				return -EINVAL;
			p->u.tmem.shm_ref = 0;
		}
	}
	if (ga->cmd == OPTEE_RPC_CMD_SHM_FREE && n == 1) {
		o = obj_get(g, OBJ_RPC_SHM, ga->params[0].u.value.b);
		if (!o)
			return -EINVAL;
		ga->params[0].u.value.b = o->guest_cookie;
	}
	return g->mem->write(g->priv, a->gpa, ga, OPTEE_MSG_GET_ARG_SIZE(n));
}

/* SHM_ALLOC answered: the guest's memory, pinned, as a host page list. */
static void rpc_shm_alloc_reply(struct optee_lite_guest *g, struct gcall *c,
				struct optee_msg_param *hp, const struct optee_msg_param *gp)
{
	u64 offs = gp->u.tmem.buf_ptr & (MSG_PAGE - 1), hc;
	struct gobj *o;

	hp->attr = OPTEE_MSG_ATTR_TYPE_NONE;
	if ((gp->attr & ~(u64)OPTEE_MSG_ATTR_NONCONTIG) != OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT ||
	    !gp->u.tmem.buf_ptr || !gp->u.tmem.size)
		return;
	o = obj_new(g, OBJ_RPC_SHM, gp->u.tmem.shm_ref, &hc);
	if (!o)
		return;
	o->size = gp->u.tmem.size;
	if (gbuf_pin(g, &o->buf, gp->u.tmem.buf_ptr, pages_of(offs, o->size),
		     gp->attr & OPTEE_MSG_ATTR_NONCONTIG, true)) {
		obj_free(g, hc);
		return;
	}
	c->rpc_list = optee_lite_pages_list(o->buf.pages, o->buf.n, offs, &c->rpc_list_bytes);
	if (!c->rpc_list) {
		obj_free(g, hc);
		return;
	}
	hp->attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG;
	hp->u.tmem.buf_ptr = virt_to_phys(c->rpc_list) | offs;
	hp->u.tmem.size = o->size;
	hp->u.tmem.shm_ref = hc;
}

/*
 * The guest's answer to an RPC command, back into the shadow: its result and
 * its output values and sizes; the types and everything else stay the secure
 * world's. Without an answer (a dying guest, unreadable memory), failed.
 */
static void rpc_cmd_answer(struct optee_lite_guest *g, struct gcall *c, struct gobj *a,
			   bool from_guest)
{
	struct optee_msg_arg *h = page_address(a->shadow), *ga;
	u8 buf[OPTEE_MSG_GET_ARG_SIZE(G_RPC_PARAMS)];
	u32 n = READ_ONCE(h->num_params), i;

	ga = (void *)buf;
	if (n > G_RPC_PARAMS)
		return;
	if (h->cmd == OPTEE_RPC_CMD_SHM_FREE && n == 1)
		obj_put(g, OBJ_RPC_SHM, h->params[0].u.value.b);
	if (!from_guest || g->mem->read(g->priv, a->gpa, ga, OPTEE_MSG_GET_ARG_SIZE(n))) {
		h->ret = TEEC_ERROR_COMMUNICATION;
		h->ret_origin = TEEC_ORIGIN_COMMS;
		return;
	}
	h->ret = ga->ret;
	h->ret_origin = ga->ret_origin;
	for (i = 0; i < n; i++) {
		struct optee_msg_param *hp = &h->params[i];
		u32 type = hp->attr & OPTEE_MSG_ATTR_TYPE_MASK;

		if (h->cmd == OPTEE_RPC_CMD_SHM_ALLOC && i == 0) {
			if (!ga->ret)
				rpc_shm_alloc_reply(g, c, hp, &ga->params[0]);
			continue;
		}
		switch (type) {
		case OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_INOUT:
			hp->u.value = ga->params[i].u.value;
			break;
		case OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INOUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_INOUT:
			hp->u.tmem.size = ga->params[i].u.tmem.size;
			break;
		}
	}
}

/*
 * The registers that resume the call after its RPC: the guest's answer
 * (@ga, x0-x7 of its RETURN_FROM_RPC), or a failure when @ga is NULL.
 */
static void rpc_answer(struct optee_lite_guest *g, struct gcall *c, const unsigned long *ga,
		       unsigned long *sw)
{
	u32 func = c->rpc[0] & OPTEE_SMC_RETURN_RPC_FUNC_MASK;
	u64 hc = pair(c->rpc[1], c->rpc[2]), gpa;
	struct gobj *o;
	u8 probe;

	memset(sw, 0, 8 * sizeof(*sw));
	sw[0] = OPTEE_SMC_CALL_RETURN_FROM_RPC;
	sw[3] = c->rpc[3];
	if (c->rpc_list) {
		free_pages_exact(c->rpc_list, c->rpc_list_bytes);
		c->rpc_list = NULL;
	}
	switch (func) {
	case OPTEE_SMC_RPC_FUNC_ALLOC:
		gpa = ga ? pair(ga[1], ga[2]) : 0;
		/* An RPC argument: at most a page, in one page of the guest. */
		if (!gpa || !c->rpc[1] || offset_in_page(gpa) + c->rpc[1] > MSG_PAGE ||
		    g->mem->read(g->priv, gpa, &probe, 1))
			break;
		o = obj_new(g, OBJ_RPC_ARG, pair(ga[4], ga[5]), &hc);
		if (!o)
			break;
		o->gpa = gpa;
		o->size = c->rpc[1];
		o->shadow = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!o->shadow) {
			obj_free(g, hc);
			break;
		}
		sw[1] = upper_32_bits(page_to_phys(o->shadow));
		sw[2] = lower_32_bits(page_to_phys(o->shadow));
		sw[4] = upper_32_bits(hc);
		sw[5] = lower_32_bits(hc);
		break;
	case OPTEE_SMC_RPC_FUNC_FREE:
		obj_put(g, OBJ_RPC_ARG, hc);
		break;
	case OPTEE_SMC_RPC_FUNC_CMD:
		o = obj_get(g, OBJ_RPC_ARG, hc);
		if (o)
			rpc_cmd_answer(g, c, o, ga);
		break;
	}
}

/*
 * The secure world's RPC told to the guest in @a (x0-x3); false when the
 * guest cannot be told (then the mediator answers it with a failure).
 */
static bool rpc_to_guest(struct optee_lite_guest *g, struct gcall *c, unsigned long *a)
{
	u32 func = c->rpc[0] & OPTEE_SMC_RETURN_RPC_FUNC_MASK;
	u64 hc = pair(c->rpc[1], c->rpc[2]);
	struct gobj *o;

	a[0] = c->rpc[0];
	a[1] = 0;
	a[2] = 0;
	a[3] = c->token;
	switch (func) {
	case OPTEE_SMC_RPC_FUNC_ALLOC:
		a[1] = c->rpc[1];
		return true;
	case OPTEE_SMC_RPC_FUNC_FOREIGN_INTR:
		return true;
	case OPTEE_SMC_RPC_FUNC_FREE:
	case OPTEE_SMC_RPC_FUNC_CMD:
		o = obj_get(g, OBJ_RPC_ARG, hc);
		if (!o || (func == OPTEE_SMC_RPC_FUNC_CMD && rpc_cmd_to_guest(g, o)))
			return false;
		a[1] = upper_32_bits(o->guest_cookie);
		a[2] = lower_32_bits(o->guest_cookie);
		return true;
	default:
		return false;
	}
}

/* ---- running a call ---- */

/*
 * Run the secure world from @sw until the call ends, or stops in an RPC the
 * guest must serve (@a then holds it and the call waits in g->calls; with
 * @a NULL every RPC is answered with a failure). Out of secure threads, wait
 * for one as the driver's own callers do, unless a signal is pending (the
 * guest then gets ETHREAD_LIMIT).
 */
static bool call_run(struct optee_lite_guest *g, struct gcall *c, unsigned long *sw,
		     unsigned long *a)
{
	struct optee_lite_callq *q = &g->ol->callq;
	struct arm_smccc_res res;
	unsigned int seen, tries = 0;

	for (;;) {
		seen = atomic_read(&q->ended);
		sw_call(g, sw, &res);
		if (res.a0 == OPTEE_SMC_RETURN_ETHREAD_LIMIT &&
		    (a ? !signal_pending(current) : tries++ < G_END_TRIES)) {
			wait_event_timeout(q->wait, atomic_read(&q->ended) != seen, HZ);
			continue;
		}
		if (!optee_smc_return_is_rpc(res.a0))
			break;
		c->rpc[0] = res.a0;
		c->rpc[1] = res.a1;
		c->rpc[2] = res.a2;
		c->rpc[3] = res.a3;
		c->token = lower_32_bits(res.a3);
		if (a && rpc_to_guest(g, c, a)) {
			list_add_tail(&c->link, &g->calls);
			return true;
		}
		if (!a && ++tries > G_END_TRIES) {
			dev_err_ratelimited(g->ol->dev, "guest %u: a call that never ends\n",
					    g->id);
			break;
		}
		rpc_answer(g, c, NULL, sw);
	}
	if (res.a0 == OPTEE_SMC_RETURN_OK && c->orig)
		call_complete(g, c, a);
	if (a) {
		a[0] = res.a0;
		memset(&a[1], 0, 3 * sizeof(*a));
	}
	c->rpc[0] = res.a0;
	atomic_inc(&q->ended);
	wake_up(&q->wait);
	return false;
}

static void call_start(struct gcall *c, unsigned long *sw)
{
	phys_addr_t pa = page_to_phys(c->shadow);

	memset(sw, 0, 8 * sizeof(*sw));
	sw[0] = OPTEE_SMC_CALL_WITH_ARG;
	sw[1] = upper_32_bits(pa);
	sw[2] = lower_32_bits(pa);
}

/* CALL_WITH_ARG from the guest: a1:a2 its message. */
static void guest_call(struct optee_lite_guest *g, unsigned long *a)
{
	unsigned long sw[8];
	struct gcall *c;
	int r;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c) {
		a[0] = OPTEE_SMC_RETURN_ENOMEM;
		return;
	}
	c->msg_gpa = pair(a[1], a[2]);
	r = call_prepare(g, c);
	if (r) {
		a[0] = OPTEE_SMC_RETURN_EBADADDR;
		if (r != -EFAULT && c->orig) {
			/* Refused: said in the guest's message, as the secure world would. */
			c->orig->ret = r == -ENOMEM ? TEEC_ERROR_OUT_OF_MEMORY :
						      TEEC_ERROR_BAD_PARAMETERS;
			c->orig->ret_origin = TEEC_ORIGIN_COMMS;
			if (!g->mem->write(g->priv, c->msg_gpa, c->orig,
					   sizeof(struct optee_msg_arg)))
				a[0] = OPTEE_SMC_RETURN_OK;
		}
		memset(&a[1], 0, 3 * sizeof(*a));
		call_free(g, c);
		return;
	}
	call_start(c, sw);
	if (!call_run(g, c, sw, a))
		call_free(g, c);
}

/* RETURN_FROM_RPC from the guest: a3 the token of one of its calls. */
static void guest_resume(struct optee_lite_guest *g, unsigned long *a)
{
	unsigned long sw[8];
	struct gcall *c;

	list_for_each_entry(c, &g->calls, link) {
		if (c->token == lower_32_bits(a[3])) {
			list_del(&c->link);
			rpc_answer(g, c, a, sw);
			if (!call_run(g, c, sw, a))
				call_free(g, c);
			return;
		}
	}
	a[0] = OPTEE_SMC_RETURN_ERESUME;
	memset(&a[1], 0, 3 * sizeof(*a));
}

/*
 * A message of the mediator's own for the guest's partition (closing its
 * sessions, unregistering its memory when it goes); RPCs fail. The
 * message's result, or TEEC_ERROR_COMMUNICATION.
 */
static u32 own_call(struct optee_lite_guest *g, u32 cmd, u32 session, u64 shm)
{
	struct optee_msg_arg *h;
	unsigned long sw[8];
	struct gcall *c;
	u32 ret = TEEC_ERROR_COMMUNICATION;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return ret;
	c->shadow = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!c->shadow)
		goto out;
	h = page_address(c->shadow);
	h->cmd = cmd;
	h->session = session;
	if (cmd == OPTEE_MSG_CMD_UNREGISTER_SHM) {
		h->num_params = 1;
		h->params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
		h->params[0].u.rmem.shm_ref = shm;
	}
	h->ret = TEEC_ERROR_COMMUNICATION;
	call_start(c, sw);
	call_run(g, c, sw, NULL);
	if (c->rpc[0] == OPTEE_SMC_RETURN_OK)
		ret = h->ret;
out:
	call_free(g, c);
	return ret;
}

/* ---- the guest's SMCs ---- */

static void guest_fast(struct optee_lite_guest *g, unsigned long *a)
{
	struct arm_smccc_res res;
	unsigned long sw[8] = { a[0], a[1] & OPTEE_SMC_NSEC_CAP_UNIPROCESSOR };

	sw_call(g, sw, &res);
	a[0] = res.a0;
	a[1] = res.a1;
	a[2] = res.a2;
	a[3] = res.a3;
	if (lower_32_bits(sw[0]) == OPTEE_SMC_EXCHANGE_CAPABILITIES &&
	    res.a0 == OPTEE_SMC_RETURN_OK) {
		/* Dynamic shared memory only; nothing the mediator does not do. */
		a[1] &= OPTEE_SMC_SEC_CAP_DYNAMIC_SHM | OPTEE_SMC_SEC_CAP_MEMREF_NULL;
		a[2] = 0;
		a[3] = 0;
	}
}

static void guest_smc(struct optee_lite_guest *g, unsigned long *a)
{
	mutex_lock(&g->lock);
	switch (lower_32_bits(a[0])) {
	case OPTEE_SMC_CALLS_UID:
	case OPTEE_SMC_CALLS_REVISION:
	case OPTEE_SMC_CALL_GET_OS_UUID:
	case OPTEE_SMC_CALL_GET_OS_REVISION:
	case OPTEE_SMC_GET_THREAD_COUNT:
	case OPTEE_SMC_EXCHANGE_CAPABILITIES:
		guest_fast(g, a);
		break;
	case OPTEE_SMC_ENABLE_SHM_CACHE:
		/*
		 * The secure world never caches a guest's RPC buffers (the
		 * cache is the host's), so a guest's cache is on and always
		 * empty: OK here (Linux's driver waits until it gets OK),
		 * ENOTAVAIL ("nothing cached") from DISABLE below.
		 */
		a[0] = OPTEE_SMC_RETURN_OK;
		break;
	case OPTEE_SMC_GET_SHM_CONFIG:
	case OPTEE_SMC_DISABLE_SHM_CACHE:
		a[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
		break;
	case OPTEE_SMC_CALL_WITH_ARG:
		guest_call(g, a);
		break;
	case OPTEE_SMC_CALL_RETURN_FROM_RPC:
		guest_resume(g, a);
		break;
	default:
		a[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
		break;
	}
	mutex_unlock(&g->lock);
}

static struct optee_lite_guest *guest_create(const struct optee_lite_guest_mem *mem,
					     void *priv)
{
	struct optee_lite_guest *g;
	struct arm_smccc_res res;
	int id;

	if (PAGE_SIZE != MSG_PAGE)
		return ERR_PTR(-EOPNOTSUPP);
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return ERR_PTR(-ENOMEM);
	mutex_init(&g->lock);
	INIT_LIST_HEAD(&g->calls);
	xa_init(&g->sessions);
	xa_init_flags(&g->objs, XA_FLAGS_ALLOC1);
	g->mem = mem;
	g->priv = priv;
	/* Client 0 is the host; guests from 1, within 16 bits (a7). */
	id = ida_alloc_range(&g_ids, 1, U16_MAX, GFP_KERNEL);
	if (id < 0) {
		kfree(g);
		return ERR_PTR(id);
	}
	g->id = id;

	mutex_lock(&g_inst_lock);
	if (g_inst) {
		g->ol = g_inst;
		g->ctx = teedev_open(g_inst->teedev);
	}
	mutex_unlock(&g_inst_lock);
	if (!g->ol || IS_ERR(g->ctx)) {
		ida_free(&g_ids, id);
		kfree(g);
		return ERR_PTR(-ENODEV);
	}
	g->ol->invoke_fn(OPTEE_SMC_VM_CREATED, g->id, 0, 0, 0, 0, 0, 0, &res);
	if (res.a0 != OPTEE_SMC_RETURN_OK) {
		teedev_close_context(g->ctx);
		ida_free(&g_ids, id);
		kfree(g);
		return ERR_PTR(-EBUSY);
	}
	return g;
}

static void guest_destroy(struct optee_lite_guest *g)
{
	struct gcall *c, *tmp;
	struct arm_smccc_res res;
	unsigned long id;
	struct gobj *o;
	u32 orphan;
	void *v;

	mutex_lock(&g->lock);
	list_for_each_entry_safe(c, tmp, &g->calls, link) {
		unsigned long sw[8];

		list_del(&c->link);
		rpc_answer(g, c, NULL, sw);
		call_run(g, c, sw, NULL);
		call_free(g, c);
	}
	xa_for_each(&g->sessions, id, v)
		own_call(g, OPTEE_MSG_CMD_CLOSE_SESSION, id, 0);
	xa_destroy(&g->sessions);
	xa_for_each(&g->objs, id, o)
		if (o->kind == OBJ_SHM &&
		    own_call(g, OPTEE_MSG_CMD_UNREGISTER_SHM, 0, id) == TEEC_SUCCESS)
			obj_free(g, id);
	g->ol->invoke_fn(OPTEE_SMC_VM_DESTROYED, g->id, 0, 0, 0, 0, 0, 0, &res);
	/*
	 * With its partition gone the secure world holds nothing of the
	 * guest's. Otherwise what it may still hold stays pinned and
	 * allocated until the driver goes: better kept than reused under its
	 * feet.
	 */
	if (res.a0 != OPTEE_SMC_RETURN_OK && g->nobjs)
		dev_err(g->ol->dev, "guest %u: VM_DESTROYED failed (%#lx), %u buffers kept\n",
			g->id, res.a0, g->nobjs);
	xa_for_each(&g->objs, id, o) {
		xa_erase(&g->objs, id);
		if (res.a0 == OPTEE_SMC_RETURN_OK ||
		    xa_alloc(&g_orphans, &orphan, o, xa_limit_32b, GFP_KERNEL))
			obj_destroy(o);
	}
	xa_destroy(&g->objs);
	mutex_unlock(&g->lock);
	teedev_close_context(g->ctx);
	ida_free(&g_ids, g->id);
	kfree(g);
}

static bool guest_available(void)
{
	return READ_ONCE(g_inst);
}

const struct optee_lite_mediator optee_lite_mediator = {
	.available = guest_available,
	.create = guest_create,
	.smc = guest_smc,
	.destroy = guest_destroy,
};
EXPORT_SYMBOL_GPL(optee_lite_mediator);
