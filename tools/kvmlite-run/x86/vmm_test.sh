#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of kvmlite-run-x86 and its guests on $KVMLITE_DEV (default
# /dev/kvmlite): each guest must print what it should and power off with
# status 0. KTAP output with kselftest's totals line, for run_kselftest.sh.
dev=${KVMLITE_DEV:-/dev/kvmlite}
here=$(cd "$(dirname "$0")" && pwd)
n=0 pass=0 fail=0

check() {	# NAME EXPECTED-TEXT
	n=$((n + 1))
	out=$("$here/kvmlite-run-x86" --dev "$dev" --timeout 60 "$here/$1.bin" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	if [ "$rc" = 0 ] && echo "$out" | grep -q "$2" &&
	   echo "$out" | grep -q 'powered off (status 0)'; then
		echo "ok $n $1"
		pass=$((pass + 1))
	else
		echo "not ok $n $1 # exit $rc"
		fail=$((fail + 1))
	fi
}

echo "TAP version 13"
echo "1..2"
check hello "Hello from a kvmlite-run x86 guest!"
check irq "irq: 20 timer interrupts"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
