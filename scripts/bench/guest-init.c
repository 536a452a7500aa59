// SPDX-License-Identifier: GPL-2.0
/*
 * init of the nested guest (scripts/bench/nested-qemu): a static PID 1 that
 * mounts /proc and /sys, prints one marker line with the number of online
 * CPUs, the kernel release and the guest's own uptime, and powers off.
 *
 *   KVMLITE-GUEST-BOOTED cpus=N release=R uptime=S
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

static void mount_fs(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		printf("guest-init: mount %s: %s\n", type, strerror(errno));
}

static void read_uptime(char *buf, size_t len)
{
	int fd = open("/proc/uptime", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n ")] = '\0';
	if (!*buf)
		snprintf(buf, len, "?");
}

int main(void)
{
	struct utsname uts;
	char up[64];

	mount_fs("devtmpfs", "/dev", "devtmpfs");
	if (fcntl(1, F_GETFD) < 0) {
		int fd = open("/dev/console", O_RDWR);

		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
	}
	mount_fs("proc", "/proc", "proc");
	mount_fs("sysfs", "/sys", "sysfs");
	if (uname(&uts))
		snprintf(uts.release, sizeof(uts.release), "?");
	read_uptime(up, sizeof(up));

	printf("KVMLITE-GUEST-BOOTED cpus=%ld release=%s uptime=%s\n",
	       sysconf(_SC_NPROCESSORS_ONLN), uts.release, up);
	fflush(stdout);
	tcdrain(1);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
	return 0;
}
