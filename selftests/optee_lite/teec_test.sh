#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# teec_test: runs teec/teec_test, a client of Debian's unmodified libteec, with
# the loader and libraries it was built for (teec/lib: the cross toolchain's
# glibc and libteec.so.1), which the bench machine does not have in /lib.
d=$(cd "$(dirname "$0")" && pwd)/teec
export TEEC_KIT="$d"
exec "$d/lib/ld-linux-aarch64.so.1" --library-path "$d/lib" "$d/teec_test" "$@"
