// SPDX-License-Identifier: GPL-2.0
/*
 * The kvmlite device node and its system-fd basics.
 *
 * Runs against the device in $KVMLITE_DEV (default /dev/kvmlite); with
 * KVMLITE_DEV=/dev/kvm the same checks run against the in-kernel KVM, the
 * reference for every behaviour tested here.
 */
#include <linux/kvm.h>
#include <linux/kvmlite.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>

#include "bench_util.h"
#include "kselftest_harness.h"

#define MISC_MAJOR	10

static const char *kvm_dev(void)
{
	return env_or("KVMLITE_DEV", KVMLITE_DEV_PATH);
}

/* A misc character device, read-write for root only (devtmpfs default, as /dev/kvm). */
TEST(node_mode)
{
	struct stat st;

	ASSERT_EQ(0, stat(kvm_dev(), &st)) TH_LOG("%s: %s", kvm_dev(), strerror(errno));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(MISC_MAJOR, major(st.st_rdev));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
}

/*
 * /dev/kvm has KVM's misc minor (232) whoever registered it; a kvmlite node
 * says so in sysfs (the attribute "kvmlite" holds the backend's name), the
 * in-kernel KVM's has no such attribute.
 */
TEST(sysfs_identity)
{
	const char *name = strrchr(kvm_dev(), '/');
	char path[256], buf[64] = "";
	struct stat st;
	FILE *f;

	name = name ? name + 1 : kvm_dev();
	ASSERT_EQ(0, stat(kvm_dev(), &st));
	if (!strcmp(name, "kvm"))
		EXPECT_EQ(232, minor(st.st_rdev));
	snprintf(path, sizeof(path), "/sys/class/misc/%s/kvmlite", name);
	f = fopen(path, "r");
	if (!strcmp(name, "kvmlite"))
		ASSERT_NE(NULL, f) TH_LOG("%s: %s", path, strerror(errno));
	if (!f)
		return;
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	EXPECT_TRUE(!strcmp(buf, "arm64-vhe\n") || !strcmp(buf, "x86-vmx\n"))
		TH_LOG("backend '%s'", buf);
}

FIXTURE(sys) {
	int fd;
};

FIXTURE_SETUP(sys)
{
	self->fd = open(kvm_dev(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", kvm_dev(), strerror(errno));
}

FIXTURE_TEARDOWN(sys)
{
	close(self->fd);
}

TEST_F(sys, api_version)
{
	EXPECT_EQ(KVM_API_VERSION, ioctl(self->fd, KVM_GET_API_VERSION, 0));
	EXPECT_EQ(12, KVM_API_VERSION);
}

/* KVM takes no argument for KVM_GET_API_VERSION and rejects one. */
TEST_F(sys, api_version_with_argument)
{
	EXPECT_EQ(-1, ioctl(self->fd, KVM_GET_API_VERSION, 1));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * Unknown ioctls. KVM answers them with EINVAL, not ENOTTY, on every one of its
 * file descriptors (kvm_arch_dev_ioctl's default); kvmlite does the same so that
 * a VMM sees one behaviour. Tried: an unused KVMIO number, a KVMIO number with
 * the wrong direction/size, and an ioctl of another subsystem.
 */
TEST_F(sys, unknown_ioctls)
{
	const unsigned long bad[] = {
		_IO(KVMIO, 0xdf),
		_IOW(KVMIO, 0x00, __u64),	/* GET_API_VERSION, wrong encoding */
		_IOR('T', 0x01, int),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, bad[i], 0)) TH_LOG("ioctl %#lx", bad[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("ioctl %#lx", bad[i]);
	}
}

/* A read-only open is enough for the system ioctls, as with /dev/kvm. */
TEST(open_read_only)
{
	int fd = open(kvm_dev(), O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(KVM_API_VERSION, ioctl(fd, KVM_GET_API_VERSION, 0));
	close(fd);
}

/*
 * The module cannot go while its device is open, and unloads and reloads
 * cleanly 10 times (kmemleak and KASAN, on in the bench kernels, report any
 * leak or bad access to the runner). Needs kvmlite as a module: the in-kernel
 * KVM is built in and cannot be unloaded.
 */
TEST(unload_reload)
{
	const char *ko = env_or("KVMLITE_KO", "/lib/modules/kvmlite.ko");
	int i, fd;

	if (strcmp(kvm_dev(), KVMLITE_DEV_PATH) || !module_loaded("kvmlite"))
		SKIP(return, "%s is not the kvmlite module's device", kvm_dev());

	fd = open(kvm_dev(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EWOULDBLOCK, module_unload("kvmlite"));
	close(fd);

	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, module_unload("kvmlite")) TH_LOG("round %d", i);
		ASSERT_NE(0, access(kvm_dev(), F_OK));
		ASSERT_EQ(0, module_load(ko)) TH_LOG("round %d: load %s", i, ko);
		fd = open(kvm_dev(), O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd) TH_LOG("round %d", i);
		EXPECT_EQ(KVM_API_VERSION, ioctl(fd, KVM_GET_API_VERSION, 0));
		close(fd);
	}
}

TEST_HARNESS_MAIN
