#!/bin/bash
# The route set's memory in mem_bytes: its entries and its rhashtable's
# bucket array, which the kernel resizes on its own. After 3,000 routes
# (oracle: `ip route`) the array has grown by rhashtable's rule (a power
# of two, at most 75 % full); a namespace's mem_bytes grows by what
# route_track_bytes (entries and buckets) grows, so does the module's
# total, and the total is back to its value exactly once the namespace
# is gone.
. "$(dirname "$0")/lib.sh"

N=3000
unload_module
load_module || { not_ok "insmod"; tap_done; exit 1; }
modprobe -q dummy
sysmem() { cat /sys/kernel/nfsketch/mem_bytes; }
st() { ip netns exec "$ns" "$NFSK" -j stats | jq -r "$1"; }

sys_before=$(sysmem)
ns=$(make_ns rmem)
ip -n "$ns" link add dummy0 type dummy
ip -n "$ns" link set dummy0 up
check "namespace settled" wait_windows "$ns" 1
read -r m0 t0 e0 <<<"$(st '"\(.mem_bytes) \(.route_track_bytes) \(.route_track_entries)"')"
s0=$(sysmem)
echo "# before: mem_bytes $m0, route_track_bytes $t0, entries $e0, module $s0"

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
for i in $(seq 0 $((N - 1))); do
	echo "route add 10.$((i / 256)).$((i % 256)).0/24 dev dummy0 proto static"
done >"$tmp/batch"
ip netns exec "$ns" ip -batch "$tmp/batch"
routes=$(ip -n "$ns" -4 route show table all | wc -l)
echo "# ip route: $routes IPv4 routes in all tables"

# entries counted and the array resized (rhashtable's worker): the bytes
# beyond the entries' are a power of two of 8-byte buckets, above 4/3 of
# the entries
settled() {
	local e b
	read -r e b <<<"$(st '"\(.route_track_entries) \(.route_track_bytes)"')"
	[ "$e" -eq $((e0 + N)) ] || return 1
	b=$(((b - e * 56) / 8))
	[ $((b & (b - 1))) -eq 0 ] && [ $((b * 3)) -ge $((e * 4)) ]
}
check "the set holds the $N routes, its bucket array grown" wait_for 120 settled
read -r m1 t1 e1 <<<"$(st '"\(.mem_bytes) \(.route_track_bytes) \(.route_track_entries)"')"
s1=$(sysmem)
echo "# after: mem_bytes $m1, route_track_bytes $t1, entries $e1, module $s1"
check_eq "entries: the routes added" $((e0 + N)) "$e1"
check "buckets grew (route_track_bytes more than the entries' 56 bytes each)" \
	test $((t1 - t0)) -gt $((N * 56))
check_eq "mem_bytes grew by route_track_bytes' growth (entries and buckets)" \
	$((t1 - t0)) $((m1 - m0))
check_eq "module total grew by the same" $((t1 - t0)) $((s1 - s0))

# the namespace gone: its set, entries and array, leaves the total
kill_ns() { ip netns del "$ns"; }
kill_ns
back() { [ "$(sysmem)" = "$sys_before" ]; }
check "module total back to its value before the namespace" wait_for 60 back
echo "# module total: before $sys_before, now $(sysmem)"
tap_done
