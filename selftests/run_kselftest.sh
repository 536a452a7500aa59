#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run_kselftest.sh [-l LABEL] [-t PROG] DIR...: run the kselftest programs
# listed in DIR/tests (as installed by `make install`; with -t only PROG),
# printing KTAP, and one summary line per program for the host:
#   ==KSFT== LABEL/PROG pass=P fail=F skip=S rc=R
# A program that ends without its harness totals counts as one failure.
label= only=
while [ $# -gt 1 ]; do
	case "$1" in
	-l) label=$2; shift 2 ;;
	-t) only=$2; shift 2 ;;
	*) break ;;
	esac
done
here=$(cd "$(dirname "$0")" && pwd)
# The programs of DIR to run.
progs() {
	if [ -n "$only" ]; then
		grep -x -- "$only" "$here/$1/tests"
	else
		cat "$here/$1/tests"
	fi
}
n=0
total=0
for dir in "$@"; do
	total=$((total + $(progs "$dir" | wc -l)))
done
echo "TAP version 13"
echo "1..$total"
for dir in "$@"; do
	for t in $(progs "$dir"); do
		n=$((n + 1))
		name="${label:+$label:}$dir/$t"
		echo "# selftests: $name"
		out=/tmp/ksft.$$
		(cd "$here/$dir" && "./$t") > "$out" 2>&1
		rc=$?
		sed 's/^/# /' "$out"
		tot=$(grep -o 'Totals: pass:[0-9]* fail:[0-9]* xfail:[0-9]* xpass:[0-9]* skip:[0-9]* error:[0-9]*' "$out" | tail -n 1)
		rm -f "$out"
		if [ -n "$tot" ]; then
			p=$(echo "$tot" | sed 's/.*pass:\([0-9]*\) fail.*/\1/')
			f=$(echo "$tot" | sed 's/.* fail:\([0-9]*\) .*/\1/')
			s=$(echo "$tot" | sed 's/.* skip:\([0-9]*\) .*/\1/')
			e=$(echo "$tot" | sed 's/.* error:\([0-9]*\).*/\1/')
			f=$((f + e))
		else
			p=0 f=1 s=0
		fi
		# Exit 4 is kselftest's "skipped"; any other failure status counts.
		[ "$rc" = 0 ] || [ "$rc" = 4 ] || [ "$f" != 0 ] || f=1
		if [ "$rc" = 0 ] || [ "$rc" = 4 ]; then
			echo "ok $n selftests: $name"
		else
			echo "not ok $n selftests: $name # exit=$rc"
		fi
		echo "==KSFT== $name pass=$p fail=$f skip=$s rc=$rc"
	done
done
