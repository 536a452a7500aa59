#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of kvmlite-run and its guests on $KVMLITE_DEV (default
# /dev/kvmlite): each guest must print what it should and power off. KTAP
# output with kselftest's totals line, for run_kselftest.sh.
dev=${KVMLITE_DEV:-/dev/kvmlite}
here=$(cd "$(dirname "$0")" && pwd)
n=0 pass=0 fail=0

check() {	# NAME EXPECTED-TEXT [kvmlite-run options]
	name=$1 want=$2
	shift 2
	n=$((n + 1))
	out=$("$here/kvmlite-run" --dev "$dev" --timeout 120 "$@" "$here/$name.bin" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	if [ "$rc" = 0 ] && echo "$out" | grep -q "$want" &&
	   echo "$out" | grep -q 'powered off (PSCI SYSTEM_OFF)'; then
		echo "ok $n $name"
		pass=$((pass + 1))
	else
		echo "not ok $n $name # exit $rc"
		fail=$((fail + 1))
	fi
}

echo "TAP version 13"
echo "1..3"
check hello "Hello from a kvmlite-run guest!"
check irq "irq: 20 timer interrupts"
check memtest "memtest: all passes ok" --mem 16
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
