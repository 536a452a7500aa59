// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite core: with as_kvm=1, the module parameters of the in-kernel KVM
 * that tools read under /sys/module/<module>/parameters (the upstream KVM
 * selftests ask for forced emulation, the PMU, EPT...), read-only, with
 * kvmlite's own answers: the backend's table kvmlite_arch_ops.kvm_params.
 *
 * Each module directory is a kobject of the /sys/module kset, as a module's
 * is, so that a kvm.ko loaded while kvmlite answers for it fails cleanly
 * ("module is already loaded"). A directory that exists already (a built-in
 * KVM's, or kvm.ko loaded) is left alone: the real parameters answer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "kvmlite.h"

#define KVMLITE_KVM_MODS	4

/**
 * struct kvmlite_kvm_mod - one /sys/module/<name> directory kvmlite made
 * @kobj:	/sys/module/<name>
 * @params:	its parameters/ directory
 */
struct kvmlite_kvm_mod {
	struct kobject kobj;
	struct kobject *params;
};

static void kvmlite_kvm_mod_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct kvmlite_kvm_mod, kobj));
}

static const struct kobj_type kvmlite_kvm_mod_ktype = {
	.release	= kvmlite_kvm_mod_release,
	.sysfs_ops	= &kobj_sysfs_ops,
};

/* The modules answered for: name, and the directory (NULL: left alone). */
static struct {
	const char *name;
	struct kvmlite_kvm_mod *mod;
} kvmlite_kvm_mods[KVMLITE_KVM_MODS];

ssize_t kvmlite_kvm_param_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	const struct kvmlite_kvm_param *p =
		container_of(attr, struct kvmlite_kvm_param, attr);

	return sysfs_emit(buf, "%s\n", p->value);
}

static struct kvmlite_kvm_mod *kvmlite_kvm_mod_create(const char *name)
{
	struct kset *modules = THIS_MODULE->mkobj.kobj.kset;
	struct kvmlite_kvm_mod *m;
	struct kobject *k;

	k = kset_find_obj(modules, name);
	if (k) {
		kobject_put(k);
		return NULL;
	}
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return NULL;
	m->kobj.kset = modules;
	if (kobject_init_and_add(&m->kobj, &kvmlite_kvm_mod_ktype, NULL, "%s",
				 name)) {
		kobject_put(&m->kobj);
		return NULL;
	}
	m->params = kobject_create_and_add("parameters", &m->kobj);
	if (!m->params) {
		kobject_put(&m->kobj);
		return NULL;
	}
	return m;
}

/* The parameters/ directory of @name, made at its first parameter. */
static struct kobject *kvmlite_kvm_params_dir(const char *name)
{
	int i;

	for (i = 0; i < KVMLITE_KVM_MODS && kvmlite_kvm_mods[i].name; i++)
		if (!strcmp(kvmlite_kvm_mods[i].name, name))
			goto found;
	if (i == KVMLITE_KVM_MODS)
		return NULL;
	kvmlite_kvm_mods[i].name = name;
	kvmlite_kvm_mods[i].mod = kvmlite_kvm_mod_create(name);
	if (!kvmlite_kvm_mods[i].mod)
		pr_info("/sys/module/%s left alone\n", name);
found:
	return kvmlite_kvm_mods[i].mod ? kvmlite_kvm_mods[i].mod->params : NULL;
}

void kvmlite_kvm_params_add(void)
{
	struct kvmlite_kvm_param *p;
	struct kobject *dir;

	for (p = kvmlite_arch_ops.kvm_params; p && p->module; p++) {
		dir = kvmlite_kvm_params_dir(p->module);
		if (dir && sysfs_create_file(dir, &p->attr.attr))
			pr_warn("no /sys/module/%s/parameters/%s\n", p->module,
				p->attr.attr.name);
	}
}

void kvmlite_kvm_params_remove(void)
{
	int i;

	for (i = 0; i < KVMLITE_KVM_MODS; i++) {
		struct kvmlite_kvm_mod *m = kvmlite_kvm_mods[i].mod;

		if (m) {
			kobject_put(m->params);
			kobject_put(&m->kobj);
		}
		kvmlite_kvm_mods[i].name = NULL;
		kvmlite_kvm_mods[i].mod = NULL;
	}
}
