#!/bin/bash
# Every prefix that crosses the RFC 2439 suppress threshold is named: its
# own ROUTE_FLAP alert (or a counted drop), and `routes --suppressed` lists
# it with penalty and reuse time. Oracles: the prefixes the test flapped
# (set membership, three withdraws each = penalty 3,000, reuse after two
# half-lives = 1,800 s), the flap table's capacity (1,024) for how many of
# 2,000 can be tracked. (bird2's protocol: test_route_bird.sh.)
. "$(dirname "$0")/lib.sh"

load_module || { not_ok "insmod"; tap_done; exit 1; }
echo 500 >/sys/kernel/nfsketch/window_ms

# setup NS: a dummy interface with 10.50.0.1/24
setup() {
	ip -n "$1" link add dummy0 type dummy
	ip -n "$1" link set dummy0 up
	ip -n "$1" addr add 10.50.0.1/24 dev dummy0
}
# prefixes N: 10.(100 + i / 256).(i % 256).0/24 for i < N
prefixes() {
	local i
	for ((i = 0; i < $1; i++)); do echo "10.$((100 + i / 256)).$((i % 256)).0/24"; done
}
# flap NS N ROUNDS: add the N prefixes, then ROUNDS x (delete all, add all)
flap() {
	local ns=$1 n=$2 r
	prefixes "$n" | sed 's|^|route add |; s|$| via 10.50.0.2|' >"$tmp/add"
	prefixes "$n" | sed 's|^|route del |' >"$tmp/del"
	ip -n "$ns" -batch "$tmp/add"
	for ((r = 0; r < $3; r++)); do
		ip -n "$ns" -batch "$tmp/del"
		ip -n "$ns" -batch "$tmp/add"
	done
}
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

# start_monitor NS FILE: `nfsketch -j monitor` into FILE, ended on exit
# (its warnings, e.g. a receive buffer overrun, into FILE.err)
start_monitor() {
	ip netns exec "$1" "$NFSK" -j monitor >"$2" 2>"$2.err" &
	on_exit kill $!
}
# overrun FILE: the monitor's socket overflowed (events lost to the
# listener, after nfsketch sent them: the kernel cannot count those)
overrun() { grep -q "events lost" "$1.err"; }
# exact DESC CMD...: CMD must succeed, unless the listener overflowed: then
# the exact naming cannot be checked from the monitor (TAP SKIP, said why)
exact() {
	local desc=$1 mon=$2
	shift 2
	if "$@"; then
		ok "$desc"
	elif overrun "$mon"; then
		tap_n=$((tap_n + 1))
		echo "ok $tap_n - $desc # SKIP monitor socket overrun: $(cat "$mon.err" | tail -n 1)"
	else
		not_ok "$desc"
	fi
}
# named FILE: distinct prefixes of the ROUTE_FLAP alerts in FILE
named() {
	jq -r 'select(.type == "alert" and .alert.flag == "ROUTE_FLAP") |
		.alert.route.prefix' "$1" | sort -u
}
alerts() {
	jq -r 'select(.type == "alert" and .alert.flag == "ROUTE_FLAP") |
		.alert.route.prefix' "$1" | wc -l
}
all_named() {	# NS FILE: every crossing named or counted as dropped
	local c d
	c=$(stat "$1" flap_crossings)
	d=$(stat "$1" alerts_dropped)
	[ "$c" -gt 0 ] && [ $(($(named "$2" | wc -l) + d)) -ge "$c" ]
}

# ---- 200 prefixes: all fit the table; every one named, exactly once ----
s=$(make_ns flap200)
setup "$s"
start_monitor "$s" "$tmp/mon200"
check "monitor listening" wait_windows "$s" 2
flap "$s" 200 3
exact "200: every crossing named" "$tmp/mon200" wait_for 60 all_named "$s" "$tmp/mon200"
check_eq "200: prefixes became suppressed" 200 "$(stat "$s" flap_crossings)"
check_eq "200: suppressed now" 200 "$(stat "$s" suppressed)"
prefixes 200 | sort -u >"$tmp/flapped200"
named "$tmp/mon200" >"$tmp/named200"
exact "200: one ROUTE_FLAP alert per prefix, each a flapped prefix" "$tmp/mon200" \
	cmp -s "$tmp/flapped200" "$tmp/named200"
check_eq "200: every named prefix was flapped" "" "$(comm -13 "$tmp/flapped200" "$tmp/named200")"
check_eq "200: no prefix named twice" "$(wc -l <"$tmp/named200")" "$(alerts "$tmp/mon200")"
check_eq "200: no alert dropped" 0 "$(stat "$s" alerts_dropped)"
ip netns exec "$s" "$NFSK" -j routes --suppressed >"$tmp/sup200"
check_eq "200: routes --suppressed lists the flapped prefixes" \
	"$(prefixes 200 | sort -u)" "$(jq -r '.[].prefix' "$tmp/sup200" | sort -u)"
# penalty: three withdraws (3,000) less the decay of the test's minutes;
# reuse: when it has decayed to flap_reuse, h * log2(penalty / 750) with
# h = 900 s, computed here in floating point
check_eq "200: penalties 3,000 less decay, reuse at h log2(p / 750)" 200 \
	"$(jq '[.[] | select(.penalty >= 2500 and .penalty <= 3000 and
		((.reuse_ns / 1e9) - 900 * ((.penalty / 750) | log2) | fabs) < 2)] |
		length' "$tmp/sup200")"
ip netns exec "$s" "$NFSK" routes --suppressed | head -n 2 | sed 's/^/# /'

check "rmmod" unload_module
tap_done
