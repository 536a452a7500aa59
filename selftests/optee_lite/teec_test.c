// SPDX-License-Identifier: GPL-2.0
/*
 * The unmodified OP-TEE client stack on the driver: Debian's libteec (this
 * program links against it) and tee-supplicant, which the fixture starts.
 *
 * Run through teec_test.sh, with $TEEC_KIT pointing at the loader, libraries
 * and tee-supplicant. The same tests pass on the upstream optee driver.
 */
#include <dirent.h>
#include <linux/tee.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <tee_client_api.h>
#include <time.h>

#include "bench_util.h"
#include "kselftest_harness.h"
#include "ta_ids.h"

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

/* Whether process @pid has the supplicant device open. */
static int holds_supp_dev(pid_t pid)
{
	char dir[64], path[384], target[128];
	struct dirent *de;
	int found = 0;
	ssize_t n;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	d = opendir(dir);
	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = 0;
		found = !strcmp(target, teepriv_dev());
	}
	closedir(d);
	return found;
}

/*
 * Wait (up to 10 s) until tee-supplicant has opened its device, without
 * opening it ourselves, which would make the supplicant's own open fail.
 */
static int wait_supplicant(pid_t pid)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i;

	for (i = 0; i < 500; i++) {
		if (holds_supp_dev(pid))
			return 0;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;	/* it gave up */
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* Once tee-supplicant is gone, the device opens again (one user at a time). */
static int supp_dev_free(void)
{
	int fd = open(teepriv_dev(), O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
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
	ASSERT_EQ(0, wait_supplicant(self->supp))
		TH_LOG("tee-supplicant never opened %s", teepriv_dev());
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
 * libteec finds the OP-TEE device (it checks the version reply); the
 * supplicant device is tee-supplicant's alone (EBUSY for anyone else), and
 * free again once tee-supplicant is gone.
 */
TEST_F(teec, context_and_supplicant)
{
	TEEC_Context ctx2;

	/* Older harnesses (6.1) run the test even when the setup skipped. */
	if (!self->have_ctx)
		SKIP(return, "no secure world");

	ASSERT_EQ(TEEC_SUCCESS, TEEC_InitializeContext(NULL, &ctx2));
	TEEC_FinalizeContext(&ctx2);
	EXPECT_EQ(-1, open(teepriv_dev(), O_RDWR | O_CLOEXEC));
	EXPECT_EQ(EBUSY, errno);
	stop_supplicant(self->supp);
	self->supp = -1;
	EXPECT_TRUE(supp_dev_free());
}

/* Shared memory through libteec: allocated, and registered from malloc. */
TEST_F(teec, shared_memory)
{
	TEEC_SharedMemory shm = { .size = 8192, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT };
	TEEC_SharedMemory reg = { .flags = TEEC_MEM_INPUT };
	static char buf[3 * 4096 + 100];

	/* Older harnesses (6.1) run the test even when the setup skipped. */
	if (!self->have_ctx)
		SKIP(return, "no secure world");

	ASSERT_EQ(TEEC_SUCCESS, TEEC_AllocateSharedMemory(&self->ctx, &shm));
	ASSERT_NE(NULL, shm.buffer);
	memset(shm.buffer, 0x5a, shm.size);
	TEEC_ReleaseSharedMemory(&shm);

	reg.buffer = buf + 100;	/* not page aligned */
	reg.size = sizeof(buf) - 100;
	ASSERT_EQ(TEEC_SUCCESS, TEEC_RegisterSharedMemory(&self->ctx, &reg));
	TEEC_ReleaseSharedMemory(&reg);
}

/* libteec's UUID from the 16 octets of the RFC 4122 big-endian form. */
static TEEC_UUID teec_uuid(const unsigned char o[16])
{
	TEEC_UUID u = {
		.timeLow = (__u32)o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3],
		.timeMid = o[4] << 8 | o[5],
		.timeHiAndVersion = o[6] << 8 | o[7],
	};

	memcpy(u.clockSeqAndNode, o + 8, 8);
	return u;
}

static const unsigned char sha256_uuid[16] = TA_SHA256_UUID;
static const unsigned char kv_uuid[16] = TA_KV_UUID;
static const unsigned char rpc_uuid[16] = TA_RPC_UUID;

static TEEC_Result open_ta(TEEC_Context *ctx, TEEC_Session *sess,
			   const unsigned char o[16])
{
	TEEC_UUID uuid = teec_uuid(o);
	__u32 origin;

	return TEEC_OpenSession(ctx, sess, &uuid, TEEC_LOGIN_PUBLIC, NULL, NULL,
				&origin);
}

/* SHA-256 of @len bytes at @buf by the digest TA, through a temporary memref. */
static TEEC_Result ta_digest(TEEC_Session *sess, const void *buf, size_t len,
			     unsigned char out[32])
{
	TEEC_Operation op = { 0 };
	__u32 origin;

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)buf;
	op.params[0].tmpref.size = len;
	op.params[1].tmpref.buffer = out;
	op.params[1].tmpref.size = 32;
	return TEEC_InvokeCommand(sess, TA_SHA256_CMD_DIGEST, &op, &origin);
}

/*
 * The digest TA through libteec: the FIPS 180-2 "abc" vector, a short output
 * buffer (TEEC_ERROR_SHORT_BUFFER with the size it needs), and the same digest
 * of 64 KiB whether the data travels in a temporary memref, in memory libteec
 * allocates, or in registered memory at an odd offset (partial memref).
 */
TEST_F(teec, digest_ta)
{
	static const unsigned char abc[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
		0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	static unsigned char big[65536 + 64];
	unsigned char d[32], d2[32], small[16];
	TEEC_SharedMemory shm = { .size = 65536, .flags = TEEC_MEM_INPUT };
	TEEC_SharedMemory reg = { .flags = TEEC_MEM_INPUT };
	TEEC_Operation op = { 0 };
	TEEC_Session sess;
	__u32 origin;
	size_t i;

	/* Older harnesses (6.1) run the test even when the setup skipped. */
	if (!self->have_ctx)
		SKIP(return, "no secure world");

	ASSERT_EQ(TEEC_SUCCESS, open_ta(&self->ctx, &sess, sha256_uuid));

	ASSERT_EQ(TEEC_SUCCESS, ta_digest(&sess, "abc", 3, d));
	EXPECT_EQ(0, memcmp(d, abc, 32));

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = "abc";
	op.params[0].tmpref.size = 3;
	op.params[1].tmpref.buffer = small;
	op.params[1].tmpref.size = sizeof(small);
	EXPECT_EQ(TEEC_ERROR_SHORT_BUFFER,
		  TEEC_InvokeCommand(&sess, TA_SHA256_CMD_DIGEST, &op, &origin));
	EXPECT_EQ(32, op.params[1].tmpref.size);

	for (i = 0; i < sizeof(big); i++)
		big[i] = i * 7 + (i >> 9);
	ASSERT_EQ(TEEC_SUCCESS, ta_digest(&sess, big + 13, 65536, d));

	ASSERT_EQ(TEEC_SUCCESS, TEEC_AllocateSharedMemory(&self->ctx, &shm));
	memcpy(shm.buffer, big + 13, 65536);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].memref.parent = &shm;
	op.params[1].tmpref.buffer = d2;
	op.params[1].tmpref.size = sizeof(d2);
	EXPECT_EQ(TEEC_SUCCESS,
		  TEEC_InvokeCommand(&sess, TA_SHA256_CMD_DIGEST, &op, &origin));
	EXPECT_EQ(0, memcmp(d, d2, 32));
	TEEC_ReleaseSharedMemory(&shm);

	reg.buffer = big;
	reg.size = sizeof(big);
	ASSERT_EQ(TEEC_SUCCESS, TEEC_RegisterSharedMemory(&self->ctx, &reg));
	memset(&op, 0, sizeof(op));
	memset(d2, 0, sizeof(d2));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].memref.parent = &reg;
	op.params[0].memref.offset = 13;
	op.params[0].memref.size = 65536;
	op.params[1].tmpref.buffer = d2;
	op.params[1].tmpref.size = sizeof(d2);
	EXPECT_EQ(TEEC_SUCCESS,
		  TEEC_InvokeCommand(&sess, TA_SHA256_CMD_DIGEST, &op, &origin));
	EXPECT_EQ(0, memcmp(d, d2, 32));
	TEEC_ReleaseSharedMemory(&reg);

	TEEC_CloseSession(&sess);
}

static TEEC_Result kv(TEEC_Session *sess, __u32 cmd, const char *key,
		      void *val, size_t *len)
{
	TEEC_Operation op = { 0 };
	TEEC_Result res;
	__u32 origin;

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 cmd == TA_KV_CMD_PUT ? TEEC_MEMREF_TEMP_INPUT :
					 cmd == TA_KV_CMD_GET ? TEEC_MEMREF_TEMP_OUTPUT :
					 TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)key;
	op.params[0].tmpref.size = strlen(key);
	if (len) {
		op.params[1].tmpref.buffer = val;
		op.params[1].tmpref.size = *len;
	}
	res = TEEC_InvokeCommand(sess, cmd, &op, &origin);
	if (len)
		*len = op.params[1].tmpref.size;
	return res;
}

/* The key/value TA: a value put in one session is there in the next. */
TEST_F(teec, kv_ta)
{
	char key[32], val[] = "kept across sessions", got[64];
	TEEC_Session sess;
	size_t len;

	/* Older harnesses (6.1) run the test even when the setup skipped. */
	if (!self->have_ctx)
		SKIP(return, "no secure world");

	snprintf(key, sizeof(key), "teec-%d", getpid());
	ASSERT_EQ(TEEC_SUCCESS, open_ta(&self->ctx, &sess, kv_uuid));
	len = sizeof(val);
	ASSERT_EQ(TEEC_SUCCESS, kv(&sess, TA_KV_CMD_PUT, key, val, &len));
	TEEC_CloseSession(&sess);

	ASSERT_EQ(TEEC_SUCCESS, open_ta(&self->ctx, &sess, kv_uuid));
	len = sizeof(got);
	memset(got, 0, sizeof(got));
	ASSERT_EQ(TEEC_SUCCESS, kv(&sess, TA_KV_CMD_GET, key, got, &len));
	EXPECT_EQ(sizeof(val), len);
	EXPECT_STREQ(val, got);
	EXPECT_EQ(TEEC_SUCCESS, kv(&sess, TA_KV_CMD_DEL, key, NULL, NULL));
	len = sizeof(got);
	EXPECT_EQ(TEEC_ERROR_ITEM_NOT_FOUND,
		  kv(&sess, TA_KV_CMD_GET, key, got, &len));
	TEEC_CloseSession(&sess);
}

/* The text form of a UUID, as tee-supplicant names TA files. */
static void uuid_str(char *s, const unsigned char o[16])
{
	int i;

	for (i = 0; i < 16; i++) {
		s += sprintf(s, "%02x", o[i]);
		if (i == 3 || i == 5 || i == 7 || i == 9)
			*s++ = '-';
	}
}

/*
 * LOAD_TA served by tee-supplicant: the RPC TA asks for a TA image by UUID,
 * the supplicant reads /lib/optee_armtz/UUID.ta. The TA returns the image's
 * size and SHA-256, checked against the file and the digest TA. Value
 * parameters are 64-bit here, so this one goes through <linux/tee.h>.
 */
TEST_F(teec, supplicant_load_ta)
{
	static const unsigned char img_uuid[16] = {
		0x4f, 0x50, 0x54, 0x4c, 0x7e, 0x57, 0x4b, 0x4c,
		0x8e, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
	};
	struct {
		struct tee_ioctl_invoke_arg arg;
		struct tee_ioctl_param p[3];
	} inv;
	struct {
		struct tee_ioctl_open_session_arg arg;
	} os;
	struct tee_ioctl_buf_data buf;
	struct tee_ioctl_shm_alloc_data sa = { .size = 4096 };
	static unsigned char img[5000];
	unsigned char want[32], *out;
	TEEC_Session dsess;
	char path[128], name[40];
	int fd, shm_fd, i;
	FILE *f;

	/* Older harnesses (6.1) run the test even when the setup skipped. */
	if (!self->have_ctx)
		SKIP(return, "no secure world");

	for (i = 0; i < (int)sizeof(img); i++)
		img[i] = i ^ (i >> 8) ^ 0x5c;
	mkdir("/lib/optee_armtz", 0755);
	uuid_str(name, img_uuid);
	snprintf(path, sizeof(path), "/lib/optee_armtz/%s.ta", name);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f) TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_EQ(1, fwrite(img, sizeof(img), 1, f));
	fclose(f);

	ASSERT_EQ(TEEC_SUCCESS, open_ta(&self->ctx, &dsess, sha256_uuid));
	ASSERT_EQ(TEEC_SUCCESS, ta_digest(&dsess, img, sizeof(img), want));
	TEEC_CloseSession(&dsess);

	fd = open(tee_dev(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	memset(&os, 0, sizeof(os));
	memcpy(os.arg.uuid, rpc_uuid, 16);
	os.arg.clnt_login = TEE_IOCTL_LOGIN_PUBLIC;
	buf.buf_ptr = (uintptr_t)&os;
	buf.buf_len = sizeof(os);
	ASSERT_EQ(0, ioctl(fd, TEE_IOC_OPEN_SESSION, &buf));
	ASSERT_EQ(0, os.arg.ret);

	shm_fd = ioctl(fd, TEE_IOC_SHM_ALLOC, &sa);
	ASSERT_LE(0, shm_fd);
	out = mmap(NULL, sa.size, PROT_READ | PROT_WRITE, MAP_SHARED, shm_fd, 0);
	ASSERT_NE(MAP_FAILED, out);

	memset(&inv, 0, sizeof(inv));
	inv.arg.func = TA_RPC_CMD_LOAD_TA;
	inv.arg.session = os.arg.session;
	inv.arg.num_params = 3;
	inv.p[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT;
	memcpy(&inv.p[0].a, img_uuid, 8);
	memcpy(&inv.p[0].b, img_uuid + 8, 8);
	inv.p[1].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT;
	inv.p[1].b = 32;
	inv.p[1].c = sa.id;
	inv.p[2].attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT;
	buf.buf_ptr = (uintptr_t)&inv;
	buf.buf_len = sizeof(inv);
	ASSERT_EQ(0, ioctl(fd, TEE_IOC_INVOKE, &buf));
	EXPECT_EQ(TEEC_SUCCESS, inv.arg.ret) TH_LOG("origin %u", inv.arg.ret_origin);
	EXPECT_EQ(sizeof(img), inv.p[2].a);
	EXPECT_EQ(32, inv.p[1].b);
	EXPECT_EQ(0, memcmp(want, out, 32));

	/* No such file: the supplicant's answer comes back as is. */
	unlink(path);
	memset(&inv.arg, 0, sizeof(inv.arg));
	inv.arg.func = TA_RPC_CMD_LOAD_TA;
	inv.arg.session = os.arg.session;
	inv.arg.num_params = 3;
	inv.p[1].b = 32;
	ASSERT_EQ(0, ioctl(fd, TEE_IOC_INVOKE, &buf));
	EXPECT_EQ(TEEC_ERROR_ITEM_NOT_FOUND, inv.arg.ret);

	munmap(out, sa.size);
	close(shm_fd);
	close(fd);
}

TEST_HARNESS_MAIN
