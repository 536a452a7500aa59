// SPDX-License-Identifier: GPL-2.0
/*
 * kvmlite core: irqfd, ioeventfd, GSI routing and KVM_SIGNAL_MSI.
 *
 * (Skeleton: filled in by the eventfd work.)
 */
#include <linux/errno.h>

#include "kvmlite.h"

long kvmlite_eventfd_ioctl(struct kvmlite_vm *vm, unsigned int ioctl,
			   void __user *argp)
{
	return -EINVAL;
}

long kvmlite_eventfd_caps(long ext)
{
	return 0;
}

int kvmlite_eventfd_init(struct kvmlite_vm *vm)
{
	return 0;
}

void kvmlite_eventfd_release(struct kvmlite_vm *vm)
{
}

int kvmlite_irq_routing_default(struct kvmlite_vm *vm, u32 nr_pins)
{
	return 0;
}

void kvmlite_irq_acked(struct kvmlite_vm *vm, u32 irqchip, u32 pin)
{
}

bool kvmlite_ioeventfd_write(struct kvmlite_vm *vm, bool pio, u64 addr,
			     u32 len, const void *val)
{
	return false;
}
