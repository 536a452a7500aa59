// SPDX-License-Identifier: GPL-2.0
/*
 * tee-bench: cost of the TEE driver's basic operations, seen from user space
 * through <linux/tee.h> on /dev/tee0, whichever OP-TEE driver serves it:
 *
 *   null-invoke     TEE_IOC_INVOKE of the arithmetic TA's smallest command
 *                   (TA_ARITH_CMD_INC: one value parameter in and out)
 *   rpc-invoke      TEE_IOC_INVOKE of the RPC TA's GET_TIME: the secure world
 *                   makes one RPC (OPTEE_RPC_CMD_GET_TIME) the driver serves
 *   open+close      TEE_IOC_OPEN_SESSION then TEE_IOC_CLOSE_SESSION (arith TA)
 *   shm-1MiB        TEE_IOC_SHM_REGISTER of 1 MiB of user memory, then
 *                   closing the shm fd (which unregisters it)
 *   notify          a notification ping-pong between two secure threads
 *                   (notif TA): each side waits for its key and sends the
 *                   other's; one round trip is two sends that each wake a
 *                   waiting thread (through the notification interrupt when
 *                   the driver enabled asynchronous notifications)
 *
 * Usage: tee-bench [ITERATIONS]. Prints one line per operation:
 *   ==TEEBENCH== name ns_per_op
 * Under QEMU -icount the clock is the instruction count: deterministic.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/tee.h>
#include <pthread.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "ta_ids.h"

#define SHM_SIZE	0x100000	/* 1 MiB */

static int fd;
static const __u8 uuid_arith[TEE_IOCTL_UUID_LEN] = TA_ARITH_UUID;
static const __u8 uuid_rpc[TEE_IOCTL_UUID_LEN] = TA_RPC_UUID;
static const __u8 uuid_notif[TEE_IOCTL_UUID_LEN] = TA_NOTIF_UUID;

static void die(const char *what)
{
	fprintf(stderr, "tee-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static __u32 open_session(const __u8 *uuid)
{
	struct {
		struct tee_ioctl_open_session_arg arg;
	} a;
	struct tee_ioctl_buf_data buf = {
		.buf_ptr = (unsigned long)&a,
		.buf_len = sizeof(a),
	};

	memset(&a, 0, sizeof(a));
	memcpy(a.arg.uuid, uuid, TEE_IOCTL_UUID_LEN);
	a.arg.clnt_login = TEE_IOCTL_LOGIN_PUBLIC;
	if (ioctl(fd, TEE_IOC_OPEN_SESSION, &buf))
		die("TEE_IOC_OPEN_SESSION");
	if (a.arg.ret) {
		fprintf(stderr, "tee-bench: %s: TEE result %#x origin %u\n",
			__func__, a.arg.ret, a.arg.ret_origin);
		exit(1);
	}
	return a.arg.session;
}

static void close_session(__u32 session)
{
	struct tee_ioctl_close_session_arg arg = { .session = session };

	if (ioctl(fd, TEE_IOC_CLOSE_SESSION, &arg))
		die("TEE_IOC_CLOSE_SESSION");
}

/*
 * TEE_IOC_INVOKE of @func with value parameter @p (and a value output when
 * @two); the first parameter after.
 */
static struct tee_ioctl_param invoke2(__u32 session, __u32 func, struct tee_ioctl_param p,
				      int two)
{
	struct {
		struct tee_ioctl_invoke_arg arg;
		struct tee_ioctl_param p[2];
	} a = {
		.arg = { .func = func, .session = session, .num_params = 1 + !!two },
		.p = { p, { .attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT } },
	};
	struct tee_ioctl_buf_data buf = {
		.buf_ptr = (unsigned long)&a,
		.buf_len = sizeof(a.arg) + a.arg.num_params * sizeof(a.p[0]),
	};

	if (ioctl(fd, TEE_IOC_INVOKE, &buf))
		die("TEE_IOC_INVOKE");
	if (a.arg.ret) {
		fprintf(stderr, "tee-bench: command %u: TEE result %#x\n", func, a.arg.ret);
		exit(1);
	}
	return a.p[0];
}

static struct tee_ioctl_param invoke1(__u32 session, __u32 func, struct tee_ioctl_param p)
{
	return invoke2(session, func, p, 0);
}

static void invoke(__u32 session)
{
	struct tee_ioctl_param p = { .attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT, .a = 41 };

	if (invoke1(session, TA_ARITH_CMD_INC, p).a != 42) {
		fprintf(stderr, "tee-bench: INC of 41 is not 42\n");
		exit(1);
	}
}

/* GET_TIME: one RPC; the time it returns is not 0. */
static void rpc_invoke(__u32 session)
{
	struct tee_ioctl_param p = { .attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT };

	p = invoke1(session, TA_RPC_CMD_GET_TIME, p);
	if (!p.a && !p.b) {
		fprintf(stderr, "tee-bench: GET_TIME gave 0\n");
		exit(1);
	}
}

/* The notif TA: wait for @key (10 s at most), or send it. */
static void notif(__u32 session, __u32 cmd, __u64 key)
{
	struct tee_ioctl_param p = {
		.attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT, .a = key, .b = 10000,
	};

	invoke2(session, cmd, p, cmd == TA_NOTIF_CMD_SEND);
}

static unsigned int pong_rounds;

/* The other side of the ping-pong: wait for key 1, answer with key 2. */
static void *pong(void *arg)
{
	__u32 session = *(__u32 *)arg;
	unsigned int i;

	for (i = 0; i < pong_rounds; i++) {
		notif(session, TA_NOTIF_CMD_WAIT, 1);
		notif(session, TA_NOTIF_CMD_SEND, 2);
	}
	return NULL;
}

/* @n round trips (after one to warm up); returns when both sides are done. */
static __u64 ping_pong(unsigned int n)
{
	__u32 me = open_session(uuid_notif), other = open_session(uuid_notif);
	unsigned int i;
	pthread_t t;
	__u64 t0 = 0;

	pong_rounds = n + 1;
	if (pthread_create(&t, NULL, pong, &other))
		die("pthread_create");
	for (i = 0; i <= n; i++) {
		if (i == 1)
			t0 = now_ns();
		notif(me, TA_NOTIF_CMD_SEND, 1);
		notif(me, TA_NOTIF_CMD_WAIT, 2);
	}
	pthread_join(t, NULL);
	close_session(other);
	close_session(me);
	return t0;
}

static void shm_register(void *mem)
{
	struct tee_ioctl_shm_register_data data = {
		.addr = (unsigned long)mem,
		.length = SHM_SIZE,
	};
	int shm_fd = ioctl(fd, TEE_IOC_SHM_REGISTER, &data);

	if (shm_fd < 0)
		die("TEE_IOC_SHM_REGISTER");
	close(shm_fd);
}

static void report(const char *name, __u64 t0, unsigned int n)
{
	printf("==TEEBENCH== %s %llu\n", name,
	       (unsigned long long)((now_ns() - t0) / n));
}

int main(int argc, char **argv)
{
	unsigned int i, n;
	__u32 session;
	__u64 t0;
	void *mem;

	n = argc > 1 ? strtoul(argv[1], NULL, 0) : 200;
	if (!n)
		n = 1;
	fd = open(getenv("TEE_DEV") ? getenv("TEE_DEV") : "/dev/tee0", O_RDWR);
	if (fd < 0)
		die("open /dev/tee0");
	mem = mmap(NULL, SHM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");

	/* Warm up every path once. */
	session = open_session(uuid_rpc);
	rpc_invoke(session);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		rpc_invoke(session);
	report("rpc-invoke", t0, n);
	close_session(session);

	session = open_session(uuid_arith);
	invoke(session);
	shm_register(mem);

	t0 = now_ns();
	for (i = 0; i < n; i++)
		invoke(session);
	report("null-invoke", t0, n);
	close_session(session);

	t0 = now_ns();
	for (i = 0; i < n; i++)
		close_session(open_session(uuid_arith));
	report("open+close", t0, n);

	t0 = now_ns();
	for (i = 0; i < n; i++)
		shm_register(mem);
	report("shm-1MiB", t0, n);

	t0 = ping_pong(n);
	report("notify", t0, n);
	return 0;
}
