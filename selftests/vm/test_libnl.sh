#!/bin/bash
# A second client, on libnl-genl-3 (build/nfsk_libnl_client, its own
# policies and parsing), against the libmnl CLI: the same stats, the same
# windows (ids, packets, bytes), and WINDOW_NTF events on the "events" group
# for every closed window while someone listens.
. "$(dirname "$0")/lib.sh"

CLIENT=$NFSK_TOP/build/nfsk_libnl_client
N=10	# pings: 2 ICMP packets each in namespace a

[ -x "$CLIENT" ] || { not_ok "$CLIENT not built (make all)"; tap_done; exit 1; }
modprobe -q veth
load_module || { not_ok "insmod"; tap_done; exit 1; }
echo 500 >/sys/kernel/nfsketch/window_ms

a=$(make_ns a)
b=$(make_ns b)
no_ipv6 "$a"
no_ipv6 "$b"
veth_pair "$a" 10.97.0.1/24 "$b" 10.97.0.2/24
L() { ip netns exec "$a" "$CLIENT" "$@"; }

check "a window closed in a" wait_windows "$a" 1
p0=$(stat "$a" packets)
pings() { ip netns exec "$a" ping -q -c $N -i 0.05 -W 60 10.97.0.2 >/dev/null; }
check "$N pings from a to b" pings
check "a quiet window after the pings" wait_quiet "$a"

# ---- stats: libnl == libmnl, with no traffic between the reads -----------
# Read libnl, CLI, libnl: when the two libnl reads differ a packet slipped
# in (retry); when they agree the CLI must agree too.
same=""
for _ in 1 2 3; do
	l1=$(L stats)
	c=$(ip netns exec "$a" "$NFSK" -j stats | jq -r '"packets=\(.packets) bytes=\(.bytes)"')
	l2=$(L stats)
	[ "$l1" = "$l2" ] && { same=1; break; }
	echo "# traffic between the reads ($l1 / $l2), again"
done
check "libnl stats stable between two reads" test -n "$same"
check_eq "libnl stats = nfsketch -j stats" "$c" "$l1"
check "libnl stats format ($l1)" eval 'echo "$l1" | grep -Eqx "packets=[0-9]+ bytes=[0-9]+"' 
pk=$(echo "$l1" | sed 's/packets=\([0-9]*\).*/\1/')
check_eq "packets since the pings (2 per ping)" $((2 * N)) $((pk - p0))

# ---- windows: same ids, packets and bytes --------------------------------
# Windows keep closing (500 ms): compare the ids both dumps hold, up to the
# newest both saw; closed windows never change.
lw=$(L windows)
cw=$(ip netns exec "$a" "$NFSK" -j windows | jq -r '.[] | "id=\(.id) packets=\(.packets) bytes=\(.bytes)"')
well_formed() { ! echo "$lw" | grep -Evqx 'id=[0-9]+ packets=[0-9]+ bytes=[0-9]+'; }
check "libnl windows dump lines well-formed" well_formed
last() { echo "$1" | tail -n 1 | sed 's/^id=\([0-9]*\).*/\1/'; }
upto=$(( $(last "$lw") < $(last "$cw") ? $(last "$lw") : $(last "$cw") ))
cut_at() { echo "$1" | awk -v m="$upto" '{ split($1, f, "="); if (f[2] + 0 <= m) print }'; }
lw_c=$(cut_at "$lw")
cw_c=$(cut_at "$cw")
check "windows dumps not empty ($(echo "$lw_c" | wc -l) windows up to id $upto)" \
	test "$(echo "$lw_c" | wc -l)" -ge 2
if [ "$cw_c" = "$lw_c" ]; then
	ok "libnl windows = nfsketch -j windows (ids, packets, bytes of $(echo "$lw_c" | wc -l) windows)"
else
	not_ok "libnl windows != nfsketch -j windows: $(diff <(echo "$cw_c") <(echo "$lw_c") | grep '^[<>]' | head -n 6 | paste -sd ' ')"
fi
wsum=$(echo "$lw_c" | sed 's/.*packets=\([0-9]*\).*/\1/' | paste -sd+ | bc)
check "window packets in the libnl dump cover the pings ($wsum)" test "$wsum" -ge $((2 * N))

# ---- events: WINDOW_NTF for every closed window --------------------------
ev=$(L listen 2 20 window 2>&1)
rc=$?
echo "$ev" | sed 's/^/# /'
check_eq "listen 2 20 exits 0" 0 "$rc"
nwin=$(echo "$ev" | grep -c '^type=window id=[0-9]*$')
check "at least 2 WINDOW_NTF received ($nwin)" test "$nwin" -ge 2
# consecutive window ids, each one present in the windows dump
ids=$(echo "$ev" | sed -n 's/^type=window id=//p')
consecutive() { echo "$ids" | awk 'NR > 1 && $1 != prev + 1 { exit 1 } { prev = $1 }'; }
check "WINDOW_NTF ids are consecutive ($(echo "$ids" | paste -sd " "))" consecutive
dump=$(ip netns exec "$a" "$NFSK" -j windows | jq -r '.[].id')
first=$(echo "$ids" | head -n 1)
in_dump() { echo "$dump" | grep -qx "$first"; }
check "notified window $first is in the dump" in_dump
check_eq "listen with nothing to hear times out with 1" 1 \
	"$(L listen 1 1 route >/dev/null 2>&1; echo $?)"
check_eq "usage error exits 2" 2 "$(L listen 0 5 >/dev/null 2>&1; echo $?)"

check "rmmod" rmmod nfsketch
check_eq "libnl client without the module exits 1" 1 "$(L stats >/dev/null 2>&1; echo $?)"
tap_done
