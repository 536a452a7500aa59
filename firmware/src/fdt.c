// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny in-place flattened device tree editor for the DTB QEMU leaves at
 * DTB_ADDR: find nodes by path, read/set properties, add nodes. Blocks after
 * an insertion point are moved up (QEMU leaves about 1 MiB of headroom).
 */
#include "fw.h"

#define FDT_MAGIC	0xd00dfeed
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

#define H_TOTALSIZE	4
#define H_OFF_STRUCT	8
#define H_OFF_STRINGS	12
#define H_OFF_RSVMAP	16
#define H_SIZE_STRINGS	32
#define H_SIZE_STRUCT	36

static u8 *const fdt = (u8 *)DTB_ADDR;

static u32 get(u32 off)
{
	return bswap32(*(const u32 *)(fdt + off));
}

static void put(u32 off, u32 v)
{
	*(u32 *)(fdt + off) = bswap32(v);
}

static u32 hdr(u32 f) { return get(f); }

u32 fdt_totalsize(void) { return hdr(H_TOTALSIZE); }

/*
 * Check the header and trim totalsize to the end of the last block: QEMU
 * reports the whole 1 MiB area as the blob's size, which would leave no room
 * to grow it.
 */
int fdt_check(void)
{
	u32 end_struct, end_strings;

	if (get(0) != FDT_MAGIC || hdr(H_TOTALSIZE) > DTB_MAX)
		return -1;
	end_struct = hdr(H_OFF_STRUCT) + hdr(H_SIZE_STRUCT);
	end_strings = hdr(H_OFF_STRINGS) + hdr(H_SIZE_STRINGS);
	if (hdr(H_OFF_RSVMAP) > hdr(H_OFF_STRUCT) || end_struct > hdr(H_OFF_STRINGS) ||
	    end_strings > hdr(H_TOTALSIZE))
		return -1;	/* not the usual block order: not supported */
	put(H_TOTALSIZE, end_strings);
	return 0;
}

/* Offset of the token after the one at @off (which is of type *tag). */
static int next_tag(int off, u32 *tag)
{
	u32 t = get(off);

	*tag = t;
	off += 4;
	switch (t) {
	case FDT_BEGIN_NODE:
		off += strlen((const char *)fdt + off) + 1;
		return align_up(off, 4);
	case FDT_PROP:
		return align_up(off + 8 + get(off), 4);
	case FDT_END_NODE:
	case FDT_NOP:
		return off;
	default:
		return -1;
	}
}

static const char *node_name(int node) { return (const char *)fdt + node + 4; }

static bool name_match(const char *name, const char *comp, int len)
{
	if (strncmp(name, comp, len))
		return false;
	return name[len] == 0 || name[len] == '@';
}

/* Find a direct child of @node called @comp (len bytes); unit address optional. */
static int find_child(int node, const char *comp, int len)
{
	int off = next_tag(node, &(u32){0}), depth = 0;
	u32 tag;

	while (off >= 0) {
		int cur = off;

		off = next_tag(off, &tag);
		if (tag == FDT_BEGIN_NODE) {
			if (depth == 0 && name_match(node_name(cur), comp, len))
				return cur;
			depth++;
		} else if (tag == FDT_END_NODE) {
			if (depth-- == 0)
				return -1;
		}
	}
	return -1;
}

int fdt_path(const char *path)
{
	int node = hdr(H_OFF_STRUCT);

	while (*path == '/')
		path++;
	while (*path && node >= 0) {
		int len = 0;

		while (path[len] && path[len] != '/')
			len++;
		node = find_child(node, path, len);
		path += len;
		while (*path == '/')
			path++;
	}
	return node;
}

static int node_end(int node)
{
	int off = next_tag(node, &(u32){0}), depth = 0;
	u32 tag;

	while (off >= 0) {
		int cur = off;

		off = next_tag(off, &tag);
		if (tag == FDT_BEGIN_NODE)
			depth++;
		else if (tag == FDT_END_NODE && depth-- == 0)
			return cur;
	}
	return -1;
}

static int find_prop(int node, const char *name)
{
	int off = next_tag(node, &(u32){0});
	u32 tag;

	while (off >= 0) {
		int cur = off;

		off = next_tag(off, &tag);
		if (tag == FDT_PROP) {
			const char *pn = (const char *)fdt + hdr(H_OFF_STRINGS) + get(cur + 8);

			if (!strcmp(pn, name))
				return cur;
		} else if (tag != FDT_NOP) {
			return -1;
		}
	}
	return -1;
}

const void *fdt_getprop(int node, const char *name, u32 *len)
{
	int p = find_prop(node, name);

	if (p < 0)
		return NULL;
	if (len)
		*len = get(p + 4);
	return fdt + p + 12;
}

/* Open a gap of @len bytes at @off; header offsets at or after @off move. */
static int make_room(u32 off, u32 len)
{
	u32 total = hdr(H_TOTALSIZE);

	if (total + len > DTB_MAX)
		return -1;
	memmove(fdt + off + len, fdt + off, total - off);
	put(H_TOTALSIZE, total + len);
	if (hdr(H_OFF_STRINGS) >= off)
		put(H_OFF_STRINGS, hdr(H_OFF_STRINGS) + len);
	if (hdr(H_OFF_STRUCT) > off)
		put(H_OFF_STRUCT, hdr(H_OFF_STRUCT) + len);
	if (hdr(H_OFF_RSVMAP) > off)
		put(H_OFF_RSVMAP, hdr(H_OFF_RSVMAP) + len);
	return 0;
}

static int string_off(const char *s)
{
	u32 base = hdr(H_OFF_STRINGS), size = hdr(H_SIZE_STRINGS), n = strlen(s) + 1, i;

	for (i = 0; i + n <= size; i++)
		if (!memcmp(fdt + base + i, s, n))
			return i;
	/* Append at the end of the strings block (no alignment needed). */
	if (base + size > hdr(H_TOTALSIZE))
		return -1;
	if (make_room(base + size, n))
		return -1;
	base = hdr(H_OFF_STRINGS);
	memcpy(fdt + base + size, s, n);
	put(H_SIZE_STRINGS, size + n);
	return size;
}

/* Insert raw struct-block bytes at @off (a token boundary). */
static int struct_insert(u32 off, u32 len)
{
	if (make_room(off, len))
		return -1;
	put(H_SIZE_STRUCT, hdr(H_SIZE_STRUCT) + len);
	return 0;
}

int fdt_setprop(int node, const char *name, const void *val, u32 len)
{
	int p = find_prop(node, name), soff;
	u32 plen = align_up(len, 4), off;

	if (p >= 0 && align_up(get(p + 4), 4) == plen) {
		put(p + 4, len);
		memset(fdt + p + 12, 0, plen);
		memcpy(fdt + p + 12, val, len);
		return 0;
	}
	if (p >= 0) {	/* different size: turn the old one into NOPs */
		u32 i, old = 12 + align_up(get(p + 4), 4);

		for (i = 0; i < old; i += 4)
			put(p + i, FDT_NOP);
	}
	off = hdr(H_OFF_STRUCT);
	soff = string_off(name);	/* may move the struct block */
	if (soff < 0)
		return -1;
	node += hdr(H_OFF_STRUCT) - off;
	off = node + 4 + align_up(strlen(node_name(node)) + 1, 4);
	if (struct_insert(off, 12 + plen))
		return -1;
	put(off, FDT_PROP);
	put(off + 4, len);
	put(off + 8, soff);
	memset(fdt + off + 12, 0, plen);
	memcpy(fdt + off + 12, val, len);
	return 0;
}

int fdt_setprop_str(int node, const char *name, const char *s)
{
	return fdt_setprop(node, name, s, strlen(s) + 1);
}

int fdt_setprop_u64(int node, const char *name, u64 v)
{
	u64 be = bswap64(v);

	return fdt_setprop(node, name, &be, 8);
}

int fdt_add_node(int parent, const char *name)
{
	int end = node_end(parent);
	u32 nlen = align_up(strlen(name) + 1, 4);

	if (end < 0 || struct_insert(end, 8 + nlen))
		return -1;
	put(end, FDT_BEGIN_NODE);
	memset(fdt + end + 4, 0, nlen);
	memcpy(fdt + end + 4, name, strlen(name));
	put(end + 4 + nlen, FDT_END_NODE);
	return end;
}
