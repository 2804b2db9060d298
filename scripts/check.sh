#!/usr/bin/env bash
# check.sh - everything `make check` runs: build, core unit tests (plain and
# under ASan/UBSan), replay tests, and the VM selftests on every supported
# kernel: the whole suite on 6.1 and 6.12, the datapath, routes and alerts
# tests on 6.12 PREEMPT_RT, and the tests that once failed on a busy
# machine with stress-ng loading the host, and (unless NFSK_CHECK_DEBUG=0) a
# subset of the suite on the debug kernel (KASAN, lockdep, kmemleak, UBSAN,
# DEBUG_OBJECTS, fault injection), built and run in the background from the
# start (scripts/debug-subset.sh).
# Each suite's TAP goes to build/results/*.tap.
# Ends with each step's wall seconds, one line per kernel ("vm KVER: N
# passed, N failed") and then "N passed, N failed" (", N skipped" when any)
# over every suite; exits non-zero on any failure.
#
# To add a step: `step NAME TAP CMD...`, TAP being the file under
# build/results/ the command writes its TAP to ("-" if none); a failing step
# that left no "not ok" line there counts as one failure.
set -uo pipefail
cd "$(dirname "$0")/.."
res=build/results
rm -rf "$res"
mkdir -p "$res"
start=$SECONDS

# The kernels, each passed explicitly to make: the Makefile's default KVER
# is the running kernel (a router's), not a test kernel.
declare -A kver
for s in 6.1 6.12 6.12-rt; do
	kver[$s]=$(scripts/guest-kver.sh "$s") || kver[$s]=missing-$s
done
# The VM suites: series and tests (empty: all of selftests/vm/).
vm_series=(6.1 6.12 6.12-rt)
declare -A vm_tests=([6.1]="" [6.12]="" [6.12-rt]="test_datapath test_routes test_alerts")
# Bounds on one VM run (the whole suite in one boot) and on one test in it,
# not estimates:
# emulation on a loaded host is slow.
vm_timeout=${NFSK_VM_TIMEOUT:-3600}
export NFSK_TEST_TIMEOUT=${NFSK_TEST_TIMEOUT:-900}

# The debug kernel (KASAN, lockdep, kmemleak, UBSAN, DEBUG_OBJECTS, fault
# injection): scripts/debug-subset.sh builds it (a cold build is ~2450 CPU
# s) and then runs its subset, the whole chain in the background from the
# start, at the same priority as the rest: it is the longest path of the
# run, and the steps below leave CPU idle (fuzzers and tests of one core,
# guests waiting). In a session of its own, so that an early end of
# check.sh ends it (by its process group). It must end before
# NFSK_CHECK_BUDGET (default 80 minutes from the start; CI stops a job at
# 90): a run cut there fails. NFSK_CHECK_DEBUG=0 leaves it out.
check_debug=${NFSK_CHECK_DEBUG:-1}
check_budget=${NFSK_CHECK_BUDGET:-4800}
debug_name="VM selftests on the debug kernel (faults sampled, test_module, test_unload, test_netns_monitor)"
if [ "$check_debug" = 1 ]; then
	setsid env NFSK_NICE=0 scripts/debug-subset.sh "$res" $(($(date +%s) + check_budget)) </dev/null >/dev/null 2>&1 &
	debug_pid=$!
fi

declare -A step_tap step_secs
steps=()
step() {
	local name=$1 tap=$2 t0=$SECONDS
	shift 2
	steps+=("$name")
	step_tap[$name]=$tap
	echo "== $name"
	if "$@"; then
		echo "ok - $name" >>"$res/steps.tap"
	else
		echo "not ok - $name" >>"$res/steps.tap"
	fi
	step_secs[$name]=$((SECONDS - t0))
	echo "# ${step_secs[$name]} s: $name" >>"$res/steps.tap"
}

# vm_suite SERIES: the VM selftests of SERIES on its kernel.
vm_suite() {
	local s=$1 tests
	read -r -a tests <<<"${vm_tests[$s]}"
	scripts/vm-run.sh -t "$vm_timeout" -k "${kver[$s]}" "${tests[@]}" |
		tee "$res/vm-$s.tap"
}

# Two suites side by side (when the debug chain does not run): one suite's
# guest keeps about one of the 2 cores busy (its emulation: 255 CPU s in a 259 s run of test_datapath and
# test_alerts on an idle host), so a second suite runs beside it in the
# background, its output kept until it is waited for. The suites hold on a
# busy host (the load step below proves it under stress-ng), and this is
# one more such load. vm_suite_bg SERIES starts it; vm_suite_wait SERIES
# prints its TAP and returns its status; its own wall time goes to
# bg_secs[SERIES] (the step's time is only the wait).
declare -A bg_pid bg_secs
vm_suite_bg() {
	local s=$1 tests
	read -r -a tests <<<"${vm_tests[$s]}"
	setsid bash -c 'set -o pipefail; t0=$SECONDS out=$1 tap=$2; shift 2
		"$@" 2>"$out.err" | tee "$tap" >/dev/null
		echo "$? $((SECONDS - t0))" >"$out.status"' _ "$res/vm-$s" "$res/vm-$s.tap" \
		scripts/vm-run.sh -t "$vm_timeout" -k "${kver[$s]}" "${tests[@]}" </dev/null &
	bg_pid[$s]=$!
}
vm_suite_wait() {
	local s=$1 rc secs
	wait "${bg_pid[$s]}"
	cat "$res/vm-$s.err" "$res/vm-$s.tap" 2>/dev/null
	read -r rc secs 2>/dev/null <"$res/vm-$s.status" || { rc=1 secs=0; }
	bg_secs[$s]=$secs
	echo "# VM selftests on ${kver[$s]}: $secs s, side by side with the suite before"
	return "$rc"
}

# debug_wait: wait for the debug chain and print its TAP; its own times
# go to debug_secs ("BUILD SUITE" seconds).
debug_secs="0 0"
debug_wait() {
	local rc build suite
	wait "$debug_pid"
	cat "$res/debug-kernel-build.log" "$res/vm-debug.tap" 2>/dev/null
	read -r rc build suite 2>/dev/null <"$res/debug.status" || { rc=1 build=0 suite=0; }
	debug_secs="$build $suite"
	echo "# debug kernel: build $build s, then its tests $suite s, beside the steps before"
	return "$rc"
}

# An early end (CI's time limit, ^C) ends what runs in the background too:
# each in a session of its own, ended by its process group.
end_background() {
	local p
	for p in ${debug_pid:-} "${bg_pid[@]}"; do kill -- -"$p" 2>/dev/null; done
}
trap end_background EXIT

k=${kver[6.1]}
step "build module and tools" - make --no-print-directory KVER="$k" all test-tools
for s in "${vm_series[@]}"; do
	step "build module for ${kver[$s]}" - scripts/kmod-build.sh -q "${kver[$s]}"
done
step "core unit tests" core.tap make --no-print-directory KVER="$k" check-core
step "core unit tests under ASan/UBSan" asan.tap make --no-print-directory KVER="$k" check-asan
step "replay tests" replay.tap bash -c 'set -o pipefail; selftests/replay/test_replay.sh | tee build/results/replay.tap'
step "detection evaluation, short form of make eval" eval.tap make --no-print-directory KVER="$k" check-eval
step "netlink spec vs header, tunables, module, CLI, libnl client" spec.tap bash -c 'set -o pipefail; selftests/spec/test_spec.sh | tee build/results/spec.tap'
step "fuzz the tunables and the CLI's reply parsing (libFuzzer)" fuzz.tap make --no-print-directory KVER="$k" check-fuzz
step "Prometheus alerting rules (promtool)" prometheus.tap bash -c 'set -o pipefail; selftests/prometheus/test_rules.sh | tee build/results/prometheus.tap'
step "packaging tests" pkg.tap bash -c 'set -o pipefail; selftests/pkg/test_pkg.sh | tee build/results/pkg.tap'
# One suite after the other beside the debug chain (one guest's core each,
# as under the load step's stress-ng); without it, 6.12's suite beside
# 6.1's and 6.12-rt's (see vm_suite_bg).
if [ "$check_debug" = 1 ]; then
	for s in "${vm_series[@]}"; do
		step "VM selftests on ${kver[$s]}" "vm-$s.tap" vm_suite "$s"
	done
else
	vm_suite_bg 6.12
	step "VM selftests on ${kver[6.1]}" vm-6.1.tap vm_suite 6.1
	step "VM selftests on ${kver[6.12-rt]}" vm-6.12-rt.tap vm_suite 6.12-rt
	step "VM selftests on ${kver[6.12]}" vm-6.12.tap vm_suite_wait 6.12
fi
# The tests that once failed on a busy machine, again with the host's CPUs
# loaded (a test of the tests: none may depend on the guest's speed).
step "VM selftests under stress-ng --cpu 2 on ${kver[6.1]}" load.tap bash -c \
	'set -o pipefail; NFSK_KVER="$1" selftests/load/test_under_load.sh | tee build/results/load.tap' _ "${kver[6.1]}"
if [ "$check_debug" = 1 ]; then
	step "$debug_name" vm-debug.tap debug_wait
fi

# tap_counts FILE: "passed failed skipped" of one TAP file.
tap_counts() {
	local p s n
	p=$(grep -E '^ok ' "$1" | grep -vc '# SKIP')
	s=$(grep -E '^ok ' "$1" | grep -c '# SKIP')
	n=$(grep -cE '^not ok' "$1")
	echo "$p $n $s"
}

# Count every TAP result line of every suite; a step that failed without a
# TAP line of its own (e.g. a build error) still counts as one failure.
passed=0 failed=0 skipped=0
for f in "$res"/*.tap; do
	[ "$f" = "$res/steps.tap" ] && continue
	read -r p n s < <(tap_counts "$f")
	passed=$((passed + p))
	skipped=$((skipped + s))
	failed=$((failed + n))
done
extra=()
while read -r line; do
	case $line in
	"not ok - "*)
		name=${line#not ok - }
		echo "failed step: $name"
		tap=${step_tap[$name]}
		if [ "$tap" = - ] || ! grep -q '^not ok' "$res/$tap" 2>/dev/null; then
			failed=$((failed + 1))
			extra+=("$tap")
		fi
		;;
	esac
done <"$res/steps.tap"

# Where the time went: each step's wall seconds, in the order run (also
# in steps.tap as comments), so that one CI log gives the breakdown.
echo "wall seconds by step:"
for name in "${steps[@]}"; do
	st=ok
	grep -qxF "not ok - $name" "$res/steps.tap" && st=FAILED
	printf '%6d s  %-6s %s\n' "${step_secs[$name]}" "$st" "$name"
done
echo "check took $((SECONDS - start)) s"
for s in "${vm_series[@]}"; do
	f=$res/vm-$s.tap
	p=0 n=0
	[ -f "$f" ] && read -r p n _ < <(tap_counts "$f")
	# a suite that died without a failing TAP line counts as one failure
	for t in "${extra[@]}"; do [ "$t" = "vm-$s.tap" ] && n=$((n + 1)); done
	echo "vm ${kver[$s]}: $p passed, $n failed (${bg_secs[$s]:-${step_secs["VM selftests on ${kver[$s]}"]:-0}} s)"
done
if [ "$check_debug" = 1 ]; then
	f=$res/vm-debug.tap
	p=0 n=0
	[ -f "$f" ] && read -r p n _ < <(tap_counts "$f")
	for t in "${extra[@]}"; do [ "$t" = vm-debug.tap ] && n=$((n + 1)); done
	read -r b u <<<"$debug_secs"
	echo "vm debug: $p passed, $n failed (build $b s, tests $u s; waited ${step_secs[$debug_name]:-0} s at the end)"
else
	echo "vm debug: not run (NFSK_CHECK_DEBUG=0; make check-debug runs the whole suite on it)"
fi
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
