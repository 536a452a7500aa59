/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the TEE selftests: the <linux/tee.h> ioctls with their
 * variable-size arguments, shared memory, a SHA-256 for checking digests and
 * a fake tee-supplicant process serving the RPCs the test TAs make.
 */
#ifndef OPTEE_LITE_TEE_UTIL_H
#define OPTEE_LITE_TEE_UTIL_H

#include <linux/tee.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "bench_util.h"
#include "ta_ids.h"

#define TEEC_SUCCESS			0x00000000u
#define TEEC_ERROR_ACCESS_DENIED	0xffff0001u
#define TEEC_ERROR_CANCEL		0xffff0002u
#define TEEC_ERROR_BAD_PARAMETERS	0xffff0006u
#define TEEC_ERROR_ITEM_NOT_FOUND	0xffff0008u
#define TEEC_ERROR_NOT_SUPPORTED	0xffff000au
#define TEEC_ERROR_COMMUNICATION	0xffff000eu
#define TEEC_ERROR_SHORT_BUFFER		0xffff0010u
#define TEEC_ERROR_STORAGE_NO_SPACE	0xffff3041u
#define TEEC_ORIGIN_COMMS		2
#define TEEC_ORIGIN_TEE			3
#define TEEC_ORIGIN_TRUSTED_APP		4

#define P_NONE		TEE_IOCTL_PARAM_ATTR_TYPE_NONE
#define P_VIN		TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define P_VOUT		TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT
#define P_VINOUT	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT
#define P_MIN		TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT
#define P_MOUT		TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT
#define P_MINOUT	TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT

/* OP-TEE RPC commands the fake supplicant serves (optee_rpc_cmd.h). */
#define RPC_CMD_LOAD_TA		0
#define RPC_CMD_SHM_ALLOC	6
#define RPC_CMD_SHM_FREE	7

static inline const char *tee_dev(void)
{
	return env_or("TEE_DEV", "/dev/tee0");
}

static inline const char *teepriv_dev(void)
{
	return env_or("TEEPRIV_DEV", "/dev/teepriv0");
}

/*
 * The bench firmware's options for this boot (TEE_FW_OPTIONS, the words given
 * to its opt/kvmlite/optee fw_cfg file joined by '+'): does it have @word?
 */
static inline bool fw_option(const char *word)
{
	const char *o = getenv("TEE_FW_OPTIONS");
	size_t n = strlen(word);

	while (o && *o) {
		if (!strncmp(o, word, n) && (o[n] == '+' || !o[n]))
			return true;
		o = strchr(o, '+');
		if (o)
			o++;
	}
	return false;
}

/* Is the driver behind TEE_DEV the kernel's own optee? */
static inline bool driver_is_upstream(void)
{
	struct stat st;

	return stat("/sys/module/optee", &st) == 0;
}

static inline struct tee_ioctl_param vparam(__u64 attr, __u64 a, __u64 b, __u64 c)
{
	struct tee_ioctl_param p = { .attr = attr, .a = a, .b = b, .c = c };

	return p;
}

/* A memref of shm @id: offset, size. */
static inline struct tee_ioctl_param mparam(__u64 attr, int id, __u64 offs, __u64 size)
{
	struct tee_ioctl_param p = { .attr = attr, .a = offs, .b = size, .c = (__u64)id };

	return p;
}

struct tee_call {
	__u32 ret, origin, session;
};

/* TEE_IOC_OPEN_SESSION; returns the ioctl's result (0 or -errno). */
static inline int tee_open_session(int fd, const __u8 uuid[16], __u32 login,
				   struct tee_ioctl_param *params, unsigned int n,
				   struct tee_call *res)
{
	union {
		struct tee_ioctl_open_session_arg arg;
		__u8 buf[sizeof(struct tee_ioctl_open_session_arg) +
			    8 * sizeof(struct tee_ioctl_param)];
	} u;
	struct tee_ioctl_buf_data data = {
		.buf_ptr = (uintptr_t)&u,
		.buf_len = sizeof(u.arg) + n * sizeof(struct tee_ioctl_param),
	};
	int rc;

	memset(&u, 0, sizeof(u));
	memcpy(u.arg.uuid, uuid, 16);
	u.arg.clnt_login = login;
	u.arg.num_params = n;
	memcpy(u.arg.params, params, n * sizeof(*params));
	rc = ioctl(fd, TEE_IOC_OPEN_SESSION, &data) ? -errno : 0;
	memcpy(params, u.arg.params, n * sizeof(*params));
	res->ret = u.arg.ret;
	res->origin = u.arg.ret_origin;
	res->session = u.arg.session;
	return rc;
}

/* Open a session with no parameters; the session id, or -1. */
static inline int tee_open(int fd, const __u8 uuid[16])
{
	struct tee_call res;

	if (tee_open_session(fd, uuid, TEE_IOCTL_LOGIN_PUBLIC, NULL, 0, &res) || res.ret)
		return -1;
	return res.session;
}

static inline int tee_invoke(int fd, __u32 session, __u32 func, __u32 cancel_id,
			     struct tee_ioctl_param *params, unsigned int n,
			     struct tee_call *res)
{
	union {
		struct tee_ioctl_invoke_arg arg;
		__u8 buf[sizeof(struct tee_ioctl_invoke_arg) +
			    8 * sizeof(struct tee_ioctl_param)];
	} u;
	struct tee_ioctl_buf_data data = {
		.buf_ptr = (uintptr_t)&u,
		.buf_len = sizeof(u.arg) + n * sizeof(struct tee_ioctl_param),
	};
	int rc;

	memset(&u, 0, sizeof(u));
	u.arg.func = func;
	u.arg.session = session;
	u.arg.cancel_id = cancel_id;
	u.arg.num_params = n;
	memcpy(u.arg.params, params, n * sizeof(*params));
	rc = ioctl(fd, TEE_IOC_INVOKE, &data) ? -errno : 0;
	memcpy(params, u.arg.params, n * sizeof(*params));
	res->ret = u.arg.ret;
	res->origin = u.arg.ret_origin;
	return rc;
}

static inline int tee_close_session(int fd, __u32 session)
{
	struct tee_ioctl_close_session_arg arg = { .session = session };

	return ioctl(fd, TEE_IOC_CLOSE_SESSION, &arg) ? -errno : 0;
}

static inline int tee_cancel(int fd, __u32 session, __u32 cancel_id)
{
	struct tee_ioctl_cancel_arg arg = { .cancel_id = cancel_id, .session = session };

	return ioctl(fd, TEE_IOC_CANCEL, &arg) ? -errno : 0;
}

struct tee_shm {
	int fd;		/* -1 if none */
	int id;
	size_t size;
	__u8 *va;
	bool registered;
};

/* TEE_IOC_SHM_ALLOC + mmap; 0 or -errno. */
static inline int tee_shm_alloc(int fd, size_t size, struct tee_shm *shm)
{
	struct tee_ioctl_shm_alloc_data d = { .size = size };

	*shm = (struct tee_shm){ .fd = -1 };
	shm->fd = ioctl(fd, TEE_IOC_SHM_ALLOC, &d);
	if (shm->fd < 0)
		return -errno;
	shm->id = d.id;
	shm->size = d.size;
	shm->registered = false;
	shm->va = mmap(NULL, shm->size, PROT_READ | PROT_WRITE, MAP_SHARED, shm->fd, 0);
	if (shm->va == MAP_FAILED) {
		int err = -errno;

		close(shm->fd);
		return err;
	}
	return 0;
}

/* TEE_IOC_SHM_REGISTER of @len bytes at @va; 0 or -errno. */
static inline int tee_shm_register(int fd, void *va, size_t len, struct tee_shm *shm)
{
	struct tee_ioctl_shm_register_data d = { .addr = (uintptr_t)va, .length = len };

	*shm = (struct tee_shm){ .fd = -1 };
	shm->fd = ioctl(fd, TEE_IOC_SHM_REGISTER, &d);
	if (shm->fd < 0)
		return -errno;
	shm->id = d.id;
	shm->size = d.length;
	shm->va = va;
	shm->registered = true;
	return 0;
}

static inline void tee_shm_free(struct tee_shm *shm)
{
	if (!shm->registered && shm->va && shm->va != MAP_FAILED)
		munmap(shm->va, shm->size);
	if (shm->fd >= 0)
		close(shm->fd);
	shm->fd = -1;
	shm->va = NULL;
}

/* ---- SHA-256 (FIPS 180-4), to check the TAs' digests ---- */

struct sha256_ctx {
	__u32 h[8];
	__u64 len;
	__u8 buf[64];
	unsigned int fill;
};

static inline __u32 sha256_ror(__u32 x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static inline void sha256_block(struct sha256_ctx *c, const __u8 *p)
{
	static const __u32 k[64] = {
		0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
		0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
		0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
		0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
		0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
		0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
		0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
		0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
		0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
		0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
		0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
	};
	__u32 w[64], v[8], t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (__u32)p[4 * i] << 24 | (__u32)p[4 * i + 1] << 16 |
		       (__u32)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (sha256_ror(w[i - 15], 7) ^ sha256_ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       (sha256_ror(w[i - 2], 17) ^ sha256_ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
	memcpy(v, c->h, sizeof(v));
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (sha256_ror(v[4], 6) ^ sha256_ror(v[4], 11) ^ sha256_ror(v[4], 25)) +
		     ((v[4] & v[5]) ^ (~v[4] & v[6])) + k[i] + w[i];
		t2 = (sha256_ror(v[0], 2) ^ sha256_ror(v[0], 13) ^ sha256_ror(v[0], 22)) +
		     ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		c->h[i] += v[i];
}

static inline void sha256(const void *data, size_t len, __u8 out[32])
{
	struct sha256_ctx c = { .h = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 } };
	const __u8 *p = data;
	__u8 tail[128] = { 0 };
	size_t rest, n, i;

	for (; len >= 64; len -= 64, p += 64, c.len += 64)
		sha256_block(&c, p);
	rest = len;
	c.len += len;
	memcpy(tail, p, rest);
	tail[rest] = 0x80;
	n = rest + 1 + 8 <= 64 ? 64 : 128;
	for (i = 0; i < 8; i++)
		tail[n - 1 - i] = (__u8)((c.len * 8) >> (8 * i));
	sha256_block(&c, tail);
	if (n == 128)
		sha256_block(&c, tail + 64);
	for (i = 0; i < 32; i++)
		out[i] = c.h[i / 4] >> (24 - 8 * (i % 4));
}

/* ---- a fake tee-supplicant ---- */

/*
 * The TA image the fake supplicant serves for @uuid: its size and contents
 * are a function of the UUID. The UUIDs with octet 5 == 0xee are "not
 * found".
 */
static inline size_t fake_ta_size(const __u8 uuid[16])
{
	return 5000 + uuid[5] * 4099;
}

static inline void fake_ta_image(const __u8 uuid[16], __u8 *buf, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		buf[i] = (__u8)(uuid[i % 16] ^ (i * 13) ^ (i >> 8));
}

#define FAKE_SUPP_SHMS	16

/*
 * Serve requests on @fd (an open TEEPRIV_DEV) until told to stop by a
 * signal. With @die_on_load, exit at the first LOAD_TA request without
 * answering (a supplicant that dies in the middle of a request).
 */
static inline void fake_supplicant(int fd, bool die_on_load)
{
	struct { int id, fd; void *va; size_t size; } shms[FAKE_SUPP_SHMS];
	union {
		struct tee_iocl_supp_recv_arg recv;
		struct tee_iocl_supp_send_arg send;
		__u8 buf[sizeof(struct tee_iocl_supp_recv_arg) +
			    4 * sizeof(struct tee_ioctl_param)];
	} u;
	struct tee_ioctl_buf_data data = { .buf_ptr = (uintptr_t)&u, .buf_len = sizeof(u) };
	int i;

	memset(shms, 0, sizeof(shms));
	for (;;) {
		struct tee_ioctl_param *p;
		__u32 ret = TEEC_SUCCESS, func, n;

		memset(&u, 0, sizeof(u));
		u.recv.num_params = 4;
		if (ioctl(fd, TEE_IOC_SUPPL_RECV, &data)) {
			if (errno == EINTR)
				continue;
			_exit(2);
		}
		func = u.recv.func;
		n = u.recv.num_params;
		p = u.recv.params;
		switch (func) {
		case RPC_CMD_LOAD_TA: {
			__u8 uuid[16];
			size_t size;

			if (die_on_load)
				_exit(0);
			memcpy(uuid, &p[0].a, 8);
			memcpy(uuid + 8, &p[0].b, 8);
			if (uuid[5] == 0xee) {
				ret = TEEC_ERROR_ITEM_NOT_FOUND;
				break;
			}
			size = fake_ta_size(uuid);
			if (p[1].c != TEE_MEMREF_NULL && p[1].b >= size) {
				for (i = 0; i < FAKE_SUPP_SHMS; i++)
					if (shms[i].va && shms[i].id == (int)p[1].c)
						break;
				if (i == FAKE_SUPP_SHMS || p[1].a + size > shms[i].size) {
					ret = TEEC_ERROR_BAD_PARAMETERS;
					break;
				}
				fake_ta_image(uuid, (__u8 *)shms[i].va + p[1].a, size);
			}
			p[1].b = size;
			break;
		}
		case RPC_CMD_SHM_ALLOC: {
			/*
			 * As tee-supplicant does with REG_MEM: register
			 * memory of its own (6.1's optee cannot hand the
			 * secure world a TEE_IOC_SHM_ALLOC buffer: no pages).
			 */
			struct tee_ioctl_shm_register_data d = { .length = p[0].b };
			void *va;

			for (i = 0; i < FAKE_SUPP_SHMS && shms[i].va; i++)
				;
			va = mmap(NULL, d.length, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (i == FAKE_SUPP_SHMS || va == MAP_FAILED) {
				ret = 0xffff000c;	/* out of memory */
				break;
			}
			d.addr = (uintptr_t)va;
			shms[i].fd = ioctl(fd, TEE_IOC_SHM_REGISTER, &d);
			if (shms[i].fd < 0) {
				munmap(va, p[0].b);
				ret = 0xffff000c;
				break;
			}
			shms[i].va = va;
			shms[i].id = d.id;
			shms[i].size = p[0].b;
			p[0].c = d.id;
			break;
		}
		case RPC_CMD_SHM_FREE:
			ret = TEEC_ERROR_BAD_PARAMETERS;
			for (i = 0; i < FAKE_SUPP_SHMS; i++) {
				if (shms[i].va && shms[i].id == (int)p[0].b) {
					close(shms[i].fd);
					munmap(shms[i].va, shms[i].size);
					shms[i].va = NULL;
					ret = TEEC_SUCCESS;
					break;
				}
			}
			break;
		default:
			ret = TEEC_ERROR_NOT_SUPPORTED;
			break;
		}
		/* The reply: same parameters, updated in place. */
		memmove(u.send.params, p, n * sizeof(*p));
		u.send.ret = ret;
		u.send.num_params = n;
		data.buf_len = sizeof(u.send) + n * sizeof(*p);
		if (ioctl(fd, TEE_IOC_SUPPL_SEND, &data))
			_exit(3);
		data.buf_len = sizeof(u);
	}
}

/*
 * Start a fake supplicant in a child process; its pid, or -errno. It has
 * opened TEEPRIV_DEV when this returns.
 */
static inline pid_t fake_supplicant_start(bool die_on_load)
{
	int pfd[2], err = 0;
	pid_t pid;

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int fd = open(teepriv_dev(), O_RDWR);

		err = fd < 0 ? errno : 0;
		if (write(pfd[1], &err, sizeof(err)) != sizeof(err) || fd < 0)
			_exit(1);
		fake_supplicant(fd, die_on_load);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &err, sizeof(err)) != sizeof(err))
		err = EIO;
	close(pfd[0]);
	if (err) {
		waitpid(pid, NULL, 0);
		return -err;
	}
	return pid;
}

static inline void fake_supplicant_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

#endif
