// SPDX-License-Identifier: GPL-2.0
/*
 * optee_lite shared memory: the driver's pools and the registration of
 * memory with the secure world (OPTEE_MSG_CMD_REGISTER_SHM).
 *
 * As with the upstream driver: with dynamic shared memory, buffers allocated
 * for user space (TEE_IOC_SHM_ALLOC) and user memory (TEE_IOC_SHM_REGISTER)
 * are registered with the secure world, described once as a list of 4 KiB
 * pages, then passed by cookie (registered memrefs); the driver's private
 * buffers (message arguments, RPC memory) are not registered. Memory of
 * tee-supplicant is not registered either: it reaches the secure world only
 * through the RPC that allocated it. The reserved pool is passed by physical
 * address.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "optee_lite.h"

/* List entries per 4 KiB list page; the last slot links to the next page. */
#define PAGES_PER_LIST	(OPTEE_MSG_NONCONTIG_PAGE_SIZE / sizeof(u64) - 1)

/**
 * optee_lite_pages_list() - the page list of OPTEE_MSG_ATTR_NONCONTIG
 * @pages:	the kernel pages of the buffer
 * @num_pages:	number of @pages
 * @page_offset: offset of the buffer in its first page
 * @list_bytes:	set to the size of the list, for free_pages_exact()
 *
 * The list is made of 4 KiB pages, each holding PAGES_PER_LIST addresses of
 * 4 KiB pages of the buffer and, last, the address of the next list page.
 * The secure world gets the list's address ORed with the offset of the buffer
 * in its first 4 KiB page.
 *
 * Return: the list, or NULL when out of memory.
 */
u64 *optee_lite_pages_list(struct page **pages, size_t num_pages,
			   size_t page_offset, size_t *list_bytes)
{
	size_t per_page = PAGE_SIZE / OPTEE_MSG_NONCONTIG_PAGE_SIZE;
	size_t skip = page_offset / OPTEE_MSG_NONCONTIG_PAGE_SIZE;
	size_t entries = num_pages * per_page - skip;
	size_t i, j, e = 0;
	u64 *list;

	BUILD_BUG_ON(PAGE_SIZE < OPTEE_MSG_NONCONTIG_PAGE_SIZE);
	if (!num_pages || page_offset >= PAGE_SIZE)
		return NULL;
	*list_bytes = DIV_ROUND_UP(entries, PAGES_PER_LIST) *
		      OPTEE_MSG_NONCONTIG_PAGE_SIZE;
	list = alloc_pages_exact(*list_bytes, GFP_KERNEL | __GFP_ZERO);
	if (!list)
		return NULL;
	for (i = 0; i < num_pages; i++) {
		for (j = i ? 0 : skip; j < per_page; j++) {
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
	list = optee_lite_pages_list(pages, num_pages, shm->offset, &list_bytes);
	if (!list)
		return -ENOMEM;
	arg_shm = optee_lite_get_unreg_msg_arg(ctx, 1, &msg);
	if (IS_ERR(arg_shm)) {
		ret = PTR_ERR(arg_shm);
		goto out;
	}
	msg->cmd = OPTEE_MSG_CMD_REGISTER_SHM;
	msg->params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			      OPTEE_MSG_ATTR_NONCONTIG;
	msg->params[0].u.tmem.buf_ptr = virt_to_phys(list) |
		(shm->offset & (OPTEE_MSG_NONCONTIG_PAGE_SIZE - 1));
	msg->params[0].u.tmem.size = shm->size;
	msg->params[0].u.tmem.shm_ref = (unsigned long)shm;

	ret = optee_lite_do_call(ctx, arg_shm);
	if (!ret && msg->ret)
		ret = -EINVAL;
	optee_lite_put_msg_arg(ctx, arg_shm);
out:
	free_pages_exact(list, list_bytes);
	return ret;
}

int optee_lite_shm_unregister(struct tee_context *ctx, struct tee_shm *shm)
{
	struct optee_msg_arg *msg;
	struct tee_shm *arg_shm;
	int ret;

	arg_shm = optee_lite_get_unreg_msg_arg(ctx, 1, &msg);
	if (IS_ERR(arg_shm))
		return PTR_ERR(arg_shm);
	msg->cmd = OPTEE_MSG_CMD_UNREGISTER_SHM;
	msg->params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	msg->params[0].u.rmem.shm_ref = (unsigned long)shm;
	ret = optee_lite_do_call(ctx, arg_shm);
	if (!ret && msg->ret)
		ret = -EINVAL;
	optee_lite_put_msg_arg(ctx, arg_shm);
	return ret;
}

/* tee-supplicant's memory is described to the secure world in the RPC. */
int optee_lite_shm_register_supp(struct tee_context *ctx, struct tee_shm *shm,
				 struct page **pages, size_t num_pages,
				 unsigned long start)
{
	return num_pages ? 0 : -EINVAL;
}

int optee_lite_shm_unregister_supp(struct tee_context *ctx,
				   struct tee_shm *shm)
{
	return 0;
}

/*
 * Dynamic pool: physically contiguous kernel pages (so a private buffer can be
 * passed by address), with their page array (so any buffer can be described
 * as a page list). Buffers that are not private to the driver are registered.
 */
static int pool_pages_alloc(struct tee_shm_pool *pool, struct tee_shm *shm,
			    size_t size, size_t align)
{
	size_t nr_pages = DIV_ROUND_UP(size, PAGE_SIZE);
	struct page **pages;
	size_t i;
	int ret;

	if (!nr_pages)
		return -EINVAL;
	/*
	 * One physically contiguous piece (the TEE core maps user buffers
	 * by paddr): above the page allocator's largest order, or when it
	 * has no such piece, a user's request fails with ENOMEM, not with a
	 * kernel warning.
	 */
	shm->kaddr = alloc_pages_exact(nr_pages * PAGE_SIZE,
				       GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	if (!shm->kaddr)
		return -ENOMEM;
	shm->paddr = virt_to_phys(shm->kaddr);
	shm->size = nr_pages * PAGE_SIZE;

	pages = kcalloc(nr_pages, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		ret = -ENOMEM;
		goto err;
	}
	for (i = 0; i < nr_pages; i++)
		pages[i] = virt_to_page((u8 *)shm->kaddr + i * PAGE_SIZE);
	shm->pages = pages;
	shm->num_pages = nr_pages;

	if (!(shm->flags & TEE_SHM_PRIV)) {
		ret = optee_lite_shm_register(shm->ctx, shm, pages, nr_pages,
					      (unsigned long)shm->kaddr);
		if (ret)
			goto err;
	}
	return 0;
err:
	kfree(shm->pages);
	shm->pages = NULL;
	shm->num_pages = 0;
	free_pages_exact(shm->kaddr, shm->size);
	shm->kaddr = NULL;
	return ret;
}

static void pool_pages_free(struct tee_shm_pool *pool, struct tee_shm *shm)
{
	if (!(shm->flags & TEE_SHM_PRIV))
		optee_lite_shm_unregister(shm->ctx, shm);
	free_pages_exact(shm->kaddr, shm->size);
	shm->kaddr = NULL;
	kfree(shm->pages);
	shm->pages = NULL;
	shm->num_pages = 0;
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

/*
 * The reserved region of GET_SHM_CONFIG (already page aligned), managed by
 * the TEE core's allocator, which clears TEE_SHM_DYNAMIC: such memory is
 * passed by physical address.
 */
struct tee_shm_pool *optee_lite_pool_reserved(struct device *dev,
					      phys_addr_t start, size_t size)
{
	struct tee_shm_pool *pool;
	void *va;

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
