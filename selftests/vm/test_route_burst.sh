#!/bin/bash
# ROUTE_WITHDRAW_BURST from `ip route` in a test namespace: more than
# withdraw_burst_permille of a table's routes of one protocol withdrawn in a
# window, at least withdraw_burst_min: exactly one alert and one flagged
# window for a session loss, none over a clean run of many windows.
# Oracles: what the test itself did (how many routes, which were withdrawn
# in which window) and `ip route show`. (DEFAULT_ROUTE_LOST:
# test_route_default.sh.)
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/route_anom_lib.sh"
route_anom_setup burst
nroutes() { ip -n "$s" -4 route show table main proto static | wc -l; }

# ---- a session loss: 300 of 400 static routes withdrawn in one window ----
for ((i = 0; i < 400; i++)); do
	echo "route add 10.80.$((i / 250)).$((i % 250))/32 via 10.60.0.2 proto static"
done >"$tmp/add400"
ip -n "$s" -batch "$tmp/add400"
check_eq "400 static routes in main (ip route)" 400 "$(nroutes)"
# the 400 are in the table when the window opens
open_long_window "$s"
w=$(open_window_id "$s")
head -n 300 "$tmp/add400" | sed 's/^route add \([^ ]*\) .*/route del \1/' >"$tmp/del300"
ip -n "$s" -batch "$tmp/del300"
check_eq "100 left (ip route)" 100 "$(nroutes)"
close_window "$s" 1000 || true
check "window $w closed" wait_for 30 has_window "$w"
# more than half of 400: the 201st withdrawal raised it, once
nburst() { [ "$(alerts ROUTE_WITHDRAW_BURST | wc -l)" -ge 1 ]; }
check "a WITHDRAW_BURST alert arrives" wait_for 30 nburst
check_eq "exactly one WITHDRAW_BURST: window, IPv4, main, static, 201 of 400" \
	"$w 4 254 static 201 400 -" "$(alerts ROUTE_WITHDRAW_BURST)"
check_eq "window $w (and only it) flagged ROUTE_WITHDRAW_BURST" "$w" \
	"$(flagged ROUTE_WITHDRAW_BURST)"

# ---- a clean run: 60 of the routes withdrawn and re-added in 6 windows ----
# (below withdraw_burst_min), then 100 of 400 in one window (below the
# share), over windows of 1 s: no burst anywhere
head -n 300 "$tmp/add400" >"$tmp/readd300"
ip -n "$s" -batch "$tmp/readd300"
head -n 60 "$tmp/del300" >"$tmp/flap60"
head -n 60 "$tmp/add400" >>"$tmp/flap60"
start=$(windows_closed "$s")
for ((r = 0; r < 6; r++)); do
	ip -n "$s" -batch "$tmp/flap60"
	wait_windows "$s" 1
done
open_long_window "$s"
head -n 100 "$tmp/del300" >"$tmp/del100"
ip -n "$s" -batch "$tmp/del100"
check_eq "300 left (ip route)" 300 "$(nroutes)"
close_window "$s" 1000 || true
check "clean run: $(( $(windows_closed "$s") - start )) windows" \
	test $(($(windows_closed "$s") - start)) -ge 6
check_eq "clean run: still one WITHDRAW_BURST alert" 1 \
	"$(alerts ROUTE_WITHDRAW_BURST | wc -l)"
check_eq "clean run: still only window $w flagged" "$w" \
	"$(flagged ROUTE_WITHDRAW_BURST)"

echo "# $(grep -c . "$tmp/mon") monitor lines, $(wc -l <"$tmp/mon.err") warnings"

check "rmmod" unload_module
tap_done
