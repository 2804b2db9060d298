#!/bin/bash
# Bad input over raw generic netlink (selftests/vm/nl_fuzz.py, stdlib
# python): each malformed request gets the expected errno and extack (message,
# bad-attribute offset or missing attribute); then 2000 seeded random
# messages are all answered; the module keeps working afterwards. The runner
# checks dmesg for splats.
. "$(dirname "$0")/lib.sh"

FUZZ=$NFSK_TOP/selftests/vm/nl_fuzz.py
PY=/usr/bin/python3
SEED=${NFSK_FUZZ_SEED:-20240601}

load_module || { not_ok "insmod"; tap_done; exit 1; }
echo 500 >/sys/kernel/nfsketch/window_ms

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

# run_py NS ARGS...: nl_fuzz.py in NS, its PASS/FAIL lines as TAP
run_py() {
	local ns=$1 rc
	shift
	ip netns exec "$ns" timeout 600 "$PY" "$FUZZ" "$@" >"$tmp/py.out" 2>&1
	rc=$?
	tap_from_py "$tmp/py.out"
	# exit 0, or 1 with the FAIL lines above: not a crash
	check_eq "nl_fuzz.py $1 exit status" "$(grep -q '^FAIL ' "$tmp/py.out" && echo 1 || echo 0)" "$rc"
}

a=$(make_ns a)
# QUERY reaches its handler's checks only once a window has closed
check "a window closed in a" wait_windows "$a" 1
run_py "$a" cases
# the fuzz sets random (valid) configurations: a namespace of its own
f=$(make_ns f)
run_py "$f" fuzz 2000 "$SEED"

# the module still answers, through the CLI too, here and in a new namespace
check "nfsketch stats in the fuzzed namespace" \
	sh -c "ip netns exec $f $NFSK -j stats | jq -e '.packets >= 0' >/dev/null"
b=$(make_ns b)
check "nfsketch stats in a new namespace" \
	sh -c "ip netns exec $b $NFSK -j stats | jq -e '.packets == 0' >/dev/null"
check "nfsketch config set in the fuzzed namespace" \
	ip netns exec "$f" "$NFSK" config set window_ms=500
check "windows still close in the other namespace" wait_windows "$a" 2 30
check "rmmod" rmmod nfsketch
tap_done
