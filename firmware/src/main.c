// SPDX-License-Identifier: GPL-2.0
/*
 * Cold boot of the primary CPU: GIC, fw_cfg loading of the kernel and the
 * initrd, device-tree fix-ups, then entry into Linux at non-secure EL2.
 */
#include "fw.h"

#define FW_CFG_KERNEL_SIZE	0x08
#define FW_CFG_INITRD_SIZE	0x0b
#define FW_CFG_KERNEL_DATA	0x11
#define FW_CFG_INITRD_DATA	0x12

#define ARM64_IMAGE_MAGIC	0x644d5241	/* "ARM\x64" */

u64 ns_ram_base = 0x40000000, ns_ram_end = 0x80000000;

bool ns_range_ok(u64 pa, u64 len)
{
	/* no wrap-around: pa within the RAM first, then the length */
	return pa >= ns_ram_base && pa <= ns_ram_end && len <= ns_ram_end - pa;
}

static void probe_memory(void)
{
	int node = fdt_path("/memory");
	const u32 *reg = NULL;
	u32 len = 0;

	if (node >= 0)
		reg = fdt_getprop(node, "reg", &len);
	if (!reg || len < 16) {
		printf("fw: no /memory in the DTB, assuming 1 GiB\n");
		return;
	}
	ns_ram_base = (u64)bswap32(reg[0]) << 32 | bswap32(reg[1]);
	ns_ram_end = ns_ram_base + ((u64)bswap32(reg[2]) << 32 | bswap32(reg[3]));
}

static int fdt_fixups(u64 initrd_start, u64 initrd_end)
{
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	char name[32];
	int node, i, err = 0;

	node = fdt_path("/chosen");
	if (node < 0)
		node = fdt_add_node(fdt_path("/"), "chosen");
	if (initrd_end > initrd_start) {
		err |= fdt_setprop_u64(fdt_path("/chosen"), "linux,initrd-start", initrd_start);
		err |= fdt_setprop_u64(fdt_path("/chosen"), "linux,initrd-end", initrd_end);
	}
	if (fdt_path("/psci") < 0)
		err |= fdt_add_node(fdt_path("/"), "psci") < 0;
	err |= fdt_setprop(fdt_path("/psci"), "compatible", psci_compat, sizeof(psci_compat));
	err |= fdt_setprop_str(fdt_path("/psci"), "method", "smc");
	for (i = 0; i < MAX_CPUS; i++) {
		char *p = name;
		const char *s = "/cpus/cpu@";

		while (*s)
			*p++ = *s++;
		*p++ = '0' + i;
		*p = 0;
		node = fdt_path(name);
		if (node >= 0)
			err |= fdt_setprop_str(node, "enable-method", "psci");
	}
	if (fdt_path("/firmware") < 0)
		err |= fdt_add_node(fdt_path("/"), "firmware") < 0;
	if (fdt_path("/firmware/optee") < 0)
		err |= fdt_add_node(fdt_path("/firmware"), "optee") < 0;
	err |= fdt_setprop_str(fdt_path("/firmware/optee"), "compatible", "linaro,optee-tz");
	err |= fdt_setprop_str(fdt_path("/firmware/optee"), "method", "smc");
	if (notif_spi()) {
		/* GIC_SPI n IRQ_TYPE_EDGE_RISING */
		u32 irq[3] = { 0, bswap32(notif_spi()), bswap32(1) };

		err |= fdt_setprop(fdt_path("/firmware/optee"), "interrupts", irq, sizeof(irq));
	}

	if (optee_shm_size) {
		u32 cells[4] = {
			bswap32(optee_shm_base >> 32), bswap32((u32)optee_shm_base),
			bswap32(optee_shm_size >> 32), bswap32((u32)optee_shm_size),
		};
		u32 two = bswap32(2);

		if (fdt_path("/reserved-memory") < 0) {
			err |= fdt_add_node(fdt_path("/"), "reserved-memory") < 0;
			err |= fdt_setprop(fdt_path("/reserved-memory"), "#address-cells", &two, 4);
			err |= fdt_setprop(fdt_path("/reserved-memory"), "#size-cells", &two, 4);
			err |= fdt_setprop(fdt_path("/reserved-memory"), "ranges", NULL, 0);
		}
		err |= fdt_add_node(fdt_path("/reserved-memory"), "optee_shm") < 0;
		err |= fdt_setprop(fdt_path("/reserved-memory/optee_shm"), "reg", cells, 16);
		err |= fdt_setprop(fdt_path("/reserved-memory/optee_shm"), "no-map", NULL, 0);
	}
	return err;
}

void el3_regs_init(void)
{
	/* NS | HCE | RW | HXEn | APK | API | EnSCXT | EnTP2 (+RES1) */
	write_sysreg(scr_el3, 0x24002030531ULL);
	write_sysreg(cptr_el3, 0x1100);		/* EZ | ESM */
	write_sysreg(S3_6_C1_C2_0, 0xf);	/* ZCR_EL3 */
	write_sysreg(mdcr_el3, 0);
	isb();
}

void fw_main(void);
void fw_main(void)
{
	u64 kbase, kload, ksize, isize, tofs, istart = 0, iend = 0;
	u32 hdr[16];

	for (int i = 0; i < MAX_CPUS; i++)
		WRITE_ONCE(pens[i].go, 0);
	printf("\nfw: secure-world test firmware (EL3), cpu%lu\n", cpu_index());
	if (fdt_check())
		panic("no device tree at 0x40000000");
	probe_memory();
	gic_dist_init();
	gic_cpu_init();
	if (!fwcfg_present())
		panic("no fw_cfg");
	optee_init();

	ksize = fwcfg_size(FW_CFG_KERNEL_SIZE);
	if (!ksize)
		panic("no kernel in fw_cfg");
	kbase = align_up(DTB_ADDR + DTB_MAX, 0x200000);
	fwcfg_read(FW_CFG_KERNEL_DATA, (unsigned long)hdr, sizeof(hdr));
	if (hdr[14] != ARM64_IMAGE_MAGIC)
		panic("kernel is not an arm64 Image");
	tofs = (u64)hdr[3] << 32 | hdr[2];
	isize = (u64)hdr[5] << 32 | hdr[4];
	if (!isize)
		isize = ksize + 0x1000000;
	kload = kbase + tofs;
	fwcfg_read(FW_CFG_KERNEL_DATA, kload, ksize);

	isize = fwcfg_size(FW_CFG_INITRD_SIZE);
	if (isize) {
		istart = align_up(kload + ((u64)hdr[5] << 32 | hdr[4]) + ksize, 0x200000);
		iend = istart + isize;
		if (iend > (optee_shm_size ? optee_shm_base : ns_ram_end))
			panic("initrd does not fit");
		fwcfg_read(FW_CFG_INITRD_DATA, istart, isize);
	}
	if (fdt_fixups(istart, iend))
		panic("device tree fix-ups failed");
	printf("fw: kernel %lx (%lu KiB), initrd %lx (%lu KiB), dtb %lx (%u B)\n",
	       kload, ksize >> 10, istart, isize >> 10, DTB_ADDR, fdt_totalsize());
	el3_regs_init();
	printf("fw: entering Linux at NS-EL2\n");
	el3_enter_ns(kload, DTB_ADDR, cpu_stack_top(cpu_index()));
}
