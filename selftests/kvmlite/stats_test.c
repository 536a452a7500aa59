// SPDX-License-Identifier: GPL-2.0
/*
 * Binary statistics (KVM_GET_STATS_FD): the layout KVM's tools read
 * (header, id string, descriptors, values), KVM's names for what a guest
 * did, and the fd's lifetime; the tracepoints, KVM's names and formats in
 * tracefs (system "kvm" for the in-kernel KVM, "kvmlite" for kvmlite). Run
 * against the in-kernel KVM too.
 */
#include <linux/kvm.h>
#include <linux/kvmlite.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "bench_util.h"
#include "kselftest_harness.h"

#ifdef __aarch64__
#include "kvmlite_stats.h"
#include "kvmlite_util.h"

/* Two HVCs (PSCI_VERSION), one MMIO store, then SYSTEM_OFF. */
GUEST_CODE(guest_stats,
	   "movz w0, #0x0000\n movk w0, #0x8400, lsl #16\n hvc #0\n"
	   "movz w0, #0x0000\n movk w0, #0x8400, lsl #16\n hvc #0\n"
	   "str xzr, [x19]\n"
	   "movz w0, #0x0008\n movk w0, #0x8400, lsl #16\n hvc #0\n"
	   "b .\n");

FIXTURE(stats) {
	struct kvm_vm vm;
};

FIXTURE_SETUP(stats)
{
	int r = vm_create(&self->vm, 1, 0);

	ASSERT_EQ(0, r) TH_LOG("vm_create: %s", strerror(-r));
}

FIXTURE_TEARDOWN(stats)
{
	vm_destroy(&self->vm);
}

TEST_F(stats, vm_layout)
{
	struct stats st;
	char id[32];
	int fd;

	EXPECT_EQ(1, kioctl(self->vm.fd, KVM_CHECK_EXTENSION,
			    KVM_CAP_BINARY_STATS_FD));
	fd = ioctl(self->vm.fd, KVM_GET_STATS_FD, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, stats_read(fd, &st));
	snprintf(id, sizeof(id), "kvm-%d", getpid());
	EXPECT_STREQ(id, st.id);
	EXPECT_LT(0, st.h.num_desc);
	EXPECT_LE(sizeof(st.h), st.h.id_offset);
	EXPECT_LE(st.h.desc_offset + st.desc_size * st.h.num_desc,
		  st.h.data_offset);
	EXPECT_LE(0, stat_value(fd, &st, "remote_tlb_flush"));
	/* Read-only; nothing beyond the end. */
	EXPECT_EQ(-1, write(fd, "x", 1));
	EXPECT_EQ(0, pread(fd, id, 8, 1 << 20));
	free(st.desc);
	close(fd);
}

TEST_F(stats, vcpu_counts_exits)
{
	int c = self->vm.vcpu[0], fd;
	struct kvm_run *run = self->vm.run[0];
	struct stats st;
	char id[48];

	ASSERT_EQ(0, vm_load_code(&self->vm, 0, GUEST_RAM_GPA, guest_stats,
				  guest_stats_end));
	ASSERT_EQ(0, kset_reg64(c, REG_X(19), GUEST_MMIO_GPA));
	fd = ioctl(c, KVM_GET_STATS_FD, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, stats_read(fd, &st));
	snprintf(id, sizeof(id), "kvm-%d/vcpu-0", getpid());
	EXPECT_STREQ(id, st.id);
	EXPECT_EQ(0, stat_value(fd, &st, "mmio_exit_user"));

	ASSERT_EQ(0, vcpu_run(&self->vm, 0));
	ASSERT_EQ(KVM_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(2, stat_value(fd, &st, "hvc_exit_stat"));
	EXPECT_EQ(1, stat_value(fd, &st, "mmio_exit_user"));
	EXPECT_LE(3, stat_value(fd, &st, "exits"));
	ASSERT_EQ(0, vcpu_run(&self->vm, 0));
	ASSERT_EQ(KVM_EXIT_SYSTEM_EVENT, run->exit_reason);
	EXPECT_EQ(3, stat_value(fd, &st, "hvc_exit_stat"));
	EXPECT_LE(0, stat_value(fd, &st, "wfi_exit_stat"));
	EXPECT_LE(0, stat_value(fd, &st, "halt_wait_ns"));
	free(st.desc);

	/* The fd keeps what it reads alive after the VM's own fds close. */
	vm_destroy(&self->vm);
	memset(&self->vm, 0, sizeof(self->vm));
	ASSERT_EQ(0, stats_read(fd, &st));
	EXPECT_EQ(3, stat_value(fd, &st, "hvc_exit_stat"));
	free(st.desc);
	close(fd);
}

#define TRACEFS		"/sys/kernel/tracing"
#define TRACE_BUF	(256 * 1024)

static const char *const trace_events[] = {
	"kvm_entry", "kvm_exit", "kvm_hvc_arm64", "kvm_mmio",
	"kvm_userspace_exit", "kvm_irq_line",
};

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -errno;
	close(fd);
	return r;
}

/* Enable (or disable) the events of the device's trace system. */
static int trace_events_enable(const char *sys, const char *on)
{
	char path[128];
	unsigned int i;
	int r;

	for (i = 0; i < ARRAY_SIZE(trace_events); i++) {
		snprintf(path, sizeof(path), TRACEFS "/events/%s/%s/enable",
			 sys, trace_events[i]);
		r = write_file(path, on);
		if (r)
			return r;
	}
	return 0;
}

static const char *const trace_want[] = {
	"kvm_entry: PC: 0x0000000080000000",
	"kvm_exit: TRAP: HSR_EC: 0x0016 (HVC64), PC: 0x000000008000000c",
	"kvm_hvc_arm64: HVC at 0x000000008000000c (r0: 0x0000000084000000, imm: 0x0)",
	"kvm_exit: TRAP: HSR_EC: 0x0024 (DABT_LOW), PC: 0x0000000080000018",
	"kvm_mmio: mmio write len 8 gpa 0x10000000 val 0x0",
	"kvm_userspace_exit: reason KVM_EXIT_MMIO (6)",
	"kvm_irq_line: Inject CPU interrupt (0), vcpu->idx: 0, num: 0, level: 1",
	"kvm_irq_line: Inject CPU interrupt (0), vcpu->idx: 0, num: 0, level: 0",
};

TEST_F(stats, tracepoints)
{
	const char *sys = is_kvmlite() ? "kvmlite" : "kvm";
	struct kvm_irq_level irq = { .irq = 0, .level = 1 };
	struct kvm_run *run = self->vm.run[0];
	char *buf, path[128];
	ssize_t n, got = 0;
	unsigned int i;
	int fd, missing = 0;

	if (access(TRACEFS "/events", F_OK))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	snprintf(path, sizeof(path), TRACEFS "/events/%s/kvm_entry", sys);
	if (access(path, F_OK))
		SKIP(return, "no %s (no tracefs or tracepoints)", path);
	ASSERT_EQ(0, write_file(TRACEFS "/trace", ""));
	ASSERT_EQ(0, trace_events_enable(sys, "1"));

	ASSERT_EQ(0, vm_load_code(&self->vm, 0, GUEST_RAM_GPA, guest_stats,
				  guest_stats_end));
	ASSERT_EQ(0, kset_reg64(self->vm.vcpu[0], REG_X(19), GUEST_MMIO_GPA));
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_IRQ_LINE, &irq));
	irq.level = 0;
	ASSERT_EQ(0, kioctlp(self->vm.fd, KVM_IRQ_LINE, &irq));
	ASSERT_EQ(0, vcpu_run(&self->vm, 0));
	ASSERT_EQ(KVM_EXIT_MMIO, run->exit_reason);
	ASSERT_EQ(0, trace_events_enable(sys, "0"));

	buf = calloc(1, TRACE_BUF);
	ASSERT_NE(NULL, buf);
	fd = open(TRACEFS "/trace", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	while (got < TRACE_BUF - 1 &&
	       (n = read(fd, buf + got, TRACE_BUF - 1 - got)) > 0)
		got += n;
	close(fd);
	/* KVM's formats, field by field. */
	for (i = 0; i < ARRAY_SIZE(trace_want); i++) {
		EXPECT_NE(NULL, strstr(buf, trace_want[i]))
			TH_LOG("missing: %s", trace_want[i]);
		missing += !strstr(buf, trace_want[i]);
	}
	if (missing)
		TH_LOG("trace:\n%.4000s", buf);
	free(buf);
}

#else /* !__aarch64__ */

TEST(arm64_only)
{
	SKIP(return, "these tests drive an arm64 guest");
}

#endif

TEST_HARNESS_MAIN
