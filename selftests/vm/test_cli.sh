#!/bin/bash
# The nfsketch CLI against the real module: JSON of every read command
# parses; stats --prometheus passes promtool; top and query agree with the
# truth of a UDP burst of known size (held <= truth <= estimate <= truth +
# bound); a never-seen flow gets a small estimate; a Count-Min row of the
# sketch dump sums to the window's packets; reset; usage errors exit 2;
# watch -c and monitor (SIGINT) exit 0; -n NETNS acts on that namespace.
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

modprobe -q veth
modprobe -q nf_tables 2>/dev/null
load_module || { not_ok "insmod"; tap_done; exit 1; }
# sysfs holds the defaults of namespaces created afterwards
echo 1000 >/sys/kernel/nfsketch/window_ms

a=$(make_ns a)
b=$(make_ns b)
no_ipv6 "$a"
no_ipv6 "$b"
veth_pair "$a" 10.98.0.1/24 "$b" 10.98.0.2/24
# no ICMP port unreachable back from b: the UDP burst is all there is
ip netns exec "$b" nft -f - <<NFT
table inet nfsk_cli {
	chain out { type filter hook output priority 0; icmp type destination-unreachable drop; }
}
NFT

A() { ip netns exec "$a" "$NFSK" "$@"; }
windows() { A -j stats | jq -r .windows; }
# wait_closes N SECONDS: N more windows close in a
wait_closes() {
	local want=$(($(windows) + $1))
	wait_for "$2" eval '[ "$(windows)" -ge '"$want"' ]'
}

# ---- usage errors: exit 2 ----------------------------------------------
usage_rc() {
	local want=$1 rc
	shift
	A "$@" >/dev/null 2>"$tmp/usage.err"
	rc=$?
	if [ $rc -eq "$want" ] && [ -s "$tmp/usage.err" ]; then
		ok "usage error exits $want: nfsketch $*"
	else
		not_ok "nfsketch $*: exit $rc (want $want), stderr: $(head -c 200 "$tmp/usage.err")"
	fi
}
usage_rc 2 no-such-command
usage_rc 2 top --no-such-option
usage_rc 2 top -c zero
# -n is the namespace before the command (as ip -n), nowhere a count
usage_rc 2 top -n 1
usage_rc 2 watch -n 1
usage_rc 2 windows -n 1
usage_rc 2 export -i 127.0.0.1:4739
usage_rc 2 top --by flows
usage_rc 2 query proto udp src 10.98.0.1
usage_rc 2 query proto bogus src 10.98.0.1 dst 10.98.0.2
usage_rc 2 query proto udp src 10.98.0.1 dst 10.98.0.2 sport 70000
usage_rc 2 sketch extra
usage_rc 2 reset extra
usage_rc 2 monitor extra
usage_rc 2 watch -i -1
usage_rc 2 stats --prometheus extra
usage_rc 2 windows --last x
usage_rc 2 monitor --exec-max 0
usage_rc 2 config set foo=1
usage_rc 2 config set window_ms=2000 cms_depth=99
check "config set: the error names the key and the table's range" \
	grep -qx "nfsketch: cms_depth=99: out of range 1..8 (Count-Min rows)" "$tmp/usage.err"
check_eq "a usage error is short: the error and where help is" 2 "$(wc -l <"$tmp/usage.err")"
nohelp=
for cmd in stats windows routes config top query sketch reset monitor watch; do
	A "$cmd" -h >"$tmp/help" 2>&1 && grep -q Usage "$tmp/help" || nohelp="$nohelp $cmd"
done
check_eq "every command has -h (exit 0, Usage)" "" "$nohelp"
# a runtime error: exit 1 with the kernel's extack on stderr
A top -c 1000 >/dev/null 2>"$tmp/err"
rc=$?
check_eq "top -c 1000 is a runtime error (kernel range check)" 1 "$rc"
check "... with the kernel's extack on stderr" grep -q "^Error: " "$tmp/err"

# ---- before any window closed -------------------------------------------
# (a may already have closed one; either answer is right, but never a crash)
A top >/dev/null 2>&1
rc=$?
check "top before/after the first window exits 0 or 1" test $rc -le 1

# ---- a UDP burst of known size in one window ------------------------------
check "a window closes in a" wait_closes 1 20
# The checks below read the burst's window while it is the last closed one,
# however long that takes under emulation: the burst goes into a window an
# hour long, which the test closes, leaving another hour-long one open.
N=300 PAYLOAD=1000 SPORT=40001 DPORT=9001
TRUE_BYTES=$((N * (PAYLOAD + 28)))
check "a long window opened" open_long_window "$a"
burst() {
	local id0 id1
	id0=$(open_window_id "$a")
	ip netns exec "$a" python3 - <<PY
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.98.0.1", $SPORT))
for i in range($N):
    s.sendto(b"x" * $PAYLOAD, ("10.98.0.2", $DPORT))
PY
	id1=$(open_window_id "$a")
	close_window "$a" && [ "$id0" = "$id1" ]
}
bursts=0
until burst; do
	bursts=$((bursts + 1))
	[ $bursts -lt 3 ] || break
	echo "# the burst's window is not the newest closed one; again"
done
check "the burst's window closes" test $bursts -lt 3
A -j windows --last 1 >"$tmp/win.json"
W=$(jq -r '.[0].id' "$tmp/win.json")
check_eq "the burst of $N datagrams is in one window" "$N" "$(jq -r '.[0].udp' "$tmp/win.json")"
WPACKETS=$(jq -r '.[0].packets' "$tmp/win.json")
echo "# burst window $W: $WPACKETS packets, $TRUE_BYTES true bytes of the flow"

# ---- JSON of every read command parses ----------------------------------
A -j top >"$tmp/top.json" 2>"$tmp/top.err"
A -j query proto udp src 10.98.0.1 dst 10.98.0.2 sport $SPORT dport $DPORT \
	>"$tmp/query.json" 2>"$tmp/query.err"
A -j sketch >"$tmp/sketch.json" 2>"$tmp/sketch.err"
A -j query proto udp src 10.98.0.1 dst 10.98.0.2 sport 1 dport 2 \
	>"$tmp/query0.json" 2>"$tmp/query0.err"
q0rc=$?
A stats --prometheus >"$tmp/prom.txt" 2>"$tmp/prom.err"
promrc=$?
A top >"$tmp/top.txt" 2>&1
A query proto udp src 10.98.0.1 dst 10.98.0.2 sport $SPORT dport $DPORT >"$tmp/query.txt"
A -j top -c 1 --by packets >"$tmp/top1.json"
A sketch >"$tmp/sketch.txt"
for cmd in stats windows routes "config get"; do
	A -j $cmd >"$tmp/${cmd% get}.json" 2>"$tmp/${cmd% get}.err"
done
A -j -p stats >"$tmp/stats-pretty.json"
for f in stats windows routes config top query sketch query0 stats-pretty; do
	check "$f -j parses as JSON" jq empty "$tmp/$f.json"
done
check_eq "top read the burst window" "$W" "$(jq -r .window_id "$tmp/top.json")"
check_eq "query read the burst window" "$W" "$(jq -r .window_id "$tmp/query.json")"
check_eq "sketch read the burst window" "$W" "$(jq -r .window_id "$tmp/sketch.json")"

# ---- top: held <= truth <= estimate <= truth + bound ------------------------
jq -c --argjson sp $SPORT --argjson dp $DPORT \
	'.flows[] | select(.proto == 17 and .sport == $sp and .dport == $dp)' \
	"$tmp/top.json" >"$tmp/hh.json"
check "top lists the heavy UDP flow" test -s "$tmp/hh.json"
held=$(jq -r .bytes "$tmp/hh.json")
est=$(jq -r .est_bytes "$tmp/hh.json")
bound=$(jq -r .err_bytes "$tmp/hh.json")
echo "# top: held $held, estimate $est +- $bound, truth $TRUE_BYTES"
check "top: held bytes <= truth" test "${held:-x}" -le $TRUE_BYTES
check "top: truth <= estimate" test $TRUE_BYTES -le "${est:-0}"
check "top: estimate - truth <= bound" test $((${est:-0} - TRUE_BYTES)) -le "${bound:--1}"
check "top: src and dst" test "$(jq -r '.src + " " + .dst' "$tmp/hh.json")" = "10.98.0.1 10.98.0.2"
grep -q "10.98.0.1 .*10.98.0.2 .*udp .*$SPORT .*$DPORT" "$tmp/top.txt" ||
	sed 's/^/# /' "$tmp/top.txt"
check "top (text) shows the flow" grep -q "10.98.0.1 .*10.98.0.2 .*udp .*$SPORT .*$DPORT" "$tmp/top.txt"
check_eq "top -c 1 --by packets: one flow" 1 "$(jq '.flows | length' "$tmp/top1.json")"

# ---- query: truth <= estimate <= truth + bound ------------------------------
qp=$(jq -r .flow.est_packets "$tmp/query.json")
qpb=$(jq -r .flow.err_packets "$tmp/query.json")
qb=$(jq -r .flow.est_bytes "$tmp/query.json")
qbb=$(jq -r .flow.err_bytes "$tmp/query.json")
echo "# query: packets $qp +- $qpb (truth $N), bytes $qb +- $qbb (truth $TRUE_BYTES)"
check "query: packets estimate >= truth" test "${qp:-0}" -ge $N
check "query: packets estimate - truth <= bound" test $((${qp:-0} - N)) -le "${qpb:--1}"
check "query: bytes estimate >= truth" test "${qb:-0}" -ge $TRUE_BYTES
check "query: bytes estimate - truth <= bound" test $((${qb:-0} - TRUE_BYTES)) -le "${qbb:--1}"
check "query (text) prints the interval" grep -q "true count is in" "$tmp/query.txt"
# a flow never seen: a small estimate within its bound, not an error
check_eq "query of a never-seen flow exits 0" 0 "$q0rc"
q0=$(jq -r .flow.est_packets "$tmp/query0.json")
q0b=$(jq -r .flow.err_packets "$tmp/query0.json")
check "never-seen flow: estimate $q0 <= bound $q0b" test "${q0:-x}" -le "${q0b:--1}"
# address queries: the N datagrams went from 10.98.0.1 to 10.98.0.2; the
# estimate is never below that, and above it by at most the bound
for q in "--src 10.98.0.1" "--dst 10.98.0.2"; do
	A -j query $q >"$tmp/qaddr.json" 2>"$tmp/qaddr.err"
	rc=$?
	ae=$(jq -r .flow.est_packets "$tmp/qaddr.json" 2>/dev/null)
	ab=$(jq -r .flow.err_packets "$tmp/qaddr.json" 2>/dev/null)
	check_eq "query $q exits 0 $(head -c 200 "$tmp/qaddr.err")" 0 "$rc"
	check "query $q: estimate $ae >= $N" test "${ae:-0}" -ge "$N"
	check "query $q: estimate $ae - $N <= bound $ab" test $((${ae:-0} - N)) -le "${ab:--1}"
done

# ---- sketch: depth x width cells; a row sums to the window's packets -----
depth=$(jq -r .depth "$tmp/sketch.json")
width=$(jq -r .width "$tmp/sketch.json")
check_eq "sketch depth = config cms_depth" "$(jq -r .cms_depth "$tmp/config.json")" "$depth"
check_eq "sketch width = config cms_width" "$(jq -r .cms_width "$tmp/config.json")" "$width"
check_eq "sketch: depth x width cells" $((depth * width * 2)) \
	"$(jq '[.rows[] | (.packets | length) + (.bytes | length)] | add' "$tmp/sketch.json")"
check_eq "sketch: rows numbered 0..depth-1" "$(seq -s, 0 $((depth - 1)))" \
	"$(jq -r '[.rows[].row] | map(tostring) | join(",")' "$tmp/sketch.json")"
check_eq "sketch: row 0 packets sum to the window's packets" "$WPACKETS" \
	"$(jq '.rows[0].packets | add' "$tmp/sketch.json")"
check_eq "sketch: every row sums to the same" 1 \
	"$(jq '[.rows[] | .packets | add] | unique | length' "$tmp/sketch.json")"
# the overflow rule (lcms.c) needs 65535 light packets in one cell of one
# CPU in one window: this test sends far fewer, so both stay 0
check_eq "stats: light Count-Min forced holds and spill (none at this rate)" \
	"0 0" "$(jq -r '"\(.lcms_forced) \(.lcms_spilled)"' "$tmp/stats.json")"
check "sketch -j is one compact line" test "$(wc -l <"$tmp/sketch.json")" -eq 1
check "sketch (text)" grep -q "depth $depth x width $width" "$tmp/sketch.txt"

# ---- Prometheus ----------------------------------------------------------
check_eq "stats --prometheus exits 0" 0 "$promrc"
promtool check metrics <"$tmp/prom.txt" >"$tmp/promtool.out" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/promtool.out"
check_eq "promtool check metrics" 0 "$rc"
for m in nfsketch_packets_total nfsketch_bytes_total nfsketch_windows_total \
	nfsketch_memory_bytes 'nfsketch_routes{family="ipv4"}' nfsketch_window_packets \
	nfsketch_window_src_entropy nfsketch_lcms_forced_total \
	nfsketch_lcms_spilled_total; do
	grep -q "^$m " "$tmp/prom.txt" || missing="${missing:-} $m"
done
check_eq "prometheus: the expected metrics are there" "" "${missing:-}"
if [ "$(awk '$1 == "nfsketch_window_id" { print $2 }' "$tmp/prom.txt")" = "$W" ]; then
	check_eq "prometheus: window packets" "$WPACKETS" \
		"$(awk '$1 == "nfsketch_window_packets" { print $2 }' "$tmp/prom.txt")"
fi

# ---- watch ----------------------------------------------------------------
A watch -c 1 >"$tmp/watch.out" 2>"$tmp/watch.err"
check_eq "watch -c 1 exits 0" 0 "$?"
check "watch shows the totals" grep -q "^totals" "$tmp/watch.out"
check "watch shows the sparkline and top flows" \
	eval "grep -q '^packets per window' '$tmp/watch.out' && grep -q '^top flows' '$tmp/watch.out'"
A watch -c 2 -i 0.2 >"$tmp/watch2.out" 2>&1
check_eq "watch -c 2 -i 0.2 exits 0" 0 "$?"
check_eq "... and drew twice" 2 "$(grep -c '^totals' "$tmp/watch2.out")"

# ---- monitor ----------------------------------------------------------------
# PID has its SIGINT and SIGTERM handlers in place (it may take a while to
# start under emulation; a signal before that would kill it)
catching() {
	local m
	m=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$m" ] && [ $((16#$m & 0x4002)) -eq $((0x4002)) ]
}
# in b, whose windows still close every second
ip netns exec "$b" "$NFSK" monitor >"$tmp/mon.out" 2>"$tmp/mon.err" &
mpid=$!
check "monitor is running" wait_for 20 catching $mpid
# every closed window is an event (WINDOW_NTF)
check "monitor prints a [window] event" wait_for 20 grep -q '^\[window\] ' "$tmp/mon.out"
kill -INT $mpid
wait $mpid
check_eq "monitor exits 0 on SIGINT" 0 "$?"
sed -n '1,3s/^/# /p' "$tmp/mon.out"
# a closed pipe: head exits after one event, monitor at its next write
timeout 300 ip netns exec "$b" "$NFSK" -j monitor 2>"$tmp/monj.err" | head -n 1 >"$tmp/head.out"
st=("${PIPESTATUS[@]}")
check_eq "monitor -j | head -n 1: monitor exits 0 on EPIPE" 0 "${st[0]}"
check_eq "monitor -j: a JSON window event" window "$(jq -r .type "$tmp/head.out" 2>/dev/null)"
check "monitor -j: the window has an id" eval "jq -e '.window.id > 0' '$tmp/head.out' >/dev/null"
ip netns exec "$b" "$NFSK" -j monitor >"$tmp/monj.out" 2>"$tmp/monj.err" &
mpid=$!
wait_for 20 catching $mpid
kill -TERM $mpid
wait $mpid
check_eq "monitor -j exits 0 on SIGTERM" 0 "$?"

# ---- reset ------------------------------------------------------------------
before=$(A -j stats | jq -r .packets)
check "reset" A reset
after=$(A -j stats | jq -r .packets)
hist=$(A -j stats | jq -r .history_len)
echo "# packets before reset $before, after $after"
check "reset: packets back near 0" test "$after" -lt 20
check_eq "reset: history emptied" 0 "$hist"
check "reset -j parses nothing, exits 0" A -j reset

# -n NETNS (as ip -n): the namespace's own state, set there with ip netns exec
A config set window_ms=3000
check_eq "-n NETNS reads that namespace's config" 3000 \
	"$("$NFSK" -n "$a" -j config get | jq .window_ms)"
check "-n NETNS: the initial namespace's config is another" \
	test "$("$NFSK" -j config get | jq .window_ms)" != 3000
check_eq "--netns with a path (/run/netns/NAME)" 3000 \
	"$("$NFSK" --netns "/run/netns/$a" -j config get | jq .window_ms)"
# stats --all-netns: every ip netns namespace under its name, each its own
# (b's windows go on closing: its window id read before and after bounds it)
wb0=$(ip netns exec "$b" "$NFSK" -j stats | jq .window_id)
"$NFSK" -j stats --all-netns >"$tmp/all.json"
check_eq "stats --all-netns exits 0" 0 "$?"
wb1=$(ip netns exec "$b" "$NFSK" -j stats | jq .window_id)
wb=$(jq --arg n "$b" '.[] | select(.netns == $n) | .window_id' "$tmp/all.json")
check "stats --all-netns lists a and b" \
	eval "jq -e --arg a '$a' --arg b '$b' '[.[].netns] | index(\$a) and index(\$b)' '$tmp/all.json' >/dev/null"
check_eq "stats --all-netns: a's routes4 as a reads it" "$(A -j stats | jq .routes4)" \
	"$(jq --arg n "$a" '.[] | select(.netns == $n) | .routes4' "$tmp/all.json")"
check "stats --all-netns: b's window_id as b reads it ($wb0 <= $wb <= $wb1)" \
	test -n "$wb" -a "$wb0" -le "${wb:-0}" -a "${wb:-0}" -le "$wb1"
"$NFSK" -n "nfsk-no-such-ns-$$" stats >/dev/null 2>"$tmp/nons.err"
check_eq "-n with no such namespace: exit 1" 1 "$?"
check "-n with no such namespace: says which" grep -q "nfsk-no-such-ns-$$" "$tmp/nons.err"

# the same exit code without the module: keys are checked before it is asked
check "rmmod" unload_module
usage_rc 2 config set foo=1
tap_done
