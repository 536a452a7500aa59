/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kvmlite-bench (arm64) and kvmlite-bench-x86 share: the command line
 * (--dev PATH, --label NAME, --div N, --rows KEY,...), the watchdog of a
 * row, the iteration counts and the "BENCH"/"NOISE" lines `make bench`
 * reads. Before including it, define BENCH_PROG (the program's name for
 * messages), ROW_TIMEOUT (seconds of the machine's time a row may take) and
 * BENCH_NS(t) (a time of the program's clock in nanoseconds, a double).
 */
#ifndef KVMLITE_BENCH_COMMON_H
#define KVMLITE_BENCH_COMMON_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BATCHES		5

static const char *dev = "/dev/kvmlite";
static const char *row = "";
static const char *label = "";
static const char *rows;	/* --rows: comma-separated keys, NULL: all */

static void on_alarm(int sig)
{
	static const char msg[] = BENCH_PROG ": a row did not finish in time\n";

	(void)sig;
	/* Only async-signal-safe calls here. */
	if (write(2, msg, sizeof(msg) - 1) < 0 || write(2, row, strlen(row)) < 0)
		_exit(2);
	_exit(2);
}

/* A row begins: its progress line, and ROW_TIMEOUT to finish it. */
static void start_row(const char *key)
{
	row = key;
	fprintf(stderr, "# %s: %s\n", label, key);
	alarm(ROW_TIMEOUT);
}

/* Per-iteration cost of each batch in @t[BATCHES], @n iterations. */
static void report(const char *key, const uint64_t *t, int n)
{
	uint64_t sum = 0, lo = ~0ULL, hi = 0;
	int b, per = n / BATCHES;

	for (b = 0; b < BATCHES; b++) {
		sum += t[b];
		lo = t[b] < lo ? t[b] : lo;
		hi = t[b] > hi ? t[b] : hi;
	}
	printf("BENCH %s %s %.0f ns\n", label, key,
	       BENCH_NS(sum) / (per * BATCHES));
	printf("NOISE %s %s %.0f %.0f\n", label, key, BENCH_NS(lo) / per,
	       BENCH_NS(hi) / per);
}

/* Whether --rows asks for the row @key. */
static bool want(const char *key)
{
	size_t len = strlen(key);
	const char *p = rows;

	while (p) {
		if (!strncmp(p, key, len) && (p[len] == ',' || !p[len]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return !rows;
}

/* A loop's iterations: a whole number of batches, at least one each. */
static int loops(int n, int div)
{
	n = n / div > 0 ? n / div : 1;
	return n > BATCHES ? n / BATCHES * BATCHES : BATCHES;
}

/*
 * The command line; returns --div (1 without it). Output is line-buffered
 * (`make bench` reads it through a pipe) and SIGALRM ends a late row.
 */
static int bench_args(int argc, char **argv)
{
	int i, div = 1;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--dev"))
			dev = argv[i + 1];
		else if (!strcmp(argv[i], "--label"))
			label = argv[i + 1];
		else if (!strcmp(argv[i], "--rows"))
			rows = argv[i + 1];
		else if (!strcmp(argv[i], "--div"))
			div = atoi(argv[i + 1]) > 0 ? atoi(argv[i + 1]) : 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, on_alarm);
	return div;
}

#endif
