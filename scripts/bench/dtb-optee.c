// SPDX-License-Identifier: GPL-2.0
/*
 * dtb-optee: add an OP-TEE node to a flattened device tree, as firmware that
 * hosts OP-TEE does for the kernel it boots:
 *
 *   firmware {
 *       optee {
 *           compatible = "linaro,optee-tz";
 *           method = "smc";
 *       };
 *   };
 *
 *   dtb-optee IN.dtb OUT.dtb
 *
 * nested-qemu --tee runs it on the DTB Debian's QEMU dumps for its virt machine
 * (-M virt,dumpdtb=...) and boots the nested guest with the result (-dtb), so
 * that the guest's own OP-TEE driver probes and makes its SMCs, which kvmlite
 * forwards when the VMM enabled KVMLITE_CAP_ARM_OPTEE (optee-cap.c). It refuses
 * a tree that already has a /firmware node. The blob written is version 17:
 * header, reserved-memory map, structure block with the new node at the end of
 * the root node, strings block (with the property names added if missing).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#define FDT_MAGIC	0xd00dfeed
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9
#define HDR_SIZE	40

static __u32 be32(const unsigned char *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

static void put32(unsigned char *p, __u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void die(const char *msg)
{
	fprintf(stderr, "dtb-optee: %s\n", msg);
	exit(1);
}

/* Growing output buffer. */
static unsigned char *out;
static size_t out_len, out_cap;

static void emit(const void *p, size_t n)
{
	if (out_len + n > out_cap) {
		out_cap = (out_len + n) * 2;
		out = realloc(out, out_cap);
		if (!out)
			die("out of memory");
	}
	memcpy(out + out_len, p, n);
	out_len += n;
}

static void emit32(__u32 v)
{
	unsigned char b[4];

	put32(b, v);
	emit(b, 4);
}

static void emit_padded(const void *p, size_t n)
{
	static const unsigned char zero[4];

	emit(p, n);
	emit(zero, (4 - n % 4) % 4);
}

/* Offset of NAME in the strings block; appended to *extra if absent. */
static __u32 string_off(const unsigned char *str, __u32 size, const char *name,
			char *extra, size_t *extra_len)
{
	size_t n = strlen(name) + 1;
	__u32 i;

	for (i = 0; i + n <= size; i++)
		if (!memcmp(str + i, name, n) && (i == 0 || str[i - 1] == '\0'))
			return i;
	memcpy(extra + *extra_len, name, n);
	*extra_len += n;
	return size + *extra_len - n;
}

int main(int argc, char **argv)
{
	static const char compatible[] = "linaro,optee-tz", method[] = "smc";
	unsigned char *in, *st, *str;
	__u32 off_st, off_str, off_rsv, size_st, size_str, pos, root_end = 0;
	__u32 name_compat, name_method, tok;
	char extra[64];
	size_t extra_len = 0, rsv_len, st_start;
	long len;
	int depth = 0;
	FILE *f;

	if (argc != 3)
		die("usage: dtb-optee IN.dtb OUT.dtb");
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END))
		die("cannot read the input");
	len = ftell(f);
	if (len < HDR_SIZE || fseek(f, 0, SEEK_SET))
		die("cannot read the input");
	in = malloc(len);
	if (!in || fread(in, 1, len, f) != (size_t)len)
		die("cannot read the input");
	fclose(f);
	if (be32(in) != FDT_MAGIC || be32(in + 4) > (__u32)len || be32(in + 20) > 17)
		die("not a flattened device tree of version <= 17");
	off_st = be32(in + 8);
	off_str = be32(in + 12);
	off_rsv = be32(in + 16);
	size_str = be32(in + 32);
	size_st = be32(in + 36);
	if (off_st > len || size_st > len - off_st || off_str > len || size_str > len - off_str ||
	    off_rsv > len || size_st % 4)
		die("blocks outside the blob");
	st = in + off_st;
	str = in + off_str;

	/* Walk the structure block: the root's END_NODE, no /firmware. */
	for (pos = 0; pos + 4 <= size_st; ) {
		tok = be32(st + pos);
		pos += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)st + pos;
			size_t n = strnlen(name, size_st - pos);

			if (n == size_st - pos)
				die("unterminated node name");
			if (depth == 1 &&
			    (!strcmp(name, "firmware") || !strncmp(name, "firmware@", 9)))
				die("the tree already has a /firmware node");
			pos += (n + 4) & ~3u;
			depth++;
		} else if (tok == FDT_END_NODE) {
			if (--depth == 0) {
				root_end = pos - 4;
				break;
			}
			if (depth < 0)
				die("unbalanced nodes");
		} else if (tok == FDT_PROP) {
			if (pos + 8 > size_st || be32(st + pos) > size_st - pos - 8)
				die("property outside the structure block");
			pos += 8 + ((be32(st + pos) + 3) & ~3u);
		} else if (tok != FDT_NOP) {
			die("unexpected token");
		}
	}
	if (!root_end)
		die("no root node end");

	name_compat = string_off(str, size_str, "compatible", extra, &extra_len);
	name_method = string_off(str, size_str, "method", extra, &extra_len);

	/* Header (filled in below), reserved-memory map, structure, strings. */
	emit(in, HDR_SIZE);
	for (rsv_len = 0; ; rsv_len += 16) {
		if (off_rsv + rsv_len + 16 > (size_t)len)
			die("unterminated reserved-memory map");
		if (!memcmp(in + off_rsv + rsv_len, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16))
			break;
	}
	emit(in + off_rsv, rsv_len + 16);
	st_start = out_len;
	emit(st, root_end);
	emit32(FDT_BEGIN_NODE);
	emit_padded("firmware", sizeof("firmware"));
	emit32(FDT_BEGIN_NODE);
	emit_padded("optee", sizeof("optee"));
	emit32(FDT_PROP);
	emit32(sizeof(compatible));
	emit32(name_compat);
	emit_padded(compatible, sizeof(compatible));
	emit32(FDT_PROP);
	emit32(sizeof(method));
	emit32(name_method);
	emit_padded(method, sizeof(method));
	emit32(FDT_END_NODE);
	emit32(FDT_END_NODE);
	emit(st + root_end, size_st - root_end);	/* root END_NODE ... FDT_END */
	put32(out + 8, st_start);
	put32(out + 36, out_len - st_start);
	put32(out + 12, out_len);
	emit(str, size_str);
	emit(extra, extra_len);
	put32(out + 32, size_str + extra_len);
	put32(out + 16, HDR_SIZE);
	put32(out + 20, 17);
	put32(out + 24, 16);
	while (out_len % 8)
		emit("", 1);
	put32(out + 4, out_len);

	f = fopen(argv[2], "wb");
	if (!f || fwrite(out, 1, out_len, f) != out_len || fclose(f))
		die("cannot write the output");
	printf("dtb-optee: %s: /firmware/optee (linaro,optee-tz, smc) added, %zu bytes\n",
	       argv[2], out_len);
	return 0;
}
