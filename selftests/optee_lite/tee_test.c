// SPDX-License-Identifier: GPL-2.0
/*
 * The TEE client ABI (<linux/tee.h>) end to end, against the test TAs of the
 * bench's secure-world firmware (firmware/, interface in ta_ids.h): every
 * ioctl, every parameter kind, every TA behaviour, RPCs with and without a
 * (fake) supplicant, cancel, more concurrent calls than secure threads,
 * malformed secure-world replies and bad user input.
 *
 * Runs against $TEE_DEV / $TEEPRIV_DEV (default /dev/tee0, /dev/teepriv0)
 * and passes with the kernel's own optee driver and with optee_lite. Without
 * the test TAs (a machine without the firmware) every test skips, unless
 * TEE_REQUIRE_TAS is set, which makes that a failure.
 */
#include <pthread.h>
#include <time.h>

#include "tee_util.h"
#include "kselftest_harness.h"

static const __u8 uuid_arith[16] = TA_ARITH_UUID;
static const __u8 uuid_memref[16] = TA_MEMREF_UUID;
static const __u8 uuid_sha256[16] = TA_SHA256_UUID;
static const __u8 uuid_kv[16] = TA_KV_UUID;
static const __u8 uuid_rpc[16] = TA_RPC_UUID;
static const __u8 uuid_long[16] = TA_LONG_UUID;
static const __u8 uuid_bad[16] = TA_BAD_UUID;
static const __u8 uuid_stats[16] = TA_STATS_UUID;
static const __u8 uuid_none[16] = TA_NONE_UUID;

static __u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

FIXTURE(tee) {
	int fd;
};

FIXTURE_SETUP(tee)
{
	int s;

	self->fd = open(tee_dev(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", tee_dev(), strerror(errno));
	s = tee_open(self->fd, uuid_arith);
	ASSERT_LE(0, s) TH_LOG("cannot open a session to the arith TA");
	tee_close_session(self->fd, s);
}

FIXTURE_TEARDOWN(tee)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* ---- version and sessions ---- */

/*
 * OP-TEE on TrustZone; REG_MEM when the firmware offers dynamic shared memory,
 * MEMREF_NULL when it offers NULL memrefs (both by default).
 */
TEST_F(tee, version)
{
	struct tee_ioctl_version_data v;
	__u32 caps = TEE_GEN_CAP_GP;

	if (!fw_option("no-dynamic-shm"))
		caps |= TEE_GEN_CAP_REG_MEM;
	if (!fw_option("no-memref-null"))
		caps |= TEE_GEN_CAP_MEMREF_NULL;
	ASSERT_EQ(0, ioctl(self->fd, TEE_IOC_VERSION, &v));
	EXPECT_EQ(TEE_IMPL_ID_OPTEE, v.impl_id);
	EXPECT_EQ(TEE_OPTEE_CAP_TZ, v.impl_caps);
	EXPECT_EQ(caps, v.gen_caps);
}

/*
 * Without dynamic shared memory (reserved pool only) user memory cannot be
 * registered: the driver refuses it. True when the test should stop there.
 */
static bool no_reg_mem(struct __test_metadata *_metadata, int fd)
{
	size_t len = 4 * 4096;
	struct tee_shm shm;
	void *buf;

	if (!fw_option("no-dynamic-shm"))
		return false;
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT_NE(MAP_FAILED, buf);
	if (buf != MAP_FAILED) {
		EXPECT_NE(0, tee_shm_register(fd, buf, len, &shm));
		munmap(buf, len);
	}
	return true;
}

TEST_F(tee, open_close)
{
	struct tee_call r;
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, tee_open_session(self->fd, uuid_arith, TEE_IOCTL_LOGIN_PUBLIC,
					      NULL, 0, &r));
		ASSERT_EQ(TEEC_SUCCESS, r.ret);
		EXPECT_EQ(0, tee_close_session(self->fd, r.session));
		/* closed: the driver no longer knows it */
		EXPECT_EQ(-EINVAL, tee_close_session(self->fd, r.session));
	}
}

/* Is the kernel's sha1 shash there (the TEE core's client UUIDs need it)? */
static bool kernel_has_sha1(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/crypto", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strcmp(line, "name         : sha1\n");
	fclose(f);
	return found;
}

/*
 * Logins: PUBLIC needs nothing; for USER and GROUP the TEE core computes a
 * UUIDv5 client UUID with sha1 and fails with ENOENT when the kernel has no
 * sha1 (as the bench's minimal kernel). It refuses a group the caller is not
 * in (EPERM), the application logins (EINVAL, not implemented) and the
 * kernel-only range (EPERM).
 */
TEST_F(tee, open_logins)
{
	static const __u32 logins[] = { TEE_IOCTL_LOGIN_PUBLIC, TEE_IOCTL_LOGIN_USER,
					   TEE_IOCTL_LOGIN_GROUP };
	union {
		struct tee_ioctl_open_session_arg arg;
		__u8 buf[sizeof(struct tee_ioctl_open_session_arg)];
	} u;
	struct tee_ioctl_buf_data d = { .buf_ptr = (uintptr_t)&u, .buf_len = sizeof(u.arg) };
	bool sha1 = kernel_has_sha1();
	struct tee_call r;
	__u32 gid = 4242;
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(logins); i++) {
		rc = tee_open_session(self->fd, uuid_kv, logins[i], NULL, 0, &r);
		if (logins[i] != TEE_IOCTL_LOGIN_PUBLIC && !sha1) {
			EXPECT_EQ(-ENOENT, rc) TH_LOG("login %u", logins[i]);
			continue;
		}
		ASSERT_EQ(0, rc) TH_LOG("login %u", logins[i]);
		EXPECT_EQ(TEEC_SUCCESS, r.ret);
		EXPECT_EQ(0, tee_close_session(self->fd, r.session));
	}
	EXPECT_EQ(-EINVAL, tee_open_session(self->fd, uuid_kv, TEE_IOCTL_LOGIN_APPLICATION,
					    NULL, 0, &r));
	EXPECT_EQ(-EPERM, tee_open_session(self->fd, uuid_kv, TEE_IOCTL_LOGIN_REE_KERNEL,
					   NULL, 0, &r));
	/* group login for a group the caller is not in */
	memset(&u, 0, sizeof(u));
	memcpy(u.arg.uuid, uuid_kv, 16);
	u.arg.clnt_login = TEE_IOCTL_LOGIN_GROUP;
	memcpy(u.arg.clnt_uuid, &gid, sizeof(gid));
	EXPECT_EQ(-1, ioctl(self->fd, TEE_IOC_OPEN_SESSION, &d));
	EXPECT_EQ(EPERM, errno);
}

/* Unknown TA: the ioctl succeeds, the TEE answers ITEM_NOT_FOUND. */
TEST_F(tee, open_unknown_ta)
{
	struct tee_call r;

	ASSERT_EQ(0, tee_open_session(self->fd, uuid_none, TEE_IOCTL_LOGIN_PUBLIC, NULL, 0, &r));
	EXPECT_EQ(TEEC_ERROR_ITEM_NOT_FOUND, r.ret);
	EXPECT_EQ(TEEC_ORIGIN_TEE, r.origin);
}

/* The TA refuses the open; its parameters still come back. */
TEST_F(tee, open_denied_by_ta)
{
	struct tee_ioctl_param p[1] = { vparam(P_VIN, TA_ARITH_DENY, 0, 0) };
	struct tee_call r;

	ASSERT_EQ(0, tee_open_session(self->fd, uuid_arith, TEE_IOCTL_LOGIN_PUBLIC, p, 1, &r));
	EXPECT_EQ(TEEC_ERROR_ACCESS_DENIED, r.ret);
	EXPECT_EQ(TEEC_ORIGIN_TRUSTED_APP, r.origin);
	p[0] = vparam(P_VIN, 1, 0, 0);
	ASSERT_EQ(0, tee_open_session(self->fd, uuid_arith, TEE_IOCTL_LOGIN_PUBLIC, p, 1, &r));
	EXPECT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_EQ(0, tee_close_session(self->fd, r.session));
}

/* More sessions over time than the firmware has slots: they are freed. */
TEST_F(tee, sessions_recycled)
{
	int s[40], round, i;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < 40; i++) {
			s[i] = tee_open(self->fd, i & 1 ? uuid_arith : uuid_kv);
			ASSERT_LE(0, s[i]) TH_LOG("round %d session %d", round, i);
		}
		for (i = 0; i < 40; i++)
			ASSERT_EQ(0, tee_close_session(self->fd, s[i]));
	}
}

/* Sessions left open are closed when the file is released. */
TEST_F(tee, sessions_closed_on_release)
{
	int round, i, fd;

	for (round = 0; round < 3; round++) {
		fd = open(tee_dev(), O_RDWR);
		ASSERT_LE(0, fd);
		for (i = 0; i < 30; i++)
			ASSERT_LE(0, tee_open(fd, uuid_arith)) TH_LOG("round %d", round);
		close(fd);
	}
}

/* ---- values ---- */

TEST_F(tee, arith_values)
{
	struct tee_ioctl_param p[2];
	struct tee_call r;
	int s = tee_open(self->fd, uuid_arith);

	ASSERT_LE(0, s);
	p[0] = vparam(P_VIN, 0x123456789aull, 0x1000000001ull, 0);
	p[1] = vparam(P_VOUT, 0xdead, 0xdead, 0xdead);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_ARITH_CMD_ADD, 0, p, 2, &r));
	ASSERT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_EQ(0x123456789aull + 0x1000000001ull, p[1].a);
	EXPECT_EQ(0x123456789aull - 0x1000000001ull, p[1].b);
	EXPECT_EQ(0x123456789aull * 0x1000000001ull, p[1].c);
	/* inputs are not written back */
	EXPECT_EQ(0x123456789aull, p[0].a);

	p[0] = vparam(P_VINOUT, 1000003, 17, 99);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_ARITH_CMD_DIV, 0, p, 1, &r));
	ASSERT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_EQ(1000003 / 17, p[0].a);
	EXPECT_EQ(1000003 % 17, p[0].b);

	p[0] = vparam(P_VINOUT, ~0ull, 41, 7);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_ARITH_CMD_INC, 0, p, 1, &r));
	ASSERT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_EQ(0, p[0].a);
	EXPECT_EQ(42, p[0].b);
	EXPECT_EQ(8, p[0].c);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

/* TA errors: origin TA, ioctl still 0. */
TEST_F(tee, arith_errors)
{
	struct tee_ioctl_param p[2];
	struct tee_call r;
	int s = tee_open(self->fd, uuid_arith);

	ASSERT_LE(0, s);
	p[0] = vparam(P_VINOUT, 5, 0, 0);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_ARITH_CMD_DIV, 0, p, 1, &r));
	EXPECT_EQ(TEEC_ERROR_BAD_PARAMETERS, r.ret);
	EXPECT_EQ(TEEC_ORIGIN_TRUSTED_APP, r.origin);
	/* wrong parameter types */
	p[0] = vparam(P_VOUT, 5, 0, 0);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_ARITH_CMD_DIV, 0, p, 1, &r));
	EXPECT_EQ(TEEC_ERROR_BAD_PARAMETERS, r.ret);
	/* unknown command */
	ASSERT_EQ(0, tee_invoke(self->fd, s, 0x777, 0, p, 0, &r));
	EXPECT_EQ(TEEC_ERROR_NOT_SUPPORTED, r.ret);
	EXPECT_EQ(TEEC_ORIGIN_TRUSTED_APP, r.origin);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

/* Every parameter kind in one call, partial memrefs included. */
TEST_F(tee, param_kinds)
{
	struct tee_ioctl_param p[4];
	struct tee_shm shm;
	struct tee_call r;
	int s = tee_open(self->fd, uuid_arith);

	ASSERT_LE(0, s);
	ASSERT_EQ(0, tee_shm_alloc(self->fd, 8192, &shm));
	p[0] = vparam(P_VOUT, 0, 0, 0);
	p[1] = vparam(P_VIN, 40, 0, 0);
	p[2] = mparam(P_MIN, shm.id, 100, 1000);
	p[3] = mparam(P_MINOUT, shm.id, 4096, 333);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_ARITH_CMD_PARAMS, 0, p, 4, &r));
	ASSERT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_EQ(P_VOUT | P_VIN << 4 | P_MIN << 8 | P_MINOUT << 12, p[0].a);
	EXPECT_EQ(1333, p[0].b);
	EXPECT_EQ(40, p[0].c);
	/* memref sizes of output memrefs come back */
	EXPECT_EQ(333, p[3].b);

	p[0] = vparam(P_VINOUT, 0, 0, 0);
	p[1] = mparam(P_MOUT, shm.id, 0, 8192);
	p[2] = vparam(P_VINOUT, 2, 0, 0);
	p[3] = vparam(P_NONE, 0, 0, 0);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_ARITH_CMD_PARAMS, 0, p, 4, &r));
	ASSERT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_EQ(P_VINOUT | P_MOUT << 4 | P_VINOUT << 8, p[0].a);
	EXPECT_EQ(8192, p[0].b);
	EXPECT_EQ(2, p[0].c);

	/* fewer than four parameters: the rest are NONE */
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_ARITH_CMD_PARAMS, 0, p, 1, &r));
	ASSERT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_EQ(P_VINOUT, p[0].a);
	tee_shm_free(&shm);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

/* ---- memrefs ---- */

TEST_F(tee, memref_copy)
{
	struct tee_ioctl_param p[2];
	struct tee_shm in, out;
	struct tee_call r;
	int s = tee_open(self->fd, uuid_memref), i;

	ASSERT_LE(0, s);
	ASSERT_EQ(0, tee_shm_alloc(self->fd, 3 * 4096, &in));
	ASSERT_EQ(0, tee_shm_alloc(self->fd, 3 * 4096, &out));
	for (i = 0; i < 3 * 4096; i++)
		in.va[i] = i * 7 + 3;
	memset(out.va, 0, out.size);

	/* partial memrefs crossing page boundaries */
	p[0] = mparam(P_MIN, in.id, 1000, 7000);
	p[1] = mparam(P_MOUT, out.id, 3000, 8000);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_MEMREF_CMD_COPY, 0, p, 2, &r));
	ASSERT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_EQ(7000, p[1].b);
	EXPECT_EQ(0, memcmp(out.va + 3000, in.va + 1000, 7000));
	EXPECT_EQ(0, out.va[2999]);
	EXPECT_EQ(0, out.va[10000]);

	/* short buffer: the needed size comes back */
	p[0] = mparam(P_MIN, in.id, 0, 5000);
	p[1] = mparam(P_MOUT, out.id, 0, 4999);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_MEMREF_CMD_COPY, 0, p, 2, &r));
	EXPECT_EQ(TEEC_ERROR_SHORT_BUFFER, r.ret);
	EXPECT_EQ(TEEC_ORIGIN_TRUSTED_APP, r.origin);
	EXPECT_EQ(5000, p[1].b);

	/* NULL output memref: size query */
	p[1] = vparam(P_MOUT, 0, 0, TEE_MEMREF_NULL);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_MEMREF_CMD_COPY, 0, p, 2, &r));
	EXPECT_EQ(TEEC_ERROR_SHORT_BUFFER, r.ret);
	EXPECT_EQ(5000, p[1].b);

	/* empty input into a NULL output */
	p[0] = mparam(P_MIN, in.id, 0, 0);
	p[1] = vparam(P_MOUT, 0, 0, TEE_MEMREF_NULL);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_MEMREF_CMD_COPY, 0, p, 2, &r));
	EXPECT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_EQ(0, p[1].b);
	tee_shm_free(&in);
	tee_shm_free(&out);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

TEST_F(tee, memref_xor_fill)
{
	struct tee_ioctl_param p[2];
	struct tee_shm shm;
	struct tee_call r;
	__u8 ref[6000];
	int s = tee_open(self->fd, uuid_memref), i;

	ASSERT_LE(0, s);
	ASSERT_EQ(0, tee_shm_alloc(self->fd, 8192, &shm));
	for (i = 0; i < 6000; i++) {
		ref[i] = i ^ 0x5c;
		shm.va[100 + i] = ref[i];
	}
	p[0] = mparam(P_MINOUT, shm.id, 100, 6000);
	p[1] = vparam(P_VIN, 0x21, 0, 0);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_MEMREF_CMD_XOR, 0, p, 2, &r));
	ASSERT_EQ(TEEC_SUCCESS, r.ret);
	for (i = 0; i < 6000; i++)
		if (shm.va[100 + i] != (__u8)(ref[i] ^ (0x21 + i)))
			break;
	EXPECT_EQ(6000, i);

	p[0] = mparam(P_MOUT, shm.id, 10, 5000);
	p[1] = vparam(P_VIN, 0xab, 4321, 0);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_MEMREF_CMD_FILL, 0, p, 2, &r));
	ASSERT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_EQ(4321, p[0].b);
	for (i = 0; i < 4321; i++)
		if (shm.va[10 + i] != 0xab)
			break;
	EXPECT_EQ(4321, i);
	EXPECT_NE(0xab, shm.va[10 + 4321]);

	p[0] = mparam(P_MOUT, shm.id, 0, 100);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_MEMREF_CMD_FILL, 0, p, 2, &r));
	EXPECT_EQ(TEEC_ERROR_SHORT_BUFFER, r.ret);
	EXPECT_EQ(4321, p[0].b);
	tee_shm_free(&shm);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

/* Registered user memory: 1 MiB, physically scattered pages, odd offsets. */
TEST_F(tee, memref_registered)
{
	size_t len = 1 << 20, i;
	struct tee_ioctl_param p[2];
	__u64 sum = 0;
	struct tee_shm shm;
	struct tee_call r;
	__u8 *buf;
	int s = tee_open(self->fd, uuid_memref);

	ASSERT_LE(0, s);
	if (no_reg_mem(_metadata, self->fd)) {
		EXPECT_EQ(0, tee_close_session(self->fd, s));
		return;
	}
	buf = mmap(NULL, len + 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	for (i = 0; i < len; i++)
		buf[i + 123] = (i * 31) >> 3;
	/* unaligned start: the TEE core registers the pages around it */
	ASSERT_EQ(0, tee_shm_register(self->fd, buf + 123, len, &shm));
	EXPECT_EQ(len, shm.size);
	for (i = 5; i < len - 7; i++)
		sum += buf[123 + i];
	p[0] = mparam(P_MIN, shm.id, 5, len - 12);
	p[1] = vparam(P_VOUT, 0, 0, 0);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_MEMREF_CMD_SUM, 0, p, 2, &r));
	ASSERT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_EQ(sum, p[1].a);
	EXPECT_EQ(len - 12, p[1].b);

	/* the secure world writes into the user's pages */
	p[0] = mparam(P_MOUT, shm.id, 4090, 9000);
	p[1] = vparam(P_VIN, 0x3c, 9000, 0);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_MEMREF_CMD_FILL, 0, p, 2, &r));
	ASSERT_EQ(TEEC_SUCCESS, r.ret);
	for (i = 0; i < 9000; i++)
		if (buf[123 + 4090 + i] != 0x3c)
			break;
	EXPECT_EQ(9000, i);
	tee_shm_free(&shm);
	munmap(buf, len + 8192);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

/* Registration and allocation many times: nothing leaks in the secure world. */
TEST_F(tee, shm_register_many)
{
	size_t len = 128 * 4096;
	struct tee_ioctl_param p[2];
	struct tee_shm shm;
	struct tee_call r;
	__u8 *buf;
	int i, s = tee_open(self->fd, uuid_memref);

	ASSERT_LE(0, s);
	if (no_reg_mem(_metadata, self->fd)) {
		EXPECT_EQ(0, tee_close_session(self->fd, s));
		return;
	}
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	memset(buf, 1, len);
	for (i = 0; i < 300; i++) {
		ASSERT_EQ(0, tee_shm_register(self->fd, buf, len, &shm)) TH_LOG("round %d", i);
		if (i % 50 == 0) {
			p[0] = mparam(P_MIN, shm.id, 0, len);
			p[1] = vparam(P_VOUT, 0, 0, 0);
			ASSERT_EQ(0, tee_invoke(self->fd, s, TA_MEMREF_CMD_SUM, 0, p, 2, &r));
			ASSERT_EQ(TEEC_SUCCESS, r.ret);
			EXPECT_EQ(len, p[1].a);
		}
		tee_shm_free(&shm);
	}
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, tee_shm_alloc(self->fd, 64 * 4096, &shm)) TH_LOG("round %d", i);
		tee_shm_free(&shm);
	}
	munmap(buf, len);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

/* ---- SHA-256 ---- */

static void digest(struct __test_metadata *_metadata, int fd, int s, const void *data,
		   size_t len, __u8 out[32])
{
	struct tee_ioctl_param p[2];
	struct tee_shm in, dig;
	struct tee_call r;

	ASSERT_EQ(0, tee_shm_alloc(fd, len ? len : 1, &in));
	ASSERT_EQ(0, tee_shm_alloc(fd, 64, &dig));
	memcpy(in.va, data, len);
	p[0] = mparam(P_MIN, in.id, 0, len);
	p[1] = mparam(P_MOUT, dig.id, 0, 64);
	ASSERT_EQ(0, tee_invoke(fd, s, TA_SHA256_CMD_DIGEST, 0, p, 2, &r));
	ASSERT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_EQ(32, p[1].b);
	memcpy(out, dig.va, 32);
	tee_shm_free(&in);
	tee_shm_free(&dig);
}

TEST_F(tee, sha256_vectors)
{
	/* FIPS 180-2 examples */
	static const __u8 abc[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
		0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	static const __u8 empty[32] = {
		0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8,
		0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
		0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
	};
	static const __u8 million_a[32] = {
		0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92, 0x81, 0xa1, 0xc7, 0xe2,
		0x84, 0xd7, 0x3e, 0x67, 0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97, 0x20, 0x0e,
		0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0,
	};
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	__u8 out[32], ref[32], *a;
	int s = tee_open(self->fd, uuid_sha256);

	ASSERT_LE(0, s);
	digest(_metadata, self->fd, s, "abc", 3, out);
	EXPECT_EQ(0, memcmp(abc, out, 32));
	digest(_metadata, self->fd, s, "", 0, out);
	EXPECT_EQ(0, memcmp(empty, out, 32));
	digest(_metadata, self->fd, s, two, strlen(two), out);
	sha256(two, strlen(two), ref);
	EXPECT_EQ(0, memcmp(ref, out, 32));
	a = malloc(1000000);
	ASSERT_NE(NULL, a);
	memset(a, 'a', 1000000);
	sha256(a, 1000000, ref);
	EXPECT_EQ(0, memcmp(million_a, ref, 32));	/* the checker itself */
	digest(_metadata, self->fd, s, a, 1000000, out);
	EXPECT_EQ(0, memcmp(million_a, out, 32));
	free(a);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

TEST_F(tee, sha256_short_buffer)
{
	struct tee_ioctl_param p[2];
	struct tee_shm in;
	struct tee_call r;
	int s = tee_open(self->fd, uuid_sha256);

	ASSERT_LE(0, s);
	ASSERT_EQ(0, tee_shm_alloc(self->fd, 4096, &in));
	p[0] = mparam(P_MIN, in.id, 0, 10);
	p[1] = mparam(P_MOUT, in.id, 100, 31);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_SHA256_CMD_DIGEST, 0, p, 2, &r));
	EXPECT_EQ(TEEC_ERROR_SHORT_BUFFER, r.ret);
	EXPECT_EQ(32, p[1].b);
	tee_shm_free(&in);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

/* ---- key/value store ---- */

static __u32 kv(int fd, int s, __u32 cmd, const char *key, const void *val,
		size_t vlen, struct tee_shm *shm, __u64 *size)
{
	struct tee_ioctl_param p[2];
	struct tee_call r;
	size_t klen = strlen(key);

	memcpy(shm->va, key, klen);
	p[0] = mparam(P_MIN, shm->id, 0, klen);
	p[1] = vparam(P_NONE, 0, 0, 0);
	if (cmd == TA_KV_CMD_PUT) {
		memcpy(shm->va + 2048, val, vlen);
		p[1] = mparam(P_MIN, shm->id, 2048, vlen);
	} else if (cmd == TA_KV_CMD_GET) {
		p[1] = mparam(P_MOUT, shm->id, 2048, vlen);
	}
	if (tee_invoke(fd, s, cmd, 0, p, 2, &r))
		return 1;
	if (size)
		*size = p[1].b;
	return r.ret;
}

static __u64 kv_count(int fd, int s)
{
	struct tee_ioctl_param p[1] = { vparam(P_VOUT, 0, 0, 0) };
	struct tee_call r;

	if (tee_invoke(fd, s, TA_KV_CMD_COUNT, 0, p, 1, &r) || r.ret)
		return ~0ull;
	return p[0].a;
}

TEST_F(tee, kv_store_across_sessions)
{
	struct tee_shm shm;
	__u64 size, base;
	int s1, s2;

	ASSERT_EQ(0, tee_shm_alloc(self->fd, 4096, &shm));
	s1 = tee_open(self->fd, uuid_kv);
	ASSERT_LE(0, s1);
	base = kv_count(self->fd, s1);
	ASSERT_GT(TA_KV_MAX_ENTRIES, base);
	EXPECT_EQ(TEEC_SUCCESS, kv(self->fd, s1, TA_KV_CMD_PUT, "colour", "blue", 4, &shm, NULL));
	EXPECT_EQ(TEEC_SUCCESS, kv(self->fd, s1, TA_KV_CMD_PUT, "colour", "green", 5, &shm, NULL));
	EXPECT_EQ(TEEC_SUCCESS, kv(self->fd, s1, TA_KV_CMD_PUT, "empty", "", 0, &shm, NULL));
	EXPECT_EQ(base + 2, kv_count(self->fd, s1));
	EXPECT_EQ(0, tee_close_session(self->fd, s1));

	/* another session, another file */
	close(self->fd);
	self->fd = open(tee_dev(), O_RDWR);
	ASSERT_LE(0, self->fd);
	tee_shm_free(&shm);
	ASSERT_EQ(0, tee_shm_alloc(self->fd, 4096, &shm));
	s2 = tee_open(self->fd, uuid_kv);
	ASSERT_LE(0, s2);
	EXPECT_EQ(TEEC_SUCCESS, kv(self->fd, s2, TA_KV_CMD_GET, "colour", NULL, 100, &shm, &size));
	EXPECT_EQ(5, size);
	EXPECT_EQ(0, memcmp(shm.va + 2048, "green", 5));
	EXPECT_EQ(TEEC_ERROR_SHORT_BUFFER,
		  kv(self->fd, s2, TA_KV_CMD_GET, "colour", NULL, 4, &shm, &size));
	EXPECT_EQ(5, size);
	EXPECT_EQ(TEEC_SUCCESS, kv(self->fd, s2, TA_KV_CMD_GET, "empty", NULL, 10, &shm, &size));
	EXPECT_EQ(0, size);
	EXPECT_EQ(TEEC_ERROR_ITEM_NOT_FOUND,
		  kv(self->fd, s2, TA_KV_CMD_GET, "nosuchkey", NULL, 10, &shm, &size));
	EXPECT_EQ(TEEC_SUCCESS, kv(self->fd, s2, TA_KV_CMD_DEL, "colour", NULL, 0, &shm, NULL));
	EXPECT_EQ(TEEC_SUCCESS, kv(self->fd, s2, TA_KV_CMD_DEL, "empty", NULL, 0, &shm, NULL));
	EXPECT_EQ(TEEC_ERROR_ITEM_NOT_FOUND,
		  kv(self->fd, s2, TA_KV_CMD_DEL, "colour", NULL, 0, &shm, NULL));
	EXPECT_EQ(base, kv_count(self->fd, s2));
	tee_shm_free(&shm);
	EXPECT_EQ(0, tee_close_session(self->fd, s2));
}

TEST_F(tee, kv_limits)
{
	struct tee_shm shm;
	char key[100];
	__u64 base;
	int s, i, added = 0;
	__u32 ret = 0;

	ASSERT_EQ(0, tee_shm_alloc(self->fd, 4096, &shm));
	s = tee_open(self->fd, uuid_kv);
	ASSERT_LE(0, s);
	memset(key, 'k', TA_KV_MAX_KEY + 1);
	key[TA_KV_MAX_KEY + 1] = 0;
	EXPECT_EQ(TEEC_ERROR_BAD_PARAMETERS,
		  kv(self->fd, s, TA_KV_CMD_PUT, key, "x", 1, &shm, NULL));
	key[TA_KV_MAX_KEY] = 0;
	EXPECT_EQ(TEEC_SUCCESS, kv(self->fd, s, TA_KV_CMD_PUT, key, "x", 1, &shm, NULL));
	EXPECT_EQ(TEEC_SUCCESS, kv(self->fd, s, TA_KV_CMD_DEL, key, NULL, 0, &shm, NULL));
	EXPECT_EQ(TEEC_ERROR_BAD_PARAMETERS,
		  kv(self->fd, s, TA_KV_CMD_PUT, "big", shm.va, TA_KV_MAX_VALUE + 1, &shm, NULL));
	EXPECT_EQ(TEEC_ERROR_BAD_PARAMETERS,
		  kv(self->fd, s, TA_KV_CMD_PUT, "", "x", 1, &shm, NULL));

	/* fill the store */
	base = kv_count(self->fd, s);
	for (i = 0; i < TA_KV_MAX_ENTRIES + 1; i++) {
		snprintf(key, sizeof(key), "fill-%d", i);
		ret = kv(self->fd, s, TA_KV_CMD_PUT, key, "v", 1, &shm, NULL);
		if (ret)
			break;
		added++;
	}
	EXPECT_EQ(TEEC_ERROR_STORAGE_NO_SPACE, ret);
	EXPECT_EQ(TA_KV_MAX_ENTRIES - base, added);
	for (i = 0; i < added; i++) {
		snprintf(key, sizeof(key), "fill-%d", i);
		EXPECT_EQ(TEEC_SUCCESS, kv(self->fd, s, TA_KV_CMD_DEL, key, NULL, 0, &shm, NULL));
	}
	EXPECT_EQ(base, kv_count(self->fd, s));
	tee_shm_free(&shm);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

/* ---- RPCs ---- */

TEST_F(tee, rpc_get_time)
{
	struct tee_ioctl_param p[1] = { vparam(P_VOUT, 0, 0, 0) };
	struct timespec ts;
	struct tee_call r;
	int s = tee_open(self->fd, uuid_rpc);

	ASSERT_LE(0, s);
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_RPC_CMD_GET_TIME, 0, p, 1, &r));
	ASSERT_EQ(TEEC_SUCCESS, r.ret);
	clock_gettime(CLOCK_REALTIME, &ts);
	EXPECT_GE(ts.tv_sec, (time_t)p[0].a);
	EXPECT_LE(ts.tv_sec - 5, (time_t)p[0].a);
	EXPECT_GT(1000000000, p[0].b);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

struct fw_stats {
	__u64 calls[3];		/* CALL_WITH_ARG, _RPC_ARG, _REGD_ARG */
	__u64 alloc, free, shm_cache;
};

static int fw_stats(int fd, int s, struct fw_stats *st)
{
	struct tee_ioctl_param p[2] = { vparam(P_VOUT, 0, 0, 0), vparam(P_VOUT, 0, 0, 0) };
	struct tee_call r;

	if (tee_invoke(fd, s, TA_STATS_CMD_GET, 0, p, 2, &r) || r.ret)
		return -1;
	*st = (struct fw_stats){ { p[0].a, p[0].b, p[0].c }, p[1].a, p[1].b, p[1].c };
	return 0;
}

/*
 * How the driver calls, as the secure world offers (the upstream driver does
 * the same): with dynamic shared memory and RPC arguments in the call's
 * buffer, by registered argument (CALL_WITH_REGD_ARG); with RPC arguments
 * but only the reserved pool, CALL_WITH_RPC_ARG; without RPC arguments,
 * CALL_WITH_ARG with the shared memory cache enabled, so that the secure
 * world's RPC argument buffers (RPC ALLOC) are kept across calls, one per
 * secure thread. RPCs whose argument is in the call's buffer allocate none.
 */
TEST_F(tee, call_kinds)
{
	bool rpc_arg = !fw_option("no-rpc-arg");
	int kind = !rpc_arg ? 0 : fw_option("no-dynamic-shm") ? 1 : 2;
	struct tee_ioctl_param p[2];
	struct fw_stats a, b;
	struct tee_call r;
	int st = tee_open(self->fd, uuid_stats), rs = tee_open(self->fd, uuid_rpc);
	int i, k;

	ASSERT_LE(0, st);
	ASSERT_LE(0, rs);
	/* Warm up: message buffers and RPC buffers exist now. */
	for (i = 0; i < 4; i++) {
		p[0] = vparam(P_VOUT, 0, 0, 0);
		ASSERT_EQ(0, tee_invoke(self->fd, rs, TA_RPC_CMD_GET_TIME, 0, p, 1, &r));
		ASSERT_EQ(TEEC_SUCCESS, r.ret);
	}
	ASSERT_EQ(0, fw_stats(self->fd, st, &a));
	EXPECT_EQ(!rpc_arg, a.shm_cache);
	for (i = 0; i < 10; i++) {
		p[0] = vparam(P_VOUT, 0, 0, 0);
		ASSERT_EQ(0, tee_invoke(self->fd, rs, TA_RPC_CMD_GET_TIME, 0, p, 1, &r));
		ASSERT_EQ(TEEC_SUCCESS, r.ret);
	}
	ASSERT_EQ(0, fw_stats(self->fd, st, &b));
	/* The ten calls and the second query, all of one kind. */
	for (k = 0; k < 3; k++) {
		__u64 n = b.calls[k] - a.calls[k];

		EXPECT_EQ(k == kind ? 11 : 0, n)
			TH_LOG("kind %d: %llu calls", k, (unsigned long long)n);
	}
	/* No RPC argument buffer allocated or freed on the way. */
	EXPECT_EQ(0, b.alloc - a.alloc);
	EXPECT_EQ(0, b.free - a.free);
	EXPECT_EQ(0, tee_close_session(self->fd, rs));
	EXPECT_EQ(0, tee_close_session(self->fd, st));
}

/* Kernel shm through RPC CMD SHM_ALLOC/FREE and register RPC ALLOC/FREE. */
TEST_F(tee, rpc_kernel_shm)
{
	static const __u64 sizes[] = { 1, 4096, 3 * 4096 + 100, 64 * 4096 };
	struct tee_ioctl_param p[2];
	struct tee_call r;
	unsigned int i;
	int s = tee_open(self->fd, uuid_rpc);

	ASSERT_LE(0, s);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[0] = vparam(P_VIN, sizes[i], 0, 0);
		p[1] = vparam(P_VOUT, 0, 0, 0);
		ASSERT_EQ(0, tee_invoke(self->fd, s, TA_RPC_CMD_SHM, 0, p, 2, &r));
		ASSERT_EQ(TEEC_SUCCESS, r.ret);
		EXPECT_EQ(4, p[1].a) TH_LOG("size %llu", (unsigned long long)sizes[i]);
	}
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

static __u32 load_ta(int fd, int s, const __u8 uuid[16], __u8 out[32], __u64 *size)
{
	struct tee_ioctl_param p[3];
	struct tee_shm dig;
	struct tee_call r;
	__u64 a, b;

	if (tee_shm_alloc(fd, 4096, &dig))
		return 1;
	memcpy(&a, uuid, 8);
	memcpy(&b, uuid + 8, 8);
	p[0] = vparam(P_VIN, a, b, 0);
	p[1] = mparam(P_MOUT, dig.id, 0, 32);
	p[2] = vparam(P_VOUT, 0, 0, 0);
	if (tee_invoke(fd, s, TA_RPC_CMD_LOAD_TA, 0, p, 3, &r))
		r.ret = 2;
	memcpy(out, dig.va, 32);
	*size = p[2].a;
	tee_shm_free(&dig);
	return r.ret;
}

/* The TA loads "TAs" through the supplicant and checks the replies. */
TEST_F(tee, rpc_load_ta_supplicant)
{
	__u8 uuid[16] = TA_UUID(0x42), nf[16] = TA_UUID(0xee), out[32], ref[32], *img;
	__u64 size;
	pid_t supp;
	int s, i;

	supp = fake_supplicant_start(false);
	ASSERT_LT(0, supp) TH_LOG("fake supplicant: %s", strerror(-supp));
	s = tee_open(self->fd, uuid_rpc);
	ASSERT_LE(0, s);
	for (i = 0; i < 3; i++) {
		uuid[5] = 0x10 * i + 1;
		img = malloc(fake_ta_size(uuid));
		ASSERT_NE(NULL, img);
		fake_ta_image(uuid, img, fake_ta_size(uuid));
		sha256(img, fake_ta_size(uuid), ref);
		free(img);
		EXPECT_EQ(TEEC_SUCCESS, load_ta(self->fd, s, uuid, out, &size));
		EXPECT_EQ(fake_ta_size(uuid), size);
		EXPECT_EQ(0, memcmp(ref, out, 32));
	}
	EXPECT_EQ(TEEC_ERROR_ITEM_NOT_FOUND, load_ta(self->fd, s, nf, out, &size));
	/* one supplicant at a time */
	EXPECT_EQ(-1, open(teepriv_dev(), O_RDWR));
	EXPECT_EQ(EBUSY, errno);
	fake_supplicant_stop(supp);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

struct load_call {
	int fd, s;
	__u32 ret;
};

static void *load_thread(void *arg)
{
	struct load_call *c = arg;
	__u8 uuid[16] = TA_UUID(0x42), out[32];
	__u64 size;

	c->ret = load_ta(c->fd, c->s, uuid, out, &size);
	return NULL;
}

/*
 * A supplicant whose buffer is too small for the request at the head of the
 * queue (LOAD_TA: two parameters) gets EINVAL and the request fails at once,
 * so its caller gets an answer (upstream keeps it at the head of the queue,
 * where it blocks its caller and every later request).
 */
TEST_F(tee, supplicant_buffer_too_small)
{
	union {
		struct tee_iocl_supp_recv_arg recv;
		__u8 buf[sizeof(struct tee_iocl_supp_recv_arg) +
			 sizeof(struct tee_ioctl_param)];
	} u;
	struct tee_ioctl_buf_data data = { .buf_ptr = (uintptr_t)&u, .buf_len = sizeof(u) };
	struct load_call c = { .fd = self->fd };
	pthread_t th;
	int sfd;

	if (driver_is_upstream())
		SKIP(return, "upstream keeps such a request: its caller waits until killed");
	sfd = open(teepriv_dev(), O_RDWR);
	ASSERT_LE(0, sfd);
	c.s = tee_open(self->fd, uuid_rpc);
	ASSERT_LE(0, c.s);
	ASSERT_EQ(0, pthread_create(&th, NULL, load_thread, &c));
	memset(&u, 0, sizeof(u));
	u.recv.num_params = 1;
	EXPECT_EQ(-1, ioctl(sfd, TEE_IOC_SUPPL_RECV, &data));
	EXPECT_EQ(EINVAL, errno);
	pthread_join(th, NULL);
	EXPECT_NE(TEEC_SUCCESS, c.ret);
	close(sfd);
	EXPECT_EQ(0, tee_close_session(self->fd, c.s));
}

/* A supplicant that dies in the middle of a request: COMMUNICATION error. */
TEST_F(tee, rpc_supplicant_dies)
{
	__u8 uuid[16] = TA_UUID(0x42), out[32];
	__u64 size;
	pid_t supp;
	int s;

	supp = fake_supplicant_start(true);
	ASSERT_LT(0, supp);
	s = tee_open(self->fd, uuid_rpc);
	ASSERT_LE(0, s);
	EXPECT_EQ(TEEC_ERROR_COMMUNICATION, load_ta(self->fd, s, uuid, out, &size));
	waitpid(supp, NULL, 0);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

/*
 * No supplicant: a user client's request waits for one (killably). Killing
 * the waiting client ends its call; the driver and the secure thread are
 * free again afterwards.
 */
TEST_F(tee, rpc_supplicant_absent)
{
	__u8 uuid[16] = TA_UUID(0x42);
	struct tee_ioctl_param p[2];
	struct tee_call r;
	int status, s, i;
	pid_t child;

	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		__u8 out[32];
		__u64 size;
		int fd = open(tee_dev(), O_RDWR);

		s = tee_open(fd, uuid_rpc);
		load_ta(fd, s, uuid, out, &size);
		_exit(0);
	}
	usleep(1500 * 1000);
	/* still waiting for a supplicant */
	EXPECT_EQ(0, waitpid(child, &status, WNOHANG));
	kill(child, SIGKILL);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	/* both secure threads are usable */
	s = tee_open(self->fd, uuid_arith);
	ASSERT_LE(0, s);
	for (i = 0; i < 4; i++) {
		p[0] = vparam(P_VIN, i, 1, 0);
		p[1] = vparam(P_VOUT, 0, 0, 0);
		ASSERT_EQ(0, tee_invoke(self->fd, s, TA_ARITH_CMD_ADD, 0, p, 2, &r));
		EXPECT_EQ(TEEC_SUCCESS, r.ret);
		EXPECT_EQ(i + 1, p[1].a);
	}
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

/* ---- long-running calls, cancel, concurrency ---- */

TEST_F(tee, long_foreign_intr)
{
	struct tee_ioctl_param p[2];
	struct tee_call r;
	__u64 t0;
	int s = tee_open(self->fd, uuid_long);

	ASSERT_LE(0, s);
	p[0] = vparam(P_VIN, 300, 10, 0);
	p[1] = vparam(P_VOUT, 0, 0, 0);
	t0 = now_ms();
	ASSERT_EQ(0, tee_invoke(self->fd, s, TA_LONG_CMD_RUN, 0, p, 2, &r));
	ASSERT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_LE(300, p[1].b);
	EXPECT_LE(5, p[1].a) TH_LOG("%llu foreign interrupt returns", (unsigned long long)p[1].a);
	EXPECT_LE(250, now_ms() - t0);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

struct long_call {
	int fd, session;
	__u32 cancel_id, ms;
	__u32 ret;
	int rc;
	int done;	/* __atomic */
	__u64 elapsed;
};

static void *long_thread(void *arg)
{
	struct long_call *c = arg;
	struct tee_ioctl_param p[2] = { vparam(P_VIN, c->ms, 5, 0), vparam(P_VOUT, 0, 0, 0) };
	struct tee_call r;

	c->rc = tee_invoke(c->fd, c->session, TA_LONG_CMD_RUN, c->cancel_id, p, 2, &r);
	c->ret = r.ret;
	c->elapsed = p[1].b;
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST_F(tee, cancel_running)
{
	struct long_call c = { .fd = self->fd, .cancel_id = 77, .ms = 20000 };
	pthread_t th;
	__u64 t0 = now_ms();
	int n = 0;

	c.session = tee_open(self->fd, uuid_long);
	ASSERT_LE(0, c.session);
	ASSERT_EQ(0, pthread_create(&th, NULL, long_thread, &c));
	usleep(200 * 1000);
	/* a cancel of another id or session does nothing */
	EXPECT_EQ(0, tee_cancel(self->fd, c.session, 78));
	EXPECT_EQ(-EINVAL, tee_cancel(self->fd, c.session + 1000, 77));
	usleep(200 * 1000);
	EXPECT_EQ(0, __atomic_load_n(&c.done, __ATOMIC_ACQUIRE));
	/* cancel until it stops (the first may come before the call is in) */
	while (!__atomic_load_n(&c.done, __ATOMIC_ACQUIRE) && now_ms() - t0 < 15000) {
		EXPECT_EQ(0, tee_cancel(self->fd, c.session, 77));
		n++;
		usleep(50 * 1000);
	}
	pthread_join(th, NULL);
	EXPECT_EQ(0, c.rc);
	EXPECT_EQ(TEEC_ERROR_CANCEL, c.ret);
	EXPECT_GT(15000, c.elapsed);
	TH_LOG("cancelled after %llu ms, %d cancel calls", (unsigned long long)c.elapsed, n);
	EXPECT_EQ(0, tee_close_session(self->fd, c.session));
}

/*
 * Many more concurrent calls than secure threads (2) and than the message
 * buffers a driver keeps for reuse (8 in optee_lite): all complete. (A
 * ninth buffer coming back to a full cache once recursed without end.)
 */
#define MANY_CALLS	12

TEST_F(tee, concurrency_beyond_threads)
{
	struct long_call c[MANY_CALLS];
	pthread_t th[MANY_CALLS];
	int i;

	for (i = 0; i < MANY_CALLS; i++) {
		c[i] = (struct long_call){ .fd = self->fd, .ms = 500, .cancel_id = i };
		c[i].session = tee_open(self->fd, uuid_long);
		ASSERT_LE(0, c[i].session);
	}
	/* 500 ms each: all have started (and hold a message) before 3 end. */
	for (i = 0; i < MANY_CALLS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, long_thread, &c[i]));
	for (i = 0; i < MANY_CALLS; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, c[i].rc);
		EXPECT_EQ(TEEC_SUCCESS, c[i].ret);
		EXPECT_LE(500, c[i].elapsed);
		EXPECT_EQ(0, tee_close_session(self->fd, c[i].session));
	}
}

struct arith_worker {
	int fd, session, errors;
	__u64 seed;
};

static void *arith_thread(void *arg)
{
	struct arith_worker *w = arg;
	struct tee_ioctl_param p[2];
	struct tee_call r;
	int i;

	for (i = 0; i < 40; i++) {
		p[0] = vparam(P_VIN, w->seed + i, 3, 0);
		p[1] = vparam(P_VOUT, 0, 0, 0);
		if (tee_invoke(w->fd, w->session, TA_ARITH_CMD_ADD, 0, p, 2, &r) || r.ret ||
		    p[1].a != w->seed + i + 3)
			w->errors++;
	}
	return NULL;
}

/* Eight threads on one session and on their own ones. */
TEST_F(tee, concurrency_sessions)
{
	struct arith_worker w[8];
	pthread_t th[8];
	int shared = tee_open(self->fd, uuid_arith), i;

	ASSERT_LE(0, shared);
	for (i = 0; i < 8; i++) {
		w[i] = (struct arith_worker){ .fd = self->fd, .seed = i * 1000000ull };
		w[i].session = i & 1 ? shared : tee_open(self->fd, uuid_arith);
		ASSERT_LE(0, w[i].session);
		ASSERT_EQ(0, pthread_create(&th[i], NULL, arith_thread, &w[i]));
	}
	for (i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, w[i].errors) TH_LOG("worker %d", i);
	}
	for (i = 0; i < 8; i += 2)
		EXPECT_EQ(0, tee_close_session(self->fd, w[i].session));
	EXPECT_EQ(0, tee_close_session(self->fd, shared));
}

/* ---- malformed secure-world replies ---- */

static __u32 bad_call(struct __test_metadata *_metadata, int fd, int s, __u32 cmd,
		      struct tee_shm *shm, struct tee_ioctl_param *p, __u32 *origin)
{
	struct tee_call r;

	p[0] = mparam(P_MOUT, shm->id, 0, 100);
	p[1] = vparam(P_VOUT, 0, 0, 0);
	EXPECT_EQ(0, tee_invoke(fd, s, cmd, 0, p, 2, &r));
	*origin = r.origin;
	return r.ret;
}

/* After a malformed reply the machine still works. */
static void still_works(struct __test_metadata *_metadata, int fd)
{
	struct tee_ioctl_param p[2] = { vparam(P_VIN, 2, 3, 0), vparam(P_VOUT, 0, 0, 0) };
	struct tee_call r;
	int s = tee_open(fd, uuid_arith);

	ASSERT_LE(0, s);
	ASSERT_EQ(0, tee_invoke(fd, s, TA_ARITH_CMD_ADD, 0, p, 2, &r));
	EXPECT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_EQ(5, p[1].a);
	EXPECT_EQ(0, tee_close_session(fd, s));
}

/*
 * An invalid parameter type in the reply: both drivers report
 * TEEC_ERROR_COMMUNICATION from the communication layer.
 */
TEST_F(tee, malformed_param_type)
{
	struct tee_ioctl_param p[2];
	struct tee_shm shm;
	__u32 origin;
	int s = tee_open(self->fd, uuid_bad);

	ASSERT_LE(0, s);
	ASSERT_EQ(0, tee_shm_alloc(self->fd, 4096, &shm));
	EXPECT_EQ(TEEC_ERROR_COMMUNICATION,
		  bad_call(_metadata, self->fd, s, TA_BAD_CMD_BAD_ATTR, &shm, p, &origin));
	EXPECT_EQ(TEEC_ORIGIN_COMMS, origin);
	tee_shm_free(&shm);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
	still_works(_metadata, self->fd);
}

/*
 * Replies that are wrong but harmless to a driver that only uses what it
 * sent: a bogus parameter count, an unknown RPC function before the reply, a
 * bogus origin. The call completes; the output values come back.
 */
TEST_F(tee, malformed_harmless)
{
	struct tee_ioctl_param p[2];
	struct tee_shm shm;
	__u32 origin;
	int s = tee_open(self->fd, uuid_bad);

	ASSERT_LE(0, s);
	ASSERT_EQ(0, tee_shm_alloc(self->fd, 4096, &shm));
	EXPECT_EQ(TEEC_SUCCESS,
		  bad_call(_metadata, self->fd, s, TA_BAD_CMD_NUM_PARAMS, &shm, p, &origin));
	EXPECT_EQ(1, p[1].a);
	EXPECT_EQ(3, p[1].c);
	EXPECT_EQ(TEEC_SUCCESS,
		  bad_call(_metadata, self->fd, s, TA_BAD_CMD_BAD_RPC, &shm, p, &origin));
	EXPECT_EQ(2, p[1].b);
	EXPECT_EQ(TEEC_SUCCESS,
		  bad_call(_metadata, self->fd, s, TA_BAD_CMD_BAD_ORIGIN, &shm, p, &origin));
	tee_shm_free(&shm);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
	still_works(_metadata, self->fd);
}

/*
 * A memref size larger than the buffer, an offset past the end of the shm,
 * an unknown shm cookie. The upstream driver passes the size on to the
 * caller as the secure world said it (the TEE core does not check it) and
 * trusts the cookie as a kernel pointer, so the cookie case only runs
 * against optee_lite, which must refuse all three.
 */
TEST_F(tee, malformed_memrefs)
{
	struct tee_ioctl_param p[2];
	struct tee_shm shm;
	__u32 origin, ret;
	int s = tee_open(self->fd, uuid_bad);

	ASSERT_LE(0, s);
	ASSERT_EQ(0, tee_shm_alloc(self->fd, 4096, &shm));
	ret = bad_call(_metadata, self->fd, s, TA_BAD_CMD_SIZE_OVER, &shm, p, &origin);
	if (driver_is_upstream()) {
		EXPECT_EQ(TEEC_SUCCESS, ret);
		EXPECT_EQ(100 + 4096, p[0].b);
	} else {
		EXPECT_NE(TEEC_SUCCESS, ret);
	}
	ret = bad_call(_metadata, self->fd, s, TA_BAD_CMD_BAD_OFFSET, &shm, p, &origin);
	/* upstream: accepted (the offset is not reported); optee_lite: refused */
	EXPECT_EQ(driver_is_upstream(), ret == TEEC_SUCCESS);
	if (!driver_is_upstream()) {
		ret = bad_call(_metadata, self->fd, s, TA_BAD_CMD_BAD_SHM_REF, &shm, p, &origin);
		EXPECT_NE(TEEC_SUCCESS, ret);
	}
	tee_shm_free(&shm);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
	still_works(_metadata, self->fd);
}

/* ---- bad input: the errno the TEE core / driver gives ---- */

TEST_F(tee, bad_session_ids)
{
	struct tee_ioctl_param p[1] = { vparam(P_VINOUT, 1, 1, 1) };
	struct tee_call r;

	EXPECT_EQ(-EINVAL, tee_invoke(self->fd, 0x7fff0000, TA_ARITH_CMD_INC, 0, p, 1, &r));
	EXPECT_EQ(-EINVAL, tee_close_session(self->fd, 0x7fff0000));
	EXPECT_EQ(-EINVAL, tee_cancel(self->fd, 0x7fff0000, 0));
}

TEST_F(tee, bad_args)
{
	struct tee_ioctl_open_session_arg arg = { .num_params = 1 };
	struct tee_ioctl_buf_data d;
	struct tee_ioctl_param p[7];
	struct tee_call r;
	int s = tee_open(self->fd, uuid_arith);

	ASSERT_LE(0, s);
	/* buf_len does not match num_params */
	memcpy(arg.uuid, uuid_arith, 16);
	d = (struct tee_ioctl_buf_data){ .buf_ptr = (uintptr_t)&arg, .buf_len = sizeof(arg) };
	EXPECT_EQ(-1, ioctl(self->fd, TEE_IOC_OPEN_SESSION, &d));
	EXPECT_EQ(EINVAL, errno);
	d.buf_len = TEE_MAX_ARG_SIZE + 8;
	EXPECT_EQ(-1, ioctl(self->fd, TEE_IOC_OPEN_SESSION, &d));
	EXPECT_EQ(EINVAL, errno);
	d.buf_len = sizeof(arg) - 8;
	EXPECT_EQ(-1, ioctl(self->fd, TEE_IOC_INVOKE, &d));
	EXPECT_EQ(EINVAL, errno);
	/* unmapped argument buffers */
	d = (struct tee_ioctl_buf_data){ .buf_ptr = 16, .buf_len = sizeof(arg) };
	EXPECT_EQ(-1, ioctl(self->fd, TEE_IOC_OPEN_SESSION, &d));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TEE_IOC_INVOKE, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TEE_IOC_VERSION, NULL));
	EXPECT_EQ(EFAULT, errno);

	/* bad parameter attributes */
	p[0] = vparam(0x42, 0, 0, 0);
	EXPECT_EQ(-EINVAL, tee_invoke(self->fd, s, TA_ARITH_CMD_INC, 0, p, 1, &r));
	p[0] = vparam(P_VINOUT | 0x10000, 0, 0, 0);
	EXPECT_EQ(-EINVAL, tee_invoke(self->fd, s, TA_ARITH_CMD_INC, 0, p, 1, &r));
	p[0] = vparam(4, 0, 0, 0);	/* the hole between values and memrefs */
	EXPECT_EQ(-EINVAL, tee_invoke(self->fd, s, TA_ARITH_CMD_INC, 0, p, 1, &r));
	/*
	 * More parameters than a TA takes (4): the secure world refuses them;
	 * more than an OP-TEE message carries (6): the driver does.
	 */
	memset(p, 0, sizeof(p));
	EXPECT_EQ(0, tee_invoke(self->fd, s, TA_ARITH_CMD_PARAMS, 0, p, 5, &r));
	EXPECT_EQ(TEEC_ERROR_BAD_PARAMETERS, r.ret);
	EXPECT_EQ(TEEC_ORIGIN_TEE, r.origin);
	EXPECT_EQ(-EINVAL, tee_invoke(self->fd, s, TA_ARITH_CMD_PARAMS, 0, p, 7, &r));
	/* open: 2 meta parameters + 5 is too many for the driver */
	EXPECT_EQ(-EINVAL, tee_open_session(self->fd, uuid_arith, TEE_IOCTL_LOGIN_PUBLIC,
					    p, 5, &r));
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

TEST_F(tee, bad_memrefs)
{
	struct tee_ioctl_param p[2];
	struct tee_shm shm, other;
	int fd2;
	struct tee_call r;
	int s = tee_open(self->fd, uuid_memref);

	ASSERT_LE(0, s);
	ASSERT_EQ(0, tee_shm_alloc(self->fd, 4096, &shm));
	p[1] = vparam(P_VOUT, 0, 0, 0);
	/* unknown shm id */
	p[0] = mparam(P_MIN, shm.id + 1000, 0, 10);
	EXPECT_EQ(-EINVAL, tee_invoke(self->fd, s, TA_MEMREF_CMD_SUM, 0, p, 2, &r));
	/* past the end, and offset + size wrapping */
	p[0] = mparam(P_MIN, shm.id, 4000, 97);
	EXPECT_EQ(-EINVAL, tee_invoke(self->fd, s, TA_MEMREF_CMD_SUM, 0, p, 2, &r));
	p[0] = mparam(P_MIN, shm.id, 8, ~0ull - 4);
	EXPECT_EQ(-EINVAL, tee_invoke(self->fd, s, TA_MEMREF_CMD_SUM, 0, p, 2, &r));
	/* the last byte is fine */
	p[0] = mparam(P_MIN, shm.id, 4095, 1);
	shm.va[4095] = 9;
	EXPECT_EQ(0, tee_invoke(self->fd, s, TA_MEMREF_CMD_SUM, 0, p, 2, &r));
	EXPECT_EQ(TEEC_SUCCESS, r.ret);
	EXPECT_EQ(9, p[1].a);
	/* an shm of another file is not ours */
	fd2 = open(tee_dev(), O_RDWR);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, tee_shm_alloc(fd2, 4096, &other));
	p[0] = mparam(P_MIN, other.id, 0, 10);
	EXPECT_EQ(-EINVAL, tee_invoke(self->fd, s, TA_MEMREF_CMD_SUM, 0, p, 2, &r));
	tee_shm_free(&other);
	close(fd2);
	tee_shm_free(&shm);
	EXPECT_EQ(0, tee_close_session(self->fd, s));
}

TEST_F(tee, bad_shm_ioctls)
{
	struct tee_ioctl_shm_alloc_data a = { .size = 4096, .flags = 1 };
	struct tee_ioctl_shm_register_data rg = { .length = 4096, .flags = 1 };
	static __u8 buf[8192];

	EXPECT_EQ(-1, ioctl(self->fd, TEE_IOC_SHM_ALLOC, &a));
	EXPECT_EQ(EINVAL, errno);
	rg.addr = (uintptr_t)buf;
	EXPECT_EQ(-1, ioctl(self->fd, TEE_IOC_SHM_REGISTER, &rg));
	EXPECT_EQ(EINVAL, errno);
	/* a kernel address */
	rg.flags = 0;
	rg.addr = 0xffff000000000000ull;
	EXPECT_EQ(-1, ioctl(self->fd, TEE_IOC_SHM_REGISTER, &rg));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TEE_IOC_SHM_ALLOC, NULL));
	EXPECT_EQ(EFAULT, errno);
}

/*
 * TEE_IOC_SHM_ALLOC above what the page allocator gives in one piece (4 MiB
 * with 4 KiB pages; the TEE core maps the buffer by physical address): the
 * buffer or a clean ENOMEM, never a kernel warning (the bench fails a boot
 * whose log shows one). The upstream driver's allocation warns there.
 */
TEST_F(tee, shm_alloc_large)
{
	static const __u64 sizes[] = {
		(4ULL << 20) + 1, 8ULL << 20, 1ULL << 30, 1ULL << 40,
	};
	struct tee_ioctl_shm_alloc_data a;
	unsigned int i;
	int fd;

	if (driver_is_upstream())
		SKIP(return, "the upstream driver warns (page allocator) above 4 MiB");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		memset(&a, 0, sizeof(a));
		a.size = sizes[i];
		fd = ioctl(self->fd, TEE_IOC_SHM_ALLOC, &a);
		if (fd >= 0) {
			EXPECT_LE(sizes[i], a.size);
			close(fd);
			continue;
		}
		EXPECT_EQ(ENOMEM, errno) TH_LOG("%llu bytes", (unsigned long long)sizes[i]);
	}
	/* Still usable. */
	memset(&a, 0, sizeof(a));
	a.size = 4096;
	fd = ioctl(self->fd, TEE_IOC_SHM_ALLOC, &a);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
}

/* Supplicant ioctls on the client device, client ioctls on the supplicant's. */
TEST_F(tee, wrong_device)
{
	struct tee_iocl_supp_recv_arg recv = { .num_params = 0 };
	struct tee_ioctl_buf_data d = { .buf_ptr = (uintptr_t)&recv, .buf_len = sizeof(recv) };
	struct tee_call r;
	int fd;

	EXPECT_EQ(-1, ioctl(self->fd, TEE_IOC_SUPPL_RECV, &d));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IO(TEE_IOC_MAGIC, 0x3f)));
	EXPECT_EQ(EINVAL, errno);
	fd = open(teepriv_dev(), O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, tee_open_session(fd, uuid_arith, TEE_IOCTL_LOGIN_PUBLIC, NULL, 0, &r));
	close(fd);
}

/* Can a session to the arith TA be opened? */
static bool tas_present(void)
{
	int fd = open(tee_dev(), O_RDWR | O_CLOEXEC), s = -1;

	if (fd >= 0) {
		s = tee_open(fd, uuid_arith);
		if (s >= 0)
			tee_close_session(fd, s);
		close(fd);
	}
	return s >= 0;
}

/*
 * Without the test TAs the whole program is one skip (the harness of 6.1
 * would run a test body after its fixture set-up skipped), unless
 * TEE_REQUIRE_TAS asks for them: then every test fails in its set-up.
 */
int main(int argc, char **argv)
{
	if (!getenv("TEE_REQUIRE_TAS") && !tas_present()) {
		ksft_print_header();
		ksft_set_plan(1);
		ksft_test_result_skip("tee_test: no test TAs on %s (no bench secure world)\n",
				      tee_dev());
		ksft_finished();
	}
	return test_harness_run(argc, argv);
}
