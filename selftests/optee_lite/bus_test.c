// SPDX-License-Identifier: GPL-2.0
/*
 * Devices on the TEE bus: the driver lists the secure world's device TAs
 * (its device-enumeration pseudo-TA, see ta_ids.h) as optee-ta-<uuid>
 * devices, those that need tee-supplicant once a supplicant opened
 * /dev/teepriv0, and the kernel's own optee-rng driver binds to the RNG
 * pseudo-TA and makes /dev/hwrng produce bytes. Unloading the TEE driver
 * with optee-rng bound removes the devices (optee-rng lets go of its session
 * and context); loading it again brings them and the binding back.
 *
 * Run against the upstream optee driver too (the oracle). The hw_random
 * modules (rng-core.ko, optee-rng.ko) and the TEE driver's module are loaded
 * from TEE_MODULE_DIR (default /lib/modules, where scripts/vm-run puts them).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tee_util.h"

#define BUS		"/sys/bus/tee/devices/"
#define RNG_DEV		BUS "optee-ta-ab7a617c-b8e7-4d8f-8301-d09b61036b64"
#define SUPP_DEV	BUS "optee-ta-4f50544c-0005-4b4c-8e00-000000000000"

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Wait up to @secs for @path to exist (@want) or be gone (!@want). */
static bool wait_path(const char *path, bool want, int secs)
{
	int i;

	for (i = 0; i < secs * 10; i++) {
		if (exists(path) == want)
			return true;
		usleep(100000);
	}
	return exists(path) == want;
}

static const char *tee_module(void)
{
	return module_loaded("optee") ? "optee" : "optee_lite";
}

static int load(const char *name)
{
	char path[PATH_MAX];
	int r;

	snprintf(path, sizeof(path), "%s/%s.ko",
		 env_or("TEE_MODULE_DIR", "/lib/modules"), name);
	r = module_load(path);
	return r == -EEXIST ? 0 : r;
}

/* The bytes of a file, at most @n; -errno on error. */
static ssize_t read_file(const char *path, void *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = read(fd, buf, n);
	if (r < 0)
		r = -errno;
	close(fd);
	return r;
}

/* @n bytes of /dev/hwrng (it may answer in parts); -errno on error. */
static ssize_t read_hwrng(__u8 *buf, size_t n)
{
	int fd = open("/dev/hwrng", O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t r = 0;

	if (fd < 0)
		return -errno;
	while (got < n) {
		r = read(fd, buf + got, n - got);
		if (r <= 0)
			break;
		got += r;
	}
	close(fd);
	return r < 0 ? -errno : (ssize_t)got;
}

static int distinct_bytes(const __u8 *buf, size_t n)
{
	bool seen[256] = { };
	int d = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		d += !seen[buf[i]];
		seen[buf[i]] = true;
	}
	return d;
}

/* optee-rng bound to the RNG device, current source of /dev/hwrng, bytes. */
static void expect_hwrng(struct __test_metadata *_metadata)
{
	__u8 a[4096], b[4096];
	char cur[64] = "";

	ASSERT_TRUE(wait_path(RNG_DEV "/driver", true, 20))
		TH_LOG("optee-rng did not bind to " RNG_DEV);
	ASSERT_LT(0, read_file("/sys/class/misc/hw_random/rng_current",
			       cur, sizeof(cur) - 1));
	EXPECT_EQ(0, strncmp(cur, "optee-rng", 9)) TH_LOG("rng_current: %s", cur);
	ASSERT_EQ((ssize_t)sizeof(a), read_hwrng(a, sizeof(a)));
	ASSERT_EQ((ssize_t)sizeof(b), read_hwrng(b, sizeof(b)));
	EXPECT_NE(0, memcmp(a, b, sizeof(a)));
	/* 4096 random bytes miss a given value with probability 1e-7. */
	EXPECT_LE(250, distinct_bytes(a, sizeof(a)));
	EXPECT_LE(250, distinct_bytes(b, sizeof(b)));
}

/* The devices listed without a supplicant are there after probe. */
TEST(probe_devices)
{
	char buf[256] = "";

	ASSERT_TRUE(exists(RNG_DEV)) TH_LOG("no " RNG_DEV);
	EXPECT_FALSE(exists(RNG_DEV "/need_supplicant"));
	ASSERT_LT(0, read_file(RNG_DEV "/uevent", buf, sizeof(buf) - 1));
	EXPECT_NE(NULL, strstr(buf, "MODALIAS=tee:ab7a617c-b8e7-4d8f-8301-d09b61036b64"))
		TH_LOG("uevent: %s", buf);
}

/* Those that need tee-supplicant come once a supplicant opened its device. */
TEST(supplicant_devices)
{
	pid_t supp = fake_supplicant_start(false);

	/* EBUSY: a supplicant runs already, the scan was made for it. */
	ASSERT_TRUE(supp > 0 || supp == -EBUSY) TH_LOG("supplicant: %d", supp);
	EXPECT_TRUE(wait_path(SUPP_DEV "/need_supplicant", true, 20))
		TH_LOG("no " SUPP_DEV "/need_supplicant");
	if (supp > 0)
		fake_supplicant_stop(supp);
	/* The supplicant going does not take the devices away. */
	EXPECT_TRUE(exists(SUPP_DEV));
	EXPECT_TRUE(exists(RNG_DEV));
}

/* The kernel's optee-rng binds to the RNG pseudo-TA: /dev/hwrng works. */
TEST(hwrng)
{
	ASSERT_EQ(0, load("rng-core"));
	ASSERT_EQ(0, load("optee-rng"));
	expect_hwrng(_metadata);
	/* optee-rng unloaded: its session and context are closed. */
	EXPECT_EQ(0, module_unload("optee_rng"));
	EXPECT_TRUE(wait_path(RNG_DEV "/driver", false, 5));
	EXPECT_TRUE(exists(RNG_DEV));
}

/*
 * The TEE driver unloaded with optee-rng bound: the devices go first
 * (optee-rng lets go of the TEE), /dev/hwrng has no source; loaded again,
 * the devices come back and optee-rng binds again.
 */
TEST(driver_reload_with_client)
{
	const char *drv = tee_module();
	char cur[64] = "";
	__u8 b[16];
	int r;

	ASSERT_EQ(0, load("rng-core"));
	ASSERT_EQ(0, load("optee-rng"));
	ASSERT_TRUE(wait_path(RNG_DEV "/driver", true, 20));
	r = module_unload(drv);
	if (r == -EWOULDBLOCK || r == -EBUSY)
		SKIP(return, "%s is in use (an open TEE device)", drv);
	ASSERT_EQ(0, r);
	EXPECT_FALSE(exists(RNG_DEV));
	EXPECT_FALSE(exists(SUPP_DEV));
	EXPECT_GT(0, read_hwrng(b, sizeof(b)));
	read_file("/sys/class/misc/hw_random/rng_current", cur, sizeof(cur) - 1);
	EXPECT_NE(0, strncmp(cur, "optee-rng", 9)) TH_LOG("rng_current: %s", cur);

	ASSERT_EQ(0, load(drv));
	ASSERT_TRUE(wait_path(RNG_DEV, true, 20));
	expect_hwrng(_metadata);
	EXPECT_EQ(0, module_unload("optee_rng"));
}

/*
 * With the firmware option supp-rpc-in-register the secure world sends
 * tee-supplicant a request inside every shared-memory registration, the
 * driver's own at probe included. With no supplicant running, the driver's
 * own contexts (as the TEE core's kernel clients) fail such a request at
 * once: the load completes and the devices come (a found bug: optee_lite
 * waited for a supplicant there, and insmod never returned).
 */
TEST(reload_without_supplicant)
{
	const char *drv = tee_module();
	int r;

	if (!fw_option("supp-rpc-in-register"))
		SKIP(return, "needs the firmware option supp-rpc-in-register");
	r = module_unload(drv);
	if (r == -EWOULDBLOCK || r == -EBUSY)
		SKIP(return, "%s is in use (an open TEE device)", drv);
	ASSERT_EQ(0, r);
	ASSERT_EQ(0, load(drv));
	EXPECT_TRUE(wait_path(RNG_DEV, true, 20)) TH_LOG("no " RNG_DEV);
	EXPECT_TRUE(exists("/dev/tee0"));
}

int main(int argc, char **argv)
{
	if (!getenv("TEE_REQUIRE_TAS") && access(tee_dev(), F_OK)) {
		ksft_print_header();
		ksft_set_plan(1);
		ksft_test_result_skip("bus_test: no %s (no bench secure world)\n",
				      tee_dev());
		ksft_finished();
	}
	return test_harness_run(argc, argv);
}
