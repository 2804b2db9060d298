#!/bin/bash
# vm-timeout: 900
# The largest window record: every route sub-series slot in use (10
# protocols and 10 tables in one window: 8 named slots and "other" per
# kind) and the top flows at topk's maximum, about 6.5 KB with them, more
# than a dump's first skb (NLMSG_GOODSIZE, ~3.7 KB) holds. The record
# arrives whole (a dump as a socket's first operation, `windows --top`,
# `windows`, monitor's window event), with the sub-series exact (oracle:
# the routes this test installed) and no window lost (the history's ids
# contiguous, as many as the stats hold; every id in monitor's events).
. "$(dirname "$0")/lib.sh"

unload_module
load_module || { not_ok "insmod"; tap_done; exit 1; }
modprobe -q dummy
ns=$(sender_ns wrec) || { not_ok "namespaces"; tap_done; exit 1; }
ip -n "$ns" link add dummy0 type dummy
ip -n "$ns" link set dummy0 up
ip netns exec "$ns" "$NFSK" config set window_ms=500 topk=32
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
mon=$tmp/mon
ip netns exec "$ns" "$NFSK" -j monitor >"$mon" 2>"$tmp/mon.err" &
monpid=$!
on_exit kill "$monpid"
check "namespace settled" wait_windows "$ns" 2
check "monitor is listening" wait_for 60 grep -q '"type":"window"' "$mon"
check "an empty window of the test's own is open" open_long_window "$ns"
w0=$(open_window_id "$ns")

# protocol 20+k in table 100+k, k routes each (k = 1..10): 55 route events
batch=$tmp/batch
for k in $(seq 1 10); do
	for i in $(seq 1 "$k"); do
		echo "route add 10.$((100 + k)).$i.0/24 dev dummy0 proto $((20 + k)) table $((100 + k))"
	done
done >"$batch"
ip netns exec "$ns" ip -batch "$batch"
# 40 UDP flows (source ports 20001..20040), 5 datagrams each
ip netns exec "$ns" python3 - <<'PY'
import socket
for sp in range(20001, 20041):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.96.0.1", sp))
    for _ in range(5):
        s.sendto(b"x" * 100, ("10.96.0.2", 9000))
    s.close()
PY
# the next window an hour long: $w0 stays the newest closed one
check "the window closed" close_window "$ns"

# ---- the dump as a socket's first operation ------------------------------
first() {
	ip netns exec "$ns" env PYTHONPATH="$NFSK_TOP/selftests/vm" \
		python3 "$NFSK_TOP/selftests/vm/window_dump_first.py" "$@"
}
first --top >"$tmp/first_top.json" 2>&1
first >"$tmp/first.json" 2>&1
echo "# first dump with top: $(cat "$tmp/first_top.json")"
echo "# first dump without: $(cat "$tmp/first.json")"
check_eq "dump with top flows as a socket's first operation: no error" 0 \
	"$(jq -r .error "$tmp/first_top.json")"
check_eq "dump with top flows as a socket's first operation: the record" 1 \
	"$(jq -r .records "$tmp/first_top.json")"
# the case this test is about: a record larger than a 4 KiB page
check "record with top flows is larger than 4096 bytes" \
	test "$(jq -r .max_len "$tmp/first_top.json")" -gt 4096
check_eq "dump without top flows as a socket's first operation" "0 1" \
	"$(jq -r '"\(.error) \(.records)"' "$tmp/first.json")"

# ---- the CLI: windows --top, windows, monitor ----------------------------
ip netns exec "$ns" "$NFSK" -j windows --top >"$tmp/wt.json"
check_eq "windows --top exits 0" 0 $?
ip netns exec "$ns" "$NFSK" -j windows >"$tmp/w.json"
check_eq "windows exits 0" 0 $?
ip netns exec "$ns" "$NFSK" -j stats >"$tmp/stats.json"

check_eq "window $w0 holds topk (32) flows of the 40" 32 \
	"$(jq --argjson w "$w0" '.[] | select(.id == $w) | .top | length' "$tmp/wt.json")"

# no window lost: as many records as the history holds, ids contiguous,
# ending at the last closed window
hist=$(jq .history_len "$tmp/stats.json")
wid=$(jq .window_id "$tmp/stats.json")
for f in wt w; do
	check_eq "windows${f#w}: records = history length" "$hist" \
		"$(jq length "$tmp/$f.json")"
	check_eq "windows${f#w}: ids contiguous up to the last closed" \
		"true $((wid - 1))" \
		"$(jq -r '[(. as $a | [range(1; length)] | all($a[.].id == $a[. - 1].id + 1)), .[-1].id] | "\(.[0]) \(.[1])"' "$tmp/$f.json")"
done

# the oracle of one kind's sub-series in window $w0: a slot named after
# one of the test's ids holds its k events, any other slot (a route of
# the namespace's addresses, before the window) none, and "other" the
# events of the test's ids that got no slot; 8 named slots and "other"
expected() {	# kind base: "id:events ..." sorted, "other:N" last
	local kind=$1 base=$2 named k sum=0 out=""
	named=$(jq -r --argjson w "$w0" --arg k "$kind" \
		'.[] | select(.id == $w) | .route_series[$k][] | select(.id) | .id' "$tmp/w.json")
	for id in $named; do
		k=$((id - base))
		if [ "$k" -ge 1 ] && [ "$k" -le 10 ]; then out+="$id:$k "; else out+="$id:0 "; fi
	done
	for k in $(seq 1 10); do
		echo "$named" | grep -qx $((base + k)) || sum=$((sum + k))
	done
	echo "$(echo "$out" | tr ' ' '\n' | grep . | sort | tr '\n' ' ')other:$sum"
}
# the same from a window object (stdin)
actual() {
	jq -r --arg k "$1" '.route_series[$k] as $s |
		([$s[] | select(.id) | "\(.id):\(.events)"] | sort | join(" ")) +
		" other:\([$s[] | select(.id | not) | .events] | add)"'
}
for kind in protocol:20 table:100; do
	k=${kind%:*} base=${kind#*:}
	exp=$(expected "$k" "$base")
	check_eq "windows: 8 named $k slots and other" 9 \
		"$(jq --argjson w "$w0" --arg k "$k" '.[] | select(.id == $w) | .route_series[$k] | length' "$tmp/w.json")"
	check_eq "windows: per $k, the events installed" "$exp" \
		"$(jq --argjson w "$w0" '.[] | select(.id == $w)' "$tmp/w.json" | actual "$k")"
	check_eq "windows --top: per $k, the same" "$exp" \
		"$(jq --argjson w "$w0" '.[] | select(.id == $w)' "$tmp/wt.json" | actual "$k")"
done
check_eq "windows: 55 route events in window $w0" 55 \
	"$(jq --argjson w "$w0" '.[] | select(.id == $w) | .route_add4 + .route_del4 + .route_replace4' "$tmp/w.json")"

# monitor: the window event of $w0, and of every window since the first
check "monitor: window $w0's event" wait_for 60 grep -qF "\"window\":{\"id\":$w0," "$mon"
grep '"type":"window"' "$mon" | grep '}$' | jq -c .window >"$tmp/mon_w.json"
for kind in protocol:20 table:100; do
	k=${kind%:*} base=${kind#*:}
	check_eq "monitor: per $k, the events installed" "$(expected "$k" "$base")" \
		"$(jq --argjson w "$w0" 'select(.id == $w)' "$tmp/mon_w.json" | actual "$k")"
done
check_eq "monitor: no window event lost (ids contiguous)" true \
	"$(jq -s '[.[].id] | . as $a | [range(1; length)] | all($a[.] == $a[. - 1] + 1)' "$tmp/mon_w.json")"
tap_done
