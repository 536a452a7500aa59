// SPDX-License-Identifier: GPL-2.0
/* Test TA: a key/value store in secure RAM shared by all sessions (ta_ids.h). */
#include "optee.h"
#include "ta_ids.h"

struct kv_entry {
	bool used;
	u32 klen, vlen;
	u8 key[TA_KV_MAX_KEY];
	u8 val[TA_KV_MAX_VALUE];
};

static struct kv_entry store[TA_KV_MAX_ENTRIES];
static struct spinlock kv_lock;

static struct kv_entry *kv_find(const u8 *key, u32 klen)
{
	int i;

	for (i = 0; i < TA_KV_MAX_ENTRIES; i++)
		if (store[i].used && store[i].klen == klen && !memcmp(store[i].key, key, klen))
			return &store[i];
	return NULL;
}

/* Copy the key (p0) into secure memory. */
static u32 get_key(struct ta_param *p, u8 *key, u32 *klen)
{
	if (p->type != P_MIN || !p->mem.size || p->mem.size > TA_KV_MAX_KEY)
		return TEEC_ERROR_BAD_PARAMETERS;
	*klen = p->mem.size;
	return nsbuf_read(&p->mem, 0, key, *klen) ? TEEC_SUCCESS : TEEC_ERROR_BAD_PARAMETERS;
}

static u32 kv_invoke(struct ta_session *s, u32 cmd, struct ta_param *p)
{
	static u8 val[TA_KV_MAX_VALUE];	/* used under kv_lock only */
	u8 key[TA_KV_MAX_KEY];
	struct kv_entry *e;
	u32 klen, ret = TEEC_SUCCESS;
	int i;

	if (cmd != TA_KV_CMD_COUNT) {
		if (p[2].type != P_NONE || p[3].type != P_NONE)
			return TEEC_ERROR_BAD_PARAMETERS;
		ret = get_key(&p[0], key, &klen);
		if (ret)
			return ret;
	}
	switch (cmd) {
	case TA_KV_CMD_PUT:
		if (p[1].type != P_MIN || p[1].mem.size > TA_KV_MAX_VALUE)
			return TEEC_ERROR_BAD_PARAMETERS;
		spin_lock(&kv_lock);
		if (!nsbuf_read(&p[1].mem, 0, val, p[1].mem.size)) {
			ret = TEEC_ERROR_BAD_PARAMETERS;
		} else {
			e = kv_find(key, klen);
			for (i = 0; !e && i < TA_KV_MAX_ENTRIES; i++)
				if (!store[i].used)
					e = &store[i];
			if (!e) {
				ret = TEEC_ERROR_STORAGE_NO_SPACE;
			} else {
				e->used = true;
				e->klen = klen;
				memcpy(e->key, key, klen);
				e->vlen = p[1].mem.size;
				memcpy(e->val, val, e->vlen);
			}
		}
		spin_unlock(&kv_lock);
		return ret;
	case TA_KV_CMD_GET:
		if (p[1].type != P_MOUT)
			return TEEC_ERROR_BAD_PARAMETERS;
		spin_lock(&kv_lock);
		e = kv_find(key, klen);
		if (!e) {
			ret = TEEC_ERROR_ITEM_NOT_FOUND;
		} else if (p[1].mem.size < e->vlen) {
			p[1].size = e->vlen;
			ret = TEEC_ERROR_SHORT_BUFFER;
		} else {
			p[1].size = e->vlen;
			memcpy(val, e->val, e->vlen);
			if (!nsbuf_write(&p[1].mem, 0, val, e->vlen))
				ret = TEEC_ERROR_BAD_PARAMETERS;
		}
		spin_unlock(&kv_lock);
		return ret;
	case TA_KV_CMD_DEL:
		if (p[1].type != P_NONE)
			return TEEC_ERROR_BAD_PARAMETERS;
		spin_lock(&kv_lock);
		e = kv_find(key, klen);
		if (e)
			e->used = false;
		else
			ret = TEEC_ERROR_ITEM_NOT_FOUND;
		spin_unlock(&kv_lock);
		return ret;
	case TA_KV_CMD_COUNT:
		if (!ta_types(p, P_VOUT, P_NONE, P_NONE, P_NONE))
			return TEEC_ERROR_BAD_PARAMETERS;
		spin_lock(&kv_lock);
		p[0].a = 0;
		for (i = 0; i < TA_KV_MAX_ENTRIES; i++)
			p[0].a += store[i].used;
		spin_unlock(&kv_lock);
		p[0].b = 0;
		p[0].c = 0;
		return TEEC_SUCCESS;
	default:
		return TEEC_ERROR_NOT_SUPPORTED;
	}
}

const struct ta ta_kv = {
	.uuid = TA_KV_UUID,
	.name = "kv",
	.invoke = kv_invoke,
};
