#!/bin/bash
# exporter --netns all: one exporter (in its own namespace) for every
# namespace of ip netns, each series labelled netns="NAME". Two senders
# send known numbers of datagrams: their labelled totals (STATS) and event
# counters (UDP packets of the closed windows) equal what was sent; a
# namespace created while the exporter runs is followed, a deleted one
# leaves the exposition; promtool lints it (one HELP/TYPE per family).
# vm-timeout: 600
. "$(dirname "$0")/lib.sh"

command -v promtool >/dev/null ||
	{ not_ok "promtool missing (scripts/deps.sh)"; tap_done; exit 1; }
modprobe -q veth
load_module || { not_ok "insmod"; tap_done; exit 1; }
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

r1=$(sender_ns e1)
r2=$(sender_ns e2)
e=$(make_ns ex)
check "two senders and the exporter's namespace" test -n "$r1" -a -n "$r2" -a -n "$e"
# hour-long windows: the test closes them (nothing in them yet)
check "sender 1: a long window" open_long_window "$r1"
check "sender 2: a long window" open_long_window "$r2"

port=9918
ip netns exec "$e" "$NFSK" exporter --netns all --listen 127.0.0.1:$port \
	2>"$tmp/exporter.err" &
exp=$!
on_exit kill $exp
scrape() { ip netns exec "$e" curl -sf "http://127.0.0.1:$port/metrics"; }
# m NAME LABELS: the value of NAME{LABELS} in $tmp/s.txt
m() { awk -v m="$1{$2}" '$1 == m { print $2 }' "$tmp/s.txt"; }
# follows NS: the scrape has NS's nfsketch_up = 1
follows() { scrape >"$tmp/s.txt" && [ "$(m nfsketch_up "netns=\"$1\"")" = 1 ]; }
check "the exporter follows sender 1" wait_for 60 follows "$r1"
check "the exporter follows sender 2" wait_for 60 follows "$r2"
check "promtool check metrics: lints clean" sh -c "promtool check metrics <'$tmp/s.txt'"
check "one HELP and one TYPE per metric family" \
	test "$(grep -c '^# TYPE' "$tmp/s.txt")" = "$(grep '^# TYPE' "$tmp/s.txt" | awk '{ print $3 }' | sort -u | wc -l)"
check_eq "nfsketch_build_info once, without netns" 1 "$(grep -c '^nfsketch_build_info{version=' "$tmp/s.txt")"
check "every nfsketch_ sample but build_info and the namespace count has a netns label" \
	test -z "$(grep '^nfsketch_' "$tmp/s.txt" | grep -v -e '^nfsketch_build_info' \
		-e '^nfsketch_exporter_namespaces ' -e 'netns="')"

N1=120 N2=70 N3=45 PL=100
send_udp "$r1" $N1 $PL 5000 6000
send_udp "$r2" $N2 $PL 5000 6000
close_window "$r1" || close_window "$r1"
close_window "$r2" || close_window "$r2"
# the event counters: the windows' UDP packets, from WINDOW_NTF
udp_is() { scrape >"$tmp/s.txt" &&
	[ "$(m nfsketch_protocol_packets_total "netns=\"$1\",protocol=\"udp\"")" = "$2" ]; }
check "sender 1: UDP packets of the closed windows = $N1 sent" wait_for 60 udp_is "$r1" $N1
check "sender 2: UDP packets of the closed windows = $N2 sent" wait_for 60 udp_is "$r2" $N2
check_eq "sender 1: nfsketch_packets_total = sent" $N1 "$(m nfsketch_packets_total "netns=\"$r1\"")"
check_eq "sender 2: nfsketch_packets_total = sent" $N2 "$(m nfsketch_packets_total "netns=\"$r2\"")"
check_eq "sender 1: nfsketch_bytes_total = sent (IP length)" $((N1 * (PL + 28))) \
	"$(m nfsketch_bytes_total "netns=\"$r1\"")"
check_eq "the exporter's own namespace: no UDP" 0 \
	"$(m nfsketch_protocol_packets_total "netns=\"$e\",protocol=\"udp\"")"
grep -E "^nfsketch_(packets_total|protocol_packets_total\{.*udp|up)" "$tmp/s.txt" | sed 's/^/# /'

# a namespace made while the exporter runs
r3=$(sender_ns e3)
check "a new namespace: a long window" open_long_window "$r3"
check "the exporter follows the new namespace" wait_for 60 follows "$r3"
send_udp "$r3" $N3 $PL 5000 6000
close_window "$r3" || close_window "$r3"
check "new namespace: UDP packets = $N3 sent" wait_for 60 udp_is "$r3" $N3
check "promtool check metrics: still clean with three senders" \
	sh -c "promtool check metrics <'$tmp/s.txt'"

# a deleted namespace leaves
ip netns del "$r2"
gone() { scrape >"$tmp/s.txt" && ! grep -q "netns=\"$r2\"" "$tmp/s.txt"; }
check "a deleted namespace leaves the exposition" wait_for 60 gone
check_eq "the others stay: sender 1's packets" $N1 "$(m nfsketch_packets_total "netns=\"$r1\"")"
check "the exporter still runs" kill -0 $exp

ip netns exec "$e" "$NFSK" exporter --netns foo --listen 127.0.0.1:1 2>/dev/null
check_eq "--netns other than all: usage error (exit 2)" 2 $?

tap_done
