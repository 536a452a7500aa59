/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vCPUs on threads of their own for the kvmlite selftests: a runner does one
 * KVM_RUN (or a few, through its callback) and records the result; the test
 * can look at its scheduler state (a vCPU in WFI must sleep, not spin), kick
 * it with SIGUSR1 and join it.
 */
#ifndef KVMLITE_THREAD_H
#define KVMLITE_THREAD_H

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kvmlite_proc.h"
#include "kvmlite_util.h"

static void kick_signal_handler(int sig)
{
}

/* SIGUSR1 interrupts KVM_RUN (no SA_RESTART): the tests' kick. */
static inline void install_kick_signal(void)
{
	struct sigaction sa = { .sa_handler = kick_signal_handler };

	sigaction(SIGUSR1, &sa, NULL);
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A vCPU on its own thread. Without @fn it does one KVM_RUN; with it, @fn
 * does what it wants and returns the value kept in @ret.
 */
struct runner {
	struct kvm_vm *vm;
	int idx;
	int (*fn)(struct runner *r);
	void *data;
	pthread_t thread;
	pid_t tid;
	int ret;
	double t_end;
	int done;
};

static inline void *runner_fn(void *arg)
{
	struct runner *r = arg;

	__atomic_store_n(&r->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	r->ret = r->fn ? r->fn(r) : vcpu_run(r->vm, r->idx);
	r->t_end = now_s();
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static inline int runner_start_fn(struct runner *r, struct kvm_vm *vm, int idx,
				  int (*fn)(struct runner *r), void *data)
{
	memset(r, 0, sizeof(*r));
	r->vm = vm;
	r->idx = idx;
	r->fn = fn;
	r->data = data;
	if (pthread_create(&r->thread, NULL, runner_fn, r))
		return -1;
	while (!__atomic_load_n(&r->tid, __ATOMIC_SEQ_CST))
		usleep(1000);
	return 0;
}

static inline int runner_start(struct runner *r, struct kvm_vm *vm, int idx)
{
	return runner_start_fn(r, vm, idx, NULL, NULL);
}

static inline int runner_done(struct runner *r)
{
	return __atomic_load_n(&r->done, __ATOMIC_SEQ_CST);
}

/*
 * Wait until the runner sleeps in the kernel (state S twice, 50 ms apart):
 * a vCPU in WFI or powered off must block, not spin. 1 if it does within
 * 5 s.
 */
static inline int runner_blocks(struct runner *r)
{
	int i;

	for (i = 0; i < 100; i++) {
		usleep(50000);
		if (runner_done(r))
			return 0;
		if (thread_state(r->tid) == 'S') {
			usleep(50000);
			if (thread_state(r->tid) == 'S' && !runner_done(r))
				return 1;
		}
	}
	return 0;
}

/* Raise or lower the IRQ (@fiq 0) or FIQ line of vCPU @vcpu_id. */
static inline int irq_line(struct kvm_vm *vm, int vcpu_id, int fiq, int level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT) |
		       (vcpu_id << KVM_ARM_IRQ_VCPU_SHIFT) |
		       ((fiq ? KVM_ARM_IRQ_CPU_FIQ : KVM_ARM_IRQ_CPU_IRQ) <<
			KVM_ARM_IRQ_NUM_SHIFT),
		.level = level,
	};

	return kioctlp(vm->fd, KVM_IRQ_LINE, &irq);
}

#endif /* KVMLITE_THREAD_H */
