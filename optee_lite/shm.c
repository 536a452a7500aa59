// SPDX-License-Identifier: GPL-2.0
/*
 * optee_lite shared memory: the driver's pools and the registration of
 * user memory with the secure world (OPTEE_MSG_CMD_REGISTER_SHM).
 *
 * Pool memory is physically contiguous and passed by address (temporary
 * memrefs); registered memory can be scattered and is described to the secure
 * world once, as a list of 4 KiB pages, then passed by cookie.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "optee_lite.h"

/* Dynamic shared memory: any kernel pages, the secure world maps them. */
static int pool_pages_alloc(struct tee_shm_pool *pool, struct tee_shm *shm,
			    size_t size, size_t align)
{
	unsigned int order = get_order(size);
	struct page *page;

	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	if (!page)
		return -ENOMEM;
	shm->kaddr = page_address(page);
	shm->paddr = page_to_phys(page);
	shm->size = PAGE_SIZE << order;
	return 0;
}

static void pool_pages_free(struct tee_shm_pool *pool, struct tee_shm *shm)
{
	free_pages((unsigned long)shm->kaddr, get_order(shm->size));
	shm->kaddr = NULL;
}

static void pool_pages_destroy(struct tee_shm_pool *pool)
{
	kfree(pool);
}

static const struct tee_shm_pool_ops pool_pages_ops = {
	.alloc = pool_pages_alloc,
	.free = pool_pages_free,
	.destroy_pool = pool_pages_destroy,
};

struct tee_shm_pool *optee_lite_pool_dynamic(void)
{
	struct tee_shm_pool *pool = kzalloc(sizeof(*pool), GFP_KERNEL);

	if (!pool)
		return ERR_PTR(-ENOMEM);
	pool->ops = &pool_pages_ops;
	return pool;
}

/* The reserved region of GET_SHM_CONFIG, managed by the TEE core's allocator. */
struct tee_shm_pool *optee_lite_pool_reserved(struct device *dev,
					      phys_addr_t start, size_t size)
{
	struct tee_shm_pool *pool;
	void *va;

	if (!PAGE_ALIGNED(start) || size < PAGE_SIZE) {
		dev_err(dev, "reserved shared memory %pa+%#zx is not page aligned\n",
			&start, size);
		return ERR_PTR(-EINVAL);
	}
	va = devm_memremap(dev, start, size, MEMREMAP_WB);
	if (IS_ERR(va)) {
		dev_err(dev, "cannot map reserved shared memory %pa\n", &start);
		return va;
	}
	pool = tee_shm_pool_alloc_res_mem((unsigned long)va, start, size,
					  PAGE_SHIFT);
	if (IS_ERR(pool))
		devm_memunmap(dev, va);
	return pool;
}

#define PAGES_PER_LIST	(OPTEE_MSG_NONCONTIG_PAGE_SIZE / sizeof(u64) - 1)

/*
 * The page list of OPTEE_MSG_ATTR_NONCONTIG: 4 KiB list pages, each with
 * PAGES_PER_LIST page addresses and, last, the address of the next list page.
 */
static u64 *make_page_list(struct page **pages, size_t num_pages,
			   size_t *list_bytes)
{
	size_t per_page = PAGE_SIZE / OPTEE_MSG_NONCONTIG_PAGE_SIZE;
	size_t entries = num_pages * per_page, e = 0, i, j;
	size_t nlists = DIV_ROUND_UP(entries, PAGES_PER_LIST);
	u64 *list;

	*list_bytes = nlists * OPTEE_MSG_NONCONTIG_PAGE_SIZE;
	list = alloc_pages_exact(*list_bytes, GFP_KERNEL | __GFP_ZERO);
	if (!list)
		return NULL;
	for (i = 0; i < num_pages; i++) {
		for (j = 0; j < per_page; j++) {
			if (e % (PAGES_PER_LIST + 1) == PAGES_PER_LIST) {
				list[e] = virt_to_phys(list + e + 1);
				e++;
			}
			list[e++] = page_to_phys(pages[i]) +
				    j * OPTEE_MSG_NONCONTIG_PAGE_SIZE;
		}
	}
	return list;
}

int optee_lite_shm_register(struct tee_context *ctx, struct tee_shm *shm,
			    struct page **pages, size_t num_pages,
			    unsigned long start)
{
	struct optee_msg_arg *msg;
	struct tee_shm *arg_shm;
	size_t list_bytes;
	u64 *list;
	int ret;

	if (!num_pages)
		return -EINVAL;
	list = make_page_list(pages, num_pages, &list_bytes);
	if (!list)
		return -ENOMEM;
	arg_shm = optee_lite_get_msg_arg(ctx, 1, &msg);
	if (IS_ERR(arg_shm)) {
		ret = PTR_ERR(arg_shm);
		goto out;
	}
	msg->cmd = OPTEE_MSG_CMD_REGISTER_SHM;
	msg->params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			      OPTEE_MSG_ATTR_NONCONTIG;
	msg->params[0].u.tmem.buf_ptr = virt_to_phys(list) |
		(start & (OPTEE_MSG_NONCONTIG_PAGE_SIZE - 1));
	msg->params[0].u.tmem.size = shm->size;
	msg->params[0].u.tmem.shm_ref = (unsigned long)shm;

	ret = optee_lite_do_call(ctx, arg_shm);
	if (!ret && msg->ret)
		ret = -EINVAL;
	tee_shm_free(arg_shm);
out:
	free_pages_exact(list, list_bytes);
	return ret;
}

int optee_lite_shm_unregister(struct tee_context *ctx, struct tee_shm *shm)
{
	struct optee_msg_arg *msg;
	struct tee_shm *arg_shm;
	int ret;

	arg_shm = optee_lite_get_msg_arg(ctx, 1, &msg);
	if (IS_ERR(arg_shm))
		return PTR_ERR(arg_shm);
	msg->cmd = OPTEE_MSG_CMD_UNREGISTER_SHM;
	msg->params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	msg->params[0].u.rmem.shm_ref = (unsigned long)shm;
	ret = optee_lite_do_call(ctx, arg_shm);
	if (!ret && msg->ret)
		ret = -EINVAL;
	tee_shm_free(arg_shm);
	return ret;
}
