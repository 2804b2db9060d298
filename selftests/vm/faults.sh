#!/bin/bash
# Injected faults (a kernel with CONFIG_FAULT_INJECTION, FAILSLAB,
# FAIL_PAGE_ALLOC and debugfs: the debug kernel). Module init, namespace
# creation, CONFIG_SET resizing, dumps and doit replies fail at every
# allocation in turn (fault_nth.py: /proc/thread-self/fail-nth, N = 1, 2, ...
# until the operation completes without reaching N). Each failure must give
# an error (with the extack where the module sets one), leave the previous
# state (no module half-loaded, config unchanged, mem_bytes back), leak
# nothing (kmemleak after the final rmmod) and log no splat.
#
# On a kernel without fault injection: one "# SKIP" line (the debug-kernel
# run, scripts/vm-run.sh -k debug, counts a SKIP as a failure).
#
# NFSK_FAULT_OPS: the operations to run (default all: insmod netns
# config_set dumps events); what is left out is said in a comment line.
# NFSK_FAULT_STRIDE=S, NFSK_FAULT_OFFSET=O: every S-th allocation only
# (fault_nth.py; make check samples, make check-faults tries all).
. "$(dirname "$0")/lib.sh"

dbg=/sys/kernel/debug
if [ ! -e /proc/self/fail-nth ] || [ ! -d $dbg/failslab ] || [ ! -d $dbg/fail_page_alloc ]; then
	echo "ok 1 - injected faults # SKIP no fault injection in this kernel"
	echo "1..1"
	exit 0
fi

PY=python3
FNTH=$NFSK_TOP/selftests/vm/fault_nth.py
out=${NFSK_RUN:-/tmp}/faults.jsonl
export NFSK_FAULT_LOG=${NFSK_RUN:-/tmp}/faults-kmsg.log
: >"$out"
: >"$NFSK_FAULT_LOG"

# Every GFP_KERNEL allocation counts (the defaults skip those that may
# sleep), of any order, user pages excepted; the stack of each injected
# fault goes to the log (verbose=2) but not to the slow serial console.
for f in failslab fail_page_alloc; do
	echo N >$dbg/$f/ignore-gfp-wait
	echo 2 >$dbg/$f/verbose
	echo 0 >$dbg/$f/verbose_ratelimit_interval_ms 2>/dev/null
done
echo N >$dbg/failslab/cache-filter
echo 0 >$dbg/fail_page_alloc/min-order
echo Y >$dbg/fail_page_alloc/ignore-gfp-highmem
read -r loglevel _ </proc/sys/kernel/printk
dmesg -n 1
on_exit "dmesg -n $loglevel"

ops=" ${NFSK_FAULT_OPS:-insmod netns config_set dumps events} "
for o in insmod netns config_set dumps events; do
	[[ $ops == *" $o "* ]] || echo "# $o: not run (NFSK_FAULT_OPS=$ops)"
done
want() { [[ $ops == *" $1 "* ]]; }
[ "${NFSK_FAULT_STRIDE:-1}" -le 1 ] ||
	echo "# sampled: N mod ${NFSK_FAULT_STRIDE} == ${NFSK_FAULT_OFFSET:-0} only (NFSK_FAULT_STRIDE, NFSK_FAULT_OFFSET)"

# fault OP [ARG]: one fault_nth.py run (in namespace $in_ns if set); its
# PASS/FAIL lines become TAP
in_ns=
fault() {
	local t0=$SECONDS line run=()
	[ -z "$in_ns" ] || run=(ip netns exec "$in_ns")
	while IFS= read -r line; do
		case $line in
		"PASS "*) ok "${line#PASS }" ;;
		"FAIL "*) not_ok "${line#FAIL }" ;;
		*) echo "$line" ;;
		esac
	done < <("${run[@]}" env NFSK_FAULT_UNDO="${NFSK_FAULT_UNDO:-}" NFSK_FAULT_TAIL="${tail:-0}" \
		NFSK_FAULT_LOG="$NFSK_FAULT_LOG" "$PY" "$FNTH" "$out" "$@" 2>&1)
	echo "# $1 ${2:-}: $((SECONDS - t0)) s"
}

# ---- module init ------------------------------------------------------------
# The module's init runs after load_module()'s allocations, its pernet init
# after every built-in one: the walk starts from the last allocation of the
# operation and goes down until the kernel's own are reached (tail=1).
unload_module
want insmod && tail=1 fault insmod "$NFSK_KO"
check "module loads after the fault loop" load_module

# ---- namespace creation -------------------------------------------------------
# Every new namespace monitored (netns_monitor=all, the default), else the
# module allocates nothing there. Its pernet init runs among the
# subsystems', before the devices' (the loopback's): not last, so a scan
# (fault_nth.py, NFSK_FAULT_SCAN) finds where, then tries every allocation
# there.
if want netns; then
	prev_monitor=$(cat /sys/kernel/nfsketch/netns_monitor)
	echo all >/sys/kernel/nfsketch/netns_monitor
	NFSK_FAULT_SCAN=${NFSK_FAULT_SCAN:-8} fault netns
	echo "$prev_monitor" >/sys/kernel/nfsketch/netns_monitor
fi

# ---- CONFIG_SET resizing, dumps and replies, in a namespace of their own ----
# bgp_sessions_at_least NS N: NS tracks N BGP sessions or more
bgp_sessions_at_least() {
	[ "$(ip netns exec "$1" "$NFSK" -j stats | jq -r .bgp_sessions)" -ge "$2" ]
}
a=$(make_ns faults) || { not_ok "namespace"; tap_done; exit; }
ip -n "$a" link add dummy0 type dummy 2>/dev/null || modprobe -q dummy
ip -n "$a" link add dummy0 type dummy 2>/dev/null
ip -n "$a" link set dummy0 up
for i in 1 2 3 4; do
	ip -n "$a" route add 10.77.$i.0/24 dev dummy0
	ip -n "$a" -6 route add fd77:$i::/64 dev dummy0
done
# windows not aligned to multiples of window_ms: the hour-long one below
# must not end at the next full hour, in the middle of the dumps
ip netns exec "$a" "$NFSK" config set window_ms=1000 window_align=0 >/dev/null
ip netns exec "$a" ping -q -c 20 -i 0.01 127.0.0.1 >/dev/null
check "two windows closed" wait_for 120 windows_at_least "$a" 2
# then a long window, so that the history does not move under the dumps:
# close_window.py's two settings (lib.sh), not a setting and then a count
# read back (on a slow guest the 1-s window had closed before the count was
# read, and the wait was for an hour-long window: seen on the debug kernel)
check "the long window started" open_long_window "$a"

# a BGP session for the BGP_GET dump: a TCP connection to port 179 on the
# namespace's loopback, with data each way (bgp_peer.py, ended by its PID)
bgp_pid=
if want dumps; then
	ip netns exec "$a" python3 "$NFSK_TOP/selftests/vm/bgp_peer.py" &
	bgp_pid=$!
	on_exit "kill $bgp_pid 2>/dev/null"
	check "a BGP session is tracked" wait_for 60 bgp_sessions_at_least "$a" 1
fi

# counts_traffic NS: 20 pings on NS's loopback raise the packets counted
# by at least 20 (each echo crosses the hooks at least once)
counts_traffic() {
	local p0 p1
	p0=$(ip netns exec "$1" "$NFSK" -j stats | jq -r .packets)
	ip netns exec "$1" ping -q -c 20 -i 0.01 127.0.0.1 >/dev/null
	p1=$(ip netns exec "$1" "$NFSK" -j stats | jq -r .packets)
	echo "# packets counted: $p0 -> $p1"
	[ "$p1" -ge $((p0 + 20)) ]
}

in_ns=$a
if want config_set; then
	# each try first sets UNDO (the geometry before), then the request:
	# every try rebuilds the sketches, the history, the heavy-hitter
	# table, the BGP table
	NFSK_FAULT_UNDO=cms_width=8192,history=360
	fault config_set cms_width=16384,history=400
	NFSK_FAULT_UNDO=cms_width=8192,cms_depth=2
	fault config_set cms_width=64,cms_depth=1
	NFSK_FAULT_UNDO=sah_entries=1024,bgp_sessions=64
	fault config_set sah_entries=4096,bgp_sessions=256
	# no rebuild: a longer window from the next boundary
	NFSK_FAULT_UNDO=window_ms=3500000
	fault config_set window_ms=3600000
	check "the module still counts traffic after the failed CONFIG_SETs" counts_traffic "$a"
fi
if want dumps; then
	for op in dump_windows dump_sketch dump_routes dump_bgp topk stats config_get; do
		fault "$op"
	done
	check "the module still counts traffic after the failed dumps" counts_traffic "$a"
	kill "$bgp_pid" 2>/dev/null
	wait "$bgp_pid" 2>/dev/null
fi

# ---- event sends (the sender work, a kworker) ------------------------------
e=$(make_ns events) || { not_ok "namespace"; tap_done; exit; }
ip netns exec "$e" "$NFSK" config set window_ms=500 >/dev/null
in_ns=$e
want events && fault events

# ---- after the final rmmod: nothing leaked, nothing logged -----------------
# kmemleak prints a backtrace's symbols when it is read: after the rmmod
# the module's frames are bare addresses in the module area. So a scan
# while the module is loaded (its frames named "[nfsketch]"; what it still
# holds is referenced), and one after the rmmod where an entry fails that
# names nfsketch or has a bare frame in the module area (the debug kernel
# has no other module loaded).
# nfsk_leaks FILE: the entries of FILE that point at the module; with
# "kernel", those that 6.1's SLUB leaks itself: a kmem_cache_create() whose
# sysfs_slab_add() failed (an injected fault in kobject_init_and_add() or
# sysfs_create_group()) returns NULL without a kobject_put(), so the
# kobject's name (kstrdup_const) stays allocated (mm/slub.c,
# sysfs_slab_add() error path and __kmem_cache_create()); the module's
# nfsk_route_cache_init() is the caller, the leak is not its own.
nfsk_leaks() {
	awk -v want="${2:-module}" '
	function flush() { if (e != "" && bad && (kern == (want == "kernel"))) printf "%s", e }
	/^unreferenced object/ { flush(); e = ""; bad = 0; kern = 0 }
	{ e = e $0 "\n" }
	/\[nfsketch\]/ || /\] 0xffffffff[a-f][0-9a-f]+$/ { bad = 1 }
	/ sysfs_slab_add\+/ { kern = 1 }
	END { flush() }' "$1"
}
kmemleak_check() {
	local what=$1 f=${NFSK_RUN:-/tmp}/kmemleak-faults-$1 n k
	# an object is reported once it is 5 s old (kmemleak's fixed minimum
	# age) and unreferenced in two scans
	sleep 6
	echo scan >$dbg/kmemleak
	echo scan >$dbg/kmemleak
	cat $dbg/kmemleak >"$f"
	n=$(nfsk_leaks "$f" | grep -c '^unreferenced object')
	k=$(nfsk_leaks "$f" kernel | grep -c '^unreferenced object')
	echo "# kmemleak $what: $(grep -c "^unreferenced object" "$f") reports in all, $n of nfsketch, $k names of slab caches whose creation failed (SLUB's own leak, see nfsk_leaks) ($f)"
	check_eq "kmemleak $what: nothing allocated by nfsketch left behind" 0 "$n"
	[ "$n" -eq 0 ] || nfsk_leaks "$f" | head -60 | sed 's/^/# /'
}
if [ -w $dbg/kmemleak ]; then
	kmemleak_check "before the final rmmod"
	check "rmmod" unload_module
	kmemleak_check "after the final rmmod"
else
	check "rmmod" unload_module
	not_ok "kmemleak: not in this kernel"
fi
# the records the fault loops read from /dev/kmsg (they do not reach the
# console): the same check as dmesg's
if scripts_out=$("$NFSK_TOP/scripts/splat-check.sh" "$NFSK_FAULT_LOG"); then
	ok "no splat in $(wc -l <"$NFSK_FAULT_LOG") lines of kernel log during the faults"
else
	not_ok "splat during the faults"
	echo "$scripts_out" | head -20 | sed 's/^/# /'
fi
points=$(jq -s '[.[] | select(.in_module)] | length' "$out")
sites=$(jq -r -s '[.[] | select(.in_module) | .site] | unique | length' "$out")
all=$(jq -s 'length' "$out")
echo "# $all faults injected, $points in nfsketch at $sites distinct functions"
jq -r -s 'group_by([.op, .site, .error, .extack, .state]) | .[] |
	"# \(.[0].op)\t\(.[0].site)\(if .[0].in_module then " [nfsketch]" else "" end)\t\(.[0].error)\t\(.[0].extack // "-")\t\(.[0].state)\t\(length)"' "$out"
tap_done
