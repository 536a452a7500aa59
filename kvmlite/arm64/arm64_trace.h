/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmlite arm64 tracepoints (tracefs: events/kvmlite/), named and shaped as
 * KVM's of arch/arm64/kvm/trace_arm.h and trace_handle_exit.h: guest entry
 * and exit (with the exception class), KVM_IRQ_LINE and the guest's HVC and
 * SMC calls (PSCI among them: r0 is the function id).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kvmlite

#if !defined(KVMLITE_ARM64_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define KVMLITE_ARM64_TRACE_H

#include <linux/kvm.h>
#include <linux/tracepoint.h>
#include <asm/esr.h>
#include <asm/kvm_arm.h>	/* kvm_arm_exception_class */

/* KVM's ARM_EXCEPTION_* codes, the "ret" of kvm_exit. */
#define KVMLITE_EXCEPTION_IRQ		0
#define KVMLITE_EXCEPTION_EL1_SERROR	1
#define KVMLITE_EXCEPTION_TRAP		2
#define KVMLITE_EXCEPTION_IL		3

#define kvmlite_arm_exception_type				\
	{ KVMLITE_EXCEPTION_IRQ, "IRQ" },			\
	{ KVMLITE_EXCEPTION_EL1_SERROR, "SERROR" },		\
	{ KVMLITE_EXCEPTION_TRAP, "TRAP" },			\
	{ KVMLITE_EXCEPTION_IL, "ILLEGAL" }

TRACE_EVENT(kvm_entry,
	TP_PROTO(unsigned long vcpu_pc),
	TP_ARGS(vcpu_pc),

	TP_STRUCT__entry(
		__field(unsigned long, vcpu_pc)
	),

	TP_fast_assign(
		__entry->vcpu_pc = vcpu_pc;
	),

	TP_printk("PC: 0x%016lx", __entry->vcpu_pc)
);

TRACE_EVENT(kvm_exit,
	TP_PROTO(int ret, unsigned int esr_ec, unsigned long vcpu_pc),
	TP_ARGS(ret, esr_ec, vcpu_pc),

	TP_STRUCT__entry(
		__field(int, ret)
		__field(unsigned int, esr_ec)
		__field(unsigned long, vcpu_pc)
	),

	TP_fast_assign(
		__entry->ret = ret;
		__entry->esr_ec = ret == KVMLITE_EXCEPTION_TRAP ? esr_ec : 0;
		__entry->vcpu_pc = vcpu_pc;
	),

	TP_printk("%s: HSR_EC: 0x%04x (%s), PC: 0x%016lx",
		  __print_symbolic(__entry->ret, kvmlite_arm_exception_type),
		  __entry->esr_ec,
		  __print_symbolic(__entry->esr_ec, kvm_arm_exception_class),
		  __entry->vcpu_pc)
);

TRACE_EVENT(kvm_irq_line,
	TP_PROTO(unsigned int type, int vcpu_idx, int irq_num, int level),
	TP_ARGS(type, vcpu_idx, irq_num, level),

	TP_STRUCT__entry(
		__field(unsigned int, type)
		__field(int, vcpu_idx)
		__field(int, irq_num)
		__field(int, level)
	),

	TP_fast_assign(
		__entry->type = type;
		__entry->vcpu_idx = vcpu_idx;
		__entry->irq_num = irq_num;
		__entry->level = level;
	),

	TP_printk("Inject %s interrupt (%d), vcpu->idx: %d, num: %d, level: %d",
		  (__entry->type == KVM_ARM_IRQ_TYPE_CPU) ? "CPU" :
		  (__entry->type == KVM_ARM_IRQ_TYPE_PPI) ? "VGIC PPI" :
		  (__entry->type == KVM_ARM_IRQ_TYPE_SPI) ? "VGIC SPI" :
		  "UNKNOWN",
		  __entry->type, __entry->vcpu_idx, __entry->irq_num,
		  __entry->level)
);

TRACE_EVENT(kvm_hvc_arm64,
	TP_PROTO(unsigned long vcpu_pc, unsigned long r0, unsigned long imm),
	TP_ARGS(vcpu_pc, r0, imm),

	TP_STRUCT__entry(
		__field(unsigned long, vcpu_pc)
		__field(unsigned long, r0)
		__field(unsigned long, imm)
	),

	TP_fast_assign(
		__entry->vcpu_pc = vcpu_pc;
		__entry->r0 = r0;
		__entry->imm = imm;
	),

	TP_printk("HVC at 0x%016lx (r0: 0x%016lx, imm: 0x%lx)",
		  __entry->vcpu_pc, __entry->r0, __entry->imm)
);

#endif /* KVMLITE_ARM64_TRACE_H */

/* This part must be outside the header guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH arm64
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE arm64_trace
#include <trace/define_trace.h>
