#!/bin/bash
# Issue 14's table: add vs replace and routes4/routes6 stay exact at scale,
# beyond any bounded table, with the module loaded before the routes
# (every route an add) and after them (the registration replay is the
# baseline). N IPv4 /24 and N/5 IPv6 /64 prefixes go in with `ip -batch`,
# then 10 % of each family is replaced and another 10 % deleted.
# Oracles: the commands the test ran (adds, replaces, deletes it caused)
# and the kernel's own tables, `ip [-6] route show table all` (one line per
# prefix here: no multipath route, no two routes of one prefix).
# NFSK_SCALE_V4 sets N (default 10000; `make check-scale` runs 500000 and
# reports the insmod time with the table present and the bytes per route).
. "$(dirname "$0")/lib.sh"

N4=${NFSK_SCALE_V4:-10000}
N6=$((N4 / 5))
WIN_MS=${NFSK_SCALE_WINDOW_MS:-1000}
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

modprobe -q dummy
echo "# $N4 IPv4 + $N6 IPv6 prefixes, windows of $WIN_MS ms"

# batch files (ip -batch takes no -6 per line: one pair per family): add
# all, replace every i % 10 == 0, delete every i % 10 == 5
awk -v n="$N4" -v n6="$N6" -v dir="$tmp" 'function p4(i) {
		return sprintf("%d.%d.%d.0/24", 32 + int(i / 65536), int(i / 256) % 256, i % 256)
	}
	function p6(i) { return sprintf("fd00:1:%x:%x::/64", int(i / 65536), i % 65536) }
	BEGIN {
		for (i = 0; i < n; i++) {
			print "route add " p4(i) " via 10.50.0.2" >dir "/add"
			if (i % 10 == 0) print "route replace " p4(i) " via 10.50.0.3" >dir "/change"
			if (i % 10 == 5) print "route del " p4(i) >dir "/change"
		}
		for (i = 0; i < n6; i++) {
			print "route add " p6(i) " via fd50::2" >dir "/add6"
			if (i % 10 == 0) print "route replace " p6(i) " via fd50::3" >dir "/change6"
			if (i % 10 == 5) print "route del " p6(i) >dir "/change6"
		}
	}'
R4=$(( (N4 + 9) / 10 )); D4=$(( (N4 + 4) / 10 ))
R6=$(( (N6 + 9) / 10 )); D6=$(( (N6 + 4) / 10 ))

setup_ns() {
	local ns
	ns=$(make_ns "$1") || return 1
	# no DAD: no route appears later, inside the counted windows
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	ip -n "$ns" link add dummy0 type dummy
	ip -n "$ns" link set dummy0 up
	ip -n "$ns" addr add 10.50.0.1/24 dev dummy0
	ip -n "$ns" addr add fd50::1/64 dev dummy0 nodad
	echo "$ns"
}

# routes of the kernel's tables: one line per route, nexthop lines apart
kernel_routes() {
	ip -n "$1" "-$2" route show table all | grep -vc '^[[:space:]]'
}

# batch NS add|change: both families' batch files
batch() {
	ip -n "$1" -batch "$tmp/$2" && ip -n "$1" -6 -batch "$tmp/${2}6"
}

# timed NAME CMD...: run CMD, "# NAME: T ms"
timed() {
	local name=$1 t0 t1
	shift
	t0=$(date +%s%N)
	"$@"
	local rc=$?
	t1=$(date +%s%N)
	echo "# $name: $(( (t1 - t0) / 1000000 )) ms"
	return $rc
}

# sums of the windows' route events with w0 < id <= w1, "add4 rep4 del4 add6 rep6 del6"
event_sums() {
	ip netns exec "$1" "$NFSK" -j windows | jq -r --argjson a "$2" --argjson b "$3" \
		'[.[] | select(.id > $a and .id <= $b)] as $w |
		 [([$w[].route_add4] | add // 0), ([$w[].route_replace4] | add // 0),
		  ([$w[].route_del4] | add // 0), ([$w[].route_add6] | add // 0),
		  ([$w[].route_replace6] | add // 0), ([$w[].route_del6] | add // 0)] | join(" ")'
}

# stats NS: "routes4 routes6 route_track_entries route_track_untracked
# route_track_bytes route_track_full route_track_nomem", one read
stats() {
	ip netns exec "$1" "$NFSK" -j stats | jq -r '[.routes4, .routes6,
		.route_track_entries, .route_track_untracked, .route_track_bytes,
		.route_track_full, .route_track_nomem] | join(" ")'
}

# check_tables NS WHAT: routes4/routes6 = the kernel's, the set holds them
# all, nothing refused
check_tables() {
	local ns=$1 what=$2 k4 k6 st
	k4=$(kernel_routes "$ns" 4)
	k6=$(kernel_routes "$ns" 6)
	read -r -a st <<<"$(stats "$ns")"
	check_eq "$what: routes4 = ip -4 route show table all" "$k4" "${st[0]}"
	check_eq "$what: routes6 = ip -6 route show table all" "$k6" "${st[1]}"
	check_eq "$what: the set holds every route, none untracked, none refused" \
		"$((k4 + k6)) 0 0 0" "${st[2]} ${st[3]} ${st[5]} ${st[6]}"
	echo "# set: ${st[2]} entries, ${st[4]} bytes," \
		"$((st[4] / (st[2] ? st[2] : 1))) bytes per route"
}

# check_events NS W0 WHAT ADD4 REP4 DEL4 ADD6 REP6 DEL6
check_events() {
	local ns=$1 w0=$2 what=$3 w1 got
	shift 3
	# the changes are in: the window open now holds the last of them
	check "$what: windows closed after the changes" wait_windows "$ns" 1
	w1=$(windows_closed "$ns")
	got=$(event_sums "$ns" "$w0" "$w1")
	check_eq "$what: add4 replace4 del4 add6 replace6 del6" "$*" "$got"
}

# ---- loaded before: every route is an add -------------------------------
load_module || { not_ok "insmod"; tap_done; exit 1; }
echo "$WIN_MS" >/sys/kernel/nfsketch/window_ms
a=$(setup_ns scale-a)
check "before: namespace settled" wait_windows "$a" 2
w0=$(windows_closed "$a")
check "before: ip -batch add" timed "add $N4 + $N6 routes" batch "$a" add
check "before: ip -batch replace + delete" timed "replace + delete" \
	batch "$a" change
check_events "$a" "$w0" "before" "$N4 $R4 $D4 $N6 $R6 $D6"
check_tables "$a" "before"

# ---- loaded after: the replay is the baseline ----------------------------
unload_module || not_ok "rmmod"
b=$(setup_ns scale-b)
check "after: ip -batch add" timed "add $N4 + $N6 routes" batch "$b" add
dmesg_from=$(dmesg | wc -l)
check "after: insmod with the table present" timed "insmod with the table present" \
	load_module
echo "$WIN_MS" >/sys/kernel/nfsketch/window_ms
check_tables "$b" "after, baseline"
# the same numbers in the text and Prometheus outputs
txt=$(ip netns exec "$b" "$NFSK" stats | awk '$1 == "route_track_entries" { print $2 }')
prom=$(ip netns exec "$b" "$NFSK" stats --prometheus |
	awk '$1 == "nfsketch_route_track_entries" { print $2 }')
check_eq "after, baseline: stats text and --prometheus show the entries" \
	"$(stat "$b" route_track_entries) $(stat "$b" route_track_entries)" "$txt $prom"
check "after: namespace settled" wait_windows "$b" 1
w0=$(windows_closed "$b")
check_eq "after: the baseline is no event" "0 0 0 0 0 0" "$(event_sums "$b" 0 "$w0")"
check "after: ip -batch replace + delete" timed "replace + delete" \
	batch "$b" change
check_events "$b" "$w0" "after" "0 $R4 $D4 0 $R6 $D6"
check_tables "$b" "after"

# ---- the ceiling: refused inserts are counted, never silent --------------
e=$(stat "$b" route_track_entries)
ip netns exec "$b" "$NFSK" config set route_track_max=$((e + 50)) || not_ok "config set"
for i in $(seq 0 99); do echo "route add 10.99.$i.0/24 via 10.50.0.2"; done >"$tmp/over"
w0=$(windows_closed "$b")
ip -n "$b" -batch "$tmp/over" || not_ok "ip -batch over the ceiling"
read -r -a st <<<"$(stats "$b")"
check_eq "ceiling: routes4 (exact for adds), entries, untracked (sizes may be approximate), full, nomem" \
	"$(kernel_routes "$b" 4) $((e + 50)) 50 50 0" \
	"${st[0]} ${st[2]} ${st[3]} ${st[5]} ${st[6]}"
sed 's/^route add/route del/' "$tmp/over" >"$tmp/back"
ip -n "$b" -batch "$tmp/back" || not_ok "ip -batch delete them"
check_events "$b" "$w0" "ceiling" "100 0 100 0 0 0"
ip netns exec "$b" "$NFSK" config set route_track_max=16777216 || not_ok "config set"
k4=$(kernel_routes "$b" 4)
read -r -a st <<<"$(stats "$b")"
check_eq "ceiling, withdrawn again: routes4, entries, untracked exact again" \
	"$k4 $e 0" "${st[0]} ${st[2]} ${st[3]}"

# ---- no stall, no soft lockup while the set filled -----------------------
stalls=$(dmesg | tail -n +"$((dmesg_from + 1))" |
	grep -cE 'rcu.*(stall|self-detected)|soft lockup|hung_task|blocked for more than')
check_eq "no RCU stall or soft lockup in dmesg" 0 "$stalls"

check "rmmod with the tables present" timed "rmmod" unload_module
tap_done
