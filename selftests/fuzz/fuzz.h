/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the project's fuzzers share: the generator (xorshift64*, seeded per
 * episode from the run's seed and the episode number), the per-operation
 * result counts, the episode marker in the kernel log, the watchdog, the
 * report, and the main loop with its options:
 *
 *   PROG [--secs N] [--seed S] [--episode E] [--ops N]
 *   (environment: FUZZ_SECS, FUZZ_SEED)
 *
 * A program fills in a struct fuzz and calls fuzz_main(). Output is KTAP
 * with the totals line of a kselftest program.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/types.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define FUZZ_MAX_OPS	32
#define FUZZ_MAX_ERRNO	140

/**
 * struct fuzz - a fuzzer
 * @name:	program name (reports, the kernel log marker)
 * @dev:	the device it needs (skipped without)
 * @why_absent:	said in the skip
 * @op_names:	names of the @nr_ops counted operations
 * @nr_ops:	how many (at most FUZZ_MAX_OPS)
 * @nops:	operations per episode (--ops)
 * @setup:	once, before the first episode
 * @episode:	one episode of @nops operations, fuzz_rng seeded
 */
struct fuzz {
	const char *name;
	const char *dev;
	const char *why_absent;
	const char *const *op_names;
	int nr_ops;
	int nops;
	void (*setup)(void);
	void (*episode)(int nops);
};

static const struct fuzz *fuzz;
static __u64 fuzz_rng;
static unsigned long long fuzz_results[FUZZ_MAX_OPS][FUZZ_MAX_ERRNO + 1];
static unsigned long long fuzz_progress;
static int fuzz_cur_op = -1;
static unsigned long long fuzz_cur_episode;
static pthread_mutex_t fuzz_lock = PTHREAD_MUTEX_INITIALIZER;

static inline __u64 xs(__u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static inline __u64 rnd(void)
{
	return xs(&fuzz_rng);
}

static inline __u64 below(__u64 n)
{
	return n ? rnd() % n : 0;
}

static inline int chance(int pct)
{
	return (int)below(100) < pct;
}

/* splitmix64 of (@a, @b): an episode's seed. */
static inline __u64 fuzz_mix(__u64 a, __u64 b)
{
	__u64 z = a + 0x9e3779b97f4a7c15ULL * (b + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31)) | 1;
}

/* Count the result @r (0, or -errno) of operation @op; any thread. */
static inline void note(int op, long r)
{
	int e = r < 0 ? (int)-r : 0;

	pthread_mutex_lock(&fuzz_lock);
	fuzz_results[op][e > FUZZ_MAX_ERRNO ? FUZZ_MAX_ERRNO : e]++;
	pthread_mutex_unlock(&fuzz_lock);
	__atomic_add_fetch(&fuzz_progress, 1, __ATOMIC_RELAXED);
}

/* ioctl: its value, or -errno. */
static inline long xioctl(int fd, unsigned long req, unsigned long arg)
{
	long r = ioctl(fd, req, arg);

	return r < 0 ? -errno : r;
}

static inline long xioctlp(int fd, unsigned long req, const void *arg)
{
	return xioctl(fd, req, (unsigned long)arg);
}

/* The run failed (in the fuzzer itself): say where, as a failed test. */
static inline void fuzz_give_up(const char *why)
{
	char msg[200];
	int n;

	n = snprintf(msg, sizeof(msg),
		     "# %s in episode %llu, operation %s\nnot ok 1 %s\n"
		     "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0\n",
		     why, fuzz_cur_episode,
		     fuzz_cur_op >= 0 ? fuzz->op_names[fuzz_cur_op] : "(none)",
		     fuzz->name);
	if (write(1, msg, n) < 0)
		_exit(2);
	_exit(1);
}

static inline void fuzz_on_crash(int sig)
{
	fuzz_give_up(sig == SIGSEGV ? "SIGSEGV" : "SIGBUS");
}

/* One line into the kernel log (the console shows it at once). */
static inline void fuzz_kmsg(const char *line)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, line, strlen(line)) < 0)
		perror("/dev/kmsg");
	close(fd);
}

/*
 * Stuck: say so in the kernel log, with the kernel stack of each of this
 * process's threads (/proc/self/task/TID/stack), then fail. The console
 * shows it even when the process can no longer end (a thread in an
 * uninterruptible sleep keeps run_kselftest.sh from printing our output).
 */
static inline void fuzz_stuck(const char *why)
{
	char path[64], buf[2048], line[300], *p, *nl;
	struct dirent *d;
	size_t len;
	DIR *dir;
	ssize_t n;
	int fd;

	snprintf(line, sizeof(line), "%s: %s in episode %llu, operation %s\n",
		 fuzz->name, why, fuzz_cur_episode,
		 fuzz_cur_op >= 0 ? fuzz->op_names[fuzz_cur_op] : "(none)");
	fuzz_kmsg(line);
	dir = opendir("/proc/self/task");
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.16s/stack",
			 d->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = 0;
		for (p = buf; *p; p += len + !!nl) {
			nl = strchr(p, '\n');
			len = nl ? (size_t)(nl - p) : strlen(p);
			snprintf(line, sizeof(line), "%s: thread %s: %.*s\n",
				 fuzz->name, d->d_name, (int)len, p);
			fuzz_kmsg(line);
		}
	}
	if (dir)
		closedir(dir);
	fuzz_give_up(why);
}

/* No operation completed for 60 s: a call is stuck in the kernel. */
static inline void *fuzz_watchdog(void *p)
{
	unsigned long long last = ~0ULL, now;
	int idle = 0;

	(void)p;
	for (;;) {
		sleep(1);
		now = __atomic_load_n(&fuzz_progress, __ATOMIC_RELAXED);
		idle = now == last ? idle + 1 : 0;
		last = now;
		if (idle >= 60)
			fuzz_stuck("stuck for 60 s");
	}
	return NULL;
}

/* "NAME: seed S episode E" in the kernel log, before the episode. */
static inline void fuzz_mark(__u64 seed, unsigned long long e)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "%s: seed 0x%llx episode %llu\n", fuzz->name,
		 (unsigned long long)seed, e);
	fuzz_kmsg(msg);
}

static inline void fuzz_report(__u64 seed, unsigned long long episodes, double secs)
{
	unsigned long long total = 0, n;
	char line[1024];
	int op, e, len;

	for (op = 0; op < fuzz->nr_ops; op++)
		for (e = 0; e <= FUZZ_MAX_ERRNO; e++)
			total += fuzz_results[op][e];
	printf("# %s on %s: seed 0x%llx, %llu episodes, %llu operations in %.1f s\n",
	       fuzz->name, fuzz->dev, (unsigned long long)seed, episodes, total, secs);
	for (op = 0; op < fuzz->nr_ops; op++) {
		n = 0;
		len = 0;
		for (e = 0; e <= FUZZ_MAX_ERRNO; e++)
			n += fuzz_results[op][e];
		for (e = 0; e <= FUZZ_MAX_ERRNO && len < 900; e++) {
			if (!fuzz_results[op][e])
				continue;
			len += snprintf(line + len, sizeof(line) - len, " %s %llu",
					e ? strerrorname_np(e) ?: "E?" : "ok",
					fuzz_results[op][e]);
		}
		line[len] = 0;
		printf("#   %-13s %8llu:%s\n", fuzz->op_names[op], n, line);
	}
	printf("# replay an episode: %s --seed 0x%llx --episode N\n", fuzz->name,
	       (unsigned long long)seed);
}

static inline double fuzz_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline int fuzz_main(int argc, char **argv, const struct fuzz *f)
{
	unsigned long long e = 0, only = ~0ULL;
	int i, nops = f->nops;
	double secs = 60, t0;
	struct timespec ts;
	__u64 seed = 0;
	pthread_t thr;

	fuzz = f;
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--secs"))
			secs = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--episode"))
			only = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--ops"))
			nops = atoi(argv[i + 1]);
	}
	if (getenv("FUZZ_SECS"))
		secs = atof(getenv("FUZZ_SECS"));
	if (!seed && getenv("FUZZ_SEED"))
		seed = strtoull(getenv("FUZZ_SEED"), NULL, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	if (!seed)
		seed = fuzz_mix(ts.tv_sec, ts.tv_nsec);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..1\n");
	if (access(f->dev, F_OK)) {
		printf("ok 1 %s # SKIP no %s (%s)\n", f->name, f->dev, f->why_absent);
		printf("# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0\n");
		return 0;
	}
	printf("# seed 0x%llx (replay: %s --seed 0x%llx --episode N)\n",
	       (unsigned long long)seed, f->name, (unsigned long long)seed);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGSEGV, fuzz_on_crash);
	signal(SIGBUS, fuzz_on_crash);
	f->setup();
	pthread_create(&thr, NULL, fuzz_watchdog, NULL);
	t0 = fuzz_now();
	do {
		fuzz_cur_episode = only != ~0ULL ? only : e;
		fuzz_rng = fuzz_mix(seed, fuzz_cur_episode);
		fuzz_mark(seed, fuzz_cur_episode);
		f->episode(nops);
		fuzz_cur_op = -1;
		e++;
	} while (only == ~0ULL && fuzz_now() - t0 < secs);
	fuzz_report(seed, e, fuzz_now() - t0);
	printf("ok 1 %s\n", f->name);
	printf("# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0\n");
	return 0;
}

#endif /* FUZZ_H */
