// SPDX-License-Identifier: GPL-2.0
/*
 * tee_fuzz: a seeded, time-bounded fuzzer of the TEE ioctl ABI of $TEE_DEV
 * and $TEEPRIV_DEV (default /dev/tee0, /dev/teepriv0) against the bench's
 * secure world (arm64).
 *
 *   tee_fuzz [--secs N] [--seed S] [--episode E] [--ops N]
 *
 * Episodes as kvm_fuzz.c's: episode E of seed S draws its operations from
 * its own generator, marks /dev/kmsg ("tee_fuzz: seed S episode E"), and
 * closes everything at its end. Operations: client fds opened and closed;
 * TEE_IOC_VERSION; shared memory allocated (sizes up to 8 MiB, bad flags),
 * mapped and unmapped, and registered from good and bad user memory;
 * sessions opened to the firmware's TAs and to unknown ones, with random
 * logins, parameter counts, attributes, values and memrefs (good, bad and
 * stale shm ids, offsets and sizes); invocations of random commands, among
 * them the TAs that call the supplicant and the one that answers with bad
 * parameters; cancellations; random ioctl numbers and buffer sizes; OP-TEE
 * SMCs of kvmlite guests (KVMLITE_CAP_ARM_OPTEE) to optee_lite's mediator,
 * with random messages, buffers and RPC answers (tee_guest.h). Two more
 * threads: a racer that cancels and closes sessions while they are used, and
 * a fake supplicant that answers well, answers garbage (random result,
 * parameter count, attributes, values), or dies in the middle of a request.
 * A kicker interrupts blocking calls with signals every 20 ms, and fails the
 * supplicant requests of a secure world that asks when no supplicant serves
 * (opening and closing the supplicant's device). The report
 * and the watchdog are fuzz.h's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/tee.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../optee_lite/ta_ids.h"
#include "fuzz.h"
#include "tee_guest.h"

#define MAX_FDS		32
#define MAX_SESS	16
#define MAX_SHM		16
#define NR_PARAMS	4

enum op {
	OP_OPEN_FD, OP_CLOSE_FD, OP_VERSION, OP_SHM_ALLOC, OP_SHM_REGISTER,
	OP_SHM_CLOSE, OP_OPEN_SESSION, OP_INVOKE, OP_CANCEL, OP_CLOSE_SESSION,
	OP_RAND_IOCTL, OP_SUPP, OP_GUEST, NR_OPS, OP_RACE = NR_OPS, OP_SUPP_REPLY,
	NR_STATS
};

static const char *const op_names[NR_STATS] = {
	"open_fd", "close_fd", "version", "shm_alloc", "shm_register",
	"shm_close", "open_session", "invoke", "cancel", "close_session",
	"random_ioctl", "supplicant", "guest_smc", "racer", "supp_reply",
};

#define lock fuzz_lock
static int fds[MAX_FDS];
static struct { int fd, id; } sess[MAX_SESS];
static struct { int fd, id; void *map; size_t size; } shm[MAX_SHM];
static unsigned char *scratch, *none_page;
static const char *tee_path, *priv_path;

static struct {
	pthread_t thr;
	int fd, active, stop;
	unsigned int die_pct;
	__u64 rng;
} supp;

static void *ptr(void)
{
	switch (below(6)) {
	case 0:
		return NULL;
	case 1:
		return none_page;
	case 2:
		return (void *)0xffff800008000000ULL;
	default:
		return scratch + 8192 - below(64);	/* runs into the guard */
	}
}

static int any_fd(void)
{
	int i = below(MAX_FDS);

	if (chance(3))
		return chance(50) ? -1 : 999;
	return fds[i] > 0 ? fds[i] : fds[0];
}

static void put_fd(int fd)
{
	int i;

	for (i = 1; i < MAX_FDS; i++) {
		if (fds[i] <= 0) {
			fds[i] = fd;
			return;
		}
	}
	close(fd);
}

/* ==== operations ==== */

static void op_open_fd(void)
{
	int priv = chance(15), fd = open(priv ? priv_path : tee_path, O_RDWR | O_CLOEXEC);
	struct tee_ioctl_buf_data d = {
		.buf_ptr = (unsigned long)scratch,
		.buf_len = below(128),
	};

	note(OP_OPEN_FD, fd < 0 ? -errno : 0);
	if (fd < 0)
		return;
	if (!priv) {
		put_fd(fd);
		return;
	}
	/*
	 * The supplicant's device (when the fake supplicant let it go): a
	 * version query and a reply to no request, then closed at once, for
	 * requests must not queue up behind a supplicant that never reads.
	 */
	note(OP_OPEN_FD, xioctlp(fd, TEE_IOC_VERSION, scratch));
	note(OP_OPEN_FD, xioctlp(fd, TEE_IOC_SUPPL_SEND, &d));
	close(fd);
}

static void op_close_fd(void)
{
	int i = 1 + below(MAX_FDS - 1);

	if (fds[i] <= 0) {
		note(OP_CLOSE_FD, -EBADF);
		return;
	}
	note(OP_CLOSE_FD, close(fds[i]) ? -errno : 0);
	fds[i] = 0;
}

static void op_version(void)
{
	note(OP_VERSION, xioctlp(any_fd(), TEE_IOC_VERSION,
				 chance(85) ? (void *)scratch : ptr()));
}

static void add_shm(int fd, int id, size_t size)
{
	int i = below(MAX_SHM);

	pthread_mutex_lock(&lock);
	if (shm[i].fd > 0) {
		if (shm[i].map)
			munmap(shm[i].map, shm[i].size);
		close(shm[i].fd);
	}
	shm[i].fd = fd;
	shm[i].id = id;
	shm[i].size = size;
	shm[i].map = NULL;
	pthread_mutex_unlock(&lock);
	if (chance(60)) {
		void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		if (p != MAP_FAILED) {
			memset(p, (int)rnd(), size < 4096 ? size : 4096);
			shm[i].map = p;
		}
	}
}

static void op_shm_alloc(void)
{
	struct tee_ioctl_shm_alloc_data d = {
		.size = chance(80) ? 1 + below(65536) : chance(70) ? below(8 << 20) : rnd(),
		.flags = chance(90) ? 0 : (__u32)rnd(),
	};
	long r = xioctlp(any_fd(), TEE_IOC_SHM_ALLOC, chance(95) ? (void *)&d : ptr());

	note(OP_SHM_ALLOC, r < 0 ? r : 0);
	if (r >= 0)
		add_shm(r, d.id, d.size);
}

/*
 * The kernel's TEE core (not a driver) WARNs for a registration of more than
 * 2 GiB that is still within the user address space: register_shm_helper()
 * asks kcalloc() for a page array above the page allocator's largest order
 * (6.12 drivers/tee/tee_shm.c; reproduced with tee_fuzz --seed 0x20261207
 * --episode 280, see README). Random lengths skip that window, which no
 * driver can see, so that a report in a run is one of ours.
 */
#define SHM_REG_CORE_WARN_MIN	0x80000000ULL		/* 2 GiB */
#define SHM_REG_CORE_WARN_END	0x1000000000000ULL	/* 2^48 */

static __u64 shm_register_length(void)
{
	__u64 len;

	if (chance(80))
		return 1 + below(4096);
	len = rnd();
	if (len > SHM_REG_CORE_WARN_MIN && len < SHM_REG_CORE_WARN_END)
		len = chance(50) ? len % SHM_REG_CORE_WARN_MIN : len | SHM_REG_CORE_WARN_END;
	return len;
}

static void op_shm_register(void)
{
	struct tee_ioctl_shm_register_data d = {
		.addr = chance(80) ? (__u64)(unsigned long)scratch + below(4096) :
			(__u64)(unsigned long)ptr(),
		.length = shm_register_length(),
		.flags = chance(90) ? 0 : (__u32)rnd(),
	};
	long r = xioctlp(any_fd(), TEE_IOC_SHM_REGISTER, &d);

	note(OP_SHM_REGISTER, r < 0 ? r : 0);
	if (r >= 0) {
		pthread_mutex_lock(&lock);
		put_fd(r);	/* no mapping: registered memory is not mapped */
		pthread_mutex_unlock(&lock);
	}
}

static void op_shm_close(void)
{
	int i = below(MAX_SHM), r = -EBADF;

	pthread_mutex_lock(&lock);
	if (shm[i].fd > 0) {
		if (shm[i].map)
			munmap(shm[i].map, shm[i].size);
		r = close(shm[i].fd) ? -errno : 0;
		memset(&shm[i], 0, sizeof(shm[i]));
	}
	pthread_mutex_unlock(&lock);
	note(OP_SHM_CLOSE, r);
}

/* Random parameters: values, memrefs to our shms (or bad ids), NONE. */
static void params(struct tee_ioctl_param *p, unsigned int n)
{
	unsigned int i;
	int s;

	for (i = 0; i < n; i++) {
		p[i].attr = chance(90) ? below(8) : (chance(50) ? TEE_IOCTL_PARAM_ATTR_META : 0) |
			    (__u64)rnd();
		if (p[i].attr >= TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT &&
		    p[i].attr <= TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT) {
			s = below(MAX_SHM);
			p[i].c = shm[s].fd > 0 && chance(85) ? (__u64)shm[s].id :
				 chance(50) ? TEE_MEMREF_NULL : rnd();
			p[i].a = chance(80) ? below(64) : rnd();
			p[i].b = chance(80) ? below(shm[s].size + 64) : rnd();
		} else {
			/* (a is a duration in ms for the long TA: mostly small) */
			p[i].a = chance(97) ? below(256) : rnd();
			p[i].b = rnd();
			p[i].c = rnd();
		}
	}
}

static const __u8 *uuid(void)
{
	static const __u8 uuids[][16] = {
		TA_ARITH_UUID, TA_MEMREF_UUID, TA_SHA256_UUID, TA_KV_UUID,
		TA_RPC_UUID, TA_LONG_UUID, TA_BAD_UUID, TA_NONE_UUID,
		TA_NOTIF_UUID,
	};
	static __u8 r[16];
	unsigned int i;

	if (chance(90))
		return uuids[below(ARRAY_SIZE(uuids))];
	for (i = 0; i < 16; i++)
		r[i] = (__u8)rnd();
	return r;
}

static void add_session(int fd, int id)
{
	int i = below(MAX_SESS);

	pthread_mutex_lock(&lock);
	if (sess[i].fd > 0) {
		struct tee_ioctl_close_session_arg c = { .session = sess[i].id };

		ioctl(sess[i].fd, TEE_IOC_CLOSE_SESSION, &c);
	}
	sess[i].fd = fd;
	sess[i].id = id;
	pthread_mutex_unlock(&lock);
}

static void op_open_session(void)
{
	union {
		struct tee_ioctl_open_session_arg a;
		__u8 buf[sizeof(struct tee_ioctl_open_session_arg) +
			 NR_PARAMS * sizeof(struct tee_ioctl_param)];
	} u;
	unsigned int n = below(NR_PARAMS + 1);
	struct tee_ioctl_buf_data d = {
		.buf_ptr = (unsigned long)&u,
		.buf_len = chance(90) ? sizeof(u.a) + n * sizeof(struct tee_ioctl_param) :
			   below(sizeof(u) + 64),
	};
	int fd = any_fd();
	long r;

	memset(&u, 0, sizeof(u));
	memcpy(u.a.uuid, uuid(), 16);
	u.a.clnt_login = chance(80) ? 0 : chance(50) ? below(8) : (__u32)rnd();
	u.a.num_params = chance(90) ? n : (__u32)rnd();
	if (chance(50))
		params(u.a.params, n);
	if (chance(5))
		d.buf_ptr = (unsigned long)ptr();
	r = xioctlp(fd, TEE_IOC_OPEN_SESSION, &d);
	note(OP_OPEN_SESSION, r);
	if (!r && !u.a.ret)
		add_session(fd, u.a.session);
}

static void op_invoke(void)
{
	union {
		struct tee_ioctl_invoke_arg a;
		__u8 buf[sizeof(struct tee_ioctl_invoke_arg) +
			 NR_PARAMS * sizeof(struct tee_ioctl_param)];
	} u;
	unsigned int n = below(NR_PARAMS + 1), i = below(MAX_SESS);
	struct tee_ioctl_buf_data d = {
		.buf_ptr = (unsigned long)&u,
		.buf_len = chance(90) ? sizeof(u.a) + n * sizeof(struct tee_ioctl_param) :
			   below(sizeof(u) + 64),
	};
	int fd = sess[i].fd > 0 && chance(90) ? sess[i].fd : any_fd();

	memset(&u, 0, sizeof(u));
	u.a.func = chance(85) ? below(8) : (__u32)rnd();
	u.a.session = chance(90) ? (__u32)sess[i].id : (__u32)rnd();
	u.a.cancel_id = below(4);
	u.a.num_params = chance(90) ? n : (__u32)rnd();
	params(u.a.params, n);
	note(OP_INVOKE, xioctlp(fd, TEE_IOC_INVOKE, &d));
}

static void op_cancel(void)
{
	struct tee_ioctl_cancel_arg c = { .cancel_id = below(4), .session = (__u32)below(64) };

	note(OP_CANCEL, xioctlp(any_fd(), TEE_IOC_CANCEL, chance(95) ? (void *)&c : ptr()));
}

static void op_close_session(void)
{
	int i = below(MAX_SESS);
	struct tee_ioctl_close_session_arg c = { .session = (__u32)sess[i].id };

	if (chance(10))
		c.session = (__u32)rnd();
	note(OP_CLOSE_SESSION, xioctlp(sess[i].fd > 0 ? sess[i].fd : any_fd(),
				       TEE_IOC_CLOSE_SESSION, &c));
}

static void op_rand_ioctl(void)
{
	unsigned long req = _IOC(below(4), TEE_IOC_MAGIC, below(16), below(64));
	struct tee_ioctl_buf_data d = {
		.buf_ptr = (unsigned long)scratch,
		.buf_len = below(256),
	};
	unsigned int i;
	long r;

	for (i = 0; i < 256; i++)
		scratch[i] = (unsigned char)rnd();
	if (chance(50)) {
		/* The buffer ioctls, with a random buffer. */
		req = _IOR(TEE_IOC_MAGIC, 2 + below(6), struct tee_ioctl_buf_data);
		r = xioctlp(any_fd(), req, &d);
	} else {
		r = xioctlp(any_fd(), req, chance(80) ? (void *)scratch : ptr());
	}
	note(OP_RAND_IOCTL, r < 0 ? r : 0);
	if (r > 2)
		close(r);
}

/* ==== the fake supplicant ==== */

/*
 * Always there during an episode (a request waits for the supplicant, and
 * only a kill interrupts that wait, as upstream): answers "not supported",
 * or garbage, or dies in the middle of a request (closes its fd, which
 * fails the request) and comes back. op_supp() changes how often each.
 */
static void *supp_fn(void *p)
{
	union {
		struct tee_iocl_supp_recv_arg recv;
		struct tee_iocl_supp_send_arg send;
		__u8 buf[sizeof(struct tee_iocl_supp_recv_arg) +
			 NR_PARAMS * sizeof(struct tee_ioctl_param)];
	} u;
	struct tee_ioctl_buf_data d = { .buf_ptr = (unsigned long)&u };
	unsigned int i, n, pct;
	long r;

	(void)p;
	while (!__atomic_load_n(&supp.stop, __ATOMIC_ACQUIRE)) {
		if (supp.fd < 0) {
			supp.fd = open(priv_path, O_RDWR | O_CLOEXEC);
			note(OP_SUPP_REPLY, supp.fd < 0 ? -errno : 0);
			if (supp.fd < 0) {
				usleep(1000);
				continue;
			}
		}
		memset(&u, 0, sizeof(u));
		u.recv.num_params = NR_PARAMS;
		d.buf_len = sizeof(u);
		r = xioctlp(supp.fd, TEE_IOC_SUPPL_RECV, &d);
		if (r == -EINTR)
			continue;
		note(OP_SUPP_REPLY, r);
		if (r) {
			usleep(1000);
			continue;
		}
		n = u.recv.num_params;
		pct = xs(&supp.rng) % 100;
		if (pct < __atomic_load_n(&supp.die_pct, __ATOMIC_RELAXED)) {
			close(supp.fd);
			supp.fd = -1;
			continue;
		}
		if (pct < 50) {
			u.send.ret = (__u32)xs(&supp.rng);
			n = xs(&supp.rng) % (NR_PARAMS + 2);
			for (i = 0; i < n && i < NR_PARAMS; i++) {
				u.send.params[i].attr = xs(&supp.rng) % 10;
				u.send.params[i].a = xs(&supp.rng);
				u.send.params[i].b = xs(&supp.rng) % 100000;
				u.send.params[i].c = xs(&supp.rng) % 8;
			}
		} else {
			u.send.ret = 0xffff000a;	/* not supported */
		}
		u.send.num_params = n;
		d.buf_len = sizeof(u.send) + (n < NR_PARAMS ? n : NR_PARAMS) *
			    sizeof(struct tee_ioctl_param);
		r = xioctlp(supp.fd, TEE_IOC_SUPPL_SEND, &d);
		note(OP_SUPP_REPLY, r);
		if (r) {
			/* Refused: the request still waits; die, which fails it. */
			close(supp.fd);
			supp.fd = -1;
		}
	}
	if (supp.fd >= 0)
		close(supp.fd);
	supp.fd = -1;
	return NULL;
}

static void supp_start(void)
{
	supp.stop = 0;
	supp.fd = -1;
	supp.die_pct = 10;
	supp.rng = rnd() | 1;
	pthread_mutex_lock(&lock);
	supp.active = !pthread_create(&supp.thr, NULL, supp_fn, NULL);
	pthread_mutex_unlock(&lock);
}

static void supp_stop(void)
{
	if (!supp.active)
		return;
	__atomic_store_n(&supp.stop, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&lock);
	supp.active = 0;
	pthread_mutex_unlock(&lock);
	/* Signalled until it has left: one signal could come before its RECV. */
	while (pthread_tryjoin_np(supp.thr, NULL)) {
		pthread_kill(supp.thr, SIGUSR1);
		usleep(1000);
	}
}

/* How often the supplicant dies in a request: 0..40 %. */
static void op_supp(void)
{
	__atomic_store_n(&supp.die_pct, (unsigned int)below(41), __ATOMIC_RELAXED);
	note(OP_SUPP, 0);
}

/* A kvmlite guest's VM or OP-TEE SMC (tee_guest.h). */
static void op_guest(void)
{
	note(OP_GUEST, tee_guest_op());
}

/* ==== threads ==== */

static pthread_t main_thr, racer_thr;
static int racing;

/* Cancels and closes sessions of the table while the main thread uses them. */
static void *racer(void *p)
{
	__u64 s = (unsigned long)p | 1;
	int i, fd, id;

	while (__atomic_load_n(&racing, __ATOMIC_ACQUIRE)) {
		usleep(xs(&s) % 3000);
		i = xs(&s) % MAX_SESS;
		pthread_mutex_lock(&lock);
		fd = sess[i].fd;
		id = sess[i].id;
		pthread_mutex_unlock(&lock);
		if (fd <= 0)
			continue;
		if (xs(&s) % 4) {
			struct tee_ioctl_cancel_arg c = { .cancel_id = xs(&s) % 4, .session = id };

			note(OP_RACE, xioctlp(fd, TEE_IOC_CANCEL, &c));
		} else {
			struct tee_ioctl_close_session_arg c = { .session = id };

			note(OP_RACE, xioctlp(fd, TEE_IOC_CLOSE_SESSION, &c));
		}
	}
	return NULL;
}

static void on_kick(int sig)
{
	(void)sig;
}

/* Signals every 20 ms, so that no call waits for a supplicant forever. */
static void *kicker(void *p)
{
	unsigned int n = 0;
	int fd;

	(void)p;
	for (;;) {
		usleep(20000);
		pthread_mutex_lock(&lock);
		pthread_kill(main_thr, SIGUSR1);
		if (supp.active)
			pthread_kill(supp.thr, SIGUSR1);
		pthread_mutex_unlock(&lock);
		/*
		 * A secure world may ask for tee-supplicant at any time (the
		 * hostile firmware does), and such a request waits, killable
		 * only, until a supplicant serves it. With none serving (ours
		 * died or the episode is ending), a supplicant that comes and
		 * goes fails those requests, as tee-supplicant exiting would.
		 */
		if (++n % 5 == 0 && __atomic_load_n(&supp.fd, __ATOMIC_ACQUIRE) < 0) {
			fd = open(priv_path, O_RDWR | O_CLOEXEC);
			if (fd >= 0)
				close(fd);
		}
	}
	return NULL;
}

static void (*const ops[NR_OPS])(void) = {
	[OP_OPEN_FD] = op_open_fd,
	[OP_CLOSE_FD] = op_close_fd,
	[OP_VERSION] = op_version,
	[OP_SHM_ALLOC] = op_shm_alloc,
	[OP_SHM_REGISTER] = op_shm_register,
	[OP_SHM_CLOSE] = op_shm_close,
	[OP_OPEN_SESSION] = op_open_session,
	[OP_INVOKE] = op_invoke,
	[OP_CANCEL] = op_cancel,
	[OP_CLOSE_SESSION] = op_close_session,
	[OP_RAND_IOCTL] = op_rand_ioctl,
	[OP_SUPP] = op_supp,
	[OP_GUEST] = op_guest,
};

static void episode(int nops)
{
	int i;

	memset(fds, 0, sizeof(fds));
	memset(sess, 0, sizeof(sess));
	memset(shm, 0, sizeof(shm));
	fds[0] = open(tee_path, O_RDWR | O_CLOEXEC);
	if (fds[0] < 0) {
		perror(tee_path);
		exit(1);
	}
	supp_start();
	__atomic_store_n(&racing, 1, __ATOMIC_RELEASE);
	pthread_create(&racer_thr, NULL, racer, (void *)(unsigned long)rnd());
	for (i = 0; i < nops; i++) {
		fuzz_cur_op = below(NR_OPS);
		ops[fuzz_cur_op]();
	}
	fuzz_cur_op = -1;
	__atomic_store_n(&racing, 0, __ATOMIC_RELEASE);
	pthread_join(racer_thr, NULL);
	/* The supplicant last: closing sessions may need it. */
	for (i = 0; i < MAX_SHM; i++) {
		if (shm[i].fd > 0) {
			if (shm[i].map)
				munmap(shm[i].map, shm[i].size);
			close(shm[i].fd);
		}
	}
	for (i = 0; i < MAX_FDS; i++)
		if (fds[i] > 0)
			close(fds[i]);
	tee_guest_end();
	supp_stop();
}

static void setup(void)
{
	struct sigaction sa = { .sa_handler = on_kick };
	pthread_t thr;

	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: calls return EINTR */
	scratch = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (scratch == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	mprotect(scratch + 8192, 4096, PROT_NONE);	/* guard */
	none_page = scratch + 8192;
	main_thr = pthread_self();
	supp.fd = -1;
	pthread_create(&thr, NULL, kicker, NULL);
}

int main(int argc, char **argv)
{
	static const struct fuzz f = {
		.name = "tee_fuzz",
		.why_absent = "no secure world in this machine",
		.op_names = op_names,
		.nr_ops = NR_STATS,
		.nops = 200,
		.setup = setup,
		.episode = episode,
	};
	struct fuzz run = f;

	tee_path = getenv("TEE_DEV") ?: "/dev/tee0";
	priv_path = getenv("TEEPRIV_DEV") ?: "/dev/teepriv0";
	run.dev = tee_path;
	return fuzz_main(argc, argv, &run);
}
