// SPDX-License-Identifier: GPL-2.0
/* QEMU fw_cfg (MMIO): DMA into normal-world RAM, 8-byte PIO as fallback. */
#include "fw.h"

#define FWCFG_DATA	(FWCFG_BASE + 0)
#define FWCFG_SEL	(FWCFG_BASE + 8)
#define FWCFG_DMA	(FWCFG_BASE + 16)
#define FW_CFG_ID	0x01
#define FW_CFG_FILE_DIR	0x19
#define DMA_CTL_ERROR	0x01
#define DMA_CTL_READ	0x02
#define DMA_CTL_SELECT	0x08

/* DMA descriptor in normal RAM: the device only sees the NS address space. */
#define DMA_DESC	0x40100000UL

static bool have_dma;

static void select_key(u16 key)
{
	wr16(FWCFG_SEL, (u16)((key >> 8) | (key << 8)));
}

static void pio_read(u64 dst, u32 len)
{
	while (len >= 8 && !(dst & 7)) {
		wr64(dst, rd64(FWCFG_DATA));
		dst += 8;
		len -= 8;
	}
	while (len--)
		wr8(dst++, rd8(FWCFG_DATA));
}

bool fwcfg_present(void)
{
	u8 sig[4];
	u32 id;

	select_key(0);
	pio_read((unsigned long)sig, 4);
	if (memcmp(sig, "QEMU", 4))
		return false;
	select_key(FW_CFG_ID);
	pio_read((unsigned long)&id, 4);
	have_dma = id & 2;
	return true;
}

u32 fwcfg_size(u16 key)
{
	u32 v = 0;

	select_key(key);
	pio_read((unsigned long)&v, 4);
	return v;
}

void fwcfg_read(u16 key, u64 dst, u32 len)
{
	if (have_dma && dst >= ns_ram_base && dst + len <= ns_ram_end) {
		u32 ctl;

		wr32(DMA_DESC + 0, bswap32(((u32)key << 16) | DMA_CTL_SELECT | DMA_CTL_READ));
		wr32(DMA_DESC + 4, bswap32(len));
		wr64(DMA_DESC + 8, bswap64(dst));
		dsb_sy();
		wr64(FWCFG_DMA, bswap64(DMA_DESC));
		do {
			ctl = bswap32(rd32(DMA_DESC));
		} while (ctl & ~DMA_CTL_ERROR);
		if (!(ctl & DMA_CTL_ERROR))
			return;
		printf("fw: fw_cfg DMA error, using PIO\n");
	}
	select_key(key);
	pio_read(dst, len);
}

/*
 * Find fw_cfg file @name (e.g. from QEMU's -fw_cfg name=...,string=...) in the
 * file directory; its selector and size, or false.
 */
bool fwcfg_find(const char *name, u16 *key, u32 *size)
{
	struct {
		u32 size;	/* all big-endian */
		u16 select;
		u16 reserved;
		char name[56];
	} f;
	u32 n, i;

	select_key(FW_CFG_FILE_DIR);
	pio_read((unsigned long)&n, 4);
	n = bswap32(n);
	for (i = 0; i < n && i < 4096; i++) {
		pio_read((unsigned long)&f, sizeof(f));
		f.name[sizeof(f.name) - 1] = 0;
		if (!strcmp(f.name, name)) {
			*key = (u16)((f.select >> 8) | (f.select << 8));
			*size = bswap32(f.size);
			return true;
		}
	}
	return false;
}
