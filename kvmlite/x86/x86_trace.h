/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmlite x86 tracepoints (tracefs: events/kvmlite/), named and shaped as
 * KVM's of arch/x86/kvm/trace.h: guest entry, exit (the VMX exit reason;
 * info1 the qualification, info2 the IDT-vectoring information, the exit's
 * interrupt information and error code, as KVM's vmx_get_exit_info()) and
 * the external interrupts injected.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kvmlite

#if !defined(KVMLITE_X86_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define KVMLITE_X86_TRACE_H

#include <linux/tracepoint.h>
#include <asm/vmx.h>

TRACE_EVENT(kvm_entry,
	TP_PROTO(unsigned int vcpu_id, unsigned long rip),
	TP_ARGS(vcpu_id, rip),

	TP_STRUCT__entry(
		__field(unsigned int, vcpu_id)
		__field(unsigned long, rip)
	),

	TP_fast_assign(
		__entry->vcpu_id = vcpu_id;
		__entry->rip = rip;
	),

	TP_printk("vcpu %u, rip 0x%lx", __entry->vcpu_id, __entry->rip)
);

TRACE_EVENT(kvm_exit,
	TP_PROTO(unsigned int vcpu_id, u32 exit_reason, unsigned long rip,
		 u64 info1, u64 info2, u32 intr_info, u32 error_code),
	TP_ARGS(vcpu_id, exit_reason, rip, info1, info2, intr_info, error_code),

	TP_STRUCT__entry(
		__field(unsigned int, vcpu_id)
		__field(u32, exit_reason)
		__field(unsigned long, guest_rip)
		__field(u64, info1)
		__field(u64, info2)
		__field(u32, intr_info)
		__field(u32, error_code)
	),

	TP_fast_assign(
		__entry->vcpu_id = vcpu_id;
		__entry->exit_reason = exit_reason;
		__entry->guest_rip = rip;
		__entry->info1 = info1;
		__entry->info2 = info2;
		__entry->intr_info = intr_info;
		__entry->error_code = error_code;
	),

	TP_printk("vcpu %u reason %s%s rip 0x%lx info1 0x%016llx info2 0x%016llx intr_info 0x%08x error_code 0x%08x",
		  __entry->vcpu_id,
		  __print_symbolic(__entry->exit_reason & 0xffff,
				   VMX_EXIT_REASONS),
		  __entry->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY ?
		  " [FAILED_VMENTRY]" : "",
		  __entry->guest_rip, __entry->info1, __entry->info2,
		  __entry->intr_info, __entry->error_code)
);

TRACE_EVENT(kvm_inj_virq,
	TP_PROTO(unsigned int vcpu_id, unsigned int irq),
	TP_ARGS(vcpu_id, irq),

	TP_STRUCT__entry(
		__field(unsigned int, vcpu_id)
		__field(unsigned int, irq)
	),

	TP_fast_assign(
		__entry->vcpu_id = vcpu_id;
		__entry->irq = irq;
	),

	TP_printk("vcpu %u irq %u", __entry->vcpu_id, __entry->irq)
);

#endif /* KVMLITE_X86_TRACE_H */

/* This part must be outside the header guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH x86
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE x86_trace
#include <trace/define_trace.h>
