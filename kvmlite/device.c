// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite core: in-kernel devices (KVM_CREATE_DEVICE) and their fds.
 *
 * As KVM's kvm_ioctl_create_device(): the backend names the types it has
 * (arch_ops.device_ops); a device lives as long as its VM, and its fd holds
 * a reference on the VM, so a device is destroyed with the VM, never before.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kvmlite.h"

static int kvmlite_device_release(struct inode *inode, struct file *filp)
{
	struct kvmlite_device *dev = filp->private_data;

	kvmlite_vm_put(dev->vm);
	return 0;
}

static long kvmlite_device_ioctl(struct file *filp, unsigned int ioctl,
				 unsigned long arg)
{
	struct kvmlite_device *dev = filp->private_data;
	int (*fn)(struct kvmlite_device *dev,
		  const struct kvm_device_attr *attr);
	struct kvm_device_attr attr;

	/* As KVM: only the process that created the VM drives it. */
	if (dev->vm->mm != current->mm || READ_ONCE(dev->vm->dead))
		return -EIO;
	switch (ioctl) {
	case KVM_SET_DEVICE_ATTR:
		fn = dev->ops->set_attr;
		break;
	case KVM_GET_DEVICE_ATTR:
		fn = dev->ops->get_attr;
		break;
	case KVM_HAS_DEVICE_ATTR:
		fn = dev->ops->has_attr;
		break;
	default:
		return -ENOTTY;
	}
	if (copy_from_user(&attr, (void __user *)arg, sizeof(attr)))
		return -EFAULT;
	return fn ? fn(dev, &attr) : -EPERM;
}

static const struct file_operations kvmlite_device_fops = {
	.owner		= THIS_MODULE,
	.release	= kvmlite_device_release,
	.unlocked_ioctl	= kvmlite_device_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/* KVM_CREATE_DEVICE: -ENODEV for a type the backend does not have. */
int kvmlite_create_device(struct kvmlite_vm *vm, void __user *argp)
{
	const struct kvmlite_device_ops *ops = NULL;
	struct kvmlite_device *dev;
	struct kvm_create_device cd;
	int fd, r;

	if (copy_from_user(&cd, argp, sizeof(cd)))
		return -EFAULT;
	if (kvmlite_arch_ops.device_ops)
		ops = kvmlite_arch_ops.device_ops(cd.type);
	if (!ops)
		return -ENODEV;
	if (cd.flags & KVM_CREATE_DEVICE_TEST)
		return 0;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL_ACCOUNT);
	if (!dev)
		return -ENOMEM;
	dev->vm = vm;
	dev->ops = ops;
	dev->type = cd.type;

	down_write(&vm->lock);
	r = ops->create(dev);
	if (r) {
		up_write(&vm->lock);
		kfree(dev);
		return r;
	}
	list_add(&dev->node, &vm->devices);
	up_write(&vm->lock);

	/* The fd's reference; the device itself stays until the VM goes. */
	refcount_inc(&vm->users);
	fd = anon_inode_getfd(ops->name, &kvmlite_device_fops, dev,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		down_write(&vm->lock);
		list_del(&dev->node);
		up_write(&vm->lock);
		ops->destroy(dev);
		kfree(dev);
		kvmlite_vm_put(vm);
		return fd;
	}
	cd.fd = fd;
	if (put_user(fd, &((struct kvm_create_device __user *)argp)->fd)) {
		/* The fd is installed: closing it is userspace's business. */
		return -EFAULT;
	}
	return 0;
}

/* With the VM: every device, newest first (as kvm_destroy_devices()). */
void kvmlite_devices_destroy(struct kvmlite_vm *vm)
{
	struct kvmlite_device *dev, *tmp;

	list_for_each_entry_safe(dev, tmp, &vm->devices, node) {
		list_del(&dev->node);
		dev->ops->destroy(dev);
		kfree(dev);
	}
}
