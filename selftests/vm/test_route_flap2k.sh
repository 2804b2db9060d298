#!/bin/bash
# 2,000 prefixes flapping in the same order (test_route_flap.sh has the
# 200-prefix case and the helpers' story). Every prefix keeps its RFC 2439
# history (one entry per flapping prefix, kmod/flap_store.c): all 2,000
# cross the suppress threshold at their third withdraw, each is named by its
# own ROUTE_FLAP alert (none dropped, none left to a summary) and `routes
# --suppressed` lists exactly them, each with the penalty of its three
# withdraws decayed to the time of the listing. Oracles: the prefixes the
# test flapped (set membership), and the penalty bounds computed here from
# the times the test ran each withdraw batch and the configured half-life:
#   sum_j 1000 * 2^(-(T_list - t_j) / h), t_j within withdraw batch j.
# (bird2's protocol: test_route_bird.sh.)
. "$(dirname "$0")/lib.sh"

load_module || { not_ok "insmod"; tap_done; exit 1; }
echo 500 >/sys/kernel/nfsketch/window_ms

. "$(dirname "$0")/route_flap_lib.sh"

now_ns() { date +%s%N; }

# ---- 2,000 prefixes flapping in the same order ----
N=2000
s=$(make_ns flap2k)
setup "$s"
start_monitor "$s" "$tmp/mon2k"
check "monitor listening" wait_windows "$s" 2
hl_ms=$(ip netns exec "$s" "$NFSK" -j config get | jq -r .flap_half_life_ms)
prefixes $N | sed 's|^|route add |; s|$| via 10.50.0.2|' >"$tmp/add"
prefixes $N | sed 's|^|route del |' >"$tmp/del"
ip -n "$s" -batch "$tmp/add"
for r in 0 1 2; do	# three withdraws, each batch timed
	del_start[r]=$(now_ns)
	ip -n "$s" -batch "$tmp/del"
	del_end[r]=$(now_ns)
	ip -n "$s" -batch "$tmp/add"
done
exact "2000: every crossing named or counted" "$tmp/mon2k" wait_for 180 all_named "$s" "$tmp/mon2k"
c=$(stat "$s" flap_crossings)
echo "# $N prefixes: $c crossed; refused $(stat "$s" flap_refused)," \
	"alerts named $(named "$tmp/mon2k" | wc -l)," \
	"alerts dropped $(stat "$s" alerts_dropped), unnamed $(stat "$s" flap_unnamed)," \
	"half-life $hl_ms ms, withdraw batches $(((del_end[0] - del_start[0]) / 1000000))," \
	"$(((del_end[1] - del_start[1]) / 1000000)), $(((del_end[2] - del_start[2]) / 1000000)) ms"
check_eq "2000: no event refused a history (flap_refused)" 0 "$(stat "$s" flap_refused)"
check_eq "2000: every flapped prefix crossed once" $N "$c"
check_eq "2000: suppressed now = $N" $N "$(stat "$s" suppressed)"
list_start=$(now_ns)
ip netns exec "$s" "$NFSK" -j routes --suppressed >"$tmp/sup2k"
list_end=$(now_ns)
prefixes $N | sort -u >"$tmp/flapped2k"
jq -r '.[].prefix' "$tmp/sup2k" | sort -u >"$tmp/listed2k"
named "$tmp/mon2k" >"$tmp/named2k"
check_eq "2000: routes --suppressed lists $N entries" $N "$(jq length "$tmp/sup2k")"
check_eq "2000: the listed prefixes are exactly the flapped ones" "" \
	"$(diff "$tmp/flapped2k" "$tmp/listed2k")"
check_eq "2000: the named prefixes are exactly the flapped ones" "" \
	"$(diff "$tmp/flapped2k" "$tmp/named2k")"
check_eq "2000: no alert dropped" 0 "$(stat "$s" alerts_dropped)"
check_eq "2000: no crossing left unnamed" 0 "$(stat "$s" flap_unnamed)"
check_eq "2000: no summary alert" 0 "$(unnamed "$tmp/mon2k")"
check_eq "2000: no prefix named twice" "$(named "$tmp/mon2k" | wc -l)" "$(alerts "$tmp/mon2k")"
# every listed penalty within the decayed sum of its three withdraws: the
# earliest a withdraw could have run and the latest the listing could have
# read the penalty give the lower bound, the other way round the upper;
# 1 for the integer penalty and the fixed point's 3e-5 on top
bounds=$(awk -v h="$hl_ms" -v l0="$list_start" -v l1="$list_end" \
	-v s0="${del_start[0]}" -v s1="${del_start[1]}" -v s2="${del_start[2]}" \
	-v e0="${del_end[0]}" -v e1="${del_end[1]}" -v e2="${del_end[2]}" 'BEGIN {
	hn = h * 1e6
	lo = 1000 * (2^(-(l1 - s0) / hn) + 2^(-(l1 - s1) / hn) + 2^(-(l1 - s2) / hn))
	hi = 1000 * (2^(-(l0 - e0) / hn) + 2^(-(l0 - e1) / hn) + 2^(-(l0 - e2) / hn))
	printf "%d %d\n", lo * (1 - 1e-4) - 1, hi * (1 + 1e-4) + 1 }')
read -r lo hi <<<"$bounds"
out=$(jq --argjson lo "$lo" --argjson hi "$hi" \
	'[.[] | select(.penalty < $lo or .penalty > $hi)] | length' "$tmp/sup2k")
echo "# penalties $(jq '[.[].penalty] | min' "$tmp/sup2k")..$(jq '[.[].penalty] | max' "$tmp/sup2k")," \
	"oracle bounds $lo..$hi"
check "2000: oracle bounds below 3,000 and above the threshold ($lo..$hi)" \
	test "$hi" -lt 3000 -a "$lo" -gt 2000
check_eq "2000: every listed penalty within the oracle's bounds" 0 "$out"
mem=$(stat "$s" mem_bytes)
echo "# stats mem_bytes $mem with $N flap histories"

check "rmmod" unload_module
tap_done
