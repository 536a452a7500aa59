// SPDX-License-Identifier: GPL-2.0
/*
 * The unmodified OP-TEE client stack on the driver: Debian's libteec (this
 * program links against it) and tee-supplicant, which the fixture starts.
 *
 * Run through teec_test.sh, with $TEEC_KIT pointing at the loader, libraries
 * and tee-supplicant. The same tests pass on the upstream optee driver.
 */
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <tee_client_api.h>
#include <time.h>

#include "bench_util.h"
#include "kselftest_harness.h"

static const char *tee_dev(void)
{
	return env_or("TEE_DEV", "/dev/tee0");
}

static const char *teepriv_dev(void)
{
	return env_or("TEEPRIV_DEV", "/dev/teepriv0");
}

/* Start tee-supplicant with the kit's loader; its pid, or -1. */
static pid_t start_supplicant(void)
{
	const char *kit = env_or("TEEC_KIT", ".");
	char loader[512], libdir[512], supp[512];
	pid_t pid;

	snprintf(loader, sizeof(loader), "%s/lib/ld-linux-aarch64.so.1", kit);
	snprintf(libdir, sizeof(libdir), "%s/lib", kit);
	snprintf(supp, sizeof(supp), "%s/sbin/tee-supplicant", kit);
	pid = fork();
	if (pid == 0) {
		execl(loader, loader, "--library-path", libdir, supp,
		      teepriv_dev(), (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void stop_supplicant(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/*
 * Wait until the supplicant device answers open() with @err (EBUSY: someone
 * holds it; 0: free again), for up to 10 s.
 */
static int wait_supp_dev(int err)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i, fd;

	for (i = 0; i < 500; i++) {
		fd = open(teepriv_dev(), O_RDWR | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		if ((fd >= 0 && !err) || (fd < 0 && errno == err))
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

FIXTURE(teec) {
	pid_t supp;
	TEEC_Context ctx;
	int have_ctx;
};

FIXTURE_SETUP(teec)
{
	self->supp = -1;
	self->have_ctx = 0;
	if (access(tee_dev(), F_OK))
		SKIP(return, "%s absent: no secure world on this machine",
		     tee_dev());
	self->supp = start_supplicant();
	ASSERT_LT(0, self->supp);
	/* tee-supplicant owns the supplicant device: nobody else may open it. */
	ASSERT_EQ(0, wait_supp_dev(EBUSY)) TH_LOG("tee-supplicant never opened %s",
						  teepriv_dev());
	ASSERT_EQ(TEEC_SUCCESS, TEEC_InitializeContext(NULL, &self->ctx));
	self->have_ctx = 1;
}

FIXTURE_TEARDOWN(teec)
{
	if (self->have_ctx)
		TEEC_FinalizeContext(&self->ctx);
	stop_supplicant(self->supp);
}

/*
 * libteec finds the OP-TEE device (it checks the version reply), and the
 * supplicant device is free again once tee-supplicant is gone.
 */
TEST_F(teec, context_and_supplicant)
{
	TEEC_Context ctx2;

	ASSERT_EQ(TEEC_SUCCESS, TEEC_InitializeContext(NULL, &ctx2));
	TEEC_FinalizeContext(&ctx2);
	stop_supplicant(self->supp);
	self->supp = -1;
	EXPECT_EQ(0, wait_supp_dev(0));
}

/* Shared memory through libteec: allocated, and registered from malloc. */
TEST_F(teec, shared_memory)
{
	TEEC_SharedMemory shm = { .size = 8192, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT };
	TEEC_SharedMemory reg = { .flags = TEEC_MEM_INPUT };
	static char buf[3 * 4096 + 100];

	ASSERT_EQ(TEEC_SUCCESS, TEEC_AllocateSharedMemory(&self->ctx, &shm));
	ASSERT_NE(NULL, shm.buffer);
	memset(shm.buffer, 0x5a, shm.size);
	TEEC_ReleaseSharedMemory(&shm);

	reg.buffer = buf + 100;	/* not page aligned */
	reg.size = sizeof(buf) - 100;
	ASSERT_EQ(TEEC_SUCCESS, TEEC_RegisterSharedMemory(&self->ctx, &reg));
	TEEC_ReleaseSharedMemory(&reg);
}

TEST_HARNESS_MAIN
