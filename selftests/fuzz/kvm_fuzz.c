// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_fuzz: a seeded, time-bounded fuzzer of the KVM ioctl ABI of the device
 * under test ($KVMLITE_DEV, default /dev/kvmlite; arm64).
 *
 *   kvm_fuzz [--secs N] [--seed S] [--episode E] [--ops N]
 *
 * The run is a sequence of episodes; episode E of seed S draws everything
 * from its own generator (seeded from S and E), opens the device, performs
 * --ops operations (default 300) on a pool of system, VM, vCPU, device,
 * eventfd and statistics fds, and closes everything. Operations: every
 * ioctl of the system, VM, vCPU and device fds with valid and invalid fds,
 * sizes, flags and pointers (NULL, unmapped, read-only, PROT_NONE,
 * file-backed, kernel addresses), random ioctl numbers, memslots created,
 * moved and deleted and their memory unmapped or remapped while vCPUs run,
 * device attributes in any order, eventfds closed under the kernel, fds
 * closed while in use, fork() (the child's calls come from another mm).
 * Hostile guests: vCPUs run on up to two threads at once, on guest memory
 * filled with random instruction words and targeted ones (loads and stores
 * at x0, which points into the GIC distributor, redistributors, ITS or
 * elsewhere; HVC/SMC with PSCI and SMCCC function ids in x0; WFI; MSR/MRS
 * of random system registers; ICC_SGI1R_EL1 writes).
 *
 * Each episode writes "kvm_fuzz: seed S episode E" to /dev/kmsg, so a
 * kernel report in the log follows the marker of the episode that caused
 * it; `kvm_fuzz --seed S --episode E` replays that episode (the operations
 * of one thread are reproducible; the races with the vCPU threads are not).
 * A watchdog fails the run if no operation completes for 60 s. At the end:
 * per operation, the count and the distribution of results (0 or errno),
 * and the KTAP line and totals of a kselftest program. Kernel reports are
 * the bench's to catch (scripts/vm-run fails the boot).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#if defined(__aarch64__) || defined(__x86_64__)

#define MAX_FDS		48
#define NR_REGIONS	6
#define REGION_SIZE	(256 * 1024)
#define NR_RUNNERS	2

/* An address in the kernel's half, for the bad-pointer arguments. */
#ifdef __aarch64__
#define KERNEL_PTR	0xffff800008000000ULL
#else
#define KERNEL_PTR	0xffffffff81000000ULL
#endif

enum kind { K_NONE, K_SYS, K_VM, K_VCPU, K_DEV, K_EFD, K_STATS };

struct obj {
	int fd;
	enum kind kind;
};

struct runner {
	pthread_t thr;
	int fd;			/* a dup() of the vCPU fd */
	struct kvm_run *run;
	long run_size;
	int stop;
	int active;
};

static struct obj objs[MAX_FDS];
static unsigned char *regions[NR_REGIONS];
static int region_rw[NR_REGIONS];
static unsigned char *scratch, *ro_page, *none_page, *file_page;
static struct runner runners[NR_RUNNERS];
static const char *dev_path;
static int sys_fd;
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;

/* A pointer argument: mostly the scratch buffer, sometimes a bad one. */
static void *ptr(void)
{
	switch (below(12)) {
	case 0:
		return NULL;
	case 1:
		return ro_page;
	case 2:
		return none_page;
	case 3:
		return (void *)KERNEL_PTR;
	case 4:
		return (void *)0x10;
	case 5:
		return file_page;
	case 6:
		return scratch + 4096 * 15 - 1;	/* runs into the guard page */
	default:
		return scratch + below(4096);
	}
}

/* The scratch buffer with random or zero bytes. */
static void *fill(size_t n)
{
	size_t i;

	if (chance(30)) {
		memset(scratch, 0, n);
	} else {
		for (i = 0; i < n; i += 8) {
			__u64 v = rnd();

			memcpy(scratch + i, &v, n - i < 8 ? n - i : 8);
		}
	}
	return scratch;
}

/* An argument pointer: usually @n filled bytes of scratch, else ptr(). */
static void *arg(size_t n)
{
	return chance(85) ? fill(n) : ptr();
}

/* A random object of @kind (K_NONE: any), or -1. */
static int pick(enum kind kind)
{
	int i, n = 0, idx[MAX_FDS];

	for (i = 0; i < MAX_FDS; i++)
		if (objs[i].kind != K_NONE && (kind == K_NONE || objs[i].kind == kind))
			idx[n++] = i;
	return n ? idx[below(n)] : -1;
}

static int fd_of(enum kind kind)
{
	int i = pick(kind);

	if (i < 0 || chance(3))
		return chance(50) ? -1 : 1000;	/* not a KVM fd */
	return objs[i].fd;
}

static int known(int fd)
{
	int i;

	for (i = 0; i < MAX_FDS; i++)
		if (objs[i].kind != K_NONE && objs[i].fd == fd)
			return 1;
	return 0;
}

static void add(int fd, enum kind kind)
{
	int i;

	if (fd < 0)
		return;
	for (i = 0; i < MAX_FDS; i++) {
		if (objs[i].kind == K_NONE) {
			objs[i].fd = fd;
			objs[i].kind = kind;
			return;
		}
	}
	close(fd);
}

#ifdef __aarch64__
#include "kvm_fuzz_arm64.h"
#else
#include "kvm_fuzz_x86.h"
#endif

/* ==== guest code ==== */

static void op_guest_code(void)
{
	int n = below(NR_REGIONS);
	unsigned char *r = regions[n];
	size_t off = below(REGION_SIZE / 4 - 256) * 4;

	if (!region_rw[n]) {	/* remapped read-only or inaccessible */
		note(OP_GUEST_CODE, -EACCES);
		return;
	}
	guest_code(r + off);	/* 1 KiB */
	note(OP_GUEST_CODE, 0);
}

/* ==== vCPU runners ==== */

static void on_kick(int sig)
{
	(void)sig;
}

static void *runner_fn(void *p)
{
	struct runner *rn = p;
	long r;

	while (!__atomic_load_n(&rn->stop, __ATOMIC_ACQUIRE)) {
		r = xioctl(rn->fd, KVM_RUN, 0);
		note(OP_RUN, r);
		if (r < 0 && r != -EINTR && r != -EAGAIN && r != -EFAULT)
			break;
	}
	return NULL;
}

/*
 * Stop a runner: immediate_exit and a signal end its KVM_RUN (the kicker
 * keeps signalling while it lives, so a vCPU asleep in WFI is not missed).
 */
static void runner_stop(struct runner *rn)
{
	if (!rn->active)
		return;
	pthread_mutex_lock(&run_lock);
	rn->active = 0;
	__atomic_store_n(&rn->stop, 1, __ATOMIC_RELEASE);
	rn->run->immediate_exit = 1;
	pthread_kill(rn->thr, SIGUSR1);
	pthread_mutex_unlock(&run_lock);
	pthread_join(rn->thr, NULL);
	munmap(rn->run, rn->run_size);
	close(rn->fd);
	memset(rn, 0, sizeof(*rn));
}

/*
 * Every 5 ms, a signal to each running vCPU thread: KVM_RUN returns
 * (EINTR), so the main thread's calls on the same vCPU (which wait for its
 * mutex) are not held up by a guest asleep in WFI.
 */
static void *kicker(void *p)
{
	int i;

	(void)p;
	for (;;) {
		usleep(5000);
		pthread_mutex_lock(&run_lock);
		for (i = 0; i < NR_RUNNERS; i++)
			if (runners[i].active)
				pthread_kill(runners[i].thr, SIGUSR1);
		pthread_mutex_unlock(&run_lock);
	}
	return NULL;
}

static void op_run(void)
{
	struct runner *rn = &runners[below(NR_RUNNERS)];
	int vcpu = fd_of(K_VCPU), i;

	if (rn->active)
		runner_stop(rn);
	if (vcpu < 0 || vcpu == 1000) {
		note(OP_RUN, -EBADF);
		return;
	}
	run_regs(vcpu);
	rn->fd = dup(vcpu);
	if (rn->fd < 0)
		return;
	rn->run_size = ioctl(sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	rn->run = rn->run_size > 0 ? mmap(NULL, rn->run_size, PROT_READ | PROT_WRITE,
					  MAP_SHARED, rn->fd, 0) : MAP_FAILED;
	if (rn->run == MAP_FAILED) {
		note(OP_RUN, -errno);
		close(rn->fd);
		memset(rn, 0, sizeof(*rn));
		return;
	}
	/* Set by the last runner_stop() on this vCPU: else every KVM_RUN is EINTR. */
	rn->run->immediate_exit = 0;
	rn->stop = 0;
	pthread_mutex_lock(&run_lock);
	if (!pthread_create(&rn->thr, NULL, runner_fn, rn))
		rn->active = 1;
	pthread_mutex_unlock(&run_lock);
	if (!rn->active) {
		munmap(rn->run, rn->run_size);
		close(rn->fd);
		memset(rn, 0, sizeof(*rn));
		return;
	}
	/* Sometimes let it run a little before going on. */
	for (i = below(3); i > 0; i--)
		usleep(1000);
}

/* ==== the operations ==== */

static void op_create_vm(void)
{
	unsigned long type = chance(80) ? 0 : chance(50) ? below(64) : rnd();
	long r;

	if (pick(K_VM) >= 0 && chance(70)) {
		note(OP_CREATE_VM, 0);
		return;
	}
	r = xioctl(chance(95) ? sys_fd : fd_of(K_NONE), KVM_CREATE_VM, type);
	note(OP_CREATE_VM, r);
	if (r >= 0)
		vm_created_arch(r);
	add(r, K_VM);
}

static void op_create_vcpu(void)
{
	unsigned long id = chance(85) ? below(4) : rnd();
	long r = xioctl(fd_of(K_VM), KVM_CREATE_VCPU, id);

	note(OP_CREATE_VCPU, r);
	add(r, K_VCPU);
}

static void op_set_mem(void)
{
	struct kvm_userspace_memory_region m;
	unsigned char *base = regions[below(NR_REGIONS)];
	long r;

	memset(&m, 0, sizeof(m));
	m.slot = chance(90) ? below(4) : (__u32)rnd();
	m.flags = chance(70) ? 0 : chance(50) ? KVM_MEM_LOG_DIRTY_PAGES :
		  chance(50) ? KVM_MEM_READONLY : (__u32)rnd();
	m.guest_phys_addr = chance(90) ? slot_gpas[below(ARRAY_SIZE(slot_gpas))] : rnd();
	m.memory_size = chance(20) ? 0 : chance(80) ? (below(REGION_SIZE / 4096) + 1) * 4096 :
			rnd();
	m.userspace_addr = chance(85) ? (unsigned long)base :
			   chance(50) ? (unsigned long)file_page : (unsigned long)ptr();
	if (chance(5))
		m.userspace_addr += 1;
	r = xioctl(fd_of(K_VM), KVM_SET_USER_MEMORY_REGION, (unsigned long)&m);
	note(OP_SET_MEM, r);
}

static int efd(void)
{
	int i = pick(K_EFD);

	if (i < 0 || chance(30)) {
		int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

		add(fd, K_EFD);
		return fd;
	}
	return objs[i].fd;
}

static void op_irqfd(void)
{
	struct kvm_irqfd f;
	long r;

	memset(&f, 0, sizeof(f));
	f.fd = chance(90) ? efd() : fd_of(K_NONE);
	f.gsi = chance(80) ? below(64) : (__u32)rnd();
	f.flags = chance(50) ? 0 : chance(40) ? KVM_IRQFD_FLAG_DEASSIGN :
		  chance(70) ? KVM_IRQFD_FLAG_RESAMPLE : (__u32)rnd();
	if (f.flags & KVM_IRQFD_FLAG_RESAMPLE)
		f.resamplefd = efd();
	r = xioctl(fd_of(K_VM), KVM_IRQFD, (unsigned long)&f);
	note(OP_IRQFD, r);
	if (!r && chance(50)) {	/* fire it */
		__u64 one = 1;

		if (write(f.fd, &one, 8) != 8)
			note(OP_IRQFD, -errno);
	}
}

static void op_ioeventfd(void)
{
	static const __u32 lens[] = { 0, 1, 2, 4, 8, 3 };
	struct kvm_ioeventfd io;
	long r;

	memset(&io, 0, sizeof(io));
	io.fd = efd();
	io.addr = chance(80) ? 0x10000000 + below(8) * 8 : mmio_addr();
	io.len = lens[below(6)];
	io.datamatch = below(4);
	io.flags = chance(60) ? (below(2) ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0) :
		   chance(50) ? KVM_IOEVENTFD_FLAG_DEASSIGN : (__u32)rnd();
	ioeventfd_arch(&io);
	r = xioctl(fd_of(K_VM), KVM_IOEVENTFD, (unsigned long)&io);
	note(OP_IOEVENTFD, r);
}

static void op_routing(void)
{
	struct kvm_irq_routing *rt = fill(4096);
	__u32 i, n = chance(90) ? below(8) : (__u32)rnd();
	long r;

	rt->nr = n;
	rt->flags = chance(90) ? 0 : (__u32)rnd();
	for (i = 0; i < n && i < 8; i++) {
		rt->entries[i].gsi = below(64);
		rt->entries[i].type = chance(90) ? 1 + below(2) : (__u32)rnd();
		rt->entries[i].flags = chance(80) ? 0 : KVM_MSI_VALID_DEVID;
		rt->entries[i].u.irqchip.irqchip = below(2);
		rt->entries[i].u.irqchip.pin = below(1000);
	}
	r = xioctl(fd_of(K_VM), KVM_SET_GSI_ROUTING,
		   chance(95) ? (unsigned long)rt : (unsigned long)ptr());
	note(OP_ROUTING, r);
}

static void op_signal_msi(void)
{
	struct kvm_msi m;
	long r;

	memset(&m, 0, sizeof(m));
	m.address_lo = chance(70) ? MSI_ADDR : (__u32)rnd();
	m.data = chance(70) ? below(64) : (__u32)rnd();
	m.flags = chance(70) ? KVM_MSI_VALID_DEVID : (__u32)rnd();
	m.devid = below(8);
	r = xioctl(fd_of(K_VM), KVM_SIGNAL_MSI, (unsigned long)&m);
	note(OP_SIGNAL_MSI, r);
}

static void op_dirty_log(void)
{
	struct kvm_dirty_log d;
	long r;

	memset(&d, 0, sizeof(d));
	d.slot = chance(90) ? below(4) : (__u32)rnd();
	d.dirty_bitmap = chance(85) ? fill(1024) : ptr();
	r = xioctl(fd_of(K_VM), KVM_GET_DIRTY_LOG, (unsigned long)&d);
	note(OP_DIRTY_LOG, r);
}

static void op_check_ext(void)
{
	long r = xioctl(chance(50) ? sys_fd : fd_of(K_VM), KVM_CHECK_EXTENSION,
			chance(80) ? below(240) : rnd());

	note(OP_CHECK_EXT, r);
}

static void op_enable_cap(void)
{
	struct kvm_enable_cap c;
	long r;

	memset(&c, 0, sizeof(c));
	c.cap = chance(80) ? below(240) : (__u32)rnd();
	c.flags = chance(80) ? 0 : (__u32)rnd();
	c.args[0] = chance(50) ? below(64) : rnd();
	c.args[1] = rnd();
	r = xioctl(chance(70) ? fd_of(K_VM) : fd_of(K_VCPU), KVM_ENABLE_CAP,
		   (unsigned long)&c);
	note(OP_ENABLE_CAP, r);
}

static void op_stats(void)
{
	long r = xioctl(chance(50) ? fd_of(K_VM) : fd_of(K_VCPU), KVM_GET_STATS_FD, 0);

	note(OP_STATS, r);
	if (r < 0)
		return;
	if (pread(r, scratch, below(8192), chance(80) ? below(4096) : rnd() >> 1) < 0)
		note(OP_STATS, -errno);
	add(r, K_STATS);
}

static void op_mmap_run(void)
{
	int fd = fd_of(K_VCPU);
	size_t len = chance(80) ? 4096 * (1 + below(4)) : below(1 << 20);
	int prot = chance(80) ? PROT_READ | PROT_WRITE : PROT_READ | PROT_EXEC;

	off_t off = chance(80) ? 0 : 4096 * below(4);
	void *p;

	p = mmap(NULL, len, prot, chance(90) ? MAP_SHARED : MAP_PRIVATE, fd, off);
	if (p == MAP_FAILED) {
		note(OP_MMAP_RUN, -errno);
		return;
	}
	note(OP_MMAP_RUN, 0);
	/* Pages past kvm_run may have nothing (SIGBUS, as with KVM). */
	if ((prot & PROT_WRITE) && !off && chance(50))
		memset(p, 0xa5, len < 64 ? len : 64);
	munmap(p, len);
}

static void op_rand_ioctl(void)
{
	unsigned long req = _IOC(below(4), KVMIO, below(0x100), below(0x400));
	long r;

	/* Never KVM_RUN-like blocking calls from the main thread. */
	if (_IOC_NR(req) == _IOC_NR(KVM_RUN))
		req = KVM_CHECK_EXTENSION;
	if (chance(10))
		req = rnd();
	r = xioctl(fd_of(K_NONE), req, chance(80) ? (unsigned long)arg(0x400) :
		   (unsigned long)ptr());
	note(OP_RAND_IOCTL, r < 0 ? r : 0);
	/* A new fd (KVM_CREATE_*): not one of ours, closed. */
	if (r > 2 && !known(r))
		close(r);
}

static void op_close(void)
{
	int i = pick(K_NONE);

	if (i < 0 || objs[i].kind == K_SYS) {
		note(OP_CLOSE, -EBADF);
		return;
	}
	note(OP_CLOSE, close(objs[i].fd) ? -errno : 0);
	objs[i].kind = K_NONE;
}

/* A region unmapped or remapped under its memslots (and running vCPUs). */
static void op_remap(void)
{
	int i = below(NR_REGIONS);
	void *p;

	region_rw[i] = 0;
	if (chance(30)) {
		p = mmap(regions[i], REGION_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
			 MAP_FIXED, -1, 0);
	} else if (chance(30)) {
		p = mmap(regions[i], REGION_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
			 MAP_FIXED, -1, 0);
	} else {
		p = mmap(regions[i], REGION_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		region_rw[i] = p != MAP_FAILED;
	}
	note(OP_REMAP, p == MAP_FAILED ? -errno : 0);
}

/* The child's calls come from another mm: KVM answers EIO. */
static void op_fork(void)
{
	pid_t pid = fork();
	int st, fd;

	if (pid < 0) {
		note(OP_FORK, -errno);
		return;
	}
	if (!pid) {
		fd = fd_of(K_VM);
		ioctl(fd, KVM_CREATE_VCPU, 7);
		ioctl(fd_of(K_VCPU), KVM_RUN, 0);
		ioctl(fd_of(K_VCPU), FORK_VCPU_REQ, ptr());
		ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP);
		_exit(0);
	}
	note(OP_FORK, waitpid(pid, &st, 0) < 0 ? -errno : 0);
}

static void op_misc_vcpu(void)
{
	unsigned long req = misc_vcpu_reqs[below(ARRAY_SIZE(misc_vcpu_reqs))];
	__u32 *p = fill(512);
	long r;

	if (req == KVM_SET_MP_STATE && chance(70))
		p[0] = below(8);
	if (req == KVM_SET_SIGNAL_MASK) {
		if (chance(70))
			p[0] = chance(50) ? 8 : below(64);
		/* The runners' kicks must get through. */
		((unsigned char *)p)[4 + (SIGUSR1 - 1) / 8] &= ~(1 << ((SIGUSR1 - 1) % 8));
	}
	misc_vcpu_arch(req, p);
	if (req == KVM_ARM_VCPU_FINALIZE)
		r = xioctl(fd_of(K_VCPU), req, (unsigned long)arg(4));
	else
		r = xioctl(fd_of(K_VCPU), req, chance(90) ? (unsigned long)p :
			   (unsigned long)ptr());
	note(OP_MISC_VCPU, r);
}

/* ==== episodes ==== */

static void (*const ops[NR_OPS])(void) = {
	[OP_CREATE_VM] = op_create_vm,
	[OP_CREATE_VCPU] = op_create_vcpu,
	[OP_SET_MEM] = op_set_mem,
	[OP_RUN] = op_run,
	[OP_IRQFD] = op_irqfd,
	[OP_IOEVENTFD] = op_ioeventfd,
	[OP_ROUTING] = op_routing,
	[OP_SIGNAL_MSI] = op_signal_msi,
	[OP_DIRTY_LOG] = op_dirty_log,
	[OP_CHECK_EXT] = op_check_ext,
	[OP_ENABLE_CAP] = op_enable_cap,
	[OP_STATS] = op_stats,
	[OP_MMAP_RUN] = op_mmap_run,
	[OP_RAND_IOCTL] = op_rand_ioctl,
	[OP_CLOSE] = op_close,
	[OP_REMAP] = op_remap,
	[OP_FORK] = op_fork,
	[OP_MISC_VCPU] = op_misc_vcpu,
	[OP_GUEST_CODE] = op_guest_code,
	ARCH_OPS,
};

static void episode(int nops)
{
	int i;

	memset(objs, 0, sizeof(objs));
	for (i = 0; i < NR_REGIONS; i++)
		region_rw[i] = mmap(regions[i], REGION_SIZE,
				    PROT_READ | PROT_WRITE | PROT_EXEC,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED;
	sys_fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (sys_fd < 0) {
		perror(dev_path);
		exit(1);
	}
	add(sys_fd, K_SYS);
	for (i = 0; i < nops; i++) {
		enum op op = below(NR_OPS);

		/* A VM and vCPUs come first, more often. */
		if (pick(K_VM) < 0 && chance(80))
			op = OP_CREATE_VM;
		else if (pick(K_VCPU) < 0 && chance(60))
			op = chance(50) ? OP_CREATE_VCPU : OP_SET_MEM;
		fuzz_cur_op = op;
		ops[op]();
	}
	fuzz_cur_op = -1;
	for (i = 0; i < NR_RUNNERS; i++)
		runner_stop(&runners[i]);
	for (i = 0; i < MAX_FDS; i++)
		if (objs[i].kind != K_NONE)
			close(objs[i].fd);
}

static void *map(int prot, int flags, int fd)
{
	void *p = mmap(NULL, 16 * 4096, prot, flags, fd, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static void setup(void)
{
	struct sigaction sa = { .sa_handler = on_kick };
	pthread_t thr;
	int i, fd;

	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: KVM_RUN returns */
	scratch = map(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	/* map() gives 16 pages: the last one is scratch's guard. */
	mprotect(scratch + 15 * 4096, 4096, PROT_NONE);
	ro_page = map(PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	none_page = map(PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	fd = memfd_create("kvm_fuzz", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 16 * 4096)) {
		perror("memfd");
		exit(1);
	}
	file_page = map(PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	for (i = 0; i < NR_REGIONS; i++) {
		regions[i] = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (regions[i] == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
	}
	pthread_create(&thr, NULL, kicker, NULL);
}

int main(int argc, char **argv)
{
	static const struct fuzz f = {
		.name = "kvm_fuzz",
		.why_absent = "kvmlite not loaded",
		.op_names = op_names,
		.nr_ops = NR_OPS,
		.nops = 300,
		.setup = setup,
		.episode = episode,
	};
	struct fuzz run = f;

	dev_path = getenv("KVMLITE_DEV") ?: "/dev/kvmlite";
	run.dev = dev_path;
	return fuzz_main(argc, argv, &run);
}

#else

#include <stdio.h>

int main(void)
{
	printf("TAP version 13\n1..1\nok 1 kvm_fuzz # SKIP arm64 and x86_64 only\n");
	printf("# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0\n");
	return 0;
}

#endif
