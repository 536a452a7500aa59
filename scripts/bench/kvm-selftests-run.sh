#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kvm-selftests-run.sh [-l LABEL] [-a ARGS_FILE] [-t SECONDS] [-b SECONDS] DIR [TEST...]: run the
# upstream KVM selftests in DIR (as scripts/bench/kvm-selftests-build installs
# them: the programs and `tests`, their names) inside a bench machine, against
# /dev/kvm, each under busybox `timeout`. Runs inside the machine (busybox sh);
# scripts/bench/kvm-selftests adds it with vm-run --add.
#
#   -l LABEL      the device's name in the result lines (default: kvm)
#   -a ARGS_FILE  per-test arguments and timeouts, lines "TEST [timeout=S] ARGS... # reason"
#                 (other KEY=VALUE words, e.g. freezes=kvm, are for the host)
#   -t SECONDS    timeout of a test the arguments file gives none (default 60)
#   -b SECONDS    print a heartbeat line "==KVMST-HB== UPTIME" every SECONDS (the
#                 host's sign that the machine has not frozen)
#   TEST...       run these (default: every test in DIR/tests, in that order)
#
# Prints each test's output (its tail when it passes or skips) as "# " lines (each
# ended, even the last without a newline) and
# one result line per test for the host:
#   ==KVMST== LABEL TEST RESULT SECONDS rc=N
# RESULT is PASS (exit 0), SKIP (exit 4, kselftest's skip), TIMEOUT (killed by
# `timeout`, a failure) or FAIL (any other status). SECONDS is wall time on the
# machine's clock, to 0.1 s.
label=kvm
argsfile=
deftimeout=60
heartbeat=
while [ $# -gt 0 ]; do
	case "$1" in
	-l) label=$2; shift 2 ;;
	-a) argsfile=$2; shift 2 ;;
	-t) deftimeout=$2; shift 2 ;;
	-b) heartbeat=$2; shift 2 ;;
	*) break ;;
	esac
done
dir=${1:?usage: kvm-selftests-run.sh [-l LABEL] [-a ARGS_FILE] [-t SECONDS] [-b SECONDS] DIR [TEST...]}
shift
dir=$(cd "$dir" && pwd)
# shellcheck disable=SC2046
[ $# -gt 0 ] || set -- $(cat "$dir/tests")

now() { cut -d' ' -f1 /proc/uptime; }

# A failed assertion runs addr2line on its backtrace: the machine has none, and the
# programs are stripped. A silent stand-in keeps "not found" out of the output.
stub=/tmp/kvmst-bin
mkdir -p "$stub"
printf '#!/bin/sh\n' > "$stub/addr2line"
chmod +x "$stub/addr2line"
PATH=$stub:$PATH

hbpid=
if [ -n "$heartbeat" ]; then
	while :; do
		sleep "$heartbeat"
		echo "==KVMST-HB== $(now)"
	done &
	hbpid=$!
fi

for t in "$@"; do
	args=
	to=$deftimeout
	if [ -n "$argsfile" ]; then
		line=$(grep "^${t}[[:space:]]" "$argsfile" | head -n 1)
		line=${line%%#*}
		for w in ${line#"$t"}; do
			case "$w" in
			timeout=*) to=${w#timeout=} ;;
			freezes=*) ;;
			*) args="$args $w" ;;
			esac
		done
	fi
	echo "# ==== $t$args (timeout ${to}s)"
	if [ ! -x "$dir/$t" ]; then
		echo "# no such test program"
		echo "==KVMST== $label $t FAIL 0.0 rc=127"
		continue
	fi
	out=/tmp/kvmst.$$
	t0=$(now)
	# shellcheck disable=SC2086
	(cd "$dir" && exec timeout -s KILL "$to" "./$t" $args) > "$out" 2>&1 < /dev/null
	rc=$?
	t1=$(now)
	# Processes the test left (a killed test's children keep their vCPUs
	# running and slow down the tests after it).
	comm=$(printf '%s' "$t" | cut -c1-15)
	for d in /proc/[0-9]*; do
		c=
		read -r c 2>/dev/null < "$d/comm"
		[ "$c" = "$comm" ] && kill -9 "${d#/proc/}" 2>/dev/null
	done
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	late=$(awk -v s="$secs" -v to="$to" 'BEGIN { print (s >= to - 1) ? 1 : 0 }')
	# busybox timeout execs the test and has the signal sent to it: the status
	# is then 128 + SIGKILL (137), not coreutils' 124.
	case "$rc" in
	0) res=PASS ;;
	4) res=SKIP ;;
	124) res=TIMEOUT ;;
	137) [ "$late" = 1 ] && res=TIMEOUT || res=FAIL ;;
	*) res=FAIL ;;
	esac
	case "$res" in
	PASS|SKIP) tail -n 3 "$out" | awk '{ print "#   " $0 }' ;;
	*) tail -n 40 "$out" | awk '{ print "#   " $0 }' ;;
	esac
	rm -f "$out"
	echo "==KVMST== $label $t $res $secs rc=$rc"
done
[ -z "$hbpid" ] || kill "$hbpid"
