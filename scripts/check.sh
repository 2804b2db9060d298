#!/usr/bin/env bash
# check.sh - everything `make check` runs: build, core unit tests (plain and
# under ASan/UBSan), VM selftests. Ends with one line "N passed, N failed"
# (", N skipped" when any) and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
res=build/results
rm -rf "$res"
mkdir -p "$res"
start=$SECONDS

step() {
	local name=$1
	shift
	echo "== $name"
	if "$@"; then
		echo "ok - $name" >>"$res/steps.tap"
	else
		echo "not ok - $name" >>"$res/steps.tap"
	fi
}

step "build module and tools" make --no-print-directory all test-tools
step "core unit tests" make --no-print-directory check-core
step "core unit tests under ASan/UBSan" make --no-print-directory check-asan
step "replay tests" bash -c 'set -o pipefail; selftests/replay/test_replay.sh | tee build/results/replay.tap'
step "VM selftests" bash -c 'set -o pipefail; scripts/vm-run.sh | tee build/results/vm.tap'
step "packaging tests" bash -c 'set -o pipefail; selftests/pkg/test_pkg.sh | tee build/results/pkg.tap'

# Count every TAP result line of every suite; a step that failed without a
# TAP line of its own (e.g. a build error) still counts as one failure.
passed=0 failed=0 skipped=0
for f in "$res"/*.tap; do
	[ "$f" = "$res/steps.tap" ] && continue
	p=$(grep -E '^ok ' "$f" | grep -vc '# SKIP')
	s=$(grep -E '^ok ' "$f" | grep -c '# SKIP')
	n=$(grep -cE '^not ok' "$f")
	passed=$((passed + p))
	skipped=$((skipped + s))
	failed=$((failed + n))
done
while read -r line; do
	case $line in
	"not ok - "*)
		name=${line#not ok - }
		echo "failed step: $name"
		# Only add when the step left no failing TAP line to count.
		case $name in
		"build module and tools") failed=$((failed + 1)) ;;
		"core unit tests") grep -q '^not ok' "$res/core.tap" 2>/dev/null || failed=$((failed + 1)) ;;
		"core unit tests under ASan/UBSan") grep -q '^not ok' "$res/asan.tap" 2>/dev/null || failed=$((failed + 1)) ;;
		"replay tests") grep -q '^not ok' "$res/replay.tap" 2>/dev/null || failed=$((failed + 1)) ;;
		"VM selftests") grep -q '^not ok' "$res/vm.tap" 2>/dev/null || failed=$((failed + 1)) ;;
		esac
		;;
	esac
done <"$res/steps.tap"

echo "check took $((SECONDS - start)) s"
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
