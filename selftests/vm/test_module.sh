#!/bin/bash
# The module loads, exposes its version, counts exactly the packets that
# cross its hooks in each namespace, and unloads cleanly.
. "$(dirname "$0")/lib.sh"

modprobe -q veth
unload_module
# vm-run.sh hands over the module built for the booted kernel
check_eq "the module is built for the running kernel" "$(uname -r)" \
	"$(modinfo -F vermagic "$NFSK_KO" | cut -d' ' -f1)"
check "insmod nfsketch.ko" insmod "$NFSK_KO"
check_eq "sysfs version" "$(sed -n 's/.*NFSKETCH_VERSION[^"]*"\(.*\)"/\1/p' "$NFSK_TOP/kmod/nfsketch.h")" \
	"$(cat /sys/kernel/nfsketch/version 2>/dev/null)"

a=$(make_ns a)
b=$(make_ns b)
no_ipv6 "$a"
no_ipv6 "$b"
veth_pair "$a" 10.99.0.1/24 "$b" 10.99.0.2/24

init_before=$("$NFSK" -j stats | jq -r .packets)
a_before=$(stat "$a" packets)
a_bytes_before=$(stat "$a" bytes)
b_before=$(stat "$b" packets)

# N echo requests of 56 bytes of payload: 84-byte IPv4 packets. Namespace a
# sends N (LOCAL_OUT) and receives N replies (PRE_ROUTING); so does b.
N=50
ip netns exec "$a" ping -q -c $N -i 0.01 -W 60 10.99.0.2 >/dev/null
ok "sent $N pings"
check_eq "packets counted in a" $((a_before + 2 * N)) "$(stat "$a" packets)"
check_eq "bytes counted in a" $((a_bytes_before + 2 * N * 84)) "$(stat "$a" bytes)"
check_eq "packets counted in b" $((b_before + 2 * N)) "$(stat "$b" packets)"
check_eq "nothing in the initial namespace" "$init_before" "$("$NFSK" -j stats | jq -r .packets)"

check "rmmod nfsketch" rmmod nfsketch
check "sysfs directory gone" test ! -e /sys/kernel/nfsketch
tap_done
