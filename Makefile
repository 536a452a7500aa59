# SPDX-License-Identifier: GPL-2.0
#
# kvmlite + optee_lite. Kbuild does the module build; this Makefile wraps it for
# the running kernel (or KDIR) and drives the test bench.

KDIR ?= /lib/modules/$(shell uname -r)/build
ARCH ?= $(shell uname -m | sed -e 's/aarch64/arm64/')
PWD := $(shell pwd)

ifeq ($(ARCH),arm64)
MODULE_CONFIG := CONFIG_KVMLITE=m CONFIG_OPTEE_LITE=m
else
MODULE_CONFIG := CONFIG_KVMLITE=m
endif

# Bench machine for shell/demo: arm64 unless ARCH=x86_64 is given explicitly
# (not the host's architecture, which is x86_64 on the bench's own machines).
ifeq ($(origin ARCH),file)
BENCH_ARCH := arm64
else
BENCH_ARCH := $(if $(filter x86 x86_64,$(ARCH)),x86_64,arm64)
endif

all: module

module:
	$(MAKE) -C $(KDIR) M=$(PWD) $(MODULE_CONFIG) modules

module-debug:
	$(MAKE) -C $(KDIR) M=$(PWD) $(MODULE_CONFIG) W=1 ccflags-y=-DDEBUG modules

module-install:
	$(MAKE) -C $(KDIR) M=$(PWD) $(MODULE_CONFIG) modules_install
	depmod -a

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean

# sparse on the modules (against KDIR).
sparse:
	$(MAKE) -C $(KDIR) M=$(PWD) $(MODULE_CONFIG) C=2 modules

# checkpatch of every C file of the project (uses the bench's kernel sources).
style:
	scripts/bench/style

DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
dkms-install:
	dkms remove kvmlite/$(DKMS_VERSION) --all 2>/dev/null || true
	rm -rf /usr/src/kvmlite-$(DKMS_VERSION)
	mkdir -p /usr/src/kvmlite-$(DKMS_VERSION)
	cp -r Kbuild Kconfig Makefile dkms.conf kvmlite optee_lite uapi /usr/src/kvmlite-$(DKMS_VERSION)/
	dkms install kvmlite/$(DKMS_VERSION)

# The test bench (see README.md): everything, both machines.
check:
	scripts/check

# An interactive shell in a bench machine with the modules loaded.
shell:
	scripts/vm-run --arch $(BENCH_ARCH) --shell

demo:
	scripts/demo --arch $(BENCH_ARCH)

# Benchmarks on the arm64 bench machine under QEMU -icount: kvmlite against the
# in-kernel KVM, then optee_lite against the upstream optee driver, then the
# wall time of Debian's QEMU booting a small guest on each (nested-bench).
# ARCH=x86_64 runs scripts/bench/x86-bench instead: kvmlite's VMX backend
# against kvm_intel in the Bochs machine (exit round trips, Debian's QEMU boot).
bench:
ifeq ($(BENCH_ARCH),x86_64)
	scripts/bench/x86-bench
else
	scripts/benchmark
	scripts/bench/tee-bench
	scripts/bench/nested-bench
endif

# The slow suites (not in make check): all upstream KVM selftests on the in-kernel
# KVM and on kvmlite (arm64: 30; ARCH=x86_64: the 84 x86 ones, on kvm_intel in
# the Bochs machine), and Debian's own arm64 kernel booted by Debian's QEMU on
# both.
selftests-kvm:
	scripts/bench/kvm-selftests --arch $(BENCH_ARCH)

# QEMU's userspace GICv2 on arm64 (KVM, kvmlite): 14-17 minutes under TCG,
# outside make check's budget.
nested-slow:
	scripts/bench/nested-qemu --dev both

nested-debian:
	scripts/bench/nested-qemu --guest debian --dev both --append quiet --timeout 2400

# The project's fuzzers (selftests/fuzz) in the arm64 bench machine (KASAN,
# lockdep, kmemleak) and the x86 one: FUZZ_SECS=N (default 600) per boot,
# FUZZ_SEED=S to repeat a run, FUZZ_ONLY="kvm tee hostile x86" to choose boots.
fuzz:
	scripts/bench/fuzz

.PHONY: all module module-debug module-install clean sparse style dkms-install \
	check shell demo bench selftests-kvm nested-slow nested-debian fuzz
