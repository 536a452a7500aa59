// SPDX-License-Identifier: GPL-2.0
/*
 * init for the bench machines: a static PID 1 that mounts the pseudo file
 * systems, loads the modules listed in /bench/modules, runs the command in
 * /bench/cmd (NUL-separated argv) with /bench as working directory, then dumps
 * the kernel log and kmemleak's findings between markers the host runner
 * parses, and powers the machine off.
 *
 * Markers (one per line, on the console):
 *   ==BENCH== insmod NAME: ok | error STRERROR
 *   ==BENCH== kmsg-begin / kmsg-end   (the whole kernel log in between)
 *   ==BENCH== exit=N                   (the command's exit status)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <sys/io.h>
#endif

#define MARK "==BENCH== "

static void say(const char *fmt, ...)
{
	va_list ap;

	fputs(MARK, stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static void mount_fs(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		say("mount %s on %s: %s", type, dst, strerror(errno));
}

static void setup_console(void)
{
	int fd = open("/dev/console", O_RDWR);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static char *read_file(const char *path, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((r = read(fd, buf + n, cap - n)) > 0) {
		n += r;
		if (n == cap) {
			char *nbuf = realloc(buf, 2 * cap + 1);

			if (!nbuf)
				break;
			buf = nbuf;
			cap *= 2;
		}
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* /bench/modules: one module per line, "PATH [PARAMS...]". */
static int load_modules(void)
{
	char *list = read_file("/bench/modules", NULL);
	char *line, *save = NULL;
	int failed = 0;

	if (!list)
		return 0;
	for (line = strtok_r(list, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *params = strchr(line, ' ');
		const char *name;
		int fd;

		if (params)
			*params++ = '\0';
		name = strrchr(line, '/') ? strrchr(line, '/') + 1 : line;
		fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, params ? params : "", 0)) {
			say("insmod %s: error %s", name, strerror(errno));
			failed = 1;
		} else {
			say("insmod %s: ok", name);
		}
		if (fd >= 0)
			close(fd);
	}
	free(list);
	return failed;
}

/* Proof for the runner that the CPU has what the backends need (x86: VMX). */
static void show_cpu_features(void)
{
	char *info = read_file("/proc/cpuinfo", NULL);
	char *line, *save = NULL;

	if (!info)
		return;
	for (line = strtok_r(info, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "vmx flags", 9)) {
			say("cpu %s", line);
			break;
		}
	}
	free(info);
}

/*
 * Wait up to 10 s for the console's output queue to empty: tcdrain() could
 * wait for ever if the UART's transmit interrupt were lost.
 */
static void drain_console(void)
{
	int i, left;

	for (i = 0; i < 1000; i++) {
		if (ioctl(1, TIOCOUTQ, &left) || left <= 0)
			break;
		usleep(10000);
	}
}

/* A wait() status as a shell's exit status. */
static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_command(void)
{
	size_t len, argc = 0, i;
	char *cmd = read_file("/bench/cmd", &len);
	char **argv;
	int status;
	pid_t pid;

	if (!cmd || !len) {
		say("no command in /bench/cmd");
		return 127;
	}
	argv = calloc(len + 1, sizeof(*argv));
	for (i = 0; i < len; i += strlen(cmd + i) + 1)
		argv[argc++] = cmd + i;

	pid = fork();
	if (pid == 0) {
		/*
		 * The session leader with the console as controlling tty: when
		 * it exits, the kernel hangs the tty up and drops what is still
		 * in its output buffer (a slow UART under Bochs loses the end of
		 * the command's output). So it is not the command: it waits for
		 * the command, lets the output drain, then exits with its status.
		 */
		setsid();
		ioctl(0, TIOCSCTTY, 1);
		if (chdir("/bench"))
			_exit(126);
		pid = fork();
		if (pid == 0) {
			execvp(argv[0], argv);
			fprintf(stderr, "init: cannot run %s: %s\n", argv[0], strerror(errno));
			_exit(127);
		}
		while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		drain_console();
		if (pid < 0)
			_exit(127);
		_exit(exit_code(status));
	}
	/* PID 1 also reaps orphans: wait until our child is the one. */
	for (;;) {
		pid_t w = wait(&status);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return 127;
	}
	return exit_code(status);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return;
	if (write(fd, s, strlen(s)) < 0)
		say("write %s: %s", path, strerror(errno));
	close(fd);
}

/*
 * kmemleak reports an object once it has been unreferenced for 5 s: wait for
 * that age, scan, and copy its findings to the kernel log, where the runner
 * looks for them.
 */
static void kmemleak_report(void)
{
	char *rep;

	if (access("/sys/kernel/debug/kmemleak", F_OK))
		return;
	sleep(6);
	write_file("/sys/kernel/debug/kmemleak", "scan");
	rep = read_file("/sys/kernel/debug/kmemleak", NULL);
	if (rep && *rep) {
		char *line, *save = NULL;
		int kfd = open("/dev/kmsg", O_WRONLY);

		for (line = strtok_r(rep, "\n", &save); line && kfd >= 0;
		     line = strtok_r(NULL, "\n", &save))
			dprintf(kfd, "kmemleak report: %s\n", line);
		if (kfd >= 0)
			close(kfd);
	}
	free(rep);
}

static void dump_kmsg(void)
{
	char rec[8192];
	ssize_t n;
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return;
	say("kmsg-begin");
	while ((n = read(fd, rec, sizeof(rec) - 1)) != 0) {
		char *msg;

		if (n < 0) {
			if (errno == EPIPE)	/* overwritten records: go on */
				continue;
			break;
		}
		rec[n] = '\0';
		msg = strchr(rec, ';');
		fputs(msg ? msg + 1 : rec, stdout);
	}
	fflush(stdout);
	close(fd);
	say("kmsg-end");
}

static void power_off(void)
{
	fflush(stdout);
	drain_console();
	sync();
#if defined(__x86_64__)
	/* Bochs: the "Shutdown" string on port 0x8900 ends the emulator. */
	if (!ioperm(0x8900, 1, 1)) {
		const char *s = "Shutdown";

		while (*s)
			outb(*s++, 0x8900);
	}
#endif
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

int main(void)
{
	int status;

	mount_fs("devtmpfs", "/dev", "devtmpfs");
	setup_console();
	mount_fs("proc", "/proc", "proc");
	mount_fs("sysfs", "/sys", "sysfs");
	mount_fs("debugfs", "/sys/kernel/debug", "debugfs");
	mount_fs("tmpfs", "/tmp", "tmpfs");
	mount_fs("tmpfs", "/run", "tmpfs");
	setenv("PATH", "/bench:/bin:/sbin", 1);
	setenv("HOME", "/bench", 1);
	setenv("TERM", "vt100", 0);

	show_cpu_features();
	if (load_modules())
		status = 125;
	else
		status = run_command();

	kmemleak_report();
	dump_kmsg();
	say("exit=%d", status);
	power_off();
	return 0;
}
