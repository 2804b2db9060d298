#!/bin/bash
# 2,000 prefixes flapping in the same order (test_route_flap.sh has the
# 200-prefix case and the helpers' story). Every prefix that crosses the
# RFC 2439 suppress threshold is named by its own ROUTE_FLAP alert: none
# dropped, none left to a summary (the prefix alerts' queue is as large as
# the flap table, which keeps every suppressed prefix), and `routes
# --suppressed` lists it with penalty and reuse time. Oracles: the prefixes
# the test flapped (set membership, three withdraws each = penalty 3,000
# above the suppress threshold 2,000), the flap table's capacity (1,024)
# for how many of 2,000 can be tracked, the suppressed list (another path
# than the alerts) for which. (bird2's protocol: test_route_bird.sh.)
. "$(dirname "$0")/lib.sh"

load_module || { not_ok "insmod"; tap_done; exit 1; }
echo 500 >/sys/kernel/nfsketch/window_ms

. "$(dirname "$0")/route_flap_lib.sh"

# ---- 2,000 prefixes flapping in the same order, a 1,024-entry table ----
s=$(make_ns flap2k)
setup "$s"
start_monitor "$s" "$tmp/mon2k"
check "monitor listening" wait_windows "$s" 2
flap "$s" 2000 3
exact "2000: every crossing named or counted" "$tmp/mon2k" wait_for 120 all_named "$s" "$tmp/mon2k"
c=$(stat "$s" flap_crossings)
echo "# 2000 prefixes: $c kept their history and crossed; refused $(stat "$s" flap_refused)," \
	"evicted $(stat "$s" flap_evictions), alerts named $(named "$tmp/mon2k" | wc -l)," \
	"alerts dropped $(stat "$s" alerts_dropped), unnamed $(stat "$s" flap_unnamed)"
# the table holds 1,024 in sets of 8: at least 80 % of it kept (the former
# rule kept 1.5 % of the 2,000)
check "2000: most of the table keeps its flappers ($c >= 820)" test "$c" -ge 820 -a "$c" -le 1024
check_eq "2000: suppressed now = crossings" "$c" "$(stat "$s" suppressed)"
ip netns exec "$s" "$NFSK" -j routes --suppressed >"$tmp/sup2k"
check_eq "2000: routes --suppressed lists each crossing" "$c" \
	"$(jq -r '.[].prefix' "$tmp/sup2k" | sort -u | wc -l)"
prefixes 2000 | sort -u >"$tmp/flapped2k"
jq -r '.[].prefix' "$tmp/sup2k" | sort -u >"$tmp/listed2k"
named "$tmp/mon2k" >"$tmp/named2k"
check "2000: lists and names are not empty" test -s "$tmp/listed2k" -a -s "$tmp/named2k"
check_eq "2000: every listed prefix was flapped" "" \
	"$(comm -13 "$tmp/flapped2k" "$tmp/listed2k")"
check_eq "2000: every named prefix is listed" "" \
	"$(comm -13 "$tmp/listed2k" "$tmp/named2k")"
check_eq "2000: every listed prefix is named" "" \
	"$(comm -23 "$tmp/listed2k" "$tmp/named2k")"
check_eq "2000: no alert dropped" 0 "$(stat "$s" alerts_dropped)"
check_eq "2000: no crossing left unnamed" 0 "$(stat "$s" flap_unnamed)"
check_eq "2000: no summary alert" 0 "$(unnamed "$tmp/mon2k")"
exact "2000: named alerts = crossings = listed ($(wc -l <"$tmp/named2k"), $c)" "$tmp/mon2k" \
	test "$(wc -l <"$tmp/named2k")" = "$c"
check_eq "2000: no prefix named twice" "$(named "$tmp/mon2k" | wc -l)" "$(alerts "$tmp/mon2k")"

check "rmmod" unload_module
tap_done
