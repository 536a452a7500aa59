// SPDX-License-Identifier: GPL-2.0
/* GICv3 set-up from EL3: every interrupt belongs to the normal world. */
#include "fw.h"

#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IGROUPR	0x0080
#define GICD_IGRPMODR	0x0d00
#define GICR_TYPER	0x0008
#define GICR_WAKER	0x0014
#define GICR_STRIDE	0x20000
#define GICR_SGI	0x10000

void gic_dist_init(void)
{
	u32 lines = ((rd32(GICD_BASE + GICD_TYPER) & 0x1f) + 1) * 32;
	u32 i;

	wr32(GICD_BASE + GICD_CTLR, 0);
	while (rd32(GICD_BASE + GICD_CTLR) & (1u << 31))
		;
	for (i = 32; i < lines; i += 32) {
		wr32(GICD_BASE + GICD_IGROUPR + i / 8, ~0u);
		wr32(GICD_BASE + GICD_IGRPMODR + i / 8, 0);
	}
	/* ARE_S | ARE_NS | EnableGrp1NS */
	wr32(GICD_BASE + GICD_CTLR, (1 << 4) | (1 << 5) | (1 << 1));
	while (rd32(GICD_BASE + GICD_CTLR) & (1u << 31))
		;
}

static u64 gicr_for_cpu(u64 mpidr)
{
	u64 aff = (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24;
	u64 rd = GICR_BASE;
	int n;

	for (n = 0; n < 64; n++, rd += GICR_STRIDE) {
		u64 typer = rd64(rd + GICR_TYPER);

		if ((typer >> 32) == aff)
			return rd;
		if (typer & (1 << 4))
			break;
	}
	return 0;
}

void gic_cpu_init(void)
{
	u64 rd = gicr_for_cpu(read_sysreg(mpidr_el1));

	/* ICC_SRE_EL3: SRE | DFB | DIB | Enable (lower ELs may use SRE) */
	write_sysreg(S3_6_C12_C12_5, 0xf);
	isb();
	if (!rd) {
		printf("fw: no GIC redistributor for cpu%lu\n", cpu_index());
		return;
	}
	wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~(1u << 1));
	while (rd32(rd + GICR_WAKER) & (1u << 2))
		;
	wr32(rd + GICR_SGI + GICD_IGROUPR, ~0u);
	wr32(rd + GICR_SGI + GICD_IGRPMODR, 0);
}
