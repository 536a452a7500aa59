/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kvmlite and optee_lite selftests: device nodes given by
 * environment variables (so the same test runs against our module and against
 * the in-kernel reference driver) and module unload/reload.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The value of environment variable @var, or @def when it is unset or empty. */
static inline const char *env_or(const char *var, const char *def)
{
	const char *v = getenv(var);

	return v && *v ? v : def;
}

/* Load the module in file @path; 0 or -errno. */
static inline int module_load(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

/* Unload module @name without waiting for its users; 0 or -errno. */
static inline int module_unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/* Whether module @name is loaded (listed in /sys/module with a refcount). */
static inline int module_loaded(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", name);
	return access(path, F_OK) == 0;
}

#endif /* BENCH_UTIL_H */
