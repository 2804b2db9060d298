#!/bin/bash
# Route changes: the routes present at load are the baseline, not churn;
# add / replace / delete, IPv4 and IPv6, are counted exactly in the window
# they happen in; a prefix withdrawn again and again gets a rising RFC 2439
# penalty and raises ROUTE_FLAP once suppressed.
. "$(dirname "$0")/lib.sh"

modprobe -q veth
unload_module
# routes that exist before the module is loaded
base=$(make_ns base)
ip -n "$base" link add dummy0 type dummy 2>/dev/null || modprobe -q dummy
ip -n "$base" link add dummy0 type dummy 2>/dev/null
ip -n "$base" link set dummy0 up
ip -n "$base" addr add 10.40.0.1/24 dev dummy0
for i in $(seq 1 20); do ip -n "$base" route add 10.41.$i.0/24 via 10.40.0.2; done

load_module || { not_ok "insmod"; tap_done; exit 1; }
echo 500 >/sys/kernel/nfsketch/window_ms
check "a window closed in the pre-existing namespace" wait_windows "$base" 1
first=$(ip netns exec "$base" "$NFSK" -j windows | jq '.[0]')
check "baseline: the pre-existing table is counted" \
	test "$(echo "$first" | jq .routes4)" -ge 23
check_eq "baseline: no route event in the first window" 0 \
	"$(echo "$first" | jq '.route_add4 + .route_del4 + .route_replace4')"

a=$(make_ns a)
ip netns exec "$a" sysctl -qw net.ipv6.conf.all.disable_ipv6=0
ip -n "$a" link add dummy0 type dummy
ip -n "$a" link set dummy0 up
ip -n "$a" addr add 10.50.0.1/24 dev dummy0
ip -n "$a" addr add fd50::1/64 dev dummy0 nodad
check "namespace a settled" wait_windows "$a" 2
w0=$(windows_closed "$a")
t4=$(stat "$a" routes4)
t6=$(stat "$a" routes6)

ip -n "$a" route add 10.60.0.0/24 via 10.50.0.2
ip -n "$a" route add 10.61.0.0/24 via 10.50.0.2
ip -n "$a" route replace 10.60.0.0/24 via 10.50.0.3
ip -n "$a" route del 10.61.0.0/24
ip -n "$a" -6 route add fd60::/64 via fd50::2
ip -n "$a" -6 route replace fd60::/64 via fd50::3
ip -n "$a" -6 route add fd61::/64 via fd50::2
ip -n "$a" -6 route del fd61::/64
check "windows closed after the changes" wait_windows "$a" 2
w1=$(windows_closed "$a")
win=$(ip netns exec "$a" "$NFSK" -j windows | jq "[.[] | select(.id > $w0 and .id <= $w1)]")
sum() { echo "$win" | jq "[.[].$1] | add // 0"; }
check_eq "IPv4 adds" 2 "$(sum route_add4)"
check_eq "IPv4 replaces" 1 "$(sum route_replace4)"
check_eq "IPv4 deletes" 1 "$(sum route_del4)"
check_eq "IPv6 adds" 2 "$(sum route_add6)"
check_eq "IPv6 replaces" 1 "$(sum route_replace6)"
check_eq "IPv6 deletes" 1 "$(sum route_del6)"
check_eq "IPv4 table size" $((t4 + 1)) "$(stat "$a" routes4)"
check_eq "IPv6 table size" $((t6 + 1)) "$(stat "$a" routes6)"

# A flapping prefix: each withdraw adds 1000, decaying slowly (15 min
# half-life): the penalties after successive withdraws rise.
for i in 1 2 3; do
	ip -n "$a" route add 10.70.0.0/24 via 10.50.0.2
	ip -n "$a" route del 10.70.0.0/24
done
pen=$(ip netns exec "$a" "$NFSK" -j routes |
	jq -c '[.[] | select(.prefix == "10.70.0.0/24" and .event == "del") | .penalty]')
check "flap penalty rises with each withdraw ($pen)" \
	python3 -c "import json,sys; p=json.loads('$pen'); sys.exit(not (len(p) == 3 and p[0] < p[1] < p[2] and 990 <= p[0] <= 1000 and p[2] > 2000))"
check "windows closed after the flaps" wait_windows "$a" 2
check "ROUTE_FLAP raised" test "$(ip netns exec "$a" "$NFSK" -j windows |
	jq '[.[] | select(.flag_names | index("ROUTE_FLAP"))] | length')" -ge 1

check "rmmod" rmmod nfsketch
tap_done
