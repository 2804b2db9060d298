#!/bin/bash
# Every prefix that crosses the RFC 2439 suppress threshold is named: its
# own ROUTE_FLAP alert (or a counted drop), and `routes --suppressed` lists
# it with penalty and reuse time. Oracles: the prefixes the test flapped
# (set membership, three withdraws each = penalty 3,000, reuse after two
# half-lives = 1,800 s). 2,000 prefixes: test_route_flap2k.sh. (bird2's
# protocol: test_route_bird.sh.)
. "$(dirname "$0")/lib.sh"

load_module || { not_ok "insmod"; tap_done; exit 1; }
echo 500 >/sys/kernel/nfsketch/window_ms

. "$(dirname "$0")/route_flap_lib.sh"

# ---- 200 prefixes: every one named, exactly once ----
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
