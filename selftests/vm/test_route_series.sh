#!/bin/bash
# Route events per routing protocol and per table: routes installed with
# `ip route add ... proto static|bgp|ospf table N` are counted in their own
# sub-series exactly (oracle: the commands this test ran), and a churn storm
# in one protocol raises ROUTE_CHURN on that protocol's and table's series
# alone, named in the window, the stats, the alert and the exposition.
. "$(dirname "$0")/lib.sh"

unload_module
load_module || { not_ok "insmod"; tap_done; exit 1; }
modprobe -q dummy
ns=$(make_ns rseries)
no_ipv6 "$ns"
ip -n "$ns" link add dummy0 type dummy
ip -n "$ns" link set dummy0 up
ip netns exec "$ns" "$NFSK" config set window_ms=500 min_history=4
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
mon=$tmp/mon
# listening from the start: every window event and alert after this line
ip netns exec "$ns" "$NFSK" -j monitor >"$mon" 2>"$tmp/mon.err" &
monpid=$!
on_exit kill "$monpid"
check "namespace settled" wait_windows "$ns" 2
check "an empty window of the test's own is open" open_long_window "$ns"
w0=$(open_window_id "$ns")

# 5 static routes in table 100, 9 bgp routes in table 200 of which 2 are
# withdrawn again (11 events), 3 ospf routes in main: 19 events
for i in 1 2 3 4 5; do ip -n "$ns" route add 10.100.$i.0/24 dev dummy0 proto static table 100; done
for i in 1 2 3 4 5 6 7 8 9; do ip -n "$ns" route add 10.200.$i.0/24 dev dummy0 proto bgp table 200; done
ip -n "$ns" route del 10.200.1.0/24 table 200
ip -n "$ns" route del 10.200.2.0/24 table 200
for i in 1 2 3; do ip -n "$ns" route add 10.254.$i.0/24 dev dummy0 proto ospf; done
check "the window of the changes closed" close_window "$ns" 500
# the history once (each dump is slow on an emulated guest)
ip netns exec "$ns" "$NFSK" -j windows >"$tmp/win.json"
ip netns exec "$ns" "$NFSK" windows >"$tmp/win.txt"

# one window's sub-series as "id:events" words, sorted
series_of() {
	jq -r --argjson w "$1" --arg k "$2" \
		'.[] | select(.id == $w) | .route_series[$k][] | select(.events > 0) |
		 "\(.id // "other"):\(.events)"' "$tmp/win.json" | sort | tr '\n' ' '
}
check_eq "per protocol: static 5, bgp 11, ospf 3, nothing else" \
	"186:11 188:3 4:5 " "$(series_of "$w0" protocol)"
check_eq "per table: 100 5, 200 11, main 3, nothing else" \
	"100:5 200:11 254:3 " "$(series_of "$w0" table)"
check_eq "whole route series: the same 19 events" 19 \
	"$(jq --argjson w "$w0" '.[] | select(.id == $w) | .route_add4 + .route_del4 + .route_replace4' "$tmp/win.json")"
# any of them may be flagged: an empty history before (min_history 4)
check "windows text names protocols and tables as ip route does" grep -Eq \
	'route events by protocol: .*static 5( ROUTE_CHURN)?, bgp 11( ROUTE_CHURN)?, ospf 3( ROUTE_CHURN)?, other 0' "$tmp/win.txt"
check "windows text: tables by name" grep -Eq \
	'route events by table: .*100 5( ROUTE_CHURN)?, 200 11( ROUTE_CHURN)?, main 3( ROUTE_CHURN)?, other 0' "$tmp/win.txt"
grep -q 'route events by protocol: .*static 5' "$tmp/win.txt" ||
	grep 'route events by' "$tmp/win.txt" | tail -4 | sed 's/^/# /'

# history for the detectors: min_history (4) quiet windows and more; the
# monitor is listening once it printed a window event
check "monitor is listening" wait_for 60 grep -q '"type":"window"' "$mon"
check "quiet windows of history" wait_windows "$ns" 6 60
check "an empty window for the storm" open_long_window "$ns"
w1=$(open_window_id "$ns")
batch=$tmp/batch
for i in $(seq 1 40); do echo "route add 10.201.$i.0/24 dev dummy0 proto bgp table 200"; done >"$batch"
for i in $(seq 1 40); do echo "route del 10.201.$i.0/24 table 200"; done >>"$batch"
ip netns exec "$ns" ip -batch "$batch"
check "the storm's window closed" close_window "$ns" 500
ip netns exec "$ns" "$NFSK" -j windows >"$tmp/win.json"
flagged() {
	jq -r --argjson w "$w1" '.[] | select(.id == $w) | .route_series |
		 [(.protocol[], .table[]) | select(.route_churn) | "\(.name)"] | join(" ")' "$tmp/win.json"
}
check_eq "storm: bgp has 80 events" "186:80 " "$(series_of "$w1" protocol)"
check_eq "storm: ROUTE_CHURN on bgp and table 200 only (static, ospf, 100, main not)" \
	"bgp 200" "$(flagged)"
window_churn() {
	jq -e --argjson w "$w1" '.[] | select(.id == $w) | .flag_names |
		index("ROUTE_CHURN")' "$tmp/win.json" >/dev/null
}
check "storm: the window carries ROUTE_CHURN" window_churn
check_eq "stats: bgp events since load 11 + 80" 91 \
	"$(ip netns exec "$ns" "$NFSK" -j stats | jq '.route_series.protocol[] | select(.id == 186) | .events')"
check "prometheus: per-protocol counter by name" bash -c \
	"ip netns exec '$ns' '$NFSK' stats --prometheus | grep -qx 'nfsketch_route_series_events_total{kind=\"protocol\",name=\"bgp\"} 91'"
# the monitor's alerts of the storm window as "flag kind:name" lines; only
# complete lines (the monitor may be writing one)
storm_alerts() {
	grep '"type":"alert"' "$mon" | grep '}$' |
		jq -r --argjson w "$w1" 'select(.alert.window_id == $w) |
		 "\(.alert.flag) \(.alert.route_series.kind // "-"):\(.alert.route_series.name // "-")"'
}
alert_bgp() { storm_alerts | grep -qx 'ROUTE_CHURN protocol:bgp'; }
if wait_for 30 alert_bgp; then
	ok "monitor: a ROUTE_CHURN alert names protocol bgp"
else
	not_ok "monitor: a ROUTE_CHURN alert names protocol bgp"
	echo "# $(grep -c . "$mon") monitor lines, last window event $(grep '"type":"window"' "$mon" | tail -1 | jq -c .window.id)"
	grep '"type":"alert"' "$mon" | tail -8 | cut -c1-300 | sed 's/^/# /'
	sed 's/^/# mon.err: /' "$tmp/mon.err" | tail -5
	jq empty "$mon" 2>&1 | head -3 | sed 's/^/# jq: /'
	ip netns exec "$ns" "$NFSK" -j stats | jq -c '{window_id, events_sent, events_dropped, alerts_dropped, alerts}' | sed 's/^/# /'
fi
check_eq "monitor: the storm's ROUTE_CHURN alerts name bgp and table 200 alone" \
	"ROUTE_CHURN protocol:bgp ROUTE_CHURN table:200 " \
	"$(storm_alerts | grep -v ' -:-$' | sort | tr '\n' ' ')"
tap_done
