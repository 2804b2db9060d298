#!/usr/bin/env bash
# check.sh - everything `make check` runs: build, core unit tests (plain and
# under ASan/UBSan), replay tests, and the VM selftests on every supported
# kernel: the whole suite on 6.1 and 6.12, the datapath, routes and alerts
# tests on 6.12 PREEMPT_RT, and the tests that once failed on a busy
# machine with stress-ng loading the host, and (with NFSK_CHECK_DEBUG=1) a
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
# injection), with NFSK_CHECK_DEBUG=1: scripts/debug-subset.sh builds it
# and then runs its subset, the whole chain in the background from the
# start, at the same priority as the rest (it is the run's longest path).
# In a session of its own, so that an early end of check.sh ends it (by
# its process group). It must end before NFSK_CHECK_BUDGET (default 80
# minutes from the start; CI stops a job at 90): a run cut there fails.
# Off by default: measured in a fresh-clone run, the chain had passed 334
# checks at 36 minutes (its last test still running), but a 6.1 suite
# beside it ran at half its speed
# (539 checks in 23 minutes; alone, 1094 in 18), which puts the whole run
# near 80 minutes, too near CI's 90 (README "Tests").
check_debug=${NFSK_CHECK_DEBUG:-0}
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
	[ -z "${debug_pid:-}" ] || kill -- -"$debug_pid" 2>/dev/null
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
for s in "${vm_series[@]}"; do
	step "VM selftests on ${kver[$s]}" "vm-$s.tap" vm_suite "$s"
done
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
	echo "vm ${kver[$s]}: $p passed, $n failed (${step_secs["VM selftests on ${kver[$s]}"]:-0} s)"
done
if [ "$check_debug" = 1 ]; then
	f=$res/vm-debug.tap
	p=0 n=0
	[ -f "$f" ] && read -r p n _ < <(tap_counts "$f")
	for t in "${extra[@]}"; do [ "$t" = vm-debug.tap ] && n=$((n + 1)); done
	read -r b u <<<"$debug_secs"
	echo "vm debug: $p passed, $n failed (build $b s, tests $u s; waited ${step_secs[$debug_name]:-0} s at the end)"
else
	echo "vm debug: not run (NFSK_CHECK_DEBUG=1 make check runs the subset; make check-debug the whole suite)"
fi
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
