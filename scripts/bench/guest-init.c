// SPDX-License-Identifier: GPL-2.0
/*
 * init of the nested guest (scripts/bench/nested-qemu): a static PID 1 that
 * mounts /proc and /sys, prints one marker line with the number of online
 * CPUs, the kernel release, the guest's own uptime and its clocksource, and
 * powers off (arm64: PSCI) or resets (x86, no ACPI: QEMU's -no-reboot ends
 * the run).
 *
 *   KVMLITE-GUEST-BOOTED cpus=N release=R uptime=S clocksource=C
 *
 * With guest_init.report on the kernel command line (nested-qemu --irqchip
 * kernel or its), it first looks at the devices of an in-kernel irqchip run
 * and appends to the same line, before powering off:
 *
 *   online=LIST             /sys/devices/system/cpu/online
 *   timer=HWIRQ:C0+C1...    the arch_timer line of /proc/interrupts: its
 *                           hwirq (27: the virtual timer PPI) and its count
 *                           on each CPU
 *   vdX=BUS:SECTORS:CHIP/N:DATA   per virtio block disk (/sys/block/vd*): the
 *                           transport (mmio, pci or ?), its size in 512-byte
 *                           sectors, the interrupt chip of its virtio device's
 *                           interrupts in /proc/interrupts (GICv3, ITS-PCI-MSIX,
 *                           ...; - when none) and their total count (read
 *                           after the disk read), and the first 32 bytes of a
 *                           4 KiB O_DIRECT read at offset 0 (so from the device,
 *                           not the page cache; bytes outside 0x21-0x7e as '.');
 *                           DATA is "error:ERRNO" when the read fails
 *   disks=N                 how many vd* disks there were (0: none found)
 *   hvc=ok|error:ERRNO|none a line written to /dev/hvc0 (the virtio console,
 *                           waited for up to 20 s: its port comes after the
 *                           device's probe, by a control message),
 *                           "KVMLITE-GUEST-HVC cpus=N": nested-qemu checks it
 *                           came out of QEMU's chardev
 *
 * With guest_init.tee (nested-qemu --tee) it also appends what a TEE client
 * sees through the guest's own OP-TEE driver (the upstream one, bound to an
 * optee node nested-qemu adds to QEMU's device tree):
 *
 *   tee=none                no /dev/tee0 (no TEE offered to this VM)
 *   tee=ok:ns=N:bus=D       /dev/tee0 is OP-TEE with registered memory, and
 *                           with the bench firmware's TAs (selftests/optee_lite/
 *                           ta_ids.h): a value call, a checksum of registered
 *                           user memory spanning 3 pages, an XOR in place in
 *                           TEE_IOC_SHM_ALLOC memory, an RPC GET_TIME served by
 *                           this kernel (within 5 s of its CLOCK_REALTIME), RPC
 *                           shared-memory allocations (kernel and register
 *                           level) and sessions closed all gave the right
 *                           answers; N is the mean time of a value call (ns,
 *                           CLOCK_MONOTONIC, 200 calls) and D the number of
 *                           devices on the TEE bus
 *   tee=error:STEP:E        STEP failed (E: errno, or TEEC return code in hex)
 *
 * "guest-init tee" (not PID 1) runs only those checks and prints the tee=...
 * word: nested-qemu runs it on the bench machine itself for the host's time.
 *
 * The device nodes come from devtmpfs; a missing /dev/vdX or /dev/hvc0 is made
 * from its sysfs "dev" (major:minor).
 */
#define _GNU_SOURCE
#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <linux/tee.h>

#include "ta_ids.h"

#define REPORT_OPT "guest_init.report"
#define TEE_OPT "guest_init.tee"
#define MAX_CPUS 16

static char line[1024];	/* the marker line's report part */

static void add(const char *fmt, ...)
{
	size_t used = strlen(line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + used, sizeof(line) - used, fmt, ap);
	va_end(ap);
}

static void mount_fs(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		printf("guest-init: mount %s: %s\n", type, strerror(errno));
}

/* The first line of a small file, without its newline; "" when unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static void read_uptime(char *buf, size_t len)
{
	read_line("/proc/uptime", buf, len);
	buf[strcspn(buf, " ")] = '\0';
	if (!*buf)
		snprintf(buf, len, "?");
}

static int has_option(const char *opt)
{
	static char cmdline[4096];
	size_t n = strlen(opt);
	const char *p;

	read_line("/proc/cmdline", cmdline, sizeof(cmdline));
	for (p = cmdline; (p = strstr(p, opt)); p += n)
		if ((p == cmdline || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '='))
			return 1;
	return 0;
}

/* Make NODE (S_IFBLK or S_IFCHR) from SYSDEV ("major:minor") if it is missing. */
static void make_node(const char *node, const char *sysdev, mode_t type)
{
	char dev[32];
	unsigned int ma, mi;

	if (!access(node, F_OK))
		return;
	read_line(sysdev, dev, sizeof(dev));
	if (sscanf(dev, "%u:%u", &ma, &mi) == 2 && mknod(node, type | 0600, makedev(ma, mi)))
		printf("guest-init: mknod %s: %s\n", node, strerror(errno));
}

/*
 * One line of /proc/interrupts, split: "IRQ: C0 C1 ... CHIP HWIRQ TYPE.. NAME".
 * Returns 0 for lines that are not numbered interrupts (IPI0:, Err:, ...).
 */
struct irq_line {
	unsigned long count[MAX_CPUS];
	char chip[64], hwirq[16], name[64];
};

static int parse_irq_line(char *s, int ncpus, struct irq_line *l)
{
	char *tok, *save, *last = NULL;
	int i;

	tok = strtok_r(s, " \t\n", &save);
	if (!tok || !isdigit((unsigned char)tok[0]) || tok[strlen(tok) - 1] != ':')
		return 0;
	for (i = 0; i < ncpus; i++) {
		tok = strtok_r(NULL, " \t\n", &save);
		if (!tok)
			return 0;
		l->count[i] = strtoul(tok, NULL, 10);
	}
	tok = strtok_r(NULL, " \t\n", &save);
	snprintf(l->chip, sizeof(l->chip), "%s", tok ? tok : "?");
	tok = strtok_r(NULL, " \t\n", &save);
	snprintf(l->hwirq, sizeof(l->hwirq), "%s", tok ? tok : "?");
	while ((tok = strtok_r(NULL, " \t\n", &save)))
		last = tok;
	snprintf(l->name, sizeof(l->name), "%s", last ? last : "?");
	return 1;
}

/*
 * Walk /proc/interrupts. With name NULL: report the arch_timer line. Else sum
 * the counts of the lines whose action is NAME or starts with "NAME-" (a
 * virtio device's interrupts: "virtio0", or "virtio1-config", "virtio1-req.0"
 * with MSI-X) into *total and copy the first such line's chip into chip.
 */
static void scan_interrupts(const char *name, char *chip, size_t chiplen,
			    unsigned long *total)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char buf[512], *tok, *save;
	struct irq_line l;
	int ncpus = 0, i, found = 0;
	size_t n = name ? strlen(name) : 0;

	if (total)
		*total = 0;
	if (chip)
		snprintf(chip, chiplen, "-");
	if (!f) {
		if (!name)
			add(" timer=none");
		return;
	}
	if (fgets(buf, sizeof(buf), f))
		for (tok = strtok_r(buf, " \t\n", &save); tok && ncpus < MAX_CPUS;
		     tok = strtok_r(NULL, " \t\n", &save))
			ncpus++;
	while (fgets(buf, sizeof(buf), f)) {
		if (!parse_irq_line(buf, ncpus, &l))
			continue;
		if (!name) {
			if (strcmp(l.name, "arch_timer"))
				continue;
			add(" timer=%s:", l.hwirq);
			for (i = 0; i < ncpus; i++)
				add("%s%lu", i ? "+" : "", l.count[i]);
			found = 1;
			break;
		}
		if (strncmp(l.name, name, n) || (l.name[n] && l.name[n] != '-'))
			continue;
		if (!found++)
			snprintf(chip, chiplen, "%s", l.chip);
		for (i = 0; i < ncpus; i++)
			*total += l.count[i];
	}
	fclose(f);
	if (!name && !found)
		add(" timer=none");
}

static void report_disk(const char *disk)
{
	static char *data;
	char path[300], link[512], size[32], chip[64], virtio[64] = "";
	const char *bus = "?";
	unsigned long irqs;
	ssize_t n, i;
	int fd;

	snprintf(path, sizeof(path), "/sys/block/%.32s", disk);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	if (strstr(link, "virtio_mmio") || strstr(link, "virtio-mmio"))
		bus = "mmio";
	else if (strstr(link, "/pci"))
		bus = "pci";
	/* /sys/block/vdX/device is the virtio device, virtioN. */
	snprintf(path, sizeof(path), "/sys/block/%.32s/device", disk);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		const char *base;

		link[n] = '\0';
		base = strrchr(link, '/');
		snprintf(virtio, sizeof(virtio), "%.63s", base ? base + 1 : link);
	}
	snprintf(path, sizeof(path), "/sys/block/%.32s/size", disk);
	read_line(path, size, sizeof(size));

	snprintf(path, sizeof(path), "/sys/block/%.32s/dev", disk);
	{
		char node[300];

		snprintf(node, sizeof(node), "/dev/%.32s", disk);
		make_node(node, path, S_IFBLK);
		fd = open(node, O_RDONLY | O_DIRECT);
	}
	/* O_DIRECT wants an aligned buffer. */
	if (!data)
		data = aligned_alloc(4096, 4096);
	n = fd >= 0 && data ? pread(fd, data, 4096, 0) : -1;
	if (n < 0) {
		snprintf(link, sizeof(link), "error:%d", errno);
	} else {
		for (i = 0; i < n && i < 32; i++)
			link[i] = data[i] > 0x20 && data[i] < 0x7f ? data[i] : '.';
		link[i] = '\0';
	}
	if (fd >= 0)
		close(fd);
	/* The interrupts after the read: its completion is one of them. */
	scan_interrupts(*virtio ? virtio : "none", chip, sizeof(chip), &irqs);
	add(" %s=%s:%s:%s/%lu:%s", disk, bus, *size ? size : "?", chip, irqs, link);
}

/* One line to /dev/hvc0: 0, or the errno. */
static int hvc_write_once(void)
{
	char buf[64];
	int fd, len, err = 0;

	fd = open("/dev/hvc0", O_WRONLY | O_NOCTTY);
	if (fd < 0)
		return errno;
	len = snprintf(buf, sizeof(buf), "KVMLITE-GUEST-HVC cpus=%ld\n",
		       sysconf(_SC_NPROCESSORS_ONLN));
	if (write(fd, buf, len) != len || tcdrain(fd))
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

static void report(void)
{
	char buf[64];
	struct dirent *d;
	DIR *dir;
	int disks = 0, tries, err = 0;

	read_line("/sys/devices/system/cpu/online", buf, sizeof(buf));
	add(" online=%s", *buf ? buf : "?");
	scan_interrupts(NULL, NULL, 0, NULL);

	dir = opendir("/sys/block");
	if (dir) {
		char names[8][32];
		int i, j;

		/* readdir order is not sorted: vda before vdb. */
		while ((d = readdir(dir)) && disks < 8)
			if (!strncmp(d->d_name, "vd", 2))
				snprintf(names[disks++], sizeof(names[0]), "%.31s", d->d_name);
		closedir(dir);
		for (i = 1; i < disks; i++)
			for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
				memcpy(buf, names[j], sizeof(names[0]));
				memcpy(names[j], names[j - 1], sizeof(names[0]));
				memcpy(names[j - 1], buf, sizeof(names[0]));
			}
		for (i = 0; i < disks; i++)
			report_disk(names[i]);
	}
	add(" disks=%d", disks);

	/*
	 * A virtio-serial port is added after its device probed: QEMU sends
	 * PORT_ADD on the control queue and the driver's work makes hvc0. Wait
	 * for it (at most 20 s) when a virtio console device is bound.
	 */
	dir = opendir("/sys/bus/virtio/drivers/virtio_console");
	if (dir) {
		int bound = 0;

		while ((d = readdir(dir)))
			bound |= !strncmp(d->d_name, "virtio", 6);
		closedir(dir);
		for (tries = 0; bound && tries < 200 &&
		     access("/sys/class/tty/hvc0", F_OK); tries++)
			usleep(100000);
	}
	if (access("/sys/class/tty/hvc0", F_OK)) {
		add(" hvc=none");
		return;
	}
	make_node("/dev/hvc0", "/sys/class/tty/hvc0/dev", S_IFCHR);
	/*
	 * The tty can exist before its port is connected (open or write
	 * then fail with ENODEV/ENXIO): try again for up to 10 s.
	 */
	for (tries = 0; tries < 100; tries++) {
		err = hvc_write_once();
		if (!err)
			break;
		usleep(100000);
	}
	if (err)
		add(" hvc=error:%d", err);
	else
		add(" hvc=ok");
}

/* --- guest_init.tee ------------------------------------------------------ */

#define TEE_TIMED_CALLS	200

/* An ioctl argument and its parameters, laid out as the TEE core reads them. */
struct tee_open_msg {
	struct tee_ioctl_open_session_arg a;
	struct tee_ioctl_param p[4];
};

struct tee_invoke_msg {
	struct tee_ioctl_invoke_arg a;
	struct tee_ioctl_param p[4];
};

static_assert(offsetof(struct tee_open_msg, p) == sizeof(struct tee_ioctl_open_session_arg),
	      "parameters right after the open-session argument");
static_assert(offsetof(struct tee_invoke_msg, p) == sizeof(struct tee_ioctl_invoke_arg),
	      "parameters right after the invoke argument");

static struct tee_ioctl_param tee_value(__u64 attr, __u64 a, __u64 b, __u64 c)
{
	return (struct tee_ioctl_param){ .attr = attr, .a = a, .b = b, .c = c };
}

static struct tee_ioctl_param tee_memref(__u64 attr, int shm_id, __u64 off, __u64 size)
{
	return (struct tee_ioctl_param){ .attr = attr, .a = off, .b = size, .c = shm_id };
}

/* 0, or the errno of the ioctl (-errno) or the TEEC return code (> 0). */
static long tee_open(int fd, const unsigned char uuid[16], __u32 *session)
{
	struct tee_open_msg m = { 0 };
	struct tee_ioctl_buf_data d = { .buf_ptr = (uintptr_t)&m, .buf_len = sizeof(m) };

	memcpy(m.a.uuid, uuid, 16);
	m.a.clnt_login = TEE_IOCTL_LOGIN_PUBLIC;
	m.a.num_params = 4;
	if (ioctl(fd, TEE_IOC_OPEN_SESSION, &d))
		return -errno;
	*session = m.a.session;
	return m.a.ret;
}

static long tee_invoke(int fd, __u32 session, __u32 cmd, struct tee_ioctl_param p[4])
{
	struct tee_invoke_msg m = { 0 };
	struct tee_ioctl_buf_data d = { .buf_ptr = (uintptr_t)&m, .buf_len = sizeof(m) };

	m.a.session = session;
	m.a.func = cmd;
	m.a.num_params = 4;
	memcpy(m.p, p, sizeof(m.p));
	if (ioctl(fd, TEE_IOC_INVOKE, &d))
		return -errno;
	memcpy(p, m.p, sizeof(m.p));
	return m.a.ret;
}

static int tee_close(int fd, __u32 session)
{
	struct tee_ioctl_close_session_arg c = { .session = session };

	return ioctl(fd, TEE_IOC_CLOSE_SESSION, &c) ? -errno : 0;
}

static int count_entries(const char *path)
{
	struct dirent *d;
	DIR *dir = opendir(path);
	int n = 0;

	if (!dir)
		return 0;
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}

static double mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* The first failed step of tee_report() and its error. */
static const char *tee_step;
static long tee_err;

static int call_failed(const char *step, long r)
{
	if (r && !tee_step) {
		tee_step = step;
		tee_err = r;
	}
	return r != 0;
}

static int check_failed(const char *step, int cond)
{
	return call_failed(step, cond ? 0 : -1);
}

#define PV(a, b, c) tee_value(TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_##a, b, c, 0)
#define PNONE tee_value(TEE_IOCTL_PARAM_ATTR_TYPE_NONE, 0, 0, 0)

static void tee_report(void)
{
	static const unsigned char arith[16] = TA_ARITH_UUID, memref[16] = TA_MEMREF_UUID,
				   rpc[16] = TA_RPC_UUID;
	struct tee_ioctl_version_data ver = { 0 };
	struct tee_ioctl_shm_register_data reg = { 0 };
	struct tee_ioctl_shm_alloc_data alloc = { .size = 8192 };
	struct tee_ioctl_param p[4];
	__u32 s_arith = 0, s_memref = 0, s_rpc = 0;
	int fd, regfd = -1, allocfd = -1, i, opened = 0;
	unsigned char *buf = NULL, *shm = MAP_FAILED;
	unsigned long sum = 0;
	struct timespec now;
	__u32 caps;
	double t;

	for (i = 0; i < 20 && access("/dev/tee0", F_OK); i++)
		usleep(100000);
	fd = open("/dev/tee0", O_RDWR);
	if (fd < 0) {
		if (errno == ENOENT)
			add(" tee=none");
		else
			add(" tee=error:open:%x", errno);
		return;
	}
	if (call_failed("version", ioctl(fd, TEE_IOC_VERSION, &ver) ? -errno : 0))
		goto out;
	caps = TEE_GEN_CAP_GP | TEE_GEN_CAP_REG_MEM;
	if (check_failed("version", ver.impl_id == TEE_IMPL_ID_OPTEE &&
			 (ver.gen_caps & caps) == caps))
		goto out;

	if (call_failed("open-arith", tee_open(fd, arith, &s_arith)))
		goto out;
	opened |= 1;
	p[0] = PV(INPUT, 7, 5);
	p[1] = PV(OUTPUT, 0, 0);
	p[2] = PNONE;
	p[3] = PNONE;
	if (call_failed("add", tee_invoke(fd, s_arith, TA_ARITH_CMD_ADD, p)))
		goto out;
	if (check_failed("add", p[1].a == 12 && p[1].b == 2 && p[1].c == 35))
		goto out;

	/* Registered user memory: 10000 bytes from 100 bytes into a page. */
	if (call_failed("open-memref", tee_open(fd, memref, &s_memref)))
		goto out;
	opened |= 2;
	buf = aligned_alloc(4096, 3 * 4096);
	if (check_failed("malloc", !!buf))
		goto out;
	for (i = 0; i < 10000; i++) {
		buf[100 + i] = (unsigned char)(i * 7 + 3);
		sum += buf[100 + i];
	}
	reg.addr = (uintptr_t)buf + 100;
	reg.length = 10000;
	regfd = ioctl(fd, TEE_IOC_SHM_REGISTER, &reg);
	if (check_failed("register", regfd >= 0))
		goto out;
	p[0] = tee_memref(TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT, reg.id, 0, 10000);
	p[1] = PV(OUTPUT, 0, 0);
	if (call_failed("sum", tee_invoke(fd, s_memref, TA_MEMREF_CMD_SUM, p)))
		goto out;
	if (check_failed("sum", p[1].a == sum && p[1].b == 10000))
		goto out;

	/* TEE_IOC_SHM_ALLOC memory, changed in place by the TA. */
	allocfd = ioctl(fd, TEE_IOC_SHM_ALLOC, &alloc);
	if (check_failed("alloc", allocfd >= 0))
		goto out;
	shm = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, allocfd, 0);
	if (check_failed("mmap", shm != MAP_FAILED))
		goto out;
	memset(shm, 0x5a, 8192);
	p[0] = tee_memref(TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT, alloc.id, 4000, 4000);
	p[1] = PV(INPUT, 0x11, 0);
	if (call_failed("xor", tee_invoke(fd, s_memref, TA_MEMREF_CMD_XOR, p)))
		goto out;
	for (i = 0; i < 8192; i++) {
		unsigned char want = 0x5a;

		if (i >= 4000 && i < 8000)
			want ^= (unsigned char)(0x11 + i - 4000);
		if (check_failed("xor", shm[i] == want))
			goto out;
	}

	/* RPCs served by this kernel. */
	if (call_failed("open-rpc", tee_open(fd, rpc, &s_rpc)))
		goto out;
	opened |= 4;
	p[0] = PV(OUTPUT, 0, 0);
	p[1] = PNONE;
	if (call_failed("time", tee_invoke(fd, s_rpc, TA_RPC_CMD_GET_TIME, p)))
		goto out;
	clock_gettime(CLOCK_REALTIME, &now);
	if (check_failed("time", p[0].b < 1000000000 &&
			 (long long)p[0].a > (long long)now.tv_sec - 5 &&
			 (long long)p[0].a <= (long long)now.tv_sec))
		goto out;
	p[0] = PV(INPUT, 256, 0);
	p[1] = PV(OUTPUT, 0, 0);
	if (call_failed("rpc-shm", tee_invoke(fd, s_rpc, TA_RPC_CMD_SHM, p)))
		goto out;
	if (check_failed("rpc-shm", p[1].a == 4))
		goto out;

	/* The time of a value call. */
	p[0] = PV(INOUT, 0, 0);
	p[1] = PNONE;
	t = mono();
	for (i = 0; i < TEE_TIMED_CALLS; i++)
		if (call_failed("inc", tee_invoke(fd, s_arith, TA_ARITH_CMD_INC, p)))
			goto out;
	t = mono() - t;
	if (check_failed("inc", p[0].a == TEE_TIMED_CALLS))
		goto out;

	for (i = 0; i < 3; i++) {
		__u32 s = i == 0 ? s_arith : i == 1 ? s_memref : s_rpc;

		opened &= ~(1 << i);
		if (call_failed("close", tee_close(fd, s)))
			goto out;
	}
	add(" tee=ok:ns=%.0f:bus=%d", t * 1e9 / TEE_TIMED_CALLS,
	    count_entries("/sys/bus/tee/devices"));
out:
	if (tee_step)
		add(" tee=error:%s:%lx", tee_step, (unsigned long)tee_err);
	if (opened & 1)
		tee_close(fd, s_arith);
	if (opened & 2)
		tee_close(fd, s_memref);
	if (opened & 4)
		tee_close(fd, s_rpc);
	if (shm != MAP_FAILED)
		munmap(shm, 8192);
	if (allocfd >= 0)
		close(allocfd);
	if (regfd >= 0)
		close(regfd);
	free(buf);
	close(fd);
}

int main(int argc, char **argv)
{
	struct utsname uts;
	char up[64], cs[64];

	if (getpid() != 1) {
		if (argc != 2 || strcmp(argv[1], "tee")) {
			fprintf(stderr, "usage: guest-init tee (or as PID 1)\n");
			return 2;
		}
		tee_report();
		printf("%s\n", line + 1);
		return strncmp(line, " tee=ok", 7) ? 1 : 0;
	}

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
	if (has_option(REPORT_OPT))
		report();
	if (has_option(TEE_OPT))
		tee_report();
	read_uptime(up, sizeof(up));
	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  cs, sizeof(cs));

	printf("KVMLITE-GUEST-BOOTED cpus=%ld release=%s uptime=%s clocksource=%s%s\n",
	       sysconf(_SC_NPROCESSORS_ONLN), uts.release, up, *cs ? cs : "?", line);
	fflush(stdout);
	tcdrain(1);
	sync();
#ifdef __x86_64__
	reboot(RB_AUTOBOOT);
#else
	reboot(RB_POWER_OFF);
#endif
	for (;;)
		pause();
	return 0;
}
