// SPDX-License-Identifier: GPL-2.0
/*
 * nested-run: run a command (a nested QEMU) inside a bench machine, bounded in
 * time, and time its output with the monotonic clock.
 *
 *   nested-run TIMEOUT MARKER CMD ARGS...
 *
 * The command's stdout and stderr go through a pipe; each line is echoed as
 * "==BENCH== guest [  SECONDS] LINE" (seconds since the command started): the
 * prefix keeps the nested guest's own kernel messages (e.g. a soft lockup
 * report of a guest that runs slowly) out of vm-run's splat check, which is
 * about the bench machine's kernel; scripts/bench/nested-qemu reports them
 * apart. Standard input is /dev/null, so the command never touches the
 * console's terminal settings.
 * After TIMEOUT seconds the command (and its process group) is killed. At the
 * end, lines for the runner:
 *
 *   ==NESTED== first-line S     the first output line
 *   ==NESTED== linux S          the line "Booting Linux" (a guest kernel with a
 *                               serial console prints it when that console
 *                               registers: its earlier messages are replayed)
 *   ==NESTED== marker S LINE    the first line containing MARKER, or "missing"
 *   ==NESTED== exit N S         the command's exit status (128 + signal if
 *                               killed; "timeout" instead of N when it was)
 *
 * Exit status: 0 when the marker was seen and the command exited 0, 124 on a
 * timeout, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MARK "==NESTED== "

static struct timespec t0;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
}

struct state {
	const char *marker;
	double first, booting, seen;
	char marker_line[1024];
};

static void line(struct state *st, char *s, size_t len)
{
	double t = now();

	while (len && (s[len - 1] == '\r' || s[len - 1] == '\n'))
		s[--len] = '\0';
	if (st->first < 0)
		st->first = t;
	if (st->booting < 0 && strstr(s, "Booting Linux"))
		st->booting = t;
	if (st->seen < 0 && strstr(s, st->marker)) {
		st->seen = t;
		snprintf(st->marker_line, sizeof(st->marker_line), "%s", s);
	}
	printf("==BENCH== guest [%9.3f] %s\n", t, s);
	fflush(stdout);
}

static void say_time(const char *what, double t)
{
	if (t < 0)
		printf(MARK "%s missing\n", what);
	else
		printf(MARK "%s %.3f\n", what, t);
}

int main(int argc, char **argv)
{
	struct state st = { .first = -1, .booting = -1, .seen = -1 };
	char buf[4096];
	size_t used = 0;
	int pfd[2], status = 0, timed_out = 0, code;
	double timeout;
	pid_t pid;

	if (argc < 4) {
		fprintf(stderr, "usage: nested-run TIMEOUT MARKER CMD ARGS...\n");
		return 2;
	}
	timeout = atof(argv[1]);
	st.marker = argv[2];
	if (pipe(pfd)) {
		perror("nested-run: pipe");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("nested-run: fork");
		return 1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (null >= 0)
			dup2(null, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execvp(argv[3], argv + 3);
		fprintf(stderr, "nested-run: cannot run %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(pfd[1]);

	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		double left = timeout - now();
		ssize_t n;
		char *nl;

		if (left <= 0) {
			timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, (int)(left * 1000) + 1) < 0) {
			if (errno == EINTR)
				continue;
			perror("nested-run: poll");
			break;
		}
		if (!p.revents)
			continue;
		n = read(pfd[0], buf + used, sizeof(buf) - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += n;
		buf[used] = '\0';
		while ((nl = memchr(buf, '\n', used))) {
			size_t len = nl - buf + 1;

			*nl = '\0';
			line(&st, buf, len - 1);
			memmove(buf, buf + len, used - len);
			used -= len;
		}
		if (used == sizeof(buf) - 1) {	/* a very long line: cut it */
			buf[used] = '\0';
			line(&st, buf, used);
			used = 0;
		}
	}
	if (used) {
		buf[used] = '\0';
		line(&st, buf, used);
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* Whatever else is left in the command's process group. */
	kill(-pid, SIGKILL);

	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	say_time("first-line", st.first);
	say_time("linux", st.booting);
	if (st.seen < 0)
		printf(MARK "marker missing\n");
	else
		printf(MARK "marker %.3f %s\n", st.seen, st.marker_line);
	if (timed_out)
		printf(MARK "exit timeout %.3f\n", now());
	else
		printf(MARK "exit %d %.3f\n", code, now());
	fflush(stdout);
	if (timed_out)
		return 124;
	return st.seen >= 0 && code == 0 ? 0 : 1;
}
