// SPDX-License-Identifier: GPL-2.0
/*
 * Notifications between secure threads, through the TEE driver: a thread of
 * the firmware's notif TA waits for a key (RPC NOTIFICATION WAIT) and another
 * call sends it. With asynchronous notifications (the firmware offers them
 * unless TEE_FW_OPTIONS has no-async-notif) the driver enables them at probe,
 * the send goes without an RPC, as a value the driver fetches when the
 * notification interrupt fires, and value 0 makes it call DO_BOTTOM_HALF;
 * unloading the driver stops them. Without, the send is an RPC. The
 * firmware's stats TA counts what happened.
 *
 * Passes with optee_lite and with the kernel's own optee driver (which, on
 * 6.1, waits for a key without a timeout: that one test skips there).
 */
#include <limits.h>
#include <pthread.h>
#include <sys/utsname.h>
#include <time.h>

#include "tee_util.h"
#include "kselftest_harness.h"

#define TEE_ERROR_TIMEOUT	0xffff3001u
#define TEEC_ERROR_BAD_STATE	0xffff0007u
#define IRQ_NAME		"optee_notification"

static const __u8 uuid_notif[16] = TA_NOTIF_UUID;
static const __u8 uuid_stats[16] = TA_STATS_UUID;

static bool async_offered(void)
{
	return !fw_option("no-async-notif");
}

static __u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

struct nstats {
	__u64 posted, sync_sent, bottom_halves, enables, stops, fetches;
};

static int get_nstats(int fd, int s, struct nstats *n)
{
	struct tee_ioctl_param p[2] = { vparam(P_VOUT, 0, 0, 0), vparam(P_VOUT, 0, 0, 0) };
	struct tee_call r;

	if (tee_invoke(fd, s, TA_STATS_CMD_NOTIF, 0, p, 2, &r) || r.ret)
		return -1;
	*n = (struct nstats){ p[0].a, p[0].b, p[0].c, p[1].a, p[1].b, p[1].c };
	return 0;
}

/* The notification interrupt's count in /proc/interrupts, -1 without it. */
static long irq_count(void)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[1024], *p, *end;
	long sum = -1, v;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, IRQ_NAME))
			continue;
		p = strchr(line, ':');
		if (!p)
			break;
		sum = 0;
		for (p++; (v = strtol(p, &end, 10)) >= 0 && end != p; p = end)
			sum += v;
		break;
	}
	fclose(f);
	return sum;
}

/* One TA command with p0 = vin {a, b}, p1 vout (SEND) or none. */
static __u32 notif_cmd(int fd, int s, __u32 cmd, __u64 a, __u64 b, __u64 *out)
{
	struct tee_ioctl_param p[2] = { vparam(P_VIN, a, b, 0), vparam(P_VOUT, 0, 0, 0) };
	struct tee_call r;

	if (tee_invoke(fd, s, cmd, 0, p, cmd == TA_NOTIF_CMD_SEND ? 2 : 1, &r))
		return 1;
	if (out)
		*out = p[1].a;
	return r.ret;
}

struct waiter {
	int fd, s;
	__u64 key, timeout;
	__u32 ret;
	__u64 ms;
	pthread_t t;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	__u64 t0 = now_ms();

	w->ret = notif_cmd(w->fd, w->s, TA_NOTIF_CMD_WAIT, w->key, w->timeout, NULL);
	w->ms = now_ms() - t0;
	return NULL;
}

FIXTURE(notif) {
	int fd, s, st;
	struct nstats before;
};

FIXTURE_SETUP(notif)
{
	self->fd = open(tee_dev(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", tee_dev(), strerror(errno));
	self->s = tee_open(self->fd, uuid_notif);
	ASSERT_LE(0, self->s) TH_LOG("cannot open a session to the notif TA");
	self->st = tee_open(self->fd, uuid_stats);
	ASSERT_LE(0, self->st);
	ASSERT_EQ(0, get_nstats(self->fd, self->st, &self->before));
}

FIXTURE_TEARDOWN(notif)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Start a waiter for @key in its own session. */
static void start_waiter(struct __test_metadata *_metadata, struct waiter *w,
			 int fd, __u64 key, __u64 timeout)
{
	*w = (struct waiter){ .fd = fd, .key = key, .timeout = timeout };
	w->s = tee_open(fd, uuid_notif);
	ASSERT_LE(0, w->s);
	ASSERT_EQ(0, pthread_create(&w->t, NULL, wait_thread, w));
	usleep(200000);	/* let it reach the wait (either order works) */
}

static void end_waiter(struct __test_metadata *_metadata, struct waiter *w)
{
	pthread_join(w->t, NULL);
	tee_close_session(w->fd, w->s);
	EXPECT_EQ(TEEC_SUCCESS, w->ret) TH_LOG("wait for key %llu", (unsigned long long)w->key);
	EXPECT_GT(5000, w->ms);
}

/*
 * Enabled at probe, exactly once since the last stop, with the interrupt of
 * the device tree; not at all when the firmware does not offer them.
 */
TEST_F(notif, enabled)
{
	struct nstats *n = &self->before;

	if (async_offered()) {
		EXPECT_LE(1, n->enables);
		EXPECT_EQ(n->stops + 1, n->enables);
		EXPECT_LE(0, irq_count()) TH_LOG("no %s in /proc/interrupts", IRQ_NAME);
	} else {
		EXPECT_EQ(0, n->enables);
		EXPECT_EQ(0, n->fetches);
		EXPECT_EQ(-1, irq_count());
	}
}

/* A waiting secure thread woken by a send from another call. */
TEST_F(notif, wait_send)
{
	long irqs = irq_count();
	struct nstats n;
	struct waiter w;
	__u64 async = 2;

	start_waiter(_metadata, &w, self->fd, 5, 5000);
	EXPECT_EQ(TEEC_SUCCESS, notif_cmd(self->fd, self->s, TA_NOTIF_CMD_SEND, 5, 0, &async));
	end_waiter(_metadata, &w);
	EXPECT_EQ(async_offered(), async);
	ASSERT_EQ(0, get_nstats(self->fd, self->st, &n));
	if (async_offered()) {
		EXPECT_EQ(self->before.posted + 1, n.posted);
		EXPECT_EQ(self->before.sync_sent, n.sync_sent);
		EXPECT_LT(self->before.fetches, n.fetches);
		EXPECT_LT(irqs, irq_count());
	} else {
		EXPECT_EQ(self->before.posted, n.posted);
		EXPECT_EQ(self->before.sync_sent + 1, n.sync_sent);
	}
}

/* Every key sent before anyone waits: each wait returns at once. */
TEST_F(notif, all_keys_sent_first)
{
	__u64 key, async;
	__u64 t0 = now_ms();

	for (key = 1; key <= TA_NOTIF_KEY_MAX; key++)
		ASSERT_EQ(TEEC_SUCCESS, notif_cmd(self->fd, self->s, TA_NOTIF_CMD_SEND,
						  key, 0, &async));
	for (key = 1; key <= TA_NOTIF_KEY_MAX; key++)
		EXPECT_EQ(TEEC_SUCCESS, notif_cmd(self->fd, self->s, TA_NOTIF_CMD_WAIT,
						  key, 5000, NULL)) TH_LOG("key %llu", key);
	EXPECT_GT(20000, now_ms() - t0);
}

/*
 * A key posted from a bottom half: the firmware posts value 0, the driver
 * calls DO_BOTTOM_HALF from its interrupt thread, the firmware posts the key
 * there. Refused when asynchronous notifications are off.
 */
TEST_F(notif, bottom_half)
{
	struct nstats n;
	struct waiter w;

	if (!async_offered()) {
		EXPECT_EQ(TEEC_ERROR_BAD_STATE,
			  notif_cmd(self->fd, self->s, TA_NOTIF_CMD_SEND_BH, 11, 0, NULL));
		return;
	}
	start_waiter(_metadata, &w, self->fd, 11, 5000);
	EXPECT_EQ(TEEC_SUCCESS, notif_cmd(self->fd, self->s, TA_NOTIF_CMD_SEND_BH, 11, 0, NULL));
	end_waiter(_metadata, &w);
	ASSERT_EQ(0, get_nstats(self->fd, self->st, &n));
	EXPECT_LT(self->before.bottom_halves, n.bottom_halves);
	EXPECT_EQ(self->before.sync_sent, n.sync_sent);
}

/* A wait nobody answers ends with the secure world's timeout. */
TEST_F(notif, wait_timeout)
{
	struct utsname u;
	__u64 t0 = now_ms();

	uname(&u);
	if (driver_is_upstream() && !strncmp(u.release, "6.1.", 4))
		SKIP(return, "the 6.1 optee driver waits for a key without a timeout");
	EXPECT_EQ(TEE_ERROR_TIMEOUT, notif_cmd(self->fd, self->s, TA_NOTIF_CMD_WAIT, 9, 300, NULL));
	EXPECT_LE(250, now_ms() - t0);
	EXPECT_GT(10000, now_ms() - t0);
}

/* Keys out of range and bad timeouts are the TA's to refuse. */
TEST_F(notif, bad_keys)
{
	EXPECT_EQ(TEEC_ERROR_BAD_PARAMETERS,
		  notif_cmd(self->fd, self->s, TA_NOTIF_CMD_SEND, 0, 0, NULL));
	EXPECT_EQ(TEEC_ERROR_BAD_PARAMETERS,
		  notif_cmd(self->fd, self->s, TA_NOTIF_CMD_SEND, TA_NOTIF_KEY_MAX + 1, 0, NULL));
	EXPECT_EQ(TEEC_ERROR_BAD_PARAMETERS,
		  notif_cmd(self->fd, self->s, TA_NOTIF_CMD_WAIT, 3, 0, NULL));
}

/*
 * Unloading the driver stops the notifications (STOP_ASYNC_NOTIF) and frees
 * the interrupt; loading it again enables them again, and they work.
 */
TEST(reload)
{
	const char *drv = module_loaded("optee") ? "optee" : "optee_lite";
	struct nstats a, b;
	char path[PATH_MAX];
	int fd, st, s, r, i;
	__u64 async = 2;
	struct waiter w;

	fd = open(tee_dev(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	st = tee_open(fd, uuid_stats);
	ASSERT_LE(0, st);
	ASSERT_EQ(0, get_nstats(fd, st, &a));
	close(fd);

	r = module_unload(drv);
	if (r == -EWOULDBLOCK || r == -EBUSY)
		SKIP(return, "%s is in use (an open TEE device)", drv);
	ASSERT_EQ(0, r);
	EXPECT_EQ(-1, irq_count());
	snprintf(path, sizeof(path), "%s/%s.ko", env_or("TEE_MODULE_DIR", "/lib/modules"), drv);
	ASSERT_EQ(0, module_load(path));
	for (i = 0; i < 100 && access(tee_dev(), F_OK); i++)
		usleep(100000);

	fd = open(tee_dev(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	st = tee_open(fd, uuid_stats);
	ASSERT_LE(0, st);
	ASSERT_EQ(0, get_nstats(fd, st, &b));
	if (async_offered()) {
		EXPECT_EQ(a.stops + 1, b.stops);
		EXPECT_EQ(a.enables + 1, b.enables);
		EXPECT_LE(0, irq_count());
	} else {
		EXPECT_EQ(0, b.stops);
		EXPECT_EQ(0, b.enables);
	}
	s = tee_open(fd, uuid_notif);
	ASSERT_LE(0, s);
	start_waiter(_metadata, &w, fd, 13, 5000);
	EXPECT_EQ(TEEC_SUCCESS, notif_cmd(fd, s, TA_NOTIF_CMD_SEND, 13, 0, &async));
	end_waiter(_metadata, &w);
	EXPECT_EQ(async_offered(), async);
	close(fd);
}

/*
 * Without the test TAs the program is one skip, unless TEE_REQUIRE_TAS asks
 * for them (see tee_test.c).
 */
int main(int argc, char **argv)
{
	int fd = open(tee_dev(), O_RDWR | O_CLOEXEC), s = -1;

	if (fd >= 0) {
		s = tee_open(fd, uuid_notif);
		if (s >= 0)
			tee_close_session(fd, s);
		close(fd);
	}
	if (!getenv("TEE_REQUIRE_TAS") && s < 0) {
		ksft_print_header();
		ksft_set_plan(1);
		ksft_test_result_skip("notif_test: no notif TA on %s (no bench secure world)\n",
				      tee_dev());
		ksft_finished();
	}
	return test_harness_run(argc, argv);
}
