// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite core: binary statistics (KVM_GET_STATS_FD on VM and vCPU fds,
 * KVM_CAP_BINARY_STATS_FD), in the layout of virt/kvm/binary_stats.c: a
 * struct kvm_stats_header, the id string ("kvm-PID", "kvm-PID/vcpu-ID"), the
 * descriptors (struct kvm_stats_desc plus a KVMLITE_STATS_NAME_SIZE name) and
 * the u64 values, read with read()/pread(). Names, types and units are
 * KVM's, so tools written for KVM's statistics read kvmlite's.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "kvmlite.h"

#define STAT	KVMLITE_STAT
#define COUNTER	KVMLITE_COUNTER

static const struct kvmlite_stats_desc kvmlite_vm_stats[] = {
	COUNTER("remote_tlb_flush", KVMLITE_VM_STAT_REMOTE_TLB_FLUSH),
	COUNTER("remote_tlb_flush_requests",
		KVMLITE_VM_STAT_REMOTE_TLB_FLUSH_REQUESTS),
};

static_assert(ARRAY_SIZE(kvmlite_vm_stats) == KVMLITE_VM_NR_STATS);
static_assert(sizeof(struct kvmlite_stats_desc) == 16 + KVMLITE_STATS_NAME_SIZE);

static const struct kvmlite_stats_desc kvmlite_vcpu_stats[] = {
	COUNTER("halt_successful_poll", KVMLITE_STAT_HALT_SUCCESSFUL_POLL),
	COUNTER("halt_attempted_poll", KVMLITE_STAT_HALT_ATTEMPTED_POLL),
	COUNTER("halt_poll_invalid", KVMLITE_STAT_HALT_POLL_INVALID),
	COUNTER("halt_wakeup", KVMLITE_STAT_HALT_WAKEUP),
	STAT("halt_poll_success_ns", KVMLITE_STAT_HALT_POLL_SUCCESS_NS,
	     CUMULATIVE, SECONDS, POW10, -9),
	STAT("halt_poll_fail_ns", KVMLITE_STAT_HALT_POLL_FAIL_NS, CUMULATIVE,
	     SECONDS, POW10, -9),
	STAT("halt_wait_ns", KVMLITE_STAT_HALT_WAIT_NS, CUMULATIVE, SECONDS,
	     POW10, -9),
	STAT("blocking", KVMLITE_STAT_BLOCKING, INSTANT, BOOLEAN, POW10, 0),
	COUNTER("exits", KVMLITE_STAT_EXITS),
	COUNTER("signal_exits", KVMLITE_STAT_SIGNAL_EXITS),
};

static_assert(ARRAY_SIZE(kvmlite_vcpu_stats) == KVMLITE_STAT_ARCH);

/* The vCPU descriptors: the core's, then the backend's (KVM's names). */
static struct kvmlite_stats_desc
kvmlite_vcpu_descs[KVMLITE_STAT_ARCH + KVMLITE_MAX_ARCH_STATS];
static unsigned int kvmlite_vcpu_ndesc;

int kvmlite_stats_init(void)
{
	unsigned int n = kvmlite_arch_ops.nr_vcpu_stats;

	if (n > KVMLITE_MAX_ARCH_STATS)
		return -EINVAL;
	memcpy(kvmlite_vcpu_descs, kvmlite_vcpu_stats, sizeof(kvmlite_vcpu_stats));
	memcpy(kvmlite_vcpu_descs + KVMLITE_STAT_ARCH, kvmlite_arch_ops.vcpu_stats,
	       n * sizeof(*kvmlite_vcpu_descs));
	kvmlite_vcpu_ndesc = KVMLITE_STAT_ARCH + n;
	return 0;
}

static struct kvm_stats_header kvmlite_stats_header(unsigned int n)
{
	struct kvm_stats_header h = {
		.name_size = KVMLITE_STATS_NAME_SIZE,
		.num_desc = n,
		.id_offset = sizeof(h),
		.desc_offset = sizeof(h) + KVMLITE_STATS_NAME_SIZE,
	};

	h.data_offset = h.desc_offset + n * sizeof(struct kvmlite_stats_desc);
	return h;
}

/*
 * Copy [*pos, *pos + size) of the file's content: header, id, descriptors,
 * values (read from @stats at the time of the call).
 */
static ssize_t kvmlite_stats_read(const char *id,
				  const struct kvmlite_stats_desc *desc,
				  unsigned int n, const u64 *stats,
				  char __user *buf, size_t size, loff_t *pos)
{
	struct kvm_stats_header h = kvmlite_stats_header(n);
	u64 values[KVMLITE_VCPU_MAX_STATS];
	struct {
		const void *src;
		size_t off, len;
	} part[] = {
		{ &h, 0, sizeof(h) },
		{ id, h.id_offset, KVMLITE_STATS_NAME_SIZE },
		{ desc, h.desc_offset, n * sizeof(*desc) },
		{ values, h.data_offset, n * sizeof(u64) },
	};
	size_t done = 0, i, from, len;

	for (i = 0; i < n; i++)
		values[i] = READ_ONCE(stats[i]);
	for (i = 0; i < ARRAY_SIZE(part) && done < size; i++) {
		if (*pos + done >= part[i].off + part[i].len)
			continue;
		from = *pos + done - part[i].off;
		len = min(part[i].len - from, size - done);
		if (copy_to_user(buf + done, part[i].src + from, len))
			return -EFAULT;
		done += len;
	}
	*pos += done;
	return done;
}

static ssize_t kvmlite_vm_stats_read(struct file *file, char __user *buf,
				     size_t size, loff_t *pos)
{
	struct kvmlite_vm *vm = file->private_data;

	return kvmlite_stats_read(vm->stats_id, kvmlite_vm_stats,
				  KVMLITE_VM_NR_STATS, vm->stats, buf, size,
				  pos);
}

static ssize_t kvmlite_vcpu_stats_read(struct file *file, char __user *buf,
				       size_t size, loff_t *pos)
{
	struct kvmlite_vcpu *vcpu = file->private_data;

	return kvmlite_stats_read(vcpu->stats_id, kvmlite_vcpu_descs,
				  kvmlite_vcpu_ndesc, vcpu->stats, buf, size,
				  pos);
}

static int kvmlite_vm_stats_release(struct inode *inode, struct file *file)
{
	kvmlite_vm_put(file->private_data);
	return 0;
}

static int kvmlite_vcpu_stats_release(struct inode *inode, struct file *file)
{
	struct kvmlite_vcpu *vcpu = file->private_data;

	kvmlite_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations kvmlite_vm_stats_fops = {
	.owner		= THIS_MODULE,
	.read		= kvmlite_vm_stats_read,
	.release	= kvmlite_vm_stats_release,
	.llseek		= noop_llseek,
};

static const struct file_operations kvmlite_vcpu_stats_fops = {
	.owner		= THIS_MODULE,
	.read		= kvmlite_vcpu_stats_read,
	.release	= kvmlite_vcpu_stats_release,
	.llseek		= noop_llseek,
};

/* KVM_GET_STATS_FD: a read-only fd that holds a reference on the VM. */
static int kvmlite_stats_fd(struct kvmlite_vm *vm, const char *name,
			    const struct file_operations *fops, void *data)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	refcount_inc(&vm->users);
	file = anon_inode_getfile(name, fops, data, O_RDONLY);
	if (IS_ERR(file)) {
		kvmlite_vm_put(vm);
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	file->f_mode |= FMODE_PREAD;
	fd_install(fd, file);
	return fd;
}

int kvmlite_vm_stats_fd(struct kvmlite_vm *vm)
{
	return kvmlite_stats_fd(vm, "kvm-vm-stats", &kvmlite_vm_stats_fops, vm);
}

int kvmlite_vcpu_stats_fd(struct kvmlite_vcpu *vcpu)
{
	return kvmlite_stats_fd(vcpu->vm, "kvm-vcpu-stats",
				&kvmlite_vcpu_stats_fops, vcpu);
}
