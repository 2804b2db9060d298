#!/bin/bash
# sysfs tunables: valid writes change the default of new namespaces, bad
# ones are rejected with EINVAL and change nothing.
. "$(dirname "$0")/lib.sh"

load_module || { not_ok "insmod"; tap_done; exit 1; }
d=/sys/kernel/nfsketch

check_eq "cms_width default" 8192 "$(cat $d/cms_width)"
check "write a valid cms_width" sh -c "echo 4096 > $d/cms_width"
check_eq "cms_width changed" 4096 "$(cat $d/cms_width)"

bad() {
	local file=$1 val=$2 before
	before=$(cat "$d/$file")
	if sh -c "echo '$val' > $d/$file" 2>/dev/null; then
		not_ok "$file=$val accepted"
	else
		check_eq "$file=$val rejected, unchanged" "$before" "$(cat "$d/$file")"
	fi
}
bad cms_width 1000		# not a power of two
bad cms_width 0
bad cms_width -1
bad cms_width 99999999999999999999999
bad cms_width abc
bad cms_width ""
bad cms_depth 9			# above the range
bad window_ms 10		# below the range
bad sah_entries 100
bad flap_reuse 5000		# not below flap_suppress
bad history 2			# below min_history
check "version is read-only" sh -c "! echo 1 > $d/version 2>/dev/null"

# A new namespace starts from the defaults; an existing one keeps its own.
a=$(make_ns a)
check_eq "new namespace has the new default" 4096 \
	"$(ip netns exec "$a" "$NFSK" -j config get | jq .cms_width)"
echo 1024 >$d/cms_width
check_eq "existing namespace keeps its width" 4096 \
	"$(ip netns exec "$a" "$NFSK" -j config get | jq .cms_width)"

# CONFIG_SET validation: the CLI checks against the tunables table first
# (a usage error, exit 2, naming the key and its range); the module's own
# check with its extack is test_policy's (raw netlink)
out=$(ip netns exec "$a" "$NFSK" config set cms_width=1000 2>&1)
check "config set rejects a bad width with a message ($out)" \
	sh -c "echo '$out' | grep -q 'cms_width=1000: not a power of two in 64..1048576'"
check_eq "config set of a bad width exits 2" 2 \
	"$(ip netns exec "$a" "$NFSK" config set cms_width=1000 2>/dev/null; echo $?)"
check "config set of a good value" ip netns exec "$a" "$NFSK" config set window_ms=700
check "windows close at the new length" wait_windows "$a" 2
first=$(ip netns exec "$a" "$NFSK" -j windows | jq '.[0].id')
check "a new width" ip netns exec "$a" "$NFSK" config set cms_width=512
check_eq "value applied" 512 "$(ip netns exec "$a" "$NFSK" -j config get | jq .cms_width)"
check "windows close after the new width" wait_windows "$a" 2
check_eq "the sketch has the new width" 512 "$(ip netns exec "$a" "$NFSK" -j sketch | jq .width)"
check_eq "the history survived the new width" "$first" \
	"$(ip netns exec "$a" "$NFSK" -j windows | jq '.[0].id')"

# memory accounting: a namespace's memory comes back when it goes. First
# let a's new geometry take over (two closes: the old banks go at the first,
# the old window sketch at the second), so that nothing else moves.
check "namespace a's rebuild done" wait_windows "$a" 3
m0=$(cat $d/mem_bytes)
b=$(make_ns b)
m1=$(cat $d/mem_bytes)
check "a namespace costs memory ($m0 -> $m1)" test "$m1" -gt "$m0"
ip netns del "$b"
back() { [ "$(cat $d/mem_bytes)" = "$m0" ]; }
check "its memory is returned when it goes" wait_for 20 back

check "rmmod" rmmod nfsketch
tap_done
