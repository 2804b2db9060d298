#!/bin/bash
# A nexthop is not a prefix: IPv4 and IPv6 multipath routes, `append`,
# per-nexthop deletes, nexthop objects and routes differing only in metric
# or TOS change a prefix (replace) but never add or withdraw it. Oracles:
# the add/del/replace each command must cause, written out by hand from
# what the kernel's fib notifier sends, and the kernel's own table (`ip
# route show table all`, one prefix per table and destination) for routes4
# and routes6.
. "$(dirname "$0")/lib.sh"

load_module || { not_ok "insmod"; tap_done; exit 1; }
echo 500 >/sys/kernel/nfsketch/window_ms

a=$(make_ns ecmp)
ip netns exec "$a" sysctl -qw net.ipv6.conf.all.disable_ipv6=0
ip -n "$a" link add dummy0 type dummy
ip -n "$a" link set dummy0 up
ip -n "$a" addr add 10.50.0.1/24 dev dummy0
ip -n "$a" addr add fd50::1/64 dev dummy0 nodad

# prefixes of the kernel's tables: distinct (table, destination)
kernel_prefixes() {
	ip -n "$a" "-$1" -j route show table all |
		jq '[.[] | [(.table // "main"), .dst]] | unique | length'
}
tables_match() {
	[ "$(stat "$a" routes4)" = "$(kernel_prefixes 4)" ] &&
	[ "$(stat "$a" routes6)" = "$(kernel_prefixes 6)" ]
}
check "namespace settled" wait_windows "$a" 2
check "baseline: routes4 $(stat "$a" routes4) / routes6 $(stat "$a" routes6) = kernel $(kernel_prefixes 4) / $(kernel_prefixes 6)" \
	wait_for 10 tables_match
w0=$(windows_closed "$a")

r() { ip -n "$a" "$@" || not_ok "ip $*"; }
# IPv4: add 3, replace 5, del 3
r route add 10.80.0.0/24 metric 100 nexthop via 10.50.0.2 nexthop via 10.50.0.3 # add
r route append 10.80.0.0/24 via 10.50.0.4 metric 100 # second alias: not notified
r route replace 10.80.0.0/24 metric 100 nexthop via 10.50.0.2 # first alias changed: replace
r route add 10.80.0.0/24 via 10.50.0.5 metric 50 # new first alias: replace
r route add 10.81.0.0/24 via 10.50.0.2 tos 0x10 # add
r route add 10.81.0.0/24 via 10.50.0.3          # behind the TOS route: nothing
r route del 10.80.0.0/24 via 10.50.0.5 metric 50 # next alias first: replace
r route del 10.80.0.0/24 via 10.50.0.2 metric 100 # next alias first: replace
r route del 10.80.0.0/24                        # last alias: del
r route del 10.81.0.0/24 tos 0x10               # next alias: replace
r route del 10.81.0.0/24                        # del
# nexthop objects: add 1 v4 + 1 v6, their removal deletes both
r nexthop add id 101 via 10.50.0.2 dev dummy0
r nexthop add id 102 via 10.50.0.3 dev dummy0
r nexthop add id 100 group 101/102
r nexthop add id 201 via fd50::2 dev dummy0
r nexthop add id 202 via fd50::3 dev dummy0
r nexthop add id 200 group 201/202
r route add 10.82.0.0/24 nhid 100               # add
r -6 route add fd82::/64 nhid 200               # add
r nexthop replace id 100 group 101              # no fib notification
r nexthop del id 100                            # del (v4)
r nexthop del id 200                            # del (v6)
# IPv6: add 2, replace 4, del 2
r -6 route add fd80::/64 nexthop via fd50::2 nexthop via fd50::3 # add
r -6 route append fd80::/64 via fd50::4        # append: replace
r -6 route add fd80::/64 via fd50::5 metric 2048 # not first: nothing
r -6 route del fd80::/64 via fd50::3           # one nexthop: replace
check_eq "mid-way: routes6 equals the kernel's" "$(kernel_prefixes 6)" "$(stat "$a" routes6)"
check_eq "mid-way: routes4 equals the kernel's" "$(kernel_prefixes 4)" "$(stat "$a" routes4)"
r -6 route del fd80::/64 via fd50::2           # one nexthop: replace
r -6 route del fd80::/64 via fd50::4           # metric 2048 now first: replace
r -6 route del fd80::/64 via fd50::5 metric 2048 # del
r -6 route add fd81::/64 nexthop via fd50::2 nexthop via fd50::3 # add
r -6 route del fd81::/64                       # all nexthops: del

check "windows closed after the changes" wait_windows "$a" 2
w1=$(windows_closed "$a")
win=$(ip netns exec "$a" "$NFSK" -j windows | jq "[.[] | select(.id > $w0 and .id <= $w1)]")
sum() { echo "$win" | jq "[.[].$1] | add // 0"; }
check_eq "IPv4 adds" 3 "$(sum route_add4)"
check_eq "IPv4 replaces" 5 "$(sum route_replace4)"
check_eq "IPv4 deletes" 3 "$(sum route_del4)"
check_eq "IPv6 adds" 3 "$(sum route_add6)"
check_eq "IPv6 replaces" 4 "$(sum route_replace6)"
check_eq "IPv6 deletes" 3 "$(sum route_del6)"
check_eq "routes4 equals the kernel's" "$(kernel_prefixes 4)" "$(stat "$a" routes4)"
check_eq "routes6 equals the kernel's" "$(kernel_prefixes 6)" "$(stat "$a" routes6)"
# A nexthop added or removed is a change (500), not a withdraw (1000):
# fd80::/64 saw 4 changes and 1 withdraw, 3,000 (less decay); with the
# nexthop deletes counted as withdraws it was 3,500.
pen=$(ip netns exec "$a" "$NFSK" -j routes |
	jq '[.[] | select(.prefix == "fd80::/64") | .penalty] | max')
check "fd80::/64 penalty 4 x 500 + 1000 less decay ($pen)" test "$pen" -le 3000 -a "$pen" -ge 2500

check "rmmod" rmmod nfsketch
tap_done
