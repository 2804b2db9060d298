#!/bin/bash
# Wall-clock time: windows and route events carry CLOCK_REALTIME (checked
# against `date` taken around them); with window_align (the default) the
# windows of two namespaces started at different moments end at the same
# multiples of window_ms; text shows local RFC 3339 (TZ honoured), JSON UTC
# and ns; monitor -t stamps each event.
. "$(dirname "$0")/lib.sh"

now_ns() { date +%s%N; }
t_load=$(now_ns)
load_module window_align=1 || { not_ok "insmod"; tap_done; exit 1; }
d=/sys/kernel/nfsketch
check_eq "window_align defaults to 1" 1 "$(cat $d/window_align)"
W=4000
echo $W >$d/window_ms

a=$(make_ns a)
# b starts its first window at another moment of the 4 s period
sleep 1.3
b=$(make_ns b)
ip -n "$a" link add dummy0 type dummy 2>/dev/null || { modprobe -q dummy; ip -n "$a" link add dummy0 type dummy; }
ip -n "$a" link set dummy0 up
ip -n "$a" addr add 10.70.0.1/24 dev dummy0

# a route event between two readings of the clock
t0=$(now_ns)
ip -n "$a" route add 10.71.0.0/24 via 10.70.0.2
t1=$(now_ns)
ev=$(ip netns exec "$a" "$NFSK" -j routes | jq -c '[.[] | select(.prefix == "10.71.0.0/24")] | last')
echo "# route: $ev"
rt=$(echo "$ev" | jq -r .time_realtime_ns)
check "route event time within the date readings ($t0 <= $rt <= $t1)" \
	test "$rt" -ge "$t0" -a "$rt" -le "$t1"
sec=$((rt / 1000000000))
check_eq "route event RFC 3339 (UTC) as date(1) prints it" \
	"$(date -u -d @$sec +%Y-%m-%dT%H:%M:%S)" "$(echo "$ev" | jq -r .time | cut -c1-19)"
# text: local time with the offset of TZ
line=$(TZ=Asia/Kolkata ip netns exec "$a" "$NFSK" routes | grep ' 10.71.0.0/24 ')
echo "# $line"
check_eq "routes text: local time of TZ" \
	"$(TZ=Asia/Kolkata date -d @$sec +%Y-%m-%dT%H:%M:%S)+05:30" \
	"$(echo "$line" | awk '{print $1}' | sed 's/\.[0-9]*+/+/')"

ip netns exec "$a" "$NFSK" monitor -t >/tmp/mont.$NFSK_ID 2>&1 &
mon=$!
on_exit kill $mon
ip netns exec "$b" "$NFSK" -j monitor -t >/tmp/monj.$NFSK_ID 2>&1 &
monj=$!
on_exit kill $monj

check "4 windows in a" wait_windows "$a" 4 60
check "4 windows in b" wait_windows "$b" 4 60
# Distance of a start from the nearest multiple of W, ms. An emulator
# stalled by its host delays boundaries (seen: 3.9 s at once, both
# namespaces alike): most windows, not all, must be on the grid.
near="(.start_realtime_ns % ($W * 1000000) / 1000000 | floor) as \$p | if \$p > $W / 2 then $W - \$p else \$p end"
for ns in "$a" "$b"; do
	wins=$(ip netns exec "$ns" "$NFSK" -j windows)
	t_end=$(now_ns)
	# the first window starts at the namespace's creation; the others on
	# the grid (a late boundary shows as a start a little after it)
	phases=$(echo "$wins" | jq -r ".[1:][] | $near" | tr '\n' ' ')
	echo "# ${ns#nfsk-}: ms from a multiple of $W ms: $phases"
	n=$(echo "$wins" | jq '.[1:] | length')
	on=$(echo "$wins" | jq "[.[1:][] | select(($near) <= $W / 4)] | length")
	check "${ns#nfsk-}: at least 3 windows after the first" test "$n" -ge 3
	check "${ns#nfsk-}: $on of $n windows start within $((W / 4)) ms of the ${W} ms grid (>= 3/4)" \
		test $((4 * on)) -ge $((3 * n))
	inside=$(echo "$wins" | jq "[.[] | select(.start_realtime_ns < $t_load or .start_realtime_ns > $t_end)] | length")
	check_eq "${ns#nfsk-}: window starts between load and now" 0 "$inside"
	bad=$(echo "$wins" | jq -r '.[] | "\(.start_realtime_ns) \(.start_time)"' | while read -r ns_ iso; do
		[ "$(date -u -d @$((ns_ / 1000000000)) +%Y-%m-%dT%H:%M:%S)" = "${iso:0:19}" ] || echo x
	done | wc -l)
	check_eq "${ns#nfsk-}: start_time is the RFC 3339 of start_realtime_ns" 0 "$bad"
done
# the two namespaces' windows share their boundaries
# (no process substitution: the guest has no /dev/fd)
slots() {
	ip netns exec "$1" "$NFSK" -j windows |
		jq -r ".[1:][] | .start_realtime_ns / ($W * 1000000) | round" | sort -u
}
slots "$a" >/tmp/slots_a.$NFSK_ID
slots "$b" >/tmp/slots_b.$NFSK_ID
common=$(comm -12 /tmp/slots_a.$NFSK_ID /tmp/slots_b.$NFSK_ID | grep -c .)
nb=$(grep -c . /tmp/slots_b.$NFSK_ID)
check "a and b closed windows at the same boundaries ($common of b's $nb)" test $((4 * common)) -ge $((3 * nb))

# text windows: local RFC 3339 start column
check "windows text: an RFC 3339 start" sh -c \
	"ip netns exec '$a' '$NFSK' windows | sed -n 2p | grep -Eq '^ +[0-9]+ [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2} '"
# monitor -t
stamped() { grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[+-][0-9]{2}:[0-9]{2} \[window\] [0-9]+ [0-9]{4}-' /tmp/mont.$NFSK_ID; }
check "monitor -t: a stamped window line" wait_for 30 stamped
grep '\[window\]' /tmp/mont.$NFSK_ID | head -1 | sed 's/^/# /'
jstamped() { grep -q '^{"type":"window","time":"[0-9-]*T[0-9:.]*[+-Z]' /tmp/monj.$NFSK_ID; }
check "monitor -j -t: a \"time\" key" wait_for 30 jstamped

# window_align=0 in one namespace: accepted, reported
ip netns exec "$a" "$NFSK" config set window_align=0
check_eq "config set window_align=0" 0 "$(ip netns exec "$a" "$NFSK" -j config get | jq .window_align)"
check "window_align=2 refused" sh -c "! ip netns exec '$a' '$NFSK' config set window_align=2 2>/tmp/err.$NFSK_ID"
sed 's/^/# /' /tmp/err.$NFSK_ID
check_eq "and not applied" 0 "$(ip netns exec "$a" "$NFSK" -j config get | jq .window_align)"
tap_done
