/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a binary statistics fd (KVM_GET_STATS_FD) in the selftests:
 * stats_read() loads the header, id and descriptors, stat_value() reads
 * one value by KVM's name (-1 if there is none).
 */
#ifndef KVMLITE_STATS_H
#define KVMLITE_STATS_H

#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* KVM's KVM_STATS_NAME_SIZE (<linux/kvm_host.h>, not uapi). */
#define STATS_NAME_SIZE	48

struct stats {
	struct kvm_stats_header h;
	char id[STATS_NAME_SIZE];
	char *desc;
	size_t desc_size;
};

static inline int stats_read(int fd, struct stats *st)
{
	size_t n;

	if (pread(fd, &st->h, sizeof(st->h), 0) != sizeof(st->h))
		return -1;
	if (st->h.name_size != STATS_NAME_SIZE ||
	    pread(fd, st->id, sizeof(st->id), st->h.id_offset) != sizeof(st->id))
		return -1;
	st->desc_size = sizeof(struct kvm_stats_desc) + st->h.name_size;
	n = st->desc_size * st->h.num_desc;
	st->desc = malloc(n);
	if (!st->desc || pread(fd, st->desc, n, st->h.desc_offset) != (ssize_t)n)
		return -1;
	return 0;
}

/* The value of statistic @name, or -1 if there is none. */
static inline long long stat_value(int fd, struct stats *st, const char *name)
{
	struct kvm_stats_desc *d;
	__u64 v;
	__u32 i;

	for (i = 0; i < st->h.num_desc; i++) {
		d = (void *)(st->desc + i * st->desc_size);
		if (strcmp(d->name, name))
			continue;
		if (pread(fd, &v, sizeof(v), st->h.data_offset + d->offset) !=
		    sizeof(v))
			return -1;
		return v;
	}
	return -1;
}

#endif /* KVMLITE_STATS_H */
