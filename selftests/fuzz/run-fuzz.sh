#!/usr/bin/env bash
# run-fuzz.sh SECONDS TARGET... - run each libFuzzer target for SECONDS from
# its corpus in the tree (selftests/fuzz/corpus/NAME, read-only) plus the
# inputs it found before (build/fuzz/corpus-NAME); TAP on stdout and in
# build/results/fuzz.tap: one line per target, with executions, coverage
# and crashes. A crash, leak, sanitizer report or timeout fails the target;
# its input is kept as build/fuzz/NAME-crash-*.
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=$1
shift
out=build/results/fuzz.tap
mkdir -p build/results build/fuzz
: >"$out"
n=0 failed=0
for t in "$@"; do
	name=$(basename "$t")
	tree=selftests/fuzz/corpus/$name
	work=build/fuzz/corpus-$name
	log=build/fuzz/$name.log
	mkdir -p "$work"
	seeds=$(find "$tree" -type f 2>/dev/null | wc -l)
	timeout -k 10 $((secs * 3 + 60)) "$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
		-artifact_prefix="build/fuzz/$name-" "$work" "$tree" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	corpus=$(find "$work" -type f | wc -l)
	n=$((n + 1))
	desc="$name: ${execs:-0} executions in ${secs} s, coverage ${cov:-?} edges / ${ft:-?} features, $seeds seeds, $corpus inputs in the work corpus"
	if [ $rc -eq 0 ] && [ -n "$execs" ] && [ "$execs" -gt 0 ]; then
		echo "ok $n - $desc, 0 crashes" | tee -a "$out"
	else
		failed=$((failed + 1))
		echo "not ok $n - $desc: exit $rc, $(grep -m1 -E 'ERROR|SUMMARY|deadly' "$log")" | tee -a "$out"
		sed -n '/ERROR/,/SUMMARY/p' "$log" | head -40 | sed 's/^/# /' | tee -a "$out"
	fi
done
echo "1..$n" | tee -a "$out"
[ $failed -eq 0 ]
