// SPDX-License-Identifier: GPL-2.0
/*
 * The guest CPU model, as KVM's: the ID registers userspace reads are what
 * the guest reads, features the vCPU does not have are hidden and UNDEF when
 * used anyway, writable ID fields may be lowered before the first run, the
 * register list can be saved and restored as a VMM does, the EL1 physical
 * timer, debug registers and firmware registers hold their values, the
 * guest's hardware breakpoints fire and userspace can single-step it, PV
 * stolen time counts what the vCPU thread waited for its CPU, and a
 * guest that fetches instructions where there is no memory takes the
 * prefetch abort KVM injects. Run against the in-kernel KVM too.
 */
#include <linux/kvm.h>
#include <linux/kvmlite.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench_util.h"
#include "kselftest_harness.h"

#ifdef __aarch64__
#include "kvmlite_util.h"

#define ID_REG(crm, op2)	SYSREG(3, 0, 0, crm, op2)
#define REG_ID_AA64PFR1		ID_REG(4, 1)
#define REG_ID_AA64DFR0		ID_REG(5, 0)
#define REG_ID_AA64ISAR0	ID_REG(6, 0)
#define REG_ID_AA64ISAR1	ID_REG(6, 1)
#define REG_ID_AA64MMFR2	ID_REG(7, 2)
#define REG_CNTP_CTL		SYSREG(3, 3, 14, 2, 1)
#define REG_CNTP_CVAL		SYSREG(3, 3, 14, 2, 2)
#define REG_DBGBVR0		SYSREG(2, 0, 0, 0, 4)
#define REG_DBGWVR1		SYSREG(2, 0, 0, 1, 6)
#define REG_MDSCR		SYSREG(2, 0, 0, 2, 2)

#define FIELD(val, shift)	(((val) >> (shift)) & 0xf)

/* The guest's own view: MRS of ID registers into x20-x26, then MMIO. */
GUEST_CODE(guest_idregs,
	   "mrs x20, s3_0_c0_c4_0\n"	/* ID_AA64PFR0_EL1 */
	   "mrs x21, s3_0_c0_c4_1\n"	/* ID_AA64PFR1_EL1 */
	   "mrs x22, s3_0_c0_c5_0\n"	/* ID_AA64DFR0_EL1 */
	   "mrs x23, s3_0_c0_c6_0\n"	/* ID_AA64ISAR0_EL1 */
	   "mrs x24, s3_0_c0_c6_1\n"	/* ID_AA64ISAR1_EL1 */
	   "mrs x25, s3_0_c0_c7_0\n"	/* ID_AA64MMFR0_EL1 */
	   "mrs x26, s3_0_c0_c7_2\n"	/* ID_AA64MMFR2_EL1 */
	   "str xzr, [x19]\n"
	   "b .\n");

/*
 * ZCR_EL1 (SVE) with CPACR_EL1.ZEN open, as a guest that believed in SVE
 * would do; PMCR_EL0 (PMU): each an UNDEF from the hypervisor.
 */
GUEST_CODE(guest_sve,
	   "mov x0, #(3 << 16)\n"
	   "orr x0, x0, #(3 << 20)\n"
	   "msr cpacr_el1, x0\n"
	   "isb\n"
	   "1: mrs x20, s3_0_c1_c2_0\n"
	   "b .\n");
GUEST_CODE(guest_pmu, "mrs x20, s3_3_c9_c12_0\n b .\n");
/* GICv3 CPU interface registers in a VM without a vGIC. */
GUEST_CODE(guest_icc_pmr, "mrs x20, s3_0_c4_c6_0\n b .\n");	/* ICC_PMR_EL1 */
GUEST_CODE(guest_icc_sgi, "msr s3_0_c12_c11_5, xzr\n b .\n");	/* ICC_SGI1R_EL1 */

/* Branch to x20, where there is no memory. */
GUEST_CODE(guest_jump, "br x20\n");

/* The synchronous exception vector: report ESR, FAR, ELR by MMIO. */
GUEST_CODE(guest_vector,
	   "mrs x20, esr_el1\n"
	   "mrs x21, far_el1\n"
	   "mrs x22, elr_el1\n"
	   "str x20, [x19]\n"
	   "b .\n");

/* The physical timer: due now, enabled and unmasked; read CNTP_CTL. */
GUEST_CODE(guest_ptimer,
	   "msr s3_3_c14_c2_2, xzr\n"	/* CNTP_CVAL_EL0 = 0 */
	   "mov x0, #1\n"
	   "msr s3_3_c14_c2_1, x0\n"	/* CNTP_CTL_EL0 = ENABLE */
	   "isb\n"
	   "mrs x20, s3_3_c14_c2_1\n"
	   "str x20, [x19]\n"
	   "b .\n");

/* Debug registers and MDSCR_EL1 keep what the guest writes. */
GUEST_CODE(guest_dbg,
	   "msr s2_0_c0_c0_4, x23\n"	/* DBGBVR0_EL1 */
	   "msr s2_0_c0_c1_6, x24\n"	/* DBGWVR1_EL1 */
	   "mov x0, #(1 << 13)\n"	/* MDSCR_EL1.KDE */
	   "msr mdscr_el1, x0\n"
	   "isb\n"
	   "mrs x20, s2_0_c0_c0_4\n"
	   "mrs x21, s2_0_c0_c1_6\n"
	   "mrs x22, mdscr_el1\n"
	   "str xzr, [x19]\n"
	   "b .\n");

/*
 * A hardware breakpoint the guest sets on its own instruction (label 1):
 * DBGBVR0/DBGBCR0 (EL1, enabled), MDSCR_EL1.MDE|KDE, PSTATE.D clear.
 */
GUEST_CODE(guest_hwbp,
	   "adr x0, 1f\n msr s2_0_c0_c0_4, x0\n"	/* DBGBVR0_EL1 */
	   "movz x0, #0x1fe3\n msr s2_0_c0_c0_5, x0\n"	/* DBGBCR0_EL1 */
	   "movz x0, #0xa000\n msr mdscr_el1, x0\n"
	   "msr daifclr, #8\n isb\n"
	   "1: nop\n"
	   "movz x20, #0\n str xzr, [x19]\n b .\n");

/* Stepped by userspace: two instructions, a trapped one, one, MMIO. */
GUEST_CODE(guest_steps,
	   "nop\n nop\n"
	   "msr s2_0_c0_c0_4, xzr\n"			/* DBGBVR0_EL1 */
	   "nop\n"
	   "str xzr, [x19]\n"
	   "b .\n");

/*
 * PAuth: sign x20 with modifier x21 and the IA key into x22, authenticate it
 * back into x23, read APIAKeyLo into x24, write x25 to APIBKeyLo; MMIO; again.
 */
GUEST_CODE(guest_pauth,
	   "1: mov x0, x20\n"
	   ".arch_extension pauth\n"
	   "pacia x0, x21\n mov x22, x0\n"
	   "autia x0, x21\n mov x23, x0\n"
	   "mrs x24, s3_0_c2_c1_0\n"		/* APIAKEYLO_EL1 */
	   "msr s3_0_c2_c1_2, x25\n"		/* APIBKEYLO_EL1 */
	   "str xzr, [x19]\n"
	   "b 1b\n");

/* TRNG_VERSION: into x20. */
GUEST_CODE(guest_trng,
	   "movz w0, #0x0050\n movk w0, #0x8400, lsl #16\n hvc #0\n mov x20, x0\n"
	   "str xzr, [x19]\n"
	   "b .\n");

/* PSCI_FEATURES(SYSTEM_SUSPEND) into x20, then SYSTEM_SUSPEND(x21, x22). */
GUEST_CODE(guest_suspend,
	   "movz w0, #0x000a\n movk w0, #0x8400, lsl #16\n"
	   "movz w1, #0x000e\n movk w1, #0xc400, lsl #16\n hvc #0\n mov x20, x0\n"
	   "movz w0, #0x000e\n movk w0, #0xc400, lsl #16\n"
	   "mov x1, x21\n mov x2, x22\n hvc #0\n"
	   "str xzr, [x19]\n"
	   "b .\n");

/* An OEM call (forwarded), then PSCI_VERSION (denied): x20, x21. */
GUEST_CODE(guest_filtered,
	   "movz w0, #0x0000\n movk w0, #0xc300, lsl #16\n hvc #0\n mov x20, x0\n"
	   "movz w0, #0x0000\n movk w0, #0x8400, lsl #16\n hvc #0\n mov x21, x0\n"
	   "str xzr, [x19]\n"
	   "b .\n");

/*
 * ARCH_FEATURES(PV_TIME_FEATURES) into x20, PV_TIME_FEATURES(PV_TIME_ST)
 * into x21, PV_TIME_ST into x22; then MMIO stores in a loop.
 */
GUEST_CODE(guest_pvtime,
	   "movz w0, #0x0001\n movk w0, #0x8000, lsl #16\n"
	   "movz w1, #0x0020\n movk w1, #0xc500, lsl #16\n hvc #0\n mov x20, x0\n"
	   "movz w0, #0x0020\n movk w0, #0xc500, lsl #16\n"
	   "movz w1, #0x0021\n movk w1, #0xc500, lsl #16\n hvc #0\n mov x21, x0\n"
	   "movz w0, #0x0021\n movk w0, #0xc500, lsl #16\n hvc #0\n mov x22, x0\n"
	   "1: str xzr, [x19]\n"
	   "b 1b\n");

FIXTURE(cpu) {
	struct kvm_vm vm;
	int c;
};

FIXTURE_SETUP(cpu)
{
	int r = vm_create(&self->vm, 1, 0);

	ASSERT_EQ(0, r) TH_LOG("vm_create: %s", strerror(-r));
	self->c = self->vm.vcpu[0];
	ASSERT_EQ(0, kset_reg64(self->c, REG_X(19), GUEST_MMIO_GPA));
}

FIXTURE_TEARDOWN(cpu)
{
	vm_destroy(&self->vm);
}

#define LOAD(name)	ASSERT_EQ(0, vm_load_code(&self->vm, 0, GUEST_RAM_GPA, \
						   name, name##_end))
#define X(n)		kget_reg64(self->c, REG_X(n))

/* Run until the guest's MMIO store (timer notifications come first). */
static void run_to_mmio(struct __test_metadata *_metadata, struct kvm_vm *vm)
{
	int i, r;

	for (i = 0; i < 100; i++) {
		r = vcpu_run(vm, 0);
		if (r == -EINTR)
			continue;
		ASSERT_EQ(0, r);
		break;
	}
	ASSERT_EQ(KVM_EXIT_MMIO, vm->run[0]->exit_reason)
		TH_LOG("exit reason %d", vm->run[0]->exit_reason);
	ASSERT_EQ(GUEST_MMIO_GPA, vm->run[0]->mmio.phys_addr);
}

/* Exception vectors at RAM + 0x800: the handler at the EL1h sync vector. */
#define VBAR_GPA	(GUEST_RAM_GPA + 0x800)

static void load_vector(struct __test_metadata *_metadata, struct kvm_vm *vm)
{
	memcpy(vm_gpa(vm, VBAR_GPA + 0x200), guest_vector,
	       guest_vector_end - guest_vector);
	ASSERT_EQ(0, kset_reg64(vm->vcpu[0], REG_VBAR, VBAR_GPA));
}

/* Every register of the feature ID space answers, as KVM's. */
TEST_F(cpu, id_space_complete)
{
	int crm, op2;
	__u64 v;

	for (crm = 1; crm <= 7; crm++)
		for (op2 = 0; op2 < 8; op2++)
			EXPECT_EQ(0, kget_reg(self->c, ID_REG(crm, op2), &v))
				TH_LOG("ID register CRm=%d op2=%d", crm, op2);
}

/* The guest reads the values userspace reads. */
TEST_F(cpu, guest_sees_user_view)
{
	static const __u64 ids[] = {
		REG_ID_AA64PFR0, REG_ID_AA64PFR1, REG_ID_AA64DFR0,
		REG_ID_AA64ISAR0, REG_ID_AA64ISAR1, REG_ID_AA64MMFR0,
		REG_ID_AA64MMFR2,
	};
	unsigned int i;

	LOAD(guest_idregs);
	run_to_mmio(_metadata, &self->vm);
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		EXPECT_EQ(kget_reg64(self->c, ids[i]), X(20 + i))
			TH_LOG("register %u of the list", i);
}

/*
 * What a vCPU without those features must not see: SVE, SME, MTE, AMU,
 * MPAM, a PMU, SPE, PAuth (none was asked for at KVM_ARM_VCPU_INIT).
 */
TEST_F(cpu, hidden_features)
{
	__u64 pfr0 = kget_reg64(self->c, REG_ID_AA64PFR0);
	__u64 pfr1 = kget_reg64(self->c, REG_ID_AA64PFR1);
	__u64 dfr0 = kget_reg64(self->c, REG_ID_AA64DFR0);
	__u64 isar1 = kget_reg64(self->c, REG_ID_AA64ISAR1);

	EXPECT_EQ(0, FIELD(pfr0, 32));		/* SVE */
	EXPECT_EQ(0, FIELD(pfr0, 40));		/* MPAM */
	EXPECT_EQ(0, FIELD(pfr0, 44));		/* AMU */
	EXPECT_EQ(0, FIELD(pfr1, 24));		/* SME */
	EXPECT_EQ(0, FIELD(pfr1, 8));		/* MTE */
	EXPECT_EQ(0, FIELD(dfr0, 8));		/* PMUVer */
	EXPECT_EQ(0, FIELD(dfr0, 32));		/* PMSVer (SPE) */
	EXPECT_EQ(0, FIELD(isar1, 4));		/* APA */
	EXPECT_EQ(0, FIELD(isar1, 8));		/* API */
	EXPECT_EQ(0, FIELD(isar1, 24));		/* GPA */
	EXPECT_EQ(0, FIELD(isar1, 28));		/* GPI */
	EXPECT_EQ(0, kget_reg64(self->c, ID_REG(4, 4)));	/* ZFR0 */
	EXPECT_EQ(0, kget_reg64(self->c, ID_REG(4, 5)));	/* SMFR0 */
}

/* A hidden feature used anyway: an UNDEF (EC 0), never a VMM problem. */
TEST_F(cpu, sve_access_undef)
{
	load_vector(_metadata, &self->vm);
	LOAD(guest_sve);
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(0, X(20) >> 26);			/* EC: unknown */
	EXPECT_EQ(GUEST_RAM_GPA + 16, X(22));		/* ELR: the MRS */
}

TEST_F(cpu, pmu_access_undef)
{
	load_vector(_metadata, &self->vm);
	LOAD(guest_pmu);
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(0, X(20) >> 26);
	EXPECT_EQ(GUEST_RAM_GPA, X(22));
}

/*
 * Without a vGIC the GICv3 system registers UNDEF (KVM traps them with
 * ICH_HCR_EL2.TALL0/TALL1/TC), reads and SGI writes alike.
 */
TEST_F(cpu, icc_access_undef_without_vgic)
{
	if (!is_kvmlite() && kernel_before(6, 11))
		SKIP(return, "KVM before 6.11 lets ICC_* through without a vGIC");
	load_vector(_metadata, &self->vm);
	LOAD(guest_icc_pmr);
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(0, X(20) >> 26);
	EXPECT_EQ(GUEST_RAM_GPA, X(22));
}

TEST_F(cpu, icc_sgi_undef_without_vgic)
{
	if (!is_kvmlite() && kernel_before(6, 11))
		SKIP(return, "KVM before 6.11 lets ICC_* through without a vGIC");
	load_vector(_metadata, &self->vm);
	LOAD(guest_icc_sgi);
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(0, X(20) >> 26);
	EXPECT_EQ(GUEST_RAM_GPA, X(22));
}

/*
 * An instruction fetch where there is no memory: KVM injects a prefetch
 * abort (external, EC 0x21 from EL1) with FAR at the address, and the
 * guest's own vector runs; KVM_RUN does not fail.
 */
TEST_F(cpu, ifetch_outside_memory_aborts)
{
	__u64 hole = GUEST_MMIO_GPA + 0x1000;

	load_vector(_metadata, &self->vm);
	LOAD(guest_jump);
	ASSERT_EQ(0, kset_reg64(self->c, REG_X(20), hole));
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(0x21, (X(20) >> 26) & 0x3f);		/* IABT, current EL */
	EXPECT_EQ(0x10, X(20) & 0x3f);			/* external abort */
	EXPECT_EQ(hole, X(21));				/* FAR */
	EXPECT_EQ(hole, X(22));				/* ELR */
}

/*
 * Lowering a writable field (ID_AA64ISAR0_EL1.AES) before the first run:
 * the guest sees it; raising one is EINVAL; after the run only the current
 * value is accepted (EBUSY). KVM before 6.7 has no writable ID registers.
 */
TEST_F(cpu, set_id_reg)
{
	__u64 isar0 = kget_reg64(self->c, REG_ID_AA64ISAR0), low;
	__u64 pfr0 = kget_reg64(self->c, REG_ID_AA64PFR0);

	if (!FIELD(isar0, 4))
		SKIP(return, "the host has no AES to hide");
	low = isar0 & ~(0xfULL << 4);
	if (!is_kvmlite() && kernel_before(6, 7)) {
		EXPECT_EQ(-EINVAL, kset_reg64(self->c, REG_ID_AA64ISAR0, low));
		return;
	}
	EXPECT_EQ(0, kset_reg64(self->c, REG_ID_AA64ISAR0, isar0));
	EXPECT_EQ(0, kset_reg64(self->c, REG_ID_AA64ISAR0, low));
	EXPECT_EQ(low, kget_reg64(self->c, REG_ID_AA64ISAR0));
	/* SVE is not writable (and hidden): setting it is refused. */
	EXPECT_EQ(-EINVAL, kset_reg64(self->c, REG_ID_AA64PFR0,
				      pfr0 | (1ULL << 32)));

	LOAD(guest_idregs);
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(low, X(23));
	EXPECT_EQ(-EBUSY, kset_reg64(self->c, REG_ID_AA64ISAR0, isar0));
	EXPECT_EQ(0, kset_reg64(self->c, REG_ID_AA64ISAR0, low));
}

TEST_F(cpu, writable_masks)
{
	__u64 masks[KVM_ARM_FEATURE_ID_RANGE_SIZE];
	struct reg_mask_range range = { .addr = (unsigned long)masks };

	if (kioctl(self->vm.fd, KVM_CHECK_EXTENSION,
		   KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES) <= 0)
		SKIP(return, "no KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES");
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_ARM_GET_REG_WRITABLE_MASKS,
			     &range));
	/* ISAR0 is writable; PFR0's SVE, FP and AdvSIMD are not. */
	EXPECT_NE(0, masks[KVM_ARM_FEATURE_ID_RANGE_IDX(3, 0, 0, 6, 0)]);
	EXPECT_EQ(0, masks[KVM_ARM_FEATURE_ID_RANGE_IDX(3, 0, 0, 4, 0)] &
		     (0xfULL << 32 | 0xffULL << 16));
	range.range = 1;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd,
				   KVM_ARM_GET_REG_WRITABLE_MASKS, &range));
}

/*
 * What a VMM does with KVM_GET_REG_LIST: save every listed register and put
 * the same value back. Each must take it; and the list holds what KVM lists
 * for such a vCPU.
 */
TEST_F(cpu, reg_list_save_restore)
{
	static const __u64 must[] = {
		SYSREG(3, 0, 0, 0, 0), SYSREG(3, 0, 0, 0, 6),	/* MIDR, REVIDR */
		SYSREG(3, 1, 0, 0, 1), SYSREG(3, 1, 0, 0, 7),	/* CLIDR, AIDR */
		SYSREG(3, 3, 0, 0, 1), SYSREG(3, 0, 1, 0, 1),	/* CTR, ACTLR */
		SYSREG(3, 0, 12, 1, 1), SYSREG(2, 0, 1, 1, 4),	/* DISR, OSLSR */
		SYSREG(2, 0, 0, 15, 7), REG_MDSCR,		/* DBGWCR15 */
		REG_CNTP_CTL, REG_CNTP_CVAL, SYSREG(3, 3, 14, 0, 1),
		ID_REG(3, 7), ID_REG(4, 5), ID_REG(7, 4),
		KVM_REG_ARM_FW_REG(0), KVM_REG_ARM_FW_REG(1),
		KVM_REG_ARM_FW_REG(2), KVM_REG_ARM_FW_REG(3),
		KVM_REG_ARM_FW_FEAT_BMAP_REG(0), KVM_REG_ARM_FW_FEAT_BMAP_REG(1),
		KVM_REG_ARM_FW_FEAT_BMAP_REG(2),
	};
	struct kvm_reg_list probe = { .n = 0 }, *list;
	__u64 val[4];
	unsigned int i, j;

	ASSERT_EQ(-E2BIG, kioctlp(self->c, KVM_GET_REG_LIST, &probe));
	list = calloc(1, sizeof(*list) + probe.n * sizeof(__u64));
	ASSERT_NE(NULL, list);
	list->n = probe.n;
	ASSERT_EQ(0, kioctlp(self->c, KVM_GET_REG_LIST, list));
	for (i = 0; i < ARRAY_SIZE(must); i++) {
		/* KVM lists the physical timer since 6.4. */
		if (!is_kvmlite() && kernel_before(6, 4) &&
		    (must[i] == REG_CNTP_CTL || must[i] == REG_CNTP_CVAL ||
		     must[i] == SYSREG(3, 3, 14, 0, 1)))
			continue;
		for (j = 0; j < list->n && list->reg[j] != must[i]; j++)
			;
		EXPECT_LT(j, list->n) TH_LOG("%#llx not listed",
					     (unsigned long long)must[i]);
	}
	for (i = 0; i < list->n; i++) {
		ASSERT_EQ(0, kget_reg(self->c, list->reg[i], val))
			TH_LOG("get %#llx", (unsigned long long)list->reg[i]);
		EXPECT_EQ(0, kset_reg(self->c, list->reg[i], val))
			TH_LOG("set %#llx", (unsigned long long)list->reg[i]);
	}
	free(list);
}

/* The EL1 physical timer: ISTATUS, its level in device_irq_level. */
TEST_F(cpu, physical_timer)
{
	LOAD(guest_ptimer);
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(5, X(20));				/* ENABLE | ISTATUS */
	EXPECT_TRUE(self->vm.run[0]->s.regs.device_irq_level &
		    KVM_ARM_DEV_EL1_PTIMER);
	/* KVM has the physical timer's registers in ONE_REG since 6.4. */
	if (!is_kvmlite() && kernel_before(6, 4))
		return;
	EXPECT_EQ(5, kget_reg64(self->c, REG_CNTP_CTL));
	EXPECT_EQ(0, kget_reg64(self->c, REG_CNTP_CVAL));
	/* Masked by userspace: ISTATUS stays, the output level drops. */
	ASSERT_EQ(0, kset_reg64(self->c, REG_CNTP_CTL, 3));
	EXPECT_EQ(7, kget_reg64(self->c, REG_CNTP_CTL));
}

TEST_F(cpu, debug_registers_kept)
{
	LOAD(guest_dbg);
	ASSERT_EQ(0, kset_reg64(self->c, REG_X(23), 0x1234560));
	ASSERT_EQ(0, kset_reg64(self->c, REG_X(24), 0xabcdef8));
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(0x1234560, X(20));
	EXPECT_EQ(0xabcdef8, X(21));
	EXPECT_EQ(1 << 13, X(22) & (1 << 13));
	EXPECT_EQ(0x1234560, kget_reg64(self->c, REG_DBGBVR0));
	EXPECT_EQ(0xabcdef8, kget_reg64(self->c, REG_DBGWVR1));
}

#define PTRAUTH_BOTH	((1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS) | \
			 (1U << KVM_ARM_VCPU_PTRAUTH_GENERIC))
#define REG_APIAKEYLO	SYSREG(3, 0, 2, 1, 0)
#define REG_APIBKEYLO	SYSREG(3, 0, 2, 1, 2)
#define REG_APGAKEYHI	SYSREG(3, 0, 2, 3, 1)
#define REG_TCR		SYSREG(3, 0, 2, 0, 2)
#define SCTLR_ENIA	0x80000000ULL	/* SCTLR_EL1.EnIA, bit 31 */

static long reg_list_len(int vcpu)
{
	struct kvm_reg_list list = { .n = 0 };

	ioctl(vcpu, KVM_GET_REG_LIST, &list);
	return list.n;
}

/*
 * PAuth as a vCPU feature where the system has it (both halves or
 * neither, one setting per VM): its ID fields and five keys appear, and the
 * guest signs and authenticates with the key userspace set, which is the
 * guest's own (saved on exit, not the host's).
 */
TEST_F(cpu, pauth)
{
	struct kvm_vm vm;
	__u64 isar1, s1, s2;
	long n0, n1;
	int c, r;

	if (kioctl(self->vm.sys, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PTRAUTH_ADDRESS) <= 0)
		SKIP(return, "no KVM_CAP_ARM_PTRAUTH_ADDRESS (host without PAuth)");
	EXPECT_EQ(1, kioctl(self->vm.sys, KVM_CHECK_EXTENSION,
			    KVM_CAP_ARM_PTRAUTH_GENERIC));
	/* One half alone is refused. */
	EXPECT_EQ(-EINVAL, vm_create(&vm, 1, 1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS));
	vm_destroy(&vm);

	ASSERT_EQ(0, vm_create(&vm, 1, PTRAUTH_BOTH));
	c = vm.vcpu[0];
	isar1 = kget_reg64(c, REG_ID_AA64ISAR1);
	EXPECT_NE(0, FIELD(isar1, 4) | FIELD(isar1, 8));	/* APA | API */
	EXPECT_NE(0, FIELD(isar1, 24) | FIELD(isar1, 28));	/* GPA | GPI */
	n0 = reg_list_len(self->c);
	n1 = reg_list_len(c);
	EXPECT_EQ(n0 + 10, n1);					/* the keys */
	EXPECT_EQ(-ENOENT, kset_reg64(self->c, REG_APIAKEYLO, 1));
	EXPECT_EQ(0, kset_reg64(c, REG_APGAKEYHI, 0x77));
	EXPECT_EQ(0x77, kget_reg64(c, REG_APGAKEYHI));

	ASSERT_EQ(0, vm_load_code(&vm, 0, GUEST_RAM_GPA, guest_pauth,
				  guest_pauth_end));
	ASSERT_EQ(0, kset_reg64(c, REG_X(19), GUEST_MMIO_GPA));
	ASSERT_EQ(0, kset_reg64(c, REG_X(20), GUEST_RAM_GPA + 0x1000));
	ASSERT_EQ(0, kset_reg64(c, REG_X(21), 0x1234));
	ASSERT_EQ(0, kset_reg64(c, REG_X(25), 0xb0b0));
	ASSERT_EQ(0, kset_reg64(c, REG_TCR, 16));		/* T0SZ: 48 bits */
	ASSERT_EQ(0, kset_reg64(c, REG_SCTLR,
				kget_reg64(c, REG_SCTLR) | SCTLR_ENIA));
	ASSERT_EQ(0, kset_reg64(c, REG_APIAKEYLO, 0x1111222233334444ULL));
	run_to_mmio(_metadata, &vm);
	s1 = kget_reg64(c, REG_X(22));
	EXPECT_NE(GUEST_RAM_GPA + 0x1000, s1);			/* signed */
	EXPECT_EQ(GUEST_RAM_GPA + 0x1000, kget_reg64(c, REG_X(23)));
	EXPECT_EQ(0x1111222233334444ULL, kget_reg64(c, REG_X(24)));
	EXPECT_EQ(0xb0b0, kget_reg64(c, REG_APIBKEYLO));	/* the guest's */

	/* Another key, another signature, still authenticated. */
	ASSERT_EQ(0, kset_reg64(c, REG_APIAKEYLO, 0x5555666677778888ULL));
	run_to_mmio(_metadata, &vm);
	s2 = kget_reg64(c, REG_X(22));
	EXPECT_NE(s1, s2);
	EXPECT_EQ(GUEST_RAM_GPA + 0x1000, kget_reg64(c, REG_X(23)));
	vm_destroy(&vm);

	/* The VM's vCPUs share the setting (KVM before 6.12 did not check). */
	if (!is_kvmlite() && kernel_before(6, 12))
		return;
	ASSERT_EQ(0, vm_create(&vm, 1, PTRAUTH_BOTH));
	r = ioctl(vm.fd, KVM_CREATE_VCPU, 1);
	ASSERT_LE(0, r);
	EXPECT_EQ(-EINVAL, kvcpu_init(vm.fd, r, 1U << KVM_ARM_VCPU_PSCI_0_2));
	close(r);
	vm_destroy(&vm);
}

/* The guest's own breakpoint fires in the guest (BREAKPT_CUR at its PC). */
TEST_F(cpu, guest_hw_breakpoint)
{
	LOAD(guest_hwbp);
	load_vector(_metadata, &self->vm);
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(0x31, X(20) >> 26);			/* EC: breakpoint, EL1 */
	EXPECT_EQ(kget_reg64(self->c, REG_DBGBVR0), X(22));
	EXPECT_EQ(GUEST_RAM_GPA + 0x20, X(22));
}

static int set_guest_debug(int vcpu, __u32 control)
{
	struct kvm_guest_debug dbg = { .control = control };

	return kioctlp(vcpu, KVM_SET_GUEST_DEBUG, &dbg);
}

/*
 * KVM_GUESTDBG_SINGLESTEP: one instruction a KVM_RUN, KVM_EXIT_DEBUG with
 * the software step syndrome; an instruction the host emulates counts as
 * one step.
 */
TEST_F(cpu, userspace_single_step)
{
	struct kvm_run *run = self->vm.run[0];
	static const __u64 pcs[] = { 4, 8, 12, 16 };
	unsigned int i;

	EXPECT_EQ(1, kioctl(self->vm.fd, KVM_CHECK_EXTENSION,
			    KVM_CAP_SET_GUEST_DEBUG));
	EXPECT_LE(2, kioctl(self->vm.fd, KVM_CHECK_EXTENSION,
			    KVM_CAP_GUEST_DEBUG_HW_BPS));
	EXPECT_LE(1, kioctl(self->vm.fd, KVM_CHECK_EXTENSION,
			    KVM_CAP_GUEST_DEBUG_HW_WPS));
	EXPECT_EQ(-EINVAL, set_guest_debug(self->c, KVM_GUESTDBG_ENABLE | (1 << 30)));
	LOAD(guest_steps);
	ASSERT_EQ(0, set_guest_debug(self->c, KVM_GUESTDBG_ENABLE |
				     KVM_GUESTDBG_SINGLESTEP));
	for (i = 0; i < ARRAY_SIZE(pcs); i++) {
		ASSERT_EQ(0, vcpu_run(&self->vm, 0));
		ASSERT_EQ(KVM_EXIT_DEBUG, run->exit_reason)
			TH_LOG("step %u: exit %u", i, run->exit_reason);
		EXPECT_EQ(0x32, run->debug.arch.hsr >> 26);	/* SOFTSTP_LOW */
		EXPECT_EQ(GUEST_RAM_GPA + pcs[i], kget_reg64(self->c, REG_PC));
	}
	ASSERT_EQ(0, set_guest_debug(self->c, 0));
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(GUEST_RAM_GPA + 16, kget_reg64(self->c, REG_PC));
}

/*
 * The firmware bitmaps: TRNG is offered by default; userspace may take it
 * away before the first run, not add unknown bits, and not change it after.
 */
TEST_F(cpu, firmware_bitmaps)
{
	__u64 std = kget_reg64(self->c, KVM_REG_ARM_STD_BMAP);

	EXPECT_EQ(1, std & 1);				/* TRNG 1.0 */
	EXPECT_EQ(-EINVAL, kset_reg64(self->c, KVM_REG_ARM_STD_BMAP,
				      std | (1ULL << 63)));
	LOAD(guest_trng);
	ASSERT_EQ(0, kset_reg64(self->c, KVM_REG_ARM_STD_BMAP, 0));
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(~0ULL, X(20));			/* NOT_SUPPORTED */
	EXPECT_EQ(-EBUSY, kset_reg64(self->c, KVM_REG_ARM_STD_BMAP, std));
	EXPECT_EQ(0, kset_reg64(self->c, KVM_REG_ARM_STD_BMAP, 0));
}

TEST_F(cpu, trng)
{
	LOAD(guest_trng);
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(0x10000, X(20));			/* TRNG 1.0 */
}

static int get_mp(int vcpu)
{
	struct kvm_mp_state mp = { .mp_state = 0xff };

	if (kioctlp(vcpu, KVM_GET_MP_STATE, &mp))
		return -1;
	return mp.mp_state;
}

static int set_mp(int vcpu, __u32 state)
{
	struct kvm_mp_state mp = { .mp_state = state };

	return kioctlp(vcpu, KVM_SET_MP_STATE, &mp);
}

TEST_F(cpu, mp_state)
{
	EXPECT_EQ(1, kioctl(self->vm.fd, KVM_CHECK_EXTENSION, KVM_CAP_MP_STATE));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, get_mp(self->c));
	EXPECT_EQ(0, set_mp(self->c, KVM_MP_STATE_STOPPED));
	EXPECT_EQ(KVM_MP_STATE_STOPPED, get_mp(self->c));
	EXPECT_EQ(0, set_mp(self->c, KVM_MP_STATE_SUSPENDED));
	EXPECT_EQ(KVM_MP_STATE_SUSPENDED, get_mp(self->c));
	EXPECT_EQ(0, set_mp(self->c, KVM_MP_STATE_RUNNABLE));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, get_mp(self->c));
	EXPECT_EQ(-EINVAL, set_mp(self->c, KVM_MP_STATE_HALTED));
	EXPECT_EQ(-EFAULT, kioctlp(self->c, KVM_SET_MP_STATE, NULL));
}

/*
 * PSCI SYSTEM_SUSPEND: NOT_SUPPORTED until userspace enables
 * KVM_CAP_ARM_SYSTEM_SUSPEND, then an exit with the call's registers intact;
 * a vCPU userspace suspended wakes up (KVM_SYSTEM_EVENT_WAKEUP) once an
 * interrupt line is raised.
 */
TEST_F(cpu, system_suspend)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_SYSTEM_SUSPEND };
	struct kvm_irq_level irq = { .irq = KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT,
				     .level = 1 };
	struct kvm_run *run = self->vm.run[0];

	ASSERT_EQ(1, kioctl(self->vm.fd, KVM_CHECK_EXTENSION,
			    KVM_CAP_ARM_SYSTEM_SUSPEND));
	LOAD(guest_suspend);
	ASSERT_EQ(0, kset_reg64(self->c, REG_X(21), 0x1000));
	ASSERT_EQ(0, kset_reg64(self->c, REG_X(22), 0x2000));
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ((__u64)PSCI_RET_NOT_SUPPORTED, X(20));
	/* Finish the MMIO exit (PC += 4) before starting over. */
	run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, vcpu_run(&self->vm, 0));
	run->immediate_exit = 0;

	LOAD(guest_suspend);
	cap.flags = 1;
	EXPECT_EQ(-EINVAL, kioctlp(self->vm.fd, KVM_ENABLE_CAP, &cap));
	cap.flags = 0;
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_ENABLE_CAP, &cap));
	ASSERT_EQ(0, vcpu_run(&self->vm, 0));
	ASSERT_EQ(KVM_EXIT_SYSTEM_EVENT, run->exit_reason);
	EXPECT_EQ(KVM_SYSTEM_EVENT_SUSPEND, run->system_event.type);
	EXPECT_EQ(0, X(20));
	EXPECT_EQ(0x1000, X(1));
	EXPECT_EQ(0x2000, X(2));

	ASSERT_EQ(0, set_mp(self->c, KVM_MP_STATE_SUSPENDED));
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_IRQ_LINE, &irq));
	ASSERT_EQ(0, vcpu_run(&self->vm, 0));
	ASSERT_EQ(KVM_EXIT_SYSTEM_EVENT, run->exit_reason);
	EXPECT_EQ(KVM_SYSTEM_EVENT_WAKEUP, run->system_event.type);
	EXPECT_EQ(KVM_MP_STATE_SUSPENDED, get_mp(self->c));
}

static int dev_attr(int fd, unsigned long ioctl, __u32 group, __u64 attr,
		    void *addr)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (unsigned long)addr,
	};

	return kioctlp(fd, ioctl, &a);
}

/* The timers' PPIs: KVM's defaults; set only with an in-kernel irqchip. */
TEST_F(cpu, timer_attrs)
{
	int irq = 0;

	EXPECT_EQ(0, dev_attr(self->c, KVM_HAS_DEVICE_ATTR, KVM_ARM_VCPU_TIMER_CTRL,
			      KVM_ARM_VCPU_TIMER_IRQ_VTIMER, NULL));
	EXPECT_EQ(0, dev_attr(self->c, KVM_GET_DEVICE_ATTR, KVM_ARM_VCPU_TIMER_CTRL,
			      KVM_ARM_VCPU_TIMER_IRQ_VTIMER, &irq));
	EXPECT_EQ(27, irq);
	EXPECT_EQ(0, dev_attr(self->c, KVM_GET_DEVICE_ATTR, KVM_ARM_VCPU_TIMER_CTRL,
			      KVM_ARM_VCPU_TIMER_IRQ_PTIMER, &irq));
	EXPECT_EQ(30, irq);
	irq = 20;
	EXPECT_EQ(-EINVAL, dev_attr(self->c, KVM_SET_DEVICE_ATTR,
				    KVM_ARM_VCPU_TIMER_CTRL,
				    KVM_ARM_VCPU_TIMER_IRQ_VTIMER, &irq));
	EXPECT_EQ(-ENXIO, dev_attr(self->c, KVM_HAS_DEVICE_ATTR, 99, 0, NULL));
	EXPECT_EQ(-ENXIO, dev_attr(self->c, KVM_HAS_DEVICE_ATTR,
				   KVM_ARM_VCPU_TIMER_CTRL, 99, NULL));
	EXPECT_EQ(-EFAULT, kioctlp(self->c, KVM_HAS_DEVICE_ATTR, NULL));
}

static int set_filter(int vm, __u32 base, __u32 nr, __u8 action)
{
	struct kvm_smccc_filter f = {
		.base = base, .nr_functions = nr, .action = action,
	};

	return dev_attr(vm, KVM_SET_DEVICE_ATTR, KVM_ARM_VM_SMCCC_CTRL,
			KVM_ARM_VM_SMCCC_FILTER, &f);
}

/*
 * The SMCCC filter (KVM 6.4 and later): ranges forwarded to userspace as
 * KVM_EXIT_HYPERCALL or denied, set before the first run, never over the
 * architecture's own range or another range.
 */
TEST_F(cpu, smccc_filter)
{
	struct kvm_run *run = self->vm.run[0];
	struct kvm_smccc_filter f = { .nr_functions = 1 };
	int fd = self->vm.fd;

	if (dev_attr(fd, KVM_HAS_DEVICE_ATTR, KVM_ARM_VM_SMCCC_CTRL,
		     KVM_ARM_VM_SMCCC_FILTER, NULL))
		SKIP(return, "no SMCCC filter (KVM before 6.4)");
	ASSERT_EQ(0, set_filter(fd, 0xc3000000, 16, KVM_SMCCC_FILTER_FWD_TO_USER));
	ASSERT_EQ(0, set_filter(fd, 0x84000000, 1, KVM_SMCCC_FILTER_DENY));
	EXPECT_EQ(-EEXIST, set_filter(fd, 0xc3000008, 1, KVM_SMCCC_FILTER_DENY));
	EXPECT_EQ(-EEXIST, set_filter(fd, 0x80000000, 1, KVM_SMCCC_FILTER_DENY));
	EXPECT_EQ(-EINVAL, set_filter(fd, 0xc4000000, 0, KVM_SMCCC_FILTER_DENY));
	EXPECT_EQ(-EINVAL, set_filter(fd, 0xc4000000, 1, 3));
	f.base = 0xc4000000;
	f.pad[3] = 1;
	EXPECT_EQ(-EINVAL, dev_attr(fd, KVM_SET_DEVICE_ATTR, KVM_ARM_VM_SMCCC_CTRL,
				    KVM_ARM_VM_SMCCC_FILTER, &f));
	EXPECT_EQ(-ENXIO, dev_attr(fd, KVM_HAS_DEVICE_ATTR, 7, 0, NULL));
	EXPECT_EQ(-EINVAL, dev_attr(fd, KVM_GET_DEVICE_ATTR, KVM_ARM_VM_SMCCC_CTRL,
				    KVM_ARM_VM_SMCCC_FILTER, &f));

	LOAD(guest_filtered);
	ASSERT_EQ(0, vcpu_run(&self->vm, 0));
	ASSERT_EQ(KVM_EXIT_HYPERCALL, run->exit_reason);
	EXPECT_EQ(0xc3000000, run->hypercall.nr);
	EXPECT_EQ(0, ((__u64 *)&run->hypercall.ret)[1]);	/* flags: HVC */
	ASSERT_EQ(0, kset_reg64(self->c, REG_X(0), 0x1234));	/* its answer */
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(0x1234, X(20));
	EXPECT_EQ(~0ULL, X(21));				/* denied */
	EXPECT_EQ(-EBUSY, set_filter(fd, 0xc4000000, 1, KVM_SMCCC_FILTER_DENY));
}

/* No in-kernel device of an unknown type: ENODEV, as KVM. */
static __u64 run_delay_ns(void)
{
	char path[64];
	__u64 exec, delay = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/schedstat",
		 (long)syscall(SYS_gettid));
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu %llu", &exec, &delay) != 2)
		delay = 0;
	fclose(f);
	return delay;
}

static int stealer_stop;

static void *stealer(void *arg)
{
	while (!__atomic_load_n(&stealer_stop, __ATOMIC_RELAXED))
		;
	return NULL;
}

/* Wait at least 20 ms for this CPU while a thread pinned beside us spins. */
static void steal_some_time(struct __test_metadata *_metadata)
{
	__u64 start = run_delay_ns();
	pthread_attr_t attr;
	pthread_t t;
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpus), &cpus));
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
	__atomic_store_n(&stealer_stop, 0, __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_create(&t, &attr, stealer, NULL));
	while (run_delay_ns() - start < 20000000ULL)
		sched_yield();
	__atomic_store_n(&stealer_stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
}

static int pvtime_attr(int vcpu, unsigned long ioctl, __u64 attr, __u64 *ipa)
{
	struct kvm_device_attr a = {
		.group = KVM_ARM_VCPU_PVTIME_CTRL, .attr = attr,
		.addr = (__u64)(unsigned long)ipa,
	};

	return kioctlp(vcpu, ioctl, &a);
}

#define ST_GPA	(GUEST_RAM_GPA + 0x10000)

/* The record (Arm DEN0057A; the kernel's asm/pvclock-abi.h is not uapi). */
struct pvclock_vcpu_stolen_time {
	__u32 revision;
	__u32 attributes;
	__u64 stolen_time;
	__u8 padding[48];
};

/*
 * PV stolen time: the record's IPA set once, 64-byte aligned, in memory;
 * the guest finds it through SMCCC, PV_TIME_ST zeroes it, and time the vCPU
 * thread waits for its CPU is added before the next entry.
 */
TEST_F(cpu, pvtime)
{
	struct pvclock_vcpu_stolen_time *st = vm_gpa(&self->vm, ST_GPA);
	__u64 ipa = 0, before;

	ASSERT_EQ(1, kioctl(self->vm.sys, KVM_CHECK_EXTENSION, KVM_CAP_STEAL_TIME));
	EXPECT_EQ(0, pvtime_attr(self->c, KVM_HAS_DEVICE_ATTR,
				 KVM_ARM_VCPU_PVTIME_IPA, NULL));
	EXPECT_EQ(-ENXIO, pvtime_attr(self->c, KVM_HAS_DEVICE_ATTR, 1, NULL));
	ASSERT_EQ(0, pvtime_attr(self->c, KVM_GET_DEVICE_ATTR,
				 KVM_ARM_VCPU_PVTIME_IPA, &ipa));
	EXPECT_EQ(~0ULL, ipa);				/* not set */
	ipa = ST_GPA + 32;
	EXPECT_EQ(-EINVAL, pvtime_attr(self->c, KVM_SET_DEVICE_ATTR,
				       KVM_ARM_VCPU_PVTIME_IPA, &ipa));
	ipa = GUEST_MMIO_GPA;
	EXPECT_EQ(-EINVAL, pvtime_attr(self->c, KVM_SET_DEVICE_ATTR,
				       KVM_ARM_VCPU_PVTIME_IPA, &ipa));
	ipa = ST_GPA;
	ASSERT_EQ(0, pvtime_attr(self->c, KVM_SET_DEVICE_ATTR,
				 KVM_ARM_VCPU_PVTIME_IPA, &ipa));
	EXPECT_EQ(-EEXIST, pvtime_attr(self->c, KVM_SET_DEVICE_ATTR,
				       KVM_ARM_VCPU_PVTIME_IPA, &ipa));
	ipa = 0;
	ASSERT_EQ(0, pvtime_attr(self->c, KVM_GET_DEVICE_ATTR,
				 KVM_ARM_VCPU_PVTIME_IPA, &ipa));
	EXPECT_EQ(ST_GPA, ipa);

	memset(st, 0xff, sizeof(*st));
	LOAD(guest_pvtime);
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(0, X(20));				/* SUCCESS */
	EXPECT_EQ(0, X(21));
	EXPECT_EQ(ST_GPA, X(22));
	EXPECT_EQ(0, st->revision);
	EXPECT_EQ(0, st->attributes);
	before = st->stolen_time;
	EXPECT_GT(1000000000ULL, before);		/* counted from the call */

	steal_some_time(_metadata);
	run_to_mmio(_metadata, &self->vm);
	EXPECT_LE(before + 20000000ULL, st->stolen_time)
		TH_LOG("stolen %llu ns, was %llu", (unsigned long long)st->stolen_time,
		       (unsigned long long)before);
}

/* Without a record the guest is told PV_TIME_ST is not there. */
TEST_F(cpu, pvtime_unset)
{
	LOAD(guest_pvtime);
	run_to_mmio(_metadata, &self->vm);
	EXPECT_EQ(0, X(20));				/* the service exists */
	EXPECT_EQ(~0ULL, X(21));			/* NOT_SUPPORTED */
	EXPECT_EQ(~0ULL, X(22));
}

TEST_F(cpu, create_device_unknown)
{
	struct kvm_create_device cd = { .type = 0xffff };

	EXPECT_EQ(-ENODEV, kioctlp(self->vm.fd, KVM_CREATE_DEVICE, &cd));
	cd.flags = KVM_CREATE_DEVICE_TEST;
	EXPECT_EQ(-ENODEV, kioctlp(self->vm.fd, KVM_CREATE_DEVICE, &cd));
	EXPECT_EQ(-EFAULT, kioctlp(self->vm.fd, KVM_CREATE_DEVICE, NULL));
}

#else /* !__aarch64__ */

TEST(arm64_only)
{
	SKIP(return, "these tests drive an arm64 guest");
}

#endif

TEST_HARNESS_MAIN
