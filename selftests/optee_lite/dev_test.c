// SPDX-License-Identifier: GPL-2.0
/*
 * The optee_lite device nodes and the version ioctl.
 *
 * Runs against $TEE_DEV and $TEEPRIV_DEV (default /dev/tee0, /dev/teepriv0);
 * the same checks hold for the upstream OP-TEE driver, whose nodes the TEE core
 * creates the same way.
 *
 * The driver binds only to a device tree node "linaro,optee-tz", which the
 * bench's secure firmware adds: on a machine without a secure world there is no
 * device, the tests that need one skip and "binding" checks that none appeared.
 */
#include <linux/optee_lite.h>
#include <linux/tee.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "tee_util.h"

/* Whether the device tree has an OP-TEE node (/firmware/optee by convention). */
static int dt_has_optee(void)
{
	char buf[64] = "";
	ssize_t n;
	int fd;

	fd = open("/sys/firmware/devicetree/base/firmware/optee/compatible",
		  O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && !strcmp(buf, "linaro,optee-tz");
}

/* Without a secure world there is no device: the tests that need one skip. */
static int no_tee(void)
{
	return access(tee_dev(), F_OK) != 0;
}

#define NO_TEE_MSG "%s absent: no secure world on this machine"

/*
 * The driver binds exactly when the device tree describes OP-TEE: both nodes
 * exist with the node, neither without it.
 */
TEST(binding)
{
	int dt = dt_has_optee();

	EXPECT_EQ(dt, access(tee_dev(), F_OK) == 0)
		TH_LOG("device tree node %s, %s %s", dt ? "present" : "absent",
		       tee_dev(), access(tee_dev(), F_OK) ? "absent" : "present");
	EXPECT_EQ(dt, access(teepriv_dev(), F_OK) == 0)
		TH_LOG("device tree node %s, %s", dt ? "present" : "absent",
		       teepriv_dev());
}

static void check_node(struct __test_metadata *_metadata, const char *path)
{
	struct stat st;

	ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s: %s", path, strerror(errno));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777) TH_LOG("%s", path);
	EXPECT_EQ(0, st.st_uid);
}

/* Both nodes are character devices, read-write for root only (devtmpfs). */
TEST(nodes)
{
	if (no_tee())
		SKIP(return, NO_TEE_MSG, tee_dev());
	check_node(_metadata, tee_dev());
	check_node(_metadata, teepriv_dev());
}

static void get_version(struct __test_metadata *_metadata, const char *path,
			struct tee_ioctl_version_data *v)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd) TH_LOG("open %s: %s", path, strerror(errno));
	memset(v, 0xa5, sizeof(*v));
	EXPECT_EQ(0, ioctl(fd, TEE_IOC_VERSION, v)) TH_LOG("%s", strerror(errno));
	close(fd);
}

/*
 * The client device: OP-TEE on TrustZone, GlobalPlatform API, registered
 * memory unless the bench firmware was told to offer no dynamic shared memory
 * (TEE_FW_OPTIONS, see tee_test.c).
 */
TEST(version_client)
{
	const char *fw = getenv("TEE_FW_OPTIONS");
	__u32 reg_mem = TEE_GEN_CAP_REG_MEM;
	struct tee_ioctl_version_data v;

	if (no_tee())
		SKIP(return, NO_TEE_MSG, tee_dev());
	get_version(_metadata, tee_dev(), &v);
	EXPECT_EQ(TEE_IMPL_ID_OPTEE, v.impl_id);
	EXPECT_EQ(TEE_OPTEE_CAP_TZ, v.impl_caps & TEE_OPTEE_CAP_TZ);
	EXPECT_EQ(TEE_GEN_CAP_GP, v.gen_caps & TEE_GEN_CAP_GP);
	if (fw && strstr(fw, "no-dynamic-shm"))
		reg_mem = 0;
	EXPECT_EQ(reg_mem, v.gen_caps & TEE_GEN_CAP_REG_MEM);
	EXPECT_EQ(0, v.gen_caps & TEE_GEN_CAP_PRIVILEGED);
}

/* The supplicant device says it is privileged. */
TEST(version_supplicant)
{
	struct tee_ioctl_version_data v;

	if (no_tee())
		SKIP(return, NO_TEE_MSG, tee_dev());
	get_version(_metadata, teepriv_dev(), &v);
	EXPECT_EQ(TEE_IMPL_ID_OPTEE, v.impl_id);
	EXPECT_EQ(TEE_GEN_CAP_PRIVILEGED, v.gen_caps & TEE_GEN_CAP_PRIVILEGED);
}

/* A NULL or unmapped buffer: the TEE core's copy_to_user fails with EFAULT. */
TEST(version_bad_buffer)
{
	int fd;

	if (no_tee())
		SKIP(return, NO_TEE_MSG, tee_dev());
	fd = open(tee_dev(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, TEE_IOC_VERSION, NULL));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

/*
 * Unknown ioctls: the TEE core answers EINVAL (its ioctl switch's default),
 * not ENOTTY, for an unused TEE number and for another subsystem's ioctl.
 */
TEST(unknown_ioctls)
{
	const unsigned long bad[] = {
		_IO(TEE_IOC_MAGIC, TEE_IOC_BASE + 0x7f),
		_IOR('T', 0x01, int),
	};
	unsigned int i;
	int fd;

	if (no_tee())
		SKIP(return, NO_TEE_MSG, tee_dev());
	fd = open(tee_dev(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, bad[i], 0)) TH_LOG("ioctl %#lx", bad[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("ioctl %#lx", bad[i]);
	}
	close(fd);
}

static const __u8 arith_uuid[16] = TA_ARITH_UUID;

/*
 * A client that goes away with sessions open and shared memory registered:
 * one file with 8 sessions and 1 MiB of registered memory, closed without
 * closing anything, 10 times over. The secure world holds at most 64
 * sessions, so the 80 opens only succeed if closing the file closed the
 * sessions there (kmemleak and KASAN watch the memory).
 */
TEST(release_closes_sessions)
{
	struct tee_shm shm;
	int i, j, fd;

	if (no_tee())
		SKIP(return, NO_TEE_MSG, tee_dev());
	for (i = 0; i < 10; i++) {
		fd = open(tee_dev(), O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd);
		for (j = 0; j < 8; j++)
			ASSERT_LE(0, tee_open(fd, arith_uuid)) TH_LOG("round %d, session %d", i, j);
		ASSERT_EQ(0, tee_shm_alloc(fd, 1 << 20, &shm));
		munmap(shm.va, shm.size);
		close(shm.fd);
		close(fd);
	}
}

/*
 * The driver cannot go while a device is open, and unloads and reloads cleanly
 * 10 times, both nodes coming back each time when there is a secure world and
 * never appearing without one (leaks and bad accesses are reported by kmemleak
 * and KASAN in the bench kernels). Only for optee_lite.
 */
TEST(unload_reload)
{
	const char *ko = env_or("OPTEE_LITE_KO", "/lib/modules/optee_lite.ko");
	struct tee_ioctl_version_data v;
	int i, fd, dt = dt_has_optee();
	struct tee_shm shm;

	if (!module_loaded(OPTEE_LITE_DRV_NAME))
		SKIP(return, "the optee_lite module is not loaded");

	if (dt) {
		/*
		 * Busy while a file is open; once it is closed (with a session
		 * and shared memory left open) nothing may hold the module.
		 */
		fd = open(tee_dev(), O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd);
		ASSERT_LE(0, tee_open(fd, arith_uuid));
		ASSERT_EQ(0, tee_shm_alloc(fd, 8192, &shm));
		EXPECT_EQ(-EWOULDBLOCK, module_unload(OPTEE_LITE_DRV_NAME));
		munmap(shm.va, shm.size);
		EXPECT_EQ(-EWOULDBLOCK, module_unload(OPTEE_LITE_DRV_NAME));
		close(shm.fd);
		close(fd);
	}

	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, module_unload(OPTEE_LITE_DRV_NAME)) TH_LOG("round %d", i);
		ASSERT_NE(0, access(tee_dev(), F_OK));
		ASSERT_NE(0, access(teepriv_dev(), F_OK));
		ASSERT_EQ(0, module_load(ko)) TH_LOG("round %d: load %s", i, ko);
		if (!dt) {
			EXPECT_NE(0, access(tee_dev(), F_OK));
			continue;
		}
		get_version(_metadata, tee_dev(), &v);
		EXPECT_EQ(TEE_IMPL_ID_OPTEE, v.impl_id);
		get_version(_metadata, teepriv_dev(), &v);
		EXPECT_NE(0, v.gen_caps & TEE_GEN_CAP_PRIVILEGED);
	}
	if (dt) {
		fd = open(tee_dev(), O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd);
		EXPECT_LE(0, tee_open(fd, arith_uuid));
		close(fd);
	}
}

TEST_HARNESS_MAIN
