/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A thread's scheduler state from /proc, for tests that wait until a vCPU
 * thread sleeps in KVM_RUN (kvmlite_thread.h, x86_lapic_test.c).
 */
#ifndef KVMLITE_PROC_H
#define KVMLITE_PROC_H

#include <stdio.h>
#include <string.h>
#include <sys/types.h>

/* Scheduler state letter of thread @tid ('R', 'S', ...), or '?'. */
static inline char thread_state(pid_t tid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : '?';
}

#endif /* KVMLITE_PROC_H */
