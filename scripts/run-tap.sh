#!/usr/bin/env bash
# run-tap.sh SUITE PROG... - run TAP-emitting programs, keep their output in
# build/results/SUITE.tap, and fail if any program fails or prints "not ok".
set -uo pipefail
suite=$1
shift
out=build/results/$suite.tap
mkdir -p build/results
: >"$out"
rc=0
for prog in "$@"; do
	echo "# $suite: $prog" | tee -a "$out"
	"$prog" 2>&1 | tee -a "$out"
	st=${PIPESTATUS[0]}
	if [ "$st" -ne 0 ]; then
		echo "not ok - $(basename "$prog") exited with status $st" | tee -a "$out"
		rc=1
	fi
done
grep -q '^not ok' "$out" && rc=1
exit $rc
