/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmlite core tracepoints (tracefs: events/kvmlite/), named and shaped as
 * KVM's of include/trace/events/kvm.h so that tools written for those read
 * these: kvm_userspace_exit at the end of each KVM_RUN, kvm_mmio for each
 * emulated access.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kvmlite

#if !defined(KVMLITE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define KVMLITE_TRACE_H

#include <linux/kvm.h>
#include <linux/tracepoint.h>

/* KVM's KVM_TRACE_MMIO_*. */
#define KVMLITE_TRACE_MMIO_READ_UNSATISFIED	0
#define KVMLITE_TRACE_MMIO_READ			1
#define KVMLITE_TRACE_MMIO_WRITE		2

#define kvmlite_trace_symbol_mmio					\
	{ KVMLITE_TRACE_MMIO_READ_UNSATISFIED, "unsatisfied-read" },	\
	{ KVMLITE_TRACE_MMIO_READ, "read" },				\
	{ KVMLITE_TRACE_MMIO_WRITE, "write" }

/* KVM's names: "KVM_EXIT_" and the reason. */
#define KVMLITE_ERSN(x)	{ KVM_EXIT_##x, "KVM_EXIT_" #x }
#define kvmlite_trace_exit_reason					\
	KVMLITE_ERSN(UNKNOWN), KVMLITE_ERSN(EXCEPTION), KVMLITE_ERSN(IO),	\
	KVMLITE_ERSN(HYPERCALL), KVMLITE_ERSN(DEBUG), KVMLITE_ERSN(HLT),	\
	KVMLITE_ERSN(MMIO), KVMLITE_ERSN(IRQ_WINDOW_OPEN),		\
	KVMLITE_ERSN(SHUTDOWN), KVMLITE_ERSN(FAIL_ENTRY),		\
	KVMLITE_ERSN(INTR), KVMLITE_ERSN(NMI),				\
	KVMLITE_ERSN(INTERNAL_ERROR), KVMLITE_ERSN(SYSTEM_EVENT),	\
	KVMLITE_ERSN(ARM_NISV), KVMLITE_ERSN(X86_RDMSR),		\
	KVMLITE_ERSN(X86_WRMSR)

TRACE_EVENT(kvm_userspace_exit,
	TP_PROTO(__u32 reason, int errno),
	TP_ARGS(reason, errno),

	TP_STRUCT__entry(
		__field(__u32, reason)
		__field(int, errno)
	),

	TP_fast_assign(
		__entry->reason = reason;
		__entry->errno = errno;
	),

	TP_printk("reason %s (%d)",
		  __entry->errno < 0 ?
		  (__entry->errno == -EINTR ? "restart" : "error") :
		  __print_symbolic(__entry->reason, kvmlite_trace_exit_reason),
		  __entry->errno < 0 ? -__entry->errno : __entry->reason)
);

TRACE_EVENT(kvm_mmio,
	TP_PROTO(int type, int len, u64 gpa, const void *val),
	TP_ARGS(type, len, gpa, val),

	TP_STRUCT__entry(
		__field(u32, type)
		__field(u32, len)
		__field(u64, gpa)
		__field(u64, val)
	),

	TP_fast_assign(
		__entry->type = type;
		__entry->len = len;
		__entry->gpa = gpa;
		__entry->val = 0;
		if (val)
			memcpy(&__entry->val, val,
			       min_t(u32, sizeof(__entry->val), len));
	),

	TP_printk("mmio %s len %u gpa 0x%llx val 0x%llx",
		  __print_symbolic(__entry->type, kvmlite_trace_symbol_mmio),
		  __entry->len, __entry->gpa, __entry->val)
);

#endif /* KVMLITE_TRACE_H */

/* This part must be outside the header guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE kvmlite_trace
#include <trace/define_trace.h>
